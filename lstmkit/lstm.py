r"""The vanilla LSTM of Greff et al. (2017), with optional peephole connections.

Greff, Srivastava, Koutník, Steunebrink and Schmidhuber, "LSTM: A Search Space Odyssey",
IEEE TNNLS 28(10), 2017. For every time step :math:`t = 1, \dots, T`:

.. math::

    \bar z(t) &= W_z x(t) + R_z y(t-1) + b_z,
        & z(t) &= \tanh\big(\bar z(t)\big) \\
    \bar\imath(t) &= W_i x(t) + R_i y(t-1) + p_i \odot c(t-1) + b_i,
        & i(t) &= \sigma\big(\bar\imath(t)\big) \\
    \bar f(t) &= W_f x(t) + R_f y(t-1) + p_f \odot c(t-1) + b_f,
        & f(t) &= \sigma\big(\bar f(t)\big) \\
    c(t) &= z(t) \odot i(t) + c(t-1) \odot f(t) \\
    \bar o(t) &= W_o x(t) + R_o y(t-1) + p_o \odot c(t) + b_o,
        & o(t) &= \sigma\big(\bar o(t)\big) \\
    y(t) &= o(t) \odot \tanh\big(c(t)\big)

with given initial states :math:`y(0)` and :math:`c(0)`, the arguments ``y0`` and ``c0``
(zeros by default). Note that the output gate's peephole :math:`p_o` looks at the *new* cell
:math:`c(t)`, the other two at :math:`c(t-1)`.

Arrays are time-major: ``x`` has shape ``(T, B, D)``, everything else ``(T, B, H)``.
Step :math:`t` is stored at array index ``t - 1``: ``x[t - 1]`` is :math:`x(t)`,
``cache.y[t - 1]`` is :math:`y(t)`, and ``cache.y[-1]`` is the last output :math:`y(T)`.
The parameters are a plain dict with ``W_z W_i W_f W_o`` of shape ``(H, D)``,
``R_z R_i R_f R_o`` of shape ``(H, H)``, ``b_z b_i b_f b_o`` of shape ``(H,)`` and, for
an LSTM with peepholes, ``p_i p_f p_o`` of shape ``(H,)``. The peepholes are used exactly
when these three keys are present.

Inside :func:`forward` and :func:`backward` the four gates are stacked in the order
``z, i, f, o``: :math:`W = [W_z; W_i; W_f; W_o]` is ``(4H, D)`` and
:math:`R = [R_z; R_i; R_f; R_o]` is ``(4H, H)``. The input part :math:`W x(t) + b` is
one matrix product for all time steps together, and the recurrent part
:math:`R\, y(t-1)` is one product per step.

Examples
--------
>>> import numpy as np
>>> import lstmkit as lk
>>> rng = np.random.default_rng(0)
>>> params = lk.lstm.init_params(3, 4, rng=rng)
>>> x = rng.standard_normal((6, 2, 3))          # T=6 steps, B=2 sequences, D=3
>>> cache = lk.lstm.forward(params, x)
>>> grads, deltas = lk.lstm.backward(params, cache, np.ones_like(cache.y))
>>> grads["R_f"].shape, deltas.c.shape
((4, 4), (6, 2, 4))
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import _checks

__all__ = [
    "LSTMCache",
    "LSTMDeltas",
    "sigmoid",
    "has_peepholes",
    "init_params",
    "forward",
    "backward",
    "cell_jacobian_diag",
    "cell_jacobian",
]

GATES = ("z", "i", "f", "o")
PEEPHOLES = ("p_i", "p_f", "p_o")
PARAM_SHAPES = {
    **{f"W_{g}": ("H", "D") for g in GATES},
    **{f"R_{g}": ("H", "H") for g in GATES},
    **{f"b_{g}": ("H",) for g in GATES},
    **{p: ("H",) for p in PEEPHOLES},
}


def sigmoid(x, out=None):
    r"""The logistic function :math:`\sigma(x) = 1 / (1 + e^{-x})`, without warnings.

    For :math:`x < -709` (float64) the intermediate :math:`e^{-x}` overflows to ``inf``
    and the result is exactly ``0``; for large positive :math:`x` it underflows to ``0``
    and the result is exactly ``1``. Both are the correctly rounded limits, so the
    floating-point warnings are silenced. Elsewhere the relative error is a few units
    in the last place, in both tails (unlike :math:`\frac12(1 + \tanh(x/2))`, which
    loses digits for negative :math:`x`).

    Parameters
    ----------
    x : ndarray
    out : ndarray, optional
        Where to write the result (may be ``x`` itself).
    """
    with np.errstate(over="ignore", under="ignore"):
        out = np.negative(x, out=out)
        np.exp(out, out=out)
        out += 1
        return np.reciprocal(out, out=out)


def _dsigmoid(s, out):
    r""":math:`\sigma'(v) = s (1 - s)` from :math:`s = \sigma(v)`, written into ``out``."""
    np.subtract(1, s, out=out)
    return np.multiply(out, s, out=out)


def _dtanh(th, out):
    r""":math:`\tanh'(v) = 1 - th^2` from :math:`th = \tanh(v)`, written into ``out``."""
    np.multiply(th, th, out=out)
    return np.subtract(1, out, out=out)


@dataclass(eq=False, repr=False)
class LSTMCache:
    r"""Everything the forward pass computed, kept for the backward pass.

    Every array of shape ``(T, ...)`` holds step :math:`t` at index ``t - 1``.

    Attributes
    ----------
    x : ndarray, shape (T, B, D)
        The inputs.
    z_bar, i_bar, f_bar, o_bar : ndarray, shape (T, B, H)
        Pre-activations :math:`\bar z(t), \bar\imath(t), \bar f(t), \bar o(t)`.
    z, i, f, o : ndarray, shape (T, B, H)
        Block input and the three gates.
    c : ndarray, shape (T, B, H)
        Cell states :math:`c(t)`.
    y : ndarray, shape (T, B, H)
        Block outputs :math:`y(t)`.
    y0, c0 : ndarray, shape (B, H)
        The initial states :math:`y(0), c(0)`.
    tanh_c : ndarray, shape (T, B, H)
        :math:`\tanh(c(t))`, kept so that :func:`backward` need not compute it again.
    y_prev, c_prev : ndarray, shape (T, B, H)
        :math:`y(t-1)` and :math:`c(t-1)` for every step :math:`t` (at index ``t - 1``;
        views: ``y_prev[0]`` is :math:`y(0)`, i.e. ``y0``).
    """

    x: np.ndarray
    z_bar: np.ndarray
    z: np.ndarray
    i_bar: np.ndarray
    i: np.ndarray
    f_bar: np.ndarray
    f: np.ndarray
    c: np.ndarray
    o_bar: np.ndarray
    o: np.ndarray
    y: np.ndarray
    y0: np.ndarray
    c0: np.ndarray
    tanh_c: np.ndarray
    y_prev: np.ndarray
    c_prev: np.ndarray

    __repr__ = _checks.shapes_repr


@dataclass(eq=False, repr=False)
class LSTMDeltas:
    r"""Total derivatives of the loss :math:`J` with respect to the forward variables.

    Every path from the variable to :math:`J` is counted; for example ``c`` is
    :math:`\delta c(t) = dJ/dc(t)`, through :math:`y(t)`, :math:`\bar o(t)` and all
    later steps. As in :class:`LSTMCache`, step :math:`t` is stored at index ``t - 1``.

    Attributes
    ----------
    y : ndarray, shape (T, B, H)
        :math:`\delta y(t)`.
    z_bar, i_bar, f_bar, o_bar : ndarray, shape (T, B, H)
        :math:`\delta\bar z(t), \delta\bar\imath(t), \delta\bar f(t), \delta\bar o(t)`.
    c : ndarray, shape (T, B, H)
        :math:`\delta c(t)`.
    y0, c0 : ndarray, shape (B, H)
        :math:`\delta y(0)` and :math:`\delta c(0)`, the gradients for the initial states.
    """

    y: np.ndarray
    z_bar: np.ndarray
    i_bar: np.ndarray
    f_bar: np.ndarray
    c: np.ndarray
    o_bar: np.ndarray
    y0: np.ndarray
    c0: np.ndarray
    _dbars: np.ndarray  # (T, B, 4H): [z_bar i_bar f_bar o_bar] side by side
    _W: np.ndarray  # (4H, D): [W_z; W_i; W_f; W_o]

    @cached_property
    def x(self):
        r""":math:`\delta x(t) = W_z^\top \delta\bar z(t) + W_i^\top \delta\bar\imath(t)
        + W_f^\top \delta\bar f(t) + W_o^\top \delta\bar o(t)`, shape ``(T, B, D)``.

        One matrix product, done on first access only: training the parameters does not
        need it, so :func:`backward` does not spend the time.
        """
        T, B, H4 = self._dbars.shape
        return (self._dbars.reshape(T * B, H4) @ self._W).reshape(T, B, -1)

    def __repr__(self):
        names = ("y", "z_bar", "i_bar", "f_bar", "c", "o_bar", "y0", "c0")
        shapes = ", ".join(f"{n}={getattr(self, n).shape}" for n in names)
        T, B, _ = self._dbars.shape
        return f"LSTMDeltas({shapes}, x=({T}, {B}, {self._W.shape[1]}))"


def init_params(
    n_in, n_hidden, *, rng, peepholes=True, forget_bias=1.0, scale=None, dtype=np.float64
):
    r"""Random parameters for an LSTM with ``D = n_in`` inputs and ``H = n_hidden`` cells.

    Weights are drawn from :math:`\mathcal{N}(0, s^2)`, biases are zero except
    :math:`b_f`, which is ``forget_bias`` everywhere, so that the forget gate starts
    mostly open (:math:`\sigma(1) \approx 0.73`) and gradients flow through the cell.

    Parameters
    ----------
    n_in, n_hidden : int
        Sizes ``D`` and ``H``.
    rng : numpy.random.Generator
        Source of randomness (required).
    peepholes : bool
        Include ``p_i, p_f, p_o``.
    forget_bias : float
        The initial value of every entry of ``b_f``.
    scale : float, optional
        The standard deviation :math:`s` of every weight. By default
        :math:`s = 1/\sqrt{D}` for ``W_*`` and :math:`s = 1/\sqrt{H}` for ``R_*`` and
        ``p_*``.
    dtype : float32 or float64

    Returns
    -------
    dict
        ``W_z W_i W_f W_o (H, D)``, ``R_z R_i R_f R_o (H, H)``, ``b_z b_i b_f b_o (H,)``
        and, with peepholes, ``p_i p_f p_o (H,)``.
    """
    D = _checks.positive_int("n_in", n_in)
    H = _checks.positive_int("n_hidden", n_hidden)
    _checks.generator(rng)
    dtype = np.dtype(dtype)
    if dtype not in _checks.FLOAT_DTYPES:
        raise TypeError(f"dtype must be float32 or float64; got {dtype}")

    def weight(shape, fan_in):
        s = 1.0 / np.sqrt(fan_in) if scale is None else scale
        return (s * rng.standard_normal(shape)).astype(dtype)

    params = {}
    for g in GATES:
        params[f"W_{g}"] = weight((H, D), D)
    for g in GATES:
        params[f"R_{g}"] = weight((H, H), H)
    for g in GATES:
        params[f"b_{g}"] = np.full(H, forget_bias if g == "f" else 0.0, dtype=dtype)
    if peepholes:
        for p in PEEPHOLES:
            params[p] = weight(H, H)
    return params


def has_peepholes(params):
    """``True`` if ``params`` has all of ``p_i, p_f, p_o``, ``False`` if none; else an error."""
    present = [p for p in PEEPHOLES if p in params]
    if present and len(present) < len(PEEPHOLES):
        raise ValueError(
            "peepholes need all three of params['p_i'], params['p_f'], params['p_o'], "
            f"or none of them; got only {', '.join(map(repr, present))}"
        )
    return bool(present)


def _check_params(params):
    shapes, dtype = _checks.params(params, PARAM_SHAPES, optional=PEEPHOLES)
    return shapes, dtype, has_peepholes(params)


def _stack(params, prefix):
    """[X_z; X_i; X_f; X_o] along the first axis, e.g. ``_stack(params, "R")`` is (4H, H)."""
    return np.concatenate([params[f"{prefix}_{g}"] for g in GATES])


def _split(a):
    """The four gate blocks ``z, i, f, o`` of an array with last axis 4H, as views."""
    H = a.shape[-1] // 4
    return tuple(a[..., k * H : (k + 1) * H] for k in range(4))


def forward(params, x, y0=None, c0=None):
    r"""Run the LSTM over a batch of sequences.

    .. math::

        \bar z(t) &= W_z x(t) + R_z y(t-1) + b_z, & z(t) &= \tanh(\bar z(t)) \\
        \bar\imath(t) &= W_i x(t) + R_i y(t-1) + p_i \odot c(t-1) + b_i,
            & i(t) &= \sigma(\bar\imath(t)) \\
        \bar f(t) &= W_f x(t) + R_f y(t-1) + p_f \odot c(t-1) + b_f,
            & f(t) &= \sigma(\bar f(t)) \\
        c(t) &= z(t) \odot i(t) + c(t-1) \odot f(t) \\
        \bar o(t) &= W_o x(t) + R_o y(t-1) + p_o \odot c(t) + b_o,
            & o(t) &= \sigma(\bar o(t)) \\
        y(t) &= o(t) \odot \tanh(c(t))

    (the :math:`p` terms only with peepholes).

    Parameters
    ----------
    params : dict
        See :func:`init_params`.
    x : ndarray, shape (T, B, D)
        Input sequences, time-major. Same float dtype as the parameters.
    y0, c0 : ndarray, shape (B, H), optional
        Initial output and cell state :math:`y(0), c(0)`; zeros if omitted.

    Returns
    -------
    LSTMCache
        All intermediate values, ready for :func:`backward`.
    """
    shapes, dtype, peepholes = _check_params(params)
    _checks.data("x", x, ("T", "B", "D"), shapes, dtype)
    y0 = _checks.state("y0", y0, shapes, dtype)
    c0 = _checks.state("c0", c0, shapes, dtype)
    T, B, D = x.shape
    H = shapes["H"]
    W, R, b = _stack(params, "W"), _stack(params, "R"), _stack(params, "b")

    # Pre-activations and activations of the four gates, in one block (fresh memory is
    # cheaper in one large piece). The input part W x(t) + b, for all t in one product:
    bars, acts = np.empty((2, T, B, 4 * H), dtype=dtype)
    np.matmul(x.reshape(T * B, D), W.T, out=bars.reshape(T * B, 4 * H))
    bars += b
    z_bar, i_bar, f_bar, o_bar = _split(bars)
    z, i, f, o = _split(acts)
    # The blocks i, f, o are adjacent in the stack, so one call to sigmoid does the gates
    # that are ready: i and f, and o as well when it has no peephole on the new cell c(t).
    ready = slice(H, 3 * H) if peepholes else slice(H, 4 * H)
    # y_all[t] = y(t) for t = 0..T, so y_all[0] = y(0); likewise for c. With the slices
    # below, y[t - 1] is y(t) and y_prev[t - 1] is y(t-1).
    # (One block for y, c and tanh(c), as for the gates.)
    y_all, c_all, tanh_c_all = np.empty((3, T + 1, B, H), dtype=dtype)
    y_all[0], c_all[0] = y0, c0
    y_prev, y = y_all[:-1], y_all[1:]
    c_prev, c = c_all[:-1], c_all[1:]
    tanh_c = tanh_c_all[1:]
    R_T = R.T
    Ry = np.empty((B, 4 * H), dtype=dtype)  # R y(t-1) for the four gates
    if peepholes:
        p_i, p_f, p_o = params["p_i"], params["p_f"], params["p_o"]

    # The loop index t is the array index of step t + 1; the comments write that step's
    # equations as in the docstring.
    for t in range(T):
        np.matmul(y_prev[t], R_T, out=Ry)
        bars[t] += Ry
        if peepholes:
            i_bar[t] += p_i * c_prev[t]
            f_bar[t] += p_f * c_prev[t]
        np.tanh(z_bar[t], out=z[t])
        sigmoid(bars[t, :, ready], out=acts[t, :, ready])  # i(t), f(t) (and o(t))
        # c(t) = z(t) * i(t) + c(t-1) * f(t)
        np.multiply(z[t], i[t], out=c[t])
        c[t] += c_prev[t] * f[t]
        if peepholes:
            o_bar[t] += p_o * c[t]
            sigmoid(o_bar[t], out=o[t])
        # y(t) = o(t) * tanh(c(t))
        np.tanh(c[t], out=tanh_c[t])
        np.multiply(o[t], tanh_c[t], out=y[t])

    return LSTMCache(
        x=x,
        z_bar=z_bar,
        z=z,
        i_bar=i_bar,
        i=i,
        f_bar=f_bar,
        f=f,
        c=c,
        o_bar=o_bar,
        o=o,
        y=y,
        y0=y_all[0],
        c0=c_all[0],
        tanh_c=tanh_c,
        y_prev=y_prev,
        c_prev=c_prev,
    )


_CACHE_SHAPES = {
    "x": ("T", "B", "D"),
    **{k: ("T", "B", "H") for k in ("z", "i", "f", "o", "c", "y", "tanh_c", "y_prev", "c_prev")},
}


def backward(params, cache, dJ_dy):
    r"""Backpropagation through time for the LSTM (Greff et al. 2017, appendix).

    :math:`\Delta(t)` = ``dJ_dy[t - 1]`` is the derivative of the loss with respect to
    :math:`y(t)` from outside the recurrence (e.g. from a readout). Going backwards from
    :math:`t = T`, with every :math:`\delta(T+1) = 0`:

    .. math::

        \delta y(t) &= \Delta(t) + R_z^\top \delta\bar z(t+1) + R_i^\top \delta\bar\imath(t+1)
            + R_f^\top \delta\bar f(t+1) + R_o^\top \delta\bar o(t+1) \\
        \delta\bar o(t) &= \delta y(t) \odot \tanh(c(t)) \odot \sigma'(\bar o(t)) \\
        \delta c(t) &= \delta y(t) \odot o(t) \odot \tanh'(c(t)) + p_o \odot \delta\bar o(t)
            + p_i \odot \delta\bar\imath(t+1) + p_f \odot \delta\bar f(t+1)
            + \delta c(t+1) \odot f(t+1) \\
        \delta\bar f(t) &= \delta c(t) \odot c(t-1) \odot \sigma'(\bar f(t)) \\
        \delta\bar\imath(t) &= \delta c(t) \odot z(t) \odot \sigma'(\bar\imath(t)) \\
        \delta\bar z(t) &= \delta c(t) \odot i(t) \odot \tanh'(\bar z(t))

    with :math:`\sigma' = \sigma(1 - \sigma)` and :math:`\tanh' = 1 - \tanh^2`. The
    gradients then sum over all steps and the batch, for each gate
    :math:`\star \in \{z, i, f, o\}`:

    .. math::

        \frac{\partial J}{\partial W_\star} = \sum_t \delta\bar\star(t)\, x(t)^\top, \quad
        \frac{\partial J}{\partial R_\star} = \sum_t \delta\bar\star(t)\, y(t-1)^\top, \quad
        \frac{\partial J}{\partial b_\star} = \sum_t \delta\bar\star(t), \\
        \frac{\partial J}{\partial p_i} = \sum_t c(t-1) \odot \delta\bar\imath(t), \quad
        \frac{\partial J}{\partial p_f} = \sum_t c(t-1) \odot \delta\bar f(t), \quad
        \frac{\partial J}{\partial p_o} = \sum_t c(t) \odot \delta\bar o(t).

    Parameters
    ----------
    params : dict
        The parameters used in :func:`forward`.
    cache : LSTMCache
        What :func:`forward` returned.
    dJ_dy : ndarray, shape (T, B, H)
        :math:`\Delta(t)` at index ``t - 1``; zeros at steps without a loss term.

    Returns
    -------
    grads : dict
        Same keys and shapes as ``params``.
    deltas : LSTMDeltas
        ``y, z_bar, i_bar, f_bar, c, o_bar`` (each ``(T, B, H)``), ``x`` ``(T, B, D)``,
        and ``y0, c0`` ``(B, H)``: see :class:`LSTMDeltas`.
    """
    shapes, dtype, peepholes = _check_params(params)
    _checks.cache(cache, LSTMCache, _CACHE_SHAPES, shapes, dtype)
    _checks.data("dJ_dy", dJ_dy, ("T", "B", "H"), shapes, dtype)
    x, z, i, f, o = cache.x, cache.z, cache.i, cache.f, cache.o
    c, c_prev, y_prev, tanh_c = cache.c, cache.c_prev, cache.y_prev, cache.tanh_c
    T, B, D = x.shape
    H = shapes["H"]
    W, R = _stack(params, "W"), _stack(params, "R")
    if peepholes:
        p_i, p_f, p_o = params["p_i"], params["p_f"], params["p_o"]

    # The local derivatives of c(t) and y(t), for all steps at once, so that the loop
    # below only multiplies them by the deltas. σ'(v) = σ(v) (1 - σ(v)) and
    # tanh'(v) = 1 - tanh(v)^2 are written with the cached activations i, f, o, z, tanh(c):
    #   ∂c(t)/∂z_bar(t) = i(t) ⊙ tanh'(z_bar(t))    ∂c(t)/∂i_bar(t) = z(t) ⊙ σ'(i_bar(t))
    #   ∂c(t)/∂f_bar(t) = c(t-1) ⊙ σ'(f_bar(t))     ∂y(t)/∂o_bar(t) = tanh(c(t)) ⊙ σ'(o_bar(t))
    #   ∂y(t)/∂c(t) = o(t) ⊙ tanh'(c(t))            (the path through tanh)
    # dbars[t] holds [∂c/∂z_bar ∂c/∂i_bar ∂c/∂f_bar ∂y/∂o_bar](t) until the loop multiplies
    # it by [δc δc δc δy](t), which makes it [δz_bar δi_bar δf_bar δo_bar](t); likewise
    # delta_c[t] holds ∂y/∂c(t) until it becomes δc(t). (Here and in the loop, the array
    # index t stands for step t + 1; the comments write the step's equations as in the
    # docstring.) One extra slot of zeros at index T, step T + 1, so that the "(t+1)"
    # terms need no special case. Every product writes into these
    # arrays (out=): large temporaries would cost fresh memory on every call.
    dbars = np.empty((T + 1, B, 4 * H), dtype=dtype)
    d_z_bar, d_i_bar, d_f_bar, d_o_bar = _split(dbars)
    delta_y, delta_c = np.empty((2, T + 1, B, H), dtype=dtype)  # one block, as in forward
    dbars[T], delta_c[T] = 0, 0
    work = delta_y[:T]  # scratch space until the loop fills in δy
    np.multiply(i, _dtanh(z, out=work), out=d_z_bar[:T])
    np.multiply(z, _dsigmoid(i, out=work), out=d_i_bar[:T])
    np.multiply(c_prev, _dsigmoid(f, out=work), out=d_f_bar[:T])
    np.multiply(tanh_c, _dsigmoid(o, out=work), out=d_o_bar[:T])
    np.multiply(o, _dtanh(tanh_c, out=work), out=delta_c[:T])
    d_zif_bar = dbars[:, :, : 3 * H].reshape(T + 1, B, 3, H)  # [δz_bar δi_bar δf_bar] as (3, H)

    for t in reversed(range(T)):
        # δy(t) = Δ(t) + R^T [δz_bar; δi_bar; δf_bar; δo_bar](t+1): one product, four gates
        np.matmul(dbars[t + 1], R, out=delta_y[t])
        delta_y[t] += dJ_dy[t]
        # δo_bar(t) = δy(t) ⊙ ∂y/∂o_bar(t)
        d_o_bar[t] *= delta_y[t]
        # δc(t) = δy(t) ⊙ ∂y/∂c(t) + δc(t+1) ⊙ f(t+1)
        #         + p_o ⊙ δo_bar(t) + p_i ⊙ δi_bar(t+1) + p_f ⊙ δf_bar(t+1)
        delta_c[t] *= delta_y[t]
        if t + 1 < T:
            delta_c[t] += delta_c[t + 1] * f[t + 1]
        if peepholes:
            delta_c[t] += p_o * d_o_bar[t] + p_i * d_i_bar[t + 1] + p_f * d_f_bar[t + 1]
        # [δz_bar δi_bar δf_bar](t) = δc(t) ⊙ [∂c/∂z_bar ∂c/∂i_bar ∂c/∂f_bar](t)
        d_zif_bar[t] *= delta_c[t, :, None, :]

    # Parameter gradients: one product each over all T*B rows.
    dbars, delta_c, delta_y = dbars[:T], delta_c[:T], delta_y[:T]
    d_z_bar, d_i_bar, d_f_bar, d_o_bar = _split(dbars)
    dg = dbars.reshape(T * B, 4 * H)
    dW = dg.T @ x.reshape(T * B, D)
    dR = dg.T @ y_prev.reshape(T * B, H)
    db = dg.sum(axis=0)
    grads = {}
    for k, g in enumerate(GATES):
        rows = slice(k * H, (k + 1) * H)
        grads[f"W_{g}"] = dW[rows]
        grads[f"R_{g}"] = dR[rows]
        grads[f"b_{g}"] = db[rows]
    dc0 = delta_c[0] * f[0]
    if peepholes:
        grads["p_i"] = np.einsum("tbh,tbh->h", c_prev, d_i_bar)
        grads["p_f"] = np.einsum("tbh,tbh->h", c_prev, d_f_bar)
        grads["p_o"] = np.einsum("tbh,tbh->h", c, d_o_bar)
        dc0 += p_i * d_i_bar[0] + p_f * d_f_bar[0]

    deltas = LSTMDeltas(
        y=delta_y,
        z_bar=d_z_bar,
        i_bar=d_i_bar,
        f_bar=d_f_bar,
        c=delta_c,
        o_bar=d_o_bar,
        y0=dbars[0] @ R,
        c0=dc0,
        _dbars=dbars,
        _W=W,
    )
    return grads, deltas


def cell_jacobian_diag(params, cache):
    r"""The direct part of :math:`\partial c(t) / \partial c(t-1)`, for every step.

    Holding :math:`y(t-1)` fixed, :math:`c(t)` depends on :math:`c(t-1)` through the
    forget gate and through the peepholes of the input and forget gates, unit by unit,
    so the Jacobian is diagonal:

    .. math::

        \frac{\partial c(t)}{\partial c(t-1)} \bigg|_{y(t-1)} = \operatorname{diag}\Big(
        f(t) + c(t-1) \odot \sigma'(\bar f(t)) \odot p_f
        + z(t) \odot \sigma'(\bar\imath(t)) \odot p_i \Big)

    Without peepholes it is just :math:`\operatorname{diag}(f(t))`: the forget gate alone
    decides how much of the cell's error flows back one step (the "constant error
    carousel" when :math:`f = 1`).

    Parameters
    ----------
    params : dict
    cache : LSTMCache
        From :func:`forward`.

    Returns
    -------
    ndarray, shape (T, B, H)
        The diagonals, one per step and batch entry; index ``t - 1`` holds step :math:`t`.
    """
    shapes, dtype, peepholes = _check_params(params)
    _checks.cache(cache, LSTMCache, _CACHE_SHAPES, shapes, dtype)
    jac = cache.f.copy()
    if peepholes:
        i, f = cache.i, cache.f
        jac += cache.c_prev * f * (1 - f) * params["p_f"]
        jac += cache.z * i * (1 - i) * params["p_i"]
    return jac


def cell_jacobian(params, cache, t):
    r"""The full Jacobian :math:`dc(s)/dc(s-1)` of the step stored at index ``t``.

    The argument ``t`` is an array index, so it selects step :math:`s = t + 1`. For
    every batch entry: besides the direct, diagonal part (:func:`cell_jacobian_diag`),
    :math:`c(s-1)` also reaches :math:`c(s)` through
    :math:`y(s-1) = o(s-1) \odot \tanh(c(s-1))` and the recurrent weights:

    .. math::

        \frac{dc(s)}{dc(s-1)} = \frac{\partial c(s)}{\partial c(s-1)}\bigg|_{y(s-1)}
        + \Big(\operatorname{diag}\big(i(s) \odot \tanh'(\bar z(s))\big) R_z
        + \operatorname{diag}\big(z(s) \odot \sigma'(\bar\imath(s))\big) R_i
        + \operatorname{diag}\big(c(s-1) \odot \sigma'(\bar f(s))\big) R_f\Big)
        \operatorname{diag}\Big(\frac{dy(s-1)}{dc(s-1)}\Big)

    with :math:`dy(s-1)/dc(s-1) = o(s-1) \odot \tanh'(c(s-1)) + \tanh(c(s-1)) \odot
    \sigma'(\bar o(s-1)) \odot p_o` (the last term only with peepholes). At the first
    step, :math:`s = 1` (``t = 0``), the given initial state :math:`y(0)` (``y0``)
    does not depend on :math:`c(0)` (``c0``), so only the diagonal part remains.

    Parameters
    ----------
    params : dict
    cache : LSTMCache
        From :func:`forward`.
    t : int
        The array index of the step, ``0 <= t < T``: index ``t`` holds step
        :math:`s = t + 1`, so ``t = 0`` gives :math:`dc(1)/dc(0)` and ``t = T - 1`` gives
        :math:`dc(T)/dc(T-1)`.

    Returns
    -------
    ndarray, shape (B, H, H)
        ``jac[b, j, k]`` is :math:`dc_j(s) / dc_k(s-1)` for batch entry ``b``.
    """
    shapes, dtype, peepholes = _check_params(params)
    _checks.cache(cache, LSTMCache, _CACHE_SHAPES, shapes, dtype)
    t = _checks.time_step(t, shapes["T"])
    diag = cell_jacobian_diag(params, cache)[t]
    B, H = diag.shape
    jac = np.zeros((B, H, H), dtype=dtype)
    if t > 0:
        z, i, f = cache.z[t], cache.i[t], cache.f[t]
        dc_dy = (
            (i * (1 - z * z))[:, :, None] * params["R_z"]
            + (z * i * (1 - i))[:, :, None] * params["R_i"]
            + (cache.c_prev[t] * f * (1 - f))[:, :, None] * params["R_f"]
        )
        o, tanh_c = cache.o[t - 1], cache.tanh_c[t - 1]
        dy_dc = o * (1 - tanh_c * tanh_c)
        if peepholes:
            dy_dc += tanh_c * o * (1 - o) * params["p_o"]
        jac += dc_dy * dy_dc[:, None, :]
    jac[:, np.arange(H), np.arange(H)] += diag
    return jac
