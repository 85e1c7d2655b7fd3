r"""Influence maps: which inputs :math:`x(s)` can move the output :math:`o(t)`, and how much.

For a model that maps one sequence :math:`x(1), \dots, x(T)` (each :math:`x(s)` of size
:math:`D`) to one output number per step, :math:`o(1), \dots, o(T)`, the Jacobian

.. math::

    J[t, s] = \frac{\partial o(t)}{\partial x(s)} \in \mathbb{R}^D, \qquad
    \text{influence}[t, s] = \lVert J[t, s] \rVert

says how strongly step :math:`s` of the input moves the output at step :math:`t`. Where the
influence is exactly zero, no change of :math:`x(s)` can change :math:`o(t)`: that is the
model's structure, not its weights. Four models of chapter 1, all with ``K = 1``, arrays of
one sequence ``x`` of shape ``(T, D)``, every Jacobian of shape ``(T, T, D)`` with
``J[t - 1, s - 1]`` for steps :math:`t, s`:

* :func:`dense_jacobian`: a dense layer on the flattened input,
  :math:`o = \tanh(W \operatorname{vec}(x) + b)`, ``W (T, T*D)``: every output sees every step;
* :func:`conv_jacobian`: a 1-D convolution of width :math:`k` (zero padding, centred), then
  :math:`\tanh`, a readout :math:`v`, and an average over a window of :math:`p` positions:
  :math:`o(t)` sees only the :math:`k + p - 1` steps around :math:`t`;
* :func:`rnn_jacobian`: the simple RNN of :mod:`lstmkit.rnn`: :math:`o(t)` sees
  :math:`x(1), \dots, x(t)` and nothing after;
* :func:`birnn_jacobian`: the bidirectional RNN of :mod:`lstmkit.birnn`: every step.

The RNN Jacobians come from backpropagation: one :func:`lstmkit.rnn.backward` pass whose
batch holds :math:`T` copies of the sequence, copy :math:`t` seeded with
:math:`\partial J/\partial o(t) = 1`, gives every row at once.
"""

import numpy as np

from . import _checks, birnn, rnn

__all__ = [
    "influence",
    "dense_forward",
    "dense_jacobian",
    "conv_forward",
    "conv_jacobian",
    "rnn_forward",
    "rnn_jacobian",
    "birnn_forward",
    "birnn_jacobian",
]


def _sequence(x):
    _checks.float_array("x", x)
    if x.ndim != 2:
        raise ValueError(f"x must be one sequence of shape (T, D); got shape {x.shape}")
    return x.shape


def influence(J):
    r"""``influence[t, s]`` :math:`= \lVert \partial o(t)/\partial x(s) \rVert`, ``(T, T)``."""
    _checks.float_array("J", J)
    if J.ndim != 3 or J.shape[0] != J.shape[1]:
        raise ValueError(f"J must have shape (T, T, D); got {J.shape}")
    return np.linalg.norm(J, axis=-1)


def _dense_check(W, b, x):
    T, D = _sequence(x)
    if W.shape != (T, T * D) or b.shape != (T,):
        raise ValueError(
            f"W must have shape (T, T*D) = {(T, T * D)} and b (T,) = {(T,)} for x of shape "
            f"{x.shape}; got W {W.shape}, b {b.shape}"
        )
    return T, D


def dense_forward(W, b, x):
    r""":math:`o = \tanh(W \operatorname{vec}(x) + b)`, one output per step, shape ``(T,)``."""
    _dense_check(W, b, x)
    return np.tanh(W @ x.reshape(-1) + b)


def dense_jacobian(W, b, x):
    r""":math:`\partial o(t)/\partial x(s) = (1 - o(t)^2)\, W[t, sD:(s+1)D]`, ``(T, T, D)``."""
    T, D = _dense_check(W, b, x)
    o = dense_forward(W, b, x)
    return ((1.0 - o * o)[:, None] * W).reshape(T, T, D)


def _conv_check(kernel, bias, v, pool, x):
    T, D = _sequence(x)
    if kernel.ndim != 3 or kernel.shape[1] != D:
        raise ValueError(f"kernel must have shape (k, D, F) with D = {D}; got {kernel.shape}")
    F = kernel.shape[2]
    if bias.shape != (F,) or v.shape != (F,):
        raise ValueError(f"bias and v must have shape (F,) = ({F},); got {bias.shape}, {v.shape}")
    pool = _checks.positive_int("pool", pool)
    return T, kernel.shape[0], pool


def _conv_hidden(kernel, bias, x):
    """a(u) = tanh(bias + sum_j kernel[j]^T x(u + j - k//2)), zero padding: (T, F)."""
    T, _ = x.shape
    k = kernel.shape[0]
    padded = np.zeros((T + k - 1, x.shape[1]), dtype=x.dtype)
    padded[k // 2 : k // 2 + T] = x
    windows = np.lib.stride_tricks.sliding_window_view(padded, k, axis=0)  # (T, D, k)
    return np.tanh(np.einsum("udj,jdf->uf", windows, kernel) + bias)


def _pool_window(t, pool, T):
    """The positions u averaged into o(t): t - pool//2 ... t - pool//2 + pool - 1, in range."""
    first = t - pool // 2
    return range(max(first, 0), min(first + pool, T))


def conv_forward(kernel, bias, v, pool, x):
    r"""Convolution, :math:`\tanh`, readout, average pooling.

    .. math::

        a(u) = \tanh\Big(\text{bias} + \sum_{j=0}^{k-1} \text{kernel}[j]^\top
        x(u + j - \lfloor k/2 \rfloor)\Big),

        o(t) = \frac{1}{p} \sum_{u \in P(t)} v^\top a(u)

    with :math:`x = 0` outside the sequence and :math:`P(t)` the (in-range) positions
    :math:`t - \lfloor p/2 \rfloor, \dots, t - \lfloor p/2 \rfloor + p - 1`.

    Parameters
    ----------
    kernel : ndarray, shape (k, D, F)
    bias, v : ndarray, shape (F,)
    pool : int
        The pooling width :math:`p`.
    x : ndarray, shape (T, D)

    Returns
    -------
    ndarray, shape (T,)
    """
    T, _, pool = _conv_check(kernel, bias, v, pool, x)
    g = _conv_hidden(kernel, bias, x) @ v
    return np.array([g[list(_pool_window(t, pool, T))].sum() / pool for t in range(T)])


def conv_jacobian(kernel, bias, v, pool, x):
    r""":math:`\partial o(t)/\partial x(s) = \frac1p \sum_{u \in P(t)}
    \text{kernel}[s - u + \lfloor k/2\rfloor]\,\big(v \odot (1 - a(u)^2)\big)`, ``(T, T, D)``.

    The sum runs over the :math:`u` for which the kernel index lies in
    :math:`0, \dots, k-1`, so :math:`J[t, s] = 0` exactly when :math:`s` is outside the
    receptive field of :math:`o(t)`.
    """
    T, k, pool = _conv_check(kernel, bias, v, pool, x)
    a = _conv_hidden(kernel, bias, x)
    da = (1.0 - a * a) * v  # d g(u) / d z(u), (T, F)
    J = np.zeros((T, T, x.shape[1]), dtype=x.dtype)
    for t in range(T):
        for u in _pool_window(t, pool, T):
            for j in range(k):
                s = u + j - k // 2
                if 0 <= s < T:
                    J[t, s] += kernel[j] @ da[u] / pool
    return J


def _rnn_check(params, x, K):
    T, D = _sequence(x)
    if K != 1:
        raise ValueError(f"influence maps need one output per step (K = 1); got K = {K}")
    return T, D


def rnn_forward(params, x):
    """The outputs :math:`o(t)` of :func:`lstmkit.rnn.forward` for one sequence, ``(T,)``."""
    _rnn_check(params, x, params["V"].shape[0])
    return rnn.forward(params, x[:, None, :]).o[:, 0, 0]


def rnn_jacobian(params, x):
    r""":math:`\partial o(t)/\partial x(s)` of the simple RNN by backpropagation, ``(T, T, D)``.

    Zero for :math:`s > t`: nothing after step :math:`t` enters :math:`o(t)`.
    """
    T, D = _rnn_check(params, x, params["V"].shape[0])
    copies = np.repeat(x[:, None, :], T, axis=1)  # (T, B=T, D): copy t answers for o(t)
    cache = rnn.forward(params, copies)
    seed = np.zeros_like(cache.o)
    seed[np.arange(T), np.arange(T), 0] = 1.0
    _, deltas = rnn.backward(params, cache, seed)
    return deltas.x.transpose(1, 0, 2).copy()


def birnn_forward(params, x):
    """The outputs :math:`o(t)` of :func:`lstmkit.birnn.forward` for one sequence, ``(T,)``."""
    _rnn_check(params, x, params["V_f"].shape[0])
    return birnn.forward(params, x[:, None, :]).o[:, 0, 0]


def birnn_jacobian(params, x):
    r""":math:`\partial o(t)/\partial x(s)` of the bidirectional RNN, ``(T, T, D)``.

    The forward chain fills :math:`s \le t`, the backward chain :math:`s \ge t`.
    """
    T, D = _rnn_check(params, x, params["V_f"].shape[0])
    copies = np.repeat(x[:, None, :], T, axis=1)
    cache = birnn.forward(params, copies)
    seed = np.zeros_like(cache.o)
    seed[np.arange(T), np.arange(T), 0] = 1.0
    _, dJ_dx = birnn.backward(params, cache, seed)
    return dJ_dx.transpose(1, 0, 2).copy()
