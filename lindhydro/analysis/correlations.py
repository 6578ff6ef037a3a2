"""Equal-time correlations of a field on a periodic line.

Conventions
-----------
* ``C(r) = < m(x) m(x + r) >`` averaged over all ``x`` of the ring (computed with an FFT,
  ``C_n = (1/L) sum_i m_i m_(i+n)``) and over all leading axes (snapshots, realisations).  By
  default the mean is **not** subtracted: the ensemble is Z2 symmetric, ``<m> = 0``, and on a finite
  ring the magnetisation of a single configuration is a fluctuation that belongs to ``C``
  (``connected=True`` subtracts the per-configuration mean instead).
* ``r = n dx`` for ``n = 0 .. L//2``.
* Structure factor per cell ``S(k) = |sum_i m_i e^(-i k x_i)|^2 / L`` (``L`` = number of cells), so
  that white noise of per-cell variance ``s^2`` has ``S(k) = s^2`` and ``mean_k S = <m^2>``.
* Correlation length ``xi``: the decay length of the exponential tail ``C(r) ~ A exp(-r / xi)``,
  estimated by a least-squares fit of ``ln C(r)`` over the window
  ``exp(-2.5) <= C(r) / C(dx) <= exp(-1)`` (``method="fit"``, default), weighted by ``C(r)``
  (the sampling error of ``C(r)`` is roughly ``r``-independent, ``~ C(0) sqrt(2 xi / L_total)``,
  so that of ``ln C`` grows as ``1 / C``).  Starting at ``C(0)/e`` skips the short-range part of
  ``C`` (fluctuations inside a domain, decay length ``sqrt(D / |f'(m0)|)``); stopping at
  ``C(0) e^-2.5`` keeps the window above the noise floor for ``L_total / xi >~ 10^3``.  The exact
  counterpart is the transfer-integral ``dx / ln(lambda0 / lambda1)``; the residual bias of this
  estimator can be checked by applying it to the exact ``C(r)``
  (:meth:`lindhydro.analysis.transfer.TransferIntegral.correlation_function`).  ``method="efold"``
  returns the interpolated distance beyond the first lag at which ``C(r) = C(dx) / e``; ``method="second_moment"`` returns
  ``sqrt(sum r^2 C / (2 sum C))`` (``= xi`` for a pure exponential with ``xi >> dx``).
  When the fit window holds fewer than three points (correlations shorter than a few cells)
  ``method="fit"`` falls back to ``"efold"``; when ``C(dx) <= 0`` (anticorrelated neighbours, e.g.
  the disordered literal model with conserved noise) ``xi < dx`` is the linear interpolation of
  ``C(r) = C(0) / e`` between ``r = 0`` and ``dx``.

For dilute, independently placed walls (a telegraph process) ``C(r) = m0^2 exp(-2 n r)``, so the
wall density is ``n = 1 / (2 xi)`` (:func:`wall_density_from_correlation_length`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "correlation_function",
    "correlation_length",
    "correlation_length_from_function",
    "structure_factor",
    "wall_density_from_correlation_length",
]

_METHODS = ("fit", "efold", "second_moment")


def _validate(m: Any, dx: float) -> np.ndarray:
    if not (np.isscalar(dx) and np.isfinite(dx) and float(dx) > 0):
        raise ValueError(f"dx must be a positive finite number, got {dx!r}")
    arr = np.asarray(m, dtype=float)
    if arr.ndim < 1 or arr.shape[-1] < 2:
        raise ValueError(f"m must have shape (..., L) with L >= 2 cells, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("m contains NaN or inf")
    return arr


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
    arr = _validate(m, dx)
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
    arr = _validate(m, dx)
    L = arr.shape[-1]
    s = np.abs(np.fft.rfft(arr, axis=-1)) ** 2 / L
    if average and s.ndim > 1:
        s = s.reshape(-1, s.shape[-1]).mean(axis=0)
    return 2.0 * np.pi * np.fft.rfftfreq(L, d=float(dx)), s


def correlation_length_from_function(
    r: Any,
    C: Any,
    *,
    method: str = "fit",
    window: tuple[float, float] = (np.exp(-2.5), np.exp(-1.0)),
) -> float:
    """Estimate the correlation length from a sampled ``C(r)`` (``r[0] = 0``, ``r`` increasing).

    Parameters
    ----------
    r, C : array_like, shape (n,)
        Distances and correlation function, e.g. from :func:`correlation_function`.
    method : {"fit", "efold", "second_moment"}
        See the module docstring.
    window : (float, float)
        Fit window in ``C(r) / C(dx)`` (lower, upper) for ``method="fit"``.  Only the first
        contiguous stretch of ``r`` with ``C / C(dx)`` above the lower bound is used.

    Returns
    -------
    float
        Correlation length in the units of ``r``; ``inf`` if ``C`` never decays to ``C(0)/e``
        within the range (correlations longer than half the ring); ``nan`` if ``C(0) <= 0``.
    """
    r = np.asarray(r, dtype=float)
    c = np.asarray(C, dtype=float)
    if r.shape != c.shape or r.ndim != 1 or r.size < 2:
        raise ValueError(
            f"r and C must be 1D arrays of the same length >= 2, got {r.shape}, {c.shape}"
        )
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}; allowed: {_METHODS}")
    lo, hi = window
    if not 0 < lo < hi < 1:
        raise ValueError(f"window must satisfy 0 < lower < upper < 1, got {window!r}")
    if not c[0] > 0:
        return float("nan")
    if method == "second_moment":
        neg = np.flatnonzero(c <= 0)
        end = neg[0] if neg.size else c.size
        seg_r, seg_c = r[:end], c[:end]
        return float(np.sqrt(np.sum(seg_r**2 * seg_c) / (2.0 * np.sum(seg_c))))
    if not c[1] > 0:
        # correlations shorter than one cell: C(r) = C(0)/e between r = 0 and r[1], linearly
        return float((1.0 - np.exp(-1.0)) / (1.0 - c[1] / c[0]) * r[1])
    # reference C(r[1]): C(0) alone holds the white lattice-scale part (e.g. the conserved
    # noise, chi_T / dx per cell), which says nothing about the decay
    g = c[1:] / c[1]
    rr = r[1:] - r[1]
    below = np.flatnonzero(g < lo)
    stop = below[0] if below.size else g.size  # first contiguous stretch above the noise floor
    if method == "fit":
        sel = np.arange(stop)
        sel = sel[(g[sel] <= hi) & (g[sel] >= lo)]
        if sel.size >= 3:
            # the statistical error of C(r) is roughly r-independent: weight ln C by C
            slope = np.polyfit(rr[sel], np.log(g[sel]), 1, w=g[sel])[0]
            return float(-1.0 / slope) if slope < 0 else float("inf")
    # e-folding length beyond the first lag, interpolated in ln C (linearly once C <= 0)
    cross = np.flatnonzero(g <= np.exp(-1.0))
    if cross.size == 0:
        return float("inf")
    j = cross[0]
    g0, g1 = g[j - 1], g[j]
    if g1 > 0:
        t = (np.log(g0) + 1.0) / (np.log(g0) - np.log(g1))
    else:
        t = (g0 - np.exp(-1.0)) / (g0 - g1)
    return float(rr[j - 1] + t * (rr[j] - rr[j - 1]))


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
