"""``lindhydro validate`` end to end (small N)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lindhydro.cli import main


def test_validate_json_end_to_end(capsys):
    code = main(["validate", "--sites", "5", "--eps", "0.05", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["parameters"]["n_sites"] == 5 and out["parameters"]["eps"] == 0.05
    ss = out["steady_state"]
    assert sorted(s["x_parity"] for s in ss["by_sector"]) == [-1, 1]
    for s in ss["by_sector"]:
        assert s["residual"] < 1e-12
        assert sum(s["q1_distribution"].values()) == pytest.approx(1.0, abs=1e-12)
        assert set(s["q1_distribution"]) == {str(m) for m in range(-5, 6, 2)}
    # top level = equal mixture of the two sectors
    assert ss["energy_density"] == pytest.approx(np.mean([s["energy_density"] for s in ss["by_sector"]]))
    assert ss["m_rms"] ** 2 == pytest.approx(np.mean([s["m_rms"] ** 2 for s in ss["by_sector"]]))
    ez = out["eps_to_zero"]
    assert {"by_sector", "energy_density", "m_rms", "q1_distribution"} <= set(ez)
    fp = out["fixed_point"]
    assert fp["m"] > 0.5 and 0.5 < fp["e"] < 0.8  # the bistable preset
    assert "steady_state" in out["timings"]


def test_validate_text_output(capsys):
    assert main(["validate", "--sites", "4", "--no-secular"]) == 0
    text = capsys.readouterr().out
    assert "X = +1" in text and "Gibbs fixed point" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["validate", "--sites", "12"], "N <= 10"),
        (["validate", "--eps", "0"], "eps"),
        (["validate", "--gamma", "1.5"], "gamma"),
        (["validate", "--hopping", "weird"], "hopping"),
    ],
)
def test_validate_bad_input(capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err
