"""Test doubles for the sweep machinery (not part of the package)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrashAfter:
    """A simulator wrapper that crashes a run which would go past global step ``step``.

    Used to interrupt every task of a sweep at a known point (after its checkpoints) and then check
    that resuming gives exactly the uninterrupted result.  Picklable, so it runs on dask workers.

    Parameters
    ----------
    step : int
        Last global step a run may reach.
    simulate : str
        ``"module:function"`` of the wrapped simulator.
    """

    step: int
    simulate: str = "lindhydro.experiments.ou:ou_simulate"

    def __call__(self, model, *, time: float, dt: float = 0.001, state=None, **kwargs):
        from lindhydro.experiments.presets import resolve

        start = int(state.step) if state is not None else 0
        if start + int(round(time / dt)) > self.step:
            raise RuntimeError(f"simulated crash: run from step {start} would pass step {self.step}")
        return resolve(self.simulate)(model, time=time, dt=dt, state=state, **kwargs)
