"""Domain walls of a scalar order-parameter field on a periodic line.

Counting method (the paper does not say how it counted walls, so we define it here)
-------------------------------------------------------------------------------------
1. **Coarse-graining.** The field ``m`` (cells of width ``dx`` on a ring of ``L`` cells) is
   averaged over a periodic box of ``n = 2 k + 1`` cells, ``k = round(ell / (2 dx))``, i.e. over a
   coarse-graining length ``ell`` (effective length ``n dx``; ``ell = 0`` means no smoothing).
   Lattice-scale noise crossings are thereby suppressed; structures of size ``>> ell`` survive.
2. **Hysteresis.** A cell is *up* if the smoothed field exceeds ``+threshold``, *down* if it is
   below ``-threshold``, and undetermined otherwise.  The hysteretic state of a cell is the last
   determined state met when walking along the ring (periodically wrapped), so a wall is a change
   between ``+threshold`` and ``-threshold`` crossings; excursions that return without crossing the
   opposite threshold are not walls.
3. **Count.** The number of walls is the number of state changes around the ring.  It is always
   even (walls come in pairs on a ring); a configuration that never crosses a threshold, or only one
   of them, has zero walls.

The default threshold is ``m0 / 2`` with ``m0`` the stable fixed point of the force, and the
default coarse-graining length is a fraction of the noiseless wall width (see
:func:`default_coarse_graining_length`).  The count depends on ``ell`` because, at the paper's
parameters, walls are not dilute (``E_DW / T ~ 1-2``): short-lived wall pairs exist on every
scale.  The ``ell``-independent alternative is the correlation-length density ``1 / (2 xi)``
(:mod:`lindhydro.analysis.correlations`), which has an exact transfer-integral counterpart
(:mod:`lindhydro.analysis.transfer`).

Measured ``ell`` dependence (toy model, ``gamma = 0.875``, no ``xi^th``, 4 realisations of
``L = 1000``, ``t = 400``): at ``eps = 0.2`` the density falls from 0.033 (``ell = 1``) through
0.030 (2), 0.024 (``w/2 = 5.2``), 0.018 (10) to 0.011 (``ell = 20``), with no plateau, while the
exact ``1/(2 xi)`` is 0.044.  Fitting ``A eps^(1/4) exp(-c/sqrt(eps))`` over ``eps = 0.15 ... 0.5``
gives ``c = 0.49 +- 0.02`` for ``ell = 1`` and for ``ell = w/2`` (the Arrhenius value
``E_DW sqrt(eps) / T = 0.49``), but 0.30 for ``ell = 5``, 0.12 for ``ell = 10`` and -0.05 for
``ell = 20``: a fixed ``ell`` comparable with the wall spacing merges walls.  With the conserved
noise every cell carries a white part of variance ``chi_T / dx``; its box average has variance
``chi_T / ell`` (0.1 at ``ell = 5``, comparable with ``threshold^2 = 0.11``), so small ``ell``
count noise crossings (density ~0.26 at ``ell = 1``, independent of ``eps``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "WallDensityMeasurement",
    "count_walls",
    "default_coarse_graining_length",
    "default_threshold",
    "force_polynomial",
    "measure_wall_density",
    "smooth",
    "stable_magnetisation",
    "wall_density",
    "wall_positions",
    "wall_width",
]


def force_polynomial(model: Any) -> np.ndarray:
    """Return the odd-polynomial coefficients ``(c1, c3, c5, ...)`` of a model's force.

    Parameters
    ----------
    model : object
        Anything with a ``force_coeffs`` attribute (:class:`lindhydro.field.FieldModel`), or a
        sequence of coefficients itself.  ``f(m) = sum_k c_(2k+1) m^(2k+1)`` in units
        ``D = J = a = 1`` (already multiplied by ``eps``).

    Returns
    -------
    numpy.ndarray
        Float array of the coefficients, lowest order first.
    """
    coeffs = getattr(model, "force_coeffs", model)
    c = np.atleast_1d(np.asarray(coeffs, dtype=float))
    if c.ndim != 1 or c.size == 0 or not np.all(np.isfinite(c)):
        raise ValueError(
            f"force coefficients must be a non-empty finite 1D sequence, got {coeffs!r}"
        )
    return c


def _evaluate_force(c: np.ndarray, m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=float)
    return sum(ck * m ** (2 * k + 1) for k, ck in enumerate(c))


def _potential(c: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``v(m) = -int_0^m f``, with ``v(0) = 0``."""
    m = np.asarray(m, dtype=float)
    return -sum(ck * m ** (2 * k + 2) / (2 * k + 2) for k, ck in enumerate(c))


def stable_magnetisation(model: Any) -> float:
    """Return the stable fixed point ``m0 > 0`` of the noiseless, uniform dynamics ``dm/dt = f(m)``.

    Parameters
    ----------
    model : object
        A model with ``force_coeffs`` (see :func:`force_polynomial`).  ``m = 0`` must be unstable
        (``c1 > 0``): the bistable regime.

    Returns
    -------
    float
        The smallest positive zero of ``f``; for the paper's toy model ``m0 = sqrt(5 - 4 / gamma)``.

    Raises
    ------
    ValueError
        If ``m = 0`` is stable (no bistability) or ``f`` has no positive zero.
    """
    c = force_polynomial(model)
    if c[0] <= 0:
        raise ValueError(
            f"the force has a stable (or marginal) m = 0 (c1 = {c[0]:g} <= 0): no bistability, "
            "so there is no m0, wall width or domain wall"
        )
    # f(m)/m is a polynomial in u = m^2 with coefficients c (lowest first)
    roots = np.roots(c[::-1]) if c.size > 1 else np.array([])
    u = np.sort([r.real for r in roots if abs(r.imag) < 1e-12 * max(1.0, abs(r)) and r.real > 0])
    if u.size == 0:
        raise ValueError("the force has no positive zero: f(m) > 0 for all m > 0 (runaway)")
    return float(np.sqrt(u[0]))


def wall_width(model: Any) -> float:
    """Return the width ``w`` of the noiseless domain wall, ``m(r) ~ m0 tanh(r / w)``.

    Defined for any odd polynomial force by the slope at the wall centre,
    ``w = m0 / m'(0) = m0 sqrt(D / (2 [v(0) - v(m0)]))`` (energy conservation of
    ``D m'' = -f(m)``, ``v = -int f``).  For a cubic force this is exact, ``w = sqrt(2 D / c1)``;
    for the paper's toy model ``w = x0 / sqrt(eps)``, ``x0 = sqrt(8 D / ((5 gamma - 4) J))``.

    Parameters
    ----------
    model : object
        Anything with ``force_coeffs`` and ``D`` (units ``a``, ``a^2 / time``).

    Returns
    -------
    float
        Wall width in units of length (``a``).
    """
    c = force_polynomial(model)
    D = float(getattr(model, "D", 1.0))
    if not D > 0:
        raise ValueError(f"the diffusion constant must be positive, got D = {D!r}")
    m0 = stable_magnetisation(c)
    barrier = float(_potential(c, 0.0) - _potential(c, m0))
    return float(m0 * np.sqrt(D / (2.0 * barrier)))


def default_threshold(model: Any) -> float:
    """Return the default hysteresis threshold ``m0 / 2`` of a model.

    Parameters
    ----------
    model : object
        Anything with ``force_coeffs`` (see :func:`stable_magnetisation`).

    Returns
    -------
    float
        ``m0 / 2``.
    """
    return 0.5 * stable_magnetisation(model)


def default_coarse_graining_length(model: Any, fraction: float = 0.5) -> float:
    """Return the default coarse-graining length ``ell = fraction * w`` of the wall count.

    Parameters
    ----------
    model : object
        Anything with ``force_coeffs`` and ``D`` (see :func:`wall_width`).
    fraction : float, default 0.5
        Fraction of the noiseless wall width ``w = x0 / sqrt(eps)``.  Half a wall width keeps a
        noiseless wall intact (its smoothed profile still crosses ``+-m0/2``) while averaging out
        fluctuations on scales shorter than the wall itself.  At ``eps = 0.2``, ``gamma = 0.875``
        (``w = 10.3``) this gives ``ell = 5.2``.

    Returns
    -------
    float
        Length in units of ``a``.
    """
    if not fraction > 0:
        raise ValueError(f"fraction must be positive, got {fraction!r}")
    return float(fraction * wall_width(model))


def _validate_field(m: Any, dx: float) -> np.ndarray:
    if not (np.isscalar(dx) and float(dx) > 0 and np.isfinite(dx)):
        raise ValueError(f"dx must be a positive finite number, got {dx!r}")
    arr = np.asarray(m, dtype=float)
    if arr.ndim < 1 or arr.shape[-1] < 2:
        raise ValueError(f"m must have shape (..., L) with L >= 2 cells, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("m contains NaN or inf")
    return arr


def _box_cells(ell: float, dx: float, n_cells: int) -> int:
    if ell is None or not np.isfinite(ell) or ell < 0:
        raise ValueError(f"ell (coarse-graining length) must be a finite number >= 0, got {ell!r}")
    k = int(round(float(ell) / (2.0 * float(dx))))
    n = 2 * k + 1
    if n > n_cells:
        raise ValueError(
            f"coarse-graining length ell = {ell:g} spans {n} cells, more than the ring of "
            f"{n_cells} cells (length {n_cells * dx:g}); use ell < L"
        )
    return n


def smooth(m: Any, *, dx: float, ell: float) -> np.ndarray:
    """Average a periodic field over a box of length ``ell`` (``2k+1`` cells, ``k = round(ell/(2dx))``).

    Parameters
    ----------
    m : array_like, shape (..., L)
        Field on a periodic line of ``L`` cells (last axis).
    dx : float
        Cell width.
    ell : float
        Coarse-graining length (same units as ``dx``); ``ell < dx`` means no smoothing.

    Returns
    -------
    numpy.ndarray
        The smoothed field, same shape; its sum over the ring equals that of ``m``.
    """
    arr = _validate_field(m, dx)
    n = _box_cells(ell, dx, arr.shape[-1])
    if n == 1:
        return arr.copy()
    k = n // 2
    ext = np.concatenate([arr[..., -k:], arr, arr[..., :k]], axis=-1)
    cs = np.cumsum(ext, axis=-1)
    cs = np.concatenate([np.zeros(arr.shape[:-1] + (1,)), cs], axis=-1)
    return (cs[..., n:] - cs[..., :-n]) / n


def _hysteretic_state(ms: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Return the hysteretic state (+1/-1, 0 if never determined) of every cell of a smoothed field."""
    events = np.where(ms > threshold, 1, np.where(ms < -threshold, -1, 0)).astype(np.int8)
    L = ms.shape[-1]
    idx = np.where(events != 0, np.arange(L), -1)
    idx = np.maximum.accumulate(idx, axis=-1)
    # cells before the first event inherit the last event of the ring (periodic wrap)
    last = idx[..., -1:]
    idx = np.where(idx < 0, last, idx)
    state = np.take_along_axis(events, np.maximum(idx, 0), axis=-1)
    return np.where(idx < 0, 0, state).astype(np.int8)


def _threshold_array(ms: np.ndarray, threshold: float | None) -> np.ndarray:
    if threshold is None:
        # data-driven m0/2: half the rms of the smoothed field of each configuration
        return 0.5 * np.sqrt(np.mean(ms**2, axis=-1, keepdims=True))
    if not (np.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be a positive finite number, got {threshold!r}")
    return np.asarray(float(threshold))


def count_walls(m: Any, *, dx: float, ell: float, threshold: float | None = None) -> np.ndarray:
    """Count domain walls on a periodic line (hysteresis at ``+-threshold`` after smoothing over ``ell``).

    See the module docstring for the method.

    Parameters
    ----------
    m : array_like, shape (..., L)
        Field on a periodic line of ``L`` cells (last axis); leading axes are independent
        configurations (snapshots, realisations).
    dx : float
        Cell width (units of ``a``).
    ell : float
        Coarse-graining length (units of ``a``), e.g. :func:`default_coarse_graining_length`.
    threshold : float, optional
        Hysteresis threshold (units of ``m``), e.g. :func:`default_threshold` (``m0 / 2``).  If
        omitted, half the rms of the smoothed field of each configuration is used (a data-driven
        estimate of ``m0 / 2`` in the ordered phase); pass the model's value for reproducible counts.

    Returns
    -------
    numpy.ndarray of int64, shape (...)
        Number of walls of each configuration (even).
    """
    ms = smooth(m, dx=dx, ell=ell)
    state = _hysteretic_state(ms, _threshold_array(ms, threshold))
    changes = state != np.roll(state, 1, axis=-1)
    return np.sum(changes & (state != 0), axis=-1).astype(np.int64)


def wall_density(m: Any, *, dx: float, ell: float, threshold: float | None = None) -> np.ndarray:
    """Return the wall density ``count_walls / (L dx)`` (walls per unit length) of each configuration.

    Parameters
    ----------
    m : array_like, shape (..., L)
        Configurations on a ring of ``L`` cells.
    dx : float
        Cell width.
    ell : float
        Coarse-graining length.
    threshold : float, optional
        Hysteresis threshold (see :func:`count_walls`).

    Returns
    -------
    numpy.ndarray, shape (...)
        Walls per unit length (units ``1/a``).
    """
    arr = _validate_field(m, dx)
    return count_walls(arr, dx=dx, ell=ell, threshold=threshold) / (arr.shape[-1] * float(dx))


def wall_positions(m: Any, *, dx: float, ell: float, threshold: float | None = None) -> np.ndarray:
    """Return the positions of the walls of one configuration (for plots).

    A wall is placed at the first cell (cell centre ``(i + 1/2) dx``) whose hysteretic state differs
    from that of the cell before it; ``len(wall_positions(...)) == count_walls(...)``.

    Parameters
    ----------
    m : array_like, shape (L,)
        One configuration.
    dx : float
        Cell width.
    ell : float
        Coarse-graining length.
    threshold : float, optional
        Hysteresis threshold (see :func:`count_walls`).

    Returns
    -------
    numpy.ndarray
        Sorted positions in ``[0, L dx)``.
    """
    arr = _validate_field(m, dx)
    if arr.ndim != 1:
        raise ValueError(f"wall_positions takes one configuration of shape (L,), got {arr.shape}")
    ms = smooth(arr, dx=dx, ell=ell)
    state = _hysteretic_state(ms, _threshold_array(ms, threshold))
    i = np.flatnonzero((state != np.roll(state, 1)) & (state != 0))
    return (i + 0.5) * float(dx)


# ---------------------------------------------------------------------------- measurement
@dataclass(frozen=True, eq=False)
class WallDensityMeasurement:
    """Wall densities of an ensemble of runs of one model (:func:`measure_wall_density`).

    All averages are over the second half of the run (the first half is the transient); the
    steady-state criterion of :func:`lindhydro.analysis.fits.steady_state` is applied to the
    density at ``ells[0]``.

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
        ``xi`` of each realisation (second-half ``C(r)``, tail fit of
        :mod:`lindhydro.analysis.correlations`).
    r, correlation : numpy.ndarray
        Ensemble- and second-half-averaged ``C(r)``.
    correlation_per_realisation : numpy.ndarray, shape (R, len(r))
        Second-half-averaged ``C(r)`` of every realisation.
    m2 : numpy.ndarray, shape (R,)
        Second-half mean of ``m^2`` per realisation.
    steady : lindhydro.analysis.fits.SteadyState
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
    m2: np.ndarray
    steady: Any

    @property
    def correlation_density(self) -> np.ndarray:
        """``1 / (2 xi)`` per realisation (the ``ell``-free density measure)."""
        return 0.5 / self.correlation_length

    @property
    def ensemble_correlation_length(self) -> float:
        """``xi`` of the ensemble-averaged ``C(r)`` (less noisy than per-realisation fits)."""
        from lindhydro.analysis.correlations import correlation_length_from_function

        return correlation_length_from_function(self.r, self.correlation)

    def correlation_density_of(self, C_realisations: Any) -> float:
        """``1 / (2 xi)`` of the average of the given per-realisation ``C(r)`` (for resampling)."""
        from lindhydro.analysis.correlations import correlation_length_from_function

        c = np.asarray(C_realisations, dtype=float).mean(axis=0)
        return 0.5 / correlation_length_from_function(self.r, c)

    def to_dict(self) -> dict:
        """JSON-ready summary (means and standard errors over realisations)."""
        R = self.density.shape[1]

        def se(x: np.ndarray) -> list:
            return (
                (np.std(x, axis=-1, ddof=1) / np.sqrt(R)).tolist()
                if R > 1
                else [None] * np.atleast_2d(x).shape[0]
            )

        return {
            "parameters": self.parameters,
            "ells": self.ells.tolist(),
            "threshold": self.threshold,
            "density_mean": self.density.mean(axis=1).tolist(),
            "density_error": se(self.density),
            "correlation_length": self.correlation_length.tolist(),
            "correlation_density_mean": float(np.mean(self.correlation_density)),
            "ensemble_correlation_length": self.ensemble_correlation_length,
            "ensemble_correlation_density": 0.5 / self.ensemble_correlation_length,
            "m2_mean": float(np.mean(self.m2)),
            "steady": self.steady.to_dict(),
        }


def measure_wall_density(
    model: Any,
    *,
    length: float,
    time: float,
    seed: Any,
    realisations: int = 1,
    ells: Any = None,
    threshold: float | None = None,
    dx: float = 0.25,
    dt: float = 0.001,
    record_interval: float = 1.0,
    initial: Any = "random",
    threads: int | None = None,
    progress: bool = False,
    max_chunk_bytes: float = 32 * 2**20,
) -> WallDensityMeasurement:
    """Simulate an ensemble and measure wall densities for several coarse-graining lengths.

    Runs :func:`lindhydro.field.simulate_ensemble` in chunks (continued bit-identically from the
    previous chunk's states), counts walls in every recorded field for every ``ell``
    (:func:`count_walls`), and accumulates ``C(r)`` over the second half.

    Parameters
    ----------
    model : lindhydro.field.FieldModel
        A bistable model.
    length, time : float
        Ring length and duration (units ``a`` and ``a^2 / D``).
    seed : int or numpy.random.SeedSequence
        Seed of the ensemble (realisation ``r`` uses child ``r``).
    realisations : int, default 1
        Number of independent runs.
    ells : array_like, optional
        Coarse-graining lengths (default: ``[default_coarse_graining_length(model)]``).
    threshold : float, optional
        Hysteresis threshold (default ``m0 / 2``).
    dx, dt : float
        Lattice (the paper's 0.25, 0.001).
    record_interval : float, default 1
        Time between records (a multiple of ``dt``).
    initial : str or array
        Initial state (see :func:`lindhydro.field.simulate`).
    threads : int, optional
        numba threads (default: all).
    progress : bool
        Progress bar on stderr.
    max_chunk_bytes : float
        Memory of the fields kept per chunk.

    Returns
    -------
    WallDensityMeasurement
    """
    from lindhydro.analysis.correlations import (
        correlation_function,
        correlation_length_from_function,
    )
    from lindhydro.analysis.fits import steady_state
    from lindhydro.field import simulate_ensemble

    ell_arr = np.atleast_1d(
        np.asarray([default_coarse_graining_length(model)] if ells is None else ells, dtype=float)
    )
    if (
        ell_arr.ndim != 1
        or ell_arr.size == 0
        or np.any(~np.isfinite(ell_arr))
        or np.any(ell_arr < 0)
    ):
        raise ValueError(f"ells must be finite lengths >= 0, got {ells!r}")
    thr = default_threshold(model) if threshold is None else float(threshold)
    if not (np.isfinite(dt) and dt > 0 and np.isfinite(record_interval) and record_interval > 0):
        raise ValueError("dt and record_interval must be positive")
    every = int(round(record_interval / dt))
    if every < 1 or abs(every * dt - record_interval) > 1e-9 * record_interval:
        raise ValueError(f"record_interval = {record_interval} must be a multiple of dt = {dt}")
    n_rec = int(round(time / (every * dt)))
    if n_rec < 8 or abs(n_rec * every * dt - time) > 1e-9 * time:
        raise ValueError(
            f"time = {time} must be a multiple of record_interval = {record_interval} with at least 8 records"
        )
    n_cells = int(round(length / dx))
    if not (isinstance(realisations, int | np.integer) and realisations >= 1):
        raise ValueError(f"realisations must be a positive integer, got {realisations!r}")
    R = int(realisations)
    for ell in ell_arr:
        _box_cells(ell, dx, n_cells)
    per_record = 8.0 * n_cells * R
    chunk = int(max(1, min(n_rec, max_chunk_bytes // per_record)))
    half = n_rec // 2  # records with index >= half enter the averages
    counts = np.zeros((ell_arr.size, R, n_rec))
    m2t = np.zeros((R, n_rec))
    C_sum = np.zeros(n_cells // 2 + 1)
    n_c = np.zeros(R)
    C_real = np.zeros((R, n_cells // 2 + 1))
    times = np.zeros(n_rec)
    states = None
    done = 0
    while done < n_rec:
        k = min(chunk, n_rec - done)
        res = simulate_ensemble(
            model,
            realisations=R,
            length=length,
            time=k * every * dt,
            dx=dx,
            dt=dt,
            seed=seed if states is None else None,
            initial=initial,
            states=states,
            record_every=every,
            snapshot_every=every,
            ell=float(ell_arr[0]),
            threshold=thr,
            threads=threads,
            progress=progress,
        )
        states = [x.final_state for x in res]
        for r, x in enumerate(res):
            snaps = np.asarray(x.snapshots)
            if snaps.shape[0] != k:
                raise RuntimeError(
                    f"expected {k} snapshots, got {snaps.shape[0]}"
                )  # pragma: no cover
            times[done : done + k] = x.snapshot_times
            m2t[r, done : done + k] = np.mean(snaps**2, axis=1)
            for j, ell in enumerate(ell_arr):
                counts[j, r, done : done + k] = count_walls(
                    snaps, dx=dx, ell=float(ell), threshold=thr
                )
            sel = np.arange(done, done + k) >= half
            if np.any(sel):
                _, c = correlation_function(snaps[sel], dx, average=False)
                C_real[r] += c.sum(axis=0)
                n_c[r] += sel.sum()
        done += k
    dens_t = counts / (n_cells * dx)
    C_real /= n_c[:, None]
    C_sum = C_real.mean(axis=0)
    r_axis = np.arange(n_cells // 2 + 1) * dx
    xi = np.array([correlation_length_from_function(r_axis, c) for c in C_real])
    params = {
        "model": model.to_dict() if hasattr(model, "to_dict") else repr(model),
        "length": float(length),
        "time": float(time),
        "dx": float(dx),
        "dt": float(dt),
        "realisations": R,
        "seed": seed if isinstance(seed, int | np.integer) else repr(seed),
        "record_interval": float(record_interval),
        "initial": initial if isinstance(initial, str) else "array",
        "ells": ell_arr.tolist(),
        "threshold": thr,
        "averaging": "second half of the records",
        "wall_count": "hysteresis at +-threshold after a periodic box average over ell",
    }
    return WallDensityMeasurement(
        parameters=params,
        ells=ell_arr,
        threshold=thr,
        times=times,
        density_vs_time=dens_t,
        m2_vs_time=m2t,
        density=dens_t[:, :, half:].mean(axis=2),
        correlation_length=xi,
        r=r_axis,
        correlation=C_sum,
        correlation_per_realisation=C_real,
        m2=m2t[:, half:].mean(axis=1),
        steady=steady_state(dens_t[0] if R > 1 else dens_t[0, 0]),
    )
