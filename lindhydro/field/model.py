r"""The stochastic field theory of the order parameter: the model, its force and its defaults.

Equation (Lange & Rosch, Eq. 15, on a periodic line of length ``L``)::

    d_t m = D d_r^2 m + f(m) + xi + d_r xi_th,
    <xi(r,t) xi(r',t')>       = site_noise    delta(r-r') delta(t-t'),
    <xi_th(r,t) xi_th(r',t')> = thermal_noise delta(r-r') delta(t-t')   (thermal_noise = 2 D chi_T),

with ``f(m) = sum_k c_k m^(2k+1)`` an odd polynomial (``force_coeffs = (c_1, c_3, ...)``, already
multiplied by ``eps``).  This module is the one home of ``f``, its potential ``v = -int f``, the
stable magnetisation ``m0``, the noiseless wall width and the defaults of the wall count
(coarse-graining length ``ell = w / 2``, hysteresis threshold ``m0 / 2``).

Units: energies in ``J``, lengths in lattice constants ``a``, times in ``1 / J``; the paper's toy
model sets ``D = J = a = 1`` and uses ``eps~ = eps J a^2 / D``.  ``m`` is the magnetisation per
site.  ``site_noise`` and ``thermal_noise`` are variances per unit length and unit time.

``renormalisation="wick"`` Wick-orders the force against the lattice variance ``C`` of the
conserved noise (:func:`heun_counterterm_variance`), ``f_R(m) = sum_k c_k :m^(2k+1):_C``, so that
the average force on a cell is ``f`` at its mean; ``"none"`` is the model as printed, which has no
ordered phase at the paper's conserved noise.  Derivation and measurements: ``docs/physics.md``
(*The conserved noise is UV-dominated*).

The paper's toy model comes in two conventions (:data:`CONVENTIONS`, :func:`paper_toy_model`):
``"derived"`` keeps the printed site noise ``4 a J eps (1 - gamma)`` (temperature ``2 J eps (1 -
gamma)`` by fluctuation-dissipation); ``"as-run"`` halves it, so that the temperature is the paper's
stated ``T_eff = eps J (1 - gamma)``: our reconstruction of what the paper ran (``docs/physics.md``,
*The paper's Figs. 5 and 6 as run*).  Wall densities in *paper units* are walls per cell of the
paper's ``dx = 0.25`` (:data:`PAPER_CELL`, :func:`density_in_paper_units`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from lindhydro.field.numerics import positive_number

__all__ = [
    "COARSE_GRAINING_FRACTION",
    "CONVENTIONS",
    "NOISE_AVERAGING_FACTOR",
    "PAPER_CELL",
    "RENORMALISATIONS",
    "THRESHOLD_FRACTION",
    "FieldModel",
    "conserved_noise_variance",
    "density_in_paper_units",
    "heun_counterterm_variance",
    "noise_ma_coefficients",
    "paper_toy_model",
    "odd_polynomial",
    "polynomial_potential",
    "positive_zeros",
    "stable_zero",
    "tanh_wall_width",
    "wick_order",
]

#: Allowed values of :attr:`FieldModel.renormalisation`.
RENORMALISATIONS = ("none", "wick")
#: Default coarse-graining length of the wall count, in units of the noiseless wall width.
COARSE_GRAINING_FRACTION = 0.5
#: Default hysteresis threshold of the wall count, in units of ``m0``.
THRESHOLD_FRACTION = 0.5
#: ``kappa`` of the default coarse-graining length with conserved noise,
#: ``ell >= kappa chi_T / threshold^2``: the box average of the noise's white part (variance
#: ``chi_T / ell``) stays below ``threshold^2 / kappa`` (:attr:`FieldModel.coarse_graining_length`).
NOISE_AVERAGING_FACTOR = 2.5
#: Conventions of the paper's toy model (:func:`paper_toy_model`).
CONVENTIONS = ("derived", "as-run")
#: The paper's cell width ``dx = 0.25 a``: a wall density in *paper units* is walls per such cell.
PAPER_CELL = 0.25


def density_in_paper_units(density):
    """A wall density per unit length (``1/a``) in the paper's units: walls per cell of ``dx = 0.25 a``.

    The paper's Figs. 5 and 6 are reproduced by our densities times :data:`PAPER_CELL` (a factor
    4 below walls per unit length); see ``docs/physics.md``, *The paper's Figs. 5 and 6 as run*.

    Parameters
    ----------
    density : float or array_like
        Walls per unit length (``nan``/``None`` pass through as ``nan``).

    Returns
    -------
    float or numpy.ndarray
        ``density * PAPER_CELL``.
    """
    n = np.asarray(np.nan if density is None else density, dtype=float) * PAPER_CELL
    return float(n) if n.ndim == 0 else n


def odd_polynomial(coeffs, m, *, derivative: int = 0):
    """The force ``f(m) = sum_k c_k m^(2k+1)``, its derivative or its integral from 0.

    Parameters
    ----------
    coeffs : sequence of float
        ``(c_1, c_3, ...)``, lowest order first.
    m : float or array_like
        Magnetisation(s).
    derivative : {0, 1, -1}, default 0
        ``0``: ``f``; ``1``: ``f' = sum_k (2k+1) c_k m^(2k)``; ``-1``: ``int_0^m f = sum_k c_k
        m^(2k+2) / (2k+2)`` (the potential is ``v = -int_0^m f``, :func:`polynomial_potential`).

    Returns
    -------
    numpy.ndarray or float
    """
    m = np.asarray(m, dtype=float)
    if derivative == 0:
        return sum(ck * m ** (2 * k + 1) for k, ck in enumerate(coeffs))
    if derivative == 1:
        return sum((2 * k + 1) * ck * m ** (2 * k) for k, ck in enumerate(coeffs))
    if derivative == -1:
        return sum(ck * m ** (2 * k + 2) / (2 * k + 2) for k, ck in enumerate(coeffs))
    raise ValueError(f"derivative must be 0, 1 or -1, got {derivative!r}")


def polynomial_potential(coeffs, m):
    """The potential ``v(m) = -int_0^m f`` of the force with coefficients ``coeffs`` (``v(0) = 0``).

    The Ginzburg-Landau potential density (units ``J``): for a bistable force its minima are at
    ``+-m0`` and ``v(0) - v(m0)`` is the barrier that sets the wall width and energy.

    Parameters
    ----------
    coeffs : sequence of float
        Force coefficients ``(c_1, c_3, ...)`` (:func:`odd_polynomial`).
    m : float or array_like
        Magnetisation(s).

    Returns
    -------
    numpy.ndarray or float
    """
    return -odd_polynomial(coeffs, m, derivative=-1)


def positive_zeros(coeffs, *, tol: float = 1e-12) -> tuple[float, ...]:
    """The zeros ``m > 0`` of ``f``, ascending.

    Parameters
    ----------
    coeffs : sequence of float
        ``(c_1, c_3, ...)``; ``f(m) / m`` is a polynomial in ``u = m^2`` with these coefficients.
    tol : float, default 1e-12
        A root ``u`` counts as real when ``|Im u| < tol * max(1, |u|)``.

    Returns
    -------
    tuple of float
    """
    c = np.asarray(coeffs, dtype=float)
    if c.size < 2:
        return ()
    roots = np.roots(c[::-1])
    u = sorted(r.real for r in roots if abs(r.imag) < tol * max(1.0, abs(r)) and r.real > 0)
    return tuple(math.sqrt(x) for x in u)


def stable_zero(coeffs) -> float | None:
    """The stable magnetisation ``m0 > 0`` of ``dm/dt = f(m)``: the smallest positive zero of ``f``.

    Parameters
    ----------
    coeffs : sequence of float
        ``(c_1, c_3, ...)``.

    Returns
    -------
    float or None
        None without bistability (``m = 0`` stable or marginal, ``c_1 <= 0``, or no positive zero).
    """
    if coeffs[0] <= 0:
        return None
    zeros = positive_zeros(coeffs)
    return zeros[0] if zeros else None


def tanh_wall_width(coeffs, D: float) -> float | None:
    """Width ``w`` of the noiseless wall ``m0 tanh(r / w)``, defined by the slope at its centre.

    ``w = m0 / m'(0) = m0 sqrt(D / (2 [v(0) - v(m0)]))`` (energy conservation of ``D m'' = -f(m)``);
    exact for a cubic force, ``w = sqrt(2 D / c_1)``; for the toy model ``w = x0 / sqrt(eps)``,
    ``x0 = sqrt(8 D / ((5 gamma - 4) J))``.

    Parameters
    ----------
    coeffs : sequence of float
        ``(c_1, c_3, ...)``.
    D : float
        Diffusion constant.

    Returns
    -------
    float or None
        Units of length; None without bistability or with ``D = 0``.
    """
    m0 = stable_zero(coeffs)
    if m0 is None or not D > 0:
        return None
    barrier = float(polynomial_potential(coeffs, 0.0) - polynomial_potential(coeffs, m0))
    return float(m0 * math.sqrt(D / (2.0 * barrier)))


def wick_order(coeffs, C: float) -> tuple[float, ...]:
    """Return the coefficients of the Wick-ordered odd polynomial ``sum_k c_k :m^(2k+1):_C``.

    Parameters
    ----------
    coeffs : sequence of float
        ``(c_1, c_3, c_5, ...)`` of ``f(m) = sum_k c_k m^(2k+1)``.
    C : float
        Variance (>= 0) of the Gaussian fluctuations the force is ordered with respect to.

    Returns
    -------
    tuple of float
        Coefficients of the same degree.  ``:m^n:_C = sum_j n! / (j! (n-2j)!) (-C/2)^j m^(n-2j)``,
        so that ``E[:(mu + delta)^n:] = mu^n`` for ``delta ~ N(0, C)``.
    """
    c = [float(x) for x in coeffs]
    out = [0.0] * len(c)
    for k, ck in enumerate(c):
        n = 2 * k + 1
        for j in range(k + 1):
            w = math.factorial(n) / (math.factorial(j) * math.factorial(n - 2 * j)) * (-C / 2.0) ** j
            out[k - j] += ck * w
    return tuple(out)


@lru_cache(maxsize=64)
def conserved_noise_variance(thermal_noise: float, D: float, dx: float, dt: float, n_cells: int) -> float:
    """Exact stationary per-cell variance of the Heun scheme for conserved noise alone (``f = 0``).

    ``C = (1/n) sum_(k != 0) (chi_T / dx) (2 - lam_k) / (2 - lam_k + lam_k^2 / 2)`` with
    ``chi_T = thermal_noise / (2 D)`` and ``lam_k = dt D 4 sin^2(pi j / n) / dx^2``; the total
    magnetisation (``k = 0``) is conserved and does not fluctuate.

    Parameters
    ----------
    thermal_noise : float
        ``2 D chi_T`` (variance per unit length and time).
    D, dx, dt : float
        Diffusion constant, cell width, time step.
    n_cells : int
        Number of cells.

    Returns
    -------
    float
        ``C`` (units of ``m^2``); ``0`` when ``thermal_noise == 0``.
    """
    if thermal_noise == 0.0:
        return 0.0
    if not D > 0:
        raise ValueError("conserved noise needs diffusion (D > 0): its variance grows without bound otherwise")
    j = np.arange(1, n_cells)
    lam = dt * D * 4.0 * np.sin(np.pi * j / n_cells) ** 2 / dx**2
    ratio = (2.0 - lam) / (2.0 - lam + 0.5 * lam**2)
    return float(thermal_noise / (2.0 * D * dx) * np.sum(ratio) / n_cells)


@lru_cache(maxsize=64)
def heun_counterterm_variance(thermal_noise: float, D: float, dx: float, dt: float, n_cells: int) -> float:
    """The variance the force evaluations of Heun's scheme see, for conserved noise alone.

    Heun evaluates the force at ``m`` and at the predictor ``m* = m + dt F(m) + eta`` and averages.
    Per mode of the linear ``f = 0`` problem ``Var(m) = V_k`` (:func:`conserved_noise_variance`)
    and ``Var(m*) = (1 - lam_k)^2 V_k + q_k`` (``q_k = thermal_noise kappa_k^2 dt / dx`` the
    noise per step), so the Hartree shift of the averaged force is ``3 c_3`` times
    ``C_H = (1/n) sum_(k != 0) (V_k + Var(m*_k)) / 2``.  Wick-ordering against ``C_H`` cancels it
    exactly at one loop, for every ``dt``; ``C_H -> chi_T / dx`` as ``dt -> 0``
    (at ``dx = 0.25``, ``2 D chi_T = 1``: ``C_H = 2.0003`` for ``dt = 0.001``, ``2.095`` for
    ``dt = 0.01``, while ``V = 1.9987`` and ``1.904``).

    Parameters
    ----------
    thermal_noise : float
        ``2 D chi_T``.
    D, dx, dt : float
        Diffusion constant, cell width, time step (``dt = 0``: continuous time).
    n_cells : int
        Number of cells.

    Returns
    -------
    float
        ``C_H`` (0 without conserved noise).
    """
    if thermal_noise == 0.0:
        return 0.0
    if not D > 0:
        raise ValueError("conserved noise needs diffusion (D > 0): its variance grows without bound otherwise")
    if dt == 0.0:  # continuous time
        return conserved_noise_variance(thermal_noise, D, dx, 0.0, n_cells)
    j = np.arange(1, n_cells)
    kap2 = 4.0 * np.sin(np.pi * j / n_cells) ** 2 / dx**2
    lam = dt * D * kap2
    q = thermal_noise * kap2 * dt / dx
    V = q * (1.0 - 0.5 * lam) / (lam * (2.0 - lam + 0.5 * lam**2))
    Vs = (1.0 - lam) ** 2 * V + q
    return float(0.5 * np.sum(V + Vs) / n_cells)


def noise_ma_coefficients(site_noise: float, thermal_noise: float, dx: float, dt: float) -> tuple[float, float]:
    """Coefficients ``(a, b)`` of the per-step noise increment ``eta_i = a z_i + b z_(i-1)``.

    The increment of cell ``i`` over one step is ``s g_i + c (h_i - h_(i-1))`` with independent
    standard normals ``g`` (cells) and ``h`` (links ``i + 1/2``), ``s^2 = site_noise dt / dx`` and
    ``c^2 = thermal_noise dt / dx^3`` (the link noise ``zeta = sqrt(thermal_noise dt / dx) h``
    enters as ``(zeta_(i+1/2) - zeta_(i-1/2)) / dx``).  This is a Gaussian MA(1) process
    (variance ``s^2 + 2 c^2``, nearest-neighbour covariance ``-c^2``, on the ring as well), so one
    normal per cell suffices: ``a b = -c^2``, ``a + b = s``, ``a - b = sqrt(s^2 + 4 c^2)``.
    ``sum_i eta_i = s sum_i z_i``: without site noise (``a = -b``) ``sum m`` is conserved to
    round-off.

    Parameters
    ----------
    site_noise, thermal_noise : float
        Noise strengths (variances per unit length and time).
    dx, dt : float
        Cell width and time step.

    Returns
    -------
    (float, float)
        ``(a, b)``.
    """
    s = math.sqrt(site_noise * dt / dx)
    c2 = thermal_noise * dt / dx**3
    r = math.sqrt(s * s + 4.0 * c2)
    if s == 0.0:
        c = math.sqrt(c2)
        return c, -c
    return 0.5 * (s + r), 0.5 * (s - r)


@dataclass(frozen=True)
class FieldModel:
    r"""Parameters of ``d_t m = D d^2 m + f(m) + xi + d_r xi_th`` (see the module docstring for units).

    Parameters
    ----------
    force_coeffs : tuple of float
        ``(c_1, c_3, c_5, ...)``: ``f(m) = sum_k c_k m^(2k+1)``, already multiplied by ``eps``
        (units ``J``, i.e. ``1 / time``).
    D : float
        Diffusion constant (``a^2 J``), >= 0.
    site_noise : float
        Variance of the non-conserved noise ``xi`` per unit length and time (``a J``), >= 0.
    thermal_noise : float
        ``2 D chi_T``, variance of ``xi_th`` per unit length and time (``a^3 J``), >= 0; 0 = off.
    renormalisation : {"none", "wick"}
        How the force treats the lattice-scale conserved noise (module docstring).  ``"none"`` is
        the model exactly as printed.
    eps, gamma : float or None
        The bath coupling and the ``L^(2)`` weight the model was built for (bookkeeping).
    name : str
        A label.
    metadata : dict
        Provenance (e.g. the chain parameters of a first-principles model); not compared.
    """

    force_coeffs: tuple[float, ...]
    D: float = 1.0
    site_noise: float = 0.0
    thermal_noise: float = 0.0
    renormalisation: str = "none"
    eps: float | None = None
    gamma: float | None = None
    name: str = "custom"
    metadata: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        c = tuple(float(x) for x in np.atleast_1d(np.asarray(self.force_coeffs, dtype=float)))
        if len(c) == 0 or not all(math.isfinite(x) for x in c):
            raise ValueError(f"force_coeffs must be a non-empty sequence of finite numbers, got {self.force_coeffs!r}")
        if len(c) > 8:
            raise ValueError(f"force polynomials up to degree 15 (8 coefficients) are supported, got {len(c)}")
        object.__setattr__(self, "force_coeffs", c)
        for name in ("D", "site_noise", "thermal_noise"):
            v = float(getattr(self, name))
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {getattr(self, name)!r}")
            object.__setattr__(self, name, v)
        if self.thermal_noise > 0 and self.D == 0:
            raise ValueError("thermal (conserved) noise needs D > 0: without diffusion its variance grows without bound")
        if self.renormalisation not in RENORMALISATIONS:
            raise ValueError(f"renormalisation must be one of {RENORMALISATIONS}, got {self.renormalisation!r}")
        if c[-1] > 0:
            raise ValueError(
                f"the leading force coefficient must be <= 0 (a confining force), got {c[-1]:g}: "
                "m would run away to infinity"
            )

    # ----------------------------------------------------------------- the force
    def force(self, m):
        """Bare force ``f(m) = sum_k c_k m^(2k+1)`` (units ``J``; :func:`odd_polynomial`)."""
        return odd_polynomial(self.force_coeffs, m)

    def force_derivative(self, m):
        """``f'(m)``."""
        return odd_polynomial(self.force_coeffs, m, derivative=1)

    def potential(self, m):
        """``v(m) = -int_0^m f`` (the Ginzburg-Landau potential density; units ``J``)."""
        return polynomial_potential(self.force_coeffs, m)

    @property
    def m0(self) -> float | None:
        """Stable fixed point ``m0 > 0`` of ``dm/dt = f(m)`` (None without bistability)."""
        return stable_zero(self.force_coeffs)

    @property
    def wall_width(self) -> float | None:
        """Width ``w`` of the noiseless wall ``m0 tanh(r / w)`` (:func:`tanh_wall_width`).

        None without bistability or with ``D = 0``.
        """
        return tanh_wall_width(self.force_coeffs, self.D)

    @property
    def coarse_graining_length(self) -> float | None:
        """Default coarse-graining length of the wall count: ``max(w / 2, kappa chi_T / (m0 / 2)^2)``.

        Half a wall width (:data:`COARSE_GRAINING_FRACTION`) keeps a noiseless wall intact (its
        smoothed profile still crosses ``+-m0/2``) while averaging out fluctuations shorter than a
        wall.  With conserved noise every cell also carries a white part of variance
        ``chi_T / dx``, whose box average over ``ell`` has variance ``chi_T / ell``; the second
        term (``kappa =`` :data:`NOISE_AVERAGING_FACTOR`, threshold ``m0 / 2``) keeps it below
        ``threshold^2 / kappa`` so that noise crossings are not counted as walls (measured in
        ``docs/physics.md``, *Counting domain walls*).  None without a wall.
        """
        w = self.wall_width
        if w is None:
            return None
        ell = COARSE_GRAINING_FRACTION * w
        if self.chi_T > 0:
            ell = max(ell, NOISE_AVERAGING_FACTOR * self.chi_T / self.wall_threshold**2)
        return ell

    @property
    def wall_threshold(self) -> float | None:
        """Default hysteresis threshold of the wall count, ``THRESHOLD_FRACTION * m0`` (None without ``m0``)."""
        m0 = self.m0
        return None if m0 is None else THRESHOLD_FRACTION * m0

    @property
    def temperature(self) -> float:
        """``T = site_noise / 2``: the temperature of the equilibrium (model A) dynamics without ``xi_th``.

        With friction 1 (``a = 1``), ``d_t m = -dF/dm + xi`` has the stationary law
        ``exp(-F / T)`` for ``<xi xi> = 2 T``; for the toy model ``T = 2 J eps (1 - gamma)``.
        """
        return 0.5 * self.site_noise

    @property
    def chi_T(self) -> float:
        """``chi_T = thermal_noise / (2 D)`` (0 without conserved noise)."""
        return 0.0 if self.thermal_noise == 0 else self.thermal_noise / (2.0 * self.D)

    # ----------------------------------------------------------------- lattice quantities
    def counterterm_variance(self, dx: float, dt: float, n_cells: int) -> float:
        """The variance ``C`` the force is Wick-ordered with (0 for ``renormalisation="none"``).

        See :func:`heun_counterterm_variance`.
        """
        if self.renormalisation == "none":
            return 0.0
        return heun_counterterm_variance(self.thermal_noise, self.D, float(dx), float(dt), int(n_cells))

    def lattice_force_coeffs(self, dx: float, dt: float, n_cells: int) -> tuple[float, ...]:
        """Coefficients of the force the integrator evaluates on a cell (renormalised if asked)."""
        C = self.counterterm_variance(dx, dt, n_cells)
        return self.force_coeffs if C == 0.0 else wick_order(self.force_coeffs, C)

    def stiffness(self, dx: float, dt: float = 0.0, n_cells: int = 1) -> float:
        """Largest decay rate the explicit scheme must resolve: ``4 D / dx^2 + max |f_lat'(m)|``.

        The maximum of ``|f'|`` is taken over ``|m| <= m_ref``,
        ``m_ref = max(1.5, 1.5 m0, 5 sqrt(chi_T / dx))`` (beyond the stable magnetisation and five
        standard deviations of the lattice-scale conserved noise).
        """
        m_ref = max(1.5, 1.5 * (self.m0 or 0.0), 5.0 * math.sqrt(self.chi_T / dx))
        c = self.lattice_force_coeffs(dx, dt if dt > 0 else 0.0, max(int(n_cells), 2))
        fp = odd_polynomial(c, np.linspace(-m_ref, m_ref, 2001), derivative=1)
        return 4.0 * self.D / dx**2 + float(np.max(np.abs(fp)))

    def max_stable_dt(self, dx: float, *, safety: float = 0.9, n_cells: int = 1000) -> float:
        """Largest ``dt`` accepted by :func:`lindhydro.field.simulate`: ``safety * 2 / stiffness``.

        Heun's map of a linear mode ``d_t m = -mu m`` multiplies it by ``1 - lam + lam^2/2``
        (``lam = mu dt``), stable for ``lam <= 2``.  For the diffusion alone this is
        ``dt <= dx^2 / (2 D)``.
        """
        return safety * 2.0 / self.stiffness(dx, 0.0, n_cells)

    def noise_coefficients(self, dx: float, dt: float) -> tuple[float, float]:
        """``(a, b)`` of the per-step noise ``a z_i + b z_(i-1)`` (:func:`noise_ma_coefficients`)."""
        return noise_ma_coefficients(self.site_noise, self.thermal_noise, float(dx), float(dt))

    # ----------------------------------------------------------------- constructors
    def replace(self, **changes: Any) -> FieldModel:
        """A copy with some fields changed (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_hydro(
        cls,
        hydro: Any,
        eps: float,
        *,
        D: float,
        chi_T: float,
        thermal: bool = True,
        renormalisation: str = "none",
        name: str | None = None,
    ) -> FieldModel:
        """Build the field model from the quantum side's order-parameter hydrodynamics.

        Parameters
        ----------
        hydro : lindhydro.quantum.reduce.OrderParameterHydro
            ``force_coeffs`` (``f(m)/eps = sum_k c_k m^(2k+1)`` along the slow manifold, units
            ``J``) and ``noise`` (``N11`` per unit ``eps`` per lattice site at the stable fixed
            point, units ``J``; the variance of ``d_t Q1`` per site, i.e. of ``xi`` per unit length
            with ``a = 1``).
        eps : float
            Bath coupling (> 0).
        D : float
            Diffusion constant of ``m`` in units of ``J a^2`` (not computed by the paper or by us).
        chi_T : float
            ``chi T`` (units ``1 / a``), so that ``thermal_noise = 2 D chi_T``.
        thermal : bool, default True
            Include the conserved noise.
        renormalisation : {"none", "wick"}

        Returns
        -------
        FieldModel
            ``force_coeffs = eps * hydro.force_coeffs``, ``site_noise = eps * hydro.noise``.
        """
        eps = positive_number(eps, "eps")
        D = positive_number(D, "D")
        if not (chi_T >= 0 and math.isfinite(chi_T)):
            raise ValueError(f"chi_T must be a finite number >= 0, got {chi_T!r}")
        if not getattr(hydro, "odd", True):  # issue 11: a user model's reduced force without the Z2 symmetry
            raise ValueError(f"the reduced force along {getattr(hydro, 'order', 'q')} is not odd about its centre (even "
                             f"part {getattr(hydro, 'asymmetry', float('nan')):.2g} of its scale): the field takes odd "
                             "forces f(-m) = -f(m) only (reduce_to_order_parameter(..., symmetrise=True) fits the odd part)")
        coeffs = tuple(eps * float(c) for c in hydro.force_coeffs)
        params = getattr(hydro, "parameters", None)
        gamma = getattr(params, "gamma", None)
        meta = {"source": "lindhydro.quantum.reduce.OrderParameterHydro", "chi_T": float(chi_T)}
        if params is not None and hasattr(params, "to_dict"):
            meta["chain_parameters"] = params.to_dict()
        return cls(
            force_coeffs=coeffs,
            D=float(D),
            site_noise=eps * float(hydro.noise),
            thermal_noise=2.0 * D * chi_T if thermal else 0.0,
            renormalisation=renormalisation,
            eps=float(eps),
            gamma=None if gamma is None else float(gamma),
            name=name or "first-principles",
            metadata=meta,
        )

    def to_dict(self) -> dict:
        """JSON-ready description (all fields, plus derived ``m0``, ``wall_width``, ``temperature``)."""
        return {
            "name": self.name,
            "force_coeffs": list(self.force_coeffs),
            "D": self.D,
            "site_noise": self.site_noise,
            "thermal_noise": self.thermal_noise,
            "renormalisation": self.renormalisation,
            "eps": self.eps,
            "gamma": self.gamma,
            "m0": self.m0,
            "wall_width": self.wall_width,
            "temperature": self.temperature,
            "metadata": _jsonable(self.metadata),
        }

    @classmethod
    def from_dict(cls, d: dict) -> FieldModel:
        """Inverse of :meth:`to_dict` (derived entries are ignored)."""
        return cls(
            force_coeffs=tuple(d["force_coeffs"]),
            D=d["D"],
            site_noise=d["site_noise"],
            thermal_noise=d["thermal_noise"],
            renormalisation=d.get("renormalisation", "none"),
            eps=d.get("eps"),
            gamma=d.get("gamma"),
            name=d.get("name", "custom"),
            metadata=d.get("metadata", {}) or {},
        )


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x


def paper_toy_model(
    eps: float,
    gamma: float = 0.875,
    *,
    thermal: bool = True,
    chi_T_2D: float = 1.0,
    renormalisation: str = "none",
    convention: str = "derived",
) -> FieldModel:
    r"""The paper's toy model (Eq. 15) in units ``D = J = a = 1``, as printed or as run.

    ``f(m) = eps J (gamma/4 (1 - m^2) - (1 - gamma)) m``, ``<xi xi> = 4 a J eps (1 - gamma)``,
    ``<xi_th xi_th> = 2 D chi_T = chi_T_2D`` (paper: 1).  Bistable for ``gamma > 4/5`` with
    ``m0 = sqrt(5 - 4/gamma)`` and the noiseless wall ``m0 tanh(r sqrt(eps) / x0)``,
    ``x0 = sqrt(8 D / ((5 gamma - 4) J))``.

    ``convention="as-run"`` halves the site noise to ``2 a J eps (1 - gamma)``: the model A
    temperature ``site_noise / 2`` is then the paper's stated ``T_eff = eps J (1 - gamma)`` (with
    the printed noise it is ``2 J eps (1 - gamma)``).  With walls counted per cell of ``dx = 0.25``
    (:func:`density_in_paper_units`) this reproduces the paper's Figs. 5 and 6; see
    ``docs/physics.md``, *The paper's Figs. 5 and 6 as run*.  The convention is recorded in
    ``metadata["convention"]``.

    Parameters
    ----------
    eps : float
        ``eps~ = eps J a^2 / D`` (> 0).
    gamma : float, default 0.875
        Weight of the aligning jumps, in [0, 1].
    thermal : bool, default True
        Include the conserved noise ``d_r xi_th``.
    chi_T_2D : float, default 1.0
        ``2 D chi_T``.
    renormalisation : {"none", "wick"}, default "none"
        ``"none"``: as printed (no ordered phase with the conserved noise, see the module
        docstring); ``"wick"``: force Wick-ordered against the lattice conserved-noise variance.
    convention : {"derived", "as-run"}, default "derived"
        Site noise as printed (``"derived"``) or half of it (``"as-run"``, :data:`CONVENTIONS`).

    Returns
    -------
    FieldModel
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    eps = positive_number(eps, "eps")
    if not (0.0 <= gamma <= 1.0):
        raise ValueError(f"gamma must lie in [0, 1], got {gamma!r}")
    if not (math.isfinite(chi_T_2D) and chi_T_2D >= 0):
        raise ValueError(f"chi_T_2D must be a finite number >= 0, got {chi_T_2D!r}")
    c1 = eps * (gamma / 4.0 - (1.0 - gamma))
    c3 = -eps * gamma / 4.0
    return FieldModel(
        force_coeffs=(c1, c3),
        D=1.0,
        site_noise=(2.0 if convention == "as-run" else 4.0) * eps * (1.0 - gamma),
        thermal_noise=float(chi_T_2D) if thermal else 0.0,
        renormalisation=renormalisation,
        eps=float(eps),
        gamma=float(gamma),
        name="paper-toy",
        metadata={"convention": convention},
    )
