"""Analyse a sweep store: domain-wall density vs ε with error bars, the fit, Fig. 5/6-style plots.

Everything here reads the store alone (:func:`lindhydro.sweep.store.open_store`): the entries carry
every parameter, so the analysis needs neither the configuration file nor the simulator.

Steady state.  For each task the density is the time average of its recorded ``wall_density`` over
``t > t_steady`` (default: the records after the midpoint ``T/2`` of the run, exactly the
second-half average of :func:`lindhydro.field.simulate`).  The
per-ε value is the mean over realisations and its error bar the standard error of that mean
(realisations are independent; records within one run are correlated, so they are *not* counted as
independent samples).  As a stationarity check, the mean over the third quarter of the run is
compared with the mean over the last quarter; a difference larger than three combined standard
errors is flagged (``drift_sigma``): the run was probably too short.

Fit.  ``n(ε) = A ε^{1/4} exp(-c/√ε)`` (the paper's Eq. 18 with the fluctuation prefactor) by
:func:`lindhydro.analysis.fits.fit_wall_density` when that module is available, otherwise by the
weighted linear regression of ``ln(n/ε^{1/4})`` on ``1/√ε`` done here, with bootstrap errors over
realisations.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lindhydro.sweep.config import to_jsonable
from lindhydro.sweep.store import open_store

__all__ = ["DensityCurve", "StoreAnalysis", "analyze_store", "fit_arrhenius", "plot_analysis"]


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
    drift_sigma : ndarray
        (last quarter − third quarter) / combined standard error, per ε (stationarity check).
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
    """

    axes: dict[str, Any]
    eps: np.ndarray
    density: np.ndarray
    density_err: np.ndarray
    per_realisation: np.ndarray
    n_realisations: np.ndarray
    drift_sigma: np.ndarray
    fit: dict[str, Any] | None = None
    correlation_length: np.ndarray | None = None
    correlation_length_err: np.ndarray | None = None
    density_xi: np.ndarray | None = None
    density_xi_err: np.ndarray | None = None
    fit_xi: dict[str, Any] | None = None
    exact_density_xi: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN → None)."""
        def clean(a):
            return [None if not np.isfinite(x) else float(x) for x in np.asarray(a, dtype=float).ravel()]
        return {
            "axes": self.axes,
            "eps": clean(self.eps),
            "density": clean(self.density),
            "density_err": clean(self.density_err),
            "per_realisation": [clean(row) for row in self.per_realisation],
            "n_realisations": [int(n) for n in self.n_realisations],
            "drift_sigma": clean(self.drift_sigma),
            "fit": self.fit,
            "correlation_length": None if self.correlation_length is None else clean(self.correlation_length),
            "correlation_length_err": None if self.correlation_length_err is None else clean(self.correlation_length_err),
            "density_xi": None if self.density_xi is None else clean(self.density_xi),
            "density_xi_err": None if self.density_xi_err is None else clean(self.density_xi_err),
            "fit_xi": self.fit_xi,
            "exact_density_xi": None if self.exact_density_xi is None else clean(self.exact_density_xi),
        }


@dataclass(frozen=True)
class StoreAnalysis:
    """Analysis of a whole store: one :class:`DensityCurve` per combination of further axes.

    Attributes
    ----------
    store : str
    t_steady : float
        Start of the averaging window (time units a²/D).
    t_end : float
        Last record time.
    curves : tuple of DensityCurve
    n_finished, n_expected : int
        Finished tasks, and tasks of the grid (from the manifest; = n_finished without one).
    parameters_example : dict
        Parameters of one task (the fixed ones are common to all).
    """

    store: str
    t_steady: float
    t_end: float
    curves: tuple[DensityCurve, ...]
    n_finished: int
    n_expected: int
    parameters_example: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "store": self.store,
            "t_steady": self.t_steady,
            "t_end": self.t_end,
            "n_finished": self.n_finished,
            "n_expected": self.n_expected,
            "parameters_example": self.parameters_example,
            "curves": [c.to_dict() for c in self.curves],
        }


def fit_arrhenius(eps: np.ndarray, per_realisation: np.ndarray, *, n_boot: int = 500, seed: int = 0) -> dict[str, Any]:
    """Fit ``n = A ε^{1/4} exp(-c/√ε)`` by weighted least squares in ``ln(n/ε^{1/4})`` vs ``1/√ε``.

    Parameters
    ----------
    eps : ndarray, shape (n_eps,)
        Coupling strengths (> 0), at least two with positive density.
    per_realisation : ndarray, shape (n_eps, n_real)
        Steady-state densities per realisation (NaN = missing).
    n_boot : int
        Bootstrap resamples (realisations resampled with replacement at every ε).
    seed : int
        Seed of the bootstrap (``numpy.random.SeedSequence``).

    Returns
    -------
    dict
        ``A``, ``c`` (point estimates from the realisation means), ``A_error``, ``c_error`` (bootstrap
        standard deviations), ``prefactor = "eps^1/4"``, ``method``, ``n_points``.

    Raises
    ------
    ValueError
        Fewer than two ε with a positive mean density.
    """
    eps = np.asarray(eps, dtype=float)
    per = np.asarray(per_realisation, dtype=float)

    def one(sample: np.ndarray) -> tuple[float, float]:
        mean = np.nanmean(sample, axis=1)
        cnt = np.sum(np.isfinite(sample), axis=1)
        sd = np.nanstd(sample, axis=1, ddof=1) if sample.shape[1] > 1 else np.full(len(mean), np.nan)
        ok = np.isfinite(mean) & (mean > 0)
        if ok.sum() < 2:
            raise ValueError("need at least two ε with a positive mean wall density to fit")
        y = np.log(mean[ok] / eps[ok] ** 0.25)
        x = 1.0 / np.sqrt(eps[ok])
        rel = sd[ok] / np.sqrt(np.maximum(cnt[ok], 1)) / mean[ok]
        w = 1.0 / np.where(np.isfinite(rel) & (rel > 0), rel, np.nanmedian(rel) if np.any(np.isfinite(rel) & (rel > 0)) else 1.0) ** 2
        slope, intercept = np.polyfit(x, y, 1, w=np.sqrt(w))
        return float(np.exp(intercept)), float(-slope)

    A, c = one(per)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    boots = []
    n_real = per.shape[1]
    for _ in range(n_boot):
        idx = rng.integers(0, n_real, size=per.shape)
        sample = np.take_along_axis(per, idx, axis=1)
        try:
            boots.append(one(sample))
        except (ValueError, np.linalg.LinAlgError):
            continue
    b = np.array(boots) if boots else np.full((1, 2), np.nan)
    with np.errstate(invalid="ignore"):
        return {
            "A": A, "c": c,
            "A_error": float(np.nanstd(b[:, 0], ddof=1)) if len(boots) > 1 else float("nan"),
            "c_error": float(np.nanstd(b[:, 1], ddof=1)) if len(boots) > 1 else float("nan"),
            "prefactor": "eps^1/4", "method": "lindhydro.sweep.analyze.fit_arrhenius (weighted LSQ, bootstrap)",
            "n_points": int(np.sum(np.nanmean(per, axis=1) > 0)), "n_boot": len(boots),
        }


def _fit(eps: np.ndarray, per: np.ndarray, n_boot: int) -> dict[str, Any] | None:
    """Fit with :func:`lindhydro.analysis.fits.fit_wall_density` (fallback: :func:`fit_arrhenius`).

    Also fits the paper's alternative prefactors (``1``, ``eps^1/4+eps^3/4``) when possible: the
    spread of ``c`` between them is the paper's estimate of the systematic error of ``c``.
    """
    rows = [r[np.isfinite(r)] for r in per]
    keep = np.array([r.size > 0 and r.mean() > 0 for r in rows])
    if keep.sum() < 2:
        return {"error": "need at least two eps with a positive mean wall density to fit"}
    e = eps[keep]
    rows = [r for r, k in zip(rows, keep, strict=True) if k]
    dropped = [float(x) for x in eps[~keep]]
    try:
        from lindhydro.analysis import fits
    except ImportError:
        fits = None
    try:
        if fits is None:
            out = fit_arrhenius(e, per[keep], n_boot=n_boot)  # made JSON-ready below
        else:
            res = fits.fit_wall_density(e, realisations=rows, prefactor="eps^1/4", n_boot=n_boot)
            out = res.to_dict()
            out["method"] = "lindhydro.analysis.fits.fit_wall_density"
            alt = {}
            for pref in ("1", "eps^1/4+eps^3/4"):
                try:
                    r = fits.fit_wall_density(e, realisations=rows, prefactor=pref, n_boot=0)
                    alt[pref] = {"amplitudes": list(r.amplitudes), "c": r.c}
                except ValueError as exc:
                    alt[pref] = {"error": str(exc)}
            out["alternative_prefactors"] = alt
    except ValueError as exc:
        return {"error": str(exc)}
    out["eps_dropped_zero_density"] = dropped
    return to_jsonable(out)


def _exact_density_xi(example: dict[str, Any], axes: dict[str, Any], eps: np.ndarray) -> np.ndarray | None:
    """Transfer-integral 1/(2ξ) per ε for the equilibrium toy model; ``None`` if not applicable."""
    if example.get("preset") != "paper":
        return None
    model_kw = dict(example.get("model", {})) | {k: v for k, v in axes.items() if k in example.get("model", {})}
    sim = dict(example.get("simulation", {})) | {k: v for k, v in axes.items() if k in example.get("simulation", {})}
    if model_kw.get("thermal", True):
        return None
    from lindhydro.analysis.transfer import TransferIntegral
    from lindhydro.field import paper_toy_model

    out = []
    for e in eps:
        try:
            ti = TransferIntegral(paper_toy_model(float(e), **model_kw), float(sim.get("dx", 0.25)))
            out.append(1.0 / (2.0 * ti.correlation_length))
        except ValueError:
            out.append(np.nan)
    return np.asarray(out)


def analyze_store(path: str | Path, *, t_steady: float | None = None, fit: bool = True, n_boot: int = 500,
                  exact: bool = True) -> StoreAnalysis:
    """Steady-state wall density vs ε (with errors and the fit) from a store alone.

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
        Empty store, or ``t_steady`` after the last record.
    """
    ds = open_store(path)
    times = np.asarray(ds["time"].values)
    t_end = float(times[-1])
    if t_steady is None:
        example = json.loads(ds.attrs.get("parameters_example", "{}"))
        t_steady = 0.5 * float(example.get("simulation", {}).get("time", t_end))
    if t_steady >= t_end:
        raise ValueError(f"t_steady = {t_steady} is not before the last record at t = {t_end}")
    window = times > t_steady + 1e-9 * max(1.0, abs(t_end))
    if not window.any():
        raise ValueError(f"no records at t > {t_steady}")
    wd = ds["wall_density"]
    dens = wd.isel(t=np.flatnonzero(window)).mean("t")
    idx_w = np.flatnonzero(window)
    half = len(idx_w) // 2
    q3 = wd.isel(t=idx_w[:half]).mean("t") if half else dens
    q4 = wd.isel(t=idx_w[half:]).mean("t")
    extra = [d for d in dens.dims if d not in ("eps", "realisation")]
    combos = [{}]
    for a in extra:
        combos = [c | {a: v.item()} for c in combos for v in ds[a].values]
    curves = []
    for combo in combos:
        sel = dens.sel(combo) if combo else dens
        d3 = q3.sel(combo) if combo else q3
        d4 = q4.sel(combo) if combo else q4
        per = np.asarray(sel.transpose("eps", "realisation").values, dtype=float)
        have = np.isfinite(per).any(axis=1)
        eps = np.asarray(ds["eps"].values)[have]
        per = per[have]
        cnt = np.sum(np.isfinite(per), axis=1)
        mean = np.nanmean(per, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            err = np.where(cnt > 1, np.nanstd(per, axis=1, ddof=min(1, per.shape[1] - 1)) / np.sqrt(cnt), np.nan)
            diff = np.asarray((d4 - d3).transpose("eps", "realisation").values, dtype=float)[have]
            dm = np.nanmean(diff, axis=1)
            de = np.nanstd(diff, axis=1, ddof=min(1, diff.shape[1] - 1)) / np.sqrt(cnt)
            drift = np.where(cnt > 1, dm / de, np.nan)
        fitres = _fit(eps, per, n_boot) if fit and len(eps) >= 2 else None
        xi_kw = {}
        if "correlation" in ds:
            C = ds["correlation"].sel(combo) if combo else ds["correlation"]
            C = np.asarray(C.transpose("eps", "realisation", "r_index").values, dtype=float)[have]
            xi = _xi_per_realisation(np.asarray(ds["r"].values), C)
            with np.errstate(invalid="ignore", divide="ignore"):
                nxi = 1.0 / (2.0 * xi)
            xi_kw = {
                "correlation_length": _nanmean(xi), "correlation_length_err": _nansem(xi),
                "density_xi": _nanmean(nxi), "density_xi_err": _nansem(nxi),
                "fit_xi": _fit(eps, nxi, n_boot) if fit and len(eps) >= 2 else None,
            }
        if exact:
            xi_kw["exact_density_xi"] = _exact_density_xi(json.loads(ds.attrs.get("parameters_example", "{}")),
                                                          combo, eps)
        curves.append(DensityCurve(axes=combo, eps=eps, density=mean, density_err=err, per_realisation=per,
                                   n_realisations=cnt, drift_sigma=drift, fit=fitres, **xi_kw))
    n_finished = int(ds["finished"].sum())
    try:
        from lindhydro.sweep.store import ResultStore

        manifest = ResultStore(path).read_manifest() or {}
        n_expected = len(manifest.get("tasks", {})) or n_finished
    except ValueError:
        n_expected = n_finished
    return StoreAnalysis(
        store=str(path), t_steady=float(t_steady), t_end=t_end, curves=tuple(curves),
        n_finished=n_finished, n_expected=n_expected,
        parameters_example=json.loads(ds.attrs.get("parameters_example", "{}")),
    )


def _xi_per_realisation(r: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Correlation length of every realisation's averaged C(r) (NaN where missing, inf = ring-sized)."""
    from lindhydro.analysis.correlations import correlation_length_from_function

    out = np.full(C.shape[:2], np.nan)
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            if np.all(np.isfinite(C[i, j])):
                xi = correlation_length_from_function(r, C[i, j])
                out[i, j] = xi if np.isfinite(xi) else np.nan
    return out


def _nanmean(a: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows give NaN, quietly
        return np.nanmean(a, axis=1)


def _nansem(a: np.ndarray) -> np.ndarray:
    cnt = np.sum(np.isfinite(a), axis=1)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(a, axis=1, ddof=1) if a.shape[1] > 1 else np.full(a.shape[0], np.nan)
        return np.where(cnt > 1, sd / np.sqrt(np.maximum(cnt, 1)), np.nan)


def _has_fit(cur: DensityCurve) -> bool:
    f = cur.fit or {}
    return f.get("A") is not None and f.get("c") is not None and f.get("prefactor", "eps^1/4") == "eps^1/4"


def _model_law(eps: np.ndarray, A: float, c: float) -> np.ndarray:
    return A * eps**0.25 * np.exp(-c / np.sqrt(eps))


def plot_analysis(analysis: StoreAnalysis, out: str | Path, *, store_dataset=None) -> list[Path]:
    """Write the Fig. 5/6-style plots of an analysis to directory ``out``.

    Files: ``density_vs_eps.png`` (Fig. 5: n vs ε, error bars, fit), ``arrhenius.png`` (Fig. 6 style:
    ln(n/ε^{1/4}) vs 1/√ε, where the law is a straight line of slope −c) and ``density_vs_time.png``
    (realisation-averaged density vs time per ε, with the averaging window: a stationarity check).

    Parameters
    ----------
    analysis : StoreAnalysis
        From :func:`analyze_store`.
    out : path-like
        Output directory (created).
    store_dataset : xarray.Dataset, optional
        ``open_store(analysis.store)`` if already open (it is re-opened otherwise).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "cairo"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = []

    fig, ax = plt.subplots(figsize=(5, 3.6))
    for cur in analysis.curves:
        lab = ", ".join(f"{k}={v}" for k, v in cur.axes.items()) or "simulation"
        h = ax.errorbar(cur.eps, cur.density, yerr=np.nan_to_num(cur.density_err), fmt="o", capsize=3, label=lab)
        if _has_fit(cur):
            e = np.linspace(cur.eps.min() * 0.95, cur.eps.max() * 1.05, 200)
            ax.plot(e, _model_law(e, cur.fit["A"], cur.fit["c"]), "-", color=h[0].get_color(),
                    label=f"A ε^1/4 e^(-c/√ε): A={cur.fit['A']:.3g}, c={cur.fit['c']:.3g}")
        if cur.density_xi is not None and np.any(np.isfinite(cur.density_xi)):
            ax.errorbar(cur.eps, cur.density_xi, yerr=np.nan_to_num(cur.density_xi_err), fmt="s", mfc="none",
                        capsize=2, color=h[0].get_color(), label="1/(2ξ) (no ℓ)")
        if cur.exact_density_xi is not None:
            ax.plot(cur.eps, cur.exact_density_xi, "k--", lw=1, label="exact 1/(2ξ), transfer integral")
    ax.set_xlabel("ε̃")
    ax.set_ylabel("domain-wall density n (1/a)")
    ax.set_yscale("log")
    ax.legend(fontsize=7)
    equilibrium = any(c.exact_density_xi is not None for c in analysis.curves)
    ax.set_title(f"wall density vs coupling (cf. paper Fig. {6 if equilibrium else 5})", fontsize=9)
    fig.tight_layout()
    files.append(out / "density_vs_eps.png")
    fig.savefig(files[-1], dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 3.6))
    for cur in analysis.curves:
        ok = cur.density > 0
        x = 1 / np.sqrt(cur.eps[ok])
        y = np.log(cur.density[ok] / cur.eps[ok] ** 0.25)
        yerr = np.nan_to_num(cur.density_err[ok] / cur.density[ok])
        h = ax.errorbar(x, y, yerr=yerr, fmt="o", capsize=3)
        if _has_fit(cur):
            xx = np.linspace(x.min() * 0.95, x.max() * 1.05, 50)
            ax.plot(xx, np.log(cur.fit["A"]) - cur.fit["c"] * xx, "-", color=h[0].get_color(),
                    label=f"slope −c = {-cur.fit['c']:.3g}")
    ax.set_xlabel(r"$1/\sqrt{\tilde\varepsilon}$")
    ax.set_ylabel(r"$\ln(n\,/\,\tilde\varepsilon^{1/4})$")
    ax.legend(fontsize=7)
    ax.set_title("Arrhenius form (cf. paper Fig. 6)", fontsize=9)
    fig.tight_layout()
    files.append(out / "arrhenius.png")
    fig.savefig(files[-1], dpi=120)
    plt.close(fig)

    ds = store_dataset if store_dataset is not None else open_store(analysis.store)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    wd = ds["wall_density"]
    other = [d for d in wd.dims if d not in ("eps", "realisation", "t")]
    if other:
        wd = wd.isel({d: 0 for d in other})
    mean = wd.mean("realisation")
    for e in ds["eps"].values:
        ax.plot(ds["time"].values, mean.sel(eps=e).values, label=f"ε={e:g}")
    ax.axvline(analysis.t_steady, color="k", ls=":", lw=1)
    ax.set_xlabel("t (a²/D)")
    ax.set_ylabel("wall density (1/a)")
    ax.set_yscale("log")
    ax.legend(fontsize=7, ncol=2)
    ax.set_title("relaxation to the steady state (average over realisations)", fontsize=9)
    fig.tight_layout()
    files.append(out / "density_vs_time.png")
    fig.savefig(files[-1], dpi=120)
    plt.close(fig)
    return files
