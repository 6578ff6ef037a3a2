"""Draw ``docs/_static/validation_convergence.png`` from the summaries in ``docs/_data/validation/``.

(a) the energy gap N(e − e*) of the exact ε → 0 state (filled), of the noisy-hydrodynamics
prediction at the same N (open) and its 1/N coefficient (dotted) to the Gibbs fixed point; (b) the distance of the exact P(Q1) from the Gibbs ±m*
mixture, from the prediction and from the eigenstate rates lumped on (Q1, E) cells; (c) the
eigenstate-to-eigenstate scatter of the force on Q1 at infinite temperature; (d) the level-spacing
ratio; (e) the largest distance of P(Q1, τ) from the exact dynamics after a Gibbs start.  Run
``python docs/_scripts/validation_figure.py`` (seconds); the data come from ``validation_data.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "_data" / "validation"
OUT = Path(__file__).resolve().parents[1] / "_static" / "validation_convergence.png"
COLOURS = {0.0: "0.5", 0.01: "tab:blue", 0.1: "tab:green", 0.3: "tab:orange", 1.0: "tab:red"}


def read(name: str) -> list[dict]:
    with open(DATA / name) as f:
        return [{k: (v if k == "model" else float(v)) for k, v in row.items()} for row in csv.DictReader(f)]


def by_jprime(rows: list[dict]) -> dict[float, list[dict]]:
    out: dict[float, list[dict]] = {}
    for r in rows:
        out.setdefault(r["jprime"], []).append(r)
    return {k: sorted(v, key=lambda r: r["n_sites"]) for k, v in sorted(out.items())}


def draw(fig) -> None:
    ax = fig.subplots(2, 3).ravel()
    conv = by_jprime(read("convergence.csv"))
    for jp, rows in conv.items():
        n = np.array([r["n_sites"] for r in rows])
        c = COLOURS.get(jp, "k")
        ax[0].plot(n, n * np.array([r["e_exact"] - r["e_fixed_point"] for r in rows]), "o-", color=c, label=f"J' = {jp:g}")
        ax[0].plot(n, n * np.array([r["e_hydro"] - r["e_fixed_point"] for r in rows]), "o--", mfc="none", color=c)
        coef = np.mean([r["n_sites"] * (r["e_expansion"] - r["e_fixed_point"]) for r in rows])
        ax[0].axhline(coef, color=c, ls=":", lw=1.2)
        if jp in (0.01, 1.0):
            for key, style in (("tv_gibbs", ":"), ("tv_hydro", "--"), ("tv_lumped", "-")):
                ax[1].plot(n, [r[key] for r in rows], "o" + style, color=c, mfc="none" if key != "tv_lumped" else c)
    ax[0].axhline(0, color="k", lw=0.5)
    ax[0].set(xlabel="N", ylabel="N (e − e*)  [J]",
              title="(a) N(e − e*): exact ε → 0 (filled), noisy hydro at N (open),\nits 1/N coefficient (dotted)")
    ax[0].legend(fontsize=7, loc="lower left")
    ax[1].set(xlabel="N", ylabel="TV distance of P(Q1) from exact", yscale="log",
              title="(b) P(Q1): Gibbs ±m* (dotted), noisy hydro (dashed),\nlumped eigenstates (solid); J' = 0.01 blue, 1 red")
    therm = by_jprime(read("thermalisation.csv"))
    for jp, rows in therm.items():
        ok = [r for r in rows if np.isfinite(r["scatter_f1_infinite_t"])]
        if ok:
            ax[2].plot([r["n_sites"] for r in ok], [r["scatter_f1_infinite_t"] for r in ok], "o-", color=COLOURS.get(jp, "k"), label=f"J' = {jp:g}")
        lv = [r for r in rows if np.isfinite(r["level_ratio"])]
        if lv:
            ax[3].plot([r["n_sites"] for r in lv], [r["level_ratio"] for r in lv], "o-", color=COLOURS.get(jp, "k"), label=f"J' = {jp:g}")
    ax[2].set(xlabel="N", ylabel="σ of ⟨n|L̂1†(Q1)|n⟩/N  [J]", yscale="log", title="(c) eigenstate scatter of the force on Q1 (T = ∞)")
    ax[2].legend(fontsize=7)
    ax[3].axhline(2 * np.log(2) - 1, color="k", ls=":", lw=0.8)
    ax[3].axhline(0.5307, color="k", ls="--", lw=0.8)
    ax[3].set(xlabel="N", ylabel="⟨r⟩", title="(d) level-spacing ratio\n(Poisson dotted, GOE dashed)")
    ax[3].legend(fontsize=7)
    dyn = read("dynamics.csv")
    for jp, marker in ((1.0, "o"), (0.01, "s")):
        for model, style in (("hydro", "--"), ("canonical", ":"), ("lumped", "-")):
            rows = sorted((r for r in dyn if r["jprime"] == jp and r["model"] == model), key=lambda r: r["n_sites"])
            if rows:
                ax[4].plot([r["n_sites"] for r in rows], [r["max_tv"] for r in rows], marker + style,
                           color=COLOURS[jp], label=f"{model}, J' = {jp:g}")
    ax[4].set(xlabel="N", ylabel="max_τ TV of P(Q1, τ)", yscale="log", title="(e) dynamics from a Gibbs start: max_τ TV")
    ax[4].legend(fontsize=6)
    rows = conv.get(1.0, [])
    n = np.array([r["n_sites"] for r in rows])
    ax[5].plot(n, [r["m_rms_exact"] for r in rows], "o-", color="tab:red", label="exact ε → 0")
    ax[5].plot(n, [r["m_rms_gibbs"] for r in rows], "o:", color="k", mfc="none", label="Gibbs ±m* mixture")
    ax[5].plot(n, [r["m_rms_hydro"] for r in rows], "o--", color="tab:red", mfc="none", label="noisy hydro")
    ax[5].plot(n, [r["m_rms_lumped"] for r in rows], "s-", color="0.4", ms=3, label="lumped eigenstate rates")
    ax[5].set(xlabel="N", ylabel="m_rms = ⟨Q1²⟩^½/N", title="(f) m_rms at J' = 1")
    ax[5].legend(fontsize=7)
    for a in ax:
        a.title.set_fontsize(9)


def main() -> None:
    fig = plt.figure(figsize=(13, 7.5), layout="constrained")
    draw(fig)
    fig.savefig(OUT, dpi=90)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
