"""Bad input is refused with a clear message that names the expected shape, key or type."""

import re

import numpy as np
import pytest

from lstmkit import lstm, rnn

RNG = np.random.default_rng(0)
RNN_PARAMS = rnn.init_params(3, 5, 2, rng=RNG)  # D=3, H=5, K=2
LSTM_PARAMS = lstm.init_params(3, 5, rng=RNG)
X = RNG.standard_normal((4, 2, 3))  # T=4, B=2, D=3


def exact(message):
    return "^" + re.escape(message) + "$"


def rnn_with(**changes):
    return {**RNN_PARAMS, **changes}


def lstm_with(**changes):
    return {**LSTM_PARAMS, **changes}


# ----------------------------------------------------------------------------------------
# shapes
# ----------------------------------------------------------------------------------------


def test_rnn_x_with_wrong_feature_size():
    msg = (
        "x must have shape (T, B, D) = (?, ?, 3) to match params['U'] of shape (5, 3); "
        "got (4, 2, 7)"
    )
    with pytest.raises(ValueError, match=exact(msg)):
        rnn.forward(RNN_PARAMS, np.zeros((4, 2, 7)))


@pytest.mark.parametrize("shape", [(4, 3), (3,), (1, 4, 2, 3)])
def test_rnn_x_with_wrong_ndim(shape):
    with pytest.raises(ValueError, match=re.escape(f"got a {len(shape)}-D array {shape}")):
        rnn.forward(RNN_PARAMS, np.zeros(shape))


def test_rnn_h0_mismatch():
    msg = (
        "h0 must have shape (B, H) = (2, 5) to match x of shape (4, 2, 3) and "
        "params['U'] of shape (5, 3); got (3, 5)"
    )
    with pytest.raises(ValueError, match=exact(msg)):
        rnn.forward(RNN_PARAMS, X, np.zeros((3, 5)))
    with pytest.raises(ValueError, match=re.escape("h0 must have shape (B, H) = (2, 5)")):
        rnn.forward(RNN_PARAMS, X, np.zeros(5))


def test_rnn_param_shape_mismatch():
    msg = (
        "params['W'] must have shape (H, H) = (5, 5) to match params['U'] of shape (5, 3); "
        "got (4, 4)"
    )
    with pytest.raises(ValueError, match=exact(msg)):
        rnn.forward(rnn_with(W=np.zeros((4, 4))), X)
    with pytest.raises(ValueError, match=re.escape("params['b'] must have shape (H,) = (5,)")):
        rnn.forward(rnn_with(b=np.zeros((5, 1))), X)
    with pytest.raises(ValueError, match=re.escape("params['c'] must have shape (K,) = (2,)")):
        rnn.forward(rnn_with(c=np.zeros(3)), X)
    with pytest.raises(ValueError, match=re.escape("params['U'] must have shape (H, D); got")):
        rnn.forward(rnn_with(U=np.zeros(5)), X)


def test_rnn_missing_and_extra_keys():
    params = {k: v for k, v in RNN_PARAMS.items() if k not in ("W", "c")}
    msg = "params is missing key(s) 'W', 'c' (expected keys: U, W, b, V, c)"
    with pytest.raises(ValueError, match=exact(msg)):
        rnn.forward(params, X)
    with pytest.raises(ValueError, match=re.escape("params has unexpected key(s) 'W_z'")):
        rnn.forward(rnn_with(W_z=np.zeros((5, 3))), X)
    with pytest.raises(TypeError, match="params must be a dict of numpy arrays with keys U, W"):
        rnn.forward(list(RNN_PARAMS.values()), X)


def test_rnn_backward_shapes():
    cache = rnn.forward(RNN_PARAMS, X)
    msg = (
        "dJ_do must have shape (T, B, K) = (4, 2, 2) to match cache.x of shape (4, 2, 3) "
        "and params['V'] of shape (2, 5); got (4, 2, 5)"
    )
    with pytest.raises(ValueError, match=exact(msg)):
        rnn.backward(RNN_PARAMS, cache, np.zeros((4, 2, 5)))
    with pytest.raises(TypeError, match="cache must be the RNNCache returned by forward"):
        rnn.backward(RNN_PARAMS, {"x": X}, np.zeros((4, 2, 2)))
    other = rnn.init_params(3, 6, 2, rng=np.random.default_rng(1))
    msg = "cache.a must have shape (T, B, H) = (4, 2, 6)"
    with pytest.raises(ValueError, match=re.escape(msg)):
        rnn.backward(other, cache, np.zeros((4, 2, 2)))


def test_lstm_shapes():
    msg = (
        "x must have shape (T, B, D) = (?, ?, 3) to match params['W_z'] of shape (5, 3); "
        "got (4, 2, 4)"
    )
    with pytest.raises(ValueError, match=exact(msg)):
        lstm.forward(LSTM_PARAMS, np.zeros((4, 2, 4)))
    with pytest.raises(ValueError, match=re.escape("y0 must have shape (B, H) = (2, 5)")):
        lstm.forward(LSTM_PARAMS, X, y0=np.zeros((2, 4)))
    with pytest.raises(ValueError, match=re.escape("c0 must have shape (B, H) = (2, 5)")):
        lstm.forward(LSTM_PARAMS, X, c0=np.zeros((1, 5)))
    msg = "params['R_f'] must have shape (H, H) = (5, 5) to match params['W_z'] of shape (5, 3)"
    with pytest.raises(ValueError, match=re.escape(msg)):
        lstm.forward(lstm_with(R_f=np.zeros((5, 4))), X)
    with pytest.raises(ValueError, match=re.escape("params['p_o'] must have shape (H,) = (5,)")):
        lstm.forward(lstm_with(p_o=np.zeros(4)), X)
    cache = lstm.forward(LSTM_PARAMS, X)
    msg = "dJ_dy must have shape (T, B, H) = (4, 2, 5) to match cache.x of shape (4, 2, 3)"
    with pytest.raises(ValueError, match=re.escape(msg)):
        lstm.backward(LSTM_PARAMS, cache, np.zeros((4, 2, 3)))
    with pytest.raises(ValueError, match=re.escape("dJ_dy must have shape (T, B, H) = (4, 2, 5)")):
        lstm.backward(LSTM_PARAMS, cache, np.zeros((3, 2, 5)))
    with pytest.raises(TypeError, match="cache must be the LSTMCache"):
        lstm.backward(LSTM_PARAMS, rnn.forward(RNN_PARAMS, X), np.zeros((4, 2, 5)))


def test_lstm_keys_and_peepholes():
    no_p_o = {k: v for k, v in LSTM_PARAMS.items() if k != "p_o"}
    msg = (
        "peepholes need all three of params['p_i'], params['p_f'], params['p_o'], "
        "or none of them; got only 'p_i', 'p_f'"
    )
    with pytest.raises(ValueError, match=exact(msg)):
        lstm.forward(no_p_o, X)
    no_R_i = {k: v for k, v in LSTM_PARAMS.items() if k != "R_i"}
    with pytest.raises(ValueError, match=re.escape("params is missing key(s) 'R_i'")):
        lstm.forward(no_R_i, X)
    with pytest.raises(ValueError, match=re.escape("params has unexpected key(s) 'p_z'")):
        lstm.forward(lstm_with(p_z=np.zeros(5)), X)


def test_empty_axes_are_refused():
    msg = "x must not have an empty axis; got shape (0, 2, 3)"
    with pytest.raises(ValueError, match=exact(msg)):
        rnn.forward(RNN_PARAMS, np.zeros((0, 2, 3)))
    with pytest.raises(ValueError, match="must not have an empty axis"):
        lstm.forward(LSTM_PARAMS, np.zeros((4, 0, 3)))


# ----------------------------------------------------------------------------------------
# values and types
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values(bad):
    x = X.copy()
    x[1, 0, 2] = bad
    msg = "x contains NaN or infinite values (1 of them, the first at index (1, 0, 2))"
    with pytest.raises(ValueError, match=exact(msg)):
        rnn.forward(RNN_PARAMS, x)
    with pytest.raises(ValueError, match=re.escape("x contains NaN or infinite values")):
        lstm.forward(LSTM_PARAMS, x)
    W = RNN_PARAMS["W"].copy()
    W[0, 0] = bad
    with pytest.raises(ValueError, match=re.escape("params['W'] contains NaN or infinite")):
        rnn.forward(rnn_with(W=W), X)
    p_f = LSTM_PARAMS["p_f"].copy()
    p_f[3] = bad
    with pytest.raises(ValueError, match=re.escape("params['p_f'] contains NaN or infinite")):
        lstm.forward(lstm_with(p_f=p_f), X)
    h0 = np.zeros((2, 5))
    h0[1, 1] = bad
    with pytest.raises(ValueError, match=re.escape("h0 contains NaN or infinite")):
        rnn.forward(RNN_PARAMS, X, h0)
    cache = lstm.forward(LSTM_PARAMS, X)
    dJ_dy = np.zeros((4, 2, 5))
    dJ_dy[0, 0, 0] = bad
    with pytest.raises(ValueError, match=re.escape("dJ_dy contains NaN or infinite")):
        lstm.backward(LSTM_PARAMS, cache, dJ_dy)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, object, np.complex128, np.float16])
def test_non_float_dtypes(dtype):
    x = X.astype(dtype)
    msg = f"x must have dtype float32 or float64; got dtype {np.dtype(dtype)}"
    with pytest.raises(TypeError, match=exact(msg)):
        rnn.forward(RNN_PARAMS, x)
    with pytest.raises(TypeError, match=re.escape(msg)):
        lstm.forward(LSTM_PARAMS, x)
    msg = f"params['W_o'] must have dtype float32 or float64; got dtype {np.dtype(dtype)}"
    with pytest.raises(TypeError, match=re.escape(msg)):
        lstm.forward(lstm_with(W_o=LSTM_PARAMS["W_o"].astype(dtype)), X)


@pytest.mark.parametrize("bad", [X.tolist(), 3.0, None, "x"])
def test_non_arrays(bad):
    name = type(bad).__name__
    msg = f"x must be a numpy array (numpy.ndarray) of float32 or float64; got {name}"
    with pytest.raises(TypeError, match=exact(msg)):
        rnn.forward(RNN_PARAMS, bad)
    with pytest.raises(TypeError, match=re.escape(msg)):
        lstm.forward(LSTM_PARAMS, bad)


def test_dtype_mismatches():
    msg = (
        "x has dtype float32 but the parameters have dtype float64; "
        "convert one of them, e.g. x.astype(np.float64)"
    )
    with pytest.raises(TypeError, match=exact(msg)):
        rnn.forward(RNN_PARAMS, X.astype(np.float32))
    with pytest.raises(TypeError, match=re.escape("y0 has dtype float32 but the parameters")):
        lstm.forward(LSTM_PARAMS, X, y0=np.zeros((2, 5), np.float32))
    mixed = lstm_with(R_z=LSTM_PARAMS["R_z"].astype(np.float32))
    msg = (
        "all parameters must have the same dtype; "
        "params['W_z'] is float64 but params['R_z'] is float32"
    )
    with pytest.raises(TypeError, match=exact(msg)):
        lstm.forward(mixed, X)
    cache = rnn.forward(RNN_PARAMS, X)
    with pytest.raises(TypeError, match=re.escape("dJ_do has dtype float32")):
        rnn.backward(RNN_PARAMS, cache, np.zeros((4, 2, 2), np.float32))


@pytest.mark.parametrize(
    ("truncate", "error", "message"),
    [
        (0, ValueError, "truncate must be a positive int or None; got 0"),
        (-2, ValueError, "truncate must be a positive int or None; got -2"),
        (2.0, TypeError, "truncate must be a positive int or None; got 2.0 of type float"),
        (True, TypeError, "truncate must be a positive int or None; got True of type bool"),
        ("3", TypeError, "truncate must be a positive int or None; got '3' of type str"),
    ],
)
def test_invalid_truncate(truncate, error, message):
    cache = rnn.forward(RNN_PARAMS, X)
    with pytest.raises(error, match=exact(message)):
        rnn.backward(RNN_PARAMS, cache, np.zeros((4, 2, 2)), truncate=truncate)


def test_numpy_integer_truncate_is_fine():
    cache = rnn.forward(RNN_PARAMS, X)
    grads, _ = rnn.backward(RNN_PARAMS, cache, np.ones((4, 2, 2)), truncate=np.int64(2))
    expected, _ = rnn.backward(RNN_PARAMS, cache, np.ones((4, 2, 2)), truncate=2)
    np.testing.assert_array_equal(grads["W"], expected["W"])


def test_init_params_arguments():
    with pytest.raises(ValueError, match=exact("n_hidden must be a positive int; got 0")):
        rnn.init_params(3, 0, 2, rng=RNG)
    with pytest.raises(TypeError, match=re.escape("n_in must be a positive int; got 2.5")):
        lstm.init_params(2.5, 4, rng=RNG)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        lstm.init_params(2, 4, rng=42)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        rnn.init_params(2, 4, 1, rng=np.random.RandomState(0))
    with pytest.raises(TypeError, match="dtype must be float32 or float64; got int32"):
        rnn.init_params(2, 4, 1, rng=RNG, dtype=np.int32)


def test_jacobian_step_argument():
    cache = lstm.forward(LSTM_PARAMS, X)
    with pytest.raises(ValueError, match=exact("t must be a time step 0 <= t < T = 4; got 4")):
        lstm.cell_jacobian(LSTM_PARAMS, cache, 4)
    with pytest.raises(TypeError, match="t must be an int time step; got 1.0"):
        lstm.cell_jacobian(LSTM_PARAMS, cache, 1.0)
    with pytest.raises(ValueError, match="0 <= t < T = 4; got -1"):
        rnn.hidden_jacobian(RNN_PARAMS, rnn.forward(RNN_PARAMS, X), -1)


def test_step_contributions_arguments():
    cache = rnn.forward(RNN_PARAMS, X)
    _, deltas = rnn.backward(RNN_PARAMS, cache, np.ones((4, 2, 2)))
    with pytest.raises(TypeError, match="deltas must be the RNNDeltas"):
        rnn.step_contributions(cache, cache)
    other = rnn.forward(RNN_PARAMS, X[:3])
    with pytest.raises(ValueError, match="do not belong to cache"):
        rnn.step_contributions(other, deltas)
