"""Branch-free Box-Muller for the numba generators: ``ln``, ``sin`` and ``cos`` as polynomials.

Everything here is inlined into vectorised loops (no SVML needed): ``ln u`` from the exponent of
``u`` and a polynomial of its mantissa reduced to ``[sqrt(1/2), sqrt(2))``, ``sin`` and ``cos`` of
the half angle in ``[-pi/2, pi/2]`` by polynomials in ``x^2``, then
``cos theta = 1 - 2 sin^2(theta/2)`` and ``sin theta = 2 sin(theta/2) cos(theta/2)``.  The float64
versions serve both generators (absolute errors < 1e-9); the float32 versions (errors < 1e-7, every
operation in float32) serve the Philox generator.  The NumPy twins in :mod:`lindhydro.field.rng`
use the same coefficients and the same operations in the same order (no fused multiply-add).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic, overload

__all__ = [
    "COS64",
    "LOG32",
    "SINC64",
    "TRIG32",
    "log_unit",
    "log_unit32",
    "log_unit_reference",
    "normal_pair",
    "normal_pair_f32",
    "normal_pair_f64",
    "normal_pair_reference",
    "sin_cos_half",
    "sin_cos_half32",
    "sin_cos_half_reference",
]

_MANT = np.uint64(0x000FFFFFFFFFFFFF)
_ONE_BITS = np.uint64(0x3FF0000000000000)
_S52 = np.uint64(52)
_LN2 = 0.6931471805599453
_SQRT2 = 1.4142135623730951

#: Near-minimax (Chebyshev least squares) coefficients of sin(x)/x and cos(x) in powers of x^2 on
#: [0, (pi/2)^2]; max errors 3e-11 and 2.2e-10 (far below anything a statistical test of normal
#: variates can see; the NumPy twin uses the same operations, so both give identical numbers).
SINC64 = (
    0.9999999999829691,
    -0.16666666616917275,
    0.008333330977503533,
    -0.0001984086155321038,
    2.7525287125181833e-06,
    -2.3889498376317842e-08,
)
COS64 = (
    0.9999999997799043,
    -0.49999999356956476,
    0.0416666362089298,
    -0.001388836084255639,
    2.476013551738152e-05,
    -2.605107635651731e-07,
)


def _lsq_poly(f, lo: float, hi: float, degree: int) -> tuple[np.float32, ...]:
    """float32 least-squares polynomial (increasing powers) of ``f`` on Chebyshev nodes of ``[lo, hi]``."""
    x = 0.5 * (hi + lo) + 0.5 * (hi - lo) * np.cos(np.pi * (np.arange(4000) + 0.5) / 4000)
    c = np.linalg.lstsq(np.vander(x, degree + 1, increasing=True), f(x), rcond=None)[0]
    return tuple(np.float32(v) for v in c)


#: float32 coefficients of ``ln((1 + s)/(1 - s)) / s = 2 atanh(s) / s`` in powers of ``s^2`` for
#: ``|s| <= (sqrt 2 - 1)/(sqrt 2 + 1)``, i.e. ``ln(1 + t)`` with ``s = t / (2 + t)`` on
#: ``[sqrt(1/2) - 1, sqrt(2) - 1]`` (relative error < 1e-7).
LOG32 = _lsq_poly(lambda y: 2.0 * np.arctanh(np.sqrt(y)) / np.sqrt(y), 0.0, ((np.sqrt(2.0) - 1) / (np.sqrt(2.0) + 1)) ** 2, 2)
#: float32 coefficients of ``sin(x)/x`` and of ``cos(x)`` in powers of ``x^2`` on ``[0, (pi/2)^2]``
#: (errors 7e-9 and 5e-8 before float32 rounding).
TRIG32 = (
    _lsq_poly(lambda y: np.sinc(np.sqrt(y) / np.pi), 0.0, (np.pi / 2) ** 2, 4),
    _lsq_poly(lambda y: np.cos(np.sqrt(y)), 0.0, (np.pi / 2) ** 2, 4),
)
_F = np.float32
_U23 = np.uint32(23)
_MANT32 = np.uint32(0x007FFFFF)
_ONE32_BITS = np.uint32(0x3F800000)
_ZERO32, _HALF32, _ONE32, _TWO32, _MTWO32 = _F(0.0), _F(0.5), _F(1.0), _F(2.0), _F(-2.0)
_I31 = np.int32(2**31 - 1)
_RSQRT2_32 = _F(np.sqrt(0.5))
_BIAS32 = _F(127.0)
_LN2_32 = _F(_LN2)
_SQRT2_32 = _F(_SQRT2)
_PI32, _HPI32 = _F(np.pi), _F(np.pi / 2)
_TWO_M31_32, _TWO_M24_32 = _F(2.0**-31), _F(2.0**-24)
_S1 = np.uint64(1)
_S8 = np.uint64(8)


def _bitcast(src, dst, ir_type):
    """An intrinsic reinterpreting the bits of a ``src`` scalar as a ``dst`` scalar (free; vectorisable)."""

    def impl(typingctx, x):
        if x != src:
            return None

        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], ir_type)

        return dst(x), codegen

    impl.__name__ = impl.__qualname__ = f"bitcast_{src}_as_{dst}"
    return intrinsic(impl)


_u64_as_f64 = _bitcast(types.uint64, types.float64, ir.DoubleType())
_f64_as_u64 = _bitcast(types.float64, types.uint64, ir.IntType(64))
_u32_as_f32 = _bitcast(types.uint32, types.float32, ir.FloatType())
_f32_as_u32 = _bitcast(types.float32, types.uint32, ir.IntType(32))


@njit(cache=True, error_model="numpy", inline="always")
def log_unit(u):
    """Natural log of float64 ``u`` in (0, 1] from its exponent and a polynomial in ``s = (x-1)/(x+1)``.

    Parameters
    ----------
    u : float64
        In (0, 1].

    Returns
    -------
    float64
        ``ln u`` (absolute error < 1e-9).
    """
    bits = _f64_as_u64(u)
    e = np.float64(np.int64(bits >> _S52) - 1023)
    x = _u64_as_f64((bits & _MANT) | _ONE_BITS)  # in [1, 2)
    big = x > _SQRT2
    x = 0.5 * x if big else x
    e = e + 1.0 if big else e
    s = (x - 1.0) / (x + 1.0)
    s2 = s * s
    p = 1.0 / 9.0
    p = p * s2 + 1.0 / 7.0
    p = p * s2 + 1.0 / 5.0
    p = p * s2 + 1.0 / 3.0
    p = p * s2 + 1.0
    return e * _LN2 + 2.0 * s * p


@njit(cache=True, error_model="numpy", inline="always")
def sin_cos_half(x):
    """float64 sin and cos of ``x`` in [-pi/2, pi/2] by polynomials in ``x^2`` (errors < 3e-10).

    Parameters
    ----------
    x : float64
        Angle in [-pi/2, pi/2].

    Returns
    -------
    tuple of 2 float64
        ``(sin x, cos x)``.
    """
    x2 = x * x
    s = SINC64[5]
    c = COS64[5]
    for j in range(4, -1, -1):  # Horner, highest power first
        s = s * x2 + SINC64[j]
        c = c * x2 + COS64[j]
    return x * s, c


@njit(cache=True, error_model="numpy", inline="always")
def log_unit32(u, v):
    """float32 ``ln u`` for ``u`` in (0, 1], given also ``v = 1 - u`` exactly (float32 throughout).

    Below ``sqrt(1/2)``: exponent of ``u`` plus ``ln(1 + t)``, ``t`` = reduced mantissa - 1; above:
    ``t = -v``, so that ``ln u`` keeps its relative precision as ``u -> 1`` (where ``u`` itself has
    lost the low bits of ``v``).  ``ln(1 + t) = s P(s^2)`` with ``s = t / (2 + t)``.

    Parameters
    ----------
    u, v : float32
        ``u`` in (0, 1] and ``v = 1 - u``.

    Returns
    -------
    float32
        ``ln u`` (relative error a few float32 ulp).
    """
    bits = _f32_as_u32(u)
    e = _F(np.int32(bits >> _U23)) - _BIAS32
    x = _u32_as_f32(np.uint32((bits & _MANT32) | _ONE32_BITS))  # in [1, 2)
    big = x > _SQRT2_32
    x = _HALF32 * x if big else x
    e = e + _ONE32 if big else e
    near = u > _RSQRT2_32
    t = -v if near else x - _ONE32
    e = _ZERO32 if near else e
    s = t / (_TWO32 + t)
    s2 = s * s
    p = LOG32[2]
    p = p * s2 + LOG32[1]
    p = p * s2 + LOG32[0]
    return e * _LN2_32 + s * p


@njit(cache=True, error_model="numpy", inline="always")
def sin_cos_half32(x):
    """float32 twin of :func:`sin_cos_half`: ``(sin x, cos x)`` for ``x`` in [-pi/2, pi/2].

    Parameters
    ----------
    x : float32
        The angle, computed in float32 throughout (polynomials in ``x^2``).

    Returns
    -------
    tuple of 2 float32
    """
    x2 = x * x
    s = TRIG32[0][4]
    c = TRIG32[1][4]
    for j in range(3, -1, -1):
        s = s * x2 + TRIG32[0][j]
        c = c * x2 + TRIG32[1][j]
    return x * s, c


@njit(cache=True, error_model="numpy", inline="always")
def normal_pair_f32(w0, w1):
    """Two float32 standard normals from two 32-bit words (Box-Muller, every operation in float32).

    ``u1 = (float(w0 >> 1) + 1/2) 2^-31`` (in (0, 1]; its complement ``1 - u1`` is formed from the
    integer too, see :func:`log_unit32`), ``u2 = (w1 >> 8) 2^-24``,
    ``r = sqrt(-2 ln u1)``, ``theta = 2 pi u2 - pi``.

    Parameters
    ----------
    w0, w1 : unsigned integer
        Words below ``2^32``: ``w0`` sets the radius, ``w1`` the angle.

    Returns
    -------
    tuple of 2 float32
        ``(r cos theta, r sin theta)``.
    """
    i = np.int32(w0 >> _S1)
    u1 = (_F(i) + _HALF32) * _TWO_M31_32
    v1 = (_F(_I31 - i) + _HALF32) * _TWO_M31_32  # 1 - u1, exact where u1 > 1/2
    u2 = _F(np.int32(w1 >> _S8)) * _TWO_M24_32
    r = np.sqrt(_MTWO32 * log_unit32(u1, v1))
    s, c = sin_cos_half32(_PI32 * u2 - _HPI32)  # half of theta
    s2 = s + s
    return r * (_ONE32 - s2 * s), r * (s2 * c)


@njit(cache=True, error_model="numpy", inline="always")
def normal_pair_f64(w0, w1):
    """Two float64 standard normals from the same two words as :func:`normal_pair_f32` (float64 throughout).

    Parameters
    ----------
    w0, w1 : unsigned integer
        Words below ``2^32``.

    Returns
    -------
    tuple of 2 float64
        ``(r cos theta, r sin theta)``; the float32 pair agrees to float32 rounding.
    """
    u1 = (np.float64(np.int32(w0 >> _S1)) + 0.5) * 2.0**-31
    u2 = np.float64(np.int32(w1 >> _S8)) * 2.0**-24
    r = np.sqrt(-2.0 * log_unit(u1))
    s, c = sin_cos_half(np.pi * u2 - 0.5 * np.pi)
    s2 = s + s
    return r * (1.0 - s2 * s), r * (s2 * c)


def normal_pair(w0, w1, like):
    """:func:`normal_pair_f32` or :func:`normal_pair_f64`, chosen by the type of the scalar ``like``.

    Parameters
    ----------
    w0, w1 : unsigned integer
        Words below ``2^32``.
    like : float32 or float64
        Only its type matters (numba picks the implementation when it compiles).

    Returns
    -------
    tuple of 2 floats
        Of the type of ``like``.
    """
    if isinstance(like, np.float32):
        return normal_pair_f32(w0, w1)
    return normal_pair_f64(w0, w1)


@overload(normal_pair)
def _normal_pair_overload(w0, w1, like):
    if like == types.float32:
        return lambda w0, w1, like: normal_pair_f32(w0, w1)
    if like == types.float64:
        return lambda w0, w1, like: normal_pair_f64(w0, w1)
    return None


# ------------------------------------------------------------------ NumPy twins (same operations)
def log_unit_reference(u: np.ndarray, v: np.ndarray | None = None) -> np.ndarray:
    """NumPy twin of :func:`log_unit` (float64) or :func:`log_unit32` (float32), by the dtype of ``u``.

    Parameters
    ----------
    u : numpy.ndarray of float32 or float64
        Values in (0, 1].
    v : numpy.ndarray of float32, optional
        ``1 - u`` (float32 only; required there).

    Returns
    -------
    numpy.ndarray
        ``ln u``, same dtype, bit-identical to the numba function.
    """
    if u.dtype == np.float32:
        bits = u.view(np.uint32)
        e = (bits >> _U23).astype(np.int32).astype(_F) - _BIAS32
        x = ((bits & _MANT32) | _ONE32_BITS).view(_F)
        big = x > _SQRT2_32
        x = np.where(big, _HALF32 * x, x)
        e = np.where(big, e + _ONE32, e)
        near = u > _RSQRT2_32
        t = np.where(near, -v, x - _ONE32)
        e = np.where(near, _ZERO32, e)
        s = t / (_TWO32 + t)
        s2 = s * s
        p = (np.full_like(s, LOG32[2]) * s2 + LOG32[1]) * s2 + LOG32[0]
        return e * _LN2_32 + s * p
    bits = u.view(np.uint64)
    e = ((bits >> _S52).astype(np.int64) - 1023).astype(np.float64)
    x = ((bits & _MANT) | _ONE_BITS).view(np.float64)
    big = x > _SQRT2
    x = np.where(big, 0.5 * x, x)
    e = np.where(big, e + 1.0, e)
    s = (x - 1.0) / (x + 1.0)
    s2 = s * s
    p = np.full_like(s, 1.0 / 9.0)
    for d in (7.0, 5.0, 3.0):
        p = p * s2 + 1.0 / d
    p = p * s2 + 1.0
    return e * _LN2 + 2.0 * s * p


def sin_cos_half_reference(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NumPy twin of :func:`sin_cos_half` (float64) or :func:`sin_cos_half32` (float32), by the dtype of ``x``.

    Parameters
    ----------
    x : numpy.ndarray of float32 or float64
        Angles in [-pi/2, pi/2].

    Returns
    -------
    tuple of 2 numpy.ndarray
        ``(sin x, cos x)``, bit-identical to the numba function.
    """
    sinc, cos = TRIG32 if x.dtype == np.float32 else (SINC64, COS64)
    x2 = x * x
    s = np.full_like(x, sinc[-1])
    c = np.full_like(x, cos[-1])
    for j in range(len(sinc) - 2, -1, -1):
        s = s * x2 + sinc[j]
        c = c * x2 + cos[j]
    return x * s, c


def normal_pair_reference(w0: np.ndarray, w1: np.ndarray, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    """NumPy twin of :func:`normal_pair_f32` / :func:`normal_pair_f64`.

    Parameters
    ----------
    w0, w1 : numpy.ndarray of unsigned integers
        Words below ``2^32``.
    dtype : {numpy.float32, numpy.float64}
        Precision of the Box-Muller operations.

    Returns
    -------
    tuple of 2 numpy.ndarray
        ``(r cos theta, r sin theta)``, bit-identical to the numba function.
    """
    w0 = np.asarray(w0, dtype=np.uint64)
    w1 = np.asarray(w1, dtype=np.uint64)
    i0 = (w0 >> _S1).astype(np.int32)
    i1 = (w1 >> _S8).astype(np.int32)
    if np.dtype(dtype) == np.float32:
        u1 = (i0.astype(_F) + _HALF32) * _TWO_M31_32
        v1 = ((_I31 - i0).astype(_F) + _HALF32) * _TWO_M31_32
        u2 = i1.astype(_F) * _TWO_M24_32
        r = np.sqrt(_MTWO32 * log_unit_reference(u1, v1))
        s, c = sin_cos_half_reference(_PI32 * u2 - _HPI32)
        s2 = s + s
        return r * (_ONE32 - s2 * s), r * (s2 * c)
    u1 = (i0.astype(np.float64) + 0.5) * 2.0**-31
    u2 = i1.astype(np.float64) * 2.0**-24
    r = np.sqrt(-2.0 * log_unit_reference(u1))
    s, c = sin_cos_half_reference(np.pi * u2 - 0.5 * np.pi)
    s2 = s + s
    return r * (1.0 - s2 * s), r * (s2 * c)
