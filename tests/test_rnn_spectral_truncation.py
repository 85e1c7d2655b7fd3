"""Spectral radius, error by lag and the TBPTT(k1, k2) family of lstmkit.rnn."""

import numpy as np
import pytest

from lstmkit import gradcheck, rnn


def _setup(T=12, B=3, D=2, H=5, K=1, seed=0):
    rng = np.random.default_rng(seed)
    params = rnn.init_params(D, H, K, rng=rng)
    x = rng.standard_normal((T, B, D))
    y = rng.standard_normal((T, B, K))
    return params, x, y


def _full(params, x, y, truncate=None):
    cache = rnn.forward(params, x)
    return rnn.backward(params, cache, cache.o - y, truncate=truncate)[0]


def _close(g1, g2):
    return all(np.allclose(g1[k], g2[k], rtol=1e-12, atol=1e-12) for k in g1)


def test_spectral_radius_of_a_rotation_and_a_shear():
    c, s = np.cos(0.3), np.sin(0.3)
    assert rnn.spectral_radius(2.0 * np.array([[c, -s], [s, c]])) == pytest.approx(2.0)
    shear = np.array([[0.5, 10.0], [0.0, 0.5]])  # sigma_max ~ 10, rho = 0.5
    assert rnn.spectral_radius(shear) == pytest.approx(0.5)
    assert np.linalg.norm(shear, 2) > 10


def test_spectral_radius_rejects_non_square():
    with pytest.raises(ValueError, match="square"):
        rnn.spectral_radius(np.ones((2, 3)))


def test_error_by_lag_matches_jacobian_products():
    params, x, _ = _setup(T=8, B=2)
    e = rnn.error_by_lag(params, x)
    cache = rnn.forward(params, x)
    T, B = x.shape[:2]
    for lag in (0, 1, 5):
        norms = []
        for n in range(B):
            J = np.eye(params["W"].shape[0])
            for t in range(T - lag, T):  # array indices of steps T-lag+1 .. T
                J = rnn.hidden_jacobian(params, cache, t)[n] @ J
            norms.append(np.linalg.norm(params["V"][0] @ J))
        assert e[lag] == pytest.approx(np.mean(norms), rel=1e-12)


def test_error_by_lag_needs_one_output():
    params, x, _ = _setup(K=2)
    with pytest.raises(ValueError, match="one output"):
        rnn.error_by_lag(params, x)


def test_kept_paths_shapes_of_the_family():
    T = 6
    assert np.array_equal(rnn.kept_paths(T, T, T), np.tril(np.ones((T, T), bool)))
    per_error = rnn.kept_paths(T, 1, 2)  # a band of width 2
    s, t = np.indices((T, T))
    assert np.array_equal(per_error, (t <= s) & (s - t < 2))
    chunks = rnn.kept_paths(T, 3, 3)  # triangles on the diagonal blocks
    assert np.array_equal(chunks, (t <= s) & (s // 3 == t // 3))
    stair = rnn.kept_paths(T, 2, 4)
    # the output at step index 2 (block ending at 3) reaches back to index 0
    assert stair[2].tolist() == [True, True, True, False, False, False]
    assert stair[3].tolist() == [True, True, True, True, False, False]
    assert stair[5].tolist() == [False, False, True, True, True, True]


def test_kept_paths_rejects_k2_below_k1():
    with pytest.raises(ValueError, match="k2 >= k1"):
        rnn.kept_paths(5, 3, 2)
    with pytest.raises(TypeError):
        rnn.kept_paths(5, 1.5, 2)


def test_tbptt_ends_of_the_family_match_backward_and_chunks():
    params, x, y = _setup(T=11)
    T = x.shape[0]
    g, cost = rnn.tbptt_gradient(params, x, y, T, T)
    assert _close(g, _full(params, x, y)) and cost == {"products": T - 1, "states": T + 1}
    for k in (1, 2, 4):
        g, cost = rnn.tbptt_gradient(params, x, y, 1, k)
        assert _close(g, _full(params, x, y, truncate=k))
        assert cost["states"] == k + 1
        assert cost["products"] == sum(min(k - 1, t) for t in range(T))
    for k in (2, 3, 5):
        g, cost = rnn.tbptt_gradient(params, x, y, k, k)
        chunks, _, _ = rnn.chunked_bptt(params, x, y, k)
        summed = {name: sum(c[name] for c in chunks) for name in params}
        assert _close(g, summed) and cost["states"] == k + 1
        assert cost["products"] == sum(min(k, T - s) - 1 for s in range(0, T, k))


def test_tbptt_k1_k2_is_the_gradient_with_frozen_states():
    """Each block's loss, computed from the state k2 steps before the block's end held
    constant, has exactly the TBPTT(k1, k2) gradient (checked by finite differences)."""
    params, x, y = _setup(T=9, seed=3)
    k1, k2 = 2, 5
    frozen = rnn.forward(params, x).h  # constants
    blocks = rnn._tbptt_blocks(9, k1, k2)

    def loss(p):
        J = 0.0
        for first, last, reach in blocks:
            h0 = None if reach == 0 else frozen[reach - 1]
            o = rnn.forward(p, x[reach : last + 1], h0).o
            J += 0.5 * np.sum((o[first - reach :] - y[first : last + 1]) ** 2)
        return J

    g, cost = rnn.tbptt_gradient(params, x, y, k1, k2)
    assert gradcheck.max_rel_error(loss, params, g) < 1e-7
    assert not _close(g, _full(params, x, y))
    assert cost["states"] <= k2 + 1
