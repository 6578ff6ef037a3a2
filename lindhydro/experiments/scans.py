"""Wall-density experiments: an ensemble of field runs measured by trackers, scans over ``eps``, fits.

:func:`measure_wall_density` runs one model (``realisations`` runs together,
:func:`lindhydro.field.simulate`) with a :class:`~lindhydro.field.trackers.WallCountTracker` for
several coarse-graining lengths; :func:`scan_wall_density` repeats it over ``eps`` for the toy model
(:func:`toy_model`), and :func:`fit_scan` fits the wall-density law to both density measures
(hysteresis count and ``1 / (2 xi)``).  Averages are over the records of the second half of each
run; the first half is the transient.  Results are frozen dataclasses with ``to_dict()``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lindhydro.analysis.correlations import correlation_length_from_function
from lindhydro.analysis.fits import (
    Stationarity,
    WallDensityFit,
    fit_resampled,
    fit_wall_density,
    stationarity,
)
from lindhydro.analysis.walls import default_threshold
from lindhydro.experiments.presets import build_model
from lindhydro.field import FieldModel, Numerics, WallCountTracker, simulate
from lindhydro.field.numerics import positive_number, whole_multiple
from lindhydro.field.observables import box_cells

__all__ = [
    "CorrelationDensity",
    "ScanFits",
    "WallDensityMeasurement",
    "WallDensityScan",
    "fit_scan",
    "measure_wall_density",
    "scan_numerics",
    "scan_wall_density",
    "toy_model",
]

#: Fewest records of a wall-density run (the stationarity judge needs two quarters of the second half).
MIN_RECORDS = 8


def toy_model(eps: float, *, gamma: float = 0.875, thermal: bool = True, literal: bool = False) -> FieldModel:
    """The toy model of the figures (the ``paper`` preset).

    Without conserved noise this is the paper's model exactly as printed.  With conserved noise
    the default is the Wick-renormalised force (``renormalisation="wick"``), because the model as
    printed (``literal=True``) has no ordered phase at ``2 D chi_T = 1`` (``docs/physics.md``,
    *The conserved noise is UV-dominated*).

    Parameters
    ----------
    eps : float
        ``eps~``.
    gamma : float, default 0.875
        Weight of the aligning jumps.
    thermal : bool, default True
        Include the conserved noise ``d_r xi^th`` (``2 D chi_T = 1``).
    literal : bool, default False
        With ``thermal``: the model exactly as printed (``renormalisation="none"``).

    Returns
    -------
    lindhydro.field.FieldModel
    """
    ren = "none" if (literal or not thermal) else "wick"
    return build_model("paper", eps, gamma=gamma, thermal=thermal, renormalisation=ren)


def scan_numerics(length: float, time: float, *, dx: float | None = None, dt: float | None = None,
                  record_interval: float = 1.0) -> Numerics:
    """The grid of a wall-density run: records every ``record_interval``, at least 8 of them.

    Parameters
    ----------
    length, time : float
        Ring length and duration (units ``a`` and ``a^2 / D``).
    dx, dt : float, optional
        Lattice (defaults of :class:`lindhydro.field.Numerics`: the paper's 0.25, 0.001).
    record_interval : float, default 1
        Time between records, a multiple of ``dt``.

    Returns
    -------
    lindhydro.field.Numerics

    Raises
    ------
    ValueError
        When ``time`` is not a whole number (>= 8) of record intervals.
    """
    grid = Numerics(length, time, **{k: v for k, v in (("dx", dx), ("dt", dt)) if v is not None})
    every = whole_multiple(positive_number(record_interval, "record_interval"), grid.dt, "record_interval", "dt")
    num = dataclasses.replace(grid, record_every=every)
    _check_records(num)
    return num


def _check_records(num: Numerics) -> int:
    n_rec, rest = divmod(num.n_steps, num.record_steps)
    if n_rec < MIN_RECORDS or rest:
        raise ValueError(f"time = {num.time:g} must be a multiple of the record interval "
                         f"{num.record_steps * num.dt:g} with at least {MIN_RECORDS} records")
    return n_rec


# ----------------------------------------------------------------------------- one model
@dataclass(frozen=True, eq=False)
class WallDensityMeasurement:
    """Wall densities of an ensemble of runs of one model (:func:`measure_wall_density`).

    Attributes
    ----------
    parameters : dict
        Model (``to_dict()``), numerics, seed, ``ells``, threshold: everything that produced it.
    ells : numpy.ndarray, shape (K,)
        Coarse-graining lengths of the hysteresis counts.
    threshold : float
        Hysteresis threshold.
    times : numpy.ndarray, shape (T,)
        Record times.
    density_vs_time : numpy.ndarray, shape (K, R, T)
        Hysteresis wall density (walls per unit length) per ``ell``, realisation and record.
    m2_vs_time : numpy.ndarray, shape (R, T)
        Spatial mean of ``m^2``.
    density : numpy.ndarray, shape (K, R)
        Second-half mean density per ``ell`` and realisation.
    correlation_length : numpy.ndarray, shape (R,)
        ``xi`` of each realisation (its second-half ``C(r)``).
    r, correlation : numpy.ndarray
        Ensemble- and second-half-averaged ``C(r)``.
    correlation_per_realisation : numpy.ndarray, shape (R, len(r))
        Second-half-averaged ``C(r)`` of every realisation.
    ensemble_correlation_length : float
        ``xi`` of the ensemble-averaged ``C(r)`` (less noisy than per-realisation fits).
    m2 : numpy.ndarray, shape (R,)
        Second-half mean of ``m^2`` per realisation.
    stationarity : lindhydro.analysis.fits.Stationarity
        Stationarity of ``density_vs_time[0]``.
    """

    parameters: dict
    ells: np.ndarray
    threshold: float
    times: np.ndarray
    density_vs_time: np.ndarray
    m2_vs_time: np.ndarray
    density: np.ndarray
    correlation_length: np.ndarray
    r: np.ndarray
    correlation: np.ndarray
    correlation_per_realisation: np.ndarray
    ensemble_correlation_length: float
    m2: np.ndarray
    stationarity: Stationarity

    @property
    def correlation_density(self) -> np.ndarray:
        """``1 / (2 xi)`` per realisation (the ``ell``-free density measure)."""
        return 0.5 / self.correlation_length

    @property
    def ensemble_correlation_density(self) -> float:
        """``1 / (2 xi)`` of the ensemble-averaged ``C(r)``."""
        return 0.5 / self.ensemble_correlation_length

    def to_dict(self) -> dict:
        """JSON-ready summary (means and standard errors over realisations)."""
        R = self.density.shape[1]
        err = (np.std(self.density, axis=-1, ddof=1) / np.sqrt(R)).tolist() if R > 1 else [None] * self.ells.size
        return {
            "parameters": self.parameters,
            "ells": self.ells.tolist(),
            "threshold": self.threshold,
            "density_mean": self.density.mean(axis=1).tolist(),
            "density_error": err,
            "correlation_length": self.correlation_length.tolist(),
            "correlation_density_mean": float(np.mean(self.correlation_density)),
            "ensemble_correlation_length": self.ensemble_correlation_length,
            "ensemble_correlation_density": self.ensemble_correlation_density,
            "m2_mean": float(np.mean(self.m2)),
            "stationarity": self.stationarity.to_dict(),
        }


def _wall_count_setup(model: Any, num: Numerics, ells: Any, threshold: float | None) -> tuple[np.ndarray, float]:
    thr = default_threshold(model) if threshold is None else positive_number(threshold, "threshold")
    ell_arr = np.atleast_1d(np.asarray([model.coarse_graining_length] if ells is None else ells, dtype=float))
    if ell_arr.ndim != 1 or ell_arr.size == 0 or np.any(~np.isfinite(ell_arr)) or np.any(ell_arr < 0):
        raise ValueError(f"ells must be finite lengths >= 0, got {ells!r}")
    for ell in ell_arr:
        box_cells(ell, num.dx, num.n_cells)
    return ell_arr, thr


def measure_wall_density(
    model: FieldModel,
    numerics: Numerics | None = None,
    *,
    seed: Any,
    realisations: int = 1,
    ells: Any = None,
    threshold: float | None = None,
    length: float | None = None,
    time: float | None = None,
    dx: float | None = None,
    dt: float | None = None,
    record_interval: float = 1.0,
    initial: Any = "random",
    threads: int | None = None,
    progress: bool = False,
) -> WallDensityMeasurement:
    """Simulate an ensemble and measure wall densities for several coarse-graining lengths.

    One call of :func:`lindhydro.field.simulate` with ``realisations`` runs; a
    :class:`~lindhydro.field.trackers.WallCountTracker` counts walls for every ``ell`` at every
    record, the standard trackers give ``<m^2>`` and ``C(r)`` (no field is stored).

    Parameters
    ----------
    model : lindhydro.field.FieldModel
        A bistable model.
    numerics : lindhydro.field.Numerics, optional
        The grid (its ``record_every`` sets the records); or give ``length``, ``time``, ``dx``,
        ``dt`` and ``record_interval`` (:func:`scan_numerics`).
    seed : int or numpy.random.SeedSequence
        Seed of the ensemble (realisation ``r`` uses child ``r``).
    realisations : int, default 1
        Number of independent runs.
    ells : array_like, optional
        Coarse-graining lengths (default: the model's ``coarse_graining_length``: ``w / 2``, longer with
        conserved noise).
    threshold : float, optional
        Hysteresis threshold (default ``m0 / 2``).
    length, time : float, optional
        Ring length and duration (units ``a`` and ``a^2 / D``).
    dx, dt : float, optional
        Lattice (the paper's 0.25, 0.001).
    record_interval : float, default 1
        Time between records (a multiple of ``dt``).
    initial : str or array
        Initial state (see :func:`lindhydro.field.simulate`).
    threads : int, optional
        numba threads (default: all).
    progress : bool
        Progress bar on stderr.

    Returns
    -------
    WallDensityMeasurement
    """
    if numerics is None:
        numerics = scan_numerics(length, time, dx=dx, dt=dt, record_interval=record_interval)
    elif any(v is not None for v in (length, time, dx, dt)):
        raise ValueError("give the grid either as numerics= or as keywords, not both")
    n_rec = _check_records(numerics)
    ell_arr, thr = _wall_count_setup(model, numerics, ells, threshold)
    counter = WallCountTracker(ell_arr, thr, name="wall_count_per_ell")
    runs = simulate(model, numerics, seed=seed, realisations=realisations, initial=initial, snapshot_every=0,
                    ell=float(ell_arr[0]), threshold=thr, trackers=[counter], threads=threads, progress=progress)
    params = {
        "model": model.to_dict(), "length": numerics.length, "time": numerics.time, "dx": numerics.dx,
        "dt": numerics.dt, "realisations": len(runs),
        "seed": seed if isinstance(seed, int | np.integer) else repr(seed),
        "record_interval": numerics.record_steps * numerics.dt, "initial": initial if isinstance(initial, str) else "array",
        "ells": ell_arr.tolist(), "threshold": thr, "averaging": "second half of the records",
        "wall_count": "hysteresis at +-threshold after a periodic box average over ell",
    }
    return _measurement(runs, params, ell_arr, thr, n_rec // 2)


def _measurement(runs: list, params: dict, ell_arr: np.ndarray, thr: float, half: int) -> WallDensityMeasurement:
    """Assemble the ensemble arrays from the runs' records."""
    dens_t = np.ascontiguousarray(np.stack([run.records["wall_count_per_ell"].density for run in runs], axis=1))
    m2t = np.stack([run.m2 for run in runs])
    C_real = np.stack([run.correlation for run in runs])
    r = runs[0].r
    C_mean = C_real.mean(axis=0)
    return WallDensityMeasurement(
        parameters=params,
        ells=ell_arr,
        threshold=thr,
        times=runs[0].times,
        density_vs_time=dens_t,
        m2_vs_time=m2t,
        density=dens_t[:, :, half:].mean(axis=2),
        correlation_length=np.array([correlation_length_from_function(r, c) for c in C_real]),
        r=r,
        correlation=C_mean,
        correlation_per_realisation=C_real,
        ensemble_correlation_length=correlation_length_from_function(r, C_mean),
        m2=m2t[:, half:].mean(axis=1),
        stationarity=stationarity(dens_t[0] if len(runs) > 1 else dens_t[0, 0]),
    )


# ----------------------------------------------------------------------------- scans over eps
@dataclass(frozen=True, eq=False)
class WallDensityScan:
    """Wall-density measurements of the toy model at several ``eps`` (:func:`scan_wall_density`).

    Attributes
    ----------
    parameters : dict
        The scan's settings (model choice, numerics, seed, ``ells``).
    eps : numpy.ndarray, shape (E,)
        Coupling strengths, ascending.
    measurements : tuple of WallDensityMeasurement
        One per ``eps``.
    """

    parameters: dict
    eps: np.ndarray
    measurements: tuple[WallDensityMeasurement, ...]

    def __getitem__(self, eps: float) -> WallDensityMeasurement:
        """The measurement at ``eps``."""
        i = int(np.flatnonzero(np.isclose(self.eps, eps))[0]) if np.any(np.isclose(self.eps, eps)) else None
        if i is None:
            raise KeyError(eps)
        return self.measurements[i]

    def density(self, ell_index: int = 0) -> np.ndarray:
        """Second-half densities at ``ells[ell_index]``, shape (E, R)."""
        return np.array([m.density[ell_index] for m in self.measurements])

    def ells(self, ell_index: int = 0) -> np.ndarray:
        """The coarse-graining length ``ells[ell_index]`` of every ``eps``, shape (E,)."""
        return np.array([m.ells[ell_index] for m in self.measurements])

    def to_dict(self) -> dict:
        """JSON-ready: parameters and every measurement's summary, keyed by ``eps``."""
        return {"parameters": self.parameters,
                "measurements": {str(e): m.to_dict() for e, m in zip(self.eps, self.measurements, strict=True)}}


def scan_wall_density(
    eps_values: Sequence[float],
    *,
    thermal: bool,
    literal: bool = False,
    gamma: float = 0.875,
    length: float,
    time: float,
    realisations: int,
    seed: int,
    ells: Sequence[float] | None = None,
    extra_ells: Sequence[float] = (),
    record_interval: float = 1.0,
    dx: float | None = None,
    dt: float | None = None,
    threads: int | None = None,
    progress: bool = False,
) -> WallDensityScan:
    """Measure wall densities of the toy model for several ``eps`` (:func:`measure_wall_density`).

    ``ells=None`` uses each model's default coarse-graining length (half its wall width);
    otherwise the given lengths for all ``eps`` (then ``ells[0]`` is the "main" one);
    ``extra_ells`` are appended (for the ``ell`` dependence).  The seed of ``eps_values[i]`` is
    ``SeedSequence(seed, spawn_key=(i,))``.

    Parameters
    ----------
    eps_values : sequence of float
        Coupling strengths ``eps~``.
    thermal, literal : bool
        Model choice (:func:`toy_model`).
    gamma : float, default 0.875
        Weight of the aligning jumps.
    length, time : float
        Ring length and duration of every run.
    realisations : int
        Runs per ``eps``.
    seed : int
        Root seed.
    ells : sequence of float, optional
        Coarse-graining lengths (default: each model's ``coarse_graining_length``).
    extra_ells : sequence of float
        Further lengths appended to ``ells``.
    record_interval : float, default 1
        Time between counts.
    dx, dt : float, optional
        Lattice (the paper's 0.25, 0.001).
    threads : int, optional
        numba threads (default: all).
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    WallDensityScan
    """
    num = scan_numerics(length, time, dx=dx, dt=dt, record_interval=record_interval)
    out = []
    for i, eps in enumerate(eps_values):
        model = toy_model(eps, gamma=gamma, thermal=thermal, literal=literal)
        ell = [model.coarse_graining_length] if ells is None else list(ells)
        out.append(measure_wall_density(model, num, seed=np.random.SeedSequence(seed, spawn_key=(i,)),
                                        realisations=realisations, ells=ell + list(extra_ells), threads=threads,
                                        progress=progress))
    order = np.argsort(np.asarray(eps_values, dtype=float), kind="stable")
    params = {"model": "toy", "thermal": thermal, "literal": literal, "gamma": gamma, "numerics": num.to_dict(),
              "realisations": realisations, "seed": seed, "ells": None if ells is None else list(ells),
              "extra_ells": list(extra_ells)}
    return WallDensityScan(params, np.asarray(eps_values, dtype=float)[order], tuple(out[i] for i in order))


# ----------------------------------------------------------------------------- fits of a scan
@dataclass(frozen=True, eq=False)
class ScanFits:
    """The wall-density law fitted to a scan (:func:`fit_scan`).

    Attributes
    ----------
    hysteresis : WallDensityFit or None
        Fit of the hysteresis densities at ``ells[ell_index]`` (None: fewer than three ``eps`` with walls).
    correlation : WallDensityFit or None
        Fit of ``1 / (2 xi)`` of the realisation-averaged ``C(r)`` (None: fewer than three ``eps``).
    ell_index : int
        Which coarse-graining length was fitted.
    """

    hysteresis: WallDensityFit | None
    correlation: WallDensityFit | None
    ell_index: int = 0

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"ell_index": self.ell_index,
                "hysteresis": None if self.hysteresis is None else self.hysteresis.to_dict(),
                "correlation": None if self.correlation is None else self.correlation.to_dict()}


class CorrelationDensity:
    """``1 / (2 xi)`` of the mean ``C(r)`` of a set of realisations: a statistic for :func:`fit_resampled`.

    Parameters
    ----------
    r : numpy.ndarray
        Distances of ``C(r)``.
    """

    def __init__(self, r: np.ndarray) -> None:
        self.r = np.asarray(r, dtype=float)

    def __call__(self, C_realisations: np.ndarray) -> float:
        """``1 / (2 xi)`` of ``mean(C_realisations, axis=0)`` (nan when ``xi <= 0``)."""
        xi = correlation_length_from_function(self.r, np.asarray(C_realisations).mean(axis=0))
        return 0.5 / xi if xi > 0 else float("nan")


def fit_scan(scan: WallDensityScan, *, ell_index: int = 0, c: float | None = None, n_boot: int = 500,
             prefactor: str = "eps^1/4") -> ScanFits:
    """Fit the wall-density law to a scan: hysteresis densities (``ells[ell_index]``) and ``1/(2 xi)``.

    ``eps`` with no wall in any realisation are dropped (``ln n`` undefined).  ``1/(2 xi)`` is
    taken from the realisation-averaged ``C(r)`` with a bootstrap over realisations
    (:func:`lindhydro.analysis.fits.fit_resampled`).

    Parameters
    ----------
    scan : WallDensityScan
        From :func:`scan_wall_density`.
    ell_index : int, default 0
        Which coarse-graining length of the scan to fit.
    c : float, optional
        Fixed Arrhenius constant.
    n_boot : int, default 500
        Bootstrap resamples.
    prefactor : str, default "eps^1/4"
        See :func:`lindhydro.analysis.fits.fit_wall_density`.

    Returns
    -------
    ScanFits
    """
    hyst = scan.density(ell_index)
    keep = hyst.mean(axis=1) > 0
    h_fit = fit_wall_density(scan.eps[keep], hyst[keep], c=c, n_boot=n_boot, prefactor=prefactor) \
        if keep.sum() >= 3 else None
    ok = [i for i, m in enumerate(scan.measurements)
          if np.isfinite(m.ensemble_correlation_length) and m.ensemble_correlation_length > 0]
    c_fit = None
    if len(ok) >= 3:
        meas = [scan.measurements[i] for i in ok]
        c_fit = fit_resampled(scan.eps[ok], [m.correlation_per_realisation for m in meas],
                              CorrelationDensity(meas[0].r), c=c, n_boot=n_boot, prefactor=prefactor)
    return ScanFits(h_fit, c_fit, ell_index)
