"""Chapter 5's tools: nudged losses, the exact state Jacobian, the many-to-many readout and
the latest-marked task."""

import numpy as np
import pytest

from lstmkit import gradcheck, losses, lstm, lstm_paths, tasks, train

T, B, D, H = 5, 1, 2, 3


def small(seed=0, peepholes=True, R_o_scale=1.0):
    rng = np.random.default_rng(seed)
    params = lstm.init_params(D, H, rng=rng, peepholes=peepholes)
    if peepholes:
        for p in lstm.PEEPHOLES:
            params[p] = rng.uniform(-1.0, 1.0, H)
    for g in lstm.SIGNALS:  # recurrent weights large enough to matter
        params[f"R_{g}"] = rng.standard_normal((H, H))
    params["R_o"] = params["R_o"] * R_o_scale
    x = rng.standard_normal((T, B, D))
    target = rng.standard_normal((T, B, H))
    return params, x, target


@pytest.mark.parametrize("variant", lstm.VARIANTS)
@pytest.mark.parametrize("node", lstm_paths.NUDGED)
def test_nudged_loss_differences_are_the_deltas_of_backward(node, variant):
    params, x, target = small(1)

    def loss(y):
        return 0.5 * float(np.sum((y - target) ** 2))

    cache = lstm.forward(params, x, variant=variant)
    _, deltas = lstm.backward(params, cache, cache.y - target)
    assert lstm_paths.nudged_loss(
        params, x, loss, node, 2, np.zeros(H), variant=variant
    ) == pytest.approx(loss(cache.y), rel=1e-14)
    for t in range(T):
        numeric = gradcheck.numerical_grad(
            lambda e, t=t: lstm_paths.nudged_loss(params, x, loss, node, t, e, variant=variant),
            np.zeros(H),
        )
        assert gradcheck.rel_error(numeric, getattr(deltas, node)[t, 0]) < 1e-6


def test_nudged_loss_rejects_unknown_nodes_and_bad_eps():
    params, x, target = small()
    with pytest.raises(ValueError, match="node must be one of"):
        lstm_paths.nudged_loss(params, x, np.sum, "o", 0, np.zeros(H))
    with pytest.raises(ValueError, match=r"eps must have shape \(H,\)"):
        lstm_paths.nudged_loss(params, x, np.sum, "c", 0, np.zeros(H + 1))


@pytest.mark.parametrize("variant", ["vanilla", "coupled"])
@pytest.mark.parametrize("peepholes", [True, False])
@pytest.mark.parametrize("t", [0, 2, T - 1])
def test_state_jacobian_equals_finite_differences_of_one_step(t, peepholes, variant):
    params, x, _ = small(2, peepholes=peepholes)
    cache = lstm.forward(params, x, variant=variant)
    jac = lstm_paths.state_jacobian(params, cache, t)
    assert jac.shape == (B, 2 * H, 2 * H)

    def step(state):
        c_prev, y_prev = state[:H][None], state[H:][None]
        after = lstm.forward(params, x[t : t + 1], y_prev, c_prev, variant=variant)
        return np.concatenate([after.c[0, 0], after.y[0, 0]])

    state = np.concatenate([cache.c_prev[t, 0], cache.y_prev[t, 0]])
    numeric = gradcheck.numerical_jacobian(step, state)
    np.testing.assert_allclose(jac[0], numeric, rtol=1e-6, atol=1e-9)
    # its c block with y(t-1) moved along with c(t-1) is lk.lstm.cell_jacobian (t > 0)
    if t > 0:
        o, c = cache.o[t - 1, 0], cache.c[t - 1, 0]
        g = o * (1 - np.tanh(c) ** 2) + np.tanh(c) * o * (1 - o) * params.get("p_o", 0.0)
        np.testing.assert_allclose(
            jac[0, :H, :H] + jac[0, :H, H:] * g,
            lstm.cell_jacobian(params, cache, t)[0],
            rtol=1e-12,
            atol=1e-14,
        )


def test_cell_jacobian_long_includes_the_R_o_paths_the_product_of_cell_jacobians_misses():
    params, x, _ = small(3)
    x = np.random.default_rng(4).standard_normal((12, B, D))
    cache = lstm.forward(params, x)
    k, last = 2, len(x) - 1

    def c_last(c_k):  # y(k) recomputed from the moved c(k), then run to the end
        o = lstm.sigmoid(cache.o_bar[k, 0] + params["p_o"] * (c_k - cache.c[k, 0]))
        y_k = o * np.tanh(c_k)
        return lstm.forward(params, x[k + 1 :], y_k[None], c_k[None]).c[-1, 0]

    numeric = gradcheck.numerical_jacobian(c_last, cache.c[k, 0])
    exact = lstm_paths.cell_jacobian_long(params, cache, k)[0]
    assert gradcheck.rel_error(exact, numeric) < 1e-6
    one_step_product = np.eye(H)
    for s in range(last, k, -1):
        one_step_product = one_step_product @ lstm.cell_jacobian(params, cache, s)[0]
    assert gradcheck.rel_error(one_step_product, numeric) > 1e-2  # R_o paths missing
    # without R_o the one-step product is exact
    no_R_o, _, _ = small(3, R_o_scale=0.0)
    cache0 = lstm.forward(no_R_o, x)
    product0 = np.eye(H)
    for s in range(last, k, -1):
        product0 = product0 @ lstm.cell_jacobian(no_R_o, cache0, s)[0]
    np.testing.assert_allclose(
        lstm_paths.cell_jacobian_long(no_R_o, cache0, k)[0], product0, rtol=1e-10, atol=1e-14
    )
    with pytest.raises(ValueError, match="k must not come after T"):
        lstm_paths.cell_jacobian_long(params, cache, 5, 3)


def test_lstm_many_to_many_gradient_and_prediction():
    rng = np.random.default_rng(5)
    params = train.init_lstm_many_to_one(2, 4, 1, rng=rng)
    params["c_out"] = rng.standard_normal(1)
    x, target = tasks.latest_marked(7, 3, rng=rng, p_mark=0.3)
    value, grads = train.lstm_many_to_many(params, x, target)
    assert set(grads) == set(params)
    assert value == pytest.approx(
        losses.mse(train.predict_lstm_every_step(params, x), target)[0], rel=1e-14
    )
    for variant in lstm.VARIANTS:
        _, grads = train.lstm_many_to_many(params, x, target, variant=variant)
        loss = lambda p, v=variant: train.lstm_many_to_many(p, x, target, variant=v)[0]  # noqa: E731
        assert gradcheck.max_rel_error(loss, params, grads) <= 1e-7
    with pytest.raises(ValueError, match=r"target must have shape \(T, B, K\)"):
        train.lstm_many_to_many(params, x, target[:, :, 0])


def test_latest_marked_targets_and_batches():
    x, target = tasks.latest_marked(50, 20, rng=np.random.default_rng(0), p_mark=0.2)
    values, markers = x[..., 0], x[..., 1]
    for b in range(20):
        latest = 0.0
        for t in range(50):
            if markers[t, b] == 1:
                latest = values[t, b]
            assert target[t, b, 0] == latest
    assert set(np.unique(markers)) <= {0.0, 1.0} and 0.1 < markers.mean() < 0.3
    batches = tasks.latest_marked_batches(4, 2, rng=np.random.default_rng(1))
    first, second = next(batches), next(batches)
    assert not np.array_equal(first[0], second[0])
    with pytest.raises(ValueError, match="p_mark must be a probability"):
        tasks.latest_marked_batches(4, 2, rng=np.random.default_rng(1), p_mark=0.0)


def test_state_jacobian_products_multiply_the_one_step_jacobians():
    params, x, _ = small(6)
    cache = lstm.forward(params, np.random.default_rng(7).standard_normal((6, 2, D)))
    prods = lstm_paths.state_jacobian_products(params, cache)
    assert prods.shape == (6, 2, 2 * H, 2 * H)
    np.testing.assert_array_equal(prods[0], np.broadcast_to(np.eye(2 * H), (2, 2 * H, 2 * H)))
    expected = lstm_paths.state_jacobian(params, cache, 5) @ lstm_paths.state_jacobian(
        params, cache, 4
    )
    np.testing.assert_allclose(prods[2], expected, rtol=1e-12, atol=1e-15)
    # its c rows applied to (I, diag(g(k))) are dc(T)/dc(k)
    o, c = cache.o[3], cache.c[3]
    g = o * (1 - np.tanh(c) ** 2) + np.tanh(c) * o * (1 - o) * params["p_o"]
    long = prods[2][:, :H, :H] + prods[2][:, :H, H:] * g[:, None, :]
    np.testing.assert_allclose(
        long, lstm_paths.cell_jacobian_long(params, cache, 3), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("variant", lstm.VARIANTS)
@pytest.mark.parametrize("peepholes", [True, False])
def test_ledger_parts_add_up_to_the_deltas_of_backward(peepholes, variant):
    params, x, target = small(4, peepholes=peepholes)
    cache = lstm.forward(params, x, variant=variant)
    _, deltas = lstm.backward(params, cache, cache.y - target)
    c_parts, y_parts = lstm_paths.ledger(params, cache, deltas, cache.y - target)
    assert tuple(c_parts) == lstm_paths.C_BRANCHES and tuple(y_parts) == lstm_paths.Y_TERMS
    np.testing.assert_allclose(sum(c_parts.values()), deltas.c, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sum(y_parts.values()), deltas.y, rtol=1e-12, atol=1e-15)
    # nothing comes back from after the last step; no peepholes, no peephole branches
    for parts in (c_parts, y_parts):
        for name, part in parts.items():
            if name.endswith("next"):
                assert np.all(part[-1] == 0)
    if not peepholes:
        assert not any(np.any(c_parts[k]) for k in ("o_bar", "f_bar_next", "i_bar_next"))
    # every recurrent term matters here (without a forget gate of its own, delta f_bar is 0)
    for name in lstm_paths.Y_TERMS[1:]:
        if variant in ("no_forget_gate", "coupled") and name == "f_bar_next":
            assert not np.any(y_parts[name])
            continue
        partial = sum(v for k, v in y_parts.items() if k != name)
        assert gradcheck.rel_error(partial[:-1], deltas.y[:-1]) > 1e-3


def test_ledger_branch_via_the_next_cell_is_that_path_by_finite_differences():
    # move c(t) only in c(t+1) = ... + c(t) f(t+1): the change of J is the "c_next" branch
    params, x, target = small(5)
    cache = lstm.forward(params, x)
    _, deltas = lstm.backward(params, cache, cache.y - target)
    c_parts, _ = lstm_paths.ledger(params, cache, deltas, cache.y - target)

    def loss(y):
        return 0.5 * float(np.sum((y - target) ** 2))

    t = 1
    numeric = gradcheck.numerical_grad(
        lambda e: lstm_paths.nudged_loss(params, x, loss, "c", t + 1, cache.f[t + 1, 0] * e),
        np.zeros(H),
    )
    assert gradcheck.rel_error(c_parts["c_next"][t, 0], numeric) < 1e-7


def test_shares_add_up_to_one_and_measure_along_the_total():
    rng = np.random.default_rng(0)
    parts = {k: rng.standard_normal((4, 2, 3)) for k in "abc"}
    total = sum(parts.values())
    total[2] = 0.0
    parts["c"][2] = -parts["a"][2] - parts["b"][2]
    got = lstm_paths.shares(parts, total)
    np.testing.assert_allclose(sum(got.values())[[0, 1, 3]], 1.0, rtol=1e-12)
    assert all(got[k][2] == 0 for k in got)
    t0 = total[0].ravel()
    assert got["a"][0] == pytest.approx(parts["a"][0].ravel() @ t0 / (t0 @ t0), rel=1e-12)


def test_ledger_and_shares_reject_bad_shapes():
    params, x, target = small()
    cache = lstm.forward(params, x)
    _, deltas = lstm.backward(params, cache, cache.y - target)
    with pytest.raises(ValueError, match=r"dJ_dy must have shape \(T, B, H\)"):
        lstm_paths.ledger(params, cache, deltas, target[:-1])
    with pytest.raises(TypeError, match="LSTMDeltas"):
        lstm_paths.ledger(params, cache, {"c": deltas.c}, target)
    with pytest.raises(ValueError, match="total must have shape"):
        lstm_paths.shares({}, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="part 'a' must have the shape"):
        lstm_paths.shares({"a": np.zeros((3, 2, 2))}, np.zeros((3, 2, 1)))
