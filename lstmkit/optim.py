r"""Gradient descent with momentum, Adam, and gradient-norm clipping.

Parameters and gradients are dicts of arrays with the same keys (as returned by the
``backward`` functions). The optimisers are small classes that keep their state (the
momentum buffers, the step count) between calls; :meth:`SGD.step` and :meth:`Adam.step`
update the parameter arrays **in place**, so every reference to ``params`` sees the
new values::

    opt = Adam(lr=1e-2)
    for x, target in batches:
        grads = ...                          # same keys as params
        norm = clip_grad_norm(grads, 1.0)    # optional, also in place
        opt.step(params, grads)
"""

import numpy as np

__all__ = ["SGD", "Adam", "grad_norm", "clip_grad_norm", "clip_grad_value"]


def _check_rate(name, value, low, high, *, low_open=False):
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    ok = (value > low if low_open else value >= low) and value < high
    if not ok:
        interval = f"{'(' if low_open else '['}{low}, {high})"
        raise ValueError(f"{name} must lie in {interval}; got {value}")
    return float(value)


def _check_pair(params, grads):
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise TypeError("params and grads must both be dicts of numpy arrays")
    if set(params) != set(grads):
        raise ValueError(
            f"grads must have the keys of params; params has {sorted(params)}, "
            f"grads has {sorted(grads)}"
        )
    for k in params:
        if np.shape(grads[k]) != np.shape(params[k]):
            raise ValueError(
                f"grads[{k!r}] must have the shape of params[{k!r}] {np.shape(params[k])}; "
                f"got {np.shape(grads[k])}"
            )


class SGD:
    r"""Stochastic gradient descent, optionally with momentum.

    Without momentum (:math:`\mu = 0`): :math:`\theta \leftarrow \theta - \eta\, g`.
    With momentum :math:`\mu`, a velocity :math:`v` (zero at first) accumulates the
    gradients:

    .. math::

        v \leftarrow \mu v + g, \qquad \theta \leftarrow \theta - \eta\, v

    (the form used by PyTorch; it equals the classical
    :math:`v \leftarrow \mu v - \eta g,\ \theta \leftarrow \theta + v` for a constant
    learning rate :math:`\eta`).

    Parameters
    ----------
    lr : float
        Learning rate :math:`\eta > 0`.
    momentum : float
        :math:`\mu \in [0, 1)`.
    """

    def __init__(self, lr, momentum=0.0):
        self.lr = _check_rate("lr", lr, 0.0, np.inf, low_open=True)
        self.momentum = _check_rate("momentum", momentum, 0.0, 1.0)
        self.velocity = {}

    def step(self, params, grads):
        """Update every ``params[key]`` in place from ``grads[key]``."""
        _check_pair(params, grads)
        for k, g in grads.items():
            if self.momentum:
                v = self.velocity.setdefault(k, np.zeros_like(params[k]))
                v *= self.momentum
                v += g
                g = v
            params[k] -= self.lr * g

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class Adam:
    r"""Adam (Kingma and Ba 2015, Algorithm 1).

    With step count :math:`t = 1, 2, \dots` and first and second moments :math:`m, v`
    (zero at first):

    .. math::

        m &\leftarrow \beta_1 m + (1 - \beta_1)\, g \\
        v &\leftarrow \beta_2 v + (1 - \beta_2)\, g \odot g \\
        \hat m &= m / (1 - \beta_1^t), \qquad \hat v = v / (1 - \beta_2^t) \\
        \theta &\leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)

    So the first step moves every entry by almost exactly :math:`\eta` against the
    sign of its gradient.

    Parameters
    ----------
    lr : float
        :math:`\eta > 0`.
    beta1, beta2 : float
        Decay rates :math:`\beta_1, \beta_2 \in [0, 1)`.
    eps : float
        :math:`\epsilon > 0`, keeps the division finite.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = _check_rate("lr", lr, 0.0, np.inf, low_open=True)
        self.beta1 = _check_rate("beta1", beta1, 0.0, 1.0)
        self.beta2 = _check_rate("beta2", beta2, 0.0, 1.0)
        self.eps = _check_rate("eps", eps, 0.0, np.inf, low_open=True)
        self.t = 0
        self.m = {}
        self.v = {}

    def step(self, params, grads):
        """Update every ``params[key]`` in place from ``grads[key]``."""
        _check_pair(params, grads)
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        for k, g in grads.items():
            m = self.m.setdefault(k, np.zeros_like(params[k]))
            v = self.v.setdefault(k, np.zeros_like(params[k]))
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            params[k] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def __repr__(self):
        return f"Adam(lr={self.lr}, beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"


def grad_norm(grads):
    r"""The Euclidean norm of all gradients together, :math:`\lVert g \rVert =
    \sqrt{\sum_{\text{keys}} \sum g^2}`."""
    return float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads.values())))


def clip_grad_norm(grads, max_norm):
    r"""Rescale the whole gradient if its norm exceeds ``max_norm`` (in place).

    Pascanu, Mikolov and Bengio (2013), Algorithm 1: with :math:`g` all gradients
    together and threshold :math:`\tau`,

    .. math::

        \text{if } \lVert g \rVert > \tau: \quad g \leftarrow \frac{\tau}{\lVert g \rVert} g

    The direction is kept; only the length shrinks to :math:`\tau`.

    Parameters
    ----------
    grads : dict of ndarray
        Modified in place.
    max_norm : float
        The threshold :math:`\tau > 0`.

    Returns
    -------
    float
        The norm **before** clipping (useful to plot exploding gradients).
    """
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of numpy arrays; got {type(grads).__name__}")
    max_norm = _check_rate("max_norm", max_norm, 0.0, np.inf, low_open=True)
    norm = grad_norm(grads)
    if norm > max_norm:
        scale = max_norm / norm
        for g in grads.values():
            g *= scale
    return norm


def clip_grad_value(grads, limit):
    r"""Clip every gradient entry to :math:`[-c, c]` (in place): element-wise clipping.

    .. math::

        g_i \leftarrow \max\big(-c, \min(c, g_i)\big)

    as in Mikolov (2012) and Karpathy's min-char-rnn (``np.clip(dparam, -5, 5)``). Unlike
    :func:`clip_grad_norm` it changes the gradient's direction whenever it acts: large
    entries are cut, small ones kept.

    Parameters
    ----------
    grads : dict of ndarray
        Modified in place.
    limit : float
        The threshold :math:`c > 0`.

    Returns
    -------
    int
        How many entries were clipped.
    """
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of numpy arrays; got {type(grads).__name__}")
    limit = _check_rate("limit", limit, 0.0, np.inf, low_open=True)
    clipped = 0
    for g in grads.values():
        clipped += int(np.count_nonzero(np.abs(g) > limit))
        np.clip(g, -limit, limit, out=g)
    return clipped
