"""lindhydro.field (see the package docstring of lindhydro)."""
