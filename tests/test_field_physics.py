"""The conserved noise and the ordered phase: the literal model is disordered, the Wick-renormalised
model is ordered and converges as dx -> 0 (slow)."""

import warnings

import numpy as np
import pytest

from lindhydro.field import FieldModel, paper_toy_model, simulate


def _decay(model, seed=3, time=10.0):
    r = simulate(model, length=500, time=time, seed=seed, initial="plus", record_every=250)
    return r.times, r.m_mean / model.m0


def test_literal_model_has_no_ordered_phase_but_the_renormalised_one_does():
    eps = 0.2
    t, lit = _decay(paper_toy_model(eps))
    # the model as printed: <m> from a uniform +m0 start falls below m0/e within t ~ 3-5
    assert lit[-1] < 0.2
    t_e = t[np.argmax(lit < np.exp(-1))]
    assert 2.0 <= t_e <= 6.0, t_e
    # without conserved noise, and with the Wick-renormalised force, the order survives
    _, no_th = _decay(paper_toy_model(eps, thermal=False))
    _, wick = _decay(paper_toy_model(eps, renormalisation="wick"))
    assert np.min(no_th) > 0.7
    assert np.min(wick) > 0.7


def test_wick_warns_for_high_degree_force_on_fine_cells():
    model = FieldModel((0.02, -0.025, -0.03), D=1.0, site_noise=0.16, thermal_noise=1.0, renormalisation="wick")
    with pytest.warns(UserWarning, match="larger dx"):
        simulate(model, length=10, time=0.01, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        simulate(model, length=40, time=0.1, dx=4.0, dt=0.01, seed=1)  # C = 0.125 < m0^2 / 4


def _coarse_m2(res, dx, T, box=2.0):
    nb = int(round(box / dx))
    vals = []
    for r in res:
        s = r.snapshots[r.snapshot_times > T / 2]
        vals.append(np.mean(s.reshape(s.shape[0], -1, nb).mean(axis=2) ** 2))
    return float(np.mean(vals))


@pytest.mark.slow
def test_wick_model_converges_as_dx_to_zero_and_is_dt_independent():
    """<m^2> of the field averaged over boxes of length 2 (a quantity with a continuum limit):
    the Wick model agrees between dx = 0.25 and 0.125 (and between dt = 0.004 and 0.01), the
    literal model drifts by ~25 %.  Measured (L = 2000, T = 600, 4 realisations, eps = 0.3):
    Wick 0.582 +- 0.006, 0.598 +- 0.003, ... for dx = 0.5, 0.25, ...; literal 0.243, 0.193, 0.147."""
    eps, L, T = 0.3, 500.0, 300.0
    out = {}
    for ren in ("wick", "none"):
        for dx, dt in ((0.25, 0.004), (0.125, 0.001)):
            res = simulate(paper_toy_model(eps, renormalisation=ren), realisations=2, length=L, time=T, dx=dx,
                           dt=dt, seed=1, record_every=int(round(2.0 / dt)),
                           snapshot_every=int(round(10.0 / dt)), ell=5.0)
            out[ren, dx] = _coarse_m2(res, dx, T)
    assert out["wick", 0.125] == pytest.approx(out["wick", 0.25], rel=0.1)
    assert out["wick", 0.25] > 0.45  # ordered: well above the white-noise floor chi_T / 2 = 0.25
    assert out["none", 0.125] < 0.85 * out["none", 0.25]
    res = simulate(paper_toy_model(eps, renormalisation="wick"), realisations=2, length=L, time=T, dx=0.25,
                   dt=0.01, seed=1, record_every=200, snapshot_every=1000, ell=5.0)
    assert _coarse_m2(res, 0.25, T) == pytest.approx(out["wick", 0.25], rel=0.1)
