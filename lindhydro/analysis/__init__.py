"""Analysis of order-parameter fields: domain walls, correlations, the exact transfer integral, fits.

Submodules
----------
walls
    Domain-wall count on a periodic line (hysteresis at ``+-threshold`` after coarse-graining
    over ``ell``), default ``ell`` and threshold from the model; ``measure_wall_density`` runs an
    ensemble and measures densities for several ``ell`` with a steady-state check.
correlations
    ``C(r)``, structure factor, correlation length ``xi`` and the wall density ``1 / (2 xi)``.
transfer
    Exact equilibrium statistics (no ``xi^th``) of the lattice model by the transfer integral:
    ``<m^2>``, ``xi = dx / ln(lambda0 / lambda1)``, ``C(r)``, domain-wall energy, temperature
    conventions (derived ``T = site_noise / (2a)`` vs the paper's half of it).
fits
    ``n(eps) = P(eps) exp(-c / sqrt(eps))`` with the paper's prefactors, fixed or free ``c``,
    bootstrap errors over realisations; steady-state criterion and autocorrelation times.
"""

from __future__ import annotations

from lindhydro.analysis.correlations import (
    correlation_function,
    correlation_length,
    correlation_length_from_function,
    structure_factor,
    wall_density_from_correlation_length,
)
from lindhydro.analysis.fits import (
    PREFACTORS,
    SteadyState,
    WallDensityFit,
    fit_all_prefactors,
    fit_resampled,
    fit_wall_density,
    integrated_autocorrelation_time,
    steady_state,
    wall_density_law,
)
from lindhydro.analysis.transfer import TransferIntegral, domain_wall_energy, effective_temperature
from lindhydro.analysis.walls import (
    WallDensityMeasurement,
    count_walls,
    default_coarse_graining_length,
    default_threshold,
    measure_wall_density,
    smooth,
    stable_magnetisation,
    wall_density,
    wall_positions,
    wall_width,
)

__all__ = [
    "PREFACTORS",
    "SteadyState",
    "WallDensityFit",
    "fit_all_prefactors",
    "fit_resampled",
    "fit_wall_density",
    "integrated_autocorrelation_time",
    "measure_wall_density",
    "steady_state",
    "wall_density_law",
    "TransferIntegral",
    "WallDensityMeasurement",
    "domain_wall_energy",
    "effective_temperature",
    "correlation_function",
    "correlation_length",
    "correlation_length_from_function",
    "count_walls",
    "default_coarse_graining_length",
    "default_threshold",
    "smooth",
    "stable_magnetisation",
    "structure_factor",
    "wall_density",
    "wall_density_from_correlation_length",
    "wall_positions",
    "wall_width",
]
