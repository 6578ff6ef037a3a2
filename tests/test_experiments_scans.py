"""Wall-density experiments (lindhydro.experiments.scans): one ensemble measured by trackers, scans, fits."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from lindhydro.analysis.walls import count_walls, default_threshold
from lindhydro.experiments.scans import (
    fit_scan,
    measure_wall_density,
    scan_numerics,
    scan_wall_density,
    toy_model,
)
from lindhydro.field import paper_toy_model, simulate


def test_measure_wall_density_counts_what_the_fields_show():
    model = paper_toy_model(0.6, thermal=False)
    kw = dict(length=100.0, time=16.0, seed=4, realisations=2, ells=(0.0, 2.0, 6.0), record_interval=0.5)
    one = measure_wall_density(model, **kw)
    assert one.density_vs_time.shape == (3, 2, 32)
    np.testing.assert_allclose(one.times, 0.5 * np.arange(1, 33))
    # the same ensemble, with the fields stored: every count is the hysteresis count of its field
    runs = simulate(model, length=100.0, time=16.0, seed=4, realisations=2, record_every=500, snapshot_every=500)
    thr = default_threshold(model)
    for j, ell in enumerate((0.0, 2.0, 6.0)):
        counts = [count_walls(r.snapshots, dx=0.25, ell=ell, threshold=thr) for r in runs]
        np.testing.assert_array_equal(np.rint(one.density_vs_time[j] * 100.0), counts)
    np.testing.assert_array_equal(one.m2_vs_time, [r.m2 for r in runs])
    # C(r) is the average over the records of the second half; C(0) = <m^2>
    np.testing.assert_allclose(one.correlation_per_realisation[:, 0], one.m2, rtol=1e-12)
    # coarse-graining only removes walls here (no noise-induced pairs survive a longer box)
    assert np.all(one.density[0] >= one.density[2])
    assert np.allclose(np.round(one.density_vs_time * 100.0) % 2, 0)  # even counts on the ring
    d = one.to_dict()
    assert d["parameters"]["ells"] == [0.0, 2.0, 6.0] and len(d["density_mean"]) == 3


def test_measure_wall_density_refuses_bad_input_before_running():
    model = paper_toy_model(0.6, thermal=False)
    with pytest.raises(ValueError, match="8 records"):
        measure_wall_density(model, length=100.0, time=4.0, seed=1)
    with pytest.raises(ValueError, match="ring"):
        measure_wall_density(model, length=10.0, time=16.0, seed=1, ells=(20.0,))
    with pytest.raises(ValueError, match="no bistability"):
        measure_wall_density(paper_toy_model(0.6, 0.7, thermal=False), length=10.0, time=16.0, seed=1)
    with pytest.raises(ValueError, match="record_interval"):
        scan_numerics(100.0, 16.0, record_interval=0.0005)


def test_toy_model_is_wick_ordered_only_with_conserved_noise():
    assert toy_model(0.3).renormalisation == "wick"
    assert toy_model(0.3, literal=True).renormalisation == "none"
    # the registry names the model as the command line spells it ("paper"); otherwise the same model
    assert toy_model(0.3, thermal=False) == replace(paper_toy_model(0.3, thermal=False), name="paper")


def test_scan_and_fit_recover_more_walls_at_stronger_coupling():
    scan = scan_wall_density((0.6, 0.4, 0.5), thermal=False, length=100.0, time=16.0, realisations=2, seed=1,
                             extra_ells=(1.0,))
    np.testing.assert_array_equal(scan.eps, [0.4, 0.5, 0.6])
    assert scan.density(0).shape == (3, 2) and scan.density(1).shape == (3, 2)
    np.testing.assert_allclose(scan.ells(0), [toy_model(e, thermal=False).coarse_graining_length for e in scan.eps])
    assert scan[0.5] is scan.measurements[1]
    fits = fit_scan(scan, n_boot=20, c=0.98)
    for fit in (fits.hysteresis, fits.correlation):
        assert fit is None or (fit.c == 0.98 and fit.c_fixed)
    assert set(fits.to_dict()) == {"ell_index", "hysteresis", "correlation"}
