"""The Heun integrator: kernel == reference, reproducibility, conservation, checks, exact results."""

import math

import numba
import numpy as np
import pytest
from scipy import integrate

from lindhydro.field import (
    FieldModel,
    SimulationBlowUp,
    SimulationResult,
    key_from_seed,
    paper_toy_model,
    simulate,
    simulate_ensemble,
)
from lindhydro.field import kernels as K
from lindhydro.field.reference import heun_linear_variance, linear_lattice_spectrum, run_reference


@pytest.mark.parametrize("n_cells", [1, 2, 3, 64, 101])
@pytest.mark.parametrize("renorm", ["none", "wick"])
def test_kernel_equals_numpy_reference(n_cells, renorm):
    model = FieldModel((0.05, -0.1, -0.01), D=1.3, site_noise=0.2, thermal_noise=0.7, renormalisation=renorm)
    dx, dt = 0.5, 0.002
    coeffs = model.lattice_force_coeffs(dx, dt, n_cells)
    a, b = model.noise_coefficients(dx, dt)
    m0 = np.random.default_rng(1).normal(size=n_cells)
    key = key_from_seed(9)
    ref = run_reference(m0, coeffs, model.D, dx, dt, a, b, key, 11, 25)
    m = m0.copy()
    assert K.heun_run(m, coeffs, model.D, dx, dt, a, b, np.uint64(key), 11, 25, 4) == 25
    np.testing.assert_allclose(m, ref, rtol=1e-13, atol=1e-13)
    # and through the public entry point (step 0 .. 24), in every precision
    r = simulate(model, length=n_cells * dx, time=25 * dt, dx=dx, dt=dt, seed=9, initial=m0,
                 precision="float64-splitmix")
    np.testing.assert_allclose(r.final_state.field, run_reference(m0, coeffs, model.D, dx, dt, a, b, key, 0, 25),
                               rtol=1e-13, atol=1e-13)
    for precision in ("float32", "float64"):
        r = simulate(model, length=n_cells * dx, time=25 * dt, dx=dx, dt=dt, seed=9, initial=m0, precision=precision)
        assert r.final_state.field.dtype == precision and r.parameters["precision"] == precision
        np.testing.assert_array_equal(r.final_state.field,
                                      run_reference(m0, coeffs, model.D, dx, dt, a, b, key, 0, 25, precision))


def test_continuation_is_bit_identical_and_ensemble_matches():
    model = paper_toy_model(0.2)
    kw = dict(length=200, dx=0.25, dt=0.001, seed=42, record_every=250)
    full = simulate(model, time=2.0, **kw)
    first = simulate(model, time=1.0, **kw)
    second = simulate(model, time=1.0, state=first.final_state, **kw)
    np.testing.assert_array_equal(full.final_state.field, second.final_state.field)
    assert second.final_state.step == full.final_state.step == 2000
    np.testing.assert_array_equal(np.concatenate([first.m2, second.m2]), full.m2)
    with pytest.raises(ValueError, match="seed"):
        simulate(model, time=1.0, state=first.final_state, **{**kw, "seed": 43})
    # ensemble entry r == simulate with the spawned child seed, for any number of threads
    ens = simulate(model, realisations=3, time=0.5, threads=2, **kw)
    ens1 = simulate(model, realisations=3, time=0.5, threads=1, **kw)
    child = np.random.SeedSequence(42).spawn(3)[2]
    single = simulate(model, time=0.5, **{**kw, "seed": child})
    np.testing.assert_array_equal(ens[2].final_state.field, single.final_state.field)
    np.testing.assert_array_equal(ens1[2].final_state.field, single.final_state.field)
    np.testing.assert_array_equal(ens[2].m2, single.m2)
    np.testing.assert_array_equal(ens[2].correlation, single.correlation)
    assert not np.array_equal(ens[0].final_state.field, ens[1].final_state.field)
    # an ensemble continues from its states like one run
    half = simulate(model, realisations=3, time=0.25, **kw)
    rest = simulate(model, realisations=3, time=0.25, state=[r.final_state for r in half], **kw)
    np.testing.assert_array_equal(rest[1].final_state.field, ens[1].final_state.field)
    # the old entry point warns and gives the same numbers
    with pytest.warns(DeprecationWarning, match="realisations"):
        old = simulate_ensemble(model, realisations=3, time=0.5, **kw)
    np.testing.assert_array_equal(old[2].final_state.field, single.final_state.field)


@pytest.mark.parametrize("precision", ["float32", "float64", "float64-splitmix"])
def test_conserved_noise_conserves_total_magnetisation(precision):
    model = FieldModel((0.0,), D=1.0, thermal_noise=1.0)
    m0 = np.random.default_rng(3).normal(0.3, 0.5, 400).astype(np.float32 if precision == "float32" else float)
    r = simulate(model, length=100, time=5.0, dx=0.25, dt=0.005, seed=1, initial=m0, record_every=100,
                 precision=precision)
    x = r.final_state.field.astype(float)
    # round-off only: a random walk of one rounding per cell and step
    roundoff = 10 * np.finfo(r.final_state.field.dtype).eps * math.sqrt(x.size * 1000) * np.sqrt(np.mean(x * x))
    drift = abs(x.sum() - m0.astype(float).sum())
    assert drift < roundoff, (drift, roundoff)
    assert np.allclose(r.m_mean, m0.astype(float).mean(), atol=roundoff / x.size)
    # but the field does fluctuate
    assert r.m2[-1] - m0.mean() ** 2 > 1.0


def test_conserved_noise_alone_flat_structure_factor():
    """f = 0, conserved noise: S(k) = chi_T/dx x Heun's exact factor for every k != 0."""
    dx, dt, n = 0.25, 0.005, 128
    model = FieldModel((0.0,), D=1.0, thermal_noise=1.0)  # chi_T = 1/2 -> S = 2
    r = simulate(model, length=n * dx, time=800.0, dx=dx, dt=dt, seed=7, initial="zero", record_every=200)
    k, S_exact = linear_lattice_spectrum(D=1.0, r=0.0, site_noise=0.0, thermal_noise=1.0, dx=dx, dt=dt, n_cells=n)
    assert np.allclose(S_exact[1:], 2.0, rtol=0.04)  # flat up to Heun's O(lam^2) factor (lam <= 0.32)
    # modes with relaxation time << run: compare in bins of 8 modes (400 records each)
    fast = slice(8, 64)
    ratio = (r.structure_factor[fast] / S_exact[fast]).reshape(-1, 8).mean(axis=1)
    n_rec = 400
    assert np.all(np.abs(ratio - 1) < 5 / math.sqrt(8 * n_rec / 2)), ratio
    # k = 0: sum m conserved (started at 0) up to round-off (a random walk of one rounding per cell and step)
    roundoff = 10 * np.finfo(r.final_state.field.dtype).eps * math.sqrt(n * 160_000 * 2.0)
    assert r.structure_factor[0] < roundoff**2 / n


def test_linear_lattice_spectrum_with_heun_correction():
    """d_t m = D lap m - r m + xi at a large dt: the measured S(k) follows the exact discrete-time
    Heun result, not the continuous-time one (which differs by up to ~40 % at the top modes)."""
    D, rr, site, dx, dt, n = 1.0, 0.5, 1.0, 1.0, 0.3, 256
    model = FieldModel((-rr,), D=D, site_noise=site)
    res = simulate(model, length=n * dx, time=6000 * dt * 2, dx=dx, dt=dt, seed=11, initial="zero", record_every=12)
    k, S = linear_lattice_spectrum(D=D, r=rr, site_noise=site, thermal_noise=0.0, dx=dx, dt=dt, n_cells=n)
    kap2 = 4 * np.sin(k * dx / 2) ** 2 / dx**2
    S_cont = site / (2 * dx * (D * kap2 + rr))
    n_rec = 1000
    bins = slice(1, 129)
    meas = res.structure_factor[bins].reshape(-1, 16).mean(axis=1)
    ex = S[bins].reshape(-1, 16).mean(axis=1)
    cont = S_cont[bins].reshape(-1, 16).mean(axis=1)
    err = 5 / math.sqrt(16 * n_rec * 0.5)
    assert np.all(np.abs(meas / ex - 1) < err), meas / ex
    assert abs(meas[-1] / cont[-1] - 1) > 0.2  # the Heun correction is resolved
    # and heun_linear_variance is the exact fixed point of the scalar map
    lam, q = 0.7, 0.3
    A = 1 - lam + lam**2 / 2
    v = heun_linear_variance(lam, q)
    assert v == pytest.approx(A**2 * v + (1 - lam / 2) ** 2 * q)


def test_zero_dimensional_stationary_law():
    """D = 0: independent cells, dx' = f(x) + xi with <xi xi> = N: p(x) ~ exp(-2 V(x) / N)."""
    N = 1.0
    model = FieldModel((1.0, -1.0), D=0.0, site_noise=N)  # V = x^4/4 - x^2/2
    n = 2000
    r = simulate(model, length=n * 1.0, time=300.0, dx=1.0, dt=0.01, seed=5, initial="zero", record_every=200,
                 snapshot_every=200)
    x = r.snapshots[r.snapshot_times > 50].ravel()
    V = lambda y: y**4 / 4 - y**2 / 2  # noqa: E731
    Z = integrate.quad(lambda y: np.exp(-2 * V(y) / N), -6, 6)[0]
    m2 = integrate.quad(lambda y: y * y * np.exp(-2 * V(y) / N), -6, 6)[0] / Z
    m4 = integrate.quad(lambda y: y**4 * np.exp(-2 * V(y) / N), -6, 6)[0] / Z
    n_eff = x.size / 2  # records 2 time units apart, correlation time ~ 1
    assert np.mean(x * x) == pytest.approx(m2, abs=5 * math.sqrt((m4 - m2 * m2) / n_eff))
    # histogram against the exact density
    edges = np.linspace(-2.5, 2.5, 26)
    h, _ = np.histogram(x, bins=edges)
    p = np.array([integrate.quad(lambda y: np.exp(-2 * V(y) / N), lo, hi)[0] / Z for lo, hi in zip(edges[:-1], edges[1:], strict=True)])
    expected = p * x.size
    chi2 = np.sum((h - expected) ** 2 / expected) / 2  # /2: correlated samples
    assert chi2 < 25 + 5 * math.sqrt(50), chi2


def test_noiseless_tanh_wall():
    """Two walls on a ring relax to m0 tanh(r sqrt(eps)/x0), x0 = sqrt(8D/((5 gamma - 4) J))."""
    eps, g = 0.1, 0.875
    model = paper_toy_model(eps, g, thermal=False).replace(site_noise=0.0)
    dx, L = 0.25, 400.0
    x = (np.arange(int(L / dx)) + 0.5) * dx
    m0 = math.sqrt(5 - 4 / g)
    x0 = math.sqrt(8 / (5 * g - 4))
    w = x0 / math.sqrt(eps)
    start = m0 * np.tanh((x - 100) / (1.6 * w)) * np.tanh((300 - x) / (1.6 * w))  # too wide at first
    r = simulate(model, length=L, time=600.0, dx=dx, dt=0.01, seed=0, initial=start, record_every=60000)
    exact = m0 * np.tanh((x - 100) * math.sqrt(eps) / x0)
    sel = (x > 50) & (x < 150)
    assert np.max(np.abs(r.final_state.field[sel] - exact[sel])) < 2e-3 * m0
    assert np.max(np.abs(start[sel] - exact[sel])) > 0.1 * m0  # it did relax


def test_input_checks():
    model = paper_toy_model(0.2)
    with pytest.raises(ValueError, match="stability limit"):
        simulate(model, length=10, time=1, dx=0.25, dt=0.05, seed=1)
    with pytest.raises(ValueError, match="multiple of dx"):
        simulate(model, length=10.1, time=1, dx=0.25, seed=1)
    with pytest.raises(ValueError, match="multiple of dt"):
        simulate(model, length=10, time=0.0015, dt=0.001, seed=1)
    with pytest.raises(ValueError, match="GiB"):
        simulate(model, length=1e9, time=1, seed=1)
    with pytest.raises(ValueError, match="seed"):
        simulate(model, length=10, time=1)
    with pytest.raises(ValueError, match="shape"):
        simulate(model, length=10, time=1, seed=1, initial=np.zeros(3))
    with pytest.raises(ValueError, match="m0"):
        simulate(paper_toy_model(0.2, 0.7), length=10, time=1, seed=1, initial="plus")


@pytest.mark.parametrize("precision", ["float32", "float64", "float64-splitmix"])
def test_blow_up_keeps_last_finite_state(precision):
    model = paper_toy_model(0.2, thermal=False)
    start = np.zeros(40)
    start[5] = 1e30  # f(m) ~ m^3 overflows within a few steps
    with pytest.raises(SimulationBlowUp) as info:
        simulate(model, length=10, time=1.0, seed=1, initial=start, record_every=10, check_every=64,
                 precision=precision)
    assert isinstance(info.value, FloatingPointError)
    part = info.value.result
    assert not part.completed
    assert np.all(np.isfinite(part.final_state.field))
    assert 0 <= part.final_state.step < 1000
    # the next step from the last finite state is indeed non-finite (exact location by replay)
    coeffs = model.force_coeffs
    a, b = model.noise_coefficients(0.25, 0.001)
    m = part.final_state.field.copy()
    with np.errstate(all="ignore"):
        nxt = run_reference(m, coeffs, 1.0, 0.25, 0.001, a, b, part.final_state.key, part.final_state.step, 1,
                            None if precision == "float64-splitmix" else precision)
    assert not np.all(np.isfinite(nxt))
    if precision == "float32":  # a start float32 cannot hold is refused
        with pytest.raises(ValueError, match="range of float32"):
            simulate(model, length=10, time=1.0, seed=1, initial=np.full(40, 1e39))


def test_result_roundtrip_and_summary(tmp_path):
    model = paper_toy_model(0.2, thermal=False)
    r = simulate(model, length=100, time=4.0, seed=3, record_every=500)
    d = r.to_dict()
    for key in ("parameters", "m2_mean", "correlation_length", "domain_wall_density", "coarse_graining_length",
                "site_updates_per_second"):
        assert key in d
    import json

    json.dumps(d)
    assert r.m2_mean == pytest.approx(np.mean(r.m2[r.times > 2.0]))
    p = tmp_path / "run.npz"
    r.save(p)
    back = SimulationResult.load(p)
    np.testing.assert_array_equal(back.final_state.field, r.final_state.field)
    assert back.parameters == json.loads(json.dumps(r.parameters))
    assert back.m2_mean == r.m2_mean
    # continue from a loaded state
    simulate(model, length=100, time=0.5, seed=3, state=back.final_state)


def test_the_grid_is_one_numerics_record():
    from lindhydro.field import Numerics, check_numerics

    model = paper_toy_model(0.2, thermal=False)
    num = Numerics(length=50.0, time=0.5, record_every=100)
    a = simulate(model, num, seed=1)
    b = simulate(model, length=50.0, time=0.5, record_every=100, seed=1)
    np.testing.assert_array_equal(a.final_state.field, b.final_state.field)
    assert a.parameters == b.parameters and a.parameters["record_every"] == 100
    with pytest.raises(ValueError, match="not both"):
        simulate(model, num, length=50.0, seed=1)
    with pytest.raises(ValueError, match="length"):
        simulate(model, seed=1)
    assert check_numerics(model, num)["n_cells"] == 200
    assert check_numerics(model, length=50.0, time=0.5, dx=0.25, dt=0.001)["n_steps"] == 500


def test_release_precision_reproduces_release_0_1():
    """precision="float64-splitmix" is release 0.1's integrator, bit for bit.

    Regression, not physics: the numbers of ``lindhydro simulate --eps 0.3 --length 100 --time 10
    --seed 7 --json`` of release 0.1 (that command's model then: the printed force, ell = w/2),
    captured before the float32 default existed.
    """
    model = paper_toy_model(0.3, renormalisation="none")
    r = simulate(model, length=100, time=10, seed=7, ell=4.2163702135578385, snapshot_every=0,
                 precision="float64-splitmix")
    assert r.parameters["key"] == "16920295385781661272"
    assert r.m2_mean == 1.9817754932398752
    assert r.correlation_length == 0.14052981230051614
    assert r.domain_wall_density == 0.1


@pytest.mark.parametrize("precision", ["float32", "float64"])
def test_one_ring_on_two_threads_is_bit_identical(precision):
    """A ring of 4000 cells is split into two blocks with halos on two threads: same bits as one thread."""
    model = paper_toy_model(0.3)
    kw = dict(length=1000.0, time=0.5, seed=3, record_every=100, precision=precision)
    one = simulate(model, threads=1, **kw)
    two = simulate(model, threads=min(2, numba.config.NUMBA_NUM_THREADS), **kw)
    np.testing.assert_array_equal(one.final_state.field, two.final_state.field)
    np.testing.assert_array_equal(one.m2, two.m2)
    np.testing.assert_array_equal(one.correlation, two.correlation)


def test_precision_is_part_of_the_numerics_and_of_the_state(tmp_path):
    from lindhydro.field import Numerics

    model = paper_toy_model(0.2, thermal=False)
    with pytest.raises(ValueError, match="precision must be one of"):
        Numerics(length=10.0, time=1.0, precision="float16")
    with pytest.raises(ValueError, match="not both"):
        simulate(model, Numerics(length=10.0, time=0.1), precision="float64", seed=1)
    runs = {p: simulate(model, length=50.0, time=0.2, seed=2, record_every=50, precision=p)
            for p in ("float32", "float64", "float64-splitmix")}
    assert Numerics(length=1.0, time=1.0).precision == "float32"  # the default
    for p, r in runs.items():
        assert r.parameters["precision"] == r.final_state.precision == p
        assert r.final_state.field.dtype == (np.float32 if p == "float32" else np.float64)
        assert r.m2.dtype == np.float64 and r.correlation.dtype == np.float64  # measured in float64
        other = "float64" if p == "float32" else "float32"
        with pytest.raises(ValueError, match=f"precision '{p}', cannot continue with precision '{other}'"):
            simulate(model, length=50.0, time=0.2, state=r.final_state, precision=other)
        for name in ("run.npz", "run.nc"):  # saved and loaded with its precision; continues
            r.save(tmp_path / name)
            back = SimulationResult.load(tmp_path / name)
            assert back.final_state.precision == p and back.final_state.field.dtype == r.final_state.field.dtype
            np.testing.assert_array_equal(back.final_state.field, r.final_state.field)
        cont = simulate(model, length=50.0, time=0.2, state=back.final_state, precision=p)
        full = simulate(model, length=50.0, time=0.4, seed=2, record_every=50, precision=p)
        np.testing.assert_array_equal(cont.final_state.field, full.final_state.field)
    # Philox float32 follows Philox float64 (same normals, rounded)
    np.testing.assert_allclose(runs["float32"].final_state.field, runs["float64"].final_state.field, atol=1e-4)
    # a file of release 0.1 (no precision recorded) holds a float64-splitmix state
    import json

    runs["float64-splitmix"].save(tmp_path / "old.npz")
    with np.load(tmp_path / "old.npz") as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays.pop("meta")))
    del meta["final_state"]["precision"], meta["parameters"]["precision"]
    np.savez(tmp_path / "old.npz", meta=np.array(json.dumps(meta)), **arrays)
    assert SimulationResult.load(tmp_path / "old.npz").final_state.precision == "float64-splitmix"


def test_threads_wait_passively_unless_configured():
    """Spinning OpenMP waits burn the core the other thread needs on a shared machine: lindhydro asks for
    passive waits, but never overrides a setting of the user's."""
    from lindhydro.field.stepper import prefer_passive_waits

    env: dict[str, str] = {}
    assert prefer_passive_waits(env) and env == {"OMP_WAIT_POLICY": "PASSIVE"}
    for setting in ({"OMP_WAIT_POLICY": "active"}, {"GOMP_SPINCOUNT": "1000"}, {"KMP_BLOCKTIME": "0"}):
        env = dict(setting)
        assert not prefer_passive_waits(env) and env == setting
