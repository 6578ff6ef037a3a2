"""Analysis of order-parameter fields: domain walls, correlations, the exact transfer integral, fits.

Submodules
----------
walls
    Domain-wall count on a periodic line (hysteresis at ``+-threshold`` after coarse-graining
    over ``ell``), the defaults of ``ell`` and the threshold from the model.
correlations
    ``C(r)``, structure factor, correlation length ``xi`` and the wall density ``1 / (2 xi)``.
transfer
    Exact equilibrium statistics (no ``xi^th``) of the lattice model by the transfer integral:
    ``<m^2>``, ``xi = dx / ln(lambda0 / lambda1)``, ``C(r)``, domain-wall energy, temperature
    conventions (derived ``T = site_noise / (2a)`` vs the paper's half of it).
fits
    ``n(eps) = P(eps) exp(-c / sqrt(eps))`` with the paper's prefactors, fixed or free ``c``,
    bootstrap errors over realisations; the stationarity judge and autocorrelation times.

This layer imports :mod:`lindhydro.field` only; runs of the integrator (wall-density scans) are
experiments (:mod:`lindhydro.experiments.scans`).
"""

from __future__ import annotations

from typing import Any

from lindhydro.analysis import correlations, fits, transfer, walls
from lindhydro.analysis.correlations import *  # noqa: F403
from lindhydro.analysis.fits import *  # noqa: F403
from lindhydro.analysis.transfer import *  # noqa: F403
from lindhydro.analysis.walls import *  # noqa: F403

__all__ = [*correlations.__all__, *fits.__all__, *transfer.__all__, *walls.__all__]


def __getattr__(name: str) -> Any:
    if name in fits.RENAMED:
        return getattr(fits, name)  # warns
    if name in walls.MOVED_TO_EXPERIMENTS:
        return getattr(walls, name)  # says where it went
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
