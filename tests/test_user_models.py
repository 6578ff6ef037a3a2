"""Any user's QuTiP model end to end: symmetry-resolved ED, fixed points for k = 1, 2, 3 charges, exact
steady states with and without strong symmetries, the reduction, and ``--model FILE.py:FUNCTION``.

The models (``tests/model_zoo.py``) are written by hand with QuTiP operators; every result is checked
against a brute-force computation (dense ED of the full space, ``qutip.steadystate``) or an exact
property (the preset route, conservation laws, analytic limits).
"""

from __future__ import annotations

import json

import model_zoo as zoo
import numpy as np
import pytest
import qutip

from lindhydro.cli import main
from lindhydro.lindblad.steady_state import steady_state, symmetric_steady_state
from lindhydro.lindblad.symmetry import strong_sectors
from lindhydro.quantum.fixed_points import find_fixed_points
from lindhydro.quantum.gibbs import GibbsEnsemble
from lindhydro.quantum.hydro import forces, noise_matrix
from lindhydro.quantum.model import ChainParameters, as_open_system, custom_model
from lindhydro.quantum.reduce import reduce_to_order_parameter
from lindhydro.quantum.spectrum import diagonalize

ZOO = "tests/model_zoo.py"


def _system(name, n, **kwargs):
    return as_open_system(getattr(zoo, name)(n, **kwargs))


def _random_lams(k, seed=3, count=4, scale=0.6):
    return [np.zeros(k)] + list(np.random.default_rng(seed).normal(scale=scale, size=(count, k)))


# ----------------------------------------------------------------------------------------------
# the paper's chain by hand equals the preset route
# ----------------------------------------------------------------------------------------------


def test_hand_written_paper_chain_equals_the_preset_fixed_points_and_noise():
    n = 8
    generic = find_fixed_points(_system("paper_by_hand", n))
    preset = find_fixed_points(ChainParameters(n_sites=n))
    assert generic.to_dict()["charges"] == ["magnetisation", "energy"]
    assert len(generic.points) == len(preset.points) == 3
    for a, b in zip(generic.points, preset.points, strict=True):
        assert a.stable == b.stable
        np.testing.assert_allclose(a.q, b.q, atol=1e-9)
        np.testing.assert_allclose(a.lam, b.lam, atol=1e-9)
        np.testing.assert_allclose(a.noise, b.noise, atol=1e-9)
        np.testing.assert_allclose(np.real(a.jacobian_eigenvalues), np.real(b.jacobian_eigenvalues), atol=1e-9)
    # the generic route resolved magnetisation and momentum, one jump per translation orbit
    spec = diagonalize(_system("paper_by_hand", n))
    assert spec.symmetries == {"sectors": ["magnetisation"], "translation": True, "real": True, "jump_representatives": 2}


def test_hand_written_paper_chain_equals_the_preset_steady_state_per_sector():
    n, eps = 5, 0.2
    generic = steady_state(_system("paper_by_hand", n), eps)
    assert generic.strong == ("X",) and len(generic.by_sector) == 2
    for sec in generic.by_sector:
        ref = symmetric_steady_state(ChainParameters(n_sites=n), eps, sec.labels["X"])
        assert np.abs(sec.full_matrix() - ref.full_matrix()).max() < 1e-9
        np.testing.assert_allclose(sec.q_rms, ref.q_rms, atol=1e-9)
        assert sec.energy_density == pytest.approx(ref.energy_density, abs=1e-9)
        assert sec.weight == 0.5


# ----------------------------------------------------------------------------------------------
# symmetry-resolved ED against dense brute force
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, n, k", [("ising_energy_only", 6, 1), ("xxz_gain_loss", 6, 2), ("spin_one", 4, 2),
                                        ("spin_one_three_charges", 4, 3)])
def test_symmetric_ed_equals_dense_brute_force(name, n, k):
    system = _system(name, n)
    fast, dense = GibbsEnsemble(diagonalize(system)), GibbsEnsemble(diagonalize(system, sectors="dense"))
    assert fast.spectrum.method == "symmetric" and fast.spectrum.symmetries["translation"]
    assert fast.n_charges == k
    scale = 1 / (fast.spectrum.charges.max(axis=0) - fast.spectrum.charges.min(axis=0)) * n
    for lam in _random_lams(k):
        lam = lam * scale
        np.testing.assert_allclose(forces(fast, lam), forces(dense, lam), atol=1e-10)
        np.testing.assert_allclose(noise_matrix(fast, lam), noise_matrix(dense, lam), atol=1e-10)
        np.testing.assert_allclose(fast.densities(lam), dense.densities(lam), atol=1e-10)


def test_energy_force_of_the_ising_chain_at_infinite_temperature():
    """At λ = 0: f_E = Tr(H L̂1(1))/(N 2^N), L̂1(1) = −κ Σσᶻ for decay κσ⁻ (σˣ flips are unital): f_E = −κ h_z."""
    decay, hz = 0.6, 0.4
    ens = GibbsEnsemble(diagonalize(_system("ising_energy_only", 7, decay=decay, hz=hz)))
    assert forces(ens, [0.0])[0] == pytest.approx(-decay * hz, abs=1e-12)


def test_sectors_found_from_diagonal_charges_and_the_hidden_magnetisation():
    spin1 = diagonalize(_system("spin_one", 5)).symmetries
    assert spin1["sectors"] == ["sz"]  # the declared charge; the magnetisation 2 Sz adds nothing
    three = diagonalize(_system("spin_one_three_charges", 4)).symmetries
    assert three["sectors"] == ["sz", "zeros"]
    ising = diagonalize(_system("ising_energy_only", 5)).symmetries
    assert ising["sectors"] == [] and ising["translation"]  # h_x breaks the magnetisation
    # an XXZ model with only the energy as charge still uses the magnetisation H0 conserves
    H = zoo.xxz_gain_loss(5).hamiltonian
    energy_only = custom_model(H, [H], [("dephasing", [zoo.embed(qutip.sigmaz(), j, 5) for j in range(5)], 0.3)])
    assert diagonalize(energy_only).symmetries["sectors"] == ["magnetisation"]


def test_open_chain_without_translation():
    n = 5
    H, charges, groups, names = zoo.paper_by_hand(n)
    # drop the wrap-around terms: an open chain (no translation), bonds (j, j+1) for j < n - 1 only
    sp, sm, sz = qutip.sigmap(), qutip.sigmam(), qutip.sigmaz()
    Hopen = sum(2 * (zoo.embed(sp, j, n) * zoo.embed(sm, j + 1, n) + zoo.embed(sm, j, n) * zoo.embed(sp, j + 1, n))
                + zoo.embed(sz, j, n) * zoo.embed(sz, j + 1, n) for j in range(n - 1))
    system = custom_model(Hopen, [charges[0], Hopen], [groups[0]], charge_names=names)
    spec = diagonalize(system)
    assert not spec.symmetries["translation"]
    fast, dense = GibbsEnsemble(spec), GibbsEnsemble(diagonalize(system, sectors="dense"))
    for lam in _random_lams(2):
        np.testing.assert_allclose(forces(fast, lam), forces(dense, lam), atol=1e-10)
    with pytest.raises(ValueError, match="translation"):
        diagonalize(custom_model(Hopen, [charges[0], Hopen], [groups[0]], translation=True))


# ----------------------------------------------------------------------------------------------
# fixed points for k = 1, 2, 3
# ----------------------------------------------------------------------------------------------


def test_fixed_points_for_one_charge():
    res = find_fixed_points(_system("ising_energy_only", 8))
    assert res.charge_names == ("energy",) and len(res.points) == 1
    p = res.points[0]
    assert p.stable and p.jacobian.shape == (1, 1) and p.noise[0, 0] > 0 and p.residual < 1e-10
    d = json.loads(json.dumps(res.to_dict()))
    assert d["charges"] == ["energy"] and {"q", "lambda", "stable", "jacobian_eigenvalues", "noise"} <= set(d["fixed_points"][0])
    assert "m" not in d["fixed_points"][0]


def test_fixed_point_of_three_charges_is_the_product_steady_state_of_the_bath():
    """Raise/lower jumps at rates r±, dephasing: the bath's steady state is the product exp(−λ Sᶻ)/Z with
    λ = ln(r−/r+), a Gibbs state of the charges (Sᶻ, N0, H0) with λ = (ln(r−/r+), 0, 0) — a fixed point,
    and the exact steady state for every ε."""
    up, down = 0.3, 0.5
    system = _system("spin_one_three_charges", 5, raise_rate=up, lower_rate=down)
    res = find_fixed_points(system)
    assert res.charge_names == ("sz", "zeros", "energy") and len(res.points) == 1
    p = res.points[0]
    np.testing.assert_allclose(p.lam, [np.log(down / up), 0.0, 0.0], atol=1e-9)
    x = up / down  # p(+1) : p(0) : p(-1) = x : 1 : 1/x
    z = x + 1 + 1 / x
    assert p.q[0] == pytest.approx((x - 1 / x) / z, abs=1e-10) and p.q[1] == pytest.approx(1 / z, abs=1e-10)
    assert p.stable and p.noise.shape == (3, 3) and np.linalg.eigvalsh(p.noise).min() > -1e-12
    exact = steady_state(_system("spin_one_three_charges", 4, raise_rate=up, lower_rate=down), 0.7)
    fp4 = find_fixed_points(_system("spin_one_three_charges", 4, raise_rate=up, lower_rate=down)).points[0]
    np.testing.assert_allclose(exact.q_mean, fp4.q, atol=1e-10)


def test_bistable_spin_one_model_and_its_flow_lines():
    res = find_fixed_points(_system("spin_one", 6))
    stable = res.stable
    assert len(stable) == 2 and len(res.unstable) == 1
    assert stable[0].q[0] == pytest.approx(-stable[1].q[0], abs=1e-9)  # the inversion m -> -m
    assert len(res.paths) == 2
    for path in res.paths:  # from the unstable point to a stable one
        assert np.abs(path[0] - np.array(res.unstable[0].q)).max() < 1e-2
        assert min(np.abs(path[-1] - np.array(s.q)).max() for s in stable) < 1e-3


# ----------------------------------------------------------------------------------------------
# exact steady states against qutip.steadystate
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, n", [("xxz_gain_loss", 4), ("xxz_gain_loss", 5), ("ising_energy_only", 5),
                                     ("spin_one_three_charges", 3)])
def test_unique_steady_state_equals_qutip(name, n):
    system = _system(name, n)
    eps = 0.3
    state = steady_state(system, eps)
    assert state.strong == () and len(state.by_sector) == 1
    rho = state.by_sector[0].full_matrix()
    ref = qutip.steadystate(system.hamiltonian, system.collapse_operators(eps)).full()
    assert np.abs(rho - ref).max() < 1e-8
    # the reduction used the lattice symmetries: fewer unknowns than d^(2N)/N
    assert state.by_sector[0].basis_size < system.dimension**2 / n
    H = system.hamiltonian.full()
    assert state.by_sector[0].q_mean[-1] == pytest.approx(np.trace(H @ ref).real / n, abs=1e-10)


def test_spin_one_sectors_of_the_inversion_equal_qutip_per_sector():
    system = _system("spin_one", 3)
    eps = 0.4
    state = steady_state(system, eps)
    assert state.strong == ("inversion",) and sorted(s.parity for s in state.by_sector) == [-1, 1]
    assert sum(s.weight for s in state.by_sector) == pytest.approx(1.0)
    L = system.liouvillian(eps).full()
    for sec in state.by_sector:
        block = sec.sector
        ref = qutip.steadystate(block.hamiltonian_qobj(), block.jump_qobjs(eps)).full()
        assert np.abs(sec.block_matrix() - ref).max() < 1e-8
        rho = sec.full_matrix()
        assert np.abs(L @ rho.reshape(-1, order="F")).max() < 1e-12  # a steady state of the full model
    # the infinite-temperature mixture: ⟨Sᶻ⟩ = 0 by the inversion
    assert state.q_mean[0] == pytest.approx(0.0, abs=1e-12)


def test_detected_and_declared_strong_symmetries():
    paper = _system("paper_by_hand", 4)
    X = qutip.tensor([qutip.sigmax()] * 4)
    declared = steady_state(paper, 0.2, strong=[X])
    detected = steady_state(paper, 0.2)
    for a, b in zip(declared.by_sector, detected.by_sector, strict=True):
        assert np.abs(a.full_matrix() - b.full_matrix()).max() < 1e-12
    # a declared symmetry that is none
    with pytest.raises(ValueError, match="does not commute"):
        steady_state(_system("xxz_gain_loss", 4), 0.2, strong=[X])
    # dephasing only: the magnetisation is a strong U(1) symmetry, one steady state per sector
    H = _system("xxz_gain_loss", 4).hamiltonian
    sz = [zoo.embed(qutip.sigmaz(), j, 4) for j in range(4)]
    dephased = custom_model(H, [sum(sz), H], [("dephasing", sz, 0.5)])
    sectors = strong_sectors(dephased)
    assert "U(1) of q1" in sectors.strong
    state = steady_state(dephased, 0.3)
    for sec in state.by_sector:  # a unital bath: each sector's steady state is its identity / dim
        rho = sec.block_matrix()
        np.testing.assert_allclose(rho, np.eye(len(rho)) / len(rho), atol=1e-10)


def test_steady_state_that_is_not_unique_is_refused():
    """With the strong symmetry switched off the paper's chain has two steady states: the solve says so."""
    with pytest.raises(ValueError, match="not unique"):
        steady_state(_system("paper_by_hand", 4), 0.2, strong=())


# ----------------------------------------------------------------------------------------------
# reduction and field
# ----------------------------------------------------------------------------------------------


def test_reduction_of_a_bistable_user_model_gives_an_odd_force_and_a_field():
    from lindhydro.field import FieldModel

    hydro = reduce_to_order_parameter(_system("spin_one", 5))
    assert hydro.manifold == "flow" and hydro.order == "sz" and hydro.odd
    assert hydro.force(0.0) == 0.0 and hydro.force_coeffs[0] > 0  # the centre is unstable
    assert abs(hydro.force(hydro.m_star)) < 0.02 * np.abs(hydro.f_values).max()
    field = FieldModel.from_hydro(hydro, 0.2, D=1.0, chi_T=0.5)
    assert field.m0 == pytest.approx(hydro.m_star, abs=0.02)


def test_reduction_of_one_charge_is_the_charge_itself_and_not_odd():
    from lindhydro.field import FieldModel

    hydro = reduce_to_order_parameter(_system("ising_energy_only", 6))
    assert hydro.manifold == "charge" and hydro.order == "energy" and not hydro.odd and hydro.asymmetry > 1e-3
    fp = hydro.fixed_points.stable[0]
    assert hydro.center == pytest.approx(fp.q) and hydro.polynomial[1] == pytest.approx(np.real(fp.jacobian_eigenvalues[0]), rel=1e-3)
    with pytest.raises(ValueError, match="not odd"):
        FieldModel.from_hydro(hydro, 0.2, D=1.0, chi_T=0.5)
    odd = reduce_to_order_parameter(_system("ising_energy_only", 6), symmetrise=True, degree=3)
    assert odd.odd and odd.force_coeffs[0] < 0


# ----------------------------------------------------------------------------------------------
# the command line
# ----------------------------------------------------------------------------------------------


def test_fixed_points_of_a_model_file(capsys):
    assert main(["fixed-points", "--model", f"{ZOO}:spin_one_three_charges", "--sites", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["charges"] == ["sz", "zeros", "energy"] and out["parameters"]["model"].endswith(":spin_one_three_charges")
    p = out["fixed_points"][0]
    assert len(p["q"]) == 3 and len(p["lambda"]) == 3 and np.array(p["noise"]).shape == (3, 3) and p["stable"]


def test_validate_of_a_model_file(capsys):
    assert main(["validate", "--model", f"{ZOO}:xxz_gain_loss", "--sites", "4", "--eps", "0.1", "--json",
                 "--no-secular"]) == 0
    out = json.loads(capsys.readouterr().out)
    ss = out["steady_state"]
    assert ss["charges"] == ["magnetisation", "energy"] and len(ss["q_mean"]) == 2 and len(ss["q_rms"]) == 2
    assert all(r >= abs(m) for m, r in zip(ss["q_mean"], ss["q_rms"], strict=True))
    assert ss["strong_symmetries"] == [] and len(ss["by_sector"]) == 1
    assert out["fixed_points"] and out["comparison"]


def test_force_field_and_simulate_of_a_model_file(tmp_path, capsys):
    out = tmp_path / "field.nc"
    assert main(["force-field", "--model", f"{ZOO}:spin_one", "--sites", "4", "--grid", "9", "--out", str(out)]) == 0
    import xarray as xr

    ds = xr.open_dataset(out, engine="h5netcdf")
    assert ds.attrs["charges"].tolist() if hasattr(ds.attrs["charges"], "tolist") else ds.attrs["charges"]
    assert ds["f1"].shape == (9, 9) and int(ds["fixed_point_stable"].sum()) == 2
    ds.close()
    capsys.readouterr()
    assert main(["simulate", "--model", f"{ZOO}:spin_one", "--sites", "4", "--eps", "0.3", "--length", "40", "--time",
                 "1", "--dx", "1", "--seed", "2", "--json", "--no-progress"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["parameters"]["model"]["name"].startswith(ZOO)


def test_package_module_form(tmp_path, monkeypatch, capsys):
    (tmp_path / "my_models.py").write_text("from model_zoo import ising_energy_only as ising\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["fixed-points", "--model", "my_models:ising", "--sites", "5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["charges"] == ["energy"]


@pytest.mark.parametrize("args, message", [
    (["--model", f"{ZOO}:not_conserved", "--sites", "4"], "does not commute"),
    (["--model", f"{ZOO}:wrong_types", "--sites", "4"], "bad model"),
    (["--model", f"{ZOO}:missing", "--sites", "4"], "no function"),
    (["--model", "no_such_file.py:f", "--sites", "4"], "no such file"),
    (["--model", f"{ZOO}:ising_energy_only", "--sites", "40"], "GiB"),
    (["--model", f"{ZOO}:ising_energy_only", "--sites", "4", "--gamma", "0.5"], "--gamma"),
])
def test_model_errors_are_one_line(args, message, capsys):
    assert main(["fixed-points", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_a_model_function_that_raises(tmp_path, capsys):
    (tmp_path / "broken.py").write_text("def model(n):\n    raise RuntimeError('no such coupling')\n")
    assert main(["validate", "--model", f"{tmp_path / 'broken.py'}:model", "--sites", "4"]) == 2
    err = capsys.readouterr().err
    assert "RuntimeError: no such coupling" in err and len(err.strip().splitlines()) == 1


# ----------------------------------------------------------------------------------------------
# sizes (slow)
# ----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_spin_half_user_model_reaches_fourteen_sites():
    res = find_fixed_points(_system("xxz_gain_loss", 14))
    ref = find_fixed_points(_system("xxz_gain_loss", 10))
    assert len(res.stable) == 1 and abs(res.stable[0].q[0] - ref.stable[0].q[0]) < 1e-2


@pytest.mark.slow
def test_eight_sites_without_strong_symmetry():
    """65 536-dimensional Liouvillian before the reduction; the residual of the full one is checked."""
    system = _system("xxz_gain_loss", 8)
    state = steady_state(system, 0.3)
    sec = state.by_sector[0]
    assert state.strong == () and sec.residual < 1e-12 and abs(sec.trace - 1) < 1e-12
    rho = sec.full_matrix()
    H = system.hamiltonian.full()
    out = -1j * (H @ rho - rho @ H)
    for L in system.collapse_operators(0.3):
        Ld = L.full()
        out += Ld @ rho @ Ld.conj().T - 0.5 * (Ld.conj().T @ Ld @ rho + rho @ Ld.conj().T @ Ld)
    assert np.abs(out).max() < 1e-12
