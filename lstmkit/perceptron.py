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

__all__ = [
    "History",
    "predict",
    "errors",
    "train",
    "margin_bound",
    "train_many",
    "association_units",
    "associate",
]


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


def train_many(X, Y, epochs):
    r"""The perceptron rule of :func:`train` on ``L`` separate problems at once.

    Problem ``l`` has inputs ``X[l]`` and labels ``Y[l]``; every problem starts from zero
    weights and visits its examples in the order given, exactly as :func:`train` without
    ``rng``, so each problem's result equals :func:`train`'s. The loop over examples stays
    (the rule is sequential); the ``L`` problems move together, one product per example.

    Parameters
    ----------
    X : ndarray of float, shape ``(L, N, D)``
    Y : array_like of -1/+1, shape ``(L, N)``
    epochs : int

    Returns
    -------
    w : ndarray, shape ``(L, D)``
        The weights after the last epoch.
    b : ndarray, shape ``(L,)``
    errors : ndarray of int, shape ``(L,)``
        Examples each problem still gets wrong at the end (0: the rule has learned it).
    """
    float_array("X", X)
    if X.ndim != 3:
        raise ValueError(f"X must have shape (L, N, D), one (N, D) problem per l; got {X.shape}")
    Y = np.asarray(Y)
    if Y.shape != X.shape[:2] or not np.all(np.isin(Y, (-1, 1))):
        raise ValueError(f"Y must have shape (L, N) = {X.shape[:2]} with labels -1 and +1 only")
    epochs = positive_int("epochs", epochs)
    L, N, D = X.shape
    Y = Y.astype(X.dtype)
    w, b = np.zeros((L, D), dtype=X.dtype), np.zeros(L, dtype=X.dtype)
    for _ in range(epochs):
        for n in range(N):
            x_n, y_n = X[:, n], Y[:, n]
            wrong = np.where(np.einsum("ld,ld->l", x_n, w) + b > 0, 1, -1) != y_n
            w += (wrong * y_n)[:, None] * x_n
            b += wrong * y_n
    predicted = np.where(np.einsum("lnd,ld->ln", X, w) + b[:, None] > 0, 1, -1)
    return w, b, np.sum(predicted != Y, axis=1)


def association_units(n_pixels, n_units, order, *, rng):
    r"""The random wiring of a Mark I style association layer.

    Each of ``n_units`` threshold units is wired to ``order`` distinct pixels chosen at
    random, each connection excitatory (+1) or inhibitory (-1) at random, and fires when

    .. math::

        a_j(\boldsymbol{x}) = \bigl[\, \textstyle\sum_i V_{ji} x_i > \theta_j \bigr],

    with a threshold :math:`\theta_j` drawn uniformly from :math:`(-k/2, k/2)` for order
    :math:`k`, so that units neither always nor never fire. A unit of order :math:`k`
    depends on :math:`k` pixels only: the property Minsky and Papert's theorems are about.

    Returns
    -------
    V : ndarray, shape ``(n_units, n_pixels)``
        The wiring, with ``order`` non-zero entries (+1 or -1) in every row.
    theta : ndarray, shape ``(n_units,)``
    """
    n_pixels = positive_int("n_pixels", n_pixels)
    n_units = positive_int("n_units", n_units)
    order = positive_int("order", order)
    if order > n_pixels:
        raise ValueError(f"order must be at most n_pixels = {n_pixels}; got {order}")
    rng = generator(rng)
    V = np.zeros((n_units, n_pixels))
    for j in range(n_units):  # a plugboard: each unit gets its own random cables
        pixels = rng.choice(n_pixels, size=order, replace=False)
        V[j, pixels] = rng.choice([-1.0, 1.0], size=order)
    theta = rng.uniform(-order / 2, order / 2, size=n_units)
    return V, theta


def associate(X, V, theta):
    """The 0/1 outputs of the association units ``(V, theta)`` for the rows of ``X``.

    Parameters
    ----------
    X : ndarray of float, shape ``(N, n_pixels)``
    V : ndarray, shape ``(n_units, n_pixels)``
    theta : ndarray, shape ``(n_units,)``

    Returns
    -------
    ndarray of float, shape ``(N, n_units)``
    """
    float_array("X", X)
    V, theta = np.asarray(V, dtype=np.float64), np.asarray(theta, dtype=np.float64)
    if X.ndim != 2 or V.ndim != 2 or V.shape[1] != X.shape[1] or theta.shape != (V.shape[0],):
        raise ValueError(
            "X must have shape (N, n_pixels), V shape (n_units, n_pixels) and theta "
            f"shape (n_units,); got {X.shape}, {V.shape}, {theta.shape}"
        )
    return (X @ V.T > theta).astype(np.float64)
