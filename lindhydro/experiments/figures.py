"""The paper's Figs. 3-6 (toy model) as computations: each returns a frozen result that
:func:`lindhydro.plotting.field.plot_figure` draws.

* :func:`figure3` — noiseless domain walls against ``m0 tanh(r sqrt(eps) / x0)`` (Eq. 16);
* :func:`figure4` — kymographs ``m(r, t)`` after a waiting time;
* :func:`figure5` — wall density with both noises, fits with the paper's prefactors;
* :func:`figure6` — wall density without ``xi^th``, the exact transfer integral, the ``ell`` dependence.

Models: :func:`lindhydro.experiments.scans.toy_model` (Wick-renormalised with the conserved noise,
as printed without it).  Units ``D = J = a = 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lindhydro.analysis.fits import PREFACTORS, WallDensityFit, fit_wall_density
from lindhydro.analysis.transfer import TransferIntegral
from lindhydro.analysis.walls import smooth, tanh_wall
from lindhydro.experiments.scans import (
    ScanFits,
    WallDensityScan,
    fit_scan,
    scan_wall_density,
    toy_model,
)
from lindhydro.field import FieldModel, simulate

__all__ = [
    "Figure3Result",
    "Figure4Result",
    "Figure5Result",
    "Figure6Result",
    "Kymograph",
    "WallProfile",
    "exact_correlation_density",
    "figure3",
    "figure4",
    "figure5",
    "figure6",
]


def _fit_dict(fit: WallDensityFit | None) -> dict | None:
    return None if fit is None else fit.to_dict()


# ----------------------------------------------------------------------------- Fig. 3
@dataclass(frozen=True, eq=False)
class WallProfile:
    """A relaxed noiseless wall beside Eq. (16).

    Attributes
    ----------
    eps : float
        Coupling ``eps~``.
    model : lindhydro.field.FieldModel
        The noiseless model.
    x, m : numpy.ndarray
        Positions relative to the wall centre (within ``length / 4``) and the field.
    m0, w : float
        Stable magnetisation and wall width of Eq. (16).
    max_deviation : float
        ``max |m - m0 tanh(x / w)|`` within ``length / 8`` of the wall.
    """

    eps: float
    model: FieldModel
    x: np.ndarray
    m: np.ndarray
    m0: float
    w: float
    max_deviation: float

    def to_dict(self) -> dict:
        """JSON-ready summary (without the profile)."""
        return {"eps": self.eps, "m0": self.m0, "w": self.w, "max_deviation": self.max_deviation}


@dataclass(frozen=True, eq=False)
class Figure3Result:
    """Result of :func:`figure3`.

    Each profile is one relaxed wall, positions measured from its zero crossing.

    Attributes
    ----------
    parameters : dict
        The arguments of :func:`figure3`.
    profiles : tuple of WallProfile
        One relaxed wall per ``eps``.
    """

    parameters: dict
    profiles: tuple[WallProfile, ...]

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"parameters": self.parameters, "profiles": [p.to_dict() for p in self.profiles]}


def _zero_crossing(x: np.ndarray, m: np.ndarray, near: float) -> float:
    """Position of the upward zero crossing of ``m`` nearest to ``near`` (linear interpolation)."""
    i = np.flatnonzero((m[:-1] < 0) & (m[1:] >= 0))
    if i.size == 0:
        raise ValueError("no upward zero crossing: the wall has disappeared")
    j = i[np.argmin(np.abs(x[i] - near))]
    return float(x[j] - m[j] * (x[j + 1] - x[j]) / (m[j + 1] - m[j]))


def figure3(eps_values: Sequence[float] = (0.1, 0.2, 0.4), *, gamma: float = 0.875, length: float = 240.0,
            time: float = 300.0, dx: float = 0.25, dt: float = 0.001) -> Figure3Result:
    """Fig. 3: noiseless domain walls from simulations against ``m0 tanh(r sqrt(eps) / x0)``.

    A ring with two sharp walls (``+m0`` on the middle half) relaxes without noise for ``time``;
    the wall near ``length / 4`` is compared with Eq. (16).

    Parameters
    ----------
    eps_values : sequence of float
        Coupling strengths ``eps~``.
    gamma : float, default 0.875
        Weight of the aligning jumps.
    length, time : float
        Ring length and relaxation time (units ``a``, ``a^2/D``).
    dx, dt : float
        Lattice (the paper's 0.25, 0.001).

    Returns
    -------
    Figure3Result
    """
    n = int(round(length / dx))
    x = (np.arange(n) + 0.5) * dx
    profiles = []
    for eps in eps_values:
        model = toy_model(eps, gamma=gamma, thermal=False).replace(site_noise=0.0)
        m0, w = model.m0, model.wall_width
        init = np.where((x > length / 4) & (x < 3 * length / 4), m0, -m0)
        m = simulate(model, length=length, time=time, dx=dx, dt=dt, seed=0, initial=init,
                     snapshot_every=0).final_state.field
        center = _zero_crossing(x, m, length / 4)
        window = np.abs(x - center) < length / 4
        # compare within L/8 of the wall: beyond, the tail of the other wall of the ring is visible
        near = np.abs(x - center) < length / 8
        dev = float(np.max(np.abs(m[near] - tanh_wall(x[near], model, center=center))))
        profiles.append(WallProfile(float(eps), model, x[window] - center, m[window], m0, w, dev))
    params = {"eps_values": list(eps_values), "gamma": gamma, "length": length, "time": time, "dx": dx, "dt": dt}
    return Figure3Result(params, tuple(profiles))


# ----------------------------------------------------------------------------- Fig. 4
@dataclass(frozen=True, eq=False)
class Kymograph:
    """One panel of Fig. 4: the field after the waiting time, as an image ``m(r, t)``.

    Up and down domains appear as bands along ``t``; their boundaries are the walls.

    Attributes
    ----------
    eps : float
        Coupling ``eps~``.
    times : numpy.ndarray, shape (T,)
        Snapshot times.
    fields : numpy.ndarray, shape (T, n_cells)
        The field, box-averaged over ``smoothing_length`` (raw when that is None).
    dx : float
        Cell width.
    m_scale : float
        Colour scale (``m0``, or 1 without bistability).
    smoothing_length : float or None
        Box length of the images.
    wall_density : float
        Hysteresis wall density averaged over the shown records.
    correlation_length : float
        ``xi`` of the second half of the shown window.
    seed : dict or None
        The panel's random stream: ``numpy.random.SeedSequence(entropy, spawn_key=spawn_key)``.
    """

    eps: float
    times: np.ndarray
    fields: np.ndarray
    dx: float
    m_scale: float
    smoothing_length: float | None
    wall_density: float
    correlation_length: float
    seed: dict | None = None

    def to_dict(self) -> dict:
        """JSON-ready summary (without the images)."""
        return {"eps": self.eps, "wall_density": self.wall_density, "correlation_length": self.correlation_length,
                "smoothing_length": self.smoothing_length, "seed": self.seed}


@dataclass(frozen=True, eq=False)
class Figure4Result:
    """Result of :func:`figure4`.

    Each panel is one kymograph, from its own random stream (``Kymograph.seed``) unless
    ``parameters["independent_seeds"]`` is False (one seed for all panels, as in the paper).

    Attributes
    ----------
    parameters : dict
        The arguments of :func:`figure4`.
    panels : tuple of Kymograph
        One per ``eps``, in the order of ``eps_values``.
    fraction : float
        Fraction of the ring to show.
    """

    parameters: dict
    panels: tuple[Kymograph, ...]
    fraction: float = 1.0

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"parameters": self.parameters, "panels": [p.to_dict() for p in self.panels]}


def figure4(
    eps_values: Sequence[float] = (0.1, 0.125, 0.15, 0.175, 0.2, 0.225),
    *,
    gamma: float = 0.875,
    length: float = 1000.0,
    t_wait: float = 100.0,
    t_show: float = 400.0,
    n_snapshots: int = 200,
    seed: int = 1,
    thermal: bool = True,
    literal: bool = False,
    fraction: float = 1.0,
    smooth_fraction: float | None = 0.5,
    dx: float = 0.25,
    dt: float = 0.001,
    independent_seeds: bool = True,
) -> Figure4Result:
    """Fig. 4: kymographs ``m(r, t)`` after a waiting time, one panel per ``eps``.

    Panel ``i`` runs from ``SeedSequence(seed, spawn_key=(i,))`` (independent noise, as the scans
    of :func:`lindhydro.experiments.scans.scan_wall_density`): panels that share one seed share
    their early pattern, which hides the ``eps`` dependence the figure is there to show.  The paper
    used one seed for all panels (``independent_seeds=False``).

    With conserved noise every cell carries a white lattice-scale fluctuation of variance
    ``chi_T / dx = 2`` that hides the domains; the images therefore show the field averaged over
    ``smooth_fraction`` wall widths (:func:`lindhydro.analysis.walls.smooth`).

    Parameters
    ----------
    eps_values : sequence of float
        The paper's 0.1 ... 0.225.
    gamma : float, default 0.875
        Weight of the aligning jumps.
    length, t_wait, t_show : float
        Ring length, discarded waiting time, shown time window (paper: ``L = 10000``, a quarter shown).
    n_snapshots : int
        Rows of each image.
    seed : int
        Root seed of the panels.
    thermal, literal : bool
        Model choice (:func:`lindhydro.experiments.scans.toy_model`).
    fraction : float
        Fraction of the ring shown.
    smooth_fraction : float or None, default 0.5
        Coarse-graining length of the images in units of the wall width (None: raw field).
    dx, dt : float
        Lattice (the paper's 0.25, 0.001).
    independent_seeds : bool, default True
        One child stream per panel; False: ``seed`` itself for every panel (as in the paper).

    Returns
    -------
    Figure4Result
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")
    every = max(1, int(round(t_show / dt / n_snapshots)))
    panels = []
    for i, eps in enumerate(eps_values):
        model = toy_model(eps, gamma=gamma, thermal=thermal, literal=literal)
        key = (i,) if independent_seeds else ()
        first = simulate(model, length=length, time=t_wait, dx=dx, dt=dt, snapshot_every=0,
                         seed=np.random.SeedSequence(seed, spawn_key=key) if key else seed)
        res = simulate(model, length=length, time=t_show, dx=dx, dt=dt, state=first.final_state,
                       record_every=every, snapshot_every=every)
        ell = None if smooth_fraction is None or model.wall_width is None else smooth_fraction * model.wall_width
        snaps = res.snapshots if ell is None else smooth(res.snapshots, dx=dx, ell=ell)
        panels.append(Kymograph(float(eps), res.snapshot_times, snaps, dx, model.m0 or 1.0, ell,
                                float(np.mean(res.wall_density)), res.correlation_length,
                                {"entropy": seed, "spawn_key": list(key)}))
    params = {"eps_values": list(eps_values), "gamma": gamma, "length": length, "t_wait": t_wait, "t_show": t_show,
              "n_snapshots": n_snapshots, "seed": seed, "independent_seeds": independent_seeds,
              "panel_seeds": [p.seed for p in panels], "thermal": thermal, "literal": literal,
              "smooth_fraction": smooth_fraction, "dx": dx, "dt": dt}
    return Figure4Result(params, tuple(panels), fraction)


# ----------------------------------------------------------------------------- Fig. 5
@dataclass(frozen=True, eq=False)
class Figure5Result:
    """Result of :func:`figure5`.

    Attributes
    ----------
    parameters : dict
        The arguments of :func:`figure5`, with the scan's settings.
    scan : lindhydro.experiments.scans.WallDensityScan
        Wall counts and ``C(r)`` of the toy model with both noises.
    fits : lindhydro.experiments.scans.ScanFits
        ``A eps^(1/4) exp(-c / sqrt(eps))`` fits of both density measures.
    alternative_fits : dict
        Prefactor -> :class:`~lindhydro.experiments.scans.ScanFits` (the paper's systematic error of ``c``).
    literal : bool
        The model as printed instead of the Wick-renormalised one.
    """

    parameters: dict
    scan: WallDensityScan
    fits: ScanFits
    alternative_fits: dict[str, ScanFits]
    literal: bool = False

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"parameters": self.parameters, "fits": self.fits.to_dict(),
                "alternative_fits": {p: f.to_dict() for p, f in self.alternative_fits.items()},
                "scan": self.scan.to_dict()}


def figure5(
    eps_values: Sequence[float] = (0.15, 0.2, 0.25, 0.3, 0.4),
    *,
    gamma: float = 0.875,
    length: float = 800.0,
    time: float = 150.0,
    realisations: int = 2,
    seed: int = 5,
    literal: bool = False,
    n_boot: int = 300,
    threads: int | None = None,
    progress: bool = False,
) -> Figure5Result:
    """Fig. 5: wall density against ``eps`` with both noises, and its fits.

    Densities are second-half averages (hysteresis count at the model's default ``ell``, which with
    the conserved noise is ``max(w/2, 2.5 chi_T / (m0/2)^2)``, and ``1/(2 xi)``); the
    fit is ``A eps^(1/4) exp(-c/sqrt(eps))`` with bootstrap errors over realisations; the paper's
    alternative prefactors are fitted too.  Paper: ``L = 10000``, ten realisations,
    ``A = 2.93e-2``, ``c = 0.56 +- 0.2``.

    Parameters
    ----------
    eps_values : sequence of float
        Coupling strengths ``eps~``.
    gamma, length, time, realisations, seed, threads, progress
        As in :func:`lindhydro.experiments.scans.scan_wall_density` (averages over the second half
        of every run).
    literal : bool, default False
        The model exactly as printed instead of the Wick-renormalised one.
    n_boot : int
        Bootstrap resamples of the fits.

    Returns
    -------
    Figure5Result
    """
    scan = scan_wall_density(eps_values, thermal=True, literal=literal, gamma=gamma, length=length, time=time,
                             realisations=realisations, seed=seed, threads=threads, progress=progress)
    fits = fit_scan(scan, n_boot=n_boot)
    alt = {p: fit_scan(scan, n_boot=n_boot, prefactor=p) for p in PREFACTORS}
    params = {"n_boot": n_boot, **scan.parameters}
    return Figure5Result(params, scan, fits, alt, literal)


# ----------------------------------------------------------------------------- Fig. 6
def exact_correlation_density(eps_values: Any, *, gamma: float = 0.875, dx: float = 0.25,
                              temperature: Any = "derived") -> np.ndarray:
    """The exact ``1/(2 xi)`` of the toy model without ``xi^th`` (transfer integral) on a grid of ``eps``.

    Parameters
    ----------
    eps_values : array_like
        Coupling strengths ``eps~``.
    gamma : float, default 0.875
        Weight of the aligning jumps.
    dx : float, default 0.25
        Lattice spacing of the discretised field.
    temperature : {"derived", "paper"} or float
        See :func:`lindhydro.analysis.transfer.effective_temperature`.

    Returns
    -------
    numpy.ndarray
        Densities (units ``1/a``).
    """
    return np.array([TransferIntegral(toy_model(e, gamma=gamma, thermal=False), dx, temperature=temperature)
                     .wall_density for e in eps_values])


@dataclass(frozen=True, eq=False)
class Figure6Result:
    """Result of :func:`figure6`.

    Attributes
    ----------
    parameters : dict
        The arguments of :func:`figure6`.
    scan : lindhydro.experiments.scans.WallDensityScan
        Without ``xi^th``, counted at ``ells = [w/2, *extra_ells]``.
    fits : lindhydro.experiments.scans.ScanFits
        Free fits of both density measures.
    fixed_c_fits : lindhydro.experiments.scans.ScanFits
        Fits at the paper's fixed ``c``.
    c_paper : float
        That ``c``.
    exact_eps, exact_density : numpy.ndarray
        The transfer-integral ``1/(2 xi)`` on a fine grid.
    exact_fit : WallDensityFit
        Free fit of the exact curve.
    exact_at_scan : numpy.ndarray
        The exact ``1/(2 xi)`` at the scan's ``eps``.
    extra_ells : numpy.ndarray
        Coarse-graining lengths of the ``ell`` study.
    ell_fits : dict
        ``ell`` -> free hysteresis fit (None where it failed or fewer than three ``eps`` have walls).
    """

    parameters: dict
    scan: WallDensityScan
    fits: ScanFits
    fixed_c_fits: ScanFits
    c_paper: float
    exact_eps: np.ndarray
    exact_density: np.ndarray
    exact_fit: WallDensityFit
    exact_at_scan: np.ndarray
    extra_ells: np.ndarray
    ell_fits: dict[float, WallDensityFit | None]

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"parameters": self.parameters, "fits": self.fits.to_dict(),
                "fixed_c_fits": self.fixed_c_fits.to_dict(), "exact_fit": _fit_dict(self.exact_fit),
                "exact": {"eps": self.exact_eps.tolist(), "n": self.exact_density.tolist()},
                "ell_fits": {str(k): _fit_dict(v) for k, v in self.ell_fits.items()}, "scan": self.scan.to_dict()}


def figure6(
    eps_values: Sequence[float] = (0.2, 0.25, 0.3, 0.4, 0.5, 0.6),
    *,
    length: float = 600.0,
    time: float = 150.0,
    gamma: float = 0.875,
    realisations: int = 2,
    seed: int = 6,
    extra_ells: Sequence[float] = (1.0, 2.0, 5.0, 10.0, 20.0),
    c_paper: float = 0.98,
    n_exact: int = 40,
    n_boot: int = 300,
    threads: int | None = None,
    progress: bool = False,
) -> Figure6Result:
    """Fig. 6 (App. A.3): wall density without ``xi^th``, the exact transfer integral, the ``ell`` dependence.

    The hysteresis density (``ell = w/2``) is fitted at the paper's fixed ``c = 0.98`` and freely;
    ``1/(2 xi)`` from the simulations beside the exact transfer-integral ``1/(2 xi)``
    (``T = 2 J eps (1 - gamma)``); the hysteresis density for each of ``extra_ells``.  Paper:
    ``A = 4.4e-2`` at ``c = 0.98``.

    Parameters
    ----------
    eps_values : sequence of float
        Coupling strengths ``eps~``.
    gamma, length, time, realisations, seed, threads, progress
        As in :func:`lindhydro.experiments.scans.scan_wall_density`.
    extra_ells : sequence of float
        Coarse-graining lengths of the ``ell`` study (besides ``w/2``).
    c_paper : float, default 0.98
        The paper's fixed Arrhenius constant.
    n_exact : int, default 40
        Points of the exact transfer-integral curve.
    n_boot : int
        Bootstrap resamples of the fits.

    Returns
    -------
    Figure6Result
    """
    scan = scan_wall_density(eps_values, thermal=False, gamma=gamma, length=length, time=time,
                             realisations=realisations, seed=seed, extra_ells=extra_ells, threads=threads,
                             progress=progress)
    e_fine = np.linspace(min(eps_values) * 0.8, max(eps_values) * 1.05, n_exact)
    n_ex = exact_correlation_density(e_fine, gamma=gamma)
    ell_fits: dict[float, WallDensityFit | None] = {}
    for j, ell in enumerate(extra_ells, start=1):
        try:
            ell_fits[ell] = fit_scan(scan, ell_index=j, n_boot=n_boot).hysteresis
        except ValueError:
            ell_fits[ell] = None
    params = {"c_paper": c_paper, "n_exact": n_exact, "n_boot": n_boot, **scan.parameters}
    return Figure6Result(params, scan, fit_scan(scan, n_boot=n_boot), fit_scan(scan, n_boot=n_boot, c=c_paper),
                         c_paper, e_fine, n_ex, fit_wall_density(e_fine, n_ex, n_boot=0),
                         exact_correlation_density(scan.eps, gamma=gamma), np.asarray(extra_ells, dtype=float),
                         ell_fits)
