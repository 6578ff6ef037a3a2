"""The one place that calls the numba Heun kernels (:mod:`lindhydro.field.kernels`).

:class:`HeunStepper` advances rows of fields (one row per realisation, each with its own generator
key) by a number of global steps; :func:`lindhydro.field.simulate` calls it between tracker
events.  The precision (:data:`lindhydro.field.numerics.PRECISIONS`) picks the kernel:
``"float32"`` and ``"float64"`` the blocked integrator :func:`~lindhydro.field.kernels.heun_advance`
(Philox4x32-10 normals; rows in parallel, one ring split into blocks over the threads),
``"float64-splitmix"`` the release 0.1 kernels :func:`~lindhydro.field.kernels.heun_run` /
:func:`~lindhydro.field.kernels.heun_run_ensemble` (SplitMix64 normals; one thread per ring).
The random numbers are a function of ``(key, global step, cell)``, so neither the split of a run
into calls nor the number of threads changes the result.

Threads synchronise every few dozen steps.  OpenMP's default lets a waiting thread spin, which on a
machine shared with other jobs burns the core the other thread needs (measured: a small ring on two
threads 300x slower); unless ``OMP_WAIT_POLICY``, ``GOMP_SPINCOUNT`` or ``KMP_BLOCKTIME`` is set,
importing this module sets ``OMP_WAIT_POLICY=PASSIVE`` (:func:`prefer_passive_waits`).
"""

from __future__ import annotations

import os
import time as _time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from lindhydro.field import kernels as _k
from lindhydro.field.model import FieldModel
from lindhydro.field.numerics import DEFAULT_PRECISION, RELEASE_PRECISION, precision_dtype

__all__ = ["HeunStepper", "numba_threads", "prefer_passive_waits"]

#: Environment variables by which a user configures how OpenMP threads wait (any one: leave it alone).
WAIT_SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME")


def prefer_passive_waits(environ=None) -> bool:
    """Ask OpenMP to let waiting threads sleep (``OMP_WAIT_POLICY=PASSIVE``), unless the user configured it.

    Takes effect when numba's OpenMP runtime starts (at the first parallel kernel), so it is called
    when this module is imported.

    Parameters
    ----------
    environ : mapping, optional
        The environment to change (default ``os.environ``).

    Returns
    -------
    bool
        True if the policy was set, False if one of :data:`WAIT_SETTINGS` was already there.
    """
    environ = os.environ if environ is None else environ
    if any(k in environ for k in WAIT_SETTINGS):
        return False
    environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return True


prefer_passive_waits()


@contextmanager
def numba_threads(threads: int | None) -> Iterator[None]:
    """Run the enclosed block with ``threads`` numba threads (None: leave the setting alone).

    Parameters
    ----------
    threads : int or None
        Between 1 and ``numba.config.NUMBA_NUM_THREADS``.

    Yields
    ------
    None

    Raises
    ------
    ValueError
        For a number of threads out of range (before anything runs).
    """
    if threads is None:  # numba's setting (NUMBA_NUM_THREADS, or numba.set_num_threads by the caller)
        yield
        return
    import numba

    if not (1 <= int(threads) <= numba.config.NUMBA_NUM_THREADS):
        raise ValueError(f"threads must be between 1 and {numba.config.NUMBA_NUM_THREADS}, got {threads!r}")
    old = numba.get_num_threads()
    numba.set_num_threads(int(threads))
    try:
        yield
    finally:
        numba.set_num_threads(old)


class HeunStepper:
    """Heun steps of ``d_t m = D d^2 m + f_lat(m) + noise`` for rows of fields (numba kernels).

    Parameters
    ----------
    model : FieldModel
        Force (renormalised on the lattice as the model asks), ``D`` and noise strengths.
    dx, dt : float
        Cell width and time step.
    n_cells : int
        Cells of the ring.
    check_every : int, default 64
        Steps between NaN/inf checks inside the kernel (a blow-up is located exactly by replay).
    precision : {"float32", "float64", "float64-splitmix"}, default "float32"
        The integrator (module docstring); the fields handed to :meth:`advance` must have its
        :attr:`dtype`.

    Attributes
    ----------
    dtype : numpy.dtype
        dtype of the fields (float32 or float64).
    kernel_seconds : float
        Time spent inside the kernels so far (compilation excluded).
    """

    def __init__(self, model: FieldModel, dx: float, dt: float, n_cells: int, check_every: int = 64,
                 precision: str = DEFAULT_PRECISION) -> None:
        if isinstance(check_every, bool) or not (isinstance(check_every, int | np.integer) and check_every >= 1):
            raise ValueError(f"check_every must be a positive integer, got {check_every!r}")
        self.dtype = precision_dtype(precision)
        self.coeffs = tuple(float(c) for c in model.lattice_force_coeffs(dx, dt, n_cells))
        self.a, self.b = model.noise_coefficients(dx, dt)
        self.D, self.dx, self.dt = model.D, float(dx), float(dt)
        self.check_every = int(check_every)
        self.precision = precision
        self.kernel_seconds = 0.0

    def warm_up(self, n_rows: int) -> None:
        """Compile (or load from the cache) the kernel for ``n_rows`` rows, outside any timing."""
        if self.precision != RELEASE_PRECISION:  # one compilation serves any rows and threads
            _k.heun_advance(np.zeros((1, 2), self.dtype), self.coeffs, self.D, self.dx, self.dt, self.a, self.b,
                            np.zeros(1, dtype=np.uint64), 0, 1, self.check_every)
            return
        warm = np.zeros((min(n_rows, 2), 2))
        if n_rows == 1:
            _k.heun_run(warm[0], self.coeffs, self.D, self.dx, self.dt, self.a, self.b, np.uint64(0), 0, 0,
                        self.check_every)
        else:
            _k.heun_run_ensemble(warm, self.coeffs, self.D, self.dx, self.dt, self.a, self.b,
                                 np.zeros(2, dtype=np.uint64), 0, 0, self.check_every, np.zeros(2, dtype=np.int64))

    def advance(self, fields: np.ndarray, keys: np.ndarray, step: int, n_steps: int) -> np.ndarray:
        """Advance every row of ``fields`` in place from global ``step`` by ``n_steps`` steps.

        Runs on ``numba.get_num_threads()`` threads (see :func:`numba_threads`).

        Parameters
        ----------
        fields : numpy.ndarray of :attr:`dtype`, shape (R, n_cells), C-contiguous
            The fields (overwritten).
        keys : numpy.ndarray of uint64, shape (R,)
            Generator key of each row.
        step : int
            Global step of the current state.
        n_steps : int
            Steps to take.

        Returns
        -------
        numpy.ndarray of int64, shape (R,)
            Steps done per row: ``n_steps``, or fewer for a row that became NaN/inf (its field is
            then the last finite state).

        Raises
        ------
        ValueError
            Fields of another dtype than the stepper's precision.
        """
        if fields.dtype != self.dtype:
            raise ValueError(f"fields are {fields.dtype}, the {self.precision} integrator needs {self.dtype}")
        t0 = _time.perf_counter()
        if self.precision != RELEASE_PRECISION:
            done = _k.heun_advance(fields, self.coeffs, self.D, self.dx, self.dt, self.a, self.b, keys, step, n_steps,
                                   self.check_every)
        else:
            done = np.zeros(fields.shape[0], dtype=np.int64)
            if fields.shape[0] == 1:
                done[0] = _k.heun_run(fields[0], self.coeffs, self.D, self.dx, self.dt, self.a, self.b,
                                      np.uint64(keys[0]), step, n_steps, self.check_every)
            else:
                _k.heun_run_ensemble(fields, self.coeffs, self.D, self.dx, self.dt, self.a, self.b, keys, step,
                                     n_steps, self.check_every, done)
        self.kernel_seconds += _time.perf_counter() - t0
        return done
