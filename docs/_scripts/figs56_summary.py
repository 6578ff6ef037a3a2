"""Summarise the sweep stores of issue 13 (the paper's Figs. 5 and 6, both conventions) into small files.

The stores themselves are not committed (hundreds of MB); their configurations are
``docs/_data/sweeps/*.toml``.  This script reads them with :func:`lindhydro.sweep.analyze.analyze_store`
and writes ``docs/_data/figs56_summary.json`` and ``docs/_data/figs56_summary.csv``: per figure,
convention and scale the wall density per ε (per unit length and in the paper's units, walls per cell of
dx = 0.25), its standard error over realisations, the stationarity z-score, the fit
``A ε^{1/4} exp(-c/√ε)`` with bootstrap errors (free c, and c fixed at the paper's value), and the ratio
to the paper's law.  ``docs/_scripts/figs56.py`` draws the figure from the JSON.

    python docs/_scripts/figs56_summary.py /work/snap/h13/stores
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

from lindhydro.analysis.fits import fit_wall_density
from lindhydro.field.model import PAPER_CELL
from lindhydro.sweep.analyze import analyze_store
from lindhydro.sweep.config import to_jsonable

#: The paper's fitted laws in its units: (A, c) of A eps^1/4 exp(-c/sqrt(eps)); Fig. 6 with c fixed.
PAPER_LAWS = {"fig5": (0.0293, 0.56), "fig6": (0.044, 0.98)}
#: Stores per figure, convention and scale (reduced: L = 2000, 4 realisations; paper: L = 10000, 10).
STORES = {
    ("fig5", "as-run", "reduced"): ("fig5_asrun_low", "fig5_asrun_high"),
    ("fig5", "derived", "reduced"): ("fig5_derived_low", "fig5_derived_high"),
    ("fig6", "as-run", "reduced"): ("fig6_asrun_low", "fig6_asrun_high"),
    ("fig6", "derived", "reduced"): ("fig6_derived_low", "fig6_derived_high"),
    ("fig5", "as-run", "paper"): ("fig5_asrun_paper",),
    ("fig5", "derived", "paper"): ("fig5_derived_paper",),
}
OUT = Path(__file__).resolve().parents[1] / "_data"


def law(fig: str, eps: np.ndarray) -> np.ndarray:
    """The paper's fitted law of ``fig`` (its units)."""
    A, c = PAPER_LAWS[fig]
    return A * eps**0.25 * np.exp(-c / np.sqrt(eps))


def collect(root: Path, names: tuple[str, ...]) -> dict | None:
    """Per-ε rows (sorted by ε) from the stores ``names`` under ``root``; None if none exists."""
    rows = []
    for name in names:
        path = root / f"{name}.store"
        if not (path / "entries").is_dir() or not any((path / "entries").iterdir()):
            continue
        an = analyze_store(path, n_boot=0, exact=False)
        (cur,) = an.curves
        sim = an.parameters_example.get("simulation", {})
        for i, e in enumerate(cur.eps):
            st = cur.stationarity[i]
            rows.append({"eps": float(e), "per_realisation": [float(x) for x in cur.per_realisation[i] if np.isfinite(x)],
                         "drift_z": None if st is None else float(st.z_score), "store": name,
                         "length": sim.get("length"), "time": sim.get("time")})
    return sorted(rows, key=lambda r: r["eps"]) or None


def summarise(fig: str, rows: list[dict]) -> dict:
    """Means, errors, ratios to the paper's law and the fits (per unit length and in paper units)."""
    eps = np.array([r["eps"] for r in rows])
    per = [np.array(r["per_realisation"]) for r in rows]
    n = np.array([p.mean() for p in per])
    err = np.array([p.std(ddof=1) / np.sqrt(p.size) if p.size > 1 else np.nan for p in per])
    paper = law(fig, eps)
    out = {"eps": eps.tolist(), "density": n.tolist(), "density_err": err.tolist(),
           "density_paper_units": (PAPER_CELL * n).tolist(), "density_paper_units_err": (PAPER_CELL * err).tolist(),
           "paper_law": paper.tolist(), "ratio_to_paper": (PAPER_CELL * n / paper).tolist(),
           "ratio_to_paper_err": (PAPER_CELL * err / paper).tolist(),
           "realisations": [int(p.size) for p in per], "drift_z": [r["drift_z"] for r in rows],
           "length": [r["length"] for r in rows], "time": [r["time"] for r in rows]}
    usable = [i for i, p in enumerate(per) if p.size > 1 and p.mean() > 0]
    if len(usable) >= 3:
        e, p = eps[usable], [PAPER_CELL * per[i] for i in usable]
        free = fit_wall_density(e, realisations=p, n_boot=1000, seed=13)
        fixed = fit_wall_density(e, realisations=p, n_boot=1000, seed=13, c=PAPER_LAWS[fig][1])
        out["fit_paper_units"] = {"A": free.A, "A_error": free.A_error, "c": free.c, "c_error": free.c_error,
                                  "chi2_per_dof": free.chi2 / max(free.dof, 1)}
        out["fit_fixed_c_paper_units"] = {"A": fixed.A, "A_error": fixed.A_error, "c": fixed.c}
    return out


def main(root: str) -> None:
    """Write the JSON and CSV summaries of every store found under ``root``."""
    summary = {"paper_laws": PAPER_LAWS, "paper_cell": PAPER_CELL, "series": []}
    for (fig, convention, scale), names in STORES.items():
        rows = collect(Path(root), names)
        if rows:
            summary["series"].append({"figure": fig, "convention": convention, "scale": scale, "stores": list(names),
                                      **summarise(fig, rows)})
    (OUT / "figs56_summary.json").write_text(json.dumps(to_jsonable(summary), indent=1, allow_nan=False))
    with open(OUT / "figs56_summary.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["figure", "convention", "scale", "eps", "density_per_length", "density_err", "density_paper_units",
                    "paper_law", "ratio_to_paper", "ratio_err", "realisations", "drift_z", "length", "time"])
        for s in summary["series"]:
            for i, e in enumerate(s["eps"]):
                w.writerow([s["figure"], s["convention"], s["scale"], e, f"{s['density'][i]:.6g}",
                            f"{s['density_err'][i]:.3g}", f"{s['density_paper_units'][i]:.6g}",
                            f"{s['paper_law'][i]:.6g}", f"{s['ratio_to_paper'][i]:.4f}",
                            f"{s['ratio_to_paper_err'][i]:.4f}", s["realisations"][i],
                            "" if s["drift_z"][i] is None else f"{s['drift_z'][i]:.2f}", s["length"][i], s["time"][i]])
    for s in summary["series"]:
        f, g = s.get("fit_paper_units"), s.get("fit_fixed_c_paper_units")
        print(f"{s['figure']} {s['convention']:8s} {s['scale']:8s}", "" if f is None else
              f"A = {f['A']:.4f} +- {f['A_error']:.4f}, c = {f['c']:.3f} +- {f['c_error']:.3f}; "
              f"fixed c = {g['c']}: A = {g['A']:.4f} +- {g['A_error']:.4f}",
              "ratios:", " ".join(f"{r:.2f}" for r in s["ratio_to_paper"]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/snap/h13/stores")
