r"""The RNN task types wired from the simple RNN of :mod:`lstmkit.rnn`.

The task types differ in how many inputs a network reads and how many outputs it
emits, not in the cell. With :func:`lstmkit.rnn.forward` (``x`` of shape ``(T, B, D)``,
outputs ``o`` of shape ``(T, B, K)``):

* **many-to-one**: keep the last output, ``forward(params, x).o[-1]`` of shape ``(B, K)``;
* **many-to-many, aligned**: keep every output, ``o`` of shape ``(T, B, K)``;
* **bidirectional** (:func:`bidirectional`): a second RNN reads the sequence backwards,
  so the state at step :math:`t` sees :math:`\boldsymbol{x}^{(t)}, \dots,
  \boldsymbol{x}^{(T)}`;
* **one-to-many** (:func:`generate`): one input, then every output is fed back as the
  next input, :math:`\boldsymbol{x}^{(t+1)} = g(\boldsymbol{o}^{(t)})`;
* **encoder-decoder** (:func:`encode_decode`): an encoder reads the whole input, its last
  state :math:`\boldsymbol{h}^{(T)}` starts a generating decoder, so the output length
  is free.
"""

import numpy as np

from . import _checks, rnn

__all__ = ["bidirectional", "argmax_one_hot", "generate", "encode_decode"]


def bidirectional(params_fwd, params_bwd, x):
    r"""Hidden states of a bidirectional simple RNN, forward and backward side by side.

    .. math::

        \overrightarrow{\boldsymbol{h}}^{(t)} &= \tanh\big(\boldsymbol{b} +
        \boldsymbol{W}\overrightarrow{\boldsymbol{h}}^{(t-1)} + \boldsymbol{U}
        \boldsymbol{x}^{(t)}\big), \\
        \overleftarrow{\boldsymbol{h}}^{(t)} &= \tanh\big(\boldsymbol{b}' +
        \boldsymbol{W}'\overleftarrow{\boldsymbol{h}}^{(t+1)} + \boldsymbol{U}'
        \boldsymbol{x}^{(t)}\big)

    with :math:`\overrightarrow{\boldsymbol{h}}^{(0)} = \overleftarrow{\boldsymbol{h}}^{(T+1)}
    = \boldsymbol{0}`. The backward chain is :func:`lstmkit.rnn.forward` run on the
    reversed sequence, then reversed again.

    Parameters
    ----------
    params_fwd, params_bwd : dict
        Parameters of two simple RNNs with the same input size ``D``.
    x : ndarray, shape (T, B, D)

    Returns
    -------
    ndarray, shape (T, B, H_fwd + H_bwd)
        :math:`[\overrightarrow{\boldsymbol{h}}^{(t)}; \overleftarrow{\boldsymbol{h}}^{(t)}]`
        at index ``t - 1``.
    """
    h_fwd = rnn.forward(params_fwd, x).h
    h_bwd = rnn.forward(params_bwd, x[::-1]).h[::-1]
    return np.concatenate([h_fwd, h_bwd], axis=-1)


def argmax_one_hot(o):
    r"""The one-hot vector of the largest entry along the last axis (a token choice).

    >>> argmax_one_hot(np.array([[0.1, 2.0, -1.0]]))
    array([[0., 1., 0.]])
    """
    _checks.float_array("o", o)
    out = np.zeros_like(o)
    np.put_along_axis(out, np.argmax(o, axis=-1)[..., None], 1.0, axis=-1)
    return out


def generate(params, x1, steps, *, h0=None, feedback=None):
    r"""One-to-many: read one input, then feed every output back in as the next input.

    .. math::

        \boldsymbol{x}^{(1)} = \texttt{x1}, \qquad
        \boldsymbol{x}^{(t+1)} = g\big(\boldsymbol{o}^{(t)}\big), \quad t = 1, \dots,
        \texttt{steps} - 1

    Parameters
    ----------
    params : dict
        A simple RNN (:func:`lstmkit.rnn.init_params`); ``g`` must map its ``K`` outputs
        to its ``D`` inputs.
    x1 : ndarray, shape (B, D)
        The one input.
    steps : int
        Number of outputs to generate.
    h0 : ndarray, shape (B, H), optional
        Initial state (zeros by default); an encoder's last state in :func:`encode_decode`.
    feedback : callable, optional
        :math:`g`; the identity by default (which needs ``K == D``), or e.g.
        :func:`argmax_one_hot` to feed back the chosen token.

    Returns
    -------
    inputs : ndarray, shape (steps, B, D)
        :math:`\boldsymbol{x}^{(t)}` at index ``t - 1``.
    outputs : ndarray, shape (steps, B, K)
        :math:`\boldsymbol{o}^{(t)}` at index ``t - 1``.
    """
    steps = _checks.positive_int("steps", steps)
    _checks.float_array("x1", x1)
    if x1.ndim != 2:
        raise ValueError(f"x1 must have shape (B, D), one input per sequence; got {x1.shape}")
    g = (lambda o: o) if feedback is None else feedback
    x, h = x1, h0
    inputs, outputs = [], []
    for _ in range(steps):
        cache = rnn.forward(params, x[None], h)
        inputs.append(x)
        outputs.append(cache.o[0])
        h = cache.h[-1]
        x = g(cache.o[0])
        if x.shape != x1.shape:
            raise ValueError(
                f"feedback must turn an output of shape {cache.o[0].shape} into an input of "
                f"shape {x1.shape}; got {x.shape}"
            )
    return np.stack(inputs), np.stack(outputs)


def encode_decode(encoder, decoder, x, steps, *, start, feedback=None):
    r"""Encoder-decoder (seq2seq): encode ``x``, then :func:`generate` ``steps`` outputs.

    .. math::

        \boldsymbol{h}_\text{dec}^{(0)} = \boldsymbol{h}_\text{enc}^{(T)}, \qquad
        \boldsymbol{x}_\text{dec}^{(1)} = \texttt{start}, \qquad
        \boldsymbol{x}_\text{dec}^{(t+1)} = g\big(\boldsymbol{o}_\text{dec}^{(t)}\big)

    Parameters
    ----------
    encoder, decoder : dict
        Two simple RNNs with the same hidden size ``H``.
    x : ndarray, shape (T, B, D_enc)
        The input sequences.
    steps : int
        Output length, independent of ``T``.
    start : ndarray, shape (B, D_dec)
        The decoder's first input (a start-of-sentence token).
    feedback : callable, optional
        As in :func:`generate`.

    Returns
    -------
    context : ndarray, shape (B, H)
        :math:`\boldsymbol{h}_\text{enc}^{(T)}`.
    inputs, outputs : ndarray
        The decoder's inputs ``(steps, B, D_dec)`` and outputs ``(steps, B, K)``.
    """
    if encoder["W"].shape != decoder["W"].shape:
        raise ValueError(
            f"encoder and decoder need the same hidden size H; got W of shapes "
            f"{encoder['W'].shape} and {decoder['W'].shape}"
        )
    context = rnn.forward(encoder, x).h[-1]
    inputs, outputs = generate(decoder, start, steps, h0=context, feedback=feedback)
    return context, inputs, outputs
