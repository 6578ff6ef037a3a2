"""Draw the README figure ``docs/_static/readme_figure.png``.

Left: the Gibbs-ensemble force field (f1, f2) of the paper's chain per unit ε, as in its Fig. 2
(colour: |f|, lines: stream lines, dots: fixed points; drawn by
:func:`lindhydro.plotting.quantum.plot_force_field`).  Right: the order-parameter field
m(r, t) of the hydrodynamics reduced from the same chain (no conserved noise), with domains and
walls.  Everything is computed here; run ``python docs/_scripts/make_readme_figure.py`` (about a
minute).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lindhydro import ChainParameters  # noqa: E402
from lindhydro.analysis.walls import smooth  # noqa: E402
from lindhydro.field import FieldModel, simulate  # noqa: E402
from lindhydro.plotting.quantum import plot_force_field  # noqa: E402
from lindhydro.quantum.fixed_points import find_fixed_points  # noqa: E402
from lindhydro.quantum.gibbs import GibbsEnsemble  # noqa: E402
from lindhydro.quantum.hydro import force_field  # noqa: E402
from lindhydro.quantum.reduce import reduce_to_order_parameter  # noqa: E402
from lindhydro.quantum.spectrum import diagonalize  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "_static" / "readme_figure.png"


def main() -> None:
    params = ChainParameters(n_sites=10, gamma=0.9)  # J = Δ = 1, J' = 0.01, isotropic hopping
    ensemble = GibbsEnsemble(diagonalize(params))
    m = np.linspace(-0.95, 0.95, 61)
    e = np.linspace(-0.2, 1.0, 61)
    ff = force_field(ensemble, m, e)
    fps = find_fixed_points(params)

    eps = 0.05
    hydro = reduce_to_order_parameter(params)
    model = FieldModel.from_hydro(hydro, eps, D=1.0, chi_T=0.0)
    res = simulate(model, length=800, time=1000, seed=7, initial="random", record_every=2000)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.5, 3.8), width_ratios=[1, 1.35], layout="constrained")
    # colour |f|, stream lines, fixed points (filled: stable) and the flow lines between them,
    # clipped to the reachable region of the Gibbs states
    plot_force_field(ff, fps, ax=ax1, density=1.1,
                     title=f"forces $(f_1, f_2)/\\varepsilon$, $N = {params.n_sites}$, $\\gamma = {params.gamma}$")
    ax1.set_xlabel("magnetisation $m$")
    ax1.set_ylabel("energy density $e$ [$J$]")

    # the field coarse-grained over the wall-counting length ell (as the walls are counted)
    ell = res.coarse_graining_length
    snaps = smooth(np.asarray(res.snapshots), dx=res.parameters["dx"], ell=ell)[:, ::4]
    times = np.asarray(res.snapshot_times)
    dx = res.parameters["dx"]
    lim = hydro.m_star
    im = ax2.imshow(snaps, origin="lower", aspect="auto", cmap=plt.get_cmap("RdBu_r", 12), vmin=-lim, vmax=lim,
                    extent=[0, snaps.shape[1] * 4 * dx, times[0], times[-1]], interpolation="nearest")
    ax2.set_xlabel("position $r$ [$a$]")
    ax2.set_ylabel("time $t$ [$1/J$]")
    ax2.set_title(f"$m(r, t)$ of the reduced hydrodynamics, $\\varepsilon = {eps}$ "
                  f"(smoothed over $\\ell = {ell:.1f}$)", fontsize=10)
    fig.colorbar(im, ax=ax2, label="$m$", shrink=0.9)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=100)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
