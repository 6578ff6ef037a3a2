"""Figures of the quantum side: the force field of the paper's Fig. 2."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_force_field"]


def _hull_path(vertices):
    """The closed outline of the reachable region (a convex polygon) as a matplotlib ``Path``."""
    from matplotlib.path import Path

    if vertices is None or len(vertices) < 3:
        return None
    v = np.asarray(vertices, dtype=float)
    c = v.mean(axis=0)
    v = v[np.argsort(np.arctan2(v[:, 1] - c[1], v[:, 0] - c[0]))]
    return Path(np.vstack([v, v[:1]]), closed=True)


def _fill_edge(values, sweeps: int = 2):
    """``values`` with NaN cells next to valid ones set to the mean of their valid neighbours.

    Only for drawing: the image is clipped to the reachable region afterwards, so the filled
    cells show only where they overlap it.
    """
    a = np.array(values, dtype=float)
    for _ in range(sweeps):
        pad = np.pad(a, 1, constant_values=np.nan)
        near = np.stack([pad[:-2, 1:-1], pad[2:, 1:-1], pad[1:-1, :-2], pad[1:-1, 2:]])
        count = np.isfinite(near).sum(axis=0)
        fill = np.isnan(a) & (count > 0)
        a[fill] = np.nansum(near, axis=0)[fill] / count[fill]
    return a


def plot_force_field(field, fixed_points=None, *, ax=None, cmap: str = "viridis", density: float = 1.4,
                     title: str | None = None):
    """Draw |f| as colour, stream lines of (f1, f2), fixed points and unstable→stable paths.

    Colour and stream lines are clipped to the reachable region (the convex hull ``field.hull``,
    drawn grey), so its edge is a straight line rather than the grid's staircase.

    Parameters
    ----------
    field : lindhydro.quantum.hydro.ForceField
        Forces on an (m, e) grid (per unit ε).
    fixed_points : lindhydro.quantum.fixed_points.FixedPointResult, optional
        Fixed points (filled red: stable; open red: unstable) and flow lines (red) to overlay.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (a new figure otherwise).
    cmap : str
        Colour map of |f| = sqrt(f1² + f2²).
    density : float
        Stream-line density (matplotlib ``streamplot``).
    title : str, optional
        Axes title (default: the parameters).

    Returns
    -------
    matplotlib.figure.Figure
        Save it with ``fig.savefig("fig2.png")`` or ``.pdf``.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 4.8), layout="constrained")
    else:
        fig = ax.figure
    m, e = field.m, field.e
    f1, f2 = field.forces
    mag = np.hypot(f1, f2)
    hull = _hull_path(getattr(field, "hull", None))
    # clipped to the reachable region, the grid cells along its edge take their valid neighbours'
    # colour: the edge is the hull's straight line, not a staircase of grid cells
    mesh = ax.pcolormesh(m, e, np.ma.masked_invalid(mag if hull is None else _fill_edge(mag)), cmap=cmap,
                         shading="auto")
    fig.colorbar(mesh, ax=ax, label=r"$|f|/\varepsilon$")
    ok = np.isfinite(f1) & np.isfinite(f2)
    stream, n_patches = None, len(ax.patches)
    if ok.sum() > 4:
        u = np.where(ok, f1, np.nan)
        v = np.where(ok, f2, np.nan)
        stream = ax.streamplot(m, e, u, v, color="white", linewidth=0.6, density=density, arrowsize=0.7,
                               broken_streamlines=True)
    if hull is not None:
        from matplotlib.patches import PathPatch

        edge = ax.add_patch(PathPatch(hull, facecolor="none", edgecolor="0.4", lw=0.8))
        arrows = ax.patches[n_patches:-1]  # streamplot adds its arrows to the axes one by one
        for artist in (mesh, *(() if stream is None else (stream.lines, *arrows))):
            artist.set_clip_path(edge)
    if fixed_points is not None:
        for path in fixed_points.paths:
            ax.plot(path[:, 0], path[:, 1], color="red", lw=2.0)
        for p in fixed_points.points:
            ax.plot(p.m, p.e, "o", ms=8, mec="red", mfc="red" if p.stable else "white", mew=2, zorder=5)
    ax.set_xlim(m.min(), m.max())
    ax.set_ylim(e.min(), e.max())
    ax.set_xlabel(r"$m = \langle Q_1\rangle / N$")
    ax.set_ylabel(r"$e = \langle H_0\rangle / N$  [$J$]")
    if title is None and field.parameters is not None:
        p = field.parameters
        title = (rf"$N = {p.n_sites}$, $\gamma = {p.gamma:g}$, $\Delta = {p.delta:g}$, $J' = {p.jprime:g}$, "
                 f"{p.hopping} hopping")
    if title:
        ax.set_title(title, fontsize=10)
    return fig
