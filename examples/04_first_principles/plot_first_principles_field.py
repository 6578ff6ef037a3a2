"""
Domains from first principles
=============================

Instead of the paper's toy force, take the force and the noise the quantum chain itself gives:
:func:`lindhydro.quantum.reduce.reduce_to_order_parameter` follows the slow manifold (energy relaxed,
``f2 = 0``) of the Gibbs-ensemble hydrodynamics and fits ``f(m)/ε = Σ c_k m^(2k+1)``; ``N11`` at
the stable fixed point is the strength of the non-conserved noise.  The paper does not compute
the diffusion constant ``D`` or ``χT``; they are inputs here (units ``J = a = 1``: ``D`` in
``J a²``, ``χT`` in ``1/a``).

:meth:`lindhydro.field.FieldModel.from_hydro` turns this into the field equation
``∂t m = D ∂²m + ε Σ c_k m^(2k+1) + ξ + ∂r ξ^th`` with ``⟨ξξ⟩ = ε N11`` and
``⟨ξ^th ξ^th⟩ = 2DχT``; with the conserved noise on we use the Wick-ordered force (see
*The conserved noise and the ordered phase*).

One caveat is specific to the first-principles force.  ``m`` is a magnetisation per site,
``|m| ≤ 1``, and the polynomial is fitted for ``|m| ≤ 0.9``, but on cells of ``dx = 0.25`` the
conserved noise alone gives every cell a variance ``χT/dx = 2``.  For the cubic toy force Wick
ordering only shifts the linear term; for a quintic it also turns the cubic coefficient
around (``c3 → c3 − 10 C c5``), and at ``C = 2`` the bare lattice force acquires spurious stable
zeros at ``|m| ≈ 4``.  Cells of a few lattice constants make ``C`` small; the run with the
conserved noise therefore uses ``dx = 2`` (``C ≈ 0.25``, five cells per wall width).

The default chain has N = 8 sites and the runs take well under a minute;
``--sites 12 --length 4000 --time 2000`` is closer to the paper.
"""

# %%
# The reduced force and noise
# ---------------------------
import argparse

import matplotlib.pyplot as plt
import numpy as np

from lindhydro.field import FieldModel, paper_toy_model, simulate
from lindhydro.plotting.field import plot_kymograph
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.reduce import reduce_to_order_parameter

parser = argparse.ArgumentParser()
parser.add_argument("--sites", type=int, default=8, help="chain length of the diagonalisation (paper: 12)")
parser.add_argument("--gamma", type=float, default=0.9)
parser.add_argument("--eps", type=float, default=0.2)
parser.add_argument("--D", type=float, default=1.0, help="diffusion constant (J a^2), not computed by the paper")
parser.add_argument("--chi-T", type=float, default=0.5, help="chi T (1/a); 2 D chi_T = 1 as in the toy model")
parser.add_argument("--length", type=float, default=1000.0)
parser.add_argument("--time", type=float, default=300.0)
args, _ = parser.parse_known_args()

hydro = reduce_to_order_parameter(ChainParameters(n_sites=args.sites, gamma=args.gamma))
print(f"N = {args.sites}, gamma = {args.gamma}: f(m)/eps coefficients {np.round(hydro.force_coeffs, 5)}, "
      f"N11 = {hydro.noise:.4f}, m* = {hydro.m_star:.4f}")

with_th = FieldModel.from_hydro(hydro, args.eps, D=args.D, chi_T=args.chi_T, renormalisation="wick")
no_th = FieldModel.from_hydro(hydro, args.eps, D=args.D, chi_T=args.chi_T, thermal=False)
toy = paper_toy_model(args.eps, args.gamma, thermal=False)
for name, m in (("first principles", no_th), ("paper toy", toy)):
    print(f"{name:17s}: m0 = {m.m0:.4f}, wall width = {m.wall_width:.2f}, T = site_noise/2 = {m.temperature:.4f}, "
          f"barrier v(0) - v(m0) = {float(m.potential(0) - m.potential(m.m0)):.5f}")

mm = np.linspace(-1, 1, 201)
fig, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
ax.plot(hydro.m_grid, args.eps * hydro.f_values, ".", ms=3, label="slow manifold (ED)")
ax.plot(mm, no_th.force(mm), label=f"fit, degree {hydro.degree}")
ax.plot(mm, toy.force(mm), "--", label="paper's toy force (Eq. 15)")
ax.axhline(0, color="k", lw=0.5)
ax.set(xlabel="$m$", ylabel=r"$f(m)$ [$J$]",
       title=rf"force at $\varepsilon$ = {args.eps}, $\gamma$ = {args.gamma}, $N$ = {args.sites}")
ax.legend(loc="lower left", framealpha=0.9)

# %%
# Domains
# -------
# The same seed for both runs; kymographs of the field smoothed over the wall count's
# coarse-graining length (one colour scale, ``±m0`` of the model without the conserved noise), and
# the wall density over time.  The two runs differ in their cells on purpose: with the conserved
# noise the lattice force needs ``dx = 2`` (see the caveat above), without it the paper's
# ``dx = 0.25`` is fine.  Each image is averaged over the wall count's coarse-graining length of
# its model (printed; longer with the conserved noise, whose white part it has to average out).
from lindhydro.analysis.walls import smooth  # noqa: E402

fig, ax = plt.subplot_mosaic([["a", "b"], ["c", "c"]], figsize=(8, 6.4), layout="constrained",
                             height_ratios=[1.3, 1])
ax = [ax["a"], ax["b"], ax["c"]]
runs = (("without xi^th, dx = 0.25", r"without $\xi^{\mathrm{th}}$, $dx$ = 0.25", no_th, 0.25, 0.001),
        ("with xi^th (Wick-ordered), dx = 2", r"with $\xi^{\mathrm{th}}$ (Wick-ordered), $dx$ = 2", with_th, 2.0, 0.02))
for a, (label, tex, model, dx, dt) in zip(ax[:2], runs, strict=True):
    C = model.counterterm_variance(dx, dt, int(args.length / dx))
    print(f"{label}: Wick variance C = {C:.3f}, lattice force coefficients "
          f"{np.round(model.lattice_force_coeffs(dx, dt, int(args.length / dx)), 5)}")
    r = simulate(model, length=args.length, time=args.time, dx=dx, dt=dt, seed=7, record_every=int(round(1.0 / dt)),
                 snapshot_every=max(1, int(round(args.time / 300 / dt))))
    im = plot_kymograph(smooth(r.snapshots, dx=dx, ell=r.coarse_graining_length), dx=dx, times=r.snapshot_times,
                        ax=a, m_scale=no_th.m0, title=tex)
    ax[2].plot(r.times, r.wall_density, label=tex)
    print(f"{label}: walls per unit length (second half) = {r.domain_wall_density:.4f} "
          f"(ell = {r.coarse_graining_length:.2f}), <m^2> = {r.m2_mean:.3f}, "
          f"{r.site_updates_per_second:.3g} site-updates/s")
ax[1].set_ylabel("")
ax[1].tick_params(labelleft=False)
fig.colorbar(im, ax=ax[:2], label="$m$", shrink=0.9)
ax[2].set(xlabel="$t$", ylabel="walls per unit length", title="wall density (hysteresis count)")
ax[2].set_ylim(bottom=0)
ax[2].legend(loc="lower right", framealpha=0.9)
plt.show()
