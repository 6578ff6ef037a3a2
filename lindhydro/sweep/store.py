"""The result store of a sweep: a directory of atomically written, checksummed netCDF entries.

Layout::

    STORE/
      manifest.json          the sweep configuration, package version, expected tasks (id -> parameters)
      entries/<id>.nc        one netCDF-4 (HDF5, via h5netcdf) file per *finished* task
      checkpoints/<id>.ckpt  state of an unfinished task after its last finished time chunk
      failed/<id>.json       the error of a task that failed in the last run (parameters, traceback)
      corrupt/               entries that failed verification, moved aside (never read again)
      .lock                  held (flock) by the sweep writing to the store

Conventions: every file is written once and atomically (a temporary file in the same directory,
fsync, :func:`os.replace`), so a kill leaves either no file or a complete one.  An entry holds every
parameter of its task (JSON in the ``parameters`` attribute), the seed, the lindhydro version, the
time series and a SHA-256 of its arrays and attributes; it is verified before every use and a
damaged one is moved to ``corrupt/``, never read.  A checkpoint is a pickle behind a magic line and
its SHA-256.  Only the client process writes (workers return their results), so workers need no
shared file system.  Why this design rather than one HDF5 file or zarr: ``docs/cluster.md``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import hashlib
import json
import os
import pickle
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lindhydro.field.numerics import RELEASE_PRECISION
from lindhydro.sweep.config import SweepConfig, TaskSpec, canonical_json, to_jsonable

__all__ = [
    "CorruptEntryError",
    "ResultStore",
    "STORE_FORMAT",
    "TaskRecord",
    "atomic_replace",
    "entry_checksum",
    "open_store",
    "probe_directory",
    "read_entry",
    "write_entry",
]

#: Format identifier and version of the store (in the manifest and every entry).
STORE_FORMAT = "lindhydro-sweep-store"
STORE_FORMAT_VERSION = 1
_CKPT_MAGIC = b"LHCKPT1\n"


def _file_mode() -> int:
    """Permissions for new files: 0o666 minus the process umask (mkstemp would give 0o600)."""
    old = os.umask(0)
    os.umask(old)
    return 0o666 & ~old


#: Dimensions of the non-time-series arrays of an entry.
_FIXED_DIMS = {"final_field": "x", "r": "r_index", "correlation": "r_index"}


class CorruptEntryError(Exception):
    """A store entry that cannot be read or whose checksum does not match its content."""


def _version() -> str:
    from lindhydro import __version__

    return __version__


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not supported on every platform / file system
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_replace(path: str | Path, *, suffix: str = "") -> Iterator[str]:
    """Yield a temporary file name next to ``path``; on success fsync it and rename it over ``path``.

    The rename (:func:`os.replace`) is atomic: readers see the old file or the complete new one.  On
    an exception (an interruption included) the temporary file is removed and ``path`` is untouched.
    Missing parent directories are created.

    Parameters
    ----------
    path : path-like
        The final file name.
    suffix : str
        Appended to the temporary name after ``.tmp`` (e.g. ``".png"`` for writers that choose the
        format by the suffix).  The store's temporary files end in ``.tmp``: a listing of
        ``entries/*.nc`` never sees them.

    Yields
    ------
    str
        The temporary file to write (it exists, empty).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{suffix}")
    try:
        os.fchmod(fd, _file_mode())
        os.close(fd)
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def probe_directory(directory: str | Path) -> None:
    """Check that a file can be created in ``directory`` (by creating and removing one).

    Permission bits do not tell (a superuser passes them, ``/proc`` and read-only mounts refuse
    anyway), so the probe writes.

    Parameters
    ----------
    directory : path-like
        An existing directory.

    Raises
    ------
    ValueError
        One line naming the directory and the reason.
    """
    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=".lindhydro-probe-")
    except OSError as exc:
        raise ValueError(f"cannot write in {directory} ({exc.strerror or exc})") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (:func:`atomic_replace`)."""
    with atomic_replace(path) as tmp:
        Path(tmp).write_bytes(data)


def entry_checksum(arrays: dict[str, np.ndarray], attrs: dict[str, Any]) -> str:
    """SHA-256 (hex) of an entry's arrays (name, dtype, shape, bytes, in name order) and attributes.

    Parameters
    ----------
    arrays : dict of str -> ndarray
        The entry's arrays.
    attrs : dict
        Its attributes without the checksum itself (JSON-serialisable values).

    Returns
    -------
    str
        64 hex digits.
    """
    h = hashlib.sha256()
    h.update(canonical_json(attrs).encode())
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"\0{name}\0{a.dtype.str}\0{a.shape}\0".encode())
        h.update(a.tobytes())
    return h.hexdigest()


@dataclass(frozen=True)
class TaskRecord:
    """A finished task as read back from the store.

    Attributes
    ----------
    task_id : str
        :attr:`TaskSpec.task_id` (the entry's file name without ``.nc``).
    parameters : dict
        :meth:`TaskSpec.parameters` of the task.
    seed : int
        The seed the simulator received.
    arrays : dict of str -> ndarray
        ``time`` (record times), ``m2`` and ``wall_density`` (per record), ``final_field`` (per cell),
        and any further time series the simulator provided.
    attrs : dict
        Everything else stored (version, chunks, compute time, ...).
    """

    task_id: str
    parameters: dict[str, Any]
    seed: int
    arrays: dict[str, np.ndarray]
    attrs: dict[str, Any]


def write_entry(path: Path, spec: TaskSpec, arrays: dict[str, np.ndarray], info: dict[str, Any]) -> None:
    """Write one finished task to ``path`` atomically, with its parameters and checksum.

    Parameters
    ----------
    path : pathlib.Path
        Final file name (``entries/<task_id>.nc``).
    spec : TaskSpec
        The task.
    arrays : dict
        ``time`` (1-D), time series of the same length, ``final_field`` (1-D over cells).
    info : dict
        Extra JSON-ready metadata (chunks, compute seconds, site updates per second, ...).
    """
    import xarray as xr

    arrays = {k: np.asarray(v) for k, v in arrays.items()}
    attrs = {
        "format": STORE_FORMAT,
        "format_version": STORE_FORMAT_VERSION,
        "task_id": spec.task_id,
        "parameters": canonical_json(spec.parameters()),
        "precision": spec.precision,
        "seed": str(spec.seed),
        "lindhydro_version": _version(),
        "info": canonical_json(to_jsonable(info)),
    }
    checksum = entry_checksum(arrays, attrs)
    n_t = arrays["time"].shape[0]
    data_vars = {}
    for name, a in arrays.items():
        if name == "time":
            continue
        if name in _FIXED_DIMS:
            data_vars[name] = ((_FIXED_DIMS[name],), a)
        elif a.ndim == 1 and a.shape[0] == n_t:
            data_vars[name] = (("t",), a)
        else:
            data_vars[name] = (tuple(f"{name}_dim{i}" for i in range(a.ndim)), a)
    ds = xr.Dataset(data_vars, coords={"time": (("t",), arrays["time"])}, attrs={**attrs, "checksum_sha256": checksum})
    with atomic_replace(path) as tmp:
        ds.to_netcdf(tmp, engine="h5netcdf")


def read_entry(path: str | Path) -> TaskRecord:
    """Read and verify one entry.

    Parameters
    ----------
    path : path-like
        An ``entries/<id>.nc`` file.

    Returns
    -------
    TaskRecord
        Parameters, seed, arrays and attributes of the finished task.

    Raises
    ------
    CorruptEntryError
        The file cannot be opened (e.g. truncated), lacks the store attributes, or its checksum does
        not match its content.
    """
    import xarray as xr

    path = Path(path)
    try:
        with xr.open_dataset(path, engine="h5netcdf", decode_times=False, decode_cf=False) as ds:
            ds.load()
            attrs = dict(ds.attrs)
            arrays = {"time": np.asarray(ds["time"].values)}
            for name, var in ds.data_vars.items():
                arrays[str(name)] = np.asarray(var.values)
    except Exception as exc:  # h5py/h5netcdf raise many types for damaged files
        raise CorruptEntryError(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from None
    stored = attrs.pop("checksum_sha256", None)
    if attrs.get("format") != STORE_FORMAT or stored is None:
        raise CorruptEntryError(f"{path}: not a lindhydro sweep entry (missing format or checksum)")
    attrs = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in attrs.items()}
    if entry_checksum(arrays, attrs) != stored:
        raise CorruptEntryError(f"{path}: checksum mismatch (content differs from what was written)")
    return TaskRecord(
        task_id=str(attrs["task_id"]),
        parameters=json.loads(attrs["parameters"]),
        seed=int(attrs["seed"]),
        arrays=arrays,
        attrs={k: v for k, v in attrs.items() if k not in ("parameters", "seed", "task_id")}
        | {"info": json.loads(attrs["info"])},
    )


class ResultStore:
    """A sweep's result directory (see the module docstring for layout and guarantees).

    Parameters
    ----------
    path : path-like
        The store directory.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock_fh = None
        #: Set by :meth:`prepare` when the store was started with another lindhydro version.
        self.version_note: str | None = None

    # ----------------------------------------------------------------- layout
    @property
    def manifest_path(self) -> Path:
        """The manifest file."""
        return self.path / "manifest.json"

    def entry_path(self, task_id: str) -> Path:
        """File of a finished task."""
        return self.path / "entries" / f"{task_id}.nc"

    def checkpoint_path(self, task_id: str) -> Path:
        """Checkpoint file of an unfinished task."""
        return self.path / "checkpoints" / f"{task_id}.ckpt"

    def failure_path(self, task_id: str) -> Path:
        """Failure record of a task."""
        return self.path / "failed" / f"{task_id}.json"

    # --------------------------------------------------------------- manifest
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or ``None`` if there is none."""
        if not self.manifest_path.exists():
            return None
        try:
            return json.loads(self.manifest_path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"{self.manifest_path}: unreadable manifest ({exc})") from None

    def prepare(self, config: SweepConfig, tasks: Iterable[TaskSpec]) -> None:
        """Create the store, or check that an existing one belongs to a compatible sweep.

        An existing store may be reused by a configuration that differs only in its grid (more ε,
        more realisations, other axis values) or its chunking; anything else that changes results
        (root seed, fixed model or simulation parameters, simulator) is refused.

        Raises
        ------
        ValueError
            What :meth:`check` refuses.
        """
        old = self.check(config)
        new_fixed = json.loads(canonical_json(config.fixed_parameters()))
        self.version_note = None
        if old is not None and old.get("lindhydro_version") != _version():
            self.version_note = (
                f"store {self.path} was started with lindhydro {old.get('lindhydro_version')}, this is "
                f"{_version()}: finished entries are kept (each records its own version); new ones use this version"
            )
        tasks_old = dict(old.get("tasks", {})) if old else {}
        tasks_old.update({t.task_id: t.parameters() for t in tasks})
        manifest = {
            "format": STORE_FORMAT,
            "format_version": STORE_FORMAT_VERSION,
            "lindhydro_version": _version(),
            "created": old.get("created") if old else _now(),
            "updated": _now(),
            "config": config.to_dict(),
            "fixed_parameters": new_fixed,
            "tasks": tasks_old,
        }
        for sub in ("entries", "checkpoints", "failed"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)
            for stale in (self.path / sub).glob(".*.tmp*"):  # left by a kill during a write
                with contextlib.suppress(OSError):
                    stale.unlink()
        _atomic_write_bytes(self.manifest_path, json.dumps(manifest, indent=1, sort_keys=True).encode())

    def check(self, config: SweepConfig) -> dict[str, Any] | None:
        """Everything :meth:`prepare` would refuse, checked without changing anything.

        ``lindhydro sweep --dry-run`` calls it, so that it refuses exactly what the real run refuses.

        Parameters
        ----------
        config : SweepConfig
            The configuration that wants to write to the store.

        Returns
        -------
        dict or None
            The existing manifest (``None`` for a new store).

        Raises
        ------
        ValueError
            The location cannot hold a store (:meth:`check_location`), the directory is not a sweep
            store, its manifest is unreadable, or it belongs to a sweep with other fixed parameters.
        """
        self.check_location()
        old = self._existing_manifest()
        if old is None:
            return None
        new_fixed = json.loads(canonical_json(config.fixed_parameters()))
        old_fixed = _with_precision(old.get("fixed_parameters", {}))
        _check_precision(self.path, old_fixed, new_fixed)
        diff = sorted(k for k in set(old_fixed) | set(new_fixed) if old_fixed.get(k) != new_fixed.get(k))
        if diff:
            raise ValueError(
                f"store {self.path} belongs to a sweep with different fixed parameters ({', '.join(diff)}): "
                f"was {canonical_json({k: old_fixed.get(k) for k in diff})}, now "
                f"{canonical_json({k: new_fixed.get(k) for k in diff})}. Use a new store path."
            )
        return old

    def check_location(self) -> None:
        """Check that the store directory exists and is writable, or can be created.

        Raises
        ------
        ValueError
            The path is a file, lies under a file, or no file can be written there (e.g. ``/proc``,
            a read-only file system).
        """
        path = self.path.absolute()
        if path.exists() and not path.is_dir():
            raise ValueError(f"store path {self.path} exists and is not a directory")
        existing = path if path.exists() else next(a for a in path.parents if a.exists())
        if not existing.is_dir():
            raise ValueError(f"store path {self.path}: {existing} is a file, not a directory")
        try:
            probe_directory(existing)
        except ValueError as exc:
            raise ValueError(f"store path {self.path}: {exc}") from None

    def _existing_manifest(self) -> dict[str, Any] | None:
        """The manifest of an existing store; ``None`` for a new (or empty) directory."""
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"store path {self.path} exists and is not a directory")
        old = self.read_manifest()
        if old is None and self.path.exists() and any(p.name != ".lock" for p in self.path.iterdir()):
            raise ValueError(
                f"{self.path} exists, is not empty and has no manifest.json: not a lindhydro sweep store "
                "(refusing to write into it; choose another [sweep] store)"
            )
        if old is not None and old.get("format") != STORE_FORMAT:
            raise ValueError(f"{self.manifest_path}: not a lindhydro sweep store manifest")
        return old

    # ------------------------------------------------------------------- lock
    def lock(self) -> None:
        """Take an exclusive lock on the store (released when the process exits, even if killed).

        Raises
        ------
        ValueError
            Another process holds the lock.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        fh = open(self.path / ".lock", "a+")  # noqa: SIM115 - kept open while locked
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise ValueError(self._in_use_message()) from None
        self._lock_fh = fh

    def _in_use_message(self) -> str:
        return f"store {self.path} is in use by another running sweep"

    def check_not_in_use(self) -> None:
        """Refuse a store whose :meth:`lock` another process holds, creating and changing nothing.

        Raises
        ------
        ValueError
            Another process holds the lock.
        """
        path = self.path / ".lock"
        if not path.is_file():
            return
        with open(path, "rb") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ValueError(self._in_use_message()) from None
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def unlock(self) -> None:
        """Release :meth:`lock`."""
        if self._lock_fh is not None:
            fcntl.flock(self._lock_fh.fileno(), fcntl.LOCK_UN)
            self._lock_fh.close()
            self._lock_fh = None

    # ---------------------------------------------------------------- entries
    def verify(self, task_id: str, *, move_damaged: bool = True) -> TaskRecord | None:
        """Read and verify a task's entry.

        Parameters
        ----------
        task_id : str
            The task.
        move_damaged : bool
            Move a damaged entry to ``corrupt/`` before raising (``False``: change nothing).

        Returns
        -------
        TaskRecord or None
            The entry; ``None`` if the task has none.

        Raises
        ------
        CorruptEntryError
            The entry is damaged or holds another task (the task must be recomputed).
        """
        path = self.entry_path(task_id)
        if not path.exists():
            return None
        try:
            rec = read_entry(path)
            if rec.task_id != task_id:
                raise CorruptEntryError(f"{path}: holds task {rec.task_id}, not {task_id}")
            return rec
        except CorruptEntryError:
            if move_damaged:
                self.quarantine(path)
            raise

    def quarantine(self, path: Path) -> Path:
        """Move a damaged file to ``corrupt/`` (timestamped); returns the new path."""
        dest = self.path / "corrupt" / f"{path.name}.{_dt.datetime.now(_dt.UTC).strftime('%Y%m%dT%H%M%S%f')}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), dest)
        return dest

    def write(self, spec: TaskSpec, arrays: dict[str, np.ndarray], info: dict[str, Any]) -> Path:
        """Write a finished task (atomically) and drop its checkpoint and failure record."""
        path = self.entry_path(spec.task_id)
        write_entry(path, spec, arrays, info)
        for p in (self.checkpoint_path(spec.task_id), self.failure_path(spec.task_id)):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
        return path

    def finished_ids(self) -> list[str]:
        """Task ids with an entry file (not verified)."""
        d = self.path / "entries"
        return sorted(p.stem for p in d.glob("*.nc")) if d.is_dir() else []

    # ------------------------------------------------------------ checkpoints
    def write_checkpoint(self, task_id: str, payload: dict[str, Any]) -> None:
        """Atomically store the state of an unfinished task (pickled, with a SHA-256 header)."""
        body = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        _atomic_write_bytes(self.checkpoint_path(task_id), _CKPT_MAGIC + hashlib.sha256(body).digest() + body)

    def read_checkpoint(self, task_id: str, *, move_damaged: bool = True) -> dict[str, Any] | None:
        """The checkpoint of a task, or ``None`` when it is absent or damaged.

        Parameters
        ----------
        task_id : str
            The task.
        move_damaged : bool
            Move a damaged checkpoint to ``corrupt/`` (``False``: read only, change nothing, as
            ``lindhydro sweep --dry-run`` does).

        Returns
        -------
        dict or None
            The payload given to :meth:`write_checkpoint`.
        """
        path = self.checkpoint_path(task_id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        payload = _decode_checkpoint(raw)
        if payload is None or payload.get("task_id") != task_id:
            if move_damaged:
                self.quarantine(path)
            return None
        return payload

    # --------------------------------------------------------------- failures
    def record_failure(self, spec: TaskSpec, error: str, tb: str, chunk: int) -> None:
        """Record that a task failed (parameters, error, traceback, chunk index)."""
        rec = {"task_id": spec.task_id, "parameters": spec.parameters(), "error": error,
               "traceback": tb, "chunk": chunk, "time": _now()}
        _atomic_write_bytes(self.failure_path(spec.task_id), json.dumps(rec, indent=1).encode())

    def failures(self) -> list[dict[str, Any]]:
        """Failure records currently in the store."""
        d = self.path / "failed"
        out = []
        for p in sorted(d.glob("*.json")) if d.is_dir() else []:
            with contextlib.suppress(OSError, json.JSONDecodeError):
                out.append(json.loads(p.read_text()))
        return out


def _decode_checkpoint(raw: bytes) -> dict[str, Any] | None:
    """The payload of a checkpoint file's bytes, or ``None`` if the magic line or checksum is wrong."""
    n = len(_CKPT_MAGIC)
    if raw[:n] != _CKPT_MAGIC or hashlib.sha256(raw[n + 32 :]).digest() != raw[n : n + 32]:
        return None
    try:
        payload = pickle.loads(raw[n + 32 :])
    except Exception:  # a checksummed pickle that still fails: written by an incompatible version
        return None
    return payload if isinstance(payload, dict) else None


def _with_precision(fixed: dict[str, Any]) -> dict[str, Any]:
    """Fixed parameters of a manifest with the precision stated (release 0.1's stores have none: float64-splitmix)."""
    sim = fixed.get("simulation")
    if not isinstance(sim, dict) or "precision" in sim:
        return fixed
    return fixed | {"simulation": sim | {"precision": RELEASE_PRECISION}}


def _check_precision(path: Path, old_fixed: dict[str, Any], new_fixed: dict[str, Any]) -> None:
    """Refuse to resume a store in another precision than it was written with (other trajectories)."""
    was = old_fixed.get("simulation", {}).get("precision")
    now = new_fixed.get("simulation", {}).get("precision")
    if was is not None and now is not None and was != now:
        note = " (a store without a recorded precision was written by release 0.1's integrator)" \
            if was == RELEASE_PRECISION else ""
        raise ValueError(
            f"store {path} was written with [simulation] precision = {was!r}{note}, this configuration asks for "
            f"{now!r}: the trajectories differ. Set precision = {was!r} to resume it, or use a new store path."
        )


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _axis_value(params: dict[str, Any], key: str) -> Any:
    if key in params["model"]:
        return params["model"][key]
    return params["simulation"][key]


def _read_entries(store: ResultStore, strict: bool) -> tuple[list[TaskRecord], int]:
    """Every verified entry of ``store`` and the number of damaged ones skipped (with a warning)."""
    records: list[TaskRecord] = []
    skipped = 0
    for tid in store.finished_ids():
        try:
            records.append(read_entry(store.entry_path(tid)))
        except CorruptEntryError as exc:
            if strict:
                raise
            skipped += 1
            warnings.warn(f"skipping damaged entry: {exc}", stacklevel=3)
    if not records:
        raise ValueError(f"store {store.path} has no finished, readable task")
    return records, skipped


def _grid_axes(records: list[TaskRecord], config: dict[str, Any]) -> list[str]:
    """The further grid axes: the configuration's, or (no manifest) the parameters that vary."""
    if config.get("axes"):
        return list(config["axes"])
    first = records[0].parameters
    return [key for section in ("model", "simulation") for key in first[section]
            if key != "time" and len({canonical_json(r.parameters[section].get(key)) for r in records}) > 1]


def _record_times(records: list[TaskRecord], store: Path) -> np.ndarray:
    """The record times shared by every entry (else a ``ValueError``)."""
    time = records[0].arrays["time"]
    for r in records:
        if not np.array_equal(r.arrays["time"], time):
            raise ValueError(
                f"store {store}: entries have different record times (e.g. task {r.task_id}); "
                "cannot assemble them on one time axis"
            )
    return time


@dataclass(frozen=True)
class _Grid:
    """Coordinates of the assembled dataset: ε, realisations and the further axes."""

    eps: list[float]
    n_realisations: int
    axes: list[str]
    axis_values: list[list[Any]]

    @classmethod
    def of(cls, records: list[TaskRecord], config: dict[str, Any]) -> _Grid:
        axes = _grid_axes(records, config)
        eps = sorted({r.parameters["eps"] for r in records} | set(config.get("eps", [])))
        n_real = max(max(r.parameters["realisation"] for r in records) + 1, config.get("realisations", 0))
        values = [sorted({_axis_value(r.parameters, a) for r in records}) for a in axes]
        return cls(eps, n_real, axes, values)

    @property
    def dims(self) -> list[str]:
        return ["eps", "realisation", *self.axes]

    @property
    def shape(self) -> list[int]:
        return [len(self.eps), self.n_realisations, *(len(v) for v in self.axis_values)]

    def index(self, params: dict[str, Any]) -> tuple[int, ...]:
        return (self.eps.index(params["eps"]), params["realisation"],
                *(vals.index(_axis_value(params, a)) for a, vals in zip(self.axes, self.axis_values, strict=True)))

    def coords(self, time: np.ndarray) -> dict[str, Any]:
        return {"eps": self.eps, "realisation": np.arange(self.n_realisations), "time": (("t",), time),
                **dict(zip(self.axes, self.axis_values, strict=True))}


def _gridded(grid: _Grid, records: list[TaskRecord], value: Callable[[TaskRecord], Any], trailing: int | None = None,
             fill: Any = np.nan, dtype: Any = float) -> np.ndarray:
    """``value(record)`` of every record placed on ``grid`` (``fill`` where a task is missing)."""
    out = np.full(grid.shape + ([] if trailing is None else [trailing]), fill, dtype=dtype)
    for r in records:
        out[grid.index(r.parameters)] = value(r)
    return out


def _correlation(grid: _Grid, records: list[TaskRecord]) -> tuple[np.ndarray, np.ndarray] | None:
    """Distances and gridded C(r) when every entry recorded it on the same distances."""
    r_sets = {tuple(r.arrays["r"]) for r in records if "r" in r.arrays}
    if len(r_sets) != 1 or not all("correlation" in r.arrays for r in records):
        return None
    r_dist = np.array(r_sets.pop())
    return r_dist, _gridded(grid, records, lambda r: r.arrays["correlation"], len(r_dist))


def open_store(path: str | Path, *, fields: bool = False, strict: bool = False):
    """Assemble the finished tasks of a store into an :class:`xarray.Dataset`.

    Every entry is verified (checksum) before use; damaged ones are skipped with a warning (or raise
    with ``strict=True``), never read silently.

    Parameters
    ----------
    path : path-like
        The store directory.
    fields : bool
        Also return the final field of every task (dims ``(..., x)``; needs equal ``length/dx``).
    strict : bool
        Raise :class:`CorruptEntryError` on a damaged entry instead of skipping it.

    Returns
    -------
    xarray.Dataset
        Dimensions ``eps``, ``realisation``, any further grid axes, and ``t`` (record index) with the
        coordinate ``time``; variables ``m2`` and ``wall_density`` (and further recorded series;
        ``wall_density_paper_units`` is ``wall_density`` per cell of the paper's ``dx = 0.25``),
        ``seed``, ``finished`` (bool); missing tasks are NaN.  ``attrs``: the manifest's configuration
        (JSON), lindhydro version(s), the integrator precision(s) (entries without one: release 0.1's
        ``float64-splitmix``), the number of damaged entries skipped.

    Raises
    ------
    ValueError
        No readable entries, or entries with different record times.
    """
    import xarray as xr

    store = ResultStore(path)
    if not store.path.is_dir():
        raise ValueError(f"store {store.path} does not exist")
    config = (store.read_manifest() or {}).get("config", {})
    records, skipped = _read_entries(store, strict)
    time = _record_times(records, store.path)
    grid = _Grid.of(records, config)
    series = [k for k, a in records[0].arrays.items() if k not in ("time", *_FIXED_DIMS) and a.shape == time.shape]
    dims = grid.dims
    ds = xr.Dataset(
        {k: ([*dims, "t"], _gridded(grid, records, lambda r, k=k: r.arrays[k], len(time))) for k in series}
        | {"seed": (dims, _gridded(grid, records, lambda r: np.int64(r.seed), fill=-1, dtype=np.int64)),
           "finished": (dims, _gridded(grid, records, lambda r: True, fill=False, dtype=bool))},
        coords=grid.coords(time),
    )
    if fields:
        n_cells = {r.arrays["final_field"].shape[0] for r in records if "final_field" in r.arrays}
        if len(n_cells) != 1:
            raise ValueError("fields=True needs the same number of cells in every task")
        ds["final_field"] = ([*dims, "x"], _gridded(grid, records, lambda r: r.arrays["final_field"], n_cells.pop()))
    corr = _correlation(grid, records)
    if corr is not None:
        ds = ds.assign_coords(r=(("r_index",), corr[0]))
        ds["correlation"] = ([*dims, "r_index"], corr[1])
        ds["correlation"].attrs["description"] = "C(r) = <m(x) m(x+r)>, averaged over the records of the second half of the run"
    ds.attrs.update({
        "store": str(store.path),
        "config": canonical_json(config),
        "parameters_example": canonical_json(records[0].parameters),
        "lindhydro_versions": ",".join(sorted({str(r.attrs.get("lindhydro_version")) for r in records})),
        "precision": ",".join(sorted({str(r.attrs.get("precision", RELEASE_PRECISION)) for r in records})),
        "damaged_entries_skipped": skipped,
    })
    ds["time"].attrs["units"] = "a^2/D"
    ds["wall_density"].attrs["units"] = "walls per unit length (1/a)"
    from lindhydro.field.model import PAPER_CELL

    ds["wall_density_paper_units"] = ds["wall_density"] * PAPER_CELL
    ds["wall_density_paper_units"].attrs["units"] = (
        "walls per cell of the paper's dx = 0.25 a (lindhydro.field.model.density_in_paper_units)")
    return ds
