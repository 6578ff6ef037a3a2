"""The QuTiP model: symmetries, conservation laws, conventions, bad input."""

import numpy as np
import pytest
import qutip

from lindhydro.quantum.model import (
    ChainParameters,
    custom_model,
    paper_model,
    site_operator,
    spin_flip_operator,
)


@pytest.mark.parametrize("boundary", ["periodic", "open"])
def test_charges_conserved_and_strong_z2(boundary):
    m = paper_model(5, gamma=0.8, jprime=0.3, boundary=boundary)
    H, Q1 = m.charges[1], m.charges[0]
    assert qutip.commutator(H, Q1).norm() < 1e-12
    X = spin_flip_operator(5)
    assert qutip.commutator(H, X).norm() < 1e-12
    for g in m.jump_groups:
        for L in g.operators:
            assert qutip.commutator(L, X).norm() < 1e-12  # strong symmetry: every jump commutes


def test_isotropic_hopping_is_heisenberg_at_delta_one():
    n = 5
    H = paper_model(n, jprime=0.0, hopping="isotropic").hamiltonian
    for op in (qutip.sigmax(), qutip.sigmay()):
        S = sum(site_operator(op, j, n) for j in range(n))
        assert qutip.commutator(H, S).norm() < 1e-12
    H_lit = paper_model(n, jprime=0.0, hopping="literal").hamiltonian
    S = sum(site_operator(qutip.sigmax(), j, n) for j in range(n))
    assert qutip.commutator(H_lit, S).norm() > 0.1  # literal reading is XXZ with Δ_eff = 2


def test_literal_hopping_bond_energy():
    # two-site singlet-like check: <↑↓|H|↓↑> = J * h on a 3-site open chain
    for hop, h in (("isotropic", 2.0), ("literal", 1.0)):
        H = paper_model(3, jprime=0.0, hopping=hop, boundary="open").hamiltonian.full()
        # |↑↓↑> = index 0b010 = 2, |↓↑↑> = 0b100 = 4
        assert np.isclose(H[4, 2], h)


def test_aligning_jump_action():
    m = paper_model(3, boundary="periodic")
    up, dn = qutip.basis(2, 0), qutip.basis(2, 1)
    L_centre = m.jump_groups[1].operators[1]
    out = L_centre * qutip.tensor(up, dn, up)
    assert (out - qutip.tensor(up, up, up)).norm() < 1e-14
    out = L_centre * qutip.tensor(dn, up, dn)
    assert (out - qutip.tensor(dn, dn, dn)).norm() < 1e-14
    assert (L_centre * qutip.tensor(up, up, dn)).norm() == 0.0


def test_rates_follow_gamma():
    m = paper_model(4, gamma=0.7, J=2.0)
    rates = {g.name: g.rate for g in m.jump_groups}
    assert np.isclose(rates["sigma_x"], 2.0 * 0.3)
    assert np.isclose(rates["aligning"], 2.0 * 0.7)


def test_liouvillian_trace_preserving():
    m = paper_model(3, gamma=0.9)
    L = m.liouvillian(0.2)
    rho = qutip.rand_dm([2, 2, 2], seed=1)
    drho = qutip.vector_to_operator(L * qutip.operator_to_vector(rho))
    assert abs(drho.tr()) < 1e-12


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_sites=2), "at least 3"),
        (dict(gamma=1.2), r"gamma must lie in \[0, 1\]"),
        (dict(gamma=-0.1), r"gamma must lie in \[0, 1\]"),
        (dict(hopping="weird"), "hopping"),
        (dict(n_sites=40), "dimension"),
    ],
)
def test_bad_input(kwargs, match):
    args = dict(n_sites=4) | kwargs
    with pytest.raises(ValueError, match=match):
        paper_model(**args)


def test_non_hermitian_and_noncommuting_rejected():
    H = paper_model(3).hamiltonian
    Q1 = paper_model(3).charges[0]
    with pytest.raises(ValueError, match="not Hermitian"):
        custom_model(H + 1j * Q1, [Q1], [])
    Sx = sum(site_operator(qutip.sigmax(), j, 3) for j in range(3))
    with pytest.raises(ValueError, match="does not commute"):
        custom_model(paper_model(3, jprime=0.3).hamiltonian, [Sx], [])


def test_parameters_roundtrip():
    p = ChainParameters(n_sites=6, gamma=0.85)
    d = p.to_dict()
    assert d["hopping_factor"] == 2.0 and d["n_sites"] == 6
