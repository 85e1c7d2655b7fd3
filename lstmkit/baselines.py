r"""Forecasts a trained sequence model must beat: the mean, persistence, a linear model.

A many-to-one model reads ``x (T, B, D)`` and predicts a target ``(B, K)``. Before its
test error means anything it is compared with forecasts that need no training, or only a
least-squares fit, computed from the *same* inputs:

* :func:`persistence`: the last input, :math:`\hat u = u(T)`; with a ``period`` P and a
  ``horizon`` h, the value one period before the target, :math:`\hat u = u(T + h - P)`
  ("the same hour yesterday" for hourly data and P = 24);
* :func:`fit_linear` / :func:`predict_linear`: the least-squares linear model on all
  ``T * D`` inputs, :math:`\hat y = W\,\mathrm{vec}(x) + b` (an autoregression of
  order T for a single series);
* :func:`mse`: the mean squared error of a forecast.

The mean of the training targets is ``fit_linear`` with no inputs, or simply
``target.mean(axis=0)``.

>>> import numpy as np
>>> x = np.arange(12.0).reshape(6, 2, 1)    # T = 6, two sequences
>>> persistence(x)[:, 0].tolist(), persistence(x, period=4, horizon=1)[:, 0].tolist()
([10.0, 11.0], [4.0, 5.0])
"""

import numpy as np

from . import _checks

__all__ = ["persistence", "fit_linear", "predict_linear", "mse"]


def _inputs(x):
    _checks.float_array("x", x)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (T, B, D); got {x.shape}")
    return x


def persistence(x, *, period=None, horizon=1):
    r"""The persistence forecast from ``x (T, B, D)``: an input copied, ``(B, D)``.

    Without ``period``, the last input :math:`u(T)`. With a ``period`` P, the input one
    period before the target :math:`u(T + h)`, :math:`u(T + h - P)`, which must lie
    inside the window: :math:`h \le P \le T + h - 1`.
    """
    x = _inputs(x)
    T = x.shape[0]
    horizon = _checks.positive_int("horizon", horizon)
    if period is None:
        return x[-1].copy()
    period = _checks.positive_int("period", period)
    step = T + horizon - period  # the step t of u(t) = u(T + h - P), from 1 to T
    if not 1 <= step <= T:
        raise ValueError(
            f"period={period} with horizon={horizon} points at step {step} of a window of "
            f"T={T} steps; it must be 1 to T, i.e. {horizon} <= period <= {T + horizon - 1}"
        )
    return x[step - 1].copy()


def fit_linear(x, target):
    r"""Least squares :math:`\min_{W,b} \sum_n \lVert W\,\mathrm{vec}(x_n) + b - y_n\rVert^2`.

    ``x (T, B, D)``, ``target (B, K)``; returns a dict with ``W (K, T*D)`` (the inputs
    in time order, ``D`` per step) and ``b (K,)``.
    """
    x = _inputs(x)
    _checks.float_array("target", target)
    if target.ndim != 2 or target.shape[0] != x.shape[1]:
        raise ValueError(
            f"target must have shape (B, K) with B = {x.shape[1]} as in x; got {target.shape}"
        )
    design = np.concatenate([_flat(x), np.ones((x.shape[1], 1), x.dtype)], axis=1)
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    return {"W": coef[:-1].T.copy(), "b": coef[-1].copy()}


def _flat(x):
    """``(T, B, D)`` to ``(B, T*D)``: one row per sequence, the steps in order."""
    return x.transpose(1, 0, 2).reshape(x.shape[1], -1)


def predict_linear(model, x):
    r""":math:`\hat y = W\,\mathrm{vec}(x) + b` for each sequence of ``x (T, B, D)``, ``(B, K)``."""
    x = _inputs(x)
    W, b = model["W"], model["b"]
    if W.shape[1] != x.shape[0] * x.shape[2]:
        raise ValueError(
            f"model['W'] has {W.shape[1]} columns but x has T*D = {x.shape[0] * x.shape[2]}"
        )
    return _flat(x) @ W.T + b


def mse(forecast, target):
    """The mean squared error of a forecast, a float."""
    forecast, target = np.asarray(forecast), np.asarray(target)
    if forecast.shape != target.shape:
        raise ValueError(f"forecast {forecast.shape} and target {target.shape} differ in shape")
    return float(np.mean((forecast - target) ** 2))
