"""Subcommands of ``lindhydro`` (placeholder until the capability lands: registers nothing)."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add this module's subcommands to ``subparsers``."""
    return None
