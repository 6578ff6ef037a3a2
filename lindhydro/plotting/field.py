"""Plotting helpers for the order-parameter field: wall profiles, kymographs, wall densities.

These take arrays (and optionally a :class:`lindhydro.field.FieldModel` or fit results) and draw
onto a matplotlib ``Axes``; the example scripts in ``examples/03_toy_model`` and
``examples/paper_figures.py`` build the paper's Figs. 3-6 from them.  Nothing in the core imports
this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lindhydro.analysis.fits import WallDensityFit
from lindhydro.analysis.walls import stable_magnetisation, wall_width

__all__ = [
    "exact_correlation_density",
    "figure3",
    "figure4",
    "figure5",
    "figure6",
    "fit_scan",
    "plot_density_vs_time",
    "plot_ell_dependence",
    "plot_kymograph",
    "plot_wall_density",
    "plot_scan",
    "plot_wall_profile",
    "scan_wall_density",
    "tanh_wall",
    "toy_model",
]


def _axes(ax: Any = None) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.gca()


def tanh_wall(r: Any, model: Any, *, center: float = 0.0) -> np.ndarray:
    """The noiseless domain wall ``m0 tanh((r - center) / w)`` (paper Eq. 16, ``w = x0 / sqrt(eps)``).

    Parameters
    ----------
    r : array_like
        Positions (units of ``a``).
    model : object
        A model with ``force_coeffs`` and ``D`` (:class:`lindhydro.field.FieldModel`).
    center : float
        Wall position.

    Returns
    -------
    numpy.ndarray
    """
    return stable_magnetisation(model) * np.tanh(
        (np.asarray(r, dtype=float) - center) / wall_width(model)
    )


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

    Parameters
    ----------
    x, m : array_like
        Cell centres and field.
    model : object
        The model (for ``m0`` and ``w``).
    center : float
        Wall position (``x`` where ``m`` crosses zero).
    ax : matplotlib.axes.Axes, optional
        Target axes (default: current).
    label : str, optional
        Legend label.
    rescaled : bool, default False
        Plot ``m / m0`` against ``(x - center) / w`` (all walls collapse onto ``tanh``).
    color : optional
        Matplotlib colour.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    m0, w = stable_magnetisation(model), wall_width(model)
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
    ax = _axes(ax)
    s = np.asarray(snapshots, dtype=float)
    t = np.asarray(times, dtype=float)
    if s.ndim != 2 or s.shape[0] != t.size:
        raise ValueError(
            f"snapshots must have shape (len(times), L), got {s.shape} for {t.size} times"
        )
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")
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
    ax = _axes(ax)
    t = np.asarray(times, dtype=float)
    d = np.atleast_2d(np.asarray(densities, dtype=float))
    mean = d.mean(axis=0)
    (line,) = ax.plot(t, mean, label=label, color=color, lw=1)
    if d.shape[0] > 1:
        err = d.std(axis=0, ddof=1) / np.sqrt(d.shape[0])
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
    ax : matplotlib.axes.Axes, optional
        Target axes (default: current).
    label, fmt, color : optional
        Matplotlib styling of the data.
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
    ax : matplotlib.axes.Axes, optional
        Target axes (default: current).
    label : str, optional
        Legend label.
    exact : float, optional
        The ``ell``-free ``1 / (2 xi)`` as a horizontal line.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    ell = np.asarray(ells, dtype=float)
    d = np.asarray(densities, dtype=float)
    d = d[:, None] if d.ndim == 1 else d
    mean = d.mean(axis=1)
    err = d.std(axis=1, ddof=1) / np.sqrt(d.shape[1]) if d.shape[1] > 1 else None
    cont = ax.errorbar(ell, mean, yerr=err, fmt="o-", ms=3, capsize=2, label=label)
    if exact is not None:
        ax.axhline(exact, ls="--", color=cont[0].get_color(), lw=1)
    ax.set_xscale("log")
    ax.set_xlabel(r"coarse-graining length $\ell$")
    ax.set_ylabel(r"$n_{DW}$")
    return ax


# ============================================================================ the paper's figures
def toy_model(
    eps: float, *, gamma: float = 0.875, thermal: bool = True, literal: bool = False
) -> Any:
    """The toy model used for the figures.

    Without conserved noise this is the paper's model exactly as printed.  With conserved noise
    the default is the Wick-renormalised force (``renormalisation="wick"``): the model as printed
    (``literal=True``) has no ordered phase at ``2 D chi_T = 1`` (the per-cell conserved-noise
    variance ``chi_T / dx = 2`` destroys the bistability of the bare cubic force; see
    :mod:`lindhydro.field.model`), whereas the paper's Fig. 4 shows domains.  Wick ordering
    subtracts exactly the lattice-scale (Hartree) shift, so that the average force on a cell is
    ``f`` at its mean, and leaves the physics on scales above ``dx`` unchanged.

    Parameters
    ----------
    eps : float
        ``eps~``.
    gamma : float, default 0.875
        Weight of the aligning jumps.
    thermal : bool, default True
        Include the conserved noise ``d_r xi^th`` (``2 D chi_T = 1``).
    literal : bool, default False
        With ``thermal``: the model exactly as printed (``renormalisation="none"``).

    Returns
    -------
    lindhydro.field.FieldModel
    """
    from lindhydro.field import paper_toy_model

    ren = "none" if (literal or not thermal) else "wick"
    return paper_toy_model(eps, gamma, thermal=thermal, renormalisation=ren)


def _zero_crossing(x: np.ndarray, m: np.ndarray, near: float) -> float:
    """Position of the upward zero crossing of ``m`` nearest to ``near`` (linear interpolation)."""
    i = np.flatnonzero((m[:-1] < 0) & (m[1:] >= 0))
    if i.size == 0:
        raise ValueError("no upward zero crossing: the wall has disappeared")
    j = i[np.argmin(np.abs(x[i] - near))]
    return float(x[j] - m[j] * (x[j + 1] - x[j]) / (m[j + 1] - m[j]))


def figure3(
    eps_values: Sequence[float] = (0.1, 0.2, 0.4),
    *,
    gamma: float = 0.875,
    length: float = 240.0,
    time: float = 300.0,
    dx: float = 0.25,
    dt: float = 0.001,
) -> tuple[Any, dict]:
    """Fig. 3: noiseless domain walls from simulations against ``m0 tanh(r sqrt(eps) / x0)``.

    A ring with two sharp walls (``+m0`` on the middle half) relaxes without noise for ``time``;
    the wall near ``length / 4`` is compared with Eq. (16).  The inset shows the collapse of all
    profiles onto ``tanh`` when rescaled.

    Parameters
    ----------
    eps_values : sequence of float
        Coupling strengths ``eps~``.
    gamma : float, default 0.875
        Weight of the aligning jumps.
    length, time : float
        Ring length and relaxation time (units ``a``, ``a^2/D``).
    dx, dt : float
        Lattice (the paper's 0.25, 0.001).

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        The figure and, per ``eps``, the profile and the largest deviation from Eq. (16) within
        ``length / 8`` of the wall.
    """
    import matplotlib.pyplot as plt

    from lindhydro.field import simulate

    fig, ax = plt.subplots(figsize=(6, 4))
    inset = ax.inset_axes([0.62, 0.1, 0.35, 0.35])
    data: dict = {}
    n = int(round(length / dx))
    x = (np.arange(n) + 0.5) * dx
    for eps in eps_values:
        model = toy_model(eps, gamma=gamma, thermal=False).replace(site_noise=0.0)
        m0 = stable_magnetisation(model)
        init = np.where((x > length / 4) & (x < 3 * length / 4), m0, -m0)
        res = simulate(
            model, length=length, time=time, dx=dx, dt=dt, seed=0, initial=init, snapshot_every=0
        )
        m = res.final_state.field
        center = _zero_crossing(x, m, length / 4)
        window = np.abs(x - center) < length / 4
        label = rf"$\tilde\varepsilon$ = {eps:g}"
        plot_wall_profile(x[window], m[window], model, center=center, ax=ax, label=label)
        plot_wall_profile(x[window], m[window], model, center=center, ax=inset, rescaled=True)
        # compare within L/8 of the wall: beyond, the tail of the other wall of the ring is visible
        near = np.abs(x - center) < length / 8
        dev = float(np.max(np.abs(m[near] - tanh_wall(x[near], model, center=center))))
        data[eps] = {
            "x": x[window] - center,
            "m": m[window],
            "max_deviation": dev,
            "m0": m0,
            "w": wall_width(model),
        }
    ax.set_xlabel(r"$r - r_c$")
    ax.set_ylabel(r"$m$")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(
        r"noiseless domain walls vs $m_0\tanh(r\sqrt{\varepsilon}/x_0)$ (lines)", fontsize=9
    )
    inset.set_xlim(-4, 4)
    inset.set_xlabel(r"$r\sqrt{\varepsilon}/x_0$", fontsize=7)
    inset.set_ylabel(r"$m/m_0$", fontsize=7)
    inset.tick_params(labelsize=6)
    fig.tight_layout()
    return fig, data


def figure4(
    eps_values: Sequence[float] = (0.1, 0.125, 0.15, 0.175, 0.2, 0.225),
    *,
    gamma: float = 0.875,
    length: float = 1000.0,
    t_wait: float = 100.0,
    t_show: float = 400.0,
    n_snapshots: int = 200,
    seed: int = 1,
    thermal: bool = True,
    literal: bool = False,
    fraction: float = 1.0,
    smooth_fraction: float | None = 0.5,
    dx: float = 0.25,
    dt: float = 0.001,
) -> tuple[Any, dict]:
    """Fig. 4: kymographs ``m(r, t)`` after a waiting time, one panel per ``eps`` (same seed).

    With conserved noise every cell carries a white lattice-scale fluctuation of variance
    ``chi_T / dx = 2`` that hides the domains; the images therefore show the field averaged over
    ``smooth_fraction`` wall widths (:func:`lindhydro.analysis.walls.smooth`; the wall count's
    coarse-graining length).  ``smooth_fraction=None`` shows the raw field.

    Parameters
    ----------
    eps_values : sequence of float
        The paper's 0.1 ... 0.225.
    length, t_wait, t_show : float
        Ring length, discarded waiting time, shown time window (paper: ``L = 10000``, a quarter shown).
    n_snapshots : int
        Rows of each image.
    seed : int
        The same for all panels (as in the paper).
    thermal, literal : bool
        Model choice (:func:`toy_model`).
    fraction : float
        Fraction of the ring shown.
    smooth_fraction : float or None, default 0.5
        Coarse-graining length of the images in units of the wall width (None: raw field).
    gamma : float, default 0.875
        Weight of the aligning jumps.
    dx, dt : float
        Lattice (the paper's 0.25, 0.001).

    Returns
    -------
    (matplotlib.figure.Figure, dict)
    """
    import matplotlib.pyplot as plt

    from lindhydro.analysis.walls import smooth
    from lindhydro.field import simulate

    every = max(1, int(round(t_show / dt / n_snapshots)))
    ncol = 3 if len(eps_values) > 2 else len(eps_values)
    nrow = int(np.ceil(len(eps_values) / ncol))
    fig, axes = plt.subplots(
        nrow, ncol, figsize=(3.3 * ncol, 2.8 * nrow), squeeze=False, sharey=True
    )
    data: dict = {}
    im = None
    for ax, eps in zip(axes.ravel(), eps_values, strict=False):
        model = toy_model(eps, gamma=gamma, thermal=thermal, literal=literal)
        first = simulate(
            model, length=length, time=t_wait, dx=dx, dt=dt, seed=seed, snapshot_every=0
        )
        res = simulate(
            model,
            length=length,
            time=t_show,
            dx=dx,
            dt=dt,
            state=first.final_state,
            record_every=every,
            snapshot_every=every,
        )
        m0 = model.m0 or 1.0
        snaps = res.snapshots
        if smooth_fraction is not None and model.wall_width is not None:
            snaps = smooth(snaps, dx=dx, ell=smooth_fraction * model.wall_width)
        im = plot_kymograph(
            snaps,
            dx=dx,
            times=res.snapshot_times,
            ax=ax,
            m_scale=m0,
            fraction=fraction,
            title=rf"$\tilde\varepsilon$ = {eps:g}",
        )
        data[eps] = {
            "wall_density": float(np.mean(res.wall_density)),
            "correlation_length": res.correlation_length,
        }
    for ax in axes.ravel()[len(eps_values) :]:
        ax.set_visible(False)
    if im is not None:
        fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label="m")
    return fig, data


def _drop_empty(eps: np.ndarray, dens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = dens.mean(axis=1) > 0
    return eps[keep], dens[keep]


def scan_wall_density(
    eps_values: Sequence[float],
    *,
    thermal: bool,
    literal: bool = False,
    gamma: float = 0.875,
    length: float,
    time: float,
    realisations: int,
    seed: int,
    ells: Sequence[float] | None = None,
    extra_ells: Sequence[float] = (),
    record_interval: float = 1.0,
    dx: float = 0.25,
    dt: float = 0.001,
    threads: int | None = None,
    progress: bool = False,
) -> dict:
    """Measure wall densities for several ``eps`` (:func:`lindhydro.analysis.walls.measure_wall_density`).

    ``ells=None`` uses each model's default coarse-graining length (half its wall width);
    otherwise the given lengths for all ``eps`` (then ``ells[0]`` is the "main" one);
    ``extra_ells`` are appended (for the ``ell`` dependence).
    Realisation seeds are ``SeedSequence(seed, spawn_key=(i_eps,))`` children.

    Parameters
    ----------
    eps_values : sequence of float
        Coupling strengths ``eps~``.
    thermal, literal : bool
        Model choice (:func:`toy_model`).
    gamma : float, default 0.875
        Weight of the aligning jumps.
    length, time : float
        Ring length and duration of every run.
    realisations : int
        Runs per ``eps``.
    seed : int
        Root seed.
    ells : sequence of float, optional
        Coarse-graining lengths (default: half the wall width of each model).
    extra_ells : sequence of float
        Further lengths appended to ``ells``.
    record_interval : float, default 1
        Time between counts.
    dx, dt : float
        Lattice.
    threads : int, optional
        numba threads (default: all).
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    dict
        ``{eps: WallDensityMeasurement}``.
    """
    from lindhydro.analysis.walls import default_coarse_graining_length, measure_wall_density

    out = {}
    for i, eps in enumerate(eps_values):
        model = toy_model(eps, gamma=gamma, thermal=thermal, literal=literal)
        ell = [default_coarse_graining_length(model)] if ells is None else list(ells)
        ell += list(extra_ells)
        out[eps] = measure_wall_density(
            model,
            length=length,
            time=time,
            seed=np.random.SeedSequence(seed, spawn_key=(i,)),
            realisations=realisations,
            ells=ell,
            record_interval=record_interval,
            dx=dx,
            dt=dt,
            threads=threads,
            progress=progress,
        )
    return out


def fit_scan(
    scan: dict,
    *,
    ell_index: int = 0,
    c: float | None = None,
    n_boot: int = 500,
    prefactor: str = "eps^1/4",
) -> dict:
    """Fit the wall-density law to a scan: hysteresis densities (``ells[ell_index]``) and ``1/(2 xi)``.

    ``eps`` with no wall in any realisation are dropped (``ln n`` undefined).  ``1/(2 xi)`` is
    taken from the realisation-averaged ``C(r)`` with a bootstrap over realisations
    (:func:`lindhydro.analysis.fits.fit_resampled`).

    Parameters
    ----------
    scan : dict
        ``{eps: WallDensityMeasurement}`` from :func:`scan_wall_density`.
    ell_index : int, default 0
        Which coarse-graining length of the scan to fit.
    c : float, optional
        Fixed Arrhenius constant.
    n_boot : int, default 500
        Bootstrap resamples.
    prefactor : str, default "eps^1/4"
        See :func:`lindhydro.analysis.fits.fit_wall_density`.

    Returns
    -------
    dict
        ``{"hysteresis": WallDensityFit, "correlation": WallDensityFit}`` (None where fewer than
        three ``eps`` remain).
    """
    from lindhydro.analysis.fits import fit_resampled, fit_wall_density

    eps = np.array(sorted(scan))
    hyst = np.array([scan[e].density[ell_index] for e in eps])
    out: dict = {}
    e2, d2 = _drop_empty(eps, hyst)
    out["hysteresis"] = (
        fit_wall_density(e2, d2, c=c, n_boot=n_boot, prefactor=prefactor) if e2.size >= 3 else None
    )
    # 1/(2 xi) of the realisation-averaged C(r), bootstrap over realisations
    ok = [
        e
        for e in eps
        if np.isfinite(scan[e].ensemble_correlation_length)
        and scan[e].ensemble_correlation_length > 0
    ]
    out["correlation"] = None
    if len(ok) >= 3:
        out["correlation"] = fit_resampled(
            ok,
            [scan[e].correlation_per_realisation for e in ok],
            _CorrelationDensity([scan[e] for e in ok]),
            c=c,
            n_boot=n_boot,
            prefactor=prefactor,
        )
    return out


class _CorrelationDensity:
    """Statistic for :func:`lindhydro.analysis.fits.fit_resampled`: ``1/(2 xi)`` of the mean ``C``."""

    def __init__(self, measurements: list) -> None:
        self.r = {m.correlation_per_realisation.shape[1]: m.r for m in measurements}

    def __call__(self, C_realisations: np.ndarray) -> float:
        from lindhydro.analysis.correlations import correlation_length_from_function

        c = np.asarray(C_realisations).mean(axis=0)
        xi = correlation_length_from_function(self.r[c.size], c)
        return 0.5 / xi if xi > 0 else float("nan")


def plot_scan(
    scan: dict, fits: dict, *, ax: Any = None, ell_index: int = 0, exact: Any = None
) -> Any:
    """Plot a scan (hysteresis densities and ``1/(2 xi)``) with fits and an optional exact curve.

    Parameters
    ----------
    scan : dict
        From :func:`scan_wall_density`.
    fits : dict
        ``{"hysteresis": [fits...], "correlation": [fits...]}``.
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
    eps = np.array(sorted(scan))
    R = scan[eps[0]].density.shape[1]

    def se(x: np.ndarray) -> np.ndarray | None:
        return x.std(axis=1, ddof=1) / np.sqrt(R) if R > 1 else None

    hyst = np.array([scan[e].density[ell_index] for e in eps])
    ells = [scan[e].ells[ell_index] for e in eps]
    ell_txt = "ℓ = w/2" if np.ptp(ells) > 1e-9 else f"ℓ = {ells[0]:g}"
    plot_wall_density(
        eps,
        hyst.mean(axis=1),
        se(hyst),
        fits=[f for f in fits.get("hysteresis", []) if f],
        ax=ax,
        label=f"hysteresis count ({ell_txt})",
        fmt="o",
    )
    corr_fits = [f for f in fits.get("correlation", []) if f]
    if corr_fits:  # ensemble values with their bootstrap errors
        ref = corr_fits[0]
        e_c, n_c, err_c = ref.eps, ref.n_mean, ref.n_error
    else:
        e_c = eps
        n_c = np.array([0.5 / scan[e].ensemble_correlation_length for e in eps])
        err_c = None
    plot_wall_density(
        e_c,
        n_c,
        err_c,
        fits=corr_fits,
        ax=ax,
        label=r"$1/(2\xi)$ (ensemble $C(r)$)",
        fmt="s",
    )
    if exact is not None:
        ax.plot(exact[0], exact[1], "k-", lw=1.5, label=r"transfer integral $1/(2\xi)$ (exact)")
    ax.legend(fontsize=7)
    return ax


def figure5(
    eps_values: Sequence[float] = (0.15, 0.2, 0.25, 0.3, 0.4),
    *,
    gamma: float = 0.875,
    length: float = 800.0,
    time: float = 150.0,
    realisations: int = 2,
    seed: int = 5,
    literal: bool = False,
    n_boot: int = 300,
    threads: int | None = None,
    progress: bool = False,
) -> tuple[Any, dict]:
    """Fig. 5: wall density against ``eps`` with both noises, the fit, and the density against time.

    Densities are second-half averages (hysteresis count at ``ell = w/2`` and ``1/(2 xi)``); the
    fit is ``A eps^(1/4) exp(-c/sqrt(eps))`` with bootstrap errors over realisations; the paper's
    alternative prefactors are fitted too (``data["alternative_fits"]``).  The model is the
    Wick-renormalised toy model (:func:`toy_model`; ``literal=True`` for the model as printed).
    Paper: ``L = 10000``, ten realisations, ``A = 2.93e-2``, ``c = 0.56 +- 0.2``.

    Parameters
    ----------
    eps_values : sequence of float
        Coupling strengths ``eps~``.
    gamma : float, default 0.875
        Weight of the aligning jumps.
    length, time : float
        Ring length and duration of every run (averages over the second half).
    realisations : int
        Runs per ``eps``.
    seed : int
        Root seed.
    literal : bool, default False
        The model exactly as printed instead of the Wick-renormalised one.
    n_boot : int
        Bootstrap resamples of the fits.
    threads : int, optional
        numba threads (default: all).
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        ``data``: ``scan`` (measurements), ``fits``, ``alternative_fits``.
    """
    import matplotlib.pyplot as plt

    from lindhydro.analysis.fits import PREFACTORS

    scan = scan_wall_density(
        eps_values,
        thermal=True,
        literal=literal,
        gamma=gamma,
        length=length,
        time=time,
        realisations=realisations,
        seed=seed,
        threads=threads,
        progress=progress,
    )
    fits = fit_scan(scan, n_boot=n_boot)
    alt = {p: fit_scan(scan, n_boot=n_boot, prefactor=p) for p in PREFACTORS}
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4))
    plot_scan(scan, {k: [v] for k, v in fits.items()}, ax=ax)
    ax.set_title(
        ("literal" if literal else "Wick-renormalised") + r" toy model, $2D\chi T = 1$", fontsize=9
    )
    for eps in sorted(scan):
        meas = scan[eps]
        flag = "" if meas.steady.stationary else " (not stationary)"
        plot_density_vs_time(
            meas.times,
            meas.density_vs_time[0],
            ax=bx,
            label=rf"$\tilde\varepsilon$ = {eps:g}{flag}",
        )
    bx.set_yscale("log")
    bx.legend(fontsize=7)
    bx.set_title("hysteresis density vs time (mean ± s.e. over realisations)", fontsize=9)
    fig.tight_layout()
    return fig, {"scan": scan, "fits": fits, "alternative_fits": alt}


def exact_correlation_density(
    eps_values: Any, *, gamma: float = 0.875, dx: float = 0.25, temperature: Any = "derived"
) -> np.ndarray:
    """The exact ``1/(2 xi)`` of the toy model without ``xi^th`` (transfer integral) on a grid of ``eps``.

    Parameters
    ----------
    eps_values : array_like
        Coupling strengths ``eps~``.
    gamma : float, default 0.875
        Weight of the aligning jumps.
    dx : float, default 0.25
        Lattice spacing of the discretised field.
    temperature : {"derived", "paper"} or float
        See :func:`lindhydro.analysis.transfer.effective_temperature`.

    Returns
    -------
    numpy.ndarray
        Densities (units ``1/a``).
    """
    from lindhydro.analysis.transfer import TransferIntegral

    return np.array(
        [
            TransferIntegral(
                toy_model(e, gamma=gamma, thermal=False), dx, temperature=temperature
            ).wall_density
            for e in eps_values
        ]
    )


def figure6(
    eps_values: Sequence[float] = (0.2, 0.25, 0.3, 0.4, 0.5, 0.6),
    *,
    gamma: float = 0.875,
    length: float = 600.0,
    time: float = 150.0,
    realisations: int = 2,
    seed: int = 6,
    extra_ells: Sequence[float] = (1.0, 2.0, 5.0, 10.0, 20.0),
    c_paper: float = 0.98,
    n_exact: int = 40,
    n_boot: int = 300,
    threads: int | None = None,
    progress: bool = False,
) -> tuple[Any, dict]:
    """Fig. 6 (App. A.3): wall density without ``xi^th`` with the exact transfer-integral curve.

    Left: hysteresis density (``ell = w/2``) with the paper's fit at fixed ``c = 0.98`` and a
    free fit; ``1/(2 xi)`` from the simulations with the exact transfer-integral ``1/(2 xi)``
    (``T = 2 J eps (1 - gamma)``) and its fit.  Right: the ``ell`` dependence of the hysteresis
    density, with the exact ``1/(2 xi)`` as dashed lines.  Paper: ``A = 4.4e-2`` at ``c = 0.98``.

    Parameters
    ----------
    eps_values : sequence of float
        Coupling strengths ``eps~``.
    gamma : float, default 0.875
        Weight of the aligning jumps.
    length, time : float
        Ring length and duration of every run (averages over the second half).
    realisations : int
        Runs per ``eps``.
    seed : int
        Root seed.
    extra_ells : sequence of float
        Coarse-graining lengths of the ``ell`` study (besides ``w/2``).
    c_paper : float, default 0.98
        The paper's fixed Arrhenius constant.
    n_exact : int, default 40
        Points of the exact transfer-integral curve.
    n_boot : int
        Bootstrap resamples of the fits.
    threads : int, optional
        numba threads (default: all).
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        ``data``: ``scan``, ``fits`` (hysteresis free / fixed c, correlation), ``exact``
        (``eps``, ``n``) and ``exact_fit``, ``ell_fits`` (free fits per extra ``ell``).
    """
    import matplotlib.pyplot as plt

    from lindhydro.analysis.fits import fit_wall_density

    scan = scan_wall_density(
        eps_values,
        thermal=False,
        gamma=gamma,
        length=length,
        time=time,
        realisations=realisations,
        seed=seed,
        extra_ells=extra_ells,
        threads=threads,
        progress=progress,
    )
    free = fit_scan(scan, n_boot=n_boot)
    fixed = fit_scan(scan, n_boot=n_boot, c=c_paper)
    e_fine = np.linspace(min(eps_values) * 0.8, max(eps_values) * 1.05, n_exact)
    n_ex = exact_correlation_density(e_fine, gamma=gamma)
    exact_fit = fit_wall_density(e_fine, n_ex, n_boot=0)
    ell_fits = {}
    for j, ell in enumerate(extra_ells, start=1):
        try:
            ell_fits[ell] = fit_scan(scan, ell_index=j, n_boot=n_boot)["hysteresis"]
        except ValueError:
            ell_fits[ell] = None
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4))
    plot_scan(
        scan,
        {
            "hysteresis": [free["hysteresis"], fixed["hysteresis"]],
            "correlation": [free["correlation"]],
        },
        ax=ax,
        exact=(e_fine, n_ex),
    )
    ax.set_title(
        r"without $\xi^{th}$: simulation, fits and the exact transfer integral", fontsize=9
    )
    ells = np.array(extra_ells, dtype=float)
    for eps in sorted(scan):
        meas = scan[eps]
        exact_n = float(exact_correlation_density([eps], gamma=gamma)[0])
        plot_ell_dependence(
            ells, meas.density[1:], ax=bx, label=rf"$\tilde\varepsilon$ = {eps:g}", exact=exact_n
        )
    bx.set_yscale("log")
    bx.legend(fontsize=7)
    bx.set_title(r"hysteresis density vs $\ell$; dashed: exact $1/(2\xi)$", fontsize=9)
    fig.tight_layout()
    data = {
        "scan": scan,
        "fits": {
            "hysteresis": free["hysteresis"],
            "hysteresis_fixed_c": fixed["hysteresis"],
            "correlation": free["correlation"],
        },
        "exact": (e_fine, n_ex),
        "exact_fit": exact_fit,
        "ell_fits": ell_fits,
    }
    return fig, data
