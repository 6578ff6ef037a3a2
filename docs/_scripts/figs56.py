"""Draw the paper's Figs. 5 and 6 beside ours: docs/_static/figs56.png (issue 13).

Lines: the paper's fitted laws ``A eps^1/4 exp(-c/sqrt(eps))`` (Fig. 5: A = 0.0293, c = 0.56; Fig. 6:
A = 0.044, c = 0.98 fixed), in its units (walls per cell of dx = 0.25).  Points: our steady-state wall
densities in the same units, mean and standard error over realisations, for both conventions of the toy
model ("as-run": half the printed site noise; "derived": as printed) at reduced scale (L = 2000, 4
realisations) and, where run, at the paper's scale (L = 10000, 10 realisations), all counted with the
default coarse-graining length; for Fig. 5 also the as-run model counted at ell = w/2, which sees the
conserved noise (docs/_data/ell_scan_as_run.json).  Open symbols: the
two halves of the averaging window differ by more than 3 standard errors (not yet stationary).  Reads
docs/_data/figs56_summary.json (written by docs/_scripts/figs56_summary.py from the sweep stores) and
docs/_data/ell_scan_as_run.json.

    python docs/_scripts/figs56.py
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

DOCS = Path(__file__).resolve().parents[1]
STYLE = {("as-run", "reduced"): dict(color="C0", marker="o", label="as-run, L = 2000 (4 runs)"),
         ("derived", "reduced"): dict(color="C3", marker="s", label="derived, L = 2000 (4 runs)"),
         ("as-run", "paper"): dict(color="C2", marker="D", label="as-run, L = 10000 (10 runs)"),
         ("derived", "paper"): dict(color="C1", marker="^", label="derived, L = 10000 (10 runs)")}


def half_width_counts(scan: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fig. 5 as run, counted at ell = w/2 (the old default, which counts conserved-noise crossings)."""
    eps, n, err = [], [], []
    for e, r in scan["series"]["with_xi_th"].items():
        ells, o = np.array(r["ells"]), np.argsort(r["ells"])
        eps.append(float(e))
        n.append(np.interp(r["wall_width"] / 2, ells[o], np.array(r["mean"])[o]))
        err.append(np.interp(r["wall_width"] / 2, ells[o], np.array(r["err"])[o]))
    return np.array(eps), np.array(n), np.array(err)


def draw(summary: dict, scan: dict, out: Path) -> None:
    """Two panels (Fig. 5 with the conserved noise, Fig. 6 without), log density against eps."""
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.8), sharey=True, layout="constrained")
    titles = {"fig5": "Fig. 5: with $\\xi^{th}$ (Wick-ordered)", "fig6": "Fig. 6: without $\\xi^{th}$"}
    for ax, fig_name in zip(axes, ("fig5", "fig6"), strict=True):
        A, c = summary["paper_laws"][fig_name]
        e = np.linspace(0.07, 0.42, 200)
        ax.plot(e, A * e**0.25 * np.exp(-c / np.sqrt(e)), "k-", lw=1.5,
                label=f"paper: {A:g} $\\varepsilon^{{1/4}} e^{{-{c:g}/\\sqrt{{\\varepsilon}}}}$")
        for s in summary["series"]:
            if s["figure"] != fig_name:
                continue
            st = STYLE[(s["convention"], s["scale"])]
            eps, n = np.array(s["eps"]), np.array(s["density_paper_units"], dtype=float)
            err = np.array([np.nan if x is None else x for x in s["density_paper_units_err"]], dtype=float)
            drift = np.array([0.0 if z is None else z for z in s["drift_z"]])
            fit = s.get("fit_paper_units")
            label = st["label"] + ("" if fit is None else f"; fit c = {fit['c']:.2f}$\\pm${fit['c_error']:.2f}")
            ax.errorbar(eps, n, yerr=err, ls="none", marker=st["marker"], color=st["color"], ms=5, capsize=2,
                        mfc=st["color"], label=label)
            bad = drift > 3
            if bad.any():  # not stationary: open symbol on top
                ax.plot(eps[bad], n[bad], ls="none", marker=st["marker"], ms=5, mfc="white", mec=st["color"], zorder=5)
        if fig_name == "fig5":
            e5, n5, s5 = half_width_counts(scan)
            ax.errorbar(e5, n5, yerr=s5, ls="none", marker="v", color="C4", ms=5, capsize=2,
                        label="as-run, L = 2000, counted at $\\ell = w/2$ (sees the noise)")
        ax.set_yscale("log")
        ax.set_xlabel("$\\tilde\\varepsilon$")
        ax.set_title(titles[fig_name], fontsize=10)
        ax.legend(fontsize=7, loc="lower right")
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("walls per cell of $dx = 0.25$ (paper units)")
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    data = json.loads((DOCS / "_data" / "figs56_summary.json").read_text())
    ell_scan = json.loads((DOCS / "_data" / "ell_scan_as_run.json").read_text())
    target = DOCS / "_static" / "figs56.png"
    draw(data, ell_scan, target)
    print(f"{target}: {target.stat().st_size / 1024:.0f} KB")
