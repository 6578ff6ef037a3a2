"""Stochastic field theory of the order parameter: model, fast integrator, trackers.

``d_t m = D d^2 m + f(m) + xi + d_r xi_th`` on a periodic line, integrated with Heun's method
(numba kernels with an inline counter-based generator, float32 by default: ``Numerics.precision``;
a pure-NumPy reference path is used by the tests).  See :mod:`lindhydro.field.model` (units, the force, the conserved-noise renormalisation),
:mod:`lindhydro.field.integrate` (scheme, reproducibility, checks) and
:mod:`lindhydro.field.trackers` (what a run measures).  This layer imports nothing else of lindhydro.
"""

from lindhydro.field.integrate import (
    SimulationBlowUp,
    SimulationResult,
    SimulationState,
    check_numerics,
    simulate,
    simulate_ensemble,
)
from lindhydro.field.model import (
    RENORMALISATIONS,
    FieldModel,
    conserved_noise_variance,
    heun_counterterm_variance,
    noise_ma_coefficients,
    paper_toy_model,
    wick_order,
)
from lindhydro.field.numerics import DEFAULT_PRECISION, PRECISIONS, RELEASE_PRECISION, Numerics
from lindhydro.field.rng import key_from_seed, normals, normals_reference
from lindhydro.field.trackers import (
    CallbackTracker,
    CorrelationTracker,
    ProgressTracker,
    RunInfo,
    SnapshotTracker,
    SpatialMeansTracker,
    StopRun,
    StopTracker,
    Tracker,
    WallCountTracker,
)

__all__ = [
    "DEFAULT_PRECISION",
    "PRECISIONS",
    "RELEASE_PRECISION",
    "RENORMALISATIONS",
    "CallbackTracker",
    "CorrelationTracker",
    "FieldModel",
    "Numerics",
    "ProgressTracker",
    "RunInfo",
    "SnapshotTracker",
    "SpatialMeansTracker",
    "StopRun",
    "StopTracker",
    "Tracker",
    "WallCountTracker",
    "SimulationBlowUp",
    "SimulationResult",
    "SimulationState",
    "check_numerics",
    "conserved_noise_variance",
    "heun_counterterm_variance",
    "key_from_seed",
    "noise_ma_coefficients",
    "normals",
    "normals_reference",
    "paper_toy_model",
    "simulate",
    "simulate_ensemble",
    "wick_order",
]
