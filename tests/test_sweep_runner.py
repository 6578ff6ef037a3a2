"""Sweeps on a real dask LocalCluster: end to end, worker-count independence, resume, corruption,
failures, and kill -9 of the ``lindhydro sweep`` process.

One LocalCluster with two worker processes on loopback is shared by the module (starting one costs
seconds).  The machinery is tested with the exactly solvable Ornstein–Uhlenbeck stand-in
(``preset = "ou"``), whose stationary statistics are known, and end to end with the real field
simulator (:func:`lindhydro.field.simulate`).
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from doubles import CrashAfter

from lindhydro.experiments.presets import resolve
from lindhydro.sweep.config import parse_config
from lindhydro.sweep.runner import run_sweep, sweep_status
from lindhydro.sweep.store import ResultStore, open_store, read_entry

OU = {
    "sweep": {"name": "ou", "store": "ou.store", "root_seed": 2024, "realisations": 3, "chunk_time": 0.5},
    "model": {"preset": "ou", "rate": 1.0, "noise": 1.0},
    "simulation": {"length": 25.0, "time": 2.0, "dx": 0.25, "dt": 0.01, "record_every": 10},
    "grid": {"eps": [0.5, 1.0]},
}


def config(tmp_path, store="ou.store", base=OU, **tables):
    d = copy.deepcopy(base)
    for table, values in tables.items():
        for k, v in values.items():
            if v is None:
                d[table].pop(k, None)
            else:
                d[table][k] = v
    d["sweep"]["store"] = store
    return parse_config(d, base_dir=tmp_path)


@pytest.fixture(scope="module")
def client():
    from distributed import Client

    from lindhydro.sweep.runner import start_local_cluster

    cluster = start_local_cluster(2)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def entries(store: Path) -> dict[str, dict[str, np.ndarray]]:
    out = {}
    for p in sorted((store / "entries").glob("*.nc")):
        rec = read_entry(p)
        out[rec.task_id] = rec.arrays
    return out


def assert_same_entries(a: dict, b: dict) -> None:
    assert a.keys() == b.keys() and a
    for tid in a:
        assert a[tid].keys() == b[tid].keys()
        for k in a[tid]:
            np.testing.assert_array_equal(a[tid][k], b[tid][k], err_msg=f"{tid}:{k}")


def serial_reference(spec) -> dict[str, np.ndarray]:
    """The task run in this process, in one piece (no dask, no chunks)."""
    kw = spec.simulation_kwargs
    res = resolve(spec.simulator_ref)(spec.build_model(), seed=spec.seed, **kw)
    return {"time": np.asarray(res.times), "m2": np.asarray(res.m2),
            "wall_density": np.asarray(res.wall_density), "final_field": np.asarray(res.final_state.field)}


def test_local_cluster_two_workers_end_to_end_equals_serial_unchunked(tmp_path, client):
    cfg = config(tmp_path)
    rep = run_sweep(cfg, client=client, progress=False, log=None)
    assert rep.ok and rep.n_computed == 6 and rep.n_workers == 2
    got = entries(cfg.store)
    assert len(got) == 6
    # every task, run on the cluster in 4 checkpointed chunks, equals the serial unchunked run bit for bit
    for spec in cfg.tasks():
        ref = serial_reference(spec)
        for k, v in ref.items():
            np.testing.assert_array_equal(got[spec.task_id][k], v, err_msg=k)
    # physics of the stand-in: stationary variance noise/(2 rate eps dx), sign-change density 1/(2 dx)
    ds = open_store(cfg.store)
    for eps in cfg.eps:
        m2 = ds["m2"].sel(eps=eps).values  # (realisation, t): 100 cells each
        var = 1.0 / (2 * eps * 0.25)
        # cells are independent: the spatial mean of m^2 over 100 cells has sd var*sqrt(2/100);
        # records 0.1 apart are correlated (rate*eps*0.1 <= 0.1), so use realisation means only
        per = m2.mean(axis=1)
        assert abs(per.mean() - var) < 4 * var * np.sqrt(2 / 100)
        wd = ds["wall_density"].sel(eps=eps).values
        assert abs(wd.mean() - 2.0) < 4 * 2.0 * np.sqrt(0.25 / 100)
    # rerun: nothing recomputed
    again = run_sweep(cfg, client=client, progress=False, log=None)
    assert again.ok and again.n_already_done == 6 and again.n_computed == 0


def test_one_and_two_workers_give_identical_stores(tmp_path, client):
    two = config(tmp_path, "two.store")
    # through the scheduler address, as `lindhydro sweep --scheduler ADDRESS` does
    rep2 = run_sweep(two, scheduler=client.scheduler.address, progress=False, log=None)
    assert rep2.ok and rep2.n_workers == 2
    one = config(tmp_path, "one.store", sweep={"chunk_time": 1.0})  # also a different chunking
    rep = run_sweep(one, n_workers=1, progress=False, log=None)
    assert rep.n_workers == 1 and rep.ok
    assert_same_entries(entries(two.store), entries(one.store))


def test_crash_then_resume_from_checkpoints_is_exact(tmp_path, client):
    ref = config(tmp_path, "ref.store")
    run_sweep(ref, client=client, progress=False, log=None)
    cfg = config(tmp_path, "crash.store")
    # every task crashes in its third chunk (steps 100..150), after two checkpointed chunks
    crashed = run_sweep(cfg, client=client, simulate=CrashAfter(120), progress=False, log=None)
    assert not crashed.ok and crashed.n_failed == 6 and crashed.n_computed == 0
    fail = crashed.failures[0]
    assert "simulated crash" in fail["error"] and "eps" in fail["parameters"]
    assert len(ResultStore(cfg.store).failures()) == 6
    assert len(list((cfg.store / "checkpoints").glob("*.ckpt"))) == 6
    st = sweep_status(cfg)  # --dry-run: what a rerun would do
    assert st["checkpointed"] == 6 and st["failed_last_run"] == 6 and st["finished"] == 0
    assert st["site_updates_remaining"] == 6 * 100 * 100
    resumed = run_sweep(cfg, client=client, progress=False, log=None)
    assert resumed.ok and resumed.n_resumed == 6 and resumed.n_computed == 6
    assert not list((cfg.store / "checkpoints").glob("*.ckpt")) and not ResultStore(cfg.store).failures()
    # a resumed run computed only the remaining steps
    assert resumed.site_updates == 6 * 100 * 100
    assert_same_entries(entries(ref.store), entries(cfg.store))


def test_failing_task_is_reported_and_does_not_stop_the_sweep(tmp_path, client):
    # rate < 0: unstable linear dynamics, the field overflows and the simulator raises
    cfg = config(tmp_path, model={"rate": None}, grid={"eps": [0.5, 1.0], "rate": [1.0, -5000.0]})
    msgs = []
    rep = run_sweep(cfg, client=client, progress=False, log=msgs.append)
    assert rep.n_failed == 6 and rep.n_computed == 6 and not rep.ok
    assert all(f["parameters"]["model"]["rate"] == -5000.0 for f in rep.failures)
    assert all("not finite" in f["error"] for f in rep.failures)
    assert sum("FAILED" in m and "rate" in m for m in msgs) == 6
    assert "FAILED" in rep.summary()
    again = run_sweep(cfg, client=client, progress=False, log=None)
    assert again.n_already_done == 6 and again.n_failed == 6  # finished ones untouched, failed retried


def test_truncated_entry_is_detected_and_recomputed(tmp_path, client):
    cfg = config(tmp_path)
    run_sweep(cfg, client=client, progress=False, log=None)
    before = entries(cfg.store)
    victim = cfg.tasks()[2].task_id
    path = ResultStore(cfg.store).entry_path(victim)
    others = {p: p.stat().st_mtime_ns for p in (cfg.store / "entries").glob("*.nc") if p != path}
    path.write_bytes(path.read_bytes()[:1000])  # truncated file
    st = sweep_status(cfg)
    assert st["damaged"] == 1 and st["finished"] == 5 and path.exists()  # a dry run moves nothing
    msgs = []
    rep = run_sweep(cfg, client=client, progress=False, log=msgs.append)
    assert rep.ok and rep.n_corrupt == 1 and rep.n_computed == 1 and rep.n_already_done == 5
    assert any("damaged" in m for m in msgs)
    assert_same_entries(before, entries(cfg.store))
    assert {p: p.stat().st_mtime_ns for p in others} == others  # the others were not rewritten
    assert len(list((cfg.store / "corrupt").iterdir())) == 1


def test_bad_config_fails_before_any_work(tmp_path):
    cfg = config(tmp_path, model={"noise": -1.0})
    with pytest.raises(ValueError, match="noise > 0"):
        run_sweep(cfg, progress=False, log=None)  # no cluster is started, no store written
    assert not cfg.store.exists() or not list((cfg.store / "entries").glob("*"))


def _write_toml(path: Path, cfg: dict) -> None:
    def val(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return repr(v)

    text = ""
    for table, values in cfg.items():
        text += f"[{table}]\n" + "".join(f"{k} = {val(v)}\n" for k, v in values.items() if v is not None)
    path.write_text(text)


def test_kill_minus_9_and_resume_equals_uninterrupted(tmp_path, client):
    base = copy.deepcopy(OU)
    base["model"]["delay"] = 0.0025  # 2.5 ms per step: a task takes ~0.5 s, so the kill lands mid-sweep
    base["sweep"].update(realisations=4, chunk_time=0.5)
    base["simulation"].update(time=2.0, length=10.0)
    base["sweep"]["store"] = "killed.store"
    toml = tmp_path / "sweep.toml"
    _write_toml(toml, base)
    store = tmp_path / "killed.store"
    cmd = [sys.executable, "-m", "lindhydro.cli", "sweep", str(toml), "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            done = list((store / "entries").glob("*.nc")) if (store / "entries").is_dir() else []
            if len(done) >= 2:
                break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
        else:
            pytest.fail("sweep did not finish two tasks in time")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the client and its worker processes, mid-flight
        proc.wait()
    finished_before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (store / "entries").glob("*.nc")}
    assert 2 <= len(finished_before) < 8, "the kill should land mid-sweep"
    # resume with the same command
    res = subprocess.run([*cmd, "--json", "--no-progress"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["ok"] and summary["n_already_done"] >= len(finished_before)
    assert summary["n_already_done"] + summary["n_computed"] == 8
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (store / "entries").glob("*.nc")}
    assert all(after[n] == v for n, v in finished_before.items())  # nothing finished was recomputed
    # uninterrupted reference, run in-process on the shared cluster
    ref_cfg = copy.deepcopy(base)
    ref_cfg["sweep"]["store"] = "ref.store"
    ref = parse_config(ref_cfg, base_dir=tmp_path)
    run_sweep(ref, client=client, progress=False, log=None)
    assert_same_entries(entries(ref.store), entries(store))
    a, b = open_store(ref.store), open_store(store)
    np.testing.assert_array_equal(a["wall_density"].values, b["wall_density"].values)


PAPER = {
    "sweep": {"name": "paper", "store": "paper.store", "root_seed": 77, "realisations": 2, "chunk_time": 2.0},
    "model": {"preset": "paper", "gamma": 0.875, "thermal": True, "chi_T_2D": 1.0, "renormalisation": "wick"},
    "simulation": {"length": 100.0, "time": 6.0, "record_every": 250},
    "grid": {"eps": [0.2, 0.4]},
}


def test_real_field_simulator_chunked_on_cluster_equals_one_serial_run(tmp_path, client):
    """The paper's toy model through lindhydro.field.simulate: 3 checkpointed chunks per task on two
    worker processes give exactly the records, final field and second-half C(r) of one serial call."""
    from lindhydro.field import paper_toy_model, simulate
    from lindhydro.sweep.analyze import analyze_store

    cfg = config(tmp_path, "paper.store", base=PAPER)
    rep = run_sweep(cfg, client=client, progress=False, log=None)
    assert rep.ok and rep.n_computed == 4 and rep.site_updates == 4 * 400 * 6000
    got = entries(cfg.store)
    an = analyze_store(cfg.store, fit=False)
    (cur,) = an.curves
    for spec in cfg.tasks():
        model = paper_toy_model(spec.eps, 0.875, thermal=True, chi_T_2D=1.0, renormalisation="wick")
        ref = simulate(model, length=100.0, time=6.0, dx=0.25, dt=0.001, seed=spec.seed, record_every=250,
                       snapshot_every=0)
        g = got[spec.task_id]
        np.testing.assert_array_equal(g["time"], ref.times)
        for name in ("m2", "m_mean", "wall_count", "wall_density"):
            np.testing.assert_array_equal(g[name], getattr(ref, name), err_msg=name)
        np.testing.assert_array_equal(g["final_field"], ref.final_state.field)
        np.testing.assert_array_equal(g["correlation"], ref.correlation)  # same records, same order
        np.testing.assert_array_equal(g["r"], ref.r)
        i = list(cur.eps).index(spec.eps)
        # the store's second-half density is the simulator's own second-half average
        assert cur.per_realisation[i, spec.realisation] == pytest.approx(ref.domain_wall_density, rel=1e-12)


def test_quantum_preset_first_principles_route(tmp_path, client):
    """preset "quantum": f and N11 reduced from exact diagonalisation (N = 6) on every worker."""
    from lindhydro.experiments.presets import quantum_field_model
    from lindhydro.field import simulate

    d = {
        "sweep": {"store": "q.store", "root_seed": 3, "realisations": 1, "chunk_time": 0.5},
        "model": {"preset": "quantum", "sites": 6, "gamma": 0.9, "D": 1.0, "chi_T": 0.5, "thermal": False},
        "simulation": {"length": 50.0, "time": 1.0, "record_every": 100},
        "grid": {"eps": [0.3]},
    }
    cfg = parse_config(d, base_dir=tmp_path)
    rep = run_sweep(cfg, client=client, progress=False, log=None)
    assert rep.ok and rep.n_computed == 1
    for spec in cfg.tasks():
        rec = read_entry(ResultStore(cfg.store).entry_path(spec.task_id))
        model = quantum_field_model(spec.eps, sites=6, gamma=0.9, D=1.0, chi_T=0.5, thermal=False)
        ref = simulate(model, length=50.0, time=1.0, seed=spec.seed, record_every=100, snapshot_every=0)
        np.testing.assert_array_equal(rec.arrays["m2"], ref.m2)
        np.testing.assert_array_equal(rec.arrays["final_field"], ref.final_state.field)
        # the entry records the reduced model it ran
        sim_model = rec.attrs["info"]["simulator_parameters"]["model"]
        np.testing.assert_allclose(sim_model["force_coeffs"], model.force_coeffs, rtol=1e-12)
        assert sim_model["metadata"]["chain_parameters"]["n_sites"] == 6


def test_a_chunk_runs_in_the_task_precision_on_one_thread():
    """run_chunk hands the precision to the field simulator (float64-splitmix: release 0.1's numbers) and
    runs one thread per worker; the OU stand-in, which has no precision, runs as before."""
    from lindhydro.field import simulate
    from lindhydro.sweep.tasks import run_chunk

    for precision in ("float32", "float64-splitmix"):
        cfg = config(Path("/tmp"), base=PAPER, simulation={"length": 20.0, "time": 0.5, "precision": precision})
        spec = cfg.tasks()[0]
        seen = []
        out = run_chunk(spec, steps=500, start_step=0,
                        simulate=lambda *a, seen=seen, **kw: seen.append(kw["threads"]) or simulate(*a, **kw))
        ref = simulate(spec.build_model(), length=20.0, time=0.5, seed=spec.seed, record_every=250, precision=precision)
        assert out.state.precision == precision and seen == [1]
        np.testing.assert_array_equal(out.final_field, ref.final_state.field)
        np.testing.assert_array_equal(out.series["m2"], ref.m2)
    ou = config(Path("/tmp")).tasks()[0]
    assert ou.precision == "float32" and run_chunk(ou, steps=10, start_step=0).step == 10
