"""Sector-resolved exact diagonalisation against the full QuTiP model, and bad input."""

import math

import numpy as np
import pytest
import qutip

from lindhydro.quantum.model import (
    ChainParameters,
    custom_model,
    magnetisation,
    model_from_parameters,
)
from lindhydro.quantum.spectrum import diagonalize, estimate_memory, sector_hamiltonian

CASES = [
    ChainParameters(n_sites=5),
    ChainParameters(n_sites=6, jprime=0.3, gamma=0.7, hopping="literal"),
    ChainParameters(n_sites=6, jprime=0.2, delta=0.5, boundary="open"),
    ChainParameters(n_sites=4, jprime=0.3),  # N = 2·distance: the doubled next-nearest ring
]


@pytest.mark.parametrize("params", CASES, ids=lambda p: f"N{p.n_sites}-{p.hopping}-{p.boundary}")
def test_sector_hamiltonians_reproduce_full_qobj(params):
    """Eigenvalues per magnetisation sector equal those of the QuTiP H0 restricted to the sector."""
    sys = model_from_parameters(params)
    H = sys.hamiltonian.full()
    q1 = np.real(np.diag(magnetisation(params.n_sites).full()))
    n = params.n_sites
    for n_down in range(n + 1):
        idx = np.nonzero(np.isclose(q1, n - 2 * n_down))[0]
        block = H[np.ix_(idx, idx)]
        Hs = sector_hamiltonian(params, n_down).toarray()
        # bit convention: computational index order within the sector is the sorted index order
        np.testing.assert_allclose(Hs, block.real, atol=1e-13)
        assert np.abs(block.imag).max(initial=0) < 1e-14


@pytest.mark.parametrize("params", CASES, ids=lambda p: f"N{p.n_sites}-{p.hopping}-{p.boundary}")
def test_spectrum_routes_agree_with_dense_eigh(params):
    E_full = np.sort(np.linalg.eigvalsh(model_from_parameters(params).hamiltonian.full()))
    modes = ["magnetisation", "dense"] + (["momentum"] if params.boundary == "periodic" else [])
    for mode in modes:
        s = diagonalize(params, sectors=mode)
        assert s.n_states == 2**params.n_sites
        np.testing.assert_allclose(np.sort(s.energies), E_full, atol=1e-11)
        np.testing.assert_allclose(s.charges[:, 1], s.energies, atol=1e-11)
        # Q1 eigenvalues: binomial multiplicities
        vals, counts = np.unique(np.round(s.charges[:, 0]).astype(int), return_counts=True)
        n = params.n_sites
        assert list(vals) == [n - 2 * k for k in range(n, -1, -1)]
        assert list(counts) == [math.comb(n, k) for k in range(n, -1, -1)]


def test_momentum_and_magnetisation_routes_give_same_state_data():
    """Per-state data agree as multisets within each (Q1, E) level (N = 8, with J')."""
    p = ChainParameters(n_sites=8, jprime=0.25, gamma=0.6)
    a, b = diagonalize(p, sectors="momentum"), diagonalize(p, sectors="magnetisation")
    assert a.method == "momentum" and b.method == "magnetisation"
    for s in (a, b):
        assert np.allclose(s.noise_elements, np.swapaxes(s.noise_elements, 1, 2))
    # sums of the diagonal elements over each magnetisation sector are basis independent traces
    for q1 in np.unique(a.charges[:, 0]):
        ia, ib = a.charges[:, 0] == q1, b.charges[:, 0] == q1
        np.testing.assert_allclose(a.force_elements[ia].sum(0), b.force_elements[ib].sum(0), atol=1e-9)
        np.testing.assert_allclose(a.noise_elements[ia].sum(0), b.noise_elements[ib].sum(0), atol=1e-9)
        np.testing.assert_allclose(np.sort(a.energies[ia]), np.sort(b.energies[ib]), atol=1e-11)


def test_force_elements_are_traceless_in_trace_sense():
    """Tr L̂1†(Q1) = 0 (every σˣ and aligning piece changes Q1 by ±2 symmetrically)."""
    s = diagonalize(ChainParameters(n_sites=7, jprime=0.1), sectors="magnetisation")
    assert abs(s.force_elements[:, 0].sum()) < 1e-9


# ---------------------------------------------------------------------------------------------
# bad input: a clear ValueError before any heavy work
# ---------------------------------------------------------------------------------------------


def test_too_large_chain_is_refused_before_work(monkeypatch):
    import lindhydro.quantum.spectrum as spectrum_module
    from lindhydro.quantum.basis import ChainBasis

    def no_work(*args, **kwargs):
        raise AssertionError("heavy work started before the memory check")

    monkeypatch.setattr(spectrum_module, "_diagonalize_sectors", no_work)
    monkeypatch.setattr(ChainBasis, "magnetisation_sector", no_work)
    with pytest.raises(ValueError, match="GiB"):
        diagonalize(ChainParameters(n_sites=30))
    with pytest.raises(ValueError, match="memory budget"):
        diagonalize(ChainParameters(n_sites=14), memory_budget=10 * 2**20)
    assert estimate_memory(16) < estimate_memory(18) < estimate_memory(20)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_sites": 2}, "at least 3"),
        ({"gamma": 1.2}, "gamma"),
        ({"gamma": -0.1}, "gamma"),
    ],
)
def test_bad_chain_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        diagonalize(ChainParameters(**kwargs))


def test_bad_route_choices():
    with pytest.raises(ValueError, match="periodic"):
        diagonalize(ChainParameters(n_sites=6, boundary="open"), sectors="momentum")
    with pytest.raises(ValueError, match="sectors"):
        diagonalize(ChainParameters(n_sites=6), sectors="fancy")
    with pytest.raises(ValueError, match="dense"):
        diagonalize(ChainParameters(n_sites=14), sectors="dense")
    with pytest.raises(ValueError, match="ChainParameters"):
        diagonalize("chain")


def test_non_hermitian_and_non_conserved_systems_are_refused():
    n = 3
    sz = [qutip.tensor([qutip.sigmaz() if k == j else qutip.qeye(2) for k in range(n)]) for j in range(n)]
    sx = [qutip.tensor([qutip.sigmax() if k == j else qutip.qeye(2) for k in range(n)]) for j in range(n)]
    sp_ = [qutip.tensor([qutip.sigmap() if k == j else qutip.qeye(2) for k in range(n)]) for j in range(n)]
    H = sum(sz[j] * sz[(j + 1) % n] for j in range(n))
    Q = sum(sz)
    with pytest.raises(ValueError, match="Hermitian"):
        custom_model(H + 0.3 * sp_[0], [Q], [("x", sx, 1.0)])
    with pytest.raises(ValueError, match="commute"):
        custom_model(H + 0.5 * sx[0], [Q, H + 0.5 * sx[0]], [("x", sx, 1.0)])
