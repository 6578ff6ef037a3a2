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

__all__ = ["plot_analysis"]


def _fitted(cur: DensityCurve) -> bool:
    """Whether the curve carries a fit of the ``eps^1/4`` law to draw."""
    f = cur.fit or {}
    return f.get("A") is not None and f.get("c") is not None and f.get("prefactor", "eps^1/4") == "eps^1/4"


def _label(cur: DensityCurve) -> str:
    return ", ".join(f"{k}={v}" for k, v in cur.axes.items()) or "simulation"


def _density_vs_eps(ax, analysis: StoreAnalysis) -> None:
    """Fig. 5 (Fig. 6 with the transfer-integral curve): density vs ε, error bars, law, ``1/(2ξ)``."""
    for cur in analysis.curves:
        h = ax.errorbar(cur.eps, cur.density, yerr=np.nan_to_num(cur.density_err), fmt="o", capsize=3,
                        label=_label(cur))
        if _fitted(cur):
            e = np.linspace(cur.eps.min(), cur.eps.max(), 200)  # the law where it was fitted
            ax.plot(e, wall_density_law(e, (cur.fit["A"],), cur.fit["c"]), "-", color=h[0].get_color(),
                    label=rf"$A\tilde\varepsilon^{{1/4}}e^{{-c/\sqrt{{\tilde\varepsilon}}}}$: "
                          f"$A$ = {cur.fit['A']:.3g}, $c$ = {cur.fit['c']:.3g}")
        if cur.density_xi is not None and np.any(np.isfinite(cur.density_xi)):
            ax.errorbar(cur.eps, cur.density_xi, yerr=np.nan_to_num(cur.density_xi_err), fmt="s", mfc="none",
                        capsize=2, color=h[0].get_color(), label=r"$1/(2\xi)$ (no $\ell$)")
        if cur.exact_density_xi is not None:
            ax.plot(cur.eps, cur.exact_density_xi, "k--", lw=1, label=r"exact $1/(2\xi)$, transfer integral")
    ax.set_xlabel(r"$\tilde\varepsilon$")
    ax.set_ylabel(r"domain-wall density $n$ ($1/a$)")
    ax.set_yscale("log")
    equilibrium = any(c.exact_density_xi is not None for c in analysis.curves)
    ax.set_title(f"wall density vs coupling (cf. paper Fig. {6 if equilibrium else 5})", fontsize=9)


def _arrhenius(ax, analysis: StoreAnalysis) -> None:
    """``ln(n/ε^{1/4})`` vs ``1/√ε``: the fitted law is a straight line of slope ``-c``."""
    for cur in analysis.curves:
        ok = cur.density > 0
        x = 1 / np.sqrt(cur.eps[ok])
        y = np.log(cur.density[ok] / cur.eps[ok] ** 0.25)
        h = ax.errorbar(x, y, yerr=np.nan_to_num(cur.density_err[ok] / cur.density[ok]), fmt="o", capsize=3)
        if _fitted(cur):
            xx = np.linspace(x.min(), x.max(), 50)
            ax.plot(xx, np.log(cur.fit["A"]) - cur.fit["c"] * xx, "-", color=h[0].get_color(),
                    label=f"slope −c = {-cur.fit['c']:.3g}")
    ax.set_xlabel(r"$1/\sqrt{\tilde\varepsilon}$")
    ax.set_ylabel(r"$\ln(n\,/\,\tilde\varepsilon^{1/4})$")
    ax.set_title("Arrhenius form (cf. paper Fig. 6)", fontsize=9)


def _relaxation(ax, analysis: StoreAnalysis) -> None:
    """Realisation-averaged density vs time per ε (first curve) and the start of the averaging window."""
    cur = analysis.curves[0]
    if cur.mean_series is not None and analysis.times is not None:
        for e, series in zip(cur.eps, cur.mean_series, strict=True):
            ax.plot(analysis.times, series, label=rf"$\tilde\varepsilon$ = {e:g}")
    ax.axvspan(analysis.t_steady, analysis.t_end, color="0.9", zorder=0, lw=0, label="averaging window")
    ax.set_xlabel(r"$t$ ($a^2/D$)")
    ax.set_ylabel(r"wall density ($1/a$)")
    ax.set_yscale("log")
    ax.set_title("relaxation (mean over realisations)", fontsize=9)


#: File name -> what it shows.
_FIGURES = {"density_vs_eps.png": _density_vs_eps, "arrhenius.png": _arrhenius, "density_vs_time.png": _relaxation}


def plot_analysis(analysis: StoreAnalysis, out: str | Path, *, dpi: int = 120) -> list[Path]:
    """Write the figures of a sweep analysis to directory ``out`` (PNG).

    ``density_vs_eps.png``: the steady-state density vs ε with error bars, the fitted law, the
    ℓ-free ``1/(2ξ)`` and, for an equilibrium store, the exact transfer-integral curve (paper Figs. 5
    and 6); ``arrhenius.png``: ``ln(n/ε^{1/4})`` vs ``1/√ε``, where the law is a straight line of
    slope ``-c``; ``density_vs_time.png``: the realisation-averaged density vs time per ε with the
    start of the averaging window (a stationarity check by eye).

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
    for name, draw in _FIGURES.items():
        fig, ax = plt.subplots(figsize=(5.5, 4.2), layout="constrained")
        draw(ax, analysis)
        if ax.get_legend_handles_labels()[0]:  # below the axes: it covers no data
            fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize=8)
        files.append(out / name)
        fig.savefig(files[-1], dpi=dpi)
        plt.close(fig)
    return files
