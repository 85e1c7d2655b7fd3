"""Property tests over random sizes: T 1..8, B 1..4, D 1..5, H 1..6 (and K 1..3)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstmkit import gradcheck, lstm, rnn

TOL = 1e-7

T_ = st.integers(1, 8)
B_ = st.integers(1, 4)
D_ = st.integers(1, 5)
H_ = st.integers(1, 6)
K_ = st.integers(1, 3)
SEED = st.integers(0, 2**32 - 1)


def sig(v):
    return 1 / (1 + np.exp(-v))


def fd_error(loss, at, analytic):
    """Worst norm-based relative error against central differences, per key.

    Tiny random shapes (H = 1, D = 1, ...) can give a gradient entry of 1e-4, where the
    finite-difference rounding noise (about 1e-11) alone is a relative error of 1e-7. So
    norms below 1e-2 are compared with the floor 1e-2: an absolute error of at most 1e-9.
    A wrong formula gives errors many orders of magnitude larger.
    """
    numeric = gradcheck.numerical_grad(loss, at)
    if isinstance(at, np.ndarray):
        numeric, analytic = {"": numeric}, {"": analytic}
    return max(
        np.linalg.norm(analytic[k] - numeric[k])
        / max(np.linalg.norm(analytic[k]) + np.linalg.norm(numeric[k]), 1e-2)
        for k in numeric
    )


def make_rnn(T, B, D, H, K, seed):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(D, H, K, rng=rng, scale=0.7)
    params["b"] = 0.3 * rng.standard_normal(H)
    params["c"] = 0.3 * rng.standard_normal(K)
    x = rng.standard_normal((T, B, D))
    h0 = 0.5 * rng.standard_normal((B, H))
    G = rng.standard_normal((T, B, K))
    return params, x, h0, G


def make_lstm(T, B, D, H, seed, peepholes):
    rng = np.random.default_rng(seed)
    params = lstm.init_params(D, H, rng=rng, peepholes=peepholes, scale=0.6)
    for key in params:
        if key.startswith(("b_", "p_")):
            params[key] = params[key] + 0.4 * rng.standard_normal(H)
    x = rng.standard_normal((T, B, D))
    y0 = 0.5 * rng.standard_normal((B, H))
    c0 = rng.standard_normal((B, H))
    G = rng.standard_normal((T, B, H))
    return params, x, y0, c0, G


# ----------------------------------------------------------------------------------------
# simple RNN
# ----------------------------------------------------------------------------------------


@given(T=T_, B=B_, D=D_, H=H_, K=K_, seed=SEED)
def test_rnn_shapes_and_gradient_check(T, B, D, H, K, seed):
    params, x, h0, G = make_rnn(T, B, D, H, K, seed)
    cache = rnn.forward(params, x, h0)
    assert (cache.a.shape, cache.h.shape, cache.o.shape) == ((T, B, H), (T, B, H), (T, B, K))
    grads, d = rnn.backward(params, cache, G)
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in params.items()}
    assert (d.h.shape, d.a.shape, d.x.shape, d.h0.shape) == ((T, B, H),) * 2 + ((T, B, D), (B, H))

    def loss(p=params, x_=x, h0_=h0):
        return float(np.sum(G * rnn.forward(p, x_, h0_).o))

    assert fd_error(lambda p: loss(p=p), params, grads) <= TOL
    assert fd_error(lambda a: loss(x_=a), x, d.x) <= TOL
    assert fd_error(lambda a: loss(h0_=a), h0, d.h0) <= TOL


@given(T=T_, B=B_, D=D_, H=H_, K=K_, seed=SEED, k=st.integers(1, 9))
def test_rnn_zero_upstream_gives_zero_gradients(T, B, D, H, K, seed, k):
    params, x, h0, _ = make_rnn(T, B, D, H, K, seed)
    grads, d = rnn.backward(params, rnn.forward(params, x, h0), np.zeros((T, B, K)), truncate=k)
    for arr in (*grads.values(), d.h, d.a, d.x, d.h0):
        assert not arr.any()


@given(B=B_, D=D_, H=H_, K=K_, seed=SEED)
def test_rnn_with_one_step_is_a_feed_forward_layer(B, D, H, K, seed):
    params, x, h0, G = make_rnn(1, B, D, H, K, seed)
    U, W, b, V, c = (params[k] for k in ("U", "W", "b", "V", "c"))
    h = np.tanh(b + h0 @ W.T + x[0] @ U.T)
    cache = rnn.forward(params, x, h0)
    np.testing.assert_allclose(cache.o[0], c + h @ V.T, rtol=1e-13, atol=1e-14)
    grads, d = rnn.backward(params, cache, G)
    da = (G[0] @ V) * (1 - h**2)
    expected = {"U": da.T @ x[0], "W": da.T @ h0, "b": da.sum(0), "V": G[0].T @ h, "c": G[0].sum(0)}
    for key in params:
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(d.h0, da @ W, rtol=1e-12, atol=1e-13)


@given(T=T_, B=st.integers(2, 4), D=D_, H=H_, K=K_, seed=SEED, k=st.sampled_from([None, 1, 2]))
def test_rnn_batch_entries_are_independent(T, B, D, H, K, seed, k):
    params, x, h0, G = make_rnn(T, B, D, H, K, seed)
    grads, d = rnn.backward(params, rnn.forward(params, x, h0), G, truncate=k)
    total = {key: np.zeros_like(v) for key, v in params.items()}
    for b in range(B):
        one = slice(b, b + 1)
        g_b, d_b = rnn.backward(params, rnn.forward(params, x[:, one], h0[one]), G[:, one], k)
        for key in params:
            total[key] += g_b[key]
        np.testing.assert_allclose(d.x[:, one], d_b.x, rtol=1e-12, atol=1e-14)
    for key in params:
        np.testing.assert_allclose(grads[key], total[key], rtol=1e-12, atol=1e-13)


@given(T=T_, B=B_, D=D_, H=H_, K=K_, seed=SEED, k=st.integers(1, 9))
def test_rnn_step_contributions_and_long_truncation(T, B, D, H, K, seed, k):
    params, x, h0, G = make_rnn(T, B, D, H, K, seed)
    cache = rnn.forward(params, x, h0)
    grads, d = rnn.backward(params, cache, G, truncate=k)
    contrib = rnn.step_contributions(cache, d)
    for key in params:
        np.testing.assert_allclose(contrib[key].sum(0), grads[key], rtol=1e-12, atol=1e-13)
    if k >= T:
        full, _ = rnn.backward(params, cache, G)
        for key in params:
            np.testing.assert_array_equal(grads[key], full[key])


# ----------------------------------------------------------------------------------------
# LSTM
# ----------------------------------------------------------------------------------------


@given(T=T_, B=B_, D=D_, H=H_, seed=SEED, peepholes=st.booleans())
def test_lstm_shapes_and_gradient_check(T, B, D, H, seed, peepholes):
    params, x, y0, c0, G = make_lstm(T, B, D, H, seed, peepholes)
    cache = lstm.forward(params, x, y0, c0)
    for name in ("z_bar", "z", "i_bar", "i", "f_bar", "f", "c", "o_bar", "o", "y"):
        assert getattr(cache, name).shape == (T, B, H)
    grads, d = lstm.backward(params, cache, G)
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in params.items()}
    for name in ("y", "z_bar", "i_bar", "f_bar", "c", "o_bar"):
        assert getattr(d, name).shape == (T, B, H)
    assert (d.x.shape, d.y0.shape, d.c0.shape) == ((T, B, D), (B, H), (B, H))

    def loss(p=params, x_=x, y0_=y0, c0_=c0):
        return float(np.sum(G * lstm.forward(p, x_, y0_, c0_).y))

    assert fd_error(lambda p: loss(p=p), params, grads) <= TOL
    assert fd_error(lambda a: loss(x_=a), x, d.x) <= TOL
    assert fd_error(lambda a: loss(y0_=a), y0, d.y0) <= TOL
    assert fd_error(lambda a: loss(c0_=a), c0, d.c0) <= TOL


@given(T=T_, B=B_, D=D_, H=H_, seed=SEED, peepholes=st.booleans())
def test_lstm_zero_upstream_gives_zero_gradients(T, B, D, H, seed, peepholes):
    params, x, y0, c0, _ = make_lstm(T, B, D, H, seed, peepholes)
    grads, d = lstm.backward(params, lstm.forward(params, x, y0, c0), np.zeros((T, B, H)))
    for arr in (*grads.values(), d.y, d.z_bar, d.i_bar, d.f_bar, d.c, d.o_bar, d.x, d.y0, d.c0):
        assert not arr.any()


@given(B=B_, D=D_, H=H_, seed=SEED, peepholes=st.booleans())
def test_lstm_with_one_step_is_a_feed_forward_layer(B, D, H, seed, peepholes):
    params, x, y0, c0, G = make_lstm(1, B, D, H, seed, peepholes)
    p = params
    pi, pf, po = (p[k] if peepholes else 0.0 for k in ("p_i", "p_f", "p_o"))
    u = x[0]
    z = np.tanh(u @ p["W_z"].T + y0 @ p["R_z"].T + p["b_z"])
    i = sig(u @ p["W_i"].T + y0 @ p["R_i"].T + pi * c0 + p["b_i"])
    f = sig(u @ p["W_f"].T + y0 @ p["R_f"].T + pf * c0 + p["b_f"])
    c = z * i + c0 * f
    o = sig(u @ p["W_o"].T + y0 @ p["R_o"].T + po * c + p["b_o"])
    cache = lstm.forward(params, x, y0, c0)
    np.testing.assert_allclose(cache.c[0], c, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(cache.y[0], o * np.tanh(c), rtol=1e-13, atol=1e-14)
    # one step: delta_c = Delta o tanh'(c) + p_o do_bar, and e.g. dJ/dW_f = df_bar^T x
    grads, d = lstm.backward(params, cache, G)
    do_bar = G[0] * np.tanh(c) * o * (1 - o)
    delta_c = G[0] * o * (1 - np.tanh(c) ** 2) + po * do_bar
    df_bar = delta_c * c0 * f * (1 - f)
    np.testing.assert_allclose(d.c[0], delta_c, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grads["W_f"], df_bar.T @ u, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(grads["R_o"], do_bar.T @ y0, rtol=1e-12, atol=1e-13)


@given(T=T_, B=st.integers(2, 4), D=D_, H=H_, seed=SEED, peepholes=st.booleans())
def test_lstm_batch_entries_are_independent(T, B, D, H, seed, peepholes):
    params, x, y0, c0, G = make_lstm(T, B, D, H, seed, peepholes)
    grads, d = lstm.backward(params, lstm.forward(params, x, y0, c0), G)
    total = {key: np.zeros_like(v) for key, v in params.items()}
    for b in range(B):
        one = slice(b, b + 1)
        cache_b = lstm.forward(params, x[:, one], y0[one], c0[one])
        g_b, d_b = lstm.backward(params, cache_b, G[:, one])
        for key in params:
            total[key] += g_b[key]
        np.testing.assert_allclose(d.c[:, one], d_b.c, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(d.c0[one], d_b.c0, rtol=1e-12, atol=1e-14)
    for key in params:
        np.testing.assert_allclose(grads[key], total[key], rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@given(T=T_, B=B_, D=D_, H=H_, seed=SEED)
def test_dtype_is_kept_everywhere(dtype, T, B, D, H, seed):
    params, x, y0, c0, G = make_lstm(T, B, D, H, seed, True)
    params = {k: v.astype(dtype) for k, v in params.items()}
    cache = lstm.forward(params, x.astype(dtype), y0.astype(dtype))
    grads, d = lstm.backward(params, cache, G.astype(dtype))
    assert cache.y.dtype == cache.c0.dtype == d.x.dtype == d.c0.dtype == dtype
    assert all(g.dtype == dtype for g in grads.values())
