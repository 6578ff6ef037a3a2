"""The quantum side: an open system as QuTiP objects, its spectrum and the hydrodynamics of its Gibbs states.

Data flow: ``model`` (H0, charges, jump groups; the paper's chain or any user's) → ``basis`` (product
states, symmetry sectors) and ``symmetries`` (what a model's operators conserve) →
``spectrum`` (symmetry-resolved exact diagonalisation) → ``gibbs`` (ρ(λ) = exp(−Σ λ_i Q_i)/Z) →
``hydro`` (forces f_i, noise N_ij) → ``fixed_points`` (zeros, stability, flow lines) → ``reduce``
(the order parameter along the slow manifold).  Conventions: ħ = a = 1, energies in units of J, forces and noise per unit ε.
"""
