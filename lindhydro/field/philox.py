"""numba kernel of the Philox4x32-10 counter-based generator and of the integrator's normals from it.

Philox4x32-10 (Salmon, Moraes, Dror and Shaw, SC'11; the generator of Random123, cuRAND and JAX)
maps a 128-bit counter ``(c0, c1, c2, c3)`` and a 64-bit key ``(k0, k1)`` (32-bit words) to four
32-bit words by ten rounds of two 32 x 32 -> 64-bit multiplications: a keyed bijection of the
counter that passes BigCrush for any sequence of counters.  Every 32-bit word is carried in a
``uint64`` so that LLVM vectorises the multiplications as ``vpmuludq`` (AVX2 and AVX-512 alike).

Normals (see :mod:`lindhydro.field.rng` for the user-facing description): cell ``i`` at global step
``n`` uses the counter ``(i, g mod 2^32, g div 2^32, 0)`` with ``g = n // 4`` and the key
``(key mod 2^32, key div 2^32)``; the words ``(x0, x1)`` give the normals of steps ``4g`` and
``4g + 1``, ``(x2, x3)`` those of ``4g + 2`` and ``4g + 3``
(:func:`lindhydro.field.boxmuller.normal_pair_f32` or ``_f64``).  Every cell's normal is a function
of ``(key, step, cell)`` alone, so any block of cells can be generated anywhere, in any order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from lindhydro.field.boxmuller import normal_pair
from lindhydro.field.simd import prefer_host_vector_width

__all__ = [
    "CHUNK",
    "PHILOX_M",
    "PHILOX_W",
    "fill_philox_normals",
    "philox4x32",
    "philox4x32_reference",
    "philox_normals_into",
]

#: Philox4x32 round multipliers (M0, M1) and Weyl key increments (W0, W1).
PHILOX_M = (np.uint64(0xD2511F53), np.uint64(0xCD9E8D57))
PHILOX_W = (np.uint64(0x9E3779B9), np.uint64(0xBB67AE85))
#: Cells per pass of the word loop (the words stay in L1 between the Philox and Box-Muller loops,
#: which vectorise separately: 64-bit lanes for Philox, 32-bit lanes for float32 Box-Muller).
CHUNK = 256
_LO32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


@njit(cache=True, error_model="numpy", inline="always")
def _philox_round(c0, c1, c2, c3, k0, k1):
    p0 = (c0 & _LO32) * PHILOX_M[0]
    p1 = (c2 & _LO32) * PHILOX_M[1]
    return (p1 >> _S32) ^ c1 ^ k0, p1, (p0 >> _S32) ^ c3 ^ k1, p0


@njit(cache=True, error_model="numpy", inline="always")
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 of the counter ``(c0, c1, c2, c3)`` under the key ``(k0, k1)``.

    Parameters
    ----------
    c0, c1, c2, c3 : uint64
        Counter words (only the low 32 bits are used).
    k0, k1 : uint64
        Key words (only the low 32 bits are used).

    Returns
    -------
    tuple of 4 uint64
        The four output words, each below ``2^32``.
    """
    k0 = k0 & _LO32
    k1 = k1 & _LO32
    c0, c1, c2, c3 = _philox_round(c0, c1 & _LO32, c2, c3 & _LO32, k0, k1)
    for _ in range(9):
        k0 = k0 + PHILOX_W[0]
        k1 = k1 + PHILOX_W[1]
        c0, c1, c2, c3 = _philox_round(c0, c1, c2, c3, k0 & _LO32, k1 & _LO32)
    return c0 & _LO32, c1 & _LO32, c2 & _LO32, c3 & _LO32


@njit(cache=True, error_model="numpy", inline="always")
def _philox_words(W, cell0, n, g0, g1, k0, k1):
    """``W[:, q]`` = the Philox words of cell ``cell0 + q`` in the step group ``(g0, g1)``, ``q < n``."""
    w0 = W[0]
    w1 = W[1]
    w2 = W[2]
    w3 = W[3]
    zero = np.uint64(0)
    for q in range(n):
        x0, x1, x2, x3 = philox4x32(np.uint64(cell0 + q), g0, g1, zero, k0, k1)
        w0[q] = np.uint32(x0)
        w1[q] = np.uint32(x1)
        w2[q] = np.uint32(x2)
        w3[q] = np.uint32(x3)


@njit(cache=True, error_model="numpy", inline="always")
def _box_muller_words(W, Z, j0, n):
    """``Z[:, j0 + q]`` = the four normals of the words ``W[:, q]``, ``q < n`` (dtype of ``Z``)."""
    like = Z[0, 0]
    w0 = W[0, :n]
    w1 = W[1, :n]
    w2 = W[2, :n]
    w3 = W[3, :n]
    z0 = Z[0, j0 : j0 + n]
    z1 = Z[1, j0 : j0 + n]
    z2 = Z[2, j0 : j0 + n]
    z3 = Z[3, j0 : j0 + n]
    for q in range(n):
        z0[q], z1[q] = normal_pair(w0[q], w1[q], like)
        z2[q], z3[q] = normal_pair(w2[q], w3[q], like)


@njit(cache=True, error_model="numpy")
def philox_normals_into(Z, W, j0, cell0, n, key, group):
    """``Z[w, j0 + q]`` = the normal of cell ``cell0 + q`` at step ``4 group + w`` (``w < 4``, ``q < n``).

    Parameters
    ----------
    Z : float32 or float64 array, shape (4, >= j0 + n)
        Output; its dtype selects float32 or float64 Box-Muller.
    W : uint32 array, shape (4, >= CHUNK)
        Scratch for the Philox words.
    j0 : int
        First output column.
    cell0 : int
        Cell of column ``j0`` (``0 <= cell0`` and ``cell0 + n <= 2^32``).
    n : int
        Number of cells.
    key : uint64
        Stream key.
    group : uint64
        Step group ``step // 4``.
    """
    prefer_host_vector_width()
    k0 = key & _LO32
    k1 = key >> _S32
    g0 = group & _LO32
    g1 = group >> _S32
    for q0 in range(0, n, CHUNK):
        m = min(CHUNK, n - q0)
        _philox_words(W, cell0 + q0, m, g0, g1, k0, k1)
        _box_muller_words(W, Z, j0 + q0, m)


@njit(cache=True, error_model="numpy")
def fill_philox_normals(Z, key, group, cell0, n):
    """The normals of cells ``cell0 .. cell0 + n - 1`` for the four steps of ``group`` into ``Z[:, :n]``.

    Parameters
    ----------
    Z : float32 or float64 array, shape (4, >= n)
        Output (row ``w``: step ``4 group + w``); its dtype selects the Box-Muller precision.
    key, group : uint64
        Stream key and step group (``step // 4``).
    cell0, n : int
        First cell and number of cells.
    """
    prefer_host_vector_width()
    W = np.empty((4, CHUNK), dtype=np.uint32)
    philox_normals_into(Z, W, 0, cell0, n, key, group)


def philox4x32_reference(counter, key) -> np.ndarray:
    """NumPy twin of :func:`philox4x32` for arrays of counters.

    Parameters
    ----------
    counter : array_like of int, shape (4, ...)
        Counter words (below ``2^32``).
    key : array_like of int, shape (2, ...)
        Key words (below ``2^32``), broadcast against the counters.

    Returns
    -------
    numpy.ndarray of uint64, shape (4, ...)
        The output words (below ``2^32``).
    """
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) & _LO32 for c in counter)
    k0, k1 = (np.asarray(k, dtype=np.uint64) & _LO32 for k in key)
    for rnd in range(10):
        if rnd:
            k0 = (k0 + PHILOX_W[0]) & _LO32
            k1 = (k1 + PHILOX_W[1]) & _LO32
        p0 = c0 * PHILOX_M[0]
        p1 = c2 * PHILOX_M[1]
        c0, c1, c2, c3 = (p1 >> _S32) ^ c1 ^ k0, p1 & _LO32, (p0 >> _S32) ^ c3 ^ k1, p0 & _LO32
    return np.stack(np.broadcast_arrays(c0, c1, c2, c3))
