"""The training loop and the many-to-one objectives."""

import functools
import itertools
import time

import numpy as np
import pytest

from lstmkit import gradcheck, losses, lstm, optim, rnn, tasks, train

TOL = 1e-7


def test_lstm_many_to_one_gradient_including_the_readout():
    rng = np.random.default_rng(0)
    params = train.init_lstm_many_to_one(2, 5, 3, rng=rng)
    params["c_out"] = rng.standard_normal(3)
    x, target = rng.standard_normal((6, 4, 2)), rng.standard_normal((4, 3))
    value, grads = train.lstm_many_to_one(params, x, target)
    assert set(grads) == set(params) and grads["V_out"].shape == (3, 5)
    assert value == losses.mse(train.predict_lstm(params, x), target)[0]
    loss = lambda p: train.lstm_many_to_one(p, x, target)[0]  # noqa: E731
    assert gradcheck.max_rel_error(loss, params, grads) <= TOL


@pytest.mark.parametrize("variant", lstm.VARIANTS)
def test_lstm_many_to_one_variants_match_the_readable_lstm(variant):
    """The objective computes with lstm_fast: the readable LSTM gives the same numbers."""
    rng = np.random.default_rng(2)
    params = train.init_lstm_many_to_one(2, 4, 2, rng=rng)
    x, target = rng.standard_normal((5, 3, 2)), rng.standard_normal((3, 2))
    value, grads = train.lstm_many_to_one(params, x, target, variant=variant)
    core = {k: v for k, v in params.items() if k not in ("V_out", "c_out")}
    cache = lstm.forward(core, x, variant=variant)
    y_hat = cache.y[-1] @ params["V_out"].T + params["c_out"]
    expected, dJ_dyhat = losses.mse(y_hat, target)
    np.testing.assert_allclose(value, expected, rtol=1e-13)
    np.testing.assert_allclose(train.predict_lstm(params, x, variant=variant), y_hat, rtol=1e-13)
    dJ_dy = np.zeros_like(cache.y)
    dJ_dy[-1] = dJ_dyhat @ params["V_out"]
    for key, g in lstm.backward(core, cache, dJ_dy)[0].items():
        np.testing.assert_allclose(grads[key], g, rtol=1e-12, atol=1e-15, err_msg=key)
    loss = lambda p: train.lstm_many_to_one(p, x, target, variant=variant)[0]  # noqa: E731
    assert gradcheck.max_rel_error(loss, params, grads) <= TOL


@pytest.mark.parametrize("truncate", [None, 2])
def test_rnn_many_to_one_gradient(truncate):
    rng = np.random.default_rng(1)
    params = rnn.init_params(2, 5, 1, rng=rng)
    x, target = rng.standard_normal((6, 4, 2)), rng.standard_normal((4, 1))
    value, grads = train.rnn_many_to_one(params, x, target, truncate=truncate)
    assert value == losses.mse(train.predict_rnn(params, x), target)[0]
    if truncate is None:
        loss = lambda p: train.rnn_many_to_one(p, x, target)[0]  # noqa: E731
        assert gradcheck.max_rel_error(loss, params, grads) <= TOL
    else:  # only the last output has a loss: the paths reach a(5) and a(4), nothing earlier
        cache = rnn.forward(params, x)
        da = np.zeros_like(cache.a)
        dh5 = losses.mse(cache.o[-1], target)[1] @ params["V"]
        da[5] = dh5 * (1 - cache.h[5] ** 2)
        da[4] = (da[5] @ params["W"]) * (1 - cache.h[4] ** 2)
        expected_U = np.einsum("tbh,tbd->hd", da, x)
        np.testing.assert_allclose(grads["U"], expected_U, rtol=1e-12)


def test_fit_learns_the_adding_problem_with_a_small_lstm():
    rng = np.random.default_rng(0)
    params = train.init_lstm_many_to_one(2, 16, 1, rng=rng)
    start = time.perf_counter()
    history = train.fit(
        train.lstm_many_to_one,
        params,
        tasks.adding_batches(10, 32, rng=rng),
        optim.Adam(lr=1e-2),
        steps=300,
        clip=1.0,
    )
    elapsed = time.perf_counter() - start
    x_test, y_test = tasks.adding_problem(10, 1000, rng=np.random.default_rng(123))
    test_mse = np.mean((train.predict_lstm(params, x_test) - y_test) ** 2)
    # constant prediction 1.0 scores Var(v1 + v2) = 1/6 = 0.167
    assert history.loss[:10].mean() > 0.1
    assert test_mse < 0.02
    assert history.loss[-50:].mean() < 0.02
    assert history.loss.shape == history.grad_norm.shape == (300,)
    assert elapsed < 10


def test_fit_trains_a_simple_rnn_on_short_adding_problems():
    rng = np.random.default_rng(0)
    params = rnn.init_params(2, 16, 1, rng=rng)
    history = train.fit(
        train.rnn_many_to_one,
        params,
        tasks.adding_batches(4, 32, rng=rng),
        optim.Adam(lr=1e-2),
        steps=300,
    )
    x_test, y_test = tasks.adding_problem(4, 1000, rng=np.random.default_rng(123))
    assert np.mean((train.predict_rnn(params, x_test) - y_test) ** 2) < 0.05
    assert history.loss[:10].mean() > 0.2


def test_fit_records_the_norm_before_clipping_and_steps_with_the_clipped_gradient():
    rng = np.random.default_rng(2)
    params = train.init_lstm_many_to_one(2, 4, 1, rng=rng)
    x, y = tasks.adding_problem(5, 8, rng=rng)
    value, grads = train.lstm_many_to_one(params, x, y)
    norm = optim.grad_norm(grads)
    before = {k: v.copy() for k, v in params.items()}
    history = train.fit(
        train.lstm_many_to_one,
        params,
        train.repeat_batch(x, y),
        optim.SGD(lr=1.0),
        steps=1,
        clip=1e-3,
    )
    assert history.loss[0] == value
    assert history.grad_norm[0] == pytest.approx(norm, rel=1e-14) and norm > 1e-3
    moved = np.sqrt(sum(np.sum((params[k] - before[k]) ** 2) for k in params))
    assert moved == pytest.approx(1e-3, rel=1e-9)  # lr * clipped gradient


def test_fit_callback_and_running_out_of_batches():
    rng = np.random.default_rng(3)
    params = train.init_lstm_many_to_one(2, 3, 1, rng=rng)
    seen = []
    batches = itertools.islice(tasks.adding_batches(4, 2, rng=rng), 3)
    with pytest.raises(ValueError, match="batches ran out after 3 of 5 steps"):
        train.fit(
            train.lstm_many_to_one,
            params,
            batches,
            optim.SGD(lr=0.1),
            steps=5,
            callback=lambda step, value, p: seen.append(step),
        )
    assert seen == [0, 1, 2]


def test_truncated_rnn_objective_via_partial():
    rng = np.random.default_rng(4)
    params = rnn.init_params(2, 4, 1, rng=rng)
    objective = functools.partial(train.rnn_many_to_one, truncate=1)
    history = train.fit(
        objective, params, tasks.adding_batches(5, 4, rng=rng), optim.SGD(lr=0.01), steps=3
    )
    assert np.isfinite(history.loss).all() and "steps=3" in repr(history)


def test_shuffled_batches_cover_every_sequence_once_per_epoch():
    x = np.arange(3 * 10 * 1, dtype=float).reshape(3, 10, 1)
    y = np.arange(10, dtype=float)[:, None]
    batches = train.shuffled_batches(x, y, 5, rng=np.random.default_rng(0))
    epoch = [next(batches) for _ in range(2)]
    ids = np.concatenate([yb[:, 0] for _, yb in epoch])
    assert sorted(ids.tolist()) == list(range(10))
    for xb, yb in epoch:
        assert xb.shape == (3, 5, 1)
        np.testing.assert_array_equal(xb[0, :, 0], yb[:, 0])  # inputs stay with targets
    with pytest.raises(ValueError, match="same N"):
        train.shuffled_batches(x, y[:4], 5, rng=np.random.default_rng(0))


def test_readout_keys_are_required_and_checked():
    rng = np.random.default_rng(5)
    params = train.init_lstm_many_to_one(2, 3, 1, rng=rng)
    x, y = tasks.adding_problem(4, 2, rng=rng)
    missing = {k: v for k, v in params.items() if k != "c_out"}
    with pytest.raises(ValueError, match="missing the readout key.*'c_out'"):
        train.lstm_many_to_one(missing, x, y)
    bad = dict(params, V_out=np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"params\['V_out'\] must have shape \(K, H\) = \(\?, 3\)"):
        train.lstm_many_to_one(bad, x, y)
