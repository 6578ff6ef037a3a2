"""Sphinx configuration of the lindhydro documentation.

Build (warnings are errors, every gallery example is executed)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Two pieces of the site are generated at configuration time, into ``docs/generated/`` (ignored
by git), by ``docs/_ext/lindhydro_docs.py``:

* the API reference: one page per public module *that exists and imports* (the package grows
  while the documentation is written, so nothing is listed that is not there);
* the CLI reference: the ``--help`` text of every ``lindhydro`` subcommand, taken from the real
  argparse parser (sphinx-argparse is not a dependency).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
import matplotlib  # noqa: E402

matplotlib.use("Agg")

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
for path in (ROOT, DOCS / "_ext"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import lindhydro_docs  # noqa: E402

import lindhydro  # noqa: E402

warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently using agg")

# -- Project -------------------------------------------------------------------------------------

project = "lindhydro"
author = "lindhydro developers"
copyright = "2026, lindhydro developers"
release = lindhydro.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "lindhydro_docs",  # docs/_ext: generated API/CLI pages, physics notation in docstrings
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints", "generated/*.inc"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_js_files = ["lindhydro_offline.js"]  # search from file:// without snippet fetches

# -- Extensions ----------------------------------------------------------------------------------

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

autosummary_generate = False  # the API pages are written below, one page per module
autodoc_typehints = "none"  # numpydoc's Parameters section carries the types
autodoc_member_order = "bysource"
numpydoc_show_class_members = False  # class members are documented with autoclass :members:
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- Math: rendered with no network ----------------------------------------------------------------
#
# MathJax 3 is shipped with the site (docs/_ext/lindhydro_docs.py copies it from the
# sphinx-mathjax-offline package into _static/), not fetched from a CDN: the formulas render on an
# offline machine and from file://.  The "tex-svg-full" component has every TeX package built in
# (nothing is loaded at run time) and draws SVG (no web fonts to fetch).

mathjax_path = "mathjax/tex-svg-full.js"
mathjax3_config = {"svg": {"fontCache": "global"}}

# -- sphinx-gallery ------------------------------------------------------------------------------

#: Tutorials in the order of the story: quantum model -> validation -> toy model -> first
#: principles -> sweeps.
GALLERY_SECTIONS = [
    "../examples/01_quantum",
    "../examples/02_validation",
    "../examples/03_toy_model",
    "../examples/04_first_principles",
    "../examples/05_sweeps",
    "../examples/06_own_model",
]

#: Examples excluded from the docs build (regex on the full path), each with its reason.  An
#: example that is too slow for CI (> ~60 s with its defaults) or that breaks the build is
#: listed here until it is fixed.
GALLERY_IGNORE: list[str] = []

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "subsection_order": GALLERY_SECTIONS,
    "within_subsection_order": "FileNameSortKey",
    "filename_pattern": "/plot_",
    "ignore_pattern": r"__init__\.py" + "".join(f"|{p}" for p in GALLERY_IGNORE),
    "matplotlib_animations": False,
    # figures filled over several cells are shown complete (docs/_ext/lindhydro_docs.py)
    "image_scrapers": ("lindhydro_docs.matplotlib_scraper",),
    "reset_modules": ("lindhydro_docs.reset_matplotlib", "matplotlib"),
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    # LINDHYDRO_DOCS_NO_GALLERY=1 skips executing the examples (quick iteration on the prose);
    # CI never sets it.
    "plot_gallery": "False" if os.environ.get("LINDHYDRO_DOCS_NO_GALLERY") else "True",
    "capture_repr": ("_repr_html_", "__repr__"),
    "min_reported_time": 1,
}

# -- HTML ----------------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"lindhydro {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False

# -- Generated pages ------------------------------------------------------------------------------

API_MODULES_FOUND = lindhydro_docs.write_api_pages()
CLI_SUBCOMMANDS = lindhydro_docs.write_cli_help()
lindhydro_docs.write_optional_toc()
