"""FieldModel: the paper preset, the quantum reduction, Wick ordering, noise and stability."""

import math
from dataclasses import dataclass

import numpy as np
import pytest

from lindhydro.field import (
    FieldModel,
    conserved_noise_variance,
    noise_ma_coefficients,
    paper_toy_model,
    wick_order,
)


def test_paper_preset_as_printed():
    eps, g = 0.2, 0.875
    m = paper_toy_model(eps, g)
    x = np.linspace(-1.5, 1.5, 7)
    np.testing.assert_allclose(m.force(x), eps * (g / 4 * (1 - x**2) - (1 - g)) * x, rtol=1e-14, atol=1e-16)
    assert m.site_noise == pytest.approx(4 * eps * (1 - g))
    assert m.thermal_noise == 1.0 and m.D == 1.0 and m.renormalisation == "none"
    assert m.m0 == pytest.approx(math.sqrt(5 - 4 / g))
    x0 = math.sqrt(8 / (5 * g - 4))
    assert m.wall_width == pytest.approx(x0 / math.sqrt(eps))
    assert m.temperature == pytest.approx(2 * eps * (1 - g))
    assert paper_toy_model(eps, thermal=False).thermal_noise == 0.0
    # no bistability below gamma = 4/5
    assert paper_toy_model(0.2, 0.79).m0 is None
    assert FieldModel.from_dict(m.to_dict()) == m


def test_invalid_models_rejected():
    with pytest.raises(ValueError, match="renormalisation"):
        paper_toy_model(0.2, renormalisation="magic")
    with pytest.raises(ValueError, match="eps"):
        paper_toy_model(-0.1)
    with pytest.raises(ValueError, match="D > 0"):
        FieldModel((0.1, -0.1), D=0.0, thermal_noise=1.0)
    with pytest.raises(ValueError, match="confining"):
        FieldModel((0.1, 0.1))
    with pytest.raises(ValueError, match="site_noise"):
        FieldModel((0.1, -0.1), site_noise=-1.0)


@dataclass(frozen=True)
class _FakeHydro:  # duck type of lindhydro.quantum.reduce.OrderParameterHydro
    force_coeffs: tuple
    noise: float
    parameters: object = None


def test_from_hydro_units():
    h = _FakeHydro(force_coeffs=(0.4, -0.9, -0.05), noise=0.7)
    m = FieldModel.from_hydro(h, 0.1, D=2.0, chi_T=0.25)
    assert m.force_coeffs == pytest.approx((0.04, -0.09, -0.005))
    assert m.site_noise == pytest.approx(0.07)
    assert m.thermal_noise == pytest.approx(2 * 2.0 * 0.25)
    assert m.chi_T == pytest.approx(0.25)
    assert FieldModel.from_hydro(h, 0.1, D=2.0, chi_T=0.25, thermal=False).thermal_noise == 0.0
    with pytest.raises(ValueError):
        FieldModel.from_hydro(h, 0.1, D=0.0, chi_T=0.25)


def test_wick_ordering_averages_to_the_bare_force():
    """E[f_R(mu + delta)] = f(mu) for delta ~ N(0, C) (Gauss-Hermite quadrature, exact for polynomials)."""
    coeffs = (0.3, -0.7, 0.2, -0.05)
    C = 1.7
    cr = wick_order(coeffs, C)
    assert wick_order((1.0, 0.0), 2.0) == pytest.approx((1.0, 0.0))
    assert wick_order((0.0, 1.0), 2.0) == pytest.approx((-6.0, 1.0))  # m^3 - 3 C m
    x, w = np.polynomial.hermite_e.hermegauss(20)
    w = w / w.sum()
    f = FieldModel(coeffs)
    fr = FieldModel(cr)
    for mu in (-1.2, 0.0, 0.3, 0.9):
        assert np.sum(w * fr.force(mu + math.sqrt(C) * x)) == pytest.approx(float(f.force(mu)), abs=1e-12)


def test_conserved_noise_variance_exact_sum():
    # dt -> 0 and n -> infinity: chi_T / dx; the k = 0 mode does not fluctuate: factor (n-1)/n
    n, dx = 400, 0.25
    C = conserved_noise_variance(1.0, 1.0, dx, 1e-9, n)
    assert C == pytest.approx(0.5 / dx * (n - 1) / n, rel=1e-6)
    # Heun shrinks it at finite dt
    assert conserved_noise_variance(1.0, 1.0, dx, 0.01, n) < C
    m = paper_toy_model(0.2, renormalisation="wick")
    assert m.counterterm_variance(dx, 0.001, n) > 1.9
    assert paper_toy_model(0.2).counterterm_variance(dx, 0.001, n) == 0.0
    assert paper_toy_model(0.2, thermal=False, renormalisation="wick").lattice_force_coeffs(dx, 0.001, n) == \
        paper_toy_model(0.2, thermal=False).force_coeffs


def test_noise_ma_matches_two_field_covariance():
    site, th, dx, dt = 0.3, 1.0, 0.25, 0.001
    a, b = noise_ma_coefficients(site, th, dx, dt)
    s2 = site * dt / dx
    c2 = th * dt / dx**3
    assert a * a + b * b == pytest.approx(s2 + 2 * c2)
    assert a * b == pytest.approx(-c2)
    assert (a + b) ** 2 == pytest.approx(s2)
    a0, b0 = noise_ma_coefficients(0.0, th, dx, dt)
    assert a0 == -b0


def test_stability_limit():
    m = FieldModel((0.0,), D=1.0, thermal_noise=0.0)
    assert m.max_stable_dt(0.25) == pytest.approx(0.9 * 0.25**2 / 2)
    toy = paper_toy_model(0.2)
    assert toy.max_stable_dt(0.25) < 0.9 * 0.25**2 / 2
    assert toy.max_stable_dt(0.25) > 0.01  # the paper's dt and dt = 0.01 are allowed


def test_the_force_its_potential_and_its_wall_have_one_home():
    from lindhydro.field.model import (
        odd_polynomial,
        polynomial_potential,
        positive_zeros,
        stable_zero,
        tanh_wall_width,
    )

    c = (0.3, -0.5, -0.02)  # a quintic confining force
    m = np.linspace(-2, 2, 4001)
    h = m[1] - m[0]
    # v' = -f and f' by finite differences; v(0) = 0
    np.testing.assert_allclose(np.gradient(polynomial_potential(c, m), h)[1:-1], -odd_polynomial(c, m)[1:-1],
                               atol=1e-5)
    np.testing.assert_allclose(np.gradient(odd_polynomial(c, m), h)[1:-1],
                               odd_polynomial(c, m, derivative=1)[1:-1], atol=1e-5)
    assert polynomial_potential(c, 0.0) == 0.0
    (m0,) = positive_zeros(c)
    assert odd_polynomial(c, m0) == pytest.approx(0.0, abs=1e-12) and stable_zero(c) == m0
    assert stable_zero((-0.1, -1.0)) is None and stable_zero((0.1,)) is None
    # cubic force: w = sqrt(2 D / c1) exactly; the toy model: w = x0 / sqrt(eps)
    assert tanh_wall_width((0.3, -0.5), 2.0) == pytest.approx(np.sqrt(2 * 2.0 / 0.3))
    for eps, g in ((0.2, 0.875), (0.4, 0.95)):
        toy = paper_toy_model(eps, g)
        assert toy.m0 == pytest.approx(np.sqrt(5 - 4 / g), rel=1e-12)
        assert toy.wall_width == pytest.approx(np.sqrt(8 / (5 * g - 4)) / np.sqrt(eps), rel=1e-12)
        # without conserved noise the default ell is half a wall width (tests/test_as_run.py: with it)
        assert paper_toy_model(eps, g, thermal=False).coarse_graining_length == pytest.approx(0.5 * toy.wall_width)
        assert toy.wall_threshold == pytest.approx(0.5 * toy.m0)
    flat = paper_toy_model(0.2, 0.7)
    assert flat.m0 is flat.wall_width is flat.coarse_graining_length is flat.wall_threshold is None


def test_eps_is_validated_under_one_rule():
    for bad in (0.0, -1.0, float("nan"), float("inf"), True, "0.2"):
        with pytest.raises(ValueError, match="eps"):
            paper_toy_model(bad)
