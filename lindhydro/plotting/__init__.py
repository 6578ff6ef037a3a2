"""Plotting helpers (matplotlib). Sits on top of the core; never imported by it."""
