"""The ``lindhydro`` command line.

Each subcommand lives in its own module of this package and exposes ``register(subparsers)``,
which adds an :mod:`argparse` sub-parser whose ``func`` attribute runs it and returns an exit code.
The CLI sits on top of the library: nothing in the core imports it.
"""

from __future__ import annotations

import argparse
import importlib
import sys

__all__ = ["main", "build_parser"]

#: Modules contributing subcommands, in the order they appear in ``--help``.
SUBCOMMAND_MODULES = (
    "lindhydro.cli.quantum",    # fixed-points, force-field
    "lindhydro.cli.validate",   # validate
    "lindhydro.cli.simulate",   # simulate
    "lindhydro.cli.sweep",      # sweep, analyze
    "lindhydro.cli.demo",       # demo
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every subcommand registered.

    Returns
    -------
    argparse.ArgumentParser
        The ``lindhydro`` parser.
    """
    parser = argparse.ArgumentParser(
        prog="lindhydro",
        description=(
            "Noisy hydrodynamics of a weakly open XXZ chain (Lange & Rosch, SciPost 2022): "
            "Gibbs-ensemble forces and noise from exact diagonalisation, exact Lindblad "
            "validation, a stochastic-PDE integrator for the magnetisation field, and "
            "domain-wall statistics.  Energies in units of J, lengths in lattice constants a."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from lindhydro import __version__

    parser.add_argument("--version", action="version", version=f"lindhydro {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``lindhydro`` console script.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code: 0 success, 1 partial failure (a subcommand says so), 2 bad input.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ValueError as exc:  # bad physics input: a clear message, no traceback
        print(f"lindhydro {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
