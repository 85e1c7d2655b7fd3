"""Tests of lstmkit.viz.spiky: the exact section of the stacked cubes."""

import math

import numpy as np
import pytest

from lstmkit.viz import spiky


@pytest.mark.parametrize("D", [2, 3, 5, 9, 12])
def test_ball_offsets_match_the_formula(D):
    offsets = spiky.ball_offsets(D)
    assert offsets.shape == (2**D,)
    # m(D - 1 - m)/(D - 1) for m negative coordinates among 2..D, each value C(D-1, m) x 2
    expected = np.sort(
        np.concatenate(
            [
                np.full(2 * math.comb(D - 1, m), math.sqrt(m * (D - 1 - m) / (D - 1)))
                for m in range(D)
            ]
        )
    )
    np.testing.assert_allclose(np.sort(offsets), expected, atol=1e-12)
    # exactly four balls (radius 1/2) meet the plane, and they lie in it
    assert np.sum(offsets < 0.5) == 4 and np.sort(offsets)[3] < 1e-12


def test_spiky_section_states_and_alt():
    assert "inside the stack" in spiky.spiky_section(8).alt
    assert "touches the faces" in spiky.spiky_section(9).alt
    assert "pokes out" in spiky.spiky_section(10).alt
    fig = spiky.spiky_section(4)
    ax = fig.axes[0]
    radii = sorted(p.radius for p in ax.patches if hasattr(p, "radius"))
    assert radii == pytest.approx([0.5, 0.5, 0.5, 0.5, 0.5])  # D = 4: central = small
    with pytest.raises(ValueError, match="from 2 to 12"):
        spiky.spiky_section(13)
