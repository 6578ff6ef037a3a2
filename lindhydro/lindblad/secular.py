"""The ε → 0 limit of the Lindblad steady state: the secular (degenerate-block) rate equation.

To zeroth order in ε the steady state commutes with H0; it is fixed by P0 L̂1 ρ0 = 0, P0 the
projection onto block-diagonal operators in the degenerate eigenspaces of H0.  Coherences are kept
between exactly degenerate levels (``degeneracy_tol``); with the lattice symmetries of the paper's
chain only between levels of equal momentum (and Z parity).  Routes: ``"dense"`` (dense eigenvectors
per strong X = Πσˣ sector, or of the whole space for a model without that symmetry; any
:class:`~lindhydro.quantum.model.OpenSystem`, N ≤ 13) and ``"momentum"`` (the paper's periodic
chain in (Q1, k) sectors, :mod:`~lindhydro.lindblad.secular_momentum`, N ≤ 16).  Derivation and
validity (corrections O(εr/δ), δ the smallest spacing the bath couples): ``docs/physics.md``.
Energies in J; the result does not depend on ε (rates per unit ε).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from lindhydro.quantum.basis import ChainBasis
from lindhydro.quantum.model import ChainParameters, OpenSystem, as_open_system
from lindhydro.quantum.spectrum import DEFAULT_MEMORY_BUDGET

from .observables import EqualMixture, q1_resolved, sector_summary
from .secular_momentum import estimate_momentum_secular_memory, momentum_secular_sector
from .symmetry import XSector, chain_size, jump_signature, x_sector

__all__ = [
    "SecularSteadyState",
    "SecularResult",
    "secular_steady_state",
    "secular_sector",
    "estimate_secular_memory",
    "SecularProblem",
    "secular_problem",
    "MAX_SECULAR_SITES",
    "MAX_DENSE_SECULAR_SITES",
]

#: Largest chain of the momentum route (the paper's periodic chain; N = 16: ≈ 2.7 GiB per X sector).
MAX_SECULAR_SITES = 16

#: Largest chain of the dense route (dense eigenvectors of a 2^(N−1) sector; N = 13 ≈ 2 min, 2 GB).
MAX_DENSE_SECULAR_SITES = 13

#: Largest Hilbert-space dimension of the dense route without a strong X symmetry.
MAX_DENSE_SECULAR_DIMENSION = 2**12


@dataclass(frozen=True)
class SecularSteadyState:
    """ε → 0 steady state of one X sector (or of the whole space of a model without X symmetry).

    Attributes
    ----------
    parity : int
        X eigenvalue s; 0 for the whole space of a model without the strong X symmetry.
    energy_density, m_rms : float
        ⟨H0⟩/N (J) and ⟨Q1²⟩^{1/2}/N, Q1 = Σ_j σᶻ_j (for local dimension d: Σ_j (d − 1 − 2k_j)).
    q1_distribution : dict[int, float]
        P(Q1 = M).
    energy_density_given_abs_q1 : dict[int, float]
        Energy density conditioned on |Q1| (J).
    energies : numpy.ndarray
        Eigenvalues of H0 in the sector (J).
    populations : numpy.ndarray
        Diagonal of ρ0 in the eigenbasis.
    n_coherent_blocks : int
        Number of degenerate same-momentum blocks of dimension > 1 (where coherences are kept).
    min_splitting : float
        Smallest nonzero level spacing treated as non-degenerate (J).
    residual : float
        ‖P0 L̂1 ρ0‖ in the unknowns (per unit ε).
    eigenvectors : numpy.ndarray or None
        Eigenvectors of H0 (columns) in the block basis |ã⟩ (dense route; None for the momentum
        route, which keeps them per (Q1, k) block only).
    blocks : tuple of numpy.ndarray
        Eigenvector indices of the coherent blocks (degenerate, equal momentum and Z parity; the
        dense route lists every level, the momentum route only blocks of size > 1).
    block_densities : tuple of numpy.ndarray
        ρ0 on every coherent block, in the eigenbasis.
    abs_q1, momentum : numpy.ndarray or None
        |Q1| and κ (k = 2πκ/N) of every eigenstate (momentum route).
    method : str
        ``"dense"`` or ``"momentum"``.
    """

    parity: int
    energy_density: float
    m_rms: float
    q1_distribution: dict[int, float]
    energy_density_given_abs_q1: dict[int, float]
    energies: np.ndarray = field(repr=False)
    populations: np.ndarray = field(repr=False)
    n_coherent_blocks: int = 0
    min_splitting: float = float("nan")
    residual: float = float("nan")
    eigenvectors: np.ndarray | None = field(default=None, repr=False)
    blocks: tuple[np.ndarray, ...] = field(default=(), repr=False)
    block_densities: tuple[np.ndarray, ...] = field(default=(), repr=False)
    abs_q1: np.ndarray | None = field(default=None, repr=False)
    momentum: np.ndarray | None = field(default=None, repr=False)
    method: str = "dense"

    def block_matrix(self) -> np.ndarray:
        """Dense ρ0 on the X-sector block basis |ã⟩ (2^(N−1) square; dense route, small N)."""
        V = self.eigenvectors
        if V is None:
            raise ValueError("the momentum route keeps no dense eigenvectors: use method='dense' (N <= 13)")
        dim = V.shape[0]
        if dim > 2**12:
            raise ValueError("dense block matrix too large")
        out = np.zeros((dim, dim), dtype=complex)
        for idx, rb in zip(self.blocks, self.block_densities, strict=True):
            Vb = V[:, idx]
            out += Vb @ rb @ Vb.conj().T
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            **sector_summary(self),
            "n_coherent_blocks": int(self.n_coherent_blocks),
            "min_splitting": float(self.min_splitting),
            "residual": float(self.residual),
            "method": self.method,
        }


@dataclass(frozen=True)
class SecularResult(EqualMixture):
    """ε → 0 steady states of both X sectors; top-level observables refer to the equal mixture.

    Attributes
    ----------
    parameters : ChainParameters or None
        The chain (None for a user model).
    by_sector : tuple of SecularSteadyState
        X = +1 and X = −1, or the whole space of a model without the strong X symmetry.
    timings : dict
        Seconds spent.
    """

    parameters: ChainParameters | None
    by_sector: tuple[SecularSteadyState, ...]
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        mixture = "equal weights 1/2 per X sector" if len(self.by_sector) == 2 else "the whole space (no strong X symmetry)"
        return {
            "parameters": None if self.parameters is None else self.parameters.to_dict(),
            "mixture": mixture,
            **self.mixture_summary(),
        }


def _translation_representatives(sector: XSector, T: sp.csr_matrix):
    """(rate, L, multiplicity): one jump per translation orbit (orbits verified exactly), or None."""
    remaining = {jump_signature(L, r): (r, L) for r, L in sector.jumps}
    if len(remaining) != len(sector.jumps):
        return None
    reps = []
    while remaining:
        key, (r, L) = next(iter(remaining.items()))
        count = 0
        cur = L
        while True:
            k = jump_signature(cur, r)
            if k not in remaining:
                if count == 0 or k != key:
                    return None  # not a clean translation orbit: fall back to all jumps
                break
            del remaining[k]
            count += 1
            cur = (T @ cur @ T.T).tocsc()
            cur.eliminate_zeros()
            if jump_signature(cur, r) == key:
                break
        reps.append((r, L, count))
    return reps


def _to_eigenbasis(L: sp.csr_matrix, V: np.ndarray, block_cols) -> np.ndarray:
    """V† L V using the |Q1| block structure of V (only block pairs that L connects)."""
    dim = V.shape[0]
    out = np.zeros((dim, dim), dtype=complex)
    for rows_s, cols_s in block_cols:
        Ls = L[:, rows_s]
        LV = Ls @ V[np.ix_(rows_s, cols_s)]  # sparse × dense
        for rows_d, cols_d in block_cols:
            if Ls[rows_d].nnz == 0:
                continue
            out[np.ix_(cols_d, cols_s)] = V[np.ix_(rows_d, cols_d)].conj().T @ LV[rows_d]
    return out


def _degenerate_runs(values: np.ndarray, tol: float):
    """(start, stop) of the runs of sorted ``values`` whose members lie within ``tol`` of the first."""
    start = 0
    while start < values.size:
        stop = start + 1
        while stop < values.size and values[stop] - values[start] < tol:
            stop += 1
        yield start, stop
        start = stop


def _rotate_into_momentum(w: np.ndarray, U: np.ndarray, T: sp.spmatrix, tol: float) -> None:
    """Rotate every degenerate group of eigenvectors U (in place) into eigenvectors of T."""
    for start, stop in _degenerate_runs(w, tol):
        if stop - start > 1:
            Ug = U[:, start:stop]
            Tg = Ug.conj().T @ (T @ Ug)
            # distinct eigenvalues e^{ik} of the unitary Tg via a Hermitian combination
            A = (Tg + Tg.conj().T) / 2 + (math.sqrt(2) - 1) * (Tg - Tg.conj().T) / 2j
            _, R = scipy.linalg.eigh(A)
            U[:, start:stop] = Ug @ R


@dataclass(frozen=True)
class _Eigenbasis:
    """Eigenvectors of H0 in one X sector, ordered by |Q1| block, with their quantum numbers."""

    vectors: np.ndarray  # columns
    energies: np.ndarray
    momentum: np.ndarray  # κ with T = e^{2πiκ/N} (0 without translations)
    z_parity: np.ndarray  # n_down mod 2 for even N, else 0
    abs_q1: np.ndarray
    block_cols: list  # (rows, columns) of every |Q1| block
    labels_conserved: bool = True  # False: one block, abs_q1 carries no information


def _conserved_labels(H: sp.spmatrix, labels: np.ndarray) -> np.ndarray:
    """``labels`` if H never connects states of different labels, else one label for all."""
    C = H.tocoo()
    if np.any(labels[C.row] != labels[C.col]):
        return np.zeros_like(labels)
    return labels


def _eigenbasis(H: sp.spmatrix, labels: np.ndarray, z_parity: np.ndarray, T, n: int, degeneracy_tol: float) -> _Eigenbasis:
    """Diagonalise H0 per block of ``labels`` (|Q1|; one block if H0 does not conserve them);
    with a translation T, degenerate levels are rotated into momentum eigenstates."""
    dim = H.shape[0]
    H = H.tocsr()
    absM = _conserved_labels(H, labels)
    if not np.array_equal(absM, labels):
        z_parity = np.zeros(dim, dtype=np.int64)  # Z need not be a symmetry either
    V = np.zeros((dim, dim), dtype=complex)
    E = np.zeros(dim)
    tau = np.ones(dim, dtype=complex)
    zstate = np.zeros(dim, dtype=np.int64)
    absM_state = np.zeros(dim, dtype=np.int64)
    block_cols = []
    col = 0
    for mval in np.unique(absM):
        rows = np.nonzero(absM == mval)[0]
        Hb = H[rows][:, rows].toarray()
        if np.max(np.abs(Hb.imag), initial=0) == 0:
            Hb = Hb.real  # real symmetric: ~4x cheaper
        w, U = scipy.linalg.eigh(Hb, driver="evd")
        U = U.astype(complex)
        sl = slice(col, col + w.size)
        if T is not None:
            Tb = T[rows][:, rows]
            _rotate_into_momentum(w, U, Tb, degeneracy_tol)
            tau[sl] = np.einsum("ij,ij->j", U.conj(), Tb @ U)
        V[rows, sl] = U
        E[sl] = w
        zstate[sl] = z_parity[rows[0]]
        absM_state[sl] = absM[rows[0]]
        block_cols.append((rows, np.arange(col, col + w.size)))
        col += w.size
    if T is not None:
        kq = np.round(np.angle(tau) / (2 * np.pi) * n).astype(np.int64) % n
    else:
        kq = np.zeros(dim, dtype=np.int64)
    return _Eigenbasis(V, E, kq, zstate, absM_state, block_cols, bool(np.array_equal(absM, labels)))


def _coherent_blocks(eig: _Eigenbasis, degeneracy_tol: float) -> tuple[list[np.ndarray], float]:
    """Groups of exactly degenerate levels with equal momentum and Z parity, and the smallest
    nonzero spacing kept apart."""
    E = eig.energies
    order = np.lexsort((eig.momentum, eig.z_parity, E))
    Es = E[order]
    blocks: list[np.ndarray] = []
    min_split = float("inf")
    for i, j in _degenerate_runs(Es, degeneracy_tol):
        if j < Es.size:
            min_split = min(min_split, Es[j] - Es[j - 1])
        grp = order[i:j]
        for key in {(eig.z_parity[g], eig.momentum[g]) for g in grp}:
            blocks.append(np.array([g for g in grp if (eig.z_parity[g], eig.momentum[g]) == key]))
    return blocks, min_split


def _secular_generator(jumps, reps, eig: _Eigenbasis, blocks):
    """P0 L̂1 on the unknowns ρ_pq (p, q in one coherent block): the matrix S and the indices P, Q.

    (P0 L̂1 ρ)_pq = Σ_k r_k (L_k ρ L_k†)_pq − ½({Γ, ρ})_pq with Γ = Σ_k r_k L_k†L_k; ``reps`` are
    (rate, L, multiplicity): one jump per translation orbit on periodic chains, else every jump.
    """
    V = eig.vectors
    Lt = [(r * mult, _to_eigenbasis(L.tocsr(), V, eig.block_cols)) for r, L, mult in reps]
    Gam = sum(r * (L.conj().T @ L) for r, L in jumps)
    Gamma_blocks = [V[:, b].conj().T @ (Gam @ V[:, b]) for b in blocks]
    P = np.concatenate([np.repeat(b, b.size) for b in blocks])
    Q = np.concatenate([np.tile(b, b.size) for b in blocks])
    nu = P.size
    if nu > 40000:
        raise ValueError(f"the secular problem has {nu} unknowns (too many degenerate levels for the dense solver)")
    S = np.zeros((nu, nu), dtype=complex)
    for w, Lm in Lt:
        S += w * Lm[np.ix_(P, P)] * np.conj(Lm[np.ix_(Q, Q)])
    off = 0
    for b, G in zip(blocks, Gamma_blocks, strict=True):
        d = b.size
        for a in range(d):
            for c in range(d):
                u = off + a * d + c  # unknown (p=b[a], q=b[c])
                for k in range(d):
                    # (Γρ)_{ac} = Σ_k Γ_{ak} ρ_{kc};  (ρΓ)_{ac} = Σ_k ρ_{ak} Γ_{kc}
                    S[u, off + k * d + c] -= 0.5 * G[a, k]
                    S[u, off + a * d + k] -= 0.5 * G[k, c]
        off += d * d
    return S, P, Q


def _solve_with_trace(S: np.ndarray, P: np.ndarray, Q: np.ndarray) -> tuple[np.ndarray, float]:
    """Solve S x = 0 with Tr ρ = 1 (the first diagonal equation replaced); x and ‖S x‖."""
    trace_row = (P == Q).astype(complex)
    i0 = int(np.argmax(trace_row))
    A = S.copy()
    A[i0, :] = trace_row
    rhs = np.zeros(P.size, dtype=complex)
    rhs[i0] = 1.0
    x = scipy.linalg.solve(A, rhs)
    return x, float(np.linalg.norm(S @ x))


@dataclass(frozen=True)
class _BlockState:
    """ρ0 in the eigenbasis: populations and the density of every coherent block."""

    eig: _Eigenbasis
    populations: np.ndarray
    blocks: list
    densities: list
    residual: float
    min_splitting: float

    def product_diagonal(self) -> np.ndarray:
        """⟨x|ρ0|x⟩ on the basis states of H0's matrix (product or X-block states)."""
        V = self.eig.vectors
        out = np.zeros(V.shape[0])
        for b, rb in zip(self.blocks, self.densities, strict=True):
            Vb = V[:, b]
            out += np.einsum("xa,ab,xb->x", Vb, rb, Vb.conj()).real
        return out


def _solve_secular(jumps, reps, eig: _Eigenbasis, degeneracy_tol: float) -> _BlockState:
    blocks, min_split = _coherent_blocks(eig, degeneracy_tol)
    S, P, Q = _secular_generator(jumps, reps, eig, blocks)
    x, residual = _solve_with_trace(S, P, Q)
    pops = np.zeros(eig.energies.size)
    diag = P == Q
    pops[P[diag]] = x[diag].real
    rho_blocks = []
    off = 0
    for b in blocks:
        d = b.size
        rb = x[off : off + d * d].reshape(d, d)
        rho_blocks.append((rb + rb.conj().T) / 2)
        off += d * d
    return _BlockState(eig, pops, blocks, rho_blocks, residual, min_split if math.isfinite(min_split) else float("nan"))


def _sector_observables(st: _BlockState, magnetisation: np.ndarray, n: int) -> dict[str, Any]:
    """Energy density, m_rms and the Q1 distribution of an X-sector state (|Q1| of the block states)."""
    E, pops = st.eig.energies, st.populations
    if st.eig.labels_conserved:
        weights, absM = pops, st.eig.abs_q1
        energy_weight = lambda sel: np.sum(E[sel] * pops[sel])  # noqa: E731
    else:  # |Q1| is not a quantum number of the eigenstates: read it off the block-state diagonal
        weights, absM = st.product_diagonal(), np.abs(magnetisation)
        energy_weight = lambda sel: np.nan  # noqa: E731
    dist, cond = q1_resolved(weights, absM, energy_weight, n)
    q2 = float(np.sum(absM.astype(float) ** 2 * weights))
    return {
        "energy_density": float(np.sum(E * pops)) / n,
        "m_rms": math.sqrt(max(q2, 0.0)) / n,
        "q1_distribution": dist,
        "energy_density_given_abs_q1": {k: v for k, v in cond.items() if math.isfinite(v)},
    }


def _steady_state_record(st: _BlockState, parity: int, obs: dict[str, Any]) -> SecularSteadyState:
    return SecularSteadyState(
        parity=parity,
        energies=st.eig.energies,
        populations=st.populations,
        n_coherent_blocks=int(sum(b.size > 1 for b in st.blocks)),
        min_splitting=st.min_splitting,
        residual=st.residual,
        eigenvectors=st.eig.vectors,
        blocks=tuple(st.blocks),
        block_densities=tuple(st.densities),
        **obs,
    )


@dataclass(frozen=True, eq=False)
class SecularProblem:
    """The ε → 0 structure of one X sector: the eigenbasis of H0 and the secular generator.

    Attributes
    ----------
    eigenvectors : numpy.ndarray
        Eigenvectors of H0 (columns) in the block basis |ã⟩, block-diagonal over |Q1|.
    energies : numpy.ndarray
        Their energies (J).
    q1_blocks : tuple of (numpy.ndarray, numpy.ndarray)
        (block states, eigenvector columns) of every |Q1| block.
    blocks : tuple of numpy.ndarray
        Eigenvector indices of the coherent (degenerate) blocks, every level in one.
    generator : numpy.ndarray
        S = P0 L̂1 P0 on the unknowns ρ_pq, p, q in one block (per unit ε, complex).
    rows, cols : numpy.ndarray
        (p, q) of every unknown.
    decay : numpy.ndarray
        Γ_pp = Σ_k r_k ⟨p|L_k†L_k|p⟩ of every eigenstate (per unit ε).
    """

    eigenvectors: np.ndarray
    energies: np.ndarray
    q1_blocks: tuple
    blocks: tuple
    generator: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    decay: np.ndarray


def secular_problem(
    sector: XSector, *, degeneracy_tol: float = 1e-8, use_translation: bool | None = None
) -> SecularProblem:
    """The eigenbasis of H0 and the secular generator of one X sector (dense; N ≤ 13).

    Parameters
    ----------
    sector, degeneracy_tol, use_translation
        As in :func:`secular_sector`.

    Returns
    -------
    SecularProblem
    """
    eig, reps = _sector_eigenbasis(sector, degeneracy_tol, use_translation)
    blocks, _ = _coherent_blocks(eig, degeneracy_tol)
    S, P, Q = _secular_generator(sector.jumps, reps, eig, blocks)
    V = eig.vectors
    Gam = sum(r * (L.conj().T @ L) for r, L in sector.jumps)
    decay = np.einsum("ij,ij->j", V.conj(), Gam @ V).real
    return SecularProblem(V, eig.energies, tuple(eig.block_cols), tuple(blocks), S, P, Q, decay)


def _sector_eigenbasis(sector: XSector, degeneracy_tol: float, use_translation: bool | None):
    """Eigenbasis of one X sector and the jumps that enter the rates (one per translation orbit)."""
    n, dim = sector.n_sites, sector.dim
    if use_translation is None:
        use_translation = sector.boundary == "periodic"
    T = sector.block_basis.translation(1).matrix(complex) if use_translation else None
    zpar = (sector.block_basis.n_down() % 2) if n % 2 == 0 else np.zeros(dim, dtype=np.int64)
    eig = _eigenbasis(sector.hamiltonian, np.abs(sector.magnetisation), zpar, T, n, degeneracy_tol)
    reps = None
    if use_translation:
        reps = _translation_representatives(sector, sector.block_basis.translation(1).matrix())
    if reps is None:
        reps = [(r, L, 1) for r, L in sector.jumps]
    return eig, reps


def secular_sector(
    sector: XSector, *, degeneracy_tol: float = 1e-8, use_translation: bool | None = None
) -> SecularSteadyState:
    """Secular (ε → 0) steady state of one X sector (dense eigenvectors).

    Parameters
    ----------
    sector : XSector
        One strong-symmetry sector (:func:`~lindhydro.lindblad.symmetry.x_sector`).
    degeneracy_tol : float
        Levels closer than this (J) are degenerate: coherences between them are kept.
    use_translation : bool, optional
        Resolve degeneracies by momentum and use one jump per translation orbit (default: periodic).
        Only for translation-invariant models (the paper's chain); a user model keeps every jump.

    Returns
    -------
    SecularSteadyState
    """
    eig, reps = _sector_eigenbasis(sector, degeneracy_tol, use_translation)
    st = _solve_secular(sector.jumps, reps, eig, degeneracy_tol)
    return _steady_state_record(st, sector.parity, _sector_observables(st, sector.magnetisation, sector.n_sites))


def _whole_space_state(system: OpenSystem, degeneracy_tol: float) -> SecularSteadyState:
    """Secular state of a model without the strong X symmetry: dense eigenvectors of the whole
    space, coherences inside every degenerate level; Q1 = Σ_j (d − 1 − 2k_j) of the product states."""
    dims = system.hamiltonian.dims[0]
    if len(set(dims)) != 1:
        raise ValueError(f"the secular solver needs equal local dimensions, got dims {dims}")
    n, dim = len(dims), system.dimension
    M = ChainBasis(n, local_dim=dims[0]).magnetisation(np.arange(dim, dtype=np.int64))
    H = sp.csr_matrix(system.hamiltonian.data.as_scipy())
    jumps = [(g.rate, sp.csr_matrix(L.data.as_scipy())) for g in system.jump_groups if g.rate > 0 for L in g.operators]
    eig = _eigenbasis(H, M, np.zeros(dim, dtype=np.int64), None, n, degeneracy_tol)
    st = _solve_secular(jumps, [(r, L, 1) for r, L in jumps], eig, degeneracy_tol)
    weights = st.product_diagonal()
    E = st.eig.energies
    dist = {int(v): float(np.sum(weights[M == v])) for v in range(int(M.min()), int(M.max()) + 1, 2)}
    cond = {}
    if st.eig.labels_conserved:
        for am in np.unique(np.abs(M)):
            sel = np.abs(eig.abs_q1) == am
            w = float(np.sum(st.populations[sel]))
            if w > 1e-300:
                cond[int(am)] = float(np.sum(E[sel] * st.populations[sel])) / w / n
    obs = {
        "energy_density": float(np.sum(E * st.populations)) / n,
        "m_rms": math.sqrt(max(float(np.sum(M.astype(float) ** 2 * weights)), 0.0)) / n,
        "q1_distribution": dist,
        "energy_density_given_abs_q1": cond,
    }
    return _steady_state_record(st, 0, obs)


def _momentum_state(params: ChainParameters, parity: int, degeneracy_tol: float) -> SecularSteadyState:
    st = momentum_secular_sector(params, parity, degeneracy_tol=degeneracy_tol)
    n = params.n_sites
    E, pops = st.energies, st.populations
    dist, cond = q1_resolved(pops, st.abs_q1, lambda sel: np.sum(E[sel] * pops[sel]), n)
    return SecularSteadyState(
        parity=parity,
        energy_density=float(np.sum(E * pops)) / n,
        m_rms=math.sqrt(max(float(np.sum(st.abs_q1.astype(float) ** 2 * pops)), 0.0)) / n,
        q1_distribution=dist,
        energy_density_given_abs_q1=cond,
        energies=E,
        populations=pops,
        n_coherent_blocks=len(st.blocks),
        min_splitting=st.min_splitting,
        residual=st.residual,
        blocks=st.blocks,
        block_densities=st.block_densities,
        abs_q1=st.abs_q1,
        momentum=st.momentum,
        method="momentum",
    )


def estimate_secular_memory(n_sites: int, method: str = "momentum") -> int:
    """Estimated peak memory (bytes) of one X sector of :func:`secular_steady_state`.

    Parameters
    ----------
    n_sites : int
        Chain length N.
    method : {"momentum", "dense"}
        Route.  Dense: eigenvectors and two dense jump matrices of the 2^(N−1) sector, complex.

    Returns
    -------
    int
        Bytes (momentum route, N = 14: 0.3 GiB; N = 16: 2.9 GiB; N = 18: 42 GiB).
    """
    if method == "momentum":
        return estimate_momentum_secular_memory(n_sites)
    if method == "dense":
        dim = 2 ** (int(n_sites) - 1)
        return int(16 * dim * dim * 5)
    raise ValueError(f"method must be 'momentum' or 'dense', got {method!r}")


def _route(model, method: str) -> tuple[str, ChainParameters | None]:
    """The route for a model: the momentum route needs the paper's periodic chain."""
    n, boundary = chain_size(model)
    params = model if isinstance(model, ChainParameters) else model.parameters
    chain = params is not None and boundary == "periodic"
    if method == "auto":
        method = "momentum" if chain and n > 10 else "dense"
    if method == "momentum" and not chain:
        raise ValueError("the momentum route needs the paper's periodic chain (ChainParameters); use method='dense'")
    limit = MAX_SECULAR_SITES if method == "momentum" else MAX_DENSE_SECULAR_SITES
    if n > limit:
        raise ValueError(
            f"the {method} secular route is allowed up to N={limit}, got N={n}"
            + ("" if method == "momentum" else " (the momentum route of the periodic chain reaches 16)")
        )
    return method, params


def secular_steady_state(
    model: ChainParameters | OpenSystem,
    *,
    degeneracy_tol: float = 1e-8,
    method: str = "auto",
    memory_limit: float | None = None,
) -> SecularResult:
    """ε → 0 steady states of both X sectors, or of the whole space of a model without X symmetry.

    Parameters
    ----------
    model : ChainParameters or OpenSystem
        The paper's chain, or any open system (spins 1/2 with the strong symmetry X = Πσˣ are
        solved per X sector; other models on the whole space, dimension ≤ 4096).
    degeneracy_tol : float
        Degeneracy tolerance (J).
    method : {"auto", "dense", "momentum"}
        ``"momentum"``: the periodic paper chain in (Q1, k) sectors, N ≤ :data:`MAX_SECULAR_SITES`;
        ``"dense"``: dense eigenvectors, N ≤ :data:`MAX_DENSE_SECULAR_SITES`; ``"auto"``: momentum
        for the periodic chain with N > 10, dense otherwise.
    memory_limit : float, optional
        Refuse when :func:`estimate_secular_memory` exceeds this many bytes (default: half the
        physical memory).

    Returns
    -------
    SecularResult

    Raises
    ------
    ValueError
        Bad tolerance or method, N above the route's limit, or too much memory (checked before any
        work).
    """
    if not (degeneracy_tol > 0 and math.isfinite(degeneracy_tol)):
        raise ValueError(f"degeneracy_tol must be positive and finite, got {degeneracy_tol!r}")
    if method not in ("auto", "dense", "momentum"):
        raise ValueError(f"method must be 'auto', 'dense' or 'momentum', got {method!r}")
    method, params = _route(model, method)
    n, _ = chain_size(model)
    need = estimate_secular_memory(n, method)
    limit = DEFAULT_MEMORY_BUDGET if memory_limit is None else memory_limit
    if need > limit:
        raise ValueError(
            f"the {method} secular state of N={n} needs an estimated {need / 2**30:.1f} GiB "
            f"(limit {limit / 2**30:.1f} GiB)"
        )
    t0 = time.perf_counter()
    if method == "momentum":
        out = tuple(_momentum_state(params, s, degeneracy_tol) for s in (1, -1))
        return SecularResult(parameters=params, by_sector=out, timings={"total": time.perf_counter() - t0})
    system = as_open_system(model)
    try:
        sectors = [x_sector(system, s) for s in (1, -1)]
    except ValueError:  # no strong X symmetry (or not spins 1/2): the whole space
        sectors = None
    if sectors is None:
        if system.dimension > MAX_DENSE_SECULAR_DIMENSION:
            raise ValueError(f"the dense secular route without X symmetry needs dimension <= {MAX_DENSE_SECULAR_DIMENSION}")
        out = (_whole_space_state(system, degeneracy_tol),)
    else:
        translation = None if params is not None else False  # user models: no translation shortcut
        out = tuple(secular_sector(sec, degeneracy_tol=degeneracy_tol, use_translation=translation) for sec in sectors)
    return SecularResult(parameters=params, by_sector=out, timings={"total": time.perf_counter() - t0})
