"""Bidirectional RNN, generation with feedback and the encoder-decoder."""

import numpy as np
import pytest

import lstmkit as lk
from lstmkit import task_types as tt


def _params(D, H, K, seed):
    return lk.rnn.init_params(D, H, K, rng=np.random.default_rng(seed))


def test_bidirectional_halves():
    fwd, bwd = _params(3, 4, 1, 0), _params(3, 5, 1, 1)
    x = np.random.default_rng(2).standard_normal((6, 2, 3))
    h = tt.bidirectional(fwd, bwd, x)
    assert h.shape == (6, 2, 9)
    np.testing.assert_array_equal(h[..., :4], lk.rnn.forward(fwd, x).h)
    # the backward state at the last step has seen only the last input
    np.testing.assert_allclose(h[-1, :, 4:], np.tanh(x[-1] @ bwd["U"].T + bwd["b"]), atol=1e-15)
    # changing the last input changes the backward state at step 1, not the forward one
    x2 = x.copy()
    x2[-1] += 1.0
    h2 = tt.bidirectional(fwd, bwd, x2)
    np.testing.assert_array_equal(h2[0, :, :4], h[0, :, :4])
    assert np.abs(h2[0, :, 4:] - h[0, :, 4:]).max() > 1e-6


def test_argmax_one_hot():
    o = np.array([[0.1, 2.0, -1.0], [3.0, 0.0, 0.0]])
    np.testing.assert_array_equal(tt.argmax_one_hot(o), [[0, 1, 0], [1, 0, 0]])


def test_generate_feeds_outputs_back():
    p = _params(3, 4, 3, 3)
    x1 = np.random.default_rng(4).standard_normal((2, 3))
    inputs, outputs = tt.generate(p, x1, 5)
    assert inputs.shape == (5, 2, 3) and outputs.shape == (5, 2, 3)
    np.testing.assert_array_equal(inputs[0], x1)
    np.testing.assert_array_equal(inputs[1:], outputs[:-1])  # identity feedback
    # the same as one forward pass over the inputs that were fed
    np.testing.assert_allclose(lk.rnn.forward(p, inputs).o, outputs, atol=1e-14)


def test_generate_hand_built_counter():
    # h(t) = tanh(h(t-1) + 0.1): a known sequence, o(t) = h(t); the input is ignored
    p = {
        "U": np.zeros((1, 1)),
        "W": np.ones((1, 1)),
        "b": np.array([0.1]),
        "V": np.ones((1, 1)),
        "c": np.zeros(1),
    }
    _, outputs = tt.generate(p, np.zeros((1, 1)), 3)
    h1 = np.tanh(0.1)
    h2 = np.tanh(h1 + 0.1)
    np.testing.assert_allclose(outputs[:, 0, 0], [h1, h2, np.tanh(h2 + 0.1)], rtol=1e-15)


def test_generate_errors():
    p = _params(3, 4, 2, 0)
    with pytest.raises(ValueError, match="feedback must turn an output of shape"):
        tt.generate(p, np.zeros((1, 3)), 2)
    with pytest.raises(ValueError, match=r"x1 must have shape \(B, D\)"):
        tt.generate(p, np.zeros(3), 2)


def test_encode_decode_output_length_is_free():
    enc, dec = _params(5, 6, 1, 0), _params(4, 6, 4, 1)
    x = np.random.default_rng(1).standard_normal((9, 2, 5))
    start = np.zeros((2, 4))
    start[:, 0] = 1.0
    context, inputs, outputs = tt.encode_decode(
        enc, dec, x, 7, start=start, feedback=tt.argmax_one_hot
    )
    assert context.shape == (2, 6) and inputs.shape == (7, 2, 4) and outputs.shape == (7, 2, 4)
    np.testing.assert_array_equal(context, lk.rnn.forward(enc, x).h[-1])
    np.testing.assert_array_equal(inputs[1:], tt.argmax_one_hot(outputs[:-1]))
    np.testing.assert_allclose(lk.rnn.forward(dec, inputs, context).o, outputs, atol=1e-14)
    with pytest.raises(ValueError, match="same hidden size"):
        tt.encode_decode(_params(5, 3, 1, 0), dec, x, 2, start=start)
