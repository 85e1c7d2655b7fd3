"""lstmkit.viz.truncation: path matrices and error/cost curves of the truncation slider."""

import numpy as np
import pytest

from lstmkit import rnn
from lstmkit.viz.truncation import TruncationView

KS = (1, 2, 4)
COLORS = {"a": "#D55E00", "b": "#0072B2"}


def _view():
    errors = {"a": np.array([0.3, 0.1, 0.01]), "b": np.array([0.3, 0.2, 0.1])}
    products = {"a": np.array([0, 7, 18]), "b": np.array([0, 4, 6])}
    return TruncationView(8, KS, errors, products, COLORS)


def test_update_shows_the_kept_paths_over_the_full_triangle():
    view = _view()
    masks = {"a": rnn.kept_paths(8, 1, 2), "b": rnn.kept_paths(8, 2, 2)}
    fig = view.update(2, masks, states={"a": [2, 3, 5], "b": [2, 3, 5]})
    assert fig is view.fig
    image = np.asarray(view.images["a"].get_array())
    # 2 = kept, 1 = a path of full BPTT that is dropped, 0 = no path (t > s)
    assert np.array_equal(image == 2, masks["a"])
    assert np.array_equal(image >= 1, np.tril(np.ones((8, 8), bool)))
    assert "7 products, 3 states" in view.titles["a"].get_text()
    e_dot, p_dot = view.dots["b"]
    assert e_dot.get_ydata()[0] == 0.2 and p_dot.get_ydata()[0] == 4


def test_update_rejects_unknown_k_and_wrong_masks():
    view = _view()
    with pytest.raises(ValueError, match="not one of"):
        view.update(3, {})
    with pytest.raises(ValueError, match=r"shape \(8, 8\)"):
        view.update(2, {"a": np.ones((4, 4)), "b": np.ones((8, 8))})


def test_labels_and_lengths_must_match():
    with pytest.raises(ValueError, match="same labels"):
        TruncationView(8, KS, {"a": np.zeros(3)}, {"b": np.zeros(3)}, COLORS)
    with pytest.raises(ValueError, match="one value per k"):
        TruncationView(8, KS, {"a": np.zeros(2)}, {"a": np.zeros(3)}, COLORS)
