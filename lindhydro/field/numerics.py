"""The numerics of one field run — ring length, duration, cell width, time step, record interval, precision — validated once.

Units as in :mod:`lindhydro.field.model`: lengths in lattice constants ``a``, times in ``1/J`` (the
toy model: ``a^2/D``).  ``length`` must be a whole number of cells ``dx`` and ``time`` a whole
number of steps ``dt``; ``record_every`` counts *global* steps (records fall on multiples of it,
so a run continued from a state records at the same steps as an uninterrupted one).  The model
dependent check (the explicit stability limit of ``dt``) is :func:`lindhydro.field.check_numerics`.
``precision`` chooses the integrator (:data:`PRECISIONS`): ``"float32"`` (the default) and
``"float64"`` run the blocked kernel with Philox4x32-10 normals in that precision,
``"float64-splitmix"`` the float64 kernel with SplitMix64 normals of release 0.1 (its numbers, bit for bit).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["DEFAULT_PRECISION", "PRECISIONS", "RELEASE_PRECISION", "Numerics", "positive_number", "precision_dtype",
           "whole_multiple"]

#: The integrators a run can use, by the precision of its state (and generator of its normals).
PRECISIONS = ("float32", "float64", "float64-splitmix")
#: The default: float32 state, normals and arithmetic (Philox4x32-10); observables accumulate in float64.
DEFAULT_PRECISION = "float32"
#: The integrator of release 0.1 (float64, SplitMix64 normals): what states, results and sweep
#: stores written without a precision were produced with.
RELEASE_PRECISION = "float64-splitmix"


def precision_dtype(precision: str) -> np.dtype:
    """The dtype of the field of a precision: float32 for ``"float32"``, float64 otherwise.

    Parameters
    ----------
    precision : {"float32", "float64", "float64-splitmix"}
        One of :data:`PRECISIONS`.

    Returns
    -------
    numpy.dtype

    Raises
    ------
    ValueError
        For another precision.
    """
    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    return np.dtype(np.float32 if precision == "float32" else np.float64)


def positive_number(value: Any, name: str) -> float:
    """``value`` as a float, refusing anything that is not a finite real number > 0.

    Parameters
    ----------
    value : object
        The input (``bool`` and strings are refused, not converted).
    name : str
        Its name in the error message.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Not a real number, not finite, or not positive.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a positive number, got {value!r} ({type(value).__name__})")
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return v


def whole_multiple(value: float, unit: float, what: str, unit_name: str) -> int:
    """The number ``n >= 1`` with ``value = n * unit`` (to 1e-9 relative), else a clear error.

    Parameters
    ----------
    value, unit : float
        The quantity and its unit (both > 0).
    what, unit_name : str
        Names for the error message.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        When ``value`` is not a positive whole multiple of ``unit``.
    """
    n = int(round(value / unit))
    if n < 1 or abs(n * unit - value) > 1e-9 * max(abs(value), unit):
        raise ValueError(f"{what} = {value!r} must be a positive whole multiple of {unit_name} = {unit!r}")
    return n


@dataclass(frozen=True)
class Numerics:
    """Lattice and time grid of a run (validated on construction).

    The one record of the numerics shared by :func:`lindhydro.field.simulate`, the command line,
    sweeps and experiments; the model-dependent stability check is :func:`lindhydro.field.check_numerics`.

    Parameters
    ----------
    length : float
        Ring length ``L`` (units ``a``), a whole multiple of ``dx``.
    time : float
        Duration (units ``1/J``; toy model ``a^2/D``), a whole multiple of ``dt``.
    dx : float, default 0.25
        Cell width (the paper's value).
    dt : float, default 0.001
        Time step (the paper's value).
    record_every : int or None, default None
        Steps between records, at most ``time/dt`` (a longer interval would record nothing);
        ``None``: one unit of time, at most ``time/dt``.
    precision : {"float32", "float64", "float64-splitmix"}, default "float32"
        The integrator (module docstring); a run continues only in the precision of its state.
    """

    length: float
    time: float
    dx: float = 0.25
    dt: float = 0.001
    record_every: int | None = None
    precision: str = DEFAULT_PRECISION

    def __post_init__(self) -> None:
        precision_dtype(self.precision)  # validates
        for name in ("length", "time", "dx", "dt"):
            object.__setattr__(self, name, positive_number(getattr(self, name), name))
        whole_multiple(self.length, self.dx, "length", "dx")
        whole_multiple(self.time, self.dt, "time", "dt")
        r = self.record_every
        if r is not None:
            if isinstance(r, bool) or not isinstance(r, numbers.Integral) or r < 1:
                raise ValueError(f"record_every must be a whole number of steps >= 1, got {r!r}")
            if r > self.n_steps:
                raise ValueError(
                    f"record_every = {r} steps is longer than the run ({self.n_steps} steps = time/dt): nothing "
                    f"would be recorded; give at most {self.n_steps}"
                )
            object.__setattr__(self, "record_every", int(r))

    @property
    def n_cells(self) -> int:
        """Number of cells ``length / dx``."""
        return whole_multiple(self.length, self.dx, "length", "dx")

    @property
    def n_steps(self) -> int:
        """Number of steps ``time / dt``."""
        return whole_multiple(self.time, self.dt, "time", "dt")

    @property
    def record_steps(self) -> int:
        """``record_every``, or its default: one unit of time, at most the whole run."""
        if self.record_every is not None:
            return self.record_every
        return max(1, min(self.n_steps, int(round(1.0 / self.dt))))

    @property
    def dtype(self) -> np.dtype:
        """The dtype of the field (:func:`precision_dtype`)."""
        return precision_dtype(self.precision)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (with the derived ``n_cells``, ``n_steps`` and ``record_steps``)."""
        return {"length": self.length, "time": self.time, "dx": self.dx, "dt": self.dt,
                "record_every": self.record_every, "precision": self.precision, "n_cells": self.n_cells,
                "n_steps": self.n_steps, "record_steps": self.record_steps}
