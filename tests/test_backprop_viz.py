"""The backward-pass circuit of chapter 5: unknown deltas grey, known ones coloured."""

import matplotlib.colors as mcolors
import pytest

from lstmkit.viz.backprop import backward_circuit
from lstmkit.viz.colors import MASK_COLOR, delta_color


def _faces(fig):
    return {
        p.get_gid(): mcolors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches if p.get_gid()
    }


def test_known_nodes_take_the_delta_colour_and_the_others_are_grey():
    fig = backward_circuit({"y": 1.0, "c": 0.5}, vmax=1.0, caption="step 3")
    faces = _faces(fig)
    assert faces["node:y"] == mcolors.to_hex(delta_color(1.0, 1.0))
    assert faces["node:c"] == mcolors.to_hex(delta_color(0.5, 1.0))
    for name in ("f", "i", "z", "o", "x", "c_prev", "y_prev"):
        assert faces[f"node:{name}"] == mcolors.to_hex(MASK_COLOR), name
    assert len(fig.axes) == 2  # the circuit and its colour bar
    assert fig.axes[1].get_ylim() == pytest.approx((0.0, 1.0))


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="not nodes"):
        backward_circuit({"h": 1.0}, vmax=1.0)
