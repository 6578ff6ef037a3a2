"""Measurements on field configurations (lindhydro.field.observables): the one home of the wall count and xi.

The count itself is tested through its public re-export in tests/test_analysis_walls.py and the
correlation length in tests/test_analysis_correlations.py; here: the shared validation and the box.
"""

from __future__ import annotations

import numpy as np
import pytest

from lindhydro.field.observables import (
    box_cells,
    count_walls,
    count_walls_ring,
    smooth,
    validate_field,
)


def test_box_is_an_odd_number_of_cells_that_fits_the_ring():
    assert box_cells(0.0, 0.25, 10) == 1
    assert box_cells(1.0, 0.25, 10) == 5  # k = round(1 / 0.5) = 2
    assert box_cells(1.1, 0.5, 10) == 3
    with pytest.raises(ValueError, match="ring"):
        box_cells(5.0, 0.25, 10)
    with pytest.raises(ValueError, match="ell"):
        box_cells(float("nan"), 0.25, 10)


def test_validation_is_shared_and_refuses_bad_fields():
    np.testing.assert_array_equal(validate_field([1, 2, 3], 0.5), [1.0, 2.0, 3.0])
    for bad, match in (((np.zeros(1), 1.0), "L >= 2"), ((np.zeros(4), -1.0), "dx"),
                       ((np.array([0.0, np.inf]), 1.0), "NaN")):
        with pytest.raises(ValueError, match=match):
            validate_field(*bad)


def test_box_average_of_a_wall_pair_keeps_both_walls():
    x = (np.arange(400) + 0.5) * 0.25
    m = np.where((x > 25) & (x < 75), 0.6, -0.6)
    ms = smooth(m, dx=0.25, ell=5.0)
    assert ms.max() == pytest.approx(0.6) and ms.min() == pytest.approx(-0.6)
    assert count_walls(m, dx=0.25, ell=5.0, threshold=0.3) == 2


@pytest.mark.parametrize("ell", [0.0, 0.25, 1.0, 5.2, 40.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ring_wall_count_equals_its_numpy_twin(ell, seed):
    """The tracker's one-pass numba count is count_walls bit for bit (random, noisy and smooth fields)."""
    rng = np.random.default_rng(seed)
    dx, L = 0.25, 4001
    r = np.arange(L) * dx
    fields = [rng.normal(0, 1, L), 0.7 * np.sin(2 * np.pi * 7 * r / (L * dx)) + rng.normal(0, 0.3, L),
              np.full(L, 0.1), np.where(r < 300, 0.7, -0.7)]
    for m in fields:
        for thr in (0.05, 0.33, 0.9):
            want = int(count_walls(m, dx=dx, ell=ell, threshold=thr))
            assert count_walls_ring(m, box_cells(ell, dx, L), thr) == want
