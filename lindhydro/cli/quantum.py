"""``lindhydro fixed-points`` and ``lindhydro force-field``: the quantum side from the shell.

Both diagonalise the paper's chain (sector-resolved exact diagonalisation), build Gibbs
ensembles exp(−λ1 Q1 − λ2 H0)/Z and evaluate the forces f_i = (1/N)⟨L̂1†(Q_i)⟩ and the noise
matrix N_ij per unit ε.  Defaults are the paper's Fig. 2 preset with N = 8 (the paper's figure: ``--sites 12``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from lindhydro.cli.model_loader import add_model_argument, reject_chain_options  # issue 11
from lindhydro.cli.model_loader import run_fixed_points as run_user_fixed_points
from lindhydro.cli.model_loader import run_force_field as run_user_force_field
from lindhydro.cli.options import (
    add_chain_arguments,
    add_output_arguments,
    chain_parameters,
    check_diagonalisation_memory,
)
from lindhydro.cli.outputs import add_overwrite_argument, output_file, written_atomically

__all__ = ["register"]

_PHYSICS = """\
physics parameters (defaults: the paper's Fig. 2 preset, gamma = 0.9, J = Delta = 1, J' = 0.01, with
  N = 8 sites as in every subcommand; the paper's Fig. 2 has --sites 12):
  H0 = J sum_j [h (s+_j s-_{j+1} + h.c.) + Delta sz_j sz_{j+1}] + J' sum_j h (s+_j s-_{j+2} + h.c.)
  with h = 2 for --hopping isotropic (J(sx sx + sy sy + Delta sz sz): the reading that reproduces
  Fig. 2) and h = 1 for --hopping literal (the paper's formula taken literally: no bistability).
  Bath: sigma^x jumps with rate J(1-gamma), spin-aligning jumps P^up s+ P^up + P^dn s- P^dn with
  rate J gamma.  Charges Q1 = sum sz (m = <Q1>/N) and H0 (e = <H0>/N, units of J).
  Forces f and noise N are per unit eps; energies in units of J, hbar = a = 1."""


def _ensemble(params, sectors: str):
    from lindhydro.quantum.gibbs import GibbsEnsemble
    from lindhydro.quantum.spectrum import diagonalize

    check_diagonalisation_memory(params, sectors)
    return GibbsEnsemble(diagonalize(params, sectors=sectors, progress=sys.stderr.isatty()))


def _unordered_note(points, params) -> str | None:
    """Why only m = 0 was found (None when an ordered fixed point was)."""
    if any(abs(p.m) > 1e-9 for p in points):
        return None
    gamma = params.gamma
    if gamma >= 1.0:
        return ("only m = 0, and it is unstable: at gamma = 1 there are no sigma^x jumps (rate J(1-gamma) = 0), so "
                "the ordered fixed points sit at full polarisation m = +-1, the edge of the reachable region "
                "(lambda1 infinite), which the search does not include; take gamma < 1 to see them inside")
    if points and all(p.stable for p in points):
        hint = ("; with isotropic hopping the chain orders for gamma above a threshold near 0.8"
                if params.hopping == "isotropic" else "")
        return f"only m = 0, and it is stable: the chain does not order (bistability) at gamma = {gamma:g}{hint}"
    return "only m = 0: no ordered fixed point inside the reachable region"


def _fmt_eigs(eigs) -> str:
    parts = []
    for z in eigs:
        z = complex(z)
        parts.append(f"{z.real:+.4f}" if abs(z.imag) < 1e-12 else f"{z.real:+.4f}{z.imag:+.4f}i")
    return ", ".join(parts)


def _run_fixed_points(args) -> int:
    from lindhydro.quantum.fixed_points import find_fixed_points

    if args.model:  # issue 11: a user's QuTiP model (lindhydro.cli.model_loader)
        reject_chain_options(args)
        return run_user_fixed_points(args)
    params = chain_parameters(args)
    t0 = time.perf_counter()
    ens = _ensemble(params, args.sectors)
    res = find_fixed_points(ens, paths=False)
    elapsed = time.perf_counter() - t0
    note = _unordered_note(res.points, params)
    if args.json:
        out = res.to_dict()
        out["parameters"]["method"] = ens.spectrum.method
        out["parameters"]["jacobian_eigenvalue_format"] = "real number, or [re, im] if complex"
        if note:
            out["note"] = note
        print(json.dumps(out))
        return 0
    p = params.to_dict()
    print(
        f"Fixed points of the Gibbs-ensemble hydrodynamics (per unit eps), N={p['n_sites']}, "
        f"gamma={p['gamma']}, J={p['J']}, Delta={p['delta']}, J'={p['jprime']}, "
        f"hopping={p['hopping']} (factor {p['hopping_factor']}), {p['boundary']}; "
        f"{ens.spectrum.method} ED, {elapsed:.1f} s"
    )
    header = f"{'m':>9} {'e':>9} {'lambda1':>9} {'lambda2':>9}  {'stable':<7} {'N11':>8} {'N12':>8} {'N22':>8}  Jacobian eigenvalues"
    print(header)
    print("-" * len(header))
    for fp in res.points:
        print(
            f"{fp.m:9.5f} {fp.e:9.5f} {fp.lam[0]:9.5f} {fp.lam[1]:9.5f}  {'yes' if fp.stable else 'no':<7} "
            f"{fp.noise[0, 0]:8.4f} {fp.noise[0, 1]:8.4f} {fp.noise[1, 1]:8.4f}  {_fmt_eigs(fp.jacobian_eigenvalues)}"
        )
    if not res.points:
        print("(no fixed point found)")
    if note:
        print(f"note: {note}")
    return 0


def _plot_suffixes() -> tuple[str, ...]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return tuple(f".{ext}" for ext in sorted(FigureCanvasAgg.get_supported_filetypes()))


def _force_field_outputs(args) -> None:
    """Check the grid options and both output files before any work."""
    if args.grid < 2 or args.grid > 2001:
        raise ValueError(f"--grid must be between 2 and 2001, got {args.grid}")
    m_lo, m_hi = args.m_range
    if not (-1.0 <= m_lo < m_hi <= 1.0):
        raise ValueError(f"--m-range must satisfy -1 <= MIN < MAX <= 1, got {args.m_range}")
    if args.e_range is not None and not args.e_range[0] < args.e_range[1]:
        raise ValueError(f"--e-range must satisfy MIN < MAX, got {args.e_range}")
    out = output_file(args.out, "--out", overwrite=args.overwrite, suffixes=(".nc", ".nc4", ".h5"))
    plot = output_file(args.plot, "--plot", overwrite=args.overwrite, suffixes=_plot_suffixes() if args.plot else None)
    if plot is not None and plot.resolve() == out.resolve():
        raise ValueError(f"--plot {args.plot}: the same file as --out")


def _force_field_dataset(ens, ff, fps):
    """The netCDF dataset: the force field, the fixed points and how they were computed."""
    ds = ff.to_xarray()
    n_fp = len(fps.points)
    ds["fixed_point_m"] = (("fixed_point",), np.array([p.m for p in fps.points]).reshape(n_fp), {"units": "1"})
    ds["fixed_point_e"] = (("fixed_point",), np.array([p.e for p in fps.points]).reshape(n_fp), {"units": "J"})
    ds["fixed_point_stable"] = (("fixed_point",), np.array([int(p.stable) for p in fps.points], dtype=np.int8).reshape(n_fp), {"long_name": "1 = stable"})
    ds.attrs["method"] = ens.spectrum.method
    ds.attrs["command"] = "lindhydro force-field " + " ".join(sys.argv[2:]) if len(sys.argv) > 2 else "lindhydro force-field"
    return ds


def _run_force_field(args) -> int:
    from lindhydro.quantum.fixed_points import find_fixed_points
    from lindhydro.quantum.hydro import force_field

    if args.model:  # issue 11: a user's QuTiP model (lindhydro.cli.model_loader)
        reject_chain_options(args)
        return run_user_force_field(args)
    params = chain_parameters(args)
    _force_field_outputs(args)
    t0 = time.perf_counter()
    ens = _ensemble(params, args.sectors)
    if args.e_range is None:
        e_lo, e_hi = ens.reachable_vertices[:, 1].min(), ens.reachable_vertices[:, 1].max()
    else:
        e_lo, e_hi = args.e_range
    ff = force_field(ens, np.linspace(*args.m_range, args.grid), np.linspace(e_lo, e_hi, args.grid))
    fps = find_fixed_points(ens, paths=True)
    with written_atomically(args.out) as tmp:
        _force_field_dataset(ens, ff, fps).to_netcdf(tmp, engine="h5netcdf")
    if args.plot:
        from lindhydro.plotting.quantum import plot_force_field

        with written_atomically(args.plot) as tmp:
            plot_force_field(ff, fps).savefig(tmp, dpi=150, bbox_inches="tight")
    elapsed = time.perf_counter() - t0
    reachable = int(np.isfinite(ff.forces[0]).sum())
    print(
        f"wrote {args.out} ({args.grid}x{args.grid} grid, N={params.n_sites}, {ens.spectrum.method} ED, "
        f"{reachable} reachable points, {len(fps.points)} fixed points, {elapsed:.1f} s)"
        + (f"; figure {args.plot}" if args.plot else ""),
        file=sys.stderr,
    )
    if args.json:
        print(json.dumps({"parameters": params.to_dict() | {"method": ens.spectrum.method}, "out": args.out,
                          "plot": args.plot, "grid": args.grid, "m_range": list(args.m_range),
                          "e_range": [float(e_lo), float(e_hi)], "reachable_points": reachable,
                          "fixed_points": fps.to_dict()["fixed_points"], "seconds": elapsed}))
    return 0


def register(subparsers) -> None:
    """Add the ``fixed-points`` and ``force-field`` subcommands to ``subparsers``.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parser collection of the top-level ``lindhydro`` parser.
    """
    p = subparsers.add_parser(
        "fixed-points",
        help="fixed points of the Gibbs-ensemble forces and their stability (paper Fig. 2)",
        description=(
            "Find the fixed points f(m, e) = 0 of the hydrodynamic forces of the weakly open chain, "
            "their stability (eigenvalues of the Jacobian df/dq) and the noise matrix there, all per "
            "unit eps. With --json: exactly one JSON object {\"parameters\": {...}, \"fixed_points\": "
            "[{\"m\", \"e\", \"lambda\": [l1, l2], \"stable\", \"jacobian_eigenvalues\" (a real number, "
            "or [re, im] if complex), \"noise\": [[N11, N12], [N21, N22]], ...}]}. With --model "
            "FILE.py:FUNCTION (issue 11) a user's QuTiP model with any number k of charges: \"charges\": [names] "
            "and per fixed point \"q\": [q_1..q_k], \"lambda\", \"stable\", \"jacobian_eigenvalues\", \"noise\" (k x k)."
        ),
        epilog=_PHYSICS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_chain_arguments(p)
    add_model_argument(p)  # issue 11
    add_output_arguments(p)
    p.set_defaults(func=_run_fixed_points)

    q = subparsers.add_parser(
        "force-field",
        help="the force field f(m, e) and noise on a grid, as netCDF (and a Fig. 2-like plot)",
        description=(
            "Evaluate the forces (f1, f2) and the noise matrix per unit eps on a regular (m, e) grid "
            "and write them, with the parameters and units as attributes, to a netCDF file "
            "(xarray, engine h5netcdf). Points outside the reachable region are NaN. With --model "
            "FILE.py:FUNCTION (a user model with two charges) the axes are its two charge densities, "
            "--m-range/--e-range their ranges (default: the reachable ones)."
        ),
        epilog=_PHYSICS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_chain_arguments(q)
    add_model_argument(q)  # issue 11
    q.add_argument("--out", required=True, help="output netCDF file (.nc); an existing file needs --overwrite")
    q.add_argument("--plot", default=None, help="also draw the field (format by the extension: .png, .pdf, .svg, ...)")
    add_overwrite_argument(q)
    q.add_argument("--grid", type=int, default=101, help="grid points per axis (default 101)")
    q.add_argument("--m-range", type=float, nargs=2, default=(-1.0, 1.0), metavar=("MIN", "MAX"),
                   help="magnetisation range (default -1 1)")
    q.add_argument("--e-range", type=float, nargs=2, default=None, metavar=("MIN", "MAX"),
                   help="energy-density range in units of J (default: the reachable range)")
    add_output_arguments(q)
    q.set_defaults(func=_run_force_field)
