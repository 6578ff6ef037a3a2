"""Analyse a sweep store: steady-state domain-wall density vs ε, its errors, stationarity and the fit.

Everything here reads the store alone (:func:`lindhydro.sweep.store.open_store`): the entries carry
every parameter, so the analysis needs neither the configuration file nor the simulator.  The
figures are drawn by :mod:`lindhydro.plotting.sweep` from the returned :class:`StoreAnalysis`.

Conventions
-----------
* Per task, the density is the time average of its recorded ``wall_density`` over the records at
  ``t > t_steady`` (default ``T/2``: exactly the second-half average of
  :func:`lindhydro.field.simulate`).
* Per ε, the value is the mean over realisations and its error bar the standard error of that
  mean: realisations are independent, records within one run are correlated and are *not* counted
  as independent samples.
* Stationarity per ε is judged by :func:`lindhydro.analysis.fits.stationarity` on the records of
  the averaging window of every finished realisation: its two halves must agree within
  :data:`DRIFT_Z` combined standard errors.
* Densities are walls per unit length; ``domain_wall_density_paper_units`` (and the fit's
  ``A_paper_units``) are per cell of the paper's ``dx = 0.25``, the normalisation of its Figs. 5, 6.
* The fit ``n(ε) = A ε^{1/4} exp(-c/√ε)`` (the paper's Eq. 18 with the fluctuation prefactor) is
  :func:`lindhydro.analysis.fits.fit_wall_density` with bootstrap errors over realisations,
  repeated with the paper's alternative prefactors (their spread in ``c`` is the paper's estimate of
  its systematic error).
"""

from __future__ import annotations

import importlib
import json
import math
import numbers
import warnings
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from lindhydro.analysis.correlations import correlation_length_from_function
from lindhydro.analysis.fits import Stationarity, fit_wall_density, stationarity
from lindhydro.analysis.transfer import TransferIntegral
from lindhydro.experiments.presets import build_model
from lindhydro.field.model import density_in_paper_units
from lindhydro.sweep.config import to_jsonable
from lindhydro.sweep.store import ResultStore, open_store

__all__ = ["DRIFT_Z", "DensityCurve", "StoreAnalysis", "analyze_store"]

#: Two halves of the averaging window that differ by more than this many combined standard errors
#: make an ε non-stationary (the run was probably too short).
DRIFT_Z = 3.0


def _clean(a: Any) -> list[float | None] | None:
    """A float array as a JSON-ready list (NaN and inf → ``None``); ``None`` stays ``None``."""
    if a is None:
        return None
    return [None if not np.isfinite(x) else float(x) for x in np.asarray(a, dtype=float).ravel()]


@dataclass(frozen=True)
class DensityCurve:
    """Steady-state wall density vs ε at fixed values of any further grid axes.

    Attributes
    ----------
    axes : dict
        Values of the further grid axes for this curve (empty for a plain ε sweep).
    eps : ndarray
        Coupling strengths ε with at least one finished realisation.
    density : ndarray
        Mean over realisations of the steady-state wall density (walls per unit length, 1/a).
    density_err : ndarray
        Standard error of that mean (NaN with a single realisation).
    per_realisation : ndarray, shape (n_eps, n_realisations)
        Steady-state density of every realisation (NaN where unfinished).
    n_realisations : ndarray of int
        Finished realisations per ε.
    stationarity : tuple
        Per ε, the verdict of :func:`lindhydro.analysis.fits.stationarity` on the records of the
        averaging window (``None`` where the window holds fewer than four records).
    fit : dict or None
        ``{"A", "A_error", "c", "c_error", "prefactor", "method", ...}`` or ``None`` if not fitted.
    correlation_length, correlation_length_err : ndarray
        ξ per ε: mean and standard error over realisations of the correlation length of each
        realisation's time-averaged C(r) (second half of the run; NaN where not recorded).
    density_xi, density_xi_err : ndarray
        The ℓ-free wall-density measure ``1/(2ξ)`` (exact for dilute, independent walls), mean and
        standard error over realisations.
    fit_xi : dict or None
        The same fit applied to ``1/(2ξ)``.
    exact_density_xi : ndarray or None
        For the equilibrium toy model (preset ``paper`` without conserved noise): the exact
        ``1/(2ξ)`` of the lattice model from the transfer integral
        (:class:`lindhydro.analysis.transfer.TransferIntegral`, derived temperature), per ε — the
        curve of the paper's Fig. 6.  ``None`` otherwise.
    mean_series : ndarray, shape (n_eps, n_records), or None
        Realisation-averaged ``wall_density`` at every record (the relaxation to the steady state).
    """

    axes: dict[str, Any]
    eps: np.ndarray
    density: np.ndarray
    density_err: np.ndarray
    per_realisation: np.ndarray
    n_realisations: np.ndarray
    stationarity: tuple[Stationarity | None, ...] = ()
    fit: dict[str, Any] | None = None
    correlation_length: np.ndarray | None = None
    correlation_length_err: np.ndarray | None = None
    density_xi: np.ndarray | None = None
    density_xi_err: np.ndarray | None = None
    fit_xi: dict[str, Any] | None = None
    exact_density_xi: np.ndarray | None = None
    mean_series: np.ndarray | None = field(default=None, repr=False)

    @property
    def density_paper_units(self) -> np.ndarray:
        """``density`` and its error per cell of the paper's ``dx = 0.25`` (:func:`~lindhydro.field.model.density_in_paper_units`)."""
        return np.stack([density_in_paper_units(self.density), density_in_paper_units(self.density_err)])

    @property
    def drift_sigma(self) -> np.ndarray:
        """Per ε, the stationarity z-score ``|difference of the window's halves| / combined error``."""
        return np.array([np.nan if s is None else s.z_score for s in self.stationarity], dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None; the record series are left out, they are in the store)."""
        return {
            "axes": self.axes,
            "eps": _clean(self.eps),
            "density": _clean(self.density),
            "density_err": _clean(self.density_err),
            "domain_wall_density_paper_units": _clean(self.density_paper_units[0]),
            "domain_wall_density_paper_units_err": _clean(self.density_paper_units[1]),
            "per_realisation": [_clean(row) for row in self.per_realisation],
            "n_realisations": [int(n) for n in self.n_realisations],
            "drift_sigma": _clean(self.drift_sigma),
            "stationarity": [None if s is None else s.to_dict() for s in self.stationarity],
            "fit": self.fit,
            "correlation_length": _clean(self.correlation_length),
            "correlation_length_err": _clean(self.correlation_length_err),
            "density_xi": _clean(self.density_xi),
            "density_xi_err": _clean(self.density_xi_err),
            "fit_xi": self.fit_xi,
            "exact_density_xi": _clean(self.exact_density_xi),
        }


@dataclass(frozen=True)
class StoreAnalysis:
    """Analysis of a whole store: one :class:`DensityCurve` per combination of further axes.

    Attributes
    ----------
    store : str
        Path of the analysed store.
    t_steady : float
        Start of the averaging window (time units a²/D).
    t_end : float
        Last record time.
    curves : tuple of DensityCurve
        One per combination of the further grid axes.
    n_finished, n_expected : int
        Finished tasks, and tasks of the grid (from the manifest; = n_finished without one).
    parameters_example : dict
        Parameters of one task (the fixed ones are common to all).
    times : ndarray or None
        Record times (of every curve's ``mean_series``).
    """

    store: str
    t_steady: float
    t_end: float
    curves: tuple[DensityCurve, ...]
    n_finished: int
    n_expected: int
    parameters_example: dict[str, Any] = field(default_factory=dict)
    times: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the record times are left out, they are in the store)."""
        plain = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("curves", "times")}
        return plain | {"curves": [c.to_dict() for c in self.curves]}


def _nanmean(a: np.ndarray, axis: int = 1) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows give NaN, quietly
        return np.nanmean(a, axis=axis)


def _nansem(a: np.ndarray) -> np.ndarray:
    """Standard error of the mean over the finite entries of every row (NaN with fewer than two)."""
    cnt = np.sum(np.isfinite(a), axis=1)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(a, axis=1, ddof=1) if a.shape[1] > 1 else np.full(a.shape[0], np.nan)
        return np.where(cnt > 1, sd / np.sqrt(np.maximum(cnt, 1)), np.nan)


def _judge(window_records: np.ndarray) -> Stationarity | None:
    """The stationarity verdict on the window's records of the finished realisations, shape (R, n).

    The judge discards the first half of what it is given as a transient; the averaging window is
    already the stationary part, so it is handed over behind a placeholder of equal length, which
    the judge discards unread.
    """
    rows = window_records[np.all(np.isfinite(window_records), axis=1)]
    if rows.shape[0] == 0 or rows.shape[1] < 4:
        return None
    return stationarity(np.concatenate([np.zeros_like(rows), rows], axis=1), z=DRIFT_Z)


def _fit(eps: np.ndarray, per: np.ndarray, n_boot: int) -> dict[str, Any]:
    """Fit the wall-density law to per-realisation densities (NaN = missing), as a JSON-ready dict.

    ε whose mean density is zero are left out (``ln n`` is undefined there) and listed.  The fit is
    repeated with the paper's alternative prefactors (``1``, ``eps^1/4+eps^3/4``) where possible.
    """
    rows = [r[np.isfinite(r)] for r in per]
    keep = np.array([r.size > 0 and r.mean() > 0 for r in rows])
    if keep.sum() < 2:
        return {"error": "need at least two eps with a positive mean wall density to fit"}
    e = eps[keep]
    rows = [r for r, k in zip(rows, keep, strict=True) if k]
    try:
        out = fit_wall_density(e, realisations=rows, prefactor="eps^1/4", n_boot=n_boot).to_dict()
    except ValueError as exc:
        return {"error": str(exc)}
    out["method"] = "lindhydro.analysis.fits.fit_wall_density"
    out["A_paper_units"], out["A_error_paper_units"] = (density_in_paper_units(out.get(k)) for k in ("A", "A_error"))
    alt = {}
    for pref in ("1", "eps^1/4+eps^3/4"):
        try:
            r = fit_wall_density(e, realisations=rows, prefactor=pref, n_boot=0)
            alt[pref] = {"amplitudes": list(r.amplitudes), "c": r.c}
        except ValueError as exc:
            alt[pref] = {"error": str(exc)}
    out["alternative_prefactors"] = alt
    out["eps_dropped_zero_density"] = [float(x) for x in eps[~keep]]
    return to_jsonable(out)


def _exact_density_xi(example: dict[str, Any], axes: dict[str, Any], eps: np.ndarray) -> np.ndarray | None:
    """Transfer-integral 1/(2ξ) per ε for the equilibrium toy model; ``None`` if not applicable."""
    if example.get("preset") != "paper":
        return None
    model_kw = dict(example.get("model", {})) | {k: v for k, v in axes.items() if k in example.get("model", {})}
    sim = dict(example.get("simulation", {})) | {k: v for k, v in axes.items() if k in example.get("simulation", {})}
    if model_kw.get("thermal", True):
        return None
    out = []
    for e in eps:
        try:
            ti = TransferIntegral(build_model("paper", float(e), **model_kw), float(sim.get("dx", 0.25)))
            out.append(1.0 / (2.0 * ti.correlation_length))
        except ValueError:
            out.append(np.nan)
    return np.asarray(out)


def _xi_per_realisation(r: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Correlation length of every realisation's averaged C(r) (NaN where missing, inf = ring-sized)."""
    out = np.full(C.shape[:2], np.nan)
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            if np.all(np.isfinite(C[i, j])):
                xi = correlation_length_from_function(r, C[i, j])
                out[i, j] = xi if np.isfinite(xi) else np.nan
    return out


def _correlation_measures(sel, r: np.ndarray, have: np.ndarray, eps: np.ndarray, fit: bool,
                          n_boot: int) -> dict[str, Any]:
    """ξ and ``1/(2ξ)`` per ε from every realisation's time-averaged C(r) (and the fit of the latter)."""
    C = np.asarray(sel["correlation"].transpose("eps", "realisation", "r_index").values, dtype=float)[have]
    xi = _xi_per_realisation(r, C)
    with np.errstate(invalid="ignore", divide="ignore"):
        nxi = 1.0 / (2.0 * xi)
    return {
        "correlation_length": _nanmean(xi), "correlation_length_err": _nansem(xi),
        "density_xi": _nanmean(nxi), "density_xi_err": _nansem(nxi),
        "fit_xi": _fit(eps, nxi, n_boot) if fit and len(eps) >= 2 else None,
    }


def _density_curve(ds, combo: dict[str, Any], window: np.ndarray, *, example: dict[str, Any], fit: bool,
                   n_boot: int, exact: bool) -> DensityCurve:
    """The density curve at one combination ``combo`` of the further axes."""
    sel = ds.sel(combo) if combo else ds
    records = np.asarray(sel["wall_density"].transpose("eps", "realisation", "t").values, dtype=float)
    per = _nanmean(records[:, :, window], axis=2)
    have = np.isfinite(per).any(axis=1)
    eps = np.asarray(ds["eps"].values)[have]
    per, records = per[have], records[have]
    extra: dict[str, Any] = {}
    if "correlation" in ds:
        extra = _correlation_measures(sel, np.asarray(ds["r"].values), have, eps, fit, n_boot)
    if exact:
        extra["exact_density_xi"] = _exact_density_xi(example, combo, eps)
    return DensityCurve(
        axes=combo, eps=eps, density=np.nanmean(per, axis=1), density_err=_nansem(per), per_realisation=per,
        n_realisations=np.sum(np.isfinite(per), axis=1),
        stationarity=tuple(_judge(rec[:, window]) for rec in records),
        fit=_fit(eps, per, n_boot) if fit and len(eps) >= 2 else None,
        mean_series=_nanmean(records, axis=1), **extra,
    )


def _averaging_window(times: np.ndarray, t_steady: float | None, example: dict[str, Any]) -> tuple[float, np.ndarray]:
    """``t_steady`` (default: half the run time) and the mask of the records after it."""
    t_end = float(times[-1])
    if t_steady is None:
        t_steady = 0.5 * float(example.get("simulation", {}).get("time", t_end))
    if t_steady >= t_end:
        raise ValueError(f"t_steady = {t_steady} is not before the last record at t = {t_end}")
    window = times > t_steady + 1e-9 * max(1.0, abs(t_end))
    if not window.any():
        raise ValueError(f"no records at t > {t_steady}")
    return float(t_steady), window


def _expected_tasks(path: str | Path, n_finished: int) -> int:
    """Tasks of the grid according to the manifest (``n_finished`` without a readable one)."""
    try:
        manifest = ResultStore(path).read_manifest() or {}
    except ValueError:
        return n_finished
    return len(manifest.get("tasks", {})) or n_finished


def analyze_store(path: str | Path, *, t_steady: float | None = None, fit: bool = True, n_boot: int = 500,
                  exact: bool = True) -> StoreAnalysis:
    """Steady-state wall density vs ε (with errors, stationarity and the fit) from a store alone.

    Parameters
    ----------
    path : path-like
        The store directory.
    t_steady : float, optional
        Average over the records at ``t > t_steady`` (default: half the run time ``T/2``).
    fit : bool
        Fit ``A ε^{1/4} e^{-c/√ε}`` to every curve with at least two ε.
    n_boot : int
        Bootstrap resamples of the fit.
    exact : bool
        For the equilibrium toy model, also compute the exact transfer-integral ``1/(2ξ)`` per ε
        (seconds per ε at small ε).

    Returns
    -------
    StoreAnalysis
        One density curve per combination of further grid axes, with errors and fits.

    Raises
    ------
    ValueError
        A negative or non-finite ``t_steady``, a negative ``n_boot`` (checked before the store is
        read), an empty store, or ``t_steady`` after the last record.
    """
    if t_steady is not None and (isinstance(t_steady, bool) or not isinstance(t_steady, numbers.Real)
                                 or not (math.isfinite(t_steady) and t_steady >= 0)):
        raise ValueError(f"t_steady must be a finite time >= 0 (or None: half the run), got {t_steady!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or n_boot < 0:
        raise ValueError(f"n_boot must be a whole number >= 0 (0: no bootstrap errors), got {n_boot!r}")
    ds = open_store(path)
    example = json.loads(ds.attrs.get("parameters_example", "{}"))
    times = np.asarray(ds["time"].values)
    t_steady, window = _averaging_window(times, t_steady, example)
    combos: list[dict[str, Any]] = [{}]
    for a in (d for d in ds["wall_density"].dims if d not in ("eps", "realisation", "t")):
        combos = [c | {a: v.item()} for c in combos for v in ds[a].values]
    curves = tuple(_density_curve(ds, c, window, example=example, fit=fit, n_boot=n_boot, exact=exact)
                   for c in combos)
    n_finished = int(ds["finished"].sum())
    return StoreAnalysis(
        store=str(path), t_steady=t_steady, t_end=float(times[-1]), curves=curves, n_finished=n_finished,
        n_expected=_expected_tasks(path, n_finished), parameters_example=example, times=times,
    )


def fit_arrhenius(eps: np.ndarray, per_realisation: np.ndarray, *, n_boot: int = 500, seed: int = 0) -> dict[str, Any]:
    """Deprecated since 0.2: use :func:`lindhydro.analysis.fits.fit_wall_density` (the one fit law).

    Parameters
    ----------
    eps : ndarray, shape (n_eps,)
        Coupling strengths.
    per_realisation : ndarray, shape (n_eps, n_real)
        Steady-state densities per realisation (NaN = missing).
    n_boot : int
        Bootstrap resamples.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    dict
        ``fit_wall_density(eps, realisations=..., prefactor="eps^1/4").to_dict()``.
    """
    warnings.warn("lindhydro.sweep.analyze.fit_arrhenius is deprecated since 0.2 and will be removed in 0.3; "
                  "use lindhydro.analysis.fits.fit_wall_density", DeprecationWarning, stacklevel=2)
    rows = [r[np.isfinite(r)] for r in np.asarray(per_realisation, dtype=float)]
    res = fit_wall_density(np.asarray(eps, dtype=float), realisations=rows, prefactor="eps^1/4", n_boot=n_boot,
                           seed=seed)
    return res.to_dict() | {"method": "lindhydro.analysis.fits.fit_wall_density"}


def _plot_analysis_moved(analysis: StoreAnalysis, out: str | Path, *, store_dataset: Any = None) -> list[Path]:
    # the pre-0.2 signature; the figures need no dataset any more (the analysis carries its series)
    return importlib.import_module("lindhydro.plotting.sweep").plot_analysis(analysis, out)


def __getattr__(name: str) -> Any:
    if name == "plot_analysis":  # moved in 0.2: this layer computes, lindhydro.plotting draws
        warnings.warn("lindhydro.sweep.analyze.plot_analysis moved to lindhydro.plotting.sweep.plot_analysis in "
                      "0.2; the old name will be removed in 0.3", DeprecationWarning, stacklevel=2)
        return _plot_analysis_moved
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
