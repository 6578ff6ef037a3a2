"""The paper's toy model "as run" (issue 13): half the printed site noise, walls in paper units, the default ell.

* ``convention="as-run"`` is the printed model with the site noise halved, so that the model A
  temperature is the paper's stated ``T_eff = eps J (1 - gamma)``; the exact transfer integral at
  that temperature must match a simulation of the as-run model (and the printed model's transfer
  integral at the paper's temperature is the same object).
* Every result reports ``domain_wall_density_paper_units`` = walls per cell of ``dx = 0.25``.
* With conserved noise the default coarse-graining length is ``max(w/2, kappa chi_T/(m0/2)^2)``: the
  box average of the noise's white part (variance ``chi_T / ell``) stays below ``(m0/2)^2 / kappa``,
  checked here on the conserved noise alone.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lindhydro.analysis.correlations import correlation_length_from_function
from lindhydro.analysis.transfer import TransferIntegral, effective_temperature
from lindhydro.experiments.presets import build_model
from lindhydro.field import FieldModel, paper_toy_model, simulate
from lindhydro.field.model import (
    COARSE_GRAINING_FRACTION,
    CONVENTIONS,
    NOISE_AVERAGING_FACTOR,
    PAPER_CELL,
    density_in_paper_units,
)
from lindhydro.field.observables import smooth


@pytest.mark.parametrize("thermal", [False, True])
@pytest.mark.parametrize("eps, gamma", [(0.2, 0.875), (0.37, 0.9)])
def test_as_run_is_the_printed_model_with_half_the_site_noise(eps, gamma, thermal):
    derived = paper_toy_model(eps, gamma, thermal=thermal)
    as_run = paper_toy_model(eps, gamma, thermal=thermal, convention="as-run")
    assert as_run.site_noise == 0.5 * derived.site_noise == pytest.approx(2 * eps * (1 - gamma), rel=1e-14)
    # the model A temperature is the paper's T_eff = eps J (1 - gamma), i.e. the derived model's "paper" T
    assert as_run.temperature == pytest.approx(eps * (1 - gamma), rel=1e-14)
    assert as_run.temperature == pytest.approx(effective_temperature(derived, "paper"), rel=1e-14)
    # nothing else changes: force, diffusion, conserved noise, wall, defaults of the count
    for name in ("force_coeffs", "D", "thermal_noise", "renormalisation", "m0", "wall_width",
                 "coarse_graining_length", "wall_threshold"):
        assert getattr(as_run, name) == getattr(derived, name)
    assert derived.metadata["convention"] == "derived" and as_run.metadata["convention"] == "as-run"
    assert FieldModel.from_dict(as_run.to_dict()) == as_run


def test_convention_through_the_registry_and_bad_input():
    assert CONVENTIONS == ("derived", "as-run")
    m = build_model("paper", 0.3, convention="as-run", thermal=False)
    assert m == paper_toy_model(0.3, thermal=False, convention="as-run").replace(name="paper")
    assert build_model("paper", 0.3).site_noise == paper_toy_model(0.3).site_noise  # the default is derived
    with pytest.raises(ValueError, match="convention"):
        paper_toy_model(0.3, convention="paper")
    with pytest.raises(ValueError, match="convention"):
        build_model("paper", 0.3, convention="asrun")
    with pytest.raises(ValueError):
        build_model("quantum", 0.3, convention="as-run")  # the quantum preset has no such parameter


def test_sweep_configuration_takes_the_convention(tmp_path):
    from lindhydro.sweep.config import parse_config

    data = {"sweep": {"name": "t", "store": "t.store", "root_seed": 1, "realisations": 1},
            "model": {"preset": "paper", "thermal": False, "convention": "as-run"},
            "simulation": {"length": 10.0, "time": 1.0},
            "grid": {"eps": [0.3]}}
    cfg = parse_config(data, base_dir=tmp_path)
    (task,) = cfg.tasks()
    assert task.build_model().site_noise == pytest.approx(2 * 0.3 * (1 - 0.875))
    data["model"]["convention"] = "printed"
    with pytest.raises(ValueError, match="convention"):
        parse_config(data, base_dir=tmp_path).tasks()[0].build_model()


def test_paper_units_are_walls_per_cell_of_a_quarter_lattice_constant():
    assert PAPER_CELL == 0.25
    assert density_in_paper_units(0.04) == pytest.approx(0.01)
    np.testing.assert_allclose(density_in_paper_units([0.0, 0.2]), [0.0, 0.05])
    assert math.isnan(density_in_paper_units(None))
    res = simulate(paper_toy_model(0.6, thermal=False, convention="as-run"), length=100.0, time=4.0, seed=3)
    s = res.summary()
    assert s["domain_wall_density_paper_units"] == pytest.approx(PAPER_CELL * s["domain_wall_density"])
    assert res.to_dict(series=False)["domain_wall_density_paper_units"] == s["domain_wall_density_paper_units"]


def test_default_ell_keeps_the_box_averaged_conserved_noise_below_the_threshold():
    """The rule, then its reason: the conserved noise alone (f = 0) is white with variance chi_T/dx
    per cell, so its box average over the default ell has variance chi_T/ell <= (m0/2)^2/kappa."""
    for eps in (0.08, 0.2, 0.4):
        m = paper_toy_model(eps, renormalisation="wick")
        rule = max(COARSE_GRAINING_FRACTION * m.wall_width, NOISE_AVERAGING_FACTOR * m.chi_T / m.wall_threshold**2)
        assert m.coarse_graining_length == pytest.approx(rule, rel=1e-14)
        assert m.coarse_graining_length >= COARSE_GRAINING_FRACTION * m.wall_width
        assert paper_toy_model(eps, thermal=False).coarse_graining_length == pytest.approx(0.5 * m.wall_width)
    toy = paper_toy_model(0.4, renormalisation="wick")
    noise_only = FieldModel(force_coeffs=(0.0,), D=1.0, thermal_noise=toy.thermal_noise)
    dx, ell = 0.25, toy.coarse_graining_length
    # conserved dynamics relaxes a mode k at the rate 2 D k^2: equilibrate the ring's slowest ones first
    runs = simulate(noise_only, realisations=4, length=100.0, time=800.0, dx=dx, seed=5, snapshot_every=1000,
                    record_every=1000)
    fields = np.concatenate([r.snapshots[400:] for r in runs])
    n_box = 2 * int(round(ell / (2 * dx))) + 1
    var = np.var(smooth(fields, dx=dx, ell=ell))
    # white noise of variance chi_T/dx per cell, the ring's total fixed: chi_T/(n_box dx) (1 - n_box/n)
    expected = toy.chi_T / (n_box * dx) * (1 - n_box / fields.shape[1])
    assert var == pytest.approx(expected, rel=0.2)
    assert var <= 1.1 * toy.wall_threshold**2 / NOISE_AVERAGING_FACTOR


def _m2_and_xi(model, *, length, time, realisations, seed, dx=0.25):
    runs = simulate(model, realisations=realisations, length=length, time=time, dx=dx, seed=seed,
                    record_every=500, snapshot_every=0, precision="float64-splitmix")  # the noise it was written with
    m2 = np.array([r.m2_mean for r in runs])
    C = np.array([r.correlation for r in runs]).mean(axis=0)
    return m2.mean(), m2.std(ddof=1) / np.sqrt(len(runs)), correlation_length_from_function(runs[0].r, C)


def test_transfer_integral_at_the_as_run_temperature_matches_a_simulation():
    """eps = 0.6, no xi_th: the as-run model is model A at T = eps (1 - gamma) (exact <m^2> = 0.261,
    xi = 7.3; colder than the printed model, so twice its run); 4 x 2400 cells x 3e5 steps."""
    model = paper_toy_model(0.6, thermal=False, convention="as-run")
    exact = TransferIntegral(model, 0.25)  # T = site_noise / 2 of the as-run model
    printed_at_paper_T = TransferIntegral(paper_toy_model(0.6, thermal=False), 0.25, temperature="paper")
    assert exact.T == pytest.approx(printed_at_paper_T.T) and exact.m2 == pytest.approx(printed_at_paper_T.m2)
    m2, m2_err, xi = _m2_and_xi(model, length=600.0, time=300.0, realisations=4, seed=13)
    assert abs(m2 - exact.m2) < 4 * m2_err
    assert xi / exact.correlation_length == pytest.approx(1.0, abs=0.15)
    derived = TransferIntegral(paper_toy_model(0.6, thermal=False), 0.25)  # and not the printed model's T
    assert abs(xi / derived.correlation_length - 1) > 0.3


def test_store_and_analysis_report_paper_units(tmp_path):
    """A synthetic store whose density follows the paper's Fig. 5 law in paper units: the analysis
    recovers the paper's A in paper units and four times it per unit length; c is the same."""
    import copy
    import json

    from lindhydro.cli import main
    from lindhydro.sweep.analyze import analyze_store
    from lindhydro.sweep.config import parse_config
    from lindhydro.sweep.store import ResultStore, open_store

    A_paper, c = 0.0293, 0.56
    base = {"sweep": {"store": "p.store", "root_seed": 5, "realisations": 6},
            "model": {"preset": "ou"},
            "simulation": {"length": 100.0, "time": 10.0, "dt": 0.01, "record_every": 10},
            "grid": {"eps": [0.1, 0.2, 0.3, 0.4]}}
    cfg = parse_config(copy.deepcopy(base), base_dir=tmp_path)
    store = ResultStore(cfg.store)
    store.prepare(cfg, cfg.tasks())
    t = np.arange(1, 101) * 0.1
    for spec in cfg.tasks():
        rng = np.random.default_rng(spec.seed)
        per_length = A_paper / PAPER_CELL * spec.eps**0.25 * np.exp(-c / np.sqrt(spec.eps))
        series = per_length * (1 + 0.03 * rng.standard_normal()) * (1 + 0.01 * rng.standard_normal(t.size))
        store.write(spec, {"time": t, "m2": np.ones_like(t), "wall_density": series}, {})
    ds = open_store(cfg.store)
    np.testing.assert_allclose(ds["wall_density_paper_units"].values, PAPER_CELL * ds["wall_density"].values)
    (cur,) = analyze_store(cfg.store, n_boot=50).curves
    d = cur.to_dict()
    np.testing.assert_allclose(d["domain_wall_density_paper_units"], PAPER_CELL * cur.density)
    np.testing.assert_allclose(d["domain_wall_density_paper_units_err"], PAPER_CELL * cur.density_err)
    assert cur.fit["A_paper_units"] == pytest.approx(PAPER_CELL * cur.fit["A"])
    assert abs(cur.fit["A_paper_units"] - A_paper) < 4 * cur.fit["A_error_paper_units"]
    assert abs(cur.fit["c"] - c) < 4 * cur.fit["c_error"]
    assert main(["analyze", str(cfg.store), "--out", str(tmp_path / "an")]) == 0
    saved = json.loads((tmp_path / "an" / "analysis.json").read_text())
    assert saved["curves"][0]["fit"]["A_paper_units"] == pytest.approx(cur.fit["A_paper_units"], rel=1e-6)
