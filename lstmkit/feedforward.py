r"""Feed-forward mappings to compare with recurrent ones: dense layers and convolutions.

Chapter 1 treats every network as a mapping between arrays and asks which mappings fit
sequences. This module holds the non-recurrent ones, untrained and in plain numpy:

* a densely connected layer (DCL), :math:`\boldsymbol{y} = \phi(\boldsymbol{W}\boldsymbol{x}
  + \boldsymbol{b})`, which maps a vector of one fixed size to a vector;
* a 2-D convolution over images stored **channels-last**, ``(N, height, width, C)`` (the
  Keras/TensorFlow default; PyTorch stores ``(N, C, height, width)``), and a small CNN
  feature extractor that maps images of any size to a "semantic vector" of fixed size;
* a 1-D convolution over time-major sequences ``(T, B, D)``, which takes any length and
  sees the order of neighbouring steps.

Convolutions here are cross-correlations, as in every deep-learning framework.
"""

import numpy as np

from . import _checks

__all__ = ["init_dense", "dense", "conv2d", "init_cnn", "cnn_features", "conv1d"]


def init_dense(n_in, n_out, *, rng, dtype=np.float64):
    r"""Random parameters of a DCL: ``W`` :math:`(n_\text{out}, n_\text{in})` with entries
    :math:`\mathcal{N}(0, 1/n_\text{in})` and a zero bias ``b`` :math:`(n_\text{out},)`."""
    n_in = _checks.positive_int("n_in", n_in)
    n_out = _checks.positive_int("n_out", n_out)
    _checks.generator(rng)
    W = (rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)).astype(dtype)
    return {"W": W, "b": np.zeros(n_out, dtype=dtype)}


def dense(params, x, activation=np.tanh):
    r"""A densely connected layer applied to the last axis of ``x``.

    .. math::

        \boldsymbol{y} = \phi(\boldsymbol{W}\boldsymbol{x} + \boldsymbol{b})

    Parameters
    ----------
    params : dict
        ``W`` of shape ``(n_out, n_in)`` and ``b`` of shape ``(n_out,)``.
    x : ndarray, shape (..., n_in)
        One input vector per leading index. The size ``n_in`` is fixed by ``W``.
    activation : callable or None
        :math:`\phi`, applied elementwise; ``None`` for the identity.

    Returns
    -------
    ndarray, shape (..., n_out)

    Raises
    ------
    ValueError
        If the last axis of ``x`` is not ``n_in`` long.
    """
    W, b = params["W"], params["b"]
    _checks.float_array("x", x)
    if W.ndim != 2 or b.shape != (W.shape[0],):
        raise ValueError(f"params need W (n_out, n_in) and b (n_out,); got {W.shape}, {b.shape}")
    if x.ndim == 0 or x.shape[-1] != W.shape[1]:
        raise ValueError(
            f"x must have shape (..., n_in) = (..., {W.shape[1]}) to match W of shape "
            f"{W.shape}; got {x.shape}"
        )
    y = x @ W.T + b
    return y if activation is None else activation(y)


def conv2d(images, kernels, *, stride=1):
    r"""2-D convolution (cross-correlation) without padding, channels-last.

    .. math::

        y_{n,i,j,f} = \sum_{p,q,c} x_{n,\,si+p,\,sj+q,\,c}\, k_{p,q,c,f}

    Parameters
    ----------
    images : ndarray, shape (N, height, width, C)
    kernels : ndarray, shape (k, k, C, F)
    stride : int
        :math:`s`.

    Returns
    -------
    ndarray, shape (N, (height - k) // s + 1, (width - k) // s + 1, F)
    """
    _checks.float_array("images", images)
    _checks.float_array("kernels", kernels)
    stride = _checks.positive_int("stride", stride)
    if kernels.ndim != 4 or kernels.shape[0] != kernels.shape[1]:
        raise ValueError(f"kernels must have shape (k, k, C, F); got {kernels.shape}")
    k, _, C, _ = kernels.shape
    if images.ndim != 4 or images.shape[3] != C:
        raise ValueError(
            f"images must have shape (N, height, width, C) = (?, ?, ?, {C}), channels last, "
            f"to match kernels {kernels.shape}; got {images.shape}"
        )
    if images.shape[1] < k or images.shape[2] < k:
        raise ValueError(
            f"images of {images.shape[1:3]} pixels are smaller than the {k}x{k} kernel"
        )
    patches = np.lib.stride_tricks.sliding_window_view(images, (k, k), axis=(1, 2))
    patches = patches[:, ::stride, ::stride]  # (N, H', W', C, k, k)
    return np.einsum("nijcpq,pqcf->nijf", patches, kernels, optimize=True)


def init_cnn(channels, *, rng, k=3, dtype=np.float64):
    r"""Random kernels for :func:`cnn_features`: one ``(k, k, C_l, C_{l+1})`` array per layer.

    ``channels`` lists the channel counts, starting with the image's (3 for RGB). Entries
    are :math:`\mathcal{N}(0, 2/(k^2 C_l))` (He initialisation).
    """
    channels = [_checks.positive_int("channels", c) for c in channels]
    if len(channels) < 2:
        raise ValueError(f"channels needs at least two entries (in and out); got {channels}")
    _checks.generator(rng)
    return [
        (rng.standard_normal((k, k, c_in, c_out)) * np.sqrt(2.0 / (k * k * c_in))).astype(dtype)
        for c_in, c_out in zip(channels[:-1], channels[1:], strict=True)
    ]


def cnn_features(kernels, images, *, stride=2):
    r"""The feature extractor of a CNN: convolutions with ReLU, then global average pooling.

    .. math::

        \boldsymbol{X}_{l+1} = \max\big(0,\ \boldsymbol{X}_l \star \boldsymbol{K}_l\big),
        \qquad
        \boldsymbol{s} = \frac{1}{|\Omega|}\sum_{(i,j)\in\Omega} \boldsymbol{X}_{L}[i, j, :]

    The result :math:`\boldsymbol{s}` (one per image) has as many entries as the last layer
    has channels, whatever the image size: the "semantic vector".

    Parameters
    ----------
    kernels : list of ndarray
        From :func:`init_cnn`.
    images : ndarray, shape (N, height, width, C)
        Channels last.
    stride : int
        Stride of every convolution.

    Returns
    -------
    ndarray, shape (N, F) with ``F = kernels[-1].shape[-1]``
    """
    x = images
    for K in kernels:
        x = np.maximum(conv2d(x, K, stride=stride), 0.0)
    return x.mean(axis=(1, 2))


def conv1d(x, kernels):
    r"""1-D convolution over time without padding, for time-major sequences.

    .. math::

        y_{t,b,f} = \sum_{p=0}^{k-1}\sum_{d} x_{t+p,\,b,\,d}\, k_{p,d,f}

    Parameters
    ----------
    x : ndarray, shape (T, B, D)
    kernels : ndarray, shape (k, D, F)

    Returns
    -------
    ndarray, shape (T - k + 1, B, F)
        One output per window of ``k`` consecutive steps, for any ``T >= k``.
    """
    _checks.float_array("x", x)
    _checks.float_array("kernels", kernels)
    if kernels.ndim != 3:
        raise ValueError(f"kernels must have shape (k, D, F); got {kernels.shape}")
    k, D, _ = kernels.shape
    if x.ndim != 3 or x.shape[2] != D:
        raise ValueError(
            f"x must have shape (T, B, D) = (?, ?, {D}) to match kernels {kernels.shape}; "
            f"got {x.shape}"
        )
    if x.shape[0] < k:
        raise ValueError(f"x has T = {x.shape[0]} steps, fewer than the kernel width {k}")
    windows = np.lib.stride_tricks.sliding_window_view(x, k, axis=0)  # (T-k+1, B, D, k)
    return np.einsum("tbdp,pdf->tbf", windows, kernels, optimize=True)
