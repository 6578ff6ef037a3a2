"""The eigenstate-to-eigenstate scatter of the bath forces."""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.lindblad.thermalisation import (
    GOE_RATIO,
    POISSON_RATIO,
    eigenstate_scatter,
    level_spacing_ratio,
)
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.spectrum import Spectrum, diagonalize


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


def _paired_blocks(levels: list[np.ndarray]) -> Spectrum:
    """A synthetic spectrum of (k, −k) block pairs with Q1 = 1 and the given levels."""
    E = np.concatenate([np.concatenate([e, e]) for e in levels])
    n = E.size
    return Spectrum(np.column_stack([np.ones(n), E]), E, np.zeros((n, 2)), np.zeros((n, 2, 2)), 4,
                    ("q1", "energy"), None, "momentum", tuple(s for e in levels for s in (e.size, e.size)))


def test_level_spacing_ratio_of_poisson_and_goe_levels():
    rng = np.random.default_rng(3)
    poisson = [np.sort(rng.uniform(0, 1, 400)) for _ in range(10)]
    goe = []
    for _ in range(10):
        A = rng.normal(size=(400, 400))
        goe.append(np.linalg.eigvalsh(A + A.T)[100:300])  # bulk of the semicircle
    r_p, count = level_spacing_ratio(_paired_blocks(poisson))
    r_g, _ = level_spacing_ratio(_paired_blocks(goe))
    assert count == 10 * 398
    assert r_p == pytest.approx(POISSON_RATIO, abs=0.015)
    assert r_g == pytest.approx(GOE_RATIO, abs=0.015)


def test_the_paper_chain_has_level_repulsion_only_at_large_jprime():
    r = {jp: level_spacing_ratio(diagonalize(ChainParameters(n_sites=10, jprime=jp), sectors="momentum"))[0]
         for jp in (0.0, 0.01, 1.0)}
    assert abs(r[0.01] - r[0.0]) < 0.01  # J' = 0.01 looks like the integrable chain
    assert r[1.0] > r[0.0] + 0.04
