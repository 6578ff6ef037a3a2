"""Bad command lines: exit 2, one line on stderr, no traceback, nothing written, before any work.

Every case runs twice: in this process through :func:`lindhydro.cli.main` (captured output, the
libraries imported once) and through a real ``lindhydro`` process (about a second each).  Then the two interruptions that must keep
results (``simulate --out``, ``sweep``), a closed stdout pipe, and the library's own refusals.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lindhydro.cli import main

OU_TOML = """\
[sweep]
name = "ou"
store = "{store}"
root_seed = 1
realisations = 2
chunk_time = 0.5
[model]
preset = "ou"
rate = 1.0
noise = {noise}
delay = {delay}
[simulation]
length = 5.0
time = 2.0
dx = 0.25
dt = 0.01
record_every = 10
[grid]
eps = [0.5, 1.0]
"""

RUN = ["--eps", "0.2", "--length", "20", "--time", "1", "--seed", "1", "--no-progress"]

#: (subcommand and options, a fragment of the one-line message).  "{tmp}" is the test's directory.
CASES = [
    # simulate
    (["simulate", "--length", "20", "--time", "1", "--seed", "1"], "required: --eps"),
    (["simulate", "--eps", "x", "--length", "20", "--time", "1", "--seed", "1"], "invalid float value: 'x'"),
    (["simulate", *RUN, "--eps", "0"], "eps must be a positive finite number"),
    (["simulate", *RUN, "--eps", "-1"], "eps must be a positive finite number"),
    (["simulate", *RUN, "--length", "20.1"], "must be a positive whole multiple of dx"),
    (["simulate", *RUN, "--time", "-1"], "time must be a positive"),
    (["simulate", *RUN, "--dt", "-0.001"], "dt must be a positive"),
    (["simulate", *RUN, "--dt", "0.1"], "stability limit"),
    (["simulate", *RUN, "--record-every", "0"], "record_every must be a whole number of steps >= 1"),
    (["simulate", *RUN, "--record-every", "99999999"], "longer than the run (1000 steps"),
    (["simulate", *RUN, "--seed", "-1"], "--seed must be >= 0"),
    (["simulate", *RUN, "--model", "nope"], "invalid choice: 'nope'"),
    (["simulate", *RUN, "--sites", "6", "--D", "5"], "--D, --sites: not an option of --model paper"),
    (["simulate", *RUN, "--model", "quantum", "--sites", "3"], "sites >= 4"),
    (["simulate", *RUN, "--model", "quantum", "--sites", "40"], "--sites 40: the exact diagonalisation"),
    (["simulate", *RUN, "--gamma", "1.5"], "gamma must lie in [0, 1]"),
    (["simulate", *RUN, "--chi-T", "-1"], "chi_T must be a finite number >= 0"),
    (["simulate", *RUN, "--initial", "sideways"], "invalid choice: 'sideways'"),
    (["simulate", *RUN, "--ell", "-1"], "ell must be a finite length >= 0"),
    (["simulate", *RUN, "--out", "{tmp}/missing/x.nc"], "the directory {tmp}/missing does not exist"),
    (["simulate", *RUN, "--out", "{tmp}/adir"], "is a directory; give a file name"),
    (["simulate", *RUN, "--out", "{tmp}/exists.nc"], "the file exists (give --overwrite"),
    (["simulate", *RUN, "--out", "{tmp}/run.txt"], "must end in one of .nc"),
    (["simulate", *RUN, "--out", "/proc/x.nc"], "cannot write in /proc"),
    (["simulate", *RUN, "--out", "{tmp}/afile/x.nc"], "is not a directory"),
    (["simulate", *RUN, "--no-such-option"], "unrecognized arguments: --no-such-option"),
    # fixed-points
    (["fixed-points", "--sites", "2"], "at least 3"),
    (["fixed-points", "--sites", "x"], "invalid int value: 'x'"),
    (["fixed-points", "--sites", "40"], "--sites 40: the exact diagonalisation"),
    (["fixed-points", "--gamma", "1.3"], "gamma must lie in [0, 1]"),
    (["fixed-points", "--hopping", "diagonal"], "--hopping must be"),
    (["fixed-points", "--J", "-1"], "J must be positive"),
    (["fixed-points", "--boundary", "twisted"], "invalid choice: 'twisted'"),
    (["fixed-points", "--sectors", "momentum", "--boundary", "open", "--sites", "6"], "momentum sectors need periodic"),
    # force-field
    (["force-field", "--sites", "6"], "required: --out"),
    (["force-field", "--sites", "6", "--out", "{tmp}/missing/ff.nc"], "does not exist"),
    (["force-field", "--sites", "6", "--out", "{tmp}/ff.nc", "--plot", "{tmp}/ff.xyz"], "--plot {tmp}/ff.xyz: the file name must end"),
    (["force-field", "--sites", "6", "--out", "{tmp}/exists.nc"], "give --overwrite"),
    (["force-field", "--sites", "6", "--out", "{tmp}/ff.txt"], "must end in one of .nc"),
    (["force-field", "--sites", "6", "--out", "{tmp}/ff.nc", "--grid", "1"], "--grid must be between 2 and 2001"),
    (["force-field", "--sites", "6", "--out", "{tmp}/ff.nc", "--m-range", "0.5", "-0.5"], "--m-range must satisfy"),
    (["force-field", "--sites", "6", "--out", "{tmp}/ff.nc", "--e-range", "1", "0"], "--e-range must satisfy"),
    # validate
    (["validate", "--sites", "12"], "N <= 10"),
    (["validate", "--eps", "0"], "--eps must be finite and > 0"),
    (["validate", "--gamma", "1", "--sites", "4"], "not unique at gamma = 1"),
    (["validate", "--hopping", "weird"], "--hopping must be"),
    # demo: checked before the diagonalisation
    (["demo", "--length", "0.1"], "length = 0.1 must be a positive whole multiple of dx"),
    (["demo", "--time", "-1"], "time must be a positive"),
    (["demo", "--D", "0"], "--D must be a positive"),
    (["demo", "--seed", "-1"], "--seed must be >= 0"),
    (["demo", "--eps", "5"], "--eps must lie in (0, 1]"),
    (["demo", "--sites", "40"], "use fewer --sites"),
    # sweep and analyze
    (["sweep", "{tmp}/none.toml"], "does not exist or is not a file"),
    (["sweep", "{tmp}/bad.toml"], "not valid TOML"),
    (["sweep", "{tmp}/on_file.toml", "--dry-run"], "exists and is not a directory"),
    (["sweep", "{tmp}/on_file.toml", "--workers", "1"], "exists and is not a directory"),
    (["sweep", "{tmp}/on_proc.toml", "--workers", "1"], "cannot write in /proc"),
    (["sweep", "{tmp}/changed.toml", "--dry-run"], "different fixed parameters (model)"),
    (["sweep", "{tmp}/changed.toml", "--workers", "1"], "different fixed parameters (model)"),
    (["sweep", "{tmp}/corrupt.toml", "--dry-run"], "unreadable manifest"),
    (["sweep", "{tmp}/corrupt.toml", "--workers", "1"], "unreadable manifest"),
    (["sweep", "{tmp}/ou.toml", "--workers", "0"], "--workers must be >= 1"),
    (["sweep", "{tmp}/ou.toml", "--workers", "1", "--scheduler", "tcp://127.0.0.1:1"], "--workers applies to the local"),
    (["analyze", "{tmp}/adir"], "is not a sweep store"),
    (["analyze", "{tmp}/ou.store", "--n-boot", "-3"], "n_boot must be a whole number >= 0"),
    (["analyze", "{tmp}/ou.store", "--t-steady", "-1"], "t_steady must be a finite time >= 0"),
    (["analyze", "{tmp}/ou.store", "--out", "{tmp}/afile"], "is a file, not a directory"),
    (["analyze", "{tmp}/ou.store", "--out", "{tmp}/done"], "analysis.json exist(s) already"),
    # the top level
    (["nonsense"], "invalid choice: 'nonsense'"),
]


def _files(root: Path) -> dict[str, int | None]:
    """Every path under ``root`` with the modification time of the files (directories: None)."""
    return {str(p.relative_to(root)): None if p.is_dir() else p.stat().st_mtime_ns for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """Existing files, directories and sweep stores that the bad command lines trip over."""
    from lindhydro.sweep.config import load_config
    from lindhydro.sweep.store import ResultStore

    tmp = tmp_path_factory.mktemp("bad_input")
    (tmp / "adir").mkdir()
    (tmp / "exists.nc").write_text("not ours")
    (tmp / "afile").write_text("a file")
    (tmp / "done").mkdir()
    (tmp / "done" / "analysis.json").write_text("{}")
    (tmp / "bad.toml").write_text("[sweep\n")
    for name, store, noise in (("ou", "ou.store", 1.0), ("changed", "ou.store", 2.0), ("on_file", "afile", 1.0),
                               ("on_proc", "/proc/ou.store", 1.0), ("corrupt", "corrupt.store", 1.0)):
        (tmp / f"{name}.toml").write_text(OU_TOML.format(store=store, noise=noise, delay=0.0))
    for name in ("ou", "corrupt"):  # stores with a manifest and no entry (prepared, nothing run)
        config = load_config(tmp / f"{name}.toml")
        ResultStore(config.store).prepare(config, config.tasks())
    (tmp / "corrupt.store" / "manifest.json").write_text("{garbage")
    return tmp


@pytest.mark.parametrize(("argv", "fragment"), CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_bad_command_line(workdir, capsys, monkeypatch, argv, fragment):
    monkeypatch.chdir(workdir)
    before = _files(workdir)
    rc = main([a.format(tmp=workdir) for a in argv])
    cap = capsys.readouterr()
    lines = cap.err.splitlines()
    assert rc == 2, cap.err
    assert cap.out == "" and len(lines) == 1, cap.err
    assert lines[0].startswith("lindhydro") and " error: " in lines[0]
    assert fragment.format(tmp=workdir) in lines[0]
    assert _files(workdir) == before  # nothing written, nothing touched


def test_enough_bad_command_lines():
    assert len(CASES) >= 40 and len({tuple(a) for a, _ in CASES}) == len(CASES)


def _lindhydro(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lindhydro.cli", *args], capture_output=True, text=True,
                          timeout=120, **kw)


@pytest.mark.parametrize(("argv", "fragment"), CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_bad_command_line_in_a_real_process(workdir, argv, fragment):
    before = _files(workdir)
    proc = _lindhydro(*[a.format(tmp=workdir) for a in argv], cwd=workdir)
    assert proc.returncode == 2 and proc.stdout == "", proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert fragment.format(tmp=workdir) in proc.stderr
    assert _files(workdir) == before


def test_a_closed_stdout_pipe_is_silent():
    proc = subprocess.Popen([sys.executable, "-m", "lindhydro.cli", "simulate", *RUN, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader goes away before anything is written (lindhydro ... | head -c 0)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 128 + signal.SIGPIPE
    assert err == ""


class _Stderr:
    """Collects a process's stderr in a thread (tqdm writes without newlines)."""

    def __init__(self, stream):
        self.data = b""
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for chunk in iter(lambda: stream.read1(256), b""):
            self.data += chunk

    def wait_for(self, text: bytes, timeout: float = 120.0) -> None:
        end = time.monotonic() + timeout
        while text not in self.data:
            assert time.monotonic() < end, f"no {text!r} on stderr: {self.data[-500:]!r}"
            time.sleep(0.05)

    def text(self) -> str:
        self._thread.join(timeout=30)
        return self.data.decode()


def test_ctrl_c_keeps_the_partial_simulation(tmp_path):
    """SIGINT during ``simulate --out``: the result is written, marked incomplete, exit 130, one line."""
    from lindhydro.field import SimulationResult

    out = tmp_path / "run.nc"
    proc = subprocess.Popen([sys.executable, "-m", "lindhydro.cli", "simulate", "--eps", "0.2", "--length", "1000",
                             "--time", "2000", "--seed", "1", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = _Stderr(proc.stderr)
    err.wait_for(b"simulate:")  # the progress bar: integrating
    proc.send_signal(signal.SIGINT)
    stdout = proc.stdout.read()  # not communicate(): it would read stderr too, racing the collector thread
    proc.wait(timeout=120)
    text = err.text()
    assert proc.returncode == 130, text
    assert "Traceback" not in text and text.rstrip().splitlines()[-1].startswith("lindhydro simulate: interrupted")
    res = SimulationResult.load(out)
    assert not res.completed and res.extra["stopped"] == "SIGINT"
    assert 0 < res.final_state.time < 2000 and len(res.times) >= 1 and res.times[-1] <= res.final_state.time
    assert b"incomplete" in stdout


def test_ctrl_c_leaves_a_resumable_sweep(tmp_path):
    """SIGINT to the whole process group (as Ctrl-C in a terminal): exit 130, one line, the store resumes."""
    from lindhydro.sweep.runner import sweep_status

    toml = tmp_path / "slow.toml"
    toml.write_text(OU_TOML.format(store="slow.store", noise=1.0, delay=0.01))
    proc = subprocess.Popen([sys.executable, "-m", "lindhydro.cli", "sweep", str(toml), "--workers", "1",
                             "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    ckpts = tmp_path / "slow.store" / "checkpoints"
    end = time.monotonic() + 120
    while not (ckpts.is_dir() and any(ckpts.glob("[!.]*.ckpt"))):  # a checkpoint, not one being written
        assert time.monotonic() < end and proc.poll() is None, proc.stderr.read().decode() if proc.poll() else ""
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    err = err.decode()
    assert proc.returncode == 130, err
    assert len(err.splitlines()) == 1 and "interrupted" in err and "resume" in err and "Traceback" not in err
    status = sweep_status(toml)  # consistent: no damaged entry, unfinished tasks resume from checkpoints
    assert status["damaged"] == 0 and status["finished"] < status["n_tasks"]
    assert status["checkpointed"] + status["finished"] >= 1
    proc = _lindhydro("sweep", str(toml), "--workers", "1", "--no-progress", "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["ok"] and report["n_resumed"] == status["checkpointed"]


# ---------------------------------------------------------------------------------------- the library
def test_the_library_refuses_the_same_before_any_work(tmp_path):
    """The API dataclasses and functions check types and ranges on entry (one-line ValueError)."""
    from lindhydro.experiments.presets import build_model
    from lindhydro.field import Numerics
    from lindhydro.quantum.model import ChainParameters
    from lindhydro.sweep.analyze import analyze_store
    from lindhydro.sweep.store import ResultStore

    bad = [
        lambda: ChainParameters(n_sites=6, gamma="0.9"),
        lambda: ChainParameters(n_sites=None),
        lambda: ChainParameters(n_sites=6, J=True),
        lambda: Numerics(length=10, time=1, record_every=99999999),
        lambda: Numerics(length="10", time=1),
        lambda: build_model("paper", 0.2, gamma="0.9"),
        lambda: build_model("quantum", 0.2, sites=6.5),
        lambda: build_model("paper", 0.2, chi_T=1.0, chi_T_2D=1.0),
        lambda: analyze_store(tmp_path, n_boot=-3),
        lambda: analyze_store(tmp_path, t_steady=float("nan")),
        lambda: ResultStore(tmp_path / "f").check_location(),
        lambda: ResultStore("/proc/x.store").check_location(),
    ]
    (tmp_path / "f").write_text("a file")
    for call in bad:
        with pytest.raises(ValueError) as info:
            call()
        assert "\n" not in str(info.value)


def test_an_unreachable_scheduler_is_refused_within_the_stated_timeout(workdir, capsys, monkeypatch):
    from lindhydro.sweep import runner

    assert main(["sweep", "--help"]) == 0  # the help states the timeout
    assert f"within {runner.SCHEDULER_TIMEOUT:g} s" in " ".join(capsys.readouterr().out.split())
    monkeypatch.setattr(runner, "SCHEDULER_TIMEOUT", 1.0)
    toml = workdir / "unreachable.toml"
    toml.write_text(OU_TOML.format(store="unreachable.store", noise=1.0, delay=0.0))
    assert main(["sweep", str(toml), "--scheduler", "tcp://127.0.0.1:1", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "cannot reach the dask scheduler" in err and "within 1 s" in err
    assert not (workdir / "unreachable.store").exists()  # refused before the store was touched
