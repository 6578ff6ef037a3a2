"""Figures of a sweep analysis (paper Figs. 5 and 6): drawn from a :class:`~lindhydro.sweep.analyze.StoreAnalysis`.

Nothing here reads a store or fits: :func:`lindhydro.sweep.analyze.analyze_store` computes the
densities, errors, fits and relaxation curves, these functions draw them.  Densities in walls per
unit length (1/a), times in a²/D, ε is the toy model's ε̃ = εJa²/D.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lindhydro.analysis.fits import wall_density_law
from lindhydro.sweep.analyze import DensityCurve, StoreAnalysis

__all__ = ["figure_arrhenius", "figure_density_vs_eps", "figure_relaxation", "plot_analysis"]


def _fitted(cur: DensityCurve) -> bool:
    """Whether the curve carries a fit of the ``eps^1/4`` law to draw."""
    f = cur.fit or {}
    return f.get("A") is not None and f.get("c") is not None and f.get("prefactor", "eps^1/4") == "eps^1/4"


def _label(cur: DensityCurve) -> str:
    return ", ".join(f"{k}={v}" for k, v in cur.axes.items()) or "simulation"


def figure_density_vs_eps(analysis: StoreAnalysis):
    """Steady-state wall density vs ε with error bars, the fitted law, ``1/(2ξ)`` and the exact curve.

    Parameters
    ----------
    analysis : StoreAnalysis
        From :func:`lindhydro.sweep.analyze.analyze_store`.

    Returns
    -------
    matplotlib.figure.Figure
        The paper's Fig. 5 (Fig. 6 for an equilibrium store, with the transfer-integral curve).
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.6))
    for cur in analysis.curves:
        h = ax.errorbar(cur.eps, cur.density, yerr=np.nan_to_num(cur.density_err), fmt="o", capsize=3,
                        label=_label(cur))
        if _fitted(cur):
            e = np.linspace(cur.eps.min() * 0.95, cur.eps.max() * 1.05, 200)
            ax.plot(e, wall_density_law(e, (cur.fit["A"],), cur.fit["c"]), "-", color=h[0].get_color(),
                    label=f"A ε^1/4 e^(-c/√ε): A={cur.fit['A']:.3g}, c={cur.fit['c']:.3g}")
        if cur.density_xi is not None and np.any(np.isfinite(cur.density_xi)):
            ax.errorbar(cur.eps, cur.density_xi, yerr=np.nan_to_num(cur.density_xi_err), fmt="s", mfc="none",
                        capsize=2, color=h[0].get_color(), label="1/(2ξ) (no ℓ)")
        if cur.exact_density_xi is not None:
            ax.plot(cur.eps, cur.exact_density_xi, "k--", lw=1, label="exact 1/(2ξ), transfer integral")
    ax.set_xlabel("ε̃")
    ax.set_ylabel("domain-wall density n (1/a)")
    ax.set_yscale("log")
    ax.legend(fontsize=7)
    equilibrium = any(c.exact_density_xi is not None for c in analysis.curves)
    ax.set_title(f"wall density vs coupling (cf. paper Fig. {6 if equilibrium else 5})", fontsize=9)
    fig.tight_layout()
    return fig


def figure_arrhenius(analysis: StoreAnalysis):
    """``ln(n/ε^{1/4})`` vs ``1/√ε``, where the fitted law is a straight line of slope ``-c``.

    Parameters
    ----------
    analysis : StoreAnalysis
        From :func:`lindhydro.sweep.analyze.analyze_store`.

    Returns
    -------
    matplotlib.figure.Figure
        The Arrhenius form of the paper's Fig. 6.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.6))
    for cur in analysis.curves:
        ok = cur.density > 0
        x = 1 / np.sqrt(cur.eps[ok])
        y = np.log(cur.density[ok] / cur.eps[ok] ** 0.25)
        h = ax.errorbar(x, y, yerr=np.nan_to_num(cur.density_err[ok] / cur.density[ok]), fmt="o", capsize=3)
        if _fitted(cur):
            xx = np.linspace(x.min() * 0.95, x.max() * 1.05, 50)
            ax.plot(xx, np.log(cur.fit["A"]) - cur.fit["c"] * xx, "-", color=h[0].get_color(),
                    label=f"slope −c = {-cur.fit['c']:.3g}")
    ax.set_xlabel(r"$1/\sqrt{\tilde\varepsilon}$")
    ax.set_ylabel(r"$\ln(n\,/\,\tilde\varepsilon^{1/4})$")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    ax.set_title("Arrhenius form (cf. paper Fig. 6)", fontsize=9)
    fig.tight_layout()
    return fig


def figure_relaxation(analysis: StoreAnalysis):
    """Realisation-averaged wall density vs time per ε (first curve), with the averaging window.

    Parameters
    ----------
    analysis : StoreAnalysis
        From :func:`lindhydro.sweep.analyze.analyze_store` (with its record series).

    Returns
    -------
    matplotlib.figure.Figure
        A stationarity check by eye: the density should be flat after ``t_steady`` (dotted line).
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.6))
    cur = analysis.curves[0]
    if cur.mean_series is not None and analysis.times is not None:
        for e, series in zip(cur.eps, cur.mean_series, strict=True):
            ax.plot(analysis.times, series, label=f"ε={e:g}")
    ax.axvline(analysis.t_steady, color="k", ls=":", lw=1)
    ax.set_xlabel("t (a²/D)")
    ax.set_ylabel("wall density (1/a)")
    ax.set_yscale("log")
    ax.legend(fontsize=7, ncol=2)
    ax.set_title("relaxation to the steady state (average over realisations)", fontsize=9)
    fig.tight_layout()
    return fig


def plot_analysis(analysis: StoreAnalysis, out: str | Path, *, dpi: int = 120) -> list[Path]:
    """Write the three figures of an analysis to directory ``out`` (PNG) and close them.

    Files: ``density_vs_eps.png`` (:func:`figure_density_vs_eps`), ``arrhenius.png``
    (:func:`figure_arrhenius`) and ``density_vs_time.png`` (:func:`figure_relaxation`).

    Parameters
    ----------
    analysis : StoreAnalysis
        From :func:`lindhydro.sweep.analyze.analyze_store`.
    out : path-like
        Output directory (created).
    dpi : int
        Resolution of the PNG files.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    import matplotlib.pyplot as plt

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, draw in (("density_vs_eps.png", figure_density_vs_eps), ("arrhenius.png", figure_arrhenius),
                       ("density_vs_time.png", figure_relaxation)):
        fig = draw(analysis)
        files.append(out / name)
        fig.savefig(files[-1], dpi=dpi)
        plt.close(fig)
    return files
