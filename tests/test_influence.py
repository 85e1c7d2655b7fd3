"""Influence maps (lstmkit.influence) and the bidirectional RNN (lstmkit.birnn).

Every Jacobian is compared with central finite differences in float64, and the exact
zeros that the models' structure forces are checked bit for bit.
"""

import numpy as np
import pytest

import lstmkit as lk
from lstmkit import influence as inf

T, D = 9, 2


def _x(seed=0):
    return np.random.default_rng(seed).standard_normal((T, D))


def _fd_jacobian(f, x, eps=1e-6):
    """Central differences of f: (T, D) -> (T,), shape (T, T, D)."""
    J = np.zeros((T, *x.shape))
    for s in range(x.shape[0]):
        for d in range(x.shape[1]):
            up, down = x.copy(), x.copy()
            up[s, d] += eps
            down[s, d] -= eps
            J[:, s, d] = (f(up) - f(down)) / (2 * eps)
    return J


def _models(seed=1):
    rng = np.random.default_rng(seed)
    W, b = rng.standard_normal((T, T * D)) * 0.3, rng.standard_normal(T) * 0.1
    kernel, bias, v = rng.standard_normal((3, D, 4)), rng.standard_normal(4), rng.standard_normal(4)
    rnn_p = lk.rnn.init_params(D, 5, 1, rng=rng)
    bi_p = lk.birnn.init_params(D, 5, 1, rng=rng)
    return {
        "dense": (lambda x: inf.dense_forward(W, b, x), lambda x: inf.dense_jacobian(W, b, x)),
        "conv": (
            lambda x: inf.conv_forward(kernel, bias, v, 3, x),
            lambda x: inf.conv_jacobian(kernel, bias, v, 3, x),
        ),
        "rnn": (lambda x: inf.rnn_forward(rnn_p, x), lambda x: inf.rnn_jacobian(rnn_p, x)),
        "birnn": (lambda x: inf.birnn_forward(bi_p, x), lambda x: inf.birnn_jacobian(bi_p, x)),
    }


@pytest.mark.parametrize("name", ["dense", "conv", "rnn", "birnn"])
def test_jacobian_matches_finite_differences(name):
    f, jac = _models()[name]
    x = _x()
    J = jac(x)
    J_fd = _fd_jacobian(f, x)
    assert J.shape == (T, T, D)
    assert np.abs(J - J_fd).max() < 1e-8 * max(1.0, np.abs(J).max())
    assert np.abs(J).max() > 1e-3  # not trivially zero


def test_structural_zeros():
    x = _x(3)
    m = _models(4)
    later = np.triu(np.ones((T, T), bool), k=1)  # s > t
    I_rnn = inf.influence(m["rnn"][1](x))
    assert (I_rnn[later] == 0).all() and (I_rnn[~later] > 0).all()
    I_bi = inf.influence(m["birnn"][1](x))
    assert (I_bi > 0).all()
    I_dense = inf.influence(m["dense"][1](x))
    assert (I_dense > 0).all()
    # width 3, pool 3: o(t) sees t-2 .. t+2 (k + p - 1 = 5 steps), nothing else
    I_conv = inf.influence(m["conv"][1](x))
    distance = np.abs(np.subtract.outer(np.arange(T), np.arange(T)))
    assert (I_conv[distance > 2] == 0).all() and (I_conv[distance <= 2] > 0).all()


def test_birnn_gradient_matches_finite_differences():
    rng = np.random.default_rng(5)
    params = lk.birnn.init_params(3, 4, 2, rng=rng)
    x = rng.standard_normal((6, 2, 3))
    target = rng.standard_normal((6, 2, 2))

    def loss(p):
        return 0.5 * float(((lk.birnn.forward(p, x).o - target) ** 2).sum())

    cache = lk.birnn.forward(params, x)
    grads, dJ_dx = lk.birnn.backward(params, cache, cache.o - target)
    errors = lk.gradcheck.check(loss, params, grads)
    assert set(errors) == set(params) and max(errors.values()) < 1e-7
    x_err = lk.gradcheck.check(
        lambda p: 0.5 * float(((lk.birnn.forward(params, p["x"]).o - target) ** 2).sum()),
        {"x": x},
        {"x": dJ_dx},
    )
    assert x_err["x"] < 1e-7


def test_birnn_is_two_rnns():
    rng = np.random.default_rng(6)
    params = lk.birnn.init_params(2, 3, 1, rng=rng)
    x = rng.standard_normal((4, 1, 2))
    o = lk.birnn.forward(params, x).o
    o_f = lk.rnn.forward(lk.birnn.chain(params, "f"), x).o
    o_b = lk.rnn.forward(lk.birnn.chain(params, "b"), x[::-1]).o[::-1]
    np.testing.assert_allclose(o, o_f + o_b, rtol=0, atol=1e-15)


def test_bad_input():
    rng = np.random.default_rng(7)
    p = lk.rnn.init_params(2, 3, 2, rng=rng)
    with pytest.raises(ValueError, match="K = 1"):
        inf.rnn_jacobian(p, _x())
    with pytest.raises(ValueError, match=r"\(T, D\)"):
        inf.rnn_jacobian(lk.rnn.init_params(2, 3, 1, rng=rng), np.zeros((3, 1, 2)))
    with pytest.raises(ValueError, match="missing"):
        lk.birnn.forward({"U_f": np.zeros((3, 2))}, np.zeros((3, 1, 2)))
    with pytest.raises(ValueError, match="side"):
        lk.birnn.chain({}, "x")
    with pytest.raises(ValueError, match=r"\(T, T\*D\)"):
        inf.dense_jacobian(np.zeros((3, 3)), np.zeros(3), _x())
    with pytest.raises(TypeError, match="BiRNNCache"):
        lk.birnn.backward(lk.birnn.init_params(2, 3, 1, rng=rng), None, np.zeros((1, 1, 1)))
