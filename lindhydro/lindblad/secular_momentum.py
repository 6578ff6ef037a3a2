"""The ε → 0 (secular) steady state of the paper's periodic chain in momentum sectors (N ≤ 16).

Per strong-symmetry sector X = s the states are the H0 eigenstates of the sectors (M, k) with
M = Q1 > 0 — standing for the X-sector states (|n⟩ + s X|n⟩)/√2 — and, for even N, those of
(M = 0, k, X = s); a level is one value of |M|.  Rates come from one jump operator per
translation orbit: Σ_j |⟨m|L_j|n⟩|² = N |⟨m|L_0|n⟩|² between momentum eigenstates.  The blocks
k and −k are complex conjugates (H0 and the jumps are real), so only 0 ≤ k ≤ π carry unknowns:
their partners have the same populations and conjugate coherences.  Coherences are kept between
exactly degenerate levels of equal momentum.  The stationary secular equation is solved in real
coordinates: dense LU, or GMRES preconditioned by the |Q1|-level blocks beyond 6000 unknowns.  Energies and rates in J; derivation in ``docs/physics.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from lindhydro.quantum.basis import ChainBasis, locate
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.spectrum import sector_hamiltonian

#: Unknowns above which the stationary equation is solved by block-Jacobi GMRES (dense LU below).
DENSE_SOLVE_LIMIT = 6000

__all__ = [
    "MomentumSecularState",
    "SecularRateEquation",
    "momentum_secular_sector",
    "secular_rate_equation",
    "estimate_momentum_secular_memory",
]


@dataclass(frozen=True)
class MomentumSecularState:
    """The secular steady state of one X sector over all of its H0 eigenstates.

    Attributes
    ----------
    parity : int
        X eigenvalue s.
    energies, populations : numpy.ndarray
        Every eigenstate of the sector (2^(N−1) of them) and its weight (sum 1).
    abs_q1, momentum : numpy.ndarray of int
        |Q1| and κ (k = 2πκ/N) of every eigenstate.
    blocks : tuple of numpy.ndarray
        Eigenstate indices of the coherent (degenerate, equal-momentum) blocks of size > 1.
    block_densities : tuple of numpy.ndarray
        ρ0 on each of those blocks.
    residual : float
        ‖P0 L̂1 ρ0‖ of the reduced real equations (per unit ε).
    min_splitting : float
        Smallest nonzero spacing of the sector's energies kept apart (J).
    n_unknowns : int
        Size of the reduced real linear system.
    """

    parity: int
    energies: np.ndarray = field(repr=False)
    populations: np.ndarray = field(repr=False)
    abs_q1: np.ndarray = field(repr=False)
    momentum: np.ndarray = field(repr=False)
    blocks: tuple[np.ndarray, ...] = field(default=(), repr=False)
    block_densities: tuple[np.ndarray, ...] = field(default=(), repr=False)
    residual: float = float("nan")
    min_splitting: float = float("nan")
    n_unknowns: int = 0


@dataclass
class _Block:
    """Eigenstates of H0 in one (level, κ) block: Bloch columns and eigenvectors in them."""

    level: int
    kappa: int
    bloch: sp.csr_matrix
    vectors: np.ndarray
    energies: np.ndarray
    start: int = 0

    @property
    def size(self) -> int:
        return int(self.energies.size)

    def states(self) -> np.ndarray:
        """Eigenvectors in the product basis of the level's magnetisation sector (dense)."""
        return np.asarray(self.bloch @ self.vectors)


def _rep_kappas(n: int) -> list[int]:
    return list(range(n // 2 + 1))


def _partner(n: int, kappa: int) -> int:
    return (n - kappa) % n


def _levels(n: int) -> list[int]:
    """|Q1| values of the levels: 0, 2, …, N (even N) or 1, 3, …, N (odd N)."""
    return list(range(n % 2, n + 1, 2))


def estimate_momentum_secular_memory(n_sites: int) -> int:
    """Estimated peak memory (bytes) of :func:`momentum_secular_sector` for one X sector.

    The dense real system of the reduced unknowns (≈ 2^(N−1)(N/2 + 1)/N of them, one copy), the
    eigenvectors of all (M, k) blocks and the largest dense intermediate of one level pair.

    Parameters
    ----------
    n_sites : int
        Length N of the periodic chain.

    Returns
    -------
    int
        Bytes.
    """
    n = int(n_sites)
    reps = 2 ** (n - 1) * (n // 2 + 1) / n
    dims = [math.comb(n, (n - a) // 2) for a in _levels(n)]
    vectors = 16 * sum(d * d for d in dims) / n
    largest = max(d1 * d2 for d1, d2 in zip(dims, dims[1:], strict=False)) if len(dims) > 1 else 1
    return int(8 * reps**2 + 2 * vectors + 3 * 16 * largest / n + 2**26)


# ----------------------------------------------------------------------------------------------
# the levels and their eigenstates
# ----------------------------------------------------------------------------------------------


def _level_states(chain: ChainBasis, abs_q1: int) -> np.ndarray:
    return chain.magnetisation_sector((chain.n_sites - abs_q1) // 2)


def _x_projected(U: sp.csr_matrix, states: np.ndarray, chain: ChainBasis, parity: int) -> np.ndarray:
    """Orthonormal Bloch coordinates of the X = ``parity`` subspace of the M = 0 Bloch states U."""
    flip = sp.csr_matrix(
        (np.ones(states.size), (locate(states, chain.invert(states)), np.arange(states.size))),
        shape=(states.size, states.size),
    )
    X = (U.conj().T @ (flip @ U)).toarray()
    w, B = scipy.linalg.eigh(0.5 * (X + X.conj().T))
    return B[:, np.abs(w - parity) < 0.5]


def _level_blocks(params: ChainParameters, level: int, abs_q1: int, parity: int) -> list[_Block]:
    """Eigenstates of every κ block of one level (κ > N/2 as conjugates of N − κ)."""
    n = params.n_sites
    chain = ChainBasis(n)
    states = _level_states(chain, abs_q1)
    H = sector_hamiltonian(params, (n - abs_q1) // 2, states)
    orbits = chain.translation_orbits(states)
    out: dict[int, _Block] = {}
    for kappa in _rep_kappas(n):
        U = chain.momentum_states(states, orbits, kappa).tocsr()
        B = _x_projected(U, states, chain, parity) if abs_q1 == 0 else np.eye(U.shape[1])
        Hk = B.conj().T @ (U.conj().T @ (H @ U)).toarray() @ B
        E, W = scipy.linalg.eigh(0.5 * (Hk + Hk.conj().T)) if Hk.size else (np.zeros(0), np.zeros((0, 0)))
        out[kappa] = _Block(level, kappa, U, B @ W, E)
        pk = _partner(n, kappa)
        if pk not in out:
            out[pk] = _Block(level, pk, U.conj().tocsr(), np.conj(B @ W), E)
    return [out[k] for k in range(n)]


def _number_states(blocks: list[list[_Block]]) -> int:
    start = 0
    for level in blocks:
        for b in level:
            b.start = start
            start += b.size
    return start


# ----------------------------------------------------------------------------------------------
# the jump operators at site 0 between levels
# ----------------------------------------------------------------------------------------------


def _site0_piece(chain: ChainBasis, src: np.ndarray, dst: np.ndarray, group: str, raises: bool, flip_x: bool):
    """Piece of σˣ_0 (``group='sigma_x'``) or L⁽²⁾_0 (``'aligning'``) raising or lowering Q1 by 2,
    from the labels ``src`` to ``dst`` (followed by X = Πσˣ if ``flip_x``)."""
    n = chain.n_sites
    b0 = chain.local_state(src, 0)
    mask = b0 == (1 if raises else 0)  # raising flips a down spin (k = 1) up
    if group == "aligning":  # ↑↓↑ → ↑↑↑ and ↓↑↓ → ↓↓↓: both neighbours opposite to the centre
        bl, br = chain.local_state(src, n - 1), chain.local_state(src, 1)
        mask &= (bl != b0) & (br != b0)
    col = np.nonzero(mask)[0]
    image = chain.flip(src[col], 0)
    if flip_x:
        image = chain.invert(image)
    row = locate(dst, image)
    return sp.csr_matrix((np.ones(col.size), (row, col)), shape=(dst.size, src.size))


def _connections(params: ChainParameters, parity: int):
    """(target level, source level, group, rate, piece, factor) of every jump between levels.

    Amplitudes between X-sector states: ⟨m̃|L|ñ⟩ = ⟨m|L|n⟩ between M > 0 states, √2⟨m|L|n⟩ to or
    from M = 0 (X eigenstates), and s⟨Xm|L|n⟩ inside |M| = 1 for odd N.
    """
    n = params.n_sites
    chain = ChainBasis(n)
    levels = _levels(n)
    out = []
    for group, rate in params.rates.items():
        if rate == 0:
            continue
        for ls, a in enumerate(levels):
            src = _level_states(chain, a)
            moves = [(a + 2, True, False, math.sqrt(2) if a == 0 else 1.0)]
            if a >= 2:
                moves.append((a - 2, False, False, math.sqrt(2) if a == 2 else 1.0))
            if a == 1:
                moves.append((1, False, True, float(parity)))
            for b, raises, flip_x, factor in moves:
                if b > n:
                    continue
                piece = _site0_piece(chain, src, _level_states(chain, b), group, raises, flip_x)
                out.append((levels.index(b), ls, group, rate, piece, factor))
    return out


def _gamma_diagonal(params: ChainParameters, states: np.ndarray) -> np.ndarray:
    """⟨x|Σ_g r_g L_{g,0}†L_{g,0}|x⟩ on product states (diagonal: σˣσˣ = 1, L⁽²⁾†L⁽²⁾ a projector)."""
    chain = ChainBasis(params.n_sites)
    b0, bl, br = (chain.local_state(states, j) for j in (0, params.n_sites - 1, 1))
    rates = params.rates
    return rates["sigma_x"] + rates["aligning"] * ((bl != b0) & (br != b0))


# ----------------------------------------------------------------------------------------------
# bookkeeping of the unknowns
# ----------------------------------------------------------------------------------------------


class _Unknowns:
    """Real unknowns: populations of the states with 0 ≤ κ ≤ N/2, then (Re, Im) of the
    coherences of their degenerate blocks; partners (κ → N − κ) are folded onto them."""

    def __init__(self, blocks: list[list[_Block]], n: int, tol: float) -> None:
        total = _number_states(blocks)
        self.level = np.empty(total, dtype=np.int64)
        self.kappa = np.empty(total, dtype=np.int64)
        self.local = np.empty(total, dtype=np.int64)
        self.energy = np.empty(total)
        for level in blocks:
            for b in level:
                sl = slice(b.start, b.start + b.size)
                self.level[sl], self.kappa[sl] = b.level, b.kappa
                self.local[sl], self.energy[sl] = np.arange(b.size), b.energies
        self.partner = np.array([blocks[lv][_partner(n, k)].start + i
                                 for lv, k, i in zip(self.level, self.kappa, self.local, strict=True)])
        self.is_rep = self.kappa <= n // 2
        reps = np.nonzero(self.is_rep)[0]
        self.n_pop = reps.size
        self.pop = np.empty(total, dtype=np.int64)
        self.pop[reps] = np.arange(reps.size)
        self.pop[~self.is_rep] = self.pop[self.partner[~self.is_rep]]
        self.weight = np.where(self.partner[reps] == reps, 1.0, 2.0)
        self.rep_blocks = self._degenerate_blocks(reps, tol)
        self.coherence: dict[tuple[int, int], list[tuple[int, complex]]] = {}
        self.size = self.n_pop
        for blk in self.rep_blocks:
            for i, r in enumerate(blk):
                for j in range(i + 1, blk.size):
                    s = blk[j]
                    re, im = self.size, self.size + 1
                    self.size += 2
                    self.coherence[(r, s)] = [(re, 1.0), (im, 1j)]
                    self.coherence[(s, r)] = [(re, 1.0), (im, -1j)]
                    if self.partner[r] != r:  # ρ_{r̄ s̄} = conj(ρ_rs)
                        self.coherence[(self.partner[r], self.partner[s])] = [(re, 1.0), (im, -1j)]
                        self.coherence[(self.partner[s], self.partner[r])] = [(re, 1.0), (im, 1j)]
        self.members = {f for pair in self.coherence for f in pair}
        self.is_member = np.zeros(total, dtype=bool)
        self.is_member[list(self.members)] = True

    def _degenerate_blocks(self, reps: np.ndarray, tol: float) -> list[np.ndarray]:
        out = []
        for kappa in np.unique(self.kappa[reps]):
            idx = reps[self.kappa[reps] == kappa]
            idx = idx[np.argsort(self.energy[idx], kind="stable")]
            E = self.energy[idx]
            start = 0
            while start < idx.size:
                stop = start + 1
                while stop < idx.size and E[stop] - E[start] < tol:
                    stop += 1
                if stop - start > 1:
                    out.append(np.sort(idx[start:stop]))
                start = stop
        return out

    def variable(self, r: int, s: int) -> list[tuple[int, complex]]:
        """ρ_rs as Σ z·y over the real unknowns y."""
        if r == s:
            return [(int(self.pop[r]), 1.0)]
        return self.coherence.get((r, s), [])

    def rows(self, p: int, q: int) -> tuple[int, ...]:
        """Equation rows of ρ_pq: (population row,) or (Re row, Im row) for p < q in a block."""
        if p == q:
            return (int(self.pop[p]),)
        return tuple(j for j, _ in self.coherence[(p, q)])


def _add(G: np.ndarray, rows: tuple[int, ...], coeff: complex, var) -> None:
    """G[rows] += coeff·ρ_var: the real part into a real row, real and imaginary parts into a pair."""
    for j, z in var:
        c = coeff * z
        G[rows[0], j] += c.real
        if len(rows) == 2:
            G[rows[1], j] += c.imag


# ----------------------------------------------------------------------------------------------
# the secular equations
# ----------------------------------------------------------------------------------------------


def _amplitudes(blocks, connections, n: int):
    """Yield (group, rate, target block, source block, A) with A_pr = ⟨p|L_{g,0}|r⟩ for every
    target block with 0 ≤ κ ≤ N/2 and every source block."""
    for lt, ls, group, rate, piece, factor in connections:
        phis: dict[int, np.ndarray] = {}
        for src in blocks[ls]:
            if src.size == 0:
                continue
            pk = _partner(n, src.kappa)
            phi = np.conj(phis[pk]) if pk in phis else piece @ src.states()
            phis[src.kappa] = phi
            for kappa in _rep_kappas(n):
                tgt = blocks[lt][kappa]
                if tgt.size == 0:
                    continue
                A = factor * (tgt.vectors.conj().T @ (tgt.bloch.conj().T @ phi))
                yield group, rate, tgt, src, A


def _rate_matrix(blocks, connections, unk: _Unknowns, n: int):
    """Dense real matrix of the population equations (rates N r |A|²) and the amplitude rows and
    columns of the coherent-block members."""
    G = np.zeros((unk.size, unk.size), order="F")
    rows_of: dict = {}
    cols_of: dict = {}
    for group, rate, tgt, src, A in _amplitudes(blocks, connections, n):
        t_idx = np.arange(tgt.start, tgt.start + tgt.size)
        s_idx = np.arange(src.start, src.start + src.size)
        G[np.ix_(unk.pop[t_idx], unk.pop[s_idx])] += n * rate * np.abs(A) ** 2
        for i in np.nonzero(unk.is_member[t_idx])[0]:
            rows_of.setdefault((group, int(t_idx[i])), {})[(src.level, src.kappa)] = (rate, A[i].copy())
        for i in np.nonzero(unk.is_member[s_idx])[0]:
            cols_of.setdefault((group, int(s_idx[i])), {})[(tgt.level, tgt.kappa)] = (rate, A[:, i].copy())
    return G, rows_of, cols_of


def _gamma(blocks, params: ChainParameters, unk: _Unknowns, n: int):
    """Diagonal of Γ = Σ_g r_g Σ_j L_{g,j}†L_{g,j} in the eigenbasis, and its elements inside the
    coherent blocks (Γ conserves Q1 and momentum)."""
    chain = ChainBasis(n)
    diag = np.zeros(unk.energy.size)
    inside: dict[tuple[int, int], complex] = {}
    for lv, level in enumerate(blocks):
        abs_q1 = _levels(n)[lv]
        gam = _gamma_diagonal(params, _level_states(chain, abs_q1))
        for b in level:
            if b.size == 0 or not unk.is_rep[b.start]:
                continue
            psi = b.states()
            diag[b.start : b.start + b.size] = n * np.einsum("xi,x,xi->i", psi.conj(), gam, psi).real
            for blk in unk.rep_blocks:
                loc = [f - b.start for f in blk if b.start <= f < b.start + b.size]
                for i in loc:
                    for j in loc:
                        inside[(b.start + i, b.start + j)] = n * np.vdot(psi[:, i], gam * psi[:, j])
    return diag, inside


def _coherence_terms(G, unk: _Unknowns, rows_of, cols_of, gamma_in, n: int) -> None:
    """The terms of the secular equations that involve the coherent blocks."""
    pairs = [k for k in unk.coherence]
    # populations fed by coherences: Σ_g N r_g A_pr conj(A_ps) ρ_rs
    for r, s in pairs:
        var = unk.variable(r, s)
        for (g, f), targets in cols_of.items():
            if f != r or (g, s) not in cols_of:
                continue
            for key, (rate, a_r) in targets.items():
                if key not in cols_of[(g, s)]:
                    continue
                a_s = cols_of[(g, s)][key][1]
                start = _block_start(unk, key)
                for i, c in enumerate(n * rate * a_r * np.conj(a_s)):
                    if c != 0:
                        _add(G, unk.rows(start + i, start + i), c, var)
    for blk in unk.rep_blocks:
        for i, p in enumerate(blk):
            for q in blk[i + 1 :]:
                _coherence_row(G, unk, int(p), int(q), rows_of, n)
        _gamma_terms(G, unk, blk, gamma_in)


def _block_start(unk: _Unknowns, key: tuple[int, int]) -> int:
    lv, kappa = key
    sel = np.nonzero((unk.level == lv) & (unk.kappa == kappa))[0]
    return int(sel[0])


def _coherence_row(G, unk: _Unknowns, p: int, q: int, rows_of, n: int) -> None:
    """ρ_pq fed by populations and coherences: Σ_g N r_g Σ_rs A_pr ρ_rs conj(A_qs)."""
    rows = unk.rows(p, q)
    for (g, f), sources in rows_of.items():
        if f != p or (g, q) not in rows_of:
            continue
        other = rows_of[(g, q)]
        for key, (rate, a_p) in sources.items():
            if key in other:
                start = _block_start(unk, key)
                for i, c in enumerate(n * rate * a_p * np.conj(other[key][1])):
                    if c != 0:
                        _add(G, rows, c, unk.variable(start + i, start + i))
        for r, s in unk.coherence:
            kr = (int(unk.level[r]), int(unk.kappa[r]))
            ks = (int(unk.level[s]), int(unk.kappa[s]))
            if kr in sources and ks in other:
                c = n * sources[kr][0] * sources[kr][1][unk.local[r]] * np.conj(other[ks][1][unk.local[s]])
                if c != 0:
                    _add(G, rows, c, unk.variable(r, s))


def _gamma_terms(G, unk: _Unknowns, blk: np.ndarray, gamma_in) -> None:
    """−½(Γρ + ρΓ)_pq inside a block (for populations without −Γ_pp ρ_pp, which is in the rates)."""
    for p in blk:
        for q in blk:
            if p > q:
                continue
            rows = unk.rows(int(p), int(q))
            for t in blk:
                if p == q == t:
                    continue  # −Γ_pp ρ_pp is part of the rate matrix
                if (p, t) in gamma_in:
                    _add(G, rows, -0.5 * gamma_in[(p, t)], unk.variable(int(t), int(q)))
                if (t, q) in gamma_in:
                    _add(G, rows, -0.5 * gamma_in[(t, q)], unk.variable(int(p), int(t)))


def momentum_secular_sector(
    params: ChainParameters, parity: int, *, degeneracy_tol: float = 1e-8
) -> MomentumSecularState:
    """Secular (ε → 0) steady state of one X sector of the paper's periodic chain.

    Parameters
    ----------
    params : ChainParameters
        A periodic chain (spins 1/2).
    parity : {+1, -1}
        X sector.
    degeneracy_tol : float
        Levels of equal momentum closer than this (J) keep their coherences.

    Returns
    -------
    MomentumSecularState
    """
    n = params.n_sites
    G, unk = _assemble(params, parity, degeneracy_tol, x_odd=False)
    row0 = G[0].copy()
    G[0] = 0.0
    G[0, : unk.n_pop] = unk.weight
    rhs = np.zeros(unk.size)
    rhs[0] = 1.0
    if unk.size > DENSE_SOLVE_LIMIT:
        y = _block_jacobi_gmres(G, rhs, _level_groups(unk))
        residual = float(np.linalg.norm(G[1:] @ y)) + abs(float(row0 @ y))
    else:
        y = scipy.linalg.solve(G, rhs, overwrite_a=True, check_finite=False)
        residual = abs(float(row0 @ y))  # the other equations hold to the precision of the LU solve
    return _collect(unk, y, n, parity, residual, degeneracy_tol)


def _level_groups(unk: _Unknowns) -> list[np.ndarray]:
    """Unknowns grouped by |Q1| level (populations), the coherences as one more group."""
    level = np.full(unk.size, -1)
    level[: unk.n_pop] = unk.level[np.nonzero(unk.is_rep)[0]]
    return [np.nonzero(level == lv)[0] for lv in np.unique(level)]


def _block_jacobi_gmres(A: np.ndarray, b: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """Solve A y = b by GMRES, preconditioned with the LU factors of the diagonal level blocks
    (about 30 iterations where a dense LU of all unknowns would cost 15 times more); dense LU if it
    does not converge."""
    factors = [(g, scipy.linalg.lu_factor(A[np.ix_(g, g)], check_finite=False)) for g in groups]

    def precondition(r):
        out = np.empty_like(r)
        for g, lu in factors:
            out[g] = scipy.linalg.lu_solve(lu, r[g], check_finite=False)
        return out

    size = b.size
    op = spla.LinearOperator((size, size), matvec=lambda x: A @ x, dtype=float)
    pre = spla.LinearOperator((size, size), matvec=precondition, dtype=float)
    y, info = spla.gmres(op, b, M=pre, rtol=1e-13, atol=0.0, restart=100, maxiter=10)
    if info != 0:
        y = scipy.linalg.solve(A, b, overwrite_a=True, check_finite=False)
    return y


def _assemble(params: ChainParameters, parity: int, tol: float, *, x_odd: bool):
    """The dense real secular generator of one X sector and its unknowns; with ``x_odd`` the part
    odd under X (even N): the |Q1| > 0 levels alone, where ⟨Q1⟩ lives (level 0 is a sink)."""
    n = params.n_sites
    blocks = [_level_blocks(params, lv, a, parity) for lv, a in enumerate(_levels(n))]
    if x_odd:
        blocks[0] = [_Block(0, b.kappa, b.bloch[:, :0], b.vectors[:, :0], b.energies[:0]) for b in blocks[0]]
    unk = _Unknowns(blocks, n, tol)
    G, rows_of, cols_of = _rate_matrix(blocks, _connections(params, parity), unk, n)
    diag, inside = _gamma(blocks, params, unk, n)
    reps = np.nonzero(unk.is_rep)[0]
    G[unk.pop[reps], unk.pop[reps]] -= diag[reps]
    _coherence_terms(G, unk, rows_of, cols_of, inside, n)
    return G, unk


@dataclass(frozen=True, eq=False)
class SecularRateEquation:
    """dy/dτ = G y, τ = εt: the secular (ε → 0) dynamics of one X sector in reduced real unknowns.

    Attributes
    ----------
    matrix : numpy.ndarray
        G (per unit ε); the first ``n_populations`` unknowns are populations of the eigenstates
        with 0 ≤ κ ≤ N/2 (each standing for ``weights`` states), then (Re, Im) of coherences.
    n_populations : int
        Number of population unknowns.
    energies, abs_q1 : numpy.ndarray
        E (J) and |Q1| of every population unknown.
    weights : numpy.ndarray
        1, or 2 for a state whose partner at −k carries the same population.
    """

    matrix: np.ndarray
    n_populations: int
    energies: np.ndarray
    abs_q1: np.ndarray
    weights: np.ndarray


def secular_rate_equation(
    params: ChainParameters, parity: int = 1, *, degeneracy_tol: float = 1e-8, x_odd: bool = False
) -> SecularRateEquation:
    """The secular generator of one X sector, or of the part of ρ odd under X (even N).

    From a state that commutes with H0, Q1 and the lattice symmetries (a Gibbs state) the exact
    ε → 0 dynamics is dy/dτ = G y.  X-even observables (P(|Q1|), ⟨Q1²⟩, ⟨H0⟩) follow from the two
    sectors; ⟨Q1⟩ and P(Q1) − P(−Q1) from the X-odd part, whose unknowns a_n = p_n − p_{Xn} live on
    the levels |Q1| > 0 with the rates of a sector (level 0 receives equal flux from ±Q1: a sink).

    Parameters
    ----------
    params : ChainParameters
        A periodic chain.
    parity : {+1, -1}
        X sector (ignored with ``x_odd``).
    degeneracy_tol : float
        Coherences are kept between levels of equal momentum closer than this (J).
    x_odd : bool
        The X-odd part (even N only).

    Returns
    -------
    SecularRateEquation
    """
    n = params.n_sites
    if x_odd and n % 2:
        raise ValueError("the X-odd secular dynamics is implemented for even N")
    G, unk = _assemble(params, 1 if x_odd else parity, degeneracy_tol, x_odd=x_odd)
    reps = np.nonzero(unk.is_rep)[0]
    return SecularRateEquation(
        matrix=np.ascontiguousarray(G),
        n_populations=unk.n_pop,
        energies=unk.energy[reps],
        abs_q1=np.array(_levels(n))[unk.level[reps]],
        weights=unk.weight,
    )


def _collect(unk: _Unknowns, y: np.ndarray, n: int, parity: int, residual: float, tol: float) -> MomentumSecularState:
    pops = y[unk.pop]
    blocks, dens = [], []
    for blk in unk.rep_blocks:
        for members in ([blk] if unk.partner[blk[0]] == blk[0] else [blk, unk.partner[blk]]):
            rho = np.array([[sum(z * y[j] for j, z in unk.variable(int(a), int(b))) for b in members]
                            for a in members])
            blocks.append(np.asarray(members))
            dens.append(rho)
    E = np.sort(unk.energy)
    gaps = np.diff(E)
    gaps = gaps[gaps >= tol]
    return MomentumSecularState(
        parity=parity,
        energies=unk.energy.copy(),
        populations=pops,
        abs_q1=np.array(_levels(n))[unk.level],
        momentum=unk.kappa.copy(),
        blocks=tuple(blocks),
        block_densities=tuple(dens),
        residual=residual,
        min_splitting=float(gaps.min()) if gaps.size else float("nan"),
        n_unknowns=int(unk.size),
    )
