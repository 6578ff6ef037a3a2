"""``lindhydro simulate`` end to end."""

import json

import numpy as np
import pytest
import xarray as xr

from lindhydro.cli import main
from lindhydro.field import SimulationResult, paper_toy_model, simulate


def test_simulate_json_matches_library(capsys, tmp_path):
    out = tmp_path / "run.nc"
    rc = main(["simulate", "--model", "paper", "--eps", "0.2", "--length", "100", "--time", "2", "--seed", "4",
               "--no-thermal-noise", "--json", "--out", str(out)])
    assert rc == 0
    captured = capsys.readouterr()
    d = json.loads(captured.out)  # exactly one JSON object on stdout
    for key in ("parameters", "m2_mean", "correlation_length", "domain_wall_density", "coarse_graining_length",
                "site_updates_per_second"):
        assert key in d
    assert d["parameters"]["model"]["thermal_noise"] == 0.0 and d["parameters"]["model"]["name"] == "paper"
    assert d["parameters"]["averages_from_time"] == 1.0
    lib = simulate(paper_toy_model(0.2, thermal=False), length=100, time=2, seed=4)
    assert d["m2_mean"] == pytest.approx(lib.m2_mean, rel=1e-12)
    saved = SimulationResult.load(out)  # netCDF, the format of every result
    np.testing.assert_array_equal(saved.final_state.field, lib.final_state.field)
    np.testing.assert_array_equal(saved.m2, lib.m2)
    assert saved.completed and json.loads(xr.open_dataset(out, engine="h5netcdf").attrs["parameters"])["seed"]
    # .npz on request, same content
    npz = tmp_path / "run.npz"
    assert main(["simulate", "--eps", "0.2", "--length", "100", "--time", "2", "--seed", "4", "--no-thermal-noise",
                 "--no-progress", "--out", str(npz)]) == 0
    np.testing.assert_array_equal(SimulationResult.load(npz).final_state.field, lib.final_state.field)


def test_a_newcomers_first_run_shows_order(capsys):
    """The default model is the one with an ordered phase: Wick-ordered with the conserved noise on."""
    assert main(["simulate", "--eps", "0.2", "--length", "100", "--time", "20", "--seed", "1", "--json",
                 "--no-progress"]) == 0
    cap = capsys.readouterr()
    d = json.loads(cap.out)
    assert d["parameters"]["model"]["renormalisation"] == "wick" and d["parameters"]["model"]["thermal_noise"] > 0
    assert d["correlation_length"] is not None and d["correlation_length"] > 1.0
    assert cap.err == ""
    # the model as printed is one flag away and says that it has no ordered phase
    assert main(["simulate", "--eps", "0.2", "--length", "20", "--time", "1", "--seed", "1", "--json",
                 "--no-progress", "--renormalisation", "none"]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out)["parameters"]["model"]["renormalisation"] == "none"
    assert "no ordered phase" in cap.err and len(cap.err.splitlines()) == 1


def test_simulate_human_output_and_wick(capsys):
    rc = main(["simulate", "--eps", "0.2", "--length", "50", "--time", "1", "--seed", "1", "--renormalisation", "wick",
               "--no-progress"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "renormalisation=wick" in out and "m2_mean" in out


def test_simulate_refuses_unstable_dt(capsys):
    rc = main(["simulate", "--eps", "0.2", "--length", "50", "--time", "1", "--seed", "1", "--dt", "0.1", "--json"])
    assert rc == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "stability limit" in captured.err


def test_simulate_quantum_model(capsys):
    rc = main(["simulate", "--model", "quantum", "--sites", "6", "--gamma", "0.9", "--eps", "0.2", "--D", "1",
               "--chi-T", "0.5", "--length", "25", "--time", "0.5", "--seed", "3", "--json", "--no-progress"])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    model = d["parameters"]["model"]
    assert model["name"] == "quantum"  # as spelled on the command line
    assert model["thermal_noise"] == pytest.approx(1.0)  # 2 D chi_T
    assert len(model["force_coeffs"]) >= 2 and model["force_coeffs"][0] > 0  # bistable at gamma = 0.9


def test_simulate_refuses_an_option_of_another_model_before_work(capsys):
    rc = main(["simulate", "--model", "paper", "--sites", "6", "--eps", "0.2", "--length", "50", "--time", "1",
               "--seed", "1"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "--sites: not an option of --model paper" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["--length", "50.1"], "length = 50.1 must be a positive whole multiple of dx"),
    (["--dt", "-0.001"], "dt must be a positive"),
    (["--record-every", "0"], "record_every must be a whole number of steps >= 1"),
    (["--model", "quantum", "--sites", "3"], "sites >= 4"),
])
def test_simulate_bad_numerics_exit_2(capsys, argv, message):
    base = {"--eps": "0.2", "--length": "50", "--time": "1", "--seed": "1"}
    for flag, value in zip(argv[::2], argv[1::2], strict=True):
        base[flag] = value
    assert main(["simulate", *[x for kv in base.items() for x in kv]]) == 2
    assert message in capsys.readouterr().err


def test_simulate_models_and_help_defaults_come_from_the_preset_registry(capsys):
    """The --model choices are the registry's field presets; the defaults quoted in --help are the builders'."""
    import inspect
    import re

    from lindhydro.cli.options import DEFAULT_SITES
    from lindhydro.cli.simulate import MODELS
    from lindhydro.experiments.presets import PRESETS, preset, resolve

    assert set(MODELS) == {n for n, p in PRESETS.items() if p.simulator == "lindhydro.field:simulate"}
    assert {"paper", "quantum"} <= set(MODELS)
    assert main(["simulate", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())

    def default(model, key):
        return inspect.signature(resolve(preset(model).builder)).parameters[key].default

    assert f"paper {default('paper', 'gamma')}, quantum {default('quantum', 'gamma')}" in text
    assert default("quantum", "sites") == DEFAULT_SITES
    for key, flag in (("sites", "--sites"), ("D", "--D"), ("delta", "--delta"), ("jprime", "--jprime")):
        quoted = re.search(re.escape(flag) + r" \S+ quantum model: [^(]*\([^)]*default ([0-9.]+)", text)
        assert quoted and float(quoted.group(1)) == default("quantum", key), flag
    assert f"quantum {default('quantum', 'chi_T')}" in text
    # the paper's 2 D chi_T = 1 is chi_T = 0.5 in its units D = 1
    assert resolve(preset("paper").builder)(0.2).thermal_noise == pytest.approx(1.0)


def test_deprecated_spellings_still_work(capsys):
    from lindhydro.cli import build_parser
    from lindhydro.cli.simulate import build_model, model_parameters
    from lindhydro.experiments.presets import build_model as registry_build

    args = build_parser().parse_args(["simulate", "--eps", "0.2", "--gamma", "0.85", "--length", "10", "--time", "1",
                                      "--seed", "1", "--no-thermal-noise"])
    assert model_parameters(args) == {"gamma": 0.85, "thermal": False, "renormalisation": "none"}
    with pytest.warns(DeprecationWarning, match="presets.build_model"):
        old = build_model(args)
    assert old == registry_build("paper", 0.2, gamma=0.85, thermal=False)
    # --chi-T-2D (2 D chi_T) is the hidden old spelling of --chi-T, with a note
    old_args = build_parser().parse_args(["simulate", "--eps", "0.2", "--length", "10", "--time", "1", "--seed", "1",
                                          "--chi-T-2D", "3"])
    assert old_args.chi_T == 1.5 and "--chi-T-2D is deprecated" in capsys.readouterr().err
    assert "--chi-T-2D" not in build_parser()._subparsers._group_actions[0].choices["simulate"].format_help()


def test_a_notice_instead_of_a_stalled_bar_while_the_kernels_compile(capsys, monkeypatch):
    """When preparing the kernels takes more than a second (numba compiling), stderr says so first."""
    import time

    from lindhydro.field.stepper import HeunStepper

    warm_up = HeunStepper.warm_up
    monkeypatch.setattr(HeunStepper, "warm_up", lambda self, n: (time.sleep(1.5), warm_up(self, n)))
    assert main(["simulate", "--eps", "0.2", "--length", "10", "--time", "0.1", "--seed", "1", "--json"]) == 0
    err = capsys.readouterr().err
    assert "compiling the numba kernels (first run only" in err
    assert err.index("compiling") < err.index("simulate:")  # before the progress bar
    monkeypatch.setattr(HeunStepper, "warm_up", warm_up)
    assert main(["simulate", "--eps", "0.2", "--length", "10", "--time", "0.1", "--seed", "1", "--json"]) == 0
    assert "compiling" not in capsys.readouterr().err  # cached: no notice


def test_precision_option(capsys):
    """--precision picks the integrator (default float32); a bad value is one line, before any work."""
    for precision in ("float64-splitmix", None):
        extra = [] if precision is None else ["--precision", precision]
        assert main(["simulate", "--eps", "0.2", "--length", "20", "--time", "0.5", "--seed", "4", "--json",
                     "--no-progress", "--no-thermal-noise", *extra]) == 0
        d = json.loads(capsys.readouterr().out)
        lib = simulate(paper_toy_model(0.2, thermal=False), length=20, time=0.5, seed=4,
                       precision=precision or "float32")
        assert d["parameters"]["precision"] == (precision or "float32") and d["m2_mean"] == lib.m2_mean
    assert main(["simulate", "--eps", "0.2", "--length", "20", "--time", "0.5", "--seed", "4",
                 "--precision", "float16"]) != 0
    err = capsys.readouterr().err
    assert "precision must be one of float32, float64, float64-splitmix" in err and len(err.strip().splitlines()) == 1
