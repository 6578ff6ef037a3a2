"""``lindhydro simulate``: integrate the order-parameter field equation once.

Examples::

    lindhydro simulate --model paper --eps 0.2 --length 1000 --time 200 --seed 1 --json
    lindhydro simulate --model paper --eps 0.2 --renormalisation wick --length 1000 --time 200 --seed 1
    lindhydro simulate --model quantum --sites 8 --gamma 0.9 --eps 0.2 --D 1 --chi-T 0.5 \\
        --length 500 --time 50 --seed 1 --out run.npz
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import Any

from lindhydro.cli.options import add_output_arguments
from lindhydro.experiments import presets
from lindhydro.experiments.presets import PRESETS, preset

__all__ = ["MODELS", "model_parameters", "register", "run"]


#: Presets this command runs: those integrated by the field simulator (``ou`` is a sweep test stand-in).
MODELS = tuple(name for name, p in PRESETS.items() if p.simulator == "lindhydro.field:simulate")

#: Options that are preset parameters of the same name (``None``: not given, the preset's default applies).
_MODEL_OPTIONS = ("gamma", "chi_T_2D", "renormalisation", "sites", "D", "chi_T")


def register(subparsers) -> None:
    """Add the ``simulate`` subcommand.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``lindhydro`` sub-parser collection.
    """
    p = subparsers.add_parser(
        "simulate",
        help="integrate the order-parameter SPDE (paper toy model or reduced from the quantum chain)",
        description=(
            "Integrate d_t m = D d^2 m + f(m) + xi + d_r xi_th on a periodic line (Heun, numba). "
            "Units: D = J = a = 1 for the paper's toy model (time in a^2/D, eps means eps J a^2/D); "
            "the quantum model uses J = a = 1 and the given D and chi_T. Model options not given take "
            "the preset's defaults (lindhydro.experiments.presets). Averages are over the second "
            "half of the run. A progress bar goes to stderr."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--model", choices=MODELS, default="paper",
                   help="paper: Eq. 15 as printed; quantum: f and N11 reduced from exact diagonalisation")
    p.add_argument("--eps", type=float, required=True, help="bath coupling eps (> 0)")
    p.add_argument("--gamma", type=float, default=None,
                   help="weight of the aligning jumps (default: the preset's, paper 0.875, quantum 0.9)")
    p.add_argument("--length", type=float, required=True, help="ring length L (units a; a multiple of dx)")
    p.add_argument("--time", type=float, required=True, help="run time T (a multiple of dt)")
    p.add_argument("--seed", type=int, required=True, help="random seed (SeedSequence entropy)")
    p.add_argument("--dt", type=float, default=0.001, help="time step (default 0.001, the paper's)")
    p.add_argument("--dx", type=float, default=0.25, help="cell width (default 0.25, the paper's)")
    p.add_argument("--no-thermal-noise", action="store_true", help="switch the conserved noise d_r xi_th off")
    p.add_argument("--chi-T-2D", type=float, default=None, dest="chi_T_2D",
                   help="paper model: 2 D chi_T (default 1, the paper's)")
    p.add_argument("--renormalisation", choices=("none", "wick"), default=None,
                   help="none (default): the force as printed (no ordered phase with conserved noise at "
                        "dx = 0.25); wick: force Wick-ordered against the lattice conserved-noise variance")
    p.add_argument("--sites", type=int, default=None, help="quantum model: chain length for the diagonalisation (default 8)")
    p.add_argument("--D", type=float, default=None, dest="D", help="quantum model: diffusion constant (J a^2; default 1)")
    p.add_argument("--chi-T", type=float, default=None, dest="chi_T", help="quantum model: chi T (1/a; default 0.5)")
    p.add_argument("--initial", choices=("random", "plus", "minus", "zero"), default="random",
                   help="initial field (default: small random)")
    p.add_argument("--ell", type=float, default=None, help="coarse-graining length of the wall count (default: half the wall width)")
    p.add_argument("--record-every", type=int, default=None, help="steps between records (default: one time unit)")
    p.add_argument("--out", default=None, help="save the full result (.npz, self-describing)")
    add_output_arguments(p, progress=True)
    p.set_defaults(func=run)


def model_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The preset parameters given by the parsed options (an option of another preset is refused).

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
        An option that the chosen ``--model`` does not take.
    """
    allowed = preset(args.model).parameters
    given = {key: getattr(args, key) for key in _MODEL_OPTIONS if getattr(args, key) is not None}
    foreign = sorted(k for k in given if k not in allowed)
    if foreign:
        names = ", ".join("--" + k.replace("_", "-") for k in foreign)
        raise ValueError(f"{names}: not an option of --model {args.model} (it takes {sorted(allowed)})")
    return given | {"thermal": not args.no_thermal_noise}


def build_model(args):
    """Deprecated since 0.2: use ``presets.build_model(args.model, args.eps, **model_parameters(args))``."""
    warnings.warn("lindhydro.cli.simulate.build_model is deprecated since 0.2 and will be removed in 0.3; use "
                  "lindhydro.experiments.presets.build_model", DeprecationWarning, stacklevel=2)
    return presets.build_model(args.model, args.eps, **model_parameters(args))


def run(args) -> int:
    """Run ``lindhydro simulate``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments.

    Returns
    -------
    int
        Exit code (0 success, 1 the field blew up: the partial result is still printed/saved).
    """
    from lindhydro.field import Numerics, SimulationBlowUp, simulate

    numerics = Numerics(length=args.length, time=args.time, dx=args.dx, dt=args.dt, record_every=args.record_every)
    model = presets.build_model(args.model, args.eps, **model_parameters(args))
    try:
        res = simulate(model, numerics, seed=args.seed, initial=args.initial, snapshot_every=0, ell=args.ell,
                       progress=not args.no_progress)
        failed = None
    except SimulationBlowUp as exc:
        res, failed = exc.result, str(exc)
    if args.out:
        res.save(args.out)
    d = res.to_dict(series=False)
    if failed:
        d["error"] = failed
    if args.out:
        d["out"] = args.out
    if args.json:
        print(json.dumps(d))
    else:
        _print_summary(d, args)
    if failed:
        print(f"lindhydro simulate: error: {failed}", file=sys.stderr)
        return 1
    return 0


def _print_summary(d: dict[str, Any], args: argparse.Namespace) -> None:
    m = d["parameters"]["model"]
    print(f"model {m['name']} eps={m['eps']} gamma={m['gamma']} renormalisation={m['renormalisation']} "
          f"thermal_noise={m['thermal_noise']:g}")
    print(f"L={args.length:g} (n={d['parameters']['n_cells']} cells) T={args.time:g} dx={args.dx:g} dt={args.dt:g} seed={args.seed}")
    for key in ("m2_mean", "correlation_length", "domain_wall_density", "coarse_graining_length", "site_updates_per_second"):
        v = d[key]
        print(f"  {key:26s} {'nan' if v is None else format(v, '.6g')}")
    if args.out:
        print(f"saved {args.out}")
