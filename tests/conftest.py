"""Shared pytest configuration.

Tests marked ``slow`` are excluded from the default run (see ``pyproject.toml``); run them with
``pytest -m slow``.
"""

import os
from pathlib import Path

# Child processes (the ``lindhydro`` command line, sweep workers) import the checkout under test,
# installed or not, as this process does.
_ROOT = str(Path(__file__).resolve().parents[1])
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, os.environ.get("PYTHONPATH")) if p)

# One BLAS thread per process: on a loaded 2-core machine threaded BLAS is 10-30x slower for the
# small dense problems of the tests (set before numpy is imported).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
