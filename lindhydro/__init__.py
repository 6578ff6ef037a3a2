"""lindhydro: noisy hydrodynamics of weakly open quantum spin chains.

Data flow (each module imports only those before it)::

    model (QuTiP Qobj) -> spectrum (sector ED) -> gibbs -> forces / noise / fixed_points
        -> reduce (order-parameter hydro) -> field (SPDE integrator) -> analysis (walls, fits)

``lindblad`` (exact Lindblad validation), ``sweep``, ``plotting`` and ``cli`` sit on top.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lindhydro")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

from lindhydro.model import (
    ChainParameters,
    JumpGroup,
    OpenSystem,
    custom_model,
    hopping_factor,
    model_from_parameters,
    paper_model,
    spin_flip_operator,
)

__all__ = [
    "__version__",
    "ChainParameters",
    "JumpGroup",
    "OpenSystem",
    "custom_model",
    "hopping_factor",
    "model_from_parameters",
    "paper_model",
    "spin_flip_operator",
]
