"""Vector width of the numba kernels, chosen from the host's CPU features when they compile.

LLVM's tuning for most AVX-512 CPUs (Skylake-SP, Ice Lake, Sapphire Rapids) prefers 256-bit
vectors; the generator and time-step loops of :mod:`lindhydro.field.kernels` run faster with
512-bit ones (measurements in ``docs/sharp_bits.md``).  :func:`prefer_host_vector_width`, called
at the top of a kernel, marks the function being compiled with the LLVM attribute
``"prefer-vector-width"="512"`` when the host has AVX-512F, and does nothing otherwise (AVX2
hosts keep LLVM's 256-bit choice).  Numba's cache keys on the CPU name and features, so a cached
kernel always matches its host.

``LINDHYDRO_VECTOR_WIDTH`` (``auto``, ``256`` or ``512``; read at import) overrides the choice
for benchmarks; compiled kernels are cached under the same name whatever it says, so set
``NUMBA_CACHE_DIR`` to a fresh directory when changing it.
"""

from __future__ import annotations

import os

from numba import types
from numba.extending import intrinsic

__all__ = ["VECTOR_WIDTH", "host_vector_width", "prefer_host_vector_width"]


def host_vector_width(features: str | None = None, setting: str | None = None) -> int | None:
    """The preferred vector width in bits for a host, or None to keep LLVM's tuning.

    Parameters
    ----------
    features : str, optional
        LLVM feature string (``"+avx2,+avx512f,..."``); by default numba's target features
        (``NUMBA_CPU_FEATURES`` if set, else the host's, from llvmlite).
    setting : {"auto", "256", "512"}, optional
        Override; by default ``$LINDHYDRO_VECTOR_WIDTH`` or ``"auto"``.

    Returns
    -------
    int or None
        512 on AVX-512F hosts with ``"auto"``; the number given otherwise; None on other hosts.

    Raises
    ------
    ValueError
        For a setting other than auto, 256 or 512.
    """
    setting = (setting if setting is not None else os.environ.get("LINDHYDRO_VECTOR_WIDTH", "auto")).strip()
    if setting not in ("auto", "256", "512"):
        raise ValueError(f"LINDHYDRO_VECTOR_WIDTH must be auto, 256 or 512, got {setting!r}")
    if setting != "auto":
        return int(setting)
    if features is None:
        import llvmlite.binding as ll
        from numba.core import config

        try:
            features = config.CPU_FEATURES or ll.get_host_cpu_features().flatten()
        except RuntimeError:  # pragma: no cover - feature detection unavailable
            return None
    return 512 if "+avx512f" in features.split(",") else None


#: The width :func:`prefer_host_vector_width` asks for on this host (None: LLVM's default).
VECTOR_WIDTH = host_vector_width()


@intrinsic
def prefer_host_vector_width(typingctx):
    """Mark the numba function being compiled with the host's preferred vector width (see module doc).

    Called with no arguments inside a numba function: ``prefer_host_vector_width()``.

    Parameters
    ----------
    typingctx : numba typing context
        Supplied by numba.

    Returns
    -------
    tuple
        The intrinsic's signature (``none()``) and code generator, for numba.
    """

    def codegen(context, builder, signature, args):
        if VECTOR_WIDTH is not None:
            # llvmlite only validates enum attributes; a string attribute is printed as given
            set.add(builder.function.attributes, f'"prefer-vector-width"="{VECTOR_WIDTH}"')
        return context.get_dummy_value()

    return types.none(), codegen
