"""Optimisers and gradient clipping, with numbers worked out by hand."""

import numpy as np
import pytest

from lstmkit import optim


def quadratic_grad(params):
    """J = 1/2 sum(theta^2) has gradient theta."""
    return {k: v.copy() for k, v in params.items()}


def test_sgd_one_step_on_a_quadratic():
    params = {"w": np.array([1.0, -2.0]), "b": np.array([4.0])}
    w = params["w"]
    optim.SGD(lr=0.1).step(params, quadratic_grad(params))
    np.testing.assert_allclose(params["w"], [0.9, -1.8], rtol=1e-15)
    np.testing.assert_allclose(params["b"], [3.6], rtol=1e-15)
    assert params["w"] is w  # updated in place


def test_sgd_momentum_two_steps():
    params = {"w": np.array([1.0])}
    opt = optim.SGD(lr=0.1, momentum=0.9)
    opt.step(params, {"w": np.array([1.0])})  # v = 1,           w = 1 - 0.1 = 0.9
    opt.step(params, {"w": np.array([1.0])})  # v = 0.9 + 1 = 1.9, w = 0.9 - 0.19 = 0.71
    np.testing.assert_allclose(params["w"], [0.71], rtol=1e-15)
    np.testing.assert_allclose(opt.velocity["w"], [1.9], rtol=1e-15)


def test_adam_first_two_steps():
    params = {"w": np.array([1.0, -3.0])}
    opt = optim.Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8)
    g1 = np.array([1.0, -3.0])
    opt.step(params, {"w": g1.copy()})
    # m_hat = g, v_hat = g^2: the step is lr * g / (|g| + eps)
    expected = np.array([1.0, -3.0]) - 0.01 * g1 / (np.abs(g1) + 1e-8)
    np.testing.assert_allclose(params["w"], expected, rtol=1e-15)
    g2 = np.array([0.5, 1.0])
    opt.step(params, {"w": g2.copy()})
    m = 0.9 * 0.1 * g1 + 0.1 * g2
    v = 0.999 * 0.001 * g1**2 + 0.001 * g2**2
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    expected = expected - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(params["w"], expected, rtol=1e-15)
    # by hand for w[0]: g = 1 then 0.5; m = 0.14, v = 0.001249 after two steps
    # w = 1 - 0.01 / (1 + 1e-8) - 0.01 * (0.14 / 0.19) / (sqrt(0.001249 / 0.001999) + 1e-8)
    assert params["w"][0] == pytest.approx(0.98067820382982, abs=1e-13)


def test_sgd_and_adam_converge_on_a_quadratic():
    for opt in (optim.SGD(lr=0.1), optim.SGD(lr=0.05, momentum=0.5), optim.Adam(lr=0.05)):
        params = {"w": np.array([3.0, -2.0, 0.5])}
        for _ in range(500):
            opt.step(params, quadratic_grad(params))
        assert np.abs(params["w"]).max() < 1e-3, opt


def test_optimizers_keep_float32():
    for opt in (optim.SGD(lr=0.1, momentum=0.9), optim.Adam()):
        params = {"w": np.ones(3, dtype=np.float32)}
        opt.step(params, {"w": np.ones(3, dtype=np.float32)})
        assert params["w"].dtype == np.float32


def test_clip_grad_norm_rescales_the_whole_gradient():
    grads = {"a": np.array([3.0]), "b": np.array([[4.0, 0.0]])}  # norm 5
    a = grads["a"]
    norm = optim.clip_grad_norm(grads, 1.0)
    assert norm == 5.0  # the norm before clipping
    np.testing.assert_allclose(grads["a"], [0.6], rtol=1e-15)
    np.testing.assert_allclose(grads["b"], [[0.8, 0.0]], rtol=1e-15)
    assert grads["a"] is a
    assert optim.grad_norm(grads) == pytest.approx(1.0, rel=1e-15)


def test_clip_grad_norm_leaves_small_gradients_alone():
    grads = {"a": np.array([0.3, 0.4])}
    assert optim.clip_grad_norm(grads, 0.5) == pytest.approx(0.5)  # not above: untouched
    np.testing.assert_array_equal(grads["a"], [0.3, 0.4])
    assert optim.clip_grad_norm(grads, 10.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(grads["a"], [0.3, 0.4])


def test_optimizer_errors():
    with pytest.raises(ValueError, match=r"lr must lie in \(0.0, inf\); got 0"):
        optim.SGD(lr=0)
    with pytest.raises(ValueError, match="momentum must lie in"):
        optim.SGD(lr=0.1, momentum=1.0)
    with pytest.raises(ValueError, match="beta2 must lie in"):
        optim.Adam(beta2=-0.1)
    with pytest.raises(TypeError, match="lr must be a number"):
        optim.Adam(lr="fast")
    with pytest.raises(ValueError, match="max_norm must lie in"):
        optim.clip_grad_norm({"a": np.ones(2)}, 0.0)
    with pytest.raises(ValueError, match="grads must have the keys of params"):
        optim.SGD(lr=0.1).step({"a": np.ones(2)}, {"b": np.ones(2)})
    with pytest.raises(ValueError, match=r"grads\['a'\] must have the shape of params\['a'\]"):
        optim.Adam().step({"a": np.ones(2)}, {"a": np.ones(3)})


def test_clip_grad_value_cuts_entries_and_turns_the_direction():
    grads = {"W": np.array([3.0, 0.5]), "b": np.array([-4.0])}
    assert optim.clip_grad_value(grads, 1.0) == 2
    assert grads["W"].tolist() == [1.0, 0.5] and grads["b"].tolist() == [-1.0]
    # the direction changed: not a multiple of (3, 0.5, -4)
    v = np.array([1.0, 0.5, -1.0])
    g = np.array([3.0, 0.5, -4.0])
    assert v @ g / np.linalg.norm(v) / np.linalg.norm(g) < 0.97


def test_clip_grad_value_rejects_bad_input():
    with pytest.raises(TypeError):
        optim.clip_grad_value([np.ones(2)], 1.0)
    with pytest.raises(ValueError):
        optim.clip_grad_value({"W": np.ones(2)}, 0.0)
