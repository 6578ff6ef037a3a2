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
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import qutip
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from lindhydro.quantum.model import ChainParameters, OpenSystem, as_open_system, validate_eps

from .observables import EqualMixture, magnetisation_resolved, q1_resolved, sector_summary
from .symmetry import (
    SectorDecomposition,
    StrongSector,
    SymmetricOperatorBasis,
    XSector,
    chain_size,
    estimate_symmetric_dimension,
    strong_sectors,
    symmetric_basis,
    x_sector,
)

__all__ = [
    "SectorSteadyState",
    "SteadyState",
    "reduced_liouvillian",
    "symmetric_steady_state",
    "solve_sector",
    "plain_steady_state",
    "steady_state",
    "sector_observables",
    "charge_observables",
    "estimate_memory",
    "estimate_sector_memory",
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
    block = sector.block_basis
    if block.chain.local_dim != 2:
        return {"energy_density": energy / n, "m_rms": math.nan, "q1_distribution": {},
                "energy_density_given_abs_q1": {}}
    M = sector.magnetisation

    def energy_weight(mask: np.ndarray) -> float:
        return basis.expectation(x, sp.diags(mask.astype(float)) @ H).real

    if sector.parity is not None and block.involution is None:  # X sector: Q1 → −Q1 under the involution
        q2 = float(np.sum(pops * M.astype(float) ** 2))
        dist, cond = q1_resolved(pops, M, energy_weight, n)
    else:  # product-state populations: ⟨a|VρV†|a⟩ = ρ_ãã/2 for a pair (a, Pa), ρ_ãã for a = Pa
        pair = ~block.fixed if sector.parity is not None else np.zeros(M.size, bool)
        half = np.where(pair, 0.5, 1.0) * pops
        states = np.concatenate([M, block.chain.magnetisation(block.image(block.states))[pair]])
        weights = np.concatenate([half, half[pair]])
        q2 = float(np.sum(weights * states.astype(float) ** 2))
        dist, cond = magnetisation_resolved(weights, states, energy_weight, np.abs(M), n)
    return {
        "energy_density": energy / n,
        "m_rms": math.sqrt(max(q2, 0.0)) / n,
        "q1_distribution": dist,
        "energy_density_given_abs_q1": cond,
    }


def charge_observables(
    system: OpenSystem, sector: StrongSector, basis: SymmetricOperatorBasis, x: np.ndarray
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """q_mean = ⟨Q_i⟩/N and q_rms = ⟨Q_i²⟩^{1/2}/N of ρ = Σ x_o e_o in one sector, for every charge.

    Parameters
    ----------
    system : OpenSystem
        The model (its charges and N).
    sector : StrongSector
        The sector (restricts the full-space charges to its block).
    basis : SymmetricOperatorBasis
        The basis of ``x``.
    x : numpy.ndarray
        Coefficients of ρ (trace 1 in the sector).

    Returns
    -------
    (tuple of float, tuple of float)
    """
    n = system.n_sites
    mean, rms = [], []
    for Q in system.charges:
        Qs = sector.restrict(Q)
        Q2 = sector.restrict(Q * Q)
        mean.append(basis.expectation(x, Qs).real / n)
        rms.append(math.sqrt(max(basis.expectation(x, Q2).real, 0.0)) / n)
    return tuple(mean), tuple(rms)


@dataclass(frozen=True)
class SectorSteadyState:
    """The steady state of one strong-symmetry sector (an X sector for the paper's chain).

    Attributes
    ----------
    parity : int or None
        Involution eigenvalue (X for the paper's chain), None if the sector has none.
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
    labels : dict
        Quantum numbers of the strong symmetries of the sector (``{"X": ±1}`` for the paper).
    weight : float
        dim(sector)/d^N, the sector's weight in the state reached from infinite temperature.
    charge_names : tuple of str
        Names of the charges of ``q_mean`` and ``q_rms``.
    q_mean, q_rms : tuple of float or None
        ⟨Q_i⟩/N and ⟨Q_i²⟩^{1/2}/N per charge.
    """

    parity: int | None
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
    labels: dict = field(default_factory=dict)
    weight: float = math.nan
    charge_names: tuple[str, ...] = ()
    q_mean: tuple[float, ...] | None = None
    q_rms: tuple[float, ...] | None = None

    def block_matrix(self) -> np.ndarray:
        """Dense ρ on the sector block (block dimension ≤ 4096)."""
        return self.basis.to_block_matrix(self.coefficients)

    def full_matrix(self) -> np.ndarray:
        """Dense ρ on the full d^N space (trace 1 within the sector; small N only)."""
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
    system = as_open_system(system_or_params)
    sector = x_sector(system, parity)
    timings["model"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    basis = symmetric_basis(sector)
    timings["basis"] = time.perf_counter() - t0
    return solve_sector(system, sector, basis, eps, method=method, timings=timings)


def solve_sector(
    system: OpenSystem,
    sector: StrongSector,
    basis: SymmetricOperatorBasis,
    eps: float,
    *,
    method: str = "auto",
    timings: dict[str, float] | None = None,
) -> SectorSteadyState:
    """The steady state of one strong sector on its symmetric operator basis, with its observables.

    Parameters
    ----------
    system : OpenSystem
        The model (charges for ``q_mean`` and ``q_rms``).
    sector : StrongSector
        The sector.
    basis : SymmetricOperatorBasis
        Its symmetric operator basis (:func:`~lindhydro.lindblad.symmetry.symmetric_basis`).
    eps : float
        Bath coupling ε > 0.
    method : {"auto", "dense", "splu"}
        Linear solver of the reduced problem.
    timings : dict, optional
        Seconds of earlier stages, completed with ``assemble`` and ``solve``.

    Returns
    -------
    SectorSteadyState
        With ``timings`` completed.

    Raises
    ------
    ValueError
        If the sector's steady state is not unique (the reduced problem is singular: a strong
        symmetry that was not used).
    """
    timings = dict(timings or {})
    t0 = time.perf_counter()
    M = reduced_liouvillian(sector, basis, eps)
    timings["assemble"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    t = basis.trace_vector()
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error", scipy.linalg.LinAlgWarning)  # rcond ~ 1e-16: a second zero mode
            x = _solve_with_trace(M, basis, method)
    except (np.linalg.LinAlgError, RuntimeError, scipy.linalg.LinAlgError, scipy.linalg.LinAlgWarning) as exc:
        raise ValueError(_not_unique(sector, str(exc).split(":")[0])) from None
    timings["solve"] = time.perf_counter() - t0
    if not np.all(np.isfinite(x)):
        raise ValueError(_not_unique(sector, "the solve produced NaN/inf"))
    residual = float(np.linalg.norm(M @ x))
    if residual > 1e-8 * max(1.0, float(abs(M).max())) * math.sqrt(max(1, basis.size)):
        raise ValueError(_not_unique(sector, f"residual {residual:.1e}"))
    obs = sector_observables(basis, sector, x)
    q_mean, q_rms = charge_observables(system, sector, basis, x)
    return SectorSteadyState(
        parity=sector.parity,
        eps=eps,
        residual=residual,
        trace=complex(t @ x),
        basis_size=basis.size,
        coefficients=x,
        basis=basis,
        sector=sector,
        timings=timings,
        labels=dict(sector.labels),
        weight=float(sector.weight),
        charge_names=tuple(system.charge_names),
        q_mean=q_mean,
        q_rms=q_rms,
        **obs,
    )


def _not_unique(sector: StrongSector, why: str) -> str:
    where = f"sector {sector.labels}" if sector.labels else "the model"
    return (f"the steady state of {where} is not unique ({why}): it has a strong symmetry that was not "
            "used; declare it (OpenSystem(..., strong_symmetries=[U]))")


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
    """Exact steady states of every strong-symmetry sector and their mixture.

    From ρ(0) the steady state is Σ_s Tr(P_s ρ(0)) ρ_s; the top-level observables describe the
    mixture with w_s = dim(sector)/d^N, reached from infinite temperature (the paper's chain: the
    equal mixture ½(ρ₊ + ρ₋) of the X sectors, reached from every state with ⟨X⟩ = 0).  Form other
    mixtures from :attr:`by_sector` (sharp bits: Gibbs states with λ2 ≠ 0 have ⟨X⟩ ≠ 0).  Without
    a strong symmetry there is one sector and the steady state is unique.

    Attributes
    ----------
    parameters : ChainParameters or None
        The chain of the paper's preset (None for a user model).
    eps : float
        Bath coupling ε.
    by_sector : tuple of SectorSteadyState
        One per sector (X = +1 and X = −1 for the paper's chain).
    charge_names : tuple of str
        Names of the charges of ``q_mean``/``q_rms``.
    strong : tuple of str
        The strong symmetries that define the sectors.
    n_sites : int or None
        Number of sites N.
    """

    parameters: ChainParameters | None
    eps: float
    by_sector: tuple[SectorSteadyState, ...]
    charge_names: tuple[str, ...] = ()
    strong: tuple[str, ...] = ("X",)
    n_sites: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (parameters, every sector, mixture observables)."""
        if self.strong == ("X",) and len(self.by_sector) == 2:
            mixture = "equal weights 1/2 per X sector (reached from infinite temperature)"
        elif len(self.by_sector) == 1:
            mixture = "a single sector: the unique steady state"
        else:
            mixture = (f"weights dim(sector)/d^N per sector of {', '.join(self.strong)} "
                       "(reached from infinite temperature)")
        params = self.parameters.to_dict() if self.parameters is not None else {"n_sites": self.n_sites}
        return {
            "parameters": params,
            "eps": float(self.eps),
            "mixture": mixture,
            **self.mixture_summary(),
            "charges": list(self.charge_names),
            "strong_symmetries": list(self.strong),
        }


def estimate_sector_memory(sector: StrongSector, labels: np.ndarray, group_order: int) -> tuple[int, int]:
    """Estimated unknowns and peak memory (bytes) of the reduced solve of one sector, before any work.

    Counts the pairs of block states with equal weak labels (divided by the symmetry group order),
    the terms of the reduced Liouvillian (80 bytes each before summation) and the LU (dense below
    :data:`DENSE_LIMIT` unknowns, a fill of 60 per term for the sparse LU).

    Parameters
    ----------
    sector : StrongSector
        The sector.
    labels : numpy.ndarray
        Weak labels of its block states, shape (dim, r).
    group_order : int
        Number of lattice maps (translations × reflection).

    Returns
    -------
    (int, int)
        Unknowns and bytes.
    """
    dim = sector.dim
    if labels.shape[1]:
        counts = np.unique(labels, axis=0, return_counts=True)[1].astype(float)
    else:
        counts = np.array([float(dim)])
    unknowns = int(np.sum(counts**2) / max(1, group_order)) + 1
    per_col = 2 * (sector.hamiltonian.nnz / dim + 1) + sum((L.nnz / dim) ** 2 for _, L in sector.jumps)
    terms = unknowns * per_col
    solve = 3 * 8 * unknowns**2 if unknowns <= DENSE_LIMIT else 60 * 16 * terms
    return unknowns, int(80 * terms + solve + 2**25)


def steady_state(
    model,
    eps: float,
    *,
    strong=None,
    translation: bool | None = None,
    reflection: bool | None = None,
    method: str = "auto",
    memory_limit: float = MEMORY_LIMIT_BYTES,
) -> SteadyState:
    """Exact steady states of every strong-symmetry sector of any open system (symmetry-reduced).

    Parameters
    ----------
    model : ChainParameters, OpenSystem or tuple
        The paper's chain (X sectors, as :func:`symmetric_steady_state`) or a user model
        (:func:`~lindhydro.quantum.model.as_open_system`).
    eps : float
        ε > 0.
    strong : sequence of Qobj, (), or None
        Strong symmetries (default: the system's declaration, else detected; ``()``: none).
    translation, reflection : bool or None
        Lattice symmetries (default: the system's declaration, else detected).
    method : {"auto", "dense", "splu"}
        Linear solver of the reduced problems.
    memory_limit : float
        Refuse (ValueError) when the estimated memory of a sector exceeds this many bytes.

    Returns
    -------
    SteadyState

    Raises
    ------
    ValueError
        Bad ε, a model that does not fit in memory (estimated first), a declared symmetry that
        does not hold, or a sector whose steady state is not unique.
    """
    eps = _check_eps(eps)
    if method not in ("auto", "dense", "splu"):
        raise ValueError(f"method must be 'auto', 'dense' or 'splu', got {method!r}")
    if isinstance(model, ChainParameters):
        system = as_open_system(model)
        sectors = tuple(symmetric_steady_state(system, eps, p, method=method, memory_limit=memory_limit) for p in (1, -1))
        return SteadyState(parameters=model, eps=eps, by_sector=sectors, charge_names=tuple(system.charge_names),
                           n_sites=model.n_sites)
    t0 = time.perf_counter()
    system = as_open_system(model)
    dec = strong_sectors(system, strong=strong, translation=translation, reflection=reflection)
    plans = _plan(dec, memory_limit)
    timings = {"model": time.perf_counter() - t0}
    out = []
    for sector, weak in plans:
        t0 = time.perf_counter()
        basis = symmetric_basis(sector, translation=dec.translation, reflection=dec.reflection, weak=weak)
        out.append(solve_sector(system, sector, basis, eps, method=method,
                                timings={**timings, "basis": time.perf_counter() - t0}))
    return SteadyState(parameters=system.parameters, eps=eps, by_sector=tuple(out),
                       charge_names=tuple(system.charge_names), strong=dec.strong, n_sites=int(system.n_sites))


def _plan(dec: SectorDecomposition, memory_limit: float) -> list:
    """(sector, weak labels) of every sector, after checking the memory estimate of each."""
    order = (dec.sectors[0].n_sites if dec.translation else 1) * (2 if dec.reflection else 1)
    plans = []
    for sector in dec.sectors:
        weak = dec.weak_labels(sector)
        unknowns, need = estimate_sector_memory(sector, weak[0], order)
        if need > memory_limit:
            raise ValueError(
                f"the steady state of sector {sector.labels or '(the whole model)'} has about {unknowns} "
                f"symmetric unknowns and needs an estimated {need / 2**30:.1f} GiB (limit "
                f"{memory_limit / 2**30:.1f} GiB); use a smaller N or raise memory_limit"
            )
        plans.append((sector, weak))
    return plans
