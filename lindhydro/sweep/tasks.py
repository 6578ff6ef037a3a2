"""Worker-side work of a sweep: one time chunk of one task.

:func:`run_chunk` is what the dask workers execute.  It builds the model from the task's parameters,
runs the simulator for one chunk (continuing from ``state`` when given) and returns a small
:class:`ChunkOutput`: the state to continue from, the recorded time series and timing.  It never
touches the store: the client writes results, so workers need no shared file system.

The simulator is injectable: it is resolved from a ``"module:function"`` string on the worker
(default: the preset's, e.g. :func:`lindhydro.field.simulate`), or passed as a callable that
pickles (a module-level function).  Any simulator with the signature and continuation contract of
:func:`lindhydro.field.simulate` works; ``precision`` and ``threads`` are passed only to a simulator
that takes them (a worker is one core: ``threads = 1``).
"""

from __future__ import annotations

import time as _time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lindhydro.experiments.presets import resolve
from lindhydro.field.trackers import as_float64
from lindhydro.sweep.config import TaskSpec

__all__ = [
    "ChunkOutput",
    "CorrelationAccumulator",
    "SERIES",
    "TaskError",
    "chunk_steps",
    "merge_series",
    "run_chunk",
]

#: Time series taken from a simulation result when present (each of the length of ``times``).
SERIES = ("m2", "wall_density", "m_mean", "wall_count", "correlation_length")


def build_model(spec: TaskSpec):
    """Deprecated: use :meth:`TaskSpec.build_model` (the preset registry builds every model).

    Parameters
    ----------
    spec : TaskSpec
        The task.

    Returns
    -------
    object
        ``spec.build_model()``.
    """
    warnings.warn("lindhydro.sweep.tasks.build_model(spec) is deprecated since 0.2 and will be removed in 0.3; "
                  "use spec.build_model()", DeprecationWarning, stacklevel=2)
    return spec.build_model()


def chunk_steps(n_steps: int, dt: float, chunk_time: float | None) -> list[int]:
    """Split ``n_steps`` into chunks of ``round(chunk_time/dt)`` steps (the last may be shorter).

    Parameters
    ----------
    n_steps : int
        Steps still to run.
    dt : float
        Time step.
    chunk_time : float or None
        Chunk length in time units (``None``: one chunk).

    Returns
    -------
    list of int
        Steps per chunk, summing to ``n_steps``.
    """
    if chunk_time is None:
        return [n_steps]
    per = max(1, int(round(chunk_time / dt)))
    out = [per] * (n_steps // per)
    if n_steps % per:
        out.append(n_steps % per)
    return out or [n_steps]


@dataclass
class ChunkOutput:
    """Result of one chunk (returned from the worker to the client).

    Attributes
    ----------
    state : object
        The simulator's ``final_state`` (continuation state).
    step : int
        Global step index reached.
    series : dict of str -> ndarray
        ``time`` and the recorded :data:`SERIES` of this chunk.
    final_field : ndarray
        The field at the end of the chunk (per cell).
    seconds : float
        Wall time of the simulator call on the worker.
    site_updates : int
        Cells × steps of this chunk.
    worker : str
        Which worker ran it.
    extra : dict
        ``simulator_parameters`` (the simulator's own record of its parameters) and, when the
        simulator takes trackers, ``correlation`` (running sum and count of C(r)).
    """

    state: Any
    step: int
    series: dict[str, np.ndarray]
    final_field: np.ndarray
    seconds: float
    site_updates: int
    worker: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _state_step(state: Any) -> int | None:
    step = getattr(state, "step", None)
    return None if step is None else int(step)


def _state_field(state: Any) -> np.ndarray:
    for name in ("field", "m"):
        if hasattr(state, name):
            return np.asarray(getattr(state, name), dtype=float).ravel()
    return np.empty(0)


class TaskError(Exception):
    """A task failed on a worker: the original exception type and message, and its traceback text.

    Always picklable (simulator exceptions such as ``SimulationBlowUp`` carry large partial results
    and custom constructors, which do not travel back to the client reliably).

    Parameters
    ----------
    message : str
        ``"OriginalType: message"``.
    traceback_text : str
        The formatted traceback on the worker.
    """

    def __init__(self, message: str, traceback_text: str = ""):
        super().__init__(message, traceback_text)
        self.message = message
        self.traceback_text = traceback_text

    def __str__(self) -> str:
        return self.message


class CorrelationAccumulator:
    """Time average of ``C(r) = <m(x) m(x+r)>`` over the records after global step ``from_step``.

    Called as a simulator tracker ``(step, time, m)`` at every record; the running sum is carried
    from chunk to chunk, so the additions happen in the same order as in an unchunked run and the
    average is bit-identical however the run is split.  Same estimator as the field's recorder:
    ``C = irfft(|rfft(m)|^2 / n)[: n//2 + 1]``.

    Parameters
    ----------
    n_cells : int
        Cells of the ring.
    from_step : int
        Records at global steps ``> from_step`` enter the average (the run's midpoint).
    total : ndarray, optional
        Running sum from the previous chunk (default: zeros).
    count : int
        Records summed so far.
    """

    def __init__(self, n_cells: int, from_step: int, total: np.ndarray | None = None, count: int = 0):
        self.n_cells = int(n_cells)
        self.from_step = int(from_step)
        self.total = np.zeros(self.n_cells // 2 + 1) if total is None else np.array(total, dtype=float)
        self.count = int(count)

    def __call__(self, step: int, time: float, m: np.ndarray) -> None:
        if step <= self.from_step:
            return
        p = np.abs(np.fft.rfft(as_float64(m))) ** 2 / self.n_cells
        self.total += np.fft.irfft(p, n=self.n_cells)[: self.n_cells // 2 + 1]
        self.count += 1


_ACCEPTS: dict[Any, frozenset[str]] = {}


def _accepted(fn: Callable) -> frozenset[str]:
    key = fn
    if key not in _ACCEPTS:
        import inspect

        try:
            params = inspect.signature(fn).parameters
            names = frozenset(params)
            if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
                names = names | {"**"}
        except (TypeError, ValueError):
            names = frozenset()
        _ACCEPTS[key] = names
    return _ACCEPTS[key]


def run_chunk(
    spec: TaskSpec,
    *,
    steps: int,
    start_step: int,
    state: Any = None,
    simulate: str | Callable | None = None,
    correlation: tuple[np.ndarray, int] | None = None,
) -> ChunkOutput:
    """Run ``steps`` time steps of task ``spec``, continuing from ``state`` (``None``: from t = 0).

    Parameters
    ----------
    spec : TaskSpec
        The task (model, numerics, seed).
    steps : int
        Number of steps dt in this chunk; the simulator receives ``time = steps * dt``.
    start_step : int
        Global step index at which the chunk starts (checked against ``state``).
    state : object, optional
        ``final_state`` of the previous chunk.
    simulate : str or callable, optional
        Simulator override (default: ``spec.simulator_ref``).
    correlation : (ndarray, int), optional
        Running sum and count of the correlation average from the previous chunk.

    Returns
    -------
    ChunkOutput
        Continuation state, records and timing of the chunk.

    Raises
    ------
    TaskError
        Whatever went wrong (model, simulator, a broken continuation), as a picklable error whose
        message names the original exception.
    """
    try:
        return _run_chunk(spec, steps, start_step, state, simulate, correlation)
    except Exception as exc:
        import traceback

        raise TaskError(f"{type(exc).__name__}: {exc}", "".join(traceback.format_exception(exc))) from None


def _run_chunk(spec, steps, start_step, state, simulate, correlation) -> ChunkOutput:
    sim = resolve(simulate or spec.simulator_ref)
    model = spec.build_model()
    kw = spec.simulation_kwargs
    dt = kw["dt"]
    kw["time"] = steps * dt
    accepts = _accepted(sim)
    if "precision" not in accepts and "**" not in accepts:  # e.g. the OU stand-in: float64 NumPy
        kw.pop("precision", None)
    extra_kw: dict[str, Any] = {}
    if "threads" in accepts or "**" in accepts:
        extra_kw["threads"] = 1  # one worker per core
    acc = None
    if "snapshot_every" in accepts or "**" in accepts:
        extra_kw["snapshot_every"] = 0  # never ship field snapshots back to the client
    if "trackers" in accepts or "**" in accepts:
        total, count = correlation if correlation is not None else (None, 0)
        acc = CorrelationAccumulator(spec.n_cells, spec.n_steps // 2, total, count)
        extra_kw["trackers"] = (acc,)
    t0 = _time.perf_counter()
    result = sim(model, seed=spec.seed, state=state, progress=False, **kw, **extra_kw)
    seconds = _time.perf_counter() - t0
    final = result.final_state
    step = _state_step(final)
    if step is not None and step != start_step + steps:
        raise RuntimeError(
            f"simulator ended at global step {step}, expected {start_step + steps} "
            f"(chunk of {steps} steps from step {start_step}): continuation is broken"
        )
    times = np.asarray(result.times, dtype=float).ravel()
    series = {"time": times}
    for name in SERIES:
        val = getattr(result, name, None)
        if val is None or callable(val):
            continue
        arr = np.asarray(val)
        if arr.ndim == 1 and arr.shape == times.shape and arr.dtype.kind in "fiu":
            series[name] = arr.astype(float)
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        worker = "local"
    params = getattr(result, "parameters", {})
    extra = {"simulator_parameters": params} if isinstance(params, dict) else {}
    if acc is not None:
        extra["correlation"] = (acc.total, acc.count)
    return ChunkOutput(
        state=final,
        step=start_step + steps,
        series=series,
        final_field=_state_field(final),
        seconds=seconds,
        site_updates=spec.n_cells * steps,
        worker=worker,
        extra=extra,
    )


def merge_series(previous: dict[str, np.ndarray] | None, new: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Append a chunk's series to the series so far.

    Records of the new chunk at times not after the last recorded time (a simulator that also
    records the initial state of each continuation) are dropped, so a chunked run gives the same
    series as an unchunked one.

    Parameters
    ----------
    previous : dict of str -> ndarray or None
        Series so far (``time`` and the recorded quantities).
    new : dict of str -> ndarray
        The chunk's series (same keys).

    Returns
    -------
    dict of str -> ndarray
        The concatenation.
    """
    if not previous:
        return {k: np.array(v, copy=True) for k, v in new.items()}
    last = previous["time"][-1] if previous["time"].size else -np.inf
    keep = new["time"] > last + 1e-12 * max(1.0, abs(last))
    if set(previous) != set(new):
        raise RuntimeError(f"chunks recorded different series: {sorted(previous)} vs {sorted(new)}")
    return {k: np.concatenate([previous[k], np.asarray(new[k])[keep]]) for k in previous}
