"""Measurements on field configurations of a periodic line: box smoothing, walls, correlation length.

These are the primitives the trackers (:mod:`lindhydro.field.trackers`) apply between integration
chunks and that :mod:`lindhydro.analysis` re-exports.  Conventions (``docs/physics.md``, *Counting
domain walls*):

* **Walls**: the field is averaged over a periodic box of ``2k + 1`` cells, ``k = round(ell / (2 dx))``
  (``ell = 0``: no smoothing); a cell is *up* above ``+threshold``, *down* below ``-threshold``
  and keeps the last determined state in between (walking around the ring); the number of walls is
  the number of state changes around the ring (always even).
* **Correlation length** of a sampled ``C(r)`` (``r[0] = 0``): the decay length of the exponential
  tail, a least-squares fit of ``ln C`` weighted by ``C`` over the window
  ``exp(-2.5) <= C(r) / C(dx) <= exp(-1)`` (``method="fit"``); ``"efold"``: the interpolated distance
  beyond the first lag where ``C = C(dx) / e``; ``"second_moment"``: ``sqrt(sum r^2 C / (2 sum C))``.
  ``C(0)``, which holds the white lattice-scale part (e.g. the conserved noise, ``chi_T / dx`` per
  cell), is not used as reference; fewer than three points in the window fall back to ``"efold"``;
  ``C(dx) <= 0`` gives ``xi < dx`` by linear interpolation of ``C = C(0) / e``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

__all__ = [
    "CORRELATION_LENGTH_METHODS",
    "box_cells",
    "correlation_length_from_function",
    "count_walls",
    "count_walls_ring",
    "smooth",
    "validate_field",
    "wall_density",
    "wall_positions",
]

#: Estimators of :func:`correlation_length_from_function`.
CORRELATION_LENGTH_METHODS = ("fit", "efold", "second_moment")


def validate_field(m: Any, dx: float) -> np.ndarray:
    """``m`` as a float array of shape ``(..., L)``, ``L >= 2``, after checking ``dx`` and finiteness.

    Parameters
    ----------
    m : array_like, shape (..., L)
        Configurations on a ring of ``L`` cells (last axis).
    dx : float
        Cell width (> 0).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        Bad ``dx``, fewer than two cells, or NaN/inf in ``m``.
    """
    if not (np.isscalar(dx) and np.isfinite(dx) and float(dx) > 0):
        raise ValueError(f"dx must be a positive finite number, got {dx!r}")
    arr = np.asarray(m, dtype=float)
    if arr.ndim < 1 or arr.shape[-1] < 2:
        raise ValueError(f"m must have shape (..., L) with L >= 2 cells, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("m contains NaN or inf")
    return arr


def box_cells(ell: float, dx: float, n_cells: int) -> int:
    """Number of cells ``2 k + 1`` (``k = round(ell / (2 dx))``) of the smoothing box of length ``ell``.

    Parameters
    ----------
    ell : float
        Coarse-graining length (>= 0).
    dx : float
        Cell width.
    n_cells : int
        Cells of the ring (the box must fit).

    Returns
    -------
    int
        Odd, at least 1 (``ell < dx``: no smoothing).

    Raises
    ------
    ValueError
        ``ell`` not finite, negative, or a box longer than the ring.
    """
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
    arr = validate_field(m, dx)
    n = box_cells(ell, dx, arr.shape[-1])
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


def _wall_starts(m: Any, dx: float, ell: float, threshold: float | None) -> np.ndarray:
    """True at every cell whose hysteretic state differs from that of the cell before it (a wall)."""
    ms = smooth(m, dx=dx, ell=ell)
    state = _hysteretic_state(ms, _threshold_array(ms, threshold))
    return (state != np.roll(state, 1, axis=-1)) & (state != 0)


def count_walls(m: Any, *, dx: float, ell: float, threshold: float | None = None) -> np.ndarray:
    """Count domain walls on a periodic line (hysteresis at ``+-threshold`` after smoothing over ``ell``).

    Method: module docstring (box average over ``ell``, hysteresis at ``+-threshold``).

    Parameters
    ----------
    m : array_like, shape (..., L)
        Field on a periodic line of ``L`` cells (last axis); leading axes are independent
        configurations (snapshots, realisations).
    dx : float
        Cell width (units of ``a``).
    ell : float
        Coarse-graining length (units of ``a``), e.g. the model's
        :attr:`~lindhydro.field.FieldModel.coarse_graining_length`.
    threshold : float, optional
        Hysteresis threshold (units of ``m``), e.g. :attr:`~lindhydro.field.FieldModel.wall_threshold`
        (``m0 / 2``).  If
        omitted, half the rms of the smoothed field of each configuration is used (a data-driven
        estimate of ``m0 / 2`` in the ordered phase); pass the model's value for reproducible counts.

    Returns
    -------
    numpy.ndarray of int64, shape (...)
        Number of walls of each configuration (even).
    """
    return np.sum(_wall_starts(m, dx, ell, threshold), axis=-1).astype(np.int64)


@njit(cache=True, error_model="numpy")
def count_walls_ring(m, n_box, threshold):
    """:func:`count_walls` of one ring in a single pass (numba; its NumPy twin is :func:`count_walls`).

    The box sums are the same running sums as :func:`smooth` (a cumulative sum of the periodically
    extended field, differenced and divided by ``n_box``), so both give the same count bit for bit.

    Parameters
    ----------
    m : float64 array, shape (L,)
        One configuration on a periodic line.
    n_box : int
        Cells of the smoothing box, odd (:func:`box_cells`).
    threshold : float
        Hysteresis threshold (> 0).

    Returns
    -------
    int
        Number of walls (even).
    """
    L = m.shape[0]
    if n_box == 1:  # no smoothing: the cells themselves (as smooth() returns them)
        ext = np.empty(L + 1)
        ext[0] = 0.0
        return _hysteresis_walls(m, ext, 1, threshold, True)
    k = n_box // 2
    ext = np.empty(L + 2 * k + 1)
    ext[0] = 0.0
    acc = 0.0
    for j in range(L + 2 * k):
        acc += m[(j - k) % L]
        ext[j + 1] = acc
    return _hysteresis_walls(m, ext, n_box, threshold, False)


@njit(cache=True, error_model="numpy", inline="always")
def _box_mean(m, ext, i, n_box, raw):
    return m[i] if raw else (ext[i + n_box] - ext[i]) / n_box


@njit(cache=True, error_model="numpy")
def _hysteresis_walls(m, ext, n_box, threshold, raw):
    """State changes around the ring of the box means (``raw``: the cells of ``m`` themselves)."""
    L = m.shape[0]
    state = 0
    for i in range(L - 1, -1, -1):  # the state entering cell 0 is the ring's last event
        s = _box_mean(m, ext, i, n_box, raw)
        if s > threshold or s < -threshold:
            state = 1 if s > threshold else -1
            break
    walls = 0
    for i in range(L):
        s = _box_mean(m, ext, i, n_box, raw)
        e = 1 if s > threshold else (-1 if s < -threshold else 0)
        if e != 0 and e != state:
            walls += 1
            state = e
    return walls


def wall_density(m: Any, *, dx: float, ell: float, threshold: float | None = None) -> np.ndarray:
    """Return the wall density ``count_walls / (L dx)`` (walls per unit length) of each configuration.

    Parameters
    ----------
    m, dx, ell, threshold
        As in :func:`count_walls`.

    Returns
    -------
    numpy.ndarray, shape (...)
        Walls per unit length (units ``1/a``).
    """
    arr = validate_field(m, dx)
    return count_walls(arr, dx=dx, ell=ell, threshold=threshold) / (arr.shape[-1] * float(dx))


def wall_positions(m: Any, *, dx: float, ell: float, threshold: float | None = None) -> np.ndarray:
    """Return the positions of the walls of one configuration (for plots).

    A wall is placed at the first cell (cell centre ``(i + 1/2) dx``) whose hysteretic state differs
    from that of the cell before it; ``len(wall_positions(...)) == count_walls(...)``.

    Parameters
    ----------
    m : array_like, shape (L,)
        One configuration.
    dx, ell, threshold
        As in :func:`count_walls`.

    Returns
    -------
    numpy.ndarray
        Sorted positions in ``[0, L dx)``.
    """
    arr = validate_field(m, dx)
    if arr.ndim != 1:
        raise ValueError(f"wall_positions takes one configuration of shape (L,), got {arr.shape}")
    return (np.flatnonzero(_wall_starts(arr, dx, ell, threshold)) + 0.5) * float(dx)


def correlation_length_from_function(
    r: Any,
    C: Any,
    *,
    method: str = "fit",
    window: tuple[float, float] = (np.exp(-2.5), np.exp(-1.0)),
) -> float:
    """Estimate the correlation length from a sampled ``C(r)`` (``r[0] = 0``, ``r`` increasing).

    Parameters
    ----------
    r, C : array_like, shape (n,)
        Distances and correlation function, e.g. from
        :func:`lindhydro.analysis.correlations.correlation_function`.
    method : {"fit", "efold", "second_moment"}
        See the module docstring (``"fit"``, the default, is the tail fit).
    window : (float, float)
        Fit window in ``C(r) / C(dx)`` (lower, upper) for ``method="fit"``.  Only the first
        contiguous stretch of ``r`` with ``C / C(dx)`` above the lower bound is used.

    Returns
    -------
    float
        Correlation length in the units of ``r``; ``inf`` if ``C`` never decays to ``C(0)/e``
        within the range (correlations longer than half the ring); ``nan`` if ``C(0) <= 0``.
    """
    r = np.asarray(r, dtype=float)
    c = np.asarray(C, dtype=float)
    if r.shape != c.shape or r.ndim != 1 or r.size < 2:
        raise ValueError(
            f"r and C must be 1D arrays of the same length >= 2, got {r.shape}, {c.shape}"
        )
    if method not in CORRELATION_LENGTH_METHODS:
        raise ValueError(f"unknown method {method!r}; allowed: {CORRELATION_LENGTH_METHODS}")
    lo, hi = window
    if not 0 < lo < hi < 1:
        raise ValueError(f"window must satisfy 0 < lower < upper < 1, got {window!r}")
    if not c[0] > 0:
        return float("nan")
    if method == "second_moment":
        neg = np.flatnonzero(c <= 0)
        end = neg[0] if neg.size else c.size
        seg_r, seg_c = r[:end], c[:end]
        return float(np.sqrt(np.sum(seg_r**2 * seg_c) / (2.0 * np.sum(seg_c))))
    if not c[1] > 0:
        # correlations shorter than one cell: C(r) = C(0)/e between r = 0 and r[1], linearly
        return float((1.0 - np.exp(-1.0)) / (1.0 - c[1] / c[0]) * r[1])
    # reference C(r[1]): C(0) alone holds the white lattice-scale part (e.g. the conserved
    # noise, chi_T / dx per cell), which says nothing about the decay
    g = c[1:] / c[1]
    rr = r[1:] - r[1]
    below = np.flatnonzero(g < lo)
    stop = below[0] if below.size else g.size  # first contiguous stretch above the noise floor
    if method == "fit":
        sel = np.arange(stop)
        sel = sel[(g[sel] <= hi) & (g[sel] >= lo)]
        if sel.size >= 3:
            # the statistical error of C(r) is roughly r-independent: weight ln C by C
            slope = np.polyfit(rr[sel], np.log(g[sel]), 1, w=g[sel])[0]
            return float(-1.0 / slope) if slope < 0 else float("inf")
    # e-folding length beyond the first lag, interpolated in ln C (linearly once C <= 0)
    cross = np.flatnonzero(g <= np.exp(-1.0))
    if cross.size == 0:
        return float("inf")
    j = cross[0]
    g0, g1 = g[j - 1], g[j]
    if g1 > 0:
        t = (np.log(g0) + 1.0) / (np.log(g0) - np.log(g1))
    else:
        t = (g0 - np.exp(-1.0)) / (g0 - g1)
    return float(rr[j - 1] + t * (rr[j] - rr[j - 1]))
