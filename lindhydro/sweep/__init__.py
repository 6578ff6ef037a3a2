"""Sweeps: ε × realisation ensembles of field simulations on dask.distributed, resumable.

* :mod:`lindhydro.sweep.config` — the TOML configuration (:func:`load_config`), tasks and seeds;
* :mod:`lindhydro.sweep.runner` — :func:`run_sweep` (local cluster or an existing scheduler);
* :mod:`lindhydro.sweep.store` — the atomic, checksummed result store (:func:`open_store`);
* :mod:`lindhydro.sweep.analyze` — density vs ε, errors, stationarity, fit (:func:`analyze_store`);
  the figures are :func:`lindhydro.plotting.sweep.plot_analysis`.

Command line: ``lindhydro sweep CONFIG.toml`` and ``lindhydro analyze STORE``; cluster recipes in
``docs/cluster.md``.
"""

import warnings as _warnings

from lindhydro.sweep.analyze import StoreAnalysis, analyze_store
from lindhydro.sweep.config import SweepConfig, TaskSpec, load_config, parse_config
from lindhydro.sweep.runner import SweepReport, run_sweep, start_local_cluster
from lindhydro.sweep.store import CorruptEntryError, ResultStore, open_store, read_entry

__all__ = [
    "CorruptEntryError",
    "ResultStore",
    "StoreAnalysis",
    "SweepConfig",
    "SweepReport",
    "TaskSpec",
    "analyze_store",
    "load_config",
    "open_store",
    "parse_config",
    "read_entry",
    "run_sweep",
    "start_local_cluster",
]


def __getattr__(name: str):
    if name == "plot_analysis":  # moved to lindhydro.plotting.sweep in 0.2
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore", DeprecationWarning)
            from lindhydro.sweep import analyze
            moved = analyze.plot_analysis
        _warnings.warn("lindhydro.sweep.plot_analysis moved to lindhydro.plotting.sweep.plot_analysis in 0.2; "
                       "the old name will be removed in 0.3", DeprecationWarning, stacklevel=2)
        return moved
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
