"""lindhydro: noisy hydrodynamics of weakly open quantum spin chains.

Data flow (each module imports only those before it)::

    model (QuTiP Qobj) -> spectrum (sector ED) -> gibbs -> forces / noise / fixed_points
        -> reduce (order-parameter hydro) -> field (SPDE integrator) -> analysis (walls, fits)

``lindblad`` (exact Lindblad validation), ``sweep``, ``plotting`` and ``cli`` sit on top.

The public names below are imported lazily (PEP 562): ``import lindhydro`` is cheap, and a name
such as ``lindhydro.simulate`` loads only the modules it needs (QuTiP for the quantum side, numba
for the field integrator).
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("lindhydro")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # model (QuTiP objects)
    "ChainParameters": "lindhydro.model",
    "JumpGroup": "lindhydro.model",
    "OpenSystem": "lindhydro.model",
    "custom_model": "lindhydro.model",
    "hopping_factor": "lindhydro.model",
    "model_from_parameters": "lindhydro.model",
    "paper_model": "lindhydro.model",
    "spin_flip_operator": "lindhydro.model",
    # exact diagonalisation and Gibbs ensembles
    "Spectrum": "lindhydro.spectrum",
    "diagonalize": "lindhydro.spectrum",
    "GibbsEnsemble": "lindhydro.gibbs",
    # forces, noise, fixed points
    "ForceField": "lindhydro.forces",
    "force_field": "lindhydro.forces",
    "forces": "lindhydro.forces",
    "noise_matrix": "lindhydro.noise",
    "FixedPoint": "lindhydro.fixed_points",
    "FixedPointResult": "lindhydro.fixed_points",
    "find_fixed_points": "lindhydro.fixed_points",
    # quantum -> hydro
    "OrderParameterHydro": "lindhydro.reduce",
    "reduce_to_order_parameter": "lindhydro.reduce",
    # stochastic PDE
    "FieldModel": "lindhydro.field",
    "SimulationResult": "lindhydro.field",
    "SimulationState": "lindhydro.field",
    "paper_toy_model": "lindhydro.field",
    "simulate": "lindhydro.field",
    "simulate_ensemble": "lindhydro.field",
    # domain-wall statistics
    "TransferIntegral": "lindhydro.analysis",
    "correlation_length": "lindhydro.analysis",
    "count_walls": "lindhydro.analysis",
    "fit_wall_density": "lindhydro.analysis",
}

_SUBMODULES = {
    "model", "spectrum", "gibbs", "forces", "noise", "fixed_points", "reduce", "field",
    "analysis", "lindblad", "sweep", "plotting", "cli",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"lindhydro.{name}")
    raise AttributeError(f"module 'lindhydro' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)

