"""Seconds per exact Lindblad steady state vs N: lindhydro's symmetry-reduced solver beside plain QuTiP.

Columns (one X sector for lindhydro; the paper preset γ = 0.9, Δ = 1, J' = 0.01, ε = 0.1):

* ``ours``        — :func:`lindhydro.lindblad.symmetric_steady_state` (strong X sector + weak
  T, R, Z reduction, real dense LU of the reduced problem), one sector;
* ``qutip-sector``— ``qutip.steadystate`` on the X-sector block (2^(N−1) states, 4^(N−1) superoperator);
* ``qutip-full``  — plain ``qutip.steadystate`` on the full 4^N Liouvillian (returns an arbitrary
  mixture of the two sector steady states).

Every QuTiP solve runs in its own subprocess, killed at ``--limit`` seconds ("> limit" printed):
plain full-space solves stop being practical around N = 7.  Wall times under load are noisy:
the load average is printed with the figures.

``--generic``: the user-model route (:func:`lindhydro.lindblad.steady_state.steady_state` of an
``OpenSystem``: strong and weak symmetries found in the operators) on the paper's chain written as
QuTiP objects beside the specialised X-sector solver (both sectors each), and on the XXZ chain with
gain, loss, dephasing and the aligning bath (``tests/model_zoo.py``; no strong symmetry, a
4^N-dimensional Liouvillian before the reduction), with the peak memory of each solve.

Usage::

    python benchmarks/bench_steady_state.py [--nmax 10] [--limit 120] [--eps 0.1]
    python benchmarks/bench_steady_state.py --generic [--nmin 4 --nmax 9]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

_PLAIN = """
import time, qutip
from lindhydro.quantum.model import ChainParameters, model_from_parameters
from lindhydro.lindblad.symmetry import x_sector
n, eps, mode, method = {n}, {eps}, {mode!r}, {method!r}
system = model_from_parameters(ChainParameters(n_sites=n))
t0 = time.perf_counter()
if mode == "full":
    rho = qutip.steadystate(system.hamiltonian, system.collapse_operators(eps), method=method)
else:
    s = x_sector(system, 1)
    rho = qutip.steadystate(s.hamiltonian_qobj(), s.jump_qobjs(eps), method=method)
print(time.perf_counter() - t0)
"""


def _plain(n: int, eps: float, mode: str, limit: float, method: str = "direct") -> str:
    code = _PLAIN.format(n=n, eps=eps, mode=mode, method=method)
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=limit, check=True
        )
    except subprocess.TimeoutExpired:
        return f"> {limit:.0f} (stopped)"
    except subprocess.CalledProcessError as exc:
        tail = exc.stderr.strip().splitlines()[-1] if exc.stderr.strip() else "error"
        return f"failed: {tail[:40]}"
    return f"{float(out.stdout.strip().splitlines()[-1]):.3f}"


_GENERIC = """
import resource, sys, time
sys.path.insert(0, {tests!r})
from lindhydro.lindblad.steady_state import steady_state
from lindhydro.quantum.model import ChainParameters, model_from_parameters
import model_zoo
n, eps, which = {n}, {eps}, {which!r}
model = ChainParameters(n_sites=n) if which == "specialised" else (
    model_from_parameters(ChainParameters(n_sites=n)) if which == "generic" else model_zoo.xxz_gain_loss(n))
t0 = time.perf_counter()
state = steady_state(model, eps)
print(time.perf_counter() - t0, sum(s.basis_size for s in state.by_sector),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)
"""


def _generic(n: int, eps: float, which: str, limit: float) -> str:
    tests = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests")
    code = _GENERIC.format(n=n, eps=eps, which=which, tests=tests)
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=limit, check=True)
    except subprocess.TimeoutExpired:
        return f"> {limit:.0f} s"
    except subprocess.CalledProcessError as exc:
        return "failed: " + (exc.stderr.strip().splitlines() or ["error"])[-1][:60]
    seconds, unknowns, gib = out.stdout.split()
    return f"{float(seconds):8.2f} s {int(unknowns):>7} unk {float(gib):5.2f} GiB"


def generic_rows(args) -> None:
    """Both X sectors by the specialised and the generic route, and the model without strong symmetry."""
    print(f"{'N':>3} {'specialised (paper)':>32} {'generic (paper as QuTiP)':>32} {'XXZ gain/loss (no strong sym.)':>32}")
    for n in range(args.nmin, args.nmax + 1):
        cells = [_generic(n, args.eps, which, args.limit) for which in ("specialised", "generic", "xxz")]
        print(f"{n:>3} {cells[0]:>32} {cells[1]:>32} {cells[2]:>32}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generic", action="store_true", help="user-model route vs specialised, with memory")
    ap.add_argument("--nmin", type=int, default=4)
    ap.add_argument("--nmax", type=int, default=10)
    ap.add_argument("--eps", type=float, default=0.1)
    ap.add_argument("--limit", type=float, default=120.0, help="seconds before a plain QuTiP solve is stopped")
    args = ap.parse_args(argv)

    from lindhydro.lindblad.steady_state import symmetric_steady_state
    from lindhydro.quantum.model import ChainParameters

    print(f"# load average at start: {os.getloadavg()}")
    if args.generic:
        generic_rows(args)
        print(f"# load average at end: {os.getloadavg()}")
        return 0
    print(f"# eps = {args.eps}, paper preset; plain QuTiP solves stopped after {args.limit:.0f} s")
    print(f"{'N':>3} {'unknowns':>9} {'ours [s]':>9} {'residual':>9} {'qutip-sector [s]':>18} {'qutip-full [s]':>18}")
    full_dead = sector_dead = False
    for n in range(args.nmin, args.nmax + 1):
        t0 = time.perf_counter()
        res = symmetric_steady_state(ChainParameters(n_sites=n), args.eps, 1)
        ours = time.perf_counter() - t0
        sec = "skipped" if sector_dead else _plain(n, args.eps, "sector", args.limit)
        full = "skipped" if full_dead else _plain(n, args.eps, "full", args.limit)
        sector_dead = sector_dead or sec.startswith(">") or sec.startswith("failed")
        full_dead = full_dead or full.startswith(">") or full.startswith("failed")
        print(f"{n:>3} {res.basis_size:>9} {ours:>9.3f} {res.residual:>9.1e} {sec:>18} {full:>18}", flush=True)
    print(f"# load average at end: {os.getloadavg()}")
    print("# 'skipped': a smaller N already hit the time limit or failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
