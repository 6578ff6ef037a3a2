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
    precision = "float32"        # integrator: "float32" (default), "float64" (both Philox normals) or
                                 # "float64-splitmix" (release 0.1's, which wrote stores without this key)

    [grid]
    eps = [0.2, 0.3, 0.4]        # required: the coupling strengths ε
    # gamma = [0.85, 0.875]      # optional further axes: any [model] key, or length / dx / ell

Seeds
-----
The seed of a task is ``SeedSequence(root_seed, spawn_key=K)`` where ``K`` is four 32-bit words of the
SHA-256 of the canonical JSON of the task's *trajectory-defining* parameters: ε, the realisation index,
every model parameter, the preset and the numerics ``length, dx, dt, initial, precision``.  The total ``time``,
``chunk_time``, ``record_every`` and ``ell`` are excluded: they do not change the noise stream, so a
longer run of the same task continues the same trajectory, and chunking cannot change a result.
Numbers are canonicalised (ints given for float parameters become floats) before hashing, so
``length = 100`` and ``length = 100.0`` are the same task.  The precision ``"float64-splitmix"``
(:data:`~lindhydro.field.numerics.RELEASE_PRECISION`) is left out of a task's parameters, id and seed:
release 0.1 wrote none, so its stores keep their task ids and seeds and resume with that precision.
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

from lindhydro.experiments.presets import build_model, check_parameters, preset
from lindhydro.field.numerics import RELEASE_PRECISION, Numerics, whole_multiple

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
    "precision": (str, False),
}
#: Defaults of the optional simulation keys (dx, dt, precision: those of :class:`lindhydro.field.Numerics`).
SIMULATION_DEFAULTS: dict[str, Any] = {"dx": Numerics.dx, "dt": Numerics.dt, "initial": "random",
                                       "precision": Numerics.precision}
#: Simulation keys that may be grid axes (they do not change the time grid of the records).
GRID_SIMULATION_KEYS = ("length", "dx", "ell")
#: Parameters that do not enter the seed (they do not change the noise stream).
NON_SEED_KEYS = ("time", "record_every", "ell")
INITIAL = ("random", "plus", "minus", "zero")
SWEEP_KEYS = {"name", "store", "root_seed", "realisations", "chunk_time", "simulator"}
TABLES = ("sweep", "model", "simulation", "grid")
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
        Model preset (a key of :data:`lindhydro.experiments.presets.PRESETS`).
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
        return self.simulator or preset(self.preset).simulator

    @property
    def builder_ref(self) -> str:
        """The ``"module:function"`` that builds this task's model."""
        return preset(self.preset).builder

    def build_model(self) -> Any:
        """The task's model, built by its preset (:func:`lindhydro.experiments.presets.build_model`)."""
        return build_model(self.preset, self.eps, **self.model_kwargs)

    @property
    def precision(self) -> str:
        """The integrator of the task (:class:`~lindhydro.field.Numerics`; absent: release 0.1's)."""
        return self.simulation_kwargs.get("precision", RELEASE_PRECISION)

    @property
    def numerics(self) -> Numerics:
        """Ring length, duration, cell width, time step, record interval and precision of the task."""
        s = self.simulation_kwargs
        return Numerics(length=s["length"], time=s["time"], dx=s["dx"], dt=s["dt"], record_every=s["record_every"],
                        precision=self.precision)

    def parameters(self) -> dict[str, Any]:
        """All parameters of the task as a JSON-ready dict (this identifies the task).

        The precision ``"float64-splitmix"`` is left out (module docstring: release 0.1's stores).
        """
        sim = self.simulation_kwargs
        if sim.get("precision") == RELEASE_PRECISION:
            del sim["precision"]
        return {
            "eps": self.eps,
            "realisation": self.realisation,
            "preset": self.preset,
            "model": self.model_kwargs,
            "simulation": sim,
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
        """Number of time steps, ``time / dt``."""
        return self.numerics.n_steps

    @property
    def n_cells(self) -> int:
        """Number of lattice cells, ``length / dx``."""
        return self.numerics.n_cells


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
                if key in preset(self.preset).parameters:
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
        As :func:`parse_config` returns it.

    Raises
    ------
    ValueError
        File missing or not valid TOML, or what :func:`parse_config` refuses.
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
    tables = _tables(data)
    sweep = _sweep_table(tables["sweep"], base_dir)
    preset_name, model = _model_table(tables["model"])
    grid = dict(tables["grid"])
    sim = _simulation_table(tables["simulation"], grid)
    eps = _eps_axis(grid)
    axes = _further_axes(grid, preset_name, model, tables["simulation"])
    numerics = [_checked_numerics(s) for s in _simulation_combinations(sim, axes)]
    sim = _with_record_interval(sim, numerics[0])
    return SweepConfig(
        **sweep,
        eps=eps,
        preset=preset_name,
        model=tuple(sorted(model.items())),
        simulation=tuple(sorted(sim.items())),
        axes=axes,
        chunk_time=_chunk_time(tables["sweep"].get("chunk_time"), sim),
        source=source,
    )


def _tables(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The four tables, copied; unknown or missing tables are refused."""
    unknown = set(data) - set(TABLES)
    if unknown:
        raise ValueError(
            f"unknown table(s) {sorted(unknown)}; allowed tables: [sweep], [model], [simulation], [grid]"
        )
    for table in TABLES:
        if table not in data:
            raise ValueError(f"missing table [{table}]")
        if not isinstance(data[table], dict):
            raise ValueError(f"[{table}] must be a table")
    return {t: dict(data[t]) for t in TABLES}


def _sweep_table(sw: dict[str, Any], base_dir: str | Path) -> dict[str, Any]:
    """Name, store (absolute), root seed, realisations and simulator override of ``[sweep]``."""
    bad = set(sw) - SWEEP_KEYS
    if bad:
        raise ValueError(f"[sweep]: unknown key(s) {sorted(bad)}; allowed: {sorted(SWEEP_KEYS)}")
    for key in ("store", "root_seed", "realisations"):
        if key not in sw:
            raise ValueError(f"[sweep] {key} is required")
    store = Path(_coerce("sweep", "store", sw["store"], str))
    if not str(store):
        raise ValueError("[sweep] store must be a non-empty path")
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
    return {"name": _coerce("sweep", "name", sw.get("name", ""), str),
            "store": store if store.is_absolute() else Path(base_dir).resolve() / store,
            "root_seed": root_seed, "realisations": realisations, "simulator": simulator}


def _model_table(mo: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The preset name and its typed parameters from ``[model]``."""
    name = mo.pop("preset", "paper")
    try:
        allowed = preset(name).parameters
    except ValueError as exc:
        raise ValueError(f"[model] {exc}") from None
    if "eps" in mo:
        raise ValueError("[model] eps is not allowed: ε is the sweep's grid, give it as [grid] eps = [...]")
    bad = set(mo) - set(allowed)
    if bad:
        raise ValueError(
            f"[model]: unknown key(s) {sorted(bad)} for preset {name!r}; allowed: {sorted(allowed)}"
        )
    try:
        return name, check_parameters(name, mo)
    except ValueError as exc:
        raise ValueError(f"[model] {exc}") from None


def _simulation_table(si: dict[str, Any], grid: dict[str, Any]) -> dict[str, Any]:
    """Typed ``[simulation]`` keys with their defaults (a required key may instead be a grid axis)."""
    bad = set(si) - set(SIMULATION_KEYS)
    if bad:
        raise ValueError(f"[simulation]: unknown key(s) {sorted(bad)}; allowed: {sorted(SIMULATION_KEYS)}")
    sim = dict(SIMULATION_DEFAULTS)
    for key, (kind, required) in SIMULATION_KEYS.items():
        if key in si:
            sim[key] = _coerce("simulation", key, si[key], kind)
        elif required and key not in grid:
            raise ValueError(f"[simulation] {key} is required")
    return sim


def _grid_values(key: str, values: Any, kind: type) -> tuple[Any, ...]:
    """The values of one grid axis: a non-empty list of distinct values of type ``kind``."""
    if not isinstance(values, list) or not values:
        raise ValueError(f"[grid] {key} must be a non-empty list, got {values!r}")
    vals = tuple(_coerce("grid", key, v, kind) for v in values)
    if len(set(vals)) != len(vals):
        raise ValueError(f"[grid] {key} values must be distinct, got {list(vals)}")
    return vals


def _eps_axis(grid: dict[str, Any]) -> tuple[float, ...]:
    """The coupling strengths ``[grid] eps`` (removed from ``grid``): distinct and > 0."""
    if "eps" not in grid:
        raise ValueError("[grid] eps = [...] is required (the coupling strengths ε)")
    eps = _grid_values("eps", grid.pop("eps"), float)
    if any(e <= 0 for e in eps):
        raise ValueError(f"[grid] eps must all be > 0, got {list(eps)}")
    return eps


def _further_axes(grid: dict[str, Any], preset_name: str, model: dict[str, Any],
                  si: dict[str, Any]) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """Grid axes beyond ε: model keys of the preset, or one of :data:`GRID_SIMULATION_KEYS`."""
    allowed_model = preset(preset_name).parameters
    axes = []
    for key, values in grid.items():
        if key in allowed_model:
            kind, section, fixed = allowed_model[key], "model", model
        elif key in GRID_SIMULATION_KEYS:
            kind, section, fixed = SIMULATION_KEYS[key][0], "simulation", si
        else:
            raise ValueError(
                f"[grid] {key}: not a grid axis; allowed axes: eps, the {preset_name!r} model keys "
                f"{sorted(allowed_model)} and {list(GRID_SIMULATION_KEYS)}"
            )
        vals = _grid_values(key, values, kind)
        if key in fixed:
            raise ValueError(f"{key} is given both in [{section}] and as a [grid] axis; give it once")
        axes.append((key, vals))
    return tuple(axes)


def _simulation_combinations(sim: dict[str, Any], axes) -> list[dict[str, Any]]:
    """The simulation parameters at every combination of the simulation grid axes."""
    sim_axes = [(k, v) for k, v in axes if k in GRID_SIMULATION_KEYS]
    return [sim | dict(zip([k for k, _ in sim_axes], combo, strict=True))
            for combo in itertools.product(*[v for _, v in sim_axes])]


def _checked_numerics(s: dict[str, Any]) -> Numerics:
    """The numerics of ``s``; refuses what no run could use (the stability limit is the preset's check)."""
    try:
        numerics = Numerics(length=s["length"], time=s["time"], dx=s["dx"], dt=s["dt"],
                            record_every=s.get("record_every"), precision=s["precision"])
    except ValueError as exc:
        raise ValueError(f"[simulation] {exc}") from None
    cells = numerics.n_cells
    if cells < 4:
        raise ValueError(f"[simulation] length / dx = {cells} cells: at least 4 are needed")
    if cells > MAX_CELLS:
        raise ValueError(
            f"length / dx = {cells} cells needs {numerics.dtype.itemsize * cells / 1e9:.1f} GB per copy of the "
            f"field; at most {MAX_CELLS} cells per task are accepted"
        )
    if s["initial"] not in INITIAL:
        raise ValueError(f"initial must be one of {list(INITIAL)}, got {s['initial']!r}")
    if "ell" in s and s["ell"] <= 0:
        raise ValueError(f"ell must be > 0, got {s['ell']}")
    return numerics


def _with_record_interval(sim: dict[str, Any], numerics: Numerics) -> dict[str, Any]:
    """``sim`` with an explicit ``record_every`` (so that every chunk records at the same global steps).

    ``time``, ``dt`` and ``record_every`` are never grid axes: ``numerics`` of any grid point serves
    (it refused an interval longer than the run).
    """
    return sim | {"record_every": numerics.record_steps}


def _chunk_time(chunk_time: Any, sim: dict[str, Any]) -> float | None:
    """``[sweep] chunk_time``: a whole number of steps and of record intervals (``None``: no split)."""
    if chunk_time is None:
        return None
    chunk_time = _coerce("sweep", "chunk_time", chunk_time, float)
    if chunk_time <= 0:
        raise ValueError(f"[sweep] chunk_time must be > 0, got {chunk_time}")
    steps = whole_multiple(chunk_time, sim["dt"], "[sweep] chunk_time", "dt")
    if steps % sim["record_every"]:
        raise ValueError(
            f"[sweep] chunk_time = {chunk_time} ({steps} steps) must be a multiple of "
            f"record_every = {sim['record_every']} steps, so that records fall at the same times in every chunk"
        )
    return chunk_time
