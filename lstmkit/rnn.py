r"""The simple recurrent network and backpropagation through time (BPTT).

Notation of Goodfellow, Bengio and Courville (2016), chapter 10. For every time step
:math:`t = 1, \dots, T` and every batch entry,

.. math::

    a(t) &= b + W h(t-1) + U x(t) \\
    h(t) &= \tanh\big(a(t)\big) \\
    o(t) &= c + V h(t)

with a given initial state :math:`h(0)`, the argument ``h0`` (zeros by default).

Arrays are time-major: ``x`` has shape ``(T, B, D)``, ``a`` and ``h`` have shape
``(T, B, H)``, ``o`` has shape ``(T, B, K)``. Step :math:`t` is stored at array index
``t - 1``: ``x[t - 1]`` is :math:`x(t)`, ``cache.h[t - 1]`` is :math:`h(t)`, and
``cache.h[-1]`` is the last state :math:`h(T)`. Batch entries are rows, so in code the
matrix products read ``h @ W.T``; the equations above are written for one column vector.

The parameters are a plain dict:

=======  ==========  ====================================
key      shape       role
=======  ==========  ====================================
``U``    ``(H, D)``  input to hidden
``W``    ``(H, H)``  hidden to hidden (the recurrence)
``b``    ``(H,)``    hidden bias
``V``    ``(K, H)``  hidden to output
``c``    ``(K,)``    output bias
=======  ==========  ====================================

Examples
--------
>>> import numpy as np
>>> import lstmkit as lk
>>> rng = np.random.default_rng(0)
>>> params = lk.rnn.init_params(3, 5, 2, rng=rng)
>>> x = rng.standard_normal((4, 2, 3))          # T=4 steps, B=2 sequences, D=3
>>> cache = lk.rnn.forward(params, x)
>>> dJ_do = np.ones_like(cache.o)               # J = sum of all outputs
>>> grads, deltas = lk.rnn.backward(params, cache, dJ_do)
>>> grads["W"].shape, deltas.h.shape
((5, 5), (4, 2, 5))
"""

from dataclasses import dataclass

import numpy as np

from . import _checks

__all__ = [
    "RNNCache",
    "RNNDeltas",
    "init_params",
    "forward",
    "backward",
    "chunked_bptt",
    "step_contributions",
    "hidden_jacobian",
    "spectral_radius",
    "error_by_lag",
    "marker_gradients",
    "kept_paths",
    "tbptt_gradient",
]

PARAM_SHAPES = {"U": ("H", "D"), "W": ("H", "H"), "b": ("H",), "V": ("K", "H"), "c": ("K",)}


@dataclass(eq=False, repr=False)
class RNNCache:
    r"""Everything the forward pass computed, kept for the backward pass.

    Every array of shape ``(T, ...)`` holds step :math:`t` at index ``t - 1``.

    Attributes
    ----------
    x : ndarray, shape (T, B, D)
        The inputs :math:`x(t)`.
    a : ndarray, shape (T, B, H)
        Pre-activations :math:`a(t) = b + W h(t-1) + U x(t)`.
    h : ndarray, shape (T, B, H)
        Hidden states :math:`h(t) = \tanh(a(t))`.
    o : ndarray, shape (T, B, K)
        Outputs :math:`o(t) = c + V h(t)`.
    h0 : ndarray, shape (B, H)
        The initial state :math:`h(0)`.
    h_prev : ndarray, shape (T, B, H)
        :math:`h(t-1)` for every step :math:`t` (at index ``t - 1``), so ``h_prev[0]``
        is :math:`h(0)`, i.e. ``h0`` (a view, not a copy).
    """

    x: np.ndarray
    a: np.ndarray
    h: np.ndarray
    o: np.ndarray
    h0: np.ndarray
    h_prev: np.ndarray

    __repr__ = _checks.shapes_repr


@dataclass(eq=False, repr=False)
class RNNDeltas:
    r"""Derivatives of the loss :math:`J` with respect to the variables of the forward pass.

    They are *total* derivatives: every path from the variable to :math:`J` is counted
    (with ``truncate=k``, only the paths kept by the truncation, see :func:`backward`).
    As in :class:`RNNCache`, step :math:`t` is stored at index ``t - 1``.

    Attributes
    ----------
    o : ndarray, shape (T, B, K)
        :math:`\partial J / \partial o(t)`, the upstream gradient passed to :func:`backward`.
    h : ndarray, shape (T, B, H)
        :math:`\delta h(t) = V^\top \partial J/\partial o(t) + W^\top \delta a(t+1)`.
    a : ndarray, shape (T, B, H)
        :math:`\delta a(t) = \delta h(t) \odot \big(1 - h(t)^2\big)`.
    x : ndarray, shape (T, B, D)
        :math:`\delta x(t) = U^\top \delta a(t)`.
    h0 : ndarray, shape (B, H)
        :math:`\delta h(0) = W^\top \delta a(1)`, the gradient for the initial state.
    """

    o: np.ndarray
    h: np.ndarray
    a: np.ndarray
    x: np.ndarray
    h0: np.ndarray

    __repr__ = _checks.shapes_repr


def init_params(n_in, n_hidden, n_out, *, rng, scale=None, dtype=np.float64):
    r"""Random parameters for a simple RNN with ``D = n_in``, ``H = n_hidden``, ``K = n_out``.

    The weight matrices are drawn from :math:`\mathcal{N}(0, s^2)`; the biases are zero.

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        Sizes ``D``, ``H`` and ``K``.
    rng : numpy.random.Generator
        Source of randomness (required, so that every run is reproducible).
    scale : float, optional
        The standard deviation :math:`s` of every weight. By default each matrix uses
        :math:`s = 1/\sqrt{\text{fan-in}}`: :math:`1/\sqrt{D}` for ``U`` and
        :math:`1/\sqrt{H}` for ``W`` and ``V``.
    dtype : float32 or float64
        The dtype of every array.

    Returns
    -------
    dict
        ``U (H, D)``, ``W (H, H)``, ``b (H,)``, ``V (K, H)``, ``c (K,)``.
    """
    D = _checks.positive_int("n_in", n_in)
    H = _checks.positive_int("n_hidden", n_hidden)
    K = _checks.positive_int("n_out", n_out)
    _checks.generator(rng)
    dtype = np.dtype(dtype)
    if dtype not in _checks.FLOAT_DTYPES:
        raise TypeError(f"dtype must be float32 or float64; got {dtype}")

    def weight(rows, cols):
        s = 1.0 / np.sqrt(cols) if scale is None else scale
        return (s * rng.standard_normal((rows, cols))).astype(dtype)

    return {
        "U": weight(H, D),
        "W": weight(H, H),
        "b": np.zeros(H, dtype=dtype),
        "V": weight(K, H),
        "c": np.zeros(K, dtype=dtype),
    }


def forward(params, x, h0=None):
    r"""Run the RNN over a batch of sequences.

    .. math::

        a(t) &= b + W h(t-1) + U x(t), \\
        h(t) &= \tanh\big(a(t)\big), \\
        o(t) &= c + V h(t)

    The input part :math:`b + U x(t)` and the outputs :math:`o(t)` are computed for all
    time steps with one matrix product each; only :math:`W h(t-1)` needs the loop.

    Parameters
    ----------
    params : dict
        ``U``, ``W``, ``b``, ``V``, ``c`` (see :func:`init_params`).
    x : ndarray, shape (T, B, D)
        Input sequences, time-major. Same float dtype as the parameters.
    h0 : ndarray, shape (B, H), optional
        Initial state :math:`h(0)`; zeros if omitted.

    Returns
    -------
    RNNCache
        ``x, a, h, o, h0`` (and ``h_prev``), ready for :func:`backward`.
    """
    shapes, dtype = _checks.params(params, PARAM_SHAPES)
    _checks.data("x", x, ("T", "B", "D"), shapes, dtype)
    h0 = _checks.state("h0", h0, shapes, dtype)
    U, W, b, V, c = (params[k] for k in ("U", "W", "b", "V", "c"))
    T, B, D = x.shape
    H = W.shape[0]

    # a(t) = b + U x(t) for all t at once; the loop then adds W h(t-1).
    a = (x.reshape(T * B, D) @ U.T).reshape(T, B, H)
    a += b  # in place: no second (T, B, H) array
    h_all = np.empty((T + 1, B, H), dtype=dtype)  # h_all[t] = h(t) for t = 0..T
    h_all[0] = h0  # h(0)
    h_prev, h = h_all[:-1], h_all[1:]  # h[t - 1] = h(t), h_prev[t - 1] = h(t-1)
    # The loop index t is the array index of step t + 1.
    for t in range(T):
        a[t] += h_prev[t] @ W.T
        np.tanh(a[t], out=h[t])

    o = (h.reshape(T * B, H) @ V.T).reshape(T, B, -1)
    o += c
    return RNNCache(x=x, a=a, h=h, o=o, h0=h_all[0], h_prev=h_prev)


def backward(params, cache, dJ_do, truncate=None):
    r"""Backpropagation through time: the gradient of :math:`J` and the deltas.

    Given :math:`\partial J/\partial o(t)` for every step, run backwards from
    :math:`t = T` (where :math:`\delta a(T+1) = 0`)

    .. math::

        \delta h(t) &= V^\top \frac{\partial J}{\partial o(t)} + W^\top \delta a(t+1) \\
        \delta a(t) &= \delta h(t) \odot \big(1 - h(t)^2\big)

    and sum the contributions of all steps (and all batch entries):

    .. math::

        \frac{\partial J}{\partial U} = \sum_t \delta a(t)\, x(t)^\top, \quad
        \frac{\partial J}{\partial W} = \sum_t \delta a(t)\, h(t-1)^\top, \quad
        \frac{\partial J}{\partial b} = \sum_t \delta a(t), \\
        \frac{\partial J}{\partial V} = \sum_t \frac{\partial J}{\partial o(t)} h(t)^\top,
        \quad
        \frac{\partial J}{\partial c} = \sum_t \frac{\partial J}{\partial o(t)}.

    With ``truncate=k`` the error of each output :math:`o(t)` is carried back at most
    :math:`k` steps: only the paths from :math:`o(t)` to :math:`a(s)` with
    :math:`t - s < k` are summed (``k = 1`` keeps no path through :math:`W`; ``None`` or
    ``k >= T`` is full BPTT). This costs :math:`k` times the work of full BPTT.
    :func:`chunked_bptt` is the other truncation, by chunks.

    Parameters
    ----------
    params : dict
        The parameters used in :func:`forward`.
    cache : RNNCache
        What :func:`forward` returned.
    dJ_do : ndarray, shape (T, B, K)
        :math:`\partial J / \partial o(t)` at index ``t - 1``; zeros at steps without
        a loss term.
    truncate : int, optional
        Truncation length ``k``; ``None`` means full BPTT.

    Returns
    -------
    grads : dict
        :math:`\partial J/\partial\theta` for ``U, W, b, V, c``, same shapes as ``params``.
    deltas : RNNDeltas
        ``o (T, B, K)``, ``h, a (T, B, H)``, ``x (T, B, D)``, ``h0 (B, H)``, as described
        in :class:`RNNDeltas`.
    """
    shapes, dtype = _checks.params(params, PARAM_SHAPES)
    tbh = ("T", "B", "H")
    _checks.cache(
        cache,
        RNNCache,
        {"x": ("T", "B", "D"), "a": tbh, "h": tbh, "h_prev": tbh, "o": ("T", "B", "K")},
        shapes,
        dtype,
    )
    _checks.data("dJ_do", dJ_do, ("T", "B", "K"), shapes, dtype)
    truncate = _checks.truncate(truncate)
    U, W, V = params["U"], params["W"], params["V"]
    x, h, h_prev = cache.x, cache.h, cache.h_prev
    T, B, D = x.shape
    H, K = W.shape[0], V.shape[0]

    # What o(t) sends to h(t) directly, and tanh'(a(t)) = 1 - h(t)^2, for all t at once.
    dJ_dh_local = (dJ_do.reshape(T * B, K) @ V).reshape(T, B, H)
    dtanh = 1.0 - h * h

    if truncate is None or truncate >= T:
        delta_h, delta_a = _bptt_full(W, dJ_dh_local, dtanh)
    else:
        delta_h, delta_a = _bptt_truncated(W, dJ_dh_local, dtanh, truncate)

    da = delta_a.reshape(T * B, H)
    do = dJ_do.reshape(T * B, K)
    grads = {
        "U": da.T @ x.reshape(T * B, D),
        "W": da.T @ h_prev.reshape(T * B, H),
        "b": da.sum(axis=0),
        "V": do.T @ h.reshape(T * B, H),
        "c": do.sum(axis=0),
    }
    deltas = RNNDeltas(
        o=dJ_do,
        h=delta_h,
        a=delta_a,
        x=(da @ U).reshape(T, B, D),
        h0=delta_a[0] @ W,
    )
    return grads, deltas


def _bptt_full(W, dJ_dh_local, dtanh):
    """delta_h(t) = dJ_dh_local(t) + W^T delta_a(t+1);  delta_a(t) = delta_h(t) * dtanh(t)."""
    T = len(dtanh)
    delta_h, delta_a = np.empty((2, *dtanh.shape), dtype=dtanh.dtype)  # one block of memory
    for t in reversed(range(T)):  # array index t is step t + 1; no delta_a after the last
        delta_h[t] = dJ_dh_local[t]
        if t < T - 1:
            delta_h[t] += delta_a[t + 1] @ W
        np.multiply(delta_h[t], dtanh[t], out=delta_a[t])
    return delta_h, delta_a


def _bptt_truncated(W, dJ_dh_local, dtanh, k):
    """Truncated BPTT that keeps the paths from o(t) to a(s) with t - s < k.

    The error of each output is carried back separately for at most k steps (t and s are
    array indices here; only their difference matters). At step t,
    ``window[j]`` is the part of delta_h(t) that entered at o(t + j), for j = 0..k-1.
    Going from step t+1 to step t, every part moves one slot down (through W), the part
    in the last slot has travelled k steps and is dropped, and the error of o(t) enters
    slot 0. delta_h(t) is the sum over the window. The work is k times that of full BPTT,
    but it is one matrix product per step, with k*B rows.
    """
    T, B, H = dtanh.shape
    delta_h = np.empty_like(dtanh)
    delta_a = np.empty_like(dtanh)
    window = np.zeros((k, B, H), dtype=dtanh.dtype)
    window_a = np.zeros_like(window)  # window_a[j] = window[j] * dtanh(t): the parts of delta_a
    for t in reversed(range(T)):
        window[1:] = (window_a[:-1].reshape(-1, H) @ W).reshape(k - 1, B, H)
        window[0] = dJ_dh_local[t]
        np.multiply(window, dtanh[t], out=window_a)
        window.sum(axis=0, out=delta_h[t])
        window_a.sum(axis=0, out=delta_a[t])
    return delta_h, delta_a


def _half_squared_error(o, target):
    """J = 1/2 sum (o - target)^2 and dJ/do = o - target."""
    diff = o - target
    return 0.5 * float(np.vdot(diff, diff)), diff


def chunked_bptt(params, x, target, chunk, *, loss=None, h0=None, update=None):
    r"""Truncated BPTT by chunks: the state is carried over, the errors are not.

    The steps :math:`1, \dots, T` are cut into chunks of ``chunk`` steps (the last one
    may be shorter). For the chunk of steps :math:`s, \dots, e`:

    .. math::

        J_c = \sum_{t=s}^{e} \text{loss}\big(o(t), y(t)\big), \qquad
        g_c = \frac{\partial J_c}{\partial \theta}\Big|_{h(s-1)\ \text{held constant}}

    computed by :func:`forward` from the initial state :math:`h(s-1)`, the last state of
    the previous chunk (``h0`` for the first), and :func:`backward`, which stops at that
    state. Every step is run forward and backward once, as in full BPTT, but only
    ``chunk`` states are stored at a time. If ``update`` is given, ``update(g_c)`` is
    called after each chunk (for example an optimiser step that changes ``params`` in
    place), so the next chunk runs with the updated parameters.

    Parameters
    ----------
    params : dict
        ``U, W, b, V, c`` (see :func:`init_params`).
    x : ndarray, shape (T, B, D)
        The whole input sequence.
    target : ndarray, shape (T, B, K)
        The target :math:`y(t)` of every step.
    chunk : int
        Steps per chunk, at least 1; ``chunk >= T`` is one chunk, i.e. full BPTT.
    loss : callable, optional
        ``loss(o, target) -> (value, dJ/do)`` for the arrays of one chunk, shaped
        ``(k, B, K)``. Default: :math:`\tfrac12 \sum \lVert o(t) - y(t) \rVert^2`, whose
        derivative is :math:`o(t) - y(t)`.
    h0 : ndarray, shape (B, H), optional
        The initial state :math:`h(0)`; zeros if omitted.
    update : callable, optional
        Called as ``update(grads)`` after each chunk.

    Returns
    -------
    grads : list of dict
        :math:`g_c` for every chunk, each with the keys and shapes of ``params``.
    values : ndarray, shape (number of chunks,)
        :math:`J_c` for every chunk.
    h_last : ndarray, shape (B, H)
        The last state :math:`h(T)`.
    """
    shapes, dtype = _checks.params(params, PARAM_SHAPES)
    _checks.data("x", x, ("T", "B", "D"), shapes, dtype)
    _checks.data("target", target, ("T", "B", "K"), shapes, dtype)
    chunk = _checks.positive_int("chunk", chunk)
    h = _checks.state("h0", h0, shapes, dtype)
    if loss is None:
        loss = _half_squared_error
    elif not callable(loss):
        raise TypeError(f"loss must be a callable loss(o, target); got {type(loss).__name__}")
    if update is not None and not callable(update):
        raise TypeError(f"update must be a callable update(grads); got {type(update).__name__}")
    grads, values = [], []
    for start in range(0, x.shape[0], chunk):
        part = slice(start, start + chunk)
        cache = forward(params, x[part], h)
        value, dJ_do = loss(cache.o, target[part])
        g, _ = backward(params, cache, np.asarray(dJ_do, dtype=dtype))
        h = cache.h[-1].copy()  # carried into the next chunk as a constant
        grads.append(g)
        values.append(float(value))
        if update is not None:
            update(g)
    return grads, np.array(values), h


def step_contributions(cache, deltas):
    r"""The gradient split into the contributions of the single time steps.

    .. math::

        \begin{aligned}
        \Big(\frac{\partial J}{\partial U}\Big)(t) &= \delta a(t)\, x(t)^\top, & \qquad
        \Big(\frac{\partial J}{\partial W}\Big)(t) &= \delta a(t)\, h(t-1)^\top, \\
        \Big(\frac{\partial J}{\partial V}\Big)(t) &= \frac{\partial J}{\partial o(t)}\,
        h(t)^\top, & \qquad
        \Big(\frac{\partial J}{\partial b}\Big)(t) &= \delta a(t), \\
        \Big(\frac{\partial J}{\partial c}\Big)(t) &= \frac{\partial J}{\partial o(t)},
        \end{aligned}

    each summed over the batch; index ``t - 1`` of each result holds step :math:`t`.
    Summing over :math:`t` gives the ``grads`` of
    :func:`backward` (truncated or not, matching the ``deltas`` given).

    Parameters
    ----------
    cache : RNNCache
        From :func:`forward`.
    deltas : RNNDeltas
        From :func:`backward`.

    Returns
    -------
    dict
        ``U (T, H, D)``, ``W (T, H, H)``, ``b (T, H)``, ``V (T, K, H)``, ``c (T, K)``.
    """
    if not isinstance(cache, RNNCache):
        raise TypeError(f"cache must be the RNNCache returned by forward(); got {type(cache)}")
    if not isinstance(deltas, RNNDeltas):
        raise TypeError(f"deltas must be the RNNDeltas returned by backward(); got {type(deltas)}")
    if deltas.a.shape != cache.a.shape or deltas.o.shape != cache.o.shape:
        raise ValueError(
            f"deltas (a {deltas.a.shape}, o {deltas.o.shape}) do not belong to cache "
            f"(a {cache.a.shape}, o {cache.o.shape})"
        )
    da_T = deltas.a.transpose(0, 2, 1)  # (T, H, B)
    do_T = deltas.o.transpose(0, 2, 1)  # (T, K, B)
    return {
        "U": da_T @ cache.x,
        "W": da_T @ cache.h_prev,
        "b": deltas.a.sum(axis=1),
        "V": do_T @ cache.h,
        "c": deltas.o.sum(axis=1),
    }


def hidden_jacobian(params, cache, t):
    r"""The Jacobian :math:`\partial h(s) / \partial h(s-1)` of the step stored at index ``t``.

    The argument ``t`` is an array index, so it selects step :math:`s = t + 1`:

    .. math::

        \frac{\partial h(s)}{\partial h(s-1)} = \operatorname{diag}\big(1 - h(s)^2\big)\, W

    Backpropagation multiplies the error :math:`\delta h(s)` by the transpose,
    :math:`W^\top \operatorname{diag}(1 - h(s)^2)` (the form written by Pascanu et al.
    2013), once per step, so products of these matrices decide whether errors vanish or
    explode over long time lags.

    Parameters
    ----------
    params : dict
    cache : RNNCache
        From :func:`forward`.
    t : int
        The array index of the step, ``0 <= t < T``: index ``t`` holds step
        :math:`s = t + 1`, so ``t = 0`` gives the derivative of :math:`h(1)` with respect
        to the initial state :math:`h(0)` (``h0``), and ``t = T - 1`` that of :math:`h(T)`.

    Returns
    -------
    ndarray, shape (B, H, H)
        ``jac[b, j, k]`` is :math:`\partial h_j(s) / \partial h_k(s-1)` for batch entry ``b``.
    """
    shapes, dtype = _checks.params(params, PARAM_SHAPES)
    _checks.cache(cache, RNNCache, {"h": ("T", "B", "H")}, shapes, dtype)
    h = cache.h[_checks.time_step(t, shapes["T"])]
    return (1.0 - h * h)[:, :, None] * params["W"]


def spectral_radius(W):
    r"""The spectral radius :math:`\rho(W) = \max_i \lvert\lambda_i(W)\rvert`.

    Powers of :math:`W` grow like :math:`\rho^\ell` in the long run (Gelfand:
    :math:`\lVert W^\ell\rVert^{1/\ell} \to \rho`), while the largest singular value
    :math:`\sigma_\text{max} \ge \rho` bounds only one step.
    """
    W = _checks.finite("W", _checks.float_array("W", W))
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square matrix (H, H); got shape {W.shape}")
    return float(np.abs(np.linalg.eigvals(W)).max())


def error_by_lag(params, x):
    r"""How much of the error of the last output reaches each earlier state.

    .. math::

        e(\ell) = \frac{1}{B}\sum_{n}\Big\lVert
        \frac{\partial o^{(T)}_n}{\partial h^{(T-\ell)}_n}\Big\rVert,
        \qquad \ell = 0, \dots, T-1

    (one output unit, ``K = 1``), computed by one :func:`backward` pass seeded with
    :math:`\delta o^{(T)} = 1` and zero elsewhere.

    Parameters
    ----------
    params : dict
        ``U, W, b, V, c`` with ``K = 1``.
    x : ndarray, shape (T, B, D)

    Returns
    -------
    ndarray, shape (T,)
        ``e[l]`` for lag ``l``.
    """
    shapes, _ = _checks.params(params, PARAM_SHAPES)
    if shapes["K"] != 1:
        raise ValueError(
            f"error_by_lag needs one output unit (V of shape (1, H)); got K = {shapes['K']}"
        )
    cache = forward(params, x)
    seed = np.zeros_like(cache.o)
    seed[-1] = 1.0
    _, deltas = backward(params, cache, seed)
    return np.linalg.norm(deltas.h, axis=2).mean(axis=1)[::-1]


def marker_gradients(params, x):
    r"""How much the last output of each sequence moves with its two marked numbers.

    For the adding problem (:func:`lstmkit.tasks.adding_problem`: channel 0 holds the
    numbers :math:`v(t)`, channel 1 the two markers at steps :math:`t_1 < t_2`):

    .. math::

        g_i = \frac{\partial o^{(T)}}{\partial v(t_i)}
            = \big(U^\top \delta a^{(t_i)}\big)_0, \qquad i = 1, 2,

    from one :func:`backward` pass seeded with :math:`\delta o^{(T)} = 1` and zero
    elsewhere. A network that predicts :math:`v(t_1) + v(t_2)` has :math:`g_1 = g_2 = 1`;
    one that ignores the first number has :math:`g_1 \approx 0`.

    Parameters
    ----------
    params : dict
        ``U, W, b, V, c`` with ``D = 2`` inputs and ``K = 1`` output.
    x : ndarray, shape (T, B, 2)
        Adding-problem inputs, exactly two markers per sequence.

    Returns
    -------
    ndarray, shape (B, 2)
        :math:`g_1, g_2` of every sequence.
    """
    shapes, dtype = _checks.params(params, PARAM_SHAPES)
    if shapes["K"] != 1 or shapes["D"] != 2:
        raise ValueError(
            "marker_gradients needs D = 2 inputs and K = 1 output; "
            f"got D = {shapes['D']}, K = {shapes['K']}"
        )
    _checks.data("x", x, ("T", "B", "D"), shapes, dtype)
    marked = x[:, :, 1] != 0
    if not np.all(marked.sum(axis=0) == 2):
        raise ValueError("every sequence of x needs exactly two markers in channel 1")
    cache = forward(params, x)
    seed = np.zeros_like(cache.o)
    seed[-1] = 1.0
    _, deltas = backward(params, cache, seed)
    steps = np.nonzero(marked.T)[1].reshape(-1, 2)  # (B, 2): t_1 - 1, t_2 - 1
    rows = np.arange(x.shape[1])[:, None]
    return deltas.x[steps, rows, 0]


def _tbptt_blocks(T, k1, k2):
    """(first error step, last step, first step reached) of every block, 0-based."""
    k1 = _checks.positive_int("k1", k1)
    k2 = _checks.positive_int("k2", k2)
    if k2 < k1:
        raise ValueError(f"TBPTT(k1, k2) needs k2 >= k1; got k1={k1}, k2={k2}")
    ends = list(range(k1 - 1, T, k1))
    if not ends or ends[-1] != T - 1:
        ends.append(T - 1)  # the last, shorter block
    starts = [0] + [e + 1 for e in ends[:-1]]
    return [(s, e, max(s - (k2 - k1), 0)) for s, e in zip(starts, ends, strict=True)]


def kept_paths(T, k1, k2):
    r"""Which error paths TBPTT(:math:`k_1, k_2`) keeps: ``M[s, t]`` for output step
    :math:`s` and pre-activation step :math:`t` (0-based).

    After every :math:`k_1` steps (at step :math:`\tau`), the errors of the last
    :math:`k_1` outputs are carried back to step :math:`\tau - k_2 + 1` and no further
    (Williams and Peng 1990; Sutskever 2013):

    .. math::

        M[s, t] = \big[\tau(s) - k_2 < t \le s\big]

    with :math:`\tau(s)` the end of the block of :math:`s`; a last, shorter block (when
    :math:`k_1` does not divide :math:`T`) also reaches :math:`k_2 - k_1` steps before its
    first step. ``(T, T)`` is full BPTT,
    ``(k, k)`` chunks of :math:`k` steps, ``(1, k)`` every error truncated to :math:`k`
    steps (``backward(..., truncate=k)``).
    """
    T = _checks.positive_int("T", T)
    M = np.zeros((T, T), dtype=bool)
    for first, last, reach in _tbptt_blocks(T, k1, k2):
        for s in range(first, last + 1):
            M[s, reach : s + 1] = True
    return M


def tbptt_gradient(params, x, target, k1, k2):
    r"""The TBPTT(:math:`k_1, k_2`) gradient at fixed parameters, and what it cost.

    The forward pass runs once; a buffer keeps only the states that a later block can
    still need. At the end of every block (every :math:`k_1` steps, see
    :func:`kept_paths`) the errors :math:`o(t) - y(t)` of the block's outputs, for
    :math:`J = \tfrac12\sum_t\lVert o(t)-y(t)\rVert^2`, are carried back
    :math:`k_2` steps from the block's end:

    .. math::

        \delta h(t) = V^\top \delta o_\text{block}(t) + W^\top \delta a(t+1),
        \qquad t = \tau, \tau-1, \dots, \tau - k_2 + 1

    and the contributions :math:`\delta a(t)\,h(t-1)^\top` etc. are summed over the
    blocks (no update in between, so the sum can be compared with the full gradient).

    Returns
    -------
    grads : dict
        Summed over blocks; ``(T, T)`` gives the gradient of :math:`J`.
    cost : dict
        ``"products"``: the backward matrix products :math:`\delta a(t+1)\,W` counted as
        they run (one per step carried back within a block); ``"states"``: the largest
        number of hidden states held in the buffer at once (including :math:`h(0)`).
    """
    shapes, dtype = _checks.params(params, PARAM_SHAPES)
    _checks.data("x", x, ("T", "B", "D"), shapes, dtype)
    _checks.data("target", target, ("T", "B", "K"), shapes, dtype)
    U, W, b, V, c = (params[k] for k in ("U", "W", "b", "V", "c"))
    T, B, _ = x.shape
    blocks = _tbptt_blocks(T, k1, k2)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    states = {-1: np.zeros((B, shapes["H"]), dtype=dtype)}  # step index -> h; -1 is h(0)
    products = most = 0
    block = 0
    for t in range(T):
        states[t] = np.tanh(b + states[t - 1] @ W.T + x[t] @ U.T)
        most = max(most, len(states))
        first, last, reach = blocks[block]
        if t < last:
            continue
        delta_a_next = None
        for s in range(last, reach - 1, -1):
            h = states[s]
            delta_o = c + h @ V.T - target[s] if s >= first else np.zeros((B, shapes["K"]))
            delta_h = delta_o @ V
            if delta_a_next is not None:
                delta_h = delta_h + delta_a_next @ W
                products += 1
            delta_a = (1.0 - h * h) * delta_h
            grads["U"] += delta_a.T @ x[s]
            grads["W"] += delta_a.T @ states[s - 1]
            grads["b"] += delta_a.sum(axis=0)
            grads["V"] += delta_o.T @ h
            grads["c"] += delta_o.sum(axis=0)
            delta_a_next = delta_a
        block += 1
        if block < len(blocks):  # keep only the states the next block can reach
            keep_from = blocks[block][2] - 1
            for s in [s for s in states if s < keep_from]:
                del states[s]
    return grads, {"products": products, "states": most}
