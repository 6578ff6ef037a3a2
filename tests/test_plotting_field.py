"""Fast end-to-end checks of the figure drivers (lindhydro.plotting.field)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
pytest.importorskip("lindhydro.field")

from lindhydro.plotting import field as pf  # noqa: E402


def test_figure3_noiseless_wall_is_the_tanh_solution():
    fig, data = pf.figure3((0.4, 0.8), length=100.0, time=150.0)
    for eps, d in data.items():
        # Eq. (16) on the lattice: discretisation error O(dx^2 / w^2) ~ 1e-3 of m0 at most
        assert d["max_deviation"] < 2e-3 * d["m0"], eps
        assert d["w"] == pytest.approx(np.sqrt(8 / (5 * 0.875 - 4)) / np.sqrt(eps))
    matplotlib.pyplot.close(fig)


def test_figure6_pipeline_small():
    fig, data = pf.figure6(
        (0.4, 0.5, 0.6),
        length=100.0,
        time=16.0,
        realisations=2,
        seed=1,
        extra_ells=(1.0, 4.0),
        n_boot=20,
    )
    scan = data["scan"]
    assert sorted(scan) == [0.4, 0.5, 0.6]
    assert all(m.density.shape == (3, 2) for m in scan.values())
    fixed = data["fits"]["hysteresis_fixed_c"]
    assert fixed is None or (fixed.c == 0.98 and fixed.c_fixed)
    e, n = data["exact"]
    assert np.all(np.diff(n) > 0)  # more walls at stronger coupling
    assert set(data["ell_fits"]) == {1.0, 4.0}
    matplotlib.pyplot.close(fig)


def test_kymograph_and_density_plots_accept_arrays():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    snaps = np.random.default_rng(0).normal(size=(10, 40))
    im = pf.plot_kymograph(snaps, dx=0.25, times=np.arange(10.0), ax=ax, fraction=0.5)
    assert im.get_array().shape == (10, 20)
    with pytest.raises(ValueError, match="shape"):
        pf.plot_kymograph(snaps, dx=0.25, times=np.arange(9.0), ax=ax)
    pf.plot_density_vs_time(np.arange(10.0), np.ones((3, 10)), ax=ax, exact=1.0)
    pf.plot_ell_dependence([1.0, 2.0], np.ones((2, 3)), ax=ax, exact=1.0)
    plt.close(fig)
