"""Symmetry reduction of a chain Lindbladian: strong-symmetry sectors, weak symmetries in operator space.

:func:`strong_sectors` splits any :class:`~lindhydro.quantum.model.OpenSystem` into the sectors of its
strong symmetries (found in the operators by :mod:`lindhydro.quantum.symmetries` or declared on the
system): blocks of diagonal U(1)/Z_p labels, each split by an involution P of product states that
commutes with H0 and every jump (the site-wise inversion; X = Πσˣ for spins 1/2).  Block states are
those of :class:`~lindhydro.quantum.basis.SymmetrySector`; :func:`x_sector` is the paper's case.
:func:`symmetric_basis` spans the operators of one sector invariant under the weak symmetries
(translation, reflection j → N−1−j, diagonal weak labels such as Z = Πσᶻ) by normalised orbit sums
of matrix units |ã⟩⟨b̃|.  The construction is in ``docs/physics.md`` (the strong Z2 symmetry).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import qutip
import scipy.sparse as sp

from lindhydro.quantum.basis import ChainBasis, SignedPermutation, SymmetrySector
from lindhydro.quantum.model import ChainParameters, OpenSystem, spin_flip_operator
from lindhydro.quantum.symmetries import (
    SYMMETRY_TOL,
    DiagonalSymmetry,
    SystemMatrices,
    as_csr,
    diagonal_quantities,
    diagonal_symmetries,
    is_symmetry,
    lattice_symmetries,
    operator_key,
    sector_index,
    system_matrices,
)

__all__ = [
    "StrongSector",
    "XSector",
    "SectorDecomposition",
    "strong_sectors",
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
class StrongSector:
    """One sector of the strong symmetries of an open system, as sparse matrices on its block states.

    Attributes
    ----------
    n_sites : int
        Number of sites N.
    parity : int or None
        Eigenvalue of the involution P (X = Πσˣ for the paper's chain), None if the sector is not
        split by one.
    hamiltonian : scipy.sparse.csr_matrix
        V† H0 V in the block basis (units of J).
    jumps : tuple of (float, scipy.sparse.csc_matrix)
        (rate r_k, V† L_k V) for every jump operator with a nonzero rate and a nonzero block.
    magnetisation : numpy.ndarray
        Σ_j (d − 1 − 2k_j) of every canonical block state (spins 1/2: Q1 = Σσᶻ; with the inversion
        the partner carries −Q1, so Q1² and |Q1| are diagonal in the block basis, Q1 is not).
    projector : scipy.sparse.csr_matrix
        The d^N × dim isometry V with columns |ã⟩ (ρ_full = V ρ_block V†).
    boundary : str
        ``"periodic"`` or ``"open"``.
    labels : dict
        Quantum numbers of the strong symmetries (e.g. ``{"X": 1}``, ``{"U(1) of magnetisation": 3}``).
    block : SymmetrySector or None
        The block states (the spin-flip sector of the chain if None).
    weight : float
        dim(sector)/d^N: its weight in the state reached from infinite temperature.
    """

    n_sites: int
    parity: int | None
    hamiltonian: sp.csr_matrix
    jumps: tuple[tuple[float, sp.csc_matrix], ...]
    magnetisation: np.ndarray
    projector: sp.csr_matrix
    boundary: str
    labels: dict = field(default_factory=dict)
    block: SymmetrySector | None = None
    weight: float = float("nan")

    @property
    def dim(self) -> int:
        """Block dimension."""
        return int(self.hamiltonian.shape[0])

    @property
    def block_basis(self) -> SymmetrySector:
        """The block states |ã⟩ and the lattice symmetries acting on them."""
        if self.block is not None:
            return self.block
        return ChainBasis(self.n_sites, boundary=self.boundary).spin_flip_sector(self.parity)

    def restrict(self, A) -> sp.csr_matrix:
        """V† A V: a full-space operator (Qobj or sparse) on the block."""
        V = self.projector
        out = (V.T.conj() @ as_csr(A) @ V).tocsr()
        out.eliminate_zeros()
        return out

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


#: The paper's name for a strong-symmetry sector (X = Πσˣ = ±1); the same class.
XSector = StrongSector


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
        labels={"X": parity},
        block=block,
        weight=0.5,
    )


@dataclass(frozen=True)
class SectorDecomposition:
    """The strong-symmetry sectors of an open system and the weak symmetries usable inside them.

    Attributes
    ----------
    sectors : tuple of StrongSector
        Every sector (their weights sum to 1).
    strong : tuple of str
        The strong symmetries used (e.g. ``"X"``, ``"U(1) of magnetisation"``); empty: the steady
        state is expected to be unique.
    translation, reflection : bool
        Lattice symmetries of the whole Lindbladian (weak symmetries of every sector).
    weak : tuple of DiagonalSymmetry
        Diagonal weak symmetries (U(1) or Z_p), used in a sector where they are well defined.
    """

    sectors: tuple[StrongSector, ...]
    strong: tuple[str, ...]
    translation: bool
    reflection: bool
    weak: tuple[DiagonalSymmetry, ...]

    def weak_labels(self, sector: StrongSector) -> tuple[np.ndarray, tuple[int, ...]]:
        """Labels (dim × r) and periods of the weak diagonal symmetries well defined in ``sector``.

        A label must be the same on both product states of an involution pair and invariant under
        the lattice symmetries used.
        """
        block = sector.block_basis
        cols, periods = [], []
        for sym in self.weak:
            lab = sym.labels(block.states)
            if np.array_equal(lab, sym.labels(block.image(block.states))):
                cols.append(lab)
                periods.append(sym.period)
        return np.stack(cols, axis=1) if cols else np.zeros((block.dim, 0), np.int64), tuple(periods)


def _involution(mats: SystemMatrices, declared) -> tuple[np.ndarray | None, str, list[DiagonalSymmetry]]:
    """The strong involution (label permutation) and the declared diagonal strong symmetries."""
    every = np.arange(mats.chain.dim, dtype=np.int64)
    ops = [mats.hamiltonian, *(L for _, _, L in mats.jumps)]
    if declared is None:
        if mats.chain.n_sites < 2:
            return None, "", []
        perm = mats.chain.invert(every)
        name = "X" if mats.chain.local_dim == 2 else "inversion"
        return (perm, name, []) if all(is_symmetry(A, perm, mats.scale) for A in ops) else (None, "", [])
    perm, name, diagonal = None, "", []
    for i, U in enumerate(declared):
        M = as_csr(U)
        off = M - sp.diags(M.diagonal())
        for A in ops:
            if _max_abs(M @ A - A @ M) > SYMMETRY_TOL * max(mats.scale, _max_abs(A)) * max(1.0, _max_abs(M)):
                raise ValueError(f"declared strong symmetry {i} does not commute with H0 and every jump operator")
        if _max_abs(off) <= SYMMETRY_TOL * max(1.0, _max_abs(M)):
            classes = np.unique(np.round(M.diagonal(), 9), return_inverse=True)[1].reshape(-1)
            diagonal.append(DiagonalSymmetry(f"declared symmetry {i}", classes.astype(float), 1.0, 0))
            continue
        c = sp.coo_matrix(M)
        p = np.full(mats.chain.dim, -1, dtype=np.int64)
        p[c.col] = c.row
        if perm is not None or c.nnz != mats.chain.dim or np.any(p < 0) or not np.allclose(c.data, 1) \
                or not np.array_equal(p[p], every):
            raise ValueError(
                f"declared strong symmetry {i} must be diagonal in the product basis or a permutation of product "
                "states that is its own inverse (X = Πσˣ is one); at most one permutation"
            )
        perm, name = p, f"declared symmetry {i}"
    return perm, name, diagonal


def _max_abs(A) -> float:
    A = sp.csr_matrix(A)
    return float(np.abs(A.data).max()) if A.nnz else 0.0


def _lattice_usable(mats: SystemMatrices, perm_inv, diag, translation, reflection) -> tuple[bool, bool]:
    """Lattice symmetries of the Lindbladian that also preserve the strong sectors (and commute with P)."""
    t, r = lattice_symmetries(mats, translation=translation, reflection=reflection, bath=True)
    every = np.arange(mats.chain.dim, dtype=np.int64)
    out = []
    for use, wanted, perm in ((t, translation, mats.chain.translate(every, 1)), (r, reflection, mats.chain.reflect(every))):
        ok = use and all(np.array_equal(d.labels(every), d.labels(perm)) for d in diag)
        ok = ok and (perm_inv is None or np.array_equal(perm_inv[perm], perm[perm_inv]))
        if wanted and use and not ok:
            raise ValueError("a declared lattice symmetry does not map the strong-symmetry sectors onto themselves")
        out.append(bool(ok))
    return out[0], out[1]


def strong_sectors(
    system: OpenSystem,
    *,
    strong=None,
    translation: bool | None = None,
    reflection: bool | None = None,
) -> SectorDecomposition:
    """Split an open system into the sectors of its strong symmetries.

    Parameters
    ----------
    system : OpenSystem
        The model (a chain: tensor factors of equal dimension are the sites).
    strong : sequence of Qobj, (), or None
        Declared strong symmetries (default: those of ``system.strong_symmetries``; None there too
        detects them: diagonal quantities that are strong U(1)/Z_p symmetries and the site-wise
        inversion k → d − 1 − k); ``()`` uses none.
    translation, reflection : bool or None
        Lattice symmetries to use as weak symmetries (default: the system's declarations; None
        detects them).

    Returns
    -------
    SectorDecomposition

    Raises
    ------
    ValueError
        A declared symmetry that does not hold or is not of a supported kind.
    """
    mats = system_matrices(system)
    declared = system.strong_symmetries if strong is None else tuple(strong)
    translation = system.translation if translation is None else translation
    reflection = system.reflection if reflection is None else reflection
    quantities = diagonal_quantities(mats, list(system.charge_names))
    perm, inv_name, diag = _involution(mats, declared)
    if declared is None:
        diag = diagonal_symmetries(mats, quantities)
    strong_u1 = {d.name for d in diag if d.period == 0}
    weak = tuple(w for w in diagonal_symmetries(mats, quantities, weak=True) if w.name not in strong_u1)
    use_t, use_r = _lattice_usable(mats, perm, list(diag) + list(weak), translation, reflection)
    every = np.arange(mats.chain.dim, dtype=np.int64)
    index, labels = sector_index(diag, every)
    sectors = []
    for g, lab in enumerate(labels):
        members = every[index == g]
        info = {d.describe(): _label_value(d, members[0], lab[j]) for j, d in enumerate(diag)}
        own = perm is not None and np.array_equal(index[perm[members]], index[members])
        for parity in ((1, -1) if own else (None,)):
            block = SymmetrySector(mats.chain, parity, members, None if perm is None or declared is None else perm)
            if block.dim:
                sectors.append(_restricted_sector(mats, block, {**info, **({inv_name: parity} if own else {})}))
    names = tuple(d.describe() for d in diag) + ((inv_name,) if perm is not None else ())
    return SectorDecomposition(tuple(sectors), names, use_t, use_r, weak)


def _label_value(sym: DiagonalSymmetry, state: int, label: int):
    """A readable sector label: the value of a U(1) quantity, the residue of a Z_p one."""
    return float(sym.values[state]) if sym.period == 0 else int(label)


def _restricted_sector(mats: SystemMatrices, block: SymmetrySector, labels: dict) -> StrongSector:
    V = block.isometry()
    Vh = V.T.conj().tocsr()

    def restrict(A, fmt):
        out = (Vh @ A @ V).asformat(fmt)
        out.eliminate_zeros()
        return out

    jumps = tuple((rate, L) for rate, L in ((r, restrict(A, "csc")) for _, r, A in mats.jumps) if L.nnz)
    return StrongSector(
        n_sites=mats.chain.n_sites, parity=block.parity, hamiltonian=restrict(mats.hamiltonian, "csr"),
        jumps=jumps, magnetisation=block.magnetisation(), projector=V, boundary="periodic",
        labels=labels, block=block, weight=block.dim / mats.chain.dim,
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
    """Orthonormal basis of the operators of one strong sector invariant under the weak symmetries.

    Basis vector o is e_o = |O_o|^{-1/2} Σ_{u ∈ O_o} φ_u u, an orbit of matrix units u = |ã⟩⟨b̃|
    under the signed permutations of the group (translations, reflection), restricted to units
    whose weak diagonal labels agree (Z = Πσᶻ for the paper's chain at even N), with the
    representative r_o (smallest key a·dim + b) carrying φ = +1.

    Attributes
    ----------
    n_sites : int
        Chain length N.
    parity : int or None
        Involution eigenvalue of the sector (X for the paper's chain).
    rep_a, rep_b : numpy.ndarray
        Block indices of the representatives.
    keys : numpy.ndarray
        Sorted representative keys a·dim + b.
    orbit_size : numpy.ndarray
        |O_o| (number of matrix units in the orbit).
    translation, reflection, z_parity : bool
        Which weak symmetries were used (``z_parity``: any weak diagonal label).
    symmetry_maps : tuple of SignedPermutation
        The lattice-symmetry group acting on the block states, one element each (identity first).
    block_dim : int
        Number of block states (default 2^(N−1), the X sector of spins 1/2).
    pair_labels : numpy.ndarray or None
        Weak label of every block state; only units |ã⟩⟨b̃| with equal labels are in the basis.
    """

    n_sites: int
    parity: int | None
    rep_a: np.ndarray
    rep_b: np.ndarray
    keys: np.ndarray
    orbit_size: np.ndarray
    translation: bool
    reflection: bool
    z_parity: bool
    symmetry_maps: tuple[SignedPermutation, ...] = ()
    block_dim: int = 0
    pair_labels: np.ndarray | None = None

    def __post_init__(self) -> None:
        if not self.block_dim:
            object.__setattr__(self, "block_dim", 2 ** (self.n_sites - 1))

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
            Orbit index o, or −1 where the orbit vanishes (a stabiliser with sign −1, or unequal
            weak labels) or is not in the basis.
        sign : numpy.ndarray of int8
            φ_u with P u = φ_u P r_o (P the symmetrising projector).
        """
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        dim = self.block_dim
        best = np.full(a.shape, np.iinfo(np.int64).max, dtype=np.int64)
        sign = np.ones(a.shape, dtype=np.int8)
        conflict = np.zeros(a.shape, dtype=bool)
        for idx, sg in self.symmetry_maps:
            key = idx[a] * dim + idx[b]
            s = sg[a] * sg[b]
            lower = key < best
            equal = key == best
            conflict &= ~lower
            conflict |= equal & (s != sign)
            best = np.where(lower, key, best)
            sign = np.where(lower, s, sign)
        if self.pair_labels is not None:
            conflict |= self.pair_labels[a] != self.pair_labels[b]
        pos = np.searchsorted(self.keys, best)
        pos = np.minimum(pos, self.keys.size - 1)
        found = (self.keys[pos] == best) & ~conflict
        return np.where(found, pos, -1), sign

    def trace_vector(self) -> np.ndarray:
        """t_o = Tr(e_o) in the block (the sector trace)."""
        t = np.zeros(self.size)
        diag = self.rep_a == self.rep_b
        # diagonal orbits contain only diagonal units, all with sign +1 (T, R keep |a><a| positive)
        t[diag] = np.sqrt(self.orbit_size[diag])
        return t

    def _entries(self, a: np.ndarray, b: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ρ_ab of ρ = Σ_o x_o e_o for the matrix units (a, b) that lie in the basis: (mask, values)."""
        o, s = self.canonicalize(a, b)
        ok = o >= 0
        return ok, x[o[ok]] * s[ok] / np.sqrt(self.orbit_size[o[ok]])

    def to_block_matrix(self, x: np.ndarray) -> np.ndarray:
        """Dense block density matrix Σ_o x_o e_o (at most 4096 block states)."""
        dim = self.block_dim
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
        a = np.arange(self.block_dim, dtype=np.int64)
        ok, vals = self._entries(a, a, x)
        out = np.zeros(a.size, dtype=complex)
        out[ok] = vals
        return out


def _check_weak_symmetry(sector: StrongSector, maps: tuple[SignedPermutation, ...]) -> None:
    """Verify that every signed permutation commutes with H and permutes the jumps up to phases."""
    H = sector.hamiltonian
    scale = max(1.0, abs(H).max())
    jumps = [(r, L.tocsr()) for r, L in sector.jumps]
    keys = {operator_key(L, r) for r, L in jumps}
    for U in (m.matrix() for m in maps[1:]):
        D = (U @ H @ U.T - H).tocoo()
        if D.nnz and np.max(np.abs(D.data)) > 1e-10 * scale:
            raise ValueError("the Hamiltonian is not invariant under the requested weak symmetry")
        for r, L in jumps:
            if operator_key(U @ L @ U.T, r) not in keys:
                raise ValueError("the jump operators are not permuted by the requested weak symmetry")


def _check_weak_labels(sector: StrongSector, labels: np.ndarray, periods) -> None:
    """Verify that H keeps every weak label and every jump shifts it by one value (modulo its period)."""
    for col, p in enumerate(periods):
        lab = labels[:, col]
        for what, A, single in [("the Hamiltonian", sector.hamiltonian, False)] + [
            ("a jump operator", L, True) for _, L in sector.jumps
        ]:
            c = sp.coo_matrix(A)
            keep = np.abs(c.data) > SYMMETRY_TOL * max(1.0, np.abs(c.data).max(initial=0.0))
            d = lab[c.row[keep]] - lab[c.col[keep]]
            d = d % p if p else d
            if d.size and (np.unique(d).size > 1 or (not single and d[0] != 0)):
                raise ValueError(f"{what} does not respect the requested weak diagonal symmetry")


def _orbit_representatives(
    block: SymmetrySector, maps: tuple[SignedPermutation, ...], pair_labels: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys a·dim + b of the orbit representatives of matrix units, and orbit sizes.

    A unit is a representative when no group element maps it to a smaller key and no element
    that fixes it carries the sign −1 (such orbits sum to zero); candidates (equal weak labels)
    are enumerated in chunks of rows a.
    """
    dim = block.dim
    keys, sizes = [], []
    order = len(maps)
    chunk = max(1, (1 << 22) // dim)
    b_all = np.arange(dim, dtype=np.int64)
    for a0 in range(0, dim, chunk):
        a = np.repeat(np.arange(a0, min(dim, a0 + chunk), dtype=np.int64), dim)
        b = np.tile(b_all, min(dim, a0 + chunk) - a0)
        if pair_labels is not None:
            keep = pair_labels[a] == pair_labels[b]
            a, b = a[keep], b[keep]
        own = a * dim + b
        best = own.copy()
        conflict = np.zeros(a.shape, dtype=bool)
        stab = np.zeros(a.shape, dtype=np.int64)
        for idx, sg in maps:
            key = idx[a] * dim + idx[b]
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
    sector: StrongSector,
    *,
    translation: bool | None = None,
    reflection: bool = True,
    z_parity: bool | None = None,
    weak: tuple[np.ndarray, tuple[int, ...]] | None = None,
    check: bool = True,
) -> SymmetricOperatorBasis:
    """Build the orthonormal basis of symmetric operators of one strong sector.

    Parameters
    ----------
    sector : StrongSector
        The strong-symmetry sector.
    translation : bool, optional
        Use translations (default: True for periodic chains, False for open ones).
    reflection : bool
        Use the reflection j → N−1−j.
    z_parity : bool, optional
        Use Z = Πσᶻ of a spin-1/2 X sector (default: True for even N when ``weak`` is not given;
        impossible for odd N, where Z swaps the sectors).
    weak : (numpy.ndarray, tuple of int), optional
        Weak diagonal labels of the block states, shape (dim, r), and their periods (0 for U(1),
        p for Z_p): only units with equal labels enter (replaces ``z_parity``).
    check : bool
        Verify numerically that the chosen symmetries commute with the sector Liouvillian (up to
        the phases of the jump operators); costs O(2N) sparse products.

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
    block = sector.block_basis
    if weak is None:
        if z_parity is None:
            z_parity = n % 2 == 0
        if z_parity and n % 2 == 1:
            raise ValueError("Z = Πσᶻ maps X sector s onto (-1)^N s: it is a symmetry of one sector only for even N")
        weak = ((block.n_down() % 2)[:, None], (2,)) if z_parity else (np.zeros((block.dim, 0), np.int64), ())
    labels, periods = np.asarray(weak[0], dtype=np.int64).reshape(block.dim, -1), tuple(weak[1])
    maps = block.symmetry_maps(translation=translation, reflection=reflection)
    if check:
        _check_weak_symmetry(sector, maps)
        _check_weak_labels(sector, labels, periods)
    pair_labels = None
    if labels.shape[1]:
        pair_labels = np.unique(labels, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int64)
    keys, sizes = _orbit_representatives(block, maps, pair_labels)
    return SymmetricOperatorBasis(
        n_sites=n,
        parity=sector.parity,
        rep_a=keys // block.dim,
        rep_b=keys % block.dim,
        keys=keys,
        orbit_size=sizes,
        translation=bool(translation),
        reflection=bool(reflection),
        z_parity=bool(labels.shape[1]),
        symmetry_maps=maps,
        block_dim=block.dim,
        pair_labels=pair_labels,
    )
