"""Sweep configuration: parsing, validation before any work, canonical task identity and seeds."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from lindhydro.sweep.config import load_config, parse_config
from lindhydro.sweep.tasks import chunk_steps, merge_series

BASE = {
    "sweep": {"name": "t", "store": "s.store", "root_seed": 11, "realisations": 3, "chunk_time": 0.5},
    "model": {"preset": "ou", "rate": 1.0},
    "simulation": {"length": 10.0, "time": 2.0, "dt": 0.01, "record_every": 10},
    "grid": {"eps": [0.5, 1.0]},
}


def cfg(**changes):
    d = copy.deepcopy(BASE)
    for key, value in changes.items():
        table, _, name = key.partition("__")
        if value is None:
            d[table].pop(name, None)
        else:
            d[table][name] = value
    return parse_config(d, base_dir="/tmp")


def test_grid_is_product_and_store_resolved():
    c = cfg(grid__noise=[1.0, 2.0])
    tasks = c.tasks()
    assert len(tasks) == 2 * 3 * 2
    assert {(t.eps, t.realisation, t.model_kwargs["noise"]) for t in tasks} == {
        (e, r, n) for e in (0.5, 1.0) for r in range(3) for n in (1.0, 2.0)
    }
    assert str(c.store) == "/tmp/s.store"
    assert c.n_chunks == 4


def test_task_ids_and_seeds_depend_on_parameters_not_order():
    a = {(t.eps, t.realisation): t for t in cfg().tasks()}
    b = {(t.eps, t.realisation): t for t in cfg(grid__eps=[1.0, 0.5, 0.25]).tasks()}
    for key, t in a.items():  # same task in a reordered / extended grid: same identity and seed
        assert b[key].task_id == t.task_id
        assert b[key].seed == t.seed
    seeds = [t.seed for t in b.values()]
    assert len(set(seeds)) == len(seeds)  # distinct tasks, distinct streams
    ids = [t.task_id for t in b.values()]
    assert len(set(ids)) == len(ids)


def test_canonical_numbers_int_and_float_are_the_same_task():
    t_int = cfg(simulation__length=10).tasks()[0]
    t_float = cfg(simulation__length=10.0).tasks()[0]
    assert t_int.task_id == t_float.task_id and t_int.seed == t_float.seed


def test_seed_ignores_run_length_and_chunking_but_not_physics():
    t = cfg().tasks()[0]
    assert cfg(simulation__time=4.0).tasks()[0].seed == t.seed  # a longer run continues the same stream
    assert cfg(simulation__time=4.0).tasks()[0].task_id != t.task_id  # ... but is a different result
    assert cfg(sweep__chunk_time=1.0).tasks()[0].task_id == t.task_id  # chunking is not part of identity
    assert cfg(sweep__root_seed=12).tasks()[0].seed != t.seed
    assert cfg(model__rate=2.0).tasks()[0].seed != t.seed
    # SeedSequence(root, spawn_key=hash): independent of everything else in the process
    ss = t.seed_sequence()
    assert ss.entropy == 11 and len(ss.spawn_key) == 4


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"grid__eps": []}, "non-empty list"),
        ({"grid__eps": [0.2, -0.1]}, "must all be > 0"),
        ({"grid__eps": [0.2, 0.2]}, "distinct"),
        ({"grid__eps": None}, "eps = [...] is required"),
        ({"grid__bogus": [1, 2]}, "not a grid axis"),
        ({"sweep__realisations": 0}, "realisations must be >= 1"),
        ({"sweep__root_seed": -1}, "root_seed must be >= 0"),
        ({"sweep__root_seed": 1.5}, "must be an integer"),
        ({"sweep__store": None}, "store is required"),
        ({"sweep__colour": "red"}, "unknown key"),
        ({"model__preset": "nope"}, "unknown model preset"),
        ({"model__gamma": 0.9}, "unknown key(s) ['gamma'] for preset 'ou'"),
        ({"model__eps": 0.9}, "eps is not allowed"),
        ({"model__rate": "fast"}, "must be a number"),
        ({"simulation__length": None}, "length is required"),
        ({"simulation__dt": -0.01}, "dt must be a positive"),
        ({"simulation__length": 10.1}, "length = 10.1 must be a positive whole multiple of dx"),
        ({"simulation__length": 1e9}, "at most"),
        ({"simulation__length": 0.5}, "at least 4"),
        ({"simulation__record_every": 0}, "record_every must be a whole number of steps >= 1"),
        ({"sweep__chunk_time": 0.505}, "chunk_time = 0.505 must be a positive whole multiple of dt"),
        ({"simulation__initial": "up"}, "initial must be"),
        ({"simulation__time": 2.005}, "time = 2.005 must be a positive whole multiple of dt"),
        ({"sweep__chunk_time": 0.25}, "multiple of record_every"),
        ({"sweep__chunk_time": -1.0}, "chunk_time must be > 0"),
        ({"simulation__record_every": 1000}, "nothing would be recorded"),
        ({"model__rate": 1.0, "grid__rate": [1.0, 2.0]}, "both in [model] and as a [grid] axis"),
    ],
)
def test_bad_config_is_a_clear_value_error(changes, message):
    with pytest.raises(ValueError) as err:
        cfg(**changes)
    assert message in str(err.value)


def test_load_config_file_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[sweep\nstore = 1")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_config(bad)
    good = tmp_path / "good.toml"
    good.write_text(
        '[sweep]\nstore = "out.store"\nroot_seed = 1\nrealisations = 2\n'
        '[model]\npreset = "paper"\ngamma = 0.875\n'
        "[simulation]\nlength = 50\ntime = 1\n"
        "[grid]\neps = [0.2, 0.3]\n"
    )
    c = load_config(good)
    assert c.store == tmp_path / "out.store"
    assert dict(c.simulation)["dx"] == 0.25 and dict(c.simulation)["dt"] == 0.001  # the paper's numerics
    assert c.tasks()[0].simulator_ref == "lindhydro.field:simulate"


def test_chunk_plan_covers_every_step_once():
    assert chunk_steps(1000, 0.01, None) == [1000]
    assert chunk_steps(1000, 0.01, 2.5) == [250] * 4
    assert chunk_steps(1001, 0.01, 2.5) == [250] * 4 + [1]
    assert sum(chunk_steps(12345, 0.001, 0.7)) == 12345


def test_merge_series_drops_duplicate_initial_records():
    a = {"time": np.array([0.0, 0.1, 0.2]), "m2": np.array([1.0, 2.0, 3.0])}
    b = {"time": np.array([0.2, 0.3]), "m2": np.array([3.0, 4.0])}  # continuation re-records t = 0.2
    m = merge_series(a, b)
    np.testing.assert_array_equal(m["time"], [0.0, 0.1, 0.2, 0.3])
    np.testing.assert_array_equal(m["m2"], [1.0, 2.0, 3.0, 4.0])


def test_tasks_build_their_models_through_the_preset_registry():
    from lindhydro.experiments.presets import build_model
    from lindhydro.sweep import tasks

    t = cfg(model__noise=2.0).tasks()[0]
    assert t.build_model() == build_model("ou", t.eps, rate=1.0, noise=2.0)
    assert t.numerics.n_cells == t.n_cells == 40 and t.numerics.n_steps == t.n_steps == 200
    with pytest.warns(DeprecationWarning, match="spec.build_model"):
        assert tasks.build_model(t) == t.build_model()


def test_a_paper_model_with_conserved_noise_and_no_stated_renormalisation_gets_a_note():
    """The builders keep the printed force as default; a sweep that does not say which it runs is told."""
    from lindhydro.sweep.runner import model_notes

    d = {"sweep": {"store": "x", "root_seed": 1, "realisations": 1}, "model": {"preset": "paper"},
         "simulation": {"length": 10.0, "time": 1.0}, "grid": {"eps": [0.2]}}
    (note,) = model_notes(parse_config(d))
    assert "no ordered phase" in note and 'renormalisation = "wick"' in note
    for model in ({"renormalisation": "none"}, {"thermal": False}, {"preset": "quantum"}):
        d["model"] = {"preset": "paper"} | model
        assert model_notes(parse_config(d)) == []


def test_precision_is_a_trajectory_parameter():
    from lindhydro.sweep.config import TaskSpec

    default, f64, release = (cfg(simulation__precision=p).tasks()[0] for p in (None, "float64", "float64-splitmix"))
    assert default.precision == "float32" and default.numerics.precision == "float32"
    assert default.simulation_kwargs["precision"] == "float32" and f64.numerics.precision == "float64"
    # another integrator is another trajectory: another task and another noise stream
    assert len({t.task_id for t in (default, f64, release)}) == 3 and len({t.seed for t in (default, f64, release)}) == 3
    # release 0.1's integrator is left out of the identity: the task of a store written without the key
    old = TaskSpec(**{**release.__dict__, "simulation": tuple((k, v) for k, v in release.simulation if k != "precision")})
    assert old.precision == "float64-splitmix"
    assert (old.task_id, old.seed) == (release.task_id, release.seed)
    assert "precision" not in release.parameters()["simulation"]
    assert release.simulation_kwargs["precision"] == "float64-splitmix"  # but the simulator is told
    with pytest.raises(ValueError, match=r"\[simulation\] precision must be one of"):
        cfg(simulation__precision="float16")
    with pytest.raises(ValueError, match="must be a string"):
        cfg(simulation__precision=32)
    with pytest.raises(ValueError, match="not a grid axis"):
        cfg(grid__precision=["float32", "float64"])
