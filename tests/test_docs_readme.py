"""The README works as printed: its two commands are the documented ones, and its Python example runs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

DEMO_COMMAND = "pip install -e . && lindhydro demo"
TEST_COMMAND = 'pip install -e ".[test,docs]" && python -m pytest -q'


def _example() -> str:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- example-start -->", 1)[1].split("<!-- example-end -->", 1)[0]
    match = re.search(r"```python\n(.*?)```", block, flags=re.S)
    assert match, "README: no ```python block between the example markers"
    return match.group(1)


def test_readme_has_the_two_commands():
    text = README.read_text(encoding="utf-8")
    bash_blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    commands = [line.strip() for b in bash_blocks for line in b.splitlines() if line.strip()]
    assert DEMO_COMMAND in commands
    assert TEST_COMMAND in commands


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND.split("&&", 1)[1].strip() in ci


def test_readme_example_is_short():
    lines = [ln for ln in _example().splitlines() if ln.strip()]
    assert len(lines) <= 12, f"the README example has {len(lines)} lines"


def test_readme_example_runs(capsys):
    namespace: dict = {"__name__": "readme_example"}
    exec(compile(_example(), "README.md", "exec"), namespace)  # noqa: S102 - that is the test
    out = capsys.readouterr().out
    # the example prints the fixed points: two stable ones at ±m*, one unstable at m = 0
    fixed = re.findall(r"m = ([+-]\d\.\d+)\s+e = (\d\.\d+)\s+stable = (True|False)", out)
    stable = sorted(float(m) for m, _, s in fixed if s == "True")
    unstable = [float(m) for m, _, s in fixed if s == "False"]
    assert len(stable) == 2 and abs(stable[0] + stable[1]) <= 2e-3 and 0.5 < stable[1] < 0.9, out
    assert len(unstable) == 1 and abs(unstable[0]) <= 1e-3, out
    # and the simulation's result is a finite, self-describing object
    result = namespace["result"]
    assert np.isfinite(result.domain_wall_density) and result.domain_wall_density >= 0
    assert np.isfinite(result.correlation_length) and result.correlation_length > 0
    assert "seed" in result.parameters  # results carry what produced them
    assert result.parameters["model"]["eps"] == 0.3
    # the field is ordered locally: <m^2> is positive and below the noiseless m*^2 plus fluctuations
    m_star = namespace["hydro"].m_star
    assert 0 < result.m2_mean < m_star**2 + 0.2


def test_getting_started_includes_the_readme_example():
    page = (ROOT / "docs" / "getting_started.md").read_text(encoding="utf-8")
    assert ":start-after: <!-- example-start -->" in page
    assert ":end-before: <!-- example-end -->" in page


def test_readme_links_and_figure_exist():
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", text)
    local = [t for t in targets if not t.startswith(("http://", "https://"))]
    assert "docs/_static/readme_figure.png" in local and "docs/physics.md" in local
    for target in local:
        assert (ROOT / target).exists(), f"README links to a missing {target}"
    figure = ROOT / "docs" / "_static" / "readme_figure.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and figure.stat().st_size < 300_000
