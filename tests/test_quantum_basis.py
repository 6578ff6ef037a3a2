"""The product basis: labels follow QuTiP, lattice symmetries act as the operators they stand for."""

from __future__ import annotations

import math

import numpy as np
import pytest
import qutip

from lindhydro.quantum.basis import ChainBasis, locate
from lindhydro.quantum.model import magnetisation, site_operator, spin_flip_operator


def _permutation(images: np.ndarray) -> np.ndarray:
    """Matrix U with U|s⟩ = |images[s]⟩."""
    U = np.zeros((images.size, images.size))
    U[images, np.arange(images.size)] = 1.0
    return U


def test_labels_are_qutip_rows():
    chain = ChainBasis(4)
    for s in range(chain.dim):
        digits = [int(chain.local_state(np.array([s]), j)[0]) for j in range(4)]
        assert np.argmax(np.abs(qutip.basis([2] * 4, digits).full())) == s
    np.testing.assert_array_equal(chain.magnetisation(np.arange(16)), np.diag(magnetisation(4).full()).real)


@pytest.mark.parametrize("local_dim", [2, 3])
def test_magnetisation_is_twice_the_total_sz(local_dim):
    n = 3
    chain = ChainBasis(n, local_dim=local_dim)
    sz = qutip.jmat((local_dim - 1) / 2, "z")
    total = sum(qutip.tensor([sz if k == j else qutip.qeye(local_dim) for k in range(n)]) for j in range(n))
    np.testing.assert_allclose(chain.magnetisation(np.arange(chain.dim)), 2 * np.diag(total.full()).real)


def test_magnetisation_sectors_partition_the_basis():
    chain = ChainBasis(7)
    sectors = [chain.magnetisation_sector(k) for k in range(8)]
    assert [s.size for s in sectors] == [math.comb(7, k) for k in range(8)]
    np.testing.assert_array_equal(np.sort(np.concatenate(sectors)), np.arange(2**7))
    for k, s in enumerate(sectors):
        assert np.all(np.diff(s) > 0) and np.all(chain.n_down(s) == k)
        np.testing.assert_array_equal(locate(s, s[::-1]), np.arange(s.size)[::-1])


@pytest.mark.parametrize("local_dim", [2, 3])
def test_translation_and_reflection_move_sites(local_dim):
    n = 4
    chain = ChainBasis(n, local_dim=local_dim)
    s = np.arange(chain.dim)
    t, r = chain.translate(s), chain.reflect(s)
    for j in range(n):
        np.testing.assert_array_equal(chain.local_state(t, (j + 1) % n), chain.local_state(s, j))
        np.testing.assert_array_equal(chain.local_state(r, n - 1 - j), chain.local_state(s, j))
    np.testing.assert_array_equal(chain.translate(s, n), s)
    np.testing.assert_array_equal(chain.translate(chain.translate(s, 3), 1), s)
    np.testing.assert_array_equal(chain.reflect(r), s)
    np.testing.assert_array_equal(chain.invert(chain.invert(s)), s)
    np.testing.assert_array_equal(chain.magnetisation(chain.invert(s)), -chain.magnetisation(s))


def test_symmetries_act_on_operators_as_the_lattice_does():
    n = 5
    chain = ChainBasis(n)
    s = np.arange(chain.dim)
    T, R = _permutation(chain.translate(s)), _permutation(chain.reflect(s))
    for j in range(n):
        sz = site_operator(qutip.sigmaz(), j, n).full()
        np.testing.assert_allclose(T @ sz @ T.T, site_operator(qutip.sigmaz(), (j + 1) % n, n).full())
        np.testing.assert_allclose(R @ sz @ R.T, site_operator(qutip.sigmaz(), n - 1 - j, n).full())
    np.testing.assert_allclose(_permutation(chain.invert(s)), spin_flip_operator(n).full())
    sx = (site_operator(qutip.sigmax(), 1, n) * site_operator(qutip.sigmax(), 3, n)).full()
    np.testing.assert_allclose(_permutation(chain.flip(s, 1, 3)), sx)


def test_bonds():
    assert ChainBasis(5).bonds(1) == [(0, 1), (0, 4), (1, 2), (2, 3), (3, 4)]
    assert ChainBasis(4).bonds(2) == [(0, 2), (1, 3), (2, 0), (3, 1)]  # the doubled ring
    assert ChainBasis(5, boundary="open").bonds(2) == [(0, 2), (1, 3), (2, 4)]
    assert ChainBasis(2).bonds(2) == []


@pytest.mark.parametrize("n, n_down", [(6, 3), (6, 2), (5, 2)])
def test_momentum_states_are_orthonormal_translation_eigenstates(n, n_down):
    chain = ChainBasis(n)
    states = chain.magnetisation_sector(n_down)
    orbits = chain.translation_orbits(states)
    T = _permutation(chain.translate(np.arange(chain.dim)))[np.ix_(states, states)]
    total = 0
    for kappa in range(n):
        U = chain.momentum_states(states, orbits, kappa).toarray()
        total += U.shape[1]
        np.testing.assert_allclose(U.conj().T @ U, np.eye(U.shape[1]), atol=1e-13)
        np.testing.assert_allclose(T @ U, np.exp(2j * np.pi * kappa / n) * U, atol=1e-13)
    assert total == states.size
    assert np.all(n % orbits.period == 0)


@pytest.mark.parametrize("n, parity", [(4, 1), (5, -1), (6, -1)])
def test_spin_flip_sector_is_an_x_eigenspace_with_signed_symmetries(n, parity):
    chain = ChainBasis(n)
    block = chain.spin_flip_sector(parity)
    V = block.isometry().toarray()
    X = spin_flip_operator(n).full()
    np.testing.assert_allclose(V.T @ V, np.eye(block.dim), atol=1e-14)
    np.testing.assert_allclose(X @ V, parity * V, atol=1e-14)
    full = np.arange(chain.dim)
    idx, sign = block.canonical(full)
    np.testing.assert_allclose(V[full, idx], sign / math.sqrt(2))
    np.testing.assert_array_equal(np.abs(block.magnetisation()), np.abs(chain.magnetisation(np.arange(block.dim))))
    for m in block.symmetry_maps(translation=True, reflection=True):
        np.testing.assert_array_equal(np.sort(m.index), np.arange(block.dim))
    T = _permutation(chain.translate(full))
    R = _permutation(chain.reflect(full))
    maps = block.symmetry_maps(translation=True, reflection=True)
    np.testing.assert_allclose(V.T @ T @ V, maps[1].matrix().toarray(), atol=1e-14)
    np.testing.assert_allclose(V.T @ R @ V, maps[n].matrix().toarray(), atol=1e-14)
    np.testing.assert_allclose(block.translation(1).matrix().toarray(), maps[1].matrix().toarray())


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="local_dim"):
        ChainBasis(3, local_dim=1)
    with pytest.raises(ValueError, match="n_sites"):
        ChainBasis(0)
    with pytest.raises(ValueError, match="int64"):
        ChainBasis(40, local_dim=3)
    with pytest.raises(ValueError, match="boundary"):
        ChainBasis(3, boundary="twisted")
    with pytest.raises(ValueError, match="spins 1/2"):
        ChainBasis(3, local_dim=3).flip(np.arange(3), 0)
    with pytest.raises(ValueError, match="spins 1/2"):
        ChainBasis(3, local_dim=3).spin_flip_sector(1)
    with pytest.raises(ValueError, match="parity"):
        ChainBasis(3).spin_flip_sector(0)


def test_old_state_maps_warn_and_agree():
    s = np.arange(32)
    with pytest.warns(DeprecationWarning, match="ChainBasis"):
        from lindhydro.lindblad.symmetry import translate_states
    with pytest.warns(DeprecationWarning, match="ChainBasis"):
        from lindhydro.lindblad.symmetry import reflect_states
    np.testing.assert_array_equal(translate_states(s, 5, 2), ChainBasis(5).translate(s, 2))
    np.testing.assert_array_equal(reflect_states(s, 5), ChainBasis(5).reflect(s))
