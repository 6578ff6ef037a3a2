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


def test_moments_and_ks():
    z = _sample()  # 2e6 normals
    x = z.ravel()
    N = x.size
    assert abs(x.mean()) < 5 / np.sqrt(N)
    assert abs(x.var() - 1) < 5 * np.sqrt(2 / N)
    # excess kurtosis of a normal: 0, standard error sqrt(24/N)
    assert abs(stats.kurtosis(x)) < 5 * np.sqrt(24 / N)
    assert abs(stats.skew(x)) < 5 * np.sqrt(6 / N)
    assert stats.kstest(x, "norm").pvalue > 1e-4
    # tails: P(|z| > 3) = 0.0027
    p3 = np.mean(np.abs(x) > 3)
    assert abs(p3 - 2 * stats.norm.sf(3)) < 5 * np.sqrt(2 * stats.norm.sf(3) / N)


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
