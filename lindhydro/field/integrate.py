"""Integration of the stochastic field equation: :func:`simulate` (one run or an ensemble).

Scheme
------
Periodic line of ``n = length / dx`` cells, cell averages ``m_i``.  Per step ``dt`` (Heun, the
same noise increment in both stages, as in the paper)::

    F(m)_i = D (m_(i+1) - 2 m_i + m_(i-1)) / dx^2 + f_lat(m_i)
    m*     = m + dt F(m) + eta
    m'     = m + dt/2 [F(m) + F(m*)] + eta

``f_lat`` is the model's force (Wick-ordered for ``renormalisation="wick"``, see
:mod:`lindhydro.field.model`).  The noise increment of cell ``i`` is
``eta_i = sqrt(site_noise dt/dx) g_i + (zeta_(i+1/2) - zeta_(i-1/2)) / dx`` with link noises
``zeta`` of variance ``thermal_noise dt / dx``; it is generated as the equivalent Gaussian MA(1)
process ``a z_i + b z_(i-1)`` from one counter-based normal per cell
(:func:`lindhydro.field.model.noise_ma_coefficients`, :mod:`lindhydro.field.rng`).  Without site
noise and force, ``sum_i m_i`` is conserved to round-off.

Precision (``Numerics.precision``): ``"float32"`` (default) runs state, normals and arithmetic in
float32 with Philox4x32-10 normals, ``"float64"`` the same in float64, ``"float64-splitmix"`` the
float64 kernel with SplitMix64 normals of release 0.1 (its numbers, bit for bit).  The trackers
measure in float64 whatever the precision; a state continues only in its own precision.

Random numbers are a function of ``(key, global step, cell)`` with ``key`` derived from the seed
by :class:`numpy.random.SeedSequence`, so a run continued from ``result.final_state`` is
bit-identical to an uninterrupted one, and a ring or an ensemble gives the same numbers for any
number of threads.  What is measured is up to the trackers (:mod:`lindhydro.field.trackers`), called between
kernel chunks (:mod:`lindhydro.field.stepper`).

Checks before any heavy work: the grid is a :class:`~lindhydro.field.numerics.Numerics` (``length``
and ``time`` multiples of ``dx`` and ``dt``); ``dt`` must respect the explicit stability limit (:meth:`FieldModel.max_stable_dt`); the memory
of the field, work arrays and snapshots must fit ``max_memory``.  A NaN/inf stops the run with
:class:`SimulationBlowUp`, which carries the partial result (last finite state included).

Accuracy of larger ``dt``: Heun multiplies the stationary variance of a mode with decay rate
``mu`` by ``(2 - lam)/(2 - lam + lam^2/2) = 1 - lam^2/4 + ...`` (``lam = mu dt``); at the grid
scale ``mu = 4 D / dx^2``.  See :func:`lindhydro.field.reference.heun_linear_variance`.
"""

from __future__ import annotations

import contextlib
import copy
import math
import sys
import threading
import time as _time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lindhydro.field import trackers as tracking
from lindhydro.field.model import FieldModel, positive_zeros
from lindhydro.field.numerics import RELEASE_PRECISION, Numerics
from lindhydro.field.result import (
    SimulationBlowUp,
    SimulationResult,
    SimulationState,
    finite_or_none,
)
from lindhydro.field.rng import key_from_seed, seed_sequence
from lindhydro.field.stepper import HeunStepper, numba_threads
from lindhydro.field.trackers import RunInfo, Tracker, multiples_in

__all__ = [
    "SimulationBlowUp",
    "SimulationResult",
    "SimulationState",
    "check_numerics",
    "simulate",
    "simulate_ensemble",
]

#: Default upper bound on the memory a run may allocate (bytes).
DEFAULT_MAX_MEMORY = 4 * 2**30
#: Snapshots are stored by default only while they take less than this (bytes).
AUTO_SNAPSHOT_MEMORY = 64 * 2**20
#: Names of the trackers every run has.
STANDARD_TRACKERS = ("means", "walls", "correlations", "snapshots", "progress")


def _numerics(numerics: Numerics | None, **grid) -> Numerics:
    """The run's grid: ``numerics``, or a :class:`Numerics` built from the keywords that were given."""
    given = {k: v for k, v in grid.items() if v is not None}
    if numerics is None:
        missing = [k for k in ("length", "time") if k not in given]
        if missing:
            raise ValueError(f"give {' and '.join(missing)} (or numerics=Numerics(...))")
        return Numerics(**given)
    if not isinstance(numerics, Numerics):
        raise ValueError(f"numerics must be a lindhydro.field.Numerics, got {type(numerics).__name__}")
    if given:
        raise ValueError(f"give the grid either as numerics= or as keywords, not both (got {sorted(given)})")
    return numerics


def _memory_estimate(num: Numerics, n_realisations: int, n_snapshots: int) -> int:
    """Bytes a run holds at once: fields and kernel work arrays in the run's precision, float64 copies
    (final states, the trackers' float64 view of a field) and float64 snapshots."""
    n, R = num.n_cells, n_realisations
    if num.precision == RELEASE_PRECISION:  # field + 5 work arrays (kernel) + 2 per realisation copies
        return 8 * n * R * (8 + n_snapshots) + 8 * n * 4
    # fields + 2 ping-pong copies (heun_advance) + at most 3 more for a ring split into blocks
    return num.dtype.itemsize * n * R * 6 + 8 * n * R * (2 + n_snapshots)


def _check_run(model: FieldModel, num: Numerics, n_realisations: int, n_snapshots: int, max_memory: float) -> dict:
    """Stability limit of ``dt`` and memory estimate (the grid itself is valid: a Numerics)."""
    if not isinstance(model, FieldModel):
        raise ValueError(f"model must be a lindhydro.field.FieldModel, got {type(model).__name__}")
    n_cells, dx, dt = num.n_cells, num.dx, num.dt
    dt_max = model.max_stable_dt(dx, n_cells=n_cells)
    if dt > dt_max:
        raise ValueError(
            f"dt = {dt:g} exceeds the explicit stability limit {dt_max:.4g} for dx = {dx:g} "
            f"(0.9 * 2 / (4 D / dx^2 + max|f'|) with D = {model.D:g}; diffusion alone allows dt <= dx^2/(2D) = "
            f"{dx * dx / (2 * model.D) if model.D > 0 else float('inf'):.4g}); use dt <= {dt_max:.4g} or a larger dx"
        )
    nbytes = _memory_estimate(num, n_realisations, n_snapshots)
    if nbytes > max_memory:
        raise ValueError(
            f"the run needs about {nbytes / 2**30:.2f} GiB ({n_realisations} x {n_cells} cells, "
            f"{n_snapshots} snapshots, {num.precision}), more than max_memory = {max_memory / 2**30:.2f} GiB; "
            "reduce length, the number of snapshots (snapshot_every) or raise max_memory"
        )
    return {"n_cells": n_cells, "n_steps": num.n_steps, "dt_max": dt_max, "bytes": nbytes}


def check_numerics(model: FieldModel, numerics: Numerics | None = None, *, length: float | None = None,
                   time: float | None = None, dx: float | None = None, dt: float | None = None,
                   precision: str | None = None, n_realisations: int = 1, n_snapshots: int = 0,
                   max_memory: float = DEFAULT_MAX_MEMORY) -> dict:
    """Validate a run before any heavy work.

    Parameters
    ----------
    model : FieldModel
        The model (its force sets the stability limit).
    numerics : Numerics, optional
        The grid; or give it as the keywords below.
    length, time : float, optional
        Ring length and run time; multiples of ``dx`` and ``dt``.
    dx, dt : float, optional
        Cell width and time step (defaults of :class:`Numerics`).
    precision : {"float32", "float64", "float64-splitmix"}, optional
        The integrator (default of :class:`Numerics`: float32); it sets the memory estimate.
    n_realisations : int
        Number of fields held at once (ensembles).
    n_snapshots : int
        Snapshots per realisation that will be stored.
    max_memory : float
        Upper bound in bytes.

    Returns
    -------
    dict
        ``n_cells``, ``n_steps``, ``dt_max`` (the stability limit) and ``bytes`` (the estimate).

    Raises
    ------
    ValueError
        On a non-positive or inconsistent length/time/dx/dt, on ``dt`` beyond the explicit
        stability limit (:meth:`FieldModel.max_stable_dt`), or when the memory estimate exceeds
        ``max_memory``.
    """
    num = _numerics(numerics, length=length, time=time, dx=dx, dt=dt, precision=precision)
    return _check_run(model, num, n_realisations, n_snapshots, max_memory)


def _warn_if_wick_changes_the_zeros(model: FieldModel, num: Numerics) -> None:
    if model.renormalisation != "wick" or len(model.force_coeffs) <= 2:
        return
    lat = model.lattice_force_coeffs(num.dx, num.dt, num.n_cells)
    if len(positive_zeros(lat, tol=1e-9)) != len(positive_zeros(model.force_coeffs, tol=1e-9)):
        warnings.warn(
            f"the Wick-ordered lattice force {tuple(round(c, 5) for c in lat)} (C = "
            f"{model.counterterm_variance(num.dx, num.dt, num.n_cells):.3g}) has a different number of positive "
            f"zeros than f {tuple(round(c, 5) for c in model.force_coeffs)}: for a force of degree > 3 the "
            "counterterms of order C^2 dominate on cells this fine; use cells of a few lattice constants (larger "
            "dx) so that chi_T/dx << m0^2",
            stacklevel=3,
        )


# ----------------------------------------------------------------------------- where a run starts
@dataclass(frozen=True)
class _Origin:
    """Seeds (None when continuing) or states, generator keys, seed descriptions, first step and time."""

    seeds: list[np.random.SeedSequence] | None
    states: list[SimulationState] | None
    keys: list[int]
    seed_infos: list[dict]
    step: int
    time: float


def _row_seeds(seed, realisations: int | None) -> list[np.random.SeedSequence]:
    """``[SeedSequence(seed)]``, or its children ``spawn_key + (r,)`` for ``r < realisations``."""
    ss = seed_sequence(seed)
    if realisations is None:
        return [ss]
    return [np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + (r,)) for r in range(realisations)]


def _seed_repr(ss: np.random.SeedSequence) -> dict:
    ent = ss.entropy
    return {"entropy": ent if isinstance(ent, int) else (list(ent) if ent is not None else None),
            "spawn_key": list(ss.spawn_key)}


def _states(state, realisations: int | None, num: Numerics) -> list[SimulationState]:
    if realisations is None:
        if not isinstance(state, SimulationState):
            raise ValueError(f"state must be a SimulationState, got {type(state).__name__}")
        states = [state]
    else:
        if isinstance(state, SimulationState) or not isinstance(state, Sequence):
            raise ValueError(f"with realisations = {realisations}, state must be a sequence of {realisations} states")
        states = list(state)
        if len(states) != realisations:
            raise ValueError(f"got {len(states)} states for {realisations} realisations")
    for s in states:
        if not isinstance(s, SimulationState):
            raise ValueError(f"state must be a SimulationState, got {type(s).__name__}")
        if abs(s.dx - num.dx) > 1e-12 * num.dx:
            raise ValueError(f"state was produced with dx = {s.dx}, cannot continue with dx = {num.dx}")
        if s.precision != num.precision:
            raise ValueError(f"state was produced with precision {s.precision!r}, cannot continue with "
                             f"precision {num.precision!r}: give precision={s.precision!r} (or start a new run "
                             "from initial=state.field)")
    if len({int(s.step) for s in states}) != 1:
        raise ValueError("all states must be at the same global step")
    return states


def _origin(seed, realisations: int | None, state, num: Numerics) -> _Origin:
    if state is None:
        seeds = _row_seeds(seed, realisations)
        return _Origin(seeds, None, [key_from_seed(s) for s in seeds], [_seed_repr(s) for s in seeds], 0, 0.0)
    states = _states(state, realisations, num)
    keys = [int(s.key) for s in states]
    if seed is not None and [key_from_seed(s) for s in _row_seeds(seed, realisations)] != keys:
        raise ValueError("seed does not match the state's key: continue with the same seed (or seed=None)")
    return _Origin(None, states, keys, [{"continued_from_key": str(k)} for k in keys], int(states[0].step),
                   float(states[0].time))


def _initial_field(initial, model: FieldModel, n_cells: int, ss: np.random.SeedSequence) -> tuple[np.ndarray, str]:
    if isinstance(initial, str):
        if initial == "random":
            child = np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + (0x1A17,))
            amp = 0.1 * (model.m0 or 1.0)
            return np.random.default_rng(child).normal(0.0, amp, n_cells), "random"
        if initial in ("plus", "minus"):
            if model.m0 is None:
                raise ValueError(f'initial="{initial}" needs a bistable force (m0); this model has none')
            return np.full(n_cells, model.m0 if initial == "plus" else -model.m0), initial
        if initial == "zero":
            return np.zeros(n_cells), "zero"
        raise ValueError(f'initial must be "random", "plus", "minus", "zero" or an array, got {initial!r}')
    arr = np.array(initial, dtype=float)
    if arr.shape != (n_cells,):
        raise ValueError(f"initial array must have shape ({n_cells},) (length/dx cells), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("initial array contains NaN or inf")
    return arr, "array"


def _fields(model: FieldModel, num: Numerics, initial, origin: _Origin) -> tuple[np.ndarray, str]:
    """The initial fields, shape (R, n_cells), in the run's precision, and the name of the initial condition."""
    n_cells = num.n_cells
    if origin.states is not None:
        for s in origin.states:
            if s.field.shape != (n_cells,):
                raise ValueError(f"state.field has {s.field.shape[0]} cells, length/dx gives {n_cells}")
        return np.ascontiguousarray(np.stack([s.field for s in origin.states]), dtype=num.dtype), "state"
    rows = [_initial_field(initial, model, n_cells, ss) for ss in origin.seeds]
    with np.errstate(over="ignore"):
        fields = np.ascontiguousarray(np.stack([m for m, _ in rows]), dtype=num.dtype)
    if not np.all(np.isfinite(fields)):
        raise ValueError(f"initial array has values beyond the range of {num.precision} "
                         f"(|m| > {np.finfo(num.dtype).max:.3g}); use precision='float64'")
    return fields, rows[0][1]


# ----------------------------------------------------------------------------- what a run measures
def _snapshot_interval(snapshot_every: int | None, num: Numerics, step0: int, R: int) -> int:
    if snapshot_every is None:
        per = 8 * num.n_cells * R * max(multiples_in(step0, num.n_steps, num.record_steps), 1)
        return num.record_steps if per <= AUTO_SNAPSHOT_MEMORY else 0
    if isinstance(snapshot_every, bool) or not (isinstance(snapshot_every, int | np.integer) and snapshot_every >= 0):
        raise ValueError(f"snapshot_every must be a number of steps >= 0 (0 = none), got {snapshot_every!r}")
    return int(snapshot_every)


def _wall_count_parameters(model: FieldModel, num: Numerics, ell, threshold) -> tuple[float, float]:
    """``ell`` (default: the model's) and the threshold the count uses (nan: no count)."""
    if ell is not None and not (math.isfinite(ell) and 0 <= ell < num.length):
        raise ValueError(f"ell must be a finite length >= 0 and shorter than the ring ({num.length:g}), got {ell!r}")
    if threshold is not None and not (math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be a positive number, got {threshold!r}")
    ell_used = float(ell) if ell is not None else (model.coarse_graining_length or float("nan"))
    thr = threshold if threshold is not None else model.wall_threshold
    return ell_used, float("nan") if (model.m0 is None or thr is None) else float(thr)


def _user_trackers(trackers) -> list[Tracker]:
    out: list[Tracker] = []
    for i, t in enumerate(trackers):
        out.append(t if isinstance(t, Tracker) else tracking.CallbackTracker(t, name="callback" if i == 0 else f"callback_{i}"))
    names = [t.name for t in out]
    clash = sorted({n for n in names if names.count(n) > 1 or n in STANDARD_TRACKERS})
    if clash:
        raise ValueError(f"tracker names must be unique and differ from {STANDARD_TRACKERS}; clashing: {clash}")
    return out


def _for_realisation(t: Tracker, R: int) -> Tracker:
    """The tracker itself for one realisation; per realisation a copy (a callback is shared)."""
    if R == 1:
        return t
    if isinstance(t, tracking.CallbackTracker):
        return tracking.CallbackTracker(t.func, t.name, t.every)
    return copy.deepcopy(t)


def _tracker_rows(model: FieldModel, R: int, wall: tuple[float, float], snapshot_every: int, progress: bool,
                  user: list[Tracker]) -> list[list[Tracker]]:
    rows = []
    for r in range(R):
        row: list[Tracker] = [tracking.SpatialMeansTracker(), tracking.WallCountTracker([wall[0]], wall[1]),
                              tracking.CorrelationTracker(skip_origin=model.thermal_noise > 0)]
        if snapshot_every:
            row.append(tracking.SnapshotTracker(snapshot_every))
        if progress and r == 0:
            row.append(tracking.ProgressTracker())
        rows.append(row + [_for_realisation(t, R) for t in user])
    return rows


# ----------------------------------------------------------------------------- the run
#: Shown on stderr (with a progress bar) when preparing the kernels takes more than a second.
COMPILE_NOTICE = "compiling the numba kernels (first run only; they are cached afterwards) ..."


@contextlib.contextmanager
def _notice_if_slow(message: str, enabled: bool, after: float = 1.0):
    """Print ``message`` on stderr if the block is still running after ``after`` seconds."""
    if not enabled:
        yield
        return
    timer = threading.Timer(after, lambda: print(message, file=sys.stderr, flush=True))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _integrate(stepper: HeunStepper, fields: np.ndarray, keys: np.ndarray, runs: list[RunInfo],
               rows: list[list[Tracker]]) -> tuple[np.ndarray, list[int], str | None]:
    """Advance all rows, handing the fields to the trackers at their intervals.

    Returns the steps done per row (a row that became NaN/inf stops at its last finite state), the
    rows that blew up, and the reason a tracker stopped the run (:class:`~lindhydro.field.trackers.StopRun`;
    every tracker still handles the step at which it was raised)."""
    run = runs[0]
    calls = [[(t, t.every or run.record_every) for t in row] for row in rows]
    everys = {e for row in calls for _, e in row}
    done, stopped = 0, None
    while done < run.n_steps and stopped is None:
        g = run.step_start + done
        nxt = min([run.step_start + run.n_steps] + [(g // e + 1) * e for e in everys])
        got = stepper.advance(fields, keys, g, nxt - g)
        if np.any(got < nxt - g):
            return done + got, [int(r) for r in np.flatnonzero(got < nxt - g)], None
        done += nxt - g
        t_now = run.t_start + done * run.dt
        for r, row in enumerate(calls):
            for tracker, every in row:
                if nxt % every == 0:
                    try:
                        tracker.handle(nxt, t_now, fields[r])
                    except tracking.StopRun as exc:
                        stopped = stopped or str(exc) or "stopped"
    return np.full(len(rows), done, dtype=np.int64), [], stopped


def _parameters(model: FieldModel, num: Numerics, origin: _Origin, initial: str, snapshot_every: int,
                wall: tuple[float, float], threshold) -> dict:
    """Everything that produced the run (``seed`` and ``key`` are filled in per realisation)."""
    dx, dt, n = num.dx, num.dt, num.n_cells
    half = origin.step + num.n_steps // 2
    thr = threshold if threshold is not None else model.wall_threshold
    return {
        "model": model.to_dict(), "length": num.length, "n_cells": n, "dx": dx, "dt": dt, "time": num.time,
        "t_start": origin.time, "t_end": float(origin.time + num.n_steps * dt), "step_start": origin.step,
        "n_steps": num.n_steps, "precision": num.precision, "seed": None, "key": None, "initial": initial,
        "record_every": num.record_steps,
        "snapshot_every": snapshot_every, "coarse_graining_length": finite_or_none(wall[0]),
        "wall_threshold": finite_or_none(float("nan") if thr is None else thr),
        "lattice_force_coeffs": list(model.lattice_force_coeffs(dx, dt, n)),
        "counterterm_variance": model.counterterm_variance(dx, dt, n),
        "noise_ma_coefficients": list(model.noise_coefficients(dx, dt)),
        "averages_from_time": float(origin.time + (half - origin.step) * dt),
        "scheme": "Heun (same noise in both stages), periodic, counter-based normals",
    }


def simulate(
    model: FieldModel,
    numerics: Numerics | None = None,
    *,
    length: float | None = None,
    time: float | None = None,
    dx: float | None = None,
    dt: float | None = None,
    record_every: int | None = None,
    seed=None,
    realisations: int | None = None,
    initial: str | np.ndarray = "random",
    state: SimulationState | Sequence[SimulationState] | None = None,
    snapshot_every: int | None = None,
    ell: float | None = None,
    threshold: float | None = None,
    trackers: Sequence[Tracker | Callable] = (),
    progress: bool = False,
    threads: int | None = None,
    check_every: int = 64,
    max_memory: float = DEFAULT_MAX_MEMORY,
    precision: str | None = None,
) -> SimulationResult | list[SimulationResult]:
    """Integrate the field equation of ``model`` on a periodic line (module docstring: scheme).

    Parameters
    ----------
    model : FieldModel
        Force, diffusion constant, noise strengths and renormalisation.
    numerics : Numerics, optional
        The grid (length, time, dx, dt, record interval, precision), validated once; or give it as
        the keywords ``length`` ... ``record_every`` and ``precision`` (not both).
    length : float
        Length of the ring (units ``a``); a multiple of ``dx``.
    time : float
        Duration of this call (units ``1/J``; toy model ``a^2/D``); a multiple of ``dt``.
    dx, dt : float, optional
        Cell width and time step (default 0.25, 0.001: the paper's values).  ``dt`` beyond the
        explicit stability limit is refused.
    record_every : int, optional
        Steps between the records of the standard trackers, counted in *global* steps (default:
        every unit of time, at most ``time / dt``).
    seed : int, sequence of int or numpy.random.SeedSequence
        Required unless ``state`` is given (then it must match the state's key if given).
    realisations : int, optional
        Integrate this many independent realisations together (numba ``prange``) and return a
        list.  Realisation ``r`` uses the child ``SeedSequence(seed, spawn_key=(r,))`` and equals
        ``simulate(model, seed=that child, ...)`` bit for bit, for any number of threads.
    initial : {"random", "plus", "minus", "zero"} or array, default "random"
        ``"random"``: i.i.d. ``N(0, (0.1 m0)^2)`` cells from a stream derived from the seed;
        ``"plus"``/``"minus"``: uniform ``+-m0``.  Ignored when ``state`` is given.
    state : SimulationState or sequence of SimulationState, optional
        Continue from this state (e.g. ``previous.final_state``; with ``realisations``, one state
        per realisation): bit-identical to an uninterrupted run.
    snapshot_every : int, optional
        Store the field every this many global steps (0 = never).  Default: at every record if the
        snapshots take less than 64 MiB, otherwise none.
    ell : float, optional
        Coarse-graining length of the wall count (default: the model's,
        :attr:`FieldModel.coarse_graining_length`: ``w / 2``, longer with conserved noise).
    threshold : float, optional
        Hysteresis threshold of the wall count (default ``m0 / 2``).
    trackers : sequence of Tracker or callables
        Further observers (:mod:`lindhydro.field.trackers`) besides the standard ones (``<m>``,
        ``<m^2>``, walls, ``C(r)``, snapshots); a callable ``f(step, time, m)`` is called at every
        record (``m`` must not be kept without copying).  With ``realisations`` every tracker is
        copied per realisation, a plain callable is shared (called for every realisation).
    progress : bool
        tqdm progress bar on stderr, and a notice when the kernels are being compiled (first run).
    threads : int, optional
        numba threads (default: numba's setting, all cores unless ``NUMBA_NUM_THREADS`` says
        otherwise).  An ensemble runs its realisations in parallel; one ring is split into blocks
        (except with ``"float64-splitmix"``, whose ring runs on one thread).  The numbers do not
        depend on it.
    check_every : int, default 64
        Steps between NaN/inf checks inside the kernel (a blow-up is located exactly by replay).
    max_memory : float
        Refuse runs estimated to need more bytes.
    precision : {"float32", "float64", "float64-splitmix"}, optional
        The integrator (default ``"float32"``, :class:`Numerics`): float32 or float64 state with
        Philox4x32-10 normals, or release 0.1's float64 kernel with SplitMix64 normals (its
        numbers, bit for bit).  Part of the numerics: give it here or in ``numerics``.  A
        ``state`` continues only in its own precision.

    Returns
    -------
    SimulationResult or list of SimulationResult
        One result, or one per realisation when ``realisations`` is given.  A tracker that raised
        :class:`~lindhydro.field.trackers.StopRun` (e.g. a :class:`~lindhydro.field.trackers.StopTracker`
        on Ctrl-C) ends the run early: the results hold everything up to the time reached
        (``final_state.time``), with ``completed = False`` and ``extra["stopped"]`` the reason.

    Raises
    ------
    ValueError
        Bad input (before any heavy work).
    SimulationBlowUp
        The field became NaN/inf; ``exc.result`` holds the partial result(s) and last finite state.
    """
    num = _numerics(numerics, length=length, time=time, dx=dx, dt=dt, record_every=record_every, precision=precision)
    if realisations is not None and (isinstance(realisations, bool) or not isinstance(realisations, int | np.integer)
                                     or realisations < 1):
        raise ValueError(f"realisations must be a positive integer, got {realisations!r}")
    R = 1 if realisations is None else int(realisations)
    origin = _origin(seed, None if realisations is None else R, state, num)
    snap = _snapshot_interval(snapshot_every, num, origin.step, R)
    _check_run(model, num, R, multiples_in(origin.step, num.n_steps, snap), max_memory)
    _warn_if_wick_changes_the_zeros(model, num)
    wall = _wall_count_parameters(model, num, ell, threshold)
    rows = _tracker_rows(model, R, wall, snap, progress, _user_trackers(trackers))
    stepper = HeunStepper(model, num.dx, num.dt, num.n_cells, check_every, num.precision)
    fields, init_name = _fields(model, num, initial, origin)
    params = _parameters(model, num, origin, init_name, snap, wall, threshold)
    results, bad = _run(model, num, origin, stepper, fields, rows, params, threads)
    if bad:
        _blow_up(model, num, origin, results, bad, realisations)
    return results[0] if realisations is None else results


def _run(model: FieldModel, num: Numerics, origin: _Origin, stepper: HeunStepper, fields: np.ndarray,
         rows: list[list[Tracker]], params: dict, threads: int | None) -> tuple[list[SimulationResult], list[int]]:
    """Start the trackers, integrate, finish the trackers; one result per row and the rows that blew up."""
    R = fields.shape[0]
    runs = [RunInfo(num.n_cells, num.dx, num.dt, origin.step, origin.time, num.n_steps, num.record_steps,
                    origin.step + num.n_steps // 2, r, R) for r in range(R)]
    keys = np.array([np.uint64(k) for k in origin.keys], dtype=np.uint64)
    wall0 = _time.perf_counter()
    with numba_threads(threads):
        with _notice_if_slow(COMPILE_NOTICE, any(isinstance(t, tracking.ProgressTracker) for t in rows[0])):
            stepper.warm_up(R)
        for run, row in zip(runs, rows, strict=True):
            for t in row:
                t.start(run)
        try:
            per_row, bad, stopped = _integrate(stepper, fields, keys, runs, rows)
        finally:
            records = [{t.name: t.finish() for t in row} for row in rows]
    wall = _time.perf_counter() - wall0
    k_s = stepper.kernel_seconds
    rate = num.n_cells * R * int(min(per_row)) / k_s if k_s > 0 else float("nan")
    extra = {"wall_seconds": wall, "kernel_seconds": k_s, "realisations_in_run": R, "site_updates_per_second": rate}
    if stopped is not None:
        extra["stopped"] = stopped
    out = []
    for r in range(R):
        steps = int(per_row[r])
        st = SimulationState(fields[r].copy(), origin.step + steps, origin.time + steps * num.dt, int(origin.keys[r]),
                             num.dx, num.dt, num.precision)
        p = dict(params, seed=origin.seed_infos[r], key=str(origin.keys[r]))
        out.append(SimulationResult(p, st, records[r], completed=not bad and stopped is None, extra=dict(extra)))
    return out, bad


def _blow_up(model: FieldModel, num: Numerics, origin: _Origin, results: list[SimulationResult], bad: list[int],
             realisations: int | None) -> None:
    first = min(results[r].final_state.step for r in bad) - origin.step
    msg = (f"the field became NaN/inf after global step {origin.step + first} (t = {origin.time + first * num.dt:g}) "
           f"in realisation(s) {bad}; the last finite state and everything recorded up to it are in exc.result. "
           f"Reduce dt (now {num.dt:g}, stability limit {model.max_stable_dt(num.dx, n_cells=num.n_cells):.4g}) "
           "or check the force")
    raise SimulationBlowUp(msg, results[0] if realisations is None else results)


def simulate_ensemble(
    model: FieldModel,
    *,
    realisations: int,
    length: float,
    time: float,
    dx: float = 0.25,
    dt: float = 0.001,
    seed=None,
    initial: str | np.ndarray = "random",
    states: Sequence[SimulationState] | None = None,
    record_every: int | None = None,
    snapshot_every: int | None = 0,
    ell: float | None = None,
    threshold: float | None = None,
    progress: bool = False,
    threads: int | None = None,
    check_every: int = 64,
    max_memory: float = DEFAULT_MAX_MEMORY,
) -> list[SimulationResult]:
    """Deprecated: ``simulate(model, realisations=K, state=states, snapshot_every=0, ...)``.

    Kept for one version; it warns and calls :func:`simulate` (same numbers).

    Parameters
    ----------
    model : FieldModel
        As in :func:`simulate`.
    realisations : int
        Number of runs (>= 1).
    length, time, dx, dt : float
        As in :func:`simulate`.
    seed : int, sequence of int or numpy.random.SeedSequence
        Parent seed; realisation ``r`` uses the child with ``spawn_key + (r,)``.
    initial : str or array
        As in :func:`simulate`.
    states : sequence of SimulationState, optional
        ``state=`` of :func:`simulate`.
    record_every, snapshot_every : int, optional
        As in :func:`simulate` (``snapshot_every`` defaults to 0 here).
    ell, threshold : float, optional
        Wall-count parameters.
    progress : bool
        Progress bar on stderr.
    threads : int, optional
        numba threads (default: all).
    check_every : int
        Steps between NaN/inf checks.
    max_memory : float
        Refuse runs estimated to need more bytes.

    Returns
    -------
    list of SimulationResult
    """
    warnings.warn("simulate_ensemble is deprecated and will be removed in lindhydro 0.3; use "
                  "simulate(model, realisations=K, ...) (state= takes the list of states)",
                  DeprecationWarning, stacklevel=2)
    return simulate(model, length=length, time=time, dx=dx, dt=dt, record_every=record_every, seed=seed,
                    realisations=realisations, initial=initial, state=states, snapshot_every=snapshot_every,
                    ell=ell, threshold=threshold, progress=progress, threads=threads, check_every=check_every,
                    max_memory=max_memory)
