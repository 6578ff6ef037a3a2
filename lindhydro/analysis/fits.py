"""Fits of the domain-wall law and the stationarity of time series: the one fit law and the one judge.

Domain-wall law
---------------
The paper (Section 4, Eq. 18) fits ``n(eps) = A eps^(1/4) exp(-c / sqrt(eps))`` and estimates the
systematic error of ``c`` from the alternative prefactors ``1`` and ``a eps^(1/4) + b eps^(3/4)``;
App. A.3 fixes ``c`` to its analytic value and fits ``A`` only.  :func:`fit_wall_density` does all
of these:

* ``prefactor="1"``: ``n = A exp(-c / sqrt(eps))``;
* ``prefactor="eps^1/4"`` (default): ``n = A eps^(1/4) exp(-c / sqrt(eps))``;
* ``prefactor="eps^1/4+eps^3/4"``: ``n = (a eps^(1/4) + b eps^(3/4)) exp(-c / sqrt(eps))``
  (reported ``A = a``);
* ``c=<float>`` fixes ``c`` (Fig. 6: ``c = 0.98``) and fits the amplitude(s) only.

The fit is a least-squares fit of ``ln n`` (the densities span decades), weighted by the relative
standard error of the mean over realisations when there are at least three realisations per
``eps`` (unweighted otherwise); relative errors are floored at their median over ``eps`` so that
no single point dominates through an accidentally small error estimate.  Parameter errors come from a **bootstrap over realisations**: the
realisations at every ``eps`` are resampled with replacement, the means recomputed and the fit
repeated (same weights); the error is the standard deviation of the bootstrap estimates.  It
shrinks as ``1 / sqrt(realisations)``.  Random numbers come from ``numpy.random.SeedSequence(seed)``.

Stationarity
------------
:func:`stationarity` judges whether a time series (e.g. the wall density of a run) has reached
its stationary state: the first half of the record is discarded as transient, the second half is
split into two quarters, and the run is called stationary when the two quarter means agree within
``z`` combined standard errors.  Standard errors come from the spread over independent
realisations when there are at least five, otherwise from each run's integrated autocorrelation
time (:func:`integrated_autocorrelation_time`, Sokal's automatic window), combined over runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import least_squares

__all__ = [
    "PREFACTORS",
    "Stationarity",
    "WallDensityFit",
    "fit_all_prefactors",
    "fit_resampled",
    "fit_wall_density",
    "integrated_autocorrelation_time",
    "stationarity",
    "wall_density_law",
]

#: old names (lindhydro < 0.2) -> new names; they work for one more version with a DeprecationWarning
RENAMED = {"SteadyState": "Stationarity", "steady_state": "stationarity"}


def __getattr__(name: str) -> Any:
    if name in RENAMED:
        warnings.warn(f"lindhydro.analysis.fits.{name} is renamed {RENAMED[name]} (it judges the stationarity of a "
                      "time series; lindblad.steady_state is the physical steady state); the old name will be "
                      "removed in lindhydro 0.3", DeprecationWarning, stacklevel=2)
        return globals()[RENAMED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

PREFACTORS = ("1", "eps^1/4", "eps^1/4+eps^3/4")
_EXPONENTS = {"1": (0.0,), "eps^1/4": (0.25,), "eps^1/4+eps^3/4": (0.25, 0.75)}


def wall_density_law(
    eps: Any, amplitudes: Sequence[float], c: float, prefactor: str = "eps^1/4"
) -> np.ndarray:
    """Evaluate ``n(eps) = P(eps) exp(-c / sqrt(eps))`` with the prefactor ``P`` named by ``prefactor``.

    Parameters
    ----------
    eps : array_like
        Coupling strengths ``eps~ = eps J a^2 / D`` (> 0).
    amplitudes : sequence of float
        ``(A,)`` for ``"1"`` and ``"eps^1/4"``; ``(a, b)`` for ``"eps^1/4+eps^3/4"``.
    c : float
        Arrhenius constant.
    prefactor : str
        One of :data:`PREFACTORS`.

    Returns
    -------
    numpy.ndarray
        Densities (walls per unit length, units ``1/a``).
    """
    if prefactor not in _EXPONENTS:
        raise ValueError(f"unknown prefactor {prefactor!r}; allowed: {PREFACTORS}")
    e = np.asarray(eps, dtype=float)
    amps = tuple(amplitudes)
    if len(amps) != len(_EXPONENTS[prefactor]):
        raise ValueError(f"prefactor {prefactor!r} takes {len(_EXPONENTS[prefactor])} amplitude(s)")
    pre = sum(a * e**p for a, p in zip(amps, _EXPONENTS[prefactor], strict=True))
    return pre * np.exp(-c / np.sqrt(e))


@dataclass(frozen=True, eq=False)
class WallDensityFit:
    """Result of :func:`fit_wall_density`.

    Attributes
    ----------
    prefactor : str
        The fitted prefactor (one of :data:`PREFACTORS`).
    amplitudes : tuple of float
        ``(A,)`` or ``(a, b)``.
    c : float
        Arrhenius constant (fitted, or the fixed value).
    c_fixed : bool
        Whether ``c`` was fixed.
    amplitude_errors : tuple of float
        Bootstrap standard errors of the amplitudes (``nan`` without realisations to resample).
    c_error : float
        Bootstrap standard error of ``c`` (0 if fixed, ``nan`` without realisations).
    eps, n_mean, n_error : numpy.ndarray
        The data: coupling strengths, mean densities, standard errors of the means (``nan`` with a
        single realisation).
    realisations : numpy.ndarray of int
        Number of realisations per ``eps``.
    chi2 : float
        Sum of squared weighted residuals of ``ln n`` (weights ``n / n_error`` when weighted).
    dof : int
        Degrees of freedom (points minus fitted parameters).
    weighted : bool
        Whether the fit used the realisation errors as weights.
    bootstrap : numpy.ndarray, shape (n_boot, n_params)
        Bootstrap estimates (amplitudes, then ``c`` when it was fitted).
    seed : int or None
        Seed of the bootstrap.
    """

    prefactor: str
    amplitudes: tuple[float, ...]
    c: float
    c_fixed: bool
    amplitude_errors: tuple[float, ...]
    c_error: float
    eps: np.ndarray = field(repr=False)
    n_mean: np.ndarray = field(repr=False)
    n_error: np.ndarray = field(repr=False)
    realisations: np.ndarray = field(repr=False)
    chi2: float = 0.0
    dof: int = 0
    weighted: bool = False
    bootstrap: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)
    seed: int | None = None

    @property
    def A(self) -> float:
        """The amplitude of the ``eps^(1/4)`` (or constant) term, as quoted in the paper."""
        return self.amplitudes[0]

    @property
    def A_error(self) -> float:
        """Bootstrap error of :attr:`A`."""
        return self.amplitude_errors[0]

    def __call__(self, eps: Any) -> np.ndarray:
        """Evaluate the fitted law at ``eps``."""
        return wall_density_law(eps, self.amplitudes, self.c, self.prefactor)

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "prefactor": self.prefactor,
            "amplitudes": list(self.amplitudes),
            "amplitude_errors": list(self.amplitude_errors),
            "A": self.A,
            "A_error": self.A_error,
            "c": self.c,
            "c_error": self.c_error,
            "c_fixed": self.c_fixed,
            "eps": self.eps.tolist(),
            "n_mean": self.n_mean.tolist(),
            "n_error": [None if not np.isfinite(v) else float(v) for v in self.n_error],
            "realisations": self.realisations.tolist(),
            "chi2": self.chi2,
            "dof": self.dof,
            "weighted": self.weighted,
            "n_boot": int(self.bootstrap.shape[0]),
            "seed": self.seed,
        }


def _as_realisations(eps: np.ndarray, n: Any, realisations: Any) -> list[np.ndarray]:
    data = realisations if realisations is not None else n
    if data is None:
        raise ValueError("pass the densities n (per eps, or per eps and realisation)")
    arr = np.asarray(data, dtype=object) if not isinstance(data, np.ndarray) else data
    if isinstance(arr, np.ndarray) and arr.dtype != object and arr.ndim == 1:
        rows = [np.atleast_1d(np.asarray(v, dtype=float)) for v in arr]
    elif isinstance(arr, np.ndarray) and arr.dtype != object and arr.ndim == 2:
        rows = [np.asarray(row, dtype=float) for row in arr]
    else:
        rows = [np.atleast_1d(np.asarray(v, dtype=float)) for v in data]
    if len(rows) != eps.size:
        raise ValueError(f"got {len(rows)} density entries for {eps.size} values of eps")
    for e, row in zip(eps, rows, strict=True):
        if row.ndim != 1 or row.size == 0:
            raise ValueError(f"no densities at eps = {e:g}")
        if not np.all(np.isfinite(row)) or np.any(row < 0):
            raise ValueError(f"densities must be finite and >= 0 (eps = {e:g}: {row})")
        if row.mean() <= 0:
            raise ValueError(
                f"the mean density at eps = {e:g} is zero: ln n is undefined; drop this eps "
                "(the system is smaller than the domain size there) or simulate longer/larger"
            )
    return rows


def _weights(nbar: np.ndarray, nerr: np.ndarray) -> np.ndarray:
    """Weights ``n / n_error`` of ``ln n``, the relative errors floored at their median.

    Error estimates from a few realisations scatter strongly; without the floor one point whose
    realisations happen to agree would dominate the fit.
    """
    rel = nerr / nbar
    return 1.0 / np.maximum(rel, np.median(rel))


def _design(eps: np.ndarray, prefactor: str) -> tuple[np.ndarray, ...]:
    return tuple(eps**p for p in _EXPONENTS[prefactor])


def _fit_once(
    eps: np.ndarray, nbar: np.ndarray, w: np.ndarray, prefactor: str, c_fixed: float | None, x0=None
) -> np.ndarray:
    """Weighted least squares of ln n; returns (amplitudes..., c) (c included even when fixed)."""
    y = np.log(nbar)
    x = 1.0 / np.sqrt(eps)
    if prefactor != "eps^1/4+eps^3/4":
        p = _EXPONENTS[prefactor][0]
        z = y - p * np.log(eps)
        if c_fixed is None:
            M = np.column_stack([np.ones_like(x), -x]) * w[:, None]
            coef = np.linalg.lstsq(M, z * w, rcond=None)[0]
            return np.array([np.exp(coef[0]), coef[1]])
        lnA = np.sum(w**2 * (z + c_fixed * x)) / np.sum(w**2)
        return np.array([np.exp(lnA), c_fixed])
    # two-term prefactor: nonlinear in (a, b); parametrise a, b directly (b may be negative)
    e14, e34 = _design(eps, prefactor)

    def resid(theta: np.ndarray) -> np.ndarray:
        a, b = theta[0], theta[1]
        c = theta[2] if c_fixed is None else c_fixed
        pre = a * e14 + b * e34
        return (np.log(np.maximum(pre, 1e-300)) - c * x - y) * w

    if x0 is None:
        base = _fit_once(eps, nbar, w, "eps^1/4", c_fixed)
        x0 = np.array([base[0], 0.0, base[1]])
    start = x0 if c_fixed is None else x0[:2]
    sol = least_squares(resid, start, method="lm" if eps.size > start.size else "trf")
    th = sol.x
    return np.array([th[0], th[1], th[2] if c_fixed is None else c_fixed])


def fit_wall_density(
    eps: Any,
    n: Any = None,
    *,
    realisations: Any = None,
    prefactor: str = "eps^1/4",
    c: float | None = None,
    n_boot: int = 1000,
    seed: int | None = 0,
    weighted: bool = True,
) -> WallDensityFit:
    """Fit ``n(eps) = P(eps) exp(-c / sqrt(eps))`` with bootstrap errors over realisations.

    Parameters
    ----------
    eps : array_like, shape (K,)
        Coupling strengths ``eps~`` (> 0, at least two distinct values; three to fit ``c`` with the
        two-term prefactor).
    n : array_like, shape (K,) or (K, R), or a sequence of K 1D arrays
        Wall densities (units ``1/a``): one value per ``eps`` (no bootstrap possible: errors are
        ``nan``), or one per realisation (the number of realisations may differ between ``eps``).
    realisations : array_like, optional
        Alternative to ``n`` for per-realisation densities (same shapes as ``n``).
    prefactor : {"1", "eps^1/4", "eps^1/4+eps^3/4"}
        See the module docstring.
    c : float, optional
        Fix the Arrhenius constant (e.g. 0.98 for the paper's Fig. 6) and fit the amplitudes only.
    n_boot : int, default 1000
        Bootstrap resamples (0 disables the bootstrap).
    seed : int, optional
        Seed of the bootstrap (``numpy.random.SeedSequence``).
    weighted : bool, default True
        Weight ``ln n`` by ``n / n_error`` (relative errors floored at their median) when every
        ``eps`` has at least three realisations.

    Returns
    -------
    WallDensityFit
    """
    e = np.asarray(eps, dtype=float).ravel()
    if e.size < 2 or not np.all(np.isfinite(e)) or np.any(e <= 0):
        raise ValueError(f"eps must hold at least two positive finite values, got {eps!r}")
    if prefactor not in _EXPONENTS:
        raise ValueError(f"unknown prefactor {prefactor!r}; allowed: {PREFACTORS}")
    if c is not None and not np.isfinite(c):
        raise ValueError(f"the fixed c must be finite, got {c!r}")
    if not (isinstance(n_boot, int | np.integer) and n_boot >= 0):
        raise ValueError(f"n_boot must be a non-negative integer, got {n_boot!r}")
    rows = _as_realisations(e, n, realisations)
    n_par = len(_EXPONENTS[prefactor]) + (c is None)
    if np.unique(e).size < n_par:
        raise ValueError(
            f"prefactor {prefactor!r} with {'free' if c is None else 'fixed'} c has {n_par} "
            f"parameters but only {np.unique(e).size} distinct eps values"
        )
    counts = np.array([r.size for r in rows])
    nbar = np.array([r.mean() for r in rows])
    nerr = np.array([r.std(ddof=1) / np.sqrt(r.size) if r.size > 1 else np.nan for r in rows])
    resamples = []
    if n_boot > 0 and np.all(counts > 1):
        rng = np.random.default_rng(np.random.SeedSequence(seed))
        for _ in range(n_boot):
            means = np.array([r[rng.integers(0, r.size, r.size)].mean() for r in rows])
            if np.all(means > 0):  # a resample without walls at some eps: ln n undefined, skip it
                resamples.append(means)
    return _finish_fit(
        e, nbar, nerr, counts, resamples, prefactor=prefactor, c=c, weighted=weighted, seed=seed
    )


def _finish_fit(
    e: np.ndarray,
    nbar: np.ndarray,
    nerr: np.ndarray,
    counts: np.ndarray,
    resamples: Sequence[np.ndarray],
    *,
    prefactor: str,
    c: float | None,
    weighted: bool,
    seed: int | None,
) -> WallDensityFit:
    """Fit the means ``nbar``, refit every bootstrap resample, and assemble the result."""
    n_amp = len(_EXPONENTS[prefactor])
    n_par = n_amp + (c is None)
    use_w = weighted and np.all(counts >= 3) and np.all(np.isfinite(nerr) & (nerr > 0))
    w = _weights(nbar, nerr) if use_w else np.ones_like(nbar)
    theta = _fit_once(e, nbar, w, prefactor, c)
    amps = tuple(float(v) for v in theta[:n_amp])
    model = wall_density_law(e, amps, theta[-1], prefactor)
    chi2 = float(np.sum(((np.log(nbar) - np.log(np.maximum(model, 1e-300))) * w) ** 2))
    x0 = np.array([*theta[:n_amp], theta[-1]]) if n_amp == 2 else None
    boot = np.array(
        [_fit_once(e, row, w, prefactor, c, x0=x0)[:n_par] for row in resamples]
    ).reshape(-1, n_par)
    amp_err: tuple[float, ...] = (float("nan"),) * n_amp
    c_err = 0.0 if c is not None else float("nan")
    if boot.shape[0] > 1:
        sd = boot.std(axis=0, ddof=1)
        amp_err = tuple(float(v) for v in sd[:n_amp])
        if c is None:
            c_err = float(sd[n_amp])
    return WallDensityFit(
        prefactor=prefactor,
        amplitudes=amps,
        c=float(theta[-1]),
        c_fixed=c is not None,
        amplitude_errors=amp_err,
        c_error=c_err,
        eps=e,
        n_mean=nbar,
        n_error=nerr,
        realisations=counts,
        chi2=chi2,
        dof=int(e.size - n_par),
        weighted=bool(use_w),
        bootstrap=boot,
        seed=seed,
    )


def fit_resampled(
    eps: Any,
    groups: Sequence[Any],
    statistic: Any,
    *,
    c: float | None = None,
    prefactor: str = "eps^1/4",
    n_boot: int = 500,
    seed: int | None = 0,
    weighted: bool = True,
) -> WallDensityFit:
    """Fit the wall-density law to a statistic of an ensemble, with a bootstrap over realisations.

    For densities that are not averages of per-realisation values -- e.g. ``1 / (2 xi)`` with
    ``xi`` fitted to the realisation-averaged ``C(r)`` (per-realisation fits of small systems are
    noisy and biased) -- the bootstrap resamples the realisations at every ``eps``, recomputes the
    statistic and refits.  ``n_error`` is then the bootstrap error of the statistic.

    Parameters
    ----------
    eps : array_like, shape (K,)
        Coupling strengths.
    groups : sequence of K arrays, shape (R_k, ...)
        Per-realisation data at each ``eps`` (e.g. ``C(r)`` of every realisation).
    statistic : callable
        ``statistic(data) -> density`` for a ``(R, ...)`` array of realisations (e.g. average
        ``C``, fit ``xi``, return ``1 / (2 xi)``).
    c, prefactor, n_boot, seed, weighted
        As in :func:`fit_wall_density`.

    Returns
    -------
    WallDensityFit
    """
    e = np.asarray(eps, dtype=float).ravel()
    if len(groups) != e.size:
        raise ValueError(f"got {len(groups)} groups for {e.size} values of eps")
    if prefactor not in _EXPONENTS:
        raise ValueError(f"unknown prefactor {prefactor!r}; allowed: {PREFACTORS}")
    data = [np.asarray(g, dtype=float) for g in groups]
    counts = np.array([g.shape[0] for g in data])
    nbar = np.array([float(statistic(g)) for g in data])
    if not np.all(np.isfinite(nbar) & (nbar > 0)):
        raise ValueError(f"the statistic must be positive and finite at every eps, got {nbar}")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    stats = []
    for _ in range(n_boot if np.all(counts > 1) else 0):
        stats.append([float(statistic(g[rng.integers(0, g.shape[0], g.shape[0])])) for g in data])
    stats = np.array(stats).reshape(-1, e.size)
    stats = stats[np.all(np.isfinite(stats) & (stats > 0), axis=1)]
    nerr = stats.std(axis=0, ddof=1) if stats.shape[0] > 1 else np.full(e.size, np.nan)
    return _finish_fit(
        e, nbar, nerr, counts, list(stats), prefactor=prefactor, c=c, weighted=weighted, seed=seed
    )


def fit_all_prefactors(eps: Any, n: Any = None, **kwargs: Any) -> dict[str, WallDensityFit]:
    """Fit with each of the paper's prefactors (``1``, ``eps^1/4``, ``a eps^1/4 + b eps^3/4``).

    The spread of ``c`` between them is the paper's "rough estimate" of the systematic error of
    ``c``.

    Parameters
    ----------
    eps : array_like
        Coupling strengths.
    n : array_like, optional
        Densities (see :func:`fit_wall_density`).
    **kwargs
        Passed to :func:`fit_wall_density` (``realisations``, ``c``, ``n_boot``, ``seed``, ...).

    Returns
    -------
    dict
        ``{prefactor: WallDensityFit}``.
    """
    return {p: fit_wall_density(eps, n, prefactor=p, **kwargs) for p in PREFACTORS}


# ---------------------------------------------------------------------------- time series
def integrated_autocorrelation_time(x: Any, *, c_window: float = 5.0) -> float:
    """Integrated autocorrelation time of a stationary series (in samples), Sokal's automatic window.

    ``tau = 1/2 + sum_(t=1)^W rho(t)`` with the smallest window ``W >= c_window * tau(W)``; the
    standard error of the mean of ``N`` samples is ``sqrt(2 tau var / N)``.  Uncorrelated samples
    have ``tau = 1/2``.

    Parameters
    ----------
    x : array_like, shape (N,)
        The series (N >= 4).
    c_window : float, default 5
        Window factor.

    Returns
    -------
    float
        ``tau`` in units of the sampling interval (``>= 1/2`` up to noise; ``nan`` for a constant series).
    """
    a = np.asarray(x, dtype=float)
    if a.ndim != 1 or a.size < 4:
        raise ValueError(f"x must be a 1D series of at least 4 samples, got shape {a.shape}")
    d = a - a.mean()
    var = np.mean(d**2)
    if var == 0:
        return float("nan")
    N = a.size
    f = np.fft.rfft(d, n=2 * N)
    acf = np.fft.irfft(np.abs(f) ** 2)[:N] / (N * var)
    tau = 0.5
    for W in range(1, N):
        tau += acf[W]
        if W >= c_window * tau:
            break
    return float(max(tau, 0.5))


@dataclass(frozen=True)
class Stationarity:
    """Result of :func:`stationarity`.

    Attributes
    ----------
    mean, error : float
        Mean over the second half of the record and its standard error.
    first_quarter_mean, second_quarter_mean : float
        Means of the two halves of the second half (3rd and 4th quarter of the record).
    first_quarter_error, second_quarter_error : float
        Their standard errors.
    z_score : float
        ``|difference| / combined error``.
    stationary : bool
        ``z_score <= z``.
    tau : float
        Mean integrated autocorrelation time (samples) over the second half (``nan`` when the
        error comes from the spread of ``R >= 5`` realisations).
    realisations : int
        Number of independent series used.
    """

    mean: float
    error: float
    first_quarter_mean: float
    second_quarter_mean: float
    first_quarter_error: float
    second_quarter_error: float
    z_score: float
    stationary: bool
    tau: float
    realisations: int

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            k: (float(v) if isinstance(v, float | np.floating) else v)
            for k, v in vars(self).items()
        }


def _mean_err(seg: np.ndarray) -> tuple[float, float, float]:
    """Mean and standard error of a (R, N) block.

    With ``R >= 5`` realisations the error is the spread of their means; with fewer (whose spread is
    a poor estimate) each realisation's error comes from its integrated autocorrelation time and
    the errors are combined, ``sqrt(sum err_r^2) / R``.  Also returns the mean ``tau``.
    """
    if seg.shape[0] >= 5:
        per = seg.mean(axis=1)
        return float(per.mean()), float(per.std(ddof=1) / np.sqrt(per.size)), float("nan")
    means, errs, taus = [], [], []
    for s in seg:
        tau = integrated_autocorrelation_time(s) if s.size >= 4 else float("nan")
        var = s.var(ddof=1) if s.size > 1 else np.nan
        errs.append(np.sqrt(2.0 * tau * var / s.size) if np.isfinite(tau) else 0.0)
        means.append(s.mean())
        taus.append(tau)
    R = seg.shape[0]
    return (
        float(np.mean(means)),
        float(np.sqrt(np.sum(np.square(errs))) / R),
        float(np.nanmean(taus) if np.any(np.isfinite(taus)) else np.nan),
    )


def stationarity(x: Any, *, z: float = 2.0) -> Stationarity:
    """Judge stationarity of a time series and average its stationary part.

    The first half of the record is discarded as transient.  The second half is split into two
    quarters whose means must agree within ``z`` combined standard errors.

    Parameters
    ----------
    x : array_like, shape (N,) or (R, N)
        Equally spaced samples of one run, or of ``R`` independent realisations (errors from the
        spread over realisations if ``R >= 5``, otherwise from the integrated autocorrelation
        times of the runs).
    z : float, default 2
        Tolerance in standard errors.

    Returns
    -------
    Stationarity
    """
    a = np.asarray(x, dtype=float)
    a = a[None, :] if a.ndim == 1 else a
    if a.ndim != 2 or a.shape[1] < 8:
        raise ValueError(f"x must have shape (N,) or (R, N) with N >= 8 samples, got {np.shape(x)}")
    if not np.all(np.isfinite(a)):
        raise ValueError("x contains NaN or inf")
    N = a.shape[1]
    half = a[:, N // 2 :]
    h = half.shape[1] // 2
    m, e, tau = _mean_err(half)
    m1, e1, _ = _mean_err(half[:, :h])
    m2, e2, _ = _mean_err(half[:, h:])
    comb = np.hypot(e1, e2)
    zs = abs(m1 - m2) / comb if comb > 0 else (0.0 if m1 == m2 else np.inf)
    return Stationarity(
        mean=m,
        error=e,
        first_quarter_mean=m1,
        second_quarter_mean=m2,
        first_quarter_error=e1,
        second_quarter_error=e2,
        z_score=float(zs),
        stationary=bool(zs <= z),
        tau=tau,
        realisations=int(a.shape[0]),
    )
