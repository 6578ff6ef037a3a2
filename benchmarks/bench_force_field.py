"""Seconds for a force field (forces + noise) on a 101 × 101 (m, e) grid: fast ED route vs naive.

Fast route (lindhydro): sector-resolved ED once (:func:`lindhydro.quantum.spectrum.diagonalize`), then
every grid point is a batched damped-Newton inverse map q → λ plus weighted sums over the
eigenstates (:func:`lindhydro.quantum.hydro.force_field`).

Naive route: for every grid point the dense Gibbs state ρ = expm(−λ1 Q1 − λ2 H0)/Z of the full
2^N space and traces with the dense operators L̂1†(Q_i) and the noise operators; the inverse map
needs one such evaluation per Newton iteration (the number of iterations is taken from the fast
route, which uses the same Newton method).  It is timed on a few grid points and extrapolated to
the grid; where the dense matrices would not fit in memory (N = 16: 2^16 × 2^16 doubles = 32 GiB
per matrix) it is extrapolated from the measured sizes with the O(d³) cost of expm.

Generic vs specialised (``--generic``): the same chain written as a user's QuTiP model
(:func:`lindhydro.quantum.model.model_from_parameters`, an ``OpenSystem``) through the
symmetry-resolved route for any model (symmetries found in the operators), beside the specialised
route built from bit representations; ED and fixed points, same N.

Run:  python benchmarks/bench_force_field.py [--sites 12 16] [--grid 101] [--naive-points 1] [--threads 1]
      python benchmarks/bench_force_field.py --generic [--sites 10 12 14]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

# BLAS threads: 1 by default (on a loaded 2-core machine threaded BLAS is oversubscribed and
# runs up to 30x slower); must be set before numpy is imported.  Override with --threads K.
_THREADS = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv[:-1] else "1"
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _THREADS

import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402

from lindhydro.quantum.gibbs import GibbsEnsemble  # noqa: E402
from lindhydro.quantum.hydro import force_field  # noqa: E402
from lindhydro.quantum.model import ChainParameters, model_from_parameters  # noqa: E402
from lindhydro.quantum.spectrum import diagonalize  # noqa: E402


def fast_route(N: int, grid: int) -> dict:
    params = ChainParameters(n_sites=N)
    t0 = time.perf_counter()
    spec = diagonalize(params)
    t_ed = time.perf_counter() - t0
    ens = GibbsEnsemble(spec)
    m = np.linspace(-1, 1, grid)
    v = ens.reachable_vertices
    e = np.linspace(v[:, 1].min(), v[:, 1].max(), grid)
    t0 = time.perf_counter()
    ff = force_field(ens, m, e)
    t_field = time.perf_counter() - t0
    return {
        "N": N, "states": spec.n_states, "method": spec.method, "largest_block": max(spec.block_sizes),
        "t_ed": t_ed, "t_field": t_field, "reachable": int(np.isfinite(ff.forces[0]).sum()),
        "newton_iterations": ens.last_iterations, "ff": ff, "ens": ens,
    }


def naive_point_cost(N: int, lams: np.ndarray) -> float:
    """Seconds for one dense Gibbs evaluation (expm + the traces the Newton step and f, N need)."""
    system = model_from_parameters(ChainParameters(n_sites=N))
    Q1 = system.charges[0].full().real
    H = system.hamiltonian.full().real
    F = [system.adjoint_dissipator(Q).full().real for Q in system.charges]
    ops = (Q1, H, Q1 @ Q1, Q1 @ H, H @ H, *F)  # precomputed: only expm and traces are timed
    times = []
    for lam in lams:
        t0 = time.perf_counter()
        rho = scipy.linalg.expm(-lam[0] * Q1 - lam[1] * H)
        rho /= np.trace(rho)
        _ = [np.einsum("ij,ji->", rho, A) for A in ops]
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def generic_vs_specialised(sites: list[int]) -> None:
    """Rows: seconds of the ED (and of the fixed points) of the paper's chain by both routes, same N."""
    from lindhydro.quantum.fixed_points import find_fixed_points

    print(f"{'N':>3} {'build [s]':>10} {'generic ED [s]':>15} {'specialised ED [s]':>19} {'ratio':>6} "
          f"{'generic FP [s]':>15} {'specialised FP [s]':>19} {'max |dq| of fixed points':>25}")
    for N in sites:
        params = ChainParameters(n_sites=N)
        t0 = time.perf_counter()
        system = model_from_parameters(params)
        t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        generic = GibbsEnsemble(diagonalize(system))
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        special = GibbsEnsemble(diagonalize(params))
        t_spec = time.perf_counter() - t0
        t0 = time.perf_counter()
        fg = find_fixed_points(generic, paths=False)
        t_fg = time.perf_counter() - t0
        t0 = time.perf_counter()
        fs = find_fixed_points(special, paths=False)
        t_fs = time.perf_counter() - t0
        dq = max(np.abs(np.array(a.q) - np.array(b.q)).max() for a, b in zip(fg.points, fs.points, strict=True))
        print(f"{N:>3} {t_build:>10.2f} {t_gen:>15.2f} {t_spec:>19.2f} {t_gen / t_spec:>6.2f} {t_fg:>15.2f} "
              f"{t_fs:>19.2f} {dq:>25.1e}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, nargs="+", default=[12, 16])
    ap.add_argument("--generic", action="store_true", help="time the user-model route against the specialised one")
    ap.add_argument("--grid", type=int, default=101)
    ap.add_argument("--naive-points", type=int, default=1, help="grid points timed on the naive route")
    ap.add_argument("--naive-max-sites", type=int, default=12, help="largest N timed densely")
    ap.add_argument("--threads", default="1", help="BLAS threads for both routes (default 1)")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()}  (BLAS threads: {_THREADS}; on a shared machine rerun "
          "idle for clean figures)")
    if args.generic:
        generic_vs_specialised(args.sites)
        print(f"load average after: {os.getloadavg()}")
        return
    rng = np.random.default_rng(0)
    # naive route: measured at a few sizes, O(d^3) extrapolation beyond
    naive = {}
    for N in sorted({n for n in range(8, args.naive_max_sites + 1, 2)} | {n for n in args.sites if n <= args.naive_max_sites}):
        lams = np.column_stack([rng.uniform(-1, 1, args.naive_points), rng.uniform(-0.5, 0.5, args.naive_points)])
        naive[N] = naive_point_cost(N, lams)
        print(f"  naive dense Gibbs evaluation N={N:2d} (d={2**N}): {naive[N]:.4f} s per evaluation")
    Nref = max(naive)
    rows = []
    for N in args.sites:
        r = fast_route(N, args.grid)
        if N in naive:
            per_eval, how = naive[N], "measured"
        else:
            per_eval, how = naive[Nref] * 8.0 ** (N - Nref), f"extrapolated d^3 from N={Nref}"
        # Newton iterations of the inverse map (+1 for the final force/noise evaluation)
        per_point = per_eval * (r["newton_iterations"] + 1)
        naive_total = per_point * r["reachable"]
        rows.append((r, per_eval, naive_total, how))
    print()
    print(f"force field {args.grid}x{args.grid} (forces + noise), paper preset gamma=0.9, J'=0.01, isotropic hopping")
    hdr = (f"{'N':>3} {'states':>7} {'ED route':>13} {'block':>6} {'ED [s]':>8} {'grid [s]':>9} {'fast [s]':>9} "
           f"{'naive/eval [s]':>15} {'naive grid [s]':>15} {'speed-up':>9}  naive")
    print(hdr)
    print("-" * len(hdr))
    for r, per_eval, naive_total, how in rows:
        fast = r["t_ed"] + r["t_field"]
        mem = 3 * 8 * (2 ** r["N"]) ** 2 / 2**30
        note = how + (f" (dense needs ~{mem:.0f} GiB: infeasible here)" if mem > 20 else "")
        print(f"{r['N']:>3} {r['states']:>7} {r['method']:>13} {r['largest_block']:>6} {r['t_ed']:>8.2f} "
              f"{r['t_field']:>9.2f} {fast:>9.2f} {per_eval:>15.3g} {naive_total:>15.3g} "
              f"{naive_total / fast:>9.3g}  {note}")
    print(f"(reachable grid points per N: {[r['reachable'] for r, *_ in rows]}; Newton iterations of the "
          f"batched inverse map: {[r['newton_iterations'] for r, *_ in rows]})")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
