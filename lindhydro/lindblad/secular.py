"""The ε → 0 limit of the Lindblad steady state: the secular (degenerate-block) rate equation, per X sector.

To zeroth order in ε the steady state commutes with H0; it is fixed by P0 L̂1 ρ0 = 0, P0 the
projection onto block-diagonal operators in the degenerate eigenspaces of H0.  Coherences are kept
between exactly degenerate levels (``degeneracy_tol``) of equal momentum and Z parity.  Derivation
and validity (corrections O(εr/δ), δ the smallest spacing the bath couples): ``docs/physics.md``.
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

from lindhydro.quantum.model import ChainParameters, OpenSystem, as_open_system

from .observables import EqualMixture, q1_resolved, sector_summary
from .symmetry import XSector, chain_size, jump_signature, x_sector

__all__ = ["SecularSteadyState", "SecularResult", "secular_steady_state", "secular_sector", "MAX_SECULAR_SITES"]

#: Largest chain handled (dense eigenvectors of a 2^(N−1) sector; N = 13 takes ~2 min, ~2 GB).
MAX_SECULAR_SITES = 13


@dataclass(frozen=True)
class SecularSteadyState:
    """ε → 0 steady state of one X sector.

    Attributes
    ----------
    parity : int
        X eigenvalue s.
    energy_density, m_rms : float
        ⟨H0⟩/N (J) and ⟨Q1²⟩^{1/2}/N.
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
        Eigenvectors of H0 (columns) in the block basis |ã⟩.
    blocks : tuple of numpy.ndarray
        Eigenvector indices of every coherent block (degenerate, equal momentum and Z parity).
    block_densities : tuple of numpy.ndarray
        ρ0 on every coherent block, in the eigenbasis.
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

    def block_matrix(self) -> np.ndarray:
        """Dense ρ0 on the X-sector block basis |ã⟩ (2^(N−1) square; small N)."""
        V = self.eigenvectors
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
        }


@dataclass(frozen=True)
class SecularResult(EqualMixture):
    """ε → 0 steady states of both X sectors; top-level observables refer to the equal mixture.

    Attributes
    ----------
    parameters : ChainParameters
        The chain.
    by_sector : tuple of SecularSteadyState
        X = +1 and X = −1.
    timings : dict
        Seconds spent.
    """

    parameters: ChainParameters
    by_sector: tuple[SecularSteadyState, ...]
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "parameters": self.parameters.to_dict(),
            "mixture": "equal weights 1/2 per X sector",
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


def _eigenbasis(sector: XSector, use_translation: bool, degeneracy_tol: float) -> _Eigenbasis:
    """Diagonalise H0 per |Q1| block; degenerate levels are rotated into momentum eigenstates."""
    n, dim = sector.n_sites, sector.dim
    absM = np.abs(sector.magnetisation)
    zpar = (sector.block_basis.n_down() % 2) if n % 2 == 0 else np.zeros(dim, dtype=np.int64)
    H = sector.hamiltonian.tocsr()
    T = sector.block_basis.translation(1).matrix(complex) if use_translation else None
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
        if np.max(np.abs(Hb - Hb.conj().T), initial=0) > 1e-10:
            raise ValueError("the sector Hamiltonian does not conserve |Q1|")
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
        zstate[sl] = zpar[rows[0]]
        absM_state[sl] = absM[rows[0]]
        block_cols.append((rows, np.arange(col, col + w.size)))
        col += w.size
    if T is not None:
        kq = np.round(np.angle(tau) / (2 * np.pi) * n).astype(np.int64) % n
    else:
        kq = np.zeros(dim, dtype=np.int64)
    return _Eigenbasis(V, E, kq, zstate, absM_state, block_cols)


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


def _secular_generator(sector: XSector, eig: _Eigenbasis, blocks, use_translation: bool):
    """P0 L̂1 on the unknowns ρ_pq (p, q in one coherent block): the matrix S and the indices P, Q.

    (P0 L̂1 ρ)_pq = Σ_k r_k (L_k ρ L_k†)_pq − ½({Γ, ρ})_pq with Γ = Σ_k r_k L_k†L_k; for periodic
    chains one jump per translation orbit enters with its multiplicity.
    """
    V = eig.vectors
    reps = None
    if use_translation:
        reps = _translation_representatives(sector, sector.block_basis.translation(1).matrix())
    if reps is None:
        reps = [(r, L, 1) for r, L in sector.jumps]
    Lt = [(r * mult, _to_eigenbasis(L.tocsr(), V, eig.block_cols)) for r, L, mult in reps]
    Gam = sum(r * (L.conj().T @ L) for r, L in sector.jumps)
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


def secular_sector(
    sector: XSector, *, degeneracy_tol: float = 1e-8, use_translation: bool | None = None
) -> SecularSteadyState:
    """Secular (ε → 0) steady state of one X sector.

    Parameters
    ----------
    sector : XSector
        One strong-symmetry sector (:func:`~lindhydro.lindblad.symmetry.x_sector`).
    degeneracy_tol : float
        Levels closer than this (J) are degenerate: coherences between them are kept.
    use_translation : bool, optional
        Resolve degeneracies by momentum and use one jump per translation orbit (default: periodic).

    Returns
    -------
    SecularSteadyState
    """
    n, dim = sector.n_sites, sector.dim
    if use_translation is None:
        use_translation = sector.boundary == "periodic"
    eig = _eigenbasis(sector, use_translation, degeneracy_tol)
    blocks, min_split = _coherent_blocks(eig, degeneracy_tol)
    S, P, Q = _secular_generator(sector, eig, blocks, use_translation)
    x, residual = _solve_with_trace(S, P, Q)
    pops = np.zeros(dim)
    diag = P == Q
    pops[P[diag]] = x[diag].real
    rho_blocks = []
    off = 0
    for b in blocks:
        d = b.size
        rb = x[off : off + d * d].reshape(d, d)
        rho_blocks.append((rb + rb.conj().T) / 2)
        off += d * d
    E, absM = eig.energies, eig.abs_q1
    q2 = float(np.sum(absM.astype(float) ** 2 * pops))
    dist, cond = q1_resolved(pops, absM, lambda sel: np.sum(E[sel] * pops[sel]), n)
    return SecularSteadyState(
        parity=sector.parity,
        energy_density=float(np.sum(E * pops)) / n,
        m_rms=math.sqrt(max(q2, 0.0)) / n,
        q1_distribution=dist,
        energy_density_given_abs_q1=cond,
        energies=E,
        populations=pops,
        n_coherent_blocks=int(sum(b.size > 1 for b in blocks)),
        min_splitting=min_split if math.isfinite(min_split) else float("nan"),
        residual=residual,
        eigenvectors=eig.vectors,
        blocks=tuple(blocks),
        block_densities=tuple(rho_blocks),
    )


def secular_steady_state(
    params: ChainParameters | OpenSystem, *, degeneracy_tol: float = 1e-8
) -> SecularResult:
    """ε → 0 steady states of both X sectors of the paper's chain.

    Parameters
    ----------
    params : ChainParameters or OpenSystem
        The chain (N ≤ :data:`MAX_SECULAR_SITES`).
    degeneracy_tol : float
        Degeneracy tolerance (J).

    Returns
    -------
    SecularResult

    Raises
    ------
    ValueError
        N above :data:`MAX_SECULAR_SITES` (checked before any work).
    """
    n, _ = chain_size(params)
    if n > MAX_SECULAR_SITES:
        raise ValueError(
            f"the secular solver keeps dense eigenvectors of a 2^(N-1) = {2 ** (n - 1)}-dimensional sector; "
            f"allowed up to N={MAX_SECULAR_SITES}, got N={n}"
        )
    if not (degeneracy_tol > 0 and math.isfinite(degeneracy_tol)):
        raise ValueError(f"degeneracy_tol must be positive and finite, got {degeneracy_tol!r}")
    t0 = time.perf_counter()
    system = as_open_system(params)
    out = tuple(secular_sector(x_sector(system, s), degeneracy_tol=degeneracy_tol) for s in (1, -1))
    pr = system.parameters if system.parameters is not None else params
    return SecularResult(parameters=pr, by_sector=out, timings={"total": time.perf_counter() - t0})
