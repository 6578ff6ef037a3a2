"""Compute the validation summaries of ``docs/_data/validation/`` (issue 12): exact ε → 0 states,
Gibbs fixed points and the zero-dimensional noisy hydrodynamics for J' × N, the thermalisation
diagnostics and the dynamics from a Gibbs start.

Each stage appends one JSON line per case to a work directory, so a long run can be split and
resumed; ``csv`` turns the lines into the committed tables::

    python docs/_scripts/validation_data.py convergence WORK --sites 6 7 8 9 10 11 12 13 14 --jprime 0.01 0.1 0.3 1
    python docs/_scripts/validation_data.py thermal WORK --sites 8 9 10 11 12 13 14 --jprime 0.01 0.1 0.3 1
    python docs/_scripts/validation_data.py levels WORK --sites 8 10 12 14 --jprime 0 0.01 0.1 0.3 1
    python docs/_scripts/validation_data.py dynamics WORK --sites 6 8 10 12 14 --jprime 1 0.01
    python docs/_scripts/validation_data.py csv WORK

Cost on two shared cores: N ≤ 12 seconds per case, N = 14 about two minutes, the secular state of
N = 16 about 30 minutes of one core and 3 GiB (``convergence`` uses the momentum route).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np

from lindhydro.lindblad.compare import fixed_point_reference
from lindhydro.lindblad.dynamics import lattice_trajectory, secular_trajectory
from lindhydro.lindblad.secular import secular_steady_state
from lindhydro.lindblad.thermalisation import eigenstate_scatter, level_spacing_ratio
from lindhydro.lindblad.zero_dim import jump_lattice, small_noise_expansion
from lindhydro.quantum.fixed_points import as_ensemble
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.spectrum import diagonalize

OUT = Path(__file__).resolve().parents[1] / "_data" / "validation"

#: Local states of the jump lattice: the hydrodynamic prediction and two diagnostics.
LATTICES = {
    "hydro": {"ensemble": "grand canonical", "energy_step": 0.25},
    "canonical": {"ensemble": "canonical", "energy_step": 0.25},
    "lumped": {"ensemble": "microcanonical", "energy_step": 1.0},
}


def _summary(state) -> dict:
    return {"e": state.energy_density, "m_rms": state.m_rms,
            "dist": {str(k): float(v) for k, v in state.q1_distribution.items()}}


def convergence(n: int, jp: float) -> dict:
    params = ChainParameters(n_sites=n, jprime=jp)
    t0 = time.perf_counter()
    exact = secular_steady_state(params, method="momentum" if n >= 8 else "dense")
    row = {"jprime": jp, "n_sites": n, "exact": _summary(exact), "secular_seconds": time.perf_counter() - t0}
    ens = as_ensemble(params)
    fp = fixed_point_reference(params, ensemble=ens)
    row["fixed_point"] = {"e": fp.e, "m": fp.m, "m_rms": fp.m_rms,
                          "dist": {str(k): v for k, v in fp.q1_distribution.items()}}
    for name, kw in LATTICES.items():
        row[name] = _summary(jump_lattice(ens.spectrum, **kw).prediction())
    row["expansion"] = _summary(small_noise_expansion(ens, fp.lam))
    return row


def thermal(n: int, jp: float) -> dict:
    params = ChainParameters(n_sites=n, jprime=jp)
    ens = GibbsEnsemble(diagonalize(params, sectors="momentum"))
    fp = fixed_point_reference(params, ensemble=ens)
    a, b = eigenstate_scatter(ens, fp.lam), eigenstate_scatter(ens, np.zeros(2))
    return {"n_sites": n, "jprime": jp, "fixed_point": a.to_dict(), "infinite_temperature": b.to_dict()}


def levels(n: int, jp: float) -> dict:
    r, count = level_spacing_ratio(diagonalize(ChainParameters(n_sites=n, jprime=jp), sectors="momentum"))
    return {"n_sites": n, "jprime": jp, "r": r, "levels": count}


def dynamics(n: int, jp: float, lam0=(-0.5, 0.0), tau_max: float = 10.0) -> dict:
    params = ChainParameters(n_sites=n, jprime=jp)
    ens = as_ensemble(params)
    tau = np.linspace(0.0, tau_max, 41)
    ex = secular_trajectory(params, lam0, tau)
    row = {"jprime": jp, "n_sites": n, "lam0": list(lam0), "exact": ex.to_dict()}
    for name, kw in LATTICES.items():
        hy = lattice_trajectory(jump_lattice(ens.spectrum, **kw), ens, lam0, tau)
        row[name] = {**hy.to_dict(), "max_tv": float(ex.total_variation(hy).max()),
                     "max_dm": float(np.abs(ex.m - hy.m).max()),
                     "max_dmrms": float(np.abs(np.sqrt(ex.m2) - np.sqrt(hy.m2)).max()),
                     "max_de": float(np.abs(ex.e - hy.e).max())}
    return row


def _tv(p: dict, q: dict) -> float:
    return 0.5 * sum(abs(float(p[k]) - float(q.get(k, 0.0))) for k in p)


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def _write(name: str, header: list[str], rows: list[list]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([f"{v:.6g}" if isinstance(v, float) else v for v in r])


def write_csv(work: Path) -> None:
    rows = []
    for r in sorted(_read(work / "convergence.jsonl"), key=lambda r: (r["jprime"], r["n_sites"])):
        n, ex, fp = r["n_sites"], r["exact"], r["fixed_point"]
        full = 2 * float(ex["dist"][str(n)])
        rows.append([r["jprime"], n, ex["e"], ex["m_rms"], full, fp["e"], fp["m"], fp["m_rms"],
                     *[v for k in ("hydro", "canonical", "lumped", "expansion") for v in (r[k]["e"], r[k]["m_rms"])],
                     _tv(ex["dist"], fp["dist"]), *[_tv(ex["dist"], r[k]["dist"]) for k in ("hydro", "canonical", "lumped")],
                     2 * float(r["hydro"]["dist"][str(n)])])
    _write("convergence.csv", ["jprime", "n_sites", "e_exact", "m_rms_exact", "p_polarised_exact", "e_fixed_point",
                               "m_fixed_point", "m_rms_gibbs", "e_hydro", "m_rms_hydro", "e_canonical",
                               "m_rms_canonical", "e_lumped", "m_rms_lumped", "e_expansion", "m_rms_expansion",
                               "tv_gibbs", "tv_hydro", "tv_canonical", "tv_lumped", "p_polarised_hydro"], rows)
    lev = {(r["n_sites"], r["jprime"]): r for r in _read(work / "levels.jsonl")}
    rows = []
    for r in sorted(_read(work / "thermal.jsonl"), key=lambda r: (r["jprime"], r["n_sites"])):
        a, b = r["fixed_point"], r["infinite_temperature"]
        lv = lev.get((r["n_sites"], r["jprime"]), {"r": float("nan"), "levels": 0})
        rows.append([r["jprime"], r["n_sites"], *a["scatter"], *a["spread"], *b["scatter"], *b["spread"], lv["r"], lv["levels"]])
    extra = [[r["jprime"], r["n_sites"], *[float("nan")] * 8, r["r"], r["levels"]]
             for r in lev.values() if not any(x[0] == r["jprime"] and x[1] == r["n_sites"] for x in rows)]
    _write("thermalisation.csv", ["jprime", "n_sites", "scatter_f1_fixed_point", "scatter_f2_fixed_point",
                                  "spread_f1_fixed_point", "spread_f2_fixed_point", "scatter_f1_infinite_t",
                                  "scatter_f2_infinite_t", "spread_f1_infinite_t", "spread_f2_infinite_t",
                                  "level_ratio", "levels"], sorted(rows + extra, key=lambda x: (x[0], x[1])))
    rows = [[r["jprime"], r["n_sites"], k, r[k]["max_tv"], r[k]["max_dm"], r[k]["max_dmrms"], r[k]["max_de"]]
            for r in sorted(_read(work / "dynamics.jsonl"), key=lambda r: (r["jprime"], r["n_sites"])) for k in LATTICES]
    _write("dynamics.csv", ["jprime", "n_sites", "model", "max_tv", "max_dm", "max_dm_rms", "max_de"], rows)
    traces = {}
    for r in _read(work / "dynamics.jsonl"):
        if r["jprime"] == 1.0 and r["n_sites"] in (8, 14):
            traces[str(r["n_sites"])] = {k: {q: r[k][q] for q in ("tau", "m", "m2", "e")} for k in ("exact", "hydro", "lumped")}
    (OUT / "dynamics_traces.json").write_text(json.dumps(traces))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=["convergence", "thermal", "levels", "dynamics", "csv"])
    parser.add_argument("work", type=Path, help="directory of the JSON-lines files")
    parser.add_argument("--sites", type=int, nargs="*", default=[])
    parser.add_argument("--jprime", type=float, nargs="*", default=[])
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.stage == "csv":
        write_csv(args.work)
        return
    compute = {"convergence": convergence, "thermal": thermal, "levels": levels, "dynamics": dynamics}[args.stage]
    for jp in args.jprime:
        for n in args.sites:
            t0 = time.perf_counter()
            row = compute(n, jp)
            row["seconds"] = time.perf_counter() - t0
            with open(args.work / f"{args.stage}.jsonl", "a") as f:
                f.write(json.dumps(row) + "\n")
            print(args.stage, jp, n, f"{row['seconds']:.0f} s", flush=True)


if __name__ == "__main__":
    main()
