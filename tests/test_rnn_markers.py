"""lstmkit.rnn.marker_gradients: d o(T) / d v(t_i) for the two marked numbers."""

import numpy as np
import pytest

from lstmkit import rnn, tasks


def _setup(T=9, B=4, seed=0):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(2, 6, 1, rng=rng)
    x, _ = tasks.adding_problem(T, B, rng=rng)
    return params, x


def test_marker_gradients_match_finite_differences():
    params, x = _setup()
    g = rnn.marker_gradients(params, x)
    assert g.shape == (4, 2)
    eps = 1e-6
    for n in range(x.shape[1]):
        steps = np.nonzero(x[:, n, 1])[0]
        for i, t in enumerate(steps):
            up, down = x.copy(), x.copy()
            up[t, n, 0] += eps
            down[t, n, 0] -= eps
            o_up = rnn.forward(params, up).o[-1, n, 0]
            o_down = rnn.forward(params, down).o[-1, n, 0]
            assert g[n, i] == pytest.approx((o_up - o_down) / (2 * eps), rel=1e-6, abs=1e-10)


def test_without_recurrence_the_first_marker_is_invisible():
    params, x = _setup(T=10)
    params["W"][:] = 0.0  # o(T) depends on x(T) only; the first marker is in steps 1..5
    g = rnn.marker_gradients(params, x)
    assert np.all(g[:, 0] == 0.0)
    last = x[-1, :, 1] != 0  # sequences whose second marker is the last step
    assert np.all(g[~last, 1] == 0.0) and np.all(g[last, 1] != 0.0)


def test_marker_gradients_reject_bad_input():
    params, x = _setup()
    with pytest.raises(ValueError, match="two markers"):
        rnn.marker_gradients(params, np.zeros_like(x))
    wide = rnn.init_params(2, 6, 3, rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="K = 1"):
        rnn.marker_gradients(wide, x)
