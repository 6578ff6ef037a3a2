"""``lindhydro sweep`` and ``lindhydro analyze``: ε × realisation ensembles on dask.distributed.

``lindhydro sweep CONFIG.toml [--scheduler ADDRESS] [--workers N] [--json] [--no-progress] [--dry-run]``
    Run (or resume) the sweep of a TOML configuration (format: :mod:`lindhydro.sweep.config`).
    Exit code 0 when every task is finished, 1 when some failed (summary on stderr; rerun the same
    command to retry them, finished tasks are never recomputed), 2 for a bad configuration.

``lindhydro analyze STORE [--out DIR] [--t-steady T] [--json]``
    Steady-state domain-wall density vs ε with error bars and a stationarity verdict, the fit
    ``A ε^{1/4} e^{-c/√ε}`` and the Fig. 5/6-style plots, from the store alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from lindhydro.cli.options import add_output_arguments
from lindhydro.cli.outputs import add_overwrite_argument, output_directory, written_atomically

__all__ = ["register"]


def _sweep(args: argparse.Namespace) -> int:
    from lindhydro.sweep.config import load_config
    from lindhydro.sweep.runner import run_sweep

    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers must be >= 1, got {args.workers}")
    if args.workers is not None and args.scheduler:
        raise ValueError("--workers applies to the local cluster only; do not combine it with --scheduler")
    config = load_config(args.config)
    if args.dry_run:
        from lindhydro.sweep.runner import sweep_status

        st = sweep_status(config)
        for note in st["notes"]:
            print(f"lindhydro sweep: note: {note}", file=sys.stderr)
        print(f"{st['store']}: {st['n_tasks']} tasks: {st['finished']} finished, {st['checkpointed']} "
              f"resume from checkpoints, {st['to_start']} to start, {st['damaged']} damaged (to recompute); "
              f"{st['failed_last_run']} failed in the last run; {st['site_updates_remaining']:.3g} site updates "
              "remaining", file=sys.stderr)
        if args.json:
            print(json.dumps(st))
        return 0
    report = run_sweep(config, scheduler=args.scheduler, n_workers=args.workers, progress=not args.no_progress)
    print(report.summary(), file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict()))
    return 0 if report.ok else 1


#: What ``lindhydro analyze`` writes into its output directory besides the figures.
ANALYSIS_JSON = "analysis.json"

#: What ``lindhydro analyze --help`` says it does.
ANALYZE_DESCRIPTION = (
    "Steady-state domain-wall density per eps (mean over realisations, standard error), the fit "
    "n = A eps^1/4 exp(-c/sqrt(eps)) with bootstrap errors, and plots, from the store alone."
)


def _analysis_directory(args: argparse.Namespace) -> tuple[Path, bool]:
    """The output directory (checked) and whether existing files in it may be replaced.

    The default, STORE/analysis, belongs to the store and is refreshed by every run; an explicit
    ``--out`` keeps its files unless ``--overwrite`` is given.
    """
    store = Path(args.store)
    if not (store / "manifest.json").exists() and not (store / "entries").is_dir():
        raise ValueError(f"{store} is not a sweep store (no manifest.json or entries/)")
    if args.out is None:
        return output_directory(store / "analysis", "analysis directory", overwrite=True), True
    return output_directory(args.out, "--out", files=[ANALYSIS_JSON], overwrite=args.overwrite), args.overwrite


def _write_figures(analysis, out: Path, overwrite: bool) -> list[Path]:
    """Draw into a temporary directory beside ``out``, then move each figure in (atomic renames)."""
    import tempfile

    import matplotlib

    matplotlib.use("Agg")  # files only: no window, whatever the user's default backend
    from lindhydro.plotting.sweep import plot_analysis

    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".figures-") as tmp:
        drawn = plot_analysis(analysis, tmp)
        clash = [f.name for f in drawn if (out / f.name).exists()]
        if clash and not overwrite:
            raise ValueError(f"--out {out}: {', '.join(clash)} exist(s) already (give --overwrite to replace)")
        for f in drawn:
            f.replace(out / f.name)
    return [out / f.name for f in drawn]


def _analyze(args: argparse.Namespace) -> int:
    from lindhydro.sweep.analyze import analyze_store

    out, overwrite = _analysis_directory(args)
    analysis = analyze_store(args.store, t_steady=args.t_steady, n_boot=args.n_boot, exact=not args.no_exact)
    files = _write_figures(analysis, out, overwrite)
    result = analysis.to_dict() | {"figures": [str(f) for f in files]}
    with written_atomically(out / ANALYSIS_JSON) as tmp:
        Path(tmp).write_text(json.dumps(result, indent=1))
    if analysis.n_finished < analysis.n_expected:
        print(f"# partial store: {analysis.n_finished} of {analysis.n_expected} tasks finished (the others are "
              "missing from every average below; run the sweep again to finish them)", file=sys.stderr)
    for cur in analysis.curves:
        _print_curve(cur)
    print(f"figures and {ANALYSIS_JSON} written to {out}", file=sys.stderr)
    if args.json:
        print(json.dumps(result))
    return 0


def _pm(value: float, error: float | None) -> str:
    """``value ± error``, or the value alone when there is no error bar (one realisation, no bootstrap)."""
    if error is None or not np.isfinite(error):
        return f"{value:.4g} (no error bar)"
    return f"{value:.4g} ± {error:.2g}"


def _print_curve(cur) -> None:
    """Density per ε with its error, the stationarity verdict and the fit, on stderr."""
    from lindhydro.field.model import density_in_paper_units

    head = ", ".join(f"{k}={v}" for k, v in cur.axes.items())
    print(f"# {head}" if head else "# wall density vs eps", file=sys.stderr)
    for e, n, s, k, st in zip(cur.eps, cur.density, cur.density_err, cur.n_realisations, cur.stationarity,
                              strict=True):
        flag = "" if st is None or st.stationary else f"  NOT STATIONARY (z = {st.z_score:.1f})"
        value = f"{n:.5g}  (1 realisation: no error bar)" if k == 1 else f"{_pm(n, s)}  ({k} realisations)"
        print(f"  eps={e:<8g} n={value}  paper units {density_in_paper_units(n):.4g}{flag}", file=sys.stderr)
    if cur.fit and "A" in cur.fit:
        print(f"  fit A eps^1/4 exp(-c/sqrt(eps)): A = {_pm(cur.fit['A'], cur.fit.get('A_error'))} "
              f"(paper units {_pm(cur.fit['A_paper_units'], cur.fit.get('A_error_paper_units'))}), "
              f"c = {_pm(cur.fit['c'], cur.fit.get('c_error'))}", file=sys.stderr)
    elif cur.fit:
        print(f"  no fit: {cur.fit.get('error')}", file=sys.stderr)


def register(subparsers) -> None:
    """Add the ``sweep`` and ``analyze`` subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``lindhydro`` parser's sub-parser collection.
    """
    p = subparsers.add_parser(
        "sweep",
        help="run or resume an eps x realisation sweep (TOML config) on dask.distributed",
        description=(
            "Run the simulations of a sweep configuration as tasks on dask.distributed: a local "
            "cluster (one single-threaded worker process per core, loopback only) by default, or an "
            "existing scheduler.  Results go to the store named in the configuration, one "
            "atomically written, checksummed netCDF file per finished task.  Killed and restarted "
            "with the same command, the sweep resumes and recomputes nothing that finished."
        ),
    )
    p.add_argument("config", help="sweep configuration (TOML)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="address of an existing dask scheduler, e.g. tcp://10.0.0.5:8786 (refused, exit 2, if "
                        "not reached within 10 s: lindhydro.sweep.runner.SCHEDULER_TIMEOUT)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes of the local cluster (default: number of cores)")
    add_output_arguments(p, progress=True)
    p.add_argument("--dry-run", action="store_true",
                   help="validate the configuration and report the state of the store; run nothing")
    p.set_defaults(func=_sweep)

    a = subparsers.add_parser("analyze", help="wall density vs eps, fit and Fig. 5/6 plots from a sweep store",
                              description=ANALYZE_DESCRIPTION)
    a.add_argument("store", help="sweep store directory")
    a.add_argument("--out", default=None, metavar="DIR",
                   help="output directory (default: STORE/analysis, refreshed by every run); files already in "
                        "an explicit DIR are kept unless --overwrite")
    add_overwrite_argument(a)
    a.add_argument("--t-steady", type=float, default=None, metavar="T",
                   help="average over the records at t > T >= 0 (default: T = half the run time)")
    a.add_argument("--n-boot", type=int, default=500, help="bootstrap resamples of the fit (>= 0; default 500)")
    a.add_argument("--no-exact", action="store_true",
                   help="skip the exact transfer-integral curve (equilibrium toy model only)")
    add_output_arguments(a)
    a.set_defaults(func=_analyze)
