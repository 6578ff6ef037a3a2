"""The counter-based normal generator: reproducibility, numba == NumPy, and statistics."""

import numpy as np
import pytest
from scipy import stats

from lindhydro.field import key_from_seed, normals, normals_reference

KEY = key_from_seed(20260101)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 1001])
def test_numba_equals_numpy_reference(n):
    for step in (0, 1, 7, 2**40 + 3):
        a = normals(KEY, step, n)
        b = normals_reference(KEY, step, n)
        assert a.shape == (n,)
        np.testing.assert_array_equal(a, b)


def test_same_seed_same_numbers_and_seed_sensitivity():
    assert key_from_seed(5) == key_from_seed(5)
    assert key_from_seed(5) != key_from_seed(6)
    assert key_from_seed(np.random.SeedSequence(5)) == key_from_seed(5)
    a = normals(key_from_seed(5), 3, 100)
    np.testing.assert_array_equal(a, normals(key_from_seed(5), 3, 100))
    assert not np.allclose(a, normals(key_from_seed(6), 3, 100))
    assert not np.allclose(a, normals(key_from_seed(5), 4, 100))
    # a longer row extends, not reshuffles, the pairs' first halves
    z8 = normals(KEY, 0, 8)
    z10 = normals(KEY, 0, 10)
    np.testing.assert_array_equal(z8[:4], z10[:4])


def test_bad_seed_rejected():
    for bad in (None, 1.5, "x", -1):
        with pytest.raises(ValueError):
            key_from_seed(bad)


def _sample(n_steps=400, n=5000, key=KEY):
    return np.stack([normals(key, s, n) for s in range(n_steps)])


def assert_standard_normal(x, tails=(3.0,), ks_size=None):
    """Mean, variance, skewness, excess kurtosis and the tail rates P(|z| > t) of a standard normal
    within 5 standard errors of a sample of N; the Kolmogorov-Smirnov test on the first ``ks_size``."""
    N = x.size
    assert abs(x.mean()) < 5 / np.sqrt(N)
    assert abs(x.var() - 1) < 5 * np.sqrt(2 / N)
    assert abs(stats.skew(x)) < 5 * np.sqrt(6 / N)
    assert abs(stats.kurtosis(x)) < 5 * np.sqrt(24 / N)  # excess kurtosis 0, standard error sqrt(24/N)
    assert stats.kstest(x[:ks_size], "norm").pvalue > 1e-4
    for t in tails:
        p = 2 * stats.norm.sf(t)
        assert abs(np.mean(np.abs(x) > t) - p) < 5 * np.sqrt(p / N), t


def test_moments_and_ks():
    assert_standard_normal(_sample().ravel())  # 2e6 normals; P(|z| > 3) = 0.0027


def test_no_correlations_across_cells_and_steps():
    z = _sample(n_steps=300, n=4002)
    N = z.size
    tol = 5 / np.sqrt(N)
    hp = z.shape[1] // 2
    for lag in (1, 2, hp, hp - 1, hp + 1):  # slots j and j + H share a hash (cos/sin pair)
        c = np.mean(z[:, :-lag] * z[:, lag:])
        assert abs(c) < 5 / np.sqrt(z[:, lag:].size), lag
    for lag in (1, 2):
        assert abs(np.mean(z[:-lag] * z[lag:])) < tol
    # the Box-Muller pair: uncorrelated and also uncorrelated in the squares
    a, b = z[:, :hp], z[:, hp:]
    assert abs(np.mean(a * b)) < 5 / np.sqrt(a.size)
    assert abs(np.mean(a * a * b * b) - 1.0) < 5 * np.sqrt(8 / a.size)
    # the spectrum of a row is flat (no structure along the cells)
    S = np.mean(np.abs(np.fft.rfft(z, axis=1)) ** 2, axis=0) / z.shape[1]
    bins = S[1:2001].reshape(-1, 50).mean(axis=1)  # 50 modes x 300 rows per bin
    assert np.all(np.abs(bins - 1) < 5 / np.sqrt(50 * 300))


@pytest.mark.slow
def test_large_sample_statistics():
    """5e7 normals: moments to 5 sigma, KS, the tail P(|z| > 4.5), and no correlation of |z| across steps."""
    key = key_from_seed(777)
    n, steps = 100_000, 500
    s1 = s2 = s4 = tail = 0.0
    prev = None
    cross = 0.0
    ks_p = []
    for s in range(steps):
        z = normals(key, s, n)
        s1 += z.sum()
        s2 += (z * z).sum()
        s4 += (z**4).sum()
        tail += np.count_nonzero(np.abs(z) > 4.5)
        if prev is not None:
            cross += np.sum((np.abs(z) - np.sqrt(2 / np.pi)) * (np.abs(prev) - np.sqrt(2 / np.pi)))
        prev = z
        if s % 50 == 0:
            ks_p.append(stats.kstest(z, "norm").pvalue)
    N = n * steps
    assert abs(s1 / N) < 5 / np.sqrt(N)
    assert abs(s2 / N - 1) < 5 * np.sqrt(2 / N)
    assert abs(s4 / N - 3) < 5 * np.sqrt(96 / N)
    p_tail = 2 * stats.norm.sf(4.5)
    assert abs(tail / N - p_tail) < 5 * np.sqrt(p_tail / N)
    var_abs = 1 - 2 / np.pi
    assert abs(cross / (n * (steps - 1))) < 5 * var_abs / np.sqrt(n * (steps - 1))
    # the KS p-values of independent blocks are uniform
    assert stats.kstest(ks_p, "uniform").pvalue > 1e-3


# --------------------------------------------------------------------------------------------
# Philox4x32-10 normals of the blocked integrator
# --------------------------------------------------------------------------------------------
from lindhydro.field.philox import philox4x32, philox4x32_reference  # noqa: E402
from lindhydro.field.rng import philox_normals, philox_normals_reference  # noqa: E402

#: Known-answer vectors of Random123 (kat_vectors): counter, key -> output.
PHILOX_KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("counter, key, expected", PHILOX_KAT)
def test_philox_known_answers(counter, key, expected):
    got = philox4x32(*(np.uint64(c) for c in counter), *(np.uint64(k) for k in key))
    assert tuple(int(w) for w in got) == expected
    assert tuple(int(w) for w in philox4x32_reference(counter, key)) == expected


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 2, 255, 256, 257, 1001])
def test_philox_numba_equals_numpy_twin(precision, n):
    for key in (KEY, 2**64 - 1, 1):
        for step in (0, 1, 2, 3, 4, 7, 2**40 + 5, 2**63 + 2):
            a = philox_normals(key, step, n, precision)
            assert a.dtype == np.dtype(precision) and a.shape == (n,)
            np.testing.assert_array_equal(a, philox_normals_reference(key, step, n, precision))


def test_philox_float32_is_the_float64_normal_rounded():
    """The two precisions share the words; float32 Box-Muller is accurate to a few float32 ulp."""
    z32 = np.concatenate([philox_normals(KEY, s, 50_000, "float32") for s in range(8)]).astype(float)
    z64 = np.concatenate([philox_normals(KEY, s, 50_000, "float64") for s in range(8)])
    d = z32 - z64
    assert np.max(np.abs(d)) < 4e-6  # radius up to 6.7 times a few float32 ulp of cos, sin
    assert np.sqrt(np.mean(d * d)) < 3e-7


def test_philox_bad_arguments_rejected():
    for args in ((KEY, 0, 0), (KEY, -1, 5), (KEY, 0, 5, "float16")):
        with pytest.raises(ValueError):
            philox_normals(*args)


def _philox_sample(n_steps, n, key=KEY, precision="float32"):
    return np.stack([philox_normals(key, s, n, precision) for s in range(n_steps)]).astype(float)


def test_philox_moments_tails_and_ks():
    # 1e7 normals; P(|z| > 4) = 6.3e-5: ~630 events
    assert_standard_normal(_philox_sample(256, 40_000).ravel(), tails=(2.0, 3.0, 4.0), ks_size=2_000_000)


def test_philox_independence_across_cells_steps_and_keys():
    z = _philox_sample(400, 5_000)
    N = z[:, 1:].size
    for lag in (1, 2, 3):  # neighbouring cells of a step (different counters)
        assert abs(np.mean(z[:, :-lag] * z[:, lag:])) < 5 / np.sqrt(N), lag
    for lag in (1, 2, 3, 4, 5):  # steps sharing a Philox call (lags < 4) and across calls
        a, b = z[:-lag], z[lag:]
        assert abs(np.mean(a * b)) < 5 / np.sqrt(a.size), lag
        assert abs(np.mean(a * a * b * b) - 1) < 5 * np.sqrt(8 / a.size), lag  # no dependence in the squares
        m = np.sqrt(2 / np.pi)
        assert abs(np.mean((np.abs(a) - m) * (np.abs(b) - m))) < 5 * (1 - m * m) / np.sqrt(a.size), lag
    for other in (KEY ^ 1, KEY ^ (1 << 32), KEY ^ (1 << 63)):  # keys one bit apart (low word, high word)
        y = _philox_sample(40, 5_000, key=other)
        assert abs(np.mean(z[:40] * y)) < 5 / np.sqrt(y.size)
        assert abs(np.mean(z[:40] ** 2 * y**2) - 1) < 5 * np.sqrt(8 / y.size)
    S = np.mean(np.abs(np.fft.rfft(z, axis=1)) ** 2, axis=0) / z.shape[1]  # flat spectrum along the cells
    bins = S[1:2501].reshape(-1, 50).mean(axis=1)
    assert np.all(np.abs(bins - 1) < 5 / np.sqrt(50 * 400))


@pytest.mark.slow
def test_philox_five_sigma_tail_rate():
    """2e9 float32 normals: P(|z| > 5) = 5.7e-7 (~1150 events) and P(|z| > 4.5) against the normal law."""
    n, steps = 10_000_000, 200
    c5 = c45 = 0
    for s in range(steps):
        a = np.abs(philox_normals(KEY ^ 0x5A5A, s, n))
        c45 += np.count_nonzero(a > 4.5)
        c5 += np.count_nonzero(a > 5.0)
    N = n * steps
    for count, t in ((c45, 4.5), (c5, 5.0)):
        expected = 2 * stats.norm.sf(t) * N
        assert abs(count - expected) < 5 * np.sqrt(expected), (t, count, expected)
