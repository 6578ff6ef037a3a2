"""Sweeps: ε × realisation ensembles of field simulations on dask.distributed, resumable.

* :mod:`lindhydro.sweep.config` — the TOML configuration (:func:`load_config`), tasks and seeds;
* :mod:`lindhydro.sweep.runner` — :func:`run_sweep` (local cluster or an existing scheduler);
* :mod:`lindhydro.sweep.store` — the atomic, checksummed result store (:func:`open_store`);
* :mod:`lindhydro.sweep.analyze` — density vs ε, errors, fit, plots (:func:`analyze_store`);

Command line: ``lindhydro sweep CONFIG.toml`` and ``lindhydro analyze STORE``; cluster recipes in
``docs/cluster.md``.
"""

from lindhydro.sweep.analyze import StoreAnalysis, analyze_store, plot_analysis
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
    "plot_analysis",
    "read_entry",
    "run_sweep",
    "start_local_cluster",
]
