"""lindhydro.sweep (see the package docstring of lindhydro)."""
