"""lindhydro.analysis (see the package docstring of lindhydro)."""
