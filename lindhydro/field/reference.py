"""Pure-NumPy reference path of the integrator and exact results for the linear problems.

:func:`heun_step_reference` and :func:`run_reference` perform exactly the floating-point
operations of the numba kernel (:mod:`lindhydro.field.kernels`) on the same random numbers
(:func:`lindhydro.field.rng.normals_reference`); the tests require agreement to round-off.
The analytic functions give the exact stationary statistics of the *discrete* scheme for linear
forces, including Heun's finite-``dt`` corrections, against which the tests check the
integrator.
"""

from __future__ import annotations

import numpy as np

from lindhydro.field.rng import PRECISIONS, normals_reference, philox_normals_reference

__all__ = [
    "heun_amplification",
    "heun_linear_variance",
    "heun_step_reference",
    "lattice_laplacian_eigenvalues",
    "linear_lattice_spectrum",
    "run_reference",
]


def _force(m: np.ndarray, coeffs) -> np.ndarray:
    m2 = m * m
    acc = np.full_like(m, coeffs[-1])
    for ck in coeffs[-2::-1]:
        acc = acc * m2 + ck
    return acc * m


def _lap(m: np.ndarray) -> np.ndarray:
    if m.shape[0] == 1:
        return np.zeros_like(m)
    return np.roll(m, -1) + np.roll(m, 1) - 2.0 * m


def heun_step_reference(m, z, coeffs, D, dx, dt, a, b, precision=None) -> np.ndarray:
    """One Heun step of the periodic lattice model with the given standard normals ``z`` (length L).

    ``eta_i = a z_i + b z_(i-1)``; ``F(m) = D lap(m) / dx^2 + f(m)``;
    ``m* = m + dt F(m) + eta``.  With ``precision=None`` the operations are those of
    :func:`lindhydro.field.kernels.heun_run` (float64; a single cell uses ``(a + b) z``); with
    ``"float32"`` or ``"float64"`` those of :func:`lindhydro.field.kernels.heun_advance`, every
    parameter first rounded to that precision.

    Parameters
    ----------
    m : array_like, shape (L,)
        Field.
    z : array_like, shape (L,)
        Standard normals of the step.
    coeffs : sequence of float
        Force coefficients ``(c1, c3, ...)``.
    D, dx, dt : float
        Diffusion constant, cell width, time step.
    a, b : float
        Noise coefficients.
    precision : {None, "float32", "float64"}, default None
        Which kernel to mirror (see above).

    Returns
    -------
    numpy.ndarray
        ``m + dt/2 (F(m) + F(m*)) + eta``.
    """
    if precision is not None:
        return _heun_step_blocked(m, z, coeffs, D, dx, dt, a, b, PRECISIONS[precision])
    m = np.asarray(m, dtype=float)
    z = np.asarray(z, dtype=float)[: m.shape[0]]
    g = D / (dx * dx)
    hdt = 0.5 * dt
    if m.shape[0] == 1:
        eta = (a + b) * z
    else:
        eta = a * z + b * np.roll(z, 1)
    F0 = g * _lap(m) + _force(m, coeffs)
    mp = m + dt * F0 + eta
    part = m + hdt * F0 + eta
    return part + hdt * (g * _lap(mp) + _force(mp, coeffs))


def _heun_step_blocked(m, z, coeffs, D, dx, dt, a, b, dtype) -> np.ndarray:
    """The step of :func:`lindhydro.field.kernels.heun_advance` (``dtype`` arithmetic, same order)."""
    t = np.dtype(dtype).type
    m = np.asarray(m, dtype=t)
    z = np.asarray(z, dtype=t)[: m.shape[0]]
    g, dt, hdt, a, b = t(D / (dx * dx)), t(dt), t(0.5 * dt), t(a), t(b)
    cs = [t(c) for c in coeffs]

    def lap(x):
        return (np.roll(x, -1) + np.roll(x, 1)) - (x + x)

    eta = a * z + b * np.roll(z, 1)
    F0 = g * lap(m) + _force(m, cs)
    mp = (m + dt * F0) + eta
    part = (m + hdt * F0) + eta
    return part + hdt * (g * lap(mp) + _force(mp, cs))


def run_reference(m, coeffs, D, dx, dt, a, b, key, step0, n_steps, precision=None) -> np.ndarray:
    """``n_steps`` reference Heun steps from global step ``step0`` with the counter-based normals.

    ``precision=None``: the SplitMix64 normals and the step of
    :func:`lindhydro.field.kernels.heun_run`; ``"float32"``/``"float64"``: the Philox normals and
    the step of :func:`lindhydro.field.kernels.heun_advance` in that precision.

    Parameters
    ----------
    m : array_like, shape (L,)
        Initial field.
    coeffs, D, dx, dt, a, b
        As in :func:`heun_step_reference`.
    key : int
        Stream key.
    step0, n_steps : int
        First global step and number of steps.
    precision : {None, "float32", "float64"}, default None
        Which kernel to mirror.

    Returns
    -------
    numpy.ndarray
        The field after ``n_steps`` steps.
    """
    m = np.array(m, dtype=float if precision is None else PRECISIONS[precision])
    for n in range(n_steps):
        if precision is None:
            z = normals_reference(key, step0 + n, m.shape[0])
        else:
            z = philox_normals_reference(key, step0 + n, m.shape[0], precision)
        m = heun_step_reference(m, z, coeffs, D, dx, dt, a, b, precision)
    return m


def heun_amplification(lam):
    """Heun's growth factor of a linear mode ``d_t x = -mu x``.

    Parameters
    ----------
    lam : array_like
        ``mu dt``.

    Returns
    -------
    numpy.ndarray
        ``A = 1 - lam + lam^2 / 2``.
    """
    lam = np.asarray(lam, dtype=float)
    return 1.0 - lam + 0.5 * lam**2


def heun_linear_variance(lam, noise_var):
    """Exact stationary variance of Heun's map for ``d_t x = -mu x + noise`` (same noise in both stages).

    The map is ``x' = A x + (1 - lam/2) eta`` with ``A = 1 - lam + lam^2/2`` and
    ``Var(eta) = noise_var``, so ``Var(x) = (1 - lam/2)^2 noise_var / (1 - A^2)
    = noise_var (1 - lam/2) / (lam (2 - lam + lam^2/2))``.  The continuous-time value is
    ``noise_var / (2 lam)``; Heun multiplies it by ``(2 - lam) / (2 - lam + lam^2/2)
    = 1 - lam^2/4 + O(lam^3)``.

    Parameters
    ----------
    lam : array_like
        ``mu dt`` in ``(0, 2)``.
    noise_var : array_like
        Variance of the noise increment per step.

    Returns
    -------
    numpy.ndarray
        The stationary variance.
    """
    lam = np.asarray(lam, dtype=float)
    return np.asarray(noise_var, dtype=float) * (1.0 - 0.5 * lam) / (lam * (2.0 - lam + 0.5 * lam**2))


def lattice_laplacian_eigenvalues(n_cells: int, dx: float) -> tuple[np.ndarray, np.ndarray]:
    """Wave numbers and eigenvalues of the periodic lattice Laplacian.

    Parameters
    ----------
    n_cells : int
        Number of cells.
    dx : float
        Cell width.

    Returns
    -------
    k, kappa2 : numpy.ndarray
        ``k_j = 2 pi j / (n dx)`` (``j = 0 .. n//2``) and ``kappa^2 = 4 sin^2(k dx/2) / dx^2``.
    """
    j = np.arange(n_cells // 2 + 1)
    k = 2.0 * np.pi * j / (n_cells * dx)
    return k, 4.0 * np.sin(0.5 * k * dx) ** 2 / dx**2


def linear_lattice_spectrum(*, D, r, site_noise, thermal_noise, dx, dt, n_cells):
    """Exact stationary structure factor of the Heun scheme for the linear model.

    ``d_t m = D d^2 m - r m + xi + d_r xi_th`` on ``n_cells`` periodic cells.  Per mode the
    noise increment has ``E|eta_k|^2 / n = (site_noise + thermal_noise kappa^2) dt / dx`` and the
    decay rate is ``mu_k = D kappa^2 + r``; :func:`heun_linear_variance` gives
    ``S(k) = E|m_k|^2 / n`` (per-cell normalisation: white noise of variance ``s^2`` has
    ``S = s^2``).  The continuous-time limit is ``(site_noise + thermal_noise kappa^2) /
    (2 dx mu_k)``, e.g. ``chi_T / dx`` for conserved noise alone.  Undamped modes (``mu_k = 0``)
    get ``nan``.

    Parameters
    ----------
    D, r : float
        Diffusion constant and mass (``f(m) = -r m``).
    site_noise, thermal_noise : float
        Noise strengths.
    dx, dt : float
        Cell width and time step.
    n_cells : int
        Number of cells.

    Returns
    -------
    k, S : numpy.ndarray, shape (n_cells // 2 + 1,)
    """
    k, kap2 = lattice_laplacian_eigenvalues(n_cells, dx)
    mu = D * kap2 + r
    lam = mu * dt
    q = (site_noise + thermal_noise * kap2) * dt / dx
    with np.errstate(divide="ignore", invalid="ignore"):
        S = np.where(lam > 0, heun_linear_variance(np.where(lam > 0, lam, 1.0), q), np.nan)
    return k, S
