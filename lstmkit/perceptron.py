r"""Rosenblatt's perceptron and its learning rule.

A perceptron with weights :math:`\boldsymbol{w}` and bias :math:`b` labels an input
:math:`\boldsymbol{x}` with

.. math::

    \hat{y} = \operatorname{sign}(\boldsymbol{w}^{\top}\boldsymbol{x} + b) \in \{-1, +1\},

taking :math:`\operatorname{sign}(0) = -1`, so that the all-zero starting point labels
nothing correctly by accident. The learning rule visits the examples in a fixed order and
changes the parameters only after a mistake:

.. math::

    \text{if } \hat{y}_n \neq y_n: \quad
    \boldsymbol{w} \leftarrow \boldsymbol{w} + \eta\, y_n \boldsymbol{x}_n, \qquad
    b \leftarrow b + \eta\, y_n .

If some :math:`(\boldsymbol{w}^*, b^*)` separates the data with margin :math:`\gamma > 0`
(:math:`y_n(\boldsymbol{w}^{*\top}\boldsymbol{x}_n + b^*) \geq \gamma` with
:math:`\lVert(\boldsymbol{w}^*, b^*)\rVert = 1`), the rule makes at most
:math:`(R/\gamma)^2` mistakes in total, where :math:`R = \max_n \lVert(\boldsymbol{x}_n,
1)\rVert` (Novikoff 1962). If no such line exists, as for XOR, every pass over the data
makes at least one mistake, so the rule never stops.

Examples
--------
>>> import numpy as np
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> y_and = np.array([-1, -1, -1, 1])
>>> hist = train(X, y_and, epochs=10)
>>> hist.converged, int(hist.mistakes.sum())
(True, 10)
>>> predict(hist.w[-1], hist.b[-1], X).tolist()
[-1, -1, -1, 1]
"""

from dataclasses import dataclass

import numpy as np

from ._checks import float_array, generator, positive_int

__all__ = ["History", "predict", "errors", "train", "margin_bound"]


@dataclass(frozen=True)
class History:
    """Parameters after every epoch of :func:`train`.

    Attributes
    ----------
    w : ndarray, shape ``(E + 1, D)``
        ``w[0]`` is the start, ``w[e]`` the weights after epoch ``e``.
    b : ndarray, shape ``(E + 1,)``
        The bias, indexed like ``w``.
    mistakes : ndarray of int, shape ``(E,)``
        Updates made during each epoch (mistakes seen while learning).
    errors : ndarray of int, shape ``(E + 1,)``
        Examples misclassified by the parameters ``(w[e], b[e])``.
    """

    w: np.ndarray
    b: np.ndarray
    mistakes: np.ndarray
    errors: np.ndarray

    @property
    def converged(self):
        """True if some epoch made no mistake (after that nothing changes)."""
        return bool(np.any(self.mistakes == 0))


def _check_data(X, y):
    float_array("X", X)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, D); got {X.shape}")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape (N,) = ({X.shape[0]},); got {y.shape}")
    if not np.all(np.isin(y, (-1, 1))):
        raise ValueError("y must hold labels -1 and +1 only")
    return y.astype(X.dtype)


def predict(w, b, X):
    r"""Labels :math:`\operatorname{sign}(\boldsymbol{X}\boldsymbol{w} + b)` in
    :math:`\{-1, +1\}`, with ``sign(0) = -1``.

    Parameters
    ----------
    w : ndarray, shape ``(D,)``
    b : float
    X : ndarray, shape ``(N, D)``

    Returns
    -------
    ndarray of int, shape ``(N,)``
    """
    float_array("X", X)
    w = np.asarray(w, dtype=X.dtype)
    if X.ndim != 2 or w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape (D,) and X shape (N, D); got {w.shape}, {X.shape}")
    return np.where(X @ w + b > 0, 1, -1)


def errors(w, b, X, y):
    """Number of examples of ``(X, y)`` that :func:`predict` gets wrong."""
    y = _check_data(X, y)
    return int(np.sum(predict(w, b, X) != y))


def train(X, y, epochs, *, lr=1.0, w0=None, b0=0.0, rng=None):
    r"""Run the perceptron rule for ``epochs`` passes over ``(X, y)`` in the given order.

    Parameters
    ----------
    X : ndarray of float, shape ``(N, D)``
    y : array_like of -1/+1, shape ``(N,)``
    epochs : int
        Number of passes :math:`E`; the rule keeps going even after a mistake-free pass
        (nothing changes then), so every run has the same length.
    lr : float
        The step :math:`\eta > 0`. With zero start the result scales with it and the
        labels do not depend on it.
    w0 : ndarray, shape ``(D,)``, optional
        Starting weights (zeros by default).
    b0 : float
        Starting bias.
    rng : numpy.random.Generator, optional
        If given, every epoch visits the examples in a fresh random order drawn from it;
        otherwise always in the order of ``X``.

    Returns
    -------
    History
    """
    y = _check_data(X, y)
    epochs = positive_int("epochs", epochs)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive number; got {lr}")
    N, D = X.shape
    w = np.zeros(D, dtype=X.dtype) if w0 is None else np.array(w0, dtype=X.dtype)
    if w.shape != (D,):
        raise ValueError(f"w0 must have shape (D,) = ({D},); got {w.shape}")
    b = float(b0)
    if rng is not None:
        rng = generator(rng)
    ws, bs, mistakes = [w.copy()], [b], []
    for _ in range(epochs):
        count = 0
        order = range(N) if rng is None else rng.permutation(N)
        for n in order:  # one example at a time: the rule is sequential
            if (1 if X[n] @ w + b > 0 else -1) != y[n]:
                w += lr * y[n] * X[n]
                b += lr * y[n]
                count += 1
        ws.append(w.copy())
        bs.append(b)
        mistakes.append(count)
    W, Bv = np.array(ws), np.array(bs)
    errs = np.array([int(np.sum(predict(W[e], Bv[e], X) != y)) for e in range(epochs + 1)])
    return History(w=W, b=Bv, mistakes=np.array(mistakes), errors=errs)


def margin_bound(X, y, w, b):
    r"""Novikoff's bound :math:`(R/\gamma)^2` on the number of mistakes, for a separator.

    :math:`\gamma = \min_n y_n(\boldsymbol{w}^{\top}\boldsymbol{x}_n + b) /
    \lVert(\boldsymbol{w}, b)\rVert` is the margin of the given separator and
    :math:`R = \max_n \lVert(\boldsymbol{x}_n, 1)\rVert`.

    Raises
    ------
    ValueError
        If ``(w, b)`` does not separate the data (margin not positive).
    """
    y = _check_data(X, y)
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape (D,) = ({X.shape[1]},); got {w.shape}")
    gamma = float(np.min(y * (X @ w + b)) / np.hypot(np.linalg.norm(w), b))
    if gamma <= 0:
        raise ValueError(f"(w, b) does not separate the data: margin {gamma:.3g} <= 0")
    R = float(np.sqrt(np.max(np.sum(X**2, axis=1) + 1.0)))
    return (R / gamma) ** 2
