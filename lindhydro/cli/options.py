"""Command-line options shared by several subcommands: output conventions and the chain of the quantum side.

:func:`add_output_arguments` adds ``--json`` (exactly one JSON object on stdout, everything else on
stderr) and, for long runs, ``--no-progress``.  :func:`add_chain_arguments` adds the options of the paper's chain (``--sites``, ``--gamma``,
``--delta``, ``--jprime``, ``--J``, ``--hopping`` and, for the diagonalising commands,
``--boundary`` and ``--sectors``); :func:`chain_parameters` turns them into the one validated
:class:`lindhydro.quantum.model.ChainParameters`.  Energies in units of J.
"""

from __future__ import annotations

import argparse

__all__ = ["add_chain_arguments", "add_output_arguments", "chain_parameters"]


def add_output_arguments(parser: argparse.ArgumentParser, *, progress: bool = False) -> None:
    """Add ``--json`` (and, with ``progress``, ``--no-progress``) to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    progress : bool
        Also add ``--no-progress`` (the subcommand draws a progress bar on stderr).
    """
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    if progress:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_chain_arguments(
    parser: argparse.ArgumentParser,
    *,
    sites: int = 12,
    sites_help: str = "number of sites N (>= 3; default 12)",
    solver: bool = True,
) -> None:
    """Add the chain options to ``parser`` (as an argument group ``chain``).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    sites : int
        Default of ``--sites`` / ``-N``.
    sites_help : str
        Help text of ``--sites`` (its range and default for this subcommand).
    solver : bool
        Also add ``--boundary`` and ``--sectors`` (the diagonalisation route).
    """
    g = parser.add_argument_group("chain")
    g.add_argument("--sites", "-N", type=int, default=sites, help=sites_help)
    g.add_argument("--gamma", type=float, default=0.9, help="bath mixing gamma in [0, 1] (default 0.9)")
    g.add_argument("--delta", type=float, default=1.0, help="XXZ anisotropy Delta (default 1)")
    g.add_argument("--jprime", type=float, default=0.01, help="next-nearest hopping J' (default 0.01)")
    g.add_argument("--J", dest="J", type=float, default=1.0, help="exchange J > 0, the energy unit (default 1)")
    g.add_argument(
        "--hopping", default="isotropic",
        help="hopping normalisation: isotropic (factor 2, default, reproduces Fig. 2), literal "
        "(factor 1), or a positive number",
    )
    if solver:
        g.add_argument("--boundary", choices=("periodic", "open"), default="periodic",
                       help="boundary conditions (default periodic)")
        g.add_argument("--sectors", choices=("auto", "momentum", "magnetisation", "dense"), default="auto",
                       help="diagonalisation route (default auto: momentum sectors for periodic N >= 10)")


def chain_parameters(args: argparse.Namespace):
    """The :class:`~lindhydro.quantum.model.ChainParameters` of the parsed chain options.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of a parser prepared by :func:`add_chain_arguments`.

    Returns
    -------
    lindhydro.quantum.model.ChainParameters
        Validated on construction (a ``ValueError`` names a bad option).
    """
    from lindhydro.quantum.model import ChainParameters

    hopping = args.hopping
    if hopping not in ("isotropic", "literal"):
        try:
            hopping = float(hopping)
        except ValueError:
            raise ValueError(
                f"--hopping must be 'isotropic', 'literal' or a positive number, got {args.hopping!r}"
            ) from None
    return ChainParameters(
        n_sites=args.sites, J=args.J, delta=args.delta, jprime=args.jprime, gamma=args.gamma,
        hopping=hopping, boundary=getattr(args, "boundary", "periodic"),
    )
