"""Result store: atomic self-describing entries, corruption detection, manifest compatibility."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from lindhydro.sweep.config import parse_config
from lindhydro.sweep.store import CorruptEntryError, ResultStore, open_store, read_entry

BASE = {
    "sweep": {"store": "s.store", "root_seed": 3, "realisations": 2},
    "model": {"preset": "ou"},
    "simulation": {"length": 4.0, "time": 1.0, "dt": 0.1, "record_every": 2},
    "grid": {"eps": [0.5, 1.0]},
}


def make(tmp_path, **sweep):
    d = copy.deepcopy(BASE)
    d["sweep"].update(sweep)
    return parse_config(d, base_dir=tmp_path)


def arrays_for(spec):
    rng = np.random.default_rng(spec.seed)
    return {"time": np.arange(1, 6) * 0.2, "m2": rng.random(5), "wall_density": rng.random(5),
            "final_field": rng.standard_normal(16)}


def test_entry_roundtrip_is_self_describing(tmp_path):
    c = make(tmp_path)
    store = ResultStore(c.store)
    tasks = c.tasks()
    store.prepare(c, tasks)
    spec = tasks[1]
    arr = arrays_for(spec)
    path = store.write(spec, arr, {"chunks": 1})
    rec = read_entry(path)
    assert rec.parameters == spec.parameters() and rec.seed == spec.seed and rec.task_id == spec.task_id
    for k, v in arr.items():
        np.testing.assert_array_equal(rec.arrays[k], v)
    assert rec.attrs["lindhydro_version"]
    assert not list(path.parent.glob(".*tmp"))  # no temporary left behind


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_damaged_entry_is_detected_never_read(tmp_path, damage):
    c = make(tmp_path)
    store = ResultStore(c.store)
    spec = c.tasks()[0]
    store.prepare(c, c.tasks())
    path = store.write(spec, arrays_for(spec), {})
    raw = bytearray(path.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "flip":
        # change one byte of the stored m2 values: find their bytes in the file
        m2 = arrays_for(spec)["m2"].tobytes()
        i = bytes(raw).find(m2)
        assert i > 0
        raw[i + 3] ^= 0x10
    else:
        raw = bytearray(b"not hdf5 at all" * 10)
    path.write_bytes(bytes(raw))
    with pytest.raises(CorruptEntryError):
        read_entry(path)
    with pytest.raises(CorruptEntryError):
        store.verify(spec.task_id)
    assert not path.exists() and len(list((c.store / "corrupt").iterdir())) == 1  # moved aside


def test_open_store_assembles_grid_and_skips_damaged(tmp_path):
    c = make(tmp_path)
    store = ResultStore(c.store)
    tasks = c.tasks()
    store.prepare(c, tasks)
    for t in tasks[:-1]:  # one task unfinished
        store.write(t, arrays_for(t), {})
    ds = open_store(c.store)
    assert ds.sizes["eps"] == 2 and ds.sizes["realisation"] == 2 and ds.sizes["t"] == 5
    for t in tasks[:-1]:
        np.testing.assert_array_equal(ds["m2"].sel(eps=t.eps, realisation=t.realisation).values,
                                      arrays_for(t)["m2"])
    last = tasks[-1]
    assert not ds["finished"].sel(eps=last.eps, realisation=last.realisation)
    assert np.isnan(ds["m2"].sel(eps=last.eps, realisation=last.realisation)).all()
    # damage one entry: open_store skips it with a warning (strict: raises)
    p = store.entry_path(tasks[0].task_id)
    p.write_bytes(p.read_bytes()[:100])
    with pytest.warns(UserWarning, match="damaged"):
        ds2 = open_store(c.store)
    assert int(ds2["finished"].sum()) == len(tasks) - 2
    with pytest.raises(CorruptEntryError):
        open_store(c.store, strict=True)


def test_manifest_refuses_incompatible_sweep_but_allows_grid_growth(tmp_path):
    c = make(tmp_path)
    store = ResultStore(c.store)
    store.prepare(c, c.tasks())
    bigger = parse_config({**copy.deepcopy(BASE), "grid": {"eps": [0.5, 1.0, 2.0]}}, base_dir=tmp_path)
    store.prepare(bigger, bigger.tasks())  # more eps: fine
    assert len(json.loads(store.manifest_path.read_text())["tasks"]) == 6
    other = make(tmp_path, root_seed=4)
    with pytest.raises(ValueError, match="root_seed"):
        store.prepare(other, other.tasks())
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    c2 = make(tmp_path, store=str(foreign))
    with pytest.raises(ValueError, match="not a lindhydro sweep store"):
        ResultStore(c2.store).prepare(c2, c2.tasks())


def test_store_lock_is_exclusive(tmp_path):
    a, b = ResultStore(tmp_path / "s"), ResultStore(tmp_path / "s")
    a.lock()
    with pytest.raises(ValueError, match="in use"):
        b.lock()
    a.unlock()
    b.lock()
    b.unlock()


def test_dry_run_refuses_a_store_in_use_and_touches_nothing(tmp_path):
    from lindhydro.sweep.runner import sweep_status

    c = make(tmp_path)
    ResultStore(c.store).prepare(c, c.tasks())
    assert sweep_status(c)["to_start"] == len(c.tasks())  # free: the dry run reports
    writer = ResultStore(c.store)
    writer.lock()  # a running sweep
    before = sorted((p.name, p.stat().st_mtime_ns) for p in c.store.iterdir())
    with pytest.raises(ValueError, match="in use by another running sweep"):
        sweep_status(c)
    assert sorted((p.name, p.stat().st_mtime_ns) for p in c.store.iterdir()) == before
    writer.unlock()
    assert sweep_status(c)["to_start"] == len(c.tasks())
    ResultStore(tmp_path / "never_made").check_not_in_use()  # no store yet: nothing to refuse, nothing created
    assert not (tmp_path / "never_made").exists()


def test_checkpoint_roundtrip_and_damage(tmp_path):
    c = make(tmp_path)
    store = ResultStore(c.store)
    store.prepare(c, c.tasks())
    tid = c.tasks()[0].task_id
    payload = {"task_id": tid, "step": 5, "state": np.arange(4.0), "series": None}
    store.write_checkpoint(tid, payload)
    back = store.read_checkpoint(tid)
    np.testing.assert_array_equal(back["state"], payload["state"])
    p = store.checkpoint_path(tid)
    raw = bytearray(p.read_bytes())
    raw[-1] ^= 1
    p.write_bytes(bytes(raw))
    assert store.read_checkpoint(tid, move_damaged=False) is None and p.exists()  # a dry run changes nothing
    assert store.read_checkpoint(tid) is None  # damaged: ignored (task restarts), moved aside
    assert not p.exists()


def test_partial_write_left_by_a_kill_is_never_an_entry(tmp_path):
    c = make(tmp_path)
    store = ResultStore(c.store)
    store.prepare(c, c.tasks())
    spec = c.tasks()[0]
    # what a kill during write_entry leaves behind: a temporary next to the final name
    stale = c.store / "entries" / f".{spec.task_id}.nc.abc123.tmp"
    stale.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    assert store.finished_ids() == [] and store.verify(spec.task_id) is None
    store.prepare(c, c.tasks())  # the next run cleans it up
    assert not stale.exists()


def test_store_records_its_precision_and_refuses_another(tmp_path):
    d = copy.deepcopy(BASE)
    c = parse_config(d, base_dir=tmp_path)
    store = ResultStore(c.store)
    store.prepare(c, c.tasks())
    spec = c.tasks()[0]
    store.write(spec, arrays_for(spec), {})
    assert read_entry(store.entry_path(spec.task_id)).attrs["precision"] == "float32"
    assert open_store(c.store).attrs["precision"] == "float32"
    d["simulation"]["precision"] = "float64"
    with pytest.raises(ValueError, match="precision = 'float32', this configuration asks for 'float64'"):
        store.prepare(parse_config(d, base_dir=tmp_path), [])
    # a manifest of release 0.1 has no precision: it was float64-splitmix, and resumes only so
    manifest = json.loads(store.manifest_path.read_text())
    for part in (manifest["fixed_parameters"], manifest["config"]):
        del part["simulation"]["precision"]
    store.manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="release 0.1's integrator.*Set precision = 'float64-splitmix'"):
        store.prepare(c, c.tasks())
    d["simulation"]["precision"] = "float64-splitmix"
    old = parse_config(d, base_dir=tmp_path)
    store.prepare(old, old.tasks())
