"""lindhydro.lindblad (see the package docstring of lindhydro)."""
