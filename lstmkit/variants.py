r"""Variants of the LSTM (Greff et al. 2017) as one-line changes of one step, and a GRU.

Each variant is :func:`lstmkit.lstm.forward_step` with one line changed (``CHANGED``):

* ``"cifg"``, coupled input and forget gate: :math:`f(t) = 1 - i(t)`; the forget gate's
  weights ``W_f R_f b_f`` (and ``p_f``) are gone (to train it, :mod:`lstmkit.lstm` and
  :mod:`lstmkit.lstm_fast` have the same step with a backward pass, ``variant="coupled"``);
* ``"np"``, no peepholes: the :math:`p \odot c` terms are 0 (``lk.lstm`` without ``p_*``);
* ``"nog"``, no output gate: :math:`o(t) = 1`, so :math:`y(t) = \tanh(c(t))`; ``W_o R_o b_o
  p_o`` are gone;
* ``"gru"``, the gated recurrent unit of Cho et al. (2014), in the LSTM's letters: CIFG with
  the update gate :math:`u = i`, no output gate and no output activation (:math:`y = c`, one
  state), and a reset gate :math:`r` on the recurrent input of the block input,

  .. math::

     r &= \sigma(W_r x + R_r y(t-1) + b_r), \quad
     z = \tanh(W_z x + R_z (r \odot y(t-1)) + b_z), \\
     i &= \sigma(W_i x + R_i y(t-1) + b_i), \quad
     c(t) = y(t) = z \odot i + y(t-1) \odot (1 - i).

:func:`init_params`, :func:`forward_step`, :func:`forward` and :func:`count` take the variant
name; ``"vanilla"`` is the LSTM itself.

>>> import numpy as np
>>> [count(v, 1, 16) for v in ("vanilla", "cifg", "nog", "gru")]
[1152, 864, 864, 864]
"""

import numpy as np

from . import _checks, lstm

__all__ = ["VARIANTS", "CHANGED", "init_params", "forward_step", "forward", "count"]

VARIANTS = ("vanilla", "np", "cifg", "nog", "gru")
#: The line of :func:`lstmkit.lstm.forward_step` that each variant changes, as it then reads.
CHANGED = {
    "np": "p_i, p_f, p_o = 0.0, 0.0, 0.0",
    "cifg": "f = 1 - i",
    "nog": "o = np.ones_like(c)",
    "gru": "z_bar = x @ p['W_z'].T + (r * y_prev) @ p['R_z'].T + p['b_z']",
}
_SIGNALS = {
    "vanilla": "zifo",
    "np": "zifo",
    "cifg": "zio",
    "nog": "zif",
    "gru": "zir",
}


def _variant(variant):
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}; got {variant!r}")
    return variant


def count(variant, n_in, n_hidden, *, peepholes=False):
    r"""The number of parameters: :math:`sH(D + H + 1)` for ``s`` signals, plus peepholes.

    ``s`` is 4 for the LSTM and NP, 3 for CIFG, NOG and the GRU; peepholes (not for NP and
    GRU) add one vector of ``H`` per gate that reads the cell.
    """
    variant = _variant(variant)
    D = _checks.positive_int("n_in", n_in)
    H = _checks.positive_int("n_hidden", n_hidden)
    signals = _SIGNALS[variant]
    n = len(signals) * H * (D + H + 1)
    if peepholes and variant not in ("np", "gru"):
        n += H * sum(g in signals for g in "ifo")
    return n


def init_params(variant, n_in, n_hidden, *, rng, peepholes=False, forget_bias=1.0):
    """Random parameters for ``variant``: those of :func:`lstmkit.lstm.init_params` it uses.

    CIFG starts its input gate mostly shut (bias ``-forget_bias``), which is the forget
    gate ``1 - i`` mostly open, like the LSTM's; the GRU's reset gate is drawn like a gate.
    """
    variant = _variant(variant)
    if peepholes and variant in ("np", "gru"):
        raise ValueError(f"variant {variant!r} has no peepholes")
    full = lstm.init_params(n_in, n_hidden, rng=rng, peepholes=peepholes, forget_bias=forget_bias)
    if variant == "gru":  # the reset gate takes the place of the output gate
        full = {k.replace("_o", "_r"): v for k, v in full.items()}
    keep = _SIGNALS[variant]
    params = {k: v for k, v in full.items() if k[-1] in keep}
    if variant == "cifg":
        params["b_i"] = np.full_like(params["b_i"], -forget_bias)
    return params


def forward_step(params, x, y_prev, c_prev, *, variant):
    r"""One step of ``variant`` on a batch, a dict like :func:`lstmkit.lstm.forward_step`'s.

    ``"vanilla"`` and ``"np"`` are :func:`lstmkit.lstm.forward_step` itself (NP's params
    have no ``p_*``). The others repeat its lines, with the one line of ``CHANGED``.
    """
    variant = _variant(variant)
    if variant in ("vanilla", "np"):
        if variant == "np" and lstm.has_peepholes(params):
            raise ValueError("variant 'np' takes parameters without p_i, p_f, p_o")
        return lstm.forward_step(params, x, y_prev, c_prev)
    p = params
    p_i, p_f, p_o = (p.get(k, 0.0) for k in lstm.PEEPHOLES)
    sigmoid = lstm.sigmoid
    if variant == "gru":
        r = sigmoid(x @ p["W_r"].T + y_prev @ p["R_r"].T + p["b_r"])
        z = np.tanh(x @ p["W_z"].T + (r * y_prev) @ p["R_z"].T + p["b_z"])
        i = sigmoid(x @ p["W_i"].T + y_prev @ p["R_i"].T + p["b_i"])
        c = z * i + y_prev * (1 - i)
        return dict(r=r, z=z, i=i, f=1 - i, c=c, o=np.ones_like(c), y=c)
    z = np.tanh(x @ p["W_z"].T + y_prev @ p["R_z"].T + p["b_z"])
    i = sigmoid(x @ p["W_i"].T + y_prev @ p["R_i"].T + p_i * c_prev + p["b_i"])
    if variant == "cifg":
        f = 1 - i  # the changed line
    else:
        f = sigmoid(x @ p["W_f"].T + y_prev @ p["R_f"].T + p_f * c_prev + p["b_f"])
    c = z * i + c_prev * f
    if variant == "nog":
        o = np.ones_like(c)  # the changed line
    else:
        o = sigmoid(x @ p["W_o"].T + y_prev @ p["R_o"].T + p_o * c + p["b_o"])
    return dict(z=z, i=i, f=f, c=c, o=o, y=o * np.tanh(c))


def forward(params, x, c0=None, *, variant):
    r"""Run :func:`forward_step` over ``x (T, B, D)`` from :math:`y(0) = 0` and ``c0``.

    Returns a dict of ``(T, B, H)`` arrays ``z i f c o y`` (and ``r`` for the GRU); the GRU
    starts from :math:`y(0) = c(0) =` ``c0``.
    """
    variant = _variant(variant)
    _checks.float_array("x", x)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (T, B, D); got {x.shape}")
    H = params["R_z"].shape[0]
    c = np.zeros((x.shape[1], H)) if c0 is None else np.array(c0, dtype=float)
    y = c.copy() if variant == "gru" else np.zeros_like(c)
    steps = []
    for x_t in x:
        steps.append(forward_step(params, x_t, y, c, variant=variant))
        y, c = steps[-1]["y"], steps[-1]["c"]
    return {k: np.stack([s[k] for s in steps]) for k in steps[0]}
