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
    as two colours and walls as the boundaries between them.

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
        interpolation="nearest",
    )
    ax.set_xlabel("r")
    ax.set_ylabel("t")
    if title:
        ax.set_title(title)
    return im


def _mean_and_error(rows: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Mean over the rows (realisations) and its standard error (None for one row)."""
    d = np.atleast_2d(np.asarray(rows, dtype=float))
    err = d.std(axis=0, ddof=1) / np.sqrt(d.shape[0]) if d.shape[0] > 1 else None
    return d.mean(axis=0), err


def plot_density_vs_time(
    times: Any,
    densities: Any,
    *,
    ax: Any = None,
    label: str | None = None,
    exact: float | None = None,
    color: Any = None,
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

    Returns
    -------
    matplotlib.axes.Axes
    """
    mean, err = _mean_and_error(densities)
    t = np.asarray(times, dtype=float)
    ax = _axes(ax)
    (line,) = ax.plot(t, mean, label=label, color=color, lw=1)
    if err is not None:
        ax.fill_between(t, mean - err, mean + err, color=line.get_color(), alpha=0.3, lw=0)
    if exact is not None:
        ax.axhline(exact, color=line.get_color(), ls="--", lw=1)
    ax.set_xlabel("t")
    ax.set_ylabel(r"$n_{DW}$")
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
        Fitted laws drawn as lines (labelled with ``A`` and ``c``).
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
    grid = np.linspace(e.min() * 0.9, e.max() * 1.05, 200)
    for k, fit in enumerate(fits):
        c_txt = f"c = {fit.c:.2f}" + (" (fixed)" if fit.c_fixed else f" ± {fit.c_error:.2f}")
        a_txt = f"A = {fit.A:.2e}" + (
            "" if not np.isfinite(fit.A_error) else f" ± {fit.A_error:.1e}"
        )
        ax.plot(
            grid,
            fit(grid),
            ["-", "--", ":", "-."][k % 4],
            color=base,
            lw=1,
            label=f"{fit.prefactor}: {a_txt}, {c_txt}",
        )
    ax.set_xlabel(r"$\tilde\varepsilon$")
    ax.set_ylabel(r"$n_{DW}$")
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
) -> Any:
    """Plot the hysteresis wall density against the coarse-graining length ``ell``.

    Parameters
    ----------
    ells : array_like, shape (K,)
        Coarse-graining lengths.
    densities : array_like, shape (K,) or (K, R)
        Densities (per realisation in the second form: mean and standard error are drawn).
    ax, label, exact
        As in :func:`plot_density_vs_time` (``exact``: the ``ell``-free ``1 / (2 xi)``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    d = np.asarray(densities, dtype=float)
    mean, err = _mean_and_error(d.T)
    cont = ax.errorbar(np.asarray(ells, dtype=float), mean, yerr=err, fmt="o-", ms=3, capsize=2, label=label)
    if exact is not None:
        ax.axhline(exact, ls="--", color=cont[0].get_color(), lw=1)
    ax.set_xscale("log")
    ax.set_xlabel(r"coarse-graining length $\ell$")
    ax.set_ylabel(r"$n_{DW}$")
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
    ell_txt = "ℓ = w/2" if np.ptp(ells) > 1e-9 else f"ℓ = {ells[0]:g}"
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
    ax.legend(fontsize=7)
    return ax


# ============================================================================ the paper's figures
def plot_figure(result: Figure3Result | Figure4Result | Figure5Result | Figure6Result) -> Any:
    """Draw one of the paper's Figs. 3-6 from its result (:mod:`lindhydro.experiments.figures`).

    * Fig. 3: relaxed walls (markers) against Eq. (16) (lines); inset: the collapse onto ``tanh``;
    * Fig. 4: one kymograph per ``eps`` with a shared colour bar;
    * Fig. 5: densities with fits (left), the hysteresis density against time (right);
    * Fig. 6: densities, fits and the exact transfer integral (left), the ``ell`` dependence (right).

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
    """Draw Fig. 3: relaxed walls (markers) against Eq. (16) (lines); inset: the collapse onto ``tanh``."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    inset = ax.inset_axes([0.62, 0.1, 0.35, 0.35])
    for p in result.profiles:
        plot_wall_profile(p.x, p.m, p.model, center=0.0, ax=ax, label=rf"$\tilde\varepsilon$ = {p.eps:g}")
        plot_wall_profile(p.x, p.m, p.model, center=0.0, ax=inset, rescaled=True)
    ax.set_xlabel(r"$r - r_c$")
    ax.set_ylabel(r"$m$")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(r"noiseless domain walls vs $m_0\tanh(r\sqrt{\varepsilon}/x_0)$ (lines)", fontsize=9)
    inset.set_xlim(-4, 4)
    inset.set_xlabel(r"$r\sqrt{\varepsilon}/x_0$", fontsize=7)
    inset.set_ylabel(r"$m/m_0$", fontsize=7)
    inset.tick_params(labelsize=6)
    fig.tight_layout()
    return fig


def _draw_figure4(result: Figure4Result) -> Any:
    """Draw Fig. 4: one kymograph per ``eps`` with a shared colour bar."""
    import matplotlib.pyplot as plt

    n = len(result.panels)
    ncol = 3 if n > 2 else max(n, 1)
    nrow = max(1, int(np.ceil(n / ncol)))
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.3 * ncol, 2.8 * nrow), squeeze=False, sharey=True)
    im = None
    for ax, k in zip(axes.ravel(), result.panels, strict=False):
        im = plot_kymograph(k.fields, dx=k.dx, times=k.times, ax=ax, m_scale=k.m_scale, fraction=result.fraction,
                            title=rf"$\tilde\varepsilon$ = {k.eps:g}")
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    if im is not None:
        fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label="m")
    return fig


def _draw_figure5(result: Figure5Result) -> Any:
    """Draw Fig. 5: densities with fits (left) and the hysteresis density against time (right)."""
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4))
    plot_scan(result.scan, {"hysteresis": [result.fits.hysteresis], "correlation": [result.fits.correlation]},
              ax=ax)
    ax.set_title(("literal" if result.literal else "Wick-renormalised") + r" toy model, $2D\chi T = 1$",
                 fontsize=9)
    for eps, meas in zip(result.scan.eps, result.scan.measurements, strict=True):
        flag = "" if meas.stationarity.stationary else " (not stationary)"
        plot_density_vs_time(meas.times, meas.density_vs_time[0], ax=bx, label=rf"$\tilde\varepsilon$ = {eps:g}{flag}")
    bx.set_yscale("log")
    bx.legend(fontsize=7)
    bx.set_title("hysteresis density vs time (mean ± s.e. over realisations)", fontsize=9)
    fig.tight_layout()
    return fig


def _draw_figure6(result: Figure6Result) -> Any:
    """Draw Fig. 6: densities, fits and the exact curve (left); the ``ell`` dependence (right)."""
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4))
    fits = {"hysteresis": [result.fits.hysteresis, result.fixed_c_fits.hysteresis],
            "correlation": [result.fits.correlation]}
    plot_scan(result.scan, fits, ax=ax, exact=(result.exact_eps, result.exact_density))
    ax.set_title(r"without $\xi^{th}$: simulation, fits and the exact transfer integral", fontsize=9)
    scan = result.scan
    for eps, meas, exact_n in zip(scan.eps, scan.measurements, result.exact_at_scan, strict=True):
        plot_ell_dependence(result.extra_ells, meas.density[1:], ax=bx, label=rf"$\tilde\varepsilon$ = {eps:g}",
                            exact=float(exact_n))
    bx.set_yscale("log")
    bx.legend(fontsize=7)
    bx.set_title(r"hysteresis density vs $\ell$; dashed: exact $1/(2\xi)$", fontsize=9)
    fig.tight_layout()
    return fig


#: result type name -> drawer (the result types are not imported: drawing needs no integrator)
_DRAWERS = {"Figure3Result": _draw_figure3, "Figure4Result": _draw_figure4, "Figure5Result": _draw_figure5,
            "Figure6Result": _draw_figure6}
