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
