"""The trainable encoder-decoder (lstmkit.seq2seq)."""

import numpy as np
import pytest

import lstmkit as lk
from lstmkit import seq2seq as s2s


def test_teacher_forced_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    enc, dec = s2s.init_params(3, 4, rng=rng)
    tokens = rng.integers(0, 3, size=(5, 2))
    targets = rng.integers(0, 3, size=(4, 2))
    _, g_enc, g_dec = s2s.teacher_forced(enc, dec, tokens, targets)
    e_enc = lk.gradcheck.check(lambda p: s2s.teacher_forced(p, dec, tokens, targets)[0], enc, g_enc)
    e_dec = lk.gradcheck.check(lambda p: s2s.teacher_forced(enc, p, tokens, targets)[0], dec, g_dec)
    assert max(e_enc[k] for k in ("U", "W", "b")) < 1e-6
    assert max(e_dec.values()) < 1e-6
    # the encoder's read-out is fixed: V = I, c = 0, zero gradient
    assert not g_enc["V"].any() and not g_enc["c"].any()
    assert np.abs(g_enc["U"]).max() > 1e-4  # the error reaches the encoder


def test_context_size_does_not_depend_on_length():
    rng = np.random.default_rng(1)
    enc, dec = s2s.init_params(4, 6, rng=rng)
    for T in (1, 5, 40):
        tokens = rng.integers(0, 4, size=(T, 3))
        out = s2s.free_running(enc, dec, tokens, 7)
        assert out.shape == (7, 3) and out.min() >= 0 and out.max() < 4
        assert lk.rnn.forward(enc, np.eye(4)[tokens]).h[-1].shape == (3, 6)


def test_teacher_forcing_at_test_uses_the_targets():
    """With the targets fed back, step t's choice does not depend on step t-1's."""
    rng = np.random.default_rng(2)
    enc, dec = s2s.init_params(3, 5, rng=rng)
    tokens = rng.integers(0, 3, size=(4, 6))
    targets = rng.integers(0, 3, size=(4, 6))
    forced = s2s.free_running(enc, dec, tokens, 4, targets=targets)
    free = s2s.free_running(enc, dec, tokens, 4)
    assert forced.shape == free.shape == (4, 6)
    np.testing.assert_array_equal(forced[0], free[0])  # same first step
    # free running's second input is its own first choice
    own = s2s.free_running(enc, dec, tokens, 4, targets=free)
    np.testing.assert_array_equal(own, free)


def test_bad_shapes():
    rng = np.random.default_rng(3)
    enc, dec = s2s.init_params(3, 4, rng=rng)
    with pytest.raises(ValueError, match="batch"):
        s2s.teacher_forced(enc, dec, np.zeros((3, 2), int), np.zeros((3, 5), int))


# --- attention (the control for the fixed-size context) ---


def test_attention_gradient_matches_finite_differences():
    rng = np.random.default_rng(4)
    enc, dec = s2s.init_params(3, 4, rng=rng, attention=True)
    dec["Q"] = dec["Q"] + 0.5 * rng.standard_normal((4, 4))  # not only I
    tokens = rng.integers(0, 3, size=(6, 2))
    targets = rng.integers(0, 3, size=(5, 2))
    _, g_enc, g_dec = s2s.teacher_forced(enc, dec, tokens, targets)
    assert set(g_dec) == {"U", "W", "b", "V", "c", "Q", "A"}
    e_enc = lk.gradcheck.check(lambda p: s2s.teacher_forced(p, dec, tokens, targets)[0], enc, g_enc)
    e_dec = lk.gradcheck.check(lambda p: s2s.teacher_forced(enc, p, tokens, targets)[0], dec, g_dec)
    assert max(e_enc[k] for k in ("U", "W", "b")) < 1e-6
    assert max(e_dec.values()) < 1e-6
    assert np.abs(g_dec["Q"]).max() > 1e-4 and np.abs(g_dec["A"]).max() > 1e-4


def _loss_by_loops(enc, dec, tokens, targets, last_only=False, outputs=None):
    """The attention model's loss, one step and one sequence at a time."""
    n = dec["V"].shape[0]
    h_enc = lk.rnn.forward(enc, np.eye(3)[tokens]).h
    attended = [len(tokens) - 1] if last_only else range(len(tokens))
    total = 0.0
    for b in range(tokens.shape[1]):
        h, u = h_enc[-1, b], n
        for t in range(len(targets)):
            x = np.eye(n + 1)[u]
            h = np.tanh(dec["b"] + dec["W"] @ h + dec["U"] @ x)
            e = np.array([h @ dec["Q"] @ h_enc[s, b] for s in attended])
            alpha = np.exp(e) / np.exp(e).sum()
            r = sum(a * h_enc[s, b] for a, s in zip(alpha, attended, strict=True))
            o = dec["c"] + dec["V"] @ h + dec["A"] @ r
            if outputs is not None:
                outputs[t, b] = o
            total -= o[targets[t, b]] - np.log(np.exp(o).sum())
            u = targets[t, b]
    return total / targets.size


def _attention_model(seed):
    """A small attention model with a random Q, and a batch: (enc, dec, tokens, targets)."""
    rng = np.random.default_rng(seed)
    enc, dec = s2s.init_params(3, 5, rng=rng, attention=True)
    dec["Q"] = rng.standard_normal((5, 5))
    return enc, dec, rng.integers(0, 3, size=(4, 3)), rng.integers(0, 3, size=(6, 3))


def test_attention_loss_matches_a_loop_implementation():
    enc, dec, tokens, targets = _attention_model(5)
    loss = s2s.teacher_forced(enc, dec, tokens, targets)[0]
    assert abs(loss - _loss_by_loops(enc, dec, tokens, targets)) < 1e-12


def test_attention_to_the_last_state_only():
    """last_only: r(t) = h_enc(T), checked by loops and finite differences."""
    enc, dec, tokens, targets = _attention_model(10)
    loss, g_enc, g_dec = s2s.teacher_forced(enc, dec, tokens, targets, last_only=True)
    o = np.zeros((6, 3, 3))
    assert abs(loss - _loss_by_loops(enc, dec, tokens, targets, True, o)) < 1e-12
    assert abs(loss - s2s.teacher_forced(enc, dec, tokens, targets)[0]) > 1e-3
    e_enc = lk.gradcheck.check(
        lambda p: s2s.teacher_forced(p, dec, tokens, targets, last_only=True)[0], enc, g_enc
    )
    e_dec = lk.gradcheck.check(
        lambda p: s2s.teacher_forced(enc, p, tokens, targets, last_only=True)[0], dec, g_dec
    )
    assert max(e_enc[k] for k in ("U", "W", "b")) < 1e-6
    assert max(e_dec[k] for k in ("U", "W", "b", "V", "c", "A")) < 1e-6
    np.testing.assert_array_equal(g_dec["Q"], 0)  # one state: nothing to score
    assert np.abs(g_dec["A"]).max() > 1e-4
    forced = s2s.free_running(enc, dec, tokens, 6, targets=targets, last_only=True)
    np.testing.assert_array_equal(forced, o.argmax(axis=-1))
    with pytest.raises(ValueError, match="attention"):
        plain = s2s.init_params(3, 5, rng=np.random.default_rng(10))
        s2s.teacher_forced(*plain, tokens, targets, last_only=True)


def test_attention_adds_to_the_same_encoder_and_decoder():
    enc, dec = s2s.init_params(4, 6, rng=np.random.default_rng(6))
    enc_a, dec_a = s2s.init_params(4, 6, rng=np.random.default_rng(6), attention=True)
    for k in enc:
        np.testing.assert_array_equal(enc[k], enc_a[k])
    for k in dec:
        np.testing.assert_array_equal(dec[k], dec_a[k])
    np.testing.assert_array_equal(dec_a["Q"], np.eye(6))
    assert dec_a["A"].shape == (4, 6)
    # with A = 0 the read-out drops out: the plain model's loss and choices
    rng = np.random.default_rng(7)
    tokens = rng.integers(0, 4, size=(5, 8))
    targets = rng.integers(0, 4, size=(5, 8))
    dec_a["A"] = np.zeros((4, 6))
    loss, loss_a = (s2s.teacher_forced(enc, d, tokens, targets)[0] for d in (dec, dec_a))
    assert abs(loss - loss_a) < 1e-12
    np.testing.assert_array_equal(
        s2s.free_running(enc, dec, tokens, 5), s2s.free_running(enc, dec_a, tokens, 5)
    )


def test_attention_free_running_feeds_back_its_choices():
    rng = np.random.default_rng(8)
    enc, dec = s2s.init_params(3, 5, rng=rng, attention=True)
    dec["A"] *= 4
    tokens = rng.integers(0, 3, size=(7, 6))
    free = s2s.free_running(enc, dec, tokens, 5)
    assert free.shape == (5, 6)
    np.testing.assert_array_equal(s2s.free_running(enc, dec, tokens, 5, targets=free), free)
    other = (free + 1) % 3  # other previous tokens change later choices
    forced = s2s.free_running(enc, dec, tokens, 5, targets=other)
    np.testing.assert_array_equal(forced[0], free[0])
    assert (forced[1:] != free[1:]).any()


def test_attend_weights_and_read_out():
    rng = np.random.default_rng(9)
    h_enc = rng.standard_normal((5, 2, 3))
    alpha, r = s2s.attend(rng.standard_normal((4, 2, 3)), h_enc, np.eye(3))
    np.testing.assert_allclose(alpha.sum(axis=-1), 1.0, rtol=0, atol=1e-14)
    np.testing.assert_allclose(r[2, 1], alpha[2, 1] @ h_enc[:, 1], rtol=0, atol=1e-14)
    # a large score matrix makes the weights pick the best-matching state
    h_enc = np.eye(3)[:, None, :]  # three orthogonal states, B = 1
    alpha, r = s2s.attend(h_enc[[2, 0]], h_enc, 50 * np.eye(3))
    np.testing.assert_allclose(r[:, 0], np.eye(3)[[2, 0]], atol=1e-12)


def test_attend_bad_shapes():
    with pytest.raises(ValueError, match=r"\(T', B, H\)"):
        s2s.attend(np.zeros((2, 3, 4)), np.zeros((5, 3, 6)), np.eye(4))
    with pytest.raises(ValueError, match=r"Q must have shape \(H, H\)"):
        s2s.attend(np.zeros((2, 3, 4)), np.zeros((5, 3, 4)), np.eye(3))
