"""mesolve from a Gibbs state vs the hydrodynamic ODE dq/dτ = f(q), τ = εt."""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.lindblad.dynamics import compare_dynamics, gibbs_density_matrix
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
