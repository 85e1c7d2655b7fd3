r"""A small training loop for recurrent models that read out after the last step.

*Many-to-one* models see a whole sequence and predict once, from the last state:

* the simple RNN uses its own output, :math:`\hat y = o(T) = c + V h(T)`
  (:func:`rnn_many_to_one`);
* the LSTM gets a linear readout, :math:`\hat y = V_\text{out}\, y(T) + c_\text{out}`,
  whose parameters ``V_out (K, H)`` and ``c_out (K,)`` live in the same dict as the
  LSTM's (:func:`init_lstm_many_to_one`, :func:`lstm_many_to_one`).

Step :math:`t` is stored at array index ``t - 1``, so the last step :math:`T` is the
index ``-1``: :math:`o(T)` is ``cache.o[-1]`` and :math:`y(T)` is ``cache.y[-1]``.

Such an *objective* maps ``(params, x, target)`` to ``(loss value, grads)``, and
:func:`fit` repeats: take a batch, compute the objective, clip the gradient (optional),
let the optimiser step. For example, the adding problem with a small LSTM::

    rng = np.random.default_rng(0)
    params = init_lstm_many_to_one(2, 16, 1, rng=rng)
    history = fit(lstm_many_to_one, params, tasks.adding_batches(20, 32, rng=rng),
                  optim.Adam(lr=1e-2), steps=500, clip=1.0)
    history.loss[-50:].mean()          # compare with 1/6, the constant-prediction MSE

Truncated BPTT for the RNN: pass
``functools.partial(rnn_many_to_one, truncate=k)`` as the objective; an LSTM variant:
``functools.partial(lstm_many_to_one, variant="no_forget_gate")``. The LSTM objectives
compute with :mod:`lstmkit.lstm_fast`, the same numbers as :mod:`lstmkit.lstm`, faster.
"""

import itertools
from dataclasses import dataclass

import numpy as np

from . import _checks, losses, lstm, lstm_fast, optim, rnn

__all__ = [
    "History",
    "rnn_many_to_one",
    "predict_rnn",
    "init_lstm_many_to_one",
    "lstm_many_to_one",
    "predict_lstm",
    "lstm_many_to_many",
    "predict_lstm_every_step",
    "fit",
    "repeat_batch",
    "shuffled_batches",
]

READOUT_SHAPES = {"V_out": ("K", "H"), "c_out": ("K",)}


@dataclass(eq=False)
class History:
    """What :func:`fit` recorded, one entry per step.

    Attributes
    ----------
    loss : ndarray, shape (steps,)
        The objective's value on each step's batch (before that step's update).
    grad_norm : ndarray, shape (steps,)
        The norm of the whole gradient, before clipping.
    """

    loss: np.ndarray
    grad_norm: np.ndarray

    def __repr__(self):
        if len(self.loss) == 0:
            return "History(steps=0)"
        return (
            f"History(steps={len(self.loss)}, first loss={self.loss[0]:.4g}, "
            f"last loss={self.loss[-1]:.4g})"
        )


def rnn_many_to_one(params, x, target, *, loss=losses.mse, truncate=None):
    r"""Loss and gradient of a simple RNN that predicts from its last output.

    .. math::

        \hat y = o(T), \qquad J = \text{loss}(\hat y, \text{target}), \qquad
        \frac{\partial J}{\partial o(t)} = 0 \text{ for } t < T

    Parameters
    ----------
    params : dict
        Simple RNN parameters (:func:`lstmkit.rnn.init_params`), ``K`` outputs.
    x : ndarray, shape (T, B, D)
    target : ndarray, shape (B, K)
    loss : callable
        ``loss(y_hat, target) -> (value, dJ/dy_hat)``, e.g. :func:`lstmkit.losses.mse`.
    truncate : int, optional
        Truncated BPTT, see :func:`lstmkit.rnn.backward`.

    Returns
    -------
    value : float
    grads : dict
    """
    cache = rnn.forward(params, x)
    value, dJ_dyhat = loss(cache.o[-1], target)
    dJ_do = np.zeros_like(cache.o)
    dJ_do[-1] = dJ_dyhat
    grads, _ = rnn.backward(params, cache, dJ_do, truncate=truncate)
    return value, grads


def predict_rnn(params, x):
    """The many-to-one prediction :math:`o(T)` (``cache.o[-1]``) of a simple RNN, ``(B, K)``."""
    return rnn.forward(params, x).o[-1]


def init_lstm_many_to_one(
    n_in, n_hidden, n_out, *, rng, peepholes=True, forget_bias=1.0, dtype=np.float64
):
    r"""LSTM parameters (:func:`lstmkit.lstm.init_params`) plus a linear readout.

    ``V_out`` has shape ``(K, H)`` with entries from :math:`\mathcal{N}(0, 1/H)`;
    ``c_out`` has shape ``(K,)`` and starts at zero.
    """
    params = lstm.init_params(
        n_in, n_hidden, rng=rng, peepholes=peepholes, forget_bias=forget_bias, dtype=dtype
    )
    K = _checks.positive_int("n_out", n_out)
    H = params["R_z"].shape[0]
    params["V_out"] = (rng.standard_normal((K, H)) / np.sqrt(H)).astype(dtype)
    params["c_out"] = np.zeros(K, dtype=dtype)
    return params


def _split_readout(params):
    """Separate ``V_out, c_out`` from the LSTM parameters and check their shapes."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of numpy arrays; got {type(params).__name__}")
    missing = [k for k in READOUT_SHAPES if k not in params]
    if missing:
        raise ValueError(
            f"params is missing the readout key(s) {', '.join(map(repr, missing))}; "
            "see init_lstm_many_to_one"
        )
    core = {k: v for k, v in params.items() if k not in READOUT_SHAPES}
    shapes, dtype = lstm._check(core, "vanilla")
    readout = {k: params[k] for k in READOUT_SHAPES}
    _checks.params(readout, READOUT_SHAPES, shapes=shapes)
    for k in READOUT_SHAPES:
        _checks.same_dtype(f"params[{k!r}]", readout[k], dtype)
    return core, readout["V_out"], readout["c_out"]


def lstm_many_to_one(params, x, target, *, loss=losses.mse, variant="vanilla"):
    r"""Loss and gradient of an LSTM with a linear readout after the last step.

    .. math::

        \hat y = V_\text{out}\, y(T) + c_\text{out}, \qquad
        J = \text{loss}(\hat y, \text{target})

    The readout sends :math:`\Delta(T) = V_\text{out}^\top\, \partial J/\partial \hat y`
    into the LSTM (and :math:`\Delta(t) = 0` before), and gets

    .. math::

        \frac{\partial J}{\partial V_\text{out}} = \frac{\partial J}{\partial \hat y}\,
        y(T)^\top, \qquad
        \frac{\partial J}{\partial c_\text{out}} = \frac{\partial J}{\partial \hat y}

    (summed over the batch).

    Parameters
    ----------
    params : dict
        LSTM parameters plus ``V_out (K, H)`` and ``c_out (K,)``.
    x : ndarray, shape (T, B, D)
    target : ndarray, shape (B, K)
    loss : callable
        ``loss(y_hat, target) -> (value, dJ/dy_hat)``.
    variant : str
        ``"vanilla"``, ``"no_forget_gate"``, ``"no_output_activation"`` or ``"coupled"``
        (``lstmkit.lstm.VARIANTS``).

    Returns
    -------
    value : float
    grads : dict
        Same keys as ``params``.
    """
    core, V_out, c_out = _split_readout(params)
    cache = lstm_fast.forward(core, x, variant=variant)
    y_last = cache.y[-1]
    value, dJ_dyhat = loss(y_last @ V_out.T + c_out, target)
    dJ_dy = np.zeros_like(cache.y)
    dJ_dy[-1] = dJ_dyhat @ V_out
    grads, _ = lstm_fast.backward(core, cache, dJ_dy)
    grads["V_out"] = dJ_dyhat.T @ y_last
    grads["c_out"] = dJ_dyhat.sum(axis=0)
    return value, grads


def predict_lstm(params, x, *, variant="vanilla"):
    r"""The many-to-one prediction :math:`V_\text{out}\, y(T) + c_\text{out}`, ``(B, K)``."""
    core, V_out, c_out = _split_readout(params)
    return lstm_fast.forward(core, x, variant=variant).y[-1] @ V_out.T + c_out


def fit(objective, params, batches, optimizer, *, steps, clip=None, callback=None):
    """Train ``params`` in place for a number of steps.

    Each step: ``x, target = next(batches)``; ``value, grads = objective(params, x,
    target)``; if ``clip`` is given, :func:`lstmkit.optim.clip_grad_norm`; then
    ``optimizer.step(params, grads)``.

    Parameters
    ----------
    objective : callable
        ``objective(params, x, target) -> (value, grads)``, e.g. :func:`lstm_many_to_one`.
    params : dict
        Updated in place.
    batches : iterable of (x, target)
        For example :func:`lstmkit.tasks.adding_batches`, :func:`shuffled_batches` or
        :func:`repeat_batch`. It must yield at least ``steps`` batches.
    optimizer : lstmkit.optim.SGD or lstmkit.optim.Adam
        Anything with ``.step(params, grads)``.
    steps : int
        Number of updates.
    clip : float, optional
        Threshold for gradient-norm clipping (Pascanu et al. 2013); ``None`` = no clipping.
    callback : callable, optional
        Called after every step as ``callback(step, value, params)``.

    Returns
    -------
    History
        Loss and gradient norm (before clipping) of every step.
    """
    steps = _checks.positive_int("steps", steps)
    if clip is not None:
        clip = optim._check_rate("clip", clip, 0.0, np.inf, low_open=True)
    batches = iter(batches)
    loss_history = np.empty(steps)
    norm_history = np.empty(steps)
    for step in range(steps):
        try:
            x, target = next(batches)
        except StopIteration:
            raise ValueError(f"batches ran out after {step} of {steps} steps") from None
        value, grads = objective(params, x, target)
        if clip is None:
            norm = optim.grad_norm(grads)
        else:
            norm = optim.clip_grad_norm(grads, clip)
        optimizer.step(params, grads)
        loss_history[step] = value
        norm_history[step] = norm
        if callback is not None:
            callback(step, value, params)
    return History(loss=loss_history, grad_norm=norm_history)


def repeat_batch(x, target):
    """Yield the same ``(x, target)`` forever: full-batch training with :func:`fit`."""
    return itertools.repeat((x, target))


def shuffled_batches(x, target, batch_size, *, rng):
    """Yield mini-batches of time-major data forever, reshuffled every epoch.

    Parameters
    ----------
    x : ndarray, shape (T, N, D)
        ``N`` sequences (the batch axis is axis 1).
    target : ndarray, shape (N, K)
    batch_size : int
        Sequences per batch; the last, smaller batch of an epoch is dropped
        (when ``batch_size >= N``, every batch is the whole, shuffled data set).
    rng : numpy.random.Generator

    Yields
    ------
    x_batch : ndarray, shape (T, batch_size, D)
    target_batch : ndarray, shape (batch_size, K)
    """
    _checks.float_array("x", x)
    _checks.float_array("target", target)
    if x.ndim != 3 or target.ndim != 2 or target.shape[0] != x.shape[1]:
        raise ValueError(
            f"x must have shape (T, N, D) and target (N, K) with the same N; "
            f"got {x.shape} and {target.shape}"
        )
    batch_size = _checks.positive_int("batch_size", batch_size)
    _checks.generator(rng)
    return _shuffled_forever(x, target, min(batch_size, x.shape[1]), rng)


def _shuffled_forever(x, target, batch_size, rng):
    N = x.shape[1]
    while True:
        order = rng.permutation(N)
        for start in range(0, N - batch_size + 1, batch_size):
            chosen = order[start : start + batch_size]
            yield x[:, chosen], target[chosen]


def lstm_many_to_many(params, x, target, *, loss=losses.mse, variant="vanilla"):
    r"""Loss and gradient of an LSTM with a linear readout at *every* step.

    .. math::

        \hat y(t) = V_\text{out}\, y(t) + c_\text{out}, \qquad
        J = \text{loss}(\hat y, \text{target}) \text{ over all } t

    The readout sends :math:`\Delta(t) = V_\text{out}^\top\, \partial J/\partial \hat y(t)`
    into the LSTM at every step and gets :math:`\partial J/\partial V_\text{out} =
    \sum_t \partial J/\partial \hat y(t)\, y(t)^\top`, :math:`\partial J/\partial
    c_\text{out} = \sum_t \partial J/\partial \hat y(t)` (summed over the batch too).

    ``params`` as for :func:`lstm_many_to_one`; ``x (T, B, D)``; ``target (T, B, K)``.
    Returns ``(value, grads)`` with the keys of ``params``.
    """
    core, V_out, c_out = _split_readout(params)
    cache = lstm_fast.forward(core, x, variant=variant)
    _checks.float_array("target", target)
    expected = cache.y.shape[:2] + (V_out.shape[0],)
    if target.shape != expected:
        raise ValueError(f"target must have shape (T, B, K) = {expected}; got {target.shape}")
    value, dJ_dyhat = loss(cache.y @ V_out.T + c_out, target)
    grads, _ = lstm_fast.backward(core, cache, dJ_dyhat @ V_out)
    grads["V_out"] = np.tensordot(dJ_dyhat, cache.y, axes=([0, 1], [0, 1]))
    grads["c_out"] = dJ_dyhat.sum(axis=(0, 1))
    return value, grads


def predict_lstm_every_step(params, x, *, variant="vanilla"):
    r"""The prediction :math:`V_\text{out}\, y(t) + c_\text{out}` at every step, ``(T, B, K)``."""
    core, V_out, c_out = _split_readout(params)
    return lstm_fast.forward(core, x, variant=variant).y @ V_out.T + c_out
