"""Symmetry reduction of the paper's Lindbladian: strong Z2 sectors and weak symmetries in operator space.

Strong symmetry
---------------
X = Π_j σˣ_j commutes with H0 and with every jump operator, so the Liouvillian maps the operators
supported on one X-eigenspace, ρ = P_s ρ P_s with P_s = (1 + sX)/2, onto themselves: each
*X sector* s = ±1 is a proper Lindbladian on the 2^(N−1)-dimensional Hilbert space P_s H.
:func:`x_sector` builds it.  Its basis states are

.. math:: |\\tilde a\\rangle = (|a\\rangle + s\\,|Xa\\rangle)/\\sqrt2, \\qquad 0 \\le a < 2^{N-1},

i.e. the computational states with site 0 up (bit N−1 of the index = 0, QuTiP ordering) and
their spin-flipped partners.  The block index *is* the integer label of the canonical state.

Weak symmetries
---------------
Translation T (periodic chains), reflection R (site j → N−1−j) and, for even N, the spin flip
Z = Π_j σᶻ_j (σˣ_j → −σˣ_j and L⁽²⁾_j → −L⁽²⁾_j, signs that drop out of the dissipator) act on
operators as ρ ↦ UρU†.  They commute with the sector Liouvillian.  The steady state of a sector is
unique, hence invariant: it lies in the *fully symmetric operator subspace*.  On the block basis
these unitaries are signed permutations: T|ã⟩ = ±|T̃a⟩ (sign s when the translated state has
site 0 down and must be flipped back), and Z|ã⟩ = (−1)^{#down(a)} |ã⟩ (a phase only for even N;
for odd N Z maps sector s onto −s and is not used).  An orthonormal basis of the symmetric
subspace is given by the normalised orbit sums of the matrix units |ã⟩⟨b̃|; orbits on which a
stabiliser acts with sign −1 vanish.  :class:`SymmetricOperatorBasis` builds it with vectorised
bit operations.

Conventions: site j is the j-th tensor factor; basis index bit (N−1−j) = 1 means site j is down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import qutip
import scipy.sparse as sp

from lindhydro.quantum.model import OpenSystem, spin_flip_operator

__all__ = [
    "XSector",
    "x_sector",
    "SymmetricOperatorBasis",
    "symmetric_basis",
    "translate_states",
    "reflect_states",
    "estimate_symmetric_dimension",
]


# ----------------------------------------------------------------------------------------------
# Strong Z2 sector
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class XSector:
    """One strong-symmetry sector X = s of an open system, as sparse matrices on 2^(N−1) states.

    Attributes
    ----------
    n_sites : int
        Number of sites N.
    parity : int
        X eigenvalue s = ±1.
    hamiltonian : scipy.sparse.csr_matrix
        P_s H0 P_s in the block basis |ã⟩ (units of J).
    jumps : tuple of (float, scipy.sparse.csc_matrix)
        (rate r_k, L_k restricted to the block) for every jump operator with a nonzero rate.
    magnetisation : numpy.ndarray
        Q1 = Σσᶻ of the canonical state a (the flipped partner carries −Q1; Q1² and |Q1| are
        diagonal in the block basis, Q1 itself is not).
    projector : scipy.sparse.csr_matrix
        The 2^N × 2^(N−1) isometry V with columns |ã⟩ (ρ_full = V ρ_block V†).
    boundary : str
        ``"periodic"`` or ``"open"`` (from the model parameters, if any).
    """

    n_sites: int
    parity: int
    hamiltonian: sp.csr_matrix
    jumps: tuple[tuple[float, sp.csc_matrix], ...]
    magnetisation: np.ndarray
    projector: sp.csr_matrix
    boundary: str

    @property
    def dim(self) -> int:
        """Block dimension 2^(N−1)."""
        return int(self.hamiltonian.shape[0])

    def jump_qobjs(self, eps: float) -> list[qutip.Qobj]:
        """Collapse operators √(ε r_k) L_k of the block as QuTiP objects (for mesolve/steadystate)."""
        return [qutip.Qobj(math.sqrt(eps * r) * L.tocsr()) for r, L in self.jumps if r > 0]

    def hamiltonian_qobj(self) -> qutip.Qobj:
        """The block Hamiltonian as a QuTiP object."""
        return qutip.Qobj(self.hamiltonian)

    def embed(self, rho_block: np.ndarray) -> np.ndarray:
        """Full-space density matrix V ρ V† (dense; only sensible for small N)."""
        V = self.projector
        return np.asarray(V @ (V @ np.asarray(rho_block)).conj().T).conj().T


def _block_isometry(n_sites: int, parity: int) -> sp.csr_matrix:
    dim = 2**n_sites
    half = dim // 2
    mask = dim - 1
    a = np.arange(half)
    rows = np.concatenate([a, a ^ mask])
    cols = np.concatenate([a, a])
    vals = np.concatenate([np.full(half, 1 / math.sqrt(2)), np.full(half, parity / math.sqrt(2))])
    return sp.csr_matrix((vals, (rows, cols)), shape=(dim, half))


def _magnetisation_of_states(states: np.ndarray, n_sites: int) -> np.ndarray:
    down = np.zeros(states.shape, dtype=np.int64)
    for j in range(n_sites):
        down += (states >> j) & 1
    return n_sites - 2 * down


def x_sector(system: OpenSystem, parity: int, *, atol: float = 1e-10) -> XSector:
    """Restrict an open spin-chain system to the sector X = ``parity`` of its strong Z2 symmetry.

    Parameters
    ----------
    system : OpenSystem
        A chain of spins 1/2 (dims [2]*N) whose Hamiltonian and jump operators commute with
        X = Πσˣ (checked).
    parity : {+1, -1}
        Eigenvalue s of X.
    atol : float
        Tolerance of the commutation check (largest matrix element of [X, A]).

    Returns
    -------
    XSector

    Raises
    ------
    ValueError
        If ``parity`` is not ±1, the system is not a spin-1/2 chain, or X is not a strong symmetry.
    """
    if parity not in (1, -1):
        raise ValueError(f"parity (the X = Πσˣ eigenvalue) must be +1 or -1, got {parity!r}")
    dims = system.hamiltonian.dims[0]
    if any(d != 2 for d in dims):
        raise ValueError(f"x_sector needs a chain of spins 1/2 (dims [2]*N), got dims {dims}")
    n = len(dims)
    X = spin_flip_operator(n).data.as_scipy().tocsr()
    V = _block_isometry(n, parity)
    H = system.hamiltonian.data.as_scipy().tocsr()

    def _check(A: sp.spmatrix, what: str) -> None:
        C = (X @ A - A @ X).tocoo()
        if C.nnz and np.max(np.abs(C.data)) > atol * max(1.0, abs(A).max()):
            raise ValueError(
                f"{what} does not commute with X = Πσˣ: the strong Z2 sector reduction does not apply"
            )

    _check(H, "the Hamiltonian")
    Vh = V.T.conj().tocsr()
    Hs = (Vh @ H @ V).tocsr()
    Hs.eliminate_zeros()
    jumps = []
    for g in system.jump_groups:
        if g.rate == 0:
            continue
        for L in g.operators:
            Lm = L.data.as_scipy().tocsr()
            _check(Lm, f"a jump operator of group {g.name!r}")
            Ls = (Vh @ Lm @ V).tocsc()
            Ls.eliminate_zeros()
            jumps.append((float(g.rate), Ls))
    boundary = system.parameters.boundary if system.parameters is not None else "periodic"
    return XSector(
        n_sites=n,
        parity=parity,
        hamiltonian=Hs,
        jumps=tuple(jumps),
        magnetisation=_magnetisation_of_states(np.arange(2 ** (n - 1)), n),
        projector=V,
        boundary=boundary,
    )


# ----------------------------------------------------------------------------------------------
# Weak symmetries as signed permutations of the block basis
# ----------------------------------------------------------------------------------------------


def translate_states(states: np.ndarray, n_sites: int, shift: int = 1) -> np.ndarray:
    """Full-space state labels after moving site j to site j + ``shift`` (periodic).

    Parameters
    ----------
    states : numpy.ndarray of int
        Computational-basis labels (bit N−1−j = 1: site j down).
    n_sites : int
        Chain length N.
    shift : int
        Number of sites.

    Returns
    -------
    numpy.ndarray
    """
    s = shift % n_sites
    if s == 0:
        return states.copy()
    mask = (1 << n_sites) - 1
    # site j ↔ bit (N-1-j): moving sites right moves bits right
    return ((states >> s) | (states << (n_sites - s))) & mask


def reflect_states(states: np.ndarray, n_sites: int) -> np.ndarray:
    """Full-space state labels after the reflection site j → N−1−j (bit reversal).

    Parameters
    ----------
    states : numpy.ndarray of int
        Computational-basis labels (bit N−1−j = 1: site j down).
    n_sites : int
        Chain length N.

    Returns
    -------
    numpy.ndarray
    """
    out = np.zeros_like(states)
    for j in range(n_sites):
        out |= ((states >> j) & 1) << (n_sites - 1 - j)
    return out


def _canonical_in_block(states: np.ndarray, n_sites: int, parity: int):
    """Map full-space labels to (block index, sign): |x⟩ + s|Xx⟩ ∝ sign·|ã⟩."""
    mask = (1 << n_sites) - 1
    flip = ((states >> (n_sites - 1)) & 1).astype(bool)
    idx = np.where(flip, states ^ mask, states)
    sign = np.where(flip, parity, 1).astype(np.int8)
    return idx, sign


def _group_state_maps(n_sites: int, parity: int, translation: bool, reflection: bool):
    """Signed permutations (index array, sign array) of the block basis, one per group element."""
    a = np.arange(2 ** (n_sites - 1), dtype=np.int64)
    shifts = range(n_sites) if translation else [0]
    maps = []
    for r in ([False, True] if reflection else [False]):
        base = reflect_states(a, n_sites) if r else a
        for t in shifts:
            img = translate_states(base, n_sites, t)
            idx, sign = _canonical_in_block(img, n_sites, parity)
            maps.append((idx, sign))
    return maps


def estimate_symmetric_dimension(n_sites: int, *, translation: bool = True, reflection: bool = True) -> int:
    """Rough number of symmetric orbit operators of one X sector (for memory estimates).

    Parameters
    ----------
    n_sites : int
        Chain length N.
    translation, reflection : bool
        Which weak symmetries are used.

    Returns
    -------
    int
    """
    pairs = 4 ** (n_sites - 1)
    if n_sites % 2 == 0:
        pairs //= 2
    order = (n_sites if translation else 1) * (2 if reflection else 1)
    return max(1, pairs // order)


@dataclass(frozen=True)
class SymmetricOperatorBasis:
    """Orthonormal basis of the operators of one X sector invariant under the weak symmetries.

    Basis vector o is e_o = |O_o|^{-1/2} Σ_{u ∈ O_o} φ_u u, an orbit of matrix units u = |ã⟩⟨b̃|
    under the signed permutations of the group (translations, reflection, and Z for even N),
    with the representative r_o (smallest key a·2^(N−1) + b) carrying φ = +1.

    Attributes
    ----------
    n_sites, parity : int
    rep_a, rep_b : numpy.ndarray
        Block indices of the representatives.
    keys : numpy.ndarray
        Sorted representative keys a·2^(N−1) + b.
    orbit_size : numpy.ndarray
        |O_o| (number of matrix units in the orbit).
    translation, reflection, z_parity : bool
        Which weak symmetries were used.
    _maps : tuple
        Internal: the signed permutations (index, sign) of the block basis, one per group element.
    """

    n_sites: int
    parity: int
    rep_a: np.ndarray
    rep_b: np.ndarray
    keys: np.ndarray
    orbit_size: np.ndarray
    translation: bool
    reflection: bool
    z_parity: bool
    _maps: tuple = ()

    @property
    def size(self) -> int:
        """Number of symmetric basis operators."""
        return int(self.keys.size)

    @property
    def group_order(self) -> int:
        """Number of state permutations used (translations × reflection)."""
        return len(self._maps)

    def canonicalize(self, a: np.ndarray, b: np.ndarray):
        """Orbit index and sign of matrix units |ã⟩⟨b̃| (vectorised).

        Returns
        -------
        index : numpy.ndarray of int64
            Orbit index o, or −1 where the orbit vanishes (a stabiliser with sign −1, or odd
            Z charge) or is not in the basis.
        sign : numpy.ndarray of int8
            φ_u with P u = φ_u P r_o (P the symmetrising projector).
        """
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        shift = self.n_sites - 1
        best = np.full(a.shape, np.iinfo(np.int64).max, dtype=np.int64)
        sign = np.ones(a.shape, dtype=np.int8)
        conflict = np.zeros(a.shape, dtype=bool)
        for idx, sg in self._maps:
            key = (idx[a] << shift) | idx[b]
            s = sg[a] * sg[b]
            lower = key < best
            equal = key == best
            conflict &= ~lower
            conflict |= equal & (s != sign)
            best = np.where(lower, key, best)
            sign = np.where(lower, s, sign)
        if self.z_parity:
            conflict |= (_popcount(a) + _popcount(b)) % 2 == 1
        pos = np.searchsorted(self.keys, best)
        pos = np.minimum(pos, self.keys.size - 1)
        found = (self.keys[pos] == best) & ~conflict
        return np.where(found, pos, -1), sign

    def trace_vector(self) -> np.ndarray:
        """t_o = Tr(e_o) in the block (the sector trace)."""
        t = np.zeros(self.size)
        diag = self.rep_a == self.rep_b
        # diagonal orbits contain only diagonal units, all with sign +1 (T, R, Z keep |a><a| positive)
        t[diag] = np.sqrt(self.orbit_size[diag])
        return t

    def to_block_matrix(self, x: np.ndarray) -> np.ndarray:
        """Dense block density matrix Σ_o x_o e_o (2^(N−1) squared entries; N ≤ 13)."""
        dim = 2 ** (self.n_sites - 1)
        if dim > 2**12:
            raise ValueError(f"a dense block matrix of dimension {dim} is too large; use expectation()")
        a = np.repeat(np.arange(dim), dim)
        b = np.tile(np.arange(dim), dim)
        o, s = self.canonicalize(a, b)
        vals = np.where(o >= 0, x[np.maximum(o, 0)] * s / np.sqrt(self.orbit_size[np.maximum(o, 0)]), 0)
        return vals.reshape(dim, dim)

    def expectation(self, x: np.ndarray, op: sp.spmatrix) -> complex:
        """Tr(A ρ) for a sparse block operator A and ρ = Σ_o x_o e_o, without building ρ."""
        A = sp.coo_matrix(op)
        # Tr(Aρ) = Σ_{ij} A_ij ρ_ji
        o, s = self.canonicalize(A.col, A.row)
        ok = o >= 0
        rho_ji = x[o[ok]] * s[ok] / np.sqrt(self.orbit_size[o[ok]])
        return complex(np.sum(A.data[ok] * rho_ji))

    def diagonal(self, x: np.ndarray) -> np.ndarray:
        """Diagonal ρ_ãã of the block density matrix (populations of the block basis states)."""
        a = np.arange(2 ** (self.n_sites - 1), dtype=np.int64)
        o, s = self.canonicalize(a, a)
        out = np.zeros(a.size, dtype=complex)
        ok = o >= 0
        out[ok] = x[o[ok]] * s[ok] / np.sqrt(self.orbit_size[o[ok]])
        return out


def _popcount(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.int64)
    c = np.zeros(x.shape, dtype=np.int64)
    while np.any(x):
        c += x & 1
        x = x >> 1
    return c


def _check_weak_symmetry(sector: XSector, maps) -> None:
    """Verify that every signed permutation commutes with H and permutes the dissipator."""
    dim = sector.dim
    H = sector.hamiltonian
    scale = max(1.0, abs(H).max())
    jumps = [L.tocsr() for _, L in sector.jumps]
    rates = [r for r, _ in sector.jumps]
    signatures = {}
    for k, L in enumerate(jumps):
        c = L.tocoo()
        key = (round(rates[k], 12), tuple(sorted(zip(c.row.tolist(), c.col.tolist(), np.round(np.abs(c.data), 10).tolist(), strict=True))))
        signatures[key] = True
    for idx, sign in maps[1:]:
        U = sp.csr_matrix((sign.astype(float), (idx, np.arange(dim))), shape=(dim, dim))
        D = (U @ H @ U.T - H).tocoo()
        if D.nnz and np.max(np.abs(D.data)) > 1e-10 * scale:
            raise ValueError("the Hamiltonian is not invariant under the requested weak symmetry")
        for k, L in enumerate(jumps):
            c = (U @ L @ U.T).tocoo()
            c.eliminate_zeros()
            key = (round(rates[k], 12), tuple(sorted(zip(c.row.tolist(), c.col.tolist(), np.round(np.abs(c.data), 10).tolist(), strict=True))))
            if key not in signatures:
                raise ValueError("the jump operators are not permuted by the requested weak symmetry")


def symmetric_basis(
    sector: XSector,
    *,
    translation: bool | None = None,
    reflection: bool = True,
    z_parity: bool | None = None,
    check: bool = True,
) -> SymmetricOperatorBasis:
    """Build the orthonormal basis of symmetric operators of one X sector.

    Parameters
    ----------
    sector : XSector
        The strong-symmetry sector.
    translation : bool, optional
        Use translations (default: True for periodic chains, False for open ones).
    reflection : bool
        Use the reflection j → N−1−j.
    z_parity : bool, optional
        Use Z = Πσᶻ (default: True for even N; impossible for odd N, where Z swaps the sectors).
    check : bool
        Verify numerically that the chosen symmetries commute with the sector Liouvillian (up to
        the sign of the jump operators); costs O(2N) sparse products.

    Returns
    -------
    SymmetricOperatorBasis

    Raises
    ------
    ValueError
        If a requested symmetry is not a symmetry of the model.
    """
    n = sector.n_sites
    if translation is None:
        translation = sector.boundary == "periodic"
    if z_parity is None:
        z_parity = n % 2 == 0
    if z_parity and n % 2 == 1:
        raise ValueError("Z = Πσᶻ maps X sector s onto (-1)^N s: it is a symmetry of one sector only for even N")
    maps = _group_state_maps(n, sector.parity, translation, reflection)
    if check:
        _check_weak_symmetry(sector, maps)
        if z_parity:
            zsign = np.where(_popcount(np.arange(sector.dim)) % 2 == 1, -1.0, 1.0)
            Z = sp.diags(zsign)
            D = (Z @ sector.hamiltonian @ Z - sector.hamiltonian).tocoo()
            if D.nnz and np.max(np.abs(D.data)) > 1e-10:
                raise ValueError("the Hamiltonian does not commute with Z = Πσᶻ")
            for _, L in sector.jumps:
                D = (Z @ L @ Z).tocsr()
                if abs(abs(D) - abs(L)).max() > 1e-12 or not (
                    abs(D - L).max() < 1e-12 or abs(D + L).max() < 1e-12
                ):
                    raise ValueError("a jump operator is neither even nor odd under Z = Πσᶻ")
    dim = sector.dim
    shift = n - 1
    # enumerate candidate pairs in chunks over a
    reps_keys = []
    reps_size = []
    order = len(maps)
    chunk = max(1, (1 << 22) // dim)
    b_all = np.arange(dim, dtype=np.int64)
    pop = _popcount(b_all)
    for a0 in range(0, dim, chunk):
        a = np.repeat(np.arange(a0, min(dim, a0 + chunk), dtype=np.int64), dim)
        b = np.tile(b_all, min(dim, a0 + chunk) - a0)
        if z_parity:
            keep = (pop[a] + pop[b]) % 2 == 0
            a, b = a[keep], b[keep]
        own = (a << shift) | b
        best = own.copy()
        conflict = np.zeros(a.shape, dtype=bool)
        stab = np.zeros(a.shape, dtype=np.int64)
        for idx, sg in maps:
            key = (idx[a] << shift) | idx[b]
            s = sg[a] * sg[b]
            stab += key == own
            conflict |= (key == own) & (s != 1)
            best = np.minimum(best, key)
        is_rep = (best == own) & ~conflict
        reps_keys.append(own[is_rep])
        reps_size.append(order // stab[is_rep])
    keys = np.concatenate(reps_keys)
    sizes = np.concatenate(reps_size)
    perm = np.argsort(keys)
    keys, sizes = keys[perm], sizes[perm]
    return SymmetricOperatorBasis(
        n_sites=n,
        parity=sector.parity,
        rep_a=keys >> shift,
        rep_b=keys & ((1 << shift) - 1),
        keys=keys,
        orbit_size=sizes.astype(np.int64),
        translation=bool(translation),
        reflection=bool(reflection),
        z_parity=bool(z_parity),
        _maps=tuple(maps),
    )
