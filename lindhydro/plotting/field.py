"""Drawing of order-parameter fields and wall densities: profiles, kymographs, densities, Figs. 3-6.

Every function draws result objects or arrays onto matplotlib ``Axes`` and computes nothing
expensive: the paper's figures are computed by :mod:`lindhydro.experiments.figures`
(``figure3`` ... ``figure6``) and drawn here by :func:`plot_figure`::

    from lindhydro.experiments import figures
    from lindhydro.plotting.field import plot_figure

    fig = plot_figure(figures.figure3())
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from lindhydro.analysis.walls import stable_magnetisation, tanh_wall, wall_width

if TYPE_CHECKING:  # result types only: drawing never needs the integrator loaded
    from lindhydro.analysis.fits import WallDensityFit
    from lindhydro.experiments.figures import (
        Figure3Result,
        Figure4Result,
        Figure5Result,
        Figure6Result,
    )
    from lindhydro.experiments.scans import WallDensityScan

__all__ = [
    "plot_density_vs_time",
    "plot_ell_dependence",
    "plot_figure",
    "plot_kymograph",
    "plot_scan",
    "plot_wall_density",
    "plot_wall_profile",
    "tanh_wall",
]

#: names that computed figures here before lindhydro 0.2 -> where the computation lives now
MOVED = {
    "toy_model": "lindhydro.experiments.scans.toy_model",
    "scan_wall_density": "lindhydro.experiments.scans.scan_wall_density",
    "fit_scan": "lindhydro.experiments.scans.fit_scan",
    "exact_correlation_density": "lindhydro.experiments.figures.exact_correlation_density",
    **{f"figure{n}": f"lindhydro.experiments.figures.figure{n} (draw it with plot_figure)" for n in (3, 4, 5, 6)},
}


def __getattr__(name: str) -> Any:
    if name in MOVED:
        raise ImportError(f"lindhydro.plotting.field.{name} moved to {MOVED[name]} in lindhydro 0.2: plotting "
                          "only draws result objects")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _axes(ax: Any = None) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.gca()


def _figure(figsize: tuple[float, float]) -> Any:
    """A new figure laid out by matplotlib's constrained-layout engine (nothing overlaps)."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout="constrained")


#: the prefactor names of :data:`lindhydro.analysis.fits.PREFACTORS` as formulas
_LAW = {"1": r"$A\,e^{-c/\sqrt{\tilde\varepsilon}}$",
        "eps^1/4": r"$A\,\tilde\varepsilon^{1/4}e^{-c/\sqrt{\tilde\varepsilon}}$",
        "eps^1/4+eps^3/4": r"$(A_1\tilde\varepsilon^{1/4} + A_3\tilde\varepsilon^{3/4})\,e^{-c/\sqrt{\tilde\varepsilon}}$"}


def _fit_label(fit: WallDensityFit) -> str:
    """Legend text of a fitted law: its formula, ``A`` and ``c`` with their errors."""
    c_txt = f"$c$ = {fit.c:.2f}" + (" (fixed)" if fit.c_fixed else f" ± {fit.c_error:.2f}")
    a_txt = f"$A$ = {fit.A:.2g}" + ("" if not np.isfinite(fit.A_error) else f" ± {fit.A_error:.1g}")
    return f"{_LAW.get(fit.prefactor, fit.prefactor)}: {a_txt}, {c_txt}"


def plot_wall_profile(
    x: Any,
    m: Any,
    model: Any,
    *,
    center: float,
    ax: Any = None,
    label: str | None = None,
    rescaled: bool = False,
    color: Any = None,
) -> Any:
    """Plot a simulated wall profile (markers) with the tanh solution (line).

    Only every ``len(x) // 60``-th cell is marked, so that the line stays visible.

    Parameters
    ----------
    x, m : array_like
        Cell centres and field.
    model : object
        The model (for ``m0`` and ``w``).
    center : float
        Wall position (``x`` where ``m`` crosses zero).
    rescaled : bool, default False
        Plot ``m / m0`` against ``(x - center) / w`` (all walls collapse onto ``tanh``).
    ax, label, color
        Target axes (default: current), legend label and colour, as in :func:`plot_density_vs_time`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    m0, w = stable_magnetisation(model), wall_width(model)
    ax = _axes(ax)
    xs = (x - center) / w if rescaled else x - center
    ys = m / m0 if rescaled else m
    step = max(1, x.size // 60)
    (line,) = ax.plot(xs[::step], ys[::step], "o", ms=3, label=label, color=color)
    fine = np.linspace(xs.min(), xs.max(), 400)
    ax.plot(
        fine,
        np.tanh(fine) if rescaled else m0 * np.tanh(fine / w),
        "-",
        lw=1,
        color=line.get_color(),
    )
    return ax


def plot_kymograph(
    snapshots: Any,
    *,
    dx: float,
    times: Any,
    ax: Any = None,
    m_scale: float | None = None,
    fraction: float = 1.0,
    cmap: str = "RdBu_r",
    title: str | None = None,
) -> Any:
    """Draw ``m(r, t)`` as an image (space horizontal, time vertical, as in the paper's Fig. 4).

    The colour scale is symmetric about ``m = 0`` (a diverging map), so up and down domains read
    as two colours and walls as the boundaries between them.  Add the scale with
    ``ax.figure.colorbar(image, ax=ax, label="$m$")`` (one bar for panels drawn with the same
    ``m_scale``).

    Parameters
    ----------
    snapshots : array_like, shape (n_times, L)
        Field snapshots.
    dx : float
        Cell width.
    times : array_like, shape (n_times,)
        Snapshot times.
    ax : matplotlib.axes.Axes, optional
        Target axes (default: current).
    m_scale : float, optional
        Colour range ``[-m_scale, m_scale]`` (default: the 99th percentile of ``|m|``).
    fraction : float, default 1
        Show only this fraction of the system (the paper shows one quarter).
    cmap : str
        Diverging colour map.
    title : str, optional
        Panel title.

    Returns
    -------
    matplotlib.image.AxesImage
    """
    s = np.asarray(snapshots, dtype=float)
    t = np.asarray(times, dtype=float)
    if s.ndim != 2 or s.shape[0] != t.size:
        raise ValueError(f"snapshots must have shape (len(times), L), got {s.shape} for {t.size} times")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")
    ax = _axes(ax)
    n = max(2, int(round(fraction * s.shape[1])))
    s = s[:, :n]
    vmax = float(np.percentile(np.abs(s), 99)) if m_scale is None else float(m_scale)
    im = ax.imshow(
        s,
        aspect="auto",
        origin="lower",
        cmap=cmap,
        vmin=-vmax,
        vmax=vmax,
        extent=(0.0, n * dx, t[0], t[-1] if t.size > 1 else t[0] + 1),
        interpolation="antialiased",  # many cells per pixel: filtered, not aliased
    )
    ax.set_xlabel(r"$r$")
    ax.set_ylabel(r"$t$")
    if title:
        ax.set_title(title)
    return im


def _mean_and_error(rows: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Mean over the rows (realisations) and its standard error (None for one row)."""
    d = np.atleast_2d(np.asarray(rows, dtype=float))
    err = d.std(axis=0, ddof=1) / np.sqrt(d.shape[0]) if d.shape[0] > 1 else None
    return d.mean(axis=0), err


def _block_means(times: np.ndarray, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Means over blocks of ``k`` consecutive records (the last records kept; block-centre times)."""
    n = (times.size // k) * k
    start = times.size - n
    t = times[start:].reshape(-1, k).mean(axis=1)
    return t, rows[:, start:].reshape(rows.shape[0], -1, k).mean(axis=2)


def plot_density_vs_time(
    times: Any,
    densities: Any,
    *,
    ax: Any = None,
    label: str | None = None,
    exact: float | None = None,
    color: Any = None,
    average: int = 1,
    marker: str | None = None,
) -> Any:
    """Plot the wall density against time: mean over realisations with a band of its standard error.

    Parameters
    ----------
    times : array_like, shape (T,)
        Record times.
    densities : array_like, shape (T,) or (R, T)
        Wall densities of one or ``R`` realisations.
    ax : matplotlib.axes.Axes, optional
        Target axes (default: current).
    label : str, optional
        Legend label.
    exact : float, optional
        A horizontal reference line (e.g. the transfer-integral ``1 / (2 xi)``).
    color : optional
        Matplotlib colour.
    average : int, default 1
        Records per plotted point: each realisation is averaged over blocks of ``average``
        consecutive records first (the band is then the standard error of the block means), which
        keeps several curves on one axes apart.
    marker : str, optional
        Marker of the points.

    Returns
    -------
    matplotlib.axes.Axes
    """
    t = np.asarray(times, dtype=float)
    rows = np.atleast_2d(np.asarray(densities, dtype=float))
    if rows.shape[-1] != t.size:
        raise ValueError(f"densities must have len(times) = {t.size} records, got shape {rows.shape}")
    if not (isinstance(average, int | np.integer) and 1 <= average <= t.size):
        raise ValueError(f"average must be an integer in [1, {t.size}], got {average!r}")
    if average > 1:
        t, rows = _block_means(t, rows, int(average))
    mean, err = _mean_and_error(rows)
    ax = _axes(ax)
    (line,) = ax.plot(t, mean, label=label, color=color, lw=1, marker=marker, ms=3)
    if err is not None:
        ax.fill_between(t, mean - err, mean + err, color=line.get_color(), alpha=0.25, lw=0)
    if exact is not None:
        ax.axhline(exact, color=line.get_color(), ls="--", lw=1)
    ax.set_xlabel(r"$t$")
    ax.set_ylabel(r"$n_{\mathrm{DW}}$")
    return ax


def plot_wall_density(
    eps: Any,
    n_mean: Any,
    n_error: Any = None,
    *,
    fits: Sequence[WallDensityFit] = (),
    ax: Any = None,
    label: str | None = None,
    fmt: str = "o",
    color: Any = None,
    log: bool = True,
) -> Any:
    """Plot wall densities against ``eps`` with error bars and fitted laws.

    Parameters
    ----------
    eps, n_mean : array_like
        Coupling strengths and mean densities.
    n_error : array_like, optional
        Standard errors.
    fits : sequence of WallDensityFit
        Fitted laws drawn as lines over the range of their data (labelled with the law, ``A``
        and ``c``).
    ax, label, color
        As in :func:`plot_density_vs_time`.
    fmt : str, default "o"
        Marker of the data.
    log : bool, default True
        Logarithmic density axis.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    e = np.asarray(eps, dtype=float)
    n = np.asarray(n_mean, dtype=float)
    err = None if n_error is None else np.nan_to_num(np.asarray(n_error, dtype=float))
    cont = ax.errorbar(e, n, yerr=err, fmt=fmt, ms=4, capsize=2, label=label, color=color)
    base = cont[0].get_color()
    for k, fit in enumerate(fits):
        fitted = np.asarray(getattr(fit, "eps", e), dtype=float)
        grid = np.linspace(fitted.min(), fitted.max(), 200)  # the law where it was fitted, no further
        ax.plot(grid, fit(grid), ["-", "--", ":", "-."][k % 4], color=base, lw=1, label=_fit_label(fit))
    ax.set_xlabel(r"$\tilde\varepsilon$")
    ax.set_ylabel(r"$n_{\mathrm{DW}}$")
    if log:
        ax.set_yscale("log")
    return ax


def plot_ell_dependence(
    ells: Any,
    densities: Any,
    *,
    ax: Any = None,
    label: str | None = None,
    exact: float | None = None,
    color: Any = None,
) -> Any:
    """Plot the hysteresis wall density against the coarse-graining length ``ell``.

    Parameters
    ----------
    ells : array_like, shape (K,)
        Coarse-graining lengths.
    densities : array_like, shape (K,) or (K, R)
        Densities (per realisation in the second form: mean and standard error are drawn).
    ax, label, color
        As in :func:`plot_density_vs_time`.
    exact : float, optional
        The ``ell``-free ``1 / (2 xi)``, drawn dashed across the range of ``ells``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.ticker as mticker

    ax = _axes(ax)
    ell = np.asarray(ells, dtype=float)
    d = np.asarray(densities, dtype=float)
    mean, err = _mean_and_error(d.T)
    cont = ax.errorbar(ell, mean, yerr=err, fmt="o-", ms=3, capsize=2, label=label, color=color)
    if exact is not None:
        ax.hlines(exact, ell.min(), ell.max(), ls="--", color=cont[0].get_color(), lw=1)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(mticker.FixedLocator(ell))
    ax.xaxis.set_major_formatter(mticker.FormatStrFormatter("%g"))
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.set_xlabel(r"coarse-graining length $\ell$")
    ax.set_ylabel(r"$n_{\mathrm{DW}}$")
    return ax


def plot_scan(scan: WallDensityScan, fits: dict, *, ax: Any = None, ell_index: int = 0, exact: Any = None) -> Any:
    """Plot a scan (hysteresis densities and ``1/(2 xi)``) with fits and an optional exact curve.

    Parameters
    ----------
    scan : lindhydro.experiments.scans.WallDensityScan
        The measurements.
    fits : dict
        ``{"hysteresis": [fits...], "correlation": [fits...]}`` (None entries are skipped).
    ax : matplotlib.axes.Axes, optional
        Target axes (default: current).
    ell_index : int, default 0
        Which coarse-graining length of the scan to draw.
    exact : (eps, n), optional
        E.g. the transfer-integral ``1/(2 xi)``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    mean, err = _mean_and_error(scan.density(ell_index).T)
    ells = scan.ells(ell_index)
    ell_txt = r"$\ell = w/2$" if np.ptp(ells) > 1e-9 else rf"$\ell$ = {ells[0]:.3g}"
    plot_wall_density(scan.eps, mean, err, fits=[f for f in fits.get("hysteresis", []) if f], ax=ax,
                      label=f"hysteresis count ({ell_txt})", fmt="o")
    corr_fits = [f for f in fits.get("correlation", []) if f]
    if corr_fits:  # ensemble values with their bootstrap errors
        e_c, n_c, err_c = corr_fits[0].eps, corr_fits[0].n_mean, corr_fits[0].n_error
    else:
        e_c, err_c = scan.eps, None
        n_c = np.array([m.ensemble_correlation_density for m in scan.measurements])
    plot_wall_density(e_c, n_c, err_c, fits=corr_fits, ax=ax, label=r"$1/(2\xi)$ (ensemble $C(r)$)", fmt="s")
    if exact is not None:
        ax.plot(exact[0], exact[1], "k-", lw=1.5, label=r"transfer integral $1/(2\xi)$ (exact)")
    ax.legend(loc="best", framealpha=0.85)
    return ax


# ============================================================================ the paper's figures
def plot_figure(result: Figure3Result | Figure4Result | Figure5Result | Figure6Result) -> Any:
    """Draw one of the paper's Figs. 3-6 from its result (:mod:`lindhydro.experiments.figures`).

    * Fig. 3: relaxed walls (markers) against Eq. (16) (lines); right: the collapse onto ``tanh``;
    * Fig. 4: one kymograph per ``eps`` with one colour scale, symmetric about 0, and its bar;
    * Fig. 5: densities with fits (left), the hysteresis density against time (right; block
      means, the shaded window is the averaging window);
    * Fig. 6: densities, fits and the exact transfer integral (left), the ``ell`` dependence (right).

    Every figure is laid out by matplotlib's constrained-layout engine, 8 inches wide (the width
    of the documentation's text column at 100 dpi), legends outside the data.

    Parameters
    ----------
    result : Figure3Result, Figure4Result, Figure5Result or Figure6Result
        From :func:`lindhydro.experiments.figures.figure3` ... ``figure6``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    draw = _DRAWERS.get(type(result).__name__)
    if draw is None:
        raise ValueError(f"plot_figure draws the results of lindhydro.experiments.figures, got {type(result).__name__}")
    return draw(result)


def _draw_figure3(result: Figure3Result) -> Any:
    """Draw Fig. 3: relaxed walls (markers) against Eq. (16) (lines); right: the collapse onto ``tanh``."""
    fig = _figure((8.0, 3.4))
    ax, bx = fig.subplots(1, 2, width_ratios=[1.4, 1])
    for p in result.profiles:
        plot_wall_profile(p.x, p.m, p.model, center=0.0, ax=ax, label=rf"$\tilde\varepsilon$ = {p.eps:g}")
        plot_wall_profile(p.x, p.m, p.model, center=0.0, ax=bx, rescaled=True)
    ax.set_xlabel(r"$r - r_c$")
    ax.set_ylabel(r"$m$")
    ax.legend(loc="upper left")
    ax.set_title(r"relaxed walls (dots), $m_0\tanh(r\sqrt{\tilde\varepsilon}/x_0)$ (lines)", fontsize="medium")
    bx.set_xlim(-4, 4)
    bx.set_xlabel(r"$(r - r_c)\sqrt{\tilde\varepsilon}/x_0$")
    bx.set_ylabel(r"$m/m_0$")
    bx.set_title(r"collapse onto $\tanh$")
    return fig


def _draw_figure4(result: Figure4Result) -> Any:
    """Draw Fig. 4: one kymograph per ``eps``, one colour scale (symmetric about 0) and its bar."""
    n = len(result.panels)
    ncol = 3 if n > 2 else max(n, 1)
    nrow = max(1, int(np.ceil(n / ncol)))
    fig = _figure((8.0, 0.6 + 2.3 * nrow))
    axes = np.atleast_2d(fig.subplots(nrow, ncol, sharex=True, sharey=True, squeeze=False))
    scale = max((k.m_scale for k in result.panels), default=1.0)  # one scale: the bar holds for all panels
    im = None
    for ax, k in zip(axes.ravel(), result.panels, strict=False):
        im = plot_kymograph(k.fields, dx=k.dx, times=k.times, ax=ax, m_scale=scale, fraction=result.fraction,
                            title=rf"$\tilde\varepsilon$ = {k.eps:g}")
    for ax in axes.ravel():
        ax.label_outer()
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    if im is not None:
        fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.9, label=r"$m$")
    return fig


def _below(sub: Any, ncol: int = 1) -> None:
    """The legend of a sub-figure's axes, outside below them (it covers no data); data before lines."""
    from matplotlib.lines import Line2D

    pairs = list(zip(*sub.axes[0].get_legend_handles_labels(), strict=True))
    pairs.sort(key=lambda hl: isinstance(hl[0], Line2D))  # a stable sort: measured points first
    sub.legend(*zip(*pairs, strict=True), loc="outside lower center", ncol=ncol, frameon=False, fontsize="small")
    if sub.axes[0].get_legend() is not None:
        sub.axes[0].get_legend().remove()


def _draw_figure5(result: Figure5Result) -> Any:
    """Draw Fig. 5: densities with fits (left) and the hysteresis density against time (right)."""
    fig = _figure((8.0, 4.8))
    left, right = fig.subfigures(1, 2, width_ratios=[1.05, 1])
    ax, bx = left.subplots(), right.subplots()
    plot_scan(result.scan, {"hysteresis": [result.fits.hysteresis], "correlation": [result.fits.correlation]},
              ax=ax)
    ax.set_title(("model as printed" if result.literal else "Wick-renormalised model") + ": densities")
    _below(left)
    scan = result.scan
    average = max(1, scan.measurements[0].times.size // 15)
    for eps, meas, mk in zip(scan.eps, scan.measurements, "osD^v<>ph", strict=False):
        flag = "" if meas.stationarity.stationary else " (not stationary)"
        plot_density_vs_time(meas.times, meas.density_vs_time[0], ax=bx, average=average, marker=mk,
                             label=rf"$\tilde\varepsilon$ = {eps:g}{flag}")
    t = scan.measurements[0].times
    bx.axvspan(t[t.size // 2], t[-1], color="0.9", zorder=0, lw=0, label="averaging window")
    bx.set_yscale("log")
    bx.set_title("hysteresis density vs time")
    _below(right, ncol=2)
    return fig


def _draw_figure6(result: Figure6Result) -> Any:
    """Draw Fig. 6: densities, fits and the exact curve (left); the ``ell`` dependence (right)."""
    fig = _figure((8.0, 5.2))
    left, right = fig.subfigures(1, 2, width_ratios=[1.05, 1])
    ax, bx = left.subplots(), right.subplots()
    fits = {"hysteresis": [result.fits.hysteresis, result.fixed_c_fits.hysteresis],
            "correlation": [result.fits.correlation]}
    plot_scan(result.scan, fits, ax=ax, exact=(result.exact_eps, result.exact_density))
    ax.set_title(r"without $\xi^{\mathrm{th}}$: densities")
    _below(left)
    scan = result.scan
    for eps, meas, exact_n in zip(scan.eps, scan.measurements, result.exact_at_scan, strict=True):
        plot_ell_dependence(result.extra_ells, meas.density[1:], ax=bx, label=rf"$\tilde\varepsilon$ = {eps:g}",
                            exact=float(exact_n))
    bx.set_yscale("log")
    bx.set_title(r"hysteresis density vs $\ell$")
    bx.plot([], [], "k--", lw=1, label=r"exact $1/(2\xi)$ (same colour)")
    _below(right, ncol=2)
    return fig


#: result type name -> drawer (the result types are not imported: drawing needs no integrator)
_DRAWERS = {"Figure3Result": _draw_figure3, "Figure4Result": _draw_figure4, "Figure5Result": _draw_figure5,
            "Figure6Result": _draw_figure6}
