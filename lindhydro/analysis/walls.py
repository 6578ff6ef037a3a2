"""Domain walls of a scalar order-parameter field on a periodic line: count, density, positions.

The count is a hysteresis count at ``+-threshold`` after a periodic box average over the
coarse-graining length ``ell`` (:mod:`lindhydro.field.observables`, whose functions this module
re-exports); the defaults ``ell = max(w / 2, kappa chi_T / threshold^2)`` and ``threshold = m0 / 2``
and the polynomial force come from :mod:`lindhydro.field.model`.  The functions here accept any model with ``force_coeffs`` (and
``D``), or the coefficients themselves, and raise where a bistable force is needed.  Why ``ell``
matters, with measured numbers: ``docs/physics.md``, *Counting domain walls*.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lindhydro.field.model import (
    COARSE_GRAINING_FRACTION,
    THRESHOLD_FRACTION,
    stable_zero,
    tanh_wall_width,
)
from lindhydro.field.observables import count_walls, smooth, wall_density, wall_positions

__all__ = [
    "count_walls",
    "default_coarse_graining_length",
    "default_threshold",
    "force_polynomial",
    "smooth",
    "stable_magnetisation",
    "tanh_wall",
    "wall_density",
    "wall_positions",
    "wall_width",
]

#: names that moved up to lindhydro.experiments.scans (analysis sits below experiments)
MOVED_TO_EXPERIMENTS = ("WallDensityMeasurement", "measure_wall_density")


def __getattr__(name: str) -> Any:
    if name in MOVED_TO_EXPERIMENTS:
        raise ImportError(f"lindhydro.analysis.walls.{name} moved to lindhydro.experiments.scans.{name} in "
                          "lindhydro 0.2 (it runs simulations, which is the experiments layer's job)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def force_polynomial(model: Any) -> np.ndarray:
    """Return the odd-polynomial coefficients ``(c1, c3, c5, ...)`` of a model's force.

    Parameters
    ----------
    model : object
        Anything with a ``force_coeffs`` attribute (:class:`lindhydro.field.FieldModel`), or a
        sequence of coefficients itself.  ``f(m) = sum_k c_(2k+1) m^(2k+1)`` in units
        ``D = J = a = 1`` (already multiplied by ``eps``).

    Returns
    -------
    numpy.ndarray
        Float array of the coefficients, lowest order first.
    """
    coeffs = getattr(model, "force_coeffs", model)
    c = np.atleast_1d(np.asarray(coeffs, dtype=float))
    if c.ndim != 1 or c.size == 0 or not np.all(np.isfinite(c)):
        raise ValueError(
            f"force coefficients must be a non-empty finite 1D sequence, got {coeffs!r}"
        )
    return c


def stable_magnetisation(model: Any) -> float:
    """Return the stable fixed point ``m0 > 0`` of the noiseless, uniform dynamics ``dm/dt = f(m)``.

    Parameters
    ----------
    model : object
        A model with ``force_coeffs`` (see :func:`force_polynomial`).  ``m = 0`` must be unstable
        (``c1 > 0``): the bistable regime.

    Returns
    -------
    float
        The smallest positive zero of ``f``; for the paper's toy model ``m0 = sqrt(5 - 4 / gamma)``.

    Raises
    ------
    ValueError
        If ``m = 0`` is stable (no bistability) or ``f`` has no positive zero.
    """
    c = force_polynomial(model)
    if c[0] <= 0:
        raise ValueError(
            f"the force has a stable (or marginal) m = 0 (c1 = {c[0]:g} <= 0): no bistability, "
            "so there is no m0, wall width or domain wall"
        )
    m0 = stable_zero(c)
    if m0 is None:
        raise ValueError("the force has no positive zero: f(m) > 0 for all m > 0 (runaway)")
    return m0


def wall_width(model: Any) -> float:
    """Return the width ``w`` of the noiseless domain wall, ``m(r) ~ m0 tanh(r / w)``.

    :func:`lindhydro.field.model.tanh_wall_width`: ``w = m0 sqrt(D / (2 [v(0) - v(m0)]))``, for the
    paper's toy model ``w = x0 / sqrt(eps)``, ``x0 = sqrt(8 D / ((5 gamma - 4) J))``.

    Parameters
    ----------
    model : object
        Anything with ``force_coeffs`` and ``D`` (units ``a``, ``a^2 / time``).

    Returns
    -------
    float
        Wall width in units of length (``a``).
    """
    c = force_polynomial(model)
    D = float(getattr(model, "D", 1.0))
    if not D > 0:
        raise ValueError(f"the diffusion constant must be positive, got D = {D!r}")
    stable_magnetisation(c)  # a clear error without bistability
    return tanh_wall_width(c, D)


def default_threshold(model: Any) -> float:
    """Return the default hysteresis threshold ``m0 / 2`` of a model.

    Parameters
    ----------
    model : object
        Anything with ``force_coeffs`` (see :func:`stable_magnetisation`).

    Returns
    -------
    float
        ``m0 / 2``.
    """
    return THRESHOLD_FRACTION * stable_magnetisation(model)


def default_coarse_graining_length(model: Any, fraction: float = COARSE_GRAINING_FRACTION) -> float:
    """Return the wall-width part of the default coarse-graining length, ``ell = fraction * w``.

    This is the whole default without conserved noise; with it the default
    (:attr:`lindhydro.field.FieldModel.coarse_graining_length`, the one home of the rule) is
    ``max(w / 2, kappa chi_T / (m0 / 2)^2)``.

    Parameters
    ----------
    model : object
        Anything with ``force_coeffs`` and ``D`` (see :func:`wall_width`).
    fraction : float, default :data:`lindhydro.field.model.COARSE_GRAINING_FRACTION` (0.5)
        Fraction of the noiseless wall width ``w = x0 / sqrt(eps)``.

    Returns
    -------
    float
        Length in units of ``a``.
    """
    if not fraction > 0:
        raise ValueError(f"fraction must be positive, got {fraction!r}")
    return float(fraction * wall_width(model))


def tanh_wall(r: Any, model: Any, *, center: float = 0.0) -> np.ndarray:
    """The noiseless domain wall ``m0 tanh((r - center) / w)`` (paper Eq. 16, ``w = x0 / sqrt(eps)``).

    Parameters
    ----------
    r : array_like
        Positions (units of ``a``).
    model : object
        A model with ``force_coeffs`` and ``D`` (:class:`lindhydro.field.FieldModel`).
    center : float
        Wall position.

    Returns
    -------
    numpy.ndarray
    """
    return stable_magnetisation(model) * np.tanh((np.asarray(r, dtype=float) - center) / wall_width(model))
