"""Model builders for sweep presets that need more than one call (see :data:`lindhydro.sweep.config.PRESETS`).

``quantum``: the first-principles route.  The chain's order-parameter hydrodynamics
(:func:`lindhydro.reduce.reduce_to_order_parameter`: f(m) along the slow manifold and the noise N11,
from exact diagonalisation) is turned into a field model with
:meth:`lindhydro.field.FieldModel.from_hydro` at each ε.  The reduction does not depend on ε, so it
is computed once per process and chain (cached); every worker repeats it once (about a second at
N = 8).  Units: J = a = 1; the diffusion constant ``D`` (units J a²) and ``chi_T`` (units 1/a) are
not computed by the paper or by lindhydro and must be given.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["quantum_field_model"]


@lru_cache(maxsize=16)
def _hydro(sites: int, gamma: float, delta: float, jprime: float, hopping: str):
    from lindhydro.model import ChainParameters
    from lindhydro.reduce import reduce_to_order_parameter

    return reduce_to_order_parameter(
        ChainParameters(n_sites=sites, gamma=gamma, delta=delta, jprime=jprime, hopping=hopping)
    )


def quantum_field_model(
    eps: float,
    *,
    sites: int = 8,
    gamma: float = 0.9,
    delta: float = 1.0,
    jprime: float = 0.01,
    hopping: str = "isotropic",
    D: float = 1.0,
    chi_T: float = 0.5,
    thermal: bool = True,
    renormalisation: str = "none",
):
    """Field model of the weakly open XXZ chain at coupling ``eps`` (the ``quantum`` preset).

    Parameters
    ----------
    eps : float
        Bath coupling ε (> 0).
    sites : int
        Chain length N of the exact diagonalisation.
    gamma, delta, jprime : float
        Bath mixing γ, anisotropy Δ and next-nearest hopping J'/J of the chain.
    hopping : {"isotropic", "literal"}
        Hopping normalisation (:func:`lindhydro.model.hopping_factor`).
    D : float
        Diffusion constant of m (units J a²).
    chi_T : float
        χT (units 1/a); the conserved noise has variance 2 D χT per unit length and time.
    thermal : bool
        Include the conserved noise.
    renormalisation : {"none", "wick"}
        Force renormalisation against the conserved noise (:mod:`lindhydro.field.model`).

    Returns
    -------
    lindhydro.field.FieldModel
        The model, units D = J = a = 1 apart from the given ``D``.
    """
    from lindhydro.field import FieldModel

    hydro = _hydro(int(sites), float(gamma), float(delta), float(jprime), str(hopping))
    return FieldModel.from_hydro(hydro, eps, D=D, chi_T=chi_T, thermal=thermal, renormalisation=renormalisation)
