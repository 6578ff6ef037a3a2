"""Tests of the domain-wall count (lindhydro.analysis.walls)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lindhydro.analysis.walls import (
    count_walls,
    default_coarse_graining_length,
    default_threshold,
    smooth,
    stable_magnetisation,
    tanh_wall,
    wall_density,
    wall_positions,
    wall_width,
)


def toy(eps: float, gamma: float = 0.875, D: float = 1.0) -> SimpleNamespace:
    """Paper toy force f = eps (gamma/4 (1 - m^2) - (1 - gamma)) m as an odd polynomial."""
    return SimpleNamespace(force_coeffs=(eps * (gamma / 4 - (1 - gamma)), -eps * gamma / 4), D=D)


def brute_force_count(m: np.ndarray, dx: float, ell: float, theta: float) -> int:
    """Reference: explicit periodic box average and an explicit hysteresis walk around the ring."""
    L = m.size
    k = int(round(ell / (2 * dx)))
    ms = np.array([np.mean([m[(i + j) % L] for j in range(-k, k + 1)]) for i in range(L)])
    events = [1 if v > theta else (-1 if v < -theta else 0) for v in ms]
    if not any(events):
        return 0
    start = next(i for i, e in enumerate(events) if e != 0)
    state, walls = events[start], 0
    for step in range(1, L + 1):
        e = events[(start + step) % L]
        if e != 0 and e != state:
            walls += 1
            state = e
    return walls


def test_toy_model_m0_and_wall_width_match_the_paper_formulae():
    for eps in (0.1, 0.2, 0.4):
        for gamma in (0.85, 0.875, 0.95):
            model = toy(eps, gamma)
            assert stable_magnetisation(model) == pytest.approx(np.sqrt(5 - 4 / gamma), rel=1e-12)
            x0 = np.sqrt(8 / (5 * gamma - 4))
            assert wall_width(model) == pytest.approx(x0 / np.sqrt(eps), rel=1e-12)
            assert default_threshold(model) == pytest.approx(0.5 * np.sqrt(5 - 4 / gamma))


def test_tanh_wall_solves_the_static_equation():
    # D m'' + f(m) = 0 for m0 tanh(r / w) with w from wall_width (finite differences)
    model = toy(0.2, D=1.7)
    m0, w = stable_magnetisation(model), wall_width(model)
    r = np.linspace(-40, 40, 8001)
    h = r[1] - r[0]
    m = m0 * np.tanh(r / w)
    np.testing.assert_allclose(tanh_wall(r, model), m)
    c1, c3 = model.force_coeffs
    residual = model.D * (m[2:] - 2 * m[1:-1] + m[:-2]) / h**2 + c1 * m[1:-1] + c3 * m[1:-1] ** 3
    assert np.max(np.abs(residual)) < 1e-5 * c1 * m0


def test_quintic_force_width_reduces_to_cubic_and_is_consistent():
    base = toy(0.3)
    assert wall_width(
        SimpleNamespace(force_coeffs=(*base.force_coeffs, 0.0), D=1.0)
    ) == pytest.approx(wall_width(base))
    with pytest.raises(ValueError, match="no bistability"):
        stable_magnetisation((-0.1, -1.0))


def test_default_coarse_graining_length_is_half_a_wall_width():
    model = toy(0.2)
    assert default_coarse_graining_length(model) == pytest.approx(0.5 * wall_width(model))
    assert default_coarse_graining_length(model, fraction=1.0) == pytest.approx(wall_width(model))
    with pytest.raises(ValueError):
        default_coarse_graining_length(model, fraction=0.0)


def test_smoothing_conserves_the_sum_and_constants():
    rng = np.random.default_rng(1)
    m = rng.normal(size=(3, 101))
    for ell in (0.0, 1.0, 2.5, 10.0):
        ms = smooth(m, dx=0.25, ell=ell)
        assert ms.shape == m.shape
        np.testing.assert_allclose(ms.sum(axis=-1), m.sum(axis=-1), atol=1e-10)
    np.testing.assert_allclose(smooth(np.full(50, 0.3), dx=0.5, ell=7.0), 0.3)
    np.testing.assert_array_equal(smooth(m, dx=0.25, ell=0.0), m)


def test_vectorised_count_equals_brute_force_walk():
    rng = np.random.default_rng(2)
    for trial in range(40):
        L = int(rng.integers(5, 120))
        # random walk field: plenty of crossings and undetermined stretches
        m = np.cumsum(rng.normal(scale=0.4, size=L))
        m -= m.mean()
        dx = float(rng.choice([0.25, 0.5, 1.0]))
        ell = float(rng.uniform(0, min(6.0, 0.5 * L * dx)))
        theta = float(rng.uniform(0.05, 1.0))
        got = count_walls(m, dx=dx, ell=ell, threshold=theta)
        assert got == brute_force_count(m, dx, ell, theta), trial
        assert got % 2 == 0
        assert len(wall_positions(m, dx=dx, ell=ell, threshold=theta)) == got


def test_count_is_symmetric_and_batched():
    rng = np.random.default_rng(3)
    m = rng.normal(size=(4, 5, 200)).cumsum(axis=-1) * 0.2
    n = count_walls(m, dx=0.25, ell=1.0, threshold=0.3)
    assert n.shape == (4, 5)
    np.testing.assert_array_equal(n, count_walls(-m, dx=0.25, ell=1.0, threshold=0.3))  # Z2
    np.testing.assert_array_equal(n, count_walls(m[..., ::-1], dx=0.25, ell=1.0, threshold=0.3))
    np.testing.assert_array_equal(
        n, count_walls(np.roll(m, 37, axis=-1), dx=0.25, ell=1.0, threshold=0.3)
    )
    for idx in np.ndindex(4, 5):
        assert n[idx] == count_walls(m[idx], dx=0.25, ell=1.0, threshold=0.3)


def test_no_crossing_means_no_walls():
    assert count_walls(np.full(64, 0.7), dx=0.25, ell=1.0, threshold=0.3) == 0
    assert count_walls(np.full(64, 0.1), dx=0.25, ell=1.0, threshold=0.3) == 0
    # excursions towards -theta that never cross it are not walls
    m = np.full(100, 0.7)
    m[20:30] = -0.2
    m[60:62] = -0.9  # crosses, but too narrow to survive smoothing over 10 cells
    assert count_walls(m, dx=1.0, ell=10.0, threshold=0.3) == 0
    assert count_walls(m, dx=1.0, ell=0.0, threshold=0.3) == 2


def test_noisy_tanh_wall_pair_needs_coarse_graining():
    model = toy(0.2)
    dx, L = 0.25, 4000
    x = (np.arange(L) + 0.5) * dx
    m0, w = stable_magnetisation(model), wall_width(model)
    walls = (250.0, 700.0)
    m = m0 * np.tanh((x - walls[0]) / w) * np.tanh((walls[1] - x) / w)
    rng = np.random.default_rng(4)
    noisy = m + rng.normal(scale=0.5, size=L)  # per-cell noise larger than m0/2
    ell = default_coarse_graining_length(model)
    theta = default_threshold(model)
    assert count_walls(m, dx=dx, ell=ell, threshold=theta) == 2
    assert count_walls(noisy, dx=dx, ell=ell, threshold=theta) == 2
    assert count_walls(noisy, dx=dx, ell=0.0, threshold=theta) > 20
    pos = wall_positions(noisy, dx=dx, ell=ell, threshold=theta)
    # hysteresis places the wall where the smoothed field reaches the opposite threshold
    shift = w * np.arctanh(0.5)
    np.testing.assert_allclose(pos, [walls[0] + shift, walls[1] + shift], atol=0.5 * w)
    assert wall_density(noisy, dx=dx, ell=ell, threshold=theta) == pytest.approx(2 / (L * dx))


def test_telegraph_field_count_is_exact():
    rng = np.random.default_rng(5)
    dx, L, ell = 0.5, 20000, 3.0
    for K in (2, 10, 40):
        cuts = np.sort(rng.choice(np.arange(0, L, 20), size=K, replace=False))  # >= 20 cells apart
        sign = np.ones(L)
        for c in cuts:
            sign[c:] *= -1
        m = 0.65 * sign + rng.normal(scale=0.15, size=L)
        assert count_walls(m, dx=dx, ell=ell, threshold=0.33) == K


def test_default_threshold_from_data_is_half_the_rms():
    m = np.full(100, 0.6)
    m[:50] = -0.6
    assert count_walls(m, dx=1.0, ell=0.0) == 2
    assert count_walls(np.zeros(10), dx=1.0, ell=0.0) == 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(dx=0.0, ell=1.0), "dx"),
        (dict(dx=0.25, ell=-1.0), "ell"),
        (dict(dx=0.25, ell=100.0), "ring"),
        (dict(dx=0.25, ell=1.0, threshold=-0.1), "threshold"),
    ],
)
def test_bad_input_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        count_walls(np.zeros(64), **kwargs)


def test_nan_is_refused():
    m = np.zeros(16)
    m[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        count_walls(m, dx=1.0, ell=1.0)


def test_the_count_has_one_home_in_the_field_layer():
    from lindhydro.field import observables

    assert count_walls is observables.count_walls and smooth is observables.smooth
    with pytest.raises(ImportError, match="experiments.scans"):
        from lindhydro.analysis.walls import measure_wall_density  # noqa: F401


def test_defaults_agree_with_the_field_model():
    from lindhydro.field import paper_toy_model

    model = paper_toy_model(0.3, thermal=False)
    assert default_coarse_graining_length(model) == model.coarse_graining_length
    assert default_threshold(model) == model.wall_threshold == 0.5 * model.m0
