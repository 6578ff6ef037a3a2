"""
Fig. 4: kymographs of the magnetisation
=======================================

The local magnetisation :math:`m(r, t)` of the toy model with both noises, after a waiting time,
for :math:`\\tilde\\varepsilon = 0.1 \\dots 0.225`, one colour scale (:math:`\\pm m_0`) for all panels.

**Seeds.**  Each panel runs from its own random stream (``SeedSequence(seed, spawn_key=(i,))``,
recorded as ``result.parameters["panel_seeds"]``).  The paper used one seed for all panels; with
one seed the panels share the pattern of their early noise, which hides the
:math:`\\tilde\\varepsilon` dependence the figure is there to show (``--same-seed`` draws it
that way).

**Which model.**  The model exactly as printed (``2DχT = 1`` at ``dx = 0.25``) has no ordered
phase: the conserved noise gives every cell a white fluctuation of variance
:math:`\\chi T/dx = 2`, far above :math:`m_0^2 \\approx 0.43`, and the cubic force acting on it
destroys the bistability (see :mod:`lindhydro.field.model`).  The paper's Fig. 4 shows domains,
so we use the Wick-renormalised force (``renormalisation="wick"``), which subtracts exactly this
lattice-scale (Hartree) shift and keeps :math:`f` as the force on the coarse-grained
magnetisation.  Run with ``--literal`` to see the model as printed (no domains).  The images show
the field averaged over half a wall width, since the raw cells are dominated by the white part.
"""

# %%
# Simulate and draw
# -----------------
# Defaults are small (``L = 500``, 200 time units shown) so that the gallery builds quickly;
# ``--paper`` uses the paper's ``L = 10000`` (one quarter shown) and a longer waiting time.
import argparse

import matplotlib.pyplot as plt

from lindhydro.experiments.figures import figure4
from lindhydro.plotting.field import plot_figure

parser = argparse.ArgumentParser(description="Fig. 4: kymographs")
parser.add_argument(
    "--paper", action="store_true", help="the paper's scale: L = 10000, a quarter shown"
)
parser.add_argument(
    "--literal", action="store_true", help="the model exactly as printed (no Wick ordering)"
)
parser.add_argument(
    "--no-thermal-noise", action="store_true", help="switch the conserved noise off"
)
parser.add_argument("--same-seed", action="store_true", help="one seed for all panels, as in the paper")
args, _ = parser.parse_known_args()

if args.paper:
    kw = dict(length=10000.0, t_wait=1000.0, t_show=2000.0, n_snapshots=400, fraction=0.25)
else:
    kw = dict(length=500.0, t_wait=50.0, t_show=200.0, n_snapshots=150)
result = figure4(thermal=not args.no_thermal_noise, literal=args.literal, independent_seeds=not args.same_seed,
                 **kw)
fig = plot_figure(result)
for k in result.panels:
    print(f"eps = {k.eps:g}: wall density (hysteresis, l = w/2) {k.wall_density:.4f}, xi = {k.correlation_length:.1f}")
plt.show()

# %%
# At small :math:`\tilde\varepsilon` domains are large and long-lived; they shrink and flip
# faster as :math:`\tilde\varepsilon` grows.  In the short default runs the system is still
# coarsening from its random start (the relaxation rate is :math:`\propto\varepsilon`); the paper's
# panels are taken after a long waiting time (``--paper``).
