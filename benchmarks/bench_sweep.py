"""Throughput of ``lindhydro sweep`` per worker, and the projected wall time of the paper's Fig. 5.

Runs the same small sweep of the paper's toy model (Wick-ordered, both noises) three ways, in one
process, side by side:

* ``serial``: the tasks one after another with :func:`lindhydro.field.simulate` in this process
  (no dask, no store): the single-core baseline;
* ``dask 1 worker`` and ``dask 2 workers``: :func:`lindhydro.sweep.runner.run_sweep` on a
  ``LocalCluster`` (processes, one thread each, loopback) with checkpointed time chunks and the
  atomic store; workers are warmed up first (numba cache load), cluster start-up is excluded and
  reported separately.

For each: tasks/s, site updates/s in total and per worker, and the parallel efficiency.  Then the
projection for the full Fig. 5 (12 ε × 10 realisations × L = 10000, dx = 0.25, dt = 0.001, state
time T per task): ``site updates = 120 · 40000 · T/dt``, wall time on N workers =
``ceil(120/N)`` tasks per worker × the per-task time at the measured per-worker rate (tasks are
independent; N > 120 does not help without splitting tasks).

Usage::

    python benchmarks/bench_sweep.py                    # ~1 minute
    python benchmarks/bench_sweep.py --length 2000 --time 20 --tasks 8 --fig5-time 2000

Timings depend on the load of the machine: ``os.getloadavg()`` is printed with them.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path


def _warm(length: float) -> float:
    from lindhydro.field import paper_toy_model, simulate

    t = time.perf_counter()
    simulate(paper_toy_model(0.2, renormalisation="wick"), length=length, time=0.01, seed=0, snapshot_every=0)
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="lindhydro sweep throughput per worker and Fig. 5 projection")
    p.add_argument("--tasks", type=int, default=4, help="tasks in the measured sweep (even: both workers busy)")
    p.add_argument("--length", type=float, default=2000.0, help="ring length L per task")
    p.add_argument("--time", type=float, default=20.0, help="simulated time per task")
    p.add_argument("--chunk-time", type=float, default=5.0, help="checkpoint interval")
    p.add_argument("--fig5-time", type=float, default=1000.0, help="time T per task of the projected Fig. 5 sweep")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to measure")
    args = p.parse_args(argv)

    from distributed import Client

    from lindhydro.field import paper_toy_model, simulate
    from lindhydro.sweep.config import parse_config
    from lindhydro.sweep.runner import run_sweep, start_local_cluster

    eps = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5][: max(1, args.tasks)]
    real = math.ceil(args.tasks / len(eps))
    cfg_dict = {
        "sweep": {"name": "bench", "store": "bench.store", "root_seed": 1, "realisations": real,
                  "chunk_time": args.chunk_time},
        "model": {"preset": "paper", "gamma": 0.875, "thermal": True, "renormalisation": "wick"},
        "simulation": {"length": args.length, "time": args.time, "record_every": 500},
        "grid": {"eps": eps},
    }
    work = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    n_cells = int(round(args.length / 0.25))
    n_steps = int(round(args.time / 0.001))
    print(f"load average before: {os.getloadavg()}  (cores: {os.cpu_count()})")
    print(f"sweep: {len(eps)} eps x {real} realisations = {len(eps) * real} tasks, {n_cells} cells x "
          f"{n_steps} steps each ({n_cells * n_steps:.3g} site updates/task), chunks of {args.chunk_time} time units")
    _warm(args.length)

    rows = []
    cfg0 = parse_config(cfg_dict, base_dir=work)
    t = time.perf_counter()
    for spec in cfg0.tasks():
        kw = spec.simulation_kwargs
        simulate(paper_toy_model(spec.eps, 0.875, thermal=True, renormalisation="wick"), seed=spec.seed,
                 snapshot_every=0, threads=1, **kw)  # one core, as a worker
    wall = time.perf_counter() - t
    n_tasks = len(cfg0.tasks())
    total = n_tasks * n_cells * n_steps
    rows.append(("serial (no dask)", 1, wall, n_tasks, total, float("nan"), wall))

    for nw in args.workers:
        d = {k: dict(v) for k, v in cfg_dict.items()}
        d["sweep"]["store"] = f"bench-{nw}.store"
        cfg = parse_config(d, base_dir=work)
        t = time.perf_counter()
        cluster = start_local_cluster(nw)
        client = Client(cluster)
        start = time.perf_counter() - t
        client.run(_warm, args.length)  # every worker loads the numba kernels once
        try:
            rep = run_sweep(cfg, client=client, progress=False, log=None)
        finally:
            client.close()
            cluster.close()
        assert rep.ok, rep.summary()
        rows.append((f"dask {nw} worker{'s' if nw > 1 else ''}", nw, rep.wall_seconds, rep.n_computed,
                     rep.site_updates, start, rep.compute_seconds))

    print(f"load average after: {os.getloadavg()}")
    print()
    print(f"{'run':<18}{'workers':>8}{'wall s':>9}{'tasks/s':>9}{'tasks/s/wkr':>12}{'upd/s total':>13}"
          f"{'upd/s/worker':>14}{'in-kernel upd/s':>17}{'cluster start s':>17}")
    base = rows[0][4] / rows[0][2]
    for name, nw, w, nt, upd, st, comp in rows:
        print(f"{name:<18}{nw:>8}{w:>9.2f}{nt / w:>9.3f}{nt / w / nw:>12.3f}{upd / w:>13.3g}{upd / w / nw:>14.3g}"
              f"{upd / comp:>17.3g}{'' if math.isnan(st) else f'{st:.1f}':>17}")
    print("(upd/s/worker: wall-clock throughput of the sweep, overheads included; in-kernel: site updates per "
          "second of simulator time summed over workers)")
    per_worker = {nw: upd / w / nw for _, nw, w, _, upd, _, _ in rows[1:]}
    for nw, r in per_worker.items():
        print(f"parallel efficiency, {nw} worker(s) vs serial: {r / base:.2f}")

    rate = min(per_worker.values()) if per_worker else base
    T = args.fig5_time
    fig5_tasks, fig5_cells, fig5_steps = 120, 40000, int(round(T / 0.001))
    per_task = fig5_cells * fig5_steps / rate
    print()
    print(f"Fig. 5 at full scale: 120 tasks x 40000 cells x {fig5_steps:.3g} steps (T = {T:g}) = "
          f"{fig5_tasks * fig5_cells * fig5_steps:.3g} site updates; at {rate:.3g} updates/s per worker "
          f"(measured, the lower of the dask runs) one task takes {per_task / 3600:.2f} h")
    for n in (1, 2, 8, 16, 32, 64, 120):
        waves = math.ceil(fig5_tasks / n)
        print(f"  N = {n:>3} workers: {waves:>3} task(s) per worker -> {waves * per_task / 3600:8.2f} h wall")


if __name__ == "__main__":
    main()
