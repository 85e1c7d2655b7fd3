"""A cache or a deltas object is a record of one computation.

Nothing in it may change when the parameters change afterwards (the optimisers update
them in place) or when another call computes in the same memory (``out=``).
"""

import numpy as np
import pytest

from lstmkit import lstm, optim

DELTA_NAMES = ("y", "c", "z_bar", "i_bar", "f_bar", "o_bar", "x", "y0", "c0")
CACHE_NAMES = ("z_bar", "i_bar", "f_bar", "o_bar", "z", "i", "f", "o", "c", "y")


def problem(seed=0, T=5, B=2, D=3, H=4, peepholes=True):
    rng = np.random.default_rng(seed)
    params = lstm.init_params(D, H, rng=rng, peepholes=peepholes)
    x = rng.standard_normal((T, B, D))
    G = rng.standard_normal((T, B, H))
    return params, x, G


def frozen(params):
    return {k: v.copy() for k, v in params.items()}


@pytest.mark.parametrize("peepholes", [True, False])
def test_deltas_x_read_after_an_optimiser_step(peepholes):
    """The issue's first case: deltas.x read after SGD(...).step(params, grads)."""
    params, x, G = problem(peepholes=peepholes)
    expected = lstm.backward(frozen(params), lstm.forward(frozen(params), x), G)[1].x
    grads, deltas = lstm.backward(params, lstm.forward(params, x), G)
    optim.SGD(lr=1.0).step(params, grads)  # changes every W in place
    np.testing.assert_array_equal(deltas.x, expected)


def test_pre_activations_read_after_an_optimiser_step():
    """The second case: with peepholes, sigmoid(cache.f_bar) must stay cache.f."""
    params, x, G = problem(peepholes=True)
    expected = lstm.forward(frozen(params), x)
    cache = lstm.forward(params, x)
    grads, _ = lstm.backward(params, cache, G)
    optim.SGD(lr=1.0).step(params, grads)  # changes p_i, p_f, p_o in place
    for name in CACHE_NAMES:
        np.testing.assert_array_equal(getattr(cache, name), getattr(expected, name), name)
    for gate in ("i", "f", "o"):
        bar = getattr(cache, f"{gate}_bar")
        np.testing.assert_array_equal(lstm.sigmoid(bar), getattr(cache, gate), gate)


def test_nothing_in_a_record_refers_to_the_callers_arrays():
    """Changing x, y0, c0 or dJ_dy in place after the calls changes nothing either."""
    params, x, G = problem()
    y0, c0 = np.full((2, 4), 0.3), np.full((2, 4), -0.2)
    cache = lstm.forward(params, x, y0, c0)
    _, deltas = lstm.backward(params, cache, G)
    before = {n: getattr(cache, n).copy() for n in (*CACHE_NAMES, "x", "y0", "c0")}
    before_d = {n: getattr(deltas, n).copy() for n in DELTA_NAMES}
    for a in (x, y0, c0, G, *params.values()):
        a += 1.0
    for n, value in before.items():
        np.testing.assert_array_equal(getattr(cache, n), value, n)
    for n, value in before_d.items():
        np.testing.assert_array_equal(getattr(deltas, n), value, n)
