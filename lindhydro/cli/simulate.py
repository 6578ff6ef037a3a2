"""``lindhydro simulate``: integrate the order-parameter field equation once.

Examples::

    lindhydro simulate --eps 0.2 --length 100 --time 20 --seed 1
    lindhydro simulate --model paper --eps 0.2 --renormalisation none --length 1000 --time 200 --seed 1 --json
    lindhydro simulate --eps 0.2 --convention as-run --length 2000 --time 1000 --seed 1
    lindhydro simulate --model quantum --sites 8 --gamma 0.9 --eps 0.2 --D 1 --chi-T 0.5 \\
        --length 500 --time 50 --seed 1 --out run.nc

The default model has an ordered phase: with the conserved noise on, the paper's force is
Wick-ordered (``--renormalisation wick``); the force exactly as printed (``--renormalisation none``)
is one flag away and has no ordered phase on the paper's lattice (a note says so).  The quantum
model's force is not Wick-ordered unless asked (on fine cells the counterterms move its zeros).  Ctrl-C (or SIGTERM) stops the
run at the next chunk: ``--out`` then holds what was computed, marked incomplete with the time
reached, and the exit status is 130.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import Any

from lindhydro.cli.model_loader import field_model as user_field_model  # issue 11
from lindhydro.cli.model_loader import is_model_spec
from lindhydro.cli.options import (
    DEFAULT_SITES,
    add_deprecated_alias,
    add_output_arguments,
    check_diagonalisation_memory,
)
from lindhydro.cli.outputs import (
    add_overwrite_argument,
    output_file,
    stop_requests,
    written_atomically,
)
from lindhydro.experiments import presets
from lindhydro.experiments.presets import (
    PRESETS,
    PRINTED_MODEL_NOTE,
    default_renormalisation,
    preset,
)

__all__ = ["MODELS", "MODEL_OPTIONS", "model_parameters", "register", "run"]


#: Presets this command runs: those integrated by the field simulator (``ou`` is a sweep test stand-in).
MODELS = tuple(name for name, p in PRESETS.items() if p.simulator == "lindhydro.field:simulate")

#: Preset parameter -> its option (the same spelling as in the other subcommands).
MODEL_OPTIONS = {"gamma": "--gamma", "sites": "--sites", "delta": "--delta", "jprime": "--jprime",
                 "hopping": "--hopping", "D": "--D", "chi_T": "--chi-T", "renormalisation": "--renormalisation",
                 "convention": "--convention"}

#: File name endings of --out: netCDF (the format of every result), or .npz on request.
OUT_SUFFIXES = (".nc", ".nc4", ".h5", ".npz")


def register(subparsers) -> None:
    """Add the ``simulate`` subcommand.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``lindhydro`` sub-parser collection.
    """
    p = subparsers.add_parser(
        "simulate",
        help="integrate the order-parameter SPDE (the paper's toy model or reduced from the quantum chain)",
        description=(
            "Integrate d_t m = D d^2 m + f(m) + xi + d_r xi_th on a periodic line (Heun, numba). "
            "Units: D = J = a = 1 for the paper's toy model (time in a^2/D, eps means eps J a^2/D); "
            "the quantum model uses J = a = 1 and the given D and chi_T. Model options not given take "
            "the preset's defaults (lindhydro.experiments.presets); an option of the other model is "
            "refused. Averages are over the second half of the run. A progress bar goes to stderr. "
            "Ctrl-C keeps what was computed (--out, marked incomplete; exit 130)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--model", type=_model_choice, default="paper", metavar="{" + ",".join(MODELS) + "} or FILE.py:FUNCTION",
                   help="paper (default): the toy model of Eq. 15; quantum: f and N11 reduced from exact diagonalisation; "
                        "FILE.py:FUNCTION (or package.module:function): a user's QuTiP model reduced to its order "
                        "parameter (issue 11; --sites, --D, --chi-T, --renormalisation apply)")
    p.add_argument("--eps", type=float, required=True, help="bath coupling eps (> 0)")
    p.add_argument("--length", type=float, required=True, help="ring length L (units a; a multiple of dx)")
    p.add_argument("--time", type=float, required=True, help="run time T (a multiple of dt)")
    p.add_argument("--seed", type=int, required=True, help="random seed (>= 0; SeedSequence entropy)")
    p.add_argument("--dt", type=float, default=0.001, help="time step (default 0.001, the paper's)")
    p.add_argument("--dx", type=float, default=0.25, help="cell width (default 0.25, the paper's)")
    p.add_argument("--record-every", type=int, default=None,
                   help="steps between records (default: one time unit; at most time/dt)")
    p.add_argument("--initial", choices=("random", "plus", "minus", "zero"), default="random",
                   help="initial field (default: small random)")
    p.add_argument("--precision", default=None, metavar="{float32,float64,float64-splitmix}",
                   help="integrator: float32 (default; state, normals and arithmetic in float32, observables in "
                        "float64), float64 (both with Philox4x32-10 normals), float64-splitmix (release 0.1's, "
                        "its numbers bit for bit)")
    p.add_argument("--ell", type=float, default=None,
                   help="coarse-graining length of the wall count (default: half the wall width, with conserved "
                        "noise at least 2.5 chi_T/(m0/2)^2 so that noise crossings are not counted)")
    _add_model_arguments(p)
    p.add_argument("--out", default=None,
                   help="save the full result: netCDF (.nc, parameters in attributes) or .npz on request")
    add_overwrite_argument(p)
    add_output_arguments(p, progress=True)
    p.set_defaults(func=run)


def _model_choice(value: str) -> str:
    """A preset of :data:`MODELS` or a user model ``FILE.py:FUNCTION`` (issue 11)."""
    if value in MODELS or is_model_spec(value):
        return value
    raise argparse.ArgumentTypeError(f"invalid choice: {value!r} (choose from {', '.join(MODELS)}, or FILE.py:FUNCTION)")


def _add_model_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model (an option of the other model is refused)")
    g.add_argument("--gamma", type=float, default=None,
                   help="weight of the aligning jumps (default: the preset's, paper 0.875, quantum 0.9)")
    g.add_argument("--chi-T", type=float, default=None, dest="chi_T",
                   help="chi T (1/a), the conserved noise 2 D chi_T (default 0.5: paper 2 D chi_T = 1, quantum 0.5)")
    g.add_argument("--no-thermal-noise", action="store_true", help="switch the conserved noise d_r xi_th off")
    g.add_argument("--renormalisation", choices=("none", "wick"), default=None,
                   help="wick (the paper model's default with conserved noise): force Wick-ordered against the "
                        "lattice conserved-noise variance, the model with an ordered phase; none (the default "
                        "otherwise): the force exactly as printed (the paper's has no ordered phase with conserved "
                        "noise at dx = 0.25)")
    g.add_argument("--convention", choices=("derived", "as-run"), default=None,
                   help="paper model: derived (default): the printed site noise 4 eps (1 - gamma), temperature "
                        "2 eps (1 - gamma); as-run: half of it, the paper's stated T_eff = eps (1 - gamma) (our "
                        "reconstruction of the paper's runs; compare domain_wall_density_paper_units)")
    g.add_argument("--sites", type=int, default=None,
                   help=f"quantum model: chain length of the diagonalisation (default {DEFAULT_SITES})")
    g.add_argument("--delta", type=float, default=None, help="quantum model: XXZ anisotropy Delta (default 1)")
    g.add_argument("--jprime", type=float, default=None, help="quantum model: next-nearest hopping J' (default 0.01)")
    g.add_argument("--hopping", choices=("isotropic", "literal"), default=None,
                   help="quantum model: hopping normalisation (default isotropic)")
    g.add_argument("--D", type=float, default=None, dest="D",
                   help="quantum model: diffusion constant (J a^2; default 1; the paper model has D = 1 as its unit)")
    add_deprecated_alias(p, "--chi-T-2D", "--chi-T", "chi_T", convert=lambda v: v / 2.0)


def model_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The preset parameters given by the parsed options (an option of another preset is refused).

    ``renormalisation`` not given is :func:`~lindhydro.experiments.presets.default_renormalisation`:
    ``"wick"`` for the paper's model with the conserved noise, the model with an ordered phase.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``lindhydro simulate`` arguments.

    Returns
    -------
    dict
        Keyword arguments of :func:`lindhydro.experiments.presets.build_model` besides ε.

    Raises
    ------
    ValueError
        An option that the chosen ``--model`` does not take (the message lists those it takes).
    """
    allowed = preset(args.model).parameters
    given = {key: getattr(args, key) for key in MODEL_OPTIONS if getattr(args, key, None) is not None}
    foreign = sorted(MODEL_OPTIONS[k] for k in given if k not in allowed)
    if foreign:
        takes = ", ".join([MODEL_OPTIONS[k] for k in MODEL_OPTIONS if k in allowed] + ["--no-thermal-noise"])
        unit = " (the paper model is in units D = J = a = 1)" if "--D" in foreign else ""
        raise ValueError(f"{', '.join(foreign)}: not an option of --model {args.model}{unit}; it takes {takes}")
    thermal = not args.no_thermal_noise
    return given | {"thermal": thermal, "renormalisation": given.get("renormalisation", default_renormalisation(args.model, thermal))}


def build_model(args):
    """Deprecated since 0.2: use ``presets.build_model(args.model, args.eps, **model_parameters(args))``."""
    warnings.warn("lindhydro.cli.simulate.build_model is deprecated since 0.2 and will be removed in 0.3; use "
                  "lindhydro.experiments.presets.build_model", DeprecationWarning, stacklevel=2)
    return presets.build_model(args.model, args.eps, **model_parameters(args))


def _checked(args: argparse.Namespace):
    """Numerics, output file and model parameters, all checked before any work."""
    from lindhydro.field import Numerics

    precision = {} if args.precision is None else {"precision": args.precision}  # checked by Numerics
    numerics = Numerics(length=args.length, time=args.time, dx=args.dx, dt=args.dt, record_every=args.record_every,
                        **precision)
    if args.seed < 0:
        raise ValueError(f"--seed must be >= 0, got {args.seed}")
    output_file(args.out, "--out", overwrite=args.overwrite, suffixes=OUT_SUFFIXES)
    if is_model_spec(args.model):  # issue 11: a user model, built (and checked) in run()
        return numerics, None
    params = model_parameters(args)
    if "sites" in preset(args.model).parameters:  # a model reduced from the chain: its diagonalisation fits?
        from lindhydro.quantum.model import ChainParameters

        check_diagonalisation_memory(ChainParameters(n_sites=params.get("sites", DEFAULT_SITES)))
    if params["renormalisation"] != default_renormalisation(args.model, params["thermal"]) == "wick":
        print(f"lindhydro simulate: note: {PRINTED_MODEL_NOTE}", file=sys.stderr)
    return numerics, params


def run(args) -> int:
    """Run ``lindhydro simulate``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments.

    Returns
    -------
    int
        Exit code: 0 success; 1 the field blew up; 130 interrupted (SIGINT/SIGTERM).  In the last two
        cases the partial result is still printed and saved, marked incomplete.
    """
    from lindhydro.field import SimulationBlowUp, StopTracker, simulate

    numerics, params = _checked(args)
    model = presets.build_model(args.model, args.eps, **params) if params is not None else user_field_model(args)
    failed = None
    with stop_requests() as stop_reason:
        try:
            res = simulate(model, numerics, seed=args.seed, initial=args.initial, snapshot_every=0, ell=args.ell,
                           progress=not args.no_progress, trackers=[StopTracker(stop_reason)])
        except SimulationBlowUp as exc:
            res, failed = exc.result, str(exc)
    if args.out:
        with written_atomically(args.out) as tmp:
            res.save(tmp)
    d = res.to_dict(series=False) | ({"out": args.out} if args.out else {}) | ({"error": failed} if failed else {})
    if args.json:
        print(json.dumps(d))
    else:
        _print_summary(d, args)
    return _ending(res, failed, args)


def _ending(res, failed: str | None, args: argparse.Namespace) -> int:
    """One line on stderr for a run that did not complete, and its exit code."""
    kept = f"; the partial result (marked incomplete) is in {args.out}" if args.out else ""
    if failed:
        print(f"lindhydro simulate: error: {failed}{kept}", file=sys.stderr)
        return 1
    stopped = res.extra.get("stopped")
    if stopped:
        print(f"lindhydro simulate: interrupted ({stopped}) at t = {res.final_state.time:g} of {args.time:g}{kept}",
              file=sys.stderr)
        return 130
    return 0


def _print_summary(d: dict[str, Any], args: argparse.Namespace) -> None:
    m = d["parameters"]["model"]
    convention = (m.get("metadata") or {}).get("convention")
    print(f"model {args.model} eps={m['eps']} gamma={m['gamma']} renormalisation={m['renormalisation']} "
          f"thermal_noise={m['thermal_noise']:g}" + (f" convention={convention}" if convention else ""))
    print(f"L={args.length:g} (n={d['parameters']['n_cells']} cells) T={args.time:g} dx={args.dx:g} dt={args.dt:g} "
          f"seed={args.seed} precision={d['parameters']['precision']}" + ("" if d["completed"] else f" (incomplete: reached t = {d['final_time']:g})"))
    for key in ("m2_mean", "correlation_length", "domain_wall_density", "domain_wall_density_paper_units",
                "coarse_graining_length", "site_updates_per_second"):
        v = d[key]
        print(f"  {key:32s} {'nan' if v is None else format(v, '.6g')}")
    if args.out:
        print(f"saved {args.out}")
