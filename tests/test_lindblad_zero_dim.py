"""Zero-dimensional stochastic hydrodynamics: the jump lattice, its dynamics and the 1/N expansion."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lindhydro.lindblad.zero_dim import (
    gibbs_lattice_distribution,
    jump_channels,
    jump_lattice,
    small_noise_expansion,
    small_noise_moments,
)
from lindhydro.quantum.fixed_points import as_ensemble, find_fixed_points
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.spectrum import Spectrum, diagonalize


@pytest.fixture(scope="module")
def unital7():
    """γ = 0: only σˣ jumps; Σ_j σ⁻_jσ⁺_j = n_down is an operator identity."""
    return GibbsEnsemble(diagonalize(ChainParameters(n_sites=7, gamma=0.0)))


def test_channels_of_the_unital_bath_are_the_spin_counts(unital7):
    ch = jump_channels(unital7.spectrum)
    n_down = (7 - ch.q1) / 2
    assert np.allclose(ch.rate_up, n_down, atol=1e-10)  # rate J(1 − γ) = 1 per down spin
    assert np.allclose(ch.rate_down, 7 - n_down, atol=1e-10)


@pytest.mark.parametrize("ensemble", ["grand canonical", "canonical", "microcanonical"])
def test_unital_bath_lattice_law_is_binomial(unital7, ensemble):
    """The rates depend on M alone, so the stationary P(M) is that of independent spins."""
    lat = jump_lattice(unital7.spectrum, ensemble=ensemble, energy_step=0.5)
    dist = lat.q1_distribution(lat.stationary())
    for M, p in dist.items():
        assert p == pytest.approx(math.comb(7, (7 - M) // 2) / 2**7, abs=1e-10)


def test_unital_bath_magnetisation_decays_exactly_on_the_lattice(unital7):
    """d⟨Q1⟩/dτ = 2⟨w₊ − w₋⟩ = −2⟨Q1⟩ exactly, from a Gibbs start."""
    lat = jump_lattice(unital7.spectrum, energy_step=0.5)
    lam = (-0.6, -0.2)
    p0 = gibbs_lattice_distribution(lat, unital7, lam)
    gibbs_m = unital7.densities(np.array(lam))[0] * 7
    assert p0.sum() == pytest.approx(1.0, abs=1e-13)
    assert p0 @ lat.q1 == pytest.approx(gibbs_m, abs=1e-12)
    tau = np.linspace(0.0, 1.0, 6)
    P = lat.propagate(p0, tau)
    assert np.allclose(P.sum(axis=1), 1.0, atol=1e-10)
    assert np.allclose(P @ lat.q1, gibbs_m * np.exp(-2 * tau), atol=1e-8)


def test_unital_bath_expansion_gives_the_binomial_variance(unital7):
    """f1 = −2m, 𝒩11 = 4: C11 = 1/N, the variance of independent spins, with no shift of m."""
    fp = next(p for p in find_fixed_points(unital7, paths=False).points if p.stable)
    pred = small_noise_expansion(unital7, fp.lam)
    assert pred.m_rms**2 * 7 == pytest.approx(1.0, abs=1e-6)
    assert sum(pred.q1_distribution.values()) == pytest.approx(1.0, abs=1e-12)


def _birth_death_spectrum(n: int, c: float) -> Spectrum:
    """One level per sector M (E = 0) with w₊ = N(1 − m)(1 + cm)/2, w₋ = N(1 + m)/2, m = M/N."""
    M = np.arange(-n, n + 1, 2, dtype=float)
    m = M / n
    up, down = n * (1 - m) * (1 + c * m) / 2, n * (1 + m) / 2
    F = np.column_stack([2 * (up - down), np.zeros_like(m)])
    Nn = np.zeros((m.size, 2, 2))
    Nn[:, 0, 0] = 4 * (up + down)
    return Spectrum(np.column_stack([M, np.zeros_like(m)]), np.zeros_like(m), F, Nn, n, ("q1", "energy"), None, "dense")


def test_lattice_law_of_a_birth_death_chain_is_exact():
    """One cell per sector: the lattice is a birth–death chain, P(M+2)/P(M) = w₊(M)/w₋(M+2)."""
    n = 30
    lat = jump_lattice(_birth_death_spectrum(n, 0.5), ensemble="canonical")
    p = lat.stationary()
    M = np.arange(-n, n + 1, 2)
    m = M / n
    up, down = n * (1 - m) * (1 + 0.5 * m) / 2, n * (1 + m) / 2
    ratio = up[:-1] / down[1:]
    exact = np.concatenate([[1.0], np.cumprod(ratio)])
    exact /= exact.sum()
    order = np.argsort(lat.q1)
    assert exact.max() < 0.5  # a spread law, not a trap at an edge
    assert np.allclose(p[order], exact, atol=1e-12)


def test_small_noise_expansion_against_the_exact_birth_death_law():
    """f = 2(w₊ − w₋)/N = −1.5m − 0.5m² (c = 1/2), 𝒩 = 4 at m = 0: C = 4/(3N), ⟨m⟩ = −4/(9N) + O(N⁻²);
    the error of the expansion falls like N⁻² while the shift itself is O(1/N)."""
    errors = []
    for n in (200, 400):
        lat = jump_lattice(_birth_death_spectrum(n, 0.5), ensemble="canonical")
        p = lat.stationary()
        mean = p @ lat.q1 / n
        var = p @ (lat.q1 / n) ** 2 - mean**2
        C, shift = small_noise_moments([[-1.5]], [[[-1.0]]], [[4.0]], n)
        assert C[0, 0] == pytest.approx(4 / (3 * n), rel=1e-12)
        assert shift[0] == pytest.approx(-4 / (9 * n), rel=1e-12)
        assert var == pytest.approx(C[0, 0], rel=0.05)
        errors.append(abs(mean - shift[0]))
    assert errors[1] < 0.35 * errors[0]
    assert errors[1] < 0.1 * 4 / (9 * 400)


def test_small_noise_moments_refuse_an_unstable_point():
    with pytest.raises(ValueError, match="stable"):
        small_noise_moments([[0.5]], [[[0.0]]], [[1.0]], 10)


def test_paper_chain_lattice_is_symmetric_and_physical():
    ens = as_ensemble(ChainParameters(n_sites=6))
    lat = jump_lattice(ens.spectrum)
    pred = lat.prediction()
    d = pred.q1_distribution
    assert sum(d.values()) == pytest.approx(1.0, abs=1e-12)
    for M in d:
        assert d[M] == pytest.approx(d[-M], abs=1e-9)
    E = ens.spectrum.energies
    assert E.min() / 6 < pred.energy_density < E.max() / 6
    assert 0 < pred.m_rms < 1
    with pytest.raises(ValueError, match="energy_step"):
        jump_lattice(ens.spectrum, energy_step=0.0)
    with pytest.raises(ValueError, match="ensemble"):
        jump_lattice(ens.spectrum, ensemble="micro")


def test_lattice_of_another_length_keeps_the_forces_per_site(unital7):
    """A lattice of n = 20 sites built on the 7-site Gibbs forces: with the unital bath the rates
    at q are n(1 ∓ m)/2 exactly, so the law is the binomial one of 20 independent spins."""
    lat = jump_lattice(unital7.spectrum, n_sites=20, energy_step=1.0)
    assert lat.n_sites == 20
    dist = lat.q1_distribution(lat.stationary())
    for M, p in dist.items():
        if abs(M) < 20:  # the fully polarised corners lie on the edge of the reachable region
            assert p == pytest.approx(math.comb(20, (20 - M) // 2) / 2**20 / (1 - 2 / 2**20), abs=1e-9)
    with pytest.raises(ValueError, match="grand canonical"):
        jump_lattice(unital7.spectrum, n_sites=20, ensemble="canonical")
