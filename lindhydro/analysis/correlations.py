"""Equal-time correlations of a field on a periodic line: ``C(r)``, ``S(k)``, ``xi`` and ``1 / (2 xi)``.

Conventions
-----------
* ``C(r) = < m(x) m(x + r) >`` averaged over all ``x`` of the ring (an FFT,
  ``C_n = (1/L) sum_i m_i m_(i+n)``) and over all leading axes (snapshots, realisations), for
  ``r = n dx``, ``n = 0 .. L//2``.  By default the mean is **not** subtracted: the ensemble is Z2
  symmetric, and on a finite ring the magnetisation of a configuration is a fluctuation that
  belongs to ``C`` (``connected=True`` subtracts the per-configuration mean instead).
* Structure factor per cell ``S(k) = |sum_i m_i e^(-i k x_i)|^2 / L`` (``L`` = number of cells):
  white noise of per-cell variance ``s^2`` has ``S(k) = s^2`` and ``mean_k S = <m^2>``.
* The correlation length ``xi`` is the decay length of the exponential tail of ``C``
  (:func:`correlation_length_from_function`, defined with its estimators in
  :mod:`lindhydro.field.observables`); its exact counterpart is the transfer integral's
  ``dx / ln(lambda0 / lambda1)`` (:mod:`lindhydro.analysis.transfer`).
* For dilute, independently placed walls (a telegraph process) ``C(r) = m0^2 exp(-2 n r)``, so the
  wall density is ``n = 1 / (2 xi)`` (:func:`wall_density_from_correlation_length`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lindhydro.field.observables import correlation_length_from_function, validate_field

__all__ = [
    "correlation_function",
    "correlation_length",
    "correlation_length_from_function",
    "structure_factor",
    "wall_density_from_correlation_length",
]


def correlation_function(
    m: Any, dx: float, *, connected: bool = False, average: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Return the equal-time correlation function ``C(r) = <m(x) m(x+r)>`` on a periodic line.

    Parameters
    ----------
    m : array_like, shape (..., L)
        Field of ``L`` cells on a ring (last axis); leading axes are configurations.
    dx : float
        Cell width (units of ``a``).
    connected : bool, default False
        Subtract the mean of each configuration first.
    average : bool, default True
        Average over all leading axes; if False keep them (shape ``(..., L//2 + 1)``).

    Returns
    -------
    r : numpy.ndarray, shape (L//2 + 1,)
        Distances ``n dx``.
    C : numpy.ndarray, shape (L//2 + 1,) or (..., L//2 + 1)
        ``C(0) = <m^2>``.
    """
    arr = validate_field(m, dx)
    if connected:
        arr = arr - arr.mean(axis=-1, keepdims=True)
    L = arr.shape[-1]
    fk = np.fft.rfft(arr, axis=-1)
    c = np.fft.irfft(np.abs(fk) ** 2, n=L, axis=-1)[..., : L // 2 + 1] / L
    if average and c.ndim > 1:
        c = c.reshape(-1, c.shape[-1]).mean(axis=0)
    return np.arange(L // 2 + 1) * float(dx), c


def structure_factor(m: Any, dx: float, *, average: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Return the per-cell structure factor ``S(k) = |sum_i m_i exp(-i k x_i)|^2 / L``.

    Parameters
    ----------
    m : array_like, shape (..., L)
        Field on a ring of ``L`` cells; leading axes are configurations.
    dx : float
        Cell width; wave numbers ``k = 2 pi j / (L dx)``, ``j = 0 .. L//2``.
    average : bool, default True
        Average over the leading axes.

    Returns
    -------
    k, S : numpy.ndarray
        White noise with per-cell variance ``s^2`` has ``<S(k)> = s^2`` at every ``k``.
    """
    arr = validate_field(m, dx)
    L = arr.shape[-1]
    s = np.abs(np.fft.rfft(arr, axis=-1)) ** 2 / L
    if average and s.ndim > 1:
        s = s.reshape(-1, s.shape[-1]).mean(axis=0)
    return 2.0 * np.pi * np.fft.rfftfreq(L, d=float(dx)), s


def correlation_length(
    m: Any,
    dx: float,
    *,
    method: str = "fit",
    window: tuple[float, float] = (np.exp(-2.5), np.exp(-1.0)),
    connected: bool = False,
) -> float:
    """Return the correlation length ``xi`` of a field on a periodic line.

    ``C(r)`` is averaged over all leading axes of ``m`` first, then ``xi`` is estimated as
    described in the module docstring (:func:`correlation_length_from_function`).

    Parameters
    ----------
    m : array_like, shape (..., L)
        Configurations on a ring of ``L`` cells.
    dx : float
        Cell width (units of ``a``).
    method, window
        See :func:`correlation_length_from_function`.
    connected : bool, default False
        Subtract the per-configuration mean first.

    Returns
    -------
    float
        ``xi`` in units of ``a``.
    """
    r, c = correlation_function(m, dx, connected=connected)
    return correlation_length_from_function(r, c, method=method, window=window)


def wall_density_from_correlation_length(xi: Any) -> np.ndarray | float:
    """Return the wall density ``n = 1 / (2 xi)`` of a telegraph process with correlation length ``xi``.

    Exact for independently placed sharp walls (``C = m0^2 exp(-2 n r)``); needs no
    coarse-graining length.  Its exact equilibrium value (no ``xi^th``) is
    :attr:`lindhydro.analysis.transfer.TransferIntegral.wall_density`.

    Parameters
    ----------
    xi : float or array_like
        Correlation length(s) (units ``a``).

    Returns
    -------
    float or numpy.ndarray
        Density (units ``1/a``).
    """
    xi = np.asarray(xi, dtype=float)
    out = 0.5 / xi
    return float(out) if out.ndim == 0 else out
