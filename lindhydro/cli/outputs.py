"""Where the command line writes: every output location checked before any work, every file written atomically.

A subcommand that writes files checks their locations with :func:`output_file` (or
:func:`output_directory`) while it checks its other options, so that a missing directory, a
directory in place of a file (or the reverse), an unwritable place or an existing file is a one-line
error (exit 2) before anything is computed.  An existing file is replaced only with ``--overwrite``
(:func:`add_overwrite_argument`).  Files are then written through :func:`written_atomically`: a
temporary file beside the target, renamed over it when complete, so that an interruption leaves the
old file or the new one, never half of one.  A long computation that can keep a partial result
runs inside :func:`stop_requests`: SIGINT (Ctrl-C) and SIGTERM then ask it to stop at the next
convenient point instead of killing it (a second signal interrupts at once).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

__all__ = ["add_overwrite_argument", "output_directory", "output_file", "stop_requests", "written_atomically"]


def add_overwrite_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--overwrite`` (replace existing output files) to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    """
    parser.add_argument("--overwrite", action="store_true",
                        help="replace existing output files (default: refuse to overwrite)")


def _probe(directory: Path, what: str) -> None:
    """:func:`lindhydro.sweep.store.probe_directory` with ``what`` in front of its message."""
    from lindhydro.sweep.store import probe_directory  # imported when needed: the CLI starts fast

    try:
        probe_directory(directory)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None


def _writable_parent(path: Path, option: str) -> None:
    parent = path.parent
    if not parent.exists():
        raise ValueError(f"{option} {path}: the directory {parent} does not exist")
    if not parent.is_dir():
        raise ValueError(f"{option} {path}: {parent} is not a directory")
    _probe(parent, f"{option} {path}")


def output_file(path: str | None, option: str, *, overwrite: bool = False,
                suffixes: Sequence[str] | None = None) -> Path | None:
    """Check an output file name before any work.

    Parameters
    ----------
    path : str or None
        The name given on the command line (``None``: no such output, nothing to check).
    option : str
        The option that gave it (``"--out"``), for the message.
    overwrite : bool
        Whether an existing file may be replaced.
    suffixes : sequence of str, optional
        Allowed file name endings (lower case, with the dot).

    Returns
    -------
    pathlib.Path or None
        The path.

    Raises
    ------
    ValueError
        One line: an empty name, a wrong ending, a directory in place of the file, a missing or
        unwritable directory, or an existing file without ``overwrite``.
    """
    if path is None:
        return None
    if not str(path).strip():
        raise ValueError(f"{option}: give a file name")
    p = Path(path).expanduser()
    if p.is_dir() or str(path).endswith(("/", "\\")):
        raise ValueError(f"{option} {path}: is a directory; give a file name")
    if suffixes and not p.name.lower().endswith(tuple(suffixes)):
        raise ValueError(f"{option} {path}: the file name must end in one of {', '.join(suffixes)}")
    _writable_parent(p, option)
    if (p.exists() or p.is_symlink()) and not overwrite:
        raise ValueError(f"{option} {path}: the file exists (give --overwrite to replace it)")
    return p


def output_directory(path: str | Path, option: str, *, files: Sequence[str] = (), overwrite: bool = False) -> Path:
    """Check an output directory (created later if missing; its parent must exist) before any work.

    Parameters
    ----------
    path : path-like
        The directory.
    option : str
        The option that gave it, for the message.
    files : sequence of str
        Names of the files that will be written into it.
    overwrite : bool
        Whether existing files of those names may be replaced.

    Returns
    -------
    pathlib.Path
        The directory.

    Raises
    ------
    ValueError
        One line: a file in place of the directory, a missing or unwritable parent, or one of
        ``files`` already there without ``overwrite``.
    """
    p = Path(path).expanduser()
    if p.exists() and not p.is_dir():
        raise ValueError(f"{option} {path}: is a file, not a directory")
    if not p.exists():
        _writable_parent(p, option)
        return p
    _probe(p, f"{option} {path}")
    clash = [name for name in files if (p / name).exists()]
    if clash and not overwrite:
        raise ValueError(f"{option} {path}: {', '.join(clash)} exist(s) already (give --overwrite to replace)")
    return p


def written_atomically(path: str | Path) -> contextlib.AbstractContextManager[str]:
    """``with written_atomically(path) as tmp: write(tmp)``: ``tmp`` replaces ``path`` when complete.

    :func:`lindhydro.sweep.store.atomic_replace` (the temporary file lies beside ``path`` and ends
    in its suffix; on an error or an interruption ``path`` is untouched).

    Parameters
    ----------
    path : path-like
        The final file (checked beforehand with :func:`output_file`).

    Returns
    -------
    context manager
        Yields the temporary file name.
    """
    from lindhydro.sweep.store import atomic_replace

    return atomic_replace(path, suffix=Path(path).suffix)


@contextlib.contextmanager
def stop_requests() -> Iterator[Callable[[], str | None]]:
    """While the block runs, SIGINT and SIGTERM ask to stop instead of interrupting.

    Yields a function that returns ``None`` until a signal arrived, then its name (``"SIGINT"``);
    the computation polls it between chunks (e.g. :class:`lindhydro.field.StopTracker`) and ends
    early with what it has.  A second signal raises :class:`KeyboardInterrupt` at once.  Outside
    the main thread signals cannot be caught: the function then always returns ``None``.

    Yields
    ------
    callable
        ``() -> str | None``.
    """
    got: list[str] = []

    def request(signum, frame):
        if got:
            raise KeyboardInterrupt(f"{signal.Signals(signum).name} again: stopped at once, nothing written")
        got.append(signal.Signals(signum).name)

    try:
        old = {s: signal.signal(s, request) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread
        old = {}
    try:
        yield lambda: got[0] if got else None
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
