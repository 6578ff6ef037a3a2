"""Order-parameter hydrodynamics: the k-charge flow reduced to a single field for the SPDE.

The paper's chain: eliminating the fast energy gives the slow manifold e*(m), f2(m, e*(m)) = 0, on
which ∂_t m = f(m) = f1(m, e*(m)) with noise N11(m, e*(m)); f is fitted by an odd polynomial
Σ_k c_k m^(2k+1) (odd by the Z2 symmetry).  Any other model: the order parameter is a charge q_o
(the charge itself for k = 1; otherwise the one that changes most, in units of its Gibbs
fluctuations, between the stable fixed points), measured from a centre (the unstable fixed point
between two stable ones, or the single stable one): φ = q_o − q_o(centre).  The manifold is the
unstable → stable flow line (an exact invariant line of the homogeneous flow), continued beyond the
stable points by the nullcline f_j = 0 (j ≠ o); a single stable point gives the nullcline.  f(φ) is
fitted by a polynomial; an odd one (what the field integrator takes) when the data are odd.  Units:
per unit ε, per site, J = a = ħ = 1 (time in 1/(εJ)).  D and χT are not computed here: they are
inputs of :meth:`lindhydro.field.FieldModel.from_hydro` (``docs/physics.md``).
"""


from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import root

from lindhydro.quantum.fixed_points import FixedPointResult, as_ensemble, find_fixed_points
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import force_jacobian_lambda, forces, noise_matrix
from lindhydro.quantum.model import ChainParameters, OpenSystem, as_open_system
from lindhydro.quantum.spectrum import Spectrum

#: Largest relative even part max|f(φ) + f(−φ)|/max|f| of the data for which f counts as odd (the
#: interpolation of unevenly sampled flow lines alone gives ~1e-7).
ODD_TOLERANCE = 1e-4

__all__ = ["ODD_TOLERANCE", "OrderParameterHydro", "reduce_to_order_parameter", "reduce_user_model", "slow_manifold", "nullcline"]


@dataclass(frozen=True, eq=False)
class OrderParameterHydro:
    """The order-parameter force and noise reduced from the quantum chain.

    Parameters
    ----------
    force_coeffs : tuple of float
        (c1, c3, c5, ...): f(m)/ε = Σ_k c_k m^(2k+1), units of J, along the slow manifold f2 = 0.
    noise : float
        N11 per unit ε per lattice site at the stable fixed point (units J).
    m_star : float
        |m| (|φ| for a user model) of the stable fixed point with the largest |m| (0 if the only
        stable point is the centre).
    m_grid : ndarray
        Order parameter m (φ) where the manifold was computed.
    f_values : ndarray
        f1(m, e*(m)) (f_o along the manifold) on ``m_grid`` (per unit ε), the data that was fitted.
    parameters : ChainParameters or None
        The chain that produced it (None for a user model).
    e_values : ndarray
        e*(m) on ``m_grid`` (units J).
    noise_values : ndarray
        N11(m, e*(m)) on ``m_grid`` (units J).
    e_star : float
        Energy density of the stable fixed point.
    fit_rms : float
        Root-mean-square residual of the polynomial fit (units J).
    fixed_points : FixedPointResult or None
        The full fixed-point analysis.
    order : str
        Name of the order-parameter charge (``"magnetisation"`` for the paper's chain).
    center : tuple of float
        Densities q of the centre φ = 0 (the unstable fixed point between two stable ones, or
        the single stable one); empty for the paper's route (centre m = 0).
    polynomial : tuple of float
        (a0, a1, a2, ...): the unrestricted fit f(φ)/ε = Σ_n a_n φ^n (user models).
    odd : bool
        f is odd about the centre (``asymmetry`` below :data:`ODD_TOLERANCE`): ``force_coeffs``
        holds the odd fit.
        Otherwise ``force_coeffs`` is empty and the field integrator cannot take the force.
    asymmetry : float
        max |f(φ) + f(−φ)| / max |f| over the symmetric part of the data (0 for odd data).
    manifold : str
        ``"nullcline"`` (f_j = 0 for j ≠ o), ``"flow"`` (unstable → stable flow lines, nullcline
        beyond) or ``"charge"`` (k = 1).
    q_values : ndarray, shape (n, k)
        Densities along the manifold.
    charge_names : tuple of str
        Names of the charges.
    """

    force_coeffs: tuple[float, ...]
    noise: float
    m_star: float
    m_grid: np.ndarray
    f_values: np.ndarray
    parameters: ChainParameters | None
    e_values: np.ndarray = field(default_factory=lambda: np.empty(0))
    noise_values: np.ndarray = field(default_factory=lambda: np.empty(0))
    e_star: float = float("nan")
    fit_rms: float = float("nan")
    fixed_points: FixedPointResult | None = field(default=None, repr=False)
    order: str = "magnetisation"
    center: tuple[float, ...] = ()
    polynomial: tuple[float, ...] = ()
    odd: bool = True
    asymmetry: float = 0.0
    manifold: str = "nullcline"
    q_values: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)
    charge_names: tuple[str, ...] = ("magnetisation", "energy")

    @property
    def degree(self) -> int:
        """Degree of the fitted polynomial (odd: 2·len(force_coeffs) − 1)."""
        return 2 * len(self.force_coeffs) - 1 if self.force_coeffs else len(self.polynomial) - 1

    def force(self, m) -> np.ndarray:
        """f(m)/ε: the odd fit Σ_k c_k m^(2k+1), or the unrestricted one if f is not odd."""
        m = np.asarray(m, dtype=float)
        if not self.force_coeffs:
            return sum(a * m**n for n, a in enumerate(self.polynomial))
        return sum(c * m ** (2 * k + 1) for k, c in enumerate(self.force_coeffs))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the coefficients, noise, units, grid data and parameters."""
        return {
            "force_coeffs": [float(c) for c in self.force_coeffs],
            "noise": float(self.noise),
            "m_star": float(self.m_star),
            "e_star": float(self.e_star),
            "fit_rms": float(self.fit_rms),
            "degree": self.degree,
            "units": (
                "per unit eps, per lattice site, J = a = hbar = 1: f(m)/eps = sum_k c_k m^(2k+1) "
                "[J]; noise = N11 at the stable fixed point [J]; along the slow manifold f2 = 0"
            ),
            "m_grid": np.asarray(self.m_grid).tolist(),
            "f_values": np.asarray(self.f_values).tolist(),
            "e_values": np.asarray(self.e_values).tolist(),
            "noise_values": np.asarray(self.noise_values).tolist(),
            "parameters": {} if self.parameters is None else self.parameters.to_dict(),
            "order": self.order,
            "center": [float(x) for x in self.center],
            "polynomial": [float(a) for a in self.polynomial],
            "odd": bool(self.odd),
            "asymmetry": float(self.asymmetry),
            "manifold": self.manifold,
            "charges": list(self.charge_names),
        }


def slow_manifold(
    ensemble: GibbsEnsemble,
    m_values: np.ndarray,
    *,
    lam_start=None,
    tol: float = 1e-11,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """e*(m) with f2(m, e*) = 0, and λ there, by continuation along ``m_values`` (the paper's chain).

    Parameters
    ----------
    ensemble : GibbsEnsemble
        The ensemble of the chain.
    m_values : 1-D array
        Increasing magnetisations; the continuation starts at the first one.
    lam_start : array_like, optional
        Starting λ for the first point (default (−artanh m0, 0)).
    tol : float
        Tolerance on the residuals.

    Returns
    -------
    e_values, lam_values, ok : ndarrays
        NaN (and ok False) where the manifold could not be continued (e.g. it leaves the
        reachable region); the continuation stops at the first failure.
    """
    m_values = np.asarray(m_values, dtype=float)
    if lam_start is None:
        lam_start = np.array([-np.arctanh(np.clip(m_values[0], -0.999, 0.999)), 0.0])
    lam_out, ok = nullcline(ensemble, 0, m_values, lam_start, tol=tol)
    e_out = np.full(m_values.size, np.nan)
    e_out[ok] = [ensemble.densities(lam)[1] for lam in lam_out[ok]]
    return e_out, lam_out, ok


def nullcline(
    ensemble: GibbsEnsemble, order: int, values: np.ndarray, lam_start, *, tol: float = 1e-11
) -> tuple[np.ndarray, np.ndarray]:
    """The states with q_o = value and f_j = 0 for every other charge j, by continuation.

    The adiabatic slow manifold: every charge but the order parameter q_o relaxed.

    Parameters
    ----------
    ensemble : GibbsEnsemble
        The ensemble.
    order : int
        Index o of the order-parameter charge.
    values : 1-D array
        Values of q_o, in continuation order (the first one close to ``lam_start``).
    lam_start : array_like, shape (k,)
        Starting λ.
    tol : float
        Tolerance on the residuals.

    Returns
    -------
    lam_values, ok : ndarrays
        λ along the manifold, NaN (ok False) from the first point where it could not be continued.
    """
    values = np.asarray(values, dtype=float)
    k = ensemble.n_charges
    others = [j for j in range(k) if j != order]
    lam_out = np.full((values.size, k), np.nan)
    ok = np.zeros(values.size, dtype=bool)
    lam = np.asarray(lam_start, float)
    for i, v in enumerate(values):

        def fun(l, v=v):
            res = np.concatenate([[ensemble.densities(l)[order] - v], forces(ensemble, l)[others]])
            jac = np.vstack([ensemble.density_jacobian(l)[order], force_jacobian_lambda(ensemble, l)[others]])
            return res, jac

        with np.errstate(all="ignore"):
            sol = root(fun, lam, jac=True, method="hybr", options={"xtol": 1e-13})
        res = fun(sol.x)[0]
        if not (np.all(np.isfinite(sol.x)) and np.abs(res).max() < tol and np.abs(sol.x).max() < 100 * _lam_bound(ensemble)):
            break
        lam = sol.x
        lam_out[i] = lam
        ok[i] = True
    return lam_out, ok


def _lam_bound(ensemble: GibbsEnsemble) -> float:
    """A scale of |λ|: 1 for the paper's chain, 1/(smallest half-width of a density range) otherwise."""
    if ensemble.spectrum.parameters is not None:
        return 1.0
    q = ensemble.spectrum.charges / ensemble.n_sites
    return float(1.0 / max(1e-12, 0.5 * (q.max(axis=0) - q.min(axis=0)).min()))


def reduce_to_order_parameter(
    params: ChainParameters | OpenSystem | Spectrum | GibbsEnsemble | tuple,
    *,
    degree: int = 5,
    m_max: float = 0.9,
    n_points: int = 61,
    sectors: str = "auto",
    ensemble: GibbsEnsemble | None = None,
    order: str | int | None = None,
    symmetrise: bool = False,
) -> OrderParameterHydro:
    """Reduce the hydrodynamics of k charges to one order parameter along the slow manifold.

    Parameters
    ----------
    params : ChainParameters, OpenSystem, Spectrum, GibbsEnsemble or tuple
        The paper's chain (m along the nullcline f2 = 0, an odd fit) or any user model (module
        docstring: φ = q_o − q_o(centre) along the unstable → stable flow line).
    degree : int
        Degree of the polynomial fit of f (odd for the paper's chain: 5 → c1, c3, c5; a user
        model's odd fit uses the odd powers up to it).
    m_max : float
        The paper's chain: largest |m| used in the fit (the manifold is computed on [0, m_max] and
        mirrored; it is truncated where it leaves the reachable region).
    n_points : int
        Grid points on [0, m_max] (user models: points per stretch of the manifold).
    sectors : str
        Diagonalisation route (see :func:`lindhydro.quantum.spectrum.diagonalize`).
    ensemble : GibbsEnsemble, optional
        A ready ensemble for ``params`` (skips the diagonalisation).
    order : str or int, optional
        User models: the order-parameter charge (name or index; default: the charge itself for
        k = 1, else the one that changes most between the stable fixed points).
    symmetrise : bool
        User models: fit the odd part of f about the centre even if f is not odd (an
        approximation; ``asymmetry`` says how large the even part is).

    Returns
    -------
    OrderParameterHydro
        Force coefficients, noise, stable fixed point and the data behind the fit.

    Raises
    ------
    ValueError
        Even or non-positive ``degree`` (the paper's chain), ``m_max`` outside (0, 1), too few
        points, or no stable fixed point.
    """
    if isinstance(params, OpenSystem | Spectrum | GibbsEnsemble | tuple | list):
        ens = ensemble if ensemble is not None else as_ensemble(
            params if not isinstance(params, tuple | list) else as_open_system(params), sectors=sectors)
        return reduce_user_model(ens, degree=degree, n_points=n_points, order=order, symmetrise=symmetrise)
    if not isinstance(params, ChainParameters):
        raise ValueError(
            f"params must be ChainParameters, an OpenSystem, a Spectrum or a GibbsEnsemble, got {type(params).__name__}"
        )
    if int(degree) != degree or degree < 1 or degree % 2 == 0:
        raise ValueError(f"degree must be a positive odd integer, got {degree!r}")
    if not 0.0 < m_max < 1.0:
        raise ValueError(f"m_max must lie in (0, 1), got {m_max!r}")
    n_coef = (degree + 1) // 2
    if n_points < n_coef + 2:
        raise ValueError(f"n_points must be at least {n_coef + 2} for degree {degree}, got {n_points}")
    ens = ensemble if ensemble is not None else as_ensemble(params, sectors=sectors)
    fps = find_fixed_points(ens, paths=False)
    if not fps.stable:
        raise ValueError("no stable fixed point: the order-parameter reduction needs one")
    star = max(fps.stable, key=lambda p: abs(p.m))
    # continuation from the Z2-symmetric point m = 0 of the manifold (e from the m = 0 fixed point)
    m_half = np.linspace(0.0, m_max, n_points)
    zero = [p for p in fps.points if abs(p.m) < 1e-8]
    lam0 = np.array(zero[0].lam) if zero else None
    e_half, lam_half, ok = slow_manifold(ens, m_half, lam_start=lam0)
    if ok.sum() < n_coef + 2:
        raise ValueError("the slow manifold f2 = 0 could not be followed far enough from m = 0")
    if not ok.all():
        warnings.warn(
            f"slow manifold truncated at |m| = {m_half[ok][-1]:.3f} (it leaves the reachable region)",
            stacklevel=2,
        )
    m_half, e_half, lam_half = m_half[ok], e_half[ok], lam_half[ok]
    f_half = np.array([forces(ens, l)[0] for l in lam_half])
    n_half = np.array([noise_matrix(ens, l)[0, 0] for l in lam_half])
    m_grid = np.concatenate([-m_half[:0:-1], m_half])
    f_grid = np.concatenate([-f_half[:0:-1], f_half])
    e_grid = np.concatenate([e_half[:0:-1], e_half])
    n_grid = np.concatenate([n_half[:0:-1], n_half])
    A = np.stack([m_grid ** (2 * k + 1) for k in range(n_coef)], axis=1)
    coef, *_ = np.linalg.lstsq(A, f_grid, rcond=None)
    rms = float(np.sqrt(np.mean((A @ coef - f_grid) ** 2)))
    return OrderParameterHydro(
        force_coeffs=tuple(float(c) for c in coef),
        noise=float(star.noise[0, 0]),
        m_star=float(abs(star.m)),
        m_grid=m_grid,
        f_values=f_grid,
        parameters=params,
        e_values=e_grid,
        noise_values=n_grid,
        e_star=float(star.e),
        fit_rms=rms,
        fixed_points=fps,
    )


def reduce_user_model(
    ensemble: GibbsEnsemble,
    *,
    degree: int = 5,
    n_points: int = 61,
    order: str | int | None = None,
    symmetrise: bool = False,
) -> OrderParameterHydro:
    """The order-parameter reduction of any model (module docstring), from its Gibbs ensemble.

    Parameters
    ----------
    ensemble : GibbsEnsemble
        The ensemble of the model.
    degree : int
        Degree (≥ 1) of the polynomial fit.
    n_points : int
        Points per stretch of the manifold (k = 1: on the whole grid).
    order : str or int, optional
        The order-parameter charge (default: module docstring).
    symmetrise : bool
        Fit the odd part of f about the centre even if f is not odd.

    Returns
    -------
    OrderParameterHydro

    Raises
    ------
    ValueError
        ``degree`` < 1, too few points, no stable fixed point, or an unknown ``order``.
    """
    if int(degree) != degree or degree < 1:
        raise ValueError(f"degree must be a positive integer, got {degree!r}")
    if n_points < degree + 3:
        raise ValueError(f"n_points must be at least {degree + 3} for degree {degree}, got {n_points}")
    fps = find_fixed_points(ensemble, paths=True)
    if not fps.stable:
        raise ValueError("no stable fixed point: the order-parameter reduction needs one")
    names = tuple(ensemble.spectrum.charge_names)
    saddle, ends = _saddle(fps)
    o = _order_index(ensemble, names, order, saddle, ends)
    centre = saddle if saddle is not None else min(fps.stable, key=lambda p: max(np.real(p.jacobian_eigenvalues)))
    lam, manifold = _manifold(ensemble, fps, o, centre, saddle, ends, n_points)
    q = np.array([ensemble.densities(l) for l in lam])
    phi = q[:, o] - centre.q[o]
    f = np.array([forces(ensemble, l)[o] for l in lam])
    noise = np.array([noise_matrix(ensemble, l)[o, o] for l in lam])
    poly, odd_coeffs, asym, rms = _fit(phi, f, degree, symmetrise)
    star = max(fps.stable, key=lambda p: abs(p.q[o] - centre.q[o]))
    return OrderParameterHydro(
        force_coeffs=odd_coeffs, noise=float(star.noise[o, o]), m_star=float(abs(star.q[o] - centre.q[o])),
        m_grid=phi, f_values=f, parameters=ensemble.spectrum.parameters,
        e_values=q[:, 1] if q.shape[1] > 1 else np.empty(0), noise_values=noise,
        e_star=float(star.q[1]) if len(star.q) > 1 else float("nan"), fit_rms=rms, fixed_points=fps,
        order=names[o], center=tuple(float(x) for x in centre.q), polynomial=poly, odd=bool(odd_coeffs),
        asymmetry=asym, manifold=manifold, q_values=q, charge_names=names,
    )


def _saddle(fps: FixedPointResult):
    """The unstable point with one unstable direction whose flow lines end at two stable points."""
    stable_q = [np.array(p.q) for p in fps.stable]
    for p in fps.unstable:
        if sum(z.real > 0 for z in p.jacobian_eigenvalues) != 1:
            continue
        ends = []
        for path in fps.paths:
            if np.abs(path[0] - np.array(p.q)).max() < 1e-2 and len(path) > 1:
                hit = [s for s, qs in zip(fps.stable, stable_q, strict=True) if np.abs(path[-1] - qs).max() < 1e-3]
                if hit:
                    ends.append((hit[0], path))
        if len(ends) == 2 and ends[0][0] is not ends[1][0]:
            return p, ends
    return None, []


def _order_index(ens: GibbsEnsemble, names, order, saddle, ends) -> int:
    if order is not None:
        if isinstance(order, str):
            if order not in names:
                raise ValueError(f"order must be one of the charges {list(names)}, got {order!r}")
            return names.index(order)
        if not 0 <= int(order) < len(names):
            raise ValueError(f"order must be a charge index in [0, {len(names)}), got {order!r}")
        return int(order)
    if len(names) == 1 or saddle is None:
        return 0
    chi = np.diag(ens.susceptibility(np.array(saddle.lam)))
    dq = np.abs(np.array(ends[0][0].q) - np.array(ends[1][0].q)) / np.sqrt(np.maximum(chi, 1e-300))
    return int(np.argmax(dq))


def _manifold(ens, fps, o, centre, saddle, ends, n_points):
    """λ along the manifold, ordered by q_o, and its kind (``charge``, ``flow`` or ``nullcline``)."""
    lo, hi = ens.reachable_vertices[:, o].min(), ens.reachable_vertices[:, o].max()
    q_ends = [p.q[o] for p in fps.stable] + [centre.q[o]]
    span = max(max(q_ends) - min(q_ends), 0.3 * (hi - lo))
    a = max(lo + 0.02 * (hi - lo), min(q_ends) - 0.35 * span)
    b = min(hi - 0.02 * (hi - lo), max(q_ends) + 0.35 * span)
    if ens.n_charges == 1:
        grid = np.linspace(a, b, n_points)[:, None]
        lam = ens.lambdas_batch(grid, lam0=np.broadcast_to(np.array(centre.lam), grid.shape))
        return lam[np.all(np.isfinite(lam), axis=1)], "charge"
    if saddle is None:
        c = centre.q[o]
        down = nullcline(ens, o, np.linspace(c, a, n_points), centre.lam)
        up = nullcline(ens, o, np.linspace(c, b, n_points), centre.lam)
        return np.concatenate([down[0][down[1]][::-1], up[0][up[1]][1:]]), "nullcline"
    pieces = []
    for stable, path in sorted(ends, key=lambda e: e[0].q[o]):
        step = max(1, len(path) // n_points)
        lam_path = ens.lambdas_batch(path[::step], lam0=np.broadcast_to(np.array(saddle.lam), path[::step].shape))
        lam_path = lam_path[np.all(np.isfinite(lam_path), axis=1)]
        target = a if stable.q[o] < saddle.q[o] else b
        ext, ok = nullcline(ens, o, np.linspace(stable.q[o], target, n_points // 2)[1:], stable.lam)
        pieces.append(np.concatenate([lam_path, ext[ok]]))
    lam = np.concatenate(pieces)
    return lam[np.argsort([ens.densities(l)[o] for l in lam])], "flow"


def _fit(phi: np.ndarray, f: np.ndarray, degree: int, symmetrise: bool):
    """Unrestricted and odd polynomial fits of f(φ), the asymmetry of the data, the fit rms."""
    V = np.stack([phi**n for n in range(degree + 1)], axis=1)
    poly, *_ = np.linalg.lstsq(V, f, rcond=None)
    reach = min(phi.max(), -phi.min())
    scale = max(np.abs(f).max(), 1e-300)
    asym = 0.0
    if reach > 0:
        order = np.argsort(phi)
        x = np.linspace(0, reach, 41)
        fx = np.interp(x, phi[order], f[order])
        asym = float(np.abs(fx + np.interp(-x, phi[order], f[order])).max() / scale)
    odd = asym < ODD_TOLERANCE or symmetrise
    if not odd:
        return tuple(float(c) for c in poly), (), asym, float(np.sqrt(np.mean((V @ poly - f) ** 2)))
    powers = list(range(1, degree + 1, 2))
    A = np.stack([phi**n for n in powers], axis=1)
    coef, *_ = np.linalg.lstsq(A, f, rcond=None)
    return tuple(float(c) for c in poly), tuple(float(c) for c in coef), asym, float(np.sqrt(np.mean((A @ coef - f) ** 2)))
