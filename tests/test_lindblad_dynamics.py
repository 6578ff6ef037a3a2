"""mesolve from a Gibbs state vs the hydrodynamic ODE dq/dτ = f(q), τ = εt."""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.lindblad.dynamics import (
    compare_dynamics,
    gibbs_density_matrix,
    lattice_trajectory,
    secular_trajectory,
)
from lindhydro.lindblad.zero_dim import jump_lattice
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.model import ChainParameters, model_from_parameters
from lindhydro.quantum.spectrum import diagonalize


def test_gibbs_state_conventions_match_the_ensemble():
    params = ChainParameters(n_sites=6)
    ens = GibbsEnsemble(diagonalize(params))
    lam = np.array([-0.4, -0.25])
    rho = gibbs_density_matrix(params, lam).full()
    system = model_from_parameters(params)
    m = np.trace(system.charges[0].full() @ rho).real / 6
    e = np.trace(system.hamiltonian.full() @ rho).real / 6
    assert np.allclose([m, e], ens.densities(lam), atol=1e-12)


def test_unital_bath_magnetisation_decays_exactly_on_both_sides():
    """γ = 0: D†(σᶻ_j) = −2σᶻ_j is an operator identity, so ⟨Q1⟩ ∝ exp(−2J(1−γ)τ) exactly, for
    mesolve at any ε and for the Gibbs ODE alike."""
    params = ChainParameters(n_sites=5, gamma=0.0)
    res = compare_dynamics(params, 0.3, lam0=(-0.5, -0.2), tau_max=1.0, n_times=11)
    m0 = res.exact[0, 0]
    expected = m0 * np.exp(-2 * res.tau)
    assert np.max(np.abs(res.exact[:, 0] - expected)) < 1e-6
    assert np.max(np.abs(res.hydro[:, 0] - expected)) < 1e-7


@pytest.fixture(scope="module")
def runs_n6():
    params = ChainParameters(n_sites=6)
    ens = GibbsEnsemble(diagonalize(params))
    return {
        eps: compare_dynamics(params, eps, tau_max=2.0, n_times=21, ensemble=ens, rtol=1e-8, atol=1e-10)
        for eps in (1.0, 0.2, 0.1, 0.05)
    }


def test_both_start_from_the_same_gibbs_densities(runs_n6):
    for r in runs_n6.values():
        assert np.allclose(r.exact[0], r.hydro[0], atol=1e-10)


def test_deviation_from_hydrodynamics_shrinks_as_eps_decreases(runs_n6):
    """The magnetisation deviation max_τ |m_exact − m_hydro| decreases monotonically with ε
    towards a finite-N floor (the exact ε → 0 dynamics is the secular rate equation, not a
    sequence of Gibbs states at N = 6)."""
    dev = [runs_n6[eps].deviation["m"] for eps in (1.0, 0.2, 0.1, 0.05)]
    assert dev[0] > dev[1] > dev[2] > dev[3]
    assert dev[3] < 0.1  # and the floor is modest at N = 6


def test_exact_trajectories_converge_as_eps_to_zero(runs_n6):
    """In units τ = εt the exact trajectories have an ε → 0 limit: the change from ε to ε/2
    shrinks at least linearly."""
    d1 = np.abs(runs_n6[0.2].exact - runs_n6[0.1].exact).max()
    d2 = np.abs(runs_n6[0.1].exact - runs_n6[0.05].exact).max()
    assert d2 < 0.6 * d1
    assert d2 < 1e-3


def test_dynamics_bad_input():
    with pytest.raises(ValueError, match="N=10"):
        compare_dynamics(ChainParameters(n_sites=10), 0.1)
    with pytest.raises(ValueError, match="eps"):
        compare_dynamics(ChainParameters(n_sites=5), -0.1)
    with pytest.raises(ValueError, match="lam"):
        gibbs_density_matrix(ChainParameters(n_sites=5), (np.nan, 0.0))


@pytest.mark.slow
def test_finite_size_floor_decreases_with_n():
    dev = [compare_dynamics(ChainParameters(n_sites=n), 0.2, tau_max=2.0, n_times=21, rtol=1e-7, atol=1e-9).deviation["m"] for n in (6, 8)]
    assert dev[1] < dev[0]


def test_secular_trajectory_is_the_eps_to_zero_limit_of_mesolve():
    """The secular rate equations (two X sectors and the X-odd part) against mesolve: the
    difference of ⟨Q1⟩/N, e and m_rms at fixed τ = εt is O(ε)."""
    params = ChainParameters(n_sites=6, jprime=1.0)
    lam0 = (-0.5, -0.1)
    tau = np.linspace(0.0, 0.5, 6)
    sec = secular_trajectory(params, lam0, tau)
    assert np.allclose(sec.q1_distribution.sum(axis=1), 1.0, atol=1e-12)
    values = np.arange(-6, 7, 2)
    assert np.allclose(sec.q1_distribution @ values / 6, sec.m, atol=1e-12)
    dev = []
    for eps in (0.04, 0.02):
        r = compare_dynamics(params, eps, lam0=lam0, tau_max=0.5, n_times=6, rtol=1e-9, atol=1e-11)
        dev.append(max(np.abs(r.exact[:, 0] - sec.m).max(), np.abs(r.exact[:, 1] - sec.e).max(),
                       np.abs(r.exact[:, 2] - np.sqrt(sec.m2)).max()))
    assert dev[1] < 1e-5
    assert 1.5 < dev[0] / dev[1] < 5.0


def test_unital_bath_secular_magnetisation_decays_exactly():
    """γ = 0: L̂1†(Q1) = −2Q1, so ⟨Q1⟩ ∝ e^{−2τ} in the exact ε → 0 dynamics (X-odd part)."""
    res = secular_trajectory(ChainParameters(n_sites=8, gamma=0.0), (-0.4, -0.3), np.linspace(0.0, 1.5, 7))
    assert np.allclose(res.m, res.m[0] * np.exp(-2 * res.tau), atol=1e-10)
    assert res.m[0] > 0.1


def test_lattice_and_exact_trajectories_share_the_start():
    params = ChainParameters(n_sites=8, jprime=1.0)
    ens = GibbsEnsemble(diagonalize(params))
    tau = np.linspace(0.0, 2.0, 5)
    ex = secular_trajectory(params, (-0.5, 0.0), tau)
    hy = lattice_trajectory(jump_lattice(ens.spectrum), ens, (-0.5, 0.0), tau)
    assert np.allclose(ex.q1_distribution[0], hy.q1_distribution[0], atol=1e-12)  # P(M) exact at τ = 0
    assert ex.total_variation(hy)[0] < 1e-12
    assert hy.e[0] == pytest.approx(ex.e[0], abs=0.25 / 8)  # energies to half a cell
    with pytest.raises(ValueError, match="even N"):
        secular_trajectory(ChainParameters(n_sites=7), (0.0, 0.0), tau)
    with pytest.raises(ValueError, match="evenly spaced"):
        secular_trajectory(params, (0.0, 0.0), np.array([0.0, 0.1, 0.5]))
