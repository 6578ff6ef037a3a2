"""The eigenstate-to-eigenstate scatter of the bath forces."""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.lindblad.thermalisation import eigenstate_scatter
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.spectrum import diagonalize


def test_a_force_fixed_by_the_charges_has_no_scatter():
    """γ = 0: L̂1†(Q1) = −2J Q1 is an operator identity, so F1/N is the same for every eigenstate of
    a block; the energy force is not fixed by (Q1, E) and scatters."""
    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=8, gamma=0.0), sectors="momentum"))
    res = eigenstate_scatter(ens, np.array([0.3, -0.2]))
    assert res.scatter[0] < 1e-12
    assert res.scatter[1] > 1e-3
    assert res.spread[0] > 0.01


def test_scatter_is_bounded_by_the_spread_and_needs_blocks():
    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=8, jprime=1.0), sectors="momentum"))
    res = eigenstate_scatter(ens, np.array([-0.8, -0.1]))
    for s, w in zip(res.scatter, res.spread, strict=True):
        assert 0 < s < 2 * w
    spec = ens.spectrum
    bare = type(spec)(spec.charges, spec.energies, spec.force_elements, spec.noise_elements, spec.n_sites,
                      spec.charge_names, spec.parameters, spec.method, block_sizes=())
    with pytest.raises(ValueError, match="block"):
        eigenstate_scatter(GibbsEnsemble(bare), np.zeros(2))
