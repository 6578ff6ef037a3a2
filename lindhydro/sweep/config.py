"""Sweep configuration: a TOML file parsed into small frozen dataclasses.

A sweep is the Cartesian product of a list of coupling strengths ε, a number of noise realisations
and, optionally, further grid axes over model or simulation parameters.  Every point of the product is
one :class:`TaskSpec`: a simulation of the magnetisation field with fully specified parameters and a
seed derived from the sweep's root seed and those parameters (never from the position of the task in a
queue), so that a task gives bit-identical results whatever the number of workers and the order in
which they run.

The file format (all lengths in lattice constants a, times in a²/D, energies in J; see
``examples/05_sweeps/sweep.toml``)::

    [sweep]
    name = "fig5-small"          # free text
    store = "fig5-small.store"   # result store, relative to the config file's directory
    root_seed = 20220101         # integer >= 0: the seed of the whole sweep
    realisations = 4             # noise realisations per grid point (>= 1)
    chunk_time = 25.0            # optional: checkpoint every chunk_time (default: no split)

    [model]
    preset = "paper"             # "paper": lindhydro.field.paper_toy_model; "quantum": reduced from
                                 # the chain; "ou": exact test stand-in (lindhydro.experiments.presets)
    gamma = 0.875                # further keys are the preset's keyword arguments
    thermal = true
    chi_T_2D = 1.0
    renormalisation = "none"

    [simulation]
    length = 200.0               # system length L
    time = 100.0                 # total simulated time per task
    dx = 0.25
    dt = 0.001
    initial = "random"           # "random" | "plus" | "minus" | "zero"
    record_every = 1000          # steps between records (default: one unit of time, at most time/dt)
    ell = 2.0                    # wall-counting coarse-graining length (optional)

    [grid]
    eps = [0.2, 0.3, 0.4]        # required: the coupling strengths ε
    # gamma = [0.85, 0.875]      # optional further axes: any [model] key, or length / dx / ell

Seeds
-----
The seed of a task is ``SeedSequence(root_seed, spawn_key=K)`` where ``K`` is four 32-bit words of the
SHA-256 of the canonical JSON of the task's *trajectory-defining* parameters: ε, the realisation index,
every model parameter, the preset and the numerics ``length, dx, dt, initial``.  The total ``time``,
``chunk_time``, ``record_every`` and ``ell`` are excluded: they do not change the noise stream, so a
longer run of the same task continues the same trajectory, and chunking cannot change a result.
Numbers are canonicalised (ints given for float parameters become floats) before hashing, so
``length = 100`` and ``length = 100.0`` are the same task.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lindhydro.experiments.presets import PRESETS

__all__ = [
    "SweepConfig",
    "TaskSpec",
    "canonical_json",
    "load_config",
    "to_jsonable",
    "parse_config",
]

#: Format version of the configuration (stored in every result).
CONFIG_FORMAT = 1


#: Simulation keys, their types, and whether they are required.
SIMULATION_KEYS: dict[str, tuple[type, bool]] = {
    "length": (float, True),
    "time": (float, True),
    "dx": (float, False),
    "dt": (float, False),
    "initial": (str, False),
    "record_every": (int, False),
    "ell": (float, False),
}
SIMULATION_DEFAULTS: dict[str, Any] = {"dx": 0.25, "dt": 0.001, "initial": "random"}
#: Simulation keys that may be grid axes (they do not change the time grid of the records).
GRID_SIMULATION_KEYS = ("length", "dx", "ell")
#: Parameters that do not enter the seed (they do not change the noise stream).
NON_SEED_KEYS = ("time", "record_every", "ell")
INITIAL = ("random", "plus", "minus", "zero")
SWEEP_KEYS = {"name", "store", "root_seed", "realisations", "chunk_time", "simulator"}
#: Largest field (number of cells) accepted per task: 8 bytes each, a few copies per worker.
MAX_CELLS = 50_000_000


def canonical_json(obj: Any) -> str:
    """Canonical JSON of ``obj``: sorted keys, no whitespace, shortest round-trip float repr.

    Used for hashing task parameters; identical on every platform for the same Python values.

    Parameters
    ----------
    obj : object
        JSON-serialisable value (NaN and inf are refused).

    Returns
    -------
    str
        The canonical JSON text.
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)


def to_jsonable(x: Any) -> Any:
    """Recursively convert to JSON-ready Python types (NumPy scalars/arrays, tuples; NaN/inf → None).

    Parameters
    ----------
    x : object
        Nested dicts, lists, tuples, arrays, numbers, strings.

    Returns
    -------
    object
        The same structure made of dict, list, int, float, bool, str and None.
    """
    if isinstance(x, dict):
        return {str(k): to_jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [to_jsonable(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    if x is None or isinstance(x, str):
        return x
    return str(x)


def _coerce(section: str, key: str, value: Any, kind: type) -> Any:
    where = f"[{section}] {key}"
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{where} must be true or false, got {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where} must be an integer, got {value!r}")
        return int(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where} must be a number, got {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{where} must be finite, got {value!r}")
        return value
    if kind is str:
        if not isinstance(value, str):
            raise ValueError(f"{where} must be a string, got {value!r}")
        return value
    raise TypeError(kind)  # pragma: no cover


@dataclass(frozen=True)
class TaskSpec:
    """One simulation of a sweep: every parameter fixed.

    Parameters
    ----------
    eps : float
        Coupling strength ε (dimensionless; the toy model's ε̃ = εJa²/D).
    realisation : int
        Noise realisation index, 0-based.
    preset : str
        Model preset (see :data:`PRESETS`).
    model : tuple of (str, value)
        Model keyword arguments (sorted by key), without ε.
    simulation : tuple of (str, value)
        Keyword arguments of the simulator (sorted by key): length, time, dx, dt, initial, ...
    root_seed : int
        The sweep's root seed.
    simulator : str or None
        ``"module:function"`` overriding the preset's simulator.
    """

    eps: float
    realisation: int
    preset: str
    model: tuple[tuple[str, Any], ...]
    simulation: tuple[tuple[str, Any], ...]
    root_seed: int
    simulator: str | None = None

    @property
    def model_kwargs(self) -> dict[str, Any]:
        """Model keyword arguments as a dict (ε excluded)."""
        return dict(self.model)

    @property
    def simulation_kwargs(self) -> dict[str, Any]:
        """Simulator keyword arguments as a dict (seed and state excluded)."""
        return dict(self.simulation)

    @property
    def simulator_ref(self) -> str:
        """The ``"module:function"`` that runs this task."""
        return self.simulator or PRESETS[self.preset].simulator

    @property
    def builder_ref(self) -> str:
        """The ``"module:function"`` that builds this task's model."""
        return PRESETS[self.preset].builder

    def parameters(self) -> dict[str, Any]:
        """All parameters of the task as a JSON-ready dict (this identifies the task)."""
        return {
            "eps": self.eps,
            "realisation": self.realisation,
            "preset": self.preset,
            "model": self.model_kwargs,
            "simulation": self.simulation_kwargs,
            "root_seed": self.root_seed,
            "simulator": self.simulator_ref,
        }

    def seed_parameters(self) -> dict[str, Any]:
        """The parameters that define the noise stream (see the module docstring)."""
        p = self.parameters()
        p["simulation"] = {k: v for k, v in p["simulation"].items() if k not in NON_SEED_KEYS}
        del p["root_seed"]
        del p["simulator"]
        return p

    @property
    def task_id(self) -> str:
        """Stable identifier: 20 hex digits of the SHA-256 of the canonical parameters."""
        return hashlib.sha256(canonical_json(self.parameters()).encode()).hexdigest()[:20]

    @property
    def label(self) -> str:
        """Human-readable short description, e.g. ``eps=0.2 realisation=3 gamma=0.85``."""
        return f"eps={self.eps:g} realisation={self.realisation}"

    def seed_sequence(self) -> np.random.SeedSequence:
        """``SeedSequence(root_seed, spawn_key=...)`` derived from :meth:`seed_parameters`."""
        digest = hashlib.sha256(canonical_json(self.seed_parameters()).encode()).digest()
        key = tuple(int.from_bytes(digest[4 * i : 4 * i + 4], "little") for i in range(4))
        return np.random.SeedSequence(self.root_seed, spawn_key=key)

    @property
    def seed(self) -> int:
        """The integer seed passed to the simulator (63 bits drawn from :meth:`seed_sequence`)."""
        words = self.seed_sequence().generate_state(2, dtype=np.uint32)
        return (int(words[0]) | (int(words[1]) << 32)) & ((1 << 63) - 1)

    @property
    def n_steps(self) -> int:
        """Number of time steps, ``round(time / dt)``."""
        s = self.simulation_kwargs
        return int(round(s["time"] / s["dt"]))

    @property
    def n_cells(self) -> int:
        """Number of lattice cells, ``round(length / dx)``."""
        s = self.simulation_kwargs
        return int(round(s["length"] / s["dx"]))


@dataclass(frozen=True)
class SweepConfig:
    """A parsed, validated sweep configuration (see the module docstring for the file format).

    Parameters
    ----------
    name : str
        Free-text name.
    store : pathlib.Path
        Result-store directory (absolute).
    root_seed : int
        Root seed (>= 0).
    realisations : int
        Noise realisations per grid point.
    eps : tuple of float
        Coupling strengths ε (> 0, distinct).
    preset : str
        Model preset.
    model : tuple of (str, value)
        Fixed model parameters.
    simulation : tuple of (str, value)
        Fixed simulation parameters.
    axes : tuple of (str, tuple)
        Further grid axes: (key, values), key a model key or one of ``length, dx, ell``.
    chunk_time : float or None
        Checkpoint interval in time units (``None``: each task runs in one piece).
    simulator : str or None
        ``"module:function"`` overriding the preset's simulator.
    source : str
        The configuration file, if any.
    """

    name: str
    store: Path
    root_seed: int
    realisations: int
    eps: tuple[float, ...]
    preset: str
    model: tuple[tuple[str, Any], ...]
    simulation: tuple[tuple[str, Any], ...]
    axes: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    chunk_time: float | None = None
    simulator: str | None = None
    source: str = ""

    @property
    def axis_names(self) -> tuple[str, ...]:
        """Names of the grid axes beyond ε and realisation."""
        return tuple(k for k, _ in self.axes)

    def tasks(self) -> list[TaskSpec]:
        """All tasks of the sweep, ordered by (other axes, ε, realisation)."""
        model = dict(self.model)
        sim = dict(self.simulation)
        out = []
        axis_values = [v for _, v in self.axes]
        for combo in itertools.product(*axis_values):
            m = dict(model)
            s = dict(sim)
            for (key, _), value in zip(self.axes, combo, strict=True):
                if key in PRESETS[self.preset].parameters:
                    m[key] = value
                else:
                    s[key] = value
            for eps in self.eps:
                for r in range(self.realisations):
                    out.append(
                        TaskSpec(
                            eps=eps,
                            realisation=r,
                            preset=self.preset,
                            model=tuple(sorted(m.items())),
                            simulation=tuple(sorted(s.items())),
                            root_seed=self.root_seed,
                            simulator=self.simulator,
                        )
                    )
        return out

    @property
    def n_chunks(self) -> int:
        """Number of time chunks per task."""
        time = dict(self.simulation)["time"]
        if self.chunk_time is None:
            return 1
        return max(1, math.ceil(time / self.chunk_time - 1e-9))

    def fixed_parameters(self) -> dict[str, Any]:
        """Everything except the grid (ε, realisations, axes) and chunking: must match to share a store."""
        return {
            "root_seed": self.root_seed,
            "preset": self.preset,
            "model": {k: v for k, v in self.model if k not in self.axis_names},
            "simulation": {k: v for k, v in self.simulation if k not in self.axis_names},
            "axes": list(self.axis_names),
            "simulator": self.simulator,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (stored in the manifest of the result store)."""
        return {
            "format": CONFIG_FORMAT,
            "name": self.name,
            "store": str(self.store),
            "root_seed": self.root_seed,
            "realisations": self.realisations,
            "eps": list(self.eps),
            "preset": self.preset,
            "model": dict(self.model),
            "simulation": dict(self.simulation),
            "axes": {k: list(v) for k, v in self.axes},
            "chunk_time": self.chunk_time,
            "simulator": self.simulator,
            "source": self.source,
        }


def load_config(path: str | Path) -> SweepConfig:
    """Read and validate a sweep configuration file (TOML).

    Parameters
    ----------
    path : str or path-like
        The TOML file.  A relative ``[sweep] store`` is taken relative to its directory.

    Returns
    -------
    SweepConfig
        The validated configuration.

    Raises
    ------
    ValueError
        File missing, not valid TOML, or any validation error (the message names the key).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"sweep configuration {str(path)!r} does not exist or is not a file")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, base_dir=path.resolve().parent, source=str(path))


def parse_config(data: dict[str, Any], *, base_dir: str | Path = ".", source: str = "") -> SweepConfig:
    """Validate a configuration given as a dict (the parsed TOML) and build a :class:`SweepConfig`.

    Parameters
    ----------
    data : dict
        Tables ``sweep``, ``model``, ``simulation``, ``grid`` as in the module docstring.
    base_dir : path-like
        Directory against which a relative store path is resolved.
    source : str
        Where the configuration came from (recorded).

    Returns
    -------
    SweepConfig
        The validated configuration.

    Raises
    ------
    ValueError
        With a message naming the offending key and what is allowed.
    """
    unknown = set(data) - {"sweep", "model", "simulation", "grid"}
    if unknown:
        raise ValueError(
            f"unknown table(s) {sorted(unknown)}; allowed tables: [sweep], [model], [simulation], [grid]"
        )
    for table in ("sweep", "model", "simulation", "grid"):
        if table not in data:
            raise ValueError(f"missing table [{table}]")
        if not isinstance(data[table], dict):
            raise ValueError(f"[{table}] must be a table")
    sw, mo, si, gr = (dict(data[t]) for t in ("sweep", "model", "simulation", "grid"))

    # [sweep]
    bad = set(sw) - SWEEP_KEYS
    if bad:
        raise ValueError(f"[sweep]: unknown key(s) {sorted(bad)}; allowed: {sorted(SWEEP_KEYS)}")
    for key in ("store", "root_seed", "realisations"):
        if key not in sw:
            raise ValueError(f"[sweep] {key} is required")
    name = _coerce("sweep", "name", sw.get("name", ""), str)
    store = Path(_coerce("sweep", "store", sw["store"], str))
    if not str(store):
        raise ValueError("[sweep] store must be a non-empty path")
    if not store.is_absolute():
        store = Path(base_dir).resolve() / store
    root_seed = _coerce("sweep", "root_seed", sw["root_seed"], int)
    if root_seed < 0:
        raise ValueError(f"[sweep] root_seed must be >= 0, got {root_seed}")
    realisations = _coerce("sweep", "realisations", sw["realisations"], int)
    if realisations < 1:
        raise ValueError(f"[sweep] realisations must be >= 1, got {realisations}")
    simulator = sw.get("simulator")
    if simulator is not None:
        simulator = _coerce("sweep", "simulator", simulator, str)
        if simulator.count(":") != 1:
            raise ValueError(f"[sweep] simulator must be 'module:function', got {simulator!r}")

    # [model]
    preset = mo.pop("preset", "paper")
    if preset not in PRESETS:
        raise ValueError(f"[model] preset must be one of {sorted(PRESETS)}, got {preset!r}")
    allowed_model = PRESETS[preset].parameters
    if "eps" in mo:
        raise ValueError("[model] eps is not allowed: ε is the sweep's grid, give it as [grid] eps = [...]")
    bad = set(mo) - set(allowed_model)
    if bad:
        raise ValueError(
            f"[model]: unknown key(s) {sorted(bad)} for preset {preset!r}; allowed: {sorted(allowed_model)}"
        )
    model = {k: _coerce("model", k, v, allowed_model[k]) for k, v in mo.items()}

    # [simulation]
    bad = set(si) - set(SIMULATION_KEYS)
    if bad:
        raise ValueError(
            f"[simulation]: unknown key(s) {sorted(bad)}; allowed: {sorted(SIMULATION_KEYS)}"
        )
    sim = dict(SIMULATION_DEFAULTS)
    for key, (kind, required) in SIMULATION_KEYS.items():
        if key in si:
            sim[key] = _coerce("simulation", key, si[key], kind)
        elif required and key not in gr:
            raise ValueError(f"[simulation] {key} is required")

    # [grid]
    if "eps" not in gr:
        raise ValueError("[grid] eps = [...] is required (the coupling strengths ε)")
    eps_raw = gr.pop("eps")
    if not isinstance(eps_raw, list) or not eps_raw:
        raise ValueError(f"[grid] eps must be a non-empty list of numbers, got {eps_raw!r}")
    eps = tuple(_coerce("grid", "eps", e, float) for e in eps_raw)
    if any(e <= 0 for e in eps):
        raise ValueError(f"[grid] eps must all be > 0, got {list(eps)}")
    if len(set(eps)) != len(eps):
        raise ValueError(f"[grid] eps values must be distinct, got {list(eps)}")
    axes = []
    for key, values in gr.items():
        if key in allowed_model:
            kind = allowed_model[key]
            section = "model"
        elif key in GRID_SIMULATION_KEYS:
            kind = SIMULATION_KEYS[key][0]
            section = "simulation"
        else:
            raise ValueError(
                f"[grid] {key}: not a grid axis; allowed axes: eps, the {preset!r} model keys "
                f"{sorted(allowed_model)} and {list(GRID_SIMULATION_KEYS)}"
            )
        if not isinstance(values, list) or not values:
            raise ValueError(f"[grid] {key} must be a non-empty list, got {values!r}")
        vals = tuple(_coerce("grid", key, v, kind) for v in values)
        if len(set(vals)) != len(vals):
            raise ValueError(f"[grid] {key} values must be distinct, got {list(vals)}")
        if key in (model if section == "model" else si):
            raise ValueError(f"{key} is given both in [{section}] and as a [grid] axis; give it once")
        axes.append((key, vals))

    # numerical sanity, checked for every grid value
    def _check_sim(s: dict[str, Any]) -> None:
        for key in ("length", "time", "dx", "dt"):
            if s[key] <= 0:
                raise ValueError(f"{key} must be > 0, got {s[key]}")
        if s["dt"] > s["time"]:
            raise ValueError(f"dt = {s['dt']} is larger than time = {s['time']}")
        cells = s["length"] / s["dx"]
        if abs(cells - round(cells)) > 1e-6 * max(1.0, cells) or round(cells) < 4:
            raise ValueError(
                f"length / dx must be an integer number of cells >= 4, got {s['length']} / {s['dx']} = {cells:g}"
            )
        if round(cells) > MAX_CELLS:
            raise ValueError(
                f"length / dx = {round(cells)} cells needs {8 * round(cells) / 1e9:.1f} GB per copy of the "
                f"field; at most {MAX_CELLS} cells per task are accepted"
            )
        if s["initial"] not in INITIAL:
            raise ValueError(f"initial must be one of {list(INITIAL)}, got {s['initial']!r}")
        if "record_every" in s and s["record_every"] < 1:
            raise ValueError(f"record_every must be >= 1 step, got {s['record_every']}")
        if "ell" in s and s["ell"] <= 0:
            raise ValueError(f"ell must be > 0, got {s['ell']}")

    sim_axes = [(k, v) for k, v in axes if k in GRID_SIMULATION_KEYS]
    for combo in itertools.product(*[v for _, v in sim_axes]):
        s = dict(sim)
        s.update({k: c for (k, _), c in zip(sim_axes, combo, strict=True)})
        _check_sim(s)

    n_steps_total = int(round(sim["time"] / sim["dt"]))
    if "record_every" not in sim:  # explicit, so that every chunk records at the same global steps
        sim["record_every"] = max(1, min(n_steps_total, int(round(1.0 / sim["dt"]))))
    elif sim["record_every"] > n_steps_total:
        raise ValueError(
            f"[simulation] record_every = {sim['record_every']} steps is longer than the run "
            f"({n_steps_total} steps): nothing would be recorded"
        )
    chunk_time = sw.get("chunk_time")
    if chunk_time is not None:
        chunk_time = _coerce("sweep", "chunk_time", chunk_time, float)
        if chunk_time <= 0:
            raise ValueError(f"[sweep] chunk_time must be > 0, got {chunk_time}")
        steps = chunk_time / sim["dt"]
        if abs(steps - round(steps)) > 1e-6 * max(1.0, steps):
            raise ValueError(
                f"[sweep] chunk_time = {chunk_time} must be a whole number of steps dt = {sim['dt']}"
            )
        rec = sim.get("record_every")
        if rec is not None and round(steps) % rec:
            raise ValueError(
                f"[sweep] chunk_time = {chunk_time} ({round(steps)} steps) must be a multiple of "
                f"record_every = {rec} steps, so that records fall at the same times in every chunk"
            )
    steps = sim["time"] / sim["dt"]
    if abs(steps - round(steps)) > 1e-6 * max(1.0, steps):
        raise ValueError(f"[simulation] time = {sim['time']} must be a whole number of steps dt = {sim['dt']}")

    return SweepConfig(
        name=name,
        store=store,
        root_seed=root_seed,
        realisations=realisations,
        eps=eps,
        preset=preset,
        model=tuple(sorted(model.items())),
        simulation=tuple(sorted(sim.items())),
        axes=tuple(axes),
        chunk_time=chunk_time,
        simulator=simulator,
        source=source,
    )
