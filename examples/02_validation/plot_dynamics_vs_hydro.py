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
±m*, which the deterministic equation does not contain; the linear-noise covariance, dashed in
the m_rms panel, follows only the first ~1/ε).

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

fig, axes = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True)
colors = plt.cm.plasma(np.linspace(0, 0.8, len(eps_values)))
for c, (eps, r) in zip(colors, runs.items(), strict=True):
    for k, ax in enumerate(axes):
        ax.plot(r.tau, r.exact[:, k], color=c, label=f"mesolve, ε = {eps}")
hy = runs[eps_values[-1]]
for k, ax in enumerate(axes):
    ax.plot(hy.tau, hy.hydro[:, k], "k--", lw=2, label="hydrodynamics")
axes[0].set(xlabel="τ = εt", ylabel="m = ⟨Q1⟩/N")
axes[1].set(xlabel="τ = εt", ylabel="e = ⟨H0⟩/N  [J]")
axes[2].set(xlabel="τ = εt", ylabel="m_rms = ⟨Q1²⟩^{1/2}/N", title="dashed: linear-noise covariance")
axes[0].legend(fontsize=8)

# %%
# How the deviation shrinks
# -------------------------
# Left: max over τ of |m_exact − m_hydro| against ε (it saturates at the finite-N floor).
# Right: change of the exact trajectory between successive ε (its ε → 0 convergence).
eps_arr = np.array(eps_values)
dev = np.array([runs[e].deviation["m"] for e in eps_values])
change = np.array([np.abs(runs[a].exact[:, :2] - runs[b].exact[:, :2]).max() for a, b in zip(eps_values, eps_values[1:], strict=False)])
fig, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
axes[0].plot(eps_arr, dev, "o-")
axes[0].set(xscale="log", xlabel="ε", ylabel="max_τ |m_exact − m_hydro|", title=f"N = {params.n_sites}")
axes[1].loglog(eps_arr[1:], change, "o-", label="max |q(ε_prev) − q(ε)|")
axes[1].loglog(eps_arr[1:], change[0] * eps_arr[1:] / eps_arr[1], "k:", label="∝ ε")
axes[1].set(xlabel="ε", ylabel="change of the exact trajectory")
axes[1].legend()
plt.show()
