"""Tests of the exact transfer-integral solution (lindhydro.analysis.transfer)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lindhydro.analysis.correlations import correlation_length_from_function
from lindhydro.analysis.transfer import TransferIntegral, domain_wall_energy, effective_temperature
from lindhydro.analysis.walls import stable_magnetisation


def toy(eps: float, gamma: float = 0.875, D: float = 1.0) -> SimpleNamespace:
    """Paper toy model without xi^th: f = eps (gamma/4 (1 - m^2) - (1 - gamma)) m, <xi xi> = 4 eps (1 - gamma)."""
    return SimpleNamespace(
        force_coeffs=(eps * (gamma / 4 - (1 - gamma)), -eps * gamma / 4),
        D=D,
        site_noise=4 * eps * (1 - gamma),
        thermal_noise=0.0,
    )


@pytest.mark.parametrize(
    "kappa, D, dx, s", [(0.3, 1.0, 0.25, 0.1), (0.05, 2.0, 0.5, 0.02), (1.0, 0.5, 0.1, 0.4)]
)
def test_gaussian_chain_is_exact(kappa, D, dx, s):
    """v = kappa m^2 / 2: Gaussian lattice field with precision (alpha - 2 beta cos k) / ... solved in closed form."""
    ti = TransferIntegral(
        SimpleNamespace(force_coeffs=(-kappa,), D=D, site_noise=s), dx, points_per_width=8
    )
    T = s / 2
    alpha, beta = (2 * D / dx + dx * kappa) / T, D / (dx * T)
    root = np.sqrt(alpha**2 - 4 * beta**2)
    rho = (alpha - root) / (2 * beta)
    assert ti.T == pytest.approx(T)
    assert ti.m2 == pytest.approx(1 / root, rel=1e-9)
    assert ti.correlation_length == pytest.approx(-dx / np.log(rho), rel=1e-9)
    # harmonic ladder: lambda_k / lambda_0 = rho^k, and only k = 1 couples to m
    np.testing.assert_allclose(
        ti.eigenvalues[:6] / ti.eigenvalues[0], rho ** np.arange(6), rtol=1e-8
    )
    n = np.arange(30)
    np.testing.assert_allclose(
        ti.correlation_function(n * dx), rho**n / root, rtol=1e-8, atol=1e-14
    )
    m, p = ti.one_site_distribution
    h = m[1] - m[0]
    np.testing.assert_allclose(
        p, np.exp(-(m**2) * root / 2) * np.sqrt(root / (2 * np.pi)), atol=1e-9 * p.max()
    )
    assert np.sum(p) * h == pytest.approx(1.0, rel=1e-12)


def test_grid_refinement_and_range_do_not_change_the_result():
    model = toy(0.2)
    base = TransferIntegral(model, 0.25)
    fine = TransferIntegral(model, 0.25, points_per_width=12)
    wide = TransferIntegral(model, 0.25, m_max=1.6 * base.m_grid[-1])
    for other in (fine, wide):
        assert other.m2 == pytest.approx(base.m2, rel=1e-10)
        assert other.correlation_length == pytest.approx(base.correlation_length, rel=1e-9)
    # the automatically chosen range holds the whole density
    m, p = base.one_site_distribution
    assert max(p[0], p[-1]) < 1e-14 * p.max()
    # even 3 points per kernel width are close: the quadrature of a Gaussian kernel converges fast
    coarse = TransferIntegral(model, 0.25, points_per_width=3)
    assert coarse.m2 == pytest.approx(base.m2, rel=1e-6)


def test_z2_symmetry_and_completeness():
    ti = TransferIntegral(toy(0.15), 0.25, n_states=30)
    m, p = ti.one_site_distribution
    np.testing.assert_allclose(p, p[::-1], atol=1e-12 * p.max())
    mel = ti.matrix_elements()
    assert np.all(mel[0::2] < 1e-20)  # m connects the even ground state to odd states only
    assert np.sum(mel) == pytest.approx(ti.m2, rel=1e-6)  # sum_k |<0|m|k>|^2 = <m^2>
    c = ti.correlation_function(np.arange(5) * 0.25)
    assert c[0] == ti.m2
    assert np.all(np.diff(c) < 0)
    # ordered on the scale xi, but a single cell fluctuates strongly: <m^2> < m0^2
    assert ti.m2 < stable_magnetisation(ti.model) ** 2
    assert ti.correlation_length > 10 * 0.25


def test_domain_wall_energy_is_the_papers_eq17():
    for eps in (0.1, 0.3):
        for gamma, D in ((0.875, 1.0), (0.9, 2.0)):
            expected = np.sqrt(2 * D * (5 * gamma - 4) ** 3) / (3 * gamma) * np.sqrt(eps)
            assert domain_wall_energy(toy(eps, gamma, D)) == pytest.approx(expected, rel=1e-10)


def test_temperature_conventions():
    model = toy(0.2)
    assert effective_temperature(model) == pytest.approx(2 * 0.2 * (1 - 0.875))
    assert effective_temperature(model, "paper") == pytest.approx(0.2 * (1 - 0.875))
    assert effective_temperature(model, 0.01) == 0.01
    with pytest.raises(ValueError, match="convention"):
        effective_temperature(model, "hot")
    # c = E_DW sqrt(eps) / T: the paper's 0.98 with its T, half of it with the derived T
    c_paper = domain_wall_energy(model) * np.sqrt(0.2) / effective_temperature(model, "paper")
    assert c_paper == pytest.approx(0.98, abs=0.02)
    assert domain_wall_energy(model) * np.sqrt(0.2) / effective_temperature(model) == pytest.approx(
        c_paper / 2
    )


def test_dilute_walls_follow_arrhenius_with_the_wall_energy():
    """Low T: n = 1/(2 xi) ~ sqrt(E/T) exp(-E_DW / T) (kink gas); the slope of ln(n sqrt(T)) vs 1/T is -E_DW."""
    model = toy(0.2)
    E = domain_wall_energy(model)
    Ts = np.array([0.008, 0.01, 0.012])  # E / T = 7 ... 4.6
    n = np.array([TransferIntegral(model, 0.25, temperature=T).wall_density for T in Ts])
    slope = np.polyfit(1 / Ts, np.log(n * np.sqrt(Ts)), 1)[0]
    assert slope == pytest.approx(-E, rel=0.1)
    assert np.all(np.diff(n) > 0)


def test_tail_fit_of_the_exact_correlation_function_gives_the_exact_xi():
    """The simulation estimator (tail fit of C(r)) applied to the exact C(r) has no visible bias."""
    for eps in (0.15, 0.3):
        ti = TransferIntegral(toy(eps), 0.25)
        r = np.arange(0, 2000) * 0.25
        xi_fit = correlation_length_from_function(r, ti.correlation_function(r))
        assert xi_fit == pytest.approx(ti.correlation_length, rel=0.02)


def test_bad_input():
    with pytest.raises(ValueError, match="conserved noise"):
        TransferIntegral(SimpleNamespace(**{**vars(toy(0.2)), "thermal_noise": 0.5}), 0.25)
    TransferIntegral(
        SimpleNamespace(**{**vars(toy(0.2)), "thermal_noise": 0.5}), 0.25, ignore_thermal_noise=True
    )
    with pytest.raises(ValueError, match="confining"):
        TransferIntegral(SimpleNamespace(force_coeffs=(0.1, 0.2), D=1.0, site_noise=0.1), 0.25)
    with pytest.raises(ValueError, match="max_points"):
        TransferIntegral(toy(0.2), 0.25, points_per_width=2000)
    with pytest.raises(ValueError, match="dx"):
        TransferIntegral(toy(0.2), 0.0)
