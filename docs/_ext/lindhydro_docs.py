"""Sphinx extension of the lindhydro docs: generated API/CLI pages and physics-friendly docstrings.

* :func:`write_api_pages` — one page per public module *that exists and imports*, listing the
  names of its ``__all__`` (the package grows while the documentation is written, so nothing is
  listed that is not there);
* :func:`write_cli_help` — the ``--help`` text of every ``lindhydro`` subcommand, from the real
  argparse parser (sphinx-argparse is not a dependency);
* :func:`escape_bars` — docstrings and gallery text use physics notation such as ``|m|`` or
  ``⟨m|L_k|n⟩``, which reStructuredText would read as substitution references; bare bars are
  escaped before parsing;
* :func:`bundled_mathjax` — the math is rendered by a MathJax copied into the site (no CDN).

Everything is written to ``docs/generated/`` (ignored by git).  ``conf.py`` calls the writers at
configuration time and lists this module in ``extensions`` (for :func:`setup`).
"""

from __future__ import annotations

import argparse
import base64
import importlib
import inspect
import io
import itertools
import os
import pkgutil
import re
from contextlib import redirect_stdout
from pathlib import Path, PurePosixPath

DOCS = Path(__file__).resolve().parents[1]

# -- Generated pages: API reference --------------------------------------------------------------

#: Top-level public modules, in the order of the data flow (see ``lindhydro/__init__.py``).  A
#: module that does not exist (yet) is skipped; the sub-modules of a package are found by walking
#: it (names starting with ``_`` are private and skipped).
API_MODULES = [
    "lindhydro.quantum",
    "lindhydro.lindblad",
    "lindhydro.field",
    "lindhydro.analysis",
    "lindhydro.experiments",
    "lindhydro.sweep",
    "lindhydro.plotting",
]

GENERATED = DOCS / "generated"


def public_names(module) -> list[str]:
    """Names a module documents: its ``__all__`` (functions, classes and other objects)."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n
            for n, obj in vars(module).items()
            if not n.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj))
            and getattr(obj, "__module__", None) == module.__name__
        ]
    return [n for n in names if n != "__version__" and hasattr(module, n)]


def discover_api_modules() -> list[str]:
    """Existing public modules (and public sub-modules of packages), importable right now."""
    found: list[str] = []
    for name in API_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        found.append(name)
        if hasattr(module, "__path__"):
            for info in pkgutil.walk_packages(module.__path__, prefix=name + "."):
                if any(part.startswith("_") for part in info.name.split(".")):
                    continue
                try:
                    importlib.import_module(info.name)
                except ImportError:
                    continue
                found.append(info.name)
    return found


def _underline(text: str, char: str) -> str:
    return f"{text}\n{char * len(text)}\n"


def _summary(obj) -> str:
    """First paragraph of a docstring (its summary), on one line, escaped like the docstrings."""
    if not (inspect.isclass(obj) or callable(obj)):
        return ""
    doc = inspect.getdoc(obj) or ""
    para = []
    for line in doc.strip().splitlines():
        if not line.strip():
            break
        para.append(line.strip())
    return " ".join(escape_bars([" ".join(para)]))


def _module_page(modname: str) -> str:
    module = importlib.import_module(modname)
    names = public_names(module)
    lines = [_underline(modname, "="), f".. automodule:: {modname}", "   :no-members:", ""]
    lines += [f".. currentmodule:: {modname}", ""]
    documented = []
    for n in names:
        obj = getattr(module, n)
        home = getattr(obj, "__module__", None)
        if callable(obj) and home != modname and home in _API_SET:
            continue  # re-exported: documented on its home page, linked from the summary below
        documented.append(n)
    reexported = [n for n in names if n not in documented]
    if documented:
        lines += [".. list-table::", "   :widths: 30 70", "   :class: lindhydro-summary", ""]
        for n in documented:
            obj = getattr(module, n)
            role = "class" if inspect.isclass(obj) else ("func" if callable(obj) else "data")
            lines += [f"   * - :{role}:`~{modname}.{n}`", f"     - {_summary(obj)}"]
        lines.append("")
    if reexported:
        lines += ["Re-exported here for convenience:", ""]
        for n in reexported:
            obj = getattr(module, n)
            role = "class" if inspect.isclass(obj) else "func"
            lines.append(f"* :{role}:`{n} <{obj.__module__}.{obj.__qualname__}>`")
        lines.append("")
    for n in documented:
        obj = getattr(module, n)
        if inspect.isclass(obj):
            lines += [f".. autoclass:: {n}", "   :members:", "   :show-inheritance:"]
            if any(_private_lindhydro_base(b) for b in obj.__mro__[1:]):
                # members shared through a private mixin are documented on the public class
                lines.append("   :inherited-members:")
            lines.append("")
        elif callable(obj):
            lines += [f".. autofunction:: {n}", ""]
        else:
            lines += [f".. autodata:: {n}", "   :no-value:", ""]
    return "\n".join(lines)


def _private_lindhydro_base(cls: type) -> bool:
    """A private (underscore) class of lindhydro, e.g. a mixin of shared properties."""
    return cls.__module__.startswith("lindhydro") and cls.__name__.startswith("_")


def _package_page() -> str:
    """The ``lindhydro`` namespace: what ``import lindhydro`` gives, linked to its home."""
    import lindhydro

    lines = [_underline("lindhydro", "="), ".. automodule:: lindhydro", "   :no-members:", ""]
    lines += ["Names exported by ``import lindhydro``:", ""]
    for n in public_names(lindhydro):
        obj = getattr(lindhydro, n)
        if callable(obj):
            role = "class" if inspect.isclass(obj) else "func"
            lines.append(f"* :{role}:`lindhydro.{n} <{obj.__module__}.{obj.__qualname__}>`")
    lines.append("")
    return "\n".join(lines)


def write_api_pages() -> list[str]:
    """Write ``generated/api/*.rst`` (one per module) and return the module names."""
    global _API_SET
    mods = discover_api_modules()
    _API_SET = set(mods)
    out = GENERATED / "api"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.rst"):
        old.unlink()
    (out / "lindhydro.rst").write_text(_package_page(), encoding="utf-8")
    for m in mods:
        page = _module_page(m)
        children = [c for c in mods if c.rsplit(".", 1)[0] == m]
        if children:  # a package: its sub-modules hang below its page
            page += "\n" + _underline("Sub-modules", "-") + "\n.. toctree::\n   :maxdepth: 1\n\n"
            page += "".join(f"   {c}\n" for c in children)
        (out / f"{m}.rst").write_text(page, encoding="utf-8")
    top = [m for m in mods if m.rsplit(".", 1)[0] not in _API_SET]
    toc = ["   generated/api/lindhydro"] + [f"   generated/api/{m}" for m in top]
    (GENERATED / "api_toc.inc").write_text(
        ".. toctree::\n   :maxdepth: 1\n\n" + "\n".join(toc) + "\n", encoding="utf-8"
    )
    return mods


_API_SET: set[str] = set()

# -- Generated pages: CLI reference --------------------------------------------------------------


def _help_text(parser: argparse.ArgumentParser) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):
        parser.print_help()
    return buf.getvalue()


def write_cli_help() -> list[str]:
    """Write ``generated/cli_help.inc``: the ``--help`` of ``lindhydro`` and each subcommand."""
    os.environ["COLUMNS"] = "100"  # stable line wrapping of argparse
    from lindhydro.cli import build_parser

    parser = build_parser()
    subparsers = {}
    for action in parser._actions:  # argparse keeps the sub-parsers here
        if isinstance(action, argparse._SubParsersAction):
            subparsers = dict(action.choices)
    parts = [_underline("lindhydro", "-"), "::", ""]
    parts += ["   " + line for line in _help_text(parser).rstrip().splitlines()]
    parts.append("")
    for name, sub in subparsers.items():
        parts += [_underline(f"lindhydro {name}", "-"), "::", ""]
        parts += ["   " + line for line in _help_text(sub).rstrip().splitlines()]
        parts.append("")
    if not subparsers:
        parts += ["No subcommands are registered in this build.", ""]
    GENERATED.mkdir(parents=True, exist_ok=True)
    (GENERATED / "cli_help.inc").write_text("\n".join(parts), encoding="utf-8")
    return list(subparsers)


# -- Optional pages written by other parts of the project ----------------------------------------


def write_optional_toc() -> None:
    """Toctree of pages that may not exist yet (e.g. ``cluster.md`` from the sweeps work)."""
    optional = [p for p in ("cluster",) if (DOCS / f"{p}.md").exists() or (DOCS / f"{p}.rst").exists()]
    text = ".. toctree::\n   :maxdepth: 1\n\n" + "".join(f"   {p}\n" for p in optional) if optional else ""
    (GENERATED / "optional_toc.inc").write_text(text, encoding="utf-8")


# -- Docstrings written by physicists -------------------------------------------------------------
#
# Docstrings use physics notation such as |m|, ⟨m|L_k|n⟩ or |ψ⟩, which reStructuredText would read
# as substitution references ("|m|") and reject.  Before numpydoc and autodoc parse a docstring, a
# bare "|" outside inline literals, roles and literal/math blocks is escaped, so it renders as
# written.  RST grid tables and line blocks are left alone.

_VERBATIM_DIRECTIVE = re.compile(
    r"\.\. (math|code-block|code|sourcecode|highlight|raw|literalinclude|parsed-literal)::"
)
_INLINE_PROTECTED = re.compile(r"(``.+?``|:[\w:.-]+:`[^`]*`|`[^`]*`_{0,2})")


def _escape_bars_in_line(line: str) -> str:
    parts = _INLINE_PROTECTED.split(line)
    for i in range(0, len(parts), 2):  # even indices: outside literals and roles
        parts[i] = re.sub(r"(?<!\\)\|", r"\\|", parts[i])
    return "".join(parts)


def escape_bars(lines: list[str]) -> list[str]:
    """Escape bare ``|`` in docstring lines (see the comment above); returns new lines."""
    out: list[str] = []
    block_indent: int | None = None  # inside a literal (``::``) or directive block
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if stripped and indent <= block_indent:
                block_indent = None
            else:
                out.append(line)
                continue
        is_table = stripped.startswith(("+-", "+=")) or (
            stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 2
            and stripped[1:2] == " "
        )
        out.append(line if is_table else _escape_bars_in_line(line))
        if stripped.endswith("::") or _VERBATIM_DIRECTIVE.match(stripped):
            block_indent = indent
    return out


def _process_docstring(app, what, name, obj, options, lines) -> None:
    lines[:] = escape_bars(lines)


def _process_source(app, docname, source) -> None:
    # the text cells of the gallery examples are written by the same physicists
    if docname.startswith("auto_examples/"):
        source[0] = place_figures("\n".join(escape_bars(source[0].split("\n"))))


def setup(app) -> None:
    """Register the docstring pre-processing (before numpydoc, priority 400 < 500) and the
    bundled MathJax (checked when the configuration is read, copied into the site)."""
    app.connect("autodoc-process-docstring", _process_docstring, priority=400)
    app.connect("source-read", _process_source)
    app.connect("config-inited", _check_bundled_mathjax)
    app.connect("builder-inited", _copy_bundled_mathjax)


# -- Math without a network -----------------------------------------------------------------------
#
# The site renders its math with a MathJax shipped inside it, not fetched from a CDN at page load
# (a reader on a cluster node, offline, or opening the pages from file:// sees rendered formulas).
# The files come from the ``sphinx-mathjax-offline`` package (MathJax 3.2.2, a docs dependency);
# only the one component named by ``mathjax_path`` in conf.py is copied, under ``_static/``.

MATHJAX_PACKAGE = "sphinx-mathjax-offline"


def bundled_mathjax(mathjax_path: str) -> Path | None:
    """The file of the MathJax package that a relative ``mathjax_path`` names.

    Parameters
    ----------
    mathjax_path : str
        Sphinx's ``mathjax_path``: a URL (not bundled) or a path under ``_static/``, such as
        ``"mathjax/tex-svg-full.js"``.

    Returns
    -------
    pathlib.Path or None
        The file to copy to ``_static/<mathjax_path>``; ``None`` for a URL.

    Raises
    ------
    RuntimeError
        If the package is not installed or lacks the file.
    """
    import importlib.util

    if "://" in mathjax_path or mathjax_path.startswith(("/", "//")):
        return None
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"the docs render math with a bundled MathJax: pip install {MATHJAX_PACKAGE} "
            "(or pip install -e '.[docs]')"
        )
    source = Path(next(iter(spec.submodule_search_locations))) / "static" / mathjax_path
    if not source.is_file():
        raise RuntimeError(f"{MATHJAX_PACKAGE} has no {mathjax_path} (mathjax_path in conf.py)")
    return source


def _check_bundled_mathjax(app, config) -> None:
    from sphinx.errors import ConfigError

    try:
        bundled_mathjax(config.mathjax_path)
    except RuntimeError as err:
        raise ConfigError(str(err)) from err


def _copy_bundled_mathjax(app) -> None:
    import shutil

    if app.builder.format != "html":
        return
    source = bundled_mathjax(app.config.mathjax_path)
    if source is not None:
        target = Path(app.outdir) / "_static" / app.config.mathjax_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)




# -- sphinx-gallery: figures that grow over several cells -----------------------------------------
#
# The stock matplotlib scraper saves every open figure at the end of each code cell and closes
# them all.  A script that creates a figure in one cell and fills its panels in later cells
# (natural when run as a plain script) would show empty panels in the docs.  This scraper keeps
# figures open, as a plain run does; a figure that is new or has changed since the end of the
# previous cell is saved (always to the same image file) and leaves a marker comment in the page.
# When the page is read (``source-read``), only the *last* marker of each figure becomes the
# image, so a figure appears once, complete, after the cell that finished it.  Figures are closed
# when the next example starts.

_FIGURE_MARKER = re.compile(r"^[ \t]*\.\. lindhydro-figure (\d+) (\S+)[ \t]*$", re.M)
_figure_counter = itertools.count(1)


def _figure_titles(fig) -> str:
    try:
        from sphinx_gallery.scrapers import _matplotlib_fig_titles

        return _matplotlib_fig_titles(fig)
    except Exception:  # a private helper: the alt text is not worth a failure
        return ""


def matplotlib_scraper(block, block_vars, gallery_conf, **kwargs):
    """Save new or changed matplotlib figures, keep them open, and leave markers (see above).

    Parameters
    ----------
    block : tuple
        The code block just executed (sphinx-gallery's ``Block``).
    block_vars : dict
        sphinx-gallery's block variables (``image_path_iterator`` among them).
    gallery_conf : dict
        sphinx-gallery configuration.
    **kwargs
        Passed on to :meth:`matplotlib.figure.Figure.savefig`.

    Returns
    -------
    str
        reStructuredText comments, one per saved figure, resolved in :func:`place_figures`.
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from sphinx_gallery.scrapers import figure_rst

    to_rgba = matplotlib.colors.to_rgba
    markers = []
    for num in plt.get_fignums():
        fig = plt.figure(num)
        path = getattr(fig, "_lindhydro_image", None)
        if path is not None and not fig.stale:
            continue
        if path is None:
            path = str(next(block_vars["image_path_iterator"]))
            fig._lindhydro_image = path
            fig._lindhydro_slot = next(_figure_counter)
        these = dict(kwargs)
        for attr in ("facecolor", "edgecolor"):
            value = getattr(fig, "get_" + attr)()
            if to_rgba(value) != to_rgba(matplotlib.rcParams["figure." + attr]):
                these.setdefault(attr, value)
        fig.savefig(path, **these)
        fig.stale = False
        rst = figure_rst([path], gallery_conf["src_dir"], _figure_titles(fig),
                         srcsetpaths=[{0: PurePosixPath(path)}])
        encoded = base64.b64encode(rst.encode("utf-8")).decode("ascii")
        markers.append(f"\n.. lindhydro-figure {fig._lindhydro_slot} {encoded}\n")
    return "".join(markers)


def place_figures(text: str) -> str:
    """Turn the last marker of each figure into its image and drop the earlier ones.

    Parameters
    ----------
    text : str
        A generated gallery page.

    Returns
    -------
    str
        The page with images in place of markers.
    """
    last = {m.group(1): m.start() for m in _FIGURE_MARKER.finditer(text)}

    def replace(m: re.Match) -> str:
        if last[m.group(1)] != m.start():
            return ""
        return base64.b64decode(m.group(2)).decode("utf-8")

    return _FIGURE_MARKER.sub(replace, text)


def reset_matplotlib(gallery_conf, fname) -> None:
    """Close every figure before an example runs (the scraper above leaves them open).

    Parameters
    ----------
    gallery_conf : dict
        sphinx-gallery configuration.
    fname : str
        The example about to run.
    """
    import matplotlib.pyplot as plt

    plt.close("all")
