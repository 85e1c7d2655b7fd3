r"""A trainable encoder-decoder (sequence-to-sequence) of two simple RNNs.

The encoder (:mod:`lstmkit.rnn`, parameters ``enc``) reads :math:`x(1), \dots, x(T)`; its
last state is the **context**, the decoder's initial state (Sutskever et al. 2014):

.. math::

    c = h_\text{enc}(T), \qquad h_\text{dec}(0) = c,

    o(t) = \text{decoder step}\big(h_\text{dec}(t-1), u(t)\big), \quad t = 1, \dots, T'

The decoder's input :math:`u(t)` is a start token for :math:`t = 1`; after that it is
either the **correct** previous token (teacher forcing, how the model is trained:
:func:`teacher_forced`) or the token the decoder chose itself (free running, how it is
used: :func:`free_running`). The context has ``H`` numbers whatever :math:`T` is.

The gradient of the teacher-forced loss runs back through the decoder into the context
(:math:`\delta h_\text{dec}(0)`) and from there through the encoder, which
:func:`lstmkit.rnn.backward` does when the encoder's output is its state (``V = I``,
``c = 0``, as :func:`init_params` sets and :func:`teacher_forced` leaves unchanged).
"""

import numpy as np

from . import losses, rnn, task_types

__all__ = ["init_params", "teacher_forced", "free_running"]


def init_params(n_symbols, n_hidden, *, rng):
    """Encoder and decoder for tokens ``0 .. n_symbols - 1`` plus a start token.

    Returns ``(enc, dec)``: the encoder reads one-hot vectors of size ``n_symbols`` and
    outputs its state (``V = I``); the decoder reads ``n_symbols + 1`` (the last is the
    start token) and scores ``n_symbols`` tokens.
    """
    enc = rnn.init_params(n_symbols, n_hidden, n_hidden, rng=rng)
    enc["V"], enc["c"] = np.eye(n_hidden), np.zeros(n_hidden)
    dec = rnn.init_params(n_symbols + 1, n_hidden, n_symbols, rng=rng)
    return enc, dec


def _one_hot(tokens, size):
    return np.eye(size)[tokens]


def _decoder_inputs(targets, n_symbols):
    """u(1) = start token, u(t) = the correct token t - 1: (T', B, n_symbols + 1)."""
    start = np.full((1, targets.shape[1]), n_symbols)
    return _one_hot(np.concatenate([start, targets[:-1]]), n_symbols + 1)


def teacher_forced(enc, dec, tokens, targets):
    r"""Loss and gradients of the teacher-forced encoder-decoder.

    Parameters
    ----------
    enc, dec : dict
        From :func:`init_params`.
    tokens : ndarray of int, shape (T, B)
        The input tokens.
    targets : ndarray of int, shape (T', B)
        The output tokens; the decoder reads the start token, then ``targets[:-1]``.

    Returns
    -------
    loss : float
        Softmax cross-entropy averaged over all output tokens.
    grads_enc, grads_dec : dict
        Gradients for ``enc`` (zero for its fixed ``V`` and ``c``) and ``dec``.
    """
    n_symbols = dec["V"].shape[0]
    if tokens.ndim != 2 or targets.ndim != 2 or tokens.shape[1] != targets.shape[1]:
        raise ValueError(
            f"tokens (T, B) and targets (T', B) must share the batch size; got "
            f"{tokens.shape} and {targets.shape}"
        )
    enc_cache = rnn.forward(enc, _one_hot(tokens, enc["U"].shape[1]))
    context = enc_cache.h[-1]
    dec_cache = rnn.forward(dec, _decoder_inputs(targets, n_symbols), context)
    loss, dJ_do = losses.softmax_cross_entropy(dec_cache.o, targets)
    grads_dec, deltas = rnn.backward(dec, dec_cache, dJ_do)
    seed = np.zeros_like(enc_cache.o)
    seed[-1] = deltas.h0  # the context is the encoder's last output o(T) = h(T)
    grads_enc, _ = rnn.backward(enc, enc_cache, seed)
    grads_enc["V"], grads_enc["c"] = np.zeros_like(enc["V"]), np.zeros_like(enc["c"])
    return loss, grads_enc, grads_dec


def free_running(enc, dec, tokens, steps, targets=None):
    """Decode ``steps`` tokens: each step feeds back its own choice (argmax).

    With ``targets`` given, feed back the correct tokens instead (teacher forcing at
    test time, for comparison). Returns the chosen tokens, shape ``(steps, B)``.
    """
    n_symbols = dec["V"].shape[0]
    context = rnn.forward(enc, _one_hot(tokens, enc["U"].shape[1])).h[-1]
    if targets is not None:
        o = rnn.forward(dec, _decoder_inputs(targets[:steps], n_symbols), context).o
        return o.argmax(axis=-1)
    start = _one_hot(np.full(tokens.shape[1], n_symbols), n_symbols + 1)

    def choose(o):  # the chosen token, as the next input (never the start token)
        return np.concatenate([task_types.argmax_one_hot(o), np.zeros((len(o), 1))], axis=1)

    _, outputs = task_types.generate(dec, start, steps, h0=context, feedback=choose)
    return outputs.argmax(axis=-1)
