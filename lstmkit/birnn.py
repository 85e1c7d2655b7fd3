r"""A trainable bidirectional simple RNN: two chains, one readout, and its backward pass.

Two simple RNNs of :mod:`lstmkit.rnn` read the same sequence, one from the start and one
from the end, and one output layer reads both states:

.. math::

    \overrightarrow{h}(t) &= \tanh\big(b_f + W_f \overrightarrow{h}(t-1) + U_f x(t)\big),
    \qquad \overrightarrow{h}(0) = 0 \\
    \overleftarrow{h}(t) &= \tanh\big(b_b + W_b \overleftarrow{h}(t+1) + U_b x(t)\big),
    \qquad \overleftarrow{h}(T+1) = 0 \\
    o(t) &= c_f + c_b + V_f \overrightarrow{h}(t) + V_b \overleftarrow{h}(t)

So :math:`o(t)` sees every input, before and after step :math:`t` (Schuster and Paliwal
1997). Each chain is an ordinary :func:`lstmkit.rnn.forward` (the backward one on the
reversed sequence), and the output is the sum of the two chains' outputs, which is the
readout :math:`c + V[\overrightarrow{h}; \overleftarrow{h}]` with :math:`c = c_f + c_b`.
The gradient is therefore two calls of :func:`lstmkit.rnn.backward` with the same
:math:`\partial J/\partial o(t)` (reversed for the backward chain).

The parameters are one flat dict (so :mod:`lstmkit.optim` and :mod:`lstmkit.gradcheck`
take it as it is): the keys of :mod:`lstmkit.rnn` with the suffix ``_f`` (forward chain)
or ``_b`` (backward chain), e.g. ``U_f (H, D)``, ``W_b (H, H)``, ``V_f (K, H)``.

Examples
--------
>>> import numpy as np
>>> import lstmkit as lk
>>> rng = np.random.default_rng(0)
>>> params = lk.birnn.init_params(3, 4, 2, rng=rng)
>>> x = rng.standard_normal((5, 2, 3))          # T=5, B=2, D=3
>>> cache = lk.birnn.forward(params, x)
>>> grads, dJ_dx = lk.birnn.backward(params, cache, np.ones_like(cache.o))
>>> cache.o.shape, grads["W_b"].shape, dJ_dx.shape
((5, 2, 2), (4, 4), (5, 2, 3))
"""

from dataclasses import dataclass

import numpy as np

from . import _checks, rnn

__all__ = ["BiRNNCache", "init_params", "chain", "forward", "backward"]

KEYS = ("U", "W", "b", "V", "c")
SIDES = ("f", "b")


@dataclass(eq=False, repr=False)
class BiRNNCache:
    r"""What :func:`forward` computed.

    Attributes
    ----------
    fwd : lstmkit.rnn.RNNCache
        The forward chain, in the order of the sequence.
    bwd : lstmkit.rnn.RNNCache
        The backward chain, in *reversed* order: ``bwd.h[0]`` is
        :math:`\overleftarrow{h}(T)`.
    o : ndarray, shape (T, B, K)
        :math:`o(t)` at index ``t - 1``.
    """

    fwd: rnn.RNNCache
    bwd: rnn.RNNCache
    o: np.ndarray

    __repr__ = _checks.shapes_repr


def init_params(n_in, n_hidden, n_out, *, rng, scale=None):
    """Random parameters: two :func:`lstmkit.rnn.init_params` chains, keys with ``_f``/``_b``."""
    params = {}
    for side in SIDES:
        chain_params = rnn.init_params(n_in, n_hidden, n_out, rng=rng, scale=scale)
        params.update({f"{k}_{side}": v for k, v in chain_params.items()})
    return params


def chain(params, side):
    """The parameters of one chain (``side`` ``"f"`` or ``"b"``) as a :mod:`lstmkit.rnn` dict."""
    if side not in SIDES:
        raise ValueError(f"side must be 'f' (forward chain) or 'b' (backward chain); got {side!r}")
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays; got {type(params).__name__}")
    missing = [f"{k}_{side}" for k in KEYS if f"{k}_{side}" not in params]
    if missing:
        raise ValueError(
            f"params must have the keys U_f, W_f, b_f, V_f, c_f, U_b, ..., c_b; missing {missing}"
        )
    return {k: params[f"{k}_{side}"] for k in KEYS}


def forward(params, x):
    r"""Both chains over ``x`` (shape ``(T, B, D)``) and :math:`o(t) = o_f(t) + o_b(t)`."""
    fwd = rnn.forward(chain(params, "f"), x)
    bwd = rnn.forward(chain(params, "b"), x[::-1])
    if fwd.o.shape != bwd.o.shape:
        raise ValueError(
            f"the two chains must have the same number of outputs K; got {fwd.o.shape[-1]} "
            f"(forward) and {bwd.o.shape[-1]} (backward)"
        )
    return BiRNNCache(fwd=fwd, bwd=bwd, o=fwd.o + bwd.o[::-1])


def backward(params, cache, dJ_do):
    r"""The gradient of :math:`J` for every parameter, and :math:`\partial J/\partial x(t)`.

    Returns
    -------
    grads : dict
        Same keys and shapes as ``params``.
    dJ_dx : ndarray, shape (T, B, D)
        :math:`\delta x(t) = U_f^\top \overrightarrow{\delta a}(t) + U_b^\top
        \overleftarrow{\delta a}(t)`, the sum of what the two chains send to :math:`x(t)`.
    """
    if not isinstance(cache, BiRNNCache):
        raise TypeError(f"cache must be the BiRNNCache of forward(); got {type(cache).__name__}")
    _checks.float_array("dJ_do", dJ_do)
    if dJ_do.shape != cache.o.shape:
        raise ValueError(
            f"dJ_do must have the shape of o, (T, B, K) = {cache.o.shape}; got {dJ_do.shape}"
        )
    g_f, d_f = rnn.backward(chain(params, "f"), cache.fwd, dJ_do)
    g_b, d_b = rnn.backward(chain(params, "b"), cache.bwd, np.ascontiguousarray(dJ_do[::-1]))
    grads = {f"{k}_f": g_f[k] for k in KEYS} | {f"{k}_b": g_b[k] for k in KEYS}
    return grads, d_f.x + d_b.x[::-1]
