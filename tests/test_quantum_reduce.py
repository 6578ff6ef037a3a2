"""Order-parameter reduction: slow manifold, odd polynomial force, noise at the stable point."""

import json

import numpy as np
import pytest

from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import forces
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.reduce import reduce_to_order_parameter, slow_manifold
from lindhydro.quantum.spectrum import diagonalize


@pytest.fixture(scope="module")
def hydro10():
    p = ChainParameters(n_sites=10)
    ens = GibbsEnsemble(diagonalize(p))
    return ens, reduce_to_order_parameter(p, ensemble=ens)


def test_slow_manifold_has_zero_energy_force(hydro10):
    ens, h = hydro10
    m = np.array([0.0, 0.2, 0.5, 0.8])
    e, lam, ok = slow_manifold(ens, m)
    assert ok.all()
    for i in range(len(m)):
        q = ens.densities(lam[i])
        assert q[0] == pytest.approx(m[i], abs=1e-10) and q[1] == pytest.approx(e[i], abs=1e-12)
        assert abs(forces(ens, lam[i])[1]) < 1e-10


def test_reduced_force_reproduces_fixed_points(hydro10):
    ens, h = hydro10
    assert len(h.force_coeffs) == 3 and h.degree == 5
    # the manifold passes through the fixed points: f vanishes at 0 and ±m*, slope signs right
    assert h.force(0.0) == 0.0
    assert abs(h.force(h.m_star)) < 5e-3 and abs(h.force(-h.m_star)) < 5e-3
    assert h.force_coeffs[0] > 0  # m = 0 unstable
    assert h.force(0.95) < 0 and h.force(-0.95) > 0  # confining beyond the stable points
    # the fitted polynomial's positive root is the stable fixed point
    c1, c3, c5 = h.force_coeffs
    roots = np.roots([c5, c3, c1])
    m_root = np.sqrt(roots[(roots.real > 0) & (abs(roots.imag) < 1e-12)].real).min()
    assert m_root == pytest.approx(h.m_star, abs=0.01)
    # odd data, fit residual small compared with the force scale
    np.testing.assert_allclose(h.f_values, -h.f_values[::-1], atol=1e-12)
    assert h.fit_rms < 0.05 * np.abs(h.f_values).max()
    # noise at the stable point is N11 there, between the two infinite-temperature bounds
    fp = max(h.fixed_points.stable, key=lambda p: p.m)
    assert h.noise == pytest.approx(fp.noise[0, 0]) and 0 < h.noise < 4 * (1 - 0.9) + 0.9


def test_m_star_and_noise_match_fig2_scale(hydro10):
    _, h = hydro10
    assert 0.65 < h.m_star < 0.75
    d = json.loads(json.dumps(h.to_dict()))
    assert d["parameters"]["n_sites"] == 10 and len(d["force_coeffs"]) == 3 and "units" in d


def test_bad_reduce_input():
    p = ChainParameters(n_sites=6)
    with pytest.raises(ValueError, match="odd"):
        reduce_to_order_parameter(p, degree=4)
    with pytest.raises(ValueError, match="m_max"):
        reduce_to_order_parameter(p, m_max=1.0)
    with pytest.raises(ValueError, match="ChainParameters"):
        reduce_to_order_parameter({"n_sites": 6})
