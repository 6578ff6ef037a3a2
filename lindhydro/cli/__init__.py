"""The ``lindhydro`` command line.

Each subcommand lives in its own module of this package and exposes ``register(subparsers)``,
which adds an :mod:`argparse` sub-parser whose ``func`` attribute runs it and returns an exit code.
The CLI sits on top of the library: nothing in the core imports it.

Conventions of every subcommand (:func:`main` enforces them): bad input is one line on stderr and
exit status 2, before any work (argument errors included); an interruption (SIGINT, Ctrl-C, or
SIGTERM) is one line and exit status 130, after the subcommand kept what it could (``simulate --out``
writes the partial result, ``sweep`` leaves a resumable store); a closed standard output (``| head``)
ends the command silently; no traceback reaches the user for any of these.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import warnings
from collections.abc import Iterator

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERRUPTED", "build_parser", "main"]

#: Exit status of bad input (argument errors included).
EXIT_BAD_INPUT = 2
#: Exit status after SIGINT or SIGTERM (128 + SIGINT, the shell's convention).
EXIT_INTERRUPTED = 130


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (``PROG: error: ...``, exit 2)."""

    def error(self, message: str):
        """Print ``message`` as one line and exit with status 2 (argparse's hook)."""
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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
        The ``lindhydro`` parser (a :class:`CommandParser`, as are its sub-parsers).
    """
    parser = CommandParser(
        prog="lindhydro",
        description=(
            "Noisy hydrodynamics of a weakly open XXZ chain (Lange & Rosch, SciPost 2022): "
            "Gibbs-ensemble forces and noise from exact diagonalisation, exact Lindblad "
            "validation, a stochastic-PDE integrator for the magnetisation field, and "
            "domain-wall statistics.  Energies in units of J, lengths in lattice constants a.\n\n"
            "Exit status: 0 success, 1 partial failure (the subcommand says which), 2 bad input "
            "(nothing computed, nothing written), 130 interrupted (what was computed is kept)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from lindhydro import __version__

    parser.add_argument("--version", action="version", version=f"lindhydro {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for name in SUBCOMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(sub)
    return parser


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Make SIGTERM raise KeyboardInterrupt (like SIGINT) in the main thread while the block runs."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    try:
        old = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextlib.contextmanager
def _one_line_warnings(prog: str) -> Iterator[None]:
    """Show warnings as ``PROG: warning: message`` (no file name, no source line) while the block runs."""
    def show(message, category, filename, lineno, file=None, line=None):
        print(f"{prog}: warning: {message}", file=sys.stderr if file is None else file)

    old = warnings.showwarning
    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = old


def _stdout_closed() -> int:
    """A reader closed our stdout (``| head``): end silently (Python docs, "Note on SIGPIPE")."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 128 + signal.SIGPIPE


def main(argv: list[str] | None = None) -> int:
    """Run the ``lindhydro`` console script.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code: 0 success, 1 partial failure (a subcommand says so), 2 bad input, 130
        interrupted, 141 standard output closed by its reader.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) or an argument error (2, one line already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    prog = f"lindhydro {args.command}"
    try:
        with _sigterm_as_interrupt(), _one_line_warnings(prog):
            code = int(args.func(args) or 0)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's final flush
            return code
    except ValueError as exc:  # bad input: a clear message, no traceback
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:  # a subcommand that kept something says what in the exception
        detail = "" if str(exc) in ("", "SIGINT", "SIGTERM") else f": {exc}"
        print(f"{prog}: interrupted{detail}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _stdout_closed()
    except MemoryError:
        print(f"{prog}: error: out of memory; reduce the size of the problem (--sites, --length, --grid, "
              "--realisations)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
