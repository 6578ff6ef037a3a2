"""Observables of strong-sector steady states and of their mixture, shared by the exact and ε → 0 solvers.

A sector state reports ⟨H0⟩/N, per charge q_mean = ⟨Q_i⟩/N and q_rms = ⟨Q_i²⟩^{1/2}/N, and for spin
chains ⟨Q1²⟩^{1/2}/N, the distribution of the magnetisation Q1 and the energy density given |Q1|.
The mixture Σ_s w_s ρ_s with w_s = dim(sector)/d^N (equal weights ½ for the paper's X sectors) is
the state reached from infinite temperature.  Energies in J.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np

__all__ = ["EqualMixture", "magnetisation_resolved", "q1_resolved", "sector_summary"]


class SectorObservables(Protocol):
    """What a sector steady state (exact or ε → 0) reports: the fields used by the mixture."""

    parity: int
    energy_density: float
    m_rms: float
    q1_distribution: dict[int, float]
    energy_density_given_abs_q1: dict[int, float]


def q1_resolved(
    populations: np.ndarray, magnetisation: np.ndarray, energy_weight, n_sites: int
) -> tuple[dict[int, float], dict[int, float]]:
    """P(Q1 = M) and the energy density given |Q1| of a state of one X sector.

    A block state |ã⟩ is an equal superposition of Q1 = M and −M, so P(Q1 = ±M) is half the weight
    of |Q1| = |M| (exact: X maps Q1 → −Q1 and the state commutes with X).  The conditional energy
    density is ⟨P H0⟩/(N⟨P⟩), P the projector onto |Q1| = |M| (H0 conserves |Q1|).

    Parameters
    ----------
    populations : numpy.ndarray
        Weight of every block state.
    magnetisation : numpy.ndarray of int
        Q1 (or |Q1|) of every block state.
    energy_weight : callable
        ``energy_weight(mask)`` = ⟨P H0⟩ for the block states selected by the boolean ``mask``.
    n_sites : int
        Chain length N.

    Returns
    -------
    q1_distribution : dict[int, float]
        P(Q1 = M) for M = −N, −N+2, …, N.
    energy_density_given_abs_q1 : dict[int, float]
        Keys |M| with nonzero weight; values in J.
    """
    absm = np.abs(magnetisation)
    dist: dict[int, float] = {}
    for value in range(-n_sites, n_sites + 1, 2):
        w = float(np.sum(populations[absm == abs(value)]))
        dist[value] = w if value == 0 else 0.5 * w
    return dist, _given_abs_q1(dist, absm, energy_weight, n_sites)


def _given_abs_q1(dist: dict[int, float], abs_magnetisation: np.ndarray, energy_weight, n_sites: int) -> dict[int, float]:
    """⟨P H0⟩/(N⟨P⟩) for every |Q1| of the block states, ⟨P⟩ = P(|Q1|) from the distribution."""
    cond = {}
    for am in np.unique(abs_magnetisation):
        weight = dist.get(int(am), 0.0) + (dist.get(-int(am), 0.0) if am else 0.0)
        if weight > 1e-300:
            cond[int(am)] = float(energy_weight(abs_magnetisation == am)) / weight / n_sites
    return cond


def magnetisation_resolved(
    product_populations: np.ndarray, magnetisation: np.ndarray, energy_weight, abs_magnetisation: np.ndarray,
    n_sites: int,
) -> tuple[dict[int, float], dict[int, float]]:
    """P(Q1 = M) from product-state populations, and the energy density given |Q1|, of any state.

    Parameters
    ----------
    product_populations : numpy.ndarray
        ⟨s|ρ|s⟩ of the product states ``s`` (of a sector).
    magnetisation : numpy.ndarray of int
        Q1 of those product states.
    energy_weight : callable
        ``energy_weight(mask)`` = ⟨P H0⟩ for the block states selected by a boolean mask, P their
        projector.
    abs_magnetisation : numpy.ndarray of int
        |Q1| of every block state (the masks select block states by it).
    n_sites : int
        Chain length N.

    Returns
    -------
    q1_distribution, energy_density_given_abs_q1 : dict[int, float]
        As in :func:`q1_resolved`.
    """
    dist = {int(v): float(np.sum(product_populations[magnetisation == v])) for v in range(-n_sites, n_sites + 1, 2)}
    return dist, _given_abs_q1(dist, abs_magnetisation, energy_weight, n_sites)


def sector_summary(state: SectorObservables) -> dict[str, Any]:
    """JSON-ready observables of one strong-sector steady state (exact or ε → 0).

    Parameters
    ----------
    state : SectorObservables
        A sector steady state.

    Returns
    -------
    dict
        ``{"x_parity", "energy_density", "m_rms", "q1_distribution", "energy_density_given_abs_q1"}``
        (``x_parity``: the involution eigenvalue, None without one), and where the state has them
        ``"labels"`` (strong-symmetry quantum numbers), ``"weight"``, ``"charges"``, ``"q_mean"``
        and ``"q_rms"``.
    """
    out = {
        "x_parity": None if state.parity is None else int(state.parity),
        "energy_density": float(state.energy_density),
        "m_rms": float(state.m_rms),
        "q1_distribution": {str(k): float(v) for k, v in state.q1_distribution.items()},
        "energy_density_given_abs_q1": {
            str(k): float(v) for k, v in state.energy_density_given_abs_q1.items()
        },
    }
    for key in ("labels", "weight", "charges", "q_mean", "q_rms"):
        value = getattr(state, key if key != "charges" else "charge_names", None)
        if value is not None and not (isinstance(value, float) and math.isnan(value)) and value != ():
            out[key] = _plain(value)
    return out


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list | np.ndarray):
        return [_plain(v) for v in value]
    return value if isinstance(value, str | int) else float(value)


class EqualMixture:
    """Observables of the mixture Σ_s w_s ρ_s of the sectors in ``self.by_sector``.

    The weights are the sectors' ``weight`` attributes (dim(sector)/d^N, the mixture reached from
    infinite temperature), normalised; equal weights where a sector has none (the paper's X
    sectors: ½ each).

    Attributes
    ----------
    by_sector : tuple of SectorObservables
        The sector steady states.
    """

    by_sector: tuple[SectorObservables, ...]

    @property
    def weights(self) -> np.ndarray:
        """Normalised sector weights w_s."""
        w = np.array([getattr(s, "weight", math.nan) for s in self.by_sector], dtype=float)
        if not np.all(np.isfinite(w)) or w.sum() <= 0:
            w = np.ones(len(self.by_sector))
        return w / w.sum()

    def _average(self, values) -> float:
        w = self.weights
        if np.allclose(w, w[0]):
            return float(np.mean(values))
        return float(np.dot(w, values))

    @property
    def energy_density(self) -> float:
        """⟨H0⟩/N of the mixture (units J)."""
        return self._average([s.energy_density for s in self.by_sector])

    @property
    def m_rms(self) -> float:
        """⟨Q1²⟩^{1/2}/N of the mixture."""
        return math.sqrt(self._average([s.m_rms**2 for s in self.by_sector]))

    @property
    def q1_distribution(self) -> dict[int, float]:
        """P(Q1 = M) of the mixture."""
        keys = sorted(set().union(*(s.q1_distribution for s in self.by_sector)))
        return {k: self._average([s.q1_distribution.get(k, 0.0) for s in self.by_sector]) for k in keys}

    @property
    def energy_density_given_abs_q1(self) -> dict[int, float]:
        """Energy density conditioned on |Q1| in the mixture (J)."""
        out = {}
        sw = self.weights / self.weights[0]
        keys = sorted(set().union(*(s.energy_density_given_abs_q1 for s in self.by_sector)))
        for am in keys:
            w = [(s.q1_distribution.get(am, 0.0) + (s.q1_distribution.get(-am, 0.0) if am else 0.0)) * f
                 for s, f in zip(self.by_sector, sw, strict=True)]
            e = [s.energy_density_given_abs_q1.get(am, 0.0) for s in self.by_sector]
            if sum(w) > 0:
                out[am] = float(np.dot(w, e) / sum(w))
        return out

    @property
    def q_mean(self) -> tuple[float, ...] | None:
        """⟨Q_i⟩/N of the mixture (None if the sectors do not report charges)."""
        if any(getattr(s, "q_mean", None) is None for s in self.by_sector):
            return None
        return tuple(self._average(v) for v in zip(*(s.q_mean for s in self.by_sector), strict=True))

    @property
    def q_rms(self) -> tuple[float, ...] | None:
        """⟨Q_i²⟩^{1/2}/N of the mixture (None if the sectors do not report charges)."""
        if any(getattr(s, "q_rms", None) is None for s in self.by_sector):
            return None
        return tuple(math.sqrt(self._average(np.square(v))) for v in zip(*(s.q_rms for s in self.by_sector), strict=True))

    def mixture_summary(self) -> dict[str, Any]:
        """JSON-ready sectors and mixture observables (``q_mean``/``q_rms`` where the sectors have them)."""
        out = {
            "by_sector": [s.to_dict() for s in self.by_sector],
            "energy_density": self.energy_density,
            "m_rms": self.m_rms,
            "q1_distribution": {str(k): v for k, v in self.q1_distribution.items()},
            "energy_density_given_abs_q1": {str(k): v for k, v in self.energy_density_given_abs_q1.items()},
        }
        if self.q_mean is not None:
            out["q_mean"] = list(self.q_mean)
            out["q_rms"] = list(self.q_rms)
            out["weights"] = self.weights.tolist()
        return out
