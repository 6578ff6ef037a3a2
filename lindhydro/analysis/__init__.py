"""Analysis of order-parameter fields: domain walls, correlations, the exact transfer integral, fits.

Submodules
----------
walls
    Domain-wall count on a periodic line (hysteresis at ``+-threshold`` after coarse-graining
    over ``ell``), default ``ell`` and threshold from the model.
correlations
    ``C(r)``, structure factor, correlation length ``xi`` and the wall density ``1 / (2 xi)``.
"""

from __future__ import annotations

from lindhydro.analysis.correlations import (
    correlation_function,
    correlation_length,
    correlation_length_from_function,
    structure_factor,
    wall_density_from_correlation_length,
)
from lindhydro.analysis.walls import (
    count_walls,
    default_coarse_graining_length,
    default_threshold,
    smooth,
    stable_magnetisation,
    wall_density,
    wall_positions,
    wall_width,
)

__all__ = [
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
