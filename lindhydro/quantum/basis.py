"""The product basis of a chain and its symmetry blocks: one basis for the ED and the Lindbladian.

A product state of N sites with local dimension d is labelled by the integer
s = Σ_j k_j d^(N−1−j), k_j ∈ [0, d) the local state of site j (QuTiP ordering: site 0 is the most
significant digit, so s is the row of the state in ``qutip.tensor``).  For spins 1/2, k_j = 1
means site j is down (``qutip.basis(2, 1)``): σᶻ_j = 1 − 2k_j, Q1 = N − 2·n_down, and s has bit
N−1−j set.

:class:`ChainBasis` gives the lattice (bonds, translation, reflection), the magnetisation sectors,
translation orbits and Bloch states; :class:`SymmetrySector` the states of one block of diagonal
symmetries, optionally split by an involution (X = Πσˣ: :class:`SpinFlipSector`), and the lattice
symmetries as signed permutations of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
import scipy.sparse as sp

__all__ = [
    "ChainBasis",
    "SpinFlipSector",
    "SymmetrySector",
    "SignedPermutation",
    "TranslationOrbits",
    "locate",
]

Boundary = Literal["periodic", "open"]


def locate(states: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Positions of the product states ``values`` in the sorted label array ``states``.

    Parameters
    ----------
    states : numpy.ndarray of int
        Sorted labels (a sector basis).
    values : numpy.ndarray of int
        Labels that must all be in ``states``.

    Returns
    -------
    numpy.ndarray of int
        Index of every value in ``states``.
    """
    idx = np.searchsorted(states, values)
    if not np.all(states[np.minimum(idx, len(states) - 1)] == values):
        raise RuntimeError("internal error: a state left its symmetry sector")
    return idx


class TranslationOrbits(NamedTuple):
    """Orbits of product states under the cyclic translation T (site j → j + 1).

    Parameters
    ----------
    representatives : numpy.ndarray of int
        The smallest label of every orbit.
    members : numpy.ndarray of int, shape (N, n_orbits)
        ``members[j, r]`` = T^j applied to representative r.
    period : numpy.ndarray of int
        Smallest R > 0 with T^R r = r (R divides N).
    """

    representatives: np.ndarray
    members: np.ndarray
    period: np.ndarray


class SignedPermutation(NamedTuple):
    """A unitary that maps basis state a to ``sign[a]`` times basis state ``index[a]``.

    Parameters
    ----------
    index : numpy.ndarray of int
        Image of every basis state.
    sign : numpy.ndarray of int8
        Its sign (±1).
    """

    index: np.ndarray
    sign: np.ndarray

    def matrix(self, dtype=float) -> sp.csr_matrix:
        """The permutation as a sparse matrix U with U[index[a], a] = sign[a]."""
        dim = self.index.size
        return sp.csr_matrix((self.sign.astype(dtype), (self.index, np.arange(dim))), shape=(dim, dim))


@dataclass(frozen=True)
class ChainBasis:
    """The product basis of a chain of ``n_sites`` sites with ``local_dim`` states each.

    Parameters
    ----------
    n_sites : int
        Number of sites N ≥ 1.
    local_dim : int
        Local dimension d ≥ 2 (2: spins 1/2; the spin-flip methods need d = 2).
    boundary : {"periodic", "open"}
        Boundary conditions of the bonds (translations exist on periodic chains only).
    """

    n_sites: int
    local_dim: int = 2
    boundary: Boundary = "periodic"

    def __post_init__(self) -> None:
        if isinstance(self.n_sites, bool) or int(self.n_sites) != self.n_sites or self.n_sites < 1:
            raise ValueError(f"n_sites must be a positive integer, got {self.n_sites!r}")
        if isinstance(self.local_dim, bool) or int(self.local_dim) != self.local_dim or self.local_dim < 2:
            raise ValueError(f"local_dim must be an integer >= 2, got {self.local_dim!r}")
        if self.boundary not in ("periodic", "open"):
            raise ValueError(f"boundary must be 'periodic' or 'open', got {self.boundary!r}")
        if self.dim >= 2**62:
            raise ValueError(f"{self.local_dim}^{self.n_sites} product states do not fit in int64 labels")

    @property
    def dim(self) -> int:
        """Hilbert-space dimension d^N."""
        return int(self.local_dim) ** int(self.n_sites)

    def _spin_half(self, what: str) -> None:
        if self.local_dim != 2:
            raise ValueError(f"{what} is defined for spins 1/2 (local_dim = 2), got local_dim = {self.local_dim}")

    # -- the lattice ------------------------------------------------------------------------------

    def bonds(self, distance: int) -> list[tuple[int, int]]:
        """Pairs of sites (i, j) at ``distance``, each bond once.

        On a periodic ring of N = 2·distance sites the pairs (j, j + d) and (j + d, j) are the same
        two sites; both are kept, as the ring has two such bonds.
        """
        n = self.n_sites
        if self.boundary == "periodic":
            if n <= distance:
                return []
            if n == 2 * distance:
                return [(j, (j + distance) % n) for j in range(n)]
            return sorted({tuple(sorted((j, (j + distance) % n))) for j in range(n)})
        return [(j, j + distance) for j in range(n - distance)]

    def place_value(self, site: int) -> int:
        """d^(N−1−j): the change of the label when the local state of ``site`` grows by one."""
        return int(self.local_dim) ** (self.n_sites - 1 - site)

    def local_state(self, states: np.ndarray, site: int) -> np.ndarray:
        """The local state k_j of ``site`` in every product state (spins 1/2: 1 = down)."""
        if self.local_dim == 2:
            return (states >> (self.n_sites - 1 - site)) & 1
        return (states // self.place_value(site)) % self.local_dim

    def n_down(self, states: np.ndarray) -> np.ndarray:
        """Σ_j k_j: the number of down spins (for d > 2 the number of lowering quanta)."""
        states = np.asarray(states, dtype=np.int64)
        if self.local_dim == 2:
            return np.bitwise_count(states).astype(np.int64)
        return sum(self.local_state(states, j) for j in range(self.n_sites)).astype(np.int64)

    def magnetisation(self, states: np.ndarray) -> np.ndarray:
        """Q1 = Σ_j (d − 1 − 2k_j) of every product state (spins 1/2: Σ_j σᶻ_j = N − 2·n_down)."""
        return (self.local_dim - 1) * self.n_sites - 2 * self.n_down(states)

    def magnetisation_sector(self, n_down: int) -> np.ndarray:
        """Sorted labels of the product states with Σ_j k_j = ``n_down`` (fixed Q1)."""
        every = np.arange(self.dim, dtype=np.int64)
        return every[self.n_down(every) == n_down]

    # -- lattice symmetries on labels -------------------------------------------------------------

    def translate(self, states: np.ndarray, shift: int = 1) -> np.ndarray:
        """Labels after moving the state of site j to site j + ``shift`` (mod N)."""
        n = self.n_sites
        s = shift % n
        if s == 0:
            return states.copy()
        if self.local_dim == 2:
            mask = (1 << n) - 1
            return ((states >> s) | (states << (n - s))) & mask
        low = self.local_dim**s
        return states // low + (states % low) * self.local_dim ** (n - s)

    def reflect(self, states: np.ndarray) -> np.ndarray:
        """Labels after the reflection site j → N−1−j."""
        out = np.zeros_like(states)
        for j in range(self.n_sites):
            out += self.local_state(states, j) * self.place_value(self.n_sites - 1 - j)
        return out

    def invert(self, states: np.ndarray) -> np.ndarray:
        """Labels after k_j → d − 1 − k_j on every site (spins 1/2: X = Πσˣ)."""
        return (self.dim - 1) - states

    def flip(self, states: np.ndarray, *sites: int) -> np.ndarray:
        """Labels after σˣ on each of ``sites`` (spins 1/2)."""
        self._spin_half("flip")
        mask = 0
        for j in sites:
            mask |= self.place_value(j)
        return states ^ mask

    # -- translation orbits and Bloch states ------------------------------------------------------

    def translation_orbits(self, states: np.ndarray) -> TranslationOrbits:
        """Orbits of the translation T inside a translation-invariant set of labels."""
        n = self.n_sites
        rots = np.empty((n, len(states)), dtype=np.int64)
        cur = states.copy()
        for j in range(n):
            rots[j] = cur
            cur = self.translate(cur, 1)
        reps = rots.min(axis=0)
        is_rep = reps == states
        members = rots[:, is_rep]
        same = members[1:] == members[0][None, :]
        period = np.where(same.any(axis=0), same.argmax(axis=0) + 1, n)
        return TranslationOrbits(states[is_rep], members, period)

    def momentum_states(self, states: np.ndarray, orbits: TranslationOrbits, kappa: int) -> sp.csr_matrix:
        """Bloch states |r, k⟩ = R^{−1/2} Σ_{j<R} e^{−ikj} T^j|r⟩, k = 2πκ/N, as sparse columns.

        Rows are the sorted ``states`` with their ``orbits``; orbits whose period R is incompatible
        with k (κR ≢ 0 mod N) carry no state.
        """
        n = self.n_sites
        allowed = np.nonzero((kappa * orbits.period) % n == 0)[0]
        if not allowed.size:
            return sp.csr_matrix((len(states), 0), dtype=complex)
        k = 2 * np.pi * kappa / n
        rows, cols, vals = [], [], []
        for c, r in enumerate(allowed):
            R = int(orbits.period[r])
            rows.append(locate(states, orbits.members[:R, r]))
            cols.append(np.full(R, c))
            vals.append(np.exp(-1j * k * np.arange(R)) / math.sqrt(R))
        return sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(states), len(allowed)),
        )

    def spin_flip_sector(self, parity: int) -> SpinFlipSector:
        """The states of the X = Πσˣ eigenspace with eigenvalue ``parity``."""
        return SpinFlipSector(self, parity)


@dataclass(frozen=True, eq=False)
class SymmetrySector:
    """Product states of one sector of diagonal symmetries, optionally split by an involution P.

    Without an involution the block states are the product states ``members`` themselves.  With
    one (default: the site-wise inversion k → d − 1 − k, X = Πσˣ for spins 1/2) and its eigenvalue
    ``parity`` s, they are |ã⟩ = (|a⟩ + s|Pa⟩)/√2 for a < Pa, and |a⟩ for the fixed points a = Pa
    (kept for s = +1 only); block index = position of a among the sorted canonical labels.

    Parameters
    ----------
    chain : ChainBasis
        The chain.
    parity : {+1, -1} or None
        Eigenvalue of P (None: no involution, the block is ``members``).
    members : numpy.ndarray of int, optional
        Sorted labels of the product states of the sector (default: all d^N states); closed
        under P when ``parity`` is given.
    involution : numpy.ndarray of int, optional
        Image P(s) of every full-space label s (default: :meth:`ChainBasis.invert`).
    """

    chain: ChainBasis
    parity: int | None = None
    members: np.ndarray | None = field(default=None, repr=False)
    involution: np.ndarray | None = field(default=None, repr=False)
    states: np.ndarray = field(init=False, repr=False)
    fixed: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.parity not in (None, 1, -1):
            raise ValueError(f"parity (the eigenvalue of the involution) must be +1, -1 or None, got {self.parity!r}")
        members = (np.arange(self.chain.dim, dtype=np.int64) if self.members is None
                   else np.unique(np.asarray(self.members, dtype=np.int64)))
        object.__setattr__(self, "members", members)
        if self.parity is None:
            object.__setattr__(self, "states", members)
            object.__setattr__(self, "fixed", np.zeros(members.size, dtype=bool))
            return
        image = self.image(members)
        pos = np.minimum(np.searchsorted(members, image), max(members.size - 1, 0))
        if members.size and not np.all(members[pos] == image):
            raise ValueError("the sector is not mapped onto itself by the involution")
        keep = (members < image) | ((members == image) & (self.parity == 1))
        object.__setattr__(self, "states", members[keep])
        object.__setattr__(self, "fixed", members[keep] == image[keep])

    def image(self, states: np.ndarray) -> np.ndarray:
        """P(s) of product-state labels ``states`` (the involution; identity without one)."""
        states = np.asarray(states, dtype=np.int64)
        if self.parity is None:
            return states
        if self.involution is None:
            return self.chain.invert(states)
        return np.asarray(self.involution, dtype=np.int64)[states]

    @property
    def dim(self) -> int:
        """Number of block states."""
        return int(self.states.size)

    def isometry(self) -> sp.csr_matrix:
        """The d^N × dim isometry V with columns |ã⟩ (ρ_full = V ρ_block V†)."""
        a = self.states
        cols = np.arange(a.size)
        if self.parity is None:
            return sp.csr_matrix((np.ones(a.size), (a, cols)), shape=(self.chain.dim, a.size))
        pair = ~self.fixed
        norm = np.where(pair, 1 / math.sqrt(2), 1.0)
        rows = np.concatenate([a, self.image(a[pair])])
        vals = np.concatenate([norm, np.full(int(pair.sum()), self.parity / math.sqrt(2))])
        return sp.csr_matrix((vals, (rows, np.concatenate([cols, cols[pair]]))), shape=(self.chain.dim, a.size))

    def canonical(self, states: np.ndarray) -> SignedPermutation:
        """Block index and sign of product states of the sector: |x⟩ + s|Px⟩ ∝ sign·|ã⟩."""
        states = np.asarray(states, dtype=np.int64)
        if self.parity is None:
            return SignedPermutation(locate(self.states, states), np.ones(states.shape, dtype=np.int8))
        image = self.image(states)
        flipped = image < states
        rep = np.where(flipped, image, states)
        sign = np.where(flipped, self.parity, 1).astype(np.int8)
        if self.states.size and self.states[-1] == self.states.size - 1:
            return SignedPermutation(rep, sign)  # canonical labels are 0, 1, ..., dim - 1
        return SignedPermutation(locate(self.states, rep), sign)

    def n_down(self) -> np.ndarray:
        """Σ_j k_j of every canonical state (spins 1/2: its number of down spins)."""
        return self.chain.n_down(self.states)

    def magnetisation(self) -> np.ndarray:
        """Q1 = Σ_j (d − 1 − 2k_j) of every canonical state (its partner Pa may carry another value)."""
        return self.chain.magnetisation(self.states)

    def translation(self, shift: int = 1) -> SignedPermutation:
        """The translation T^shift as a signed permutation of the block states."""
        return self.canonical(self.chain.translate(self.states, shift))

    def symmetry_maps(self, *, translation: bool, reflection: bool) -> tuple[SignedPermutation, ...]:
        """The group generated by the chosen lattice symmetries, one signed permutation per element.

        Elements are R^r T^t, r ∈ {0, 1} (if ``reflection``), t ∈ [0, N) (if ``translation``); the
        identity comes first.  The lattice symmetries must map the sector onto itself and commute
        with the involution (true for the site-wise inversion).
        """
        a = self.states
        shifts = range(self.chain.n_sites) if translation else [0]
        maps = []
        for r in ([False, True] if reflection else [False]):
            base = self.chain.reflect(a) if r else a
            for t in shifts:
                maps.append(self.canonical(self.chain.translate(base, t)))
        return tuple(maps)


@dataclass(frozen=True, eq=False)
class SpinFlipSector(SymmetrySector):
    """The X = s eigenspace of a spin-1/2 chain: states |ã⟩ = (|a⟩ + s|Xa⟩)/√2.

    ``a`` runs over the 2^(N−1) labels with site 0 up (bit N−1 clear), so the block index of |ã⟩
    *is* the label a; a label x with site 0 down is |Xx⟩ up to the sign s.  A
    :class:`SymmetrySector` of all states with the inversion X.

    Parameters
    ----------
    chain : ChainBasis
        The chain (local dimension 2).
    parity : {+1, -1}
        Eigenvalue s of X.
    members, involution : None
        All states and the inversion X (the defaults of :class:`SymmetrySector`).
    """

    def __post_init__(self) -> None:
        self.chain._spin_half("the spin-flip sector")
        if self.parity not in (1, -1):
            raise ValueError(f"parity (the X = Πσˣ eigenvalue) must be +1 or -1, got {self.parity!r}")
        super().__post_init__()
