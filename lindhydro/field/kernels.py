"""numba kernels of the SPDE integrator and of its counter-based random-number generator.

Two integrators share one time step: :func:`heun_run` / :func:`heun_run_ensemble` (float64,
SplitMix64 normals below; the numbers of release 0.1) and :func:`heun_advance` (float32 or
float64, Philox4x32-10 normals of :mod:`lindhydro.field.philox`; tiles of :data:`TILE` cells
advanced :data:`TILE_STEPS` steps at a time with halos, rings split into blocks over threads).
Everything here is compiled with ``cache=True`` and ``error_model="numpy"`` (no zero-division
checks inside the loops, so that LLVM can vectorise them).  The pure-NumPy twins of these kernels
live in :mod:`lindhydro.field.reference` and :mod:`lindhydro.field.rng`; the tests check that both
give the same numbers.

SplitMix64 generator (see :mod:`lindhydro.field.rng` for the user-facing description)
-------------------------------------------------------------------------------------
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
from numba import njit, prange

from lindhydro.field.boxmuller import log_unit, sin_cos_half
from lindhydro.field.philox import CHUNK, philox_normals_into
from lindhydro.field.simd import prefer_host_vector_width

__all__ = [
    "BLOCK",
    "GOLDEN",
    "MIX64_MULTIPLIERS",
    "STEP_SALT",
    "MIN_BLOCK",
    "TILE",
    "TILE_STEPS",
    "fill_normals",
    "heun_advance",
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
#: The two multipliers of the SplitMix64 finaliser :func:`mix64`.
MIX64_MULTIPLIERS = (_M1, _M2)
_LOW32 = np.uint64(0xFFFFFFFF)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S32 = np.uint64(32)
_TWO_M32 = 2.0**-32
_PI = 3.141592653589793


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
def _pair_normals(base, j):
    """The two standard normals of pair ``j`` of the stream ``base`` (Box-Muller)."""
    h = mix64(base + np.uint64(j + 1) * GOLDEN)
    u1 = (np.float64(h & _LOW32) + 0.5) * _TWO_M32
    u2 = np.float64(h >> _S32) * _TWO_M32
    r = np.sqrt(-2.0 * log_unit(u1))
    s, c = sin_cos_half(_PI * u2 - 0.5 * _PI)  # half of theta = 2 pi u2 - pi
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
    prefer_host_vector_width()
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
    """Predictor on a stretch of interior cells (zero-based views: vectorises; any float dtype)."""
    for k in range(c0.shape[0]):
        F0 = g * ((cp[k] + cm[k]) - (c0[k] + c0[k])) + _force(c0[k], coeffs)
        eta = a * z0[k] + b * zm[k]
        mp[k] = c0[k] + dt * F0 + eta
        part[k] = c0[k] + hdt * F0 + eta


@njit(cache=True, error_model="numpy", inline="always")
def _correct(pm, p0, pp, part, out, coeffs, g, hdt):
    """Corrector on a stretch of interior cells (zero-based views; any float dtype)."""
    for k in range(p0.shape[0]):
        out[k] = part[k] + hdt * (g * ((pp[k] + pm[k]) - (p0[k] + p0[k])) + _force(p0[k], coeffs))


@njit(cache=True, error_model="numpy")
def _heun_step(cur, nxt, zb, part, mp, coeffs, D, dx, dt, a, b, key, step):
    """One Heun step ``cur -> nxt``, cache-blocked.

    Per block of :data:`BLOCK` cells: generate its normals into ``zb`` (``zb[0]`` = the normal of
    the cell before the block), run the predictor (writing ``mp`` and ``part``), then the
    corrector of every cell whose right neighbour's ``mp`` is known; the wrap-around cells last.
    """
    prefer_host_vector_width()
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
    prefer_host_vector_width()
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
    prefer_host_vector_width()
    R = fields.shape[0]
    for r in prange(R):
        row = fields[r].copy()
        done[r] = heun_run(row, coeffs, D, dx, dt, a, b, keys[r], step0, n_steps, check_every)
        fields[r, :] = row


# --------------------------------------------------------------------------------------------
# Blocked integrator: Philox normals, float32 or float64 state, tiles with halos, threads
# --------------------------------------------------------------------------------------------

#: Cells per tile of the blocked integrator (8192 x 32 measured ~3 % faster than 2048 x 16 on one
#: thread; the numbers do not depend on the tiling).
TILE = 8192
#: Steps per tile visit (a multiple of 4: one Philox call per cell serves four steps); a tile is
#: advanced that many steps from a snapshot of the ring with a halo of 2 cells per step.
TILE_STEPS = 32
#: Smallest block of a ring split over threads (cells).
MIN_BLOCK = 2048
_HALO_MAX = 2 * TILE_STEPS
#: Loop lengths are rounded up to a multiple of this (vector width x unroll: no scalar remainder
#: loops); the extra cells lie outside the valid range and never reach a result.
_PAD = 64
_WIDTH_MAX = TILE + 2 * _HALO_MAX + 2 * _PAD


@njit(cache=True, error_model="numpy", inline="always")
def _ring_copy(src, u, start, n):
    """``u[j] = src[(start + j) mod L]`` for ``j < n`` (contiguous runs; wraps any number of times)."""
    L = src.shape[0]
    c = start % L
    j = 0
    while j < n:
        m = min(n - j, L - c)
        u[j : j + m] = src[c : c + m]
        j += m
        c = 0


@njit(cache=True, error_model="numpy", inline="always")
def _ring_normals(Z, W, j0, j1, cell0, L, key, group):
    """``Z[:, j]`` = normals of cell ``(cell0 + j) mod L`` in step group ``group``, ``j0 <= j < j1``."""
    c = (cell0 + j0) % L
    j = j0
    while j < j1:
        m = min(j1 - j, L - c)
        philox_normals_into(Z, W, j, c, m, key, group)
        j += m
        c = 0


@njit(cache=True, error_model="numpy", inline="always")
def _padded(n):
    """``n`` rounded up to a multiple of :data:`_PAD`."""
    return (n + _PAD - 1) // _PAD * _PAD


@njit(cache=True, error_model="numpy")
def _advance_tile(src, dst, s, T, step, S, coeffs, prm, key, off, Lg, buf, Z, W):
    """``dst[s:s+T]`` = cells ``s .. s+T-1`` of the ring ``src`` advanced ``S`` steps from global ``step``.

    The tile is copied with a halo of ``2 S`` cells on each side (the Heun step reaches two cells
    out) and advanced in the scratch ``buf`` (rows: state, next state, predictor, partial sum); the
    valid range shrinks by two cells per side and step.  Every cell goes through the same
    operations as in a step of the whole ring, so the result does not depend on the tiling.  Cell
    ``i`` of ``src`` is cell ``(off + i) mod Lg`` of the ring whose normals it draws (``src`` may
    be a segment of that ring: its wrapped ends are then garbage that never reaches ``dst``).
    """
    prefer_host_vector_width()
    g, dt, hdt, a, b = prm
    h = 2 * S
    n = T + 2 * h
    start = s - h
    u, v, mp, part = buf[0], buf[1], buf[2], buf[3]
    _ring_copy(src, u, start, n)
    for k in range(S):
        glob = step + k
        lo, hi = 2 * k, n - 2 * k  # valid input cells [lo, hi); loops padded beyond hi (see _PAD)
        if k == 0 or glob % 4 == 0:
            _ring_normals(Z, W, lo, lo + _padded(hi - 1 - lo), off + start, Lg, key, np.uint64(glob // 4))
        z = Z[glob % 4]
        e = lo + _padded(hi - lo - 2)
        _predict(u[lo : e], u[lo + 1 : e + 1], u[lo + 2 : e + 2], z[lo + 1 : e + 1], z[lo : e],
                 mp[lo + 1 : e + 1], part[lo + 1 : e + 1], coeffs, g, dt, hdt, a, b)
        e = lo + _padded(hi - lo - 4)
        _correct(mp[lo + 1 : e + 1], mp[lo + 2 : e + 2], mp[lo + 3 : e + 3], part[lo + 2 : e + 2],
                 v[lo + 2 : e + 2], coeffs, g, hdt)
        u, v = v, u
    dst[s : s + T] = u[h : h + T]


@njit(cache=True, error_model="numpy", inline="always")
def _sweep_length(step, remaining):
    """Steps of the next sweep: up to the next multiple of :data:`TILE_STEPS` (keeps Philox groups whole)."""
    return min(remaining, TILE_STEPS - step % TILE_STEPS)


@njit(cache=True, error_model="numpy")
def _advance_ring(src, dst, tmp, step, n_steps, coeffs, prm, key, off, Lg):
    """The ring ``src`` advanced ``n_steps`` steps into ``dst`` by sweeps over its tiles (``tmp``: scratch ring).

    ``src`` is kept; cell ``i`` draws the normals of cell ``(off + i) mod Lg`` (see :func:`_advance_tile`).
    """
    prefer_host_vector_width()
    L = src.shape[0]
    buf = np.zeros((4, _WIDTH_MAX), dtype=src.dtype)  # zeros: the padding cells stay finite
    Z = np.zeros((4, _WIDTH_MAX), dtype=src.dtype)
    W = np.empty((4, CHUNK), dtype=np.uint32)
    sweeps = 0
    k = 0
    while k < n_steps:
        k += _sweep_length(step + k, n_steps - k)
        sweeps += 1
    if sweeps == 0:
        dst[:] = src
    cur = src
    k = 0
    for i in range(sweeps):  # ping-pong between tmp and dst, ending in dst
        out = dst if (sweeps - 1 - i) % 2 == 0 else tmp
        S = _sweep_length(step + k, n_steps - k)
        for s in range(0, L, TILE):
            _advance_tile(cur, out, s, min(TILE, L - s), step + k, S, coeffs, prm, key, off, Lg, buf, Z, W)
        cur = out
        k += S


@njit(cache=True, error_model="numpy", inline="always")
def _region_item(item, src, dst, tmp, seg, ok, rows, n_blocks, step, n_steps, coeffs, prm, keys):
    """Item ``item`` of a region: a whole ring (``n_blocks == 1``) or one block of a ring with its
    halo; ``ok[item]`` says whether its new cells are finite."""
    prefer_host_vector_width()
    r = rows[item // n_blocks]
    L = src.shape[1]
    if n_blocks == 1:
        _advance_ring(src[r], dst[r], tmp[r], step, n_steps, coeffs, prm, keys[r], 0, L)
        ok[item] = _finite(dst[r])
        return
    blk = item % n_blocks
    lo = blk * L // n_blocks  # equal blocks: the threads finish together
    hi = (blk + 1) * L // n_blocks
    h = 2 * n_steps  # cells of the neighbours that reach the block in n_steps steps
    M = hi - lo + 2 * h
    work = seg[item]
    _ring_copy(src[r], work[0, :M], lo - h, M)
    _advance_ring(work[0, :M], work[1, :M], work[2, :M], step, n_steps, coeffs, prm, keys[r], lo - h, L)
    dst[r, lo:hi] = work[1, h : h + hi - lo]
    ok[item] = _finite(dst[r, lo:hi])


@njit(cache=True, error_model="numpy", parallel=True)
def _region_threads(src, dst, tmp, seg, ok, rows, n_blocks, step, n_steps, coeffs, prm, keys):
    """:func:`_region_item` for every (row, block) item, in parallel."""
    for item in prange(rows.shape[0] * n_blocks):
        _region_item(item, src, dst, tmp, seg, ok, rows, n_blocks, step, n_steps, coeffs, prm, keys)


@njit(cache=True, error_model="numpy")
def _region_serial(src, dst, tmp, seg, ok, rows, n_blocks, step, n_steps, coeffs, prm, keys):
    """:func:`_region_item` for every (row, block) item, one after the other."""
    prefer_host_vector_width()
    for item in range(rows.shape[0] * n_blocks):
        _region_item(item, src, dst, tmp, seg, ok, rows, n_blocks, step, n_steps, coeffs, prm, keys)


@njit(cache=True, error_model="numpy")
def _replay(cur, nxt, tmp, r, step, n_steps, coeffs, prm, keys):
    """Advance row ``r`` of ``cur`` step by step while it stays finite; return the steps done (<= n_steps)."""
    prefer_host_vector_width()
    L = cur.shape[1]
    for k in range(n_steps):
        _advance_ring(cur[r], nxt[r], tmp[r], step + k, 1, coeffs, prm, keys[r], 0, L)
        if not _finite(nxt[r]):
            return k
        cur[r] = nxt[r]
    return n_steps


@njit(cache=True, error_model="numpy")
def _heun_blocked(fields, coeffs, prm, keys, step0, n_steps, sync_steps, done, n_blocks, threads):
    """Driver of :func:`heun_advance`: regions of ``sync_steps`` steps, each followed by a NaN/inf check.

    The state ping-pongs between ``fields`` and a second array (the state before a region is the
    checkpoint of the NaN/inf replay); a row that blows up is replayed and its last finite state
    written to ``fields`` at once, the others are copied back at the end if needed.
    """
    prefer_host_vector_width()
    R, L = fields.shape
    cur = fields
    nxt = np.empty_like(fields)
    tmp = np.empty_like(fields)
    in_fields = True  # cur is fields
    m_seg = 1 if n_blocks == 1 else L // n_blocks + 1 + 4 * sync_steps
    seg = np.empty((R * n_blocks if n_blocks > 1 else 1, 3, m_seg), dtype=fields.dtype)
    ok = np.ones(R * n_blocks, dtype=np.bool_)
    active = np.ones(R, dtype=np.bool_)
    k = 0
    while k < n_steps:
        rows = np.nonzero(active)[0]
        if rows.shape[0] == 0:
            break
        c = min(sync_steps, n_steps - k)
        if threads:
            _region_threads(cur, nxt, tmp, seg, ok, rows, n_blocks, step0 + k, c, coeffs, prm, keys)
        else:
            _region_serial(cur, nxt, tmp, seg, ok, rows, n_blocks, step0 + k, c, coeffs, prm, keys)
        for i in range(rows.shape[0]):
            if not np.all(ok[i * n_blocks : (i + 1) * n_blocks]):
                r = rows[i]  # replay from the checkpoint cur[r] to the last finite state
                done[r] = k + _replay(cur, nxt, tmp, r, step0 + k, c, coeffs, prm, keys)
                active[r] = False
                if not in_fields:
                    fields[r] = cur[r]
        cur, nxt = nxt, cur
        in_fields = not in_fields
        k += c
    for r in range(R):
        if active[r]:
            done[r] = n_steps
            if not in_fields:
                fields[r] = cur[r]


def heun_advance(fields, coeffs, D, dx, dt, a, b, keys, step0, n_steps, check_every=64):
    """Advance every row of ``fields`` in place by up to ``n_steps`` Heun steps (blocked integrator).

    The time step is that of :func:`heun_run` (same operations, same order); the normals are the
    Philox4x32-10 ones (:mod:`lindhydro.field.philox`) in the dtype of ``fields``.  The ring is
    cut into tiles of :data:`TILE` cells, each advanced up to :data:`TILE_STEPS` steps from a
    snapshot with a halo of two cells per step, so the numbers do not depend on the tiling or on
    the number of threads.  With ``numba.get_num_threads() > 1`` the rows run in parallel, and
    when the rows do not divide evenly among the threads each ring is also split into blocks,
    each advanced with a halo of two cells per step between synchronisations (every
    ``check_every`` steps, fewer for short blocks: the halo is kept below 1/64 of the block).

    Parameters
    ----------
    fields : float32 or float64 array, shape (R, L), C-contiguous
        One ring per row, advanced in place; the dtype is the precision of the whole step.
    coeffs, D, dx, dt, a, b
        As in :func:`heun_run`: lattice force coefficients ``(c1, c3, ...)``, diffusion constant,
        cell width, time step and the noise coefficients of ``eta_i = a z_i + b z_(i-1)``.
    keys : uint64 array, shape (R,)
        Stream key of each row.
    step0 : int
        Global index of the first step (>= 0).
    n_steps : int
        Steps to take (>= 0).
    check_every : int, default 64
        Steps between NaN/inf checks; a row that becomes non-finite is replayed step by step from
        its last check and left at its last finite state.

    Returns
    -------
    numpy.ndarray of int64, shape (R,)
        Steps completed with a finite field, per row.

    Raises
    ------
    ValueError
        For a bad dtype, shape, key array or step count.
    """
    import math

    import numba

    if not (isinstance(fields, np.ndarray) and fields.ndim == 2 and fields.dtype in (np.float32, np.float64)
            and fields.flags.c_contiguous):
        raise ValueError("fields must be a C-contiguous 2-D float32 or float64 array")
    R, L = fields.shape
    if not (1 <= L < 2**32 and R >= 1):
        raise ValueError(f"fields must have at least one row and 1 .. 2^32 - 1 cells, got shape {fields.shape}")
    keys = np.asarray(keys)
    if keys.dtype != np.uint64 or keys.shape != (R,):
        raise ValueError(f"keys must be a uint64 array of shape ({R},)")
    if step0 < 0 or n_steps < 0 or check_every < 1:
        raise ValueError(f"need step0 >= 0, n_steps >= 0, check_every >= 1; got {step0}, {n_steps}, {check_every}")
    typ = fields.dtype.type
    threads = numba.get_num_threads()
    n_blocks = 1
    sync = int(check_every)
    if threads > 1 and R % threads:
        n_blocks = max(1, min(threads // math.gcd(R, threads), L // MIN_BLOCK))
    if n_blocks > 1:  # halo 2 sync cells per side: at most 1/64 of a block of cells
        sync = min(sync, max(TILE_STEPS, L // n_blocks // 128))
    prm = (typ(D / (dx * dx)), typ(dt), typ(0.5 * dt), typ(a), typ(b))
    coeffs = tuple(typ(c) for c in coeffs)
    done = np.zeros(R, dtype=np.int64)
    parallel = threads > 1 and R * n_blocks > 1  # a single item runs serially: no thread wake-ups
    _heun_blocked(fields, coeffs, prm, keys, int(step0), int(n_steps), sync, done, n_blocks, parallel)
    return done
