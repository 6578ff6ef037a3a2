"""Exact Lindblad dynamics from a Gibbs state against the hydrodynamic ODE dq/dτ = f(q), τ = εt.

Both start from ρ(λ0) = exp(−λ0·(Q1, H0))/Z of the same chain of N sites: ``qutip.mesolve`` on the
full 2^N space records m = ⟨Q1⟩/N and e = ⟨H0⟩/N; the hydrodynamics uses the Gibbs forces of the
same N (:mod:`lindhydro.quantum.hydro`), integrated in λ coordinates.  Time in units of 1/ε, J = ħ = 1.
Why the deviation shrinks towards a finite-N floor as ε → 0: ``docs/physics.md``.
"""


from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import qutip
import scipy.integrate

from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import force_jacobian, forces, noise_matrix
from lindhydro.quantum.model import ChainParameters, model_from_parameters, validate_eps
from lindhydro.quantum.spectrum import diagonalize

__all__ = ["TrajectoryComparison", "gibbs_density_matrix", "hydro_trajectory", "compare_dynamics", "MAX_DYNAMICS_SITES"]

#: Largest chain for the full-space mesolve (the Liouvillian acts on 4^N entries).
MAX_DYNAMICS_SITES = 9


def gibbs_density_matrix(params: ChainParameters, lam) -> qutip.Qobj:
    """ρ(λ) = exp(−λ1 Q1 − λ2 H0)/Z on the full 2^N space (dense eigendecomposition).

    Parameters
    ----------
    params : ChainParameters
        The chain (N ≤ 12).
    lam : (float, float)
        (λ1, λ2); λ2 in 1/J, may be negative (hotter than infinite temperature).

    Returns
    -------
    qutip.Qobj
    """
    n = params.n_sites
    if n > 12:
        raise ValueError(f"a dense Gibbs state needs N <= 12, got N={n}")
    lam = np.asarray(lam, dtype=float)
    if lam.shape != (2,) or not np.all(np.isfinite(lam)):
        raise ValueError(f"lam must be two finite numbers (lambda1, lambda2), got {lam!r}")
    system = model_from_parameters(params)
    A = (lam[0] * system.charges[0] + lam[1] * system.hamiltonian).full()
    w, U = np.linalg.eigh((A + A.conj().T) / 2)
    p = np.exp(-(w - w.min()))
    p /= p.sum()
    rho = (U * p) @ U.conj().T
    return qutip.Qobj(rho, dims=system.hamiltonian.dims)


def hydro_trajectory(
    ensemble, lam0, tau: np.ndarray, *, noise: bool = True, rtol: float = 1e-9, atol: float = 1e-11
) -> np.ndarray:
    """Integrate dq/dτ = f(q) (per unit ε, τ = εt) from the Gibbs state λ0, with the covariance.

    The mean follows the deterministic hydrodynamics, integrated in λ coordinates.  With
    ``noise=True`` the covariance C_ij = ⟨δq_i δq_j⟩ of the chain's densities q = Q/N follows the
    linear-noise (van Kampen) equation of the noisy hydrodynamics of a chain of N sites,

    .. math:: \\frac{dC}{d\\tau} = A C + C A^T + \\frac{\\mathcal N}{N}, \\qquad
        C(0) = \\chi(\\lambda_0)/N,

    with A = ∂f/∂q and 𝒩 the noise matrix per unit ε and length (:mod:`lindhydro.quantum.hydro`).  At
    τ = 0 this rate equals the exact d⟨δQ_iδQ_j⟩/dτ of the Gibbs state (generalised Einstein
    relation), and its fixed point is the Gaussian spread around a stable fixed point.

    Parameters
    ----------
    ensemble : lindhydro.quantum.gibbs.GibbsEnsemble
        Gibbs ensemble of the chain (its forces, susceptibilities and noise).
    lam0 : (float, float)
        Initial Lagrange parameters (λ1, λ2).
    tau : 1-D array
        Output times (units 1/ε), increasing, starting at 0.
    noise : bool
        Also integrate the covariance.
    rtol, atol : float
        Tolerances of the ODE integrator (LSODA).

    Returns
    -------
    numpy.ndarray, shape (len(tau), 5)
        Columns m, e, C11, C12, C22 (C zero when ``noise=False``).
    """
    n = ensemble.n_sites

    def rhs(_t, y):
        lam = y[:2]
        chi = ensemble.susceptibility(lam)
        dlam = -np.linalg.solve(chi, forces(ensemble, lam))
        if not noise:
            return np.concatenate([dlam, np.zeros(3)])
        A = force_jacobian(ensemble, lam)
        C = np.array([[y[2], y[3]], [y[3], y[4]]])
        dC = A @ C + C @ A.T + noise_matrix(ensemble, lam) / n
        return np.concatenate([dlam, [dC[0, 0], dC[0, 1], dC[1, 1]]])

    lam0 = np.asarray(lam0, float)
    C0 = ensemble.susceptibility(lam0) / n if noise else np.zeros((2, 2))
    y0 = np.concatenate([lam0, [C0[0, 0], C0[0, 1], C0[1, 1]]])
    sol = scipy.integrate.solve_ivp(rhs, (tau[0], tau[-1]), y0, t_eval=tau, rtol=rtol, atol=atol, method="LSODA")
    if not sol.success:
        raise RuntimeError(f"hydrodynamic ODE failed: {sol.message}")
    q = np.array([ensemble.densities(l) for l in sol.y[:2].T])
    if not np.all(np.isfinite(sol.y)):
        raise FloatingPointError("hydrodynamic ODE produced NaN/inf")
    return np.column_stack([q, sol.y[2:].T])


@dataclass(frozen=True)
class TrajectoryComparison:
    """mesolve vs hydrodynamic ODE from the same Gibbs state.

    Attributes
    ----------
    parameters : ChainParameters
    eps : float
    lam0 : tuple of float
        Initial Lagrange parameters.
    tau : numpy.ndarray
        Times in units of 1/ε.
    exact : numpy.ndarray, shape (n, 3)
        m = ⟨Q1⟩/N, e = ⟨H0⟩/N and m_rms = ⟨Q1²⟩^{1/2}/N from mesolve.
    hydro : numpy.ndarray, shape (n, 3)
        m, e from dq/dτ = f(q), and m_rms = (m² + C11)^{1/2} with the linear-noise covariance.
    timings : dict
        Seconds per stage.
    """

    parameters: ChainParameters
    eps: float
    lam0: tuple[float, float]
    tau: np.ndarray
    exact: np.ndarray
    hydro: np.ndarray
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def deviation(self) -> dict[str, float]:
        """max over τ of |exact − hydro| for m, e (J) and m_rms."""
        d = np.abs(self.exact - self.hydro).max(axis=0)
        return {"m": float(d[0]), "e": float(d[1]), "m_rms": float(d[2])}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "parameters": self.parameters.to_dict(),
            "eps": self.eps,
            "lambda0": list(self.lam0),
            "tau": self.tau.tolist(),
            "exact": {k: self.exact[:, i].tolist() for i, k in enumerate(("m", "e", "m_rms"))},
            "hydro": {k: self.hydro[:, i].tolist() for i, k in enumerate(("m", "e", "m_rms"))},
            "deviation": self.deviation,
            "time_unit": "1/eps",
            "timings": dict(self.timings),
        }


def compare_dynamics(
    params: ChainParameters,
    eps: float,
    *,
    lam0=(-0.3, 0.0),
    tau_max: float = 3.0,
    n_times: int = 61,
    ensemble=None,
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> TrajectoryComparison:
    """Run mesolve and the hydrodynamic ODE from ρ(λ0) and record (m, e) against τ = εt.

    Parameters
    ----------
    params : ChainParameters
        N ≤ :data:`MAX_DYNAMICS_SITES`.
    eps : float
        ε > 0.
    lam0 : (float, float)
        Initial (λ1, λ2).  The default (−0.3, 0) is infinite temperature with m = tanh 0.3.
    tau_max : float
        Final time in units of 1/ε.
    n_times : int
        Number of output times.
    ensemble : GibbsEnsemble, optional
        Gibbs ensemble of the same chain (built with :mod:`lindhydro.quantum.spectrum` if omitted).
    rtol, atol : float
        mesolve tolerances.

    Returns
    -------
    TrajectoryComparison
    """
    if not isinstance(params, ChainParameters):
        raise ValueError("compare_dynamics expects ChainParameters")
    if params.n_sites > MAX_DYNAMICS_SITES:
        raise ValueError(
            f"mesolve on the full space uses 4^N = {4 ** params.n_sites} entries per state; "
            f"allowed up to N={MAX_DYNAMICS_SITES}, got N={params.n_sites}"
        )
    eps = validate_eps(eps, allow_zero=False)
    if not (math.isfinite(tau_max) and tau_max > 0) or n_times < 2:
        raise ValueError("tau_max must be positive and n_times >= 2")
    timings = {}
    if ensemble is None:
        t0 = time.perf_counter()
        ensemble = GibbsEnsemble(diagonalize(params))
        timings["spectrum"] = time.perf_counter() - t0
    tau = np.linspace(0.0, tau_max, n_times)
    t0 = time.perf_counter()
    h = hydro_trajectory(ensemble, lam0, tau)
    hydro = np.column_stack([h[:, 0], h[:, 1], np.sqrt(h[:, 0] ** 2 + np.maximum(h[:, 2], 0.0))])
    timings["hydro"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    system = model_from_parameters(params)
    n = params.n_sites
    rho0 = gibbs_density_matrix(params, lam0)
    L = system.liouvillian(eps)
    Q1 = system.charges[0]
    e_ops = [Q1 / n, system.hamiltonian / n, Q1 * Q1 / n**2]
    res = qutip.mesolve(
        L, rho0, tau / eps, e_ops=e_ops,
        options={"atol": atol, "rtol": rtol, "nsteps": 10**7, "progress_bar": False},
    )
    exact = np.column_stack(
        [np.real(res.expect[0]), np.real(res.expect[1]), np.sqrt(np.maximum(np.real(res.expect[2]), 0.0))]
    )
    timings["mesolve"] = time.perf_counter() - t0
    if not np.all(np.isfinite(exact)):
        raise FloatingPointError("mesolve produced NaN/inf")
    return TrajectoryComparison(
        parameters=params, eps=float(eps), lam0=(float(lam0[0]), float(lam0[1])), tau=tau,
        exact=exact, hydro=hydro, timings=timings,
    )
