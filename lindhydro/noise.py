"""The noise matrix N_ij(q) per unit ε and unit length (generalised Einstein relation).

Derivation
----------
For a dissipator D†(X) = Σ_k r_k (L_k† X L_k − ½{L_k†L_k, X}) a direct expansion gives

.. math::

    D^\\dagger(AB) - D^\\dagger(A)B - A D^\\dagger(B) = \\sum_k r_k [L_k^\\dagger, A][B, L_k].

The generalised Einstein relation (paper, Appendix A.2; Ref. [28]) identifies the left-hand side,
for A = Q_i and B = Q_j, with the equal-time noise correlator (the Hamiltonian part drops out
because the charges are conserved).  Per unit length and unit ε:

.. math::

    N_{ij}(q) = \\frac{1}{N} \\sum_k r_k \\,\\big\\langle [L_k^\\dagger, Q_i][Q_j, L_k] \\big\\rangle_{\\lambda(q)}
              = \\frac{1}{N} \\sum_k r_k \\,\\big\\langle A_{k,i}^\\dagger A_{k,j} \\big\\rangle,
    \\qquad A_{k,i} = [Q_i, L_k],

a Gram matrix: symmetric (its real part; the Gibbs average of a real model is real) and
positive semidefinite.

Units: N11 in J (m is dimensionless), N12 in J², N22 in J³ (ħ = a = 1).

Infinite temperature
--------------------
At λ2 = 0 with ⟨σᶻ⟩ = m: each σˣ_j jump gives [Q1, σˣ_j] = 2iσʸ_j, i.e. 4 per site with rate
J(1−γ); each aligning jump changes Q1 by ±2 and acts on ↑↓↑ or ↓↑↓ configurations (probability
p↑p↓ = (1−m²)/4 in total), i.e. 4Jγ(1−m²)/4.  Hence

.. math::

    N_{11}(m) = 4J(1-\\gamma) + J\\gamma(1 - m^2), \\qquad
    N_{12}(m) = 8J^2\\Delta(1-\\gamma) m + 2J^2\\Delta\\gamma\\, m(1 - m^2).

The paper (A.2) keeps only the σˣ part 4J(1−γ) and states that L⁽²⁾ does not contribute; the
identity above shows that it does.  Both forms are checked against exact diagonalisation.
"""

from __future__ import annotations

import numpy as np

from lindhydro.gibbs import GibbsEnsemble
from lindhydro.model import ChainParameters

__all__ = ["noise_matrix", "noise_at", "noise_jacobian_lambda", "infinite_temperature_noise"]


def noise_matrix(ensemble: GibbsEnsemble, lam) -> np.ndarray:
    """N_ij(λ) per unit ε and unit length.

    Parameters
    ----------
    ensemble : GibbsEnsemble
        The ensemble (spectrum with noise elements).
    lam : array_like, shape (n_charges,)
        Lagrange parameters.

    Returns
    -------
    ndarray, shape (n_charges, n_charges)
        Symmetric positive semidefinite noise matrix (N11 in J, N12 in J², N22 in J³).
    """
    Nn = ensemble.average(ensemble.spectrum.noise_elements, lam) / ensemble.n_sites
    return 0.5 * (Nn + Nn.T)


def noise_jacobian_lambda(ensemble: GibbsEnsemble, lam) -> np.ndarray:
    """∂N_ij/∂λ_k = −cov(N_ij, Q_k)/N.

    Parameters
    ----------
    ensemble : GibbsEnsemble
        The ensemble.
    lam : array_like, shape (n_charges,)
        Lagrange parameters.

    Returns
    -------
    ndarray, shape (n_charges, n_charges, n_charges)
        Derivatives, last index k.
    """
    return -ensemble.covariance(ensemble.spectrum.noise_elements, lam) / ensemble.n_sites


def noise_at(ensemble: GibbsEnsemble, q, *, lam0=None) -> np.ndarray:
    """N(q) at densities q.

    Parameters
    ----------
    ensemble : GibbsEnsemble
        The ensemble.
    q : array_like, shape (n_charges,)
        Densities (m, e).
    lam0 : array_like, optional
        Starting point of the inverse map.

    Returns
    -------
    ndarray, shape (n_charges, n_charges)
        Noise matrix per unit ε.

    Raises
    ------
    ValueError
        If q is unreachable.
    """
    return noise_matrix(ensemble, ensemble.lambdas(q, lam0=lam0))


def infinite_temperature_noise(m, params: ChainParameters) -> tuple[np.ndarray, np.ndarray]:
    """Analytic (N11, N12) per unit ε at λ2 = 0 (product state, ⟨σᶻ⟩ = m), periodic chain.

    N11 = 4J(1 − γ) + Jγ(1 − m²) (units J); N12 = 8J²Δ(1−γ)m + 2J²Δγ m(1 − m²) (units J²).

    Parameters
    ----------
    m : array_like
        Magnetisation density.
    params : ChainParameters
        J, Δ, γ are used.

    Returns
    -------
    N11, N12 : ndarray
        Noise matrix elements per unit ε and unit length.
    """
    m = np.asarray(m, dtype=float)
    J, g, D = params.J, params.gamma, params.delta
    n11 = 4 * J * (1 - g) + J * g * (1 - m**2)
    n12 = 8 * J**2 * D * (1 - g) * m + 2 * J**2 * D * g * m * (1 - m**2)
    return n11, n12
