"""Trackers: observers that :func:`lindhydro.field.simulate` calls between integration chunks.

The integrator knows nothing about what is measured (as py-pde's trackers).  A tracker has a
``name``, an interval ``every`` (global steps; ``None``: the run's record interval), and three
methods: ``start(run)`` before the first step (``run`` is a :class:`RunInfo`), ``handle(step,
time, m)`` whenever the global step is a multiple of ``every`` (``m`` is the live field: copy what
you keep), and ``finish()``, whose return value is stored in ``SimulationResult.records[name]``.
A plain callable ``f(step, time, m)`` is wrapped in a :class:`CallbackTracker`.  A tracker ends
the run early by raising :class:`StopRun` from ``handle`` (as py-pde's ``FinishedSimulation``):
the run returns what it has, marked incomplete; :class:`StopTracker` does so when asked to (e.g. on
Ctrl-C, from a flag set by a signal handler).

The field handed to ``handle`` is in the run's precision (float32 by default); the standard
trackers measure on a float64 copy (:func:`as_float64`), so that sums over the ring and the FFT
keep float64 accuracy whatever the precision of the state.

Records taken at global steps after ``RunInfo.average_from_step`` (the second half of the run)
enter the averages.  ``C(r)`` and ``S(k)`` follow :mod:`lindhydro.analysis.correlations`
(``C_n = (1/L) sum_i m_i m_(i+n)``, ``S(k) = |sum_i m_i e^(-ikx_i)|^2 / L``, no mean subtracted).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lindhydro.field.observables import (
    box_cells,
    correlation_length_from_function,
    count_walls_ring,
)

__all__ = [
    "CallbackTracker",
    "CorrelationTracker",
    "Correlations",
    "ProgressTracker",
    "RunInfo",
    "SnapshotTracker",
    "Snapshots",
    "SpatialMeans",
    "SpatialMeansTracker",
    "StopRun",
    "StopTracker",
    "Tracker",
    "WallCountTracker",
    "WallCounts",
    "as_float64",
    "multiples_in",
    "second_half_mean",
]


#: Site updates between two calls of the trackers that keep the user informed (progress, stop
#: requests): about a tenth of a second of integration.
SITE_UPDATES_PER_CALL = 20_000_000


def as_float64(m: np.ndarray) -> np.ndarray:
    """``m`` as float64: ``m`` itself if it already is, else a float64 copy (the trackers measure on it).

    Parameters
    ----------
    m : numpy.ndarray
        A field in any float precision.

    Returns
    -------
    numpy.ndarray of float64
    """
    return np.asarray(m, dtype=np.float64)


class StopRun(Exception):
    """Raised by :meth:`Tracker.handle` to end the run after the current step.

    Every tracker still handles that step; the run then returns what it has with
    ``completed = False`` and ``extra["stopped"] = str(exc)``.
    """


def multiples_in(step_start: int, n_steps: int, every: int) -> int:
    """Number of multiples of ``every`` in ``(step_start, step_start + n_steps]`` (0 for ``every = 0``).

    Parameters
    ----------
    step_start, n_steps : int
        First global step (excluded) and number of steps.
    every : int
        Interval in steps (0: never).

    Returns
    -------
    int
    """
    if not every:
        return 0
    return (step_start + n_steps) // every - step_start // every


def second_half_mean(steps: np.ndarray, values: np.ndarray, average_from_step: int) -> float:
    """Mean of ``values`` over the records after ``average_from_step`` (nan if none or not finite).

    Parameters
    ----------
    steps, values : numpy.ndarray
        Global steps of the records and the recorded values.
    average_from_step : int
        Records at steps ``> average_from_step`` enter the mean.

    Returns
    -------
    float
    """
    sel = np.asarray(steps) > average_from_step
    if not np.any(sel):
        return float("nan")
    v = np.asarray(values)[..., sel]
    return float(np.mean(v)) if np.all(np.isfinite(v)) else float("nan")


@dataclass(frozen=True)
class RunInfo:
    """What a tracker learns when a run starts.

    Given to :meth:`Tracker.start`; one per realisation (they differ only in ``realisation``).
    Lengths in ``a``, times in ``1/J`` (toy model ``a^2/D``), steps counted from ``t = 0``.

    Attributes
    ----------
    n_cells : int
        Cells of the ring.
    dx, dt : float
        Cell width and time step.
    step_start : int
        Global step of the initial state.
    t_start : float
        Time of the initial state.
    n_steps : int
        Steps of this run.
    record_every : int
        The run's record interval (steps), used by trackers with ``every = None``.
    average_from_step : int
        Records at global steps after this enter the averages (the second half).
    realisation : int
        Index of the realisation this tracker watches.
    n_realisations : int
        Realisations integrated together.
    """

    n_cells: int
    dx: float
    dt: float
    step_start: int
    t_start: float
    n_steps: int
    record_every: int
    average_from_step: int
    realisation: int = 0
    n_realisations: int = 1

    @property
    def length(self) -> float:
        """Ring length ``n_cells * dx``."""
        return self.n_cells * self.dx


class Tracker:
    """Base class of trackers (module docstring: the protocol).

    Parameters
    ----------
    name : str
        Key of the record in ``SimulationResult.records``.
    every : int or None
        Global steps between calls of :meth:`handle` (None: the run's record interval).
    """

    def __init__(self, name: str, every: int | None = None) -> None:
        if every is not None and (isinstance(every, bool) or not isinstance(every, int | np.integer) or every < 1):
            raise ValueError(f"every must be a whole number of steps >= 1 (or None), got {every!r}")
        self.name = str(name)
        self.every = None if every is None else int(every)
        self.run: RunInfo | None = None

    def start(self, run: RunInfo) -> None:
        """Called once before the first step."""
        self.run = run

    def handle(self, step: int, time: float, m: np.ndarray) -> None:
        """Called at every multiple of ``every``: global ``step``, ``time`` and the live field ``m``."""
        raise NotImplementedError

    def finish(self) -> Any:
        """Called once after the last step (also after a blow-up); returns what was recorded."""
        return None


class CallbackTracker(Tracker):
    """A plain callable ``f(step, time, m)`` called at every record.

    Parameters
    ----------
    func : callable
        ``f(step, time, m)``; ``m`` is the live field (copy what you keep).
    name : str, default "callback"
        Record name (the record is ``None``).
    every : int or None
        Interval in steps (None: the run's record interval).
    """

    def __init__(self, func: Callable[[int, float, np.ndarray], Any], name: str = "callback",
                 every: int | None = None) -> None:
        if not callable(func):
            raise ValueError(f"a tracker must be a Tracker or a callable f(step, time, m), got {func!r}")
        super().__init__(name, every)
        self.func = func

    def handle(self, step: int, time: float, m: np.ndarray) -> None:
        """Call ``func(step, time, m)``."""
        self.func(step, time, m)


# ----------------------------------------------------------------------------- spatial means
@dataclass(frozen=True)
class SpatialMeans:
    """Spatial means ``<m>`` and ``<m^2>`` at the record times (:class:`SpatialMeansTracker`).

    Attributes
    ----------
    steps : numpy.ndarray of int
        Global steps of the records.
    times : numpy.ndarray
        Record times.
    m_mean, m2 : numpy.ndarray
        ``<m>`` and ``<m^2>`` over the ring.
    m2_mean : float
        ``<m^2>`` averaged over the records of the second half (nan if none).
    """

    steps: np.ndarray
    times: np.ndarray
    m_mean: np.ndarray
    m2: np.ndarray
    m2_mean: float


class SpatialMeansTracker(Tracker):
    """Records ``<m>`` and ``<m^2>`` over the ring.

    Parameters
    ----------
    name : str, default "means"
        Record name.
    every : int or None
        Interval in steps (None: the run's record interval).
    """

    def __init__(self, name: str = "means", every: int | None = None) -> None:
        super().__init__(name, every)

    def start(self, run: RunInfo) -> None:
        """Reset the series."""
        super().start(run)
        self._rows: list[tuple[int, float, float, float]] = []

    def handle(self, step: int, time: float, m: np.ndarray) -> None:
        """Append ``(step, time, <m>, <m^2>)`` (in float64)."""
        x = as_float64(m)
        self._rows.append((int(step), float(time), float(np.mean(x)), float(np.mean(x * x))))

    def finish(self) -> SpatialMeans:
        """The series and the second-half mean of ``<m^2>``."""
        steps = np.array([r[0] for r in self._rows], dtype=np.int64)
        cols = [np.array([r[i] for r in self._rows], dtype=float) for i in (1, 2, 3)]
        return SpatialMeans(steps, cols[0], cols[1], cols[2],
                            second_half_mean(steps, cols[2], self.run.average_from_step))


# ----------------------------------------------------------------------------- walls
@dataclass(frozen=True)
class WallCounts:
    """Hysteresis wall counts at the record times, one row per coarse-graining length.

    Attributes
    ----------
    ells : numpy.ndarray, shape (K,)
        Coarse-graining lengths.
    threshold : float
        Hysteresis threshold (nan: no count).
    steps, times : numpy.ndarray
        Global steps and times of the records.
    counts : numpy.ndarray, shape (K, T)
        Walls on the ring (nan where undefined: no threshold, or a box longer than the ring).
    length : float
        Ring length.
    average_from_step : int
        Records after this step enter :attr:`density_mean`.
    """

    ells: np.ndarray
    threshold: float
    steps: np.ndarray
    times: np.ndarray
    counts: np.ndarray
    length: float
    average_from_step: int

    @property
    def density(self) -> np.ndarray:
        """Walls per unit length, shape (K, T)."""
        return self.counts / self.length

    @property
    def density_mean(self) -> np.ndarray:
        """Second-half mean density per ``ell``, shape (K,)."""
        return np.array([second_half_mean(self.steps, d, self.average_from_step) for d in self.density])


class WallCountTracker(Tracker):
    """Counts walls (hysteresis at ``+-threshold`` after a box average over each ``ell``).

    Parameters
    ----------
    ells : sequence of float
        Coarse-graining lengths (units ``a``); a length whose box does not fit the ring, or nan,
        gives nan counts.
    threshold : float
        Hysteresis threshold (nan: nan counts, e.g. a model without bistability).
    name : str, default "walls"
        Record name.
    every : int or None
        Interval in steps (None: the run's record interval).
    """

    def __init__(self, ells: Sequence[float], threshold: float, name: str = "walls",
                 every: int | None = None) -> None:
        super().__init__(name, every)
        self.ells = np.atleast_1d(np.asarray(ells, dtype=float))
        self.threshold = float(threshold)

    def start(self, run: RunInfo) -> None:
        """Decide which ``ell`` can be counted on this ring; reset the series."""
        super().start(run)
        ok_thr = math.isfinite(self.threshold) and self.threshold > 0
        self._countable = [ok_thr and self._fits(e, run) for e in self.ells]
        self._steps: list[int] = []
        self._times: list[float] = []
        self._counts: list[list[float]] = []

    @staticmethod
    def _fits(ell: float, run: RunInfo) -> bool:
        try:
            box_cells(ell, run.dx, run.n_cells)
        except ValueError:
            return False
        return True

    def handle(self, step: int, time: float, m: np.ndarray) -> None:
        """Count the walls of ``m`` for every ``ell`` (on a float64 copy)."""
        dx = self.run.dx
        m = as_float64(m)
        self._steps.append(int(step))
        self._times.append(float(time))
        self._counts.append([float(count_walls_ring(m, box_cells(e, dx, m.shape[0]), self.threshold)) if ok
                             else float("nan") for e, ok in zip(self.ells, self._countable, strict=True)])

    def finish(self) -> WallCounts:
        """The counts, shape (K, T)."""
        counts = np.array(self._counts, dtype=float).reshape(len(self._steps), self.ells.size).T
        return WallCounts(self.ells, self.threshold, np.array(self._steps, dtype=np.int64),
                          np.array(self._times, dtype=float), counts, self.run.length, self.run.average_from_step)


# ----------------------------------------------------------------------------- correlations
@dataclass(frozen=True)
class Correlations:
    """``C(r)`` and ``S(k)`` averaged over the records of the second half.

    Attributes
    ----------
    r, correlation : numpy.ndarray, shape (n_cells // 2 + 1,)
        Distances ``n dx`` and ``C(r)`` (nan without records in the second half).
    k, structure_factor : numpy.ndarray, shape (n_cells // 2 + 1,)
        Wave numbers and ``S(k)`` (white noise of per-cell variance ``s^2`` has ``S = s^2``).
    n_averaged : int
        Records averaged.
    correlation_length : float
        ``xi`` of the averaged ``C(r)``
        (:func:`lindhydro.field.observables.correlation_length_from_function`).
    """

    r: np.ndarray
    correlation: np.ndarray
    k: np.ndarray
    structure_factor: np.ndarray
    n_averaged: int
    correlation_length: float


class CorrelationTracker(Tracker):
    """Accumulates ``C(r)`` and ``S(k)`` over the records of the second half of the run.

    Parameters
    ----------
    skip_origin : bool, default False
        Leave ``r = 0`` out of the correlation length (with conserved noise it carries the
        lattice-scale white noise ``chi_T / dx``; the fit window is then relative to ``C(dx)``).
    name : str, default "correlations"
        Record name.
    every : int or None
        Interval in steps (None: the run's record interval).
    """

    def __init__(self, skip_origin: bool = False, name: str = "correlations", every: int | None = None) -> None:
        super().__init__(name, every)
        self.skip_origin = bool(skip_origin)

    def start(self, run: RunInfo) -> None:
        """Reset the sums."""
        super().start(run)
        n = run.n_cells // 2 + 1
        self._C = np.zeros(n)
        self._S = np.zeros(n)
        self._n = 0

    def handle(self, step: int, time: float, m: np.ndarray) -> None:
        """Add ``|FFT m|^2 / n`` and its inverse transform (in float64), if ``step`` is in the second half."""
        if step <= self.run.average_from_step:
            return
        n = self.run.n_cells
        p = np.abs(np.fft.rfft(as_float64(m))) ** 2 / n
        self._S += p
        self._C += np.fft.irfft(p, n=n)[: n // 2 + 1]
        self._n += 1

    def finish(self) -> Correlations:
        """The averages and the correlation length."""
        run = self.run
        C = self._C / self._n if self._n else np.full_like(self._C, np.nan)
        S = self._S / self._n if self._n else np.full_like(self._S, np.nan)
        r = np.arange(run.n_cells // 2 + 1) * run.dx
        xi = float("nan")
        if self._n and C.size >= 2 and np.all(np.isfinite(C)):
            xi = float(correlation_length_from_function(r[1:] - r[1], C[1:])
                       if self.skip_origin and r.size > 2 else correlation_length_from_function(r, C))
        k = 2.0 * np.pi * np.fft.rfftfreq(run.n_cells, d=run.dx)
        return Correlations(r, C, k, S, self._n, xi)


# ----------------------------------------------------------------------------- snapshots, progress
@dataclass(frozen=True)
class Snapshots:
    """Stored copies of the field (a kymograph).

    Attributes
    ----------
    steps, times : numpy.ndarray
        Global steps and times.
    fields : numpy.ndarray, shape (n_snapshots, n_cells)
        The fields.
    """

    steps: np.ndarray
    times: np.ndarray
    fields: np.ndarray


class SnapshotTracker(Tracker):
    """Stores a copy of the field every ``every`` steps (memory allocated at the start).

    Parameters
    ----------
    every : int
        Interval in global steps (>= 1).
    name : str, default "snapshots"
        Record name.
    """

    def __init__(self, every: int, name: str = "snapshots") -> None:
        if every is None:
            raise ValueError("a SnapshotTracker needs an interval every >= 1")
        super().__init__(name, every)

    def start(self, run: RunInfo) -> None:
        """Allocate room for every snapshot of the run."""
        super().start(run)
        self._fields = np.empty((multiples_in(run.step_start, run.n_steps, self.every), run.n_cells))
        self._steps: list[int] = []
        self._times: list[float] = []

    def handle(self, step: int, time: float, m: np.ndarray) -> None:
        """Copy the field."""
        self._fields[len(self._steps)] = m
        self._steps.append(int(step))
        self._times.append(float(time))

    def finish(self) -> Snapshots:
        """The stored fields (fewer than allocated after a blow-up)."""
        return Snapshots(np.array(self._steps, dtype=np.int64), np.array(self._times, dtype=float),
                         self._fields[: len(self._steps)])


class StopTracker(Tracker):
    """Ends the run when ``should_stop()`` returns a reason (checked about every 2e7 site updates).

    Parameters
    ----------
    should_stop : callable
        Called without arguments; a true value (a string: the reason) stops the run
        (:class:`StopRun`).  Must be cheap (e.g. read a flag set by a signal handler).
    name : str, default "stop"
        Record name (the record is the reason, or ``None``).
    every : int, optional
        Steps between checks (default: about :data:`SITE_UPDATES_PER_CALL` site updates).
    """

    def __init__(self, should_stop: Callable[[], Any], name: str = "stop", every: int | None = None) -> None:
        super().__init__(name, every)
        self.should_stop, self._every, self.reason = should_stop, every, None

    def start(self, run: RunInfo) -> None:
        """Choose the interval."""
        super().start(run)
        self.every = self._every or max(1, SITE_UPDATES_PER_CALL // max(1, run.n_cells * run.n_realisations))

    def handle(self, step: int, time: float, m: np.ndarray) -> None:
        """Raise :class:`StopRun` if asked to stop."""
        reason = self.should_stop()
        if reason:
            self.reason = reason if isinstance(reason, str) else "stopped"
            raise StopRun(self.reason)

    def finish(self) -> str | None:
        """The reason the run was stopped (None: it was not)."""
        return self.reason


class ProgressTracker(Tracker):
    """A tqdm progress bar on stderr, updated about every 2e7 site-updates.

    Parameters
    ----------
    name : str, default "progress"
        Record name (the record is ``None``).
    """

    def __init__(self, name: str = "progress") -> None:
        super().__init__(name, None)

    def start(self, run: RunInfo) -> None:
        """Open the bar."""
        from tqdm.auto import tqdm

        super().start(run)
        self.every = max(1, SITE_UPDATES_PER_CALL // max(1, run.n_cells * run.n_realisations))
        self._last = run.step_start
        self._bar = tqdm(total=run.n_steps, file=sys.stderr, unit="step", desc="simulate", leave=False,
                         mininterval=0.5)

    def handle(self, step: int, time: float, m: np.ndarray) -> None:
        """Advance the bar to ``step``."""
        self._bar.update(step - self._last)
        self._last = step

    def finish(self) -> None:
        """Close the bar."""
        self._bar.close()
