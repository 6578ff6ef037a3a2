"""Zero-dimensional stochastic hydrodynamics of an N-site chain: the distribution of (Q1, H0).

Between jumps the chain is taken to be in the Gibbs state of its charges; a jump changes Q1 by
exactly ±2 and H0 by a random amount.  The Kramers–Moyal expansion of this jump process to second
order is the Itô equation dq = ε f(q) dt + √(ε 𝒩(q)/N) dW for the densities q = Q/N, with the Gibbs
forces f and noise 𝒩 of :mod:`lindhydro.quantum.hydro`.  Two finite-N predictions are offered:

* :class:`JumpLattice` — the master equation of the jumps on the (M, E) lattice: M = Q1 exact, E on a
  grid per M, the local state at (M, E) the Gibbs state of the sector Q1 = M at mean energy E; each
  channel ΔQ1 = ±2 carries its Gibbs rate, and a Gaussian energy change whose mean and variance
  reproduce the Gibbs drift and noise (KM moments to second order).  Stationary law and dynamics.
* :func:`small_noise_expansion` — the 1/N expansion of the stationary law around the stable fixed
  points (Lyapunov covariance and the mean shift from the curvature of f).

Time in units of 1/ε (rates per unit ε), energies in J.  Derivation and the measured comparison
with the exact ε → 0 states: ``docs/physics.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.special import ndtr

from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import force_jacobian, noise_matrix
from lindhydro.quantum.spectrum import Spectrum

__all__ = [
    "HydroPrediction",
    "JumpChannels",
    "JumpLattice",
    "jump_channels",
    "jump_lattice",
    "small_noise_moments",
    "small_noise_expansion",
    "gibbs_lattice_distribution",
]


@dataclass(frozen=True)
class HydroPrediction:
    """The stationary distribution of the zero-dimensional stochastic hydrodynamics of N sites.

    Attributes
    ----------
    n_sites : int
        Chain length N.
    method : str
        ``"jump lattice"`` or ``"1/N expansion"``.
    energy_density : float
        ⟨H0⟩/N (J).
    m_rms : float
        ⟨Q1²⟩^{1/2}/N.
    q1_distribution : dict[int, float]
        P(Q1 = M), M = −N, −N+2, …, N.
    energy_density_given_abs_q1 : dict[int, float]
        ⟨H0⟩/N conditioned on |Q1| (J; empty for the expansion).
    details : dict
        Method parameters (grid step, covariance, mean shift, ...).
    """

    n_sites: int
    method: str
    energy_density: float
    m_rms: float
    q1_distribution: dict[int, float]
    energy_density_given_abs_q1: dict[int, float] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "method": self.method,
            "energy_density": float(self.energy_density),
            "m_rms": float(self.m_rms),
            "q1_distribution": {str(k): float(v) for k, v in self.q1_distribution.items()},
            "energy_density_given_abs_q1": {str(k): float(v) for k, v in self.energy_density_given_abs_q1.items()},
            **{k: v for k, v in self.details.items() if isinstance(v, (int, float, str, list))},
        }


# ----------------------------------------------------------------------------------------------
# jump channels of every eigenstate
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JumpChannels:
    """Per-eigenstate rates of the two channels ΔQ1 = ±δ and their energy moments (per unit ε).

    Attributes
    ----------
    q1, energy : numpy.ndarray
        Q1 and E of every eigenstate.
    rate_up, rate_down : numpy.ndarray
        Total rates w± of the jumps that change Q1 by +δ and −δ.
    drift_up, drift_down : numpy.ndarray
        Σ rate × ΔE of each channel (J per unit time).
    energy_moment : numpy.ndarray
        Σ rate × ΔE² over both channels (J² per unit time).
    step : int
        δ.
    """

    q1: np.ndarray
    energy: np.ndarray
    rate_up: np.ndarray
    rate_down: np.ndarray
    drift_up: np.ndarray
    drift_down: np.ndarray
    energy_moment: np.ndarray
    step: int


def jump_channels(spectrum: Spectrum, *, step: int = 2) -> JumpChannels:
    """Split the force and noise elements of every eigenstate into the channels ΔQ1 = ±δ.

    With rates w± and energy drifts e± of the two channels, F1 = δ(w₊ − w₋), N11 = δ²(w₊ + w₋),
    F2 = e₊ + e₋ and N12 = δ(e₊ − e₋), so the spectrum's elements determine the channels.

    Parameters
    ----------
    spectrum : Spectrum
        Two charges (Q1 with jumps of fixed size δ, and H0).
    step : int
        δ (2 for spin flips).

    Returns
    -------
    JumpChannels

    Raises
    ------
    ValueError
        For another number of charges, or elements incompatible with jumps of size δ.
    """
    if spectrum.n_charges != 2:
        raise ValueError(f"the jump lattice needs two charges (Q1, H0), got {spectrum.n_charges}")
    F, Nn = spectrum.force_elements, spectrum.noise_elements
    up = Nn[:, 0, 0] / (2 * step**2) + F[:, 0] / (2 * step)
    down = Nn[:, 0, 0] / (2 * step**2) - F[:, 0] / (2 * step)
    scale = max(1.0, float(np.abs(Nn[:, 0, 0]).max()))
    if min(up.min(), down.min()) < -1e-9 * scale:
        raise ValueError(f"the force and noise elements are not those of jumps changing Q1 by ±{step}")
    return JumpChannels(
        q1=spectrum.charges[:, 0].copy(),
        energy=spectrum.charges[:, 1].copy(),
        rate_up=np.maximum(up, 0.0),
        rate_down=np.maximum(down, 0.0),
        drift_up=F[:, 1] / 2 + Nn[:, 0, 1] / (2 * step),
        drift_down=F[:, 1] / 2 - Nn[:, 0, 1] / (2 * step),
        energy_moment=Nn[:, 1, 1].copy(),
        step=int(step),
    )


# ----------------------------------------------------------------------------------------------
# the jump master equation on the (M, E) lattice
# ----------------------------------------------------------------------------------------------


def _canonical_averages(E: np.ndarray, values: np.ndarray, targets: np.ndarray, beta_max: float = 1e4) -> np.ndarray:
    """Averages of ``values`` (n_states, k) in the Gibbs states ∝ exp(−βE) of a set of levels whose
    mean energies are ``targets`` (β by bisection; a target at an edge gives the extremal level)."""
    lo = np.full(targets.size, -beta_max)
    hi = np.full(targets.size, beta_max)

    def weights(beta):
        logw = -beta[:, None] * E[None, :]
        w = np.exp(logw - logw.max(axis=1, keepdims=True))
        return w / w.sum(axis=1, keepdims=True)

    for _ in range(80):  # the mean energy decreases with β
        mid = 0.5 * (lo + hi)
        too_hot = weights(mid) @ E > targets
        lo = np.where(too_hot, mid, lo)
        hi = np.where(too_hot, hi, mid)
    return weights(0.5 * (lo + hi)) @ values


def _landing(centres: np.ndarray, mean: float, var: float) -> tuple[np.ndarray, np.ndarray]:
    """Cells and probabilities of an energy change of given mean and variance on a target grid
    (sorted centres): a discretised Gaussian if it is wider than the cells around the mean, else
    linear interpolation between the two neighbouring centres (mean kept)."""
    if centres.size == 1:
        return np.zeros(1, dtype=np.int64), np.ones(1)
    mean = min(max(mean, centres[0]), centres[-1])
    j = int(np.clip(np.searchsorted(centres, mean) - 1, 0, centres.size - 2))
    width = centres[j + 1] - centres[j]
    if var >= width**2:
        sd = math.sqrt(var)
        sel = np.nonzero(np.abs(centres - mean) <= 6 * sd)[0]
        w = np.exp(-0.5 * ((centres[sel] - mean) / sd) ** 2)
        return sel, w / w.sum()
    t = (mean - centres[j]) / width
    return np.array([j, j + 1]), np.array([1.0 - t, t])


def _sector_cells(E: np.ndarray, values: np.ndarray, energy_step: float, ensemble: str):
    """Cell energies and local averages of one sector: Gibbs states at the centres of equal cells
    (``"canonical"``) or the mean over the eigenstates inside each cell (``"microcanonical"``)."""
    lo, hi = float(E.min()), float(E.max())
    cells = max(1, math.ceil((hi - lo) / energy_step - 1e-9))
    if hi <= lo:
        return np.array([lo]), values.mean(axis=0, keepdims=True)
    if ensemble == "canonical":
        centres = lo + (np.arange(cells) + 0.5) * (hi - lo) / cells
        return centres, _canonical_averages(E, values, centres)
    idx = np.minimum(((E - lo) / (hi - lo) * cells).astype(np.int64), cells - 1)
    used = np.unique(idx)
    counts = np.bincount(idx, minlength=cells)[used]
    energy = np.bincount(idx, weights=E, minlength=cells)[used] / counts
    avg = np.column_stack([np.bincount(idx, weights=v, minlength=cells)[used] / counts for v in values.T])
    return energy, avg


def _grand_canonical_rates(ensemble: GibbsEnsemble, values: np.ndarray, centres: dict, local: dict) -> None:
    """Replace the local averages of every cell (M, E) by those of the Gibbs state ρ(λ(q)),
    q = (M/N, E/N) (in place); cells outside the reachable interior keep theirs."""
    n = ensemble.n_sites
    keys = list(centres)
    q = np.concatenate([np.column_stack([np.full(centres[M].size, M / n), centres[M] / n]) for M in keys])
    guess = np.column_stack([-np.arctanh(np.clip(q[:, 0], -0.999, 0.999)), np.zeros(len(q))])
    inside = ensemble.is_reachable(q, margin=1e-6)
    lam = np.full_like(q, np.nan)
    if inside.any():
        lam[inside] = ensemble.lambdas_batch(q[inside], lam0=guess[inside])
    ok = np.all(np.isfinite(lam), axis=1)
    avg = np.full((len(q), values.shape[1]), np.nan)
    if ok.any():
        avg[ok] = ensemble.batch_averages(lam[ok], values)
    start = 0
    for M in keys:
        sl = slice(start, start + centres[M].size)
        local[M] = np.where(ok[sl, None], avg[sl], local[M])
        start = sl.stop


@dataclass(frozen=True, eq=False)
class JumpLattice:
    """The master equation of the jumps of Q1 (±δ) and H0 on the lattice of sectors M and energy cells.

    Attributes
    ----------
    n_sites : int
        N.
    q1, energy : numpy.ndarray
        M and the cell-centre energy E (J) of every lattice state.
    generator : scipy.sparse.csr_matrix
        G[i, j] = rate i → j (per unit ε), G[i, i] = −Σ_j G[i, j]; dP/dτ = Gᵀ P, τ = εt.
    energy_step : float
        Largest energy cell (J).
    """

    n_sites: int
    q1: np.ndarray
    energy: np.ndarray
    generator: sp.csr_matrix
    energy_step: float

    @property
    def size(self) -> int:
        """Number of lattice states."""
        return int(self.q1.size)

    def stationary(self) -> np.ndarray:
        """The stationary distribution (sparse LU; one balance equation replaced by Σ P = 1)."""
        A = self.generator.T.tolil()
        A[0, :] = np.ones(self.size)
        rhs = np.zeros(self.size)
        rhs[0] = 1.0
        p = spla.spsolve(A.tocsc(), rhs)
        return np.maximum(p, 0.0) / np.maximum(p, 0.0).sum()

    def propagate(self, p0: np.ndarray, tau: np.ndarray) -> np.ndarray:
        """P(τ) at evenly spaced times ``tau`` from 0 (units 1/ε), shape (len(tau), size)."""
        tau = np.asarray(tau, dtype=float)
        if tau.ndim != 1 or tau.size < 2 or tau[0] != 0 or not np.allclose(tau, np.linspace(0.0, tau[-1], tau.size)):
            raise ValueError("tau must be evenly spaced from 0 (at least two times)")
        G = self.generator.T.tocsc()
        return np.asarray(spla.expm_multiply(G, p0, start=0.0, stop=tau[-1], num=tau.size, endpoint=True))

    def q1_distribution(self, p: np.ndarray) -> dict[int, float]:
        """P(Q1 = M) of a lattice distribution."""
        n = self.n_sites
        return {int(M): float(p[self.q1 == M].sum()) for M in range(-n, n + 1, 2)}

    def prediction(self, p: np.ndarray | None = None) -> HydroPrediction:
        """Observables of a distribution (default: the stationary one)."""
        p = self.stationary() if p is None else p
        n = self.n_sites
        cond = {}
        for am in np.unique(np.abs(self.q1)):
            sel = np.abs(self.q1) == am
            if p[sel].sum() > 1e-300:
                cond[int(am)] = float(p[sel] @ self.energy[sel] / p[sel].sum() / n)
        return HydroPrediction(
            n_sites=n,
            method="jump lattice",
            energy_density=float(p @ self.energy) / n,
            m_rms=math.sqrt(float(p @ self.q1.astype(float) ** 2)) / n,
            q1_distribution=self.q1_distribution(p),
            energy_density_given_abs_q1=cond,
            details={"energy_step": float(self.energy_step), "lattice_states": self.size,
                     "m_mean": float(p @ self.q1) / n},
        )


def jump_lattice(
    spectrum: Spectrum,
    *,
    energy_step: float = 0.25,
    step: int = 2,
    ensemble: str = "grand canonical",
    n_sites: int | None = None,
) -> JumpLattice:
    """Build the (M, E) jump lattice of a chain from its spectrum.

    Parameters
    ----------
    spectrum : Spectrum
        Two charges (Q1, H0) of N sites, e.g. :func:`lindhydro.quantum.spectrum.diagonalize`.
    energy_step : float
        Largest energy cell (J); each sector's range [E_min, E_max] is cut into equal cells.
    step : int
        Change δ of Q1 per jump.
    ensemble : {"grand canonical", "canonical", "microcanonical"}
        Local state of a cell (M, E): the Gibbs state ρ(λ(q)) at q = (M/N, E/N), whose forces and
        noise are f and 𝒩 of the hydrodynamics (the prediction; a cell whose q lies on the edge of
        the reachable region takes the next choice); the Gibbs state of the sector Q1 = M alone
        with mean energy E; or the equal mixture of the eigenstates in the cell (eigenstate rates
        lumped on the lattice: a diagnostic of local equilibrium).
    n_sites : int, optional
        Chain length of the lattice (default: the spectrum's N).  Another value keeps the Gibbs
        forces and noise per site of the spectrum's chain and changes only the noise strength 𝒩/N
        (grand canonical only; cells outside the reachable interior are left out): the large-N
        check of :func:`small_noise_expansion`.

    Returns
    -------
    JumpLattice
    """
    if not (energy_step > 0 and math.isfinite(energy_step)):
        raise ValueError(f"energy_step must be positive and finite, got {energy_step!r}")
    if ensemble not in ("grand canonical", "canonical", "microcanonical"):
        raise ValueError(f"ensemble must be 'grand canonical', 'canonical' or 'microcanonical', got {ensemble!r}")
    n = spectrum.n_sites if n_sites is None else int(n_sites)
    if n != spectrum.n_sites and (ensemble != "grand canonical" or n < 2):
        raise ValueError("a lattice of another length than the spectrum's needs ensemble='grand canonical' and N >= 2")
    ch = jump_channels(spectrum, step=step)
    values = np.column_stack([ch.rate_up, ch.rate_down, ch.drift_up, ch.drift_down, ch.energy_moment])
    if n != spectrum.n_sites:
        centres, local = _scaled_cells(GibbsEnsemble(spectrum), values, energy_step, n, step)
    else:
        centres, local = {}, {}
        for M in np.unique(np.rint(ch.q1).astype(np.int64)):
            sel = np.rint(ch.q1) == M
            kind = "canonical" if ensemble == "grand canonical" else ensemble
            centres[M], local[M] = _sector_cells(ch.energy[sel], values[sel], energy_step, kind)
        if ensemble == "grand canonical":
            _grand_canonical_rates(GibbsEnsemble(spectrum), values, centres, local)
    G = _generator(centres, local, step)
    sectors = list(centres)
    q1 = np.concatenate([np.full(centres[M].size, M) for M in sectors])
    return JumpLattice(n, q1, np.concatenate([centres[M] for M in sectors]), G, float(energy_step))


def _scaled_cells(ensemble: GibbsEnsemble, values: np.ndarray, energy_step: float, n: int, step: int):
    """Cells and Gibbs averages of a lattice of n sites with the forces per site of the ensemble's chain."""
    N = ensemble.n_sites
    e = ensemble.spectrum.energies / N
    cells = max(1, math.ceil((e.max() - e.min()) * n / energy_step))
    grid = e.min() + (np.arange(cells) + 0.5) * (e.max() - e.min()) / cells
    centres, local = {}, {}
    for M in range(-n, n + 1, step):
        q = np.column_stack([np.full(grid.size, M / n), grid])
        inside = ensemble.is_reachable(q, margin=1e-6)
        if not inside.any():
            continue
        guess = np.column_stack([np.full(inside.sum(), -np.arctanh(np.clip(M / n, -0.999, 0.999))), np.zeros(inside.sum())])
        lam = ensemble.lambdas_batch(q[inside], lam0=guess)
        ok = np.all(np.isfinite(lam), axis=1)
        if ok.any():
            centres[M] = n * grid[inside][ok]
            local[M] = ensemble.batch_averages(lam[ok], values) * (n / N)
    return centres, local


def _generator(centres: dict, local: dict, step: int) -> sp.csr_matrix:
    """G[i, j] = rate i → j of the jumps between the cells, diagonal −Σ_j G[i, j]."""
    offset, start = {}, 0
    for M in centres:
        offset[M] = start
        start += centres[M].size
    rows, cols, vals = [], [], []
    for M in centres:
        for j, (wu, wd, eu, ed, m2) in enumerate(local[M]):
            total = wu + wd
            var = max((m2 - (eu**2 / wu if wu > 0 else 0.0) - (ed**2 / wd if wd > 0 else 0.0)) / total, 0.0) if total > 0 else 0.0
            for rate, drift, target in ((wu, eu, M + step), (wd, ed, M - step)):
                if rate <= 0 or target not in centres:
                    continue
                cells, prob = _landing(centres[target], centres[M][j] + drift / rate, var)
                rows.append(np.full(cells.size, offset[M] + j))
                cols.append(offset[target] + cells)
                vals.append(rate * prob)
    G = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(start, start)).tocsr()
    return (G - sp.diags(np.asarray(G.sum(axis=1)).ravel())).tocsr()


def gibbs_lattice_distribution(lattice: JumpLattice, ensemble: GibbsEnsemble, lam) -> np.ndarray:
    """The Gibbs state ρ(λ) as a lattice distribution (P(M) exact, energies to half a cell).

    Parameters
    ----------
    lattice : JumpLattice
        Built from the spectrum of ``ensemble``.
    ensemble : GibbsEnsemble
        The chain's Gibbs ensemble.
    lam : array_like
        (λ1, λ2) of ρ(λ) = exp(−λ1 Q1 − λ2 H0)/Z.

    Returns
    -------
    numpy.ndarray
        Each eigenstate's Gibbs weight put on its sector's nearest energy cell.
    """
    spec = ensemble.spectrum
    lam = np.asarray(lam, dtype=float)
    logw = -(spec.charges @ lam)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    M = np.rint(spec.charges[:, 0]).astype(np.int64)
    p = np.zeros(lattice.size)
    for value in np.unique(M):
        idx = np.nonzero(lattice.q1 == value)[0]
        sel = M == value
        nearest = np.abs(spec.charges[sel, 1][:, None] - lattice.energy[idx][None, :]).argmin(axis=1)
        np.add.at(p, idx[nearest], w[sel])
    return p


# ----------------------------------------------------------------------------------------------
# the 1/N expansion around a stable fixed point
# ----------------------------------------------------------------------------------------------


def small_noise_moments(jacobian, hessian, noise, n_sites: int) -> tuple[np.ndarray, np.ndarray]:
    """Stationary covariance and mean shift of dq = f dt + √(𝒩/N) dW near a stable zero of f.

    To leading order in 1/N the covariance C solves A C + C Aᵀ + 𝒩/N = 0 and the mean shift obeys
    A δq + ½ H:C = 0 (Itô: no further drift), with A = ∂f/∂q and H_ijk = ∂²f_i/∂q_j∂q_k.

    Parameters
    ----------
    jacobian : array_like, shape (k, k)
        A at the fixed point (all eigenvalues with negative real part).
    hessian : array_like, shape (k, k, k)
        H_ijk.
    noise : array_like, shape (k, k)
        𝒩 per unit length.
    n_sites : int
        N.

    Returns
    -------
    covariance : numpy.ndarray, shape (k, k)
        C = ⟨δq δqᵀ⟩ (order 1/N).
    shift : numpy.ndarray, shape (k,)
        ⟨q⟩ − q* (order 1/N).
    """
    A = np.atleast_2d(np.asarray(jacobian, dtype=float))
    H = np.asarray(hessian, dtype=float).reshape(A.shape[0], A.shape[0], A.shape[0])
    Nn = np.atleast_2d(np.asarray(noise, dtype=float))
    if np.any(np.linalg.eigvals(A).real >= 0):
        raise ValueError("the small-noise expansion needs a stable fixed point (eigenvalues of A < 0)")
    C = scipy.linalg.solve_continuous_lyapunov(A, -Nn / n_sites)
    shift = -np.linalg.solve(A, 0.5 * np.einsum("ijk,jk->i", H, C))
    return C, shift


def _force_hessian(ensemble: GibbsEnsemble, lam: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """H_ijk = ∂A_ij/∂q_k by central differences of the exact Jacobian along q."""
    q0 = ensemble.densities(lam)
    k = q0.size
    H = np.zeros((k, k, k))
    for c in range(k):
        dq = np.zeros(k)
        dq[c] = h
        plus = force_jacobian(ensemble, ensemble.lambdas(q0 + dq, lam0=lam))
        minus = force_jacobian(ensemble, ensemble.lambdas(q0 - dq, lam0=lam))
        H[:, :, c] = (plus - minus) / (2 * h)
    return 0.5 * (H + H.transpose(0, 2, 1))


def small_noise_expansion(ensemble: GibbsEnsemble, lam_star) -> HydroPrediction:
    """The 1/N expansion of the stationary law around the stable fixed points ±m* (Gibbs forces).

    Each well is a Gaussian of covariance C around q* + δq (:func:`small_noise_moments`); the
    Q1 → −Q1 symmetry gives equal weights to ±m*.  m_rms² = (m* + δm)² + C11 and P(M) integrates
    the symmetrised Gaussian over the cells [(M − 1)/N, (M + 1)/N] (the end cells take the tails).

    Parameters
    ----------
    ensemble : GibbsEnsemble
        Over the (Q1, H0) spectrum of N sites.
    lam_star : array_like
        Lagrange parameters of the stable fixed point with m* ≥ 0.

    Returns
    -------
    HydroPrediction
    """
    lam = np.asarray(lam_star, dtype=float)
    n = ensemble.n_sites
    q = ensemble.densities(lam)
    A = force_jacobian(ensemble, lam)
    C, dq = small_noise_moments(A, _force_hessian(ensemble, lam), noise_matrix(ensemble, lam), n)
    m, e = q[0] + dq[0], q[1] + dq[1]
    sd = math.sqrt(max(C[0, 0], 1e-300))
    edges = np.arange(-n - 1, n + 2, 2) / n
    edges[0], edges[-1] = -np.inf, np.inf
    cdf = 0.5 * (ndtr((edges - m) / sd) + ndtr((edges + m) / sd))
    dist = {int(M): float(p) for M, p in zip(range(-n, n + 1, 2), np.diff(cdf), strict=True)}
    return HydroPrediction(
        n_sites=n,
        method="1/N expansion",
        energy_density=float(e),
        m_rms=math.sqrt(m * m + C[0, 0]),
        q1_distribution=dist,
        details={"covariance": C.tolist(), "shift": dq.tolist(), "fixed_point": q.tolist()},
    )
