"""Observables of X-sector steady states and of their equal mixture, shared by the exact and ε → 0 solvers.

A sector state reports ⟨H0⟩/N, ⟨Q1²⟩^{1/2}/N, the distribution of Q1 and the energy density given
|Q1|; the equal mixture ½(ρ₊ + ρ₋) is the state reached from infinite temperature.  Energies in J.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np

__all__ = ["EqualMixture", "q1_resolved", "sector_summary"]


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
    cond = {}
    for am in np.unique(absm):
        mask = absm == am
        weight = float(np.sum(populations[mask]))
        if weight > 1e-300:
            cond[int(am)] = float(energy_weight(mask)) / weight / n_sites
    return dist, cond


def sector_summary(state: SectorObservables) -> dict[str, Any]:
    """JSON-ready observables of one X-sector steady state (exact or ε → 0).

    Parameters
    ----------
    state : SectorObservables
        A sector steady state.

    Returns
    -------
    dict
        ``{"x_parity", "energy_density", "m_rms", "q1_distribution", "energy_density_given_abs_q1"}``.
    """
    return {
        "x_parity": int(state.parity),
        "energy_density": float(state.energy_density),
        "m_rms": float(state.m_rms),
        "q1_distribution": {str(k): float(v) for k, v in state.q1_distribution.items()},
        "energy_density_given_abs_q1": {
            str(k): float(v) for k, v in state.energy_density_given_abs_q1.items()
        },
    }


class EqualMixture:
    """Observables of the equal mixture ½(ρ₊ + ρ₋) of the two X sectors in ``self.by_sector``.

    Attributes
    ----------
    by_sector : tuple of SectorObservables
        The sector steady states.
    """

    by_sector: tuple[SectorObservables, ...]

    @property
    def energy_density(self) -> float:
        """⟨H0⟩/N of the equal mixture (units J)."""
        return float(np.mean([s.energy_density for s in self.by_sector]))

    @property
    def m_rms(self) -> float:
        """⟨Q1²⟩^{1/2}/N of the equal mixture."""
        return math.sqrt(float(np.mean([s.m_rms**2 for s in self.by_sector])))

    @property
    def q1_distribution(self) -> dict[int, float]:
        """P(Q1 = M) of the equal mixture."""
        keys = self.by_sector[0].q1_distribution.keys()
        return {k: float(np.mean([s.q1_distribution[k] for s in self.by_sector])) for k in keys}

    @property
    def energy_density_given_abs_q1(self) -> dict[int, float]:
        """Energy density conditioned on |Q1| in the equal mixture (J)."""
        out = {}
        keys = sorted(set().union(*(s.energy_density_given_abs_q1 for s in self.by_sector)))
        for am in keys:
            w = [s.q1_distribution.get(am, 0.0) * (1 if am == 0 else 2) for s in self.by_sector]
            e = [s.energy_density_given_abs_q1.get(am, 0.0) for s in self.by_sector]
            if sum(w) > 0:
                out[am] = float(np.dot(w, e) / sum(w))
        return out

    def mixture_summary(self) -> dict[str, Any]:
        """JSON-ready sectors and equal-mixture observables."""
        return {
            "by_sector": [s.to_dict() for s in self.by_sector],
            "energy_density": self.energy_density,
            "m_rms": self.m_rms,
            "q1_distribution": {str(k): v for k, v in self.q1_distribution.items()},
            "energy_density_given_abs_q1": {str(k): v for k, v in self.energy_density_given_abs_q1.items()},
        }
