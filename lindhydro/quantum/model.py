"""Open quantum systems as QuTiP objects: a Hamiltonian, its conserved charges, and jump operators.

:class:`OpenSystem` generates ρ̇ = L̂0ρ + εL̂1ρ with L̂0ρ = −i[H0, ρ] and
L̂1ρ = Σ_g r_g Σ_j (L_{g,j} ρ L_{g,j}† − ½{L_{g,j}†L_{g,j}, ρ}), r_g the rate of jump group g
(energy units, ħ = 1); :func:`paper_model` builds the paper's chain (Lange & Rosch, SciPost 2022).
Conventions: σ± = (σˣ ± iσʸ)/2, P↑/↓ = (1 ± σᶻ)/2, a = 1; site j is the j-th tensor factor and
``qutip.basis(2, 0)`` is spin up.  The hopping normalisation (``"isotropic"``, the default that
reproduces the paper's Fig. 2, or ``"literal"``) is discussed in ``docs/physics.md``.
"""


from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import qutip

from lindhydro.quantum.basis import ChainBasis

__all__ = [
    "ChainParameters",
    "JumpGroup",
    "OpenSystem",
    "hopping_factor",
    "paper_model",
    "site_operator",
    "spin_flip_operator",
    "xxz_hamiltonian",
    "magnetisation",
    "aligning_jumps",
    "MAX_QOBJ_SITES",
    "model_from_parameters",
    "custom_model",
    "as_open_system",
    "validate_eps",
]

#: Largest chain for which full-space QuTiP operators are built (2^N dimensional, sparse).
MAX_QOBJ_SITES = 18

HoppingConvention = Literal["isotropic", "literal"]


def hopping_factor(hopping: HoppingConvention | float) -> float:
    """Factor multiplying J(σ⁺σ⁻ + h.c.) in H0 for a hopping convention.

    Parameters
    ----------
    hopping : {"isotropic", "literal"} or float
        ``"isotropic"`` (2.0): J(σˣσˣ + σʸσʸ + Δσᶻσᶻ), the reading that reproduces the paper's
        Fig. 2.  ``"literal"`` (1.0): the paper's formula with σ± = (σˣ ± iσʸ)/2 taken literally.
        A positive float is used as it is.

    Returns
    -------
    float
    """
    if isinstance(hopping, str):
        table = {"isotropic": 2.0, "literal": 1.0}
        if hopping not in table:
            raise ValueError(
                f"hopping must be 'isotropic', 'literal' or a positive number, got {hopping!r}"
            )
        return table[hopping]
    value = float(hopping)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"a numeric hopping factor must be finite and positive, got {hopping!r}")
    return value


@dataclass(frozen=True)
class ChainParameters:
    """Parameters of the paper's spin chain and bath.

    Parameters
    ----------
    n_sites : int
        Number of sites N (≥ 3).
    J : float
        Nearest-neighbour exchange (energy unit; J > 0 antiferromagnetic).  Also sets the bath
        rates J(1−γ) and Jγ.
    delta : float
        XXZ anisotropy Δ.
    jprime : float
        Next-nearest-neighbour hopping J' (breaks integrability).
    gamma : float
        Bath mixing γ ∈ [0, 1]: rate J(1−γ) for σˣ jumps, Jγ for the aligning jumps L⁽²⁾.
    hopping : {"isotropic", "literal"} or float
        Hopping normalisation, see :func:`hopping_factor`.
    boundary : {"periodic", "open"}
        Boundary conditions of H0 and of the jump operators.
    """

    n_sites: int = 12
    J: float = 1.0
    delta: float = 1.0
    jprime: float = 0.01
    gamma: float = 0.9
    hopping: HoppingConvention | float = "isotropic"
    boundary: Literal["periodic", "open"] = "periodic"

    def __post_init__(self) -> None:
        if isinstance(self.n_sites, bool) or not isinstance(self.n_sites, numbers.Real) or int(self.n_sites) != self.n_sites:
            raise ValueError(f"n_sites must be an integer, got {self.n_sites!r}")
        if self.n_sites < 3:
            raise ValueError(f"n_sites must be at least 3 (the aligning jumps act on 3 sites), got {self.n_sites}")
        for name in ("J", "delta", "jprime", "gamma"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
            if not math.isfinite(float(value)):
                raise ValueError(f"{name} must be finite, got {value!r}")
        if not 0.0 <= float(self.gamma) <= 1.0:
            raise ValueError(f"gamma must lie in [0, 1], got {self.gamma!r}")
        if self.J <= 0:
            raise ValueError(f"J must be positive (it sets the bath rates J(1-γ), Jγ), got {self.J!r}")
        if self.boundary not in ("periodic", "open"):
            raise ValueError(f"boundary must be 'periodic' or 'open', got {self.boundary!r}")
        hopping_factor(self.hopping)  # validates

    @property
    def hopping_factor(self) -> float:
        """Factor multiplying J(σ⁺σ⁻ + h.c.), see :func:`hopping_factor`."""
        return hopping_factor(self.hopping)

    @property
    def rates(self) -> dict[str, float]:
        """Bath rates per jump group: ``{"sigma_x": J(1-γ), "aligning": Jγ}``."""
        return {"sigma_x": self.J * (1.0 - self.gamma), "aligning": self.J * self.gamma}

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON dictionary of the parameters."""
        return {
            "n_sites": int(self.n_sites),
            "J": float(self.J),
            "delta": float(self.delta),
            "jprime": float(self.jprime),
            "gamma": float(self.gamma),
            "hopping": self.hopping if isinstance(self.hopping, str) else float(self.hopping),
            "hopping_factor": self.hopping_factor,
            "boundary": self.boundary,
        }


# ----------------------------------------------------------------------------------------------
# Operators
# ----------------------------------------------------------------------------------------------


def _check_qobj_size(n_sites: int) -> None:
    if n_sites > MAX_QOBJ_SITES:
        dim = 2**n_sites
        raise ValueError(
            f"a full-space Qobj for N={n_sites} sites has dimension 2^{n_sites} = {dim}; "
            f"lindhydro builds full-space operators only up to N={MAX_QOBJ_SITES}. "
            "Use the sector-resolved routines in lindhydro.quantum.spectrum for larger chains."
        )


def site_operator(op: qutip.Qobj, site: int, n_sites: int) -> qutip.Qobj:
    """Embed a single-site operator at ``site`` of an ``n_sites`` chain.

    Parameters
    ----------
    op : Qobj
        2 × 2 single-site operator.
    site : int
        Site index j ∈ [0, n_sites) (the j-th tensor factor).
    n_sites : int
        Chain length N (≤ :data:`MAX_QOBJ_SITES`).

    Returns
    -------
    Qobj
        1 ⊗ … ⊗ op ⊗ … ⊗ 1 on the 2^N-dimensional space (CSR data layer).
    """
    if not 0 <= site < n_sites:
        raise ValueError(f"site must be in [0, {n_sites}), got {site}")
    _check_qobj_size(n_sites)
    ops = [qutip.qeye(2, dtype="csr")] * n_sites
    ops[site] = op.to("csr")
    return qutip.tensor(ops)


def _sites(n_sites: int):
    return [
        (
            site_operator(qutip.sigmap(), j, n_sites),
            site_operator(qutip.sigmam(), j, n_sites),
            site_operator(qutip.sigmaz(), j, n_sites),
        )
        for j in range(n_sites)
    ]


def xxz_hamiltonian(params: ChainParameters) -> qutip.Qobj:
    """The chain Hamiltonian H0 = J Σ [h(σ⁺σ⁻ + h.c.) + Δσᶻσᶻ]_{j,j+1} + J' Σ h(σ⁺σ⁻ + h.c.)_{j,j+2}.

    Parameters
    ----------
    params : ChainParameters
        Chain parameters; ``h = params.hopping_factor`` (2 for the isotropic reading that
        reproduces the paper's Fig. 2, 1 for the literal one).

    Returns
    -------
    Qobj
        H0 in units of J (sparse, 2^N-dimensional).
    """
    n = params.n_sites
    _check_qobj_size(n)
    ops = _sites(n)
    h = params.hopping_factor
    dims = [[2] * n, [2] * n]
    H = qutip.qzero(dims[0], dtype="csr")
    chain = ChainBasis(n, boundary=params.boundary)
    for i, j in chain.bonds(1):
        sp_i, sm_i, sz_i = ops[i]
        sp_j, sm_j, sz_j = ops[j]
        H += params.J * (h * (sp_i * sm_j + sm_i * sp_j) + params.delta * sz_i * sz_j)
    if params.jprime != 0.0:
        for i, j in chain.bonds(2):
            sp_i, sm_i, _ = ops[i]
            sp_j, sm_j, _ = ops[j]
            H += params.jprime * h * (sp_i * sm_j + sm_i * sp_j)
    return H


def magnetisation(n_sites: int) -> qutip.Qobj:
    """The magnetisation Q1 = Σ_j σᶻ_j.

    Parameters
    ----------
    n_sites : int
        Chain length N.

    Returns
    -------
    Qobj
        Q1 (diagonal, eigenvalues N − 2·n_down).
    """
    _check_qobj_size(n_sites)
    return sum(
        (site_operator(qutip.sigmaz(), j, n_sites) for j in range(n_sites)),
        start=qutip.qzero([2] * n_sites, dtype="csr"),
    )


def aligning_jumps(n_sites: int, boundary: str = "periodic") -> list[qutip.Qobj]:
    """L⁽²⁾_j = P↑_{j-1} σ⁺_j P↑_{j+1} + P↓_{j-1} σ⁻_j P↓_{j+1} (turns ↑↓↑ → ↑↑↑, ↓↑↓ → ↓↓↓).

    Parameters
    ----------
    n_sites : int
        Chain length N.
    boundary : {"periodic", "open"}
        With open boundaries only the sites with two neighbours carry a jump operator.

    Returns
    -------
    list of Qobj
        One L⁽²⁾_j per centre site j.
    """
    _check_qobj_size(n_sites)
    up = qutip.basis(2, 0).proj()
    dn = qutip.basis(2, 1).proj()
    centres = range(n_sites) if boundary == "periodic" else range(1, n_sites - 1)
    jumps = []
    for j in centres:
        left, right = (j - 1) % n_sites, (j + 1) % n_sites
        ups = [qutip.qeye(2)] * n_sites
        dns = [qutip.qeye(2)] * n_sites
        ups[left], ups[j], ups[right] = up, qutip.sigmap(), up
        dns[left], dns[j], dns[right] = dn, qutip.sigmam(), dn
        jumps.append((qutip.tensor(ups) + qutip.tensor(dns)).to("csr"))
    return jumps


def spin_flip_operator(n_sites: int) -> qutip.Qobj:
    """The spin flip X = Π_j σˣ_j, the strong Z2 symmetry of the paper's model.

    X commutes with H0 and with every jump operator (σˣ_j and L⁽²⁾_j), so the Lindblad steady
    state of a finite chain is not unique: there is one per X sector.

    Parameters
    ----------
    n_sites : int
        Chain length N; X flips all N spins.

    Returns
    -------
    Qobj
        X (sparse permutation matrix).
    """
    _check_qobj_size(n_sites)
    return qutip.tensor([qutip.sigmax()] * n_sites).to("csr")


# ----------------------------------------------------------------------------------------------
# The general open system
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JumpGroup:
    """A group of jump operators sharing one rate.

    Parameters
    ----------
    name : str
        Label, e.g. ``"sigma_x"``.
    operators : tuple of Qobj
        The jump operators L_{g,j}.
    rate : float
        Rate r_g ≥ 0 (energy units) multiplying the dissipator of every operator of the group.
    """

    name: str
    operators: tuple[qutip.Qobj, ...]
    rate: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.rate) or self.rate < 0:
            raise ValueError(f"rate of jump group {self.name!r} must be finite and >= 0, got {self.rate!r}")
        if len(self.operators) == 0:
            raise ValueError(f"jump group {self.name!r} has no operators")


@dataclass(frozen=True)
class OpenSystem:
    """A Hamiltonian, its conserved charges, and groups of jump operators with rates.

    Parameters
    ----------
    hamiltonian : Qobj
        H0, Hermitian.
    charges : sequence of Qobj
        Conserved charges Q_i (Hermitian, [H0, Q_i] = 0, mutually commuting).  By convention the
        last charge may be H0 itself; the paper's model has (Q1, Q2) = (Σσᶻ, H0).
    jump_groups : sequence of JumpGroup
        The bath: L̂1 = Σ_g r_g Σ_j D[L_{g,j}].
    charge_names : sequence of str, optional
        Labels of the charges (default ``q1, q2, ...``).
    parameters : ChainParameters or None
        The parameters that produced a preset, if any.
    n_sites : int or None
        Number of lattice sites, used for densities q_i = ⟨Q_i⟩ / N.  Defaults to the number of
        tensor factors of H0.
    atol : float
        Tolerance of the Hermiticity and commutation checks (relative to ‖H0‖).
    translation, reflection : bool or None
        Lattice symmetries of the chain (tensor factors = sites): ``None`` (default) detects them
        numerically, ``True`` declares them (checked where used, a ValueError if they fail),
        ``False`` forbids their use.
    strong_symmetries : sequence of Qobj or None
        Strong symmetries of the Lindbladian (unitaries or Hermitian operators commuting with H0
        and every jump operator), each diagonal in the product basis or a permutation of product
        states that is its own inverse (X = Πσˣ is one).  ``None`` (default) detects them
        (diagonal charges and the magnetisation as U(1) or Z_p, and the site-wise inversion
        k → d − 1 − k); ``()`` uses none.  Checked where used.

    Raises
    ------
    ValueError
        If H0 or a charge is not Hermitian, a charge does not commute with H0 (or with another
        charge), or dimensions do not match.
    """

    hamiltonian: qutip.Qobj
    charges: tuple[qutip.Qobj, ...]
    jump_groups: tuple[JumpGroup, ...]
    charge_names: tuple[str, ...] = ()
    parameters: ChainParameters | None = None
    n_sites: int | None = None
    atol: float = 1e-10
    translation: bool | None = None
    reflection: bool | None = None
    strong_symmetries: tuple[qutip.Qobj, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "charges", tuple(self.charges))
        object.__setattr__(self, "jump_groups", tuple(self.jump_groups))
        H = self.hamiltonian
        if not isinstance(H, qutip.Qobj) or not H.isoper:
            raise ValueError("hamiltonian must be a square operator Qobj")
        if len(self.charges) == 0:
            raise ValueError("an open system needs at least one conserved charge (H0 itself is one)")
        for name in ("translation", "reflection"):
            if getattr(self, name) not in (None, True, False):
                raise ValueError(f"{name} must be None (detect), True (declare) or False, got {getattr(self, name)!r}")
        if self.strong_symmetries is not None:
            object.__setattr__(self, "strong_symmetries", tuple(self.strong_symmetries))
            for U in self.strong_symmetries:
                if not isinstance(U, qutip.Qobj) or U.dims != H.dims:
                    raise ValueError(f"strong symmetries must be Qobjs with the dimensions of H0 {H.dims}")
        if not self.charge_names:
            object.__setattr__(
                self, "charge_names", tuple(f"q{i + 1}" for i in range(len(self.charges)))
            )
        if len(self.charge_names) != len(self.charges):
            raise ValueError("charge_names must have one entry per charge")
        if self.n_sites is None:
            object.__setattr__(self, "n_sites", len(H.dims[0]))
        scale = max(1.0, _norm(H))
        if _norm(H - H.dag()) > self.atol * scale:
            raise ValueError("hamiltonian is not Hermitian: ||H - H^dag|| is not ~0")
        for name, Q in zip(self.charge_names, self.charges, strict=True):
            if not isinstance(Q, qutip.Qobj) or Q.dims != H.dims:
                raise ValueError(f"charge {name!r} must be a Qobj with the dimensions of H0 {H.dims}")
            qscale = max(1.0, _norm(Q))
            if _norm(Q - Q.dag()) > self.atol * qscale:
                raise ValueError(f"charge {name!r} is not Hermitian")
            if _norm(qutip.commutator(H, Q)) > self.atol * scale * qscale:
                raise ValueError(
                    f"charge {name!r} does not commute with the Hamiltonian: "
                    "conserved charges need [H0, Q] = 0"
                )
        for a in range(len(self.charges)):
            for b in range(a):
                Qa, Qb = self.charges[a], self.charges[b]
                if _norm(qutip.commutator(Qa, Qb)) > self.atol * max(1.0, _norm(Qa) * _norm(Qb)):
                    raise ValueError(
                        f"charges {self.charge_names[a]!r} and {self.charge_names[b]!r} do not commute"
                    )
        for g in self.jump_groups:
            for L in g.operators:
                if not isinstance(L, qutip.Qobj) or L.dims != H.dims:
                    raise ValueError(
                        f"jump operators of group {g.name!r} must be Qobjs with the dimensions of H0"
                    )

    # -- Liouvillians ---------------------------------------------------------------------------

    def collapse_operators(self, eps: float = 1.0) -> list[qutip.Qobj]:
        """QuTiP collapse operators √(ε r_g) L_{g,j} of ε L̂1.

        Parameters
        ----------
        eps : float
            Coupling ε ≥ 0 to the bath.

        Returns
        -------
        list of Qobj
            Groups with rate 0 are skipped.
        """
        validate_eps(eps)
        return [
            math.sqrt(eps * g.rate) * L for g in self.jump_groups if g.rate > 0 for L in g.operators
        ]

    def liouvillian(self, eps: float) -> qutip.Qobj:
        """The superoperator L̂0 + ε L̂1 (QuTiP column-stacking convention).

        Parameters
        ----------
        eps : float
            Coupling ε ≥ 0 to the bath (the weight of L̂1).

        Returns
        -------
        Qobj
            Superoperator acting on vectorised density matrices.
        """
        return qutip.liouvillian(self.hamiltonian, self.collapse_operators(eps))

    def dissipator(self) -> qutip.Qobj:
        """The superoperator L̂1 (per unit ε), for dimensions up to 2^10.

        Returns
        -------
        Qobj
            Σ_g r_g Σ_j D[L_{g,j}] as a superoperator.
        """
        dim = self.hamiltonian.shape[0]
        if dim > 2**10:
            raise ValueError(
                f"the superoperator of a {dim}-dimensional system has {dim**2} x {dim**2} entries; "
                "build it only for N <= 10"
            )
        return qutip.liouvillian(None, self.collapse_operators(1.0))

    def adjoint_dissipator(self, X: qutip.Qobj) -> qutip.Qobj:
        """The adjoint dissipator L̂1†(X) = Σ_g r_g Σ_j (L† X L − ½{L†L, X}), per unit ε.

        Parameters
        ----------
        X : Qobj
            Observable (Heisenberg picture).

        Returns
        -------
        Qobj
            L̂1†(X); ⟨L̂1†(Q_i)⟩ is the force on charge Q_i.
        """
        out = qutip.qzero(self.hamiltonian.dims[0], dtype="csr")
        for g in self.jump_groups:
            if g.rate == 0:
                continue
            for L in g.operators:
                LdL = L.dag() * L
                out += g.rate * (L.dag() * X * L - 0.5 * (LdL * X + X * LdL))
        return out

    @property
    def dimension(self) -> int:
        """Hilbert-space dimension."""
        return int(self.hamiltonian.shape[0])


def _norm(A: qutip.Qobj) -> float:
    """Largest absolute matrix element (cheap, data-layer agnostic)."""
    return float(qutip.data.norm.max(A.data))


def validate_eps(eps: float, *, allow_zero: bool = True, hint: str = "") -> float:
    """The one rule for the bath coupling ε: a finite number, ≥ 0 (or > 0 if not ``allow_zero``).

    Parameters
    ----------
    eps : float
        Coupling ε to the bath (dimensionless; the generator is L̂0 + εL̂1).
    allow_zero : bool
        Whether ε = 0 (no bath) is accepted.
    hint : str
        Appended to the error message (e.g. where the ε → 0 limit lives).

    Returns
    -------
    float
        ε as a float.

    Raises
    ------
    ValueError
        If ε is not a finite number in the allowed range.
    """
    try:
        value = float(eps)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"eps must be finite and {bound}{hint}, got {eps!r}")
    return value


def paper_model(
    n_sites: int = 12,
    gamma: float = 0.9,
    *,
    J: float = 1.0,
    delta: float = 1.0,
    jprime: float = 0.01,
    hopping: HoppingConvention | float = "isotropic",
    boundary: Literal["periodic", "open"] = "periodic",
) -> OpenSystem:
    """The paper's XXZ + J' chain with σˣ and spin-aligning baths (Lange & Rosch, Eqs. 1–6).

    Defaults are the Fig. 2 parameters (N = 12, γ = 0.9, J = Δ = 1, J' = 0.01) with the isotropic
    hopping normalisation that reproduces Fig. 2.  Charges: (Q1, Q2) = (Σσᶻ, H0).  Jump groups:
    ``"sigma_x"`` (σˣ_j, rate J(1−γ)) and ``"aligning"`` (L⁽²⁾_j, rate Jγ).

    Parameters
    ----------
    n_sites : int
        Chain length N ≥ 3.
    gamma : float
        Bath mixing γ ∈ [0, 1].
    J, delta, jprime : float
        Exchange J > 0 (energy unit), anisotropy Δ, next-nearest hopping J'.
    hopping : {"isotropic", "literal"} or float
        Hopping normalisation, see :func:`hopping_factor`.
    boundary : {"periodic", "open"}
        Boundary conditions.

    Returns
    -------
    OpenSystem
        With ``parameters`` set to the :class:`ChainParameters` used.

    Raises
    ------
    ValueError
        For N < 3, γ ∉ [0, 1], J ≤ 0, an unknown hopping convention, or N too large for
        full-space operators (see :data:`MAX_QOBJ_SITES`).
    """
    params = ChainParameters(
        n_sites=n_sites, J=J, delta=delta, jprime=jprime, gamma=gamma, hopping=hopping,
        boundary=boundary,
    )
    return model_from_parameters(params)


def model_from_parameters(params: ChainParameters) -> OpenSystem:
    """Build the paper's :class:`OpenSystem` from :class:`ChainParameters`.

    Parameters
    ----------
    params : ChainParameters
        Chain and bath parameters.

    Returns
    -------
    OpenSystem
        Charges (Σσᶻ, H0); jump groups ``"sigma_x"`` (rate J(1−γ)) and ``"aligning"`` (rate Jγ).
    """
    n = params.n_sites
    _check_qobj_size(n)
    H = xxz_hamiltonian(params)
    Q1 = magnetisation(n)
    rates = params.rates
    sx = tuple(site_operator(qutip.sigmax(), j, n) for j in range(n))
    groups = (
        JumpGroup("sigma_x", sx, rates["sigma_x"]),
        JumpGroup("aligning", tuple(aligning_jumps(n, params.boundary)), rates["aligning"]),
    )
    return OpenSystem(
        hamiltonian=H,
        charges=(Q1, H),
        jump_groups=groups,
        charge_names=("magnetisation", "energy"),
        parameters=params,
        n_sites=n,
    )


def custom_model(
    hamiltonian: qutip.Qobj,
    charges: Sequence[qutip.Qobj],
    jump_groups: Sequence[tuple[str, Sequence[qutip.Qobj], float]],
    *,
    charge_names: Sequence[str] = (),
    n_sites: int | None = None,
    **symmetries: Any,
) -> OpenSystem:
    """Build a user-defined :class:`OpenSystem` from plain QuTiP objects.

    Parameters
    ----------
    hamiltonian : Qobj
        Hermitian H0.
    charges : sequence of Qobj
        Conserved charges (Hermitian, commuting with H0 and each other).
    jump_groups : sequence of (str, sequence of Qobj, float)
        ``(name, operators, rate)`` triples; rates ≥ 0 in energy units.
    charge_names : sequence of str, optional
        Labels of the charges.
    n_sites : int, optional
        Number of sites for densities (default: number of tensor factors).
    **symmetries
        ``translation``, ``reflection``, ``strong_symmetries``: declared symmetries (see
        :class:`OpenSystem`).

    Returns
    -------
    OpenSystem
        The validated system.
    """
    groups = []
    for entry in jump_groups:
        if not (isinstance(entry, Sequence) and len(entry) == 3 and isinstance(entry[0], str)):
            raise ValueError(f"a jump group must be a (name, [operators], rate) triple, got {entry!r:.80}")
        name, ops, rate = entry
        ops = (ops,) if isinstance(ops, qutip.Qobj) else tuple(ops)
        try:
            rate = float(rate)
        except (TypeError, ValueError):
            raise ValueError(f"the rate of jump group {name!r} must be a number, got {rate!r}") from None
        groups.append(JumpGroup(name, ops, rate))
    charges = (charges,) if isinstance(charges, qutip.Qobj) else tuple(charges)
    return OpenSystem(
        hamiltonian=hamiltonian,
        charges=charges,
        jump_groups=tuple(groups),
        charge_names=tuple(charge_names),
        n_sites=n_sites,
        **symmetries,
    )


def as_open_system(system_or_params: OpenSystem | ChainParameters | tuple) -> OpenSystem:
    """The :class:`OpenSystem` of a model given as an OpenSystem, the paper's ChainParameters or a tuple.

    Parameters
    ----------
    system_or_params : OpenSystem, ChainParameters or tuple
        The model; a tuple is ``(H0, [charges], [(name, [jump operators], rate), ...])`` of QuTiP
        objects, optionally followed by the list of charge names (:func:`custom_model`).

    Returns
    -------
    OpenSystem

    Raises
    ------
    ValueError
        For any other type, or a tuple of the wrong shape or content.
    """
    if isinstance(system_or_params, OpenSystem):
        return system_or_params
    if isinstance(system_or_params, ChainParameters):
        return model_from_parameters(system_or_params)
    if isinstance(system_or_params, tuple | list) and len(system_or_params) in (3, 4):
        H0, charges, groups, *names = system_or_params
        if not isinstance(H0, qutip.Qobj):
            raise ValueError(f"the first entry of a model tuple must be the Hamiltonian Qobj, got {type(H0).__name__}")
        bad = [type(Q).__name__ for Q in ((charges,) if isinstance(charges, qutip.Qobj) else charges)
               if not isinstance(Q, qutip.Qobj)]
        if bad:
            raise ValueError(f"the charges of a model tuple must be Qobjs, got {', '.join(bad)}")
        return custom_model(H0, charges, groups, charge_names=tuple(names[0]) if names else ())
    raise ValueError(
        "expected an OpenSystem, ChainParameters or a tuple (H0, [charges], [(name, [jumps], rate), ...]), "
        f"got {type(system_or_params).__name__}"
    )
