r"""The marker-recall task: store a value seen at a marker, report it at a cue much later.

Each sequence has ``T`` steps and three input channels (step :math:`t` at index ``t - 1``):

* channel 0, the values :math:`v(t) \sim U(-1, 1)`, a new one at every step;
* channel 1, the marker :math:`m(t)`: 1 at one step :math:`t_m`, 0 elsewhere;
* channel 2, the cue: 1 at the last step :math:`T`, 0 elsewhere.

The target is the marked value, :math:`y = v(t_m)`, to be reported at the cue; the lag
:math:`\ell = T - t_m` is drawn uniformly from ``lags`` (inclusive). A model must notice the
marker, store the value beside it, keep it through :math:`\ell` steps of new values, and
read it out at the end. Predicting 0 gives a mean squared error of
:math:`\operatorname{Var}(v) = 1/3`; a linear model of all inputs does hardly better (the
target is the product :math:`\sum_t m(t) v(t)`, not a weighted sum: the best linear model
weights each value by the chance that the marker stands beside it, which lowers the error
by :math:`1/(3n)`, from :math:`1/3` to :math:`1/3 - 1/(3n)`, for ``n`` equally likely lags),
while an LSTM can: its input gate can open at the marker and its forget gate hold the cell
until the cue.

>>> import numpy as np
>>> x, y = problem(41, 5, rng=np.random.default_rng(0))
>>> x.shape, y.shape, x[..., 1].sum(axis=0).tolist(), x[-1, :, 2].tolist()
((41, 5, 3), (5, 1), [1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0])
"""

import numpy as np

from . import _checks

__all__ = ["problem", "batches", "marker_steps", "storing_cell"]


def problem(T, batch, *, rng, lags=(20, 40), dtype=np.float64):
    """One batch: ``x (T, B, 3)`` (values, marker, cue) and the targets ``y (B, 1)``.

    ``lags = (lo, hi)``: the marker lies ``lo`` to ``hi`` steps before the cue at step ``T``
    (``1 <= lo <= hi <= T - 1``).
    """
    T, B, lo, hi, dtype = _check(T, batch, rng, lags, dtype)
    values = rng.uniform(-1.0, 1.0, (T, B))
    lag = rng.integers(lo, hi + 1, size=B)
    marker = T - 1 - lag  # the index of step t_m = T - lag
    x = np.zeros((T, B, 3))
    x[..., 0] = values
    x[marker, np.arange(B), 1] = 1.0
    x[-1, :, 2] = 1.0
    return x.astype(dtype), values[marker, np.arange(B)][:, None].astype(dtype)


def _check(T, batch, rng, lags, dtype):
    T = _checks.positive_int("T", T)
    B = _checks.positive_int("batch", batch)
    _checks.generator(rng)
    lo, hi = (_checks.positive_int("lags", int(a)) for a in lags)
    if not lo <= hi <= T - 1:
        raise ValueError(f"lags must satisfy 1 <= lo <= hi <= T - 1 = {T - 1}; got {lags}")
    dtype = np.dtype(dtype)
    if dtype not in _checks.FLOAT_DTYPES:
        raise TypeError(f"dtype must be float32 or float64; got {dtype}")
    return T, B, lo, hi, dtype


def batches(T, batch, *, rng, lags=(20, 40), dtype=np.float64):
    """Yield fresh :func:`problem` batches forever (for :func:`lstmkit.train.fit`).

    The arguments are checked at once, without drawing from ``rng``: the first batch is
    ``problem(T, batch, rng=rng, ...)`` as if called directly.
    """
    _check(T, batch, rng, lags, dtype)
    return _forever(T, batch, rng, lags, dtype)


def _forever(T, batch, rng, lags, dtype):
    while True:
        yield problem(T, batch, rng=rng, lags=lags, dtype=dtype)


def marker_steps(x):
    """The index ``t_m - 1`` of each sequence's marker in ``x (T, B, 3)``, ``(B,)`` ints."""
    _checks.float_array("x", x)
    if x.ndim != 3 or x.shape[2] != 3:
        raise ValueError(f"x must have shape (T, B, 3); got {x.shape}")
    return np.argmax(x[..., 1], axis=0)


def storing_cell(c_last, target):
    r"""The cell :math:`k` whose final value :math:`c_k(T)` correlates most with the target.

    ``c_last (B, H)`` (``cache.c[-1]``), ``target (B, 1)``; returns ``(k, r)`` with the
    absolute correlation :math:`|r_k|` of every cell, ``(H,)``.
    """
    _checks.float_array("c_last", c_last)
    _checks.float_array("target", target)
    if c_last.ndim != 2 or target.shape != (c_last.shape[0], 1):
        raise ValueError(
            f"c_last must be (B, H) and target (B, 1); got {c_last.shape} and {target.shape}"
        )
    c = c_last - c_last.mean(axis=0)
    y = target[:, 0] - target[:, 0].mean()
    r = np.abs(c.T @ y) / np.sqrt((c * c).sum(axis=0) * (y @ y))
    return int(np.argmax(r)), r
