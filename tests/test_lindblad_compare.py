"""Steady states against the Gibbs fixed points: the reference quantities and the gap records."""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.lindblad import (
    fixed_point_reference,
    gap_summary,
    secular_steady_state,
    steady_state,
)
from lindhydro.quantum.fixed_points import as_ensemble
from lindhydro.quantum.model import ChainParameters


def test_fixed_point_reference_is_the_symmetric_gibbs_mixture():
    params = ChainParameters(n_sites=6)
    ref = fixed_point_reference(params)
    ens = as_ensemble(params)
    # m_rms^2 of the ± mixture = m*^2 + chi_11 / N (Gibbs fluctuations)
    chi = ens.susceptibility(np.array(ref.lam))
    assert ref.m_rms**2 == pytest.approx(ref.m**2 + chi[0, 0] / 6, rel=1e-10)
    assert np.allclose(ens.densities(np.array(ref.lam)), [ref.m, ref.e], atol=1e-9)
    dist = ref.q1_distribution
    assert sum(dist.values()) == pytest.approx(1.0, abs=1e-12)
    for k in dist:
        assert dist[k] == pytest.approx(dist[-k], abs=1e-14)
    assert ref.bistable and ref.m > 0.6


def test_literal_hopping_reference_is_not_bistable():
    ref = fixed_point_reference(ChainParameters(n_sites=6, hopping="literal"))
    assert not ref.bistable
    assert abs(ref.m) < 1e-6


def test_gap_summary_records_match_the_solvers():
    rows = gap_summary([5], [0.0, 0.1])
    params = ChainParameters(n_sites=5)
    sec = secular_steady_state(params)
    ex = steady_state(params, 0.1)
    ref = fixed_point_reference(params)
    assert rows[0]["energy_density"] == pytest.approx(sec.energy_density, abs=1e-12)
    assert rows[1]["m_rms"] == pytest.approx(ex.m_rms, abs=1e-12)
    for r in rows:
        assert r["de"] == pytest.approx(r["energy_density"] - ref.e, abs=1e-12)
        assert r["dm_rms"] == pytest.approx(r["m_rms"] - ref.m_rms, abs=1e-12)
