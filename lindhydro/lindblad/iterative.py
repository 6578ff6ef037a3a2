"""Exact finite-ε steady states beyond the direct solver: GMRES preconditioned with the ε → 0 structure.

The unknowns are the coefficients x of ρ on the symmetric operator basis of one X sector
(:func:`~lindhydro.lindblad.symmetry.symmetric_basis`), the operator is the reduced Liouvillian M
(:func:`~lindhydro.lindblad.steady_state.reduced_liouvillian`) made regular by the trace condition,
A x = M x + y (t·x) = y, with t the trace functional and y = 1/dim.  The preconditioner is the
ε → 0 form of A in the eigenbasis of H0: on the degenerate (secular) blocks εS + y tᵀ, S the secular
generator (:func:`~lindhydro.lindblad.secular.secular_problem`), on every other coherence the
diagonal −iω_pq − ε(Γ_pp + Γ_qq)/2; it is exact at ε → 0 and for the fast coherences, so GMRES only
has to fix the O(ε/ω) mixing.  Dense eigenvectors of the 2^(N−1) sector: N ≤ 13.  Energies in J.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.linalg
import scipy.sparse.linalg as spla

from lindhydro.quantum.model import ChainParameters, OpenSystem, as_open_system, validate_eps

from .secular import SecularProblem, secular_problem
from .steady_state import SectorSteadyState, SteadyState, reduced_liouvillian, sector_observables
from .symmetry import SymmetricOperatorBasis, chain_size, symmetric_basis, x_sector

__all__ = ["iterative_sector", "iterative_steady_state", "estimate_iterative_memory", "MAX_ITERATIVE_SITES"]

#: Largest chain (dense eigenvectors and dense block matrices of the 2^(N−1) sector).
MAX_ITERATIVE_SITES = 13


def estimate_iterative_memory(n_sites: int, *, restart: int = 40) -> int:
    """Estimated peak memory (bytes) of :func:`iterative_sector`.

    Dense complex eigenvectors and about six dense block matrices of the 2^(N−1) sector, the unit →
    orbit map, the Krylov vectors (``restart`` + 2 of them) and the sparse reduced Liouvillian
    (about 35 nonzeros per unknown, 4^N/(4N) unknowns).

    Parameters
    ----------
    n_sites : int
        Chain length N.
    restart : int
        GMRES restart length.

    Returns
    -------
    int
        Bytes (N = 12: ≈ 1.1 GiB; N = 13: ≈ 4 GiB).
    """
    dim = 2 ** (int(n_sites) - 1)
    unknowns = 4 ** int(n_sites) / (4 * int(n_sites))
    return int(16 * dim * dim * 7 + 12 * dim * dim + 16 * unknowns * (restart + 2) + 40 * 35 * unknowns + 2**27)


class _Preconditioner:
    """x ↦ (ε → 0 form of A)⁻¹ x, applied in the eigenbasis of H0 (see the module docstring)."""

    def __init__(self, basis: SymmetricOperatorBasis, prob: SecularProblem, eps: float) -> None:
        dim = prob.eigenvectors.shape[0]
        self.basis, self.prob, self.dim = basis, prob, dim
        a = np.repeat(np.arange(dim), dim)
        b = np.tile(np.arange(dim), dim)
        orbit, sign = basis.canonicalize(a, b)
        self.orbit = orbit.astype(np.int64)
        scale = np.where(orbit >= 0, sign / np.sqrt(basis.orbit_size[np.maximum(orbit, 0)]), 0.0)
        self.scale = scale
        self.rep = basis.rep_a * dim + basis.rep_b
        self.root = np.sqrt(basis.orbit_size)
        E, G = prob.energies, prob.decay
        denom = -1j * (E[:, None] - E[None, :]) - 0.5 * eps * (G[:, None] + G[None, :])
        pops = (prob.rows == prob.cols).astype(float)
        D = eps * prob.generator + np.outer(pops, pops) / dim
        denom[prob.rows, prob.cols] = 1.0  # replaced by the secular solve
        self.inv_denom = 1.0 / denom
        self.lu = scipy.linalg.lu_factor(D)
        self.calls = 0

    def _to_eigenbasis(self, R: np.ndarray) -> np.ndarray:
        out = np.zeros_like(R)
        V = self.prob.eigenvectors
        for rows_b, cols_b in self.prob.q1_blocks:
            left = V[np.ix_(rows_b, cols_b)].conj().T @ R[rows_b]
            for rows_c, cols_c in self.prob.q1_blocks:
                out[np.ix_(cols_b, cols_c)] = left[:, rows_c] @ V[np.ix_(rows_c, cols_c)]
        return out

    def _from_eigenbasis(self, Z: np.ndarray) -> np.ndarray:
        out = np.zeros_like(Z)
        V = self.prob.eigenvectors
        for rows_b, cols_b in self.prob.q1_blocks:
            left = V[np.ix_(rows_b, cols_b)] @ Z[cols_b]
            for rows_c, cols_c in self.prob.q1_blocks:
                out[np.ix_(rows_b, rows_c)] = left[:, cols_c] @ V[np.ix_(rows_c, cols_c)].conj().T
        return out

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.calls += 1
        R = (np.asarray(x).ravel()[self.orbit] * self.scale).reshape(self.dim, self.dim)
        Rt = self._to_eigenbasis(R)
        Z = Rt * self.inv_denom
        P, Q = self.prob.rows, self.prob.cols
        Z[P, Q] = scipy.linalg.lu_solve(self.lu, Rt[P, Q])
        return self._from_eigenbasis(Z).ravel()[self.rep] * self.root


def iterative_sector(
    model: OpenSystem | ChainParameters,
    eps: float,
    parity: int = 1,
    *,
    rtol: float = 1e-10,
    restart: int = 40,
    maxiter: int = 50,
    degeneracy_tol: float = 1e-8,
) -> SectorSteadyState:
    """Finite-ε steady state of one X sector by preconditioned GMRES.

    Parameters
    ----------
    model : OpenSystem or ChainParameters
        The paper's chain (or another spin-1/2 chain with the strong symmetry X = Πσˣ).
    eps : float
        Bath coupling ε > 0.
    parity : {+1, -1}
        X sector.
    rtol : float
        Relative residual of the regularised system A x = y at which GMRES stops.
    restart, maxiter : int
        GMRES restart length and number of restarts.
    degeneracy_tol : float
        Levels closer than this (J) form the secular blocks of the preconditioner.

    Returns
    -------
    SectorSteadyState
        As from the direct solver; ``timings["gmres_iterations"]`` counts the preconditioned steps.

    Raises
    ------
    ValueError
        Bad ε or parity, N > :data:`MAX_ITERATIVE_SITES`.
    RuntimeError
        If GMRES does not converge.
    """
    eps = validate_eps(eps, allow_zero=False, hint=" (the eps -> 0 limit is lindhydro.lindblad.secular)")
    if parity not in (1, -1):
        raise ValueError(f"parity must be +1 or -1, got {parity!r}")
    n, _ = chain_size(model)
    if n > MAX_ITERATIVE_SITES:
        raise ValueError(f"the iterative solver keeps dense 2^(N-1) matrices; allowed up to N={MAX_ITERATIVE_SITES}, got N={n}")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sector = x_sector(as_open_system(model), parity)
    basis = symmetric_basis(sector)
    M = reduced_liouvillian(sector, basis, eps).tocsr()
    timings["assemble"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pre = _Preconditioner(basis, secular_problem(sector, degeneracy_tol=degeneracy_tol), eps)
    timings["preconditioner"] = time.perf_counter() - t0
    t = basis.trace_vector()
    y = t / sector.dim
    size = basis.size
    A = spla.LinearOperator((size, size), matvec=lambda x: M @ x + y * (t @ x), dtype=complex)
    P = spla.LinearOperator((size, size), matvec=pre, dtype=complex)
    t0 = time.perf_counter()
    x, info = spla.gmres(A, y.astype(complex), M=P, rtol=rtol, atol=0.0, restart=restart, maxiter=maxiter)
    timings["gmres"] = time.perf_counter() - t0
    if info != 0:
        raise RuntimeError(f"GMRES did not converge (info={info}) for N={n}, eps={eps}")
    timings["gmres_iterations"] = float(pre.calls)
    obs = sector_observables(basis, sector, x)
    return SectorSteadyState(
        parity=parity, eps=eps, residual=float(np.linalg.norm(M @ x)), trace=complex(t @ x),
        basis_size=size, coefficients=x, basis=basis, sector=sector, timings=timings, **obs,
    )


def iterative_steady_state(model: ChainParameters, eps: float, **kwargs) -> SteadyState:
    """Finite-ε steady states of both X sectors by preconditioned GMRES (:func:`iterative_sector`).

    Parameters
    ----------
    model : ChainParameters
        The chain.
    eps : float
        ε > 0.
    **kwargs
        Passed to :func:`iterative_sector`.

    Returns
    -------
    SteadyState
        Both sectors and their equal mixture, as from :func:`~lindhydro.lindblad.steady_state.steady_state`.
    """
    if not isinstance(model, ChainParameters):
        raise ValueError("iterative_steady_state expects ChainParameters (iterative_sector takes an OpenSystem)")
    sectors = tuple(iterative_sector(model, eps, s, **kwargs) for s in (1, -1))
    return SteadyState(parameters=model, eps=float(eps), by_sector=sectors)
