"""The finite-difference checker, and the examples in the docstrings of every module."""

import doctest
import importlib

import numpy as np
import pytest

from lstmkit import gradcheck


def test_numerical_grad_of_a_cubic():
    theta = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.3]])
    numeric = gradcheck.numerical_grad(lambda a: float(np.sum(a**3)), theta)
    # central differences of t^3 are exact up to eps^2: 3 t^2 + eps^2
    np.testing.assert_allclose(numeric, 3 * theta**2 + 1e-12, rtol=1e-8, atol=1e-8)
    assert numeric.shape == theta.shape and numeric.dtype == np.float64


def test_numerical_grad_of_a_dict_and_inputs_untouched():
    params = {"a": np.array([1.0, 2.0]), "b": np.array([[3.0]])}
    before = {k: v.copy() for k, v in params.items()}

    def loss(p):
        return float(p["a"][0] * p["a"][1] * p["b"][0, 0])  # a0 a1 b

    numeric = gradcheck.numerical_grad(loss, params)
    np.testing.assert_allclose(numeric["a"], [6.0, 3.0], rtol=1e-9)
    np.testing.assert_allclose(numeric["b"], [[2.0]], rtol=1e-9)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_rel_error_definition():
    assert gradcheck.rel_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert gradcheck.rel_error(np.array([3.0, 4.0]), np.zeros(2)) == 1.0
    assert gradcheck.rel_error(np.array([1.0]), np.array([2.0])) == pytest.approx(1 / 3)
    # norm-based: |(3,4) - (3,4.5)| / (5 + |(3,4.5)|)
    expected = 0.5 / (5 + np.hypot(3, 4.5))
    assert gradcheck.rel_error(np.array([3.0, 4.0]), np.array([3.0, 4.5])) == pytest.approx(
        expected, rel=1e-15
    )
    assert gradcheck.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        gradcheck.rel_error(np.zeros(3), np.zeros(2))


def test_check_finds_a_wrong_gradient():
    params = {"w": np.array([0.3, -0.7, 1.1])}

    def loss(p):
        return float(np.sum(np.sin(p["w"])))

    right = {"w": np.cos(params["w"])}
    wrong = {"w": np.cos(params["w"]) * np.array([1.0, 1.0, 1.02])}
    assert gradcheck.check(loss, params, right)["w"] < 1e-9
    err = gradcheck.check(loss, params, wrong)["w"]
    assert 1e-3 < err < 1e-2
    assert gradcheck.max_rel_error(loss, params, wrong) == pytest.approx(err, rel=1e-6)


def test_max_rel_error_is_the_worst_key():
    params = {"a": np.array([1.0]), "b": np.array([2.0])}

    def loss(p):
        return float(p["a"][0] ** 2 + p["b"][0] ** 2)

    grads = {"a": np.array([2.0]), "b": np.array([5.0])}  # b is wrong: 4 expected
    errors = gradcheck.check(loss, params, grads)
    assert errors["a"] < 1e-9
    assert errors["b"] == pytest.approx(1 / 9, rel=1e-6)
    assert gradcheck.max_rel_error(loss, params, grads) == errors["b"]


def test_bad_use_is_explained():
    params = {"a": np.array([1.0, 2.0])}
    with pytest.raises(TypeError, match="single number"):
        gradcheck.numerical_grad(lambda p: p["a"], params)
    with pytest.raises(ValueError, match="keys of params"):
        gradcheck.check(lambda p: float(p["a"].sum()), params, {"b": np.ones(2)})
    with pytest.raises(TypeError, match="float numpy array"):
        gradcheck.numerical_grad(lambda a: 0.0, np.array([1, 2]))


MODULES = ["gradcheck", "rnn", "lstm", "losses", "optim", "tasks", "train", "_checks"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"lstmkit.{name}")
    for other in MODULES:  # so that `lk.rnn` etc. resolve in the examples
        importlib.import_module(f"lstmkit.{other}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_numerical_jacobian_is_in_numerator_layout():
    rng = np.random.default_rng(7)
    W = rng.standard_normal((3, 5))
    v = rng.standard_normal(5)
    # u = tanh(W v): the Jacobian is diag(1 - u^2) W, of shape (3, 5)
    jac = gradcheck.numerical_jacobian(lambda z: np.tanh(W @ z), v)
    exact = np.diag(1 - np.tanh(W @ v) ** 2) @ W
    assert jac.shape == (3, 5)
    assert np.max(np.abs(jac - exact)) < 1e-9
    assert exact.T.shape == (5, 3)  # denominator layout would be the transpose


def test_numerical_jacobian_rejects_bad_input():
    with pytest.raises(TypeError, match=r"shape \(n,\)"):
        gradcheck.numerical_jacobian(lambda z: z, np.zeros((2, 2)))
    with pytest.raises(TypeError, match="callable"):
        gradcheck.numerical_jacobian(3, np.zeros(2))


def test_numerical_hessian_of_a_two_layer_loss_matches_second_differences():
    # J(W, b) = sum(tanh(W x + b)) for a fixed x: its Hessian, by second differences of J
    rng = np.random.default_rng(3)
    x = rng.standard_normal(3)
    params = {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal(2)}

    def loss(p):
        return float(np.sum(np.tanh(p["W"] @ x + p["b"])))

    def grad(p):
        d = 1 - np.tanh(p["W"] @ x + p["b"]) ** 2
        return {"W": np.outer(d, x), "b": d}

    H = gradcheck.numerical_hessian(grad, params)
    theta = np.concatenate([params["W"].ravel(), params["b"]])

    def loss_flat(v):
        return loss({"W": v[:6].reshape(2, 3), "b": v[6:]})

    eps, n = 1e-4, theta.size
    second = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            e_i, e_j = np.eye(n)[i] * eps, np.eye(n)[j] * eps
            second[i, j] = (
                loss_flat(theta + e_i + e_j)
                - loss_flat(theta + e_i - e_j)
                - loss_flat(theta - e_i + e_j)
                + loss_flat(theta - e_i - e_j)
            ) / (4 * eps**2)
    assert H.shape == (8, 8) and np.allclose(H, H.T)
    assert np.max(np.abs(H - second)) < 1e-6
    # W's rows act on different units: the cross terms between them are exactly zero
    assert np.max(np.abs(H[:3, 3:6])) < 1e-9 and np.max(np.abs(H[:3, :3])) > 0.01


def test_numerical_hessian_rejects_bad_input():
    with pytest.raises(TypeError, match="dict of float"):
        gradcheck.numerical_hessian(lambda p: p, [np.zeros(2)])
    with pytest.raises(TypeError, match="callable"):
        gradcheck.numerical_hessian(3, {"a": np.zeros(2)})
    with pytest.raises(ValueError, match="keys"):
        gradcheck.numerical_hessian(lambda p: {"b": p["a"]}, {"a": np.zeros(2)})
