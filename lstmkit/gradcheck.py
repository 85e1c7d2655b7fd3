r"""Central finite differences, to check any hand-made gradient.

For a scalar function :math:`J(\theta)` the central difference

.. math::

    \frac{\partial J}{\partial \theta_j} \approx
    \frac{J(\theta + \varepsilon e_j) - J(\theta - \varepsilon e_j)}{2 \varepsilon}

has an error of order :math:`\varepsilon^2` (plus rounding of order
:math:`10^{-16} |J| / \varepsilon` in float64). With :math:`\varepsilon = 10^{-6}` a
correct gradient typically agrees to 8 or more digits, a wrong one to none. Use float64:
in float32 the rounding term alone is about :math:`10^{-2}`.

The comparison is **norm-based**, one number per array:

.. math::

    \text{rel\_error}(a, n) = \frac{\lVert a - n \rVert_2}
        {\max\big(\lVert a \rVert_2 + \lVert n \rVert_2,\ 10^{-300}\big)}

It is 0 for identical arrays and 1 when one of them is zero and the other is not.
An element-wise ratio would blow up at entries that are almost zero, where the finite
difference is all rounding noise, so it would flag correct gradients.

Examples
--------
Check the gradient of the simple RNN for the loss :math:`J = \sum_t \sum o(t)`:

>>> import numpy as np
>>> import lstmkit as lk
>>> rng = np.random.default_rng(0)
>>> params = lk.rnn.init_params(3, 4, 2, rng=rng)
>>> x = rng.standard_normal((5, 2, 3))
>>> def loss(p):
...     return lk.rnn.forward(p, x).o.sum()
>>> cache = lk.rnn.forward(params, x)
>>> grads, deltas = lk.rnn.backward(params, cache, np.ones_like(cache.o))
>>> errors = lk.gradcheck.check(loss, params, grads)     # one number per key
>>> sorted(errors)
['U', 'V', 'W', 'b', 'c']
>>> lk.gradcheck.max_rel_error(loss, params, grads) < 1e-7
True

Any other array works too, for example the inputs, to check ``deltas.x``:

>>> def loss_of_x(x_):
...     return lk.rnn.forward(params, x_).o.sum()
>>> lk.gradcheck.check(loss_of_x, x, deltas.x) < 1e-7
True
"""

import numpy as np

__all__ = [
    "numerical_grad",
    "numerical_jacobian",
    "numerical_hessian",
    "rel_error",
    "check",
    "max_rel_error",
]

TINY = 1e-300


def _as_scalar(value):
    a = np.asarray(value)
    if a.shape != () or not np.issubdtype(a.dtype, np.number):
        raise TypeError(
            f"the loss must return a single number; got {type(value).__name__} with shape {a.shape}"
        )
    return float(a)


def _numerical_grad_array(f, a, eps):
    """Central differences of ``f(copy of a)`` with respect to each element of ``a``."""
    if not isinstance(a, np.ndarray) or not np.issubdtype(a.dtype, np.floating):
        raise TypeError(f"expected a float numpy array; got {type(a).__name__}")
    work = a.copy()
    flat = work.reshape(-1)  # a view of the copy: changing flat changes work
    grad = np.empty(a.size, dtype=np.float64)
    for j in range(a.size):
        old = flat[j]
        flat[j] = old + eps
        plus = _as_scalar(f(work))
        flat[j] = old - eps
        minus = _as_scalar(f(work))
        flat[j] = old
        grad[j] = (plus - minus) / (2 * eps)
    return grad.reshape(a.shape).astype(a.dtype, copy=False)


def numerical_grad(loss, params, eps=1e-6):
    r"""Estimate the gradient of ``loss`` by central differences.

    .. math::

        n_j = \frac{J(\theta + \varepsilon e_j) - J(\theta - \varepsilon e_j)}{2\varepsilon}

    Parameters
    ----------
    loss : callable
        ``loss(params) -> float``. It is called with perturbed *copies*; the arrays you
        pass in are never modified.
    params : dict of ndarray, or ndarray
        The point :math:`\theta`. A dict is perturbed one key and one element at a time.
    eps : float
        The step :math:`\varepsilon`.

    Returns
    -------
    dict of ndarray, or ndarray
        Same structure and shapes as ``params``.
    """
    if isinstance(params, np.ndarray):
        return _numerical_grad_array(loss, params, eps)
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays or an array; got {type(params).__name__}")
    work = {k: v.copy() for k, v in params.items()}
    grads = {}
    for key in params:

        def loss_of_key(value, key=key):
            work[key] = value
            return loss(work)

        grads[key] = _numerical_grad_array(loss_of_key, params[key], eps)
        work[key] = params[key].copy()
    return grads


def numerical_jacobian(f, x, eps=1e-6):
    r"""Estimate the Jacobian of a vector function by central differences, in numerator layout.

    .. math::

        \left(\frac{\partial \boldsymbol{u}}{\partial \boldsymbol{v}}\right)_{ij}
        \approx \frac{u_i(\boldsymbol{v} + \varepsilon e_j)
        - u_i(\boldsymbol{v} - \varepsilon e_j)}{2\varepsilon}

    Row ``i`` belongs to output ``u_i`` and column ``j`` to input ``v_j`` (the layout used
    throughout the book).

    Parameters
    ----------
    f : callable
        ``f(v) -> array``, called with perturbed copies of ``x``.
    x : ndarray of float, shape ``(n,)``
        The point :math:`\boldsymbol{v}`.
    eps : float
        The step :math:`\varepsilon`.

    Returns
    -------
    ndarray, shape ``(m, n)``
        With ``m = f(x).size``.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    >>> J = numerical_jacobian(lambda v: A @ v, np.zeros(3))
    >>> bool(np.allclose(J, A))
    True
    """
    if not isinstance(x, np.ndarray) or x.ndim != 1 or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"x must be a 1-D float numpy array of shape (n,); got {type(x).__name__} "
            f"with shape {getattr(x, 'shape', None)}"
        )
    if not callable(f):
        raise TypeError(f"f must be callable; got {type(f).__name__}")
    m = np.asarray(f(x.copy())).size
    jac = np.empty((m, x.size), dtype=np.float64)
    work = x.copy()
    for j in range(x.size):
        old = work[j]
        work[j] = old + eps
        plus = np.asarray(f(work.copy()), dtype=np.float64).reshape(-1)
        work[j] = old - eps
        minus = np.asarray(f(work.copy()), dtype=np.float64).reshape(-1)
        work[j] = old
        jac[:, j] = (plus - minus) / (2 * eps)
    return jac


def numerical_hessian(grad, params, eps=1e-5):
    r"""Estimate the Hessian of a loss from its analytic gradient, by central differences.

    .. math::

        H_{ij} \approx \frac{g_i(\theta + \varepsilon e_j) - g_i(\theta - \varepsilon e_j)}
        {2\varepsilon}, \qquad \boldsymbol{H} \leftarrow \tfrac12(\boldsymbol{H}
        + \boldsymbol{H}^{\top})

    The parameters are flattened key by key in the order of ``params`` (each array in C
    order), so entry ``(i, j)`` belongs to the ``i``-th and ``j``-th numbers of that list.
    Its eigenvalues tell the kind of a stationary point: all positive at a minimum, some
    negative at a saddle.

    Parameters
    ----------
    grad : callable
        ``grad(params) -> dict`` with the gradient of the loss, one array per key of
        ``params`` and of the same shape; called with perturbed copies.
    params : dict of ndarray
        The point :math:`\theta`.
    eps : float
        The step :math:`\varepsilon`.

    Returns
    -------
    ndarray, shape ``(n, n)``
        Symmetric, with ``n`` the total number of parameters.

    Examples
    --------
    >>> import numpy as np
    >>> # J = x^2 + 3 x y - y^2 has the constant Hessian [[2, 3], [3, -2]]: a saddle
    >>> g = lambda p: {"v": np.array([2 * p["v"][0] + 3 * p["v"][1],
    ...                               3 * p["v"][0] - 2 * p["v"][1]])}
    >>> H = numerical_hessian(g, {"v": np.array([0.5, -1.0])})
    >>> bool(np.allclose(H, [[2, 3], [3, -2]]))
    True
    """
    if not isinstance(params, dict) or not all(
        isinstance(v, np.ndarray) and np.issubdtype(v.dtype, np.floating) for v in params.values()
    ):
        raise TypeError("params must be a dict of float numpy arrays")
    if not callable(grad):
        raise TypeError(f"grad must be callable; got {type(grad).__name__}")
    keys = list(params)
    shapes = [params[k].shape for k in keys]
    splits = np.cumsum([params[k].size for k in keys])[:-1]

    def flat_grad(theta):
        pieces = np.split(theta, splits)
        g = grad(
            {k: piece.reshape(shape) for k, piece, shape in zip(keys, pieces, shapes, strict=True)}
        )
        if set(g) != set(keys):
            raise ValueError(f"grad must return the keys {keys}; got {sorted(g)}")
        return np.concatenate([np.asarray(g[k], dtype=np.float64).reshape(-1) for k in keys])

    theta = np.concatenate([params[k].reshape(-1) for k in keys]).astype(np.float64)
    H = numerical_jacobian(flat_grad, theta, eps)
    return 0.5 * (H + H.T)


def rel_error(analytic, numeric):
    r"""Norm-based relative error :math:`\lVert a - n\rVert / \max(\lVert a\rVert +
    \lVert n\rVert, 10^{-300})` between two arrays of the same shape."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"shapes differ: analytic {a.shape} vs numeric {n.shape}")
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), TINY))


def check(loss, params, grads, eps=1e-6):
    """Compare hand-made ``grads`` with finite differences of ``loss`` at ``params``.

    Parameters
    ----------
    loss : callable
        ``loss(params) -> float``.
    params : dict of ndarray, or ndarray
        Where to check.
    grads : dict of ndarray, or ndarray
        The gradient to check, same structure as ``params``.
    eps : float
        Finite-difference step.

    Returns
    -------
    dict of float, or float
        :func:`rel_error` per key (or one number when ``params`` is an array).
    """
    numeric = numerical_grad(loss, params, eps)
    if isinstance(params, np.ndarray):
        return rel_error(grads, numeric)
    if not isinstance(grads, dict) or set(grads) != set(params):
        got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        raise ValueError(f"grads must have the keys of params {sorted(params)}; got {got}")
    return {k: rel_error(grads[k], numeric[k]) for k in params}


def max_rel_error(loss, params, grads, eps=1e-6):
    """The worst :func:`rel_error` over all keys of :func:`check`, as one float."""
    errors = check(loss, params, grads, eps)
    return max(errors.values()) if isinstance(errors, dict) else errors
