"""Simple RNN: forward pass, full and truncated BPTT, checked against slow references."""

import numpy as np
import pytest

from lstmkit import gradcheck, losses, optim, rnn

TOL = 1e-7  # max relative error of a gradient check (norm-based, see lstmkit.gradcheck)


# ----------------------------------------------------------------------------------------
# A slow reference, written as plainly as possible: one step at a time, optional additive
# perturbations of a(t) and h(t) so that finite differences give dJ/da(t) and dJ/dh(t).
# ----------------------------------------------------------------------------------------


def reference_forward(params, x, h0, da=None, dh=None):
    U, W, b, V, c = (params[k] for k in ("U", "W", "b", "V", "c"))
    T = x.shape[0]
    h = h0
    a_s, h_s, o_s = [], [], []
    for t in range(T):
        a = b + h @ W.T + x[t] @ U.T
        if da is not None:
            a = a + da[t]
        h = np.tanh(a)
        if dh is not None:
            h = h + dh[t]
        a_s.append(a)
        h_s.append(h)
        o_s.append(c + h @ V.T)
    return np.array(a_s), np.array(h_s), np.array(o_s)


def reference_truncated_loss(params, x, h0, G, k, h_frozen, da=None, dh=None):
    """J = sum_t G(t) . o(t), where o(t) is computed from the constant state h(t-k).

    h_frozen[s] is h(s) of an unperturbed forward pass; it is a constant, so derivatives
    of this loss only follow paths from o(t) back to a(s) with t - s < k (and reach h0
    only when t < k): the truncated gradient, by definition.
    """
    U, W, b, V, c = (params[key] for key in ("U", "W", "b", "V", "c"))
    total = 0.0
    for t in range(x.shape[0]):
        start = max(0, t - k + 1)
        h = h0 if start == 0 else h_frozen[start - 1]
        for s in range(start, t + 1):
            a = b + h @ W.T + x[s] @ U.T
            if da is not None:
                a = a + da[s]
            h = np.tanh(a)
            if dh is not None:
                h = h + dh[s]
        total += np.sum(G[t] * (c + h @ V.T))
    return total


def reference_truncated_backward(params, cache, dJ_do, k):
    """Truncated BPTT with one backward sweep per source step t, at most k steps long."""
    U, W, V = params["U"], params["W"], params["V"]
    T, B, _ = cache.x.shape
    grads = {key: np.zeros_like(v) for key, v in params.items()}
    delta_h = np.zeros_like(cache.h)
    delta_a = np.zeros_like(cache.a)
    for t in range(T):
        grads["V"] += dJ_do[t].T @ cache.h[t]
        grads["c"] += dJ_do[t].sum(axis=0)
        dh = dJ_do[t] @ V  # the error of o(t) at h(t)
        for s in range(t, max(t - k, -1), -1):  # s = t, t-1, ..., t-k+1
            da = dh * (1 - cache.h[s] ** 2)
            delta_h[s] += dh
            delta_a[s] += da
            h_prev = cache.h[s - 1] if s > 0 else cache.h0
            grads["U"] += da.T @ cache.x[s]
            grads["W"] += da.T @ h_prev
            grads["b"] += da.sum(axis=0)
            dh = da @ W
    dx = delta_a @ U
    dh0 = delta_a[0] @ W
    return grads, delta_h, delta_a, dx, dh0


def make_problem(T=7, B=3, D=4, H=5, K=2, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(D, H, K, rng=rng, scale=0.6)
    params["b"] = 0.3 * rng.standard_normal(H)
    params["c"] = 0.3 * rng.standard_normal(K)
    params = {k: v.astype(dtype) for k, v in params.items()}
    x = rng.standard_normal((T, B, D)).astype(dtype)
    h0 = (0.5 * rng.standard_normal((B, H))).astype(dtype)
    G = rng.standard_normal((T, B, K)).astype(dtype)  # J = sum(G * o), so dJ/do = G
    return params, x, h0, G


def loss_fn(G):
    def loss(params, x, h0):
        return float(np.sum(G * rnn.forward(params, x, h0).o))

    return loss


# ----------------------------------------------------------------------------------------
# init_params and forward
# ----------------------------------------------------------------------------------------


def test_init_params_shapes_dtype_and_scale():
    params = rnn.init_params(3, 400, 2, rng=np.random.default_rng(0))
    assert {k: v.shape for k, v in params.items()} == {
        "U": (400, 3),
        "W": (400, 400),
        "b": (400,),
        "V": (2, 400),
        "c": (2,),
    }
    assert all(v.dtype == np.float64 for v in params.values())
    assert np.std(params["W"]) == pytest.approx(1 / np.sqrt(400), rel=0.01)
    assert np.std(params["U"]) == pytest.approx(1 / np.sqrt(3), rel=0.05)
    assert not params["b"].any() and not params["c"].any()
    p32 = rnn.init_params(3, 4, 2, rng=np.random.default_rng(0), scale=0.1, dtype=np.float32)
    assert all(v.dtype == np.float32 for v in p32.values())
    again = rnn.init_params(3, 4, 2, rng=np.random.default_rng(0), scale=0.1, dtype=np.float32)
    assert all(np.array_equal(p32[k], again[k]) for k in p32)


def test_forward_matches_reference():
    params, x, h0, _ = make_problem()
    cache = rnn.forward(params, x, h0)
    a, h, o = reference_forward(params, x, h0)
    np.testing.assert_allclose(cache.a, a, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(cache.h, h, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(cache.o, o, rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(cache.h0, h0)
    np.testing.assert_array_equal(cache.h_prev[0], h0)
    np.testing.assert_array_equal(cache.h_prev[1:], cache.h[:-1])


def test_forward_default_h0_is_zero():
    params, x, _, _ = make_problem()
    B, H = x.shape[1], params["W"].shape[0]
    cache = rnn.forward(params, x)
    np.testing.assert_array_equal(cache.h0, np.zeros((B, H)))
    np.testing.assert_allclose(cache.h[0], np.tanh(params["b"] + x[0] @ params["U"].T))


def test_repr_shows_shapes():
    params, x, h0, G = make_problem(T=3, B=2, D=4, H=5, K=2)
    cache = rnn.forward(params, x, h0)
    assert repr(cache).startswith("RNNCache(x=(3, 2, 4), a=(3, 2, 5)")
    _, deltas = rnn.backward(params, cache, G)
    assert "h0=(2, 5)" in repr(deltas)


# ----------------------------------------------------------------------------------------
# full BPTT
# ----------------------------------------------------------------------------------------


def test_param_gradients_match_finite_differences():
    params, x, h0, G = make_problem()
    grads, _ = rnn.backward(params, rnn.forward(params, x, h0), G)
    loss = loss_fn(G)
    errors = gradcheck.check(lambda p: loss(p, x, h0), params, grads)
    assert set(errors) == {"U", "W", "b", "V", "c"}
    assert max(errors.values()) <= TOL, errors


def test_input_and_initial_state_deltas_match_finite_differences():
    params, x, h0, G = make_problem()
    _, deltas = rnn.backward(params, rnn.forward(params, x, h0), G)
    loss = loss_fn(G)
    assert gradcheck.check(lambda x_: loss(params, x_, h0), x, deltas.x) <= TOL
    assert gradcheck.check(lambda h0_: loss(params, x, h0_), h0, deltas.h0) <= TOL
    np.testing.assert_array_equal(deltas.o, G)


def test_hidden_deltas_are_total_derivatives():
    """deltas.a and deltas.h equal dJ/d(perturbation added to a(t) or h(t))."""
    params, x, h0, G = make_problem()
    _, deltas = rnn.backward(params, rnn.forward(params, x, h0), G)

    def loss_da(da):
        return float(np.sum(G * reference_forward(params, x, h0, da=da)[2]))

    def loss_dh(dh):
        return float(np.sum(G * reference_forward(params, x, h0, dh=dh)[2]))

    zeros = np.zeros_like(deltas.a)
    assert gradcheck.check(loss_da, zeros, deltas.a) <= TOL
    assert gradcheck.check(loss_dh, zeros, deltas.h) <= TOL


def test_backward_chain_identities():
    params, x, h0, G = make_problem()
    cache = rnn.forward(params, x, h0)
    _, d = rnn.backward(params, cache, G)
    np.testing.assert_allclose(d.a, d.h * (1 - cache.h**2), rtol=1e-14)
    # at the last step only the output sends an error
    np.testing.assert_allclose(d.h[-1], G[-1] @ params["V"], rtol=1e-14)
    np.testing.assert_allclose(d.h[:-1], G[:-1] @ params["V"] + d.a[1:] @ params["W"])


def test_mse_loss_through_the_rnn():
    """A non-linear loss: J = mean((o - target)^2) over all steps, via its gradient."""
    params, x, h0, _ = make_problem()
    target = np.random.default_rng(5).standard_normal((7, 3, 2))

    def loss(p):
        o = rnn.forward(p, x, h0).o
        return float(np.mean((o - target) ** 2))

    cache = rnn.forward(params, x, h0)
    dJ_do = 2 * (cache.o - target) / target.size
    grads, _ = rnn.backward(params, cache, dJ_do)
    assert gradcheck.max_rel_error(loss, params, grads) <= TOL


# ----------------------------------------------------------------------------------------
# truncated BPTT
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 3, 6])
def test_truncated_matches_slow_reference(k):
    params, x, h0, G = make_problem(T=7)
    cache = rnn.forward(params, x, h0)
    grads, d = rnn.backward(params, cache, G, truncate=k)
    ref_grads, ref_dh, ref_da, ref_dx, ref_dh0 = reference_truncated_backward(params, cache, G, k)
    for key in params:
        np.testing.assert_allclose(grads[key], ref_grads[key], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(d.h, ref_dh, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(d.a, ref_da, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(d.x, ref_dx, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(d.h0, ref_dh0, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("k", [1, 3])
def test_truncated_is_gradient_of_loss_with_frozen_states(k):
    params, x, h0, G = make_problem(T=7)
    cache = rnn.forward(params, x, h0)
    grads, d = rnn.backward(params, cache, G, truncate=k)
    frozen = cache.h.copy()

    def loss(p=params, x_=x, h0_=h0, da=None, dh=None):
        return reference_truncated_loss(p, x_, h0_, G, k, frozen, da=da, dh=dh)

    assert gradcheck.max_rel_error(lambda p: loss(p=p), params, grads) <= TOL
    assert gradcheck.check(lambda x_: loss(x_=x_), x, d.x) <= TOL
    assert gradcheck.check(lambda h0_: loss(h0_=h0_), h0, d.h0) <= TOL
    zeros = np.zeros_like(d.a)
    assert gradcheck.check(lambda e: loss(da=e), zeros, d.a) <= TOL
    assert gradcheck.check(lambda e: loss(dh=e), zeros, d.h) <= TOL


def test_truncated_differs_from_full_and_long_truncation_equals_full():
    params, x, h0, G = make_problem(T=7)
    cache = rnn.forward(params, x, h0)
    full, d_full = rnn.backward(params, cache, G)
    short, _ = rnn.backward(params, cache, G, truncate=6)
    assert np.abs(full["W"] - short["W"]).max() > 1e-6  # one path dropped: o(6) -> a(0)
    for k in (7, 8, 100, None):
        same, d_same = rnn.backward(params, cache, G, truncate=k)
        for key in params:
            np.testing.assert_array_equal(same[key], full[key])
        np.testing.assert_array_equal(d_same.h, d_full.h)


def test_window_code_with_k_equal_T_reproduces_full_bptt():
    """The window implementation itself (normally bypassed for k >= T) agrees with full."""
    params, x, h0, G = make_problem(T=7)
    cache = rnn.forward(params, x, h0)
    local = G @ params["V"]
    dtanh = 1 - cache.h**2
    dh_full, da_full = rnn._bptt_full(params["W"], local, dtanh)
    for k in (7, 9):
        dh_win, da_win = rnn._bptt_truncated(params["W"], local, dtanh, k)
        np.testing.assert_allclose(dh_win, dh_full, rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(da_win, da_full, rtol=1e-13, atol=1e-14)


def test_truncate_one_keeps_no_recurrent_path():
    params, x, h0, G = make_problem(T=5)
    cache = rnn.forward(params, x, h0)
    _, d = rnn.backward(params, cache, G, truncate=1)
    np.testing.assert_allclose(d.h, G @ params["V"], rtol=1e-14)
    np.testing.assert_allclose(d.a, (G @ params["V"]) * (1 - cache.h**2), rtol=1e-14)


# ----------------------------------------------------------------------------------------
# truncated BPTT by chunks
# ----------------------------------------------------------------------------------------


def chunk_problem(T=9, seed=1):
    params, x, h0, _ = make_problem(T=T, seed=seed)
    target = np.random.default_rng(seed + 10).standard_normal((T, x.shape[1], 2))
    return params, x, h0, target


def test_chunked_with_one_chunk_is_full_bptt():
    params, x, h0, target = chunk_problem()
    cache = rnn.forward(params, x, h0)
    full, _ = rnn.backward(params, cache, cache.o - target)
    for chunk in (9, 20):
        grads, values, h_last = rnn.chunked_bptt(params, x, target, chunk, h0=h0)
        assert len(grads) == 1 and values.shape == (1,)
        assert values[0] == pytest.approx(0.5 * np.sum((cache.o - target) ** 2), rel=1e-14)
        for key in params:
            np.testing.assert_allclose(grads[0][key], full[key], rtol=1e-13, atol=1e-14)
        np.testing.assert_array_equal(h_last, cache.h[-1])


def test_chunk_gradients_hold_the_carried_state_constant():
    """Chunk c's gradient is that of J_c with h(s-1) a constant: finite differences."""
    params, x, h0, target = chunk_problem()
    chunk = 4
    grads, values, _ = rnn.chunked_bptt(params, x, target, chunk, h0=h0)
    assert len(grads) == 3 and values.shape == (3,)  # steps 1-4, 5-8, 9
    h_start = [h0] + [rnn.forward(params, x, h0).h[s - 1] for s in (4, 8)]
    for c, start in enumerate((0, 4, 8)):
        part = slice(start, start + chunk)

        def chunk_loss(p, c=c, part=part):
            return 0.5 * float(np.sum((rnn.forward(p, x[part], h_start[c]).o - target[part]) ** 2))

        assert chunk_loss(params) == pytest.approx(values[c], rel=1e-13)
        assert gradcheck.max_rel_error(chunk_loss, params, grads[c]) <= TOL


def test_chunked_sum_differs_from_full_gradient_and_state_is_carried():
    params, x, h0, target = chunk_problem()
    cache = rnn.forward(params, x, h0)
    full, _ = rnn.backward(params, cache, cache.o - target)
    grads, values, h_last = rnn.chunked_bptt(params, x, target, 3, h0=h0)
    summed = {k: sum(g[k] for g in grads) for k in params}
    # V and c see no recurrent path: identical; W loses the paths across chunk borders
    np.testing.assert_allclose(summed["V"], full["V"], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(summed["c"], full["c"], rtol=1e-12, atol=1e-13)
    assert np.abs(summed["W"] - full["W"]).max() > 1e-3
    # the forward pass is not cut: same loss and same last state as one long pass
    assert values.sum() == pytest.approx(0.5 * np.sum((cache.o - target) ** 2), rel=1e-13)
    np.testing.assert_allclose(h_last, cache.h[-1], rtol=1e-13, atol=1e-14)


def test_chunked_update_runs_after_every_chunk_with_new_parameters():
    params, x, h0, target = chunk_problem()
    mine = {k: v.copy() for k, v in params.items()}
    opt = optim.SGD(lr=0.01)
    calls = []

    def update(g):
        calls.append(g)
        opt.step(mine, g)

    grads, _, h_last = rnn.chunked_bptt(mine, x, target, 4, h0=h0, update=update)
    assert len(calls) == 3 and all(a is b for a, b in zip(calls, grads, strict=True))
    # the same loop written out: forward a chunk, backward, step, carry the state
    ref = {k: v.copy() for k, v in params.items()}
    h = h0
    for start in (0, 4, 8):
        part = slice(start, start + 4)
        cache = rnn.forward(ref, x[part], h)
        g, _ = rnn.backward(ref, cache, cache.o - target[part])
        h = cache.h[-1]
        for k in ref:
            ref[k] -= 0.01 * g[k]
    for k in params:
        np.testing.assert_allclose(mine[k], ref[k], rtol=1e-13, atol=1e-15)
        assert np.abs(mine[k] - params[k]).max() > 1e-5
    np.testing.assert_allclose(h_last, h, rtol=1e-13, atol=1e-15)


def test_chunked_takes_a_loss_function():
    params, x, h0, target = chunk_problem(T=6)
    grads, values, _ = rnn.chunked_bptt(params, x, target, 6, h0=h0, loss=losses.mse)
    cache = rnn.forward(params, x, h0)
    value, dJ_do = losses.mse(cache.o, target)
    full, _ = rnn.backward(params, cache, dJ_do)
    assert values[0] == pytest.approx(value, rel=1e-14)
    np.testing.assert_allclose(grads[0]["W"], full["W"], rtol=1e-13, atol=1e-15)


def test_chunked_rejects_bad_input():
    params, x, h0, target = chunk_problem(T=5)
    with pytest.raises(ValueError, match="chunk must be a positive int"):
        rnn.chunked_bptt(params, x, target, 0)
    with pytest.raises(TypeError, match="chunk must be a positive int"):
        rnn.chunked_bptt(params, x, target, 2.0)
    with pytest.raises(ValueError, match=r"target must have shape \(T, B, K\)"):
        rnn.chunked_bptt(params, x, target[:, :, :1], 2)
    with pytest.raises(TypeError, match="loss must be a callable"):
        rnn.chunked_bptt(params, x, target, 2, loss="mse")
    with pytest.raises(TypeError, match="update must be a callable"):
        rnn.chunked_bptt(params, x, target, 2, update=1)


# ----------------------------------------------------------------------------------------
# per-step contributions and the Jacobian
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("truncate", [None, 2])
def test_step_contributions_sum_to_the_gradient(truncate):
    params, x, h0, G = make_problem()
    cache = rnn.forward(params, x, h0)
    grads, deltas = rnn.backward(params, cache, G, truncate=truncate)
    contrib = rnn.step_contributions(cache, deltas)
    T = x.shape[0]
    for key in params:
        assert contrib[key].shape == (T, *params[key].shape)
        np.testing.assert_allclose(contrib[key].sum(axis=0), grads[key], rtol=1e-12, atol=1e-13)
    # step 2 on its own: dJ/dW(2) = sum over the batch of delta_a(2) h(1)^T
    np.testing.assert_allclose(contrib["W"][2], deltas.a[2].T @ cache.h[1], rtol=1e-13)


def test_step_contributions_vanish_after_the_only_loss_term():
    params, x, h0, G = make_problem(T=6)
    G[4:] = 0  # no loss after step 3: steps 4, 5 cannot contribute
    G[:3] = 0
    cache = rnn.forward(params, x, h0)
    _, deltas = rnn.backward(params, cache, G)
    contrib = rnn.step_contributions(cache, deltas)
    assert not contrib["U"][4:].any() and not contrib["V"][4:].any()
    assert np.abs(contrib["U"][0]).max() > 1e-6  # but earlier steps do


def test_hidden_jacobian_matches_finite_differences():
    params, x, h0, _ = make_problem(T=4, B=2, H=5)
    cache = rnn.forward(params, x, h0)
    t = 2
    jac = rnn.hidden_jacobian(params, cache, t)
    assert jac.shape == (2, 5, 5)

    def h_t(h_prev, b):
        return np.tanh(params["b"] + h_prev @ params["W"].T + x[t, b] @ params["U"].T)

    for b in range(2):
        for k in range(5):
            e = np.zeros(5)
            e[k] = 1e-6
            fd = (h_t(cache.h[t - 1, b] + e, b) - h_t(cache.h[t - 1, b] - e, b)) / 2e-6
            np.testing.assert_allclose(jac[b, :, k], fd, rtol=1e-7, atol=1e-9)


# ----------------------------------------------------------------------------------------
# float32
# ----------------------------------------------------------------------------------------


def test_float32_stays_float32_and_agrees_with_float64():
    p64, x64, h64, G64 = make_problem()
    p32 = {k: v.astype(np.float32) for k, v in p64.items()}
    x32, h32, G32 = x64.astype(np.float32), h64.astype(np.float32), G64.astype(np.float32)
    c32 = rnn.forward(p32, x32, h32)
    g32, d32 = rnn.backward(p32, c32, G32, truncate=3)
    g64, d64 = rnn.backward(p64, rnn.forward(p64, x64, h64), G64, truncate=3)
    for arr in (c32.a, c32.h, c32.o, d32.h, d32.a, d32.x, d32.h0, *g32.values()):
        assert arr.dtype == np.float32
    for key in p64:
        np.testing.assert_allclose(g32[key], g64[key], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(d32.x, d64.x, rtol=1e-4, atol=1e-5)
