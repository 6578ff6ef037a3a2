"""``analyze``: density vs ε, errors and the fit from the store alone (synthetic stores with a known law)."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from lindhydro.cli import main
from lindhydro.sweep.analyze import analyze_store
from lindhydro.sweep.config import parse_config
from lindhydro.sweep.store import ResultStore

A_TRUE, C_TRUE = 0.03, 0.6
BASE = {
    "sweep": {"store": "law.store", "root_seed": 5, "realisations": 8},
    "model": {"preset": "ou"},
    "simulation": {"length": 100.0, "time": 10.0, "dt": 0.01, "record_every": 10},
    "grid": {"eps": [0.1, 0.15, 0.2, 0.3, 0.4]},
}


def law(eps):
    return A_TRUE * eps**0.25 * np.exp(-C_TRUE / np.sqrt(eps))


def write_synthetic_store(tmp_path, rel_noise=0.05, transient=True):
    """Entries whose wall density relaxes from 5x to the law, with independent noise per realisation."""
    cfg = parse_config(copy.deepcopy(BASE), base_dir=tmp_path)
    store = ResultStore(cfg.store)
    store.prepare(cfg, cfg.tasks())
    t = np.arange(1, 101) * 0.1
    for spec in cfg.tasks():
        rng = np.random.default_rng(spec.seed)
        level = law(spec.eps) * (1 + rel_noise * rng.standard_normal())  # realisation-to-realisation
        series = level * (1 + (4 * np.exp(-t / 0.5) if transient else 0)) * (1 + 0.01 * rng.standard_normal(t.size))
        store.write(spec, {"time": t, "m2": np.ones_like(t), "wall_density": series,
                           "final_field": rng.standard_normal(400)}, {})
    return cfg


def test_analysis_recovers_known_law_with_honest_errors(tmp_path):
    cfg = write_synthetic_store(tmp_path)
    an = analyze_store(cfg.store, n_boot=100)
    assert an.n_finished == an.n_expected == 40 and an.t_steady == pytest.approx(5.0)
    (cur,) = an.curves
    np.testing.assert_allclose(cur.eps, cfg.eps)
    # the mean over realisations is within 4 standard errors of the law; the error is ~ 5%/sqrt(8)
    assert np.all(np.abs(cur.density - law(cur.eps)) < 4 * cur.density_err)
    np.testing.assert_allclose(cur.density_err / cur.density, 0.05 / np.sqrt(8), rtol=0.6)
    fit = cur.fit
    assert abs(fit["c"] - C_TRUE) < 4 * fit["c_error"] and fit["c_error"] < 0.1
    assert abs(fit["A"] - A_TRUE) < 4 * fit["A_error"]
    assert np.all(np.abs(cur.drift_sigma) < 5)  # stationary after the transient


def test_transient_in_window_is_flagged_as_drift(tmp_path):
    cfg = write_synthetic_store(tmp_path)
    an = analyze_store(cfg.store, t_steady=0.1, fit=False)  # includes the relaxation
    assert np.all(np.abs(an.curves[0].drift_sigma) > 3)
    assert not any(s.stationary for s in an.curves[0].stationarity)
    # the default window (t > T/2) is past the transient: the same judge calls every eps stationary
    assert all(s.stationary for s in analyze_store(cfg.store, fit=False).curves[0].stationarity)


def test_stationarity_is_the_analysis_judge_on_the_averaging_window(tmp_path):
    """With the default window (the second half) the verdict is the judge's on the whole record."""
    from lindhydro.analysis.fits import stationarity
    from lindhydro.sweep.store import open_store

    cfg = write_synthetic_store(tmp_path)
    cur = analyze_store(cfg.store, fit=False).curves[0]
    wd = open_store(cfg.store)["wall_density"]
    for e, verdict in zip(cur.eps, cur.stationarity, strict=True):
        direct = stationarity(wd.sel(eps=e).values, z=3.0)
        assert verdict.z_score == pytest.approx(direct.z_score, rel=1e-12)
        assert verdict.mean == pytest.approx(direct.mean, rel=1e-12)
    # and its mean over the window is the mean of the per-realisation densities
    np.testing.assert_allclose([v.mean for v in cur.stationarity], cur.density, rtol=1e-12)


def test_deprecated_fit_arrhenius_is_the_library_fit():
    from lindhydro.analysis.fits import fit_wall_density
    from lindhydro.sweep.analyze import fit_arrhenius

    eps = np.array([0.1, 0.2, 0.3, 0.5])
    per = np.repeat(law(eps)[:, None], 3, axis=1) * np.array([0.99, 1.0, 1.01])
    with pytest.warns(DeprecationWarning, match="fit_wall_density"):
        f = fit_arrhenius(eps, per, n_boot=50)
    assert f["A"] == pytest.approx(A_TRUE, rel=1e-3) and f["c"] == pytest.approx(C_TRUE, abs=1e-3)
    lib = fit_wall_density(eps, realisations=list(per), n_boot=50)
    assert (f["A"], f["c"]) == (lib.A, lib.c)


def test_plot_analysis_moved_to_plotting_with_a_deprecated_alias(tmp_path):
    import lindhydro.sweep
    from lindhydro.plotting.sweep import plot_analysis

    cfg = write_synthetic_store(tmp_path)
    an = analyze_store(cfg.store, fit=False, exact=False)
    with pytest.warns(DeprecationWarning, match="lindhydro.plotting.sweep"):
        old = lindhydro.sweep.plot_analysis
    files = old(an, tmp_path / "old", store_dataset=None)
    assert [f.name for f in files] == [f.name for f in plot_analysis(an, tmp_path / "new")]


def test_cli_analyze_json_and_figures(tmp_path, capsys):
    cfg = write_synthetic_store(tmp_path)
    out = tmp_path / "figs"
    assert main(["analyze", str(cfg.store), "--out", str(out), "--json", "--n-boot", "50"]) == 0
    stdout = capsys.readouterr().out
    result = json.loads(stdout)  # exactly one JSON object on stdout
    assert result["curves"][0]["fit"]["c"] == pytest.approx(C_TRUE, abs=0.2)
    for name in ("density_vs_eps.png", "arrhenius.png", "density_vs_time.png", "analysis.json"):
        assert (out / name).stat().st_size > 1000
    stationarity = result["curves"][0]["stationarity"]
    assert len(stationarity) == 5 and all(s["stationary"] for s in stationarity)
    assert main(["analyze", str(tmp_path / "nothing")]) == 2  # clear error, exit 2


def test_cli_sweep_bad_config_exit_2_before_work(tmp_path, capsys):
    toml = tmp_path / "bad.toml"
    toml.write_text('[sweep]\nstore = "x.store"\nroot_seed = 1\nrealisations = 2\n'
                    '[model]\npreset = "ou"\n[simulation]\nlength = 10\ntime = 1\n[grid]\neps = [0.1, -0.2]\n')
    assert main(["sweep", str(toml)]) == 2
    err = capsys.readouterr().err
    assert "lindhydro sweep: error:" in err and "eps must all be > 0" in err
    assert not (tmp_path / "x.store").exists()


def test_cli_sweep_exit_code_1_when_some_task_failed(tmp_path, capsys):
    toml = tmp_path / "fail.toml"
    toml.write_text('[sweep]\nstore = "f.store"\nroot_seed = 1\nrealisations = 1\n'
                    '[model]\npreset = "ou"\n[simulation]\nlength = 5\ntime = 0.2\ndt = 0.01\nrecord_every = 5\n'
                    '[grid]\neps = [1.0]\nrate = [1.0, -5000.0]\n')
    assert main(["sweep", str(toml), "--workers", "1", "--json", "--no-progress"]) == 1
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["n_failed"] == 1 and summary["n_computed"] == 1 and not summary["ok"]
    assert summary["failures"][0]["parameters"]["model"]["rate"] == -5000.0
    assert "FAILED" in captured.err and "rate" in captured.err


def test_equilibrium_store_gets_the_exact_transfer_integral_curve(tmp_path):
    """Fig. 6 case (no conserved noise): analyze adds 1/(2 xi) of the exact lattice solution."""
    from lindhydro.analysis.transfer import TransferIntegral
    from lindhydro.field import paper_toy_model

    d = copy.deepcopy(BASE)
    d["model"] = {"preset": "paper", "gamma": 0.875, "thermal": False}
    d["grid"]["eps"] = [0.3, 0.5]
    d["sweep"]["realisations"] = 2
    cfg = parse_config(d, base_dir=tmp_path)
    store = ResultStore(cfg.store)
    store.prepare(cfg, cfg.tasks())
    t = np.arange(1, 101) * 0.1
    for spec in cfg.tasks():
        store.write(spec, {"time": t, "m2": np.ones_like(t), "wall_density": np.full_like(t, law(spec.eps)),
                           "final_field": np.zeros(400)}, {})
    cur = analyze_store(cfg.store, fit=False).curves[0]
    for e, n in zip(cur.eps, cur.exact_density_xi, strict=True):
        ti = TransferIntegral(paper_toy_model(e, 0.875, thermal=False), 0.25)
        assert n == pytest.approx(1 / (2 * ti.correlation_length), rel=1e-12)
    assert cur.exact_density_xi[0] < cur.exact_density_xi[1]  # Arrhenius: fewer walls at weaker coupling
    # a store with conserved noise (or the stand-in) has no exact curve
    assert analyze_store(write_synthetic_store(tmp_path / "x").store, fit=False).curves[0].exact_density_xi is None
