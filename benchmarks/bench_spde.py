"""Speed of the SPDE integrator beside naive NumPy and py-pde, on the same equation, in one run.

Equation: the paper's toy model (Eq. 15) at eps = 0.2, gamma = 0.875, 2 D chi_T = 1, dx = 0.25,
dt = 0.001, on a ring of L = 10000 (40000 cells): d_t m = d^2 m + f(m) + xi + d_r xi_th.

* ``lindhydro 1 thread``: :func:`lindhydro.field.kernels.heun_run` (Heun, inline counter-based
  normals, one normal per cell for both noises).
* ``lindhydro ensemble``: :func:`lindhydro.field.kernels.heun_run_ensemble`, 2 realisations,
  with 1 and with all numba threads (both cores busy).
* ``naive NumPy``: the same Heun step written with whole-array NumPy operations and
  ``numpy.random.Generator.standard_normal`` (one normal per cell) -- the
  :mod:`lindhydro.field.reference` step.
* ``py-pde``: ``pde.PDE`` with the same force and site noise, Euler-Maruyama, numba backend
  (py-pde has no conserved noise built in, so it does less work).  Skipped if not installed
  (``pip install lindhydro[bench]``).

Prints site-updates per second (wall clock and CPU time of the process), the load average
(measurements on a loaded machine are noisy), and the projected one-core cost of the paper's
Fig. 5: 12 eps x 10 realisations x L = 10000 (dx = 0.25, dt = 0.001) for a run time T.

Run: ``python benchmarks/bench_spde.py [--steps N] [--quick]``.
"""

from __future__ import annotations

import argparse
import os
import time

import numba
import numpy as np

from lindhydro.field import kernels as K
from lindhydro.field import paper_toy_model
from lindhydro.field.reference import heun_step_reference

EPS, GAMMA, DX, DT, LENGTH = 0.2, 0.875, 0.25, 0.001, 10000.0


def _timed(fn, n_updates):
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    w, c = time.perf_counter() - w0, time.process_time() - c0
    return n_updates / w, n_updates / c


def bench_lindhydro(n_cells, steps, coeffs, a, b):
    m = np.random.default_rng(0).normal(0, 0.1, n_cells)
    K.heun_run(m, coeffs, 1.0, DX, DT, a, b, np.uint64(1), 0, 10, 64)  # compile / load cache
    best = (0.0, 0.0)
    for rep in range(3):
        r = _timed(lambda rep=rep: K.heun_run(m, coeffs, 1.0, DX, DT, a, b, np.uint64(1), 10 + rep * steps, steps, 64),
                   n_cells * steps)
        best = max(best, r)
    return best


def bench_ensemble(n_cells, steps, coeffs, a, b, threads, realisations=2):
    fields = np.random.default_rng(0).normal(0, 0.1, (realisations, n_cells))
    keys = np.arange(1, realisations + 1, dtype=np.uint64)
    done = np.zeros(realisations, dtype=np.int64)
    old = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        K.heun_run_ensemble(fields, coeffs, 1.0, DX, DT, a, b, keys, 0, 10, 64, done)
        best = (0.0, 0.0)
        for rep in range(2):
            r = _timed(lambda rep=rep: K.heun_run_ensemble(fields, coeffs, 1.0, DX, DT, a, b, keys, 10 + rep * steps,
                                                           steps, 64, done), realisations * n_cells * steps)
            best = max(best, r)
    finally:
        numba.set_num_threads(old)
    return best


def bench_numpy(n_cells, steps, coeffs, a, b):
    rng = np.random.default_rng(0)
    m = rng.normal(0, 0.1, n_cells)

    def run():
        nonlocal m
        for _ in range(steps):
            m = heun_step_reference(m, rng.standard_normal(n_cells), coeffs, 1.0, DX, DT, a, b)

    return _timed(run, n_cells * steps)


def bench_pypde(n_cells, steps, model):
    try:
        import pde
    except ImportError:
        return None
    c1, c3 = model.force_coeffs
    grid = pde.CartesianGrid([[0, LENGTH]], [n_cells], periodic=True)
    state = pde.ScalarField.random_normal(grid, std=0.1, rng=np.random.default_rng(0))
    eq = pde.PDE({"m": f"laplace(m) + {c1!r} * m + {c3!r} * m**3"}, noise=model.site_noise,
                 rng=np.random.default_rng(1))
    solver = pde.ExplicitSolver(eq, scheme="euler", backend="numba")
    stepper = solver.make_stepper(state, dt=DT)  # compiled once, reused (no per-call set-up cost)
    t = stepper(state, 0.0, 10 * DT)
    return _timed(lambda: stepper(state, t, t + steps * DT), n_cells * steps)


def bench_avx512(steps):
    """The 1-thread kernel with 512-bit vectors preferred (subprocess, separate numba cache)."""
    import subprocess
    import sys
    import tempfile

    try:
        import llvmlite.binding as ll

        feats = ll.get_host_cpu_features().flatten()
    except Exception:  # pragma: no cover
        return None
    if "+avx512f" not in feats:
        return None
    code = (
        "import numpy as np, time\n"
        "from lindhydro.field import kernels as K, paper_toy_model\n"
        f"m_ = paper_toy_model({EPS}, {GAMMA}); a, b = m_.noise_coefficients({DX}, {DT}); c = m_.force_coeffs\n"
        f"n = {int(LENGTH / DX)}; m = np.random.default_rng(0).normal(0, 0.1, n)\n"
        f"K.heun_run(m, c, 1.0, {DX}, {DT}, a, b, np.uint64(1), 0, 10, 64)\n"
        "best = (0, 0)\n"
        "for rep in range(3):\n"
        "    w0, c0 = time.perf_counter(), time.process_time()\n"
        f"    K.heun_run(m, c, 1.0, {DX}, {DT}, a, b, np.uint64(1), 10 + rep * {steps}, {steps}, 64)\n"
        f"    best = max(best, (n * {steps} / (time.perf_counter() - w0), n * {steps} / (time.process_time() - c0)))\n"
        "print(best[0], best[1])\n"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CPU_FEATURES=feats + ",-prefer-256-bit", NUMBA_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        return None
    w, c = out.stdout.split()
    return float(w), float(c)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=1000, help="time steps per measurement (default 1000)")
    p.add_argument("--quick", action="store_true", help="fewer steps for the slow peers")
    args = p.parse_args(argv)
    model = paper_toy_model(EPS, GAMMA)
    n_cells = int(LENGTH / DX)
    coeffs = model.force_coeffs
    a, b = model.noise_coefficients(DX, DT)
    slow_steps = max(10, args.steps // (20 if args.quick else 5))

    print(f"equation: paper toy model eps={EPS} gamma={GAMMA} 2DchiT=1, L={LENGTH:g} ({n_cells} cells), dx={DX}, dt={DT}")
    print(f"numba {numba.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs, numba threads {numba.config.NUMBA_NUM_THREADS}")
    print(f"load average before: {os.getloadavg()}")
    rows = []
    w, c = bench_lindhydro(n_cells, args.steps, coeffs, a, b)
    rows.append(("lindhydro kernel, 1 thread", w, c))
    one = c  # CPU-time rate: the work of one busy core, robust against a loaded machine
    for th in sorted({1, numba.config.NUMBA_NUM_THREADS}):
        w, c = bench_ensemble(n_cells, args.steps // 2, coeffs, a, b, th)
        rows.append((f"lindhydro ensemble of 2, {th} thread(s)", w, c))
    w, c = bench_numpy(n_cells, slow_steps, coeffs, a, b)
    rows.append(("naive NumPy Heun (np.random)", w, c))
    r = bench_pypde(n_cells, slow_steps, model)
    if r is None:
        rows.append(("py-pde: not installed (pip install py-pde)", float("nan"), float("nan")))
    else:
        rows.append(("py-pde Euler-Maruyama, numba, site noise only", *r))
    r512 = bench_avx512(args.steps)
    if r512 is not None:
        rows.insert(1, ("lindhydro kernel, 1 thread, 512-bit vectors (*)", *r512))
    print(f"\n{'method':48s} {'site-updates/s (wall)':>22s} {'(CPU time)':>12s}")
    for name, w, c in rows:
        print(f"{name:48s} {w:22.3g} {c:12.3g}")
    print(f"load average after: {os.getloadavg()}")
    if r512 is not None:
        print("(*) same kernel compiled in a subprocess with NUMBA_CPU_FEATURES=<host features>,-prefer-256-bit "
              "(LLVM otherwise prefers 256-bit vectors on this CPU); an opt-in for users, not the default")

    print("\nProjected one-core cost of the paper's Fig. 5 (12 eps x 10 realisations x L = 10000, dx = 0.25, dt = 0.001)")
    print(f"at the measured 1-thread CPU-time rate {one:.3g}/s (divide by the number of cores for an ensemble);")
    print("the paper does not state its run time T:")
    for T in (1e3, 1e4, 1e5):
        updates = 12 * 10 * n_cells * T / DT
        s = updates / one
        print(f"  T = {T:8.0f}: {updates:.2e} site-updates -> {s / 3600:8.1f} h on one core ({s / 3600 / 24:.2f} days)")


if __name__ == "__main__":
    main()
