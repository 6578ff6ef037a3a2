"""Exact Lindblad validation of the Gibbs-ensemble hydrodynamics (sits on top of the core).

* :mod:`~lindhydro.lindblad.symmetry` — strong-symmetry sectors of any model (X = Πσˣ for the
  paper's chain; diagonal U(1)/Z_p and the site-wise inversion, found or declared) and the
  weak-symmetry (translation, reflection, diagonal parities such as Z = Πσᶻ) reduction of operator
  space, on the product basis of :mod:`lindhydro.quantum.basis`.
* :mod:`~lindhydro.lindblad.steady_state` — exact steady states per strong sector of any
  :class:`~lindhydro.quantum.model.OpenSystem` (fast symmetric solver and the plain QuTiP reference).
* :mod:`~lindhydro.lindblad.iterative` — finite-ε steady states by GMRES with an ε → 0
  preconditioner (N ≤ 13).
* :mod:`~lindhydro.lindblad.secular` — the ε → 0 limit (secular rate equation), any model;
  :mod:`~lindhydro.lindblad.secular_momentum` — its momentum route for the periodic chain (N ≤ 16).
* :mod:`~lindhydro.lindblad.observables` — sector and equal-mixture observables shared by both.
* :mod:`~lindhydro.lindblad.zero_dim` — the zero-dimensional noisy hydrodynamics of N sites (jump
  lattice, 1/N expansion); :mod:`~lindhydro.lindblad.thermalisation` — eigenstate scatter, level
  statistics.
* :mod:`~lindhydro.lindblad.dynamics` — ``mesolve`` and the exact ε → 0 dynamics from Gibbs states
  vs the deterministic and the noisy hydrodynamics.
* :mod:`~lindhydro.lindblad.compare` — steady states vs Gibbs fixed points and the noisy prediction.
"""

from .compare import FixedPointReference, fixed_point_reference, gap_summary, validate
from .dynamics import TrajectoryComparison, compare_dynamics, gibbs_density_matrix, hydro_trajectory
from .secular import SecularResult, SecularSteadyState, secular_sector, secular_steady_state
from .steady_state import (
    SectorSteadyState,
    SteadyState,
    plain_steady_state,
    steady_state,
    symmetric_steady_state,
)
from .symmetry import (
    SectorDecomposition,
    StrongSector,
    SymmetricOperatorBasis,
    XSector,
    strong_sectors,
    symmetric_basis,
    x_sector,
)

__all__ = [
    "FixedPointReference",
    "fixed_point_reference",
    "gap_summary",
    "validate",
    "TrajectoryComparison",
    "compare_dynamics",
    "gibbs_density_matrix",
    "hydro_trajectory",
    "SecularResult",
    "SecularSteadyState",
    "secular_sector",
    "secular_steady_state",
    "SectorSteadyState",
    "SteadyState",
    "plain_steady_state",
    "steady_state",
    "symmetric_steady_state",
    "SectorDecomposition",
    "StrongSector",
    "strong_sectors",
    "SymmetricOperatorBasis",
    "XSector",
    "symmetric_basis",
    "x_sector",
]
