"""Exact Lindblad steady states of a spin chain with the strong symmetry X = Πσˣ, one per X sector.

:func:`symmetric_steady_state` solves one sector on the operators invariant under the weak
symmetries (:mod:`lindhydro.lindblad.symmetry`); :func:`plain_steady_state` is the reference
(``qutip.steadystate`` on the sector block).  :class:`SteadyState` holds both sectors and reports the
equal mixture, the state reached from infinite temperature.  The method and why the steady state is
not unique: ``docs/physics.md``.  Energies and rates in J (ħ = 1); ε dimensionless.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import qutip
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from lindhydro.quantum.model import ChainParameters, OpenSystem, as_open_system, validate_eps

from .observables import EqualMixture, q1_resolved, sector_summary
from .symmetry import (
    SymmetricOperatorBasis,
    XSector,
    chain_size,
    estimate_symmetric_dimension,
    symmetric_basis,
    x_sector,
)

__all__ = [
    "SectorSteadyState",
    "SteadyState",
    "reduced_liouvillian",
    "symmetric_steady_state",
    "plain_steady_state",
    "steady_state",
    "sector_observables",
    "estimate_memory",
    "MEMORY_LIMIT_BYTES",
]

#: Default ceiling for the estimated memory of one reduced solve (bytes).
MEMORY_LIMIT_BYTES = 6 * 2**30

#: Largest reduced problem solved by dense LU (real unknowns); sparse LU beyond.
DENSE_LIMIT = 20000


def _check_eps(eps: float) -> float:
    return validate_eps(
        eps, allow_zero=False,
        hint=" for an exact steady state (use lindhydro.lindblad.secular for the eps -> 0 limit)",
    )


def estimate_memory(n_sites: int, *, translation: bool = True, reflection: bool = True) -> int:
    """Estimated peak memory (bytes) of :func:`symmetric_steady_state` for one sector.

    Counts the candidate-pair enumeration (chunked), the assembled matrix (≈ 10N + 4 terms per
    column, 80 bytes per term before summation) and the dense real LU of the reduced problem.

    Parameters
    ----------
    n_sites : int
        Chain length N.
    translation, reflection : bool
        Which weak symmetries reduce the problem.

    Returns
    -------
    int
        Bytes.
    """
    n_sym = estimate_symmetric_dimension(n_sites, translation=translation, reflection=reflection)
    terms = n_sym * (10 * n_sites + 4)
    return int(terms * 80 + 3 * n_sym**2 * 8 + 2**22 * 8 * 8)


def reduced_liouvillian(
    sector: XSector, basis: SymmetricOperatorBasis, eps: float
) -> sp.csr_matrix:
    """The matrix M_{o'o} = ⟨e_{o'}| (L̂0 + εL̂1) e_o⟩ on the symmetric operator basis.

    L̂ρ = −i(Kρ − ρK†) + ε Σ_k r_k L_k ρ L_k†, with K = H − (iε/2) Σ_k r_k L_k†L_k, is applied to
    the representatives |ã⟩⟨b̃| only; every resulting matrix unit u is mapped to its orbit and
    sign, P u = φ_u P r_{o'}, giving M_{o'o} = Σ_u c_u φ_u (|O_o|/|O_{o'}|)^{1/2}.

    Parameters
    ----------
    sector : XSector
        The strong-symmetry sector.
    basis : SymmetricOperatorBasis
        Built from ``sector``.
    eps : float
        Bath coupling ε > 0.

    Returns
    -------
    scipy.sparse.csr_matrix (complex), shape (basis.size, basis.size)
    """
    eps = _check_eps(eps)
    dim = sector.dim
    Gamma = sp.csr_matrix((dim, dim), dtype=complex)
    for r, L in sector.jumps:
        Gamma = Gamma + r * (L.conj().T @ L)
    K = (sector.hamiltonian.astype(complex) - 0.5j * eps * Gamma).tocsc()
    K.eliminate_zeros()
    A, B = basis.rep_a, basis.rep_b
    n = basis.size
    cols_o = np.arange(n)
    rows, cols, vals = [], [], []

    def _padded(Mcsc: sp.csc_matrix):
        Mcsc = Mcsc.tocsc()
        Mcsc.sort_indices()
        counts = np.diff(Mcsc.indptr)
        width = int(counts.max()) if counts.size else 0
        idx = np.zeros((Mcsc.shape[1], width), dtype=np.int64)
        val = np.zeros((Mcsc.shape[1], width), dtype=complex)
        for p in range(width):
            has = counts > p
            pos = Mcsc.indptr[:-1][has] + p
            idx[has, p] = Mcsc.indices[pos]
            val[has, p] = Mcsc.data[pos]
        return idx, val

    def _emit(ua, ub, coeff, col):
        keep = coeff != 0
        ua, ub, coeff, col = ua[keep], ub[keep], coeff[keep], col[keep]
        o, s = basis.canonicalize(ua, ub)
        ok = o >= 0
        o, s, coeff, col = o[ok], s[ok], coeff[ok], col[ok]
        scale = np.sqrt(basis.orbit_size[col] / basis.orbit_size[o])
        rows.append(o)
        cols.append(col)
        vals.append(coeff * s * scale)

    Kidx, Kval = _padded(K)
    for p in range(Kidx.shape[1]):
        # -i K |a><b|  ->  units |i><b|, coefficient -i K[i, a]
        _emit(Kidx[A, p], B, -1j * Kval[A, p], cols_o)
        # +i |a><b| K^dag -> units |a><j|, coefficient +i conj(K[j, b])
        _emit(A, Kidx[B, p], 1j * np.conj(Kval[B, p]), cols_o)
    for r, L in sector.jumps:
        Lidx, Lval = _padded(L)
        for p in range(Lidx.shape[1]):
            for q in range(Lidx.shape[1]):
                _emit(Lidx[A, p], Lidx[B, q], eps * r * Lval[A, p] * np.conj(Lval[B, q]), cols_o)
    M = sp.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    ).tocsr()
    M.sum_duplicates()
    return M


def hermitian_parametrisation(basis: SymmetricOperatorBasis):
    """Real coordinates of the Hermitian operators in the symmetric subspace.

    The weak symmetries are real signed permutations, so they commute with the adjoint: the
    adjoint maps orbit o (units |ã⟩⟨b̃|) onto the transposed orbit o* (units |b̃⟩⟨ã|) with a
    sign, e_o† = φ*_o e_{o*}.  A Hermitian ρ = Σ x_o e_o has x_{o*} = φ*_o conj(x_o): one real
    coordinate per self-adjoint orbit (Re x_o if φ* = +1, Im x_o if φ* = −1) and two (Re, Im)
    per pair o < o*.

    Returns
    -------
    C : scipy.sparse.csc_matrix (complex, n × n)
        x = C y for real coordinates y.
    E : scipy.sparse.csr_matrix (complex, n × n)
        y = Re(E x) for Hermitian x.
    """
    n = basis.size
    ostar, phi = basis.canonicalize(basis.rep_b, basis.rep_a)
    if np.any(ostar < 0):
        raise RuntimeError("the adjoint of a symmetric basis operator left the basis (internal error)")
    o = np.arange(n)
    self_adj = ostar == o
    pair_lo = (~self_adj) & (o < ostar)
    # coordinates: self-adjoint orbits -> one, pairs -> two (on slots o and o*)
    c_rows, c_cols, c_vals = [], [], []
    e_rows, e_cols, e_vals = [], [], []
    sa = o[self_adj]
    unit = np.where(phi[self_adj] == 1, 1.0 + 0j, 1j)
    c_rows.append(sa), c_cols.append(sa), c_vals.append(unit)
    e_rows.append(sa), e_cols.append(sa), e_vals.append(np.conj(unit))
    lo = o[pair_lo]
    hi = ostar[pair_lo]
    ph = phi[pair_lo].astype(float)
    # y_lo = Re x_lo, y_hi = Im x_lo ; x_lo = y_lo + i y_hi ; x_hi = phi conj(x_lo)
    c_rows += [lo, lo, hi, hi]
    c_cols += [lo, hi, lo, hi]
    c_vals += [np.ones(lo.size, complex), 1j * np.ones(lo.size), ph + 0j, -1j * ph]
    e_rows += [lo, hi]
    e_cols += [lo, lo]
    e_vals += [np.ones(lo.size, complex), -1j * np.ones(lo.size)]
    C = sp.csc_matrix((np.concatenate(c_vals), (np.concatenate(c_rows), np.concatenate(c_cols))), shape=(n, n))
    E = sp.csr_matrix((np.concatenate(e_vals), (np.concatenate(e_rows), np.concatenate(e_cols))), shape=(n, n))
    return C, E


def _solve_with_trace(M: sp.csr_matrix, basis: SymmetricOperatorBasis, method: str) -> np.ndarray:
    """Solve M x = 0 with Tr ρ = 1 for Hermitian ρ, in real coordinates (see
    :func:`hermitian_parametrisation`); the equation of the largest trace weight is replaced by
    the trace condition.  Dense LU (LAPACK) up to ``DENSE_LIMIT`` unknowns, sparse LU beyond."""
    n = M.shape[0]
    t = basis.trace_vector()
    C, E = hermitian_parametrisation(basis)
    R = (E @ M @ C).real.tocsr()
    tr = (t @ C).real  # the trace of a Hermitian operator is real
    i0 = int(np.argmax(np.abs(tr)))
    R = R.tolil()
    R[i0, :] = tr.reshape(1, -1)
    rhs = np.zeros(n)
    rhs[i0] = 1.0
    if method == "dense" or (method == "auto" and n <= DENSE_LIMIT):
        y = scipy.linalg.solve(R.toarray(), rhs, overwrite_a=True, check_finite=False)
    else:
        lu = spla.splu(R.tocsc(), permc_spec="MMD_AT_PLUS_A")
        y = lu.solve(rhs)
    return C @ y


def sector_observables(
    basis: SymmetricOperatorBasis, sector: XSector, x: np.ndarray
) -> dict[str, Any]:
    """Energy density, m_rms and the Q1 distribution of ρ = Σ x_o e_o in one X sector.

    The Q1 distribution is symmetrised: a block state |ã⟩ is an equal superposition of Q1 = M
    and −M, so P(Q1 = ±M) = ½ Σ_{a: |Q1(a)| = |M|} ρ_ãã (exact: X maps Q1 → −Q1 and ρ commutes
    with X).

    Parameters
    ----------
    basis : SymmetricOperatorBasis
        The basis of ``x``.
    sector : XSector
        The sector (Hamiltonian, magnetisation of the block states).
    x : numpy.ndarray
        Coefficients of ρ.

    Returns
    -------
    dict
        ``{"energy_density", "m_rms", "q1_distribution", "energy_density_given_abs_q1"}``; the
        last maps |Q1| to ⟨P H0⟩/(N⟨P⟩), P the projector onto |Q1| (H0 conserves Q1).
    """
    n = sector.n_sites
    H = sector.hamiltonian
    energy = basis.expectation(x, H).real
    pops = basis.diagonal(x).real
    M = sector.magnetisation
    q2 = float(np.sum(pops * M.astype(float) ** 2))

    def energy_weight(mask: np.ndarray) -> float:
        return basis.expectation(x, sp.diags(mask.astype(float)) @ H).real

    dist, cond = q1_resolved(pops, M, energy_weight, n)
    return {
        "energy_density": energy / n,
        "m_rms": math.sqrt(max(q2, 0.0)) / n,
        "q1_distribution": dist,
        "energy_density_given_abs_q1": cond,
    }


@dataclass(frozen=True)
class SectorSteadyState:
    """The steady state of one X sector.

    Attributes
    ----------
    parity : int
        X eigenvalue s.
    eps : float
    energy_density : float
        ⟨H0⟩/N (units J).
    m_rms : float
        ⟨Q1²⟩^{1/2}/N (⟨Q1⟩ = 0 in every X sector).
    q1_distribution : dict[int, float]
        P(Q1 = M), M = −N, −N+2, …, N.
    energy_density_given_abs_q1 : dict[int, float]
        Energy density conditioned on |Q1| (J), to compare with the slow manifold e*(m).
    residual : float
        ‖L̂ρ‖ (Hilbert–Schmidt norm, block space).
    trace : complex
        Tr ρ (should be 1).
    basis_size : int
        Dimension of the reduced problem.
    coefficients : numpy.ndarray
        x_o, the state in the symmetric basis (use ``basis`` to expand it).
    basis : SymmetricOperatorBasis or None
        The symmetric operator basis of ``coefficients``.
    sector : XSector or None
        The sector matrices.
    timings : dict
        Seconds per stage (model, basis, assemble, solve).
    """

    parity: int
    eps: float
    energy_density: float
    m_rms: float
    q1_distribution: dict[int, float]
    energy_density_given_abs_q1: dict[int, float]
    residual: float
    trace: complex
    basis_size: int
    coefficients: np.ndarray = field(repr=False)
    basis: SymmetricOperatorBasis | None = field(default=None, repr=False)
    sector: XSector | None = field(default=None, repr=False)
    timings: dict[str, float] = field(default_factory=dict)

    def block_matrix(self) -> np.ndarray:
        """Dense ρ on the sector block (2^(N−1) × 2^(N−1))."""
        return self.basis.to_block_matrix(self.coefficients)

    def full_matrix(self) -> np.ndarray:
        """Dense ρ on the full 2^N space (normalised to Tr = 1; small N only)."""
        return self.sector.embed(self.block_matrix())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            **sector_summary(self),
            "residual": float(self.residual),
            "trace": float(self.trace.real),
            "basis_size": int(self.basis_size),
        }


def symmetric_steady_state(
    system_or_params: OpenSystem | ChainParameters,
    eps: float,
    parity: int = 1,
    *,
    method: str = "auto",
    memory_limit: float = MEMORY_LIMIT_BYTES,
) -> SectorSteadyState:
    """Steady state of one X sector with the weak-symmetry reduction (fast path).

    Parameters
    ----------
    system_or_params : OpenSystem or ChainParameters
        The model (the paper's chain: translation symmetry is used for periodic boundaries).
    eps : float
        Bath coupling ε > 0 (the generator is L̂0 + εL̂1).
    parity : {+1, -1}
        X sector.
    method : {"auto", "dense", "splu"}
        Linear solver of the reduced problem ("auto": dense LU below 1500 unknowns).
    memory_limit : float
        Refuse (ValueError) when :func:`estimate_memory` exceeds this many bytes.

    Returns
    -------
    SectorSteadyState

    Raises
    ------
    ValueError
        Bad ε or parity, estimated memory above the limit, or a model without the symmetries.
    """
    eps = _check_eps(eps)
    if method not in ("auto", "dense", "splu"):
        raise ValueError(f"method must be 'auto', 'dense' or 'splu', got {method!r}")
    if parity not in (1, -1):
        raise ValueError(f"parity must be +1 or -1, got {parity!r}")
    n, boundary = chain_size(system_or_params)
    need = estimate_memory(n, translation=boundary == "periodic")
    if need > memory_limit:
        raise ValueError(
            f"the symmetry-reduced steady state for N={n} needs an estimated {need / 2**30:.1f} GiB "
            f"(limit {memory_limit / 2**30:.1f} GiB); use a smaller N or raise memory_limit"
        )
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sector = x_sector(as_open_system(system_or_params), parity)
    timings["model"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    basis = symmetric_basis(sector)
    timings["basis"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    M = reduced_liouvillian(sector, basis, eps)
    timings["assemble"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    t = basis.trace_vector()
    x = _solve_with_trace(M, basis, method)
    timings["solve"] = time.perf_counter() - t0
    if not np.all(np.isfinite(x)):
        raise FloatingPointError("the reduced steady-state solve produced NaN/inf")
    residual = float(np.linalg.norm(M @ x))
    obs = sector_observables(basis, sector, x)
    return SectorSteadyState(
        parity=parity,
        eps=eps,
        residual=residual,
        trace=complex(t @ x),
        basis_size=basis.size,
        coefficients=x,
        basis=basis,
        sector=sector,
        timings=timings,
        **obs,
    )


def plain_steady_state(
    system_or_params: OpenSystem | ChainParameters,
    eps: float,
    parity: int = 1,
    *,
    solver: str = "direct",
    max_sites: int = 7,
) -> tuple[np.ndarray, XSector]:
    """Reference: ``qutip.steadystate`` of one X-sector block, no weak symmetries.

    Parameters
    ----------
    system_or_params : OpenSystem or ChainParameters
        The model.
    eps : float
        ε > 0.
    parity : {+1, -1}
    solver : str
        ``method`` of :func:`qutip.steadystate` (``"direct"``, ``"eigen"``, ...).
    max_sites : int
        Refuse larger chains (the block superoperator has 4^(N−1) rows).

    Returns
    -------
    rho : numpy.ndarray
        Dense block density matrix (2^(N−1) square).
    sector : XSector
    """
    eps = _check_eps(eps)
    n, _ = chain_size(system_or_params)
    if n > max_sites:
        raise ValueError(
            f"the plain sector solver builds a 4^(N-1) = {4 ** (n - 1)}-dimensional superoperator for "
            f"N={n}; allowed up to N={max_sites} (use symmetric_steady_state)"
        )
    sector = x_sector(as_open_system(system_or_params), parity)
    rho = qutip.steadystate(sector.hamiltonian_qobj(), sector.jump_qobjs(eps), method=solver)
    return rho.full(), sector


@dataclass(frozen=True)
class SteadyState(EqualMixture):
    """Exact steady states of both X sectors and their equal mixture.

    From ρ(0) the steady state is w₊ρ₊ + w₋ρ₋ with w± = (1 ± ⟨X⟩₀)/2; the equal mixture ½(ρ₊ + ρ₋),
    which the top-level observables describe, is reached from every state with ⟨X⟩ = 0 (infinite
    temperature at any λ1).  Form other mixtures from :attr:`by_sector` (sharp bits: Gibbs states
    with λ2 ≠ 0 have ⟨X⟩ ≠ 0).

    Attributes
    ----------
    parameters : ChainParameters
        The chain.
    eps : float
        Bath coupling ε.
    by_sector : tuple of SectorSteadyState
        X = +1 and X = −1.
    """

    parameters: ChainParameters
    eps: float
    by_sector: tuple[SectorSteadyState, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (parameters, both sectors, equal-mixture observables)."""
        return {
            "parameters": self.parameters.to_dict(),
            "eps": float(self.eps),
            "mixture": "equal weights 1/2 per X sector (reached from infinite temperature)",
            **self.mixture_summary(),
        }


def steady_state(params: ChainParameters, eps: float, **kwargs) -> SteadyState:
    """Exact steady states of both X sectors (symmetry-reduced) of the paper's chain.

    Parameters
    ----------
    params : ChainParameters
        The chain.
    eps : float
        ε > 0.
    **kwargs
        Passed to :func:`symmetric_steady_state`.

    Returns
    -------
    SteadyState
    """
    if not isinstance(params, ChainParameters):
        raise ValueError("steady_state expects ChainParameters (use symmetric_steady_state for an OpenSystem)")
    system = as_open_system(params)
    sectors = tuple(symmetric_steady_state(system, eps, s, **kwargs) for s in (1, -1))
    return SteadyState(parameters=params, eps=float(eps), by_sector=sectors)
