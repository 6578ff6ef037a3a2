"""Open systems written by hand with QuTiP operators, as a user of lindhydro would write them.

Every function takes the number of sites and returns either an ``OpenSystem`` or the plain tuple
``(H0, [charges], [(name, [jump operators], rate), ...])`` (optionally with charge names), the two
forms ``lindhydro --model FILE.py:FUNCTION`` accepts.  Periodic chains, site j = j-th tensor factor.
"""

from __future__ import annotations

import numpy as np
import qutip

from lindhydro.quantum.model import custom_model


def embed(op: qutip.Qobj, site: int, n: int) -> qutip.Qobj:
    """``op`` on ``site`` of an n-site chain (identity elsewhere)."""
    d = op.shape[0]
    return qutip.tensor([op if j == site else qutip.qeye(d) for j in range(n)]).to("csr")


def paper_by_hand(n: int, gamma: float = 0.9, delta: float = 1.0, jprime: float = 0.01):
    """The paper's chain (isotropic hopping), written out: charges (Σσᶻ, H0), σˣ and aligning jumps."""
    sp, sm, sz, sx = qutip.sigmap(), qutip.sigmam(), qutip.sigmaz(), qutip.sigmax()
    up, dn = qutip.basis(2, 0).proj(), qutip.basis(2, 1).proj()
    H = 0
    for j in range(n):
        for dist, c, zz in ((1, 1.0, delta), (2, jprime, 0.0)):
            k = (j + dist) % n
            H += c * 2 * (embed(sp, j, n) * embed(sm, k, n) + embed(sm, j, n) * embed(sp, k, n))
            H += zz * embed(sz, j, n) * embed(sz, k, n)
    align = []
    for j in range(n):
        left, right = (j - 1) % n, (j + 1) % n
        align.append(embed(up, left, n) * embed(sp, j, n) * embed(up, right, n)
                     + embed(dn, left, n) * embed(sm, j, n) * embed(dn, right, n))
    Q1 = sum(embed(sz, j, n) for j in range(n))
    groups = [("sigma_x", [embed(sx, j, n) for j in range(n)], 1 - gamma), ("aligning", align, gamma)]
    return H, [Q1, H], groups, ["magnetisation", "energy"]


def ising_energy_only(n: int, hx: float = 0.9, hz: float = 0.4, decay: float = 0.6, flips: float = 0.3):
    """Mixed-field Ising ring with decay σ⁻ and spin flips σˣ: one charge, the energy (k = 1)."""
    H = sum(embed(qutip.sigmaz(), j, n) * embed(qutip.sigmaz(), (j + 1) % n, n)
            + hx * embed(qutip.sigmax(), j, n) + hz * embed(qutip.sigmaz(), j, n) for j in range(n))
    groups = [("decay", [embed(qutip.sigmam(), j, n) for j in range(n)], decay),
              ("flip", [embed(qutip.sigmax(), j, n) for j in range(n)], flips)]
    return H, [H], groups, ["energy"]


def xxz_gain_loss(n: int, delta: float = 0.6, j2: float = 0.3, gain: float = 0.2, loss: float = 0.35,
                  dephasing: float = 0.25, aligning: float = 0.8):
    """XXZ + J2 ring with gain, loss, dephasing and the aligning bath: no strong symmetry (k = 2)."""
    sp, sm, sz = qutip.sigmap(), qutip.sigmam(), qutip.sigmaz()
    up, dn = qutip.basis(2, 0).proj(), qutip.basis(2, 1).proj()
    H = 0
    for j in range(n):
        for dist, c, zz in ((1, 1.0, delta), (2, j2, 0.0)):
            k = (j + dist) % n
            H += c * (embed(sp, j, n) * embed(sm, k, n) + embed(sm, j, n) * embed(sp, k, n)) \
                + zz * embed(sz, j, n) * embed(sz, k, n)
    align = [embed(up, (j - 1) % n, n) * embed(sp, j, n) * embed(up, (j + 1) % n, n)
             + embed(dn, (j - 1) % n, n) * embed(sm, j, n) * embed(dn, (j + 1) % n, n) for j in range(n)]
    Q1 = sum(embed(sz, j, n) for j in range(n))
    return custom_model(H, [Q1, H], [
        ("gain", [embed(sp, j, n) for j in range(n)], gain),
        ("loss", [embed(sm, j, n) for j in range(n)], loss),
        ("dephasing", [embed(sz, j, n) for j in range(n)], dephasing),
        ("aligning", align, aligning),
    ], charge_names=["magnetisation", "energy"])


def spin_one(n: int, delta: float = 0.8, anisotropy: float = 0.3, noise: float = 0.1, aligning: float = 0.9):
    """Spin-1 XXZ ring with single-ion anisotropy, Sˣ noise and a spin-1 aligning bath (k = 2)."""
    Sp, Sm, Sz, Sx = qutip.jmat(1, "+"), qutip.jmat(1, "-"), qutip.jmat(1, "z"), qutip.jmat(1, "x")
    top, bottom = qutip.basis(3, 0).proj(), qutip.basis(3, 2).proj()
    H = 0
    for j in range(n):
        k = (j + 1) % n
        H += 0.5 * (embed(Sp, j, n) * embed(Sm, k, n) + embed(Sm, j, n) * embed(Sp, k, n)) \
            + delta * embed(Sz, j, n) * embed(Sz, k, n) + anisotropy * embed(Sz * Sz, j, n)
    align = [embed(top, (j - 1) % n, n) * embed(Sp, j, n) * embed(top, (j + 1) % n, n)
             + embed(bottom, (j - 1) % n, n) * embed(Sm, j, n) * embed(bottom, (j + 1) % n, n) for j in range(n)]
    Mz = sum(embed(Sz, j, n) for j in range(n))
    return custom_model(H, [Mz, H], [("sx", [embed(Sx, j, n) for j in range(n)], noise), ("aligning", align, aligning)],
                        charge_names=["sz", "energy"])


def spin_one_three_charges(n: int, delta: float = 0.5, j2: float = 0.4, raise_rate: float = 0.3,
                           lower_rate: float = 0.5, dephasing: float = 0.2):
    """Spin-1 ring with SU(3) exchange (swaps) + Sᶻ Sᶻ: charges Σ Sᶻ, the number of 0s, H0 (k = 3)."""
    Sz = qutip.jmat(1, "z")
    swap = qutip.Qobj(np.eye(9)[[3 * (i % 3) + i // 3 for i in range(9)]], dims=[[3, 3], [3, 3]])

    def pair(op, i, k):
        # op on sites (i, k) of the ring via a permutation of tensor factors
        rest = [qutip.qeye(3)] * (n - 2)
        order = [i, k] + [s for s in range(n) if s not in (i, k)]
        return qutip.tensor([op, *rest]).permute(np.argsort(order).tolist()).to("csr")

    H = sum(pair(swap, j, (j + 1) % n) + j2 * pair(swap, j, (j + 2) % n)
            + delta * embed(Sz, j, n) * embed(Sz, (j + 1) % n, n) for j in range(n))
    zero = qutip.basis(3, 1).proj()
    charges = [sum(embed(Sz, j, n) for j in range(n)), sum(embed(zero, j, n) for j in range(n)), H]
    groups = [("raise", [embed(qutip.jmat(1, "+"), j, n) for j in range(n)], raise_rate),
              ("lower", [embed(qutip.jmat(1, "-"), j, n) for j in range(n)], lower_rate),
              ("dephasing", [embed(Sz, j, n) for j in range(n)], dephasing)]
    return H, charges, groups, ["sz", "zeros", "energy"]


def not_conserved(n: int):
    """A model with a 'charge' that does not commute with H0 (for error messages)."""
    H = sum(embed(qutip.sigmax(), j, n) for j in range(n))
    return H, [sum(embed(qutip.sigmaz(), j, n) for j in range(n))], [("decay", [embed(qutip.sigmam(), 0, n)], 1.0)]


def wrong_types(n: int):
    """Returns something that is not a model."""
    return {"H": n}
