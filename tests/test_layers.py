"""The package is a pipeline of layers: every import (module level or inside a function) points down.

The allowed direction is written once, in :data:`ALLOWED` below, and mirrors ``docs/architecture.md``
and the docstring of ``lindhydro/__init__.py``.  The test walks the AST of every module, so imports
hidden inside functions count as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lindhydro"

#: layer -> the layers its modules may import from (its own layer included)
ALLOWED: dict[str, set[str]] = {
    "quantum": {"quantum"},
    "lindblad": {"lindblad", "quantum"},
    "field": {"field"},
    "analysis": {"analysis", "field"},
    "experiments": {"experiments", "analysis", "field", "lindblad", "quantum"},
    "sweep": {"sweep", "experiments", "analysis", "field", "lindblad", "quantum"},
    "plotting": {"plotting", "sweep", "experiments", "analysis", "field", "lindblad", "quantum"},
    "cli": {"cli", "plotting", "sweep", "experiments", "analysis", "field", "lindblad", "quantum"},
}

#: names that run or fit something: plotting draws result objects and never calls these
COMPUTING_NAMES = {
    "simulate", "run_sweep", "fit_wall_density", "fit_resampled", "fit_all_prefactors",
    "find_fixed_points", "diagonalize", "steady_state", "secular_steady_state",
    "reduce_to_order_parameter", "force_field", "scan_wall_density", "measure_wall_density",
    "analyze_store",
}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _layer(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 else None


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, imported names) of every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name, []) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((node.lineno, mod, [a.name for a in node.names]))
    return out


def _target_layer(module: str, names: list[str]) -> list[str]:
    parts = module.split(".")
    if parts[0] != "lindhydro":
        return []
    if len(parts) > 1:
        return [parts[1]]
    # "from lindhydro import x": x is a layer, or a lazily exported name (resolved by the lazy table)
    return [n for n in names if n in ALLOWED]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path):
    layer = _layer(path)
    if layer is None:
        return  # lindhydro/__init__.py: lazy exports only
    assert layer in ALLOWED, f"{path} is in an unknown layer {layer!r}: add it to ALLOWED and the docs"
    bad = []
    for line, module, names in _imports(path):
        for target in _target_layer(module, names):
            if target not in ALLOWED[layer]:
                bad.append(f"line {line}: {layer} imports {module} ({target} is not below {layer})")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_name_crosses_modules(path):
    me = _module_name(path)
    bad = []
    for line, module, names in _imports(path):
        if not module.startswith("lindhydro") or module == me:
            continue
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        private += [p for p in module.split(".") if p.startswith("_") and not p.startswith("__")]
        if private:
            bad.append(f"line {line}: imports private {private} from {module}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", sorted((PACKAGE / "plotting").rglob("*.py")), ids=lambda p: p.name)
def test_plotting_draws_and_never_computes(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            called.add(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    assert not (called & COMPUTING_NAMES), f"{path.name} runs computations: {sorted(called & COMPUTING_NAMES)}"


def test_no_import_cycle_between_modules():
    """The module-level import graph inside the package is acyclic (function-level imports included)."""
    graph: dict[str, set[str]] = {}
    names = {_module_name(p): p for p in _modules()}
    for mod, path in names.items():
        deps = set()
        for _, module, imported in _imports(path):
            if not module.startswith("lindhydro."):
                continue
            for cand in [f"{module}.{n}" for n in imported] + [module]:
                if cand in names and cand != mod:
                    deps.add(cand)
                    break
        graph[mod] = deps
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in graph.get(m, ()):
            if state.get(d) == 1:
                cycle = stack[stack.index(d):] + [d]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


#: longest function body, in code lines (docstring, comments and blank lines excluded)
MAX_FUNCTION_LINES = 80


def _code_lines(node: ast.AST, source_lines: list[str]) -> int:
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if not body:
        return 0
    lines = set()
    for stmt in body:
        for ln in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1):
            text = source_lines[ln - 1].strip()
            if text and not text.startswith("#"):
                lines.add(ln)
    return len(lines)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_functions_are_short(path):
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    long = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            n = _code_lines(node, lines)
            if n > MAX_FUNCTION_LINES:
                long.append(f"{node.name} (line {node.lineno}): {n} code lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} code lines: " + "; ".join(long)
