"""Tests of the wall-density fits and the stationarity judge (lindhydro.analysis.fits)."""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.analysis.fits import (
    fit_all_prefactors,
    fit_wall_density,
    integrated_autocorrelation_time,
    stationarity,
    wall_density_law,
)

EPS = np.array([0.08, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.4])


def synthetic(A, c, R, rel, seed, prefactor="eps^1/4", amps=None):
    """Per-realisation densities: the law times independent Gaussian noise of relative size rel."""
    rng = np.random.default_rng(seed)
    law = wall_density_law(EPS, amps or (A,), c, prefactor)
    return law[:, None] * (1 + rel * rng.standard_normal((EPS.size, R)))


@pytest.mark.parametrize(
    "prefactor, amps", [("1", (0.03,)), ("eps^1/4", (0.0293,)), ("eps^1/4+eps^3/4", (0.02, 0.05))]
)
def test_noiseless_data_are_fitted_exactly(prefactor, amps):
    n = wall_density_law(EPS, amps, 0.56, prefactor)
    fit = fit_wall_density(EPS, n, prefactor=prefactor)
    np.testing.assert_allclose(fit.amplitudes, amps, rtol=1e-6)
    assert fit.c == pytest.approx(0.56, rel=1e-6)
    assert fit.chi2 < 1e-12
    assert np.isnan(fit.c_error)  # one value per eps: nothing to resample
    np.testing.assert_allclose(fit(EPS), n, rtol=1e-6)


def test_noisy_data_recover_A_and_c_within_bootstrap_errors():
    A, c = 0.0293, 0.56
    fit = fit_wall_density(EPS, synthetic(A, c, 10, 0.15, 1), n_boot=400, seed=3)
    assert fit.weighted and fit.dof == EPS.size - 2
    assert abs(fit.c - c) < 3 * fit.c_error
    assert abs(fit.A - A) < 3 * fit.A_error
    assert 0 < fit.c_error < 0.1
    # chi^2 per degree of freedom of a correct model is O(1)
    assert fit.chi2 / fit.dof < 3


def test_bootstrap_error_shrinks_with_more_realisations():
    errs = {}
    for R in (8, 32):
        fits = [
            fit_wall_density(EPS, synthetic(0.03, 0.6, R, 0.2, s), n_boot=200, seed=s)
            for s in range(3)
        ]
        errs[R] = np.mean([f.c_error for f in fits])
    assert errs[32] / errs[8] == pytest.approx(0.5, rel=0.3)


def test_fixed_c_fits_the_amplitude_only():
    n = synthetic(0.044, 0.98, 12, 0.1, 5)
    fit = fit_wall_density(EPS, n, c=0.98, n_boot=200)
    assert fit.c == 0.98 and fit.c_fixed and fit.c_error == 0.0
    assert abs(fit.A - 0.044) < 3 * fit.A_error
    assert fit.dof == EPS.size - 1
    assert fit.bootstrap.shape == (200, 1)


def test_ragged_realisations_and_reproducible_bootstrap():
    n = synthetic(0.03, 0.6, 6, 0.2, 7)
    ragged = [row[: 3 + i % 4] for i, row in enumerate(n)]
    f1 = fit_wall_density(EPS, realisations=ragged, n_boot=100, seed=11)
    f2 = fit_wall_density(EPS, ragged, n_boot=100, seed=11)
    assert f1.c_error == f2.c_error and f1.c == f2.c
    assert list(f1.realisations) == [len(r) for r in ragged]
    d = f1.to_dict()
    assert d["A"] == f1.A and d["n_boot"] == 100


def test_alternative_prefactors_give_the_papers_systematic_spread():
    n = synthetic(0.0293, 0.56, 10, 0.05, 9)
    fits = fit_all_prefactors(EPS, n, n_boot=50)
    assert set(fits) == {"1", "eps^1/4", "eps^1/4+eps^3/4"}
    # the eps^1/4 prefactor absorbs into c differently: c("1") > c("eps^1/4") for data from the eps^1/4 law
    assert fits["1"].c > fits["eps^1/4"].c
    assert fits["eps^1/4"].c == pytest.approx(0.56, abs=3 * fits["eps^1/4"].c_error + 1e-3)


def test_bad_input():
    with pytest.raises(ValueError, match="zero"):
        fit_wall_density([0.1, 0.2], [0.0, 0.01])
    with pytest.raises(ValueError, match="eps"):
        fit_wall_density([-0.1, 0.2], [0.01, 0.01])
    with pytest.raises(ValueError, match="prefactor"):
        fit_wall_density([0.1, 0.2], [0.01, 0.02], prefactor="eps")
    with pytest.raises(ValueError, match="distinct"):
        fit_wall_density([0.1, 0.2], [0.01, 0.02], prefactor="eps^1/4+eps^3/4")
    with pytest.raises(ValueError, match="entries"):
        fit_wall_density([0.1, 0.2, 0.3], [0.01, 0.02])


def ar1_series(rho, N, seed, R=None):
    rng = np.random.default_rng(seed)
    shape = (N,) if R is None else (R, N)
    z = rng.standard_normal(shape)
    x = np.empty(shape)
    x[..., 0] = z[..., 0] / np.sqrt(1 - rho**2)
    for t in range(1, N):
        x[..., t] = rho * x[..., t - 1] + z[..., t]
    return x


def test_integrated_autocorrelation_time_of_ar1():
    for rho in (0.0, 0.5, 0.9):
        tau = integrated_autocorrelation_time(ar1_series(rho, 40000, 1))
        assert tau == pytest.approx((1 + rho) / (2 * (1 - rho)), rel=0.15)


def test_stationarity_accepts_stationary_and_rejects_drifting_series():
    x = ar1_series(0.8, 4000, 2)
    st = stationarity(x)
    assert st.stationary and st.realisations == 1
    assert abs(st.mean) < 4 * st.error
    drift = x + np.linspace(0, 20, x.size)  # still relaxing: quarter means differ
    assert not stationarity(drift).stationary
    # independent realisations: error from their spread
    xs = ar1_series(0.5, 400, 3, R=16)  # >= 5 realisations: error from their spread
    st = stationarity(xs + 1.0)
    assert st.stationary and st.realisations == 16 and np.isnan(st.tau)
    assert st.mean == pytest.approx(1.0, abs=4 * st.error)
    # two realisations: errors from their autocorrelation times; a drift is still caught
    two = ar1_series(0.8, 4000, 4, R=2)
    assert stationarity(two).stationary and stationarity(two).tau > 1
    assert not stationarity(two + np.linspace(0, 20, 4000)).stationary
    with pytest.raises(ValueError, match="N >= 8"):
        stationarity(np.ones(4))


def test_old_names_of_the_stationarity_judge_warn_and_still_work():
    from lindhydro import analysis
    from lindhydro.analysis import fits

    for mod in (fits, analysis):
        with pytest.warns(DeprecationWarning, match="stationarity"):
            assert mod.steady_state is stationarity
        with pytest.warns(DeprecationWarning, match="Stationarity"):
            assert mod.SteadyState is fits.Stationarity


def test_fit_resampled_with_the_mean_statistic_matches_fit_wall_density():
    from lindhydro.analysis.fits import fit_resampled

    n = synthetic(0.03, 0.6, 12, 0.15, 8)
    direct = fit_wall_density(EPS, n, n_boot=300, weighted=False)
    resampled = fit_resampled(EPS, list(n), np.mean, n_boot=300, weighted=False)
    assert resampled.c == pytest.approx(direct.c, rel=1e-10)  # same point estimate
    assert resampled.A == pytest.approx(direct.A, rel=1e-10)
    assert resampled.c_error == pytest.approx(direct.c_error, rel=0.3)  # both bootstraps
    # bootstrap error of the mean ~ standard error of the mean
    np.testing.assert_allclose(resampled.n_error, direct.n_error, rtol=0.4)
