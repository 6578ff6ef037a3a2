"""Is the chain thermal? The eigenstate-to-eigenstate scatter of the bath forces at fixed (Q1, E).

The hydrodynamics replaces the state of the chain at given charges by a Gibbs state.  This holds if
the diagonal elements F_{i,n} = ⟨n|L̂1†(Q_i)|n⟩ of neighbouring eigenstates agree (the eigenstate
thermalisation hypothesis): then every eigenstate at (M, E) has the Gibbs forces.  The scatter is
measured by consecutive differences inside each diagonalised symmetry block (Q1 = M and momentum k
for :func:`~lindhydro.quantum.spectrum.diagonalize` with ``sectors="momentum"``), ordered by energy,
which removes the smooth dependence on E: σ_i² = ½⟨(x_{n+1} − x_n)²⟩ with x = F_i/N, averaged with
the Gibbs weights of the stable fixed points ±m* (the states the steady state visits).  Thermal
chains have σ shrinking like the inverse square root of the block dimension; near-integrable ones
do not.  Forces per unit ε; J = 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lindhydro.quantum.gibbs import GibbsEnsemble

__all__ = ["EigenstateScatter", "eigenstate_scatter", "level_spacing_ratio"]

#: Mean spacing ratio of uncorrelated (Poisson) levels, 2 ln 2 − 1, and of the GOE (Atas et al. 2013).
POISSON_RATIO, GOE_RATIO = 2 * math.log(2) - 1, 0.5307


@dataclass(frozen=True)
class EigenstateScatter:
    """Scatter of the per-eigenstate forces at fixed (Q1, E).

    Attributes
    ----------
    n_sites : int
        N.
    scatter : tuple of float
        σ_i for every charge (force per site per unit ε: J for Q1, J² for H0).
    spread : tuple of float
        Standard deviation of x_i = F_i/N over the same Gibbs weights (the smooth variation plus
        the scatter), for scale.
    lam : tuple of float
        The Gibbs state whose weights are used (λ1 ≥ 0 and its mirror image are averaged).
    n_states : int
        Eigenstates of the spectrum.
    details : dict
        Free-form extras.
    """

    n_sites: int
    scatter: tuple[float, ...]
    spread: tuple[float, ...]
    lam: tuple[float, ...]
    n_states: int
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "n_sites": self.n_sites,
            "scatter": list(self.scatter),
            "spread": list(self.spread),
            "lambda": list(self.lam),
            "n_states": self.n_states,
        }


def eigenstate_scatter(ensemble: GibbsEnsemble, lam) -> EigenstateScatter:
    """The scatter σ_i of F_{i,n}/N between energy-neighbouring eigenstates of one symmetry block.

    Parameters
    ----------
    ensemble : GibbsEnsemble
        Over a spectrum with its symmetry blocks (``block_sizes``), first charge Q1.
    lam : array_like
        Gibbs state whose weights average the differences, usually the stable fixed point; its
        mirror (−λ1, λ2, ...) is averaged in, as the steady state visits both ±m*.

    Returns
    -------
    EigenstateScatter
    """
    spec = ensemble.spectrum
    lam = np.asarray(lam, dtype=float)
    n = spec.n_sites
    X = spec.force_elements / n
    mirror = lam.copy()
    mirror[0] = -mirror[0]
    w = np.zeros(spec.n_states)
    for lm in (lam, mirror):
        logw = -(spec.charges @ lm)
        p = np.exp(logw - logw.max())
        w += p / p.sum() / 2
    sizes = np.asarray(spec.block_sizes, dtype=np.int64)
    if sizes.sum() != spec.n_states:
        raise ValueError("the spectrum does not list its symmetry blocks (block_sizes)")
    sq = np.zeros(X.shape[1])
    total = 0.0
    for start, size in zip(np.cumsum(sizes) - sizes, sizes, strict=True):
        if size < 2:
            continue
        idx = start + np.argsort(spec.energies[start : start + size], kind="stable")
        pair_w = 0.5 * (w[idx[1:]] + w[idx[:-1]])
        d = X[idx[1:]] - X[idx[:-1]]
        sq += 0.5 * pair_w @ d**2
        total += pair_w.sum()
    mean = w @ X
    spread = np.sqrt(np.maximum(w @ X**2 - mean**2, 0.0))
    return EigenstateScatter(
        n_sites=n,
        scatter=tuple(float(math.sqrt(v / total)) for v in sq),
        spread=tuple(float(v) for v in spread),
        lam=tuple(float(v) for v in lam),
        n_states=int(spec.n_states),
    )


def level_spacing_ratio(spectrum) -> tuple[float, int]:
    """Mean ratio r = min(s_n, s_{n+1})/max(s_n, s_{n+1}) of consecutive level spacings.

    Only blocks without a residual symmetry enter: momentum blocks 0 < k < π (they come in
    (k, −k) pairs, one is used) with Q1 ≠ 0 (no spin flip).  Integrable chains have uncorrelated
    levels (r ≈ 2 ln 2 − 1 ≈ 0.386), chaotic ones level repulsion (GOE: r ≈ 0.531).

    Parameters
    ----------
    spectrum : Spectrum
        From :func:`~lindhydro.quantum.spectrum.diagonalize` with ``sectors="momentum"``.

    Returns
    -------
    (float, int)
        Mean r over all used levels, and their number.
    """
    sizes = np.asarray(spectrum.block_sizes, dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    ratios = []
    for i in range(1, sizes.size):
        a, b = starts[i - 1], starts[i]
        if sizes[i] != sizes[i - 1] or sizes[i] < 3 or spectrum.charges[b, 0] == 0:
            continue
        E = np.sort(spectrum.energies[b : b + sizes[i]])
        if not np.allclose(E, np.sort(spectrum.energies[a : a + sizes[i]])):
            continue  # not a (k, −k) pair
        s = np.diff(E)
        hi = np.maximum(s[1:], s[:-1])
        ratios.append(np.where(hi > 0, np.minimum(s[1:], s[:-1]) / np.where(hi > 0, hi, 1.0), 0.0))
    r = np.concatenate(ratios) if ratios else np.zeros(0)
    return (float(r.mean()) if r.size else float("nan")), int(r.size)
