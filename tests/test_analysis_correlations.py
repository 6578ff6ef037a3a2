"""Tests of correlation functions and correlation lengths (lindhydro.analysis.correlations)."""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.analysis.correlations import (
    correlation_function,
    correlation_length,
    correlation_length_from_function,
    structure_factor,
    wall_density_from_correlation_length,
)
from lindhydro.analysis.walls import count_walls


def test_fft_correlation_equals_direct_periodic_sum():
    rng = np.random.default_rng(0)
    m = rng.normal(size=(3, 37))
    r, c = correlation_function(m, 0.5, average=False)
    assert r.shape == (19,) and c.shape == (3, 19)
    for a in range(3):
        for n in range(19):
            direct = np.mean(m[a] * np.roll(m[a], -n))
            assert c[a, n] == pytest.approx(direct, abs=1e-12)
    np.testing.assert_allclose(correlation_function(m, 0.5)[1], c.mean(axis=0))
    np.testing.assert_allclose(r, 0.5 * np.arange(19))
    # connected: subtract the per-configuration mean
    cc = correlation_function(m + 3.0, 0.5, connected=True, average=False)[1]
    np.testing.assert_allclose(
        cc, correlation_function(m, 0.5, connected=True, average=False)[1], atol=1e-12
    )


def test_structure_factor_parseval_and_white_noise():
    rng = np.random.default_rng(1)
    sigma = 0.7
    m = rng.normal(scale=sigma, size=(200, 256))
    k, s = structure_factor(m, 0.25)
    assert k[1] == pytest.approx(2 * np.pi / (256 * 0.25))
    # white noise: flat at the per-cell variance (200 samples per k -> ~7% errors)
    assert np.mean(s[1:-1]) == pytest.approx(sigma**2, rel=0.02)
    assert np.all(np.abs(s[1:-1] / sigma**2 - 1) < 0.5)
    # Parseval: mean over all k of S = <m^2> (rfft half spectrum counted twice except k=0, pi)
    one = m[0]
    _, s1 = structure_factor(one, 0.25)
    full = (s1[0] + s1[-1] + 2 * s1[1:-1].sum()) / one.size
    assert full == pytest.approx(np.mean(one**2), rel=1e-12)


def ar1(rho: float, L: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Exactly periodic Gaussian AR(1) field: spectrum (1-rho^2)/|1 - rho e^{ik}|^2 (unit variance)."""
    k = 2 * np.pi * np.fft.rfftfreq(L)
    spec = (1 - rho**2) / np.abs(1 - rho * np.exp(1j * k)) ** 2
    z = rng.normal(size=(n, L))
    return np.fft.irfft(np.fft.rfft(z, axis=-1) * np.sqrt(spec), n=L, axis=-1)


def test_exponential_correlations_are_recovered():
    rng = np.random.default_rng(2)
    dx, xi = 0.25, 6.0
    rho = np.exp(-dx / xi)
    m = ar1(rho, 8192, 120, rng)  # estimator scatter ~3.5% at this size
    r, c = correlation_function(m, dx)
    assert c[0] == pytest.approx(1.0, rel=0.05)
    for method in ("fit", "efold"):  # (second_moment integrates the noisy tail: exact data only)
        assert correlation_length(m, dx, method=method) == pytest.approx(xi, rel=0.12), method


def test_estimators_on_an_exact_exponential():
    dx, xi = 0.5, 10.0
    r = np.arange(2000) * dx
    c = 0.4 * np.exp(-r / xi)
    assert correlation_length_from_function(r, c) == pytest.approx(xi, rel=1e-10)
    assert correlation_length_from_function(r, c, method="efold") == pytest.approx(xi, rel=1e-3)
    # second moment of a sampled exponential: exact up to O(dx^2 / xi^2)
    assert correlation_length_from_function(r, c, method="second_moment") == pytest.approx(
        xi, rel=0.05
    )
    # a fast short-range part does not bias the tail fit
    c2 = c + 0.2 * np.exp(-r / 1.0)
    assert correlation_length_from_function(r, c2) == pytest.approx(xi, rel=0.02)
    # correlations shorter than the window -> e-folding fallback; uncorrelated -> 0 < xi < dx
    rr = np.arange(10) * 1.0
    assert correlation_length_from_function(rr, np.exp(-rr / 0.7)) == pytest.approx(0.7, rel=1e-6)
    assert correlation_length_from_function(rr, np.exp(-rr * 10)) < 1.0
    # never decays: infinite
    assert correlation_length_from_function(rr, np.ones(10)) == np.inf
    with pytest.raises(ValueError, match="method"):
        correlation_length_from_function(rr, np.ones(10), method="magic")


def test_telegraph_process_density_from_xi_and_from_count_agree():
    """Poissonian sharp walls of density n: C = m0^2 exp(-2 n r), so n = 1 / (2 xi) = count / L."""
    rng = np.random.default_rng(3)
    dx, L, n_true, m0 = 0.5, 40000, 0.01, 0.65
    fields = []
    for _ in range(60):
        flips = rng.random(L) < n_true * dx
        if flips.sum() % 2:  # periodic ring: even number of walls
            flips[np.flatnonzero(~flips)[0]] = True
        fields.append(m0 * np.where(np.cumsum(flips) % 2 == 0, 1.0, -1.0))
    fields = np.array(fields)
    xi = correlation_length(fields, dx)
    # lattice telegraph: C = m0^2 (1 - 2 n dx)^(r/dx); scatter of the estimate ~3% at this size
    xi_exact = -dx / np.log(1 - 2 * n_true * dx)
    assert xi == pytest.approx(xi_exact, rel=0.1)
    assert wall_density_from_correlation_length(xi) == pytest.approx(n_true, rel=0.1)
    counted = count_walls(fields, dx=dx, ell=0.0, threshold=m0 / 2).mean() / (L * dx)
    assert counted == pytest.approx(n_true, rel=0.03)


def test_bad_input():
    with pytest.raises(ValueError, match="dx"):
        correlation_function(np.zeros(8), -1.0)
    with pytest.raises(ValueError, match="shape"):
        correlation_function(np.zeros(1), 1.0)
    with pytest.raises(ValueError, match="NaN"):
        correlation_length(np.array([0.0, np.inf, 1.0]), 1.0)


def test_white_lattice_part_at_r0_does_not_bias_xi():
    """Conserved noise adds a white part (only C(0)) far above the ordered part: xi is unaffected."""
    dx, xi = 0.25, 8.0
    r = np.arange(4000) * dx
    c = 0.3 * np.exp(-r / xi)
    c_spiked = c.copy()
    c_spiked[0] += 2.0
    for method in ("fit", "efold"):
        assert correlation_length_from_function(r, c_spiked, method=method) == pytest.approx(
            correlation_length_from_function(r, c, method=method), rel=1e-12
        )
    assert correlation_length_from_function(r, c_spiked) == pytest.approx(xi, rel=1e-9)


def test_anticorrelated_neighbours_give_sub_cell_xi():
    """Conserved noise alone: C(dx) < 0, so xi < dx (linear interpolation of C = C(0)/e)."""
    rng = np.random.default_rng(6)
    h = rng.normal(size=(50, 1024))
    m = h - np.roll(h, 1, axis=-1)  # a lattice divergence: C(0) = 2, C(1) = -1
    xi = correlation_length(m, 0.25)
    assert 0 < xi < 0.25
    assert xi == pytest.approx((1 - np.exp(-1)) / 1.5 * 0.25, rel=0.05)
