"""The ε → 0 (secular) steady state: exact limit of the Lindblad steady state, physical checks."""

from __future__ import annotations

import numpy as np
import pytest
import qutip

from lindhydro.lindblad.secular import secular_sector, secular_steady_state
from lindhydro.lindblad.steady_state import symmetric_steady_state
from lindhydro.lindblad.symmetry import x_sector
from lindhydro.quantum.model import ChainParameters, custom_model, model_from_parameters


def _trace_distance(a, b):
    return 0.5 * np.abs(np.linalg.eigvalsh(a - b)).sum()


@pytest.fixture(scope="module")
def secular6():
    return secular_steady_state(ChainParameters(n_sites=6))


@pytest.mark.parametrize("parity_index", [0, 1])
def test_secular_state_is_the_eps_to_zero_limit_n6(secular6, parity_index):
    """Tolerance: the corrections are O(ε r/δ), δ the level spacings the bath couples.  In the
    X = −1 sector of N = 6 two levels are only δ ≈ 1.3e-4 J apart (a J'² splitting), so at
    ε = 1e-3 the trace distance is ~2e-4 (X = +1: ~3e-5): we require < 1e-3 there, and the
    approach must be linear once ε r ≪ δ: below 1e-5 at ε = 1e-6, ten times smaller at 1e-7."""
    params = ChainParameters(n_sites=6)
    sec = secular6.by_sector[parity_index]
    parity = sec.parity
    rho0 = sec.block_matrix()
    ex3 = symmetric_steady_state(params, 1e-3, parity)
    ex6 = symmetric_steady_state(params, 1e-6, parity)
    ex7 = symmetric_steady_state(params, 1e-7, parity)
    d3 = _trace_distance(ex3.block_matrix(), rho0)
    d6 = _trace_distance(ex6.block_matrix(), rho0)
    d7 = _trace_distance(ex7.block_matrix(), rho0)
    assert d3 < 1e-3
    assert d6 < 1e-5
    assert 9.0 < d6 / d7 < 11.0  # O(ε) corrections
    assert abs(ex3.energy_density - sec.energy_density) < 1e-4
    assert abs(ex3.m_rms - sec.m_rms) < 1e-5
    for k, p in sec.q1_distribution.items():
        assert abs(ex3.q1_distribution[k] - p) < 1e-4


def test_secular_state_commutes_with_h0_and_is_physical(secular6):
    system = model_from_parameters(ChainParameters(n_sites=6))
    for sec in secular6.by_sector:
        sector = x_sector(system, sec.parity)
        rho = sec.block_matrix()
        H = sector.hamiltonian.toarray()
        assert np.trace(rho).real == pytest.approx(1.0, abs=1e-12)
        assert np.max(np.abs(rho - rho.conj().T)) < 1e-13
        assert np.linalg.eigvalsh(rho).min() > -1e-12
        assert np.max(np.abs(H @ rho - rho @ H)) < 1e-12
        assert sec.residual < 1e-12


def test_translation_shortcut_equals_brute_force_with_coherences():
    """Default path: degenerate levels rotated into momentum states, one jump per translation
    orbit.  Reference: no translation, every jump operator, coherences kept inside all
    degenerate blocks (k, −k pairs)."""
    system = model_from_parameters(ChainParameters(n_sites=6, gamma=0.85, jprime=0.2))
    for parity in (1, -1):
        sector = x_sector(system, parity)
        fast = secular_sector(sector)
        brute = secular_sector(sector, use_translation=False)
        assert brute.n_coherent_blocks > 0  # the reference really keeps coherences
        assert np.max(np.abs(fast.block_matrix() - brute.block_matrix())) < 1e-10
        assert fast.energy_density == pytest.approx(brute.energy_density, abs=1e-12)


def test_unital_bath_secular_state_is_infinite_temperature():
    res = secular_steady_state(ChainParameters(n_sites=7, gamma=0.0))
    for sec in res.by_sector:
        assert np.allclose(sec.populations, 1 / 2**6, atol=1e-12)
        assert abs(sec.energy_density) < 1e-12
        assert sec.m_rms == pytest.approx(1 / np.sqrt(7), abs=1e-12)


def test_secular_bad_input():
    with pytest.raises(ValueError, match="N=17"):
        secular_steady_state(ChainParameters(n_sites=17))
    with pytest.raises(ValueError, match="dense secular route is allowed up to N=13"):
        secular_steady_state(ChainParameters(n_sites=14), method="dense")
    with pytest.raises(ValueError, match="GiB"):
        secular_steady_state(ChainParameters(n_sites=12), memory_limit=1e6)
    with pytest.raises(ValueError, match="method"):
        secular_steady_state(ChainParameters(n_sites=5), method="sparse")
    with pytest.raises(ValueError, match="periodic chain"):
        secular_steady_state(ChainParameters(n_sites=5, boundary="open"), method="momentum")
    with pytest.raises(ValueError, match="degeneracy_tol"):
        secular_steady_state(ChainParameters(n_sites=5), degeneracy_tol=0.0)


@pytest.mark.parametrize(("n", "jprime"), [(6, 0.01), (8, 1.0), (9, 1.0)])
def test_momentum_route_equals_dense_route(n, jprime):
    """(Q1, k) sectors with one jump per orbit and folded k ↔ −k partners against dense
    eigenvectors of the X sectors.  J' = 1 has exactly degenerate levels of equal momentum in
    different |Q1| blocks (N = 8: |Q1| = 2 and 6; N = 9: 5 and 7) whose coherences are fed by the
    bath: both routes keep them."""
    params = ChainParameters(n_sites=n, jprime=jprime)
    dense = secular_steady_state(params, method="dense")
    fast = secular_steady_state(params, method="momentum")
    if jprime == 1.0:
        assert all(s.n_coherent_blocks > 0 for s in fast.by_sector)
    for a, b in zip(dense.by_sector, fast.by_sector, strict=True):
        assert b.method == "momentum" and b.residual < 1e-12
        assert b.energy_density == pytest.approx(a.energy_density, abs=1e-11)
        assert b.m_rms == pytest.approx(a.m_rms, abs=1e-11)
        for k, p in a.q1_distribution.items():
            assert b.q1_distribution[k] == pytest.approx(p, abs=1e-11)
        for k, e in a.energy_density_given_abs_q1.items():
            assert b.energy_density_given_abs_q1[k] == pytest.approx(e, abs=1e-10)
        assert np.sort(b.energies) == pytest.approx(np.sort(a.energies), abs=1e-10)


def test_momentum_route_unital_bath_is_infinite_temperature():
    res = secular_steady_state(ChainParameters(n_sites=9, gamma=0.0), method="momentum")
    for sec in res.by_sector:
        assert sec.populations.size == 2**8
        assert np.allclose(sec.populations, 1 / 2**8, atol=1e-12)
        assert sec.m_rms == pytest.approx(1 / 3, abs=1e-12)


def _field_chain(n: int, field_strength: float):
    """The paper's chain with a longitudinal field h Q1: X = Πσˣ is no longer a symmetry."""
    system = model_from_parameters(ChainParameters(n_sites=n, gamma=0.85, jprime=0.3))
    H = system.hamiltonian + field_strength * system.charges[0]
    groups = [(g.name, g.operators, g.rate) for g in system.jump_groups]
    return custom_model(H, [system.charges[0], H], groups)


def test_secular_state_without_x_symmetry_is_the_eps_to_zero_limit():
    """Whole-space route (no strong symmetry, every jump, coherences in every degenerate level)
    against qutip.steadystate of the full Liouvillian: trace distance O(ε)."""
    system = _field_chain(5, 0.37)
    res = secular_steady_state(system)
    assert len(res.by_sector) == 1 and res.by_sector[0].parity == 0
    rho0 = res.by_sector[0].block_matrix()
    d = []
    for eps in (1e-4, 1e-5):
        exact = qutip.steadystate(system.hamiltonian, system.collapse_operators(eps)).full()
        d.append(_trace_distance(exact, rho0))
    assert d[1] < 1e-3
    assert 7.0 < d[0] / d[1] < 13.0
    H = system.hamiltonian.full()
    assert np.max(np.abs(H @ rho0 - rho0 @ H)) < 1e-10
    assert sum(res.q1_distribution.values()) == pytest.approx(1.0, abs=1e-12)


def test_user_model_with_x_symmetry_equals_the_preset():
    """The paper's chain rebuilt from its QuTiP operators (no parameters, so no translation
    shortcut) is solved per X sector and gives the preset's state."""
    params = ChainParameters(n_sites=6, jprime=0.2)
    system = model_from_parameters(params)
    user = custom_model(system.hamiltonian, system.charges, [(g.name, g.operators, g.rate) for g in system.jump_groups])
    a, b = secular_steady_state(params), secular_steady_state(user)
    assert b.parameters is None and len(b.by_sector) == 2
    assert b.energy_density == pytest.approx(a.energy_density, abs=1e-11)
    assert b.m_rms == pytest.approx(a.m_rms, abs=1e-11)
    assert b.to_dict()["parameters"] is None


@pytest.mark.slow
@pytest.mark.parametrize("n", [12, 14])
def test_secular_reaches_large_n(n):
    res = secular_steady_state(ChainParameters(n_sites=n))
    for sec in res.by_sector:
        assert sec.residual < 1e-10
        assert sum(sec.q1_distribution.values()) == pytest.approx(1.0, abs=1e-10)
        assert np.all(sec.populations > -1e-12)
    assert 0.6 < res.m_rms < 0.8


def test_block_jacobi_gmres_solve_equals_the_dense_solve(monkeypatch):
    """Beyond DENSE_SOLVE_LIMIT unknowns (N ≥ 15) the momentum route solves by GMRES with the
    |Q1|-level blocks as preconditioner; forced here on a chain with coherent blocks."""
    from lindhydro.lindblad import secular_momentum

    params = ChainParameters(n_sites=8, jprime=1.0)
    dense = secular_momentum.momentum_secular_sector(params, 1)
    monkeypatch.setattr(secular_momentum, "DENSE_SOLVE_LIMIT", 10)
    it = secular_momentum.momentum_secular_sector(params, 1)
    assert len(it.blocks) > 0 and it.residual < 1e-11
    assert np.max(np.abs(it.populations - dense.populations)) < 1e-12
    for a, b in zip(it.block_densities, dense.block_densities, strict=True):
        assert np.max(np.abs(a - b)) < 1e-12
