"""Plotting (matplotlib): draws arrays and result objects, never simulates, scans or fits.

One module per kind of result, e.g. :mod:`lindhydro.plotting.field` for field runs and the paper's
Figs. 3-6 (computed by :mod:`lindhydro.experiments.figures`).  Nothing below imports this package.
"""
