"""What a field run returns: the final state (to continue from) and what its trackers recorded.

:class:`SimulationResult` holds ``records`` (tracker name -> record, :mod:`lindhydro.field.trackers`)
and reads the standard ones (``"means"``, ``"walls"``, ``"correlations"``, ``"snapshots"``) as
attributes.  Times in ``1/J`` (toy model ``a^2/D``), lengths in ``a``; averages are over the
records of the second half of the run.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lindhydro.field.model import density_in_paper_units
from lindhydro.field.numerics import RELEASE_PRECISION, precision_dtype
from lindhydro.field.trackers import Correlations, Snapshots, SpatialMeans, WallCounts

__all__ = ["SimulationBlowUp", "SimulationResult", "SimulationState", "finite_or_none"]

#: Format tag of :meth:`SimulationResult.save`.
SAVE_FORMAT = "lindhydro.field.SimulationResult/1"


def finite_or_none(x) -> float | None:
    """``float(x)``, or None when it is NaN or infinite (JSON has no NaN).

    Parameters
    ----------
    x : float
        A number.

    Returns
    -------
    float or None
    """
    x = float(x)
    return x if math.isfinite(x) else None


def _nan(x) -> float:
    return float("nan") if x is None else float(x)


@dataclass(frozen=True)
class SimulationState:
    """A point of a run from which it can be continued bit-identically.

    Attributes
    ----------
    field : numpy.ndarray, shape (n_cells,)
        Cell averages ``m_i``, in the run's precision (float32 or float64).
    step : int
        Global step index (number of steps since ``t = 0``); the generator is keyed by it.
    time : float
        ``t`` (units ``1/J``, toy model ``a^2/D``).
    key : int
        64-bit generator key (from the seed).
    dx, dt : float
        The lattice the state was produced on.
    precision : {"float32", "float64", "float64-splitmix"}, default "float64-splitmix"
        The integrator that produced it (:class:`~lindhydro.field.Numerics`); a run continues only in
        this precision.  The default is release 0.1's integrator, which wrote states without it.
    """

    field: np.ndarray
    step: int
    time: float
    key: int
    dx: float
    dt: float
    precision: str = RELEASE_PRECISION

    def __post_init__(self) -> None:
        precision_dtype(self.precision)  # validates

    def to_dict(self) -> dict:
        """JSON-ready (the field as a list)."""
        return {"field": self.field.tolist(), "step": self.step, "time": self.time, "key": str(self.key),
                "dx": self.dx, "dt": self.dt, "precision": self.precision}


def _recorded(record: str, attribute: str, doc: str, row: int | None = None) -> property:
    """A read-only attribute of :class:`SimulationResult` taken from one of its standard records."""

    def get(self: SimulationResult) -> Any:
        value = getattr(self.records[record], attribute)
        return value if row is None else value[row]

    return property(get, doc=doc)


@dataclass(frozen=True)
class SimulationResult:
    """Result of one realisation of :func:`lindhydro.field.simulate`.

    Attributes
    ----------
    parameters : dict
        Model (``model.to_dict()``), numerics, seed and key: everything that produced the result.
    final_state : SimulationState
        The last (finite) state; pass it as ``state=`` to continue.
    records : dict
        Tracker name -> what the tracker recorded: ``"means"`` (:class:`~lindhydro.field.trackers.SpatialMeans`),
        ``"walls"`` (:class:`~lindhydro.field.trackers.WallCounts`), ``"correlations"``
        (:class:`~lindhydro.field.trackers.Correlations`), ``"snapshots"``
        (:class:`~lindhydro.field.trackers.Snapshots`, when stored) and the caller's trackers.
    completed : bool
        False when the run stopped on a NaN/inf, or early because a tracker asked it to
        (``extra["stopped"]`` says why; ``final_state.time`` is the time reached).
    extra : dict
        Timings (``wall_seconds``, ``kernel_seconds``, ``site_updates_per_second``) and bookkeeping.
    """

    parameters: dict
    final_state: SimulationState
    records: dict
    completed: bool = True
    extra: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ the standard records
    times = _recorded("means", "times", "Record times.")
    m_mean = _recorded("means", "m_mean", "Spatial mean of ``m`` at the record times.")
    m2 = _recorded("means", "m2", "Spatial mean of ``m^2`` at the record times.")
    wall_count = _recorded("walls", "counts", "Number of walls (hysteresis count; nan without bistability) at the "
                           "record times.", row=0)
    wall_density = _recorded("walls", "density", "Walls per unit length at the record times.", row=0)
    r = _recorded("correlations", "r", "Distances ``n dx`` of :attr:`correlation`.")
    correlation = _recorded("correlations", "correlation", "``C(r) = <m(x) m(x+r)>`` averaged over space and the "
                            "records of the second half.")
    k = _recorded("correlations", "k", "Wave numbers of :attr:`structure_factor`.")
    structure_factor = _recorded("correlations", "structure_factor", "``S(k) = |sum_i m_i e^(-ikx_i)|^2 / n`` "
                                 "averaged like :attr:`correlation`.")

    @property
    def snapshots(self) -> np.ndarray | None:
        """Stored fields, shape (n_snapshots, n_cells) (None when none were stored)."""
        s = self.records.get("snapshots")
        return None if s is None else s.fields

    @property
    def snapshot_times(self) -> np.ndarray:
        """Times of the snapshots."""
        s = self.records.get("snapshots")
        return np.zeros(0) if s is None else s.times

    @property
    def m2_mean(self) -> float:
        """``<m^2>`` averaged over the second half of the run."""
        return self.records["means"].m2_mean

    @property
    def correlation_length(self) -> float:
        """``xi`` of the averaged ``C(r)`` (with conserved noise without the ``r = 0`` point)."""
        return self.records["correlations"].correlation_length

    @property
    def domain_wall_density(self) -> float:
        """Mean wall density over the second half."""
        return float(self.records["walls"].density_mean[0])

    @property
    def coarse_graining_length(self) -> float:
        """``ell`` of the wall count."""
        return float(self.records["walls"].ells[0])

    @property
    def site_updates_per_second(self) -> float:
        """``n_cells * steps / seconds`` spent in the kernel (all realisations of the run)."""
        return float(self.extra.get("site_updates_per_second", float("nan")))

    # ------------------------------------------------------------------ export
    def summary(self) -> dict:
        """The scalar results (JSON-ready); ``domain_wall_density_paper_units`` is the density per cell
        of the paper's ``dx = 0.25`` (:func:`lindhydro.field.model.density_in_paper_units`)."""
        return {
            "m2_mean": finite_or_none(self.m2_mean),
            "correlation_length": finite_or_none(self.correlation_length),
            "domain_wall_density": finite_or_none(self.domain_wall_density),
            "domain_wall_density_paper_units": finite_or_none(density_in_paper_units(self.domain_wall_density)),
            "coarse_graining_length": finite_or_none(self.coarse_graining_length),
            "site_updates_per_second": finite_or_none(self.site_updates_per_second),
            "completed": self.completed,
        } | ({"stopped": str(self.extra["stopped"])} if "stopped" in self.extra else {})

    def to_dict(self, *, series: bool = True) -> dict:
        """JSON-ready: parameters, summary and (if ``series``) the time series and ``C(r)``."""
        d = {"parameters": self.parameters, **self.summary()}
        d["final_time"] = self.final_state.time
        d["final_step"] = self.final_state.step
        if series:
            for name in ("times", "m_mean", "m2", "wall_density", "r", "correlation"):
                d[name] = [finite_or_none(x) for x in getattr(self, name)]
        return d

    def _saved(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """The standard records as arrays, and the JSON-ready description of the run."""
        names = ("times", "m_mean", "m2", "wall_count", "wall_density", "r", "correlation", "k",
                 "structure_factor", "snapshot_times")
        arrays = {name: np.asarray(getattr(self, name)) for name in names}
        arrays["steps"] = self.records["means"].steps
        arrays["final_field"] = self.final_state.field
        if self.snapshots is not None:
            arrays["snapshots"] = self.snapshots
        meta = {
            "format": SAVE_FORMAT,
            "parameters": self.parameters,
            "summary": self.summary(),
            "final_state": {k: v for k, v in self.final_state.to_dict().items() if k != "field"},
            "extra": self.extra,
        }
        return arrays, meta

    def to_xarray(self):
        """The result as an :class:`xarray.Dataset`: records over ``time``, ``C(r)``, ``S(k)``, the final field.

        Attributes: ``parameters``, ``summary``, ``final_state`` and ``extra`` as JSON, and flat
        ``completed`` (1/0), ``time_reached``, ``stopped`` (why an incomplete run ended, if it was
        stopped) and the model's name, ``eps``, ``gamma`` and ``renormalisation``.
        """
        import xarray as xr

        a, meta = self._saved()
        p = self.parameters
        data = {name: ("time", a[name]) for name in ("m_mean", "m2", "wall_count", "wall_density", "steps")}
        data |= {"correlation": ("r", a["correlation"]), "structure_factor": ("k", a["structure_factor"]),
                 "final_field": ("x", a["final_field"])}
        coords = {"time": a["times"], "r": a["r"], "k": a["k"],
                  "x": np.arange(a["final_field"].shape[0]) * float(p.get("dx", 1.0))}
        if "snapshots" in a:
            data["snapshots"] = (("snapshot_time", "x"), a["snapshots"])
            coords["snapshot_time"] = a["snapshot_times"]
        attrs = {key: json.dumps(meta[key]) for key in ("parameters", "summary", "final_state", "extra")}
        attrs |= {"format": SAVE_FORMAT, "completed": int(self.completed), "time_reached": self.final_state.time}
        if "stopped" in self.extra:
            attrs["stopped"] = str(self.extra["stopped"])
        model = p.get("model", {}) if isinstance(p.get("model"), dict) else {}
        attrs |= {f"model_{k}": v for k, v in model.items() if isinstance(v, str | int | float) and not isinstance(v, bool)}
        return xr.Dataset(data, coords=coords, attrs=attrs)

    def save(self, path) -> None:
        """Save the standard records: netCDF (xarray, :meth:`to_xarray`), or ``.npz`` when ``path`` ends in ``.npz``."""
        if str(path).lower().endswith(".npz"):
            arrays, meta = self._saved()
            with open(path, "wb") as fh:
                np.savez_compressed(fh, meta=np.array(json.dumps(meta)), **arrays)
            return
        self.to_xarray().to_netcdf(path, engine="h5netcdf")

    @classmethod
    def load(cls, path) -> SimulationResult:
        """Inverse of :meth:`save` (either format; the caller's trackers are not saved)."""
        if str(path).lower().endswith(".npz"):
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                a = {k: z[k] for k in z.files if k != "meta"}
        else:
            import xarray as xr

            with xr.open_dataset(path, engine="h5netcdf") as ds:
                meta = {key: json.loads(ds.attrs[key]) for key in ("parameters", "summary", "final_state", "extra")}
                a = {name: np.asarray(ds[name].values) for name in ds.data_vars}
                a |= {"times": np.asarray(ds["time"].values), "r": np.asarray(ds["r"].values),
                      "k": np.asarray(ds["k"].values),
                      "snapshot_times": np.asarray(ds["snapshot_time"].values) if "snapshot_time" in ds else np.zeros(0)}
        return cls._from_saved(meta, a)

    @classmethod
    def _from_saved(cls, meta: dict[str, Any], a: dict[str, np.ndarray]) -> SimulationResult:
        fs, s, p = meta["final_state"], meta["summary"], meta["parameters"]
        precision = fs.get("precision", RELEASE_PRECISION)  # files of release 0.1 have none
        field = np.asarray(a["final_field"], dtype=precision_dtype(precision))
        state = SimulationState(field, int(fs["step"]), float(fs["time"]), int(fs["key"]), float(fs["dx"]),
                                float(fs["dt"]), precision)
        step0, dt = int(p["step_start"]), float(p["dt"])

        def steps_of(times: np.ndarray) -> np.ndarray:
            return step0 + np.rint((times - float(p["t_start"])) / dt).astype(np.int64)

        steps = a["steps"] if "steps" in a else steps_of(a["times"])
        half = step0 + int(p["n_steps"]) // 2
        records: dict[str, Any] = {
            "means": SpatialMeans(steps, a["times"], a["m_mean"], a["m2"], _nan(s["m2_mean"])),
            "walls": WallCounts(np.array([_nan(s["coarse_graining_length"])]), _nan(p.get("wall_threshold")), steps,
                                a["times"], a["wall_count"][None, :], int(p["n_cells"]) * float(p["dx"]), half),
            "correlations": Correlations(a["r"], a["correlation"], a["k"], a["structure_factor"],
                                         int(np.sum(steps > half)), _nan(s["correlation_length"])),
        }
        if "snapshots" in a:
            records["snapshots"] = Snapshots(steps_of(a["snapshot_times"]), a["snapshot_times"], a["snapshots"])
        extra = dict(meta.get("extra", {}))
        extra.setdefault("site_updates_per_second", _nan(s["site_updates_per_second"]))
        return cls(parameters=p, final_state=state, records=records, completed=bool(s["completed"]), extra=extra)


class SimulationBlowUp(FloatingPointError):
    """The field became NaN/inf.  ``.result`` holds everything up to the last finite state.

    Parameters
    ----------
    message : str
        What happened (step, time, realisations) and what to do about it.
    result : SimulationResult or list of SimulationResult
        The partial result(s): records up to the blow-up and ``final_state`` = the last finite
        state (``completed = False``).
    """

    def __init__(self, message: str, result: SimulationResult | list[SimulationResult]):
        super().__init__(message)
        self.result = result
