"""
Hopping convention, bistability threshold and the order-parameter force
=======================================================================

Two things the paper leaves implicit, settled by exact diagonalisation:

* **Hopping normalisation.**  Read literally (σ± = (σˣ ± iσʸ)/2) the paper's H0 has hopping
  (J/2)(σˣσˣ + σʸσʸ) and the Fig. 2 parameters give a *single* stable fixed point at m = 0; the
  isotropic reading J(σˣσˣ + σʸσʸ + Δσᶻσᶻ) reproduces Fig. 2.
* **Order parameter.**  Eliminating the fast energy direction (f2 = 0) leaves ∂t m = ε f(m) with
  an odd polynomial f, the input of the stochastic field theory.

Small chains (N = 8) suffice: the fixed points are converged in N to about 10⁻⁶.
"""

# %%
# Isotropic versus literal hopping
# --------------------------------
import matplotlib.pyplot as plt
import numpy as np

from lindhydro.quantum.fixed_points import find_fixed_points
from lindhydro.quantum.model import ChainParameters
from lindhydro.quantum.reduce import reduce_to_order_parameter

for hopping in ("isotropic", "literal"):
    res = find_fixed_points(ChainParameters(n_sites=8, hopping=hopping), paths=False)
    print(hopping, [(round(p.m, 4), round(p.e, 4), "stable" if p.stable else "unstable")
                    for p in res.points])

# %%
# The stable magnetisation as a function of γ
# --------------------------------------------
# At infinite temperature bistability would set in at γ = 4/5; in the Gibbs ensemble of the hot
# fixed points it sets in later, at γc ≈ 0.8530 (where the m = 0 fixed point's Jacobian
# eigenvalue along m crosses zero; the same to 10⁻⁶ for N = 10 and 12), as a pitchfork
# bifurcation.
gammas = np.linspace(0.80, 0.98, 19)
m_star = []
for g in gammas:
    res = find_fixed_points(ChainParameters(n_sites=8, gamma=g), paths=False)
    m_star.append(max(abs(p.m) for p in res.stable))
fig, ax = plt.subplots(1, 2, figsize=(8, 3.4), layout="constrained")
ax[0].plot(gammas, m_star, "o-", label="ED, $N$ = 8")
g_fine = np.linspace(0.8, 0.98, 400)  # the toy model's square-root onset at 4/5, resolved
ax[0].plot(g_fine, np.sqrt(np.clip(5 - 4 / g_fine, 0, None)), "--", label=r"$\sqrt{5-4/\gamma}$ (toy model)")
ax[0].set_xlabel(r"$\gamma$")
ax[0].set_ylabel(r"stable $|m^*|$")
ax[0].set_title("stable magnetisation")
ax[0].legend(loc="lower right")

# %%
# The order-parameter force along the slow manifold
# -------------------------------------------------
hydro = reduce_to_order_parameter(ChainParameters(n_sites=8))
print("f(m)/ε = " + " + ".join(f"({c:.4f}) m^{2 * k + 1}" for k, c in enumerate(hydro.force_coeffs)))
print(f"m* = {hydro.m_star:.4f},  N11(m*) = {hydro.noise:.4f} J per unit ε and site")
m = np.linspace(-0.9, 0.9, 200)
ax[1].plot(hydro.m_grid, hydro.f_values, ".", ms=4, label=r"ED, $f_2 = 0$")
ax[1].plot(m, hydro.force(m), label="odd quintic fit")
g = 0.9
ax[1].plot(m, (g / 4 * (1 - m**2) - (1 - g)) * m, ":", label="toy model (Eq. 15)")
ax[1].axhline(0, color="0.6", lw=0.5)
ax[1].set_xlabel(r"$m$")
ax[1].set_ylabel(r"$f(m)/\varepsilon$ [$J$]")
ax[1].set_title(r"force along the slow manifold, $\gamma$ = 0.9")
ax[1].legend(loc="upper right", framealpha=0.9)
plt.show()
