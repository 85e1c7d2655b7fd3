"""The multi-layer perceptron: hand-written backpropagation against finite differences."""

import numpy as np
import pytest

from lstmkit import gradcheck, mlp

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "linear"])
@pytest.mark.parametrize("output", ["sigmoid", "linear"])
def test_backward_matches_finite_differences(hidden, output):
    rng = np.random.default_rng(3)
    params = mlp.init_params([3, 5, 4, 2], rng=rng)
    x = rng.standard_normal((6, 3))
    y = rng.standard_normal((6, 2))

    def loss(p, x=x):
        return 0.5 * np.sum((mlp.forward(p, x, hidden=hidden, output=output).h[-1] - y) ** 2)

    cache = mlp.forward(params, x, hidden=hidden, output=output)
    grads, deltas = mlp.backward(params, cache, cache.h[-1] - y)
    assert gradcheck.max_rel_error(loss, params, grads) < 1e-7
    assert [d.shape for d in deltas] == [(6, 5), (6, 4), (6, 2)]
    # the input delta is W1^T delta a_1: check it against differences in x
    dx = deltas[0] @ params["W1"]
    assert gradcheck.check(lambda x_: loss(params, x_), x, dx) < 1e-7


def test_known_forward_values():
    params = {"W1": np.array([[1.0, 1.0]]), "b1": np.array([-1.0])}
    h = mlp.forward(params, XOR_X, output="sigmoid").h[-1].ravel()
    np.testing.assert_allclose(h, 1 / (1 + np.exp(-np.array([-1.0, 0.0, 0.0, 1.0]))), rtol=1e-15)


def test_two_layer_net_learns_xor():
    params = mlp.init_params([2, 2, 1], rng=np.random.default_rng(0), scale=2.0)
    for _ in range(3000):
        cache = mlp.forward(params, XOR_X)
        grads, _ = mlp.backward(params, cache, cache.h[-1] - XOR_Y)
        for k in params:
            params[k] -= 0.5 * grads[k]
    out = mlp.forward(params, XOR_X).h[-1].ravel()
    assert np.all((out > 0.5) == XOR_Y.ravel().astype(bool))
    assert 0.5 * np.sum((out - XOR_Y.ravel()) ** 2) < 0.01


def test_deep_sigmoid_gradients_vanish():
    rng = np.random.default_rng(0)
    params = mlp.init_params([16] * 21, rng=rng)
    x = rng.standard_normal((32, 16))
    cache = mlp.forward(params, x, output="linear")
    grads, _ = mlp.backward(params, cache, np.ones_like(cache.h[-1]))
    norms = mlp.layer_grad_norms(grads)
    assert norms.shape == (20,)
    # each sigmoid layer divides the delta by roughly 4 or more: 20 layers, < 1e-8
    assert norms[0] / norms[-1] < 1e-8


def test_init_scale_and_shapes():
    p = mlp.init_params([400, 300], rng=np.random.default_rng(0), scale=3.0)
    assert p["W1"].shape == (300, 400) and np.all(p["b1"] == 0)
    assert np.std(p["W1"]) * np.sqrt(400) == pytest.approx(3.0, rel=0.02)


def test_bad_input_is_explained():
    p = mlp.init_params([2, 3, 1], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"shape \(B, n_0\)"):
        mlp.forward(p, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="hidden must be one of"):
        mlp.forward(p, np.zeros((4, 2)), hidden="softplus")
    with pytest.raises(ValueError, match="W1, b1"):
        mlp.forward({"W1": p["W1"]}, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="columns"):
        mlp.forward({**p, "W2": np.zeros((1, 5))}, np.zeros((4, 2)))
    with pytest.raises(TypeError, match="Generator"):
        mlp.init_params([2, 1], rng=0)
    cache = mlp.forward(p, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="output's shape"):
        mlp.backward(p, cache, np.zeros((4, 2)))


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(mlp, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
