"""numba kernels of the SPDE integrator and of its counter-based random-number generator.

Everything here is compiled with ``cache=True`` and ``error_model="numpy"`` (no zero-division
checks inside the loops, so that LLVM can vectorise them).  The pure-NumPy twins of these kernels
live in :mod:`lindhydro.field.reference` and :mod:`lindhydro.field.rng`; the tests check that both
give the same numbers.

Generator (see :mod:`lindhydro.field.rng` for the user-facing description)
--------------------------------------------------------------------------
For the global step index ``n`` and a 64-bit key ``k`` the step's stream base is
``b = mix64(k ^ mix64(n + C0))``; pair ``j`` of the step gets the 64-bit hash
``h = mix64(b + (j + 1) * GOLDEN)`` (``mix64`` = the SplitMix64 finaliser, so along ``j`` this *is*
SplitMix64 seeded with ``b``).  Its low and high 32 bits give ``u1 = (lo + 1/2) 2^-32`` and
``u2 = hi 2^-32`` and Box-Muller gives two standard normals ``r cos(theta)``, ``r sin(theta)``,
``r = sqrt(-2 ln u1)``, ``theta = 2 pi u2 - pi``.  ``ln`` and ``sin``/``cos`` are evaluated by
branch-free polynomials (absolute errors < 1e-9) so that the loop vectorises without SVML.
Cells are grouped in cache blocks of ``BLOCK`` cells; in the block starting at cell ``s`` with
``nb`` cells, pair ``j = s/2 + p`` gives its first normal to cell ``s + p`` and its second to
cell ``s + p + ceil(nb/2)``.

Time step (Heun with the same noise increment in both stages)
-------------------------------------------------------------
``eta_i = a z_i + b z_(i-1)`` (periodic), ``F(m)_i = D (m_(i+1) - 2 m_i + m_(i-1)) / dx^2 + f(m_i)``::

    m*  = m + dt F(m)  + eta
    m'  = m + dt/2 [F(m) + F(m*)] + eta
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.extending import intrinsic

__all__ = [
    "BLOCK",
    "GOLDEN",
    "STEP_SALT",
    "fill_normals",
    "heun_run",
    "heun_run_ensemble",
    "mix64",
]

#: Cells per cache block of the time step and of the normal generator (even).
BLOCK = 1024
#: SplitMix64 increment (2^64 / golden ratio).
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
#: Salt added to the step index before hashing it into the step's stream base.
STEP_SALT = np.uint64(0x632BE59BD9B4E019)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)
_MANT = np.uint64(0x000FFFFFFFFFFFFF)
_ONE_BITS = np.uint64(0x3FF0000000000000)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S32 = np.uint64(32)
_S52 = np.uint64(52)
_TWO_M32 = 2.0**-32
_LN2 = 0.6931471805599453
_SQRT2 = 1.4142135623730951
_PI = 3.141592653589793


@intrinsic
def _u64_as_f64(typingctx, x):
    """Reinterpret the bits of a uint64 as a float64 (free; vectorisable)."""
    if not isinstance(x, types.Integer):
        return None
    sig = types.float64(x)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return sig, codegen


@intrinsic
def _f64_as_u64(typingctx, x):
    """Reinterpret the bits of a float64 as a uint64."""
    if not isinstance(x, types.Float):
        return None
    sig = types.uint64(x)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return sig, codegen


@njit(cache=True, error_model="numpy", inline="always")
def mix64(z):
    """SplitMix64 finaliser (Stafford's Mix13): a bijective 64-bit hash.

    Parameters
    ----------
    z : uint64
        Input word.

    Returns
    -------
    uint64
        The hash.
    """
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, error_model="numpy", inline="always")
def _step_base(key, step):
    return mix64(key ^ mix64(step + STEP_SALT))


@njit(cache=True, error_model="numpy", inline="always")
def _log_unit(u):
    """Natural log of ``u`` in (0, 1] from its exponent and a polynomial in ``s = (x-1)/(x+1)``."""
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


#: Near-minimax (Chebyshev least squares) coefficients of sin(x)/x and cos(x) in powers of x^2 on
#: [0, (pi/2)^2]; max errors 3e-11 and 2.2e-10 (far below anything a statistical test of normal
#: variates can see; the NumPy twin uses the same operations, so both give identical numbers).
_SINC = (
    0.9999999999829691,
    -0.16666666616917275,
    0.008333330977503533,
    -0.0001984086155321038,
    2.7525287125181833e-06,
    -2.3889498376317842e-08,
)
_COS = (
    0.9999999997799043,
    -0.49999999356956476,
    0.0416666362089298,
    -0.001388836084255639,
    2.476013551738152e-05,
    -2.605107635651731e-07,
)


@njit(cache=True, error_model="numpy", inline="always")
def _sin_cos_half(x):
    """sin and cos of ``x`` in [-pi/2, pi/2] by polynomials in ``x^2`` (errors < 3e-10)."""
    x2 = x * x
    s = _SINC[5]
    s = s * x2 + _SINC[4]
    s = s * x2 + _SINC[3]
    s = s * x2 + _SINC[2]
    s = s * x2 + _SINC[1]
    s = s * x2 + _SINC[0]
    c = _COS[5]
    c = c * x2 + _COS[4]
    c = c * x2 + _COS[3]
    c = c * x2 + _COS[2]
    c = c * x2 + _COS[1]
    c = c * x2 + _COS[0]
    return x * s, c


@njit(cache=True, error_model="numpy", inline="always")
def _pair_normals(base, j):
    """The two standard normals of pair ``j`` of the stream ``base`` (Box-Muller)."""
    h = mix64(base + np.uint64(j + 1) * GOLDEN)
    u1 = (np.float64(h & _LOW32) + 0.5) * _TWO_M32
    u2 = np.float64(h >> _S32) * _TWO_M32
    r = np.sqrt(-2.0 * _log_unit(u1))
    s, c = _sin_cos_half(_PI * u2 - 0.5 * _PI)  # half of theta = 2 pi u2 - pi
    return r * (1.0 - 2.0 * s * s), r * (2.0 * s * c)  # r cos(theta), r sin(theta)


@njit(cache=True, error_model="numpy", inline="always")
def _fill_block(zb, off, base, start, nb):
    """``zb[off + q]`` = normal of cell ``start + q`` for ``q < nb`` (writes ``zb[off + nb]`` if nb is odd)."""
    hb = (nb + 1) // 2
    j0 = start // 2
    first = zb[off : off + hb]  # views with zero-based indices: lets LLVM vectorise
    second = zb[off + hb : off + 2 * hb]
    for p in range(hb):
        zc, zs = _pair_normals(base, j0 + p)
        first[p] = zc
        second[p] = zs


@njit(cache=True, error_model="numpy")
def _normal_at(base, cell, n_cells):
    """The normal of one cell (scalar version of :func:`_fill_block`)."""
    start = (cell // BLOCK) * BLOCK
    nb = min(BLOCK, n_cells - start)
    hb = (nb + 1) // 2
    q = cell - start
    if q < hb:
        return _pair_normals(base, start // 2 + q)[0]
    return _pair_normals(base, start // 2 + q - hb)[1]


@njit(cache=True, error_model="numpy")
def fill_normals(z, key, step, n_cells):
    """Fill ``z[:n_cells]`` with the step's standard normals (``len(z) >= n_cells + 1``).

    Cells are grouped in blocks of :data:`BLOCK`; in the block starting at cell ``s`` with
    ``nb`` cells, pair ``p`` (global pair index ``s/2 + p``) gives the normals of cells ``s + p``
    and ``s + p + ceil(nb/2)``.

    Parameters
    ----------
    z : float64 array
        Output, length at least ``n_cells + 1``.
    key : uint64
        Stream key (from the seed).
    step : uint64
        Global step index.
    n_cells : int
        Number of cells.
    """
    base = _step_base(key, step)
    for s in range(0, n_cells, BLOCK):
        _fill_block(z, s, base, s, min(BLOCK, n_cells - s))


@njit(cache=True, error_model="numpy", inline="always")
def _force(m, coeffs):
    """Odd polynomial ``f(m) = sum_k c_k m^(2k+1)`` (Horner in ``m^2``; ``coeffs`` a tuple)."""
    m2 = m * m
    n = len(coeffs)
    acc = coeffs[n - 1]
    for k in range(n - 2, -1, -1):
        acc = acc * m2 + coeffs[k]
    return acc * m


@njit(cache=True, error_model="numpy", inline="always")
def _predict(cm, c0, cp, z0, zm, mp, part, coeffs, g, dt, hdt, a, b):
    """Predictor on a stretch of interior cells (zero-based views: vectorises)."""
    for k in range(c0.shape[0]):
        F0 = g * (cp[k] + cm[k] - 2.0 * c0[k]) + _force(c0[k], coeffs)
        eta = a * z0[k] + b * zm[k]
        mp[k] = c0[k] + dt * F0 + eta
        part[k] = c0[k] + hdt * F0 + eta


@njit(cache=True, error_model="numpy", inline="always")
def _correct(pm, p0, pp, part, out, coeffs, g, hdt):
    """Corrector on a stretch of interior cells (zero-based views)."""
    for k in range(p0.shape[0]):
        out[k] = part[k] + hdt * (g * (pp[k] + pm[k] - 2.0 * p0[k]) + _force(p0[k], coeffs))


@njit(cache=True, error_model="numpy")
def _heun_step(cur, nxt, zb, part, mp, coeffs, D, dx, dt, a, b, key, step):
    """One Heun step ``cur -> nxt``, cache-blocked.

    Per block of :data:`BLOCK` cells: generate its normals into ``zb`` (``zb[0]`` = the normal of
    the cell before the block), run the predictor (writing ``mp`` and ``part``), then the
    corrector of every cell whose right neighbour's ``mp`` is known; the wrap-around cells last.
    """
    L = cur.shape[0]
    base = _step_base(key, step)
    g = D / (dx * dx)
    hdt = 0.5 * dt
    if L == 1:
        eta = (a + b) * _normal_at(base, 0, 1)
        F0 = _force(cur[0], coeffs)
        p = cur[0] + dt * F0 + eta
        nxt[0] = cur[0] + hdt * F0 + eta + hdt * _force(p, coeffs)
        return
    zprev = _normal_at(base, L - 1, L)
    lo = 1  # first cell still waiting for its corrector
    for s in range(0, L, BLOCK):
        nb = min(BLOCK, L - s)
        zb[0] = zprev
        _fill_block(zb, 1, base, s, nb)
        zprev = zb[nb]
        i0 = s
        i1 = s + nb
        if s == 0:  # cell 0 wraps to L-1
            F0 = g * (cur[1] + cur[L - 1] - 2.0 * cur[0]) + _force(cur[0], coeffs)
            eta = a * zb[1] + b * zb[0]
            mp[0] = cur[0] + dt * F0 + eta
            part[0] = cur[0] + hdt * F0 + eta
            i0 = 1
        if i1 == L:
            i1 = L - 1
        _predict(cur[i0 - 1 : i1 - 1], cur[i0:i1], cur[i0 + 1 : i1 + 1], zb[i0 - s + 1 : i1 - s + 1],
                 zb[i0 - s : i1 - s], mp[i0:i1], part[i0:i1], coeffs, g, dt, hdt, a, b)
        if s + nb == L:  # cell L-1 wraps to 0
            i = L - 1
            q = i - s + 1
            F0 = g * (cur[0] + cur[i - 1] - 2.0 * cur[i]) + _force(cur[i], coeffs)
            eta = a * zb[q] + b * zb[q - 1]
            mp[i] = cur[i] + dt * F0 + eta
            part[i] = cur[i] + hdt * F0 + eta
        hi = s + nb - 1  # mp is known up to hi: correct cells lo .. hi-1
        if hi > lo:
            _correct(mp[lo - 1 : hi - 1], mp[lo:hi], mp[lo + 1 : hi + 1], part[lo:hi], nxt[lo:hi], coeffs, g, hdt)
            lo = hi
    if L - 1 > lo:
        _correct(mp[lo - 1 : L - 2], mp[lo : L - 1], mp[lo + 1 : L], part[lo : L - 1], nxt[lo : L - 1], coeffs, g, hdt)
    i = L - 1
    nxt[i] = part[i] + hdt * (g * (mp[0] + mp[i - 1] - 2.0 * mp[i]) + _force(mp[i], coeffs))
    nxt[0] = part[0] + hdt * (g * (mp[1] + mp[L - 1] - 2.0 * mp[0]) + _force(mp[0], coeffs))


@njit(cache=True, error_model="numpy", fastmath={"reassoc"})
def _finite(x):
    """True if every entry of ``x`` is finite (``x * 0`` is NaN exactly for NaN/inf)."""
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * 0.0
    return s == 0.0


@njit(cache=True, error_model="numpy")
def heun_run(m, coeffs, D, dx, dt, a, b, key, step0, n_steps, check_every):
    """Advance ``m`` (in place) by up to ``n_steps`` Heun steps starting at global step ``step0``.

    The field is checked for NaN/inf every ``check_every`` steps.  On a non-finite value the run
    is rolled back to the last checkpoint and replayed step by step (the generator is
    counter-based, so the replay is bit-identical) up to the last finite state, which is left in
    ``m``.

    Parameters
    ----------
    m : float64 array, shape (L,)
        Field, advanced in place.
    coeffs : tuple of float
        Lattice force coefficients ``(c1, c3, ...)``.
    D, dx, dt : float
        Diffusion constant, cell width, time step.
    a, b : float
        Noise coefficients, ``eta_i = a z_i + b z_(i-1)``.
    key : uint64
        Stream key.
    step0 : int
        Global index of the first step.
    n_steps : int
        Steps to take.
    check_every : int
        Steps between NaN/inf checks.

    Returns
    -------
    int
        The number of steps completed with a finite field (``n_steps`` unless the run blew up).
    """
    L = m.shape[0]
    z = np.empty(BLOCK + 2)
    part = np.empty(L)
    mp = np.empty(L)
    other = np.empty(L)
    ckpt = m.copy()
    cur = m
    nxt = other
    in_m = True  # does ``cur`` alias ``m``?
    done = 0
    ck = 0  # step count of the checkpoint
    while done < n_steps:
        _heun_step(cur, nxt, z, part, mp, coeffs, D, dx, dt, a, b, key, np.uint64(step0 + done))
        cur, nxt = nxt, cur
        in_m = not in_m
        done += 1
        if done - ck >= check_every or done == n_steps:
            if _finite(cur):
                ckpt[:] = cur
                ck = done
            else:
                # replay from the checkpoint with a check after every step
                cur[:] = ckpt
                k = ck
                while True:
                    _heun_step(cur, nxt, z, part, mp, coeffs, D, dx, dt, a, b, key, np.uint64(step0 + k))
                    if not _finite(nxt):
                        break
                    cur, nxt = nxt, cur
                    k += 1
                m[:] = cur
                return k
    if not in_m:
        m[:] = cur
    return n_steps


@njit(cache=True, error_model="numpy", parallel=True)
def heun_run_ensemble(fields, coeffs, D, dx, dt, a, b, keys, step0, n_steps, check_every, done):
    """:func:`heun_run` for every row of ``fields`` (realisations run in parallel, ``prange``).

    Parameters
    ----------
    fields : float64 array, shape (R, L)
        One field per row, advanced in place.
    coeffs, D, dx, dt, a, b, step0, n_steps, check_every
        As in :func:`heun_run` (common to all rows).
    keys : uint64 array, shape (R,)
        One stream key per row.
    done : int64 array, shape (R,)
        Receives the number of finite steps of each row.
    """
    R = fields.shape[0]
    for r in prange(R):
        row = fields[r].copy()
        done[r] = heun_run(row, coeffs, D, dx, dt, a, b, keys[r], step0, n_steps, check_every)
        fields[r, :] = row
