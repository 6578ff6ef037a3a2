"""
Reproduce the paper's Figs. 3-6 (toy model) in one go
=====================================================

``python examples/paper_figures.py [--paper] [--figures 3 4 5 6] [--out DIR]``

Without flags every figure is made at a small demonstration scale (about a minute each on one
core).  ``--paper`` uses the paper's scale: ``L = 10000`` and ten noise realisations for Figs. 5
and 6, ``L = 10000`` (a quarter shown) for Fig. 4.  That is many core-hours (the cost is
``n_cells x steps = 4e4 x 4e6`` per run at ~3e8 site-updates per second and core); for a
resumable, distributed version of the Fig. 5 ensemble use ``lindhydro sweep`` with
``examples/05_sweeps/sweep.toml``.

Each figure is written to ``DIR/figN.png``; the fitted parameters and the measured densities go
to ``DIR/paper_figures.json`` (with every parameter that produced them).

Models: Fig. 3 and Fig. 6 use the toy model exactly as printed (without noise / without the
conserved noise).  Figs. 4 and 5 use the Wick-renormalised toy model, because the model as printed
has no ordered phase with the conserved noise (``--literal`` selects it anyway); see
:func:`lindhydro.experiments.scans.toy_model`.  Each figure is computed by
:mod:`lindhydro.experiments.figures` (``figureN``, a result object with ``to_dict()``) and drawn by
:func:`lindhydro.plotting.field.plot_figure`.  The temperature of the equilibrium case is
``T = 2 J eps (1 - gamma)`` (verified against the exact transfer integral), so the Arrhenius
constant is 0.49, not the paper's 0.98; Fig. 6 shows the paper's fixed-``c`` fit beside free fits.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

PAPER_EPS_5 = (0.08, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.3, 0.35, 0.4)
PAPER_EPS_6 = (0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.35, 0.4)


def main(argv: list[str] | None = None) -> int:
    """Make the figures; return the exit status."""
    import matplotlib

    matplotlib.use("Agg")
    from lindhydro.experiments import figures
    from lindhydro.plotting import field as pf

    p = argparse.ArgumentParser(description="Reproduce the paper's Figs. 3-6 (toy model)")
    p.add_argument(
        "--paper", action="store_true", help="the paper's scale (L = 10000, 10 realisations)"
    )
    p.add_argument("--figures", type=int, nargs="+", default=[3, 4, 5, 6], choices=[3, 4, 5, 6])
    p.add_argument("--out", type=Path, default=Path("paper_figures"), help="output directory")
    p.add_argument("--literal", action="store_true", help="Figs. 4/5: the model exactly as printed")
    p.add_argument("--length", type=float, help="override the ring length of Figs. 4-6")
    p.add_argument("--time", type=float, help="override the run time of Figs. 5/6")
    p.add_argument(
        "--realisations", type=int, help="override the number of realisations of Figs. 5/6"
    )
    p.add_argument("--seed", type=int, default=2022)
    p.add_argument("--threads", type=int, default=None, help="numba threads (default: all cores)")
    p.add_argument("--progress", action="store_true", help="progress bars on stderr")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    summary: dict = {"paper_scale": args.paper, "seed": args.seed, "load_average": os.getloadavg()}

    def scale(**small):
        big = dict(small)
        if args.paper:
            big.update(length=10000.0, time=4000.0, realisations=10)
        for k in ("length", "time", "realisations"):
            if getattr(args, k) is not None:
                big[k] = getattr(args, k)
        return big

    for n in args.figures:
        t0 = time.perf_counter()
        if n == 3:
            result = figures.figure3()
        elif n == 4:
            kw = (
                dict(length=10000.0, t_wait=1000.0, t_show=2000.0, n_snapshots=400, fraction=0.25)
                if args.paper
                else dict(length=500.0, t_wait=50.0, t_show=200.0, n_snapshots=150)
            )
            if args.length is not None:
                kw["length"] = args.length
            result = figures.figure4(literal=args.literal, seed=args.seed, **kw)
        elif n == 5:
            kw = scale(length=800.0, time=150.0, realisations=2)
            eps = PAPER_EPS_5 if args.paper else (0.15, 0.2, 0.25, 0.3, 0.4)
            result = figures.figure5(eps, literal=args.literal, seed=args.seed, threads=args.threads,
                                     progress=args.progress, **kw)
        else:
            kw = scale(length=500.0, time=150.0, realisations=2)
            eps = PAPER_EPS_6 if args.paper else (0.2, 0.25, 0.3, 0.4, 0.5, 0.6)
            result = figures.figure6(eps, seed=args.seed, threads=args.threads, progress=args.progress, **kw)
        fig = pf.plot_figure(result)
        summary[f"fig{n}"] = result.to_dict()
        fig.savefig(args.out / f"fig{n}.png", dpi=120)
        summary.setdefault("seconds", {})[f"fig{n}"] = time.perf_counter() - t0
        print(f"fig{n}: {summary['seconds'][f'fig{n}']:.1f} s -> {args.out / f'fig{n}.png'}")
    (args.out / "paper_figures.json").write_text(json.dumps(summary, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
