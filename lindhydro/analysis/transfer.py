"""Exact equilibrium statistics of the lattice order-parameter model: the transfer integral.

Without the conserved noise ``xi^th`` the lattice model

    dm_i/dt = D (m_(i+1) - 2 m_i + m_(i-1)) / dx^2 + f(m_i) + xi_i,
    <xi_i(t) xi_j(t')> = (s / dx) delta_ij delta(t - t'),

(``s`` = ``site_noise``, variance per unit length and time) is "model A" in equilibrium: it is the
gradient flow ``dm_i/dt = -(a / dx) dF/dm_i + xi_i`` of

    F = (1/a) sum_i dx [ D/2 ((m_(i+1) - m_i) / dx)^2 + v(m_i) ],      v(m) = -int_0^m f,

and by the fluctuation-dissipation relation its stationary measure is exactly ``exp(-F / T)`` with

    T = s / (2 a).

For the paper's toy model ``s = 4 a J eps (1 - gamma)``, so **T = 2 J eps (1 - gamma)**, twice the
paper's ``T_eff = eps J (1 - gamma)`` (Section 4).  The simulations settle this
(``tests/test_analysis_equilibrium.py``): the simulated ``<m^2>`` and correlation length agree
with the transfer integral at ``T = s / (2a)`` and disagree at the paper's value (measured
numbers: ``docs/physics.md``, *The effective temperature*).

Consequently the Arrhenius constant of the wall density is
``c = E_DW sqrt(eps) / T = 0.49`` rather than the paper's 0.98 (``gamma = 0.875``,
``D = J = a = 1``); ``temperature="paper"`` reproduces the paper's convention for comparison.

The measure is a 1D chain with nearest-neighbour coupling, solved by the symmetric kernel

    K(m, m') = exp(-[D/(2 dx) (m - m')^2 + dx (v(m) + v(m')) / 2] / (a T))

discretised on a uniform ``m`` grid (spacing ``h`` a fraction of the kernel's Gaussian width
``sqrt(a T dx / D)``, range grown until the stationary density is negligible at the edges).  For
an infinite chain (or a ring of ``L >> xi`` cells): the one-site density is ``psi_0(m)^2``,
``C(n dx) = sum_k |<0|m|k>|^2 (lambda_k / lambda_0)^n``, and the correlation length is
``xi = dx / ln(lambda_0 / lambda_1)`` (exact asymptotic decay), the wall density of the telegraph
picture ``1 / (2 xi)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg import eigh

from lindhydro.analysis.walls import force_polynomial, stable_magnetisation
from lindhydro.field.model import polynomial_potential

__all__ = ["TransferIntegral", "domain_wall_energy", "effective_temperature"]

_TEMPERATURES = ("derived", "paper")


def effective_temperature(
    model: Any, convention: str | float = "derived", *, a: float = 1.0
) -> float:
    """Return the temperature of the equilibrium model without ``xi^th``.

    Parameters
    ----------
    model : object
        Anything with ``site_noise`` (variance per unit length and time of ``xi``, units ``D = J =
        a = 1``), e.g. :class:`lindhydro.field.FieldModel`.
    convention : {"derived", "paper"} or float
        ``"derived"``: ``T = site_noise / (2 a)`` (fluctuation-dissipation relation; the toy model's
        ``2 J eps (1 - gamma)``), verified by simulation.  ``"paper"``: ``site_noise / (4 a)`` (the
        paper's ``eps J (1 - gamma)``).  A float is used as is.
    a : float, default 1
        Lattice constant of the microscopic chain.

    Returns
    -------
    float
        Temperature in units of ``J``.
    """
    if not isinstance(convention, str):
        T = float(convention)
    else:
        if convention not in _TEMPERATURES:
            raise ValueError(
                f"unknown temperature convention {convention!r}; allowed: {_TEMPERATURES} or a float"
            )
        s = float(getattr(model, "site_noise", np.nan))
        if not (np.isfinite(s) and s > 0):
            raise ValueError(f"the model needs a positive site_noise (variance of xi), got {s!r}")
        T = s / (2.0 * a) if convention == "derived" else s / (4.0 * a)
    if not (np.isfinite(T) and T > 0):
        raise ValueError(f"the temperature must be positive and finite, got {T!r}")
    return T


def domain_wall_energy(model: Any, *, a: float = 1.0) -> float:
    """Return the free energy of the noiseless domain wall, ``E_DW = (1/a) int sqrt(2 D (v(m) - v(m0))) dm``.

    The integral runs from ``-m0`` to ``m0`` (Bogomolny form of the continuum functional
    ``(1/a) int D/2 (dm/dr)^2 + v(m)``).  For the toy model it equals the paper's Eq. (17),
    ``sqrt(2 J D (5 gamma - 4)^3) / (3 a gamma) sqrt(eps)``.

    Parameters
    ----------
    model : object
        Anything with ``force_coeffs`` and ``D``.
    a : float, default 1
        Lattice constant.

    Returns
    -------
    float
        Energy in units of ``J``.
    """
    c = force_polynomial(model)
    D = float(getattr(model, "D", 1.0))
    m0 = stable_magnetisation(c)
    # Gauss-Legendre on [-m0, m0]; the integrand sqrt(...) vanishes linearly at the ends
    x, w = np.polynomial.legendre.leggauss(200)
    m = m0 * x
    dv = np.maximum(polynomial_potential(c, m) - polynomial_potential(c, m0), 0.0)
    return float(m0 * np.sum(w * np.sqrt(2.0 * D * dv)) / a)


@dataclass(frozen=True, eq=False)
class TransferIntegral:
    """Exact stationary statistics of the lattice model without ``xi^th`` (see the module docstring).

    Parameters
    ----------
    model : object
        Anything with ``force_coeffs`` (odd polynomial ``f``, already times ``eps``), ``D`` and
        ``site_noise`` (e.g. :class:`lindhydro.field.FieldModel`); units ``D = J = a = 1``.  A model
        with ``thermal_noise > 0`` is refused (the dynamics is then not in equilibrium) unless
        ``ignore_thermal_noise=True``; a ``renormalisation`` other than ``"none"`` is ignored (it
        only concerns the conserved noise).
    dx : float
        Lattice spacing of the discretised field (the simulation's ``dx``).
    temperature : {"derived", "paper"} or float, default "derived"
        See :func:`effective_temperature`.
    a : float, default 1
        Lattice constant of the microscopic chain.
    points_per_width : float, default 6
        ``m``-grid points per Gaussian width ``sqrt(a T dx / D)`` of the kernel.  The kernel is
        smooth and Gaussian, so the quadrature converges spectrally: 4 points per width already
        agree with 16 to ~1e-13 in ``<m^2>`` and ``xi`` (tested).
    m_max : float, optional
        Half-width of the ``m`` grid; by default grown until ``psi_0^2`` at the edges is below
        ``1e-14`` of its maximum.
    n_states : int, default 24
        Number of leading eigenpairs kept (for ``C(r)``).
    max_points : int, default 6000
        Refuse grids larger than this (memory ``8 n^2`` bytes) with a ``ValueError``.
    ignore_thermal_noise : bool, default False
        Allow a model with ``thermal_noise > 0`` (its ``xi^th`` is then simply dropped).

    Attributes
    ----------
    m_grid : numpy.ndarray
        The ``m`` grid.
    eigenvalues : numpy.ndarray
        Leading kernel eigenvalues ``lambda_0 > lambda_1 >= ...`` (up to a common factor).
    eigenvectors : numpy.ndarray, shape (n_states, n_grid)
        Normalised eigenvectors (``sum u^2 = 1``); ``psi_k(m_i) = u_k[i] / sqrt(h)``.
    T : float
        The temperature used.
    """

    model: Any
    dx: float
    temperature: str | float = "derived"
    a: float = 1.0
    points_per_width: float = 6.0
    m_max: float | None = None
    n_states: int = 24
    max_points: int = 6000
    ignore_thermal_noise: bool = False
    m_grid: np.ndarray = field(init=False, repr=False)
    eigenvalues: np.ndarray = field(init=False, repr=False)
    eigenvectors: np.ndarray = field(init=False, repr=False)
    T: float = field(init=False)

    def __post_init__(self) -> None:
        if not (np.isfinite(self.dx) and self.dx > 0):
            raise ValueError(f"dx must be positive and finite, got {self.dx!r}")
        if not (np.isfinite(self.a) and self.a > 0):
            raise ValueError(f"a must be positive and finite, got {self.a!r}")
        if not self.points_per_width >= 2:
            raise ValueError(f"points_per_width must be >= 2, got {self.points_per_width!r}")
        if not (isinstance(self.n_states, int | np.integer) and self.n_states >= 2):
            raise ValueError(f"n_states must be an integer >= 2, got {self.n_states!r}")
        thermal = float(getattr(self.model, "thermal_noise", 0.0) or 0.0)
        if thermal > 0 and not self.ignore_thermal_noise:
            raise ValueError(
                f"the model has conserved noise (thermal_noise = {thermal:g}): its stationary state is "
                "not the equilibrium measure exp(-F/T); build it with thermal=False or pass "
                "ignore_thermal_noise=True to drop xi^th"
            )
        c = force_polynomial(self.model)
        if c[-1] >= 0:
            raise ValueError(
                "the highest-order force coefficient must be negative (confining potential), "
                f"got force_coeffs = {tuple(c)}"
            )
        D = float(getattr(self.model, "D", 1.0))
        if not D > 0:
            raise ValueError(f"D must be positive, got {D!r}")
        T = effective_temperature(self.model, self.temperature, a=self.a)
        width = np.sqrt(self.a * T * self.dx / D)
        h = width / self.points_per_width
        if self.m_max is not None:
            m_max = float(self.m_max)
            grids = [m_max]
        else:
            # outermost minimum of v plus 10 local Gaussian widths (lattice Gaussian variance
            # a T / sqrt(dx k (4 D / dx + dx k)), k = v'' there), then grown if needed
            mm = np.linspace(0.0, 10.0, 4001)
            vm = polynomial_potential(c, mm)
            i_min = int(np.argmin(vm))
            curv = max(float(np.gradient(np.gradient(vm, mm), mm)[i_min]), 1e-12)
            var = self.a * T / np.sqrt(self.dx * curv * (4 * D / self.dx + self.dx * curv))
            m_max = mm[i_min] + 10.0 * np.sqrt(var) + 2.0 * width
            grids = [m_max * 1.5**j for j in range(12)]
        for m_max in grids:
            half = int(np.ceil(m_max / h))
            n = 2 * half + 1
            if n > self.max_points:
                raise ValueError(
                    f"the m grid needs {n} points (> max_points = {self.max_points}, "
                    f"{8 * n * n / 2**20:.0f} MiB): lower points_per_width or m_max, or raise max_points"
                )
            vals, vecs, m = self._solve(c, D, T, m_max, half)
            p0 = vecs[0] ** 2
            if self.m_max is not None or max(p0[0], p0[-1]) < 1e-14 * p0.max():
                break
        else:  # pragma: no cover - the potential is confining, so this cannot happen
            raise ValueError("the stationary density does not decay within the m grid")
        k = vals.size
        peak = vecs[np.arange(k), np.argmax(np.abs(vecs), axis=1)]
        vecs = vecs * np.sign(peak)[:, None]
        object.__setattr__(self, "m_grid", m)
        object.__setattr__(self, "eigenvalues", vals)
        object.__setattr__(self, "eigenvectors", vecs)
        object.__setattr__(self, "T", float(T))

    def _solve(
        self, c: np.ndarray, D: float, T: float, m_max: float, half: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Leading eigenpairs of the kernel on ``2 half + 1`` points, split by the Z2 symmetry.

        The kernel commutes with ``m -> -m``; on the half grid ``m_i = i h`` (``i = 0..half``) the
        even block is ``K(i, j) + K(i, -j)`` (with ``sqrt(2)`` factors at ``i = 0``) and the odd
        block ``K(i, j) - K(i, -j)`` (``i, j >= 1``): two half-size problems instead of one.
        """
        n = 2 * half + 1
        m = np.linspace(-m_max, m_max, n)
        h = m[1] - m[0]
        mp = m[half:]  # 0, h, ..., m_max
        w = self.dx * polynomial_potential(c, mp) / (self.a * T)
        w -= w.min()
        g = D / (2.0 * self.dx * self.a * T)
        env = np.exp(-0.5 * (w[:, None] + w[None, :]))
        k_same = h * env * np.exp(-g * (mp[:, None] - mp[None, :]) ** 2)
        k_flip = h * env * np.exp(-g * (mp[:, None] + mp[None, :]) ** 2)
        even = k_same + k_flip
        even[0, :] /= np.sqrt(2.0)
        even[:, 0] /= np.sqrt(2.0)  # (0,0): K(0,0) = (k_same + k_flip)/2 at i = j = 0
        odd = (k_same - k_flip)[1:, 1:]
        k = min(self.n_states, n)
        ke, ko = min((k + 1) // 2 + 1, half + 1), min(k // 2 + 1, half)
        ve, ue = eigh(even, subset_by_index=[half + 1 - ke, half])
        vo, uo = eigh(odd, subset_by_index=[half - ko, half - 1])
        full_e = np.zeros((ke, n))
        full_e[:, half] = ue[0]
        full_e[:, half + 1 :] = ue[1:].T / np.sqrt(2.0)
        full_e[:, :half] = full_e[:, half + 1 :][:, ::-1]
        full_o = np.zeros((ko, n))
        full_o[:, half + 1 :] = uo.T / np.sqrt(2.0)
        full_o[:, :half] = -full_o[:, half + 1 :][:, ::-1]
        vals = np.concatenate([ve, vo])
        vecs = np.concatenate([full_e, full_o])
        order = np.argsort(vals)[::-1][:k]
        return vals[order], vecs[order], m

    # ------------------------------------------------------------------ results
    @property
    def one_site_distribution(self) -> tuple[np.ndarray, np.ndarray]:
        """``(m, p(m))``: the stationary one-site probability density, ``p = psi_0^2`` (integrates to 1)."""
        h = self.m_grid[1] - self.m_grid[0]
        return self.m_grid, self.eigenvectors[0] ** 2 / h

    @property
    def m2(self) -> float:
        """``<m^2>``, the stationary one-site variance."""
        return float(np.sum(self.m_grid**2 * self.eigenvectors[0] ** 2))

    @property
    def abs_m(self) -> float:
        """``<|m|>`` of one site."""
        return float(np.sum(np.abs(self.m_grid) * self.eigenvectors[0] ** 2))

    @property
    def correlation_length(self) -> float:
        """``xi = dx / ln(lambda_0 / lambda_1)``: the exact asymptotic decay length of ``C(r)``.

        ``inf`` when ``lambda_1 / lambda_0`` is 1 to double precision (walls rarer than ~1e-16 per
        cell: far beyond any simulation).
        """
        ratio = self.eigenvalues[0] / self.eigenvalues[1]
        return float(self.dx / np.log(ratio)) if ratio > 1.0 else float("inf")

    @property
    def wall_density(self) -> float:
        """``1 / (2 xi)``: the correlation-length measure of the wall density (per unit length)."""
        return 0.5 / self.correlation_length

    @property
    def free_energy_density(self) -> float:
        """Free energy per unit length, ``-T ln(lambda_0) / dx`` up to the constant dropped in ``v``."""
        return float(-self.T * np.log(self.eigenvalues[0]) / self.dx)

    def matrix_elements(self) -> np.ndarray:
        """``|<0|m|k>|^2`` for the kept states ``k`` (zero for even ``k`` by the Z2 symmetry)."""
        u = self.eigenvectors
        return (u @ (self.m_grid * u[0])) ** 2

    def correlation_function(self, r: Any) -> np.ndarray:
        """Exact ``C(r) = <m(x) m(x + r)>`` at distances ``r`` (multiples of ``dx``; infinite chain).

        ``C(0)`` is ``<m^2>`` exactly; for ``r > 0`` the sum over the kept eigenstates is used
        (its truncation error is below ``(lambda_(n_states)/lambda_0)^(r/dx)``).

        Parameters
        ----------
        r : array_like
            Non-negative distances; must be integer multiples of ``dx``.

        Returns
        -------
        numpy.ndarray
            ``C(r)``, same shape as ``r``.
        """
        r = np.asarray(r, dtype=float)
        n = r / self.dx
        if np.any(n < 0) or np.any(np.abs(n - np.round(n)) > 1e-9):
            raise ValueError("r must be non-negative integer multiples of dx")
        n = np.round(n)
        ratio = self.eigenvalues / self.eigenvalues[0]
        mel = self.matrix_elements()
        out = np.sum(mel[None, 1:] * ratio[None, 1:] ** n.reshape(-1, 1), axis=1).reshape(n.shape)
        return np.where(n == 0, self.m2, out)

    def to_dict(self) -> dict:
        """JSON-ready summary (parameters and results)."""
        model = self.model
        md = (
            model.to_dict()
            if hasattr(model, "to_dict")
            else {"force_coeffs": list(force_polynomial(model))}
        )
        return {
            "model": md,
            "dx": self.dx,
            "temperature_convention": self.temperature
            if isinstance(self.temperature, str)
            else "float",
            "T": self.T,
            "a": self.a,
            "n_grid": int(self.m_grid.size),
            "m_max": float(self.m_grid[-1]),
            "m2": self.m2,
            "correlation_length": self.correlation_length,
            "wall_density": self.wall_density,
        }
