"""Generalised Gibbs ensembles ρ(λ) = exp(−Σ_i λ_i Q_i)/Z over a diagonalised spectrum.

For the paper's chain (Q1, Q2) = (Σσᶻ, H0), λ2 = 1/T (T in J) and q = (m, e) = ⟨Q⟩/N; the interesting
states are hotter than infinite temperature (λ2 < 0) and every routine works on both sides of
λ2 = 0.  Averages are log-sum-exp weighted sums over eigenstates, derivatives exact covariances
(∂q_i/∂λ_j = −χ_ij, χ_ij = cov(Q_i, Q_j)/N).  The inverse map q → λ and the reachable region (the
interior of the convex hull of the Q_n/N): ``docs/physics.md``.
"""


from __future__ import annotations

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from lindhydro.quantum.spectrum import Spectrum

__all__ = ["GibbsEnsemble"]

#: Largest number of (grid point × eigenstate) weights held at once in batched evaluations.
_BATCH_ELEMENTS = 2_000_000


class GibbsEnsemble:
    """Gibbs ensembles over the eigenstates of a :class:`~lindhydro.quantum.spectrum.Spectrum`.

    Parameters
    ----------
    spectrum : Spectrum
        Output of :func:`lindhydro.quantum.spectrum.diagonalize`.

    Notes
    -----
    λ has units of 1/[Q_i] (λ2 in 1/J); densities are per site (m dimensionless, e in J).
    """

    def __init__(self, spectrum: Spectrum) -> None:
        if not isinstance(spectrum, Spectrum):
            raise ValueError(f"GibbsEnsemble needs a Spectrum, got {type(spectrum).__name__}")
        self.spectrum = spectrum
        self.n_sites = int(spectrum.n_sites)
        self.n_charges = spectrum.n_charges
        self._Q = np.ascontiguousarray(spectrum.charges, dtype=float)
        self._hull_cache: tuple[np.ndarray, np.ndarray] | None = None
        c = self.n_charges
        self._QT = np.ascontiguousarray(self._Q.T)
        self._QQ = np.einsum("ni,nj->nij", self._Q, self._Q).reshape(-1, c * c)

    # -- core weighted sums -----------------------------------------------------------------

    def _check_lam(self, lam) -> np.ndarray:
        lam = np.asarray(lam, dtype=float)
        if lam.shape[-1:] != (self.n_charges,):
            raise ValueError(f"lambda must have {self.n_charges} components, got shape {lam.shape}")
        if not np.all(np.isfinite(lam)):
            raise ValueError(f"lambda must be finite, got {lam}")
        return lam

    def _weights(self, lam: np.ndarray) -> tuple[np.ndarray, float]:
        logw = -(self._Q @ lam)
        shift = logw.max()
        w = np.exp(logw - shift)
        Z = w.sum()
        return w / Z, float(shift + np.log(Z))

    def log_partition(self, lam) -> float:
        """log Z(λ) = log Σ_n exp(−λ·Q_n) (dimensionless, extensive)."""
        return self._weights(self._check_lam(lam))[1]

    def average(self, values: np.ndarray, lam) -> np.ndarray:
        """⟨A⟩_λ = Σ_n w_n A_n for per-eigenstate values of shape (n_states, ...)."""
        w, _ = self._weights(self._check_lam(lam))
        return np.tensordot(w, np.asarray(values, dtype=float), axes=(0, 0))

    def covariance(self, values: np.ndarray, lam) -> np.ndarray:
        """cov(A, Q_j) = ⟨A Q_j⟩ − ⟨A⟩⟨Q_j⟩, shape values.shape[1:] + (n_charges,).

        ``d⟨A⟩/dλ_j = −cov(A, Q_j)`` exactly.
        """
        w, _ = self._weights(self._check_lam(lam))
        A = np.asarray(values, dtype=float)
        Qc = self._Q - w @ self._Q
        Ac = A - np.tensordot(w, A, axes=(0, 0))
        return np.tensordot(Ac * w.reshape((-1,) + (1,) * (A.ndim - 1)), Qc, axes=(0, 0))

    def densities(self, lam) -> np.ndarray:
        """Densities q(λ) = ⟨Q⟩/N; for the paper's chain ``(m, e)``."""
        return self.average(self._Q, lam) / self.n_sites

    def susceptibility(self, lam) -> np.ndarray:
        """χ_ij = cov(Q_i, Q_j)/N = −∂q_i/∂λ_j (per site; symmetric positive semidefinite)."""
        return self.covariance(self._Q, lam) / self.n_sites

    def density_jacobian(self, lam) -> np.ndarray:
        """∂q_i/∂λ_j = −χ_ij."""
        return -self.susceptibility(lam)

    # -- reachable region ---------------------------------------------------------------------

    def _hull(self) -> tuple[np.ndarray, np.ndarray]:
        if self._hull_cache is None:
            pts = np.unique(np.round(self._Q / self.n_sites, 12), axis=0)
            if self.n_charges == 1:
                eq = np.array([[-1.0, pts.min()], [1.0, -pts.max()]])
                self._hull_cache = (eq, pts[[0, -1]])
            else:
                try:
                    hull = ConvexHull(pts)
                except QhullError as exc:
                    raise ValueError(
                        "the charge eigenvalues span a degenerate (flat) region: the charges are "
                        "linearly dependent on the spectrum and λ is not unique"
                    ) from exc
                self._hull_cache = (hull.equations, pts[hull.vertices])
        return self._hull_cache

    @property
    def reachable_vertices(self) -> np.ndarray:
        """Vertices (per-site densities) of the convex hull of the points Q_n/N."""
        return self._hull()[1]

    def hull_distance(self, q) -> np.ndarray:
        """Signed distance of densities ``q`` (..., n_charges) to the hull boundary (> 0 inside)."""
        eq, _ = self._hull()
        q = np.asarray(q, dtype=float)
        return -(q @ eq[:, :-1].T + eq[:, -1]).max(axis=-1)

    def is_reachable(self, q, margin: float = 1e-9) -> np.ndarray:
        """Whether densities ``q`` lie in the interior of the reachable region (by ``margin``)."""
        return self.hull_distance(q) > margin

    # -- batched evaluations ------------------------------------------------------------------

    def _batch_moments(self, lams: np.ndarray, cols: np.ndarray | None = None):
        """log Z, mean and covariance of Q (and means of extra columns) for a batch of λ."""
        B = lams.shape[0]
        c = self.n_charges
        n = self._Q.shape[0]
        logZ = np.empty(B)
        mean = np.empty((B, c))
        cov = np.empty((B, c, c))
        extra = None if cols is None else np.empty((B, cols.shape[1]))
        quad = self._QQ
        step = max(1, _BATCH_ELEMENTS // max(1, n))
        for start in range(0, B, step):
            sl = slice(start, min(B, start + step))
            w = lams[sl] @ self._QT  # = −log w
            shift = w.min(axis=1, keepdims=True)
            np.subtract(shift, w, out=w)
            np.exp(w, out=w)
            shift = -shift
            Z = w.sum(axis=1, keepdims=True)
            w /= Z
            logZ[sl] = shift[:, 0] + np.log(Z[:, 0])
            m = w @ self._Q
            mean[sl] = m
            cov[sl] = (w @ quad).reshape(-1, c, c) - m[:, :, None] * m[:, None, :]
            if cols is not None:
                extra[sl] = w @ cols
        return logZ, mean, cov, extra

    def _newton(self, q: np.ndarray, lam0: np.ndarray, tol: float, maxiter: int, lam_max: float):
        """Damped Newton on φ(λ) = log Z/N + λ·q for a batch; returns (λ, converged).

        Each iteration costs one batched evaluation of (log Z, ⟨Q⟩, cov Q) at the trial points;
        the values at accepted trial points are reused by the next iteration (Armijo backtracking
        with a round-off allowance, so the quadratic end phase is never blocked by φ's precision).
        """
        N = self.n_sites
        c = self.n_charges
        lam = lam0.copy()
        B = len(q)
        done = np.zeros(B, dtype=bool)
        failed = np.zeros(B, dtype=bool)
        logZ, mean, cov, _ = self._batch_moments(lam)
        self.last_iterations = 0
        for _ in range(maxiter):
            self.last_iterations += 1
            g_all = q - mean / N  # gradient of φ
            done |= (np.abs(g_all).max(axis=1) < tol) & ~failed
            act = np.nonzero(~done & ~failed)[0]
            if act.size == 0:
                break
            g = g_all[act]
            H = cov[act] / N
            ridge = 1e-13 * np.trace(H, axis1=1, axis2=2)[:, None, None] + 1e-300
            d = -np.linalg.solve(H + ridge * np.eye(c), g[..., None])[..., 0]
            phi0 = logZ[act] / N + np.einsum("bi,bi->b", lam[act], q[act])
            slope = np.einsum("bi,bi->b", g, d)
            t = np.ones(act.size)
            pending = np.arange(act.size)
            for _ls in range(40):
                idx = act[pending]
                trial = lam[idx] + t[pending, None] * d[pending]
                lz, mu, cv, _ = self._batch_moments(trial)
                phi = lz / N + np.einsum("bi,bi->b", trial, q[idx])
                ok = phi <= phi0[pending] + 1e-4 * t[pending] * slope[pending] + 1e-13 * (1 + np.abs(phi0[pending]))
                acc = idx[ok]
                lam[acc], logZ[acc], mean[acc], cov[acc] = trial[ok], lz[ok], mu[ok], cv[ok]
                pending = pending[~ok]
                if pending.size == 0:
                    break
                t[pending] *= 0.5
            failed[act[pending]] = True  # no descent possible: at the round-off floor or stuck
            failed |= np.abs(lam).max(axis=1) > lam_max
        g_all = q - mean / N
        done |= np.abs(g_all).max(axis=1) < max(tol, 1e-9)
        return lam, done

    def lambdas(self, q, *, lam0=None, tol: float = 1e-12, maxiter: int = 200, lam_max: float = 500.0) -> np.ndarray:
        """Lagrange parameters λ with densities q(λ) = q (the inverse map).

        Parameters
        ----------
        q : array_like, shape (n_charges,)
            Target densities, e.g. ``(m, e)``.
        lam0 : array_like, optional
            Starting point (default 0, infinite temperature at zero field).
        tol : float
            Tolerance on max_i |q_i(λ) − q_i|.
        maxiter : int
            Newton iterations.
        lam_max : float
            Largest |λ_i| accepted before declaring the point unreachable in practice.

        Returns
        -------
        ndarray, shape (n_charges,)

        Raises
        ------
        ValueError
            If q is not finite, lies outside the interior of the convex hull of the Q_n/N (the
            reachable region), or Newton does not converge (q too close to the boundary).
        """
        q = np.asarray(q, dtype=float)
        if q.shape != (self.n_charges,) or not np.all(np.isfinite(q)):
            raise ValueError(f"q must be {self.n_charges} finite densities, got {q!r}")
        dist = float(self.hull_distance(q))
        if dist <= 1e-9:
            names = ", ".join(self.spectrum.charge_names)
            raise ValueError(
                f"densities q = {tuple(float(x) for x in q)} ({names}) lie outside the region reachable "
                f"by Gibbs states of this N={self.n_sites} spectrum (the interior of the convex hull of "
                f"the eigenvalue points Q_n/N; distance to its boundary {dist:.3g})"
            )
        start = np.zeros(self.n_charges) if lam0 is None else self._check_lam(lam0)
        lam, ok = self._newton(q[None, :], start[None, :], tol, maxiter, lam_max)
        if not ok[0]:
            raise ValueError(
                f"q = {tuple(float(x) for x in q)} is too close to the boundary of the reachable "
                f"region: the inverse map did not converge (|λ| would exceed {lam_max})"
            )
        return lam[0]

    def lambdas_batch(self, q, *, lam0=None, tol: float = 1e-11, maxiter: int = 200, lam_max: float = 500.0) -> np.ndarray:
        """Vectorised inverse map for densities of shape (..., n_charges); NaN where unreachable."""
        q = np.asarray(q, dtype=float)
        shape = q.shape
        flat = q.reshape(-1, self.n_charges)
        out = np.full(flat.shape, np.nan)
        inside = np.all(np.isfinite(flat), axis=1)
        inside[inside] = self.is_reachable(flat[inside], margin=1e-6)
        idx = np.nonzero(inside)[0]
        if idx.size:
            if lam0 is None:
                start = np.zeros((idx.size, self.n_charges))
            else:
                start = np.broadcast_to(np.asarray(lam0, float), shape).reshape(-1, self.n_charges)[idx].copy()
                start[~np.isfinite(start)] = 0.0
            lam, ok = self._newton(flat[idx], start, tol, maxiter, lam_max)
            out[idx[ok]] = lam[ok]
        return out.reshape(shape)

    def batch_averages(self, lams: np.ndarray, values: np.ndarray) -> np.ndarray:
        """⟨A⟩ for a batch of λ (B, n_charges) and per-state values (n_states, k) → (B, k)."""
        lams = np.asarray(lams, dtype=float)
        return self._batch_moments(lams, np.asarray(values, dtype=float))[3]
