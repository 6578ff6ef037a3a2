"""The ε → 0 (secular) steady state: exact limit of the Lindblad steady state, physical checks."""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.lindblad.secular import secular_sector, secular_steady_state
from lindhydro.lindblad.steady_state import symmetric_steady_state
from lindhydro.lindblad.symmetry import x_sector
from lindhydro.quantum.model import ChainParameters, model_from_parameters


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
    with pytest.raises(ValueError, match="N=14"):
        secular_steady_state(ChainParameters(n_sites=14))
    with pytest.raises(ValueError, match="degeneracy_tol"):
        secular_steady_state(ChainParameters(n_sites=5), degeneracy_tol=0.0)


@pytest.mark.slow
def test_secular_reaches_n12():
    res = secular_steady_state(ChainParameters(n_sites=12))
    for sec in res.by_sector:
        assert sec.residual < 1e-10
        assert sum(sec.q1_distribution.values()) == pytest.approx(1.0, abs=1e-10)
        assert np.all(sec.populations > -1e-12)
    assert 0.6 < res.m_rms < 0.8
