"""``--model FILE.py:FUNCTION`` (or ``package.module:function``): a user's QuTiP model on the command line.

``FUNCTION(n_sites)`` returns an :class:`~lindhydro.quantum.model.OpenSystem` or the plain tuple
``(H0, [charges], [(name, [jump operators], rate), ...])`` of QuTiP objects (optionally followed by
the list of charge names).  :func:`load_model` imports it, estimates the memory of the operators
for the requested N from a small probe (before building them), calls it and validates the result;
every failure is one ``ValueError`` line (exit status 2).  The ``run_*`` functions are the
user-model branches of ``fixed-points``, ``force-field`` and ``validate``; :func:`field_model`
builds the field of ``simulate`` through the order-parameter reduction.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "MODEL_HELP",
    "add_model_argument",
    "field_model",
    "is_model_spec",
    "load_model",
    "reject_chain_options",
    "run_fixed_points",
    "run_force_field",
    "run_validate",
]

MODEL_HELP = ("a user model FILE.py:FUNCTION or package.module:function; FUNCTION(n_sites) returns an "
              "OpenSystem or (H0, [charges], [(name, [jump operators], rate), ...]) of QuTiP objects")

#: Chain options of the paper's model that have no meaning with --model (destination -> option).
_CHAIN_OPTIONS = {"gamma": "--gamma", "delta": "--delta", "jprime": "--jprime", "J": "--J", "hopping": "--hopping",
                  "boundary": "--boundary"}

#: Chain length of the probe that sizes the operators before the model is built for the requested N.
_PROBE_SITES = 4


def is_model_spec(value: str | None) -> bool:
    """Whether ``value`` names a user model (contains ``:``) rather than a preset.

    Parameters
    ----------
    value : str or None
        The ``--model`` value.

    Returns
    -------
    bool
    """
    return isinstance(value, str) and ":" in value


def add_model_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--model FILE.py:FUNCTION`` to a subcommand that otherwise runs the paper's chain.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    """
    parser.add_argument("--model", default=None, metavar="FILE.py:FUNCTION", help=MODEL_HELP + " (default: the paper's chain)")


def reject_chain_options(args: argparse.Namespace) -> None:
    """Refuse options of the paper's chain given together with ``--model`` (one line).

    An option counts as given when its value differs from its default in
    :func:`lindhydro.cli.options.add_chain_arguments`.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments.

    Raises
    ------
    ValueError
        Naming the options that only the paper's chain takes.
    """
    from lindhydro.cli.options import add_chain_arguments

    probe = argparse.ArgumentParser(add_help=False)
    add_chain_arguments(probe)
    defaults = vars(probe.parse_args([]))
    given = [opt for dest, opt in _CHAIN_OPTIONS.items() if hasattr(args, dest) and getattr(args, dest) != defaults.get(dest)]
    if given:
        raise ValueError(f"{', '.join(given)}: an option of the paper's chain; with --model the model function "
                         "sets every parameter (only --sites is passed to it)")


def _function(spec: str):
    """The callable named by ``FILE.py:FUNCTION`` or ``package.module:function``."""
    target, _, name = spec.rpartition(":")
    if not target or not name.isidentifier():
        raise ValueError(f"--model {spec}: expected FILE.py:FUNCTION or package.module:function")
    path = Path(target).expanduser()
    try:
        if target.endswith(".py") or path.exists():
            if not path.is_file():
                raise ValueError(f"--model {spec}: no such file {target}")
            module_spec = importlib.util.spec_from_file_location(f"lindhydro_user_model_{abs(hash(str(path.resolve())))}", path)
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
    except ValueError:
        raise
    except Exception as exc:  # the user's module: any failure is reported in one line
        raise ValueError(f"--model {spec}: importing {target} raised {type(exc).__name__}: {exc}") from None
    func = getattr(module, name, None)
    if not callable(func):
        raise ValueError(f"--model {spec}: {target} has no function {name!r}")
    return func


def _call(func, spec: str, n_sites: int):
    from lindhydro.quantum.model import as_open_system

    try:
        result = func(n_sites)
    except Exception as exc:  # the user's code
        raise ValueError(f"--model {spec}: {func.__name__}({n_sites}) raised {type(exc).__name__}: {exc}") from None
    try:
        return as_open_system(result)
    except ValueError as exc:
        raise ValueError(f"--model {spec}: {func.__name__}({n_sites}) returned a bad model: {exc}") from None
    except Exception as exc:
        raise ValueError(f"--model {spec}: {func.__name__}({n_sites}) returned a bad model "
                         f"({type(exc).__name__}: {exc})") from None


def _operator_bytes(system, n_sites: int) -> float:
    """Bytes of the model's sparse operators for ``n_sites``, scaled from a probe system."""
    d = system.hamiltonian.dims[0][0]
    n0 = len(system.hamiltonian.dims[0])
    ops = [system.hamiltonian, *system.charges, *(L for g in system.jump_groups for L in g.operators)]
    per_state = sum(op.data.as_scipy().nnz for op in ops) / d**n0
    return 3 * 24 * per_state * float(d) ** n_sites * n_sites / n0  # ×3: validation products; jumps grow with N


def load_model(spec: str, n_sites: int, *, memory_budget: int | None = None):
    """Import ``spec``, check the memory of its operators for ``n_sites`` (from a probe), build and validate it.

    Parameters
    ----------
    spec : str
        ``FILE.py:FUNCTION`` or ``package.module:function``.
    n_sites : int
        Number of sites passed to the function.
    memory_budget : int, optional
        Bytes the operators may take (default: half the physical memory).

    Returns
    -------
    lindhydro.quantum.model.OpenSystem

    Raises
    ------
    ValueError
        One line: a bad spec, a module that does not import, a missing function, a function that
        raises or returns the wrong types, a charge that does not commute with H0, or an N whose
        operators would not fit in memory.
    """
    from lindhydro.quantum.spectrum import DEFAULT_MEMORY_BUDGET

    if isinstance(n_sites, bool) or int(n_sites) != n_sites or n_sites < 1:
        raise ValueError(f"--sites must be a positive integer, got {n_sites!r}")
    func = _function(spec)
    if n_sites > _PROBE_SITES + 2:
        probe = _call(func, spec, _PROBE_SITES)
        need = _operator_bytes(probe, n_sites)
        budget = DEFAULT_MEMORY_BUDGET if memory_budget is None else memory_budget
        if need > budget:
            raise ValueError(f"--sites {n_sites}: the operators of {spec} alone would need about {need / 2**30:.3g} GiB "
                             f"(more than {budget / 2**30:.1f} GiB, half the physical memory); use fewer --sites")
    return _call(func, spec, n_sites)


def _points_table(res) -> list[str]:
    names = res.charge_names
    head = "  ".join(f"{n:>12}" for n in names) + "  stable  Jacobian eigenvalues"
    rows = [head, "-" * len(head)]
    for p in res.points:
        eig = ", ".join(f"{complex(z).real:+.4f}" + (f"{complex(z).imag:+.4f}i" if abs(complex(z).imag) > 1e-12 else "")
                        for z in p.jacobian_eigenvalues)
        rows.append("  ".join(f"{x:12.6f}" for x in p.q) + f"  {'yes' if p.stable else 'no ':<6}  {eig}")
    return rows or ["(no fixed point found)"]


def run_fixed_points(args: argparse.Namespace) -> int:
    """``lindhydro fixed-points --model …``: fixed points of a user model (generic JSON keys).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``fixed-points`` arguments (``--model``, ``--sites``, ``--sectors``, ``--json``).

    Returns
    -------
    int
        0.
    """
    from lindhydro.quantum.fixed_points import find_fixed_points

    t0 = time.perf_counter()
    ens = _ensemble(args)
    res = find_fixed_points(ens, paths=False)
    elapsed = time.perf_counter() - t0
    if args.json:
        out = res.to_dict()
        out["parameters"].update(model=args.model, method=ens.spectrum.method, symmetries=ens.spectrum.symmetries,
                                 jacobian_eigenvalue_format="real number, or [re, im] if complex")
        print(json.dumps(out))
        return 0
    print(f"Fixed points of the Gibbs-ensemble hydrodynamics (per unit eps) of {args.model}, N={args.sites}, "
          f"charges {', '.join(res.charge_names)}; {ens.spectrum.method} ED {ens.spectrum.symmetries}, {elapsed:.1f} s")
    print("\n".join(_points_table(res)))
    return 0


def _ensemble(args: argparse.Namespace):
    from lindhydro.quantum.gibbs import GibbsEnsemble
    from lindhydro.quantum.spectrum import diagonalize

    sectors = getattr(args, "sectors", "auto")
    if sectors not in ("auto", "dense"):
        raise ValueError(f"--sectors {sectors}: a user model takes --sectors auto (symmetry-resolved) or dense")
    system = load_model(args.model, args.sites)
    return GibbsEnsemble(diagonalize(system, sectors="symmetric" if sectors == "auto" else "dense",
                                     progress=sys.stderr.isatty() and not args.json))


def run_force_field(args: argparse.Namespace) -> int:
    """``lindhydro force-field --model …`` (two charges): the field on a (q1, q2) grid as netCDF.

    ``--m-range`` and ``--e-range`` are the ranges of the first and second charge (default: the
    reachable ranges).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``force-field`` arguments.

    Returns
    -------
    int
        0.
    """
    from lindhydro.cli.outputs import output_file, written_atomically
    from lindhydro.quantum.fixed_points import find_fixed_points
    from lindhydro.quantum.hydro import force_field

    if not 2 <= args.grid <= 2001:
        raise ValueError(f"--grid must be between 2 and 2001, got {args.grid}")
    output_file(args.out, "--out", overwrite=args.overwrite, suffixes=(".nc", ".nc4", ".h5"))
    output_file(args.plot, "--plot", overwrite=args.overwrite)
    t0 = time.perf_counter()
    ens = _ensemble(args)
    if ens.n_charges != 2:
        raise ValueError(f"--model {args.model}: force-field draws two charges, the model has {ens.n_charges} "
                         f"({', '.join(ens.spectrum.charge_names)}); use fixed-points")
    hull = ens.reachable_vertices
    user_m = tuple(args.m_range) != (-1.0, 1.0)
    axes = [np.linspace(*(args.m_range if user_m else (hull[:, 0].min(), hull[:, 0].max())), args.grid),
            np.linspace(*(args.e_range if args.e_range else (hull[:, 1].min(), hull[:, 1].max())), args.grid)]
    ff = force_field(ens, *axes)
    fps = find_fixed_points(ens, paths=True)
    ds = ff.to_xarray()
    ds.attrs.update(model=args.model, method=ens.spectrum.method)
    for i, name in enumerate(ens.spectrum.charge_names):
        ds[f"fixed_point_q{i + 1}"] = (("fixed_point",), np.array([p.q[i] for p in fps.points]), {"long_name": name})
    ds["fixed_point_stable"] = (("fixed_point",), np.array([int(p.stable) for p in fps.points], dtype=np.int8))
    with written_atomically(args.out) as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf")
    if args.plot:
        from lindhydro.plotting.quantum import plot_force_field

        with written_atomically(args.plot) as tmp:
            plot_force_field(ff, fps, title=f"{args.model}, N = {args.sites}").savefig(tmp, dpi=150, bbox_inches="tight")
    elapsed = time.perf_counter() - t0
    print(f"wrote {args.out} ({args.grid}x{args.grid} grid of {', '.join(ff.charge_names)}, N={args.sites}, "
          f"{len(fps.points)} fixed points, {elapsed:.1f} s)", file=sys.stderr)
    if args.json:
        print(json.dumps({"parameters": {"model": args.model, "n_sites": args.sites, "method": ens.spectrum.method},
                          "charges": list(ff.charge_names), "out": args.out, "plot": args.plot, "grid": args.grid,
                          "fixed_points": fps.to_dict()["fixed_points"], "seconds": elapsed}))
    return 0


def _comparison(state, fps) -> list[dict[str, Any]]:
    """The steady state's q_mean and q_rms against every stable fixed point."""
    out = []
    for p in fps.stable:
        q = np.array(p.q)
        out.append({"fixed_point_q": q.tolist(),
                    "q_mean_minus_q": (np.array(state.q_mean) - q).tolist(),
                    "q_rms_minus_abs_q": (np.array(state.q_rms) - np.abs(q)).tolist()})
    return out


def run_validate(args: argparse.Namespace) -> int:
    """``lindhydro validate --model …``: exact steady state (every strong sector), ε → 0 state, fixed points.

    JSON: ``{"parameters", "steady_state": {"by_sector", "q_mean", "q_rms", ...}, "eps_to_zero"
    (where the ε → 0 solver takes the model), "fixed_points", "comparison", "timings"}``; the
    top-level steady-state numbers are the mixture over the strong sectors reached from infinite
    temperature.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``validate`` arguments (``--model``, ``--sites``, ``--eps``, ``--no-secular``).

    Returns
    -------
    int
        0.
    """
    from lindhydro.lindblad.steady_state import steady_state
    from lindhydro.quantum.fixed_points import find_fixed_points

    if not (args.eps > 0 and math.isfinite(args.eps)):
        raise ValueError(f"--eps must be finite and > 0, got {args.eps!r}")
    system = load_model(args.model, args.sites)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    state = steady_state(system, args.eps)
    timings["steady_state"] = time.perf_counter() - t0
    ss = state.to_dict()
    ss.pop("parameters")
    out: dict[str, Any] = {"parameters": {"model": args.model, "n_sites": args.sites, "eps": float(args.eps),
                                          "charges": list(system.charge_names)}, "steady_state": ss}
    if not getattr(args, "no_secular", False):
        out["eps_to_zero"] = _eps_to_zero(system, timings)
    t0 = time.perf_counter()
    fps = find_fixed_points(system, paths=False)
    timings["fixed_points"] = time.perf_counter() - t0
    out["fixed_points"] = fps.to_dict()["fixed_points"]
    out["comparison"] = _comparison(state, fps)
    out["timings"] = timings
    if args.json:
        print(json.dumps(out))
        return 0
    names = ", ".join(system.charge_names)
    print(f"lindhydro validate: {args.model}, N = {args.sites}, eps = {args.eps}; charges {names}; "
          f"strong symmetries: {', '.join(state.strong) or 'none (unique steady state)'}")
    for sec in state.by_sector:
        print(f"  sector {sec.labels or '(all)'}: weight {sec.weight:.4f}, q_mean = {np.round(sec.q_mean, 6).tolist()}, "
              f"q_rms = {np.round(sec.q_rms, 6).tolist()} ({sec.basis_size} symmetric unknowns, residual {sec.residual:.1e})")
    print(f"  mixture: q_mean = {np.round(state.q_mean, 6).tolist()}, q_rms = {np.round(state.q_rms, 6).tolist()}")
    print("Gibbs fixed points of the same N:")
    print("\n".join("  " + row for row in _points_table(fps)))
    return 0


def _eps_to_zero(system, timings: dict[str, float]) -> dict[str, Any]:
    """The ε → 0 (secular) state where the solver takes the model, else why not."""
    from lindhydro.lindblad.secular import secular_steady_state

    t0 = time.perf_counter()
    try:
        d = secular_steady_state(system).to_dict()
    except ValueError as exc:
        return {"skipped": str(exc)}
    timings["eps_to_zero"] = time.perf_counter() - t0
    d.pop("parameters", None)
    return d


def field_model(args: argparse.Namespace):
    """The field model of ``simulate --model FILE.py:FUNCTION``: the user model reduced to one order parameter.

    Uses ``--sites`` (default 8), ``--D`` (default 1), ``--chi-T`` (default 0.5),
    ``--renormalisation`` (default none) and ``--no-thermal-noise``; the order parameter is the one
    of :func:`lindhydro.quantum.reduce.reduce_to_order_parameter` (its force must be odd).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``simulate`` arguments.

    Returns
    -------
    lindhydro.field.FieldModel

    Raises
    ------
    ValueError
        Options of the paper's models, a bad model, or a reduced force that is not odd.
    """
    from lindhydro.field import FieldModel
    from lindhydro.quantum.reduce import reduce_to_order_parameter

    paper_only = [opt for dest, opt in (("gamma", "--gamma"), ("delta", "--delta"), ("jprime", "--jprime"),
                                        ("hopping", "--hopping"), ("convention", "--convention"))
                  if getattr(args, dest, None) is not None]
    if paper_only:
        raise ValueError(f"{', '.join(paper_only)}: not an option of --model {args.model} (it takes --sites, --D, "
                         "--chi-T, --renormalisation, --no-thermal-noise)")
    sites = 8 if args.sites is None else args.sites
    hydro = reduce_to_order_parameter(load_model(args.model, sites))
    if not hydro.odd:
        raise ValueError(
            f"--model {args.model}: the reduced force along {hydro.order} is not odd about its centre (even part "
            f"{hydro.asymmetry:.2g} of its scale); the field integrator takes odd forces f(-m) = -f(m) only")
    D = 1.0 if args.D is None else args.D
    chi_T = 0.5 if args.chi_T is None else args.chi_T
    return FieldModel.from_hydro(hydro, args.eps, D=D, chi_T=chi_T, thermal=not args.no_thermal_noise,
                                 renormalisation=args.renormalisation or "none", name=f"{args.model} (N={sites})")
