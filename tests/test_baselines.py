"""Tests of lstmkit.baselines: persistence, the least-squares linear model, the MSE."""

import doctest

import numpy as np
import pytest

import lstmkit as lk
from lstmkit import baselines


def test_doctests():
    assert doctest.testmod(baselines).failed == 0


def test_persistence_copies_the_right_step():
    series = np.arange(40.0)
    x, y = lk.tasks.forecast_windows(series, window=24, horizon=6, stride=1)
    # the last input, and the same phase one period (24 steps) before the target
    assert np.array_equal(baselines.persistence(x)[:, 0], y[:, 0] - 6)
    assert np.array_equal(baselines.persistence(x, period=24, horizon=6)[:, 0], y[:, 0] - 24)
    # a series with period 24 is forecast exactly by the periodic persistence
    wave = np.sin(2 * np.pi * np.arange(200) / 24)
    xw, yw = lk.tasks.forecast_windows(wave, window=24, horizon=6)
    assert baselines.mse(baselines.persistence(xw, period=24, horizon=6), yw) < 1e-28
    assert baselines.mse(baselines.persistence(xw), yw) > 0.5


@pytest.mark.parametrize("period", [5, 30, 0])
def test_persistence_rejects_a_period_outside_the_window(period):
    x = np.zeros((24, 2, 1))
    with pytest.raises(ValueError, match="period|positive"):
        baselines.persistence(x, period=period, horizon=6)


def test_linear_model_recovers_a_linear_target():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 200, 2))
    W = rng.standard_normal((3, 10))
    b = np.array([0.5, -1.0, 2.0])
    target = x.transpose(1, 0, 2).reshape(200, -1) @ W.T + b
    model = baselines.fit_linear(x, target)
    np.testing.assert_allclose(model["W"], W, atol=1e-10)
    np.testing.assert_allclose(model["b"], b, atol=1e-10)
    # the column order: step 2's second input is column 2 * 2 + 1
    x2 = np.zeros((5, 1, 2))
    x2[2, 0, 1] = 1.0
    np.testing.assert_allclose(baselines.predict_linear(model, x2)[0], W[:, 5] + b, atol=1e-10)


def test_linear_model_is_the_least_squares_fit():
    """Its residual is orthogonal to every input and to the constant (normal equations)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 50, 1))
    target = np.tanh(x[0] * x[3]) + 0.1 * rng.standard_normal((50, 1))
    model = baselines.fit_linear(x, target)
    residual = baselines.predict_linear(model, x) - target
    assert np.max(np.abs(x[:, :, 0] @ residual)) < 1e-10 and abs(residual.sum()) < 1e-10


def test_bad_input():
    x = np.zeros((3, 4, 1))
    with pytest.raises(ValueError, match=r"\(T, B, D\)"):
        baselines.persistence(np.zeros((3, 4)))
    with pytest.raises(TypeError, match="numpy array"):
        baselines.fit_linear([[1.0]], np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"\(B, K\)"):
        baselines.fit_linear(x, np.zeros((5, 1)))
    model = baselines.fit_linear(x, np.zeros((4, 1)))
    with pytest.raises(ValueError, match="columns"):
        baselines.predict_linear(model, np.zeros((2, 4, 1)))
    with pytest.raises(ValueError, match="shape"):
        baselines.mse(np.zeros(3), np.zeros(4))
