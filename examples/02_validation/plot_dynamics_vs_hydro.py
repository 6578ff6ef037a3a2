"""
Exact dynamics against the hydrodynamic equation
================================================

Start a chain in a Gibbs state ρ(λ0) — here infinite temperature with a small magnetisation,
λ0 = (−0.3, 0) — and follow the densities m = ⟨Q1⟩/N and e = ⟨H0⟩/N

* exactly, with ``qutip.mesolve`` of ρ̇ = (L̂0 + εL̂1)ρ on the full 2^N space, and
* hydrodynamically, dq/dτ = f(q) with the Gibbs forces of the *same* N, τ = εt.

In units of 1/ε the exact curves have an ε → 0 limit (the changes shrink like ε or faster) and
the deviation from the hydrodynamic curve shrinks with ε towards a finite-N floor: at N = 6–8 the
Q1 distribution spreads (m_rms grows, ⟨m⟩ turns back towards 0 — noise-driven switching between
±m*, which the deterministic equation does not contain; the linear-noise covariance, dash-dotted
in the m_rms panel, follows only the first ~1/ε).

The finite-N floor is the noise of a finite chain: the exact ε → 0 dynamics against the
*noisy* hydrodynamics of the same N, and how the difference shrinks with N, is in
:ref:`sphx_glr_auto_examples_02_validation_plot_convergence.py`.

Defaults (N = 6) run in about 15 s; ``--sites 8`` takes a few minutes.
"""

# %%
# Trajectories for several ε
# --------------------------
import argparse

import matplotlib.pyplot as plt
import numpy as np

from lindhydro.lindblad import compare_dynamics
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.spectrum import diagonalize

parser = argparse.ArgumentParser()
parser.add_argument("--sites", type=int, default=6, help="chain length (6-8)")
parser.add_argument("--tau-max", type=float, default=3.0, help="final time in units of 1/eps")
args, _ = parser.parse_known_args()

params = ChainParameters(n_sites=args.sites)
ens = GibbsEnsemble(diagonalize(params))
eps_values = [1.0, 0.3, 0.1, 0.05]
runs = {
    eps: compare_dynamics(params, eps, tau_max=args.tau_max, n_times=61, ensemble=ens, rtol=1e-7, atol=1e-9)
    for eps in eps_values
}
for eps, r in runs.items():
    d = r.deviation
    print(f"eps = {eps:5.2f}: max|dm| = {d['m']:.5f}, max|de| = {d['e']:.5f}, mesolve {r.timings['mesolve']:.1f} s")

TAU = r"$\tau = \varepsilon t$  [$\hbar/J$]"
fig, axes = plt.subplots(2, 2, figsize=(9, 6.5), layout="constrained")
panels = axes.flat[:3]
markers = ["o", "s", "^", "D"]
colors = plt.cm.plasma(np.linspace(0, 0.8, len(eps_values)))
for i, (c, mk, (eps, r)) in enumerate(zip(colors, markers, runs.items(), strict=True)):
    for k, ax in enumerate(panels):
        ax.plot(r.tau, r.exact[:, k], "-", color=c, lw=1.2, marker=mk, ms=4, markevery=(2 * i, 8),
                label=rf"exact (mesolve), $\varepsilon = {eps:g}$")
hy = runs[eps_values[-1]]  # the hydrodynamic curves do not depend on ε
for k, ax in enumerate(panels):
    ax.plot(hy.tau, hy.hydro[:, k], color="k", lw=2, ls="--" if k < 2 else "-.",
            label=r"hydrodynamics, $dq/d\tau = f(q)$" if k < 2
            else r"hydrodynamics + linear-noise covariance, $m_\mathrm{rms} = (m^2 + C_{11})^{1/2}$")
panels[0].set(xlabel=TAU, ylabel=r"$m = \langle Q_1\rangle/N$")
panels[1].set(xlabel=TAU, ylabel=r"$e = \langle H_0\rangle/N$  [$J$]")
panels[2].set(xlabel=TAU, ylabel=r"$m_\mathrm{rms} = \langle Q_1^2\rangle^{1/2}/N$")
handles, labels = [], []
for ax in panels:
    for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
        if lab not in labels:
            handles.append(h)
            labels.append(lab)
axes[1, 1].axis("off")
axes[1, 1].legend(handles, labels, loc="center", fontsize=9, frameon=False)
fig.suptitle(rf"$N = {params.n_sites}$, Gibbs start $\lambda_0 = ({hy.lam0[0]:g}, {hy.lam0[1]:g})$")

# %%
# How the deviation shrinks
# -------------------------
# Left: max over τ of |m_exact − m_hydro| against ε (it saturates at the finite-N floor).
# Right: change of the exact trajectory between successive ε (its ε → 0 convergence); the dotted
# line is a power law fitted to these points (its slope is printed in the legend).
eps_arr = np.array(eps_values)
dev = np.array([runs[e].deviation["m"] for e in eps_values])
change = np.array([np.abs(runs[a].exact[:, :2] - runs[b].exact[:, :2]).max() for a, b in zip(eps_values, eps_values[1:], strict=False)])
fit = np.polyfit(np.log(eps_arr[1:]), np.log(change), 1)  # power law fitted to the plotted points
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
axes[0].plot(eps_arr, dev, "o-")
axes[0].set(xscale="log", xlabel=r"$\varepsilon$", ylabel=r"$\max_\tau |m_\mathrm{exact} - m_\mathrm{hydro}|$",
            title="exact against hydrodynamics")
axes[1].loglog(eps_arr[1:], change, "o-",
               label=r"$\max_\tau |q(\tau; \varepsilon_\mathrm{prev}) - q(\tau; \varepsilon)|$, $q = (m, e)$")
axes[1].loglog(eps_arr[1:], np.exp(np.polyval(fit, np.log(eps_arr[1:]))), "k:",
               label=rf"fitted power law, slope {fit[0]:.1f}")
axes[1].set(xlabel=r"$\varepsilon$", ylabel="change of the exact trajectory", title=r"exact, successive $\varepsilon$")
axes[1].legend(fontsize=9, loc="upper left")
fig.suptitle(rf"$N = {params.n_sites}$")
plt.show()
