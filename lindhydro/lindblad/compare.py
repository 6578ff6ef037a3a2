"""Exact Lindblad steady states against the Gibbs-ensemble fixed points of the same chain.

The hydrodynamic prediction for the steady state of a finite chain at small ε is the Gibbs state
ρ(λ*) of a stable fixed point f(q*) = 0.  With the strong Z2 symmetry the exact steady state
(equal X mixture) is symmetric under Q1 → −Q1, so it is compared with the *equal mixture of the
two stable fixed points* ±m*: the same energy density e*, ⟨Q1²⟩/N² = m*² + χ11/N (the Gibbs
fluctuations, χ11 = Var(Q1)/N in the fixed-point state) and the Q1 distribution
½[P_λ*(Q1) + P_λ*(−Q1)].  The finite-N prediction of the noisy hydrodynamics is the stationary law
of the zero-dimensional jump process of :mod:`~lindhydro.lindblad.zero_dim` (``"hydro_prediction"``).

:func:`validate` produces the JSON record of ``lindhydro validate``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lindhydro.quantum.fixed_points import as_ensemble, find_fixed_points
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.model import ChainParameters

from .secular import MAX_SECULAR_SITES, secular_steady_state
from .steady_state import steady_state
from .zero_dim import HydroPrediction, jump_lattice

__all__ = ["FixedPointReference", "fixed_point_reference", "hydro_prediction", "validate", "gap_summary"]


@dataclass(frozen=True)
class FixedPointReference:
    """Gibbs-ensemble prediction at the stable fixed point (m* > 0 of the ± pair).

    Attributes
    ----------
    parameters : ChainParameters
    m, e : float
        Fixed-point densities m* = ⟨Q1⟩/N, e* = ⟨H0⟩/N (J).
    lam : tuple of float
        (λ1, λ2) of the fixed-point Gibbs state.
    m_rms : float
        ⟨Q1²⟩^{1/2}/N of the ± mixture, sqrt(m*² + χ11/N).
    q1_distribution : dict[int, float]
        Symmetrised Gibbs distribution of Q1 (mixture of ±m*).
    bistable : bool
        Whether two stable fixed points exist (otherwise m* = 0 is the single stable point).
    timings : dict
        Seconds spent.
    """

    parameters: ChainParameters
    m: float
    e: float
    lam: tuple[float, float]
    m_rms: float
    q1_distribution: dict[int, float]
    bistable: bool
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "m": float(self.m),
            "e": float(self.e),
            "lambda": [float(x) for x in self.lam],
            "m_rms": float(self.m_rms),
            "q1_distribution": {str(k): float(v) for k, v in self.q1_distribution.items()},
            "bistable": bool(self.bistable),
            "note": "stable Gibbs fixed point of the same N; m_rms and q1_distribution refer to the equal mixture of +-m*",
        }


def fixed_point_reference(params: ChainParameters, *, ensemble: GibbsEnsemble | None = None) -> FixedPointReference:
    """Gibbs fixed point of the same chain (uses :mod:`lindhydro.quantum.fixed_points`).

    Parameters
    ----------
    params : ChainParameters
        The chain (N sites, bath parameters).
    ensemble : GibbsEnsemble, optional
        Its Gibbs ensemble, if already built.

    Returns
    -------
    FixedPointReference

    Raises
    ------
    ValueError
        If no stable fixed point is found.
    """
    t0 = time.perf_counter()
    ens = as_ensemble(params) if ensemble is None else ensemble
    res = find_fixed_points(ens, paths=False)
    stable = [p for p in res.points if p.stable]
    if not stable:
        raise ValueError(f"no stable Gibbs fixed point found for {params}")
    fp = max(stable, key=lambda p: p.m)
    lam = np.array(fp.lam, dtype=float)
    q1 = ens.spectrum.charges[:, 0]
    n = params.n_sites
    values = np.arange(-n, n + 1, 2)
    ind = (np.rint(q1)[:, None] == values[None, :]).astype(float)
    plus = ens.average(ind, lam)
    dist = 0.5 * (plus + plus[::-1])
    m2 = float(ens.average((q1**2)[:, None], lam)[0]) / n**2
    return FixedPointReference(
        parameters=params,
        m=float(fp.m),
        e=float(fp.e),
        lam=(float(lam[0]), float(lam[1])),
        m_rms=math.sqrt(m2),
        q1_distribution={int(v): float(p) for v, p in zip(values, dist, strict=True)},
        bistable=res.bistable,
        timings={"fixed_point": time.perf_counter() - t0},
    )


def _tv(p: dict, q: dict) -> float:
    keys = set(p) | set(q)
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys)


def hydro_prediction(params: ChainParameters, *, ensemble: GibbsEnsemble | None = None,
                     energy_step: float = 0.25) -> HydroPrediction:
    """The stationary law of the zero-dimensional noisy hydrodynamics of the same N.

    The jump process of (Q1, H0) with the Gibbs rates of ρ(λ(q)) (grand-canonical local states, so
    that its drift and noise are the hydrodynamic f and 𝒩), solved on the (M, E) lattice
    (:func:`~lindhydro.lindblad.zero_dim.jump_lattice`).

    Parameters
    ----------
    params : ChainParameters
        The chain.
    ensemble : GibbsEnsemble, optional
        Its Gibbs ensemble, if already built.
    energy_step : float
        Energy cell of the lattice (J).

    Returns
    -------
    HydroPrediction
    """
    ens = as_ensemble(params) if ensemble is None else ensemble
    return jump_lattice(ens.spectrum, energy_step=energy_step, ensemble="grand canonical").prediction()


def _gaps(state, fp: FixedPointReference, hydro: HydroPrediction, prefix: str) -> dict[str, float]:
    return {
        f"{prefix}energy_density_gap": state.energy_density - fp.e,
        f"{prefix}m_rms_gap": state.m_rms - fp.m_rms,
        f"{prefix}minus_hydro_prediction_energy_density": state.energy_density - hydro.energy_density,
        f"{prefix}minus_hydro_prediction_m_rms": state.m_rms - hydro.m_rms,
        f"{prefix}hydro_prediction_q1_total_variation": _tv(state.q1_distribution, hydro.q1_distribution),
    }


def validate(
    params: ChainParameters, eps: float, *, secular: bool = True, secular_only: bool = False
) -> dict[str, Any]:
    """Exact steady state, ε → 0 limit, Gibbs fixed point and noisy-hydrodynamics prediction of one chain.

    Parameters
    ----------
    params : ChainParameters
        The chain (N ≤ 10 for the exact solve; N ≤ :data:`~lindhydro.lindblad.secular.MAX_SECULAR_SITES`
        with ``secular_only``).
    eps : float
        Bath coupling ε > 0.
    secular : bool
        Also compute the ε → 0 (secular) steady state (N ≤ :data:`MAX_SECULAR_SITES`).
    secular_only : bool
        Skip the finite-ε solve (the ε → 0 state, fixed point and prediction only).

    Returns
    -------
    dict
        ``{"parameters", "steady_state": {"by_sector": [...], "energy_density", "m_rms",
        "q1_distribution", "mixture"}, "eps_to_zero": {same keys}, "fixed_point": {"m", "e", ...},
        "hydro_prediction": {"energy_density", "m_rms", "q1_distribution", ...},
        "comparison": {...}, "timings": {...}}``.  Top-level observables are the equal X mixture
        (the state reached from infinite temperature); ``"steady_state"`` is absent with
        ``secular_only``.
    """
    timings: dict[str, Any] = {}
    out: dict[str, Any] = {"parameters": {**params.to_dict(), "eps": float(eps)}}
    exact = None
    if not secular_only:
        t0 = time.perf_counter()
        exact = steady_state(params, eps)
        timings["steady_state"] = time.perf_counter() - t0
        ss = exact.to_dict()
        ss.pop("parameters")
        out["steady_state"] = ss
    sec = None
    if (secular or secular_only) and params.n_sites <= MAX_SECULAR_SITES:
        t0 = time.perf_counter()
        sec = secular_steady_state(params)
        timings["eps_to_zero"] = time.perf_counter() - t0
        d = sec.to_dict()
        d.pop("parameters")
        out["eps_to_zero"] = d
    t0 = time.perf_counter()
    ens = as_ensemble(params)
    fp = fixed_point_reference(params, ensemble=ens)
    timings["fixed_point"] = time.perf_counter() - t0
    out["fixed_point"] = fp.to_dict()
    t0 = time.perf_counter()
    hydro = hydro_prediction(params, ensemble=ens)
    timings["hydro_prediction"] = time.perf_counter() - t0
    out["hydro_prediction"] = {
        **hydro.to_dict(),
        "ensemble": "grand canonical",
        "note": "stationary law of the 0D noisy hydrodynamics dq = eps f dt + sqrt(eps N/N) dW (Ito) of the same N, "
                "as the jump master equation on the (Q1, E) lattice",
    }
    cmp: dict[str, float] = {}
    if exact is not None:
        cmp = {
            "energy_density_gap": exact.energy_density - fp.e,
            "m_rms_gap": exact.m_rms - fp.m_rms,
            "m_rms_minus_fixed_point_m": exact.m_rms - fp.m,
            "q1_total_variation": _tv(exact.q1_distribution, fp.q1_distribution),
            **{k: v for k, v in _gaps(exact, fp, hydro, "steady_state_").items() if "hydro" in k},
        }
    if sec is not None:
        cmp["eps_to_zero_energy_density_gap"] = sec.energy_density - fp.e
        cmp["eps_to_zero_m_rms_gap"] = sec.m_rms - fp.m_rms
        if exact is not None:
            cmp["steady_state_minus_eps_to_zero_energy_density"] = exact.energy_density - sec.energy_density
        cmp.update({k: v for k, v in _gaps(sec, fp, hydro, "eps_to_zero_").items() if "hydro" in k})
    out["comparison"] = {k: float(v) for k, v in cmp.items()}
    if exact is not None:
        timings["steady_state_per_sector"] = [s.timings for s in exact.by_sector]
    out["timings"] = timings
    return out


def gap_summary(n_values, eps_values, *, gamma: float = 0.9, **chain) -> list[dict[str, Any]]:
    """Energy-density and m_rms gaps to the Gibbs fixed point over a grid of N and ε.

    Parameters
    ----------
    n_values : iterable of int
        Chain lengths.
    eps_values : iterable of float
        Couplings; ε = 0 uses the secular limit.
    gamma : float
        Bath mixing γ.
    **chain
        Further :class:`~lindhydro.quantum.model.ChainParameters` fields.

    Returns
    -------
    list of dict
        One record per (N, ε): ``{"n_sites", "eps", "energy_density", "m_rms", "fp_e", "fp_m",
        "fp_m_rms", "de", "dm_rms"}``.
    """
    rows = []
    for n in n_values:
        params = ChainParameters(n_sites=int(n), gamma=gamma, **chain)
        fp = fixed_point_reference(params)
        for eps in eps_values:
            st = secular_steady_state(params) if eps == 0 else steady_state(params, eps)
            rows.append(
                {
                    "n_sites": int(n),
                    "eps": float(eps),
                    "energy_density": st.energy_density,
                    "m_rms": st.m_rms,
                    "fp_e": fp.e,
                    "fp_m": fp.m,
                    "fp_m_rms": fp.m_rms,
                    "de": st.energy_density - fp.e,
                    "dm_rms": st.m_rms - fp.m_rms,
                }
            )
    return rows
