"""
Bring your own model
====================

lindhydro takes any open chain you can write with QuTiP: ``H0``, a list of conserved charges
``Q_i`` (commuting with ``H0`` and with each other; ``H0`` itself is one), and jump groups
``(name, [L_j], rate)``.  Hand them to :func:`lindhydro.quantum.model.custom_model` (or return the
plain tuple from a function for the command line) and everything else is found in the operators:

* **exact diagonalisation** resolves the sectors of charges that are diagonal in the product basis
  (and of the magnetisation if ``H0`` conserves it) and lattice momentum when translation is a
  symmetry of ``H0`` and the charges; only one jump operator per translation orbit is evaluated;
* **exact steady states** are solved per sector of the *strong* symmetries (diagonal U(1) or Z_p,
  and the site-wise inversion such as X = Πσˣ), on the operators invariant under the *weak* ones
  (translation, reflection, diagonal parities); without a strong symmetry the steady state is
  unique and there is one sector;
* the **reduction** follows the unstable → stable flow line (for one charge: the charge itself)
  and fits the force of the order parameter; an odd force becomes a
  :class:`~lindhydro.field.FieldModel`.

Two models beyond the paper, start to finish: a spin-1 chain whose magnetisation orders (domains),
and a mixed-field Ising chain whose only charge is the energy (no domains: one stable state).
Units: energies and rates in units of the exchange, forces and noise per unit ε.
"""

# %%
# Model 1: a spin-1 chain with an aligning bath
# ---------------------------------------------
# An XXZ chain of spins 1 with single-ion anisotropy, Sˣ noise, and a spin-1 version of the
# paper's aligning jumps (raise a spin between two fully up neighbours, lower it between two fully
# down ones).  Charges: the magnetisation Σ Sᶻ and the energy.
import matplotlib.pyplot as plt
import numpy as np
import qutip

from lindhydro.field import FieldModel, simulate
from lindhydro.lindblad.steady_state import steady_state
from lindhydro.plotting.field import plot_kymograph
from lindhydro.quantum.fixed_points import find_fixed_points
from lindhydro.quantum.model import custom_model
from lindhydro.quantum.reduce import reduce_to_order_parameter


def on_site(op, j, n):
    """``op`` on site j of an n-site chain."""
    return qutip.tensor([op if k == j else qutip.qeye(op.shape[0]) for k in range(n)])


def spin_one_chain(n, delta=0.8, anisotropy=0.3, noise=0.35, aligning=1.0):
    Sp, Sm, Sz, Sx = (qutip.jmat(1, c) for c in "+-zx")
    top, bottom = qutip.basis(3, 0).proj(), qutip.basis(3, 2).proj()
    H = sum(0.5 * (on_site(Sp, j, n) * on_site(Sm, (j + 1) % n, n) + on_site(Sm, j, n) * on_site(Sp, (j + 1) % n, n))
            + delta * on_site(Sz, j, n) * on_site(Sz, (j + 1) % n, n) + anisotropy * on_site(Sz * Sz, j, n)
            for j in range(n))
    align = [on_site(top, j - 1, n) * on_site(Sp, j, n) * on_site(top, (j + 1) % n, n)
             + on_site(bottom, j - 1, n) * on_site(Sm, j, n) * on_site(bottom, (j + 1) % n, n) for j in range(n)]
    magnetisation = sum(on_site(Sz, j, n) for j in range(n))
    return custom_model(H, [magnetisation, H],
                        [("sx", [on_site(Sx, j, n) for j in range(n)], noise), ("aligning", align, aligning)],
                        charge_names=["sz", "energy"])


chain = spin_one_chain(6)
fixed = find_fixed_points(chain)
print(f"N = 6 spins 1 (dimension {chain.dimension}); charges {fixed.charge_names}")
for p in fixed.points:
    print(f"  q = {np.round(p.q, 4)}  {'stable  ' if p.stable else 'unstable'}  "
          f"eigenvalues {np.round(np.real(p.jacobian_eigenvalues), 4)}  N_sz,sz = {p.noise[0, 0]:.4f}")

# %%
# Two stable fixed points ±m* and an unstable one at m = 0: bistability, as in the paper's chain.
# The exact steady state of a small chain (N = 4, ε = 0.05) has two sectors of the strong
# symmetry Sᶻ → −Sᶻ (found, not declared); from infinite temperature both are weighted by their
# dimension.  Its ⟨Sᶻ⟩ vanishes, but ⟨(ΣSᶻ)²⟩^{1/2}/N sits near m*: a finite chain is a mixture
# of the two ordered states.
exact = steady_state(spin_one_chain(4), 0.05)
print(f"strong symmetries: {exact.strong}; sectors {[s.labels for s in exact.by_sector]} "
      f"with weights {np.round(exact.weights, 4)}")
m_star = max(p.q[0] for p in fixed.stable)
print(f"exact (N = 4): <Sz>/N = {exact.q_mean[0]:.2e}, <Sz^2>^(1/2)/N = {exact.q_rms[0]:.4f}; "
      f"fixed point (N = 6): m* = {m_star:.4f}")

# %%
# The reduced field and its domains
# ---------------------------------
# The order parameter is the magnetisation (the charge that changes most between the stable
# points); along the flow line from m = 0 to ±m* its force is odd, so it is a field model.  D and
# χT are inputs (not computed), here D = 1 and no conserved noise.
hydro = reduce_to_order_parameter(chain)
print(f"manifold: {hydro.manifold} of {hydro.order}; f(m)/eps = {np.round(hydro.force_coeffs, 4)} "
      f"(odd powers), N = {hydro.noise:.4f} at m* = {hydro.m_star:.4f}")
eps = 0.3
field = FieldModel.from_hydro(hydro, eps, D=1.0, chi_T=0.5, thermal=False)
run = simulate(field, length=300.0, time=150.0, dx=0.5, dt=0.005, seed=3, snapshot_every=100)
print(f"field: m0 = {field.m0:.3f}, wall width {field.wall_width:.2f}; walls per unit length "
      f"{run.domain_wall_density:.4f}, <m^2> = {run.m2_mean:.3f}")

fig, ax = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
mm = np.linspace(-1, 1, 201)
ax[0].plot(hydro.m_grid, hydro.f_values, ".", ms=3, label="flow line (ED)")
ax[0].plot(mm, hydro.force(mm), label=f"odd fit, degree {hydro.degree}")
ax[0].axhline(0, color="k", lw=0.5)
ax[0].set(xlabel=r"$m = \langle S^z\rangle/N$", ylabel=r"$f(m)/\varepsilon$", title="spin-1 chain: reduced force")
ax[0].legend(fontsize=8)
image = plot_kymograph(run.snapshots, dx=0.5, times=run.snapshot_times, ax=ax[1], m_scale=field.m0,
                       title=f"domains at ε = {eps}")
fig.colorbar(image, ax=ax[1], label="$m$")

# %%
# Model 2: energy is the only charge
# ----------------------------------
# A mixed-field Ising ring with decay σ⁻ and spin flips σˣ.  Neither the magnetisation nor X is
# conserved, so the energy is the only charge (k = 1) and there is no strong symmetry: the steady
# state is unique.  For the command line, a function returning the plain tuple is enough:
# ``lindhydro fixed-points --model my_models.py:ising --sites 12 --json``.


def ising(n, hx=0.9, hz=0.4, decay=0.6, flips=0.3):
    sx, sz, sm = qutip.sigmax(), qutip.sigmaz(), qutip.sigmam()
    H = sum(on_site(sz, j, n) * on_site(sz, (j + 1) % n, n) + hx * on_site(sx, j, n) + hz * on_site(sz, j, n)
            for j in range(n))
    return H, [H], [("decay", [on_site(sm, j, n) for j in range(n)], decay),
                    ("flip", [on_site(sx, j, n) for j in range(n)], flips)], ["energy"]


reduced = reduce_to_order_parameter(ising(8))
(star,) = reduced.fixed_points.points
exact = steady_state(ising(6), 0.05)
print(f"Ising: one fixed point e* = {star.q[0]:.4f} ({'stable' if star.stable else 'unstable'}, "
      f"rate {np.real(star.jacobian_eigenvalues[0]):.3f}); exact steady state (N = 6, eps = 0.05): "
      f"<H>/N = {exact.q_mean[0]:.4f}, strong symmetries {exact.strong or 'none'}")
print(f"reduced force: odd = {reduced.odd} (even part {reduced.asymmetry:.2f} of its scale)")

# %%
# One stable fixed point and a force that is not odd about it: there is nothing to choose between,
# so no domains form — the energy density relaxes to e* with Gaussian fluctuations of variance
# ~N/(2|f'|) per unit length (:class:`~lindhydro.field.FieldModel` integrates odd forces only and
# refuses this one; ``reduce_to_order_parameter(..., symmetrise=True, degree=1)`` gives the
# linearised field if that is what you want).
e = reduced.center[0] + reduced.m_grid
fig, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
ax.plot(e, reduced.f_values, label="Gibbs force (ED, N = 8)")
ax.axhline(0, color="k", lw=0.5)
ax.axvline(star.q[0], color="C3", ls="--", label="stable fixed point")
ax.axvline(exact.q_mean[0], color="C2", ls=":", label="exact steady state (N = 6)")
ax.set(xlabel=r"$e = \langle H_0\rangle/N$", ylabel=r"$f(e)/\varepsilon$", title="Ising chain: one charge, one state")
ax.legend(fontsize=8)
plt.show()
