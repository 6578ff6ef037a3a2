"""An exactly solvable stand-in model and simulator for testing sweep machinery (preset ``"ou"``).

Each of the ``L/dx`` cells is an independent Ornstein–Uhlenbeck process

    dm = -r m dt + ξ,     r = rate·ε,     ⟨ξ(t)ξ(t')⟩ = (noise/dx) δ(t - t'),

advanced with its *exact* one-step transition m ← a m + s z, a = exp(-r dt), s² = noise (1 - a²)/(2 r dx),
so the stationary law is Gaussian with variance ``noise / (2 r dx)`` at every dt, and a ``"random"``
initial field is drawn from it.  Because the cells are independent and symmetric, a sign change
between neighbours has probability exactly 1/2: the recorded "wall density" (sign changes per unit
length on the periodic line) has expectation ``1 / (2 dx)`` at all times.

The interface copies :func:`lindhydro.field.simulate` (``state=`` continuation, seed, records every
``record_every`` global steps), including its contract that a run of time T equals two runs of T/2
chained through ``state=`` bit for bit: the normal deviates of global step n come from
``SeedSequence([seed, n])``, independent of how the run is split.  A negative ``rate`` makes the
dynamics unstable; the run then stops with a ``FloatingPointError`` naming the time at which the field
stopped being finite, like the real integrator.  ``delay`` (seconds of sleep per step) makes tasks
slow enough to interrupt in tests.
"""

from __future__ import annotations

import time as _time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["OUModel", "OUResult", "OUState", "ou_model", "ou_simulate"]


@dataclass(frozen=True)
class OUModel:
    """Independent Ornstein–Uhlenbeck cells (see the module docstring).

    Parameters
    ----------
    eps : float
        Coupling strength; the relaxation rate is ``rate * eps``.
    rate : float
        Relaxation rate per unit ε (units 1/time).  Negative: unstable.
    noise : float
        Noise variance per unit length and time.
    delay : float
        Wall-clock seconds slept per step (testing interruption only).
    name : str
        Model name.
    """

    eps: float
    rate: float = 1.0
    noise: float = 1.0
    delay: float = 0.0
    name: str = "ou"

    def stationary_variance(self, dx: float) -> float:
        """Exact stationary one-cell variance ``noise / (2 rate eps dx)``."""
        return self.noise / (2.0 * self.rate * self.eps * dx)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        return asdict(self)


def ou_model(eps: float, *, rate: float = 1.0, noise: float = 1.0, delay: float = 0.0) -> OUModel:
    """Build an :class:`OUModel` (the ``"ou"`` preset's builder); validates its input.

    Parameters
    ----------
    eps : float
        Coupling strength (> 0).
    rate : float
        Relaxation rate per unit ε (non-zero; negative is unstable).
    noise : float
        Noise variance per unit length and time (> 0).
    delay : float
        Seconds slept per step (>= 0).

    Returns
    -------
    OUModel
        The model.
    """
    if eps <= 0 or noise <= 0 or rate == 0 or delay < 0:
        raise ValueError(
            f"ou model needs eps > 0, noise > 0, rate != 0, delay >= 0; got eps={eps}, rate={rate}, "
            f"noise={noise}, delay={delay}"
        )
    return OUModel(eps=float(eps), rate=float(rate), noise=float(noise), delay=float(delay))


@dataclass(frozen=True)
class OUState:
    """Continuation state: the field, the global step index, the time and the seed.

    Attributes
    ----------
    field : ndarray
        Cell values.
    step : int
        Global step index.
    time : float
        ``step * dt``.
    key : int
        The seed of the run.
    """

    field: np.ndarray
    step: int
    time: float
    key: int


@dataclass(frozen=True)
class OUResult:
    """What :func:`ou_simulate` returns (the subset of ``SimulationResult`` a sweep uses).

    Attributes
    ----------
    parameters : dict
        Model, numerics and seed.
    final_state : OUState
        Continuation state.
    times : ndarray
        Record times.
    m2 : ndarray
        Spatial mean of ``m²`` at the records.
    wall_density : ndarray
        Sign changes between neighbours per unit length at the records.
    site_updates_per_second : float
        Cells × steps per second of this call.
    """

    parameters: dict[str, Any]
    final_state: OUState
    times: np.ndarray
    m2: np.ndarray
    wall_density: np.ndarray
    site_updates_per_second: float


def _normals(seed: int, step: int, n: int) -> np.ndarray:
    return np.random.default_rng(np.random.SeedSequence([seed, step])).standard_normal(n)


def ou_simulate(
    model: OUModel,
    *,
    length: float,
    time: float,
    dx: float = 0.25,
    dt: float = 0.001,
    seed: int,
    initial: str | np.ndarray = "random",
    state: OUState | None = None,
    record_every: int | None = None,
    snapshot_every: int | None = None,
    ell: float | None = None,
    progress: bool = False,
    trackers: tuple = (),
    precision: str | None = None,
    threads: int | None = None,
) -> OUResult:
    """Run the Ornstein–Uhlenbeck stand-in (same signature as :func:`lindhydro.field.simulate`).

    Records ``t, ⟨m²⟩, walls/length`` after every global step that is a multiple of
    ``record_every`` (default: 100 steps), calling every ``tracker(step, time, m)`` at each record.

    Parameters
    ----------
    model : OUModel
        The model.
    length, time, dx, dt : float
        Ring length, duration of this call, cell width, time step.
    seed : int
        Seed; the normals of global step ``n`` come from ``SeedSequence([seed, n])``.
    initial : {"random", "plus", "minus", "zero"} or ndarray
        Initial field (``"random"``: the stationary law); ignored with ``state``.
    state : OUState, optional
        Continue from this state (bit-identical to an uninterrupted run).
    record_every : int, optional
        Steps between records (global step multiples).
    snapshot_every : int, optional
        Accepted for signature compatibility; ignored.
    ell : float, optional
        Accepted for signature compatibility; ignored.
    progress : bool
        Accepted for signature compatibility; ignored.
    precision, threads : optional
        Accepted for signature compatibility; ignored (float64 NumPy, one thread).
    trackers : tuple of callables
        Called as ``tracker(step, time, m)`` at every record.

    Returns
    -------
    OUResult
        Records, final state and speed.

    Raises
    ------
    FloatingPointError
        The field stopped being finite (unstable model).
    """
    n = int(round(length / dx))
    steps = int(round(time / dt))
    every = int(record_every or 100)
    if state is None:
        if isinstance(initial, np.ndarray):
            m = np.array(initial, dtype=float)
        elif initial in ("plus", "minus"):
            amp = np.sqrt(model.stationary_variance(dx)) if model.rate > 0 else 1.0
            m = np.full(n, amp if initial == "plus" else -amp)
        elif initial == "zero":
            m = np.zeros(n)
        else:
            var = model.stationary_variance(dx) if model.rate > 0 else 1.0
            m = np.sqrt(var) * _normals(seed, -1 & 0xFFFFFFFF, n)
        step0, t0 = 0, 0.0
    else:
        if state.key != seed:
            raise ValueError("state was produced with a different seed")
        m, step0, t0 = np.array(state.field, dtype=float), int(state.step), float(state.time)
    r = model.rate * model.eps
    a = np.exp(-r * dt)
    s = np.sqrt(model.noise * (1.0 - a * a) / (2.0 * r * dx))
    times, m2, walls = [], [], []
    start = _time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(step0 + 1, step0 + steps + 1):
            m = a * m + s * _normals(seed, k, n)
            if model.delay:
                _time.sleep(model.delay)
            if k % every == 0:
                if not np.all(np.isfinite(m)):
                    raise FloatingPointError(
                        f"field not finite at t = {k * dt:g} (step {k}): the ou model with rate "
                        f"{model.rate} is unstable"
                    )
                times.append(k * dt)
                for tracker in trackers:
                    tracker(k, k * dt, m)
                m2.append(float(np.mean(m * m)))
                walls.append(np.count_nonzero(np.sign(m) != np.sign(np.roll(m, 1))) / (n * dx))
    elapsed = max(_time.perf_counter() - start, 1e-12)
    final = OUState(field=m, step=step0 + steps, time=t0 + steps * dt, key=seed)
    return OUResult(
        parameters={"model": model.to_dict(), "length": length, "time": time, "dx": dx, "dt": dt, "seed": seed},
        final_state=final,
        times=np.asarray(times, dtype=float),
        m2=np.asarray(m2, dtype=float),
        wall_density=np.asarray(walls, dtype=float),
        site_updates_per_second=n * steps / elapsed,
    )
