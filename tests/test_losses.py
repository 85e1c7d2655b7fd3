"""Losses: values, reductions and gradients."""

import numpy as np
import pytest

from lstmkit import gradcheck, losses


def test_mse_value_and_gradient_by_hand():
    y_hat = np.array([[1.0, 2.0], [0.0, -1.0]])
    y = np.array([[0.0, 0.0], [0.0, 1.0]])
    value, grad = losses.mse(y_hat, y)
    assert value == (1 + 4 + 0 + 4) / 4  # mean over all 4 elements
    np.testing.assert_array_equal(grad, 2 * (y_hat - y) / 4)


def test_mse_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    y_hat, y = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    _, grad = losses.mse(y_hat, y)
    assert gradcheck.check(lambda a: losses.mse(a, y)[0], y_hat, grad) < 1e-7


def test_mse_keeps_float32():
    value, grad = losses.mse(np.ones(3, np.float32), np.zeros(3, np.float32))
    assert value == 1.0 and grad.dtype == np.float32


def test_softmax_cross_entropy_uniform_and_confident():
    value, grad = losses.softmax_cross_entropy(np.zeros((2, 5)), np.array([0, 3]))
    assert value == pytest.approx(np.log(5), rel=1e-15)
    np.testing.assert_allclose(grad[0], [-0.4, 0.1, 0.1, 0.1, 0.1], rtol=1e-14)  # (p - e)/N
    value, _ = losses.softmax_cross_entropy(np.array([[0.0, 40.0]]), np.array([1]))
    assert value == pytest.approx(np.exp(-40.0), rel=1e-6)  # -log(1 - e^-40)


def test_softmax_cross_entropy_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((3, 4, 6))  # e.g. (T, B, K): mean over T*B positions
    labels = rng.integers(0, 6, size=(3, 4))
    value, grad = losses.softmax_cross_entropy(logits, labels)
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    expected = -np.mean(np.log(np.take_along_axis(p, labels[..., None], -1)))
    assert value == pytest.approx(expected, rel=1e-13)
    f = lambda a: losses.softmax_cross_entropy(a, labels)[0]  # noqa: E731
    assert gradcheck.check(f, logits, grad) < 1e-7
    np.testing.assert_allclose(grad.sum(-1), 0.0, atol=1e-16)


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1e4, -1e4, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = losses.softmax_cross_entropy(logits, np.array([2]))
    assert value == 1e4
    np.testing.assert_array_equal(grad, [[1.0, 0.0, -1.0]])


def test_loss_input_errors():
    with pytest.raises(ValueError, match=r"y must have the shape of y_hat \(2, 1\); got \(2,\)"):
        losses.mse(np.zeros((2, 1)), np.zeros(2))
    with pytest.raises(TypeError, match="dtype float32 or float64"):
        losses.mse(np.zeros(2, dtype=int), np.zeros(2))
    with pytest.raises(ValueError, match="NaN"):
        losses.mse(np.array([np.nan]), np.zeros(1))
    with pytest.raises(TypeError, match="integer class indices"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"labels must lie in 0 .. 2"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"shape logits.shape\[:-1\] = \(2,\)"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), np.array([[0, 1]]))
