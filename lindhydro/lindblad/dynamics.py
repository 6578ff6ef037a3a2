"""Exact Lindblad dynamics from a Gibbs state against the hydrodynamics, τ = εt.

All start from ρ(λ0) = exp(−λ0·(Q1, H0))/Z of the same chain of N sites:

* :func:`compare_dynamics` — ``qutip.mesolve`` on the full 2^N space (N ≤ 9) against the
  deterministic ODE dq/dτ = f(q) with the Gibbs forces of the same N;
* :func:`secular_trajectory` — the exact ε → 0 dynamics (the secular rate equation of
  :mod:`~lindhydro.lindblad.secular_momentum`, both X sectors and the X-odd part; even N ≤ 14);
* :func:`lattice_trajectory` — the zero-dimensional stochastic hydrodynamics
  (:mod:`~lindhydro.lindblad.zero_dim`), whose distribution P(M, τ) is compared with the exact one.

Time in units of 1/ε, J = ħ = 1.  Why the deterministic ODE leaves a finite-N floor and how the
noisy one closes it: ``docs/physics.md``.
"""


from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import qutip
import scipy.integrate
import scipy.sparse.linalg as spla

from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import force_jacobian, forces, noise_matrix
from lindhydro.quantum.model import ChainParameters, model_from_parameters, validate_eps
from lindhydro.quantum.spectrum import diagonalize

from .secular_momentum import secular_rate_equation
from .zero_dim import JumpLattice, gibbs_lattice_distribution

__all__ = [
    "TrajectoryComparison",
    "ChargeTrajectory",
    "gibbs_density_matrix",
    "hydro_trajectory",
    "compare_dynamics",
    "secular_trajectory",
    "lattice_trajectory",
    "MAX_DYNAMICS_SITES",
    "MAX_SECULAR_DYNAMICS_SITES",
]

#: Largest (even) chain of the ε → 0 dynamics (dense reduced generator, ≈ 0.2 GiB at N = 14).
MAX_SECULAR_DYNAMICS_SITES = 14

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


@dataclass(frozen=True)
class ChargeTrajectory:
    """Moments and distribution of Q1 and the energy density against τ = εt.

    Attributes
    ----------
    n_sites : int
        N.
    label : str
        What produced it (``"exact eps -> 0"``, ``"jump lattice"``).
    tau : numpy.ndarray
        Times (units 1/ε).
    m, m2, e : numpy.ndarray
        ⟨Q1⟩/N, ⟨Q1²⟩/N² and ⟨H0⟩/N (J).
    q1_distribution : numpy.ndarray, shape (len(tau), N + 1)
        P(Q1 = M) for M = −N, −N+2, …, N.
    """

    n_sites: int
    label: str
    tau: np.ndarray
    m: np.ndarray
    m2: np.ndarray
    e: np.ndarray
    q1_distribution: np.ndarray

    def total_variation(self, other: ChargeTrajectory) -> np.ndarray:
        """½ Σ_M |P(M, τ) − P'(M, τ)| at every time (same times and N)."""
        return 0.5 * np.abs(self.q1_distribution - other.q1_distribution).sum(axis=1)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "n_sites": self.n_sites, "label": self.label, "tau": self.tau.tolist(), "m": self.m.tolist(),
            "m2": self.m2.tolist(), "e": self.e.tolist(), "q1_values": list(range(-self.n_sites, self.n_sites + 1, 2)),
            "q1_distribution": self.q1_distribution.tolist(), "time_unit": "1/eps",
        }


def _check_times(tau) -> np.ndarray:
    tau = np.asarray(tau, dtype=float)
    if tau.ndim != 1 or tau.size < 2 or tau[0] != 0 or not np.allclose(tau, np.linspace(0, tau[-1], tau.size)):
        raise ValueError("tau must be evenly spaced from 0 (at least two times)")
    return tau


def _propagate(G: np.ndarray, y0: np.ndarray, tau: np.ndarray) -> np.ndarray:
    return np.asarray(spla.expm_multiply(G, y0, start=0.0, stop=tau[-1], num=tau.size, endpoint=True))


def secular_trajectory(params: ChainParameters, lam0, tau) -> ChargeTrajectory:
    """The exact ε → 0 dynamics of Q1 and H0 from the Gibbs state ρ(λ0) (even N).

    X-even observables come from the secular rate equations of the two X sectors, each started from
    P_s ρ(λ0) P_s (populations ½(p_n + p_Xn) for Q1 = ±M ≠ 0, the X = s states of Q1 = 0); ⟨Q1⟩ and
    P(M) − P(−M) from the X-odd part started from p_n − p_Xn (see
    :func:`~lindhydro.lindblad.secular_momentum.secular_rate_equation`).  ρ(λ0) commutes with H0, Q1
    and the lattice symmetries, so it has no coherences to start with.

    Parameters
    ----------
    params : ChainParameters
        A periodic chain, even N ≤ :data:`MAX_SECULAR_DYNAMICS_SITES`.
    lam0 : (float, float)
        (λ1, λ2) of the initial Gibbs state.
    tau : 1-D array
        Evenly spaced times from 0 (units 1/ε).

    Returns
    -------
    ChargeTrajectory
    """
    n = params.n_sites
    if n % 2 or n > MAX_SECULAR_DYNAMICS_SITES or params.boundary != "periodic":
        raise ValueError(f"the eps -> 0 dynamics needs a periodic chain of even N <= {MAX_SECULAR_DYNAMICS_SITES}, got N={n}")
    tau = _check_times(tau)
    l1, l2 = (float(v) for v in lam0)
    eqs = [secular_rate_equation(params, s) for s in (1, -1)]
    odd = secular_rate_equation(params, x_odd=True)
    shift = min(float(np.min(-l2 * r.energies - abs(l1) * r.abs_q1)) for r in eqs)

    def gibbs(r, sign):  # ½(e^{−λ1 a} ± e^{λ1 a}) e^{−λ2 E}, a = |Q1|; level 0 counts once per sector
        a = r.abs_q1.astype(float)
        base = np.exp(-l2 * r.energies - shift)
        return np.where(a == 0, base, 0.5 * (np.exp(-l1 * a) + sign * np.exp(l1 * a)) * base)

    starts = [gibbs(r, +1) for r in eqs]
    Z = sum(float(r.weights @ y) for r, y in zip(eqs, starts, strict=True))
    values = np.arange(-n, n + 1, 2)
    P = np.zeros((tau.size, values.size))
    e = np.zeros(tau.size)
    m2 = np.zeros(tau.size)
    for r, y0 in zip(eqs, starts, strict=True):
        y = np.zeros(r.matrix.shape[0])
        y[: r.n_populations] = y0 / Z
        p = _propagate(r.matrix, y, tau)[:, : r.n_populations] * r.weights
        e += p @ r.energies / n
        m2 += p @ r.abs_q1.astype(float) ** 2 / n**2
        for a in np.unique(r.abs_q1):
            cols = r.abs_q1 == a
            share = 1.0 if a == 0 else 0.5
            P[:, values == a] += share * p[:, cols].sum(axis=1, keepdims=True)
            if a:
                P[:, values == -a] += share * p[:, cols].sum(axis=1, keepdims=True)
    y = np.zeros(odd.matrix.shape[0])
    y[: odd.n_populations] = 2 * gibbs(odd, -1) / Z  # a_n = p_n − p_Xn
    d = _propagate(odd.matrix, y, tau)[:, : odd.n_populations] * odd.weights
    for a in np.unique(odd.abs_q1):
        half = 0.5 * d[:, odd.abs_q1 == a].sum(axis=1)
        P[:, values == a] += half[:, None]
        P[:, values == -a] -= half[:, None]
    m = d @ odd.abs_q1.astype(float) / n
    return ChargeTrajectory(n, "exact eps -> 0", tau, m, m2, e, P)


def lattice_trajectory(lattice: JumpLattice, ensemble: GibbsEnsemble, lam0, tau) -> ChargeTrajectory:
    """The zero-dimensional stochastic hydrodynamics from the Gibbs state ρ(λ0) (P(M) exact at τ = 0).

    Parameters
    ----------
    lattice : JumpLattice
        The (M, E) jump lattice of the chain (:func:`~lindhydro.lindblad.zero_dim.jump_lattice`).
    ensemble : GibbsEnsemble
        The chain's Gibbs ensemble (the same spectrum).
    lam0, tau
        As in :func:`secular_trajectory`: (λ1, λ2) of the initial Gibbs state, evenly spaced times
        from 0 in units of 1/ε.

    Returns
    -------
    ChargeTrajectory
    """
    tau = _check_times(tau)
    n = lattice.n_sites
    p = lattice.propagate(gibbs_lattice_distribution(lattice, ensemble, lam0), tau)
    values = np.arange(-n, n + 1, 2)
    P = np.column_stack([p[:, lattice.q1 == M].sum(axis=1) for M in values])
    q1 = lattice.q1.astype(float)
    return ChargeTrajectory(n, "jump lattice", tau, p @ q1 / n, p @ q1**2 / n**2, p @ lattice.energy / n, P)
