"""Symmetry-resolved exact diagonalisation: per-eigenstate charges, force and noise elements.

:func:`diagonalize` computes once, for every state |n⟩ of a joint eigenbasis of the charges, the
eigenvalues Q_n, the force elements ⟨n|L̂1†(Q_i)|n⟩ and the noise elements
Re⟨n|Σ_k r_k [L_k†, Q_i][Q_j, L_k]|n⟩ (per unit ε, extensive); every Gibbs average is then a weighted
sum over n.  Routes: ``"momentum"`` (periodic chains: sectors of Q1 and lattice momentum),
``"magnetisation"`` (sectors of Q1, also open chains) and ``"dense"`` (any
:class:`~lindhydro.quantum.model.OpenSystem`; the brute-force reference).  Product states are those of
:mod:`lindhydro.quantum.basis`; how the elements are evaluated: ``docs/physics.md``.
"""


from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import qutip
import scipy.sparse as sp

from lindhydro.quantum.basis import ChainBasis, locate
from lindhydro.quantum.model import ChainParameters, OpenSystem, model_from_parameters

__all__ = [
    "Spectrum",
    "diagonalize",
    "estimate_memory",
    "sector_hamiltonian",
    "DEFAULT_MEMORY_BUDGET",
]

SectorMode = Literal["auto", "momentum", "magnetisation", "dense"]

#: Largest Hilbert-space dimension accepted by the dense (general OpenSystem) route.
MAX_DENSE_DIMENSION = 4096


def _physical_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 2**30


#: Default memory budget of :func:`diagonalize` in bytes: half the physical memory.
DEFAULT_MEMORY_BUDGET = _physical_memory() // 2


@dataclass(frozen=True, eq=False)
class Spectrum:
    """Per-eigenstate data of H0 in a joint eigenbasis of the charges.

    Parameters
    ----------
    charges : ndarray, shape (n_states, n_charges)
        Eigenvalues ``Q_{n,i}`` of the extensive charges (paper model: ``(Q1_n, E_n)``,
        Q1 = Σσᶻ dimensionless, E in units of J).
    energies : ndarray, shape (n_states,)
        Eigenvalues E_n of H0 (units of J).
    force_elements : ndarray, shape (n_states, n_charges)
        ``⟨n|L̂1†(Q_i)|n⟩`` per unit ε (units: J × [Q_i]), extensive.
    noise_elements : ndarray, shape (n_states, n_charges, n_charges)
        ``Re ⟨n|Σ_k r_k [L_k†, Q_i][Q_j, L_k]|n⟩`` per unit ε, extensive, symmetric in (i, j).
    n_sites : int
        Number of sites N (densities are ``⟨Q⟩/N``).
    charge_names : tuple of str
        Labels of the charges.
    parameters : ChainParameters or None
        The chain parameters for the paper's model; ``None`` for a user OpenSystem.
    method : {"momentum", "magnetisation", "dense"}
        The route that produced it.
    block_sizes : tuple of int
        Dimensions of the diagonalised blocks (diagnostics).
    """

    charges: np.ndarray
    energies: np.ndarray
    force_elements: np.ndarray
    noise_elements: np.ndarray
    n_sites: int
    charge_names: tuple[str, ...]
    parameters: ChainParameters | None
    method: str
    block_sizes: tuple[int, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        for name in ("charges", "energies", "force_elements", "noise_elements"):
            arr = np.asarray(getattr(self, name), dtype=float)
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def n_states(self) -> int:
        """Number of eigenstates (the Hilbert-space dimension)."""
        return int(self.charges.shape[0])

    @property
    def n_charges(self) -> int:
        """Number of conserved charges."""
        return int(self.charges.shape[1])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no per-state arrays)."""
        return {
            "n_sites": self.n_sites,
            "n_states": self.n_states,
            "charge_names": list(self.charge_names),
            "method": self.method,
            "largest_block": max(self.block_sizes) if self.block_sizes else None,
            "parameters": None if self.parameters is None else self.parameters.to_dict(),
        }


# ----------------------------------------------------------------------------------------------
# the paper's chain in the product basis
# ----------------------------------------------------------------------------------------------


def sector_hamiltonian(params: ChainParameters, n_down: int, states: np.ndarray | None = None) -> sp.csr_matrix:
    """H0 in the sector with ``n_down`` down spins, from the bit representation.

    Parameters
    ----------
    params : ChainParameters
        The chain (N, couplings, hopping normalisation, boundary).
    n_down : int
        Number of down spins (Q1 = N − 2 n_down).
    states : ndarray, optional
        The sorted sector basis (computed if omitted).

    Returns
    -------
    scipy.sparse.csr_matrix
        Real symmetric, units of J, in the sorted basis of the sector.
    """
    chain = ChainBasis(params.n_sites, boundary=params.boundary)
    if states is None:
        states = chain.magnetisation_sector(n_down)
    d = len(states)
    h = params.hopping_factor
    diag = np.zeros(d)
    rows, cols, vals = [], [], []
    for distance, coupling, zz in ((1, params.J, params.J * params.delta), (2, params.jprime, 0.0)):
        for i, j in chain.bonds(distance):
            bi = chain.local_state(states, i)
            bj = chain.local_state(states, j)
            if zz != 0.0:
                diag += zz * (1 - 2 * bi) * (1 - 2 * bj)
            if coupling != 0.0:
                flip = np.nonzero(bi != bj)[0]
                rows.append(locate(states, chain.flip(states[flip], i, j)))
                cols.append(flip)
                vals.append(np.full(len(flip), coupling * h))
    rows.append(np.arange(d))
    cols.append(np.arange(d))
    vals.append(diag)
    H = sp.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(d, d)
    ).tocsr()
    H.sum_duplicates()
    return H


def _jump_pieces(params: ChainParameters, sites) -> list[tuple[str, int, int, int]]:
    """Pieces of the jump operators: (group, site, kind, ΔQ1) with kind ±1 = raises/lowers Q1.

    σˣ_j = σ⁺_j + σ⁻_j; L⁽²⁾_j = P↑σ⁺P↑ + P↓σ⁻P↓.  Every piece changes Q1 by ΔQ1 = ±2.
    """
    n = params.n_sites
    pieces = []
    for j in sites:
        pieces.append(("sigma_x", j, +1, +2))
        pieces.append(("sigma_x", j, -1, -2))
        if params.boundary == "periodic" or 0 < j < n - 1:
            pieces.append(("aligning", j, +1, +2))
            pieces.append(("aligning", j, -1, -2))
    return pieces


def _piece_matrix(
    chain: ChainBasis, group: str, site: int, kind: int, src: np.ndarray, dst: np.ndarray
) -> sp.csr_matrix:
    """Sparse matrix (len(dst) × len(src)) of one jump-operator piece between sectors."""
    n = chain.n_sites
    b = chain.local_state(src, site)  # 1 = down
    if group == "sigma_x":
        mask = b == 1 if kind > 0 else b == 0
    else:
        bl = chain.local_state(src, (site - 1) % n)
        br = chain.local_state(src, (site + 1) % n)
        if kind > 0:  # ↑↓↑ → ↑↑↑
            mask = (b == 1) & (bl == 0) & (br == 0)
        else:  # ↓↑↓ → ↓↓↓
            mask = (b == 0) & (bl == 1) & (br == 1)
    col = np.nonzero(mask)[0]
    row = locate(dst, chain.flip(src[col], site))
    return sp.csr_matrix((np.ones(len(col)), (row, col)), shape=(len(dst), len(src)))


# ----------------------------------------------------------------------------------------------
# memory estimate
# ----------------------------------------------------------------------------------------------


def _block_dimensions(n: int, mode: str) -> list[int]:
    dims = [math.comb(n, k) for k in range(n + 1)]
    if mode == "momentum":
        return [max(1, -(-d // n)) + 1 for d in dims]  # ≈ d/N per momentum block
    return dims


def estimate_memory(n_sites: int, mode: str = "momentum", *, chunk: int = 512) -> int:
    """Rough peak memory (bytes) of :func:`diagonalize` for the paper's chain.

    Counts the largest dense block (complex, ×4 for ``eigh`` workspace and eigenvectors), the
    eigenvectors expanded in the largest magnetisation sector (a column chunk, ×4 for the
    jump-operator images), the largest sparse sector Hamiltonian, and the per-state arrays.

    Parameters
    ----------
    n_sites : int
        Chain length N.
    mode : {"momentum", "magnetisation", "dense"}
        Diagonalisation route.
    chunk : int
        Eigenvector columns processed at once.

    Returns
    -------
    int
        Estimated peak memory in bytes.
    """
    if mode == "dense":
        dim = 2**n_sites
        return int(16 * dim * dim * 6)
    dmax_sector = math.comb(n_sites, n_sites // 2)
    dmax_block = max(_block_dimensions(n_sites, mode))
    itemsize = 16 if mode == "momentum" else 8
    block = 4 * itemsize * dmax_block**2
    vectors = 4 * 16 * dmax_sector * min(chunk, dmax_block)
    hamiltonian = 12 * dmax_sector * (2 * n_sites + 1) * 3
    states = 2**n_sites * 8 * 3 + 2**n_sites * 9 * 8
    return int(block + vectors + hamiltonian + states)


def _check_memory(n: int, mode: str, budget: int | None) -> None:
    budget = DEFAULT_MEMORY_BUDGET if budget is None else int(budget)
    need = estimate_memory(n, mode)
    if need > budget:
        raise ValueError(
            f"exact diagonalisation of N={n} sites ({mode} sectors) needs about "
            f"{need / 2**30:.1f} GiB, more than the memory budget of {budget / 2**30:.1f} GiB "
            "(pass memory_budget=... to raise it, or use a smaller chain)"
        )


# ----------------------------------------------------------------------------------------------
# the sector routes
# ----------------------------------------------------------------------------------------------


def _accumulate(psi, pieces, F, Nn, out_slice):
    """Add the contributions of jump pieces to F (n, 2) and N (n, 2, 2) for columns of psi.

    ``pieces``: list of (P, C, rate, dq, weight) with P the piece, C = H0' P − P H0, both real.
    A complex ``psi`` is processed as its interleaved real view (Re, Im columns): for real P, C
    Re⟨Pψ|Cψ⟩ = ⟨P a|C a⟩ + ⟨P b|C b⟩ with ψ = a + ib, so only real sparse products are needed.
    """
    pairs = np.iscomplexobj(psi)
    if pairs:
        psi = np.ascontiguousarray(psi).view(np.float64)

    def dot(a, b):
        out = np.einsum("ij,ij->j", a, b)
        return out.reshape(-1, 2).sum(axis=1) if pairs else out

    for P, C, rate, dq, weight in pieces:
        phi = P @ psi
        chi = C @ psi
        nphi = dot(phi, phi)
        pc = dot(phi, chi)
        nchi = dot(chi, chi)
        c = weight * rate
        F[out_slice, 0] += c * dq * nphi
        F[out_slice, 1] += c * pc
        Nn[out_slice, 0, 0] += c * dq * dq * nphi
        Nn[out_slice, 0, 1] += c * dq * pc
        Nn[out_slice, 1, 1] += c * nchi


def _diagonalize_sectors(params: ChainParameters, mode: str, chunk: int = 512, progress: bool = False) -> Spectrum:
    n = params.n_sites
    chain = ChainBasis(n, boundary=params.boundary)
    rates = params.rates
    states = [chain.magnetisation_sector(k) for k in range(n + 1)]
    hams = [sector_hamiltonian(params, k, states[k]) for k in range(n + 1)]
    sites = [0] if mode == "momentum" else list(range(n))
    site_weight = float(n) if mode == "momentum" else 1.0
    Q1_all, E_all, F_all, N_all, blocks = [], [], [], [], []

    iterator = range(n + 1)
    if progress:
        from tqdm import tqdm

        iterator = tqdm(iterator, desc=f"ED N={n} ({mode})", unit="sector")
    for nd in iterator:
        src = states[nd]
        H = hams[nd]
        pieces = []
        for group, site, kind, dq in _jump_pieces(params, sites):
            rate = rates[group]
            nd_dst = nd - 1 if kind > 0 else nd + 1
            if rate == 0.0 or not 0 <= nd_dst <= n:
                continue
            P = _piece_matrix(chain, group, site, kind, src, states[nd_dst])
            if P.nnz == 0:
                continue
            C = (hams[nd_dst] @ P - P @ H).tocsr()
            pieces.append((P, C, rate, float(dq), site_weight))
        q1 = float(n - 2 * nd)
        if mode == "momentum":
            orbits = chain.translation_orbits(src)
            # H0 and the bath are real: the (m, -k) block is the complex conjugate of (m, k), with
            # the same energies and the same (real) diagonal elements, so only 0 <= k <= pi is done.
            for kappa in range(n // 2 + 1):
                U = chain.momentum_states(src, orbits, kappa)
                if U.shape[1] == 0:
                    continue
                Hk = (U.conj().T @ (H @ U)).toarray()
                Hk = 0.5 * (Hk + Hk.conj().T)
                E, V = np.linalg.eigh(Hk)
                copies = 1 if (kappa == 0 or 2 * kappa == n) else 2
                for _ in range(copies):
                    blocks.append(len(E))
                _collect(E, V, U, q1, pieces, chunk, Q1_all, E_all, F_all, N_all, copies)
        else:
            E, V = np.linalg.eigh(H.toarray())
            _collect(E, V, None, q1, pieces, chunk, Q1_all, E_all, F_all, N_all)
            blocks.append(len(E))
    Q1 = np.concatenate(Q1_all)
    E = np.concatenate(E_all)
    F = np.concatenate(F_all)
    Nn = np.concatenate(N_all)
    Nn[:, 1, 0] = Nn[:, 0, 1]
    return Spectrum(
        charges=np.column_stack([Q1, E]),
        energies=E,
        force_elements=F,
        noise_elements=Nn,
        n_sites=n,
        charge_names=("magnetisation", "energy"),
        parameters=params,
        method=mode,
        block_sizes=tuple(blocks),
    )


def _collect(E, V, U, q1, pieces, chunk, Q1_all, E_all, F_all, N_all, copies=1):
    m = len(E)
    F = np.zeros((m, 2))
    Nn = np.zeros((m, 2, 2))
    for start in range(0, m, chunk):
        sl = slice(start, min(m, start + chunk))
        psi = V[:, sl] if U is None else U @ V[:, sl]
        _accumulate(psi, pieces, F, Nn, sl)
    for _ in range(copies):
        Q1_all.append(np.full(m, q1))
        E_all.append(E)
        F_all.append(F)
        N_all.append(Nn)


# ----------------------------------------------------------------------------------------------
# the dense, general route
# ----------------------------------------------------------------------------------------------


def _as_scipy(A: qutip.Qobj) -> sp.csr_matrix:
    return sp.csr_matrix(A.to("csr").data.as_scipy())


def _split_by_values(values: np.ndarray, tol: float) -> list[np.ndarray]:
    order = np.argsort(values)
    groups, current = [], [order[0]]
    for a, b in zip(order[:-1], order[1:], strict=True):
        if values[b] - values[a] > tol:
            groups.append(np.array(current))
            current = []
        current.append(b)
    groups.append(np.array(current))
    return groups


def _diagonalize_dense(system: OpenSystem) -> Spectrum:
    dim = system.dimension
    if dim > MAX_DENSE_DIMENSION:
        raise ValueError(
            f"the dense route diagonalises the full {dim}-dimensional space; it accepts dimensions "
            f"up to {MAX_DENSE_DIMENSION} (about {16 * MAX_DENSE_DIMENSION**2 * 6 / 2**30:.1f} GiB). "
            "Use diagonalize(ChainParameters(...)) for the paper's chain (sector-resolved)."
        )
    H = system.hamiltonian.full()
    Qs = [_as_scipy(Q) for Q in system.charges]
    scale = max(1.0, float(np.abs(H).max()))
    # joint eigenspaces of the charges that are not H0 itself
    bases = [np.eye(dim, dtype=complex)]
    for Q in system.charges:
        if float(qutip.data.norm.max((Q - system.hamiltonian).data)) <= 1e-10 * scale:
            continue
        Qd = Q.full()
        qscale = max(1.0, float(np.abs(Qd).max()))
        new = []
        for B in bases:
            M = B.conj().T @ Qd @ B
            w, W = np.linalg.eigh(0.5 * (M + M.conj().T))
            for g in _split_by_values(w, 1e-7 * qscale):
                new.append(B @ W[:, g])
        bases = new
    vecs, energies, blocks = [], [], []
    for B in bases:
        M = B.conj().T @ H @ B
        w, W = np.linalg.eigh(0.5 * (M + M.conj().T))
        vecs.append(B @ W)
        energies.append(w)
        blocks.append(len(w))
    V = np.concatenate(vecs, axis=1)
    E = np.concatenate(energies)
    nq = len(Qs)
    charges = np.column_stack([np.einsum("ij,ij->j", V.conj(), Q @ V).real for Q in Qs])
    F = np.zeros((dim, nq))
    Nn = np.zeros((dim, nq, nq))
    for g in system.jump_groups:
        if g.rate == 0.0:
            continue
        for L in g.operators:
            phi = _as_scipy(L) @ V
            chis = [Q @ phi - phi * charges[None, :, i] for i, Q in enumerate(Qs)]
            for i in range(nq):
                F[:, i] += g.rate * np.einsum("ij,ij->j", phi.conj(), chis[i]).real
                for j in range(i, nq):
                    Nn[:, i, j] += g.rate * np.einsum("ij,ij->j", chis[i].conj(), chis[j]).real
    for i in range(nq):
        for j in range(i):
            Nn[:, i, j] = Nn[:, j, i]
    return Spectrum(
        charges=charges,
        energies=E,
        force_elements=F,
        noise_elements=Nn,
        n_sites=int(system.n_sites),
        charge_names=tuple(system.charge_names),
        parameters=system.parameters,
        method="dense",
        block_sizes=tuple(blocks),
    )


# ----------------------------------------------------------------------------------------------
# public entry point
# ----------------------------------------------------------------------------------------------


def diagonalize(
    params_or_system: ChainParameters | OpenSystem,
    *,
    sectors: SectorMode = "auto",
    memory_budget: int | None = None,
    progress: bool = False,
) -> Spectrum:
    """Diagonalise H0 in a joint eigenbasis of the charges and precompute matrix elements.

    Parameters
    ----------
    params_or_system : ChainParameters or OpenSystem
        The paper's chain (fast sector-resolved route built directly from bit representations)
        or a general :class:`~lindhydro.quantum.model.OpenSystem` of user-supplied Qobjs (dense route).
    sectors : {"auto", "momentum", "magnetisation", "dense"}
        ``"auto"``: momentum sectors for periodic chains with N ≥ 10, magnetisation sectors
        otherwise; always ``"dense"`` for an OpenSystem.  ``"dense"`` with ChainParameters builds
        the QuTiP model of :mod:`lindhydro.quantum.model` and takes the general route (reference).
    memory_budget : int, optional
        Bytes the calculation may use (default: half the physical memory).  The need is
        estimated *before* any heavy work (:func:`estimate_memory`).
    progress : bool
        Show a tqdm progress bar over magnetisation sectors (stderr).

    Returns
    -------
    Spectrum
        Charges, energies, force and noise elements per eigenstate (per unit ε, extensive).

    Raises
    ------
    ValueError
        Unknown ``sectors``, momentum sectors for open chains, or a calculation that would not fit
        the memory budget.  (N < 3, γ ∉ [0, 1] and non-Hermitian or non-conserved operators are
        rejected by :class:`~lindhydro.quantum.model.ChainParameters` and
        :class:`~lindhydro.quantum.model.OpenSystem` themselves.)
    """
    if sectors not in ("auto", "momentum", "magnetisation", "dense"):
        raise ValueError(
            f"sectors must be 'auto', 'momentum', 'magnetisation' or 'dense', got {sectors!r}"
        )
    if isinstance(params_or_system, OpenSystem):
        if sectors not in ("auto", "dense"):
            raise ValueError(
                "a general OpenSystem is diagonalised by the dense route only "
                f"(sectors='auto' or 'dense'), got sectors={sectors!r}"
            )
        return _diagonalize_dense(params_or_system)
    if not isinstance(params_or_system, ChainParameters):
        raise ValueError(
            f"diagonalize expects ChainParameters or an OpenSystem, got {type(params_or_system).__name__}"
        )
    params = params_or_system
    n = params.n_sites
    if sectors == "auto":
        sectors = "momentum" if (params.boundary == "periodic" and n >= 10) else "magnetisation"
    if sectors == "momentum" and params.boundary != "periodic":
        raise ValueError("momentum sectors need periodic boundaries; use sectors='magnetisation'")
    if sectors == "dense":
        if 2**n > MAX_DENSE_DIMENSION:
            raise ValueError(
                f"the dense route is limited to 2^N <= {MAX_DENSE_DIMENSION} (N <= "
                f"{int(math.log2(MAX_DENSE_DIMENSION))}); got N={n}"
            )
        return _diagonalize_dense(model_from_parameters(params))
    _check_memory(n, sectors, memory_budget)
    return _diagonalize_sectors(params, sectors, progress=progress)
