"""``lindhydro validate --secular-only`` and the "hydro_prediction" record (issue 12)."""

from __future__ import annotations

import json

import pytest

from lindhydro.cli import main


def test_secular_only_json_has_the_prediction_and_no_finite_eps_state(capsys):
    assert main(["validate", "--sites", "6", "--secular-only", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "steady_state" not in out and "steady_state" not in out["timings"]
    hp = out["hydro_prediction"]
    assert {"energy_density", "m_rms", "q1_distribution"} <= set(hp)
    assert sum(hp["q1_distribution"].values()) == pytest.approx(1.0, abs=1e-10)
    for k, p in hp["q1_distribution"].items():
        assert p == pytest.approx(hp["q1_distribution"][str(-int(k))], abs=1e-9)  # Q1 -> -Q1
    cmp = out["comparison"]
    ez = out["eps_to_zero"]
    assert cmp["eps_to_zero_minus_hydro_prediction_energy_density"] == pytest.approx(
        ez["energy_density"] - hp["energy_density"], abs=1e-12)
    assert 0 <= cmp["eps_to_zero_hydro_prediction_q1_total_variation"] <= 1


def test_full_validate_reports_the_prediction_beside_the_exact_state(capsys):
    assert main(["validate", "--sites", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "hydro_prediction" in out and "steady_state" in out
    assert "steady_state_minus_hydro_prediction_m_rms" in out["comparison"]


def test_secular_only_text_and_bad_input(capsys):
    assert main(["validate", "--sites", "5", "--secular-only"]) == 0
    text = capsys.readouterr().out
    assert "noisy hydrodynamics" in text and "X = +1" not in text
    assert main(["validate", "--sites", "5", "--secular-only", "--no-secular"]) == 2
    assert "exclude" in capsys.readouterr().err
    assert main(["validate", "--sites", "17", "--secular-only"]) == 2
    assert "N <= 16" in capsys.readouterr().err
