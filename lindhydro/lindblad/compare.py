"""Exact Lindblad steady states against the Gibbs-ensemble fixed points of the same chain.

The hydrodynamic prediction for the steady state of a finite chain at small ε is the Gibbs state
ρ(λ*) of a stable fixed point f(q*) = 0.  With the strong Z2 symmetry the exact steady state
(equal X mixture) is symmetric under Q1 → −Q1, so it is compared with the *equal mixture of the
two stable fixed points* ±m*: the same energy density e*, ⟨Q1²⟩/N² = m*² + χ11/N (the Gibbs
fluctuations, χ11 = Var(Q1)/N in the fixed-point state) and the Q1 distribution
½[P_λ*(Q1) + P_λ*(−Q1)].

:func:`validate` produces the JSON record of ``lindhydro validate``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lindhydro.quantum.fixed_points import as_ensemble, find_fixed_points
from lindhydro.quantum.model import ChainParameters

from .secular import MAX_SECULAR_SITES, secular_steady_state
from .steady_state import steady_state

__all__ = ["FixedPointReference", "fixed_point_reference", "validate", "gap_summary"]


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


def fixed_point_reference(params: ChainParameters) -> FixedPointReference:
    """Gibbs fixed point of the same chain (uses :mod:`lindhydro.quantum.fixed_points`).

    Parameters
    ----------
    params : ChainParameters
        The chain (N sites, bath parameters).

    Returns
    -------
    FixedPointReference

    Raises
    ------
    ValueError
        If no stable fixed point is found.
    """
    t0 = time.perf_counter()
    ens = as_ensemble(params)
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


def validate(params: ChainParameters, eps: float, *, secular: bool = True) -> dict[str, Any]:
    """Exact steady state, ε → 0 limit and Gibbs fixed point of one chain, as a JSON-ready dict.

    Parameters
    ----------
    params : ChainParameters
        The chain (N ≤ 10 for the exact solve).
    eps : float
        Bath coupling ε > 0.
    secular : bool
        Also compute the ε → 0 (secular) steady state (N ≤ :data:`MAX_SECULAR_SITES`).

    Returns
    -------
    dict
        ``{"parameters", "steady_state": {"by_sector": [...], "energy_density", "m_rms",
        "q1_distribution", "mixture"}, "eps_to_zero": {same keys}, "fixed_point": {"m", "e", ...},
        "comparison": {...}, "timings": {...}}``.  Top-level observables are the equal X mixture
        (the state reached from infinite temperature).
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    exact = steady_state(params, eps)
    timings["steady_state"] = time.perf_counter() - t0
    out: dict[str, Any] = {"parameters": {**params.to_dict(), "eps": float(eps)}}
    ss = exact.to_dict()
    ss.pop("parameters")
    out["steady_state"] = ss
    sec = None
    if secular and params.n_sites <= MAX_SECULAR_SITES:
        t0 = time.perf_counter()
        sec = secular_steady_state(params)
        timings["eps_to_zero"] = time.perf_counter() - t0
        d = sec.to_dict()
        d.pop("parameters")
        out["eps_to_zero"] = d
    t0 = time.perf_counter()
    fp = fixed_point_reference(params)
    timings["fixed_point"] = time.perf_counter() - t0
    out["fixed_point"] = fp.to_dict()
    cmp = {
        "energy_density_gap": exact.energy_density - fp.e,
        "m_rms_gap": exact.m_rms - fp.m_rms,
        "m_rms_minus_fixed_point_m": exact.m_rms - fp.m,
        "q1_total_variation": _tv(exact.q1_distribution, fp.q1_distribution),
    }
    if sec is not None:
        cmp["eps_to_zero_energy_density_gap"] = sec.energy_density - fp.e
        cmp["eps_to_zero_m_rms_gap"] = sec.m_rms - fp.m_rms
        cmp["steady_state_minus_eps_to_zero_energy_density"] = exact.energy_density - sec.energy_density
    out["comparison"] = {k: float(v) for k, v in cmp.items()}
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
