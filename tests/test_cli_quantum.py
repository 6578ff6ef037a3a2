"""The ``fixed-points`` and ``force-field`` subcommands."""

import json

import numpy as np
import pytest

from lindhydro.cli import main


def test_fixed_points_json_is_one_object(capsys):
    assert main(["fixed-points", "--sites", "8", "--gamma", "0.9", "--delta", "1", "--jprime", "0.01", "--json"]) == 0
    out = capsys.readouterr().out
    d = json.loads(out)  # exactly one JSON object, nothing else on stdout
    assert {"parameters", "fixed_points"} <= set(d) and "note" not in d  # an ordered fixed point: no note
    assert d["parameters"]["n_sites"] == 8 and d["parameters"]["hopping"] == "isotropic"
    fps = d["fixed_points"]
    assert [p["stable"] for p in fps] == [True, False, True]
    assert fps[2]["m"] == pytest.approx(-fps[0]["m"]) and 0.65 < fps[2]["m"] < 0.75
    for p in fps:
        assert len(p["lambda"]) == 2 and np.asarray(p["noise"]).shape == (2, 2)
        assert all(isinstance(z, float | list) for z in p["jacobian_eigenvalues"])


def test_fixed_points_table_and_literal_hopping(capsys):
    assert main(["fixed-points", "-N", "8", "--hopping", "literal"]) == 0
    out = capsys.readouterr().out
    assert "literal" in out and out.count(" yes ") == 1 and " no " not in out


def test_bad_input_exits_2(capsys):
    assert main(["fixed-points", "--sites", "2"]) == 2
    assert "at least 3" in capsys.readouterr().err
    assert main(["fixed-points", "--gamma", "1.3", "--json"]) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and "gamma" in cap.err
    assert main(["fixed-points", "--sites", "40"]) == 2
    assert "GiB" in capsys.readouterr().err
    assert main(["fixed-points", "--hopping", "diagonal"]) == 2


def test_force_field_writes_self_describing_netcdf(tmp_path, capsys):
    import xarray as xr

    out = tmp_path / "ff.nc"
    png = tmp_path / "ff.png"
    assert main(["force-field", "-N", "6", "--grid", "15", "--out", str(out), "--plot", str(png)]) == 0
    assert png.stat().st_size > 1000
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds["f1"].shape == (15, 15) and ds.attrs["param_n_sites"] == 6
        assert ds["e"].attrs["units"] == "J" and "per unit epsilon" in ds.attrs["conventions"]
        f1 = ds["f1"].values
        ok = np.isfinite(f1)
        assert ok.sum() > 20
        # Z2: f1(−m, e) = −f1(m, e) on the symmetric grid
        np.testing.assert_allclose(f1[:, ::-1][ok[:, ::-1] & ok], -f1[ok[:, ::-1] & ok], atol=1e-9)
        assert int(ds["fixed_point_stable"].sum()) >= 1
    assert capsys.readouterr().out == ""
    # an existing --out is kept unless --overwrite; --json reports what was written
    before = out.read_bytes()
    assert main(["force-field", "-N", "6", "--grid", "5", "--out", str(out)]) == 2
    assert out.read_bytes() == before and "--overwrite" in capsys.readouterr().err
    assert main(["force-field", "-N", "6", "--grid", "5", "--out", str(out), "--overwrite", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["out"] == str(out) and d["grid"] == 5 and d["parameters"]["n_sites"] == 6
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds["f1"].shape == (5, 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ff.nc", "ff.png"]  # no temporary file left


def test_fixed_points_explains_a_lone_unordered_point(capsys):
    """At gamma = 1 the ordered fixed points sit at full polarisation; below ~0.8 there are none."""
    assert main(["fixed-points", "-N", "6", "--gamma", "1", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [abs(p["m"]) < 1e-9 for p in d["fixed_points"]] == [True] and not d["fixed_points"][0]["stable"]
    assert "full polarisation" in d["note"]
    assert main(["fixed-points", "-N", "6", "--gamma", "0.3"]) == 0
    assert "does not order" in capsys.readouterr().out


def test_help_explains_physics(capsys):
    assert main(["force-field", "--help"]) == 0
    text = capsys.readouterr().out
    assert "isotropic" in text and "per unit eps" in text and "gamma" in text
