"""The tutorial gallery is well formed: sphinx-gallery would otherwise drop or break pages.

These checks are static (nothing is executed); the docs build in ``.ci/run`` executes every
example with warnings as errors.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SECTIONS = ["01_quantum", "02_validation", "03_toy_model", "04_first_principles", "05_sweeps", "06_own_model"]
SCRIPTS = sorted(EXAMPLES.glob("0*/plot_*.py"))


def _conf_sections() -> list[str]:
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    return re.findall(r'"\.\./examples/(\w+)"', conf)


def test_sections_in_the_tutorial_order():
    assert _conf_sections() == SECTIONS
    on_disk = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name[0].isdigit())
    assert on_disk == SECTIONS


@pytest.mark.parametrize("section", SECTIONS)
def test_section_has_a_header(section):
    # sphinx-gallery silently leaves out a sub-folder without a header file
    header = EXAMPLES / section / "README.rst"
    lines = header.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 2 and set(lines[1]) <= set("-=~^") and len(lines[1]) >= len(lines[0])


def _rst_title(docstring: str) -> tuple[str, str]:
    lines = [ln.rstrip() for ln in docstring.strip("\n").splitlines()]
    if lines and lines[0] and set(lines[0]) <= set("=-~^"):  # overlined title
        lines = lines[1:]
    return (lines[0], lines[1]) if len(lines) > 1 else (lines[0] if lines else "", "")


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_example_starts_with_an_rst_title(script):
    tree = ast.parse(script.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree, clean=False)
    assert doc, f"{script.name}: the module docstring (an RST title first) is missing"
    title, underline = _rst_title(doc)
    assert title.strip(), f"{script.name}: the docstring must start with a title"
    assert underline and set(underline) <= set("=-~^") and len(underline) >= len(title.strip()), (
        f"{script.name}: the title must be underlined at least as long as it is"
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_example_has_main_guard_or_runs_at_top_level(script):
    # sphinx-gallery executes the file as __main__; a script whose work sits only behind
    # argparse with required arguments would produce an empty page
    src = script.read_text(encoding="utf-8")
    assert "required=True" not in src, f"{script.name}: arguments must have defaults"


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_example_does_not_read_its_docstring(script):
    # sphinx-gallery executes the code with __doc__ = "" (the docstring becomes the page text), so
    # e.g. argparse.ArgumentParser(description=__doc__.splitlines()[1]) breaks the docs build
    tree = ast.parse(script.read_text(encoding="utf-8"))
    uses = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "__doc__"]
    assert not uses, f"{script.name} reads __doc__ (line {uses[0]}), which is empty in the docs build"
