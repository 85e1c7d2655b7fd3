r"""Loss functions that return their value and their gradient together.

Each function returns ``(value, grad)``, where ``grad`` is the derivative of ``value``
with respect to the first argument (the prediction), with the same shape. That
gradient is what a readout passes back into :func:`lstmkit.rnn.backward` or
:func:`lstmkit.lstm.backward`.

Both losses are **means**: :func:`mse` over all elements, :func:`softmax_cross_entropy`
over all positions (all axes except the last, the class axis). So the value does not
grow with the batch size or the sequence length, and the gradient carries a factor
:math:`1/N`.
"""

import numpy as np

from . import _checks

__all__ = ["mse", "softmax_cross_entropy"]


def mse(y_hat, y):
    r"""Mean squared error over all elements.

    .. math::

        J = \frac{1}{N} \sum_{n=1}^{N} (\hat y_n - y_n)^2, \qquad
        \frac{\partial J}{\partial \hat y_n} = \frac{2}{N} (\hat y_n - y_n)

    where :math:`N` is ``y_hat.size`` (e.g. batch times outputs).

    Parameters
    ----------
    y_hat : ndarray
        Predictions (float32 or float64).
    y : ndarray
        Targets, same shape and dtype.

    Returns
    -------
    value : float
    grad : ndarray
        :math:`\partial J / \partial \hat y`, shape and dtype of ``y_hat``.

    Examples
    --------
    >>> import numpy as np
    >>> value, grad = mse(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    >>> value, grad
    (2.5, array([1., 2.]))
    """
    _checks.float_array("y_hat", y_hat)
    _checks.float_array("y", y)
    if y.shape != y_hat.shape:
        raise ValueError(f"y must have the shape of y_hat {y_hat.shape}; got {y.shape}")
    _checks.same_dtype("y", y, y_hat.dtype)
    _checks.finite("y_hat", y_hat)
    _checks.finite("y", y)
    diff = y_hat - y
    value = float(np.mean(diff * diff))
    grad = diff * (2.0 / diff.size)
    return value, grad.astype(y_hat.dtype, copy=False)


def softmax_cross_entropy(logits, labels):
    r"""Softmax followed by the cross-entropy with integer class labels, averaged.

    For every position :math:`n` (all axes of ``logits`` but the last) with scores
    :math:`s_n \in \mathbb{R}^K` and class :math:`k_n`:

    .. math::

        p_n = \operatorname{softmax}(s_n), \qquad
        J = -\frac{1}{N} \sum_{n=1}^{N} \log p_{n, k_n}, \qquad
        \frac{\partial J}{\partial s_n} = \frac{1}{N} \big(p_n - e_{k_n}\big)

    computed stably via :math:`\log p_{n,k} = s_{n,k} - \max s_n - \log \sum_j
    e^{s_{n,j} - \max s_n}`.

    Parameters
    ----------
    logits : ndarray, shape (..., K)
        Unnormalised scores (float32 or float64).
    labels : ndarray of int, shape (...)
        Class indices in ``0 .. K-1``.

    Returns
    -------
    value : float
    grad : ndarray, shape (..., K)
        :math:`\partial J / \partial s`, dtype of ``logits``.

    Examples
    --------
    >>> import numpy as np
    >>> value, grad = softmax_cross_entropy(np.zeros((1, 4)), np.array([2]))
    >>> round(value, 6), grad
    (1.386294, array([[ 0.25,  0.25, -0.75,  0.25]]))
    """
    _checks.float_array("logits", logits)
    if logits.ndim < 1:
        raise ValueError("logits must have a class axis (the last one); got a 0-D array")
    if not isinstance(labels, np.ndarray) or not np.issubdtype(labels.dtype, np.integer):
        got = labels.dtype if isinstance(labels, np.ndarray) else type(labels).__name__
        raise TypeError(f"labels must be a numpy array of integer class indices; got {got}")
    if labels.shape != logits.shape[:-1]:
        raise ValueError(
            f"labels must have shape logits.shape[:-1] = {logits.shape[:-1]}; got {labels.shape}"
        )
    K = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= K):
        raise ValueError(
            f"labels must lie in 0 .. {K - 1}; got values from {labels.min()} to {labels.max()}"
        )
    _checks.finite("logits", logits)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    log_p = shifted - log_z
    N = labels.size
    picked = np.take_along_axis(log_p, labels[..., None], axis=-1)
    value = float(-picked.sum() / N)
    grad = np.exp(log_p)  # p_n
    grad -= labels[..., None] == np.arange(K)  # minus the one-hot e_{k_n}
    grad /= N
    return value, grad
