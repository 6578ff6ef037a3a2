"""Symmetries of an open system found in its operators: product-basis sectors, lattice maps, strong and weak symmetries.

An :class:`~lindhydro.quantum.model.OpenSystem` of a chain of N sites with local dimension d is read
as sparse matrices on the product basis of :class:`~lindhydro.quantum.basis.ChainBasis`
(:func:`system_matrices`).  A lattice map with label permutation π acts on an operator as
A → A[π][:, π] = T†AT; a map is a symmetry of H0 (or a charge) when that leaves it unchanged and of
the bath when it permutes the jump operators of every group up to a phase.  A quantity diagonal in
the product basis with values v(s) (a declared charge or the magnetisation Σ_j (d − 1 − 2k_j)) gives

* a **strong** symmetry (a conserved quantity of the Lindbladian, one steady state per sector) when
  every matrix element of H0 and of every jump changes v by a multiple of p·g (g the spacing of v):
  U(1) for p = 0 (v itself conserved), Z_p otherwise (v/g mod p conserved);
* a **weak** symmetry (the steady state lives in one operator block) when H0 changes v by multiples
  of p·g and every single jump changes v by one value modulo p·g (U(1) for p = 0: e.g. σ⁻ gain,
  Z2 for p = 2: e.g. σˣ noise).

Tolerances are relative to the largest matrix element.  How these enter the exact diagonalisation
and the operator-space reduction of the Lindbladian: ``docs/physics.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np
import qutip
import scipy.sparse as sp

from lindhydro.quantum.basis import ChainBasis
from lindhydro.quantum.model import OpenSystem

__all__ = [
    "SystemMatrices",
    "system_matrices",
    "DiagonalSymmetry",
    "diagonal_quantities",
    "diagonal_symmetries",
    "is_symmetry",
    "conjugate",
    "operator_key",
    "jump_orbits",
    "lattice_symmetries",
    "sector_index",
]

#: Relative tolerance of every symmetry check (largest matrix element of the difference).
SYMMETRY_TOL = 1e-10


def as_csr(A: qutip.Qobj | sp.spmatrix) -> sp.csr_matrix:
    """A QuTiP operator or SciPy matrix as a CSR matrix without explicit zeros (real if it is real)."""
    # a copy: eliminate_zeros/sort_indices work in place and the arrays of a Qobj's CSR are shared
    M = sp.csr_matrix(A.to("csr").data.as_scipy() if isinstance(A, qutip.Qobj) else A, copy=True)
    if M.dtype.kind == "c" and (M.nnz == 0 or np.abs(M.data.imag).max() == 0):
        M = M.real.tocsr()
    M.eliminate_zeros()
    M.sort_indices()
    return M


@dataclass(frozen=True, eq=False)
class SystemMatrices:
    """An open system as sparse matrices on the product basis of its chain.

    Parameters
    ----------
    chain : ChainBasis
        N sites of dimension d (from the tensor structure of H0; a single "site" of the full
        dimension if the factors differ).
    hamiltonian : scipy.sparse.csr_matrix
        H0.
    charges : tuple of scipy.sparse.csr_matrix
        The declared charges Q_i.
    jumps : tuple of (str, float, scipy.sparse.csr_matrix)
        (group name, rate, L) for every jump operator with a nonzero rate.
    real : bool
        H0, the charges and the jumps are all real in the product basis.
    """

    chain: ChainBasis
    hamiltonian: sp.csr_matrix
    charges: tuple[sp.csr_matrix, ...]
    jumps: tuple[tuple[str, float, sp.csr_matrix], ...]
    real: bool

    @property
    def scale(self) -> float:
        """Largest matrix element of H0 (at least 1): the scale of the tolerances."""
        return max(1.0, float(abs(self.hamiltonian).max()) if self.hamiltonian.nnz else 0.0)


def system_matrices(system: OpenSystem) -> SystemMatrices:
    """The :class:`SystemMatrices` of an open system.

    Parameters
    ----------
    system : OpenSystem
        The model (tensor factors of equal dimension d form a chain of N = len(dims) sites).

    Returns
    -------
    SystemMatrices
    """
    dims = list(system.hamiltonian.dims[0])
    chain = ChainBasis(len(dims), dims[0]) if len(set(dims)) == 1 and dims[0] >= 2 else ChainBasis(1, system.dimension)
    H = as_csr(system.hamiltonian)
    Qs = tuple(as_csr(Q) for Q in system.charges)
    jumps = tuple((g.name, float(g.rate), as_csr(L)) for g in system.jump_groups if g.rate > 0 for L in g.operators)
    real = all(M.dtype.kind != "c" for M in (H, *Qs, *(L for _, _, L in jumps)))
    return SystemMatrices(chain=chain, hamiltonian=H, charges=Qs, jumps=jumps, real=real)


def conjugate(A: sp.spmatrix, perm: np.ndarray) -> sp.csr_matrix:
    """T†AT = A[π][:, π] for the lattice map T|s⟩ = |π(s)⟩.

    Parameters
    ----------
    A : scipy.sparse matrix
        Operator on the product basis.
    perm : numpy.ndarray of int
        Label permutation π of the map.

    Returns
    -------
    scipy.sparse.csr_matrix
    """
    return sp.csr_matrix(A)[perm][:, perm]


def _max_abs(A: sp.spmatrix) -> float:
    A = sp.csr_matrix(A)
    return float(np.abs(A.data).max()) if A.nnz else 0.0


def is_symmetry(A: sp.spmatrix, perm: np.ndarray, scale: float = 1.0) -> bool:
    """Whether T†AT = A for the lattice map with label permutation ``perm``.

    Parameters
    ----------
    A : scipy.sparse matrix
        Operator on the product basis.
    perm : numpy.ndarray of int
        Label permutation of the map.
    scale : float
        Scale of the tolerance (at least the largest element of A is used).

    Returns
    -------
    bool
    """
    return _max_abs(conjugate(A, perm) - A) <= SYMMETRY_TOL * max(scale, _max_abs(A))


def operator_key(A: sp.spmatrix, rate: float = 1.0) -> tuple:
    """A hashable fingerprint of the dissipator term r D[A], i.e. of A up to a global phase.

    Entries are divided by the phase of the first nonzero entry (row-major) and rounded to 1e-9 of
    the largest; two operators with equal keys give the same dissipator.

    Parameters
    ----------
    A : scipy.sparse matrix
        The jump operator.
    rate : float
        Its rate.

    Returns
    -------
    tuple
    """
    c = sp.coo_matrix(A)
    keep = np.abs(c.data) > SYMMETRY_TOL * max(1.0, _max_abs(A))
    row, col, data = c.row[keep], c.col[keep], c.data[keep].astype(complex)
    order = np.lexsort((col, row))
    row, col, data = row[order], col[order], data[order]
    if data.size:
        data = data * np.conj(data[0]) / abs(data[0])
    scale = max(1e-300, np.abs(data).max(initial=0.0))
    rounded = np.round(np.concatenate([data.real, data.imag]) / scale, 9) + 0.0
    return (round(rate, 12), round(float(scale), 9), row.astype(np.int64).tobytes(),
            col.astype(np.int64).tobytes(), rounded.tobytes())


def jump_orbits(jumps, perm: np.ndarray, order: int) -> list[tuple[float, sp.csr_matrix, int]] | None:
    """One jump per orbit of the lattice map (images up to a phase), with the orbit size.

    Parameters
    ----------
    jumps : sequence of (str, float, scipy.sparse matrix)
        (group, rate, L).
    perm : numpy.ndarray of int
        Label permutation of the map T.
    order : int
        Order of T (T^order = 1).

    Returns
    -------
    list of (rate, L, multiplicity) or None
        ``None`` when the jumps are not a union of complete orbits (then every jump is needed).
    """
    remaining: dict[tuple, tuple[float, sp.csr_matrix]] = {}
    for _, rate, L in jumps:
        key = operator_key(L, rate)
        if key in remaining:
            return None
        remaining[key] = (rate, L)
    reps = []
    while remaining:
        key, (rate, L) = next(iter(remaining.items()))
        count, cur = 0, L
        for _ in range(order):
            k = operator_key(cur, rate)
            if k == key and count:
                break
            if k not in remaining:
                return None
            del remaining[k]
            count += 1
            cur = conjugate(cur, perm)
        if operator_key(cur, rate) != key:
            return None
        reps.append((rate, L, count))
    return reps


def _permutes_jumps(jumps, perm: np.ndarray) -> bool:
    keys = {operator_key(L, rate) for _, rate, L in jumps}
    return all(operator_key(conjugate(L, perm), rate) in keys for _, rate, L in jumps)


def lattice_symmetries(
    mats: SystemMatrices,
    *,
    translation: bool | None = None,
    reflection: bool | None = None,
    bath: bool = True,
) -> tuple[bool, bool]:
    """Translation and reflection of the chain: detected (``None``) or declared and then checked.

    Parameters
    ----------
    mats : SystemMatrices
        The model.
    translation, reflection : bool or None
        ``None``: use the symmetry if it holds; ``True``: it must hold (checked); ``False``: do not
        use it.
    bath : bool
        Also require that the jump operators are permuted (up to phases), as the Lindbladian needs;
        the Gibbs ensembles need only H0 and the charges.

    Returns
    -------
    (bool, bool)
        Whether translation and reflection are symmetries to use.

    Raises
    ------
    ValueError
        A declared symmetry that does not hold.
    """
    chain = mats.chain
    every = np.arange(chain.dim, dtype=np.int64)
    found = []
    for name, wanted, label_map in (("translation", translation, chain.translate), ("reflection", reflection, chain.reflect)):
        if wanted is False or chain.n_sites < 2 or (name == "translation" and chain.n_sites < 3):
            found.append(False)
            continue
        perm = label_map(every)
        ops = [mats.hamiltonian, *mats.charges]
        holds = all(is_symmetry(A, perm, mats.scale) for A in ops) and (not bath or _permutes_jumps(mats.jumps, perm))
        if wanted and not holds:
            part = "H0, a charge or the jump operators" if bath else "H0 or a charge"
            raise ValueError(f"the declared lattice {name} is not a symmetry: {part} changes under it")
        found.append(bool(holds))
    return found[0], found[1]


@dataclass(frozen=True, eq=False)
class DiagonalSymmetry:
    """A quantity diagonal in the product basis, as a (strong or weak) U(1) or Z_p symmetry.

    Parameters
    ----------
    name : str
        The charge name (or ``"magnetisation"``).
    values : numpy.ndarray
        Its value on every product state.
    step : float
        Spacing g of the values (labels are (v − v_min)/g).
    period : int
        0 for U(1) (the label itself), p ≥ 2 for Z_p (the label mod p).
    """

    name: str
    values: np.ndarray
    step: float
    period: int

    def labels(self, states: np.ndarray) -> np.ndarray:
        """Integer label of product states: (v − v_min)/g, modulo p for Z_p."""
        lab = np.rint((self.values[states] - self.values.min()) / self.step).astype(np.int64)
        return lab % self.period if self.period else lab

    def describe(self) -> str:
        """``"U(1) of NAME"`` or ``"Z_p of NAME"``."""
        return f"U(1) of {self.name}" if self.period == 0 else f"Z_{self.period} of {self.name}"


def diagonal_quantities(mats: SystemMatrices, names) -> list[tuple[str, np.ndarray, bool]]:
    """Diagonal quantities of a model: its diagonal charges and the magnetisation of the chain.

    Parameters
    ----------
    mats : SystemMatrices
        The model.
    names : sequence of str
        Charge names.

    Returns
    -------
    list of (name, values, conserved)
        ``values`` on every product state; ``conserved``: H0 does not change it.  A magnetisation
        equal to a declared charge is not repeated.
    """
    out = []
    for name, Q in zip(names, mats.charges, strict=True):
        if Q.nnz == 0 or _max_abs(Q - sp.diags(Q.diagonal())) <= SYMMETRY_TOL * max(1.0, _max_abs(Q)):
            out.append((name, np.real(Q.diagonal()).astype(float), True))
    chain = mats.chain
    if chain.n_sites > 1:
        mag = chain.magnetisation(np.arange(chain.dim, dtype=np.int64)).astype(float)
        if not any(_is_function_of(mag, v) for _, v, _ in out):
            out.append(("magnetisation", mag, _changes(mats.hamiltonian, mag, 1.0) <= {0}))
    return out


def _is_function_of(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the values a are a function of the values b (b resolves every sector of a)."""
    kb = np.round(b, 8)
    return np.unique(np.stack([np.round(a, 8), kb], axis=1), axis=0).shape[0] == np.unique(kb).size


def _spacing(values: np.ndarray) -> float | None:
    """The spacing g with every value in v_min + g·ℤ (None if the values are incommensurate)."""
    u = np.unique(np.round(values, 9))
    if u.size < 2:
        return None
    g = float(np.diff(u).min())
    k = (u - u[0]) / g
    return g if np.allclose(k, np.rint(k), atol=1e-7) else None


def _changes(A: sp.spmatrix, values: np.ndarray, step: float) -> set[int]:
    """The set of (v(row) − v(col))/g over the nonzero elements of A (integers)."""
    c = sp.coo_matrix(A)
    keep = np.abs(c.data) > SYMMETRY_TOL * max(1.0, _max_abs(A))
    d = (values[c.row[keep]] - values[c.col[keep]]) / step
    return set(np.unique(np.rint(d).astype(np.int64)).tolist())


def _gcd(values) -> int:
    return reduce(math.gcd, (abs(int(v)) for v in values), 0)


def diagonal_symmetries(mats: SystemMatrices, quantities, *, weak: bool = False) -> list[DiagonalSymmetry]:
    """The diagonal quantities that are strong (default) or weak symmetries: U(1) (p = 0) or Z_p (p ≥ 2).

    Strong: p = gcd of every change of v/g by H0 and by the jumps.  Weak (the steady state lives in
    one block): p = gcd of H0's changes and of the spread of every jump's changes — a jump that
    changes v by a single value modulo p·g maps every operator block of fixed (v(a) − v(b))/g mod p
    into itself, and so does H0 if it changes v only by multiples of p·g.

    Parameters
    ----------
    mats : SystemMatrices
        The model.
    quantities : list of (name, values, conserved)
        From :func:`diagonal_quantities`.
    weak : bool, default False
        Look for weak instead of strong symmetries.

    Returns
    -------
    list of DiagonalSymmetry
        One per quantity with p ≠ 1.
    """
    out = []
    for name, values, _ in quantities:
        step = _spacing(values)
        if step is None:
            continue
        changes = list(_changes(mats.hamiltonian, values, step))
        for _, _, L in mats.jumps:
            ch = sorted(_changes(L, values, step))
            changes += [c - ch[0] for c in ch] if weak else ch
        p = _gcd(changes)
        if p != 1:
            out.append(DiagonalSymmetry(name, values, step, p))
    return out


def sector_index(symmetries, states: np.ndarray) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Sector number of every product state for a set of diagonal symmetries, and the sector labels.

    Parameters
    ----------
    symmetries : sequence of DiagonalSymmetry
        The symmetries (an empty sequence gives one sector).
    states : numpy.ndarray of int
        Product-state labels.

    Returns
    -------
    index : numpy.ndarray of int
        Sector of every state (sectors ordered by their labels).
    labels : list of tuple of int
        The labels of every sector, one entry per symmetry.
    """
    if not symmetries:
        return np.zeros(states.size, dtype=np.int64), [()]
    lab = np.stack([s.labels(states) for s in symmetries], axis=1)
    uniq, index = np.unique(lab, axis=0, return_inverse=True)
    return index.reshape(-1).astype(np.int64), [tuple(int(x) for x in row) for row in uniq]
