"""The ε → 0 limit of the Lindblad steady state: the secular (degenerate-block) rate equation.

To zeroth order in ε the steady state commutes with H0: ρ0 = Σ_B ρ_B, block-diagonal in the
degenerate eigenspaces of H0, fixed by the projection of L̂1 onto that commutant,

.. math::

    P_0 \\hat L_1 \\rho_0 = 0, \\qquad
    (P_0 \\hat L_1 \\rho)_B = \\sum_k r_k \\big(L_k \\rho L_k^\\dagger\\big)_B
        - \\tfrac12\\{\\Gamma_B, \\rho_B\\}, \\quad \\Gamma = \\sum_k r_k L_k^\\dagger L_k .

For non-degenerate levels this is the classical rate equation with W_{n→m} = Σ_k r_k |⟨m|L_k|n⟩|².
It is solved per strong-symmetry sector X = s (as the exact problem), in an eigenbasis of H0 that
also diagonalises |Q1|, Z = Πσᶻ and — for periodic chains — the translation T (degenerate levels
are rotated into T eigenstates).  Because the steady state is translation invariant (unique per
sector), coherences between different momenta vanish; coherences are kept between exactly
degenerate levels (tolerance ``degeneracy_tol``) of equal momentum and Z parity.  For periodic
chains the rates need one jump operator per translation orbit: |⟨m|T^jLT^{−j}|n⟩|² = |⟨m|L|n⟩|².

Validity: the corrections are O(ε r / δ) with δ the smallest level spacing that the bath couples;
``SecularSteadyState.min_splitting`` reports the smallest nonzero spacing kept apart.

Units: energies in J; the result does not depend on ε (rates per unit ε).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from lindhydro.quantum.model import ChainParameters, OpenSystem, model_from_parameters

from .steady_state import _EqualMixture, _q1_distribution, _sector_observables
from .symmetry import XSector, _group_state_maps, _popcount, x_sector

__all__ = ["SecularSteadyState", "SecularResult", "secular_steady_state", "secular_sector", "MAX_SECULAR_SITES"]

#: Largest chain handled (dense eigenvectors of a 2^(N−1) sector; N = 13 takes ~2 min, ~2 GB).
MAX_SECULAR_SITES = 13


@dataclass(frozen=True)
class SecularSteadyState:
    """ε → 0 steady state of one X sector.

    Attributes
    ----------
    parity : int
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
    _vectors, _blocks, _rho_blocks, _dim
        Internal: eigenvectors, degenerate blocks and their density matrices (for
        :meth:`block_matrix`).
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
    _vectors: Any = field(default=None, repr=False)
    _blocks: Any = field(default=None, repr=False)
    _rho_blocks: Any = field(default=None, repr=False)
    _dim: int = 0

    def block_matrix(self) -> np.ndarray:
        """Dense ρ0 on the X-sector block basis |ã⟩ (2^(N−1) square; small N)."""
        if self._dim > 2**12:
            raise ValueError("dense block matrix too large")
        V = self._vectors
        out = np.zeros((self._dim, self._dim), dtype=complex)
        for idx, rb in zip(self._blocks, self._rho_blocks, strict=True):
            Vb = V[:, idx]
            out += Vb @ rb @ Vb.conj().T
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            **_sector_observables(self),
            "n_coherent_blocks": int(self.n_coherent_blocks),
            "min_splitting": float(self.min_splitting),
            "residual": float(self.residual),
        }


@dataclass(frozen=True)
class SecularResult(_EqualMixture):
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
            "by_sector": [s.to_dict() for s in self.by_sector],
            "energy_density": self.energy_density,
            "m_rms": self.m_rms,
            "q1_distribution": {str(k): v for k, v in self.q1_distribution.items()},
            "energy_density_given_abs_q1": {str(k): v for k, v in self.energy_density_given_abs_q1.items()},
        }


def _jump_key(L: sp.spmatrix, rate: float):
    c = sp.coo_matrix(L)
    order = np.lexsort((c.col, c.row))
    return (round(rate, 12), c.row[order].tobytes(), c.col[order].tobytes(), np.round(c.data[order], 10).tobytes())


def _translation_representatives(sector: XSector, tmap):
    """(rate, L, multiplicity): one jump per translation orbit (orbits verified exactly)."""
    idx, sign = tmap
    dim = sector.dim
    T = sp.csr_matrix((sign.astype(float), (idx, np.arange(dim))), shape=(dim, dim))
    remaining = {_jump_key(L, r): (r, L) for r, L in sector.jumps}
    if len(remaining) != len(sector.jumps):
        return None
    reps = []
    while remaining:
        key, (r, L) = next(iter(remaining.items()))
        count = 0
        cur = L
        while True:
            k = _jump_key(cur, r)
            if k not in remaining:
                if count == 0 or k != key:
                    return None  # not a clean translation orbit: fall back to all jumps
                break
            del remaining[k]
            count += 1
            cur = (T @ cur @ T.T).tocsc()
            cur.eliminate_zeros()
            if _jump_key(cur, r) == key:
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
    n = sector.n_sites
    dim = sector.dim
    if use_translation is None:
        use_translation = sector.boundary == "periodic"
    absM = np.abs(sector.magnetisation)
    zpar = (_popcount(np.arange(dim)) % 2) if n % 2 == 0 else np.zeros(dim, dtype=np.int64)
    H = sector.hamiltonian.tocsr()
    tmap = _group_state_maps(n, sector.parity, True, False)[1] if use_translation else None
    if tmap is not None:
        T = sp.csr_matrix((tmap[1].astype(complex), (tmap[0], np.arange(dim))), shape=(dim, dim))
    # eigen-decomposition per |Q1| block, rotated into momentum eigenstates within degenerate groups
    V = np.zeros((dim, dim), dtype=complex)
    E = np.zeros(dim)
    tau = np.ones(dim, dtype=complex)
    blockof = np.zeros(dim, dtype=np.int64)
    col = 0
    block_cols = []
    for bi, mval in enumerate(np.unique(absM)):
        rows = np.nonzero(absM == mval)[0]
        Hb = H[rows][:, rows].toarray()
        if np.max(np.abs(Hb - Hb.conj().T), initial=0) > 1e-10:
            raise ValueError("the sector Hamiltonian does not conserve |Q1|")
        if np.max(np.abs(Hb.imag), initial=0) == 0:
            Hb = Hb.real  # real symmetric: ~4x cheaper
        w, U = scipy.linalg.eigh(Hb, driver="evd")
        U = U.astype(complex)
        if tmap is not None:
            Tb = T[rows][:, rows]
            start = 0
            while start < w.size:
                stop = start + 1
                while stop < w.size and w[stop] - w[start] < degeneracy_tol:
                    stop += 1
                if stop - start > 1:
                    Ug = U[:, start:stop]
                    Tg = Ug.conj().T @ (Tb @ Ug)
                    # distinct eigenvalues e^{ik} of the unitary Tg via a Hermitian combination
                    A = (Tg + Tg.conj().T) / 2 + (math.sqrt(2) - 1) * (Tg - Tg.conj().T) / 2j
                    _, R = scipy.linalg.eigh(A)
                    U[:, start:stop] = Ug @ R
                start = stop
            tau_b = np.einsum("ij,ij->j", U.conj(), Tb @ U)
        else:
            tau_b = np.ones(w.size, dtype=complex)
        sl = slice(col, col + w.size)
        V[rows, sl] = U
        E[sl] = w
        tau[sl] = tau_b
        blockof[sl] = bi
        block_cols.append((rows, np.arange(col, col + w.size)))
        col += w.size
    zstate = np.zeros(dim, dtype=np.int64)
    absM_state = np.zeros(dim, dtype=np.int64)
    for rows, cols in block_cols:
        zstate[cols] = zpar[rows[0]]
        absM_state[cols] = absM[rows[0]]
    # sub-blocks: exact degeneracy, same momentum and Z parity
    kq = np.round(np.angle(tau) / (2 * np.pi) * n).astype(np.int64) % n if tmap is not None else np.zeros(dim, dtype=np.int64)
    order = np.lexsort((kq, zstate, E))
    blocks: list[np.ndarray] = []
    i = 0
    min_split = float("inf")
    Es = E[order]
    while i < dim:
        j = i + 1
        while j < dim and Es[j] - Es[i] < degeneracy_tol:
            j += 1
        if j < dim:
            min_split = min(min_split, Es[j] - Es[j - 1])
        grp = order[i:j]
        for key in {(zstate[g], kq[g]) for g in grp}:
            blocks.append(np.array([g for g in grp if (zstate[g], kq[g]) == key]))
        i = j
    # transformed jump operators, one per translation orbit where possible
    reps = _translation_representatives(sector, tmap) if tmap is not None else None
    if reps is None:
        reps = [(r, L, 1) for r, L in sector.jumps]
    Lt = []
    for r, L, mult in reps:
        Lt.append((r * mult, _to_eigenbasis(L.tocsr(), V, block_cols)))
    Gamma_diag_blocks = []
    Gam = sum(r * (L.conj().T @ L) for r, L in sector.jumps)
    for b in blocks:
        Vb = V[:, b]
        Gamma_diag_blocks.append(Vb.conj().T @ (Gam @ Vb))
    # unknowns: (p, q) pairs inside each block
    P = np.concatenate([np.repeat(b, b.size) for b in blocks])
    Q = np.concatenate([np.tile(b, b.size) for b in blocks])
    nu = P.size
    if nu > 40000:
        raise ValueError(f"the secular problem has {nu} unknowns (too many degenerate levels for the dense solver)")
    S = np.zeros((nu, nu), dtype=complex)
    for w, Lm in Lt:
        S += w * Lm[np.ix_(P, P)] * np.conj(Lm[np.ix_(Q, Q)])
    # -1/2 {Γ, ρ}: within the same block
    off = 0
    for b, G in zip(blocks, Gamma_diag_blocks, strict=True):
        d = b.size
        for a in range(d):
            for c in range(d):
                u = off + a * d + c  # unknown (p=b[a], q=b[c])
                for k in range(d):
                    # (Γρ)_{ac} = Σ_k Γ_{ak} ρ_{kc};  (ρΓ)_{ac} = Σ_k ρ_{ak} Γ_{kc}
                    S[u, off + k * d + c] -= 0.5 * G[a, k]
                    S[u, off + a * d + k] -= 0.5 * G[k, c]
        off += d * d
    trace_row = (P == Q).astype(complex)
    i0 = int(np.argmax(trace_row))
    A = S.copy()
    A[i0, :] = trace_row
    rhs = np.zeros(nu, dtype=complex)
    rhs[i0] = 1.0
    x = scipy.linalg.solve(A, rhs)
    residual = float(np.linalg.norm(S @ x))
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
    energy = float(np.sum(E * pops))
    q2 = float(np.sum(absM_state.astype(float) ** 2 * pops))
    # Q1 distribution per |M| (block states |ã⟩ are ± superpositions of Q1 = ±M)
    dist = _q1_distribution(pops, absM_state, n)
    cond = {}
    for am in np.unique(absM_state):
        sel = absM_state == am
        if pops[sel].sum() > 1e-300:
            cond[int(am)] = float(np.sum(E[sel] * pops[sel]) / pops[sel].sum()) / n
    return SecularSteadyState(
        parity=sector.parity,
        energy_density=energy / n,
        m_rms=math.sqrt(max(q2, 0.0)) / n,
        q1_distribution=dist,
        energy_density_given_abs_q1=cond,
        energies=E,
        populations=pops,
        n_coherent_blocks=int(sum(b.size > 1 for b in blocks)),
        min_splitting=min_split if math.isfinite(min_split) else float("nan"),
        residual=residual,
        _vectors=V,
        _blocks=tuple(blocks),
        _rho_blocks=tuple(rho_blocks),
        _dim=dim,
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
    if isinstance(params, ChainParameters):
        n = params.n_sites
    elif isinstance(params, OpenSystem):
        n = len(params.hamiltonian.dims[0])
    else:
        raise ValueError(f"expected ChainParameters or an OpenSystem, got {type(params).__name__}")
    if n > MAX_SECULAR_SITES:
        raise ValueError(
            f"the secular solver keeps dense eigenvectors of a 2^(N-1) = {2 ** (n - 1)}-dimensional sector; "
            f"allowed up to N={MAX_SECULAR_SITES}, got N={n}"
        )
    if not (degeneracy_tol > 0 and math.isfinite(degeneracy_tol)):
        raise ValueError(f"degeneracy_tol must be positive and finite, got {degeneracy_tol!r}")
    t0 = time.perf_counter()
    system = params if isinstance(params, OpenSystem) else model_from_parameters(params)
    out = tuple(secular_sector(x_sector(system, s), degeneracy_tol=degeneracy_tol) for s in (1, -1))
    pr = system.parameters if system.parameters is not None else params
    return SecularResult(parameters=pr, by_sector=out, timings={"total": time.perf_counter() - t0})
