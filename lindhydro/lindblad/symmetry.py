"""Symmetry reduction of a spin-chain Lindbladian: strong X = Πσˣ sectors, weak symmetries in operator space.

:func:`x_sector` restricts H0 and the jumps to one eigenspace X = s (basis states
|ã⟩ = (|a⟩ + s|Xa⟩)/√2 of :class:`~lindhydro.quantum.basis.SpinFlipSector`, block index = label a
with site 0 up).  :func:`symmetric_basis` spans the operators of that sector invariant under the
weak symmetries (translation, reflection j → N−1−j, Z = Πσᶻ for even N) by normalised orbit sums
of matrix units |ã⟩⟨b̃|.  The construction is in ``docs/physics.md`` (the strong Z2 symmetry).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import qutip
import scipy.sparse as sp

from lindhydro.quantum.basis import ChainBasis, SignedPermutation, SpinFlipSector
from lindhydro.quantum.model import ChainParameters, OpenSystem, spin_flip_operator

__all__ = [
    "XSector",
    "x_sector",
    "SymmetricOperatorBasis",
    "symmetric_basis",
    "chain_size",
    "jump_signature",
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

    @property
    def block_basis(self) -> SpinFlipSector:
        """The block states |ã⟩ and the lattice symmetries acting on them."""
        return ChainBasis(self.n_sites, boundary=self.boundary).spin_flip_sector(self.parity)

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


def chain_size(system_or_params: OpenSystem | ChainParameters) -> tuple[int, str]:
    """Number of sites and boundary of a chain model, before any operator is built.

    Parameters
    ----------
    system_or_params : OpenSystem or ChainParameters
        The model (an OpenSystem counts one site per tensor factor; its boundary is that of its
        parameters, periodic if it has none).

    Returns
    -------
    (int, str)
        N and ``"periodic"`` or ``"open"``.

    Raises
    ------
    ValueError
        For any other type.
    """
    if isinstance(system_or_params, ChainParameters):
        return int(system_or_params.n_sites), system_or_params.boundary
    if isinstance(system_or_params, OpenSystem):
        params = system_or_params.parameters
        return len(system_or_params.hamiltonian.dims[0]), params.boundary if params is not None else "periodic"
    raise ValueError(f"expected an OpenSystem or ChainParameters, got {type(system_or_params).__name__}")


def _commutes_with(X: sp.spmatrix, A: sp.spmatrix, atol: float) -> bool:
    C = (X @ A - A @ X).tocoo()
    return not (C.nnz and np.max(np.abs(C.data)) > atol * max(1.0, abs(A).max()))


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
    n, boundary = chain_size(system)
    block = ChainBasis(n, boundary=boundary).spin_flip_sector(parity)
    X = spin_flip_operator(n).data.as_scipy().tocsr()
    V = block.isometry()
    Vh = V.T.conj().tocsr()

    def restrict(A: sp.spmatrix, what: str, fmt: str) -> sp.spmatrix:
        if not _commutes_with(X, A, atol):
            raise ValueError(
                f"{what} does not commute with X = Πσˣ: the strong Z2 sector reduction does not apply"
            )
        out = (Vh @ A @ V).asformat(fmt)
        out.eliminate_zeros()
        return out

    Hs = restrict(system.hamiltonian.data.as_scipy().tocsr(), "the Hamiltonian", "csr")
    jumps = tuple(
        (float(g.rate), restrict(L.data.as_scipy().tocsr(), f"a jump operator of group {g.name!r}", "csc"))
        for g in system.jump_groups if g.rate != 0 for L in g.operators
    )
    return XSector(
        n_sites=n,
        parity=parity,
        hamiltonian=Hs,
        jumps=jumps,
        magnetisation=block.magnetisation(),
        projector=V,
        boundary=boundary,
    )


def jump_signature(L: sp.spmatrix, rate: float, *, up_to_signs: bool = False) -> tuple:
    """A hashable fingerprint of a jump operator and its rate (entries rounded to 1e-10).

    Two jump operators with equal fingerprints give the same dissipator term.  With
    ``up_to_signs`` the entries enter by modulus (a symmetry may flip the sign of a jump, which
    drops out of L ρ L† − ½{L†L, ρ}).

    Parameters
    ----------
    L : scipy.sparse matrix
        The jump operator (explicit zeros removed).
    rate : float
        Its rate.
    up_to_signs : bool
        Compare moduli of the entries.

    Returns
    -------
    tuple
    """
    c = sp.coo_matrix(L)
    order = np.lexsort((c.col, c.row))
    data = np.abs(c.data[order]) if up_to_signs else c.data[order]
    return (round(rate, 12), c.row[order].tobytes(), c.col[order].tobytes(), np.round(data, 10).tobytes())


# ----------------------------------------------------------------------------------------------
# Weak symmetries as signed permutations of the block basis
# ----------------------------------------------------------------------------------------------


#: old names (0.1) -> the ChainBasis method that replaced them; removed in 0.3
_MOVED_TO_BASIS = {"translate_states": "translate", "reflect_states": "reflect"}


def __getattr__(name: str):
    """``translate_states(states, n_sites, ...)`` and ``reflect_states`` import with a DeprecationWarning."""
    if name not in _MOVED_TO_BASIS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    method = _MOVED_TO_BASIS[name]
    warnings.warn(
        f"lindhydro.lindblad.symmetry.{name} moved to lindhydro.quantum.basis.ChainBasis(n_sites).{method} "
        "in 0.2; the old name will be removed in 0.3",
        DeprecationWarning,
        stacklevel=2,
    )

    def moved(states: np.ndarray, n_sites: int, *args) -> np.ndarray:
        return getattr(ChainBasis(n_sites), method)(states, *args)

    moved.__name__ = name
    return moved


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
        Chain length N and X eigenvalue s.
    rep_a, rep_b : numpy.ndarray
        Block indices of the representatives.
    keys : numpy.ndarray
        Sorted representative keys a·2^(N−1) + b.
    orbit_size : numpy.ndarray
        |O_o| (number of matrix units in the orbit).
    translation, reflection, z_parity : bool
        Which weak symmetries were used.
    symmetry_maps : tuple of SignedPermutation
        The lattice-symmetry group acting on the block states, one element each (identity first).
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
    symmetry_maps: tuple[SignedPermutation, ...] = ()

    @property
    def size(self) -> int:
        """Number of symmetric basis operators."""
        return int(self.keys.size)

    @property
    def group_order(self) -> int:
        """Number of state permutations used (translations × reflection)."""
        return len(self.symmetry_maps)

    def canonicalize(self, a: np.ndarray, b: np.ndarray):
        """Orbit index and sign of matrix units |ã⟩⟨b̃| (vectorised over block indices ``a``, ``b``).

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
        for idx, sg in self.symmetry_maps:
            key = (idx[a] << shift) | idx[b]
            s = sg[a] * sg[b]
            lower = key < best
            equal = key == best
            conflict &= ~lower
            conflict |= equal & (s != sign)
            best = np.where(lower, key, best)
            sign = np.where(lower, s, sign)
        if self.z_parity:
            chain = ChainBasis(self.n_sites)
            conflict |= (chain.n_down(a) + chain.n_down(b)) % 2 == 1
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

    def _entries(self, a: np.ndarray, b: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ρ_ab of ρ = Σ_o x_o e_o for the matrix units (a, b) that lie in the basis: (mask, values)."""
        o, s = self.canonicalize(a, b)
        ok = o >= 0
        return ok, x[o[ok]] * s[ok] / np.sqrt(self.orbit_size[o[ok]])

    def to_block_matrix(self, x: np.ndarray) -> np.ndarray:
        """Dense block density matrix Σ_o x_o e_o (2^(N−1) squared entries; N ≤ 13)."""
        dim = 2 ** (self.n_sites - 1)
        if dim > 2**12:
            raise ValueError(f"a dense block matrix of dimension {dim} is too large; use expectation()")
        a = np.repeat(np.arange(dim), dim)
        b = np.tile(np.arange(dim), dim)
        ok, vals = self._entries(a, b, x)
        out = np.zeros(a.size, dtype=vals.dtype)
        out[ok] = vals
        return out.reshape(dim, dim)

    def expectation(self, x: np.ndarray, op: sp.spmatrix) -> complex:
        """Tr(A ρ) for a sparse block operator A and ρ = Σ_o x_o e_o, without building ρ."""
        A = sp.coo_matrix(op)
        # Tr(Aρ) = Σ_{ij} A_ij ρ_ji
        ok, rho_ji = self._entries(A.col, A.row, x)
        return complex(np.sum(A.data[ok] * rho_ji))

    def diagonal(self, x: np.ndarray) -> np.ndarray:
        """Diagonal ρ_ãã of the block density matrix (populations of the block basis states)."""
        a = np.arange(2 ** (self.n_sites - 1), dtype=np.int64)
        ok, vals = self._entries(a, a, x)
        out = np.zeros(a.size, dtype=complex)
        out[ok] = vals
        return out


def _check_weak_symmetry(sector: XSector, maps: tuple[SignedPermutation, ...]) -> None:
    """Verify that every signed permutation commutes with H and permutes the dissipator."""
    H = sector.hamiltonian
    scale = max(1.0, abs(H).max())
    jumps = [(r, L.tocsr()) for r, L in sector.jumps]
    signatures = {jump_signature(L, r, up_to_signs=True) for r, L in jumps}
    for U in (m.matrix() for m in maps[1:]):
        D = (U @ H @ U.T - H).tocoo()
        if D.nnz and np.max(np.abs(D.data)) > 1e-10 * scale:
            raise ValueError("the Hamiltonian is not invariant under the requested weak symmetry")
        for r, L in jumps:
            image = (U @ L @ U.T).tocoo()
            image.eliminate_zeros()
            if jump_signature(image, r, up_to_signs=True) not in signatures:
                raise ValueError("the jump operators are not permuted by the requested weak symmetry")


def _check_z_parity(sector: XSector) -> None:
    """Verify that Z = Πσᶻ (diagonal sign (−1)^n_down on the block) commutes with H and maps every jump to ±itself."""
    Z = sp.diags(np.where(sector.block_basis.n_down() % 2 == 1, -1.0, 1.0))
    D = (Z @ sector.hamiltonian @ Z - sector.hamiltonian).tocoo()
    if D.nnz and np.max(np.abs(D.data)) > 1e-10:
        raise ValueError("the Hamiltonian does not commute with Z = Πσᶻ")
    for _, L in sector.jumps:
        D = (Z @ L @ Z).tocsr()
        if abs(abs(D) - abs(L)).max() > 1e-12 or not (abs(D - L).max() < 1e-12 or abs(D + L).max() < 1e-12):
            raise ValueError("a jump operator is neither even nor odd under Z = Πσᶻ")


def _orbit_representatives(
    block: SpinFlipSector, maps: tuple[SignedPermutation, ...], z_parity: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys a·2^(N−1) + b of the orbit representatives of matrix units, and orbit sizes.

    A unit is a representative when no group element maps it to a smaller key and no element
    that fixes it carries the sign −1 (such orbits sum to zero); candidates are enumerated in
    chunks of rows a.
    """
    dim = block.dim
    shift = block.chain.n_sites - 1
    keys, sizes = [], []
    order = len(maps)
    chunk = max(1, (1 << 22) // dim)
    b_all = np.arange(dim, dtype=np.int64)
    pop = block.n_down()
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
        keys.append(own[is_rep])
        sizes.append(order // stab[is_rep])
    keys = np.concatenate(keys)
    sizes = np.concatenate(sizes)
    perm = np.argsort(keys)
    return keys[perm], sizes[perm].astype(np.int64)


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
    block = sector.block_basis
    maps = block.symmetry_maps(translation=translation, reflection=reflection)
    if check:
        _check_weak_symmetry(sector, maps)
        if z_parity:
            _check_z_parity(sector)
    keys, sizes = _orbit_representatives(block, maps, z_parity)
    shift = n - 1
    return SymmetricOperatorBasis(
        n_sites=n,
        parity=sector.parity,
        rep_a=keys >> shift,
        rep_b=keys & ((1 << shift) - 1),
        keys=keys,
        orbit_size=sizes,
        translation=bool(translation),
        reflection=bool(reflection),
        z_parity=bool(z_parity),
        symmetry_maps=maps,
    )
