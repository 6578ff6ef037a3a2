"""
The force field of the paper's Fig. 2
=====================================

The weakly open XXZ chain relaxes, on time scales 1/ε, through Gibbs states
ρ(λ) = exp(−λ1 Q1 − λ2 H0)/Z.  Their densities q = (m, e) = (⟨Q1⟩/N, ⟨H0⟩/N) obey
dq/dt = ε f(q) with the forces f_i = (1/N)⟨L̂1†(Q_i)⟩.  This example diagonalises the chain
resolved by magnetisation and momentum, checks the infinite-temperature forces against their
analytic form, finds the fixed points and draws the force field with the flow lines from the
unstable to the stable fixed points.

The default chain (N = 10) runs in a few seconds; ``python plot_force_field.py --sites 12`` uses
the paper's N = 12 (the fixed points agree to about 10⁻⁷).
"""

# %%
# Exact diagonalisation and Gibbs ensembles
# -----------------------------------------
# ``diagonalize`` builds each (magnetisation, momentum) block from the bit representation and
# stores, per eigenstate, Q1_n, E_n and the diagonal matrix elements of L̂1†(Q_i) and of the
# noise operators.  Every Gibbs average is then a log-sum-exp weighted sum.
import argparse
import time

import matplotlib.pyplot as plt
import numpy as np

from lindhydro.plotting.quantum import plot_force_field
from lindhydro.quantum.fixed_points import find_fixed_points
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import force_field, forces, infinite_temperature_forces
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.spectrum import diagonalize

parser = argparse.ArgumentParser()
parser.add_argument("--sites", type=int, default=10, help="chain length (paper: 12)")
parser.add_argument("--grid", type=int, default=81, help="grid points per axis (paper-like: 101)")
args, _ = parser.parse_known_args()

params = ChainParameters(n_sites=args.sites, gamma=0.9, J=1.0, delta=1.0, jprime=0.01)
t0 = time.perf_counter()
spectrum = diagonalize(params)
ens = GibbsEnsemble(spectrum)
print(f"N = {params.n_sites}: {spectrum.n_states} states in {len(spectrum.block_sizes)} blocks "
      f"({spectrum.method}), largest block {max(spectrum.block_sizes)}, "
      f"{time.perf_counter() - t0:.2f} s")

# %%
# Infinite temperature: the analytic forces
# -----------------------------------------
# At λ2 = 0 the Gibbs state is a product state with ⟨σᶻ⟩ = m = −tanh λ1, and
# f1 = 2J[γ/4 (1 − m²) − (1 − γ)] m — twice the form printed in the paper's Appendix A.1.
for m in (0.2, 0.5, 0.8):
    f_ed = forces(ens, (-np.arctanh(m), 0.0))
    f_an = infinite_temperature_forces(m, params)
    print(f"m = {m:.1f}:  ED f = ({f_ed[0]:+.6f}, {f_ed[1]:+.6f})   analytic = "
          f"({float(f_an[0]):+.6f}, {float(f_an[1]):+.6f})")

# %%
# Fixed points and their stability
# --------------------------------
# Zeros of f are found in λ space with the exact Jacobian; stability is read off the eigenvalues
# of ∂f/∂q.  The fixed points are *hotter than infinite temperature* (λ2 < 0).
result = find_fixed_points(ens)
for p in result.points:
    eig = ", ".join(f"{z.real:+.3f}" for z in p.jacobian_eigenvalues)
    print(f"m = {p.m:+.4f}  e = {p.e:.4f}  λ = ({p.lam[0]:+.3f}, {p.lam[1]:+.3f})  "
          f"{'stable  ' if p.stable else 'unstable'}  eigenvalues {eig}  N11 = {p.noise[0, 0]:.4f}")

# %%
# The force field
# ---------------
# Colour: |f|; white: stream lines of (f1, f2); red: fixed points (filled = stable) and the flow
# lines from the unstable fixed point along its unstable direction.  Outside the grey boundary
# (the convex hull of the eigenvalue points) no Gibbs state exists.
m_axis = np.linspace(-1, 1, args.grid)
e_axis = np.linspace(-0.6, 1.05, args.grid)
field = force_field(ens, m_axis, e_axis)
fig = plot_force_field(field, result)
plt.show()
