"""Shared pytest configuration.

Tests marked ``slow`` are excluded from the default run (see ``pyproject.toml``); run them with
``pytest -m slow``.
"""

import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
