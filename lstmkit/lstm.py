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
``z, i, f, o``: :math:`W = [W_z; W_i; W_f; W_o]` is ``(4H, D)``,
:math:`R = [R_z; R_i; R_f; R_o]` is ``(4H, H)`` and :math:`b` is ``(4H,)``. With the
bias as the weight of a constant input 1, all four pre-activations of a step are one
matrix product,

.. math::

    \begin{bmatrix} \bar z(t) \\ \bar\imath(t) \\ \bar f(t) \\ \bar o(t) \end{bmatrix}
    = \begin{bmatrix} W & R & b \end{bmatrix}
    \begin{bmatrix} x(t) \\ y(t-1) \\ 1 \end{bmatrix}
    \quad (+ \text{peephole terms}),

and the gradients of all the weights are one product too, after the loop. As in the
equations, the vectors of a step are columns, one per sequence: the step's gates are
one ``(4H, B)`` matrix in which every gate is a contiguous ``(H, B)`` block for the
element-wise work. The arrays you get back are ``(T, B, H)`` views of that storage.

Each call allocates its storage in one piece, which glibc usually serves from the memory
the previous call freed. In a training loop you can make sure of it: pass the cache and
the deltas of the previous iteration as ``out`` (``forward(params, x, out=cache)``,
``backward(params, cache, dJ_dy, out=deltas)``), and they are computed in again. On this
book's machine, fresh pages from the system cost about half again the time of a
forward and backward pass at (T, B, H) = (100, 32, 128) (``benchmarks/``).

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

import math
from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace

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
BLOCK_BYTES = 2**20  # backward() works out local derivatives for this many bytes at a time
PARAM_SHAPES = {
    **{f"W_{g}": ("H", "D") for g in GATES},
    **{f"R_{g}": ("H", "H") for g in GATES},
    **{f"b_{g}": ("H",) for g in GATES},
    **{p: ("H",) for p in PEEPHOLES},
}


def _sigmoid(x, out):
    """The operations of :func:`sigmoid`, without the ``errstate`` (the caller sets it)."""
    out = np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


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
        return _sigmoid(x, out)


@dataclass(eq=False, repr=False)
class LSTMCache:
    r"""Everything the forward pass computed, kept for the backward pass.

    Every array of shape ``(T, ...)`` holds step :math:`t` at index ``t - 1``. The
    arrays are views of the storage :func:`forward` computes in (see the module
    docstring): index them, copy them, but do not write to them. The pre-activations
    ``z_bar, i_bar, f_bar, o_bar`` are properties (below), computed on first access.

    Attributes
    ----------
    x : ndarray, shape (T, B, D)
        The inputs.
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
    z: np.ndarray
    i: np.ndarray
    f: np.ndarray
    c: np.ndarray
    o: np.ndarray
    y: np.ndarray
    y0: np.ndarray
    c0: np.ndarray
    tanh_c: np.ndarray
    y_prev: np.ndarray
    c_prev: np.ndarray
    _store: SimpleNamespace  # the arrays (see _forward_arrays) the above are views of

    @cached_property
    def _bars(self):
        """The pre-activations [z_bar; i_bar; f_bar; o_bar] of every step, ``(T, 4H, B)``.

        :func:`forward` computes the activations in place of the pre-activations, so
        they are computed again here, on first access, by the same operations in the
        same order (so with the same rounding): one product per step, and the peephole
        terms.
        """
        s, H = self._store, self.c.shape[-1]
        _, I, F, O = _gate_slices(H)
        bars = np.matmul(s.WRb, s.inputs[:-1].transpose(0, 2, 1))
        if s.p is not None:
            p_i, p_f, p_o = (p[:, None] for p in s.p)
            bars[:, I] += p_i * _rows(self.c_prev)
            bars[:, F] += p_f * _rows(self.c_prev)
            bars[:, O] += p_o * _rows(self.c)
        return bars

    def _gate_bars(self, k):
        """The pre-activations of gate ``k`` (0..3 for z, i, f, o), ``(T, B, H)``."""
        return _rows(self._bars[:, _gate_slices(self.c.shape[-1])[k]])

    @property
    def z_bar(self):
        r"""Pre-activations :math:`\bar z(t)`, ``(T, B, H)``, computed on first access."""
        return self._gate_bars(0)

    @property
    def i_bar(self):
        r"""Pre-activations :math:`\bar\imath(t)`, ``(T, B, H)``, computed on first access."""
        return self._gate_bars(1)

    @property
    def f_bar(self):
        r"""Pre-activations :math:`\bar f(t)`, ``(T, B, H)``, computed on first access."""
        return self._gate_bars(2)

    @property
    def o_bar(self):
        r"""Pre-activations :math:`\bar o(t)`, ``(T, B, H)``, computed on first access."""
        return self._gate_bars(3)

    __repr__ = _checks.shapes_repr


@dataclass(eq=False, repr=False)
class LSTMDeltas:
    r"""Total derivatives of the loss :math:`J` with respect to the forward variables.

    Every path from the variable to :math:`J` is counted; for example ``c`` is
    :math:`\delta c(t) = dJ/dc(t)`, through :math:`y(t)`, :math:`\bar o(t)` and all
    later steps. As in :class:`LSTMCache`, step :math:`t` is stored at index ``t - 1``,
    and the arrays are views of the storage :func:`backward` computes in.

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
    _store: SimpleNamespace  # the arrays (see _backward_arrays) the above are views of
    _Ws: list  # [W_z, W_i, W_f, W_o], stacked when x is asked for

    @cached_property
    def x(self):
        r"""The input deltas, shape ``(T, B, D)``:
        :math:`\delta x(t) = W_z^\top \delta\bar z(t) + W_i^\top \delta\bar\imath(t)
        + W_f^\top \delta\bar f(t) + W_o^\top \delta\bar o(t)`.

        One matrix product, done on first access only: training the parameters does not
        need it, so :func:`backward` does not spend the time.
        """
        dbars = self._store.dbars
        T, B, H4 = dbars.shape
        W = np.concatenate(self._Ws)  # [W_z; W_i; W_f; W_o], (4H, D)
        return (dbars.reshape(T * B, H4) @ W).reshape(T, B, -1)

    def __repr__(self):
        names = ("y", "z_bar", "i_bar", "f_bar", "c", "o_bar", "y0", "c0")
        shapes = ", ".join(f"{n}={getattr(self, n).shape}" for n in names)
        T, B, _ = self._store.dbars.shape
        return f"LSTMDeltas({shapes}, x=({T}, {B}, {self._Ws[0].shape[1]}))"


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


def _stack_all(params):
    """[W R b], ``(4H, D + H + 1)``: every weight of the four gates, in one matrix."""
    H, D = params["W_z"].shape
    WRb = np.empty((4 * H, D + H + 1), params["W_z"].dtype)
    # (written block by block: np.concatenate along axis 1 is 20x slower here)
    for prefix, columns in (("W", slice(0, D)), ("R", slice(D, D + H)), ("b", -1)):
        np.concatenate([params[f"{prefix}_{g}"] for g in GATES], out=WRb[:, columns])
    return WRb


def _gate_slices(H):
    """The rows of the gates ``z, i, f, o`` in a stacked ``(4H, ...)`` array."""
    return tuple(slice(k * H, (k + 1) * H) for k in range(4))


def _rows(a):
    """A ``(..., H, B)`` array of columns seen as ``(..., B, H)``, one row per sequence."""
    return a.swapaxes(-1, -2)


def _forward_arrays(T, B, D, H):
    """The shapes of what :func:`forward` computes in: columns, except ``inputs``."""
    return {
        # [x(t), y(t-1), 1] side by side, a row per sequence, for t = 1..T+1: the inputs of
        # every step's product, ready for dJ/d[W R b] too (x(T+1) is unused, y(T) is not)
        "inputs": (T + 1, B, D + H + 1),
        "acts": (T, 4 * H, B),  # [z_bar; i_bar; f_bar; o_bar](t), then [z; i; f; o](t)
        "c_all": (T + 1, H, B),  # c(0), ..., c(T)
        "tanh_c": (T, H, B),
        "tmp": (2 * H, B),  # scratch
    }


def _block_steps(T, B, H, dtype):
    """How many steps :func:`backward` takes in one block: about 1 MB of local derivatives."""
    per_step = 5 * H * B * np.dtype(dtype).itemsize
    return max(1, min(T, BLOCK_BYTES // per_step))


def _backward_arrays(T, B, H, K):
    """The shapes of what :func:`backward` computes in: columns, except ``dbars``."""
    return {
        "dbars": (T, B, 4 * H),  # [δz_bar δi_bar δf_bar δo_bar](t) as rows, ready for dJ/dW
        "delta_y": (T, H, B),
        "delta_c": (T, H, B),
        "local": (K, 4 * H, B),  # a block's local derivatives, then its [δz_bar; ...; δo_bar]
        "local_c": (K, H, B),  # a block's ∂y(t)/∂c(t) through tanh
        "d_next": (4 * H, B),  # [δz_bar; ...; δo_bar] of the step after a block
        "tmp": (H, B),  # scratch
    }


def _allocate(arrays, dtype):
    """``np.empty`` of every shape in ``arrays`` (a dict), all cut from one allocation.

    Fresh memory is much cheaper in one piece: glibc keeps a freed piece of this size for
    the next call, while many large pieces go back to the system and return as new pages
    (page faults) at every call. Each array is padded to whole 64-byte cache lines.
    """
    line = 64 // np.dtype(dtype).itemsize
    padded = {k: -(-math.prod(shape) // line) * line for k, shape in arrays.items()}
    block = np.empty(sum(padded.values()), dtype)
    views, start = {}, 0
    for k, shape in arrays.items():
        views[k] = block[start : start + math.prod(shape)].reshape(shape)
        start += padded[k]
    return views


def _workspace(arrays, dtype, out, cls, sizes):
    """Fresh storage with the given shapes, or the storage of ``out`` to compute in again.

    ``sizes`` are the sizes the shapes come from, e.g. ``{"T": 6, "B": 3, "H": 5}``.
    """
    if out is None:
        fresh = _allocate(arrays, dtype)
        return SimpleNamespace(sizes=sizes, **fresh)
    caller = "forward" if cls is LSTMCache else "backward"
    if not isinstance(out, cls):
        raise TypeError(
            f"out must be an {cls.__name__} returned by an earlier {caller}(), or None; "
            f"got {type(out).__name__}"
        )
    store = out._store
    if store.sizes != sizes:
        names = ", ".join(sizes)
        raise ValueError(
            f"out must come from {caller}() on the same sizes ({names}) = "
            f"{tuple(sizes.values())}; got an {cls.__name__} of ({names}) = "
            f"{tuple(store.sizes.values())}"
        )
    if store.tmp.dtype != dtype:
        raise TypeError(f"out must have dtype {dtype}, like the parameters; got {store.tmp.dtype}")
    return store


def forward(params, x, y0=None, c0=None, *, out=None):
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
    out : LSTMCache, optional
        The cache of an earlier call with the same ``T, B, H`` and dtype: its storage is
        computed in again instead of fresh memory (faster in a training loop), so its
        arrays then hold the new values.

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
    s = _workspace(
        _forward_arrays(T, B, D, H), dtype, out, LSTMCache, {"T": T, "B": B, "D": D, "H": H}
    )
    inputs, acts, c_all, tanh_c, tmp = s.inputs, s.acts, s.c_all, s.tanh_c, s.tmp
    s.WRb = WRb = _stack_all(params)
    s.p = [params[p] for p in PEEPHOLES] if peepholes else None
    Z, I, F, O = _gate_slices(H)
    IF = slice(H, 3 * H)
    # The gates that sigmoid can do together: i and f, and o too without the peephole,
    # which waits for the new cell c(t).
    ready = IF if peepholes else slice(H, 4 * H)
    if peepholes:
        p_if = np.stack(s.p[:2])[:, :, None]  # [p_i; p_f] as (2, H, 1)
        p_o = params["p_o"][:, None]

    # inputs[t] = [x(t), y(t-1), 1] for the step at index t (see below), so that
    # [W R b] inputs[t]^T = W x(t) + R y(t-1) + b is one product. y(t) is written into
    # inputs[t + 1] as soon as it is known.
    inputs[:T, :, :D] = x
    inputs[T, :, :D] = 0  # no step T + 1: never used
    y_all = inputs[:, :, D : D + H]  # y(0), ..., y(T)
    y_all[0] = y0
    inputs[:, :, -1] = 1
    c_all[0] = c0.T

    # The loop index t is the array index of step t + 1; the comments write that step's
    # equations as in the docstring. acts[t] and c_all[t + 1] are columns; acts[t] holds
    # the pre-activations until the activations overwrite them (LSTMCache.z_bar and the
    # others compute them again when asked).
    with np.errstate(over="ignore", under="ignore"):  # the exp in sigmoid: see there
        for t in range(T):
            act, c = acts[t], c_all[t + 1]
            # [z_bar; i_bar; f_bar; o_bar] = [W R b] [x(t); y(t-1); 1]: one product
            np.matmul(WRb, inputs[t].T, out=act)
            if peepholes:  # i_bar += p_i * c(t-1) and f_bar += p_f * c(t-1)
                act[IF] += np.multiply(p_if, c_all[t], out=tmp.reshape(2, H, B)).reshape(2 * H, B)
            np.tanh(act[Z], out=act[Z])
            _sigmoid(act[ready], out=act[ready])
            # c(t) = z(t) * i(t) + c(t-1) * f(t)
            np.multiply(act[Z], act[I], out=c)
            c += np.multiply(c_all[t], act[F], out=tmp[:H])
            if peepholes:  # o_bar += p_o * c(t)
                act[O] += np.multiply(p_o, c, out=tmp[:H])
                _sigmoid(act[O], out=act[O])
            # y(t) = o(t) * tanh(c(t)), written as a row of the next step's inputs
            np.tanh(c, out=tanh_c[t])
            np.multiply(act[O], tanh_c[t], out=y_all[t + 1].T)

    return LSTMCache(
        x=x,
        z=_rows(acts[:, Z]),
        i=_rows(acts[:, I]),
        f=_rows(acts[:, F]),
        c=_rows(c_all[1:]),
        o=_rows(acts[:, O]),
        y=y_all[1:],
        y0=y_all[0],
        c0=_rows(c_all[0]),
        tanh_c=_rows(tanh_c),
        y_prev=y_all[:-1],
        c_prev=_rows(c_all[:-1]),
        _store=s,
    )


_CACHE_SHAPES = {
    "x": ("T", "B", "D"),
    **{k: ("T", "B", "H") for k in ("z", "i", "f", "o", "c", "y", "tanh_c", "y_prev", "c_prev")},
}


def _local_derivatives(acts, c_prev, tanh_c, local, local_c):
    r"""The local derivatives of :math:`c(t)` and :math:`y(t)` for a block of steps.

    With :math:`\sigma' = \sigma (1 - \sigma)` and :math:`\tanh' = 1 - \tanh^2`, written
    with the activations, for every step of the block (arrays ``(K, ., B)``, columns):

    .. math::

        \frac{\partial c}{\partial \bar z} = i \odot (1 - z^2), \quad
        \frac{\partial c}{\partial \bar\imath} = z \odot i (1 - i), \quad
        \frac{\partial c}{\partial \bar f} = c(t-1) \odot f (1 - f), \quad
        \frac{\partial y}{\partial \bar o} = \tanh(c) \odot o (1 - o)

    stacked into ``local`` ``(K, 4H, B)``, and :math:`\partial y / \partial c = o \odot
    (1 - \tanh^2(c))` (the path through tanh) into ``local_c`` ``(K, H, B)``.
    """
    H = local_c.shape[1]
    Z, I, F, O = _gate_slices(H)
    IFO = slice(H, 4 * H)
    np.subtract(1, acts[:, IFO], out=local[:, IFO])  # σ' of i, f and o at once
    local[:, IFO] *= acts[:, IFO]
    local[:, I] *= acts[:, Z]
    local[:, F] *= c_prev
    local[:, O] *= tanh_c
    np.multiply(acts[:, Z], acts[:, Z], out=local[:, Z])  # tanh'(z_bar) = 1 - z^2
    np.subtract(1, local[:, Z], out=local[:, Z])
    local[:, Z] *= acts[:, I]
    np.multiply(tanh_c, tanh_c, out=local_c)
    np.subtract(1, local_c, out=local_c)
    local_c *= acts[:, O]


def backward(params, cache, dJ_dy, *, out=None):
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
    out : LSTMDeltas, optional
        The deltas of an earlier call with the same ``T, B, H`` and dtype: computed in
        again instead of fresh memory, as ``out`` of :func:`forward`.

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
    T, B, D = cache.x.shape
    H = shapes["H"]
    acts, c_all, tanh_c = cache._store.acts, cache._store.c_all, cache._store.tanh_c
    K = _block_steps(T, B, H, dtype)
    s = _workspace(_backward_arrays(T, B, H, K), dtype, out, LSTMDeltas, {"T": T, "B": B, "H": H})
    dbars, delta_y, delta_c, tmp = s.dbars, s.delta_y, s.delta_c, s.tmp
    R = _stack(params, "R")
    R_T = R.T
    Z, I, F, O = _gate_slices(H)
    ZIF = slice(0, 3 * H)
    if peepholes:
        p_i, p_f, p_o = (params[p][:, None] for p in PEEPHOLES)

    # As in forward, the array index t holds step t + 1, and the step's vectors are
    # columns. The steps go backwards in blocks of K: first the local derivatives of the
    # whole block, vectorised over its steps (_local_derivatives), then the recursion
    # step by step, which multiplies them by δy(t) and δc(t) in place:
    # local[k] = [∂c/∂z_bar; ∂c/∂i_bar; ∂c/∂f_bar; ∂y/∂o_bar](t) becomes
    # [δz_bar; δi_bar; δf_bar; δo_bar](t) = d, and d_next is the same for step t + 1.
    # Every operation writes into the workspace (out=, *=): temporaries would cost fresh
    # memory at every step.
    d_next = None
    for stop in range(T, 0, -K):
        steps = range(max(stop - K, 0), stop)
        block = slice(steps.start, stop)
        local, local_c = s.local[: len(steps)], s.local_c[: len(steps)]
        _local_derivatives(acts[block], c_all[block], tanh_c[block], local, local_c)
        for k, t in reversed(list(enumerate(steps))):
            d, dy, dc = local[k], delta_y[t], delta_c[t]
            # δy(t) = Δ(t) + R^T [δz_bar; δi_bar; δf_bar; δo_bar](t+1): one product
            if d_next is None:  # t = T - 1: step T has no step after it
                dy[...] = dJ_dy[t].T
            else:
                np.matmul(R_T, d_next, out=dy)
                dy += dJ_dy[t].T
            # δo_bar(t) = δy(t) ⊙ ∂y/∂o_bar(t)
            d[O] *= dy
            # δc(t) = δy(t) ⊙ ∂y/∂c(t) + δc(t+1) ⊙ f(t+1)
            #         + p_o ⊙ δo_bar(t) + p_i ⊙ δi_bar(t+1) + p_f ⊙ δf_bar(t+1)
            np.multiply(local_c[k], dy, out=dc)
            if d_next is not None:
                dc += np.multiply(delta_c[t + 1], acts[t + 1, F], out=tmp)
            if peepholes:
                dc += np.multiply(p_o, d[O], out=tmp)
                if d_next is not None:
                    dc += np.multiply(p_i, d_next[I], out=tmp)
                    dc += np.multiply(p_f, d_next[F], out=tmp)
            # [δz_bar; δi_bar; δf_bar](t) = δc(t) ⊙ [∂c/∂z_bar; ∂c/∂i_bar; ∂c/∂f_bar](t)
            d_zif = d[ZIF].reshape(3, H, B)
            np.multiply(d_zif, dc, out=d_zif)
            d_next = d
        dbars[block] = local.swapaxes(1, 2)  # as rows, for the products below
        np.copyto(s.d_next, d_next)  # keep it: the next block computes in local again
        d_next = s.d_next

    # Parameter gradients, all in one product over the T*B rows: the sum over t of
    # [δz_bar; δi_bar; δf_bar; δo_bar](t) [x(t), y(t-1), 1] is [dJ/dW dJ/dR dJ/db].
    inputs = cache._store.inputs[:T].reshape(T * B, D + H + 1)
    dWRb = dbars.reshape(T * B, 4 * H).T @ inputs
    grads = {}
    for k, g in enumerate(GATES):
        rows = slice(k * H, (k + 1) * H)
        grads[f"W_{g}"] = dWRb[rows, :D]
        grads[f"R_{g}"] = dWRb[rows, D : D + H]
        grads[f"b_{g}"] = dWRb[rows, -1]
    d_z_bar, d_i_bar, d_f_bar, d_o_bar = (dbars[:, :, g] for g in (Z, I, F, O))
    delta_c_rows = _rows(delta_c)
    dc0 = delta_c_rows[0] * cache.f[0]
    if peepholes:
        grads["p_i"] = np.einsum("tbh,tbh->h", cache.c_prev, d_i_bar)
        grads["p_f"] = np.einsum("tbh,tbh->h", cache.c_prev, d_f_bar)
        grads["p_o"] = np.einsum("tbh,tbh->h", cache.c, d_o_bar)
        dc0 += params["p_i"] * d_i_bar[0] + params["p_f"] * d_f_bar[0]

    deltas = LSTMDeltas(
        y=_rows(delta_y),
        z_bar=d_z_bar,
        i_bar=d_i_bar,
        f_bar=d_f_bar,
        c=delta_c_rows,
        o_bar=d_o_bar,
        y0=dbars[0] @ R,
        c0=dc0,
        _store=s,
        _Ws=[params[f"W_{g}"] for g in GATES],
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
