r"""Following single paths through the LSTM of :mod:`lstmkit.lstm` (chapter 5).

:func:`nudged_loss` moves one variable of one step and lets the change flow through
everything downstream: its finite differences are the deltas, measured without
:func:`lstmkit.lstm.backward`. :func:`state_jacobian` is the exact one-step Jacobian of the
LSTM's state, the pair :math:`(c, y)`:

.. math::

    \frac{\partial (c, y)(t)}{\partial (c, y)(t-1)} =
    \begin{pmatrix} A & M \\ \operatorname{diag}(g) A &
    \operatorname{diag}(h(c) \odot \sigma'(\bar o)) R_o + \operatorname{diag}(g) M
    \end{pmatrix}

with :math:`A = \operatorname{diag}(f + c(t-1) \odot \sigma'(\bar f) \odot p_f + z \odot
\sigma'(\bar\imath) \odot p_i)`, :math:`M = \operatorname{diag}(i \odot \tanh'(\bar z)) R_z
+ \operatorname{diag}(z \odot \sigma'(\bar\imath)) R_i + \operatorname{diag}(c(t-1) \odot
\sigma'(\bar f)) R_f` and :math:`g = dy(t)/dc(t) = o \odot h'(c) + h(c) \odot \sigma'(\bar o)
\odot p_o` (all at step :math:`t`; :math:`h = \tanh`). Its products over steps are the exact
long-range Jacobians, R_o paths included. :func:`ledger` splits every :math:`\delta c(t)` into
its five branches and every :math:`\delta y(t)` into its own loss and four recurrent terms, and
:func:`shares` measures each part along the delta it belongs to.
"""

import numpy as np

from . import _checks, lstm

__all__ = [
    "NUDGED",
    "nudged_loss",
    "state_jacobian",
    "cell_jacobian_long",
    "state_jacobian_products",
    "C_BRANCHES",
    "Y_TERMS",
    "ledger",
    "shares",
]

#: The variables :func:`nudged_loss` can move.
NUDGED = ("z_bar", "i_bar", "f_bar", "o_bar", "c", "y")


def nudged_loss(params, x, loss, node, t, eps, *, variant="vanilla"):
    r"""The loss :math:`J` after ``node`` of the step at index ``t`` moves by ``eps``.

    Everything downstream of the moved variable is recomputed, nothing upstream: a
    pre-activation :math:`\bar\star(t)` moves through the bias :math:`b_\star` of that step
    only; a moved :math:`c(t)` moves its children :math:`\bar o(t), o(t), y(t)` too; a moved
    :math:`y(t)` moves only the later steps. So ``numerical_grad`` of this function at
    ``eps = 0`` is the total derivative :math:`\delta\star(t) = dJ/d\star(t)`.

    ``loss(y) -> float`` reads the outputs ``y (T, B, H)``; ``eps (H,)`` is added to every
    sequence of the batch; ``node`` one of :data:`NUDGED`.
    """
    if node not in NUDGED:
        raise ValueError(f"node must be one of {', '.join(NUDGED)}; got {node!r}")
    cache = lstm.forward(params, x, variant=variant)
    t = _checks.time_step(t, len(x))
    eps = np.asarray(eps, dtype=cache.c.dtype)
    if eps.shape != cache.c.shape[2:]:
        raise ValueError(f"eps must have shape (H,) = {cache.c.shape[2:]}; got {eps.shape}")
    y_before, c_before = cache.y_prev[t], cache.c_prev[t]
    if node.endswith("_bar"):  # move the bias of step t only
        b = f"b_{node[0]}"
        step = lstm.forward(
            dict(params, **{b: params[b] + eps}), x[t : t + 1], y_before, c_before, variant=variant
        )
        y_t, c_t = step.y[0], step.c[0]
    elif node == "c":  # c(t) moves; its children o_bar(t), o(t), y(t) follow
        c_t = cache.c[t] + eps
        o_t = lstm.sigmoid(cache.o_bar[t] + params.get("p_o", 0.0) * eps)
        y_t = o_t * lstm._h(c_t, variant)
    else:  # y(t) moves, nothing else of step t
        c_t, y_t = cache.c[t], cache.y[t] + eps
    later = (
        lstm.forward(params, x[t + 1 :], y_t, c_t, variant=variant).y
        if t + 1 < len(x)
        else cache.y[:0]
    )
    return loss(np.concatenate([cache.y[:t], y_t[None], later]))


def state_jacobian(params, cache, t):
    r"""The exact :math:`\partial(c, y)(s)/\partial(c, y)(s-1)` at index ``t`` (:math:`s = t + 1`).

    ``(B, 2H, 2H)``; rows and columns are :math:`(c_1 \dots c_H, y_1 \dots y_H)`, so
    ``jac[b, :H, :H]`` is :math:`\partial c(s)/\partial c(s-1)` with :math:`y(s-1)` fixed
    (:func:`lstmkit.lstm.cell_jacobian_diag`) and ``jac[b, H:, H:]`` the output's own
    recurrence, including the path through :math:`R_o`. At ``t = 0`` the columns belong to
    :math:`(c(0), y(0))`.
    """
    lstm._check_cache(params, cache)
    t = _checks.time_step(t, len(cache.x))
    v = cache.variant
    z, i, o, c = (getattr(cache, k)[t] for k in ("z", "i", "o", "c"))
    dc_di_bar, dc_df_bar = lstm._cell_partials(cache, t)  # coupled: f = 1 - i
    A = lstm.cell_jacobian_diag(params, cache)[t]  # (B, H): diagonal
    M = (
        (i * (1 - z * z))[:, :, None] * params["R_z"]
        + dc_di_bar[:, :, None] * params["R_i"]
        + dc_df_bar[:, :, None] * params["R_f"]
    )
    dsig_o = o * (1 - o)
    g = o * lstm._h(c, v, derivative=True) + lstm._h(c, v) * dsig_o * params.get("p_o", 0.0)
    H = A.shape[1]
    jac = np.zeros((A.shape[0], 2 * H, 2 * H), dtype=A.dtype)
    jac[:, :H, :H] = A[:, :, None] * np.eye(H, dtype=A.dtype)
    jac[:, :H, H:] = M
    jac[:, H:, :H] = (g * A)[:, :, None] * np.eye(H, dtype=A.dtype)
    jac[:, H:, H:] = (lstm._h(c, v) * dsig_o)[:, :, None] * params["R_o"] + g[:, :, None] * M
    return jac


def cell_jacobian_long(params, cache, k, T=None):
    r""":math:`dc(T)/dc(k)` with :math:`y(k)` recomputed from :math:`c(k)`, ``(B, H, H)``.

    ``k`` and ``T`` are array indices (``T`` defaults to the last step). The product of
    :func:`state_jacobian` from ``T`` down to ``k + 1``, its :math:`c` rows, times
    :math:`\partial(c, y)(k)/\partial c(k) = (I, \operatorname{diag}(g(k)))`: every path,
    R_o included.
    """
    lstm._check_cache(params, cache)
    n = len(cache.x)
    T = n - 1 if T is None else _checks.time_step(T, n)
    k = _checks.time_step(k, n)
    if k > T:
        raise ValueError(f"k must not come after T; got k={k}, T={T}")
    B, H = cache.c.shape[1:]
    prod = np.broadcast_to(np.eye(2 * H, dtype=cache.c.dtype), (B, 2 * H, 2 * H)).copy()
    for s in range(T, k, -1):
        prod = prod @ state_jacobian(params, cache, s)
    o, c, v = cache.o[k], cache.c[k], cache.variant
    g = o * lstm._h(c, v, derivative=True) + lstm._h(c, v) * o * (1 - o) * params.get("p_o", 0.0)
    return prod[:, :H, :H] + prod[:, :H, H:] * g[:, None, :]


def state_jacobian_products(params, cache):
    r""":math:`\partial(c, y)(T)/\partial(c, y)(T - \ell)` for every lag, ``(T, B, 2H, 2H)``.

    Entry ``l`` is the product of :func:`state_jacobian` from the last step back over ``l``
    steps (entry 0 is the identity): the exact long-range Jacobian of the LSTM's state, whose
    singular values say how much of an error at step :math:`T` survives ``l`` steps back.
    """
    lstm._check_cache(params, cache)
    n, (B, H) = len(cache.x), cache.c.shape[1:]
    prods = np.empty((n, B, 2 * H, 2 * H), dtype=cache.c.dtype)
    prods[0] = np.eye(2 * H, dtype=cache.c.dtype)
    for lag in range(1, n):
        prods[lag] = prods[lag - 1] @ state_jacobian(params, cache, n - lag)
    return prods


#: The five branches of :math:`\delta c(t)`, named by the child each one goes through.
C_BRANCHES = ("y", "o_bar", "c_next", "f_bar_next", "i_bar_next")
#: The five terms of :math:`\delta y(t)`: its own loss, then one per recurrent matrix.
Y_TERMS = ("loss", "z_bar_next", "i_bar_next", "f_bar_next", "o_bar_next")


def _next(a):
    # a(t+1) at index t, zero after the last step
    return np.concatenate([a[1:], np.zeros_like(a[:1])])


def ledger(params, cache, deltas, dJ_dy):
    r"""Every delta of :func:`lstmkit.lstm.backward` split into the paths it collects.

    Two dicts of ``(T, B, H)`` arrays. The branches of :math:`\delta c(t)`
    (``C_BRANCHES``), which add up to ``deltas.c``:

    .. math::

        \delta c(t) = {} & \underbrace{\delta y(t) \odot o(t) \odot h'(c(t))}_{y}
        + \underbrace{p_o \odot \delta\bar o(t)}_{\bar o}
        + \underbrace{\delta c(t+1) \odot f(t+1)}_{c\ \text{next}} \\
        & + \underbrace{p_f \odot \delta\bar f(t+1)}_{\bar f\ \text{next}}
        + \underbrace{p_i \odot \delta\bar\imath(t+1)}_{\bar\imath\ \text{next}}

    and the terms of :math:`\delta y(t)` (``Y_TERMS``), which add up to ``deltas.y``:
    ``dJ_dy`` (the loss of step :math:`t`) and :math:`R_\star^\top\delta\bar\star(t+1)` for
    :math:`\star = z, i, f, o`. ``cache`` from :func:`lstmkit.lstm.forward`, ``deltas`` and
    ``dJ_dy (T, B, H)`` as given to and returned by :func:`lstmkit.lstm.backward`.
    """
    lstm._check_cache(params, cache)
    if not hasattr(deltas, "c") or not hasattr(deltas, "y"):
        raise TypeError("deltas must be the LSTMDeltas of lk.lstm.backward")
    dJ_dy = np.asarray(dJ_dy)
    for name, a in (("deltas.c", deltas.c), ("deltas.y", deltas.y), ("dJ_dy", dJ_dy)):
        if a.shape != cache.c.shape:
            raise ValueError(f"{name} must have shape (T, B, H) = {cache.c.shape}; got {a.shape}")
    p_i, p_f, p_o = (params.get(k, 0.0) for k in lstm.PEEPHOLES)
    dh = lstm._h(cache.c, cache.variant, derivative=True)
    c_parts = {
        "y": deltas.y * cache.o * dh,
        "o_bar": p_o * deltas.o_bar,
        "c_next": _next(deltas.c * cache.f),
        "f_bar_next": _next(p_f * deltas.f_bar),
        "i_bar_next": _next(p_i * deltas.i_bar),
    }
    y_parts = {"loss": dJ_dy.copy()}
    for g in lstm.SIGNALS:
        y_parts[f"{g}_bar_next"] = _next(getattr(deltas, f"{g}_bar") @ params[f"R_{g}"])
    return c_parts, y_parts


def shares(parts, total):
    r"""Each part's component along ``total``, per step, as a share of ``total``'s length.

    ``parts`` a dict of ``(T, B, H)`` arrays that add up to ``total (T, B, H)``. Returns a
    dict of ``(T,)`` arrays :math:`\langle \text{part}(t), \text{total}(t)\rangle /
    \lVert\text{total}(t)\rVert^2` over batch and units: the shares of one step add up to 1
    (0 at a step where ``total`` is 0). A share above 1 or below 0 is a part that another
    part partly cancels.
    """
    total = np.asarray(total)
    if total.ndim != 3:
        raise ValueError(f"total must have shape (T, B, H); got {total.shape}")
    for name, part in parts.items():
        if np.shape(part) != total.shape:
            raise ValueError(f"part {name!r} must have the shape of total {total.shape}")
    squared = np.sum(total * total, axis=(1, 2))
    safe = np.where(squared > 0, squared, 1.0)
    return {
        name: np.where(squared > 0, np.sum(part * total, axis=(1, 2)) / safe, 0.0)
        for name, part in parts.items()
    }
