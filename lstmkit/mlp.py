r"""A feed-forward network (multi-layer perceptron) with hand-written backpropagation.

Layer :math:`l = 1, \dots, L` maps the previous layer's output
:math:`\boldsymbol{h}_{l-1}` (with :math:`\boldsymbol{h}_0 = \boldsymbol{x}`) to

.. math::

    \boldsymbol{a}_l = \boldsymbol{W}_l \boldsymbol{h}_{l-1} + \boldsymbol{b}_l, \qquad
    \boldsymbol{h}_l = \varphi_l(\boldsymbol{a}_l),

with the hidden activation :math:`\varphi` for :math:`l < L` and the output activation for
:math:`l = L`; the network's output is :math:`\hat{\boldsymbol{y}} = \boldsymbol{h}_L`.
Backpropagation (Rumelhart, Hinton and Williams 1986) runs the chain rule from the top:
with :math:`\delta\ast = \partial J/\partial\ast`,

.. math::

    \delta\boldsymbol{a}_L = \varphi_L'(\boldsymbol{a}_L) \odot \delta\hat{\boldsymbol{y}},
    \qquad
    \delta\boldsymbol{a}_{l} = \varphi_{l}'(\boldsymbol{a}_{l}) \odot
        \boldsymbol{W}_{l+1}^{\top}\delta\boldsymbol{a}_{l+1},

    \delta\boldsymbol{W}_l = \delta\boldsymbol{a}_l\,\boldsymbol{h}_{l-1}^{\top}, \qquad
    \delta\boldsymbol{b}_l = \delta\boldsymbol{a}_l .

Examples are stored as rows, so a batch ``x`` has shape ``(B, D)`` and every gradient is
summed over the batch. The factor :math:`\varphi'` is at most 1/4 for the logistic sigmoid,
which is why the deltas of a deep sigmoid network shrink layer by layer
(:func:`layer_grad_norms`).

Examples
--------
>>> import numpy as np
>>> params = init_params([2, 3, 1], rng=np.random.default_rng(0))
>>> sorted(params), params["W1"].shape
(['W1', 'W2', 'b1', 'b2'], (3, 2))
>>> cache = forward(params, np.zeros((4, 2)), hidden="tanh")
>>> cache.h[-1].shape
(4, 1)
"""

from dataclasses import dataclass

import numpy as np

from ._checks import float_array, generator, positive_int

__all__ = [
    "ACTIVATIONS",
    "Cache",
    "init_params",
    "forward",
    "backward",
    "layer_grad_norms",
    "n_layers",
]


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # the logistic function, without overflow


#: Activation functions by name, as pairs ``(phi(a), phi'(a) from a and h = phi(a))``.
ACTIVATIONS = {
    "sigmoid": (_sigmoid, lambda a, h: h * (1.0 - h)),
    "tanh": (np.tanh, lambda a, h: 1.0 - h**2),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a, h: (a > 0).astype(a.dtype)),
    "linear": (lambda a: a, lambda a, h: np.ones_like(a)),
}


@dataclass(frozen=True)
class Cache:
    """What the backward pass needs from :func:`forward`.

    Attributes
    ----------
    a : list of ndarray
        Pre-activations :math:`\\boldsymbol{a}_1, \\dots, \\boldsymbol{a}_L`, each ``(B, n_l)``.
    h : list of ndarray
        Outputs :math:`\\boldsymbol{h}_0 = \\boldsymbol{x}, \\dots, \\boldsymbol{h}_L =
        \\hat{\\boldsymbol{y}}`.
    hidden, output : str
        The activation names used.
    """

    a: list
    h: list
    hidden: str
    output: str


def _activation(name, role):
    if name not in ACTIVATIONS:
        raise ValueError(f"{role} must be one of {sorted(ACTIVATIONS)}; got {name!r}")
    return ACTIVATIONS[name]


def n_layers(params):
    """Number of layers :math:`L`, checking that ``params`` holds ``W1, b1, ..., WL, bL``."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays; got {type(params).__name__}")
    L = len(params) // 2
    expected = {f"{p}{l}" for l in range(1, L + 1) for p in "Wb"}
    if L == 0 or set(params) != expected:
        raise ValueError(f"params must have the keys W1, b1, ..., WL, bL; got {sorted(params)}")
    for l in range(1, L + 1):
        W, b = float_array(f"params['W{l}']", params[f"W{l}"]), params[f"b{l}"]
        if W.ndim != 2 or np.shape(b) != (W.shape[0],):
            raise ValueError(
                f"params['W{l}'] must be (n_out, n_in) and params['b{l}'] (n_out,); "
                f"got {W.shape} and {np.shape(b)}"
            )
        if l > 1 and W.shape[1] != params[f"W{l - 1}"].shape[0]:
            raise ValueError(
                f"params['W{l}'] has {W.shape[1]} columns but layer {l - 1} has "
                f"{params[f'W{l - 1}'].shape[0]} units"
            )
    return L


def init_params(sizes, *, rng, scale=1.0):
    r"""Random weights :math:`(\boldsymbol{W}_l)_{ij} \sim \mathcal{N}(0, s^2/n_{l-1})` and
    zero biases.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths :math:`n_0` (the input), :math:`n_1, \dots, n_L`.
    rng : numpy.random.Generator
    scale : float
        The factor :math:`s`. With :math:`s = 1` a layer keeps the variance of its input
        before the activation (LeCun's rule); the chapter on history varies it.

    Returns
    -------
    dict of ndarray
        ``W1, b1, ..., WL, bL`` with ``W_l`` of shape ``(n_l, n_{l-1})``.
    """
    rng = generator(rng)
    sizes = [positive_int("each layer width", n) for n in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs an input and at least one layer; got {sizes}")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number; got {scale}")
    params = {}
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        params[f"W{l}"] = scale * rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)
        params[f"b{l}"] = np.zeros(n_out)
    return params


def forward(params, x, *, hidden="sigmoid", output="sigmoid"):
    """Run the network on a batch ``x`` of shape ``(B, n_0)``; return a :class:`Cache`."""
    L = n_layers(params)
    phi_hidden, _ = _activation(hidden, "hidden")
    phi_out, _ = _activation(output, "output")
    float_array("x", x)
    n0 = params["W1"].shape[1]
    if x.ndim != 2 or x.shape[1] != n0:
        raise ValueError(f"x must have shape (B, n_0) = (?, {n0}); got {x.shape}")
    a_list, h_list = [], [x]
    for l in range(1, L + 1):
        a = h_list[-1] @ params[f"W{l}"].T + params[f"b{l}"]
        a_list.append(a)
        h_list.append((phi_out if l == L else phi_hidden)(a))
    return Cache(a=a_list, h=h_list, hidden=hidden, output=output)


def backward(params, cache, dJ_dy):
    r"""Backpropagate :math:`\delta\hat{\boldsymbol{y}}` through the network.

    Parameters
    ----------
    params : dict of ndarray
    cache : Cache
        From :func:`forward` with the same ``params``.
    dJ_dy : ndarray, shape ``(B, n_L)``
        :math:`\partial J/\partial\hat{\boldsymbol{y}}`.

    Returns
    -------
    grads : dict of ndarray
        :math:`\partial J/\partial\boldsymbol{W}_l` and
        :math:`\partial J/\partial\boldsymbol{b}_l`.
    deltas : list of ndarray
        :math:`\delta\boldsymbol{a}_1, \dots, \delta\boldsymbol{a}_L`.
    """
    L = _check_backward(params, cache, dJ_dy)
    dphi_hidden = ACTIVATIONS[cache.hidden][1]
    dphi_out = ACTIVATIONS[cache.output][1]
    grads, deltas = {}, [None] * L
    delta = dphi_out(cache.a[-1], cache.h[-1]) * dJ_dy  # delta a_L
    for l in range(L, 0, -1):
        deltas[l - 1] = delta
        grads[f"W{l}"] = delta.T @ cache.h[l - 1]  # delta a_l h_{l-1}^T
        grads[f"b{l}"] = delta.sum(axis=0)
        if l > 1:  # delta a_{l-1} = phi'(a_{l-1}) * (W_l^T delta a_l)
            a, h, W = cache.a[l - 2], cache.h[l - 1], params[f"W{l}"]
            delta = dphi_hidden(a, h) * (delta @ W)
    return {k: grads[k] for k in params}, deltas


def _check_backward(params, cache, dJ_dy):
    """Validate the arguments of :func:`backward`; return the number of layers."""
    L = n_layers(params)
    if not isinstance(cache, Cache) or len(cache.a) != L:
        raise TypeError(f"cache must be the Cache of forward() for these {L} layers")
    float_array("dJ_dy", dJ_dy)
    if dJ_dy.shape != cache.h[-1].shape:
        raise ValueError(
            f"dJ_dy must have the output's shape {cache.h[-1].shape}; got {dJ_dy.shape}"
        )
    _activation(cache.hidden, "hidden")
    _activation(cache.output, "output")
    return L


def layer_grad_norms(grads):
    r"""Frobenius norms :math:`\lVert\partial J/\partial\boldsymbol{W}_l\rVert` for
    :math:`l = 1, \dots, L`, as an array of shape ``(L,)``."""
    L = n_layers(grads)
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, L + 1)])
