"""Dense layers and convolutions of lstmkit.feedforward, against loops written out."""

import numpy as np
import pytest

from lstmkit import feedforward as ff


def test_dense_values_and_fixed_input_size():
    params = {"W": np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]), "b": np.array([0.5, 0, -1])}
    x = np.array([1.0, -2.0])
    np.testing.assert_allclose(ff.dense(params, x, activation=None), [-2.5, 2.0, 1.0])
    np.testing.assert_allclose(ff.dense(params, x), np.tanh([-2.5, 2.0, 1.0]))
    batch = np.stack([x, 2 * x])
    assert ff.dense(params, batch).shape == (2, 3)
    with pytest.raises(ValueError, match=r"\(\.\.\., n_in\) = \(\.\.\., 2\)"):
        ff.dense(params, np.ones(3))
    with pytest.raises(TypeError, match="float32 or float64"):
        ff.dense(params, np.ones(2, dtype=int))


def test_dense_permutation_identity():
    rng = np.random.default_rng(0)
    params = ff.init_dense(6, 4, rng=rng)
    assert params["W"].shape == (4, 6) and params["b"].shape == (4,)
    x = rng.standard_normal(6)
    perm = rng.permutation(6)
    shuffled = {"W": params["W"][:, perm], "b": params["b"]}
    np.testing.assert_allclose(ff.dense(shuffled, x[perm]), ff.dense(params, x), atol=1e-15)


def _conv2d_loop(images, kernels, stride):
    N, Hh, Ww, _ = images.shape
    k, _, _, F = kernels.shape
    Ho, Wo = (Hh - k) // stride + 1, (Ww - k) // stride + 1
    out = np.zeros((N, Ho, Wo, F))
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                patch = images[n, i * stride : i * stride + k, j * stride : j * stride + k]
                out[n, i, j] = np.tensordot(patch, kernels, axes=3)
    return out


@pytest.mark.parametrize("stride", [1, 2, 3])
def test_conv2d_matches_loop(stride):
    rng = np.random.default_rng(stride)
    images = rng.standard_normal((2, 9, 8, 3))
    kernels = rng.standard_normal((3, 3, 3, 4))
    out = ff.conv2d(images, kernels, stride=stride)
    np.testing.assert_allclose(out, _conv2d_loop(images, kernels, stride), atol=1e-12)


def test_conv2d_errors():
    kernels = np.ones((3, 3, 3, 2))
    with pytest.raises(ValueError, match="channels last"):
        ff.conv2d(np.ones((1, 3, 10, 10)), kernels)
    with pytest.raises(ValueError, match="smaller than the 3x3 kernel"):
        ff.conv2d(np.ones((1, 2, 10, 3)), kernels)
    with pytest.raises(ValueError, match=r"\(k, k, C, F\)"):
        ff.conv2d(np.ones((1, 5, 5, 3)), np.ones((3, 2, 3, 2)))


def test_cnn_features_shape_and_semantic_vector_size():
    rng = np.random.default_rng(0)
    kernels = ff.init_cnn([3, 8, 16], rng=rng)
    assert [K.shape for K in kernels] == [(3, 3, 3, 8), (3, 3, 8, 16)]
    small = ff.cnn_features(kernels, rng.random((2, 20, 20, 3)))
    large = ff.cnn_features(kernels, rng.random((1, 150, 150, 3)))
    assert small.shape == (2, 16) and large.shape == (1, 16)
    assert (small >= 0).all()  # averages of ReLU outputs
    # one layer by hand: ReLU then the mean over all positions
    one = ff.cnn_features(kernels[:1], small_img := rng.random((1, 7, 7, 3)), stride=2)
    by_hand = np.maximum(_conv2d_loop(small_img, kernels[0], 2), 0).mean(axis=(1, 2))
    np.testing.assert_allclose(one, by_hand, atol=1e-13)
    with pytest.raises(ValueError, match="at least two"):
        ff.init_cnn([3], rng=rng)


def test_conv1d_matches_loop_and_takes_any_length():
    rng = np.random.default_rng(1)
    kernels = rng.standard_normal((2, 3, 4))
    for T in (2, 5, 11):
        x = rng.standard_normal((T, 2, 3))
        out = ff.conv1d(x, kernels)
        assert out.shape == (T - 1, 2, 4)
        loop = np.stack([np.einsum("pbd,pdf->bf", x[t : t + 2], kernels) for t in range(T - 1)])
        np.testing.assert_allclose(out, loop, atol=1e-12)
    with pytest.raises(ValueError, match="fewer than the kernel width 2"):
        ff.conv1d(np.ones((1, 2, 3)), kernels)
    with pytest.raises(ValueError, match=r"\(T, B, D\) = \(\?, \?, 3\)"):
        ff.conv1d(np.ones((4, 2, 5)), kernels)
