"""Order-parameter hydrodynamics: the two-charge flow reduced to a single field m for the SPDE.

Eliminating the fast energy gives the slow manifold e*(m), f2(m, e*(m)) = 0, on which
∂_t m = f(m) = f1(m, e*(m)) with noise N11(m, e*(m)); f is fitted by an odd polynomial
Σ_k c_k m^(2k+1) (odd by the Z2 symmetry).  Units: per unit ε, per site, J = a = ħ = 1 (c_k and N11
in J, time in 1/(εJ)).  D and χT are not computed here: they are inputs of
:meth:`lindhydro.field.FieldModel.from_hydro` (``docs/physics.md``).
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
from lindhydro.quantum.model import ChainParameters

__all__ = ["OrderParameterHydro", "reduce_to_order_parameter", "slow_manifold"]


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
        |m| of the stable fixed point with the largest |m| (0 if the only stable point is m = 0).
    m_grid : ndarray
        Magnetisations where the slow manifold was computed (symmetric about 0).
    f_values : ndarray
        f1(m, e*(m)) on ``m_grid`` (per unit ε, units J), the data that was fitted.
    parameters : ChainParameters
        The chain that produced it.
    e_values : ndarray
        e*(m) on ``m_grid`` (units J).
    noise_values : ndarray
        N11(m, e*(m)) on ``m_grid`` (units J).
    e_star : float
        Energy density of the stable fixed point.
    fit_rms : float
        Root-mean-square residual of the polynomial fit (units J).
    fixed_points : FixedPointResult or None
        The full two-component fixed-point analysis.
    """

    force_coeffs: tuple[float, ...]
    noise: float
    m_star: float
    m_grid: np.ndarray
    f_values: np.ndarray
    parameters: ChainParameters
    e_values: np.ndarray = field(default_factory=lambda: np.empty(0))
    noise_values: np.ndarray = field(default_factory=lambda: np.empty(0))
    e_star: float = float("nan")
    fit_rms: float = float("nan")
    fixed_points: FixedPointResult | None = field(default=None, repr=False)

    @property
    def degree(self) -> int:
        """Degree of the odd polynomial (2·len(force_coeffs) − 1)."""
        return 2 * len(self.force_coeffs) - 1

    def force(self, m) -> np.ndarray:
        """f(m)/ε = Σ_k c_k m^(2k+1) (units J)."""
        m = np.asarray(m, dtype=float)
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
            "parameters": self.parameters.to_dict(),
        }


def slow_manifold(
    ensemble: GibbsEnsemble,
    m_values: np.ndarray,
    *,
    lam_start=None,
    tol: float = 1e-11,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """e*(m) with f2(m, e*) = 0, and λ there, by continuation along ``m_values``.

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
    e_out = np.full(m_values.size, np.nan)
    lam_out = np.full((m_values.size, 2), np.nan)
    ok = np.zeros(m_values.size, dtype=bool)
    lam = np.array([-np.arctanh(np.clip(m_values[0], -0.999, 0.999)), 0.0]) if lam_start is None else np.asarray(lam_start, float)
    for i, m in enumerate(m_values):

        def fun(l, m=m):
            q = ensemble.densities(l)
            res = np.array([q[0] - m, forces(ensemble, l)[1]])
            jac = np.vstack([ensemble.density_jacobian(l)[0], force_jacobian_lambda(ensemble, l)[1]])
            return res, jac

        with np.errstate(all="ignore"):
            sol = root(fun, lam, jac=True, method="hybr", options={"xtol": 1e-13})
        res = fun(sol.x)[0]
        if not (np.all(np.isfinite(sol.x)) and np.abs(res).max() < tol and np.abs(sol.x).max() < 100):
            break
        lam = sol.x
        lam_out[i] = lam
        e_out[i] = ensemble.densities(lam)[1]
        ok[i] = True
    return e_out, lam_out, ok


def reduce_to_order_parameter(
    params: ChainParameters,
    *,
    degree: int = 5,
    m_max: float = 0.9,
    n_points: int = 61,
    sectors: str = "auto",
    ensemble: GibbsEnsemble | None = None,
) -> OrderParameterHydro:
    """Reduce the two-charge hydrodynamics to the order parameter m along the slow manifold.

    Parameters
    ----------
    params : ChainParameters
        The chain (the paper's preset by default values of ChainParameters).
    degree : int
        Odd degree of the polynomial fit of f(m) (5 → coefficients c1, c3, c5).
    m_max : float
        Largest |m| used in the fit (the manifold is computed on [0, m_max] and mirrored; it is
        truncated where it leaves the reachable region).
    n_points : int
        Grid points on [0, m_max].
    sectors : str
        Diagonalisation route (see :func:`lindhydro.quantum.spectrum.diagonalize`).
    ensemble : GibbsEnsemble, optional
        A ready ensemble for ``params`` (skips the diagonalisation).

    Returns
    -------
    OrderParameterHydro
        Force coefficients, noise, stable fixed point and the data behind the fit.

    Raises
    ------
    ValueError
        Even or non-positive ``degree``, ``m_max`` outside (0, 1), too few points, or no stable
        fixed point.
    """
    if not isinstance(params, ChainParameters):
        raise ValueError(f"params must be ChainParameters, got {type(params).__name__}")
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
