"""Speed of the SPDE integrator beside naive NumPy and py-pde, on the same equation, in one run.

Equation: the paper's toy model (Eq. 15) at eps = 0.2, gamma = 0.875, 2 D chi_T = 1, dx = 0.25,
dt = 0.001, on a ring of L = 10000 (40000 cells): d_t m = d^2 m + f(m) + xi + d_r xi_th.

Rows (all measured in the same run, repetitions interleaved so that a change of load hits every
row alike; the best repetition of each row is kept):

* ``simulate <precision>``: :func:`lindhydro.field.simulate` itself, with its standard trackers
  (records every 1000 steps, simulate's default interval at dt = 0.001; calls of ``--steps`` steps
  continued from the previous call's state), for each precision: ``float32`` (the default),
  ``float64`` (both :func:`~lindhydro.field.kernels.heun_advance`: Philox4x32-10 normals, tiles
  with halos) and ``float64-splitmix`` (release 0.1's :func:`~lindhydro.field.kernels.heun_run`;
  its ring runs on one thread), one ring and an ensemble of 2, on 1 and 2 threads.  The
  ``x 1 thr`` column is the wall-clock speed-up of a 2-thread row over its 1-thread row.
* ``kernel float32``: :func:`~lindhydro.field.kernels.heun_advance` called directly (no trackers),
  one ring on 1 and 2 threads: the step alone.
* ``naive NumPy``: the same Heun step written with whole-array NumPy operations and
  ``numpy.random.Generator.standard_normal`` (one normal per cell) -- the
  :mod:`lindhydro.field.reference` step.
* ``py-pde``: ``pde.PDE`` with the same force and site noise, Euler-Maruyama, numba backend
  (py-pde has no conserved noise built in, so it does less work).  Skipped if not installed
  (``pip install lindhydro[bench]``).
* ``--threading``: the float32 rows on 1 and 2 threads again in subprocesses, one per way
  numba's threads can wait: OpenMP with passive waits (lindhydro's default when nothing is
  configured), OpenMP spinning (``OMP_WAIT_POLICY=active``, OpenMP's own default) and numba's
  ``workqueue`` layer.
* ``--widths``: the float32 one-ring kernel row in subprocesses with a fresh numba cache: the
  automatic choice (control), 256-bit and 512-bit vectors (``LINDHYDRO_VECTOR_WIDTH``), and, on
  an AVX-512 host, an AVX2 build (``NUMBA_CPU_NAME=znver3``, AVX-512 features off) as a stand-in
  for an AVX2 machine.

Subprocess rows are not interleaved with the others: compare them with each other.  Rates are
site-updates per second of wall clock, and per CPU second (thread CPU time for one thread:
robust against a loaded machine; process CPU time for two threads).  The load average is printed
before and after: wall-clock speed-ups of two threads mean something only on an idle machine
(load below the number of cores).  The projected cost of the paper's Fig. 5 is 12 eps x 10
realisations x L = 10000 (dx = 0.25, dt = 0.001) for run times T = 1e3 .. 1e5 (the paper does not
state T).

Run: ``python benchmarks/bench_spde.py [--steps N] [--reps R] [--quick] [--threading] [--widths]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numba
import numpy as np

from lindhydro.field import kernels as K
from lindhydro.field import paper_toy_model, simulate
from lindhydro.field.reference import heun_step_reference
from lindhydro.field.simd import VECTOR_WIDTH

EPS, GAMMA, DX, DT, LENGTH = 0.2, 0.875, 0.25, 0.001, 10000.0
#: simulate's default record interval at dt = 0.001 (one time unit): the trackers run this often
RECORD_EVERY = 1000
THREADS = sorted({1, min(2, numba.config.NUMBA_NUM_THREADS)})
PRECISIONS = ("float32", "float64", "float64-splitmix")


class Case:
    """One benchmark row: a callable doing ``updates`` site-updates on ``threads`` numba threads."""

    def __init__(self, name, fn, updates, threads=1):
        self.name, self.fn, self.updates, self.threads = name, fn, updates, threads
        self.best = (0.0, 0.0)

    def run(self):
        old = numba.get_num_threads()
        numba.set_num_threads(self.threads)
        clock = time.thread_time if self.threads == 1 else time.process_time
        try:
            w0, c0 = time.perf_counter(), clock()
            self.fn()
            w, c = time.perf_counter() - w0, clock() - c0
        finally:
            numba.set_num_threads(old)
        self.best = max(self.best, (self.updates / w, self.updates / max(c, 1e-9)))


def _threads_label(th):
    return f"{th} thread{'s' * (th > 1)}"


def simulate_cases(model, n_cells, steps, precisions=PRECISIONS):
    """Rows of :func:`lindhydro.field.simulate` (standard trackers at the default interval), continued call to call."""
    cases = []
    for precision in precisions:
        for rows in (1, 2):
            kw = dict(length=LENGTH, time=steps * DT, dx=DX, dt=DT, seed=1, record_every=min(steps, RECORD_EVERY),
                      snapshot_every=0,
                      precision=precision, realisations=None if rows == 1 else rows)
            first = simulate(model, **kw)  # compile / load the cache; the state to continue from
            holder = {"state": first.final_state if rows == 1 else [r.final_state for r in first]}

            def run(th, kw=kw, holder=holder):
                res = simulate(model, **{**kw, "seed": None, "threads": th}, state=holder["state"])
                holder["state"] = res.final_state if kw["realisations"] is None else [r.final_state for r in res]

            for th in THREADS:
                label = f"simulate {precision}, {'one ring' if rows == 1 else 'ensemble of 2'}, {_threads_label(th)}"
                cases.append(Case(label, lambda run=run, th=th: run(th), rows * n_cells * steps, th))
    return cases


def kernel_cases(model, n_cells, steps):
    """The float32 step alone: :func:`lindhydro.field.kernels.heun_advance`, one ring, no trackers."""
    a, b = model.noise_coefficients(DX, DT)
    coeffs = model.lattice_force_coeffs(DX, DT, n_cells)
    f = np.random.default_rng(0).normal(0, 0.1, (1, n_cells)).astype(np.float32)
    keys = np.ones(1, dtype=np.uint64)
    K.heun_advance(f, coeffs, 1.0, DX, DT, a, b, keys, 0, 10)
    state = {"step": 10}

    def run():
        K.heun_advance(f, coeffs, 1.0, DX, DT, a, b, keys, state["step"], steps)
        state["step"] += steps

    return [Case(f"kernel float32 (heun_advance), one ring, {_threads_label(th)}", run, n_cells * steps, th)
            for th in THREADS]


def numpy_case(n_cells, steps, coeffs, a, b):
    rng = np.random.default_rng(0)
    state = {"m": rng.normal(0, 0.1, n_cells)}

    def run():
        m = state["m"]
        for _ in range(steps):
            m = heun_step_reference(m, rng.standard_normal(n_cells), coeffs, 1.0, DX, DT, a, b)
        state["m"] = m

    return Case("naive NumPy Heun (np.random)", run, n_cells * steps)


def pypde_case(n_cells, steps, model):
    try:
        import pde
    except ImportError:
        return None
    c1, c3 = model.force_coeffs
    grid = pde.CartesianGrid([[0, LENGTH]], [n_cells], periodic=True)
    state = pde.ScalarField.random_normal(grid, std=0.1, rng=np.random.default_rng(0))
    eq = pde.PDE({"m": f"laplace(m) + {c1!r} * m + {c3!r} * m**3"}, noise=model.site_noise,
                 rng=np.random.default_rng(1))
    solver = pde.EulerSolver(eq, backend="numba") if hasattr(pde, "EulerSolver") else \
        pde.ExplicitSolver(eq, scheme="euler", backend="numba")
    stepper = solver.make_stepper(state, dt=DT)  # compiled once, reused (no per-call set-up cost)
    clock = {"t": stepper(state, 0.0, 10 * DT)}

    def run():
        clock["t"] = stepper(state, clock["t"], clock["t"] + steps * DT)

    return Case("py-pde Euler-Maruyama, numba, site noise only", run, n_cells * steps)


_WIDTH_CODE = """
import time, numpy as np
from lindhydro.field import kernels as K, paper_toy_model
model = paper_toy_model({eps}, {gamma}); a, b = model.noise_coefficients({dx}, {dt}); c = model.force_coeffs
f = np.random.default_rng(0).normal(0, 0.1, (1, {n})).astype(np.float32); keys = np.ones(1, np.uint64)
K.heun_advance(f, c, 1.0, {dx}, {dt}, a, b, keys, 0, 10)
best = (0.0, 0.0)
for rep in range({reps}):
    w0, c0 = time.perf_counter(), time.thread_time()
    K.heun_advance(f, c, 1.0, {dx}, {dt}, a, b, keys, 10 + rep * {steps}, {steps})
    best = max(best, ({n} * {steps} / (time.perf_counter() - w0), {n} * {steps} / (time.thread_time() - c0)))
print(best[0], best[1])
"""


def width_rows(n_cells, steps, reps):
    """The float32 one-thread row compiled in subprocesses: 256- and 512-bit vectors, and an AVX2 build."""
    import llvmlite.binding as ll

    feats = ll.get_host_cpu_features().flatten()
    variants = [("automatic width (control)", {}),
                ("256-bit vectors", {"LINDHYDRO_VECTOR_WIDTH": "256"}),
                ("512-bit vectors", {"LINDHYDRO_VECTOR_WIDTH": "512"})]
    if "+avx512f" in feats:
        variants.append(("AVX2 build (znver3, AVX-512 off)", {
            "NUMBA_CPU_NAME": "znver3", "NUMBA_CPU_FEATURES": feats.replace("+avx512", "-avx512")}))
    code = _WIDTH_CODE.format(eps=EPS, gamma=GAMMA, dx=DX, dt=DT, n=n_cells, steps=steps, reps=reps)
    rows = []
    for label, env in variants:
        with tempfile.TemporaryDirectory() as cache:
            out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, NUMBA_CACHE_DIR=cache, **env),
                                 capture_output=True, text=True)
        if out.returncode == 0:
            w, c = (float(v) for v in out.stdout.split()[-2:])
            rows.append((f"lindhydro float32, one ring, 1 thread, {label}", w, c))
    return rows


#: Ways numba's threads can wait, for ``--threading`` (environment of the subprocess).
THREADING = (
    ("OpenMP, passive waits (lindhydro's default)", {"OMP_WAIT_POLICY": "PASSIVE"}),
    ("OpenMP, spinning waits (OMP_WAIT_POLICY=active)", {"OMP_WAIT_POLICY": "ACTIVE"}),
    ("workqueue layer", {"NUMBA_THREADING_LAYER": "workqueue"}),
)


def threading_rows(steps, reps):
    """The float32 rows on 1 and 2 threads in one subprocess per threading set-up (:data:`THREADING`)."""
    rows = []
    for label, env in THREADING:
        clean = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "NUMBA_THREADING_LAYER")}
        out = subprocess.run([sys.executable, __file__, "--steps", str(steps), "--reps", str(reps), "--child-rows"],
                             env=clean | env, capture_output=True, text=True)
        if out.returncode != 0:
            rows.append((f"[{label}] failed: {out.stderr.strip().splitlines()[-1:]}", float("nan"), float("nan")))
            continue
        rows += [(f"[{label}] {name}", w, c) for name, w, c in json.loads(out.stdout.strip().splitlines()[-1])]
    return rows


def speedup(name, rates):
    """Wall-clock rate of a 2-thread row over its 1-thread row (nan for other rows)."""
    if not name.endswith("2 threads"):
        return float("nan")
    one = rates.get(name[: -len("2 threads")] + "1 thread")
    return rates[name] / one if one else float("nan")


def print_rows(rows, numpy_rate):
    rates = {name: w for name, w, _ in rows}
    print(f"\n{'method':72s} {'site-updates/s':>15s} {'per CPU s':>10s} {'x NumPy':>8s} {'x 1 thr':>8s}")
    for name, w, c in rows:
        x = speedup(name, rates)
        print(f"{name:72s} {w:15.3g} {c:10.3g} {w / numpy_rate:8.1f} {'' if x != x else format(x, '8.2f')}")


def print_projection(rate_one, rate_ring_two, rate_two):
    n_cells = int(LENGTH / DX)
    print("\nProjected cost of the paper's Fig. 5 (12 eps x 10 realisations x L = 10000, dx = 0.25, dt = 0.001)")
    print(f"at the default's measured rates (simulate float32): {rate_one:.3g}/s per core (one ring, one thread, CPU "
          f"time), {rate_ring_two:.3g}/s for one ring on 2 threads and {rate_two:.3g}/s for an ensemble of 2 on 2 "
          "threads (wall); the paper does not state its run time T:")
    for T in (1e3, 1e4, 1e5):
        updates = 12 * 10 * n_cells * T / DT
        print(f"  T = {T:8.0f}: {updates:.2e} site-updates -> {updates / rate_one / 3600:8.1f} core-hours, "
              f"{updates / rate_two / 3600:8.1f} h on 2 cores")


def measure(cases, reps):
    for _ in range(reps):
        for case in cases:
            case.run()
    return [(c.name, *c.best) for c in cases]


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=4000,
                   help="time steps per measurement (default 4000; simulate records every 1000, its default)")
    p.add_argument("--reps", type=int, default=5, help="interleaved repetitions; the best is kept (default 5)")
    p.add_argument("--quick", action="store_true", help="fewer steps for the slow peers")
    p.add_argument("--threading", action="store_true", help="also OpenMP passive/active and workqueue (subprocesses)")
    p.add_argument("--widths", action="store_true", help="also 256/512-bit and AVX2 builds (subprocesses)")
    p.add_argument("--child-rows", action="store_true", help=argparse.SUPPRESS)  # one --threading subprocess
    args = p.parse_args(argv)
    model = paper_toy_model(EPS, GAMMA)
    n_cells = int(LENGTH / DX)
    if args.child_rows:
        cases = simulate_cases(model, n_cells, args.steps, ("float32",)) + kernel_cases(model, n_cells, args.steps)
        print(json.dumps(measure(cases, args.reps)))
        return
    coeffs = model.force_coeffs
    a, b = model.noise_coefficients(DX, DT)
    slow_steps = max(10, args.steps // (20 if args.quick else 5))

    print(f"equation: paper toy model eps={EPS} gamma={GAMMA} 2DchiT=1, L={LENGTH:g} ({n_cells} cells), dx={DX}, dt={DT}")
    print(f"numba {numba.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs, numba threads "
          f"{numba.config.NUMBA_NUM_THREADS}, threading layer {numba.config.THREADING_LAYER} "
          f"(OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}), preferred vector width {VECTOR_WIDTH or 'LLVM default'}")
    print(f"load average before: {os.getloadavg()}")
    cases = simulate_cases(model, n_cells, args.steps) + kernel_cases(model, n_cells, args.steps)
    cases.append(numpy_case(n_cells, slow_steps, coeffs, a, b))
    py = pypde_case(n_cells, slow_steps, model)
    if py is not None:
        cases.append(py)
    rows = measure(cases, args.reps)
    if py is None:
        rows.append(("py-pde: not installed (pip install py-pde)", float("nan"), float("nan")))
    print(f"load average after the interleaved rows: {os.getloadavg()}")
    if args.threading:
        rows += threading_rows(args.steps, args.reps)
    if args.widths:
        rows += width_rows(n_cells, args.steps, args.reps)
    best = {c.name: c.best for c in cases}
    print_rows(rows, best["naive NumPy Heun (np.random)"][0])
    print(f"load average after: {os.getloadavg()}")
    two = _threads_label(THREADS[-1])
    print_projection(best["simulate float32, one ring, 1 thread"][1], best[f"simulate float32, one ring, {two}"][0],
                     best[f"simulate float32, ensemble of 2, {two}"][0])


if __name__ == "__main__":
    main()
