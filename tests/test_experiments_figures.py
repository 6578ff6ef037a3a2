"""The paper's figures as computations (lindhydro.experiments.figures), drawn by lindhydro.plotting.field."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from lindhydro.experiments import figures  # noqa: E402
from lindhydro.plotting import field as pf  # noqa: E402


def test_figure3_noiseless_wall_is_the_tanh_solution():
    res = figures.figure3((0.4, 0.8), length=100.0, time=150.0)
    for p in res.profiles:
        # Eq. (16) on the lattice: discretisation error O(dx^2 / w^2) ~ 1e-3 of m0 at most
        assert p.max_deviation < 2e-3 * p.m0, p.eps
        assert p.w == pytest.approx(np.sqrt(8 / (5 * 0.875 - 4)) / np.sqrt(p.eps))
        assert p.m0 == pytest.approx(np.sqrt(5 - 4 / 0.875))
    json.dumps(res.to_dict())
    plt.close(pf.plot_figure(res))


def test_figure6_pipeline_small():
    res = figures.figure6((0.4, 0.5, 0.6), length=100.0, time=16.0, realisations=2, seed=1, extra_ells=(1.0, 4.0),
                          n_boot=20)
    np.testing.assert_array_equal(res.scan.eps, [0.4, 0.5, 0.6])
    assert all(m.density.shape == (3, 2) for m in res.scan.measurements)
    fixed = res.fixed_c_fits.hysteresis
    assert fixed is None or (fixed.c == 0.98 and fixed.c_fixed)
    assert np.all(np.diff(res.exact_density) > 0)  # more walls at stronger coupling
    np.testing.assert_allclose(res.exact_at_scan, figures.exact_correlation_density(res.scan.eps))
    assert set(res.ell_fits) == {1.0, 4.0}
    json.dumps(res.to_dict())
    plt.close(pf.plot_figure(res))


def test_figures_4_and_5_small():
    r4 = figures.figure4((0.2, 0.4), length=50.0, t_wait=2.0, t_show=4.0, n_snapshots=8)
    assert [k.fields.shape for k in r4.panels] == [(8, 200), (8, 200)]
    # the images are box averages over half a wall width
    assert r4.panels[0].smoothing_length == pytest.approx(0.5 * figures.toy_model(0.2).wall_width)
    plt.close(pf.plot_figure(r4))
    r5 = figures.figure5((0.3, 0.4, 0.5), length=60.0, time=8.0, realisations=2, n_boot=10)
    assert set(r5.alternative_fits) == {"1", "eps^1/4", "eps^1/4+eps^3/4"}
    json.dumps(r5.to_dict())
    plt.close(pf.plot_figure(r5))


def test_figure4_panels_run_from_independent_streams():
    kw = dict(length=50.0, t_wait=1.0, t_show=2.0, n_snapshots=4)
    own = figures.figure4((0.2, 0.2), **kw)
    shared = figures.figure4((0.2, 0.2), independent_seeds=False, **kw)
    np.testing.assert_array_equal(shared.panels[0].fields, shared.panels[1].fields)  # one seed: the same run twice
    assert not np.allclose(own.panels[0].fields, own.panels[1].fields)
    assert own.parameters["panel_seeds"] == [{"entropy": 1, "spawn_key": [0]}, {"entropy": 1, "spawn_key": [1]}]
    json.dumps(own.to_dict())
