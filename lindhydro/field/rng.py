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
"""

from __future__ import annotations

import numpy as np

from lindhydro.field import kernels as _k

__all__ = ["key_from_seed", "normals", "normals_reference", "seed_sequence"]

_MASK = (1 << 64) - 1


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


def normals(key: int, step: int, n: int) -> np.ndarray:
    """Return the ``n`` standard normals the integrator uses at global step ``step`` (numba).

    Parameters
    ----------
    key : int
        Stream key (:func:`key_from_seed`).
    step : int
        Global step index (>= 0).
    n : int
        Number of cells.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    z = np.empty(n + 1)
    _k.fill_normals(z, np.uint64(key & _MASK), np.uint64(step), n)
    return z[:n]


def _mix64(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * _k._M1
    z = (z ^ (z >> np.uint64(27))) * _k._M2
    return z ^ (z >> np.uint64(31))


def _log_unit(u: np.ndarray) -> np.ndarray:
    bits = u.view(np.uint64)
    e = (np.right_shift(bits, np.uint64(52)).astype(np.int64) - 1023).astype(np.float64)
    x = ((bits & _k._MANT) | _k._ONE_BITS).view(np.float64)
    big = x > _k._SQRT2
    x = np.where(big, 0.5 * x, x)
    e = np.where(big, e + 1.0, e)
    s = (x - 1.0) / (x + 1.0)
    s2 = s * s
    p = np.full_like(s, 1.0 / 9.0)
    for d in (7.0, 5.0, 3.0):
        p = p * s2 + 1.0 / d
    p = p * s2 + 1.0
    return e * _k._LN2 + 2.0 * s * p


def _sin_cos_half(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x2 = x * x
    s = np.full_like(x, _k._SINC[-1])
    c = np.full_like(x, _k._COS[-1])
    for j in range(len(_k._SINC) - 2, -1, -1):
        s = s * x2 + _k._SINC[j]
        c = c * x2 + _k._COS[j]
    return x * s, c


def normals_reference(key: int, step: int, n: int) -> np.ndarray:
    """Pure-NumPy twin of :func:`normals` (same numbers, used by the tests).

    Parameters
    ----------
    key : int
        Stream key.
    step : int
        Global step index.
    n : int
        Number of cells.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
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
        u1 = ((h & _k._LOW32).astype(np.float64) + 0.5) * _k._TWO_M32
        u2 = (h >> np.uint64(32)).astype(np.float64) * _k._TWO_M32
        r = np.sqrt(-2.0 * _log_unit(u1))
        sn, cs = _sin_cos_half(_k._PI * u2 - 0.5 * _k._PI)
        z[s : s + hb] = r * (1.0 - 2.0 * sn * sn)
        z[s + hb : s + nb] = (r * (2.0 * sn * cs))[: nb - hb]
    return z
