"""Gibbs ensembles: densities and susceptibilities against dense expm, the inverse map, bad q."""

import numpy as np
import pytest
import scipy.linalg

from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.model import ChainParameters, model_from_parameters
from lindhydro.quantum.spectrum import diagonalize

LAMS = [(0.0, 0.0), (0.4, 0.3), (-0.7, -0.5), (1.1, -1.3), (-0.2, 0.9)]


@pytest.fixture(scope="module")
def small():
    p = ChainParameters(n_sites=6, jprime=0.3, gamma=0.8)
    sys = model_from_parameters(p)
    Q1, H = sys.charges[0].full(), sys.hamiltonian.full()
    return p, Q1, H, GibbsEnsemble(diagonalize(p))


@pytest.mark.parametrize("lam", LAMS)
def test_densities_and_susceptibility_match_dense_expm(small, lam):
    p, Q1, H, ens = small
    rho = scipy.linalg.expm(-lam[0] * Q1 - lam[1] * H)
    rho /= np.trace(rho)
    N = p.n_sites
    q = np.array([np.trace(rho @ Q1).real, np.trace(rho @ H).real]) / N
    np.testing.assert_allclose(ens.densities(lam), q, atol=1e-12)
    ops = (Q1, H)
    chi = np.array([[np.trace(rho @ A @ B).real - N * N * q[i] * q[j] for j, B in enumerate(ops)]
                    for i, A in enumerate(ops)]) / N
    np.testing.assert_allclose(ens.susceptibility(lam), chi, atol=1e-11)
    # exact derivative: dq/dλ = −χ, checked by central differences
    h = 1e-5
    for j in range(2):
        dl = np.zeros(2)
        dl[j] = h
        fd = (ens.densities(np.add(lam, dl)) - ens.densities(np.subtract(lam, dl))) / (2 * h)
        np.testing.assert_allclose(ens.density_jacobian(lam)[:, j], fd, atol=1e-8)


def test_infinite_temperature_is_a_product_state():
    """At λ2 = 0: m = −tanh λ1 and e = Δ m² (flip-flop terms average to zero)."""
    p = ChainParameters(n_sites=8, delta=0.7, jprime=0.2)
    ens = GibbsEnsemble(diagonalize(p))
    for lam1 in (-1.5, -0.3, 0.0, 0.8):
        m, e = ens.densities((lam1, 0.0))
        assert m == pytest.approx(-np.tanh(lam1), abs=1e-13)
        assert e == pytest.approx(p.J * p.delta * m**2, abs=1e-13)


@pytest.mark.parametrize("lam", [(0.3, 0.6), (-0.5, -0.4), (1.5, -2.0), (-2.5, 3.0), (0.0, -8.0)])
def test_inverse_map_round_trip_both_sides_of_infinite_temperature(lam):
    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=10)))
    q = ens.densities(lam)
    lam_back = ens.lambdas(q)
    np.testing.assert_allclose(ens.densities(lam_back), q, atol=1e-11)
    np.testing.assert_allclose(lam_back, lam, rtol=1e-6, atol=1e-7)


def test_large_lambda_is_numerically_stable():
    """log-sum-exp: |λ| of hundreds gives finite averages (ground state / highest state)."""
    p = ChainParameters(n_sites=8)
    s = diagonalize(p)
    ens = GibbsEnsemble(s)
    m, e = ens.densities((0.0, 400.0))
    assert np.isfinite(m) and e == pytest.approx(s.energies.min() / 8, abs=1e-9)
    m, e = ens.densities((0.0, -400.0))  # top of the spectrum (a nearly degenerate multiplet)
    assert s.energies.max() / 8 - 1e-3 < e <= s.energies.max() / 8 + 1e-12
    assert np.isfinite(ens.log_partition((300.0, -300.0)))


@pytest.mark.parametrize("q", [(0.2, 5.0), (1.2, 0.5), (0.0, -3.0), (-1.0, 1.0), (np.nan, 0.1)])
def test_unreachable_densities_raise(q):
    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=8)))
    with pytest.raises(ValueError, match="outside|finite"):
        ens.lambdas(q)


def test_batch_inverse_map_marks_unreachable_points():
    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=8)))
    lam_true = np.array([[0.2, -0.3], [-1.0, 0.5], [0.7, 1.2]])
    q = np.array([ens.densities(l) for l in lam_true] + [[0.5, 4.0]])
    lam = ens.lambdas_batch(q)
    np.testing.assert_allclose(lam[:3], lam_true, atol=1e-7)
    assert np.all(np.isnan(lam[3]))
    assert not ens.is_reachable([0.5, 4.0]) and ens.is_reachable(q[0])


def test_bad_lambda_and_spectrum_inputs():
    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=6)))
    with pytest.raises(ValueError, match="components"):
        ens.densities((0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="finite"):
        ens.densities((np.inf, 0.0))
    with pytest.raises(ValueError, match="Spectrum"):
        GibbsEnsemble(ChainParameters())
