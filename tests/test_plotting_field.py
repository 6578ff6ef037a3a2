"""Drawing of results (lindhydro.plotting): result objects in, laid-out figures out, nothing computed.

The figures are drawn from small hand-built result objects (no simulation), and checked for what a
reader sees: a layout engine, no two pieces of text on top of each other, legends off the data,
kymographs with a colour bar symmetric about m = 0.
"""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colorbar import Colorbar  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402

from lindhydro.analysis.fits import WallDensityFit, stationarity, wall_density_law  # noqa: E402
from lindhydro.experiments.figures import (  # noqa: E402
    Figure3Result,
    Figure4Result,
    Figure5Result,
    Figure6Result,
    Kymograph,
    WallProfile,
)
from lindhydro.experiments.scans import ScanFits, WallDensityMeasurement, WallDensityScan  # noqa: E402
from lindhydro.field import paper_toy_model  # noqa: E402
from lindhydro.plotting import field as pf  # noqa: E402


# ----------------------------------------------------------------------------- what a reader sees
def _tick_labels(axis):
    """The tick labels an axis draws (ticks inside its view interval)."""
    lo, hi = sorted(axis.get_view_interval())
    tol = 1e-9 * max(abs(lo), abs(hi), 1e-300)
    out = []
    for locs, ticks in ((axis.get_majorticklocs(), axis.get_major_ticks()),
                        (axis.get_minorticklocs(), axis.get_minor_ticks())):
        for loc, tick in zip(locs, ticks, strict=False):
            if lo - tol <= loc <= hi + tol:
                out += [tick.label1, tick.label2]
    return out


def _texts(fig):
    """Every drawn, non-empty text of a figure: titles, labels, tick labels, legends, suptitles."""
    fig.canvas.draw()
    texts = list(fig.texts)
    figures = [fig, *fig.subfigs, *(s for f in fig.subfigs for s in f.subfigs)]
    for f in figures:
        texts += [f._suptitle] if getattr(f, "_suptitle", None) is not None else []
        for legend in f.legends:
            texts += legend.get_texts()
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):
            texts += [axis.label, axis.get_offset_text(), *_tick_labels(axis)]
        if ax.get_legend() is not None:
            texts += ax.get_legend().get_texts()
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def assert_readable(fig):
    """A layout engine, no overlapping text, axes legends clear of the plotted points."""
    assert fig.get_layout_engine() is not None, "figure drawn without a layout engine"
    r = fig.canvas.get_renderer()
    boxes = [(t, t.get_window_extent(r)) for t in _texts(fig)]
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
        overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
        assert overlap_x <= 1 or overlap_y <= 1, f"{ta.get_text()!r} overlaps {tb.get_text()!r}"
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(r)
        for line in ax.get_lines():
            xy = line.get_transform().transform(line.get_xydata())
            inside = box.contains_points(xy) if hasattr(box, "contains_points") else np.array(
                [box.contains(x, y) for x, y in xy])
            assert not np.any(inside), f"the legend of {ax.get_title()!r} covers {line.get_label()!r}"


def assert_kymographs_have_symmetric_colour_bars(fig):
    images = [im for ax in fig.axes for im in ax.get_images() if isinstance(im, AxesImage)]
    assert images
    for im in images:
        lo, hi = im.get_clim()
        assert lo == pytest.approx(-hi) and hi > 0  # m = 0 is the centre of the diverging map
    # one bar, for images that share one scale
    assert len({im.get_clim() for im in images}) == 1
    assert any(isinstance(im.colorbar, Colorbar) for im in images)


# ----------------------------------------------------------------------------- hand-built results
def _measurement(eps: float, rng, R: int = 3, T: int = 40) -> WallDensityMeasurement:
    n = float(wall_density_law(eps, (0.1,), 0.4))
    times = np.arange(1.0, T + 1)
    dens_t = n * (1 + 0.1 * rng.standard_normal((3, R, T)))  # at ell = w/2 and the two extra ells
    dens_t[1:] *= np.array([0.9, 0.6])[:, None, None]
    xi = 0.5 / n
    r = np.arange(0, 100, 0.25)
    C = np.exp(-r / xi)[None, :] * (1 + 0.01 * rng.standard_normal((R, r.size)))
    half = T // 2
    return WallDensityMeasurement(
        parameters={}, ells=np.array([2.5, 1.0, 4.0]), threshold=0.3, times=times, density_vs_time=dens_t,
        m2_vs_time=np.full((R, T), 0.4), density=dens_t[:, :, half:].mean(axis=2),
        correlation_length=np.full(R, xi), r=r, correlation=C.mean(axis=0), correlation_per_realisation=C,
        ensemble_correlation_length=xi, m2=np.full(R, 0.4), stationarity=stationarity(dens_t[0]))


def _fit(eps, c_fixed: bool = False) -> WallDensityFit:
    n = wall_density_law(eps, (0.1,), 0.4)
    return WallDensityFit("eps^1/4", (0.1,), 0.4, c_fixed, (0.01,), 0.0 if c_fixed else 0.05, eps, n, 0.1 * n,
                          np.full(eps.size, 3))


def _scan(eps) -> WallDensityScan:
    rng = np.random.default_rng(1)
    return WallDensityScan({}, np.asarray(eps), tuple(_measurement(e, rng) for e in eps))


# ----------------------------------------------------------------------------- tests
def test_kymograph_and_density_plots_accept_arrays():
    fig, ax = plt.subplots()
    snaps = np.random.default_rng(0).normal(size=(10, 40))
    im = pf.plot_kymograph(snaps, dx=0.25, times=np.arange(10.0), ax=ax, fraction=0.5)
    assert im.get_array().shape == (10, 20)
    lo, hi = im.get_clim()
    assert lo == -hi  # a diverging scale centred on m = 0
    with pytest.raises(ValueError, match="shape"):
        pf.plot_kymograph(snaps, dx=0.25, times=np.arange(9.0), ax=ax)
    pf.plot_density_vs_time(np.arange(10.0), np.ones((3, 10)), ax=ax, exact=1.0)
    pf.plot_ell_dependence([1.0, 2.0], np.ones((2, 3)), ax=ax, exact=1.0)
    plt.close(fig)


def test_density_vs_time_block_means_keep_the_mean_and_refuse_bad_blocks():
    t = np.arange(12.0)
    d = np.vstack([t, t + 2.0])  # two realisations
    fig, ax = plt.subplots()
    pf.plot_density_vs_time(t, d, ax=ax, average=4)
    line = ax.get_lines()[0]
    # blocks of four records: centre times and the realisation mean of each block
    np.testing.assert_allclose(line.get_xdata(), [1.5, 5.5, 9.5])
    np.testing.assert_allclose(line.get_ydata(), [2.5, 6.5, 10.5])
    for bad in (0, 13, 2.5):
        with pytest.raises(ValueError, match="average"):
            pf.plot_density_vs_time(t, d, ax=ax, average=bad)
    with pytest.raises(ValueError, match="records"):
        pf.plot_density_vs_time(t[:-1], d, ax=ax)
    plt.close(fig)


def test_fitted_laws_are_drawn_only_over_their_data():
    eps = np.array([0.2, 0.3, 0.5])
    fig, ax = plt.subplots()
    pf.plot_wall_density(eps, wall_density_law(eps, (0.1,), 0.4), fits=[_fit(eps)], ax=ax)
    law = ax.get_lines()[-1]
    assert law.get_xdata().min() == pytest.approx(0.2) and law.get_xdata().max() == pytest.approx(0.5)
    np.testing.assert_allclose(law.get_ydata(), wall_density_law(law.get_xdata(), (0.1,), 0.4))
    plt.close(fig)


def test_figure3_is_drawn_from_its_result():
    model = paper_toy_model(0.4, thermal=False).replace(site_noise=0.0)
    x = np.linspace(-20, 20, 161)
    m = pf.tanh_wall(x, model)
    prof = WallProfile(0.4, model, x, m, model.m0, model.wall_width, 0.0)
    fig = pf.plot_figure(Figure3Result({}, (prof,)))
    ax, collapse = fig.axes
    # markers (every 2nd cell) and the exact line; right: the same wall in units of its width
    np.testing.assert_allclose(ax.lines[0].get_ydata(), m[::2])
    np.testing.assert_allclose(collapse.lines[0].get_xdata(), x[::2] / model.wall_width)
    np.testing.assert_allclose(collapse.lines[0].get_ydata(), m[::2] / model.m0)
    assert_readable(fig)
    plt.close(fig)


@pytest.mark.parametrize("n_panels", [2, 6])
def test_figure4_kymographs_share_one_symmetric_colour_bar(n_panels):
    eps = np.linspace(0.1, 0.225, n_panels)
    panels = tuple(Kymograph(e, np.arange(5.0) * 50, np.random.default_rng(k).normal(size=(5, 2000)), 0.25,
                             0.6 + 0.01 * k, None, 0.0, 1.0) for k, e in enumerate(eps))
    fig = pf.plot_figure(Figure4Result({}, panels, fraction=0.5))
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == n_panels
    assert {im.get_clim() for im in images} == {(-0.6 - 0.01 * (n_panels - 1), 0.6 + 0.01 * (n_panels - 1))}
    assert sum(a.get_visible() for a in fig.axes) == n_panels + 1  # the panels and one colour bar
    assert_kymographs_have_symmetric_colour_bars(fig)
    assert_readable(fig)
    plt.close(fig)


def test_figures_5_and_6_are_readable():
    eps = np.array([0.15, 0.2, 0.25, 0.3, 0.4])
    fits = ScanFits(_fit(eps), _fit(eps), 0)
    fig = pf.plot_figure(Figure5Result({}, _scan(eps), fits, {"eps^1/4": fits}))
    assert_readable(fig)
    plt.close(fig)
    fixed = ScanFits(_fit(eps, c_fixed=True), None, 0)
    exact_eps = np.linspace(0.12, 0.42, 20)
    res6 = Figure6Result({}, _scan(eps), fits, fixed, 0.98, exact_eps, wall_density_law(exact_eps, (0.1,), 0.4),
                         _fit(exact_eps), wall_density_law(eps, (0.1,), 0.4), np.array([1.0, 4.0]), {})
    fig = pf.plot_figure(res6)
    assert_readable(fig)
    # the exact 1/(2 xi) of each eps is drawn across the ell range shown, not beyond
    ell_axes = fig.axes[1]
    segments = [c for c in ell_axes.collections if c.get_linestyle()[0][1] is not None]
    assert segments and all(np.allclose(np.sort(s.get_segments()[0][:, 0]), [1.0, 4.0]) for s in segments)
    plt.close(fig)


def test_force_field_is_clipped_to_the_reachable_region():
    from lindhydro.plotting.quantum import plot_force_field
    from lindhydro.quantum.hydro import ForceField

    m = np.linspace(-1, 1, 21)
    e = np.linspace(-1, 1, 21)
    M, E = np.meshgrid(m, e)
    hull = np.array([[-1.0, 1.0], [1.0, 1.0], [0.0, -1.0]])  # a triangle
    inside = (E <= 1) & (E >= 2 * np.abs(M) - 1)
    f = np.where(inside, -M, np.nan), np.where(inside, -E, np.nan)
    field = ForceField(m, e, np.array(f), np.zeros((2, 2, 21, 21)), np.zeros((2, 21, 21)), 4, None, hull)
    fig = plot_force_field(field)
    ax = fig.axes[0]
    mesh = ax.collections[0]
    clip = mesh.get_clip_path()
    assert clip is not None
    path = clip.get_fully_transformed_path() if hasattr(clip, "get_fully_transformed_path") else clip
    # the clip outline is the hull: inside the triangle in, outside out
    to_disp = ax.transData.transform
    assert path.contains_point(to_disp((0.0, 0.0)))
    assert not path.contains_point(to_disp((0.9, -0.9)))
    assert_readable(fig)
    plt.close(fig)


def test_sweep_figures_use_a_layout_engine(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from lindhydro.plotting.sweep import plot_analysis
    from lindhydro.sweep.analyze import DensityCurve, StoreAnalysis

    eps = np.array([0.15, 0.2, 0.3])
    n = wall_density_law(eps, (0.1,), 0.4)
    curve = DensityCurve({}, eps, n, 0.1 * n, np.vstack([n, n]).T, np.full(3, 2),
                         fit={"A": 0.1, "c": 0.4, "prefactor": "eps^1/4"}, density_xi=n, density_xi_err=0.1 * n,
                         mean_series=np.outer(n, np.ones(10)))
    analysis = StoreAnalysis("store", 5.0, 10.0, (curve,), 6, 6, times=np.arange(1.0, 11.0))
    seen = []
    save = Figure.savefig

    def check(fig, *args, **kwargs):
        assert_readable(fig)
        seen.append(fig)
        return save(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", check)
    files = plot_analysis(analysis, tmp_path)
    assert len(seen) == len(files) == 3 and all(f.exists() for f in files)


def test_computations_moved_out_of_plotting_say_where():
    with pytest.raises(ImportError, match="experiments.figures.figure5"):
        from lindhydro.plotting.field import figure5  # noqa: F401
