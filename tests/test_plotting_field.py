"""Drawing of field results (lindhydro.plotting.field): result objects in, figures out, nothing computed."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from lindhydro.experiments.figures import Figure3Result, Figure4Result, Kymograph, WallProfile  # noqa: E402
from lindhydro.field import paper_toy_model  # noqa: E402
from lindhydro.plotting import field as pf  # noqa: E402


def test_kymograph_and_density_plots_accept_arrays():
    fig, ax = plt.subplots()
    snaps = np.random.default_rng(0).normal(size=(10, 40))
    im = pf.plot_kymograph(snaps, dx=0.25, times=np.arange(10.0), ax=ax, fraction=0.5)
    assert im.get_array().shape == (10, 20)
    with pytest.raises(ValueError, match="shape"):
        pf.plot_kymograph(snaps, dx=0.25, times=np.arange(9.0), ax=ax)
    pf.plot_density_vs_time(np.arange(10.0), np.ones((3, 10)), ax=ax, exact=1.0)
    pf.plot_ell_dependence([1.0, 2.0], np.ones((2, 3)), ax=ax, exact=1.0)
    plt.close(fig)


def test_figures_are_drawn_from_result_objects():
    model = paper_toy_model(0.4, thermal=False).replace(site_noise=0.0)
    x = np.linspace(-20, 20, 161)
    m = pf.tanh_wall(x, model)
    prof = WallProfile(0.4, model, x, m, model.m0, model.wall_width, 0.0)
    fig = pf.plot_figure(Figure3Result({}, (prof,)))
    ax = fig.axes[0]
    # markers (every 2nd cell) and the exact line, in the main axes and the rescaled inset
    np.testing.assert_allclose(ax.lines[0].get_ydata(), m[::2])
    inset = ax.child_axes[0]
    np.testing.assert_allclose(inset.lines[0].get_xdata(), x[::2] / model.wall_width)
    plt.close(fig)
    panels = tuple(Kymograph(e, np.arange(5.0), np.zeros((5, 40)), 0.25, 0.6, None, 0.0, 1.0) for e in (0.1, 0.2))
    fig = pf.plot_figure(Figure4Result({}, panels, fraction=0.5))
    assert sum(a.get_visible() for a in fig.axes) == 3  # two panels and the colour bar
    plt.close(fig)


def test_computations_moved_out_of_plotting_say_where():
    with pytest.raises(ImportError, match="experiments.figures.figure5"):
        from lindhydro.plotting.field import figure5  # noqa: F401
