"""Counter-based normal random numbers for the SPDE integrator.

The integrator needs one standard normal per cell and time step.  They are a pure function of
``(key, step, cell)``, so that

* the same seed gives the same numbers on every machine and for any number of workers,
* a run continued from a saved state (``key``, global step index) is bit-identical to an
  uninterrupted one, and
* the numba kernel can generate them inline, vectorised, without any generator state.

Construction
------------
``key`` is a 64-bit integer derived from the user's seed by :class:`numpy.random.SeedSequence`
(:func:`key_from_seed`).  For global step ``n`` the stream base is
``b = mix64(key ^ mix64(n + STEP_SALT))`` and pair ``j`` gets the 64-bit hash ``h_j = mix64(b + (j + 1) * GOLDEN)``; ``mix64`` is the SplitMix64 finaliser, so along
``j`` this is the SplitMix64 generator (which passes BigCrush) started at a step-dependent,
hashed position.  Box-Muller turns the two 32-bit halves of ``h_j`` into two independent
standard normals: ``u1 = (lo + 1/2) 2^-32`` (never 0), ``u2 = hi 2^-32``,
``r = sqrt(-2 ln u1)``, ``theta = 2 pi u2 - pi``.  Cells are grouped in cache blocks of
``BLOCK = 1024``; in the block starting at cell ``s`` with ``nb`` cells, pair ``j = s/2 + p``
gives ``r cos(theta)`` to cell ``s + p`` and ``r sin(theta)`` to cell ``s + p + ceil(nb/2)``.  ``ln``, ``sin`` and ``cos`` are branch-free polynomials accurate to
better than 1e-9, identical in the NumPy (:func:`normals_reference`) and numba
(:func:`lindhydro.field.kernels.fill_normals`) implementations.  The 32-bit ``u1`` truncates the
radius at ``r <= 6.76``, an event of probability ``2^-33`` per pair.

The blocked integrator (:func:`lindhydro.field.kernels.heun_advance`) uses Philox4x32-10 instead
(:func:`philox_normals`, :mod:`lindhydro.field.philox`): one call per cell and group of four
steps, counter ``(cell, step // 4)`` and the same 64-bit key, Box-Muller in float32 or float64.
Both generators stay selectable; the streams differ.
"""

from __future__ import annotations

import numpy as np

from lindhydro.field import kernels as _k
from lindhydro.field.boxmuller import (
    log_unit_reference,
    normal_pair_reference,
    sin_cos_half_reference,
)
from lindhydro.field.philox import fill_philox_normals, philox4x32_reference

__all__ = [
    "PRECISIONS",
    "key_from_seed",
    "normals",
    "normals_reference",
    "philox_normals",
    "philox_normals_reference",
    "seed_sequence",
]

_MASK = (1 << 64) - 1
_LOW32 = np.uint64(0xFFFFFFFF)
#: Precisions of the Philox normals (and of the blocked integrator's state).
PRECISIONS = {"float32": np.float32, "float64": np.float64}


def seed_sequence(seed) -> np.random.SeedSequence:
    """Return a :class:`numpy.random.SeedSequence` for ``seed``.

    Parameters
    ----------
    seed : int, sequence of int or numpy.random.SeedSequence
        Anything accepted by ``SeedSequence(entropy)``, or a ``SeedSequence`` (e.g. a spawned
        child, as used by :func:`lindhydro.field.simulate_ensemble`).

    Returns
    -------
    numpy.random.SeedSequence

    Raises
    ------
    ValueError
        If ``seed`` is None or not a valid entropy (runs must be reproducible).
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is None:
        raise ValueError("seed is required (an int >= 0, a sequence of ints or a SeedSequence)")
    if isinstance(seed, bool | float | np.floating | str):
        raise ValueError(f"seed must be a non-negative int, a sequence of ints or a SeedSequence, got {seed!r}")
    try:
        return np.random.SeedSequence(seed)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"invalid seed {seed!r}: {exc}") from None


def key_from_seed(seed) -> int:
    """Return the 64-bit stream key of a seed: ``SeedSequence(seed).generate_state(1, uint64)[0]``.

    Parameters
    ----------
    seed : int, sequence of int or numpy.random.SeedSequence
        The user's seed.

    Returns
    -------
    int
        In ``[0, 2^64)``.
    """
    return int(seed_sequence(seed).generate_state(1, dtype=np.uint64)[0])


def _check_cells(n: int) -> None:
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")


def normals(key: int, step: int, n: int) -> np.ndarray:
    """Return the ``n`` standard normals of global step ``step`` of the ``float64-splitmix`` stream (numba).

    Parameters
    ----------
    key, step, n : int
        Stream key (:func:`key_from_seed`), global step index (>= 0) and number of cells, as in
        :func:`philox_normals`.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    _check_cells(n)
    z = np.empty(n + 1)
    _k.fill_normals(z, np.uint64(key & _MASK), np.uint64(step), n)
    return z[:n]


def _mix64(z: np.ndarray) -> np.ndarray:
    m1, m2 = _k.MIX64_MULTIPLIERS
    z = (z ^ (z >> np.uint64(30))) * m1
    z = (z ^ (z >> np.uint64(27))) * m2
    return z ^ (z >> np.uint64(31))


def normals_reference(key: int, step: int, n: int) -> np.ndarray:
    """Pure-NumPy twin of :func:`normals` (same numbers, used by the tests).

    Parameters
    ----------
    key, step, n : int
        As in :func:`normals`.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    _check_cells(n)
    with np.errstate(over="ignore"):
        key = np.uint64(key & _MASK)
        base = _mix64(np.array([key], dtype=np.uint64) ^ _mix64(np.array([np.uint64(step) + _k.STEP_SALT])))[0]
    z = np.empty(n)
    for s in range(0, n, _k.BLOCK):
        nb = min(_k.BLOCK, n - s)
        hb = (nb + 1) // 2
        with np.errstate(over="ignore"):
            j = np.arange(s // 2 + 1, s // 2 + hb + 1, dtype=np.uint64)
            h = _mix64(base + j * _k.GOLDEN)
        u1 = ((h & _LOW32).astype(np.float64) + 0.5) * 2.0**-32
        u2 = (h >> np.uint64(32)).astype(np.float64) * 2.0**-32
        r = np.sqrt(-2.0 * log_unit_reference(u1))
        sn, cs = sin_cos_half_reference(np.pi * u2 - 0.5 * np.pi)
        z[s : s + hb] = r * (1.0 - 2.0 * sn * sn)
        z[s + hb : s + nb] = (r * (2.0 * sn * cs))[: nb - hb]
    return z


def _philox_args(key: int, step: int, n: int, precision: str):
    _check_cells(n)
    if not 0 <= step < 2**64 or n >= 2**32:
        raise ValueError(f"need 0 <= step < 2^64 and n < 2^32, got step={step}, n={n}")
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {sorted(PRECISIONS)}, got {precision!r}")
    return key & _MASK, PRECISIONS[precision]


def philox_normals(key: int, step: int, n: int, precision: str = "float32") -> np.ndarray:
    """Return the ``n`` normals of global step ``step`` of the blocked integrator (Philox4x32-10, numba).

    Cell ``i`` uses the Philox4x32-10 counter ``(i, g mod 2^32, g div 2^32, 0)``, ``g = step // 4``,
    under the key ``(key mod 2^32, key div 2^32)``; the output words ``(x0, x1)`` give the normals
    of steps ``4g`` and ``4g + 1`` and ``(x2, x3)`` those of ``4g + 2`` and ``4g + 3`` by Box-Muller
    (:func:`lindhydro.field.boxmuller.normal_pair_f32`): ``u1 = (float(x >> 1) + 1/2) 2^-31``
    (radius at most 6.66, truncating the normal law at a probability ``2^-32`` per pair),
    ``u2 = (y >> 8) 2^-24``.  Every normal is a function of ``(key, step, cell)`` alone.

    Parameters
    ----------
    key : int
        Stream key (:func:`key_from_seed`).
    step : int
        Global step index (>= 0).
    n : int
        Number of cells (1 .. 2^32 - 1).
    precision : {"float32", "float64"}, default "float32"
        Precision of the Box-Muller operations (the same words: the two agree to float32 rounding).

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    key, dtype = _philox_args(key, step, n, precision)
    Z = np.empty((4, n), dtype=dtype)
    fill_philox_normals(Z, np.uint64(key), np.uint64(step // 4), 0, n)
    return Z[step % 4].copy()


def philox_normals_reference(key: int, step: int, n: int, precision: str = "float32") -> np.ndarray:
    """Pure-NumPy twin of :func:`philox_normals` (identical numbers).

    Parameters
    ----------
    key, step, n, precision
        Stream key, global step, number of cells and precision of :func:`philox_normals`.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    key, dtype = _philox_args(key, step, n, precision)
    g = step // 4
    counter = (np.arange(n, dtype=np.uint64), g & 0xFFFFFFFF, g >> 32, 0)
    words = philox4x32_reference(counter, (key & 0xFFFFFFFF, key >> 32))
    w = step % 4
    pair = normal_pair_reference(words[w - w % 2], words[w - w % 2 + 1], dtype)
    return pair[w % 2]
