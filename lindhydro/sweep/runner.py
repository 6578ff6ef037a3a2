"""Run a sweep on dask.distributed, resumably.

:func:`run_sweep` is the Python form of ``lindhydro sweep CONFIG.toml``:

1. parse and validate the configuration, build every distinct model once on the client (so a bad
   parameter is a clear ``ValueError`` before any work), lock and prepare the store;
2. scan the store: a task with a verified entry is done and never recomputed; a damaged entry is moved
   to ``corrupt/`` and the task recomputed; a task with a valid checkpoint resumes from it;
3. start a ``LocalCluster(processes=True, threads_per_worker=1, host="127.0.0.1",
   dashboard_address=None)`` with one worker per core (or connect to ``scheduler``), submit the next
   time chunk of every unfinished task, and as chunks come back write a checkpoint (atomic) and
   submit the following chunk, or write the finished task's entry (atomic) and drop its checkpoint;
4. a failing chunk is reported with the task's parameters, recorded in ``failed/`` and does not stop the
   others; the returned :class:`SweepReport` summarises (``report.ok`` is false if any failed).

Because the client is the only writer and every write is atomic, the process may be killed at any
moment: rerunning the same command recomputes nothing that finished, and loses at most the chunks
that were running.  Results do not depend on the number of workers or the order of execution: every
task's seed derives from the root seed and its parameters (:attr:`TaskSpec.seed`), and the
continuation of the simulator is bit-identical, so chunked and unchunked runs agree exactly.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time as _time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lindhydro.experiments.presets import PRESETS
from lindhydro.sweep.config import SweepConfig, TaskSpec, canonical_json, load_config
from lindhydro.sweep.store import CorruptEntryError, ResultStore
from lindhydro.sweep.tasks import (
    ChunkOutput,
    TaskError,
    build_model,
    chunk_steps,
    merge_series,
    resolve,
    run_chunk,
)

__all__ = ["SweepReport", "run_sweep", "start_local_cluster", "sweep_status"]


@dataclass(frozen=True)
class SweepReport:
    """Summary of one :func:`run_sweep` call.

    Attributes
    ----------
    store : str
        The store directory.
    n_tasks : int
        Tasks in the configuration.
    n_already_done : int
        Tasks whose verified entry was already in the store (not recomputed).
    n_computed : int
        Tasks finished by this call.
    n_failed : int
        Tasks that failed in this call.
    n_corrupt : int
        Damaged entries detected (moved to ``corrupt/``, recomputed).
    n_resumed : int
        Tasks resumed from a checkpoint.
    failures : tuple of dict
        ``{"task_id", "label", "parameters", "error"}`` per failed task.
    n_workers : int
        Workers used (0 if nothing had to run).
    wall_seconds : float
        Wall time of the call.
    compute_seconds : float
        Sum over chunks of the simulator's wall time on the workers.
    site_updates : int
        Sum over computed chunks of cells × steps.
    workers : tuple of str
        Addresses of the workers that ran chunks.
    """

    store: str
    n_tasks: int
    n_already_done: int
    n_computed: int
    n_failed: int
    n_corrupt: int
    n_resumed: int
    failures: tuple[dict[str, Any], ...] = ()
    n_workers: int = 0
    wall_seconds: float = 0.0
    compute_seconds: float = 0.0
    site_updates: int = 0
    workers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True if every task of the sweep is finished."""
        return self.n_failed == 0 and self.n_already_done + self.n_computed == self.n_tasks

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "store": self.store,
            "ok": self.ok,
            "n_tasks": self.n_tasks,
            "n_already_done": self.n_already_done,
            "n_computed": self.n_computed,
            "n_failed": self.n_failed,
            "n_corrupt": self.n_corrupt,
            "n_resumed": self.n_resumed,
            "failures": list(self.failures),
            "n_workers": self.n_workers,
            "wall_seconds": self.wall_seconds,
            "compute_seconds": self.compute_seconds,
            "site_updates": self.site_updates,
            "site_updates_per_second_per_worker": (
                self.site_updates / self.compute_seconds if self.compute_seconds > 0 else None
            ),
        }

    def summary(self) -> str:
        """One-paragraph human summary."""
        lines = [
            f"sweep store {self.store}: {self.n_already_done + self.n_computed}/{self.n_tasks} tasks finished "
            f"({self.n_already_done} already in the store, {self.n_computed} computed now, "
            f"{self.n_resumed} resumed from checkpoints, {self.n_corrupt} damaged entries recomputed), "
            f"{self.n_failed} failed; {self.wall_seconds:.1f} s on {self.n_workers} worker(s)."
        ]
        for f in self.failures:
            lines.append(f"  FAILED {f['label']} [{f['task_id']}]: {f['error']}")
        if self.n_failed:
            lines.append("  (failure records with tracebacks in STORE/failed/; rerun the same command to retry them)")
        return "\n".join(lines)


def start_local_cluster(n_workers: int | None = None):
    """A ``LocalCluster`` of single-threaded worker processes on loopback, dashboard off.

    Parameters
    ----------
    n_workers : int, optional
        Worker processes (default: ``os.cpu_count()``).

    Returns
    -------
    distributed.LocalCluster
        The running cluster (close it when done).

    Notes
    -----
    Worker processes are started with the ``spawn`` method, which normally re-executes the calling
    script (``__main__``) in every worker: a plain script calling :func:`run_sweep` at top level,
    without an ``if __name__ == "__main__":`` guard, would start sweeps recursively.  Workers need
    nothing from ``__main__`` (tasks are pickled by value or imported from lindhydro), so it is
    hidden from them while they start.
    """
    from distributed import LocalCluster

    n = n_workers or os.cpu_count() or 1
    if n < 1:
        raise ValueError(f"number of workers must be >= 1, got {n}")
    with _main_hidden_from_spawn():
        return _local_cluster(LocalCluster, n)


@contextlib.contextmanager
def _main_hidden_from_spawn():
    main = sys.modules.get("__main__")
    saved = {k: getattr(main, k) for k in ("__file__", "__spec__") if main is not None and hasattr(main, k)}
    if main is None or "__file__" not in saved:
        yield
        return
    try:
        del main.__file__
        main.__spec__ = None
        yield
    finally:
        for k, v in saved.items():
            setattr(main, k, v)


def _local_cluster(LocalCluster, n: int):
    return LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        # the scheduler still serves its plain HTTP routes (health, metrics): loopback, any free port
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
        silence_logs=50,  # logging.CRITICAL: task errors are reported by run_sweep, with parameters
    )


def _validate_models(tasks: list[TaskSpec], simulate: str | Callable | None) -> None:
    """Build every distinct model and check its numerics on the client: errors before any work."""
    seen = set()
    for t in tasks:
        key = (t.preset, t.eps, t.model, t.simulation)
        if key in seen:
            continue
        seen.add(key)
        where = f"{t.label} with {canonical_json(dict(t.model))}"
        try:
            model = build_model(t)
        except ValueError as exc:
            raise ValueError(f"model for {where}: {exc}") from None
        except TypeError as exc:
            raise ValueError(f"model parameters rejected by {t.builder_ref} ({where}): {exc}") from None
        checker = PRESETS[t.preset].checker
        if checker:
            s = t.simulation_kwargs
            try:
                resolve(checker)(model, length=s["length"], time=s["time"], dx=s["dx"], dt=s["dt"])
            except ValueError as exc:
                raise ValueError(f"numerics for {where}, simulation {canonical_json(s)}: {exc}") from None
    refs = {simulate} if simulate is not None else {t.simulator_ref for t in tasks}
    for ref in refs:
        resolve(ref)


def _default_log(msg: str) -> None:
    from tqdm import tqdm

    tqdm.write(msg, file=sys.stderr)


def sweep_status(config: SweepConfig | str | Path) -> dict[str, Any]:
    """What a sweep would do, without doing it or changing the store (``lindhydro sweep --dry-run``).

    Validates the configuration and every model (as :func:`run_sweep` does) and classifies the
    tasks by the state of the store.

    Parameters
    ----------
    config : SweepConfig or path-like
        The configuration or its TOML file.

    Returns
    -------
    dict
        ``n_tasks``, ``finished`` (verified entries), ``damaged`` (entries that would be
        recomputed), ``checkpointed`` (unfinished, with a checkpoint), ``to_start``, ``failed_last_run``,
        ``site_updates_remaining`` (cells × steps still to integrate) and ``store``.
    """
    from lindhydro.sweep.store import read_entry

    if not isinstance(config, SweepConfig):
        config = load_config(config)
    tasks = config.tasks()
    _validate_models(tasks, None)
    store = ResultStore(config.store)
    counts = {"finished": 0, "damaged": 0, "checkpointed": 0, "to_start": 0}
    remaining = 0
    failed = {f.get("task_id") for f in store.failures()} if store.path.is_dir() else set()
    for t in tasks:
        path = store.entry_path(t.task_id)
        if path.exists():
            try:
                read_entry(path)
                counts["finished"] += 1
                continue
            except CorruptEntryError:
                counts["damaged"] += 1
        ckpt_path = store.checkpoint_path(t.task_id)
        step = 0
        if ckpt_path.exists():
            ckpt = _peek_checkpoint(ckpt_path, t.task_id)
            if ckpt is not None and 0 < ckpt < t.n_steps:
                step = ckpt
                counts["checkpointed"] += 1
        if step == 0 and not path.exists():
            counts["to_start"] += 1
        remaining += t.n_cells * (t.n_steps - step)
    return {"store": str(config.store), "n_tasks": len(tasks), **counts,
            "failed_last_run": len(failed & {t.task_id for t in tasks}),
            "site_updates_remaining": remaining}


def _peek_checkpoint(path: Path, task_id: str) -> int | None:
    """Global step of a checkpoint, or ``None`` if it is damaged (read-only: nothing is moved)."""
    import hashlib
    import pickle

    from lindhydro.sweep.store import _CKPT_MAGIC

    raw = path.read_bytes()
    n = len(_CKPT_MAGIC)
    if raw[:n] != _CKPT_MAGIC or hashlib.sha256(raw[n + 32 :]).digest() != raw[n : n + 32]:
        return None
    try:
        payload = pickle.loads(raw[n + 32 :])
    except Exception:
        return None
    return int(payload["step"]) if payload.get("task_id") == task_id else None


def run_sweep(
    config: SweepConfig | str | Path,
    *,
    scheduler: str | None = None,
    n_workers: int | None = None,
    client=None,
    simulate: str | Callable | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = _default_log,
) -> SweepReport:
    """Run (or resume) a sweep and write every finished task to its store.

    Parameters
    ----------
    config : SweepConfig or path-like
        The configuration or its TOML file.
    scheduler : str, optional
        Address of an existing dask scheduler (``tcp://host:8786``); its workers must have
        lindhydro installed.  Default: a new local cluster.
    n_workers : int, optional
        Worker processes of the local cluster (default: one per core, at most one per unfinished task).
    client : distributed.Client, optional
        Use this client (neither created nor closed here).
    simulate : str or callable, optional
        Simulator override (``"module:function"`` or a picklable module-level function) with the
        signature and continuation contract of :func:`lindhydro.field.simulate`.
    progress : bool
        Show a tqdm bar over tasks on stderr.
    log : callable or None
        Receives one line per notable event (failures, damaged entries); default: stderr.

    Returns
    -------
    SweepReport
        What was found, computed and failed; ``report.ok`` when every task is finished.

    Raises
    ------
    ValueError
        Invalid configuration, a model that cannot be built, an incompatible or locked store; raised
        before any simulation runs.
    """
    t_start = _time.perf_counter()
    if not isinstance(config, SweepConfig):
        config = load_config(config)
    log = log or (lambda msg: None)
    tasks = config.tasks()
    _validate_models(tasks, simulate)
    store = ResultStore(config.store)
    store.lock()
    try:
        store.prepare(config, tasks)
        if store.version_note and log:
            log(store.version_note)
        return _run(config, tasks, store, scheduler, n_workers, client, simulate, progress, log, t_start)
    finally:
        store.unlock()


def _run(config, tasks, store, scheduler, n_workers, client, simulate, progress, log, t_start) -> SweepReport:
    from tqdm import tqdm

    n_done = n_corrupt = n_resumed = 0
    todo: list[tuple[TaskSpec, dict[str, Any] | None]] = []
    for t in tasks:
        try:
            if store.verify(t.task_id) is not None:
                n_done += 1
                continue
        except CorruptEntryError as exc:
            n_corrupt += 1
            log(f"damaged store entry detected, moved to corrupt/ and recomputed: {t.label}: {exc}")
        ckpt = store.read_checkpoint(t.task_id)
        if ckpt is not None and not (0 < ckpt["step"] < t.n_steps):
            ckpt = None
        if ckpt is not None:
            n_resumed += 1
        todo.append((t, ckpt))

    def report(n_computed=0, failures=(), n_workers_used=0, seconds=0.0, updates=0, workers=()):
        return SweepReport(
            store=str(store.path), n_tasks=len(tasks), n_already_done=n_done, n_computed=n_computed,
            n_failed=len(failures), n_corrupt=n_corrupt, n_resumed=n_resumed, failures=tuple(failures),
            n_workers=n_workers_used, wall_seconds=_time.perf_counter() - t_start,
            compute_seconds=seconds, site_updates=updates, workers=tuple(sorted(set(workers))),
        )

    if not todo:
        return report()

    from distributed import Client, as_completed

    own_cluster = own_client = None
    if client is None:
        if scheduler:
            client = own_client = Client(scheduler)
        else:
            own_cluster = start_local_cluster(min(n_workers or os.cpu_count() or 1, len(todo)))
            client = own_client = Client(own_cluster)
    n_workers_used = len(client.scheduler_info().get("workers", {}))

    dt = dict(config.simulation)["dt"]
    state: dict[str, dict[str, Any]] = {}
    for t, ckpt in todo:
        start = ckpt["step"] if ckpt else 0
        state[t.task_id] = {
            "spec": t,
            "step": start,
            "plan": chunk_steps(t.n_steps - start, dt, config.chunk_time),
            "series": ckpt["series"] if ckpt else None,
            "sim_state": ckpt["state"] if ckpt else None,
            "seconds": ckpt["seconds"] if ckpt else 0.0,
            "site_updates": ckpt["site_updates"] if ckpt else 0,
            "chunks": ckpt["chunks"] if ckpt else 0,
            "workers": list(ckpt.get("workers", [])) if ckpt else [],
            "correlation": ckpt.get("correlation") if ckpt else None,
        }
        done_chunks = state[t.task_id]["chunks"]
        state[t.task_id]["bar"] = done_chunks / (done_chunks + len(state[t.task_id]["plan"]))

    bar = tqdm(total=len(tasks), initial=n_done, unit="task", file=sys.stderr, disable=not progress,
               desc=f"sweep {config.name or store.path.name}", dynamic_ncols=True,
               bar_format="{l_bar}{bar}| {n:.1f}/{total} tasks [{elapsed}<{remaining}]")
    bar.update(sum(s["bar"] for s in state.values()))
    token = uuid.uuid4().hex[:8]

    def submit(tid: str):
        s = state[tid]
        steps = s["plan"][0]
        return client.submit(
            run_chunk, s["spec"], steps=steps, start_step=s["step"], state=s["sim_state"],
            simulate=simulate, correlation=s["correlation"],
            key=f"lindhydro-sweep-{token}-{tid}-{s['step']}", pure=False,
            priority=s["chunks"],
        )

    futures: dict[str, str] = {}
    initial = []
    for t, _ in todo:
        f = submit(t.task_id)
        futures[f.key] = t.task_id
        initial.append(f)
    n_computed = 0
    failures: list[dict[str, Any]] = []
    total_seconds = 0.0
    total_updates = 0
    all_workers: list[str] = []
    try:
        ac = as_completed(initial)
        del initial
        for fut in ac:
            tid = futures.pop(fut.key)
            s = state[tid]
            spec: TaskSpec = s["spec"]
            n_total_chunks = s["chunks"] + len(s["plan"])
            try:
                out: ChunkOutput = fut.result()
                if not (np.all(np.isfinite(out.series.get("m2", np.zeros(0))))):
                    raise FloatingPointError("simulator returned non-finite ⟨m²⟩ records")
                s["series"] = merge_series(s["series"], out.series)
            except Exception as exc:  # the task failed; the sweep goes on
                err = str(exc) if isinstance(exc, TaskError) else f"{type(exc).__name__}: {exc}"
                tb = getattr(exc, "traceback_text", "") or "".join(traceback.format_exception(exc))
                store.record_failure(spec, err, tb, s["chunks"])
                failures.append({"task_id": tid, "label": spec.label, "parameters": spec.parameters(), "error": err})
                log(f"task FAILED ({spec.label}, parameters {canonical_json(spec.parameters())}): {err}")
                bar.update(1.0 - s["bar"])
                fut.release()
                continue
            fut.release()
            s["step"] = out.step
            s["sim_state"] = out.state
            s["seconds"] += out.seconds
            s["site_updates"] += out.site_updates
            s["chunks"] += 1
            s["workers"].append(out.worker)
            s["plan"].pop(0)
            s["correlation"] = out.extra.get("correlation")
            total_seconds += out.seconds
            total_updates += out.site_updates
            all_workers.append(out.worker)
            if s["plan"]:
                store.write_checkpoint(tid, {
                    "task_id": tid, "step": s["step"], "state": s["sim_state"], "series": s["series"],
                    "seconds": s["seconds"], "site_updates": s["site_updates"], "chunks": s["chunks"],
                    "workers": s["workers"], "correlation": s["correlation"],
                })
                nf = submit(tid)
                futures[nf.key] = tid
                ac.add(nf)
                s["bar"] += 1.0 / n_total_chunks
                bar.update(1.0 / n_total_chunks)
            else:
                arrays = dict(s["series"])
                arrays["final_field"] = out.final_field
                if s["correlation"] is not None and s["correlation"][1] > 0:
                    total, count = s["correlation"]
                    dx = spec.simulation_kwargs["dx"]
                    arrays["r"] = np.arange(total.shape[0]) * dx
                    arrays["correlation"] = total / count
                sim_params = {k: v for k, v in out.extra.get("simulator_parameters", {}).items()
                              if k not in ("time", "t_start", "t_end", "step_start", "n_steps", "averages_from_time")}
                info = {
                    "simulator_parameters": sim_params,
                    "correlation_records": int(s["correlation"][1]) if s["correlation"] is not None else 0,
                    "chunks": s["chunks"], "compute_seconds": s["seconds"], "site_updates": s["site_updates"],
                    "site_updates_per_second": s["site_updates"] / s["seconds"] if s["seconds"] > 0 else None,
                    "workers": sorted(set(s["workers"])), "chunk_time": config.chunk_time,
                }
                store.write(spec, arrays, info)
                n_computed += 1
                bar.update(1.0 - s["bar"])
                del state[tid]
    finally:
        bar.close()
        if own_client is not None:
            own_client.close()
        if own_cluster is not None:
            own_cluster.close()
    return report(n_computed, failures, n_workers_used, total_seconds, total_updates, all_workers)
