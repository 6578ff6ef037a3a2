"""Experiments: named models (one preset registry), wall-density scans and the paper's figures as computations.

Everything here runs the lower layers (quantum side, field integrator, analysis) and returns result
objects; :mod:`lindhydro.plotting` draws them.  The command line and sweeps build models through
:mod:`lindhydro.experiments.presets`.
"""
