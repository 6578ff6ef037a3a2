"""Figures of the quantum side: the force field of the paper's Fig. 2."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_force_field"]


def plot_force_field(field, fixed_points=None, *, ax=None, cmap: str = "viridis", density: float = 1.4,
                     title: str | None = None):
    """Draw |f| as colour, stream lines of (f1, f2), fixed points and unstable→stable paths.

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
    mesh = ax.pcolormesh(m, e, np.ma.masked_invalid(mag), cmap=cmap, shading="auto")
    fig.colorbar(mesh, ax=ax, label=r"$|f|/\varepsilon$")
    ok = np.isfinite(f1) & np.isfinite(f2)
    if ok.sum() > 4:
        u = np.where(ok, f1, np.nan)
        v = np.where(ok, f2, np.nan)
        ax.streamplot(m, e, u, v, color="white", linewidth=0.6, density=density, arrowsize=0.7,
                      broken_streamlines=True)
    hull = getattr(field, "hull", None)
    if hull is not None and len(hull) > 2:
        c = hull.mean(axis=0)
        order = np.argsort(np.arctan2(hull[:, 1] - c[1], hull[:, 0] - c[0]))
        h = np.vstack([hull[order], hull[order][:1]])
        ax.plot(h[:, 0], h[:, 1], color="0.4", lw=0.8)
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
        title = (f"N = {p.n_sites}, γ = {p.gamma:g}, Δ = {p.delta:g}, J' = {p.jprime:g}, "
                 f"hopping = {p.hopping}")
    if title:
        ax.set_title(title, fontsize=10)
    return fig
