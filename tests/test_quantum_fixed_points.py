"""Fixed points of the force field: the paper's Fig. 2, the literal hopping, stability, flow lines."""

import json

import numpy as np
import pytest

from lindhydro.quantum.fixed_points import find_fixed_points
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import forces
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.spectrum import diagonalize


@pytest.fixture(scope="module")
def fig2():
    return find_fixed_points(ChainParameters(n_sites=12, gamma=0.9, J=1.0, delta=1.0, jprime=0.01))


def test_fig2_bistability(fig2):
    """N = 12, γ = 0.9, J = Δ = 1, J' = 0.01: stable m ≈ ±0.7, unstable m = 0 at e ≈ 0.55."""
    stable, unstable = fig2.stable, fig2.unstable
    assert len(stable) == 2 and len(unstable) == 1 and fig2.bistable
    lo, hi = sorted(stable, key=lambda p: p.m)
    assert 0.65 < hi.m < 0.75 and lo.m == pytest.approx(-hi.m, abs=1e-8)
    assert lo.e == pytest.approx(hi.e, abs=1e-8)
    u = unstable[0]
    assert abs(u.m) < 1e-8 and u.e == pytest.approx(0.55, abs=0.01)
    # saddle: one positive, one negative real eigenvalue; stable points: both negative
    ev = np.real(u.jacobian_eigenvalues)
    assert ev[0] < 0 < ev[1]
    for p in stable:
        assert max(z.real for z in p.jacobian_eigenvalues) < 0
        assert p.residual < 1e-10
        assert np.linalg.eigvalsh(p.noise).min() > 0
    # hotter than infinite temperature: λ2 < 0 at every fixed point
    assert all(p.lam[1] < 0 for p in fig2.points)


def test_flow_lines_run_from_unstable_to_stable(fig2):
    assert len(fig2.paths) == 2
    ends = sorted(path[-1, 0] for path in fig2.paths)
    hi = max(p.m for p in fig2.stable)
    np.testing.assert_allclose(ends, [-hi, hi], atol=1e-4)
    for path in fig2.paths:
        assert abs(path[0, 0]) < 2e-3 and path[0, 1] == pytest.approx(fig2.unstable[0].e, abs=2e-3)
        # m moves monotonically away from 0 along the unstable manifold
        assert np.all(np.diff(np.abs(path[:, 0])) > -1e-9)


def test_literal_hopping_has_no_bistability():
    res = find_fixed_points(ChainParameters(n_sites=12, hopping="literal"), paths=False)
    assert len(res.stable) == 1 and not res.bistable
    assert abs(res.stable[0].m) < 1e-8
    assert not res.unstable


def test_weak_alignment_has_single_fixed_point():
    """γ = 0.5 < 4/5: the σˣ bath wins, only the m = 0 state survives (isotropic hopping)."""
    res = find_fixed_points(ChainParameters(n_sites=10, gamma=0.5), paths=False)
    assert len(res.points) == 1 and res.points[0].stable and abs(res.points[0].m) < 1e-8


def test_fixed_points_are_zeros_and_nearly_size_independent(fig2):
    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=10)))
    res10 = find_fixed_points(ens, paths=False)
    for p in res10.points:
        np.testing.assert_allclose(forces(ens, p.lam), 0.0, atol=1e-10)
    m10 = max(p.m for p in res10.stable)
    m12 = max(p.m for p in fig2.stable)
    assert abs(m10 - m12) < 0.02


def test_result_is_json_ready(fig2):
    d = json.loads(json.dumps(fig2.to_dict()))
    assert d["parameters"]["n_sites"] == 12 and d["parameters"]["gamma"] == 0.9
    fp = d["fixed_points"]
    assert len(fp) == 3 and {"m", "e", "lambda", "stable", "jacobian_eigenvalues", "noise"} <= set(fp[0])
    assert all(isinstance(z, float) for z in fp[1]["jacobian_eigenvalues"])  # real eigenvalues
    assert np.asarray(fp[0]["noise"]).shape == (2, 2)


@pytest.mark.slow
def test_fixed_points_converged_in_system_size_up_to_n14(fig2):
    """The hot fixed points are converged in N: N = 14 agrees with N = 12 to 1e-6 (noise 1e-5)."""
    res = find_fixed_points(ChainParameters(n_sites=14), paths=False)
    assert [p.stable for p in res.points] == [p.stable for p in fig2.points]
    for a, b in zip(res.points, fig2.points, strict=True):
        assert a.m == pytest.approx(b.m, abs=1e-6) and a.e == pytest.approx(b.e, abs=1e-6)
        np.testing.assert_allclose(a.noise, b.noise, atol=1e-5)  # N22 moves by 4e-6
