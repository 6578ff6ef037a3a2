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
that were running.  An interruption (Ctrl-C) ends :func:`run_sweep` with :class:`SweepInterrupted`,
which says how far it got; an unreachable scheduler is refused within :data:`SCHEDULER_TIMEOUT`.  Results do not depend on the number of workers or the order of execution: every
task's seed derives from the root seed and its parameters (:attr:`TaskSpec.seed`), and the
continuation of the simulator is bit-identical, so chunked and unchunked runs agree exactly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time as _time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from lindhydro.experiments.presets import (
    PRINTED_MODEL_NOTE,
    default_renormalisation,
    preset,
    resolve,
)
from lindhydro.sweep.config import SweepConfig, TaskSpec, canonical_json, load_config
from lindhydro.sweep.store import CorruptEntryError, ResultStore
from lindhydro.sweep.tasks import ChunkOutput, TaskError, chunk_steps, merge_series, run_chunk

__all__ = [
    "SCHEDULER_TIMEOUT",
    "SweepInterrupted",
    "SweepReport",
    "model_notes",
    "run_sweep",
    "start_local_cluster",
    "sweep_status",
]

#: Seconds to wait for an existing dask scheduler (``scheduler=``) before giving up.
SCHEDULER_TIMEOUT = 10.0


class SweepInterrupted(KeyboardInterrupt):
    """A sweep stopped by SIGINT/SIGTERM (Ctrl-C); the store is consistent and the sweep resumable.

    Every write to the store is atomic and the client is its only writer, so an interruption leaves
    finished entries, checkpoints of the chunks that came back and nothing half-written; rerunning
    the same command resumes.  ``str(exc)`` says how far the sweep got, in one line.

    Parameters
    ----------
    message : str
        One line: tasks finished, tasks that will resume from a checkpoint, how to resume.
    store : str
        The store directory.
    """

    def __init__(self, message: str, store: str):
        super().__init__(message)
        self.store = store


@dataclass(frozen=True)
class SweepReport:
    """Summary of one :func:`run_sweep` call: what the store held, what ran and what failed.

    ``report.ok`` is true when every task of the sweep is finished; :meth:`summary` says it in words
    and :meth:`to_dict` is what ``lindhydro sweep --json`` prints.

    Attributes
    ----------
    store : str
        The store directory.
    n_tasks, n_already_done, n_computed, n_failed, n_corrupt, n_resumed : int
        Tasks in the configuration; of those: with a verified entry already in the store (not
        recomputed), finished by this call, failed in this call, with a damaged entry (moved to
        ``corrupt/`` and recomputed), resumed from a checkpoint.
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
        """JSON-ready summary (``ok`` and the speed per worker added, worker addresses left out)."""
        plain = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("failures", "workers")}
        speed = self.site_updates / self.compute_seconds if self.compute_seconds > 0 else None
        return plain | {"ok": self.ok, "failures": list(self.failures), "site_updates_per_second_per_worker": speed}

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
    hidden from them while they start.  Workers ignore SIGINT: Ctrl-C is the client's to handle.
    """
    from distributed import LocalCluster

    n = n_workers or os.cpu_count() or 1
    if n < 1:
        raise ValueError(f"number of workers must be >= 1, got {n}")
    with _main_hidden_from_spawn(), _sigint_ignored_by_workers():
        return _local_cluster(LocalCluster, n)


@contextlib.contextmanager
def _sigint_ignored_by_workers():
    """Start worker processes with SIGINT ignored (inherited through exec; Python and asyncio then leave it so).

    Ctrl-C reaches the whole process group: the client alone handles it (it stops the sweep and
    closes the cluster), instead of every worker printing a KeyboardInterrupt traceback.
    """
    try:
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


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
            model = t.build_model()
        except ValueError as exc:
            raise ValueError(f"model for {where}: {exc}") from None
        except TypeError as exc:
            raise ValueError(f"model parameters rejected by {t.builder_ref} ({where}): {exc}") from None
        checker = preset(t.preset).checker
        if checker:
            s = t.simulation_kwargs
            try:
                resolve(checker)(model, length=s["length"], time=s["time"], dx=s["dx"], dt=s["dt"])
            except ValueError as exc:
                raise ValueError(f"numerics for {where}, simulation {canonical_json(s)}: {exc}") from None
    refs = {simulate} if simulate is not None else {t.simulator_ref for t in tasks}
    for ref in refs:
        resolve(ref)


def model_notes(config: SweepConfig) -> list[str]:
    """What a user should know about the configuration's model before running it (one line each).

    Today: the paper's model with conserved noise whose ``renormalisation`` is not stated runs the
    force as printed, which has no ordered phase on the lattice.

    Parameters
    ----------
    config : SweepConfig
        The configuration.

    Returns
    -------
    list of str
    """
    model = dict(config.model)
    thermal = model.get("thermal", True)
    if (default_renormalisation(config.preset, thermal) == "wick" and "renormalisation" not in model
            and "renormalisation" not in config.axis_names):
        return [f"[model] renormalisation is not given, so preset {config.preset!r} runs the force as printed: "
                f"{PRINTED_MODEL_NOTE}; state renormalisation = \"wick\" or \"none\" to choose"]
    return []


def _default_log(msg: str) -> None:
    from tqdm import tqdm

    tqdm.write(msg, file=sys.stderr)


def _quiet(msg: str) -> None:
    """A log that drops every message."""


@dataclass
class _StoreScan:
    """What the store holds for the tasks of a configuration."""

    finished: int = 0
    damaged: list[str] = field(default_factory=list)
    todo: list[tuple[TaskSpec, dict[str, Any] | None]] = field(default_factory=list)

    @property
    def resumable(self) -> int:
        """Unfinished tasks with a usable checkpoint."""
        return sum(ckpt is not None for _, ckpt in self.todo)


def _scan_store(tasks: list[TaskSpec], store: ResultStore, log: Callable[[str], None], *,
                read_only: bool = False) -> _StoreScan:
    """Sort the tasks into finished, damaged (moved aside unless ``read_only``) and to do.

    A task to do comes with its checkpoint when one is intact and lies strictly inside the run.
    """
    scan = _StoreScan()
    for t in tasks:
        try:
            if store.verify(t.task_id, move_damaged=not read_only) is not None:
                scan.finished += 1
                continue
        except CorruptEntryError as exc:
            scan.damaged.append(t.task_id)
            log(f"damaged store entry detected, moved to corrupt/ and recomputed: {t.label}: {exc}")
        ckpt = store.read_checkpoint(t.task_id, move_damaged=not read_only)
        if ckpt is not None and not 0 < ckpt["step"] < t.n_steps:
            ckpt = None
        scan.todo.append((t, ckpt))
    return scan


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
        ``site_updates_remaining`` (cells × steps still to integrate), ``store`` and ``notes``
        (:func:`model_notes`).  It refuses what :func:`run_sweep` refuses before running
        (a store location that cannot be written, an incompatible or unreadable store, a store in
        use by a running sweep, a bad model).
    """
    if not isinstance(config, SweepConfig):
        config = load_config(config)
    store = ResultStore(config.store)
    store.check(config)
    store.check_not_in_use()
    tasks = config.tasks()
    _validate_models(tasks, None)
    scan = _scan_store(tasks, store, _quiet, read_only=True)
    failed = {f.get("task_id") for f in store.failures()} if store.path.is_dir() else set()
    return {"store": str(config.store), "n_tasks": len(tasks), "finished": scan.finished,
            "damaged": len(scan.damaged), "checkpointed": scan.resumable,
            "to_start": sum(c is None and t.task_id not in scan.damaged for t, c in scan.todo),
            "failed_last_run": len(failed & {t.task_id for t in tasks}),
            "site_updates_remaining": sum(t.n_cells * (t.n_steps - (c["step"] if c else 0)) for t, c in scan.todo),
            "notes": model_notes(config)}


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
        Invalid configuration, a model that cannot be built, a store location that cannot be written,
        an incompatible or locked store, a scheduler not reached within :data:`SCHEDULER_TIMEOUT`;
        raised before any simulation runs.
    SweepInterrupted
        On SIGINT (or SIGTERM turned into it by the caller); the store is consistent and resumable.
    """
    t_start = _time.perf_counter()
    if not isinstance(config, SweepConfig):
        config = load_config(config)
    log = log or _quiet
    store = ResultStore(config.store)
    store.check(config)
    tasks = config.tasks()
    _validate_models(tasks, simulate)
    for note in model_notes(config):
        log(note)
    with _dask_client(client, scheduler, n_workers) as connection:
        store.lock()
        try:
            store.prepare(config, tasks)
            if store.version_note:
                log(store.version_note)
            scan = _scan_store(tasks, store, log)
            done = _Dispatcher(config, store, simulate, log)
            if scan.todo:
                done.run(connection.client(len(scan.todo)), scan, len(tasks), progress)
        except KeyboardInterrupt:
            raise _interrupted(store, tasks) from None
        finally:
            store.unlock()
    return SweepReport(
        store=str(store.path), n_tasks=len(tasks), n_already_done=scan.finished, n_computed=done.n_computed,
        n_failed=len(done.failures), n_corrupt=len(scan.damaged), n_resumed=scan.resumable,
        failures=tuple(done.failures), n_workers=done.n_workers, wall_seconds=_time.perf_counter() - t_start,
        compute_seconds=done.seconds, site_updates=done.site_updates, workers=tuple(sorted(set(done.workers))),
    )


def _interrupted(store: ResultStore, tasks: list[TaskSpec]) -> SweepInterrupted:
    """The :class:`SweepInterrupted` of an interrupted sweep, saying how far it got."""
    finished = sum(store.entry_path(t.task_id).exists() for t in tasks)
    resumable = sum(store.checkpoint_path(t.task_id).exists() for t in tasks)
    return SweepInterrupted(
        f"{finished}/{len(tasks)} tasks finished, {resumable} more resume from checkpoints; the store "
        f"{store.path} is consistent: rerun the same command to resume", str(store.path))


class _Connection:
    """The dask client of a sweep: the given one, one on ``scheduler`` (connected at once, so that an
    unreachable address fails before the store is touched) or one on a local cluster started on demand."""

    def __init__(self, client, scheduler: str | None, n_workers: int | None):
        self._client, self._own, self._cluster, self.n_workers = client, None, None, n_workers
        if client is None and scheduler:
            from distributed import Client

            try:
                self._own = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise ValueError(
                    f"cannot reach the dask scheduler at {scheduler!r} within {SCHEDULER_TIMEOUT:g} s "
                    f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no answer'}); "
                    "is it running and is the address tcp://HOST:PORT?"
                ) from None

    def client(self, n_tasks: int):
        """The client (a local cluster of at most ``n_tasks`` workers is started on first use)."""
        if self._client is None and self._own is None:
            from distributed import Client

            self._cluster = start_local_cluster(min(self.n_workers or os.cpu_count() or 1, n_tasks))
            self._own = Client(self._cluster)
        return self._client or self._own

    def close(self) -> None:
        """Close what this object opened (a given client is left alone)."""
        try:
            if self._own is not None:
                self._own.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()


@contextlib.contextmanager
def _dask_client(client, scheduler: str | None, n_workers: int | None):
    """A :class:`_Connection`, closed on exit."""
    connection = _Connection(client, scheduler, n_workers)
    try:
        yield connection
    finally:
        connection.close()


#: Simulator parameters that describe one chunk, not the task (left out of the entry).
_CHUNK_PARAMETERS = ("time", "t_start", "t_end", "step_start", "n_steps", "averages_from_time")


@dataclass
class _TaskRun:
    """An unfinished task on the client: how far it got, its plan of chunks and what it recorded."""

    spec: TaskSpec
    step: int
    plan: list[int]
    series: dict[str, np.ndarray] | None = None
    state: Any = None
    seconds: float = 0.0
    site_updates: int = 0
    chunks: int = 0
    workers: list[str] = field(default_factory=list)
    correlation: tuple[np.ndarray, int] | None = None
    shown: float = 0.0  # share of one task already shown on the progress bar

    @classmethod
    def resume(cls, spec: TaskSpec, ckpt: dict[str, Any] | None, chunk_time: float | None) -> _TaskRun:
        """Start the task, or continue it from its checkpoint."""
        ckpt = ckpt or {}
        step = ckpt.get("step", 0)
        plan = chunk_steps(spec.n_steps - step, spec.simulation_kwargs["dt"], chunk_time)
        chunks = ckpt.get("chunks", 0)
        return cls(spec=spec, step=step, plan=plan, series=ckpt.get("series"), state=ckpt.get("state"),
                   seconds=ckpt.get("seconds", 0.0), site_updates=ckpt.get("site_updates", 0), chunks=chunks,
                   workers=list(ckpt.get("workers", [])), correlation=ckpt.get("correlation"),
                   shown=chunks / (chunks + len(plan)))

    def advance(self, out: ChunkOutput, series: dict[str, np.ndarray]) -> None:
        """Take in a finished chunk (``series``: the records so far, this chunk's included)."""
        self.series = series
        self.step = out.step
        self.state = out.state
        self.seconds += out.seconds
        self.site_updates += out.site_updates
        self.chunks += 1
        self.workers.append(out.worker)
        self.plan.pop(0)
        self.correlation = out.extra.get("correlation")

    def checkpoint(self) -> dict[str, Any]:
        """The checkpoint payload (what :meth:`resume` reads back)."""
        return {"task_id": self.spec.task_id, "step": self.step, "state": self.state, "series": self.series,
                "seconds": self.seconds, "site_updates": self.site_updates, "chunks": self.chunks,
                "workers": self.workers, "correlation": self.correlation}

    def entry(self, out: ChunkOutput, chunk_time: float | None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Arrays and metadata of the finished task's store entry (``out``: its last chunk)."""
        arrays = dict(self.series) | {"final_field": out.final_field}
        n_corr = int(self.correlation[1]) if self.correlation is not None else 0
        if n_corr > 0:
            total, count = self.correlation
            arrays["r"] = np.arange(total.shape[0]) * self.spec.simulation_kwargs["dx"]
            arrays["correlation"] = total / count
        sim_params = {k: v for k, v in out.extra.get("simulator_parameters", {}).items() if k not in _CHUNK_PARAMETERS}
        info = {
            "simulator_parameters": sim_params, "correlation_records": n_corr,
            "chunks": self.chunks, "compute_seconds": self.seconds, "site_updates": self.site_updates,
            "site_updates_per_second": self.site_updates / self.seconds if self.seconds > 0 else None,
            "workers": sorted(set(self.workers)), "chunk_time": chunk_time,
        }
        return arrays, info


class _Dispatcher:
    """Submits the next chunk of every unfinished task and handles each chunk as it comes back.

    The client is the only writer: a returned chunk becomes a checkpoint (and the next chunk is
    submitted) or, for the last one, the task's entry; a failed chunk becomes a failure record.
    """

    def __init__(self, config: SweepConfig, store: ResultStore, simulate, log: Callable[[str], None]):
        self.config, self.store, self.simulate, self.log = config, store, simulate, log
        self.token = uuid.uuid4().hex[:8]
        self.pending: dict[str, _TaskRun] = {}
        self.n_workers = self.n_computed = self.site_updates = 0
        self.seconds = 0.0
        self.failures: list[dict[str, Any]] = []
        self.workers: list[str] = []
        self.bar = None

    def run(self, client, scan: _StoreScan, n_tasks: int, progress: bool) -> None:
        """Run every task of ``scan.todo`` to its end (or failure) on ``client``."""
        from distributed import as_completed
        from tqdm import tqdm

        self.client = client
        self.n_workers = len(client.scheduler_info().get("workers", {}))
        runs = [_TaskRun.resume(t, ckpt, self.config.chunk_time) for t, ckpt in scan.todo]
        self.bar = tqdm(total=n_tasks, initial=scan.finished, unit="task", file=sys.stderr, disable=not progress,
                        desc=f"sweep {self.config.name or self.store.path.name}", dynamic_ncols=True,
                        bar_format="{l_bar}{bar}| {n:.1f}/{total} tasks [{elapsed}<{remaining}]")
        self.bar.update(sum(r.shown for r in runs))
        try:
            finished = as_completed([self._submit(r) for r in runs])
            for fut in finished:
                following = self._collect(self.pending.pop(fut.key), fut)
                if following is not None:
                    finished.add(following)
        finally:
            self.bar.close()

    def _submit(self, run: _TaskRun):
        fut = self.client.submit(
            run_chunk, run.spec, steps=run.plan[0], start_step=run.step, state=run.state,
            simulate=self.simulate, correlation=run.correlation,
            key=f"lindhydro-sweep-{self.token}-{run.spec.task_id}-{run.step}", pure=False, priority=run.chunks,
        )
        self.pending[fut.key] = run
        return fut

    def _collect(self, run: _TaskRun, fut):
        """Handle a returned chunk; the future of the task's next chunk, if any."""
        share = 1.0 / (run.chunks + len(run.plan))
        try:
            out: ChunkOutput = fut.result()
            if not np.all(np.isfinite(out.series.get("m2", np.zeros(0)))):
                raise FloatingPointError("simulator returned non-finite ⟨m²⟩ records")
            series = merge_series(run.series, out.series)
        except Exception as exc:  # the task failed; the sweep goes on
            fut.release()
            self._fail(run, exc)
            return None
        fut.release()
        run.advance(out, series)
        self.seconds += out.seconds
        self.site_updates += out.site_updates
        self.workers.append(out.worker)
        if run.plan:
            self.store.write_checkpoint(run.spec.task_id, run.checkpoint())
            run.shown += share
            self.bar.update(share)
            return self._submit(run)
        self.store.write(run.spec, *run.entry(out, self.config.chunk_time))
        self.n_computed += 1
        self.bar.update(1.0 - run.shown)
        return None

    def _fail(self, run: _TaskRun, exc: Exception) -> None:
        spec = run.spec
        err = str(exc) if isinstance(exc, TaskError) else f"{type(exc).__name__}: {exc}"
        tb = getattr(exc, "traceback_text", "") or "".join(traceback.format_exception(exc))
        self.store.record_failure(spec, err, tb, run.chunks)
        self.failures.append({"task_id": spec.task_id, "label": spec.label, "parameters": spec.parameters(),
                              "error": err})
        self.log(f"task FAILED ({spec.label}, parameters {canonical_json(spec.parameters())}): {err}")
        self.bar.update(1.0 - run.shown)
