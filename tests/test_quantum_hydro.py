"""Forces and noise: dense QuTiP brute force, infinite-temperature analytics, symmetries."""

import numpy as np
import pytest
import qutip
import scipy.linalg

from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import (
    force_field,
    force_jacobian,
    force_jacobian_lambda,
    forces,
    forces_at,
    infinite_temperature_forces,
    infinite_temperature_noise,
    noise_at,
    noise_jacobian_lambda,
    noise_matrix,
)
from lindhydro.quantum.model import ChainParameters, custom_model, model_from_parameters
from lindhydro.quantum.spectrum import diagonalize

LAMS = [(0.0, 0.0), (0.5, 0.4), (-0.8, -0.6), (0.3, -1.5), (-1.2, 0.2)]


def brute_force(system, lam):
    """Forces and noise from the dense Gibbs state and superoperator algebra (QuTiP).

    f_i = Tr[Q_i L̂1 ρ]/N with L̂1 the dissipator superoperator;
    N_ij = Tr[ρ (L̂1†(Q_iQ_j) − L̂1†(Q_i)Q_j − Q_i L̂1†(Q_j))]/N (the defining identity).
    """
    Qs = system.charges
    N = system.n_sites
    expo = -sum(l * Q.full() for l, Q in zip(lam, Qs, strict=True))
    rho = scipy.linalg.expm(expo)
    rho = qutip.Qobj(rho / np.trace(rho), dims=system.hamiltonian.dims)
    drho = qutip.vector_to_operator(system.dissipator() * qutip.operator_to_vector(rho))
    f = np.array([(Q * drho).tr().real for Q in Qs]) / N
    k = len(Qs)
    Nn = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            A, B = Qs[i], Qs[j]
            X = (system.adjoint_dissipator(A * B) - system.adjoint_dissipator(A) * B
                 - A * system.adjoint_dissipator(B))
            Nn[i, j] = (rho * X).tr().real / N
    return f, 0.5 * (Nn + Nn.T)


CASES = [
    ChainParameters(n_sites=4),
    ChainParameters(n_sites=5, jprime=0.3, gamma=0.7),
    ChainParameters(n_sites=6),
    ChainParameters(n_sites=6, hopping="literal", delta=0.6, jprime=0.2, gamma=0.95),
    ChainParameters(n_sites=5, boundary="open", jprime=0.2),
]


@pytest.mark.parametrize("params", CASES, ids=lambda p: f"N{p.n_sites}-{p.hopping}-{p.boundary}-{p.gamma}")
def test_fast_path_equals_dense_brute_force(params):
    system = model_from_parameters(params)
    ens = GibbsEnsemble(diagonalize(params))  # sector route
    for lam in LAMS:
        f_bf, N_bf = brute_force(system, lam)
        np.testing.assert_allclose(forces(ens, lam), f_bf, atol=1e-10)
        np.testing.assert_allclose(noise_matrix(ens, lam), N_bf, atol=1e-10)


def test_general_open_system_route_equals_brute_force():
    """A user-supplied OpenSystem (amplitude damping + dephasing on an XXZ ring, charges Q1, H0)."""
    n = 4

    def op(o, j):
        return qutip.tensor([o if k == j else qutip.qeye(2) for k in range(n)])

    sz = [op(qutip.sigmaz(), j) for j in range(n)]
    spm = [(op(qutip.sigmap(), j), op(qutip.sigmam(), j)) for j in range(n)]
    H = sum(0.7 * (spm[j][0] * spm[(j + 1) % n][1] + spm[j][1] * spm[(j + 1) % n][0])
            + 0.4 * sz[j] * sz[(j + 1) % n] for j in range(n))
    system = custom_model(
        H, [sum(sz), H],
        [("decay", [p[1] for p in spm], 0.3), ("pump", [p[0] for p in spm], 0.1), ("dephase", sz, 0.5)],
    )
    symmetric = GibbsEnsemble(diagonalize(system))
    assert symmetric.spectrum.method == "symmetric"
    assert symmetric.spectrum.symmetries["translation"] and symmetric.spectrum.symmetries["sectors"] == ["q1"]
    dense = GibbsEnsemble(diagonalize(system, sectors="dense"))
    for ens in (symmetric, dense):
        for lam in LAMS:
            f_bf, N_bf = brute_force(system, lam)
            np.testing.assert_allclose(forces(ens, lam), f_bf, atol=1e-10)
            np.testing.assert_allclose(noise_matrix(ens, lam), N_bf, atol=1e-10)


@pytest.mark.parametrize("params", [ChainParameters(n_sites=8), ChainParameters(n_sites=7, gamma=0.6, delta=0.4, jprime=0.3, hopping="literal")],
                         ids=["N8-fig2", "N7-other"])
def test_infinite_temperature_analytic_forms(params):
    """λ2 = 0: f1 = 2J[γ/4(1−m²) − (1−γ)]m, f2 = J²Δ[γ(1−m²) − 4(1−γ)m²], N11 = 4J(1−γ) + Jγ(1−m²)."""
    ens = GibbsEnsemble(diagonalize(params))
    for m in (-0.8, -0.35, 0.0, 0.2, 0.55, 0.9):
        lam = (-np.arctanh(m), 0.0)
        assert ens.densities(lam)[0] == pytest.approx(m, abs=1e-13)
        f1, f2 = infinite_temperature_forces(m, params)
        n11, n12 = infinite_temperature_noise(m, params)
        np.testing.assert_allclose(forces(ens, lam), [f1, f2], atol=1e-12)
        Nn = noise_matrix(ens, lam)
        np.testing.assert_allclose([Nn[0, 0], Nn[0, 1]], [n11, n12], atol=1e-12)
    # the paper's A.1 form (without the factor 2) is off by exactly a factor 2
    m = 0.3
    paper_f1 = params.J * (params.gamma / 4 * (1 - m**2) - (1 - params.gamma)) * m
    assert forces(ens, (-np.arctanh(m), 0.0))[0] == pytest.approx(2 * paper_f1, abs=1e-12)


def test_z2_symmetry_and_noise_positivity_on_a_grid():
    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=10)))
    for m in (0.1, 0.35, 0.7):
        for e in (-0.6, 0.2, 0.55, 0.8):
            if not (ens.is_reachable((m, e)) and ens.is_reachable((-m, e))):
                continue
            lp, lm = ens.lambdas((m, e)), ens.lambdas((-m, e))
            fp, fm = forces(ens, lp), forces(ens, lm)
            assert fm[0] == pytest.approx(-fp[0], abs=1e-10)
            assert fm[1] == pytest.approx(fp[1], abs=1e-10)
            for lam in (lp, lm):
                Nn = noise_matrix(ens, lam)
                assert np.allclose(Nn, Nn.T, atol=1e-12)
                assert np.linalg.eigvalsh(Nn).min() > -1e-12
            Np, Nm = noise_matrix(ens, lp), noise_matrix(ens, lm)
            assert Nm[0, 1] == pytest.approx(-Np[0, 1], abs=1e-10)
            assert Nm[1, 1] == pytest.approx(Np[1, 1], abs=1e-10)


def test_analytic_jacobians_match_finite_differences():
    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=8, jprime=0.1)))
    lam = np.array([-0.4, -0.3])
    h = 1e-5
    dfdl = force_jacobian_lambda(ens, lam)
    dNdl = noise_jacobian_lambda(ens, lam)
    for j in range(2):
        dl = np.zeros(2)
        dl[j] = h
        fd = (forces(ens, lam + dl) - forces(ens, lam - dl)) / (2 * h)
        np.testing.assert_allclose(dfdl[:, j], fd, atol=1e-8)
        fd = (noise_matrix(ens, lam + dl) - noise_matrix(ens, lam - dl)) / (2 * h)
        np.testing.assert_allclose(dNdl[..., j], fd, atol=1e-8)
    q = ens.densities(lam)
    Jq = force_jacobian(ens, lam)
    for j in range(2):
        dq = np.zeros(2)
        dq[j] = 1e-5
        fd = (forces_at(ens, q + dq, lam0=lam) - forces_at(ens, q - dq, lam0=lam)) / 2e-5
        np.testing.assert_allclose(Jq[:, j], fd, atol=1e-6)
    np.testing.assert_allclose(noise_at(ens, q, lam0=lam), noise_matrix(ens, lam), atol=1e-10)


def test_force_field_grid_and_file(tmp_path):
    import xarray as xr

    ens = GibbsEnsemble(diagonalize(ChainParameters(n_sites=8)))
    m = np.linspace(-1, 1, 9)
    e = np.linspace(-1.5, 1.2, 7)
    ff = force_field(ens, m, e)
    assert ff.forces.shape == (2, 7, 9) and ff.noise.shape == (2, 2, 7, 9)
    inside = ens.is_reachable(np.stack(np.meshgrid(m, e), -1), margin=1e-6)
    assert np.all(np.isfinite(ff.forces[0][inside])) and np.all(np.isnan(ff.forces[0][~inside]))
    # every finite grid value equals the pointwise evaluation
    for i, j in zip(*np.nonzero(inside), strict=True):
        lam = ens.lambdas((m[j], e[i]))
        np.testing.assert_allclose(ff.forces[:, i, j], forces(ens, lam), atol=1e-9)
        np.testing.assert_allclose(ff.noise[:, :, i, j], noise_matrix(ens, lam), atol=1e-9)
    path = tmp_path / "ff.nc"
    ff.save(path)
    ds = xr.open_dataset(path, engine="h5netcdf")
    assert ds.attrs["param_gamma"] == 0.9 and ds["f1"].attrs["units"] == "J"
    np.testing.assert_allclose(ds["f1"].values, ff.forces[0], equal_nan=True)
    ds.close()
