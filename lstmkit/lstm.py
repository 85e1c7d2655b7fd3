r"""The LSTM of chapters 4 and 5, one equation per line (Greff et al. 2017).

For every step :math:`t = 1, \dots, T`, starting from :math:`y(0)` and :math:`c(0)`:

.. math::

 \bar z(t) &= W_z x(t) + R_z y(t-1) + b_z,\;&& z(t) = \tanh(\bar z(t)) \\
 \bar\imath(t) &= W_i x(t) + R_i y(t-1) + p_i \odot c(t-1) + b_i,\;&& i(t) = \sigma(\bar\imath(t))\\
 \bar f(t) &= W_f x(t) + R_f y(t-1) + p_f \odot c(t-1) + b_f,\;&& f(t) = \sigma(\bar f(t)) \\
 c(t) &= z(t) \odot i(t) + c(t-1) \odot f(t) \\
 \bar o(t) &= W_o x(t) + R_o y(t-1) + p_o \odot c(t) + b_o,\;&& o(t) = \sigma(\bar o(t)) \\
 y(t) &= o(t) \odot \tanh(c(t))

The :math:`p \odot c` terms (peepholes) are there only if ``params`` has ``p_i p_f p_o``.
Three variants of Greff et al. change one line: ``"no_forget_gate"`` fixes :math:`f(t) = 1`,
``"coupled"`` (CIFG) couples the gates, :math:`f(t) = 1 - i(t)` (so :math:`W_f, R_f, b_f,
p_f` are unused and get zero gradients), and ``"no_output_activation"`` drops the tanh,
:math:`y(t) = o(t) \odot c(t)`.
:func:`forward_step` and :func:`backward_step` are one step on a batch, a row per sequence
(:math:`W_z x(t)` is ``x @ W_z.T``); :func:`forward` and :func:`backward` loop them over
time. ``x`` is ``(T, B, D)``, the rest ``(T, B, H)``; step :math:`t` is at index ``t - 1``
(``cache.y[-1]`` is :math:`y(T)`). Caches and deltas hold fresh arrays, never parameters.

>>> import numpy as np
>>> import lstmkit as lk
>>> params = lk.lstm.init_params(3, 4, rng=np.random.default_rng(0))
>>> cache = lk.lstm.forward(params, np.ones((6, 2, 3)))  # T=6, B=2
>>> grads, deltas = lk.lstm.backward(params, cache, np.ones_like(cache.y))
>>> grads["R_f"].shape, deltas.c.shape
((4, 4), (6, 2, 4))
"""

from types import SimpleNamespace

import numpy as np

from . import _checks

SIGNALS = ("z", "i", "f", "o")  # the block input z (not a gate) and the gates i, f, o
PEEPHOLES = ("p_i", "p_f", "p_o")
VARIANTS = ("vanilla", "no_forget_gate", "no_output_activation", "coupled")
STEP = ("z_bar", "z", "i_bar", "i", "f_bar", "f", "c", "o_bar", "o", "y")  # forward_step
DELTAS = ("y", "o_bar", "c", "f_bar", "i_bar", "z_bar", "x")  # backward_step
PARAM_SHAPES = {
    **{f"W_{g}": ("H", "D") for g in SIGNALS},
    **{f"R_{g}": ("H", "H") for g in SIGNALS},
    **{f"b_{g}": ("H",) for g in SIGNALS},
    **{p: ("H",) for p in PEEPHOLES},
}


def sigmoid(x):
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})`, elementwise; exactly 0 or 1 far out, no warning."""
    with np.errstate(over="ignore", under="ignore"):  # e^{-x} = inf or 0: the limits
        return 1 / (1 + np.exp(-x))


def _h(c, variant, derivative=False):
    r"""The output activation tanh (or its derivative :math:`1 - \tanh^2`), or the identity."""
    if variant == "no_output_activation":
        return np.ones_like(c) if derivative else c
    return 1 - np.tanh(c) ** 2 if derivative else np.tanh(c)


class LSTMCache(SimpleNamespace):
    r"""What :func:`forward` computed, fresh arrays; step :math:`t` at index ``t - 1``.

    ``z_bar i_bar f_bar o_bar`` are the pre-activations :math:`\bar z, \bar\imath, \bar f,
    \bar o`, ``z i f o`` the block input and the gates, ``c`` and ``y`` the cell and the
    output, all ``(T, B, H)``; ``y_prev, c_prev`` hold :math:`y(t-1), c(t-1)` at index
    ``t - 1``; also ``x (T, B, D)``, ``y0, c0 (B, H)`` and the ``variant``.
    """

    def __repr__(self):  # the shapes, not the numbers
        items = (f"{k}={getattr(v, 'shape', v)!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({', '.join(items)})"


class LSTMDeltas(SimpleNamespace):
    r"""What :func:`backward` computed: the deltas :math:`\delta\ast = dJ/d\ast`, all paths.

    ``y c z_bar i_bar f_bar o_bar`` are ``(T, B, H)`` and ``x`` is ``(T, B, D)``, step
    :math:`t` at index ``t - 1``; ``y0, c0 (B, H)`` are the initial states' deltas.
    """

    __repr__ = LSTMCache.__repr__


def init_params(
    n_in, n_hidden, *, rng, peepholes=True, forget_bias=1.0, scale=None, dtype="float64"
):
    r"""Random parameters for ``D = n_in`` inputs and ``H = n_hidden`` cells, a dict.

    ``W_z W_i W_f W_o (H, D)``, ``R_z R_i R_f R_o (H, H)``, ``b_z b_i b_f b_o (H,)`` and, with
    ``peepholes``, ``p_i p_f p_o (H,)``. Weights :math:`\sim \mathcal N(0, s^2)`, ``s = scale``
    or :math:`1/\sqrt{\text{fan-in}}`; biases 0 but :math:`b_f` = ``forget_bias`` (a
    mostly open forget gate). ``rng``: a ``numpy.random.Generator``; float32 or float64.
    """
    D, H = _checks.positive_int("n_in", n_in), _checks.positive_int("n_hidden", n_hidden)
    _checks.generator(rng)
    if np.dtype(dtype) not in _checks.FLOAT_DTYPES:
        raise TypeError(f"dtype must be float32 or float64; got {np.dtype(dtype)}")
    params = {}
    for name, shape in PARAM_SHAPES.items():  # W_*, R_*, b_*, p_*: the order of the draws
        size = [{"D": D, "H": H}[symbol] for symbol in shape]
        s = scale if scale is not None else 1 / np.sqrt(size[-1])  # 1/sqrt(fan-in)
        if name.startswith("b_"):
            params[name] = np.full(size, forget_bias if name == "b_f" else 0.0, dtype)
        elif peepholes or not name.startswith("p_"):
            params[name] = (s * rng.standard_normal(size)).astype(dtype)
    return params


def has_peepholes(params):
    """``True`` if ``params`` has all of ``p_i p_f p_o``, ``False`` if none; else ValueError."""
    present = [p for p in PEEPHOLES if p in params]
    if present and len(present) < len(PEEPHOLES):
        raise ValueError(
            "peepholes need all three of params['p_i'], params['p_f'], params['p_o'], "
            f"or none of them; got only {', '.join(map(repr, present))}"
        )
    return bool(present)


def _check(params, variant):
    """Validate ``params`` and ``variant``; return the bound shapes and the dtype."""
    shapes, dtype = _checks.params(params, PARAM_SHAPES, optional=PEEPHOLES)
    has_peepholes(params)
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}; got {variant!r}")
    return shapes, dtype


# fmt: off
# The two step functions are shown in the book (chapters 4 and 5): their lines are
# kept within the 77 characters of the book's code column, by hand.
def forward_step(params, x, y_prev, c_prev, *, variant="vanilla"):
    r"""One step on a batch: ``x (B, D)``, :math:`y(t-1), c(t-1)` ``(B, H)``.

    Returns a dict with the keys ``STEP``: ``z_bar z i_bar i f_bar f c o_bar
    o y``, each ``(B, H)``. Each statement is an equation of the module
    docstring, with its label in the book in parentheses.
    """
    p = params
    p_i, p_f, p_o = (p.get(k, 0.0) for k in PEEPHOLES)
    # (eq-lstm-z-bar)
    z_bar = x @ p["W_z"].T + y_prev @ p["R_z"].T + p["b_z"]
    z = np.tanh(z_bar)  # (eq-lstm-z)
    # (eq-lstm-i-bar)
    i_bar = x @ p["W_i"].T + y_prev @ p["R_i"].T + p_i * c_prev + p["b_i"]
    i = sigmoid(i_bar)  # (eq-lstm-i)
    # (eq-lstm-f-bar)
    f_bar = x @ p["W_f"].T + y_prev @ p["R_f"].T + p_f * c_prev + p["b_f"]
    # (eq-lstm-f), or f = 1 without a forget gate, or f = 1 - i coupled
    no_f = variant == "no_forget_gate"
    f = np.ones_like(f_bar) if no_f else sigmoid(f_bar)
    f = 1 - i if variant == "coupled" else f
    c = z * i + c_prev * f  # (eq-lstm-c)
    # (eq-lstm-o-bar)
    o_bar = x @ p["W_o"].T + y_prev @ p["R_o"].T + p_o * c + p["b_o"]
    o = sigmoid(o_bar)  # (eq-lstm-o)
    # (eq-lstm-y): h = tanh, or h(c) = c without output activation
    y = o * _h(c, variant)
    return dict(
        z_bar=z_bar, z=z, i_bar=i_bar, i=i, f_bar=f_bar, f=f, c=c,
        o_bar=o_bar, o=o, y=y,
    )


def backward_step(
    params, now, c_prev, dJ_dy, later, f_later, *, variant="vanilla"
):
    r"""One step of backpropagation through time: step :math:`t`'s deltas.

    ``now`` is the step's :func:`forward_step` dict, ``c_prev`` is
    :math:`c(t-1)`, ``dJ_dy`` is :math:`\Delta(t) = \partial J/\partial y(t)`
    from outside the recurrence, ``later`` the deltas of step :math:`t+1` and
    ``f_later`` :math:`f(t+1)` (zeros after the last step). Returns a dict,
    keys ``DELTAS``: ``y o_bar c f_bar i_bar z_bar`` ``(B, H)`` and
    ``x (B, D)``, with :math:`\sigma'(\bar\ast) = \ast(1-\ast)` and
    :math:`\tanh'(\bar z) = 1 - z^2`:

    .. math::

        \delta y(t) &= \Delta(t) + R_z^\top \delta\bar z(t+1)
            + R_i^\top \delta\bar\imath(t+1) \\
            &\quad {}+ R_f^\top \delta\bar f(t+1)
            + R_o^\top \delta\bar o(t+1) \\
        \delta\bar o(t) &= \delta y(t) \odot \tanh(c(t))
            \odot \sigma'(\bar o(t)) \\
        \delta c(t) &= \delta y(t) \odot o(t) \odot \tanh'(c(t))
            + p_o \odot \delta\bar o(t) \\
            &\quad {}+ p_i \odot \delta\bar\imath(t+1)
            + p_f \odot \delta\bar f(t+1) + \delta c(t+1) \odot f(t+1) \\
        \delta\bar f(t) &= \delta c(t) \odot c(t-1)
            \odot \sigma'(\bar f(t)) \\
        \delta\bar\imath(t) &= \delta c(t) \odot z(t)
            \odot \sigma'(\bar\imath(t)) \\
        \delta\bar z(t) &= \delta c(t) \odot i(t) \odot \tanh'(\bar z(t)) \\
        \delta x(t) &= W_z^\top \delta\bar z(t)
            + W_i^\top \delta\bar\imath(t)
            + W_f^\top \delta\bar f(t) + W_o^\top \delta\bar o(t)

    (tanh is the identity for ``"no_output_activation"``). For
    ``"coupled"``, :math:`f = 1 - i`: :math:`\delta\bar f(t) = 0` and
    :math:`\delta\bar\imath(t) = \delta c(t) \odot (z(t) - c(t-1))
    \odot \sigma'(\bar\imath(t))`.
    """
    p = params
    z, i, f, c, o = (now[k] for k in ("z", "i", "f", "c", "o"))
    p_i, p_f, p_o = (p.get(k, 0.0) for k in PEEPHOLES)
    # (eq-lstm-delta-y)
    delta_y = dJ_dy + sum(later[f"{g}_bar"] @ p[f"R_{g}"] for g in SIGNALS)
    # (eq-lstm-delta-o-bar)
    delta_o_bar = delta_y * _h(c, variant) * o * (1 - o)
    delta_c = (  # (eq-lstm-delta-c)
        delta_y * o * _h(c, variant, derivative=True) + p_o * delta_o_bar
        + p_i * later["i_bar"] + p_f * later["f_bar"] + later["c"] * f_later
    )
    coupled = variant == "coupled"  # f = 1 - i: no f path of its own
    # (eq-lstm-delta-f-bar); 0 if f = 1, and if coupled
    delta_f_bar = delta_c * c_prev * f * (1 - f) * (not coupled)
    # (eq-lstm-delta-i-bar); coupled, i moves f too: z - c(t-1)
    dc_di = z - c_prev if coupled else z
    delta_i_bar = delta_c * dc_di * i * (1 - i)
    delta_z_bar = delta_c * i * (1 - z**2)  # (eq-lstm-delta-z-bar)
    bars = dict(
        z_bar=delta_z_bar, i_bar=delta_i_bar,
        f_bar=delta_f_bar, o_bar=delta_o_bar,
    )
    # (eq-lstm-delta-x)
    delta_x = sum(bars[f"{g}_bar"] @ p[f"W_{g}"] for g in SIGNALS)
    return dict(y=delta_y, c=delta_c, x=delta_x, **bars)
# fmt: on


def forward(params, x, y0=None, c0=None, *, variant="vanilla"):
    r"""Run :func:`forward_step` over ``x (T, B, D)`` from ``y0, c0 (B, H)`` (zeros if omitted).

    ``params`` as from :func:`init_params`; ``variant`` one of ``VARIANTS``. Returns an
    :class:`LSTMCache` with every step's values, ready for :func:`backward`.
    """
    shapes, dtype = _check(params, variant)
    _checks.data("x", x, ("T", "B", "D"), shapes, dtype)
    y0, c0 = (_checks.state(n, a, shapes, dtype).copy() for n, a in (("y0", y0), ("c0", c0)))
    steps, y, c = [], y0, c0
    for x_t in x:  # x(t) for t = 1, ..., T
        steps.append(forward_step(params, x_t, y, c, variant=variant))
        y, c = steps[-1]["y"], steps[-1]["c"]
    cache = {k: np.stack([s[k] for s in steps]) for k in STEP}
    cache["y_prev"] = np.concatenate([y0[None], cache["y"][:-1]])  # y(0), ..., y(T-1)
    cache["c_prev"] = np.concatenate([c0[None], cache["c"][:-1]])
    return LSTMCache(x=x.copy(), y0=y0, c0=c0, variant=variant, **cache)


def _check_cache(params, cache):
    """Validate ``params`` and a cache of :func:`forward`; return the shapes and the dtype."""
    shapes, dtype = _check(params, getattr(cache, "variant", "vanilla"))
    cache_shapes = {"x": ("T", "B", "D")} | {k: ("T", "B", "H") for k in STEP}
    return shapes, _checks.cache(cache, LSTMCache, cache_shapes, shapes, dtype).x.dtype


def backward(params, cache, dJ_dy):
    r"""Backpropagation through time: :func:`backward_step` from :math:`t = T` down to 1.

    ``dJ_dy (T, B, H)`` holds :math:`\Delta(t)`, zeros where no loss reads :math:`y(t)`;
    the deltas after step :math:`T` are 0. Returns ``grads``, a dict with the keys of
    ``params`` summed over steps and batch,

    .. math::

        \frac{\partial J}{\partial W_\star} = \sum_t \delta\bar\star(t)\, x(t)^\top, \quad
        \frac{\partial J}{\partial R_\star} = \sum_t \delta\bar\star(t)\, y(t-1)^\top, \\
        \frac{\partial J}{\partial b_\star} = \sum_t \delta\bar\star(t), \quad
        \frac{\partial J}{\partial p_i} = \sum_t c(t-1) \odot \delta\bar\imath(t), \\
        \frac{\partial J}{\partial p_f} = \sum_t c(t-1) \odot \delta\bar f(t), \quad
        \frac{\partial J}{\partial p_o} = \sum_t c(t) \odot \delta\bar o(t),

    and ``deltas``, an :class:`LSTMDeltas` (with what step 1 sends back to ``y0, c0``).
    """
    shapes, dtype = _check_cache(params, cache)
    _checks.data("dJ_dy", dJ_dy, ("T", "B", "H"), shapes, dtype)
    zero = np.zeros_like(cache.c0)
    later, f_later, steps, v = dict.fromkeys(DELTAS, zero), zero, [], cache.variant
    for t in reversed(range(len(cache.x))):  # the index of step t + 1, from T down to 1
        now = {k: getattr(cache, k)[t] for k in STEP}
        later = backward_step(params, now, cache.c_prev[t], dJ_dy[t], later, f_later, variant=v)
        f_later = now["f"]
        steps.append(later)
    d = {k: np.stack([s[k] for s in reversed(steps)]) for k in DELTAS}
    p_i, p_f = params.get("p_i", 0.0), params.get("p_f", 0.0)  # step 1 sends back:
    y0 = sum(later[f"{g}_bar"] @ params[f"R_{g}"] for g in SIGNALS)  # delta y(0)
    c0 = p_i * later["i_bar"] + p_f * later["f_bar"] + later["c"] * f_later  # delta c(0)
    grads, over_t_and_b = {}, ([0, 1], [0, 1])  # sum_t sum_b delta x^T: one BLAS product
    for g in SIGNALS:
        grads[f"W_{g}"] = np.tensordot(d[f"{g}_bar"], cache.x, axes=over_t_and_b)
        grads[f"R_{g}"] = np.tensordot(d[f"{g}_bar"], cache.y_prev, axes=over_t_and_b)
        grads[f"b_{g}"] = d[f"{g}_bar"].sum(axis=(0, 1))
    if has_peepholes(params):  # p_i and p_f read c(t-1), p_o reads c(t)
        for g, cell in (("i", cache.c_prev), ("f", cache.c_prev), ("o", cache.c)):
            grads[f"p_{g}"] = (cell * d[f"{g}_bar"]).sum(axis=(0, 1))
    return grads, LSTMDeltas(y0=y0, c0=c0, **d)


def _cell_partials(cache, t=slice(None)):
    r""":math:`\partial c/\partial\bar\imath` and :math:`\partial c/\partial\bar f` at index ``t``.

    :math:`z \odot \sigma'(\bar\imath)` and :math:`c(t-1) \odot \sigma'(\bar f)`; coupled
    (:math:`f = 1 - i`) they are :math:`(z - c(t-1)) \odot \sigma'(\bar\imath)` and 0.
    """
    z, i, f, c_prev = (getattr(cache, k)[t] for k in ("z", "i", "f", "c_prev"))
    coupled = cache.variant == "coupled"
    dc_di_bar = (z - c_prev if coupled else z) * i * (1 - i)
    dc_df_bar = c_prev * f * (1 - f) * (not coupled)
    return dc_di_bar, dc_df_bar


def cell_jacobian_diag(params, cache):
    r"""The diagonal of :math:`\partial c(t)/\partial c(t-1)` with :math:`y(t-1)` held fixed.

    ``(T, B, H)``, step :math:`t` at index ``t - 1``: :math:`f(t) + c(t-1) \odot
    \sigma'(\bar f(t)) \odot p_f + z(t) \odot \sigma'(\bar\imath(t)) \odot p_i`
    (for ``"coupled"``, :math:`f = 1 - i`: no :math:`p_f` term, and :math:`z(t) - c(t-1)`
    in place of :math:`z(t)`).
    """
    _check_cache(params, cache)
    jac = cache.f.copy()
    if has_peepholes(params):
        dc_di_bar, dc_df_bar = _cell_partials(cache)
        jac += dc_df_bar * params["p_f"]
        jac += dc_di_bar * params["p_i"]
    return jac


def cell_jacobian(params, cache, t):
    r"""The full Jacobian :math:`dc(s)/dc(s-1)` at index ``t`` (:math:`s = t+1`), ``(B, H, H)``.

    ``jac[b, j, k]`` is :math:`dc_j(s)/dc_k(s-1)`: :func:`cell_jacobian_diag` plus the path
    through :math:`y(s-1)`: the sum of :math:`\operatorname{diag}(i \odot \tanh'(\bar z))R_z`,
    :math:`\operatorname{diag}(z \odot \sigma'(\bar\imath))R_i` and :math:`\operatorname{diag}(
    c(s-1) \odot \sigma'(\bar f))R_f`, times :math:`\operatorname{diag}(dy(s-1)/dc(s-1))` with
    :math:`dy/dc = o \odot \tanh'(c) + \tanh(c) \odot \sigma'(\bar o) \odot p_o`; none at t = 0.
    """
    _check_cache(params, cache)
    t = _checks.time_step(t, len(cache.x))
    diag = cell_jacobian_diag(params, cache)[t]
    jac = diag[:, :, None] * np.eye(diag.shape[1], dtype=diag.dtype)  # the direct part
    if t > 0:
        z, i, v = cache.z[t], cache.i[t], cache.variant
        dc_di_bar, dc_df_bar = _cell_partials(cache, t)
        dc_dy = (
            (i * (1 - z * z))[:, :, None] * params["R_z"]
            + dc_di_bar[:, :, None] * params["R_i"]
            + dc_df_bar[:, :, None] * params["R_f"]
        )
        o, c = cache.o[t - 1], cache.c[t - 1]
        dy_dc = o * _h(c, v, derivative=True) + _h(c, v) * o * (1 - o) * params.get("p_o", 0.0)
        jac += dc_dy * dy_dc[:, None, :]
    return jac
