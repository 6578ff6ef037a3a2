"""Integration of the stochastic field equation: :func:`simulate`, :func:`simulate_ensemble`.

Scheme
------
Periodic line of ``n = length / dx`` cells, cell averages ``m_i``.  Per step ``dt`` (Heun, the
same noise increment in both stages, as in the paper)::

    F(m)_i = D (m_(i+1) - 2 m_i + m_(i-1)) / dx^2 + f_lat(m_i)
    m*     = m + dt F(m) + eta
    m'     = m + dt/2 [F(m) + F(m*)] + eta

``f_lat`` is the model's force (Wick-ordered for ``renormalisation="wick"``, see
:mod:`lindhydro.field.model`).  The noise increment of cell ``i`` is
``eta_i = sqrt(site_noise dt/dx) g_i + (zeta_(i+1/2) - zeta_(i-1/2)) / dx`` with link noises
``zeta`` of variance ``thermal_noise dt / dx``; it is generated as the equivalent Gaussian MA(1)
process ``a z_i + b z_(i-1)`` from one counter-based normal per cell
(:func:`lindhydro.field.model.noise_ma_coefficients`, :mod:`lindhydro.field.rng`).  Without site
noise and force, ``sum_i m_i`` is conserved to round-off.

Random numbers are a function of ``(key, global step, cell)`` with ``key`` derived from the seed
by :class:`numpy.random.SeedSequence`, so a run continued from ``result.final_state`` is
bit-identical to an uninterrupted one, and an ensemble gives the same numbers for any number of
threads.

Checks before any heavy work: ``length`` and ``time`` must be multiples of ``dx`` and ``dt``;
``dt`` must respect the explicit stability limit (:meth:`FieldModel.max_stable_dt`); the memory
of the field, work arrays and snapshots must fit ``max_memory``.  A NaN/inf stops the run with
:class:`SimulationBlowUp`, which carries the partial result (last finite state included).

Accuracy of larger ``dt``: Heun multiplies the stationary variance of a mode with decay rate
``mu`` by ``(2 - lam)/(2 - lam + lam^2/2) = 1 - lam^2/4 + ...`` (``lam = mu dt``); at the grid
scale ``mu = 4 D / dx^2``.  See :func:`lindhydro.field.reference.heun_linear_variance`.
"""

from __future__ import annotations

import json
import math
import sys
import time as _time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lindhydro.field import kernels as _k
from lindhydro.field.model import FieldModel
from lindhydro.field.observables import (
    Recorder,
    correlation_length_of,
    default_ell,
    second_half_mean,
    wall_counter,
)
from lindhydro.field.rng import key_from_seed, seed_sequence

__all__ = [
    "SimulationBlowUp",
    "SimulationResult",
    "SimulationState",
    "check_numerics",
    "simulate",
    "simulate_ensemble",
]

#: Default upper bound on the memory a run may allocate (bytes).
DEFAULT_MAX_MEMORY = 4 * 2**30
#: Snapshots are stored by default only while they take less than this (bytes).
AUTO_SNAPSHOT_MEMORY = 64 * 2**20


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


@dataclass(frozen=True)
class SimulationState:
    """A point of a run from which it can be continued bit-identically.

    Attributes
    ----------
    field : numpy.ndarray, shape (n_cells,)
        Cell averages ``m_i``.
    step : int
        Global step index (number of steps since ``t = 0``); the generator is keyed by it.
    time : float
        ``t`` (units ``1/J``, toy model ``a^2/D``).
    key : int
        64-bit generator key (from the seed).
    dx, dt : float
        The lattice the state was produced on.
    """

    field: np.ndarray
    step: int
    time: float
    key: int
    dx: float
    dt: float

    def to_dict(self) -> dict:
        """JSON-ready (the field as a list)."""
        return {"field": self.field.tolist(), "step": self.step, "time": self.time, "key": str(self.key), "dx": self.dx, "dt": self.dt}


@dataclass(frozen=True)
class SimulationResult:
    """Result of :func:`simulate` (one realisation).

    Attributes
    ----------
    parameters : dict
        Model (``model.to_dict()``), numerics, seed and key: everything that produced the result.
    final_state : SimulationState
        The last (finite) state; pass it as ``state=`` to continue.
    times : numpy.ndarray
        Record times.
    m_mean, m2 : numpy.ndarray
        Spatial means of ``m`` and ``m^2`` at the record times.
    wall_count, wall_density : numpy.ndarray
        Number of walls (hysteresis count, ``lindhydro.analysis.walls.count_walls``) and walls per
        unit length at the record times (nan without bistability).
    r, correlation : numpy.ndarray
        ``C(r) = <m(x) m(x+r)>`` averaged over space and the records of the second half.
    k, structure_factor : numpy.ndarray
        ``S(k) = |sum_i m_i e^(-ikx_i)|^2 / n`` averaged likewise (white noise of per-cell
        variance ``s^2`` has ``S = s^2``).
    snapshots : numpy.ndarray or None, shape (n_snapshots, n_cells)
        Stored fields (kymograph).
    snapshot_times : numpy.ndarray
        Times of the snapshots.
    m2_mean : float
        ``<m^2>`` averaged over the second half of the run.
    correlation_length : float
        From the averaged ``C(r)`` (:func:`lindhydro.analysis.correlations.correlation_length_from_function`).
        With conserved noise the ``r = 0`` point, which carries the lattice-scale white noise
        ``chi_T / dx``, is left out: the fit window is relative to ``C(dx)``.
    domain_wall_density : float
        Mean wall density over the second half.
    coarse_graining_length : float
        ``ell`` used by the wall count.
    site_updates_per_second : float
        ``n_cells * steps / seconds`` spent in the kernel.
    completed : bool
        False when the run stopped on a NaN/inf.
    extra : dict
        Timings (``wall_seconds``, ``kernel_seconds``) and bookkeeping.
    """

    parameters: dict
    final_state: SimulationState
    times: np.ndarray
    m_mean: np.ndarray
    m2: np.ndarray
    wall_count: np.ndarray
    wall_density: np.ndarray
    r: np.ndarray
    correlation: np.ndarray
    k: np.ndarray
    structure_factor: np.ndarray
    snapshots: np.ndarray | None
    snapshot_times: np.ndarray
    m2_mean: float
    correlation_length: float
    domain_wall_density: float
    coarse_graining_length: float
    site_updates_per_second: float
    completed: bool = True
    extra: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """The scalar results (JSON-ready)."""
        return {
            "m2_mean": _f(self.m2_mean),
            "correlation_length": _f(self.correlation_length),
            "domain_wall_density": _f(self.domain_wall_density),
            "coarse_graining_length": _f(self.coarse_graining_length),
            "site_updates_per_second": _f(self.site_updates_per_second),
            "completed": self.completed,
        }

    def to_dict(self, *, series: bool = True) -> dict:
        """JSON-ready: parameters, summary and (if ``series``) the time series and ``C(r)``."""
        d = {"parameters": self.parameters, **self.summary()}
        d["final_time"] = self.final_state.time
        d["final_step"] = self.final_state.step
        if series:
            d["times"] = [_f(x) for x in self.times]
            d["m_mean"] = [_f(x) for x in self.m_mean]
            d["m2"] = [_f(x) for x in self.m2]
            d["wall_density"] = [_f(x) for x in self.wall_density]
            d["r"] = [_f(x) for x in self.r]
            d["correlation"] = [_f(x) for x in self.correlation]
        return d

    def save(self, path) -> None:
        """Save to a self-describing ``.npz`` (arrays + JSON ``meta`` with parameters and summary)."""
        arrays = {
            "times": self.times,
            "m_mean": self.m_mean,
            "m2": self.m2,
            "wall_count": self.wall_count,
            "wall_density": self.wall_density,
            "r": self.r,
            "correlation": self.correlation,
            "k": self.k,
            "structure_factor": self.structure_factor,
            "snapshot_times": self.snapshot_times,
            "final_field": self.final_state.field,
        }
        if self.snapshots is not None:
            arrays["snapshots"] = self.snapshots
        meta = {
            "format": "lindhydro.field.SimulationResult/1",
            "parameters": self.parameters,
            "summary": self.summary(),
            "final_state": {k: v for k, v in self.final_state.to_dict().items() if k != "field"},
            "extra": self.extra,
        }
        with open(path, "wb") as fh:
            np.savez_compressed(fh, meta=np.array(json.dumps(meta)), **arrays)

    @classmethod
    def load(cls, path) -> SimulationResult:
        """Inverse of :meth:`save`."""
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            a = {k: z[k] for k in z.files if k != "meta"}
        fs = meta["final_state"]
        state = SimulationState(a["final_field"], int(fs["step"]), float(fs["time"]), int(fs["key"]), float(fs["dx"]), float(fs["dt"]))
        s = meta["summary"]
        return cls(
            parameters=meta["parameters"],
            final_state=state,
            times=a["times"],
            m_mean=a["m_mean"],
            m2=a["m2"],
            wall_count=a["wall_count"],
            wall_density=a["wall_density"],
            r=a["r"],
            correlation=a["correlation"],
            k=a["k"],
            structure_factor=a["structure_factor"],
            snapshots=a.get("snapshots"),
            snapshot_times=a["snapshot_times"],
            m2_mean=_nan(s["m2_mean"]),
            correlation_length=_nan(s["correlation_length"]),
            domain_wall_density=_nan(s["domain_wall_density"]),
            coarse_graining_length=_nan(s["coarse_graining_length"]),
            site_updates_per_second=_nan(s["site_updates_per_second"]),
            completed=bool(s["completed"]),
            extra=meta.get("extra", {}),
        )


def _f(x):
    x = float(x)
    return x if math.isfinite(x) else None


def _nan(x):
    return float("nan") if x is None else float(x)


def _multiple(value: float, unit: float, what: str, unit_name: str) -> int:
    n = int(round(value / unit))
    if n < 1 or abs(n * unit - value) > 1e-9 * max(abs(value), unit):
        raise ValueError(f"{what} = {value!r} must be a positive integer multiple of {unit_name} = {unit!r}")
    return n


def check_numerics(model: FieldModel, *, length: float, time: float, dx: float, dt: float, n_realisations: int = 1,
                   n_snapshots: int = 0, max_memory: float = DEFAULT_MAX_MEMORY) -> dict:
    """Validate a run before any heavy work.

    Parameters
    ----------
    model : FieldModel
        The model (its force sets the stability limit).
    length, time : float
        Ring length and run time; multiples of ``dx`` and ``dt``.
    dx, dt : float
        Cell width and time step.
    n_realisations : int
        Number of fields held at once (ensembles).
    n_snapshots : int
        Snapshots per realisation that will be stored.
    max_memory : float
        Upper bound in bytes.

    Returns
    -------
    dict
        ``n_cells``, ``n_steps``, ``dt_max`` (the stability limit) and ``bytes`` (the estimate).

    Raises
    ------
    ValueError
        On a non-positive or inconsistent length/time/dx/dt, on ``dt`` beyond the explicit
        stability limit (:meth:`FieldModel.max_stable_dt`), or when the memory estimate exceeds
        ``max_memory``.
    """
    if not isinstance(model, FieldModel):
        raise ValueError(f"model must be a lindhydro.field.FieldModel, got {type(model).__name__}")
    for name, v in (("dx", dx), ("dt", dt), ("length", length), ("time", time)):
        if not (isinstance(v, int | float | np.integer | np.floating) and math.isfinite(v) and v > 0):
            raise ValueError(f"{name} must be a positive finite number, got {v!r}")
    n_cells = _multiple(float(length), float(dx), "length", "dx")
    n_steps = _multiple(float(time), float(dt), "time", "dt")
    dt_max = model.max_stable_dt(float(dx), n_cells=n_cells)
    if dt > dt_max:
        raise ValueError(
            f"dt = {dt:g} exceeds the explicit stability limit {dt_max:.4g} for dx = {dx:g} "
            f"(0.9 * 2 / (4 D / dx^2 + max|f'|) with D = {model.D:g}; diffusion alone allows dt <= dx^2/(2D) = "
            f"{dx * dx / (2 * model.D) if model.D > 0 else float('inf'):.4g}); use dt <= {dt_max:.4g} or a larger dx"
        )
    # field + 5 work arrays (kernel) + 2 per realisation copies, plus snapshots
    nbytes = 8 * n_cells * n_realisations * (8 + n_snapshots) + 8 * n_cells * 4
    if nbytes > max_memory:
        raise ValueError(
            f"the run needs about {nbytes / 2**30:.2f} GiB ({n_realisations} x {n_cells} cells, "
            f"{n_snapshots} snapshots), more than max_memory = {max_memory / 2**30:.2f} GiB; "
            "reduce length, the number of snapshots (snapshot_every) or raise max_memory"
        )
    return {"n_cells": n_cells, "n_steps": n_steps, "dt_max": dt_max, "bytes": nbytes}


def _initial_field(initial, model: FieldModel, n_cells: int, ss: np.random.SeedSequence) -> tuple[np.ndarray, str]:
    if isinstance(initial, str):
        if initial == "random":
            child = np.random.SeedSequence(ss.entropy, spawn_key=tuple(ss.spawn_key) + (0x1A17,))
            amp = 0.1 * (model.m0 or 1.0)
            return np.random.default_rng(child).normal(0.0, amp, n_cells), "random"
        if initial in ("plus", "minus"):
            if model.m0 is None:
                raise ValueError(f'initial="{initial}" needs a bistable force (m0); this model has none')
            return np.full(n_cells, model.m0 if initial == "plus" else -model.m0), initial
        if initial == "zero":
            return np.zeros(n_cells), "zero"
        raise ValueError(f'initial must be "random", "plus", "minus", "zero" or an array, got {initial!r}')
    arr = np.array(initial, dtype=float)
    if arr.shape != (n_cells,):
        raise ValueError(f"initial array must have shape ({n_cells},) (length/dx cells), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("initial array contains NaN or inf")
    return arr, "array"


def _seed_repr(ss: np.random.SeedSequence) -> dict:
    ent = ss.entropy
    return {"entropy": ent if isinstance(ent, int) else (list(ent) if ent is not None else None),
            "spawn_key": list(ss.spawn_key)}


def _run(model: FieldModel, fields: np.ndarray, keys: list[int], *, step0: int, t0: float, n_steps: int, dx: float,
         dt: float, record_every: int, snapshot_every: int, recorders: list[Recorder], progress: bool,
         check_every: int) -> tuple[int, list[int], float, list[int]]:
    """Advance all rows of ``fields`` in chunks between record/snapshot events.

    Returns (steps done by all rows, per-row steps with a finite field, kernel seconds, rows that
    blew up)."""
    n_cells = fields.shape[1]
    coeffs = tuple(float(c) for c in model.lattice_force_coeffs(dx, dt, n_cells))
    a, b = model.noise_coefficients(dx, dt)
    R = fields.shape[0]
    keys_arr = np.array([np.uint64(k) for k in keys], dtype=np.uint64)
    done_arr = np.zeros(R, dtype=np.int64)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_steps, file=sys.stderr, unit="step", desc="simulate", leave=False, mininterval=0.5)
    # compile / load the specialisation outside the timed region
    warm = np.zeros((min(R, 2), 2))
    if R == 1:
        _k.heun_run(warm[0], coeffs, model.D, dx, dt, a, b, np.uint64(0), 0, 0, check_every)
    else:
        _k.heun_run_ensemble(warm, coeffs, model.D, dx, dt, a, b, keys_arr[:2], 0, 0, check_every,
                             np.zeros(2, dtype=np.int64))
    kernel_s = 0.0
    done = 0
    try:
        while done < n_steps:
            g = step0 + done
            nxt = step0 + n_steps
            if record_every:
                nxt = min(nxt, (g // record_every + 1) * record_every)
            if snapshot_every:
                nxt = min(nxt, (g // snapshot_every + 1) * snapshot_every)
            # chunks of ~2e7 site-updates (~0.1 s): a live progress bar, negligible call overhead
            nxt = min(nxt, g + max(1, 20_000_000 // max(1, n_cells * R)))
            n = nxt - g
            t_start = _time.perf_counter()
            if R == 1:
                row = fields[0]
                got = _k.heun_run(row, coeffs, model.D, dx, dt, a, b, np.uint64(keys[0]), g, n, check_every)
                done_arr[0] = got
            else:
                _k.heun_run_ensemble(fields, coeffs, model.D, dx, dt, a, b, keys_arr, g, n, check_every, done_arr)
            kernel_s += _time.perf_counter() - t_start
            if np.any(done_arr < n):
                return done, [done + int(x) for x in done_arr], kernel_s, [int(r) for r in np.flatnonzero(done_arr < n)]
            done += n
            if bar is not None:
                bar.update(n)
            t_now = t0 + done * dt
            if record_every and nxt % record_every == 0:
                for r in range(R):
                    recorders[r].record(nxt, t_now, fields[r])
            if snapshot_every and nxt % snapshot_every == 0:
                for r in range(R):
                    recorders[r].snapshot(nxt, t_now, fields[r])
    finally:
        if bar is not None:
            bar.close()
    return done, [done] * R, kernel_s, []


def _positive_zeros(coeffs) -> int:
    """Number of zeros m > 0 of the odd polynomial sum_k c_k m^(2k+1)."""
    c = np.asarray(coeffs, dtype=float)
    if c.size < 2:
        return 0
    roots = np.roots(c[::-1])
    return int(sum(1 for r in roots if abs(r.imag) < 1e-9 * max(1.0, abs(r)) and r.real > 0))


def _prepare(model, *, length, time, dx, dt, record_every, snapshot_every, n_realisations, max_memory, state_step):
    chk = check_numerics(model, length=length, time=time, dx=dx, dt=dt, n_realisations=n_realisations,
                         max_memory=max_memory)
    n_cells, n_steps = chk["n_cells"], chk["n_steps"]
    if record_every is None:
        record_every = max(1, min(n_steps, int(round(1.0 / dt))))
    if not (isinstance(record_every, int | np.integer) and record_every >= 1):
        raise ValueError(f"record_every must be a positive number of steps, got {record_every!r}")
    record_every = int(record_every)
    n_rec = (state_step + n_steps) // record_every - state_step // record_every
    if snapshot_every is None:
        per = 8 * n_cells * n_realisations * max(n_rec, 1)
        snapshot_every = record_every if per <= AUTO_SNAPSHOT_MEMORY else 0
    if not (isinstance(snapshot_every, int | np.integer) and snapshot_every >= 0):
        raise ValueError(f"snapshot_every must be a number of steps >= 0 (0 = none), got {snapshot_every!r}")
    snapshot_every = int(snapshot_every)
    n_snap = (state_step + n_steps) // snapshot_every - state_step // snapshot_every if snapshot_every else 0
    check_numerics(model, length=length, time=time, dx=dx, dt=dt, n_realisations=n_realisations,
                   n_snapshots=n_snap, max_memory=max_memory)
    if model.renormalisation == "wick" and len(model.force_coeffs) > 2:
        lat = model.lattice_force_coeffs(dx, dt, n_cells)
        if _positive_zeros(lat) != _positive_zeros(model.force_coeffs):
            warnings.warn(
                f"the Wick-ordered lattice force {tuple(round(c, 5) for c in lat)} (C = "
                f"{model.counterterm_variance(dx, dt, n_cells):.3g}) has a different number of positive zeros than "
                f"f {tuple(round(c, 5) for c in model.force_coeffs)}: for a force of degree > 3 the counterterms "
                "of order C^2 dominate on cells this fine; use cells of a few lattice constants (larger dx) so "
                "that chi_T/dx << m0^2",
                stacklevel=3,
            )
    return n_cells, n_steps, record_every, snapshot_every, n_snap


def simulate(
    model: FieldModel,
    *,
    length: float,
    time: float,
    dx: float = 0.25,
    dt: float = 0.001,
    seed=None,
    initial: str | np.ndarray = "random",
    state: SimulationState | None = None,
    record_every: int | None = None,
    snapshot_every: int | None = None,
    ell: float | None = None,
    threshold: float | None = None,
    progress: bool = False,
    trackers: Sequence[Callable] = (),
    check_every: int = 64,
    max_memory: float = DEFAULT_MAX_MEMORY,
) -> SimulationResult:
    """Integrate the field equation of ``model`` on a periodic line (module docstring: scheme).

    Parameters
    ----------
    model : FieldModel
        Force, diffusion constant, noise strengths and renormalisation.
    length : float
        Length of the ring (units ``a``); a multiple of ``dx``.
    time : float
        Duration of this call (units ``1/J``; toy model ``a^2/D``); a multiple of ``dt``.
    dx, dt : float, default 0.25, 0.001
        Cell width and time step (the paper's values).  ``dt`` beyond the explicit stability
        limit is refused.
    seed : int, sequence of int or numpy.random.SeedSequence
        Required unless ``state`` is given (then it must match the state's key if given).
    initial : {"random", "plus", "minus", "zero"} or array, default "random"
        ``"random"``: i.i.d. ``N(0, (0.1 m0)^2)`` cells from a stream derived from the seed;
        ``"plus"``/``"minus"``: uniform ``+-m0``.  Ignored when ``state`` is given.
    state : SimulationState, optional
        Continue from this state (e.g. ``previous.final_state``): bit-identical to an
        uninterrupted run.
    record_every : int, optional
        Record observables every this many *global* steps (default: every unit of time, at most
        ``time / dt``).
    snapshot_every : int, optional
        Store the field every this many global steps (0 = never).  Default: at every record if the
        snapshots take less than 64 MiB, otherwise none.
    ell : float, optional
        Coarse-graining length of the wall count (default
        :func:`lindhydro.analysis.walls.default_coarse_graining_length`, half the wall width).
    threshold : float, optional
        Hysteresis threshold of the wall count (default ``m0 / 2``).
    progress : bool
        tqdm progress bar on stderr.
    trackers : sequence of callables
        ``tracker(step, time, m)`` called at every record (``m`` must not be kept without copying).
    check_every : int, default 64
        Steps between NaN/inf checks inside the kernel (a blow-up is located exactly by replay).
    max_memory : float
        Refuse runs estimated to need more bytes.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        Bad input (before any heavy work).
    SimulationBlowUp
        The field became NaN/inf; ``exc.result`` holds the partial result and last finite state.
    """
    if state is not None:
        if not isinstance(state, SimulationState):
            raise ValueError(f"state must be a SimulationState, got {type(state).__name__}")
        if abs(state.dx - dx) > 1e-12 * dx:
            raise ValueError(f"state was produced with dx = {state.dx}, cannot continue with dx = {dx}")
        if seed is not None and key_from_seed(seed) != state.key:
            raise ValueError("seed does not match the state's key: continue with the same seed (or seed=None)")
        ss = None
        key = int(state.key)
        step0, t0 = int(state.step), float(state.time)
    else:
        ss = seed_sequence(seed)
        key = key_from_seed(ss)
        step0, t0 = 0, 0.0
    n_cells, n_steps, record_every, snapshot_every, n_snap = _prepare(
        model, length=length, time=time, dx=dx, dt=dt, record_every=record_every, snapshot_every=snapshot_every,
        n_realisations=1, max_memory=max_memory, state_step=step0)
    if state is not None:
        if state.field.shape != (n_cells,):
            raise ValueError(f"state.field has {state.field.shape[0]} cells, length/dx gives {n_cells}")
        m = np.array(state.field, dtype=float)
        init_name = "state"
    else:
        m, init_name = _initial_field(initial, model, n_cells, ss)
    seed_info = _seed_repr(ss) if ss is not None else {"continued_from_key": str(key)}
    return _simulate_rows(model, [m], [key], [seed_info], init_name, step0=step0, t0=t0, n_cells=n_cells,
                          n_steps=n_steps, length=length, time=time, dx=dx, dt=dt, record_every=record_every,
                          snapshot_every=snapshot_every, n_snap=n_snap, ell=ell, threshold=threshold,
                          progress=progress, trackers=trackers, check_every=check_every)[0]


def simulate_ensemble(
    model: FieldModel,
    *,
    realisations: int,
    length: float,
    time: float,
    dx: float = 0.25,
    dt: float = 0.001,
    seed=None,
    initial: str | np.ndarray = "random",
    states: Sequence[SimulationState] | None = None,
    record_every: int | None = None,
    snapshot_every: int | None = 0,
    ell: float | None = None,
    threshold: float | None = None,
    progress: bool = False,
    threads: int | None = None,
    check_every: int = 64,
    max_memory: float = DEFAULT_MAX_MEMORY,
) -> list[SimulationResult]:
    """Integrate ``realisations`` independent runs in parallel (numba ``prange``, all cores).

    Realisation ``r`` uses ``SeedSequence(seed).spawn(realisations)[r]`` (equivalently
    ``SeedSequence(seed, spawn_key=(r,))``) and equals ``simulate(model, seed=that child, ...)``
    bit for bit, for any number of threads.  Other parameters as in :func:`simulate`
    (``snapshot_every`` defaults to 0 here).

    Parameters
    ----------
    model : FieldModel
        As in :func:`simulate`.
    realisations : int
        Number of runs (>= 1).
    length, time, dx, dt : float
        As in :func:`simulate`.
    seed : int, sequence of int or numpy.random.SeedSequence
        Parent seed; realisation ``r`` uses the child with ``spawn_key + (r,)``.
    initial : str or array
        As in :func:`simulate` (a string is applied per realisation with its own stream).
    states : sequence of SimulationState, optional
        Continue each realisation from its state (then ``seed`` may be omitted).
    record_every, snapshot_every : int, optional
        As in :func:`simulate` (``snapshot_every`` defaults to 0 here).
    ell, threshold : float, optional
        Wall-count parameters as in :func:`simulate`.
    progress : bool
        Progress bar on stderr.
    threads : int, optional
        numba threads to use (default: all).
    check_every : int
        Steps between NaN/inf checks.
    max_memory : float
        Refuse runs estimated to need more bytes.

    Returns
    -------
    list of SimulationResult
    """
    if not (isinstance(realisations, int | np.integer) and realisations >= 1):
        raise ValueError(f"realisations must be a positive integer, got {realisations!r}")
    R = int(realisations)
    if states is not None:
        if len(states) != R:
            raise ValueError(f"got {len(states)} states for {R} realisations")
        steps = {int(s.step) for s in states}
        if len(steps) != 1:
            raise ValueError("all states must be at the same global step")
        step0 = steps.pop()
        t0 = float(states[0].time)
        keys = [int(s.key) for s in states]
        seed_infos = [{"continued_from_key": str(k)} for k in keys]
    else:
        parent = seed_sequence(seed)
        children = [np.random.SeedSequence(parent.entropy, spawn_key=tuple(parent.spawn_key) + (r,)) for r in range(R)]
        keys = [key_from_seed(c) for c in children]
        seed_infos = [_seed_repr(c) for c in children]
        step0, t0 = 0, 0.0
    n_cells, n_steps, record_every, snapshot_every, n_snap = _prepare(
        model, length=length, time=time, dx=dx, dt=dt, record_every=record_every, snapshot_every=snapshot_every,
        n_realisations=R, max_memory=max_memory, state_step=step0)
    if states is not None:
        rows = []
        for s in states:
            if s.field.shape != (n_cells,):
                raise ValueError(f"a state has {s.field.shape[0]} cells, length/dx gives {n_cells}")
            rows.append(np.array(s.field, dtype=float))
        init_name = "state"
    else:
        rows = []
        for c in children:
            m, init_name = _initial_field(initial, model, n_cells, c)
            rows.append(m)
    import numba

    old = numba.get_num_threads()
    if threads is not None:
        if not (1 <= int(threads) <= numba.config.NUMBA_NUM_THREADS):
            raise ValueError(f"threads must be between 1 and {numba.config.NUMBA_NUM_THREADS}, got {threads!r}")
        numba.set_num_threads(int(threads))
    try:
        return _simulate_rows(model, rows, keys, seed_infos, init_name, step0=step0, t0=t0, n_cells=n_cells,
                              n_steps=n_steps, length=length, time=time, dx=dx, dt=dt, record_every=record_every,
                              snapshot_every=snapshot_every, n_snap=n_snap, ell=ell, threshold=threshold,
                              progress=progress, trackers=(), check_every=check_every)
    finally:
        numba.set_num_threads(old)


def _correlation_length(model: FieldModel, arr: dict) -> float:
    """xi from the averaged C(r); with conserved noise the r = 0 point (which carries the
    lattice-scale white noise chi_T/dx) is left out and the fit window is relative to C(dx)."""
    r, C = arr["r"], arr["correlation"]
    if model.thermal_noise > 0 and r.size > 2:
        return correlation_length_of(r[1:] - r[1], C[1:])
    return correlation_length_of(r, C)


def _simulate_rows(model, rows, keys, seed_infos, init_name, *, step0, t0, n_cells, n_steps, length, time, dx, dt,
                   record_every, snapshot_every, n_snap, ell, threshold, progress, trackers, check_every):
    if not (isinstance(check_every, int | np.integer) and check_every >= 1):
        raise ValueError(f"check_every must be a positive integer, got {check_every!r}")
    R = len(rows)
    fields = np.ascontiguousarray(np.stack(rows))
    ell_used = default_ell(model) if ell is None else float(ell)
    if ell is not None and not (math.isfinite(ell_used) and 0 <= ell_used < n_cells * dx):
        raise ValueError(f"ell must be a finite length >= 0 and shorter than the ring ({n_cells * dx:g}), got {ell!r}")
    if threshold is not None and not (math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be a positive number, got {threshold!r}")
    count = wall_counter(model, dx, ell_used, threshold, n_cells)
    half = step0 + n_steps // 2
    recorders = [Recorder(n_cells, dx, count, half, n_snap, trackers) for _ in range(R)]
    C_wick = model.counterterm_variance(dx, dt, n_cells)
    a, b = model.noise_coefficients(dx, dt)
    wall0 = _time.perf_counter()
    done, per_row, kernel_s, bad = _run(model, fields, keys, step0=step0, t0=t0, n_steps=n_steps, dx=dx, dt=dt,
                                   record_every=record_every, snapshot_every=snapshot_every, recorders=recorders,
                                   progress=progress, check_every=check_every)
    wall = _time.perf_counter() - wall0
    completed = not bad
    results = []
    for r in range(R):
        row_steps = per_row[r]
        st = SimulationState(fields[r].copy(), step0 + row_steps, t0 + row_steps * dt, int(keys[r]), float(dx), float(dt))
        arr = recorders[r].arrays()
        params = {
            "model": model.to_dict(),
            "length": float(length),
            "n_cells": n_cells,
            "dx": float(dx),
            "dt": float(dt),
            "time": float(time),
            "t_start": float(t0),
            "t_end": float(t0 + n_steps * dt),
            "step_start": int(step0),
            "n_steps": int(n_steps),
            "seed": seed_infos[r],
            "key": str(keys[r]),
            "initial": init_name,
            "record_every": record_every,
            "snapshot_every": snapshot_every,
            "coarse_graining_length": _f(ell_used),
            "wall_threshold": _f(threshold if threshold is not None else (0.5 * model.m0 if model.m0 else float("nan"))),
            "lattice_force_coeffs": list(model.lattice_force_coeffs(dx, dt, n_cells)),
            "counterterm_variance": C_wick,
            "noise_ma_coefficients": [a, b],
            "averages_from_time": float(t0 + (half - step0) * dt),
            "scheme": "Heun (same noise in both stages), periodic, counter-based normals",
        }
        results.append(SimulationResult(
            parameters=params,
            final_state=st,
            times=arr["times"],
            m_mean=arr["m_mean"],
            m2=arr["m2"],
            wall_count=arr["wall_count"],
            wall_density=arr["wall_density"],
            r=arr["r"],
            correlation=arr["correlation"],
            k=arr["k"],
            structure_factor=arr["structure_factor"],
            snapshots=arr["snapshots"],
            snapshot_times=arr["snapshot_times"],
            m2_mean=second_half_mean(arr["steps"], arr["m2"], half),
            correlation_length=_correlation_length(model, arr) if arr["n_averaged"] else float("nan"),
            domain_wall_density=second_half_mean(arr["steps"], arr["wall_density"], half),
            coarse_graining_length=ell_used,
            site_updates_per_second=(n_cells * R * done / kernel_s) if kernel_s > 0 else float("nan"),
            completed=completed,
            extra={"wall_seconds": wall, "kernel_seconds": kernel_s, "realisations_in_run": R},
        ))
    if not completed:
        first = min(per_row[r] for r in bad)
        msg = (f"the field became NaN/inf after global step {step0 + first} (t = {t0 + first * dt:g}) in "
               f"realisation(s) {bad}; the last finite state and everything recorded up to it are in exc.result. "
               f"Reduce dt (now {dt:g}, stability limit {model.max_stable_dt(dx, n_cells=n_cells):.4g}) or check the force")
        raise SimulationBlowUp(msg, results[0] if R == 1 else results)
    return results
