"""The one place that calls the numba Heun kernels (:mod:`lindhydro.field.kernels`).

:class:`HeunStepper` advances rows of fields (one row per realisation, each with its own generator
key) by a number of global steps; :func:`lindhydro.field.simulate` calls it between tracker
events.  The random numbers are a function of ``(key, global step, cell)``, so the split of a run
into calls never changes the result.
"""

from __future__ import annotations

import time as _time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from lindhydro.field import kernels as _k
from lindhydro.field.model import FieldModel

__all__ = ["HeunStepper", "numba_threads"]


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
    if threads is None:  # do not start numba's thread pool for a single realisation
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

    Attributes
    ----------
    kernel_seconds : float
        Time spent inside the kernels so far (compilation excluded).
    """

    def __init__(self, model: FieldModel, dx: float, dt: float, n_cells: int, check_every: int = 64) -> None:
        if isinstance(check_every, bool) or not (isinstance(check_every, int | np.integer) and check_every >= 1):
            raise ValueError(f"check_every must be a positive integer, got {check_every!r}")
        self.coeffs = tuple(float(c) for c in model.lattice_force_coeffs(dx, dt, n_cells))
        self.a, self.b = model.noise_coefficients(dx, dt)
        self.D, self.dx, self.dt = model.D, float(dx), float(dt)
        self.check_every = int(check_every)
        self.kernel_seconds = 0.0

    def warm_up(self, n_rows: int) -> None:
        """Compile (or load from the cache) the kernel for ``n_rows`` rows, outside any timing."""
        warm = np.zeros((min(n_rows, 2), 2))
        if n_rows == 1:
            _k.heun_run(warm[0], self.coeffs, self.D, self.dx, self.dt, self.a, self.b, np.uint64(0), 0, 0,
                        self.check_every)
        else:
            _k.heun_run_ensemble(warm, self.coeffs, self.D, self.dx, self.dt, self.a, self.b,
                                 np.zeros(2, dtype=np.uint64), 0, 0, self.check_every, np.zeros(2, dtype=np.int64))

    def advance(self, fields: np.ndarray, keys: np.ndarray, step: int, n_steps: int) -> np.ndarray:
        """Advance every row of ``fields`` in place from global ``step`` by ``n_steps`` steps.

        Parameters
        ----------
        fields : numpy.ndarray, shape (R, n_cells), C-contiguous
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
        """
        done = np.zeros(fields.shape[0], dtype=np.int64)
        t0 = _time.perf_counter()
        if fields.shape[0] == 1:
            done[0] = _k.heun_run(fields[0], self.coeffs, self.D, self.dx, self.dt, self.a, self.b, np.uint64(keys[0]),
                                  step, n_steps, self.check_every)
        else:
            _k.heun_run_ensemble(fields, self.coeffs, self.D, self.dx, self.dt, self.a, self.b, keys, step, n_steps,
                                 self.check_every, done)
        self.kernel_seconds += _time.perf_counter() - t0
        return done
