"""Observables recorded on the fly while the field is integrated (the history is not stored).

At every record time the :class:`Recorder` stores the spatial means ``<m>`` and ``<m^2>`` and the
wall count, and, for records in the second half of the run, accumulates the correlation function
``C(r) = (1/L) sum_i m_i m_(i+n)`` and the structure factor ``S(k) = |sum_i m_i e^(-ikx_i)|^2 / L``
(no mean subtracted; conventions of :mod:`lindhydro.analysis.correlations`).  Snapshots of the
whole field are kept at a separate interval for kymographs.

Wall counts and the correlation length use :mod:`lindhydro.analysis.walls` and
:mod:`lindhydro.analysis.correlations` (imported when a run starts, so that ``lindhydro.field``
itself does not depend on the analysis layer at import time).  Extra user trackers are callables
``tracker(step, time, m)`` called at every record.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["Recorder", "correlation_length_of", "default_ell", "wall_counter"]


def default_ell(model) -> float:
    """Default coarse-graining length of the wall count (nan without bistability).

    Parameters
    ----------
    model : FieldModel
        The model.

    Returns
    -------
    float
        ``lindhydro.analysis.walls.default_coarse_graining_length`` (half the noiseless wall width).
    """
    if model.m0 is None or model.wall_width is None:
        return float("nan")
    from lindhydro.analysis.walls import default_coarse_graining_length

    return float(default_coarse_graining_length(model))


def wall_counter(model, dx: float, ell: float, threshold: float | None, n_cells: int) -> Callable[[np.ndarray], float]:
    """Return ``count(m) -> number of walls`` (nan without bistability, with ``ell = nan`` or with a
    smoothing box longer than the ring).

    Parameters
    ----------
    model : FieldModel
        The model (``m0`` sets the default threshold).
    dx : float
        Cell width.
    ell : float
        Coarse-graining length.
    threshold : float or None
        Hysteresis threshold (default ``m0 / 2``).
    n_cells : int
        Cells of the ring.

    Returns
    -------
    callable
        Hysteresis count at ``+-threshold`` after smoothing over ``ell``
        (:func:`lindhydro.analysis.walls.count_walls`).
    """
    if model.m0 is None or not np.isfinite(ell) or 2 * int(round(ell / (2 * dx))) + 1 > n_cells:
        return lambda m: float("nan")
    from lindhydro.analysis.walls import count_walls

    thr = 0.5 * model.m0 if threshold is None else float(threshold)
    return lambda m: float(count_walls(m, dx=dx, ell=ell, threshold=thr))


def correlation_length_of(r: np.ndarray, C: np.ndarray) -> float:
    """Correlation length of an averaged ``C(r)``.

    Parameters
    ----------
    r, C : numpy.ndarray
        Distances (``r[0] = 0``) and correlation function.

    Returns
    -------
    float
        :func:`lindhydro.analysis.correlations.correlation_length_from_function` (nan if ``C`` is
        not finite).
    """
    if C is None or not np.all(np.isfinite(C)) or C.size < 2:
        return float("nan")
    from lindhydro.analysis.correlations import correlation_length_from_function

    return float(correlation_length_from_function(r, C))


class Recorder:
    """Accumulates the observables of one realisation.

    Parameters
    ----------
    n_cells, dx : int, float
        Lattice.
    count : callable
        ``count(m) -> walls`` (see :func:`wall_counter`).
    average_from_step : int
        Records at global steps ``> average_from_step`` enter the averages (second half).
    snapshot_capacity : int
        Number of snapshots that will be stored (0 = none).
    trackers : sequence of callables
        ``tracker(step, time, m)`` called at every record.
    """

    def __init__(
        self,
        n_cells: int,
        dx: float,
        count: Callable[[np.ndarray], float],
        average_from_step: int,
        snapshot_capacity: int,
        trackers: Sequence[Callable] = (),
    ) -> None:
        self.n_cells = n_cells
        self.dx = dx
        self.count = count
        self.average_from_step = average_from_step
        self.steps: list[int] = []
        self.times: list[float] = []
        self.m_mean: list[float] = []
        self.m2: list[float] = []
        self.walls: list[float] = []
        self.n_avg = 0
        self.C_sum = np.zeros(n_cells // 2 + 1)
        self.S_sum = np.zeros(n_cells // 2 + 1)
        self.snapshots = np.empty((snapshot_capacity, n_cells)) if snapshot_capacity else None
        self.snapshot_times: list[float] = []
        self.snapshot_steps: list[int] = []
        self.trackers = tuple(trackers)

    def record(self, step: int, time: float, m: np.ndarray) -> None:
        """Record the observables of the field ``m`` at global ``step`` / ``time``."""
        self.steps.append(int(step))
        self.times.append(float(time))
        self.m_mean.append(float(np.mean(m)))
        self.m2.append(float(np.mean(m * m)))
        self.walls.append(self.count(m))
        if step > self.average_from_step:
            fk = np.fft.rfft(m)
            p = np.abs(fk) ** 2 / self.n_cells
            self.S_sum += p
            self.C_sum += np.fft.irfft(p, n=self.n_cells)[: self.n_cells // 2 + 1]
            self.n_avg += 1
        for tr in self.trackers:
            tr(step, time, m)

    def snapshot(self, step: int, time: float, m: np.ndarray) -> None:
        """Store a copy of the field (if there is room)."""
        if self.snapshots is None or len(self.snapshot_times) >= self.snapshots.shape[0]:
            return
        self.snapshots[len(self.snapshot_times)] = m
        self.snapshot_times.append(float(time))
        self.snapshot_steps.append(int(step))

    # ---------------------------------------------------------------- summaries
    def arrays(self) -> dict:
        """The recorded time series and averaged correlations as arrays."""
        n_snap = len(self.snapshot_times)
        C = self.C_sum / self.n_avg if self.n_avg else np.full_like(self.C_sum, np.nan)
        S = self.S_sum / self.n_avg if self.n_avg else np.full_like(self.S_sum, np.nan)
        return {
            "steps": np.asarray(self.steps, dtype=np.int64),
            "times": np.asarray(self.times, dtype=float),
            "m_mean": np.asarray(self.m_mean, dtype=float),
            "m2": np.asarray(self.m2, dtype=float),
            "wall_count": np.asarray(self.walls, dtype=float),
            "wall_density": np.asarray(self.walls, dtype=float) / (self.n_cells * self.dx),
            "r": np.arange(self.n_cells // 2 + 1) * self.dx,
            "correlation": C,
            "k": 2.0 * np.pi * np.fft.rfftfreq(self.n_cells, d=self.dx),
            "structure_factor": S,
            "snapshots": None if self.snapshots is None else self.snapshots[:n_snap],
            "snapshot_times": np.asarray(self.snapshot_times, dtype=float),
            "n_averaged": self.n_avg,
        }


def second_half_mean(steps: np.ndarray, values: np.ndarray, average_from_step: int) -> float:
    """Mean of ``values`` over the records after ``average_from_step`` (nan if none)."""
    sel = steps > average_from_step
    if not np.any(sel):
        return float("nan")
    v = values[sel]
    return float(np.mean(v)) if np.all(np.isfinite(v)) else float("nan")


def _isnan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)
