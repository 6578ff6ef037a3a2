"""One registry of named field models, used by the command line, sweep configurations and figures.

A *preset* is a model family built at a coupling ε by ``build(eps, **parameters)``; its name is
what ``lindhydro simulate --model NAME`` and a sweep's ``[model] preset = "NAME"`` refer to.

* ``paper`` — the paper's toy model (Eq. 15) in units D = J = a = 1
  (:func:`paper_field_model`, :func:`lindhydro.field.paper_toy_model`); the conserved noise is
  given as ``chi_T`` (``2 D chi_T = 2 chi_T``; the paper's ``2 D chi_T = 1`` is ``chi_T = 0.5``);
  ``convention = "as-run"`` halves the site noise (the paper's stated temperature).
* ``quantum`` — the order-parameter hydrodynamics reduced from the XXZ chain by exact
  diagonalisation (:func:`lindhydro.quantum.reduce.reduce_to_order_parameter`, cached per process
  and chain), made a field model by :meth:`lindhydro.field.FieldModel.from_hydro` at each ε.  Units
  J = a = 1; the diffusion constant ``D`` (J a²) and ``chi_T`` (1/a) are inputs.
* ``ou`` — independent Ornstein–Uhlenbeck cells with exact statistics
  (:mod:`lindhydro.experiments.ou`), a stand-in that tests sweep machinery in milliseconds.

A model built by :func:`build_model` carries its preset's name (``model.name == "paper"``), so
that every output names it as the command line and the configuration spell it.  Builders and
simulators are named by ``"module:function"`` strings so that a task can be sent to a dask worker as
plain data and resolved there (:func:`resolve`).

With the conserved noise on, the paper's force exactly as printed (``renormalisation="none"``) has no
ordered phase on its lattice (``dx = 0.25``); the Wick-ordered force (``"wick"``) has one.  The
builders keep ``"none"`` as their default (a sweep configuration states what it runs), while the
command line starts from :func:`default_renormalisation`: the paper's model with an ordered phase.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = [
    "PRESETS",
    "PRINTED_MODEL_NOTE",
    "Preset",
    "build_model",
    "check_parameters",
    "default_renormalisation",
    "paper_field_model",
    "preset",
    "quantum_field_model",
    "quantum_hydro",
    "resolve",
]

#: Why the paper's force as printed is not the default with conserved noise (one line for notes).
PRINTED_MODEL_NOTE = (
    "renormalisation none is the paper's force exactly as printed: with the conserved noise it has no "
    "ordered phase on this lattice (no finite correlation length); renormalisation wick is the model with one"
)


def default_renormalisation(name: str, thermal: bool) -> str:
    """The renormalisation of the command line's default model of preset ``name``.

    ``"wick"`` for the paper's toy model with the conserved noise on: only the Wick-ordered force has
    an ordered phase there (:data:`PRINTED_MODEL_NOTE`).  ``"none"`` otherwise: without the conserved
    noise both are the same model, and the force of degree 5 reduced from the chain (``quantum``) is
    not Wick-ordered by default, because on fine cells its counterterms of order ``C^2`` move its
    zeros (:func:`lindhydro.field.simulate` warns when they do).

    Parameters
    ----------
    name : str
        A key of :data:`PRESETS`.
    thermal : bool
        Whether the conserved noise is on.

    Returns
    -------
    str
        ``"wick"`` or ``"none"``.
    """
    return "wick" if (name == "paper" and thermal) else "none"


@dataclass(frozen=True)
class Preset:
    """A named model family.

    Parameters
    ----------
    name : str
        The name used on the command line and in sweep configurations.
    builder : str
        ``"module:function"``; ``builder(eps, **parameters)`` returns the model.
    simulator : str
        ``"module:function"`` with the signature of :func:`lindhydro.field.simulate`.
    parameters : dict
        Allowed model keys (besides ε) and their types (``float``, ``int``, ``bool``, ``str``).
    checker : str or None
        ``"module:function"`` called as ``checker(model, length=, time=, dx=, dt=)`` before any
        work (e.g. :func:`lindhydro.field.check_numerics`: stability limit, memory).
    description : str
        One line for help texts.
    """

    name: str
    builder: str
    simulator: str
    parameters: dict[str, type] = field(default_factory=dict)
    checker: str | None = None
    description: str = ""


#: The registry: preset name -> :class:`Preset`.
PRESETS: dict[str, Preset] = {
    "paper": Preset(
        "paper",
        builder="lindhydro.experiments.presets:paper_field_model",
        simulator="lindhydro.field:simulate",
        parameters={"gamma": float, "thermal": bool, "chi_T": float, "chi_T_2D": float, "renormalisation": str,
                    "convention": str},
        checker="lindhydro.field:check_numerics",
        description="the paper's toy model (Eq. 15), units D = J = a = 1",
    ),
    "quantum": Preset(
        "quantum",
        builder="lindhydro.experiments.presets:quantum_field_model",
        simulator="lindhydro.field:simulate",
        parameters={"sites": int, "gamma": float, "delta": float, "jprime": float, "hopping": str,
                    "D": float, "chi_T": float, "thermal": bool, "renormalisation": str},
        checker="lindhydro.field:check_numerics",
        description="f(m) and N11 reduced from the XXZ chain by exact diagonalisation",
    ),
    "ou": Preset(
        "ou",
        builder="lindhydro.experiments.ou:ou_model",
        simulator="lindhydro.experiments.ou:ou_simulate",
        parameters={"rate": float, "noise": float, "delay": float},
        description="independent Ornstein-Uhlenbeck cells with exact statistics (a test stand-in)",
    ),
}


def preset(name: str) -> Preset:
    """The preset called ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`PRESETS`.

    Returns
    -------
    Preset

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones).
    """
    if name not in PRESETS:
        raise ValueError(f"unknown model preset {name!r}; known presets: {', '.join(sorted(PRESETS))}")
    return PRESETS[name]


def resolve(ref: str | Callable) -> Callable:
    """The callable named by ``"module:function"`` (a callable is returned as it is).

    Parameters
    ----------
    ref : str or callable
        ``"package.module:function"`` (dotted attributes allowed after the colon).

    Returns
    -------
    callable

    Raises
    ------
    ValueError
        If the reference is malformed, cannot be imported or is not callable.
    """
    if callable(ref):
        return ref
    if not isinstance(ref, str) or ref.count(":") != 1:
        raise ValueError(f"a callable reference must be 'module:function', got {ref!r}")
    module, name = ref.split(":")
    try:
        obj = importlib.import_module(module)
        for part in name.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot import {ref!r}: {exc}") from None
    if not callable(obj):
        raise ValueError(f"{ref!r} is not callable")
    return obj


#: Names of the parameter types in messages.
_TYPE_NAMES = {float: "a number", int: "an integer", bool: "true or false", str: "a string"}


def check_parameters(name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters of preset ``name``, type-checked (integers given for numbers become floats).

    Parameters
    ----------
    name : str
        A key of :data:`PRESETS`.
    parameters : dict
        Model keys besides ε.

    Returns
    -------
    dict
        The same keys with values of the declared types.

    Raises
    ------
    ValueError
        Unknown preset, unknown key, a value of the wrong type or a non-finite number.
    """
    p = preset(name)
    unknown = sorted(set(parameters) - set(p.parameters))
    if unknown:
        raise ValueError(f"preset {name!r} takes the parameters {sorted(p.parameters)}; unknown: {unknown}")
    out = {}
    for key, value in parameters.items():
        kind = p.parameters[key]
        number = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if kind is float and number and math.isfinite(value):
            value = float(value)
        elif kind is int and number and isinstance(value, numbers.Integral):
            value = int(value)
        elif kind not in (float, int) and isinstance(value, kind):
            pass
        else:
            raise ValueError(f"{key} of preset {name!r} must be {_TYPE_NAMES[kind]}"
                             f"{' (finite)' if kind is float else ''}, got {value!r}")
        out[key] = value
    return out


def build_model(name: str, eps: float, **parameters: Any) -> Any:
    """Build the model of preset ``name`` at coupling ``eps``, named ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`PRESETS`.
    eps : float
        Coupling ε (> 0).
    **parameters
        The preset's parameters (unknown keys and wrong types are refused, :func:`check_parameters`).

    Returns
    -------
    object
        The model (a :class:`lindhydro.field.FieldModel` for ``paper`` and ``quantum``); a dataclass
        with a ``name`` field carries the preset's name.

    Raises
    ------
    ValueError
        Unknown preset or parameter, a parameter of the wrong type, or parameters the builder rejects.
    """
    model = resolve(preset(name).builder)(eps, **check_parameters(name, parameters))
    if dataclasses.is_dataclass(model) and "name" in {f.name for f in dataclasses.fields(model)}:
        model = dataclasses.replace(model, name=name)
    return model


def paper_field_model(
    eps: float,
    gamma: float = 0.875,
    *,
    thermal: bool = True,
    chi_T: float | None = None,
    chi_T_2D: float | None = None,
    renormalisation: str = "none",
    convention: str = "derived",
):
    """The paper's toy model (the ``paper`` preset): :func:`lindhydro.field.paper_toy_model` with ``chi_T``.

    Parameters
    ----------
    eps, gamma, thermal, renormalisation, convention
        As in :func:`lindhydro.field.paper_toy_model` (``convention="as-run"``: half the printed
        site noise, temperature ``eps J (1 - gamma)`` as the paper states).
    chi_T : float, optional
        ``chi T`` (units ``1/a``); the conserved noise has variance ``2 D chi_T = 2 chi_T`` per unit
        length and time (``D = 1``).  Default 0.5: the paper's ``2 D chi_T = 1``.
    chi_T_2D : float, optional
        The older spelling, ``2 D chi_T`` itself (give one of the two).

    Returns
    -------
    lindhydro.field.FieldModel
    """
    from lindhydro.field import paper_toy_model

    if chi_T is not None and chi_T_2D is not None:
        raise ValueError("give chi_T or chi_T_2D (= 2 D chi_T = 2 chi_T), not both")
    if chi_T is not None:
        if not (math.isfinite(chi_T) and chi_T >= 0):
            raise ValueError(f"chi_T must be a finite number >= 0, got {chi_T!r}")
        chi_T_2D = 2.0 * chi_T
    return paper_toy_model(eps, gamma, thermal=thermal, chi_T_2D=1.0 if chi_T_2D is None else chi_T_2D,
                           renormalisation=renormalisation, convention=convention)


@lru_cache(maxsize=16)
def quantum_hydro(sites: int = 8, gamma: float = 0.9, delta: float = 1.0, jprime: float = 0.01,
                  hopping: str = "isotropic"):
    """The order-parameter hydrodynamics of the chain, reduced once per process and chain (cached).

    Parameters
    ----------
    sites : int
        Chain length N of the exact diagonalisation.
    gamma, delta, jprime : float
        Bath mixing γ, anisotropy Δ and next-nearest hopping J'/J.
    hopping : {"isotropic", "literal"}
        Hopping normalisation.

    Returns
    -------
    lindhydro.quantum.reduce.OrderParameterHydro
        :func:`lindhydro.quantum.reduce.reduce_to_order_parameter` of the chain.
    """
    # imported here: the registry is read by every command line and sweep configuration, the
    # quantum side (QuTiP) is needed only when this preset is built
    from lindhydro.quantum.model import ChainParameters
    from lindhydro.quantum.reduce import reduce_to_order_parameter

    return reduce_to_order_parameter(
        ChainParameters(n_sites=sites, gamma=gamma, delta=delta, jprime=jprime, hopping=hopping)
    )


def quantum_field_model(
    eps: float,
    *,
    sites: int = 8,
    gamma: float = 0.9,
    delta: float = 1.0,
    jprime: float = 0.01,
    hopping: str = "isotropic",
    D: float = 1.0,
    chi_T: float = 0.5,
    thermal: bool = True,
    renormalisation: str = "none",
):
    """Field model of the weakly open XXZ chain at coupling ``eps`` (the ``quantum`` preset).

    Parameters
    ----------
    eps : float
        Bath coupling ε (> 0).
    sites : int
        Chain length N of the exact diagonalisation (>= 4).
    gamma, delta, jprime : float
        Bath mixing γ, anisotropy Δ and next-nearest hopping J'/J of the chain.
    hopping : {"isotropic", "literal"}
        Hopping normalisation (:func:`lindhydro.quantum.model.hopping_factor`).
    D : float
        Diffusion constant of m (units J a²).
    chi_T : float
        χT (units 1/a); the conserved noise has variance 2 D χT per unit length and time.
    thermal : bool
        Include the conserved noise.
    renormalisation : {"none", "wick"}
        Force renormalisation against the conserved noise (:mod:`lindhydro.field.model`).

    Returns
    -------
    lindhydro.field.FieldModel
        The model, units D = J = a = 1 apart from the given ``D``.
    """
    from lindhydro.field import FieldModel

    if isinstance(sites, bool) or not isinstance(sites, numbers.Integral) or sites < 4:
        raise ValueError(f"the quantum preset needs sites >= 4 (a chain with a bistable reduction), got {sites!r}")
    hydro = quantum_hydro(int(sites), float(gamma), float(delta), float(jprime), str(hopping))
    return FieldModel.from_hydro(hydro, eps, D=D, chi_T=chi_T, thermal=thermal, renormalisation=renormalisation,
                                 name="quantum")
