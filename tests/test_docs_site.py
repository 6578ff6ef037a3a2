"""The documentation's generated parts: API pages, CLI reference, physics notation in docstrings.

The full build (every tutorial executed, warnings as errors) runs in ``.ci/run``; the slow test at
the end builds the site without executing the tutorials.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import lindhydro_docs  # noqa: E402


@pytest.fixture
def generated(tmp_path, monkeypatch):
    monkeypatch.setattr(lindhydro_docs, "GENERATED", tmp_path)
    return tmp_path


# -- physics notation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("the magnitude |f| of the force", r"the magnitude \|f\| of the force"),
        ("weights |⟨m|L_k|n⟩|²", r"weights \|⟨m\|L_k\|n⟩\|²"),
        ("literal ``|m|`` stays", "literal ``|m|`` stays"),
        ("math :math:`|m| < 1` stays", "math :math:`|m| < 1` stays"),
        ("already escaped \\|m\\|", "already escaped \\|m\\|"),
        ("type ``int`` | None", r"type ``int`` \| None"),
    ],
)
def test_escape_bars_in_text(line, expected):
    assert lindhydro_docs.escape_bars([line]) == [expected]


def test_escape_bars_leaves_blocks_and_tables_alone():
    lines = [
        "Example::",
        "",
        "    x = |m|",
        "",
        ".. math::",
        "",
        "    |\\psi\\rangle",
        "",
        "+-----+-----+",
        "| a   | b   |",
        "+-----+-----+",
        "after |m|",
    ]
    out = lindhydro_docs.escape_bars(lines)
    assert out[:-1] == lines[:-1]
    assert out[-1] == r"after \|m\|"


# -- API pages ----------------------------------------------------------------------------------


def test_api_pages_cover_every_public_name(generated):
    modules = lindhydro_docs.write_api_pages()
    assert "lindhydro.quantum.model" in modules
    toc = (generated / "api_toc.inc").read_text(encoding="utf-8")
    for modname in modules:
        page = (generated / "api" / f"{modname}.rst").read_text(encoding="utf-8")
        parent = modname.rsplit(".", 1)[0]
        if parent in modules:  # a sub-module: listed on its package's page
            parent_page = (generated / "api" / f"{parent}.rst").read_text(encoding="utf-8")
            assert f"   {modname}\n" in parent_page
        else:
            assert f"generated/api/{modname}\n" in toc
        module = importlib.import_module(modname)
        for name in lindhydro_docs.public_names(module):
            assert name in page, f"{modname}.{name} is missing from its API page"
    top = (generated / "api" / "lindhydro.rst").read_text(encoding="utf-8")
    assert ":class:`lindhydro.ChainParameters <lindhydro.quantum.model.ChainParameters>`" in top


def test_api_pages_skip_missing_modules(generated, monkeypatch):
    monkeypatch.setattr(
        lindhydro_docs, "API_MODULES", ["lindhydro.quantum.model", "lindhydro.does_not_exist"]
    )
    assert lindhydro_docs.write_api_pages() == ["lindhydro.quantum.model"]
    assert not (generated / "api" / "lindhydro.does_not_exist.rst").exists()


# -- CLI reference ------------------------------------------------------------------------------


def test_cli_reference_has_every_subcommand(generated):
    from lindhydro.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    names = lindhydro_docs.write_cli_help()
    assert names == list(sub.choices)
    assert "demo" in names
    text = (generated / "cli_help.inc").read_text(encoding="utf-8")
    for name, subparser in sub.choices.items():
        assert f"lindhydro {name}\n" in text
        for action in subparser._actions:  # every option of every subcommand is listed
            if action.help == argparse.SUPPRESS:
                continue  # hidden from --help on purpose (e.g. a deprecated spelling)
            for flag in action.option_strings:
                assert flag in text, f"{name} {flag} missing from the CLI reference"


# -- the site -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_site_builds_without_warnings(tmp_path):
    # nitpicky (-n): every cross-reference on the prose pages must resolve; unresolved type names
    # inside docstrings (numpydoc "ndarray", "Qobj") are tolerated, any other warning is an error
    env = dict(os.environ, LINDHYDRO_DOCS_NO_GALLERY="1", MPLBACKEND="Agg")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-n", "--keep-going", "-q", "-b", "html",
         str(ROOT / "docs"), str(tmp_path / "html")],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    problems = []
    for line in proc.stderr.splitlines():
        if "WARNING" not in line and "ERROR" not in line:
            continue
        prose = any(f"/docs/{p}" in line for p in PROSE_PAGES)
        if "reference target not found" in line and not prose:
            continue
        problems.append(line)
    assert not problems, "\n".join(problems[:20])
    for page in ("index", "getting_started", "physics", "sharp_bits", "api", "cli"):
        assert (tmp_path / "html" / f"{page}.html").exists()


PROSE_PAGES = ("index.rst", "getting_started.md", "physics.md", "sharp_bits.md", "api.rst", "cli.rst", "changelog.md")


# -- gallery figures filled over several cells --------------------------------------------------


def test_gallery_figure_shown_once_after_the_cell_that_finished_it(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = (tmp_path / f"sphx_glr_example_{i:03d}.png" for i in range(1, 10))
    block_vars = {"image_path_iterator": paths}
    conf = {"src_dir": str(tmp_path)}
    lindhydro_docs.reset_matplotlib(conf, "example.py")
    try:
        fig, (ax1, ax2) = plt.subplots(1, 2)
        ax1.plot([0, 1], [0, 1])
        cell1 = lindhydro_docs.matplotlib_scraper(None, block_vars, conf)
        cell2 = lindhydro_docs.matplotlib_scraper(None, block_vars, conf)  # nothing changed
        ax2.plot([0, 1], [1, 0])  # the figure is finished in a later cell
        cell3 = lindhydro_docs.matplotlib_scraper(None, block_vars, conf)
        assert plt.fignum_exists(fig.number)  # kept open, as in a plain run
    finally:
        lindhydro_docs.reset_matplotlib(conf, "next.py")
    assert cell1 and not cell2 and cell3
    page = "\n".join(["text 1", cell1, "text 2", cell2, "text 3", cell3, "end"])
    placed = lindhydro_docs.place_figures(page)
    assert "lindhydro-figure" not in placed
    assert placed.count("sphx_glr_example_001.png") >= 1  # one image file, re-saved
    assert placed.index("sphx_glr_example_001.png") > placed.index("text 3")  # after cell 3
    assert not (tmp_path / "sphx_glr_example_002.png").exists()
