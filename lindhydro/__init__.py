"""lindhydro: noisy hydrodynamics of weakly open quantum spin chains.

The package is a pipeline in layers (``docs/architecture.md`` states the allowed import
directions; ``tests/test_layers.py`` enforces them)::

    quantum -> lindblad          QuTiP model -> spectrum -> Gibbs hydrodynamics; exact Lindblad checks
    field -> analysis            the stochastic PDE; walls, correlations, fits
    experiments -> sweep         named models, scans, figures; dask sweeps
    plotting, cli                draw results; the command line

The public names below are imported lazily (PEP 562): ``import lindhydro`` is cheap, and a name
such as ``lindhydro.simulate`` loads only the modules it needs (QuTiP for the quantum side, numba
for the field integrator).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
import warnings
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("lindhydro")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # model (QuTiP objects)
    "ChainParameters": "lindhydro.quantum.model",
    "JumpGroup": "lindhydro.quantum.model",
    "OpenSystem": "lindhydro.quantum.model",
    "custom_model": "lindhydro.quantum.model",
    "hopping_factor": "lindhydro.quantum.model",
    "model_from_parameters": "lindhydro.quantum.model",
    "paper_model": "lindhydro.quantum.model",
    "spin_flip_operator": "lindhydro.quantum.model",
    # exact diagonalisation and Gibbs ensembles
    "Spectrum": "lindhydro.quantum.spectrum",
    "diagonalize": "lindhydro.quantum.spectrum",
    "GibbsEnsemble": "lindhydro.quantum.gibbs",
    # forces, noise, fixed points
    "ForceField": "lindhydro.quantum.hydro",
    "force_field": "lindhydro.quantum.hydro",
    "forces": "lindhydro.quantum.hydro",
    "noise_matrix": "lindhydro.quantum.hydro",
    "FixedPoint": "lindhydro.quantum.fixed_points",
    "FixedPointResult": "lindhydro.quantum.fixed_points",
    "find_fixed_points": "lindhydro.quantum.fixed_points",
    # quantum -> hydro
    "OrderParameterHydro": "lindhydro.quantum.reduce",
    "reduce_to_order_parameter": "lindhydro.quantum.reduce",
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
    "quantum", "lindblad", "field", "analysis", "experiments", "sweep", "plotting", "cli",
}

#: modules moved in 0.2 (old name -> new home); the old names import with a DeprecationWarning
#: and will be removed in 0.3
_MOVED_MODULES = {
    "model": "quantum.model",
    "spectrum": "quantum.spectrum",
    "gibbs": "quantum.gibbs",
    "noise": "quantum.hydro",
    "fixed_points": "quantum.fixed_points",
    "reduce": "quantum.reduce",
}


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``lindhydro.<old>`` as a proxy of its new home, with a DeprecationWarning."""

    def find_spec(self, fullname, path, target=None):
        head, _, tail = fullname.partition(".")
        if fullname == "lindhydro.forces":
            raise ModuleNotFoundError(
                "the module lindhydro.forces was merged into lindhydro.quantum.hydro in 0.2 "
                "(lindhydro.forces is the function lindhydro.quantum.hydro.forces)", name=fullname)
        if head == "lindhydro" and tail in _MOVED_MODULES:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        new = "lindhydro." + _MOVED_MODULES[spec.name.partition(".")[2]]
        warnings.warn(f"{spec.name} moved to {new} in lindhydro 0.2; the old name will be removed in 0.3",
                      DeprecationWarning, stacklevel=2)
        target = importlib.import_module(new)
        proxy = types.ModuleType(spec.name, target.__doc__)
        proxy.__getattr__ = lambda name: getattr(target, name)
        proxy.__all__ = list(getattr(target, "__all__", ()))
        return proxy

    def exec_module(self, module):
        return None


if not any(isinstance(f, _MovedModuleFinder) for f in sys.meta_path):
    sys.meta_path.append(_MovedModuleFinder())

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES or name in _MOVED_MODULES:
        return importlib.import_module(f"lindhydro.{name}")
    raise AttributeError(f"module 'lindhydro' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)

