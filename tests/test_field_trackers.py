"""Trackers (lindhydro.field.trackers): the integrator hands the field to observers passed in by the caller."""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.field import (
    Numerics,
    SimulationBlowUp,
    SnapshotTracker,
    Tracker,
    WallCountTracker,
    paper_toy_model,
    simulate,
)
from lindhydro.field.observables import count_walls
from lindhydro.field.trackers import multiples_in, second_half_mean


class Log(Tracker):
    """Remembers the protocol calls and <m>."""

    def start(self, run):
        super().start(run)
        self.calls = [("start", run.step_start, run.n_steps)]

    def handle(self, step, time, m):
        self.calls.append(("handle", step, float(np.mean(m))))

    def finish(self):
        self.calls.append(("finish",))
        return tuple(self.calls)


def test_protocol_order_intervals_and_records():
    model = paper_toy_model(0.3, thermal=False)
    log = Log("log", every=300)
    res = simulate(model, Numerics(50.0, 1.0, record_every=250), seed=2, trackers=[log])
    calls = res.records["log"]
    assert calls[0] == ("start", 0, 1000) and calls[-1] == ("finish",)
    assert [c[1] for c in calls[1:-1]] == [300, 600, 900]  # its own interval, in global steps
    assert res.records["means"].steps.tolist() == [250, 500, 750, 1000]
    # continued runs call trackers at the same global steps as an uninterrupted one
    first = simulate(model, length=50.0, time=0.5, seed=2, trackers=[Log("log", every=300)])
    rest = simulate(model, length=50.0, time=0.5, state=first.final_state, trackers=[Log("log", every=300)])
    assert [c[1:] for c in first.records["log"][1:-1] + rest.records["log"][1:-1]] == [c[1:] for c in calls[1:-1]]


def test_plain_callables_are_called_at_every_record_with_the_live_field():
    model = paper_toy_model(0.2, thermal=False)
    seen = []
    r = simulate(model, length=50, time=1.0, seed=2, record_every=250,
                 trackers=(lambda step, t, m: seen.append((step, t, float(np.mean(m * m)))),))
    assert [s for s, _, _ in seen] == [250, 500, 750, 1000]
    np.testing.assert_allclose([t for _, t, _ in seen], r.times)
    np.testing.assert_allclose([v for _, _, v in seen], r.m2)
    assert r.records["callback"] is None


def test_ensemble_trackers_are_copied_per_realisation():
    model = paper_toy_model(0.3, thermal=False)
    kw = dict(length=40.0, time=0.5, record_every=100, seed=5)
    runs = simulate(model, realisations=2, trackers=[Log("log")], **kw)
    child = np.random.SeedSequence(5, spawn_key=(1,))
    single = simulate(model, trackers=[Log("log")], **{**kw, "seed": child})
    assert runs[1].records["log"] == single.records["log"]
    assert runs[0].records["log"] != runs[1].records["log"]
    seen = []
    simulate(model, realisations=2, trackers=[lambda s, t, m: seen.append(s)], **kw)
    assert len(seen) == 2 * 5  # a callback is shared: called for both realisations


def test_standard_records_obey_their_identities():
    model = paper_toy_model(0.3, thermal=False)
    res = simulate(model, length=60.0, time=4.0, seed=3, record_every=200, snapshot_every=200,
                   trackers=[WallCountTracker([0.0, 3.0], 0.4, name="two_ells")])
    means, corr, snaps = res.records["means"], res.records["correlations"], res.records["snapshots"]
    np.testing.assert_allclose(means.m2, np.mean(snaps.fields**2, axis=1), rtol=1e-12)
    assert means.m2_mean == pytest.approx(np.mean(means.m2[means.steps > 2000]))
    # C(0) is <m^2> over the records averaged; mean_k S(k) over the full spectrum is C(0) (Parseval)
    assert corr.n_averaged == 10
    assert corr.correlation[0] == pytest.approx(means.m2_mean, rel=1e-12)
    n = 240
    S = corr.structure_factor
    assert (S[0] + S[-1] + 2 * S[1:-1].sum()) / n == pytest.approx(corr.correlation[0], rel=1e-12)
    # the wall counts are hysteresis counts of the stored fields
    two = res.records["two_ells"]
    for j, ell in enumerate((0.0, 3.0)):
        np.testing.assert_array_equal(two.counts[j], count_walls(snaps.fields, dx=0.25, ell=ell, threshold=0.4))
    assert np.all(two.counts[0] >= two.counts[1])


def test_bad_trackers_are_refused_before_the_run():
    model = paper_toy_model(0.3, thermal=False)
    with pytest.raises(ValueError, match="unique"):
        simulate(model, length=10.0, time=0.1, seed=1, trackers=[Log("means")])
    with pytest.raises(ValueError, match="callable"):
        simulate(model, length=10.0, time=0.1, seed=1, trackers=[42])
    with pytest.raises(ValueError, match="every"):
        Log("x", every=0)


def test_trackers_finish_after_a_blow_up():
    model = paper_toy_model(0.2, thermal=False)
    start = np.zeros(40)
    start[5] = 1e30  # f(m) ~ m^3 overflows (float32, the default) within a step or two
    log = Log("log", every=10)
    with pytest.raises(SimulationBlowUp) as info:
        simulate(model, length=10, time=1.0, seed=1, initial=start, trackers=[log], check_every=4)
    assert info.value.result.records["log"][-1] == ("finish",)


def test_progress_bar_and_helpers(capsys):
    model = paper_toy_model(0.3, thermal=False)
    res = simulate(model, length=20.0, time=0.2, seed=1, progress=True, record_every=50)
    assert res.records["progress"] is None and res.completed
    assert multiples_in(0, 1000, 250) == 4 and multiples_in(100, 400, 250) == 2 and multiples_in(0, 10, 0) == 0
    assert np.isnan(second_half_mean(np.array([1, 2]), np.array([1.0, 2.0]), 5))
    assert SnapshotTracker(7).every == 7


def test_float32_fields_are_measured_in_float64():
    """A float32 field gives the float64 numbers of its values (sums and FFTs of 10^5 cells in float32 would
    lose ~4 digits)."""
    from lindhydro.field import CorrelationTracker, RunInfo, SpatialMeansTracker

    n = 100_000
    m = (0.6 + np.random.default_rng(0).normal(0.0, 0.3, n)).astype(np.float32)
    x = m.astype(np.float64)
    run = RunInfo(n_cells=n, dx=0.25, dt=0.001, step_start=0, t_start=0.0, n_steps=10, record_every=10,
                  average_from_step=0)
    means, corr = SpatialMeansTracker(), CorrelationTracker()
    for t in (means, corr):
        t.start(run)
        t.handle(10, 0.01, m)
    got_means, got_corr = means.finish(), corr.finish()
    assert got_means.m2[0] == np.mean(x * x) and got_means.m_mean[0] == np.mean(x)
    S = np.abs(np.fft.rfft(x)) ** 2 / n
    assert got_corr.structure_factor.dtype == np.float64
    np.testing.assert_allclose(got_corr.structure_factor, S, rtol=1e-12, atol=1e-12 * S.max())
    assert got_corr.correlation[0] == pytest.approx(np.mean(x * x), rel=1e-12)  # Parseval, in float64
