"""Exact Lindblad steady states: symmetry-reduced solver vs plain solvers, physical properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
import qutip
from scipy.special import comb

from lindhydro.lindblad.steady_state import (
    estimate_memory,
    plain_steady_state,
    steady_state,
    symmetric_steady_state,
)
from lindhydro.lindblad.symmetry import symmetric_basis, x_sector
from lindhydro.quantum.model import ChainParameters, model_from_parameters, spin_flip_operator


@pytest.mark.parametrize(
    "params",
    [
        ChainParameters(n_sites=4),
        ChainParameters(n_sites=5),
        ChainParameters(n_sites=5, gamma=0.6, delta=0.5, jprime=0.3, hopping="literal"),
        ChainParameters(n_sites=5, boundary="open"),
    ],
    ids=["N4", "N5", "N5-generic", "N5-open"],
)
@pytest.mark.parametrize("parity", [1, -1])
def test_reduced_equals_plain_solver_per_sector(params, parity):
    eps = 0.3
    fast = symmetric_steady_state(params, eps, parity)
    ref, _ = plain_steady_state(params, eps, parity)
    assert np.max(np.abs(fast.block_matrix() - ref)) < 1e-10
    # the reduced problem is much smaller than the 4^(N-1) block superoperator
    assert fast.basis_size < 4 ** (params.n_sites - 1)


@pytest.mark.parametrize("parity", [1, -1])
def test_steady_state_is_a_physical_state_with_zero_residual(parity):
    params = ChainParameters(n_sites=6)
    eps = 0.1
    res = symmetric_steady_state(params, eps, parity)
    rho_block = res.block_matrix()
    assert res.residual < 1e-12
    assert abs(res.trace - 1) < 1e-12
    assert np.max(np.abs(rho_block - rho_block.conj().T)) < 1e-13
    assert np.linalg.eigvalsh(rho_block).min() > -1e-12
    # independent residual: the model's own full 4^N Liouvillian applied to the embedded state
    system = model_from_parameters(params)
    L = system.liouvillian(eps).full()
    rho = res.full_matrix()
    assert abs(np.trace(rho) - 1) < 1e-12
    out = (L @ rho.reshape(-1, order="F")).reshape(rho.shape, order="F")
    assert np.linalg.norm(out) < 1e-11
    # the state lives in the X = parity sector
    X = spin_flip_operator(6).full()
    assert np.max(np.abs(X @ rho - parity * rho)) < 1e-13


def test_strong_symmetry_makes_full_space_steady_state_non_unique():
    """A generic full-space solve returns *some* mixture w ρ₊ + (1−w) ρ₋ with w = Tr(P₊ρ)."""
    params = ChainParameters(n_sites=4)
    eps = 0.2
    system = model_from_parameters(params)
    L = system.liouvillian(eps).full()
    sing = np.linalg.svd(L, compute_uv=False)
    assert sing[-2] < 1e-10  # (at least) two zero modes: one per X sector
    rho_full = qutip.steadystate(system.hamiltonian, system.collapse_operators(eps)).full()
    X = spin_flip_operator(4).full()
    w = np.real(np.trace((np.eye(16) + X) / 2 @ rho_full))
    both = steady_state(params, eps)
    rp = both.by_sector[0].full_matrix()
    rm = both.by_sector[1].full_matrix()
    assert np.max(np.abs(rho_full - (w * rp + (1 - w) * rm))) < 1e-9


def test_odd_chain_sectors_are_related_by_z():
    """For odd N, Z = Πσᶻ anticommutes with X and maps ρ₊ onto ρ₋."""
    params = ChainParameters(n_sites=5)
    rp = symmetric_steady_state(params, 0.2, 1).full_matrix()
    rm = symmetric_steady_state(params, 0.2, -1).full_matrix()
    Z = qutip.tensor([qutip.sigmaz()] * 5).full()
    assert np.max(np.abs(Z @ rp @ Z - rm)) < 1e-12


@pytest.mark.parametrize("n_sites", [6, 7])
def test_unital_bath_gives_infinite_temperature(n_sites):
    """γ = 0: only Hermitian σˣ jumps, so P_s/2^(N−1) is the steady state of each sector:
    e = Tr H0 / 2^N = 0, ⟨Q1²⟩ = N, binomial Q1 distribution."""
    params = ChainParameters(n_sites=n_sites, gamma=0.0)
    both = steady_state(params, 0.05)
    for sec in both.by_sector:
        assert abs(sec.energy_density) < 1e-12
        assert sec.m_rms == pytest.approx(1 / math.sqrt(n_sites), abs=1e-12)
        for k in range(n_sites + 1):
            q1 = n_sites - 2 * k
            assert sec.q1_distribution[q1] == pytest.approx(comb(n_sites, k) / 2**n_sites, abs=1e-12)


def test_observables_match_dense_expectation_values():
    params = ChainParameters(n_sites=6, gamma=0.85)
    res = symmetric_steady_state(params, 0.07, 1)
    rho = res.full_matrix()
    system = model_from_parameters(params)
    H = system.hamiltonian.full()
    Q1 = system.charges[0].full()
    assert res.energy_density == pytest.approx(np.trace(H @ rho).real / 6, abs=1e-12)
    assert res.m_rms == pytest.approx(math.sqrt(np.trace(Q1 @ Q1 @ rho).real) / 6, abs=1e-12)
    diag = np.real(np.diag(rho))
    qd = np.real(np.diag(Q1))
    for m, p in res.q1_distribution.items():
        assert p == pytest.approx(diag[np.isclose(qd, m)].sum(), abs=1e-12)
    assert sum(res.q1_distribution.values()) == pytest.approx(1.0, abs=1e-12)
    for am, e in res.energy_density_given_abs_q1.items():
        P = np.diag(np.isclose(np.abs(qd), am).astype(float))
        expected = np.trace(P @ H @ rho).real / np.trace(P @ rho).real / 6
        assert e == pytest.approx(expected, abs=1e-12)


def test_symmetric_basis_is_orthonormal_and_invariant():
    """Expanding random symmetric coefficients gives an operator invariant under T, R, Z and with
    the right norm (orthonormal basis)."""
    params = ChainParameters(n_sites=6)
    sector = x_sector(model_from_parameters(params), 1)
    basis = symmetric_basis(sector)
    rng = np.random.default_rng(1)
    x = rng.normal(size=basis.size) + 1j * rng.normal(size=basis.size)
    rho = basis.to_block_matrix(x)
    assert np.linalg.norm(rho) == pytest.approx(np.linalg.norm(x), rel=1e-12)
    full = sector.embed(rho)
    T = np.zeros((64, 64))
    for a in range(64):
        b = ((a >> 1) | ((a & 1) << 5)) & 63
        T[b, a] = 1
    assert np.max(np.abs(T @ full @ T.T - full)) < 1e-12
    Z = qutip.tensor([qutip.sigmaz()] * 6).full()
    assert np.max(np.abs(Z @ full @ Z - full)) < 1e-12
    Rf = np.zeros((64, 64))
    for a in range(64):
        b = int(format(a, "06b")[::-1], 2)
        Rf[b, a] = 1
    assert np.max(np.abs(Rf @ full @ Rf.T - full)) < 1e-12


def test_bad_input_is_rejected_before_heavy_work():
    params = ChainParameters(n_sites=6)
    with pytest.raises(ValueError, match="eps"):
        symmetric_steady_state(params, 0.0)
    with pytest.raises(ValueError, match="eps"):
        symmetric_steady_state(params, float("nan"))
    with pytest.raises(ValueError, match="parity"):
        symmetric_steady_state(params, 0.1, 0)
    with pytest.raises(ValueError, match="GiB"):
        symmetric_steady_state(ChainParameters(n_sites=18), 0.1)  # refused by the estimate
    assert estimate_memory(18) > estimate_memory(10)
    with pytest.raises(ValueError, match="N=9"):
        plain_steady_state(ChainParameters(n_sites=9), 0.1)
    with pytest.raises(ValueError, match="method"):
        symmetric_steady_state(params, 0.1, method="magic")


@pytest.mark.slow
def test_n8_residual_and_positivity():
    res = symmetric_steady_state(ChainParameters(n_sites=8), 0.05, 1)
    rho = res.block_matrix()
    assert res.residual < 1e-12
    assert np.linalg.eigvalsh(rho).min() > -1e-12


@pytest.mark.slow
def test_n10_steady_state_and_eps_to_zero_limit():
    """The largest exact chain: physical state, and at ε = 1e-3 close to the secular limit."""
    from lindhydro.lindblad.secular import secular_steady_state

    params = ChainParameters(n_sites=10)
    res = symmetric_steady_state(params, 1e-3, 1)
    rho = res.block_matrix()
    assert res.residual < 1e-11
    assert abs(res.trace - 1) < 1e-12
    assert np.linalg.eigvalsh(rho).min() > -1e-12
    sec = secular_steady_state(params).by_sector[0]
    assert abs(res.energy_density - sec.energy_density) < 1e-3
    assert abs(res.m_rms - sec.m_rms) < 1e-3


def test_long_time_limit_weights_sectors_by_initial_x():
    """e^{Lt}ρ(0) → w₊ρ₊ + w₋ρ₋ with w± = (1 ± ⟨X⟩₀)/2 (X is conserved): the equal mixture from
    infinite temperature, a different one from a cold Gibbs state."""
    import scipy.linalg

    from lindhydro.lindblad.dynamics import gibbs_density_matrix

    params = ChainParameters(n_sites=4)
    eps = 0.5
    system = model_from_parameters(params)
    prop = scipy.linalg.expm(system.liouvillian(eps).full() * 4000.0)
    both = steady_state(params, eps)
    rp, rm = (s.full_matrix() for s in both.by_sector)
    X = spin_flip_operator(4).full()
    for lam in [(-0.3, 0.0), (0.2, 1.0)]:
        rho0 = gibbs_density_matrix(params, lam).full()
        x0 = np.trace(X @ rho0).real
        final = (prop @ rho0.reshape(-1, order="F")).reshape(16, 16, order="F")
        expected = 0.5 * (1 + x0) * rp + 0.5 * (1 - x0) * rm
        assert np.max(np.abs(final - expected)) < 1e-8
    assert abs(x0) > 0.1  # the cold state really has unequal weights
