"""Tests of lstmkit.recall: the marker-recall task and the storing cell."""

import doctest

import numpy as np
import pytest

import lstmkit as lk
from lstmkit import recall


def test_doctests():
    assert doctest.testmod(recall).failed == 0


def test_problem_marks_one_step_and_targets_its_value():
    x, y = recall.problem(41, 300, rng=np.random.default_rng(0), lags=(20, 40))
    assert x.shape == (41, 300, 3) and y.shape == (300, 1)
    assert np.array_equal(x[..., 1].sum(axis=0), np.ones(300))
    assert np.array_equal(x[..., 2], np.r_[np.zeros((40, 300)), np.ones((1, 300))])
    mark = recall.marker_steps(x)
    lag = 40 - mark  # cue at index 40
    assert lag.min() == 20 and lag.max() == 40  # both ends drawn in 300 sequences
    assert np.array_equal(y[:, 0], x[mark, np.arange(300), 0])
    assert np.all(np.abs(x[..., 0]) < 1)
    # the target is the marker times the value, summed over steps
    assert np.allclose(y[:, 0], (x[..., 0] * x[..., 1]).sum(axis=0))


def test_chance_is_one_third_and_a_linear_model_does_not_beat_it():
    x, y = recall.problem(41, 4000, rng=np.random.default_rng(1))
    xt, yt = recall.problem(41, 4000, rng=np.random.default_rng(2))
    chance = lk.baselines.mse(np.zeros_like(yt), yt)
    assert abs(chance - 1 / 3) < 0.02
    linear = lk.baselines.mse(lk.baselines.predict_linear(lk.baselines.fit_linear(x, y), xt), yt)
    assert linear > 0.95 * chance


def test_storing_cell_finds_the_correlated_cell():
    rng = np.random.default_rng(3)
    target = rng.standard_normal((200, 1))
    c = rng.standard_normal((200, 4))
    c[:, 2] = -3 * target[:, 0] + 0.1 * rng.standard_normal(200)
    k, r = recall.storing_cell(c, target)
    assert k == 2 and r[2] > 0.99 and np.all(r[[0, 1, 3]] < 0.3)
    np.testing.assert_allclose(r[2], abs(np.corrcoef(c[:, 2], target[:, 0])[0, 1]), rtol=1e-12)


def test_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="lags"):
        recall.problem(10, 2, rng=rng, lags=(5, 10))
    with pytest.raises(TypeError, match="Generator"):
        recall.problem(10, 2, rng=0)
    with pytest.raises(ValueError, match=r"\(T, B, 3\)"):
        recall.marker_steps(np.zeros((5, 2, 2)))
    with pytest.raises(ValueError, match=r"\(B, H\)"):
        recall.storing_cell(np.zeros((5, 2)), np.zeros((4, 1)))


def test_batches_draw_as_problem_does():
    a = next(recall.batches(41, 8, rng=np.random.default_rng(5)))
    b = recall.problem(41, 8, rng=np.random.default_rng(5))
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
