"""Fixed points f(q) = 0 of the Gibbs-ensemble hydrodynamics, their stability and flow lines.

Any number k ≥ 1 of charges.  Zeros are found in λ space (exact Jacobian ∂f/∂λ = −cov(F, Q)/N) from
a grid of starts, deduplicated and classified by the eigenvalues of ∂f/∂q = (∂f/∂λ)(∂q/∂λ)⁻¹
(stable: every real part < 0).  Flow lines (the red lines of the paper's Fig. 2) integrate
dq/dt = f(q) from an unstable point displaced along its unstable eigenvectors.  Per unit ε (time in
1/(εJ)); q_i = ⟨Q_i⟩/N (the paper's chain: m = ⟨Q1⟩/N, e = ⟨H0⟩/N in J).  JSON: generic keys
``"q"``, ``"lambda"`` per point and ``"charges"`` (names); the paper's charges also give ``"m"``,
``"e"``; a real eigenvalue is a float, a complex one ``[re, im]``.
"""


from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import root

from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import force_jacobian, force_jacobian_lambda, forces, noise_matrix
from lindhydro.quantum.model import ChainParameters, OpenSystem
from lindhydro.quantum.spectrum import Spectrum, diagonalize

__all__ = ["FixedPoint", "FixedPointResult", "find_fixed_points", "flow_path", "as_ensemble"]


def _eig_json(z: complex) -> float | list[float]:
    z = complex(z)
    if abs(z.imag) <= 1e-12 * max(1.0, abs(z.real)):
        return float(z.real)
    return [float(z.real), float(z.imag)]


@dataclass(frozen=True, eq=False)
class FixedPoint:
    """A zero of the force field.

    Parameters
    ----------
    q : tuple of float
        Densities q_i = ⟨Q_i⟩/N of the k charges (the paper's chain: (m, e), e in units of J).
    lam : tuple of float
        Lagrange parameters λ_i of its Gibbs state exp(−Σ λ_i Q_i)/Z (the paper's chain: λ2 in 1/J;
        negative = hotter than infinite temperature).
    stable : bool
        All Jacobian eigenvalues have negative real parts.
    jacobian_eigenvalues : tuple of complex
        Eigenvalues of ∂f/∂q per unit ε (units J), sorted by real part.
    noise : ndarray, shape (k, k)
        Noise matrix N_ij per unit ε and unit length at the fixed point.
    jacobian : ndarray, shape (k, k)
        ∂f_i/∂q_j per unit ε.
    residual : float
        max |f_i| at the solution.
    charge_names : tuple of str
        Names of the charges.
    """

    q: tuple[float, ...]
    lam: tuple[float, ...]
    stable: bool
    jacobian_eigenvalues: tuple[complex, ...]
    noise: np.ndarray
    jacobian: np.ndarray = field(repr=False, default_factory=lambda: np.zeros((2, 2)))
    residual: float = 0.0
    charge_names: tuple[str, ...] = ("magnetisation", "energy")

    @property
    def m(self) -> float:
        """The first density q_1 (the paper's chain: m = ⟨Σσᶻ⟩/N)."""
        return float(self.q[0])

    @property
    def e(self) -> float:
        """The second density q_2 (the paper's chain: e = ⟨H0⟩/N); NaN for a single charge."""
        return float(self.q[1]) if len(self.q) > 1 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: q, lambda, stable, jacobian_eigenvalues, noise, jacobian, residual.

        The paper's charges (magnetisation, energy) also give ``"m"`` and ``"e"``.
        """
        paper = tuple(self.charge_names) == ("magnetisation", "energy")
        return {
            **({"m": float(self.m), "e": float(self.e)} if paper else {}),
            "q": [float(x) for x in self.q],
            "lambda": [float(x) for x in self.lam],
            "stable": bool(self.stable),
            "jacobian_eigenvalues": [_eig_json(z) for z in self.jacobian_eigenvalues],
            "noise": np.asarray(self.noise, dtype=float).tolist(),
            "jacobian": np.asarray(self.jacobian, dtype=float).tolist(),
            "residual": float(self.residual),
        }


@dataclass(frozen=True, eq=False)
class FixedPointResult:
    """All fixed points found, with the unstable-to-stable flow lines.

    Parameters
    ----------
    points : tuple of FixedPoint
        Sorted by q (lexicographically).
    paths : tuple of ndarray
        Flow lines (each of shape (n, k): densities q) from unstable fixed points along their
        unstable eigenvectors, both directions, to where they end (a stable fixed point).
    parameters : ChainParameters or None
        The chain, if known.
    n_sites : int
        Chain length N.
    method : str
        Diagonalisation route.
    charge_names : tuple of str
        Names of the k charges.
    """

    points: tuple[FixedPoint, ...]
    paths: tuple[np.ndarray, ...]
    parameters: ChainParameters | None
    n_sites: int
    method: str = ""
    charge_names: tuple[str, ...] = ("magnetisation", "energy")

    @property
    def stable(self) -> tuple[FixedPoint, ...]:
        """The stable fixed points."""
        return tuple(p for p in self.points if p.stable)

    @property
    def unstable(self) -> tuple[FixedPoint, ...]:
        """The unstable fixed points."""
        return tuple(p for p in self.points if not p.stable)

    @property
    def bistable(self) -> bool:
        """Two or more stable fixed points."""
        return len(self.stable) >= 2

    def to_dict(self) -> dict[str, Any]:
        """``{"parameters": {...}, "charges": [names], "fixed_points": [...]}`` (JSON-ready; paths omitted)."""
        params = {} if self.parameters is None else self.parameters.to_dict()
        params = {**params, "n_sites": int(self.n_sites), "units": "per unit eps; J = a = hbar = 1"}
        return {
            "parameters": params,
            "charges": list(self.charge_names),
            "fixed_points": [p.to_dict() for p in self.points],
        }


def as_ensemble(obj, *, sectors: str = "auto") -> GibbsEnsemble:
    """A :class:`GibbsEnsemble` from ChainParameters, an OpenSystem, a Spectrum or an ensemble.

    Parameters
    ----------
    obj : ChainParameters, OpenSystem, Spectrum or GibbsEnsemble
        What to build the ensemble from (diagonalised if needed).
    sectors : str
        Diagonalisation route (see :func:`~lindhydro.quantum.spectrum.diagonalize`).

    Returns
    -------
    GibbsEnsemble
        The ensemble.
    """
    if isinstance(obj, GibbsEnsemble):
        return obj
    if isinstance(obj, Spectrum):
        return GibbsEnsemble(obj)
    if isinstance(obj, ChainParameters | OpenSystem):
        return GibbsEnsemble(diagonalize(obj, sectors=sectors))
    raise ValueError(
        "expected ChainParameters, an OpenSystem, a Spectrum or a GibbsEnsemble, got "
        f"{type(obj).__name__}"
    )


def _default_starts(ens: GibbsEnsemble) -> np.ndarray:
    """Starting λ of the root search: the paper's grid for its chain, a scaled grid otherwise.

    For a user model λ_i = t / w_i with w_i the half-width of the range of densities q_i, and t on
    both sides of infinite temperature (λ = 0); 13, 9 × 9 or 7^k points for k = 1, 2, ≥ 3 charges.
    """
    k = ens.n_charges
    if k == 2 and ens.spectrum.parameters is not None:
        l1 = np.array([-2.0, -1.2, -0.6, -0.2, 0.0, 0.2, 0.6, 1.2, 2.0])
        l2 = np.array([-1.5, -0.8, -0.4, -0.15, 0.0, 0.15, 0.4, 0.8])
        L1, L2 = np.meshgrid(l1, l2)
        return np.stack([L1.ravel(), L2.ravel()], axis=1)
    q = ens.spectrum.charges / ens.n_sites
    width = np.maximum(0.5 * (q.max(axis=0) - q.min(axis=0)), 1e-12)
    t = {1: np.linspace(-3.0, 3.0, 13), 2: np.array([-2.4, -1.2, -0.5, -0.15, 0.0, 0.15, 0.5, 1.2, 2.4])}.get(
        k, np.array([-2.0, -0.8, -0.25, 0.0, 0.25, 0.8, 2.0]))
    grids = np.meshgrid(*([t] * k), indexing="ij")
    return np.stack([g.ravel() for g in grids], axis=1) / width


def _classify(ens: GibbsEnsemble, lam: np.ndarray, stability_tol: float) -> FixedPoint:
    q = ens.densities(lam)
    Jq = force_jacobian(ens, lam)
    ev = np.linalg.eigvals(Jq)
    ev = ev[np.argsort(ev.real)]
    stable = bool(np.all(ev.real < -stability_tol))
    return FixedPoint(
        q=tuple(float(x) for x in q),
        lam=tuple(float(x) for x in lam),
        stable=stable,
        jacobian_eigenvalues=tuple(complex(z) for z in ev),
        noise=noise_matrix(ens, lam),
        jacobian=Jq,
        residual=float(np.abs(forces(ens, lam)).max()),
        charge_names=tuple(ens.spectrum.charge_names),
    )


def flow_path(
    ensemble: GibbsEnsemble,
    lam_start,
    *,
    t_max: float = 2000.0,
    f_tol: float = 1e-7,
    max_points: int = 2000,
) -> np.ndarray:
    """Integrate dq/dt = f(q) (per unit ε) from the Gibbs state ``lam_start``.

    Integrated in λ coordinates, dλ/dt = (∂q/∂λ)⁻¹ f, until |f| < ``f_tol`` (a fixed point is
    reached) or ``t_max``.

    Parameters
    ----------
    ensemble : GibbsEnsemble
        The ensemble.
    lam_start : array_like, shape (k,)
        Lagrange parameters of the starting state.
    t_max : float
        Longest integration time (units 1/(εJ)).
    f_tol : float
        Stop when max |f_i| falls below this.
    max_points : int
        Largest number of returned points (evenly thinned).

    Returns
    -------
    ndarray, shape (n, k)
        The path in densities q.
    """

    def rhs(_t, lam):
        return np.linalg.solve(ensemble.density_jacobian(lam), forces(ensemble, lam))

    def arrived(_t, lam):
        return float(np.abs(forces(ensemble, lam)).max() - f_tol)

    arrived.terminal = True
    arrived.direction = -1
    sol = solve_ivp(
        rhs, (0.0, t_max), np.asarray(lam_start, float), method="LSODA", events=arrived,
        rtol=1e-8, atol=1e-10, dense_output=False, max_step=np.inf,
    )
    lam_path = sol.y.T
    if len(lam_path) > max_points:
        lam_path = lam_path[np.linspace(0, len(lam_path) - 1, max_points).astype(int)]
    return np.array([ensemble.densities(l) for l in lam_path])


def find_fixed_points(
    params: ChainParameters | OpenSystem | Spectrum | GibbsEnsemble,
    *,
    starts: np.ndarray | None = None,
    tol: float = 1e-11,
    dedup_tol: float = 1e-6,
    stability_tol: float = 1e-9,
    paths: bool = True,
    displacement: float = 1e-3,
    sectors: str = "auto",
) -> FixedPointResult:
    """Find the fixed points f(q) = 0 (per unit ε) of k ≥ 1 charges and classify their stability.

    Parameters
    ----------
    params : ChainParameters, OpenSystem, Spectrum or GibbsEnsemble
        The system; ChainParameters / OpenSystem are diagonalised first.
    starts : ndarray, shape (n, k), optional
        Starting Lagrange parameters for the root search (default: for the paper's chain a 9 × 8
        grid with λ1 ∈ [−2, 2], λ2 ∈ [−1.5, 0.8]; for a user model a grid scaled by the range of
        every density, both sides of infinite temperature).
    tol : float
        Root tolerance on max |f_i| (relative to the force scale).
    dedup_tol : float
        Solutions closer than this in q are the same fixed point.
    stability_tol : float
        Eigenvalues with real part above −stability_tol count as unstable (marginal = unstable).
    paths : bool
        Compute the flow lines from every unstable fixed point along its unstable
        eigenvector(s), both directions.
    displacement : float
        Initial displacement from the unstable fixed point along the eigenvector, in q units.
    sectors : str
        Passed to :func:`~lindhydro.quantum.spectrum.diagonalize`.

    Returns
    -------
    FixedPointResult
        The fixed points sorted by q, with the flow lines and the parameters.
    """
    ens = as_ensemble(params, sectors=sectors)
    k = ens.n_charges
    starts = _default_starts(ens) if starts is None else np.asarray(starts, dtype=float).reshape(-1, k)
    spec = ens.spectrum
    scale = spec.parameters.J if spec.parameters else max(1.0, float(np.abs(spec.force_elements).max()) / ens.n_sites)
    found = _roots(ens, starts, tol * max(1.0, scale), dedup_tol)
    points = sorted((_classify(ens, lam, stability_tol) for lam in found), key=lambda p: p.q)
    flow = _flow_lines(ens, points, stability_tol, displacement) if paths else []
    return FixedPointResult(
        points=tuple(points),
        paths=tuple(flow),
        parameters=spec.parameters,
        n_sites=ens.n_sites,
        method=spec.method,
        charge_names=tuple(spec.charge_names),
    )


def _roots(ens: GibbsEnsemble, starts: np.ndarray, tol: float, dedup_tol: float) -> list[np.ndarray]:
    """Distinct interior zeros of f in λ space from every start (hybrid Powell, exact Jacobian)."""

    def fun(lam):
        return forces(ens, lam), force_jacobian_lambda(ens, lam)

    found: list[np.ndarray] = []
    qs: list[np.ndarray] = []
    for x0 in starts:
        with np.errstate(all="ignore"):
            try:
                sol = root(fun, x0, jac=True, method="hybr", options={"xtol": 1e-13})
            except (np.linalg.LinAlgError, ValueError, FloatingPointError):
                continue
        lam = sol.x
        if not np.all(np.isfinite(lam)) or np.abs(lam * _lam_scale(ens)).max() > 50:
            continue
        if np.abs(forces(ens, lam)).max() > tol:
            continue
        q = ens.densities(lam)
        # a fixed point must be an interior Gibbs state (not a pure boundary state)
        if ens.hull_distance(q) < 1e-6:
            continue
        if any(np.abs(q - q0).max() < dedup_tol for q0 in qs):
            continue
        qs.append(q)
        found.append(lam)
    return found


def _lam_scale(ens: GibbsEnsemble) -> np.ndarray:
    """1 for the paper's chain; the half-width of every density range for a user model (|λ| bound)."""
    if ens.spectrum.parameters is not None:
        return np.ones(ens.n_charges)
    q = ens.spectrum.charges / ens.n_sites
    return np.maximum(0.5 * (q.max(axis=0) - q.min(axis=0)), 1e-12)


def _flow_lines(ens: GibbsEnsemble, points, stability_tol: float, displacement: float) -> list[np.ndarray]:
    """Flow lines from every unstable point along its real unstable eigenvectors, both directions."""
    flow = []
    for p in points:
        if p.stable:
            continue
        w, V = np.linalg.eig(p.jacobian)
        for j in np.nonzero(w.real > stability_tol)[0]:
            if abs(w[j].imag) > 1e-12:
                continue
            v = np.real(V[:, j])
            v = v / np.linalg.norm(v)
            for sign in (1.0, -1.0):
                q0 = np.array(p.q) + sign * displacement * v
                try:
                    lam0 = ens.lambdas(q0, lam0=np.array(p.lam))
                except ValueError:
                    continue
                flow.append(flow_path(ens, lam0))
    return flow
