"""The perceptron rule: convergence on separable data, endless mistakes on XOR."""

import numpy as np
import pytest

from lstmkit import perceptron

X_BOOL = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def test_and_is_learned_with_known_updates():
    hist = perceptron.train(X_BOOL, np.array([-1, -1, -1, 1]), epochs=10)
    # worked out by hand: epoch 1 updates once (at (1, 1)), epoch 2 three times, ...
    assert hist.mistakes.tolist() == [1, 3, 3, 2, 1, 0, 0, 0, 0, 0]
    np.testing.assert_array_equal(hist.w[-1], [2.0, 1.0])
    assert hist.b[-1] == -2.0 and hist.converged and hist.errors[-1] == 0
    assert hist.w.shape == (11, 2) and hist.errors.shape == (11,)


def test_xor_cycles_forever_in_fixed_order():
    hist = perceptron.train(X_BOOL, np.array([-1, 1, 1, -1]), epochs=20)
    assert not hist.converged and np.all(hist.mistakes >= 1)
    # from epoch 2 on the state after every epoch is the same: an exact cycle
    np.testing.assert_array_equal(hist.w[2:], np.tile([-1.0, 0.0], (19, 1)))
    assert np.all(hist.b[2:] == 1.0) and np.all(hist.errors[1:] == 2)


def test_xor_never_converges_in_random_order():
    hist = perceptron.train(
        X_BOOL, np.array([-1, 1, 1, -1]), epochs=200, rng=np.random.default_rng(0)
    )
    assert hist.mistakes.min() >= 1 and hist.errors.min() >= 1


def test_mistakes_within_novikoff_bound():
    rng = np.random.default_rng(1)
    w_star, b_star = np.array([1.0, -2.0]), 0.5
    X = rng.uniform(-3, 3, size=(200, 2))
    score = X @ w_star + b_star
    X, score = X[np.abs(score) > 0.5], score[np.abs(score) > 0.5]
    y = np.where(score > 0, 1, -1)
    hist = perceptron.train(X, y, epochs=50, rng=rng)
    bound = perceptron.margin_bound(X, y, w_star, b_star)
    assert hist.converged and hist.errors[-1] == 0
    assert 0 < hist.mistakes.sum() <= bound
    # margin min|score| / |(1, -2, 0.5)| and R^2 = max |x|^2 + 1
    gamma = np.min(np.abs(score)) / np.sqrt(5.25)
    assert 0.5 / np.sqrt(5.25) < gamma < 0.6 / np.sqrt(5.25)
    assert bound == pytest.approx((np.max(np.sum(X**2, 1)) + 1) / gamma**2, rel=1e-12)


def test_predict_errors_and_sign_of_zero():
    assert perceptron.predict(np.zeros(2), 0.0, X_BOOL).tolist() == [-1] * 4
    assert perceptron.errors(np.array([1.0, 1.0]), -1.5, X_BOOL, [-1, -1, -1, 1]) == 0


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match=r"shape \(N,\)"):
        perceptron.train(X_BOOL, np.array([1, -1]), epochs=1)
    with pytest.raises(ValueError, match="-1 and \\+1"):
        perceptron.train(X_BOOL, np.array([0, 1, 1, 0]), epochs=1)
    with pytest.raises(TypeError, match="float"):
        perceptron.train(X_BOOL.astype(int), np.array([1, 1, 1, -1]), epochs=1)
    with pytest.raises(ValueError, match="does not separate"):
        perceptron.margin_bound(X_BOOL, [-1, 1, 1, -1], np.array([1.0, 1.0]), -1.5)
    with pytest.raises(ValueError, match="lr"):
        perceptron.train(X_BOOL, np.array([1, 1, 1, -1]), epochs=1, lr=0.0)


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(perceptron, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_train_many_equals_train_on_every_problem():
    rng = np.random.default_rng(4)
    X = rng.integers(0, 2, size=(5, 12, 4)).astype(float)
    Y = rng.choice([-1, 1], size=(5, 12))
    w, b, errs = perceptron.train_many(X, Y, epochs=7)
    for l in range(5):
        hist = perceptron.train(X[l], Y[l], epochs=7)
        assert np.array_equal(w[l], hist.w[-1]) and b[l] == hist.b[-1]
        assert errs[l] == hist.errors[-1]


def test_train_many_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"\(L, N, D\)"):
        perceptron.train_many(np.zeros((3, 4)), np.ones((3, 4)), epochs=2)
    with pytest.raises(ValueError, match=r"\(L, N\)"):
        perceptron.train_many(np.zeros((2, 3, 4)), np.ones((2, 4)), epochs=2)


def test_association_units_are_of_the_given_order():
    V, theta = perceptron.association_units(6, 50, 3, rng=np.random.default_rng(0))
    assert V.shape == (50, 6) and theta.shape == (50,)
    assert np.all(np.sum(V != 0, axis=1) == 3) and set(np.unique(V)) == {-1.0, 0.0, 1.0}
    assert np.all(np.abs(theta) < 1.5)
    X = np.array([[int(b) for b in f"{n:06b}"] for n in range(64)], dtype=float)
    A = perceptron.associate(X, V, theta)
    # a unit's output depends only on its own pixels: flipping another pixel changes nothing
    for j in range(5):
        other = np.flatnonzero(V[j] == 0)[0]
        flipped = X.copy()
        flipped[:, other] = 1 - flipped[:, other]
        assert np.array_equal(perceptron.associate(flipped, V, theta)[:, j], A[:, j])
    with pytest.raises(ValueError, match="at most n_pixels"):
        perceptron.association_units(6, 5, 7, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_units, n_pixels"):
        perceptron.associate(X, V[:, :5], theta)
