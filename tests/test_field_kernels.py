"""The blocked Heun kernel (heun_advance): twin, tiling/thread invariance, physics, float32 accuracy.

The float32 default is checked against exact results: Heun's discrete-time variance of a linear
cell, conservation of the magnetisation by the conserved noise, and the transfer integral of the
equilibrium lattice model (toy model without conserved noise) at eps = 0.2, 0.3, 0.4, started
from a sample of the exact equilibrium measure so that no coarsening transient biases the
correlation length.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from lindhydro.analysis.correlations import correlation_length_from_function
from lindhydro.analysis.transfer import TransferIntegral
from lindhydro.field import FieldModel, key_from_seed, paper_toy_model
from lindhydro.field import kernels as K
from lindhydro.field.reference import heun_linear_variance, run_reference
from lindhydro.field.simd import host_vector_width

COEFFS = (0.05, -0.1, -0.01)
D, DX, DT, A, B = 1.3, 0.5, 0.002, 0.3, -0.1  # b != 0: the MA(1) noise of the conserved part
TWO = min(2, numba.config.NUMBA_NUM_THREADS)


def advance(fields, keys, step0, n_steps, check_every=64, threads=1, coeffs=COEFFS, params=(D, DX, DT, A, B)):
    old = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        return K.heun_advance(fields, coeffs, *params, np.asarray(keys, dtype=np.uint64), step0, n_steps, check_every)
    finally:
        numba.set_num_threads(old)


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize("n_cells", [1, 2, 3, 17, K.TILE - 1, K.TILE + 1, 2 * K.TILE + 37])
def test_kernel_equals_numpy_twin(precision, n_cells):
    m0 = np.random.default_rng(n_cells).normal(size=n_cells)
    key = key_from_seed(3)
    for step0, n in ((0, 1), (3, 14), (6, 19)):  # group and sweep boundaries off the step grid
        ref = run_reference(m0, COEFFS, D, DX, DT, A, B, key, step0, n, precision)
        f = m0.astype(precision)[None].copy()
        assert advance(f, [key], step0, n, check_every=5)[0] == n
        np.testing.assert_array_equal(f[0], ref)


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize("rows, n_cells, check_every", [(1, 9000, 64), (2, 3000, 16), (3, 4100, 64), (1, 40, 8),
                                                         (3, 2 * K.TILE + 5, 200)])
def test_threads_blocks_and_rows_do_not_change_the_numbers(precision, rows, n_cells, check_every):
    """One ring split over threads (blocks with halos), ensembles, any check interval: same bits."""
    f0 = np.random.default_rng(rows).normal(size=(rows, n_cells)).astype(precision)
    keys = np.arange(rows) + 11
    one = f0.copy()
    advance(one, keys, 5, 150, check_every, threads=1)
    many = f0.copy()
    advance(many, keys, 5, 150, check_every, threads=TWO)
    np.testing.assert_array_equal(one, many)
    for r in range(rows):
        single = f0[r : r + 1].copy()
        advance(single, keys[r : r + 1], 5, 150, 7)
        np.testing.assert_array_equal(single[0], one[r])
    assert not np.array_equal(one[0], f0[0])


def test_continuation_is_bit_identical():
    f0 = np.random.default_rng(1).normal(size=(2, 3000)).astype(np.float32)
    whole = f0.copy()
    advance(whole, [4, 5], 0, 100)
    parts = f0.copy()
    for step, n in ((0, 3), (3, 10), (13, 1), (14, 86)):
        advance(parts, [4, 5], step, n)
    np.testing.assert_array_equal(whole, parts)
    other = f0.copy()
    advance(other, [4, 6], 0, 100)  # another key, another noise
    assert not np.allclose(other[1], whole[1])


def test_float32_follows_float64():
    """Same normals to float32 rounding, same operations: the two precisions stay together."""
    model = paper_toy_model(0.3, thermal=False)
    a, b = model.noise_coefficients(0.25, 0.001)
    params = (model.D, 0.25, 0.001, a, b)
    f0 = np.random.default_rng(2).normal(0, 0.5, (1, 4000))
    f32, f64 = f0.astype(np.float32), f0.copy()
    for f in (f32, f64):
        advance(f, [9], 0, 2000, coeffs=model.force_coeffs, params=params)
    assert np.max(np.abs(f32[0] - f64[0])) < 1e-4
    assert np.std(f64[0] - f0[0]) > 0.1  # it did move


def test_blow_up_keeps_last_finite_state_per_row():
    f = np.zeros((3, 40), dtype=np.float32)
    f[1, 5] = 1e12  # f(m) ~ -m^3 overflows float32 within a few steps
    done = advance(f, [1, 2, 3], 0, 200, check_every=64, coeffs=(0.0, -1.0), params=(1.0, 0.25, 0.001, 0.01, 0.0))
    assert done[0] == done[2] == 200 and 0 <= done[1] < 200
    assert np.all(np.isfinite(f))
    with np.errstate(all="ignore"):
        nxt = run_reference(f[1], (0.0, -1.0), 1.0, 0.25, 0.001, 0.01, 0.0, 2, int(done[1]), 1, "float32")
    assert not np.all(np.isfinite(nxt))  # the step after the returned state is the first non-finite one


def test_bad_input_rejected():
    f = np.zeros((2, 10), dtype=np.float32)
    keys = np.zeros(2, dtype=np.uint64)
    for bad in (np.zeros((2, 10), np.float16), np.zeros(10, np.float32), np.zeros((2, 10), np.float32)[:, ::2]):
        with pytest.raises(ValueError, match="fields"):
            K.heun_advance(bad, COEFFS, D, DX, DT, A, B, keys, 0, 1)
    with pytest.raises(ValueError, match="keys"):
        K.heun_advance(f, COEFFS, D, DX, DT, A, B, keys.astype(np.int64), 0, 1)
    with pytest.raises(ValueError, match="keys"):
        K.heun_advance(f, COEFFS, D, DX, DT, A, B, keys[:1], 0, 1)
    with pytest.raises(ValueError, match="step0"):
        K.heun_advance(f, COEFFS, D, DX, DT, A, B, keys, -1, 1)


@pytest.mark.parametrize("precision", ["float32", "float64"])
def test_linear_cell_variance_is_heuns_exact_one(precision):
    """D = 0, f = -r m: every cell is Heun's map x' = A x + (1 - lam/2) eta with a known variance."""
    r, s, dx, dt = 2.0, 1.0, 0.5, 0.02
    model = FieldModel((-r,), D=0.0, site_noise=s)
    a, b = model.noise_coefficients(dx, dt)
    f = np.zeros((1, 20000), dtype=precision)
    advance(f, [5], 0, 200, coeffs=(-r,), params=(0.0, dx, dt, a, b))  # 8 relaxation times
    samples = []
    for k in range(40):
        advance(f, [5], 200 + 50 * k, 50, coeffs=(-r,), params=(0.0, dx, dt, a, b))
        samples.append(np.mean(f.astype(float) ** 2))
    exact = heun_linear_variance(r * dt, a * a + b * b)
    n_eff = 20000 * 40 / 2  # records one relaxation time apart
    assert np.mean(samples) == pytest.approx(exact, rel=5 * math.sqrt(2 / n_eff))


@pytest.mark.parametrize("precision, tolerance", [("float64", 1e-10), ("float32", 2e-5)])
def test_conserved_noise_conserves_the_magnetisation(precision, tolerance):
    model = FieldModel((0.0,), D=1.0, thermal_noise=1.0)
    a, b = model.noise_coefficients(0.25, 0.005)
    f = np.random.default_rng(3).normal(0.3, 0.5, (1, 4000)).astype(precision)
    total = f.astype(float).sum()
    advance(f, [8], 0, 2000, coeffs=(0.0,), params=(1.0, 0.25, 0.005, a, b))
    x = f[0].astype(float)
    assert abs(x.sum() - total) < tolerance * np.abs(x).sum()
    assert np.std(x) > 0.6  # it fluctuates


def test_vector_width_choice():
    assert host_vector_width("+avx2,+fma,+avx512f,+avx512dq", "auto") == 512
    assert host_vector_width("+avx2,+fma,-avx512f", "auto") is None
    assert host_vector_width("+avx2", "512") == 512
    assert host_vector_width("+avx2,+avx512f", "256") == 256
    with pytest.raises(ValueError, match="LINDHYDRO_VECTOR_WIDTH"):
        host_vector_width("+avx2", "wide")


# ------------------------------------------------------------------ equilibrium vs the transfer integral
def equilibrium_sample(ti: TransferIntegral, model, dx, n_cells, rows, rng) -> np.ndarray:
    """Rows drawn from the transfer-integral measure (a Markov chain along the cells; ``L >> xi``).

    ``p(m' | m) = K(m, m') psi_0(m') / (lambda_0 psi_0(m))`` on the transfer integral's grid, the
    first cell from ``psi_0^2``, each value jittered uniformly within its grid cell.
    """
    m = ti.m_grid
    v = -sum(c * m ** (2 * k + 2) / (2 * k + 2) for k, c in enumerate(model.force_coeffs))
    log_k = -(model.D / (2 * dx) * (m[:, None] - m[None, :]) ** 2 + dx * (v[:, None] + v[None, :]) / 2) / ti.T
    psi = np.abs(ti.eigenvectors[0])
    cdf = np.cumsum(np.exp(log_k - log_k.max(axis=1, keepdims=True)) * psi[None, :], axis=1)
    cdf /= cdf[:, -1:]
    idx = np.empty((rows, n_cells), dtype=np.int64)
    idx[:, 0] = rng.choice(m.size, size=rows, p=psi**2 / np.sum(psi**2))
    u = rng.random((rows, n_cells))
    for i in range(1, n_cells):
        idx[:, i] = np.minimum((cdf[idx[:, i - 1]] < u[:, i, None]).sum(axis=1), m.size - 1)
    return m[idx] + (rng.random((rows, n_cells)) - 0.5) * (m[1] - m[0])


def equilibrium_statistics(eps, length, time, rows, seed, precision, dx=0.25, dt=0.001, record=0.5):
    """<m^2> and xi (errors from the spread of the rows) of runs started in equilibrium."""
    model = paper_toy_model(eps, thermal=False)
    n_cells = int(round(length / dx))
    ti = TransferIntegral(model, dx)
    fields = equilibrium_sample(ti, model, dx, n_cells, rows, np.random.default_rng(seed)).astype(precision)
    a, b = model.noise_coefficients(dx, dt)
    keys = np.array([key_from_seed(c) for c in np.random.SeedSequence(seed).spawn(rows)], dtype=np.uint64)
    per, n_rec = int(round(record / dt)), int(round(time / record))
    m2, C = np.zeros(rows), np.zeros((rows, n_cells // 2 + 1))
    for i in range(n_rec):
        done = advance(fields, keys, i * per, per, threads=TWO, coeffs=model.lattice_force_coeffs(dx, dt, n_cells),
                       params=(model.D, dx, dt, a, b))
        assert np.all(done == per)
        x = fields.astype(np.float64)  # observables accumulated in float64
        m2 += np.mean(x * x, axis=1) / n_rec
        C += np.fft.irfft(np.abs(np.fft.rfft(x, axis=1)) ** 2, n=n_cells, axis=1)[:, : n_cells // 2 + 1] / n_cells / n_rec
    r = np.arange(n_cells // 2 + 1) * dx
    xi = correlation_length_from_function(r, C.mean(axis=0))
    jack = np.array([correlation_length_from_function(r, np.delete(C, i, axis=0).mean(axis=0)) for i in range(rows)])
    xi_err = math.sqrt((rows - 1) / rows * np.sum((jack - jack.mean()) ** 2))
    return ti, (m2.mean(), m2.std(ddof=1) / math.sqrt(rows)), (xi, xi_err)


def check_equilibrium(eps, length, time, rows, seed, n_sigma=4.0, paired=True):
    """float32 within n_sigma of the exact <m^2> and xi, and (paired) equal to float64 on the same noise
    far within the statistical error."""
    ti, (m2, m2_err), (xi, xi_err) = equilibrium_statistics(eps, length, time, rows, seed, "float32")
    print(f"eps={eps}: float32 <m^2> = {m2:.4f} +- {m2_err:.4f}, xi = {xi:.3f} +- {xi_err:.3f}; "
          f"exact {ti.m2:.4f}, {ti.correlation_length:.3f}")
    assert abs(m2 - ti.m2) < n_sigma * m2_err
    assert abs(xi - ti.correlation_length) < n_sigma * xi_err
    if paired:
        _, (m2_64, _), (xi_64, _) = equilibrium_statistics(eps, length, time, rows, seed, "float64")
        print(f"        float64 <m^2> = {m2_64:.4f}, xi = {xi_64:.3f}")
        assert abs(m2 - m2_64) < 0.1 * m2_err and abs(xi - xi_64) < 0.1 * xi_err
    # the test can tell temperatures apart: the paper's T_eff gives xi ~ 2x longer
    assert abs(TransferIntegral(ti.model, 0.25, temperature="paper").correlation_length - xi) > n_sigma * xi_err


def test_float32_equilibrium_matches_transfer_integral_fast():
    """eps = 0.4, 4 rings of 8000 cells, 5e4 steps (the float64 pairing is in the slow test)."""
    check_equilibrium(0.4, length=2000.0, time=50.0, rows=4, seed=7, paired=False)


@pytest.mark.slow
@pytest.mark.parametrize("eps", [0.2, 0.3, 0.4])
def test_float32_equilibrium_matches_transfer_integral(eps):
    """8 rings of L = 1000 (4000 cells), t = 200 (2e5 steps) from equilibrium, per precision."""
    check_equilibrium(eps, length=1000.0, time=200.0, rows=8, seed=12)
