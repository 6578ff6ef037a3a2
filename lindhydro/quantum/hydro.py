"""The hydrodynamics of the Gibbs states: forces f_i(q), their Jacobians and the noise N_ij(q).

* Forces per unit ε: f_i(λ) = (1/N) ⟨L̂1†(Q_i)⟩_λ; only the bath contributes because [H0, Q_i] = 0.
  Units (J = a = ħ = 1): f_i in J × [q_i] (the paper's chain: f1 in J, f2 in J²).
* Noise per unit ε and unit length (generalised Einstein relation, the paper's App. A.2):
  N_ij(λ) = (1/N) Σ_k r_k ⟨[L_k†, Q_i][Q_j, L_k]⟩_λ, a symmetric positive semidefinite Gram matrix.
* Jacobians are exact covariances: ∂f_i/∂λ_j = −cov(F_i, Q_j)/N, ∂q_i/∂λ_j = −χ_ij, and
  ∂f/∂q = (∂f/∂λ)(∂q/∂λ)⁻¹.

Derivations, the infinite-temperature forms and where the paper's A.1/A.2 differ: ``docs/physics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.model import ChainParameters

__all__ = [
    "noise_matrix",
    "noise_at",
    "noise_jacobian_lambda",
    "infinite_temperature_noise",
    "forces",
    "force_jacobian_lambda",
    "force_jacobian",
    "forces_at",
    "ForceField",
    "force_field",
    "infinite_temperature_forces",
]


#: The Parameters sections shared by the functions of this module (with the Returns heading), written
#: once and put into their docstrings at the end of the module.
_PARAMETERS = {
    "lam": """Parameters
    ----------
    ensemble : GibbsEnsemble
        The ensemble (spectrum with force and noise elements, charges, N).
    lam : array_like, shape (n_charges,)
        Lagrange parameters (λ1, λ2).

    Returns
    -------""",
    "q": """Parameters
    ----------
    ensemble : GibbsEnsemble
        The ensemble.
    q : array_like, shape (n_charges,)
        Densities, e.g. (m, e).
    lam0 : array_like, optional
        Starting point of the inverse map (:meth:`GibbsEnsemble.lambdas`).

    Returns
    -------""",
}


def forces(ensemble: GibbsEnsemble, lam) -> np.ndarray:
    """f_i(λ) = (1/N) ⟨L̂1†(Q_i)⟩_λ per unit ε.

    {lam}
    ndarray, shape (n_charges,)
        (f1, f2) per unit ε; units J × [q_i] (f1 in J, f2 in J²).
    """
    return ensemble.average(ensemble.spectrum.force_elements, lam) / ensemble.n_sites


def force_jacobian_lambda(ensemble: GibbsEnsemble, lam) -> np.ndarray:
    """∂f_i/∂λ_j = −cov(F_i, Q_j)/N (exact).

    {lam}
    ndarray, shape (n_charges, n_charges)
        The Jacobian in λ coordinates, per unit ε.
    """
    return -ensemble.covariance(ensemble.spectrum.force_elements, lam) / ensemble.n_sites


def force_jacobian(ensemble: GibbsEnsemble, lam) -> np.ndarray:
    """∂f_i/∂q_j = (∂f/∂λ)(∂q/∂λ)⁻¹ at the Gibbs state λ.

    {lam}
    ndarray, shape (n_charges, n_charges)
        The Jacobian in density coordinates per unit ε (rates in units of J).
    """
    dfdl = force_jacobian_lambda(ensemble, lam)
    dqdl = ensemble.density_jacobian(lam)
    return np.linalg.solve(dqdl.T, dfdl.T).T


def forces_at(ensemble: GibbsEnsemble, q, *, lam0=None) -> np.ndarray:
    """f(q): forces at densities q, through the inverse map λ(q).

    {q}
    ndarray, shape (n_charges,)
        Forces per unit ε.

    Raises
    ------
    ValueError
        If q is unreachable.
    """
    return forces(ensemble, ensemble.lambdas(q, lam0=lam0))


def noise_matrix(ensemble: GibbsEnsemble, lam) -> np.ndarray:
    """N_ij(λ) = (1/N) Σ_k r_k ⟨[L_k†, Q_i][Q_j, L_k]⟩_λ per unit ε and unit length.

    {lam}
    ndarray, shape (n_charges, n_charges)
        Symmetric positive semidefinite noise matrix (N11 in J, N12 in J², N22 in J³).
    """
    Nn = ensemble.average(ensemble.spectrum.noise_elements, lam) / ensemble.n_sites
    return 0.5 * (Nn + Nn.T)


def noise_jacobian_lambda(ensemble: GibbsEnsemble, lam) -> np.ndarray:
    """∂N_ij/∂λ_k = −cov(N_ij, Q_k)/N.

    {lam}
    ndarray, shape (n_charges, n_charges, n_charges)
        Derivatives, last index k.
    """
    return -ensemble.covariance(ensemble.spectrum.noise_elements, lam) / ensemble.n_sites


def noise_at(ensemble: GibbsEnsemble, q, *, lam0=None) -> np.ndarray:
    """N(q): the noise matrix at densities q.

    {q}
    ndarray, shape (n_charges, n_charges)
        Noise matrix per unit ε and unit length; raises ValueError if q is unreachable.
    """
    return noise_matrix(ensemble, ensemble.lambdas(q, lam0=lam0))


def infinite_temperature_forces(m, params: ChainParameters) -> tuple[np.ndarray, np.ndarray]:
    """Analytic (f1, f2) per unit ε at λ2 = 0 (product state, ⟨σᶻ⟩ = m), periodic chain.

    f1 = 2J[γ/4 (1 − m²) − (1 − γ)] m (units J), f2 = J²Δ[γ(1 − m²) − 4(1 − γ)m²] (units J²).
    Independent of the hopping normalisation and of J'.

    Parameters
    ----------
    m : array_like
        Magnetisation density.
    params : ChainParameters
        J, Δ, γ are used.

    Returns
    -------
    f1, f2 : ndarray
        Forces per unit ε.
    """
    m = np.asarray(m, dtype=float)
    J, g, D = params.J, params.gamma, params.delta
    f1 = 2 * J * (g / 4 * (1 - m**2) - (1 - g)) * m
    f2 = J**2 * D * (g * (1 - m**2) - 4 * (1 - g) * m**2)
    return f1, f2


def infinite_temperature_noise(m, params: ChainParameters) -> tuple[np.ndarray, np.ndarray]:
    """Analytic (N11, N12) per unit ε at λ2 = 0 (product state, ⟨σᶻ⟩ = m), periodic chain.

    N11 = 4J(1 − γ) + Jγ(1 − m²) (units J); N12 = 8J²Δ(1−γ)m + 2J²Δγ m(1 − m²) (units J²).

    Parameters
    ----------
    m, params
        As in :func:`infinite_temperature_forces`.

    Returns
    -------
    N11, N12 : ndarray
        Noise matrix elements per unit ε and unit length.
    """
    m = np.asarray(m, dtype=float)
    J, g, D = params.J, params.gamma, params.delta
    n11 = 4 * J * (1 - g) + J * g * (1 - m**2)
    n12 = 8 * J**2 * D * (1 - g) * m + 2 * J**2 * D * g * m * (1 - m**2)
    return n11, n12


@dataclass(frozen=True, eq=False)
class ForceField:
    """Forces and noise on a regular (m, e) grid (per unit ε, per site).

    Parameters
    ----------
    m, e : ndarray
        Grid axes: magnetisation density m = ⟨Q1⟩/N and energy density e = ⟨H0⟩/N (units J).
    forces : ndarray, shape (2, len(e), len(m))
        (f1, f2); NaN outside the reachable region.
    noise : ndarray, shape (2, 2, len(e), len(m))
        N_ij per unit ε and unit length.
    lam : ndarray, shape (2, len(e), len(m))
        Lagrange parameters (λ1, λ2) of the grid points.
    n_sites : int
        Chain length N of the spectrum.
    parameters : ChainParameters or None
        The chain, if known.
    hull : ndarray
        Vertices of the reachable region (for plots).
    charge_names : tuple of str
        Names of the two charges (a user model's ``m`` and ``e`` axes are its q1 and q2).
    """

    m: np.ndarray
    e: np.ndarray
    forces: np.ndarray
    noise: np.ndarray
    lam: np.ndarray
    n_sites: int
    parameters: ChainParameters | None
    hull: np.ndarray = field(repr=False, default_factory=lambda: np.empty((0, 2)))
    charge_names: tuple[str, ...] = ("magnetisation", "energy")

    @property
    def magnitude(self) -> np.ndarray:
        """|f| = sqrt(f1² + f2²) (mixed units, as in the paper's Fig. 2)."""
        return np.hypot(self.forces[0], self.forces[1])

    def to_xarray(self):
        """An :class:`xarray.Dataset` with units and the parameters as attributes."""
        import xarray as xr

        dims = ("e", "m")
        attrs: dict[str, Any] = {
            "title": "lindhydro Gibbs-ensemble force field of the weakly open XXZ chain",
            "conventions": (
                "forces and noise per unit epsilon; m = <Q1>/N, e = <H0>/N; J = a = hbar = 1; "
                "NaN outside the reachable region (interior of the convex hull of (Q1_n, E_n)/N)"
            ),
            "n_sites": int(self.n_sites),
            "charges": list(self.charge_names),
        }
        if self.charge_names != ("magnetisation", "energy"):
            attrs["conventions"] = attrs["conventions"].replace(
                "m = <Q1>/N, e = <H0>/N", f"m = <{self.charge_names[0]}>/N, e = <{self.charge_names[1]}>/N")
        if self.parameters is not None:
            for k, v in self.parameters.to_dict().items():
                attrs[f"param_{k}"] = v
        ds = xr.Dataset(
            {
                "f1": (dims, self.forces[0], {"long_name": "force on m per unit eps", "units": "J"}),
                "f2": (dims, self.forces[1], {"long_name": "force on e per unit eps", "units": "J^2"}),
                "abs_f": (dims, self.magnitude, {"long_name": "sqrt(f1^2 + f2^2)", "units": "mixed"}),
                "N11": (dims, self.noise[0, 0], {"long_name": "noise N_mm per unit eps and length", "units": "J"}),
                "N12": (dims, self.noise[0, 1], {"long_name": "noise N_me per unit eps and length", "units": "J^2"}),
                "N22": (dims, self.noise[1, 1], {"long_name": "noise N_ee per unit eps and length", "units": "J^3"}),
                "lambda1": (dims, self.lam[0], {"long_name": "Lagrange parameter of Q1", "units": "1"}),
                "lambda2": (dims, self.lam[1], {"long_name": "Lagrange parameter of H0 (1/T)", "units": "1/J"}),
                "hull_m": (("hull_vertex",), self.hull[:, 0], {"long_name": "reachable-region vertex m"}),
                "hull_e": (("hull_vertex",), self.hull[:, 1], {"long_name": "reachable-region vertex e", "units": "J"}),
            },
            coords={
                "m": ("m", self.m, {"long_name": "magnetisation density <Q1>/N", "units": "1"}),
                "e": ("e", self.e, {"long_name": "energy density <H0>/N", "units": "J"}),
            },
            attrs=attrs,
        )
        return ds

    def save(self, path) -> None:
        """Write a self-describing netCDF file (xarray, engine h5netcdf)."""
        self.to_xarray().to_netcdf(path, engine="h5netcdf")


def force_field(
    ensemble: GibbsEnsemble,
    m: np.ndarray,
    e: np.ndarray,
) -> ForceField:
    """Forces and noise on the grid m × e (one vectorised batched inverse map for all points).

    Parameters
    ----------
    ensemble : GibbsEnsemble
        Over a two-charge spectrum ((Q1, H0) for the paper's chain; any two charges q1, q2 of a
        user model).
    m, e : 1-D arrays
        Grid axes: densities per site of the first and second charge (e in units of J).

    Returns
    -------
    ForceField
        Points outside the reachable region (or where the inverse map fails) are NaN.
    """
    if ensemble.n_charges != 2:
        raise ValueError(f"force_field needs a spectrum with exactly two charges, got {ensemble.n_charges}")
    m = np.asarray(m, dtype=float)
    e = np.asarray(e, dtype=float)
    if m.ndim != 1 or e.ndim != 1 or m.size < 2 or e.size < 2:
        raise ValueError("m and e must be 1-D grids with at least two points each")
    spec = ensemble.spectrum
    nm, ne = m.size, e.size
    # start from the infinite-temperature guess λ1 = −artanh(m), λ2 = 0 (exact at e = Δ m² when
    # J' terms vanish), one batched damped-Newton solve for the whole grid
    M, E = np.meshgrid(m, e)
    q = np.stack([M, E], axis=-1)
    guess = np.stack([-np.arctanh(np.clip(M, -0.999, 0.999)), np.zeros_like(M)], axis=-1)
    if spec.parameters is None:  # a user model: start from infinite temperature
        guess = np.zeros_like(guess)
    lam = ensemble.lambdas_batch(q, lam0=guess)
    flat = lam.reshape(-1, 2)
    ok = np.all(np.isfinite(flat), axis=1)
    k = ensemble.n_charges
    cols = np.concatenate([spec.force_elements, spec.noise_elements.reshape(spec.n_states, k * k)], axis=1)
    vals = np.full((flat.shape[0], cols.shape[1]), np.nan)
    if ok.any():
        vals[ok] = ensemble.batch_averages(flat[ok], cols) / ensemble.n_sites
    f = vals[:, :k].T.reshape(k, ne, nm)
    Nn = vals[:, k:].T.reshape(k, k, ne, nm)
    return ForceField(
        m=m,
        e=e,
        forces=f,
        noise=Nn,
        lam=np.moveaxis(lam, -1, 0),
        n_sites=ensemble.n_sites,
        parameters=spec.parameters,
        hull=np.asarray(ensemble.reachable_vertices),
        charge_names=tuple(spec.charge_names),
    )


for _function in (forces, force_jacobian_lambda, force_jacobian, forces_at, noise_matrix, noise_jacobian_lambda, noise_at):
    _function.__doc__ = _function.__doc__.format(**_PARAMETERS)
