"""``lindhydro validate``: exact Lindblad steady states of a small chain against the hydrodynamics.

Computes, for the paper's chain with N sites and bath coupling ε,

* the exact steady state of L̂0 + εL̂1 in each strong-symmetry sector X = Πσˣ = ±1
  (symmetry-reduced solver) and their equal mixture (the state reached from infinite temperature),
* its ε → 0 limit (secular rate equation, block-diagonal in the H0 eigenbasis),
* the stable Gibbs fixed point f(q*) = 0 of the same N,

and prints energy density, m_rms = ⟨Q1²⟩^{1/2}/N and the Q1 distribution of each.
"""

from __future__ import annotations

import argparse
import json
import sys

from lindhydro.cli.model_loader import add_model_argument, reject_chain_options  # issue 11
from lindhydro.cli.model_loader import run_validate as run_user_validate
from lindhydro.cli.options import add_chain_arguments, add_output_arguments, chain_parameters

__all__ = ["register", "run"]

_DESCRIPTION = """\
Exact Lindblad steady states of a small chain against the hydrodynamics.  For the paper's chain with
N sites and bath coupling eps it computes the exact steady state of L0 + eps L1 in each
strong-symmetry sector X = prod sigma^x = +-1 and their equal mixture (the state reached from infinite
temperature), its eps -> 0 limit (secular rate equation in the H0 eigenbasis) and the stable Gibbs
fixed point f(q*) = 0 of the same N, and prints energy density, m_rms = <Q1^2>^(1/2)/N and the Q1
distribution of each."""

_EPILOG = """\
physics parameters (defaults: the paper's Fig. 2 preset with N = 8, as in every subcommand):
  H0 = J sum_j [h (s+_j s-_{j+1} + h.c.) + Delta sz_j sz_{j+1}] + J' sum_j h (s+_j s-_{j+2} + h.c.),
  h = 2 for --hopping isotropic (reproduces Fig. 2), 1 for --hopping literal.
  Bath eps*[(1-gamma) D(sigma^x_j) + gamma D(L2_j)], rates J(1-gamma) and J gamma.
  The strong Z2 symmetry X = prod sigma^x makes the steady state non-unique: both X sectors are
  reported ("by_sector") and the top-level numbers are their equal mixture.
  Cost: the exact solve takes ~0.1 s at N = 8 and ~20 s at N = 10 (the largest supported by
  default); --secular-only skips it and reaches N = 14 in ~1 min and N = 16 in ~30 min (about
  3 GiB).  "hydro_prediction" is the stationary law of the 0D noisy hydrodynamics of the same N.
  Energies in units of J, hbar = a = 1."""


def register(subparsers) -> None:
    """Add ``validate`` to ``subparsers``.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The sub-parser collection of the ``lindhydro`` parser.
    """
    p = subparsers.add_parser(
        "validate",
        help="exact Lindblad steady states vs eps -> 0 limit vs Gibbs fixed points",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_chain_arguments(p, sites_range="3..10 for the exact solve", solver=False)
    add_model_argument(p)  # issue 11
    p.add_argument("--eps", type=float, default=0.01, help="bath coupling eps > 0 (default 0.01)")
    p.add_argument("--no-secular", action="store_true", help="skip the eps -> 0 (secular) steady state")
    # issue 12: the eps -> 0 state alone reaches N = 16 (momentum route of lindhydro.lindblad.secular)
    p.add_argument("--secular-only", action="store_true",
                   help="skip the finite-eps solve: eps -> 0 state, fixed point and hydro prediction (N <= 16)")
    add_output_arguments(p)
    p.set_defaults(func=run)


def run(args) -> int:
    """Run ``lindhydro validate``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed command-line arguments.

    Returns
    -------
    int
        Exit code (0 on success).
    """
    from lindhydro.lindblad.compare import validate
    from lindhydro.lindblad.steady_state import MEMORY_LIMIT_BYTES, estimate_memory

    if args.model:  # issue 11: a user's QuTiP model (lindhydro.cli.model_loader)
        reject_chain_options(args)
        return run_user_validate(args)
    params = chain_parameters(args)
    if not (args.eps > 0 and args.eps < float("inf")):
        raise ValueError(f"--eps must be finite and > 0, got {args.eps!r}")
    if params.gamma >= 1.0:
        raise ValueError(
            "--gamma 1: the exact steady state is not unique at gamma = 1: without sigma^x jumps (rate "
            "J(1-gamma) = 0) the fully polarised states are dark, each one a steady state; take gamma < 1"
        )
    if args.secular_only and args.no_secular:
        raise ValueError("--secular-only and --no-secular exclude each other")
    if args.secular_only:  # issue 12: the secular route checks N and memory itself
        from lindhydro.lindblad.secular import MAX_SECULAR_SITES
        if params.n_sites > MAX_SECULAR_SITES:
            raise ValueError(f"--sites {params.n_sites}: the eps -> 0 state is supported for N <= {MAX_SECULAR_SITES}")
    elif estimate_memory(params.n_sites) > MEMORY_LIMIT_BYTES or params.n_sites > 10:
        raise ValueError(
            f"--sites {params.n_sites}: the exact symmetry-reduced steady state is supported for N <= 10 "
            "(dense LU of the reduced problem); --secular-only gives the eps -> 0 limit up to N = 16"
        )
    result = validate(params, args.eps, secular=not args.no_secular, secular_only=args.secular_only)
    if args.json:
        json.dump(result, sys.stdout)
        sys.stdout.write("\n")
        return 0
    print(f"lindhydro validate: N = {params.n_sites}, gamma = {params.gamma}, Delta = {params.delta}, "
          f"J' = {params.jprime}, eps = {args.eps} (hopping {params.hopping})")
    ss = result.get("steady_state", result.get("eps_to_zero"))  # issue 12: --secular-only has no finite-eps state
    if "steady_state" in result:
        print("exact steady state (per X = prod sigma^x sector; equal mixture last):")
        for sec in ss["by_sector"]:
            print(f"  X = {sec['x_parity']:+d}: e = {sec['energy_density']:.6f}  m_rms = {sec['m_rms']:.6f}  "
                  f"(residual {sec['residual']:.1e}, {sec['basis_size']} symmetric unknowns)")
        print(f"  mixture: e = {ss['energy_density']:.6f}  m_rms = {ss['m_rms']:.6f}")
    if "eps_to_zero" in result:
        ez = result["eps_to_zero"]
        print(f"eps -> 0 (secular): e = {ez['energy_density']:.6f}  m_rms = {ez['m_rms']:.6f}")
    fp = result["fixed_point"]
    print(f"Gibbs fixed point:  m* = {fp['m']:.6f}  e* = {fp['e']:.6f}  (Gibbs m_rms of +-m* mixture {fp['m_rms']:.6f})")
    hp = result["hydro_prediction"]  # issue 12
    print(f"noisy hydrodynamics (0D, same N): e = {hp['energy_density']:.6f}  m_rms = {hp['m_rms']:.6f}")
    which = "exact mixture" if "steady_state" in result else "eps -> 0"
    print(f"Q1 distribution ({which} | Gibbs +-m* mixture | noisy hydrodynamics):")
    for k, p in ss["q1_distribution"].items():
        print(f"  Q1 = {int(k):+3d}: {p:.4f} | {fp['q1_distribution'][k]:.4f} | {hp['q1_distribution'][k]:.4f}")
    t = result["timings"]
    print("timings: " + (f"steady state {t['steady_state']:.2f} s, " if "steady_state" in t else "")
          + f"fixed point {t['fixed_point']:.2f} s"
          + (f", eps -> 0 {t['eps_to_zero']:.2f} s" if "eps_to_zero" in t else ""))
    return 0
