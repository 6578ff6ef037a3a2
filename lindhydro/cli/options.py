"""Command-line options shared by several subcommands: output conventions and the chain of the quantum side.

:func:`add_output_arguments` adds ``--json`` (exactly one JSON object on stdout, everything else on
stderr) and, for long runs, ``--no-progress``.  :func:`add_chain_arguments` adds the options of the
paper's chain (``--sites``, ``--gamma``, ``--delta``, ``--jprime``, ``--J``, ``--hopping`` and, for
the diagonalising commands, ``--boundary`` and ``--sectors``); :func:`chain_parameters` turns them
into the one validated :class:`lindhydro.quantum.model.ChainParameters`.  Energies in units of J.

One vocabulary: a quantity has the same option name in every subcommand (``--sites``, ``--gamma``,
``--eps``, ``--D``, ``--chi-T``, ``--length``, ``--time``, ``--seed``, ``--out``, ``--json``) and
``--sites`` the same default, :data:`DEFAULT_SITES`.  Older spellings stay accepted for one version
as hidden aliases that print a note (:func:`add_deprecated_alias`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

__all__ = [
    "DEFAULT_SITES",
    "add_chain_arguments",
    "add_deprecated_alias",
    "add_output_arguments",
    "chain_parameters",
    "check_diagonalisation_memory",
]

#: Chain length N of every subcommand that diagonalises the chain (the ``quantum`` preset's too).
DEFAULT_SITES = 8


class _DeprecatedAlias(argparse.Action):
    """Store the (converted) value under the new option's destination and say that the name changed."""

    def __init__(self, option_strings, dest, *, new: str, convert: Callable[[Any], Any] | None = None, **kwargs):
        self.new, self.convert = new, convert
        super().__init__(option_strings, dest, help=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog}: note: {option_string} is deprecated and will be removed in 0.3; use {self.new}",
              file=sys.stderr)
        setattr(namespace, self.dest, self.convert(values) if self.convert else values)


def add_deprecated_alias(parser: argparse.ArgumentParser, old: str, new: str, dest: str, *, type: Callable = float,
                         convert: Callable[[Any], Any] | None = None) -> None:
    """Accept the old spelling ``old`` of the option ``new`` (hidden from ``--help``; a note on stderr).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    old, new : str
        Old and current option strings (``"--diffusion"``, ``"--D"``).
    dest : str
        The destination of ``new``.
    type : callable
        Parses the value.
    convert : callable, optional
        Maps the old option's value to the new one's (e.g. ``2 D chi_T`` to ``chi_T``).
    """
    parser.add_argument(old, dest=dest, type=type, action=_DeprecatedAlias, new=new, convert=convert)


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
    sites_range: str = ">= 3",
    solver: bool = True,
) -> None:
    """Add the chain options to ``parser`` (as an argument group ``chain``).

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    sites_range : str
        The chain lengths this subcommand accepts, for the help of ``--sites`` (the default is
        :data:`DEFAULT_SITES` everywhere).
    solver : bool
        Also add ``--boundary`` and ``--sectors`` (the diagonalisation route).
    """
    g = parser.add_argument_group("chain")
    g.add_argument("--sites", "-N", type=int, default=DEFAULT_SITES,
                   help=f"number of sites N ({sites_range}; default {DEFAULT_SITES}, as in every subcommand)")
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


def check_diagonalisation_memory(params, sectors: str = "auto") -> None:
    """Refuse, before any work, a chain whose exact diagonalisation would not fit the memory budget.

    Parameters
    ----------
    params : lindhydro.quantum.model.ChainParameters
        The chain.
    sectors : str
        The ``--sectors`` route (``"auto"``: momentum sectors for periodic N >= 10, as the solver).

    Raises
    ------
    ValueError
        One line naming ``--sites`` and the memory needed.
    """
    from lindhydro.quantum.spectrum import DEFAULT_MEMORY_BUDGET, estimate_memory

    n = params.n_sites
    route = sectors
    if sectors == "auto":
        route = "momentum" if (params.boundary == "periodic" and n >= 10) else "magnetisation"
    if route not in ("momentum", "magnetisation", "dense"):
        return
    need = estimate_memory(n, route)
    if need > DEFAULT_MEMORY_BUDGET:
        raise ValueError(
            f"--sites {n}: the exact diagonalisation ({route} sectors) needs about {need / 2**30:.3g} GiB, more than "
            f"the {DEFAULT_MEMORY_BUDGET / 2**30:.1f} GiB allowed (half the physical memory); use fewer --sites"
        )
