"""The preconditioned iterative finite-ε solver against the direct symmetric solver."""

from __future__ import annotations

import pytest

from lindhydro.lindblad.iterative import iterative_sector, iterative_steady_state
from lindhydro.lindblad.steady_state import symmetric_steady_state
from lindhydro.quantum.model import ChainParameters


@pytest.mark.parametrize(("n", "eps", "parity"), [(7, 0.02, 1), (7, 0.5, -1), (8, 0.01, -1)])
def test_iterative_equals_direct(n, eps, parity):
    params = ChainParameters(n_sites=n, jprime=0.3)
    it = iterative_sector(params, eps, parity)
    ref = symmetric_steady_state(params, eps, parity)
    assert it.residual < 1e-9 and it.trace.real == pytest.approx(1.0, abs=1e-10)
    assert it.energy_density == pytest.approx(ref.energy_density, abs=1e-9)
    assert it.m_rms == pytest.approx(ref.m_rms, abs=1e-9)
    for k, p in ref.q1_distribution.items():
        assert it.q1_distribution[k] == pytest.approx(p, abs=1e-9)
    assert it.timings["gmres_iterations"] < 60  # the ε → 0 preconditioner does most of the work


def test_iterative_mixture_and_bad_input():
    res = iterative_steady_state(ChainParameters(n_sites=5), 0.1)
    assert len(res.by_sector) == 2
    assert sum(res.q1_distribution.values()) == pytest.approx(1.0, abs=1e-10)
    with pytest.raises(ValueError, match="N=14"):
        iterative_sector(ChainParameters(n_sites=14), 0.1)
    with pytest.raises(ValueError, match="eps"):
        iterative_sector(ChainParameters(n_sites=5), 0.0)
    with pytest.raises(ValueError, match="parity"):
        iterative_sector(ChainParameters(n_sites=5), 0.1, parity=2)


@pytest.mark.slow
def test_iterative_equals_direct_n10():
    params = ChainParameters(n_sites=10)
    it = iterative_sector(params, 0.01, 1)
    ref = symmetric_steady_state(params, 0.01, 1)
    assert it.energy_density == pytest.approx(ref.energy_density, abs=1e-9)
    assert it.m_rms == pytest.approx(ref.m_rms, abs=1e-9)
