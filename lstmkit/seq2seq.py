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

**Attention** (``init_params(..., attention=True)``) is the control for that fixed-size
context: the same encoder and decoder, whose output at every step also reads a weighted
mean of *all* the encoder's states (the idea of Bahdanau et al. 2015; we score with a
learned bilinear form, simpler than their small scoring network):

.. math::

    e(t, s) = h_\text{dec}(t)^\top Q\, h_\text{enc}(s), \qquad
    \alpha(t, s) = \frac{\exp e(t, s)}{\sum_{s'} \exp e(t, s')},

    r(t) = \sum_{s=1}^{T} \alpha(t, s)\, h_\text{enc}(s),

    o(t) = V h_\text{dec}(t) + A\, r(t) + c_\text{dec}

(:math:`c_\text{dec}` is the decoder's output bias, ``dec["c"]``). The decoder's
recurrence is unchanged (the read-out :math:`r(t)` is not fed back), so attention adds two
matrices, ``Q (H, H)`` (starting at the identity: plain dot-product
scores) and ``A (K, H)``; the functions below dispatch on the key ``"A"`` of ``dec``.
"""

import numpy as np

from . import losses, rnn, task_types

__all__ = ["init_params", "teacher_forced", "free_running", "attend"]


def init_params(n_symbols, n_hidden, *, rng, attention=False):
    """Encoder and decoder for tokens ``0 .. n_symbols - 1`` plus a start token.

    Returns ``(enc, dec)``: the encoder reads one-hot vectors of size ``n_symbols`` and
    outputs its state (``V = I``); the decoder reads ``n_symbols + 1`` (the last is the
    start token) and scores ``n_symbols`` tokens. With ``attention=True`` the decoder
    also has ``Q = I (n_hidden, n_hidden)`` and ``A (n_symbols, n_hidden)``, drawn after
    the rest, so that ``enc`` and the other arrays of ``dec`` equal those drawn with
    ``attention=False`` from the same ``rng`` state.
    """
    enc = rnn.init_params(n_symbols, n_hidden, n_hidden, rng=rng)
    enc["V"], enc["c"] = np.eye(n_hidden), np.zeros(n_hidden)
    dec = rnn.init_params(n_symbols + 1, n_hidden, n_symbols, rng=rng)
    if attention:
        dec["Q"] = np.eye(n_hidden)
        dec["A"] = rng.standard_normal((n_symbols, n_hidden)) / np.sqrt(n_hidden)
    return enc, dec


def _one_hot(tokens, size):
    return np.eye(size)[tokens]


def _decoder_inputs(targets, n_symbols):
    """u(1) = start token, u(t) = the correct token t - 1: (T', B, n_symbols + 1)."""
    start = np.full((1, targets.shape[1]), n_symbols)
    return _one_hot(np.concatenate([start, targets[:-1]]), n_symbols + 1)


def teacher_forced(enc, dec, tokens, targets, *, last_only=False):
    r"""Loss and gradients of the teacher-forced encoder-decoder.

    Parameters
    ----------
    enc, dec : dict
        From :func:`init_params`.
    tokens : ndarray of int, shape (T, B)
        The input tokens.
    targets : ndarray of int, shape (T', B)
        The output tokens; the decoder reads the start token, then ``targets[:-1]``.
    last_only : bool
        With attention, attend to the encoder's last state :math:`h_\text{enc}(T)` only
        (then :math:`\alpha = 1` and :math:`r(t) = h_\text{enc}(T)`): the same parameters,
        no access to earlier positions (the ablation of attention's reach).

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
    if "A" in dec:
        return _teacher_forced_attention(enc, dec, tokens, targets, last_only)
    if last_only:
        raise ValueError("last_only needs a decoder with attention (key 'A')")
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


def free_running(enc, dec, tokens, steps, targets=None, *, last_only=False):
    """Decode ``steps`` tokens: each step feeds back its own choice (argmax).

    With ``targets`` given, feed back the correct tokens instead (teacher forcing at
    test time, for comparison). Returns the chosen tokens, shape ``(steps, B)``. A
    decoder with attention (key ``"A"``) reads the encoder's states at every step (only
    the last one with ``last_only=True``, as in :func:`teacher_forced`).
    """
    if "A" in dec:
        return _free_running_attention(enc, dec, tokens, steps, targets, last_only)
    if last_only:
        raise ValueError("last_only needs a decoder with attention (key 'A')")
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


def attend(h_dec, h_enc, Q):
    r"""Attention of decoder states over encoder states, bilinear scores.

    .. math::

        e(t, s) = h_\text{dec}(t)^\top Q\, h_\text{enc}(s), \quad
        \alpha(t, s) = \operatorname{softmax}_s e(t, s),

        r(t) = \sum_s \alpha(t, s)\, h_\text{enc}(s)

    Parameters
    ----------
    h_dec : ndarray, shape (T', B, H)
        Decoder states :math:`h_\text{dec}(1), \dots, h_\text{dec}(T')`.
    h_enc : ndarray, shape (T, B, H)
        Encoder states :math:`h_\text{enc}(1), \dots, h_\text{enc}(T)`.
    Q : ndarray, shape (H, H)
        The score matrix (the identity gives dot-product scores).

    Returns
    -------
    alpha : ndarray, shape (T', B, T)
        The weights; every ``alpha[t, b]`` sums to 1.
    r : ndarray, shape (T', B, H)
        The read-outs :math:`r(t)`.
    """
    h_dec, h_enc, Q = np.asarray(h_dec), np.asarray(h_enc), np.asarray(Q)
    if h_dec.ndim != 3 or h_enc.ndim != 3 or h_dec.shape[1:] != h_enc.shape[1:]:
        raise ValueError(
            f"h_dec (T', B, H) and h_enc (T, B, H) must share B and H; got "
            f"{h_dec.shape} and {h_enc.shape}"
        )
    H = h_enc.shape[2]
    if Q.shape != (H, H):
        raise ValueError(f"Q must have shape (H, H) = {(H, H)}; got {Q.shape}")
    e = np.einsum("tbh,sbh->tbs", h_dec, h_enc @ Q.T)
    alpha = np.exp(e - e.max(axis=-1, keepdims=True))
    alpha /= alpha.sum(axis=-1, keepdims=True)
    return alpha, np.einsum("tbs,sbh->tbh", alpha, h_enc)


def _state_only(params):
    """The same RNN with its state as output (V = I, c = 0)."""
    H = params["W"].shape[0]
    return {"U": params["U"], "W": params["W"], "b": params["b"], "V": np.eye(H), "c": np.zeros(H)}


def _teacher_forced_attention(enc, dec, tokens, targets, last_only=False):
    r""":func:`teacher_forced` for a decoder with attention.

    Backward, with :math:`g(t) = \partial J/\partial o(t)`, :math:`\bar r(t) = A^\top
    g(t)`, :math:`\bar\alpha(t, s) = \bar r(t) \cdot h_\text{enc}(s)` and the keys
    :math:`k(s) = Q h_\text{enc}(s)`:

    .. math::

        \bar e(t, s) = \alpha(t, s)\big(\bar\alpha(t, s) - \textstyle\sum_{s'}
        \alpha(t, s')\,\bar\alpha(t, s')\big), \qquad
        \bar k(s) = \textstyle\sum_t \bar e(t, s)\, h_\text{dec}(t),

        \delta h_\text{dec}(t) \mathrel{+}= V^\top g(t) + \textstyle\sum_s \bar e(t, s)\,
        k(s), \qquad
        \delta h_\text{enc}(s) \mathrel{+}= \textstyle\sum_t \alpha(t, s)\, \bar r(t)
        + Q^\top \bar k(s),

        \frac{\partial J}{\partial Q} = \textstyle\sum_s \bar k(s)\, h_\text{enc}(s)^\top,
        \qquad
        \frac{\partial J}{\partial A} = \textstyle\sum_t g(t)\, r(t)^\top,

    and the context path :math:`\delta h_\text{dec}(0)` adds to
    :math:`\delta h_\text{enc}(T)` as without attention. With ``last_only`` the sums over
    :math:`s` run over :math:`s = T` alone.
    """
    n_symbols = dec["V"].shape[0]
    enc_cache = rnn.forward(enc, _one_hot(tokens, enc["U"].shape[1]))
    h_all = enc_cache.h
    h_enc = h_all[-1:] if last_only else h_all  # the states attended to
    core = _state_only(dec)
    dec_cache = rnn.forward(core, _decoder_inputs(targets, n_symbols), h_all[-1])
    h_dec = dec_cache.h
    alpha, r = attend(h_dec, h_enc, dec["Q"])
    o = dec["c"] + h_dec @ dec["V"].T + r @ dec["A"].T
    loss, g = losses.softmax_cross_entropy(o, targets)

    keys = h_enc @ dec["Q"].T
    r_bar = g @ dec["A"]  # (T', B, H)
    alpha_bar = np.einsum("tbh,sbh->tbs", r_bar, h_enc)
    e_bar = alpha * (alpha_bar - (alpha * alpha_bar).sum(axis=-1, keepdims=True))
    k_bar = np.einsum("tbs,tbh->sbh", e_bar, h_dec)
    dh_dec = g @ dec["V"] + np.einsum("tbs,sbh->tbh", e_bar, keys)
    dh_enc = np.zeros_like(h_all)
    dh_enc[-len(h_enc):] = np.einsum("tbs,tbh->sbh", alpha, r_bar) + k_bar @ dec["Q"]

    grads_core, deltas = rnn.backward(core, dec_cache, dh_dec)
    grads_dec = {k: grads_core[k] for k in ("U", "W", "b")}
    grads_dec["V"] = np.einsum("tbk,tbh->kh", g, h_dec)
    grads_dec["c"] = g.sum(axis=(0, 1))
    grads_dec["Q"] = np.einsum("sbh,sbj->hj", k_bar, h_enc)
    grads_dec["A"] = np.einsum("tbk,tbh->kh", g, r)
    dh_enc[-1] += deltas.h0  # the context h_dec(0) = h_enc(T)
    grads_enc, _ = rnn.backward(enc, enc_cache, dh_enc)
    grads_enc["V"], grads_enc["c"] = np.zeros_like(enc["V"]), np.zeros_like(enc["c"])
    return loss, grads_enc, grads_dec


def _free_running_attention(enc, dec, tokens, steps, targets, last_only=False):
    """:func:`free_running` for a decoder with attention, one step at a time."""
    n_symbols = dec["V"].shape[0]
    h_enc = rnn.forward(enc, _one_hot(tokens, enc["U"].shape[1])).h
    if last_only:
        h_enc = h_enc[-1:]
    core = _state_only(dec)
    token = np.full(tokens.shape[1], n_symbols)  # the start token
    h, chosen = h_enc[-1], []
    for t in range(steps):
        h = rnn.forward(core, _one_hot(token, n_symbols + 1)[None], h).h[-1]
        _, r = attend(h[None], h_enc, dec["Q"])
        o = dec["c"] + h @ dec["V"].T + r[0] @ dec["A"].T
        chosen.append(o.argmax(axis=-1))
        token = chosen[-1] if targets is None else targets[t]
    return np.array(chosen)
