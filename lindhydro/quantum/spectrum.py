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
from lindhydro.quantum.symmetries import (
    SystemMatrices,
    diagonal_quantities,
    jump_orbits,
    lattice_symmetries,
    system_matrices,
)

__all__ = [
    "Spectrum",
    "diagonalize",
    "estimate_memory",
    "sector_hamiltonian",
    "DEFAULT_MEMORY_BUDGET",
]

SectorMode = Literal["auto", "symmetric", "momentum", "magnetisation", "dense"]

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
    symmetries : dict
        What the symmetry-resolved route of a user model used (``"sectors"``: the conserved diagonal
        quantities, ``"translation"``, ``"real"``, ``"jump_representatives"``).
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
    symmetries: dict[str, Any] = field(default_factory=dict, repr=False)

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
            **({"symmetries": dict(self.symmetries)} if self.symmetries else {}),
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
            "(use a smaller chain; from Python, diagonalize(..., memory_budget=BYTES) raises the budget)"
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
# the symmetry-resolved route for any OpenSystem
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Structure:
    """What the generic route uses: sectors of conserved diagonal quantities, translation, jump orbits."""

    mats: SystemMatrices
    sectors: list[np.ndarray]  # sorted product-state labels of every sector
    sector_of: np.ndarray  # sector of every product state
    diagonal: dict[int, np.ndarray]  # charge index -> value on every product state
    is_h: list[bool]  # charge i equals H0
    translation: bool
    jumps: list[tuple[float, sp.csc_matrix]]  # (rate × orbit size, L)
    symmetries: dict[str, Any]


def _structure(system: OpenSystem, translation: bool | None) -> _Structure:
    mats = system_matrices(system)
    names = list(system.charge_names)
    every = np.arange(mats.chain.dim, dtype=np.int64)
    quantities = []
    for q in diagonal_quantities(mats, names):  # declared ones first; a hidden one must respect the charges
        if q[2] and (q[0] in names or all(_keeps(Q, _sector_numbers([q])) for Q in mats.charges)):
            quantities.append(q)
    sector_of = _sector_numbers(quantities) if quantities else np.zeros(mats.chain.dim, dtype=np.int64)
    order = np.argsort(sector_of, kind="stable")
    bounds = np.searchsorted(sector_of[order], np.arange(sector_of.max() + 2))
    sectors = [order[bounds[i]:bounds[i + 1]] for i in range(len(bounds) - 1)]
    diagonal = {i: np.real(Q.diagonal()).astype(float) for i, Q in enumerate(mats.charges)
                if any(n == names[i] for n, _, _ in quantities)}
    H = mats.hamiltonian
    is_h = [_max_abs_diff(Q, H) <= 1e-10 * mats.scale for Q in mats.charges]
    use_t, _ = lattice_symmetries(mats, translation=translation, reflection=False, bath=False)
    reps = None
    if use_t:
        reps = jump_orbits(mats.jumps, mats.chain.translate(every, 1), mats.chain.n_sites)
    if reps is None:
        reps = [(rate, L, 1) for _, rate, L in mats.jumps]
    jumps = [(rate * mult, sp.csc_matrix(L)) for rate, L, mult in reps]
    symmetries = {
        "sectors": [n for n, _, _ in quantities],
        "translation": bool(use_t),
        "real": bool(mats.real),
        "jump_representatives": len(jumps),
    }
    return _Structure(mats, sectors, sector_of, diagonal, is_h, bool(use_t), jumps, symmetries)


def _sector_numbers(quantities) -> np.ndarray:
    keys = np.stack([np.round(v, 8) for _, v, _ in quantities], axis=1)
    return np.unique(keys, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)


def _keeps(Q: sp.spmatrix, sector_of: np.ndarray) -> bool:
    """Whether Q maps every sector into itself."""
    c = sp.coo_matrix(Q)
    return bool(np.all(sector_of[c.row] == sector_of[c.col]))


def _max_abs_diff(A: sp.spmatrix, B: sp.spmatrix) -> float:
    D = sp.csr_matrix(A - B)
    return float(np.abs(D.data).max()) if D.nnz else 0.0


def _generic_pieces(st: _Structure, s: int, restricted) -> list:
    """(P, shifts, C, weight) of every jump piece from sector s into one target sector.

    ``shifts[i]`` is the constant change of a diagonal charge (NaN otherwise) and ``C[i]`` the
    sparse Q_i P − P Q_i for the other charges (χ_i = C_i ψ = [Q_i, L]ψ).
    """
    S = st.sectors[s]
    k = len(st.mats.charges)
    pieces = []
    for weight, L in st.jumps:
        Lc = L[:, S].tocsr()
        if Lc.nnz == 0:
            continue
        for t in np.unique(st.sector_of[np.nonzero(np.diff(Lc.indptr))[0]]):
            P = Lc[st.sectors[t]]
            P.eliminate_zeros()
            if P.nnz == 0:
                continue
            shifts = np.full(k, np.nan)
            C: list = [None] * k
            for i in range(k):
                if i in st.diagonal:
                    shifts[i] = st.diagonal[i][st.sectors[t][0]] - st.diagonal[i][S[0]]
                else:
                    C[i] = (restricted[i][t] @ P - P @ restricted[i][s]).tocsr()
            pieces.append((P.tocsr(), shifts, C, weight))
    return pieces


def _accumulate_generic(psi: np.ndarray, pieces, F: np.ndarray, Nn: np.ndarray, out_slice) -> None:
    """Add Σ_pieces w Re⟨φ|χ_i⟩ to F and w Re⟨χ_i|χ_j⟩ to N, φ = Pψ, χ_i = [Q_i, L]ψ."""
    k = F.shape[1]
    real_ops = all(P.dtype.kind != "c" and all(c is None or c.dtype.kind != "c" for c in C) for P, _, C, _ in pieces)
    pairs = np.iscomplexobj(psi) and real_ops
    x = np.ascontiguousarray(psi).view(np.float64) if pairs else psi

    def dot(a, b):
        out = np.einsum("ij,ij->j", a.conj(), b).real
        return out.reshape(-1, 2).sum(axis=1) if pairs else out

    for P, shifts, C, w in pieces:
        phi = P @ x
        nphi = dot(phi, phi)
        chis = {i: C[i] @ x for i in range(k) if C[i] is not None}
        for i in range(k):
            F[out_slice, i] += w * (shifts[i] * nphi if i not in chis else dot(phi, chis[i]))
            for j in range(i, k):
                if i in chis and j in chis:
                    v = dot(chis[i], chis[j])
                elif i in chis:
                    v = shifts[j] * dot(phi, chis[i])
                elif j in chis:
                    v = shifts[i] * dot(phi, chis[j])
                else:
                    v = shifts[i] * shifts[j] * nphi
                Nn[out_slice, i, j] += w * v


def _joint_eigh(Hb: np.ndarray, extras: list[np.ndarray], tol: float):
    """Eigenvalues of H0 and of the extra (non-diagonal) charges, and joint eigenvectors, of a block."""
    if not extras:
        w, W = np.linalg.eigh(0.5 * (Hb + Hb.conj().T))
        return w, W, np.zeros((w.size, 0))
    bases = [np.eye(Hb.shape[0], dtype=Hb.dtype)]
    values: list[list[np.ndarray]] = [[]]
    for Q in extras:
        new, new_values = [], []
        for B, vals in zip(bases, values, strict=True):
            M = B.conj().T @ Q @ B
            w, W = np.linalg.eigh(0.5 * (M + M.conj().T))
            for g in _split_by_values(w, tol * max(1.0, np.abs(w).max(initial=0.0))):
                new.append(B @ W[:, g])
                new_values.append([*vals, np.full(g.size, w[g].mean())])
        bases, values = new, new_values
    E, V, X = [], [], []
    for B, vals in zip(bases, values, strict=True):
        M = B.conj().T @ Hb @ B
        w, W = np.linalg.eigh(0.5 * (M + M.conj().T))
        E.append(w)
        V.append(B @ W)
        X.append(np.column_stack(vals) if vals else np.zeros((w.size, 0)))
    return np.concatenate(E), np.concatenate(V, axis=1), np.concatenate(X)


def _sector_blocks(st: _Structure, s: int, H_s: sp.csr_matrix):
    """Yield (U, copies) of the blocks of sector s: momentum states (translation) or the sector itself."""
    S = st.sectors[s]
    if not st.translation:
        yield None, 1
        return
    chain = st.mats.chain
    n = chain.n_sites
    orbits = chain.translation_orbits(S)
    kappas = range(n // 2 + 1) if st.mats.real else range(n)
    for kappa in kappas:
        U = chain.momentum_states(S, orbits, kappa)
        if U.shape[1]:
            real_pair = st.mats.real and not (kappa == 0 or 2 * kappa == n)
            yield U, 2 if real_pair else 1


def _diagonalize_generic(system: OpenSystem, st: _Structure, chunk: int = 512, progress: bool = False) -> Spectrum:
    mats = st.mats
    k = len(mats.charges)
    hams = [mats.hamiltonian[S][:, S].tocsr() for S in st.sectors]
    restricted = {i: (hams if st.is_h[i] else [Q[S][:, S].tocsr() for S in st.sectors])
                  for i, Q in enumerate(mats.charges) if i not in st.diagonal}
    extra = [i for i in restricted if not st.is_h[i]]
    out: list[tuple] = []
    blocks = []
    iterator = range(len(st.sectors))
    if progress:
        from tqdm import tqdm

        iterator = tqdm(iterator, desc=f"ED of a user model ({mats.chain.dim} states)", unit="sector")
    for s in iterator:
        S = st.sectors[s]
        pieces = _generic_pieces(st, s, restricted)
        for U, copies in _sector_blocks(st, s, hams[s]):
            def project(A, U=U):
                return A.toarray() if U is None else (U.conj().T @ (A @ U)).toarray()
            E, V, X = _joint_eigh(project(hams[s]), [project(restricted[i][s]) for i in extra], 1e-9)
            m = E.size
            q = np.empty((m, k))
            for i in range(k):
                q[:, i] = st.diagonal[i][S[0]] if i in st.diagonal else (E if st.is_h[i] else X[:, extra.index(i)])
            F, Nn = np.zeros((m, k)), np.zeros((m, k, k))
            for start in range(0, m, chunk):
                sl = slice(start, min(m, start + chunk))
                psi = V[:, sl] if U is None else U @ V[:, sl]
                _accumulate_generic(psi, pieces, F, Nn, sl)
            out += [(q, E, F, Nn)] * copies
            blocks += [m] * copies
    q, E, F, Nn = (np.concatenate([o[j] for o in out]) for j in range(4))
    iu = np.triu_indices(k, 1)
    Nn[:, iu[1], iu[0]] = Nn[:, iu[0], iu[1]]
    return Spectrum(
        charges=q, energies=E, force_elements=F, noise_elements=Nn, n_sites=int(system.n_sites),
        charge_names=tuple(system.charge_names), parameters=system.parameters, method="symmetric",
        block_sizes=tuple(blocks), symmetries=st.symmetries,
    )


def estimate_generic_memory(st_or_system, *, chunk: int = 512) -> int:
    """Rough peak memory (bytes) of the symmetry-resolved route for a user model.

    Counts the largest dense block (complex, ×4 for ``eigh``), eigenvectors of a chunk expanded in
    the largest sector (×4 for the jump images), the per-state arrays and the full-space operators.

    Parameters
    ----------
    st_or_system : OpenSystem
        The model (its sectors and lattice symmetries are found first; cheap).
    chunk : int
        Eigenvector columns processed at once.

    Returns
    -------
    int
        Bytes.
    """
    st = st_or_system if isinstance(st_or_system, _Structure) else _structure(st_or_system, None)
    n = st.mats.chain.n_sites
    largest = max(S.size for S in st.sectors)
    block = -(-largest // n) + 1 if st.translation else largest
    k = len(st.mats.charges)
    dense = 4 * 16 * block**2
    vectors = 6 * 16 * largest * min(chunk, block)
    states = st.mats.chain.dim * (8 * (k + 1) + 8 * k * (k + 1)) * 2
    ops = 40 * sum(M.nnz for M in (st.mats.hamiltonian, *st.mats.charges, *(L for _, _, L in st.mats.jumps)))
    return int(dense + vectors + states + ops)


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
        or any :class:`~lindhydro.quantum.model.OpenSystem` of user-supplied Qobjs.
    sectors : {"auto", "symmetric", "momentum", "magnetisation", "dense"}
        ChainParameters: ``"auto"`` takes momentum sectors for periodic chains with N ≥ 10,
        magnetisation sectors otherwise.  An OpenSystem: ``"auto"``/``"symmetric"`` takes the
        symmetry-resolved route (sectors of the conserved diagonal quantities — diagonal charges and
        the magnetisation if H0 conserves it — and lattice momentum when translation is a symmetry
        of H0 and the charges, found in the operators or declared on the system and then checked;
        only one jump per translation orbit is evaluated).  ``"dense"`` is the brute-force
        reference (full space; with ChainParameters it builds the QuTiP model); ``"symmetric"``
        with ChainParameters runs the user-model route on the preset's QuTiP model.
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
    if sectors not in ("auto", "momentum", "magnetisation", "dense", "symmetric"):
        raise ValueError(
            f"sectors must be 'auto', 'symmetric', 'momentum', 'magnetisation' or 'dense', got {sectors!r}"
        )
    if isinstance(params_or_system, OpenSystem):
        if sectors == "dense":
            return _diagonalize_dense(params_or_system)
        if sectors not in ("auto", "symmetric"):
            raise ValueError(
                "a general OpenSystem is diagonalised by the symmetry-resolved route (sectors='auto' or "
                f"'symmetric') or the dense reference (sectors='dense'), got sectors={sectors!r}"
            )
        system = params_or_system
        st = _structure(system, system.translation)
        need = estimate_generic_memory(st)
        budget = DEFAULT_MEMORY_BUDGET if memory_budget is None else int(memory_budget)
        if need > budget:
            raise ValueError(
                f"exact diagonalisation of this {system.dimension}-dimensional model (largest symmetry "
                f"sector {max(S.size for S in st.sectors)} states) needs about {need / 2**30:.1f} GiB, more "
                f"than the memory budget of {budget / 2**30:.1f} GiB (use a smaller N; from Python, "
                "diagonalize(..., memory_budget=BYTES) raises the budget)"
            )
        return _diagonalize_generic(system, st, progress=progress)
    if sectors == "symmetric":
        return diagonalize(model_from_parameters(params_or_system), memory_budget=memory_budget, progress=progress)
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
