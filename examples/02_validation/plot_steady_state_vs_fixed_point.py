"""
Exact steady states against the Gibbs fixed points
==================================================

The hydrodynamic theory predicts that a weakly open chain (ε → 0) settles into the Gibbs state
of a stable fixed point f(q*) = 0: magnetisation ±m*, energy density e*.  Here the *exact*
steady state of L̂0 + εL̂1 is computed for small chains and compared with that prediction.

* The strong Z2 symmetry X = Πσˣ makes the steady state non-unique: one per X sector.  The
  top-level numbers are the equal mixture — the state reached from infinite temperature.
* Translation, reflection and Z = Πσᶻ reduce the operator space (N = 8: 627 unknowns instead of
  4^7 = 16384 per sector).
* ε → 0 is taken exactly by the secular rate equation (block-diagonal in the H0 eigenbasis).
* A finite chain keeps ⟨Q1⟩ = 0: the right observable is m_rms = ⟨Q1²⟩^{1/2}/N, compared with the
  Gibbs value sqrt(m*² + χ11/N) of the ± fixed-point mixture.

Defaults (exact N ≤ 8, secular N ≤ 10) run in well under a minute; ``--nmax-exact 10
--nmax-secular 12`` gives the largest chains (a few minutes).
"""

# %%
# Exact steady states over ε and N
# --------------------------------
import argparse
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from lindhydro.lindblad import fixed_point_reference, secular_steady_state, steady_state
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.reduce import reduce_to_order_parameter

parser = argparse.ArgumentParser()
parser.add_argument("--nmax-exact", type=int, default=8, help="largest N for the exact solve (<= 10)")
parser.add_argument("--nmax-secular", type=int, default=10, help="largest N for the eps -> 0 limit (<= 14)")
args, _ = parser.parse_known_args()

eps_values = [0.3, 0.1, 0.03, 0.01]
n_exact = list(range(4, args.nmax_exact + 1))
n_secular = list(range(4, args.nmax_secular + 1))

fp, exact, secular = {}, {}, {}
t0 = time.perf_counter()
for n in n_secular:
    params = ChainParameters(n_sites=n)
    fp[n] = fixed_point_reference(params)
    secular[n] = secular_steady_state(params)
    if n in n_exact:
        exact[n] = {eps: steady_state(params, eps) for eps in eps_values}
print(f"computed in {time.perf_counter() - t0:.1f} s")
for n in n_secular:
    s = secular[n]
    print(f"N = {n:2d}: eps->0 e = {s.energy_density:.4f} (e* = {fp[n].e:.4f}), "
          f"m_rms = {s.m_rms:.4f} (Gibbs {fp[n].m_rms:.4f}, m* = {fp[n].m:.4f})")

# %%
# Energy density and m_rms against ε
# ----------------------------------
# Solid: exact steady state (equal X mixture); the ε = 0 point is the secular limit; dashed:
# the Gibbs prediction of the same N.  The ε dependence is weak: the steady state is set by the
# bath *ratios*, as the hydrodynamic theory assumes.
fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), layout="constrained")
colors = plt.cm.viridis(np.linspace(0, 0.9, len(n_exact)))
for c, n in zip(colors, n_exact, strict=True):
    xs = [0.0] + eps_values
    e = [secular[n].energy_density] + [exact[n][eps].energy_density for eps in eps_values]
    m = [secular[n].m_rms] + [exact[n][eps].m_rms for eps in eps_values]
    axes[0].plot(xs, e, "o-", color=c, label=f"$N = {n}$")
    axes[0].axhline(fp[n].e, color=c, ls="--", lw=1)
    axes[1].plot(xs, m, "o-", color=c)
    axes[1].axhline(fp[n].m_rms, color=c, ls="--", lw=1)
axes[0].set(xlabel=r"$\varepsilon$", ylabel=r"energy density $e = \langle H_0\rangle/N$  [$J$]", title="energy density")
axes[1].set(xlabel=r"$\varepsilon$", ylabel=r"$m_\mathrm{rms} = \langle Q_1^2\rangle^{1/2}/N$", title="rms magnetisation")
style = [Line2D([], [], color="0.4", marker="o", ls="-", label=r"exact steady state ($\varepsilon = 0$: secular limit)"),
         Line2D([], [], color="0.4", ls="--", label=r"Gibbs prediction, same $N$: $e^*$ (left), $\pm m^*$ mixture (right)")]
fig.legend(handles=axes[0].get_legend_handles_labels()[0] + style, loc="outside lower center", ncol=4, fontsize=9)

# %%
# The remaining gap against N (ε → 0)
# -----------------------------------
# The secular steady state is the exact ε → 0 limit, so its distance from the Gibbs prediction
# is the finite-size error of the hydrodynamic description.
ns = np.array(n_secular)
de = np.array([secular[n].energy_density - fp[n].e for n in ns])
dm = np.array([secular[n].m_rms - fp[n].m_rms for n in ns])
dm_star = np.array([secular[n].m_rms - fp[n].m for n in ns])
fig, ax = plt.subplots(figsize=(6, 4.2), layout="constrained")
ax.plot(ns, np.abs(de), "o-", label=r"$|e - e^*|$  [$J$]")
ax.plot(ns, np.abs(dm), "s-", label=r"$|m_\mathrm{rms} - m_\mathrm{rms}^\mathrm{Gibbs}|$")
ax.plot(ns, np.abs(dm_star), "^-", label=r"$|m_\mathrm{rms} - m^*|$")
ax.set(xlabel="$N$", ylabel=r"gap at $\varepsilon \to 0$", yscale="log", title="finite-size gap to the hydrodynamic prediction")
ax.legend(fontsize=9, loc="lower left")
for n, a, b in zip(ns, de, dm, strict=True):
    print(f"N = {n:2d}: e - e* = {a:+.4f}, m_rms - m_rms(Gibbs) = {b:+.4f}")

# %%
# Energy at given magnetisation: the slow manifold
# ------------------------------------------------
# The hydrodynamic states at magnetisation m are the Gibbs states on the slow manifold f2 = 0,
# with energy e*(m) (from :func:`lindhydro.quantum.reduce.reduce_to_order_parameter`).  The exact
# (ε → 0) steady state conditioned on |Q1| = N|m| is much colder than e*(m) at these N, and the
# fully polarised states (e = Δ = 1, outside the Gibbs-reachable manifold) carry a large weight:
# the good agreement of the *averaged* e and m_rms partly comes from this compensation.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the slow manifold is truncated where it leaves the reachable region
    hydro = reduce_to_order_parameter(ChainParameters(n_sites=n_secular[-1]), m_max=0.95)
ok = np.isfinite(hydro.e_values) & (hydro.m_grid >= 0)  # e*(m) is even in m: draw m >= 0 against |m|
fig, ax = plt.subplots(figsize=(7.5, 4.2), layout="constrained")
ax.plot(hydro.m_grid[ok], hydro.e_values[ok], "k-", lw=2, label=f"slow manifold $e^*(m)$, $N = {n_secular[-1]}$")
colors = plt.cm.viridis(np.linspace(0, 0.9, len(n_secular)))
for c, n in zip(colors, n_secular, strict=True):
    cond = secular[n].energy_density_given_abs_q1
    ms = np.array(sorted(cond))
    ax.plot(ms / n, [cond[k] for k in ms], "o:", color=c, label=rf"$\varepsilon \to 0$, $N = {n}$")
ax.set(xlabel=r"$|m| = |Q_1|/N$", ylabel=r"$e$ given $|Q_1|$  [$J$]", title="energy conditioned on the magnetisation")
fig.legend(fontsize=9, loc="outside right upper")

# %%
# Distribution of Q1
# ------------------
# Bimodal, as the bistability suggests, but broader than the Gibbs mixture: the steady state is
# not a mixture of two Gibbs states at this N.
n = n_exact[-1]
dist_exact = exact[n][0.01].q1_distribution
dist_sec = secular[n].q1_distribution
dist_fp = fp[n].q1_distribution
q = np.array(sorted(dist_exact))
fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
w = 0.6
ax.bar(q - w, [dist_exact[k] for k in q], width=w, label=r"exact, $\varepsilon = 0.01$")
ax.bar(q, [dist_sec[k] for k in q], width=w, label=r"$\varepsilon \to 0$ (secular)")
ax.bar(q + w, [dist_fp[k] for k in q], width=w, label=r"Gibbs $\pm m^*$ mixture")
ax.set(xlabel=r"$Q_1$", ylabel=r"probability $P(Q_1)$", title=f"$N = {n}$", xticks=q)
ax.set_ylim(0, 1.35 * max(max(d.values()) for d in (dist_exact, dist_sec, dist_fp)))  # room for the legend
ax.legend(fontsize=9, loc="upper center", ncol=3)
plt.show()
