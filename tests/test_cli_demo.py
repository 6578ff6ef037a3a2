"""End to end: ``lindhydro demo`` runs the whole pipeline and its numbers hang together."""

import json

import numpy as np

from lindhydro.cli import main


def test_demo_end_to_end(capsys):
    rc = main(["demo", "--json", "--sites", "6", "--length", "100", "--time", "20", "--seed", "3"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    fps = out["fixed_points"]
    stable = sorted(p["m"] for p in fps if p["stable"])
    unstable = [p for p in fps if not p["stable"]]
    # bistability of the paper's model at gamma = 0.9: +-m*, and the unstable point at m = 0
    assert len(stable) == 2 and np.isclose(stable[0], -stable[1], atol=1e-8)
    assert len(unstable) == 1 and abs(unstable[0]["m"]) < 1e-8
    hydro = out["hydro"]
    # the reduced force vanishes at the stable fixed point of the full two-charge problem
    c = np.asarray(hydro["force_coeffs"])
    m_star = stable[1]
    f_at_star = sum(ck * m_star ** (2 * k + 1) for k, ck in enumerate(c))
    assert abs(f_at_star) < 1e-3 * np.abs(c).sum()
    sim = out["simulation"]
    assert 0 < sim["m2_mean"] < 1 and np.isfinite(sim["correlation_length"])
    assert out["parameters"]["seed"] == 3


def test_demo_rejects_strong_coupling(capsys):
    assert main(["demo", "--eps", "5"]) == 2
    assert "--eps must lie in (0, 1]" in capsys.readouterr().err


def test_demo_explains_a_chain_without_bistability(capsys):
    """At gamma = 0.3 the reduced force has the single zero m = 0: no walls to count, and the demo says why."""
    assert main(["demo", "--json", "--sites", "6", "--gamma", "0.3", "--length", "20", "--time", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["stable"] for p in out["fixed_points"]] == [True] and abs(out["fixed_points"][0]["m"]) < 1e-9
    assert out["simulation"]["domain_wall_density"] is None and "no bistability" in out["note"]
