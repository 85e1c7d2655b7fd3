r"""The LSTM of :mod:`lstmkit.lstm`, computed faster: for training loops and benchmarks.

Same parameters, same equations, same variants and the same numbers as
:func:`lstmkit.lstm.forward` and :func:`lstmkit.lstm.backward` (to rounding: the tests
hold them equal to 1e-12), but arranged for speed instead of for reading:

* **Columns.** A step's vectors are columns, one per sequence, and the four gates are
  stacked in the order ``z, i, f, o``, so all four pre-activations of a step are one
  matrix product,
  :math:`[\bar z; \bar\imath; \bar f; \bar o] = [W\ R\ b]\,[x(t); y(t-1); 1]`
  (plus the peephole terms), with :math:`W = [W_z; W_i; W_f; W_o]` ``(4H, D)`` and so on.
* **Blocks.** :func:`backward` works out the local derivatives (the factors
  :math:`\sigma'` and :math:`\tanh'`) for a block of steps at once, then runs the
  recursion through the block, and computes the gradients of all weights in one product
  after the loop.
* **Reused memory.** Each call computes in one piece of memory; ``out=`` hands it the
  cache or deltas of an earlier call with the same sizes, whose arrays then hold the
  new numbers (``out`` itself is returned).

What it returns are records of one call, like :mod:`lstmkit.lstm`'s: they keep copies of
the parameters they need, so changing the parameters afterwards (an optimiser step)
changes nothing in them. Only a later call with ``out=`` refills them, all of them.
"""

import math
from types import SimpleNamespace

import numpy as np

from . import _checks, lstm

BLOCK_BYTES = 2**20  # backward() works out local derivatives for this many bytes at a time
_STEP = ("z", "i", "f", "o", "c", "y")


def _sigmoid(x, out):
    """:func:`lstmkit.lstm.sigmoid` computed in ``out`` (the caller silences the warnings)."""
    out = np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def _gate_slices(H):
    """The rows of the gates ``z, i, f, o`` in a stacked ``(4H, ...)`` array."""
    return tuple(slice(k * H, (k + 1) * H) for k in range(4))


def _rows(a):
    """A ``(..., H, B)`` array of columns seen as ``(..., B, H)``, one row per sequence."""
    return a.swapaxes(-1, -2)


class FastCache:
    """What :func:`forward` computed: the attributes of :class:`lstmkit.lstm.LSTMCache`.

    ``x z i f o c y y_prev c_prev z_bar i_bar f_bar o_bar`` (``(T, B, .)``), ``y0, c0``
    ``(B, H)`` and ``variant``, as views of the call's memory; the pre-activations are
    computed again, when read, from the call's own copy of the parameters.
    """

    def __init__(self, store):
        self._s = s = store
        T, H = s.acts.shape[0], s.c_all.shape[1]
        self._H = H
        for k, gate in zip("zifo", _gate_slices(H), strict=True):
            setattr(self, k, _rows(s.acts[:, gate]))
        self.c, self.c_prev, self.c0 = _rows(s.c_all[1:]), _rows(s.c_all[:-1]), _rows(s.c_all[0])
        D = s.inputs.shape[2] - H - 1
        self.x = s.inputs[:T, :, :D]
        self.y, self.y_prev, self.y0 = (
            s.inputs[a, :, D : D + H] for a in (np.s_[1:], np.s_[:-1], 0)
        )
        self.tanh_c = _rows(s.tanh_c)  # h(c(t)): tanh(c), or c without output activation

    @property
    def variant(self):
        return self._s.variant

    def _bars(self, k):
        """The pre-activations of gate ``k`` (0..3 for z, i, f, o): the same product again."""
        s, gate = self._s, _gate_slices(self._H)[k]
        bars = np.matmul(s.WRb[gate], s.inputs[:-1].transpose(0, 2, 1))
        if k and s.peepholes:  # p_i, p_f read c(t-1), p_o reads c(t)
            bars += s.p[k - 1][:, None] * (s.c_all[1:] if k == 3 else s.c_all[:-1])
        return _rows(bars)

    z_bar = property(lambda self: self._bars(0), doc=r":math:`\bar z(t)`, ``(T, B, H)``.")
    i_bar = property(lambda self: self._bars(1), doc=r":math:`\bar\imath(t)`, ``(T, B, H)``.")
    f_bar = property(lambda self: self._bars(2), doc=r":math:`\bar f(t)`, ``(T, B, H)``.")
    o_bar = property(lambda self: self._bars(3), doc=r":math:`\bar o(t)`, ``(T, B, H)``.")

    def __repr__(self):
        return f"FastCache(x={self.x.shape}, y={self.y.shape}, variant={self.variant!r})"


class FastDeltas:
    """What :func:`backward` computed: the attributes of :class:`lstmkit.lstm.LSTMDeltas`.

    ``y c z_bar i_bar f_bar o_bar`` ``(T, B, H)`` and ``y0, c0`` ``(B, H)`` as views of the
    call's memory; ``x`` ``(T, B, D)`` is one product with the call's own copy of
    :math:`W`, done when read (training does not need it).
    """

    def __init__(self, store):
        self._s = s = store
        H = s.delta_c.shape[1]
        for name, gate in zip(("z_bar", "i_bar", "f_bar", "o_bar"), _gate_slices(H), strict=True):
            setattr(self, name, s.dbars[:, :, gate])
        self.y, self.c, self.y0, self.c0 = _rows(s.delta_y), _rows(s.delta_c), s.dy0, s.dc0

    @property
    def x(self):
        r""":math:`\delta x(t) = W^\top [\delta\bar z; \delta\bar\imath; \delta\bar f;
        \delta\bar o](t)`, ``(T, B, D)``."""
        T, B, H4 = self._s.dbars.shape
        return (self._s.dbars.reshape(T * B, H4) @ self._s.W).reshape(T, B, -1)

    def __repr__(self):
        return f"FastDeltas(y={self.y.shape}, x=({', '.join(map(str, self.x.shape))}))"


def _allocate(arrays, dtype):
    """``np.empty`` of every shape in ``arrays`` (a dict), all cut from one allocation."""
    line = 64 // np.dtype(dtype).itemsize  # each array starts on a 64-byte boundary
    padded = {k: -(-math.prod(shape) // line) * line for k, shape in arrays.items()}
    block = np.empty(sum(padded.values()), dtype)
    views, start = {}, 0
    for k, shape in arrays.items():
        views[k] = block[start : start + math.prod(shape)].reshape(shape)
        start += padded[k]
    return views


def _workspace(arrays, dtype, out, cls, sizes):
    """Fresh memory for ``arrays`` (name -> shape), or that of ``out`` to compute in again."""
    if out is None:
        return SimpleNamespace(sizes=sizes, **_allocate(arrays, dtype))
    caller = "forward" if cls is FastCache else "backward"
    if not isinstance(out, cls):
        raise TypeError(
            f"out must be a {cls.__name__} returned by an earlier {caller}(), or None; "
            f"got {type(out).__name__}"
        )
    store, names = out._s, ", ".join(sizes)
    if store.sizes != sizes:
        raise ValueError(
            f"out must come from {caller}() on the same sizes ({names}) = "
            f"{tuple(sizes.values())}; got a {cls.__name__} of ({names}) = "
            f"{tuple(store.sizes.values())}"
        )
    if store.tmp.dtype != dtype:
        raise TypeError(f"out must have dtype {dtype}, like the parameters; got {store.tmp.dtype}")
    return store


def forward(params, x, y0=None, c0=None, *, variant="vanilla", out=None):
    """:func:`lstmkit.lstm.forward`, fast: returns a :class:`FastCache`.

    ``out``: the cache of an earlier call with the same ``T, B, D, H`` and dtype, to
    compute in its memory (it is refilled and returned).
    """
    shapes, dtype = lstm._check(params, variant)
    _checks.data("x", x, ("T", "B", "D"), shapes, dtype)
    y0 = _checks.state("y0", y0, shapes, dtype)
    c0 = _checks.state("c0", c0, shapes, dtype)
    (T, B, D), H, peepholes = x.shape, shapes["H"], lstm.has_peepholes(params)
    arrays = {
        # [x(t), y(t-1), 1] side by side, a row per sequence, for t = 1..T+1: the inputs of
        # every step's product, ready for dJ/d[W R b] too (x(T+1) is unused, y(T) is not)
        "inputs": (T + 1, B, D + H + 1),
        "acts": (T, 4 * H, B),  # [z_bar; i_bar; f_bar; o_bar](t), then [z; i; f; o](t)
        "c_all": (T + 1, H, B),  # c(0), ..., c(T)
        "tanh_c": (T, H, B),
        "WRb": (4 * H, D + H + 1),  # this call's copy of the parameters
        "p": (3, H),
        "tmp": (2 * H, B),  # scratch
    }
    s = _workspace(arrays, dtype, out, FastCache, {"T": T, "B": B, "D": D, "H": H})
    inputs, acts, c_all, tanh_c, tmp, WRb = s.inputs, s.acts, s.c_all, s.tanh_c, s.tmp, s.WRb
    s.variant, s.peepholes = variant, peepholes
    for prefix, columns in (("W", slice(0, D)), ("R", slice(D, D + H)), ("b", -1)):
        np.concatenate([params[f"{prefix}_{g}"] for g in lstm.SIGNALS], out=WRb[:, columns])
    if peepholes:
        np.stack([params[p] for p in lstm.PEEPHOLES], out=s.p)
    Z, I, F, O = _gate_slices(H)
    IF = slice(H, 3 * H)
    # The gates that sigmoid can do together: i and f, and o too without the peephole,
    # which waits for the new cell c(t).
    ready = IF if peepholes else slice(H, 4 * H)
    p_if, p_o = s.p[:2, :, None], s.p[2][:, None]

    # inputs[t] = [x(t), y(t-1), 1] for the step at index t, so that
    # [W R b] inputs[t]^T = W x(t) + R y(t-1) + b is one product. y(t) is written into
    # inputs[t + 1] as soon as it is known.
    y_all = inputs[:, :, D : D + H]  # y(0), ..., y(T)
    y_all[0] = y0  # first: y0 and c0 may be views of out's last step
    c_all[0] = c0.T
    inputs[:T, :, :D] = x
    inputs[T, :, :D] = 0  # no step T + 1: never used
    inputs[:, :, -1] = 1

    # The loop index t is the array index of step t + 1; acts[t] and c_all[t + 1] are
    # columns. acts[t] holds the pre-activations until the activations overwrite them.
    with np.errstate(over="ignore", under="ignore"):  # the exp in sigmoid
        for t in range(T):
            act, c = acts[t], c_all[t + 1]
            # [z_bar; i_bar; f_bar; o_bar] = [W R b] [x(t); y(t-1); 1]: one product
            np.matmul(WRb, inputs[t].T, out=act)
            if peepholes:  # i_bar += p_i * c(t-1) and f_bar += p_f * c(t-1)
                act[IF] += np.multiply(p_if, c_all[t], out=tmp.reshape(2, H, B)).reshape(2 * H, B)
            np.tanh(act[Z], out=act[Z])
            _sigmoid(act[ready], out=act[ready])
            if variant == "no_forget_gate":
                act[F] = 1
            elif variant == "coupled":  # f(t) = 1 - i(t)
                np.subtract(1, act[I], out=act[F])
            # c(t) = z(t) * i(t) + c(t-1) * f(t)
            np.multiply(act[Z], act[I], out=c)
            c += np.multiply(c_all[t], act[F], out=tmp[:H])
            if peepholes:  # o_bar += p_o * c(t)
                act[O] += np.multiply(p_o, c, out=tmp[:H])
                _sigmoid(act[O], out=act[O])
            # y(t) = o(t) * h(c(t)), written as a row of the next step's inputs
            if variant == "no_output_activation":
                tanh_c[t] = c
            else:
                np.tanh(c, out=tanh_c[t])
            np.multiply(act[O], tanh_c[t], out=y_all[t + 1].T)
    return out if out is not None else FastCache(s)


def _local_derivatives(acts, c_prev, tanh_c, local, local_c, variant):
    r"""The local derivatives of :math:`c(t)` and :math:`y(t)` for a block of ``K`` steps.

    Into ``local`` ``(K, 4H, B)``: :math:`\partial c/\partial\bar z = i \odot (1 - z^2)`,
    :math:`\partial c/\partial\bar\imath = z \odot i(1-i)`, :math:`\partial c/\partial\bar f
    = c(t-1) \odot f(1-f)` (0 when :math:`f = 1`) and :math:`\partial y/\partial\bar o =
    h(c) \odot o(1-o)`; into ``local_c`` ``(K, H, B)``: :math:`\partial y/\partial c =
    o \odot h'(c)`. Coupled (:math:`f = 1 - i`): :math:`\partial c/\partial\bar\imath =
    (z - c(t-1)) \odot i(1-i)` and :math:`\partial c/\partial\bar f = 0`.
    """
    H = local_c.shape[1]
    Z, I, F, O = _gate_slices(H)
    IFO = slice(H, 4 * H)
    np.subtract(1, acts[:, IFO], out=local[:, IFO])  # σ' of i, f and o at once
    local[:, IFO] *= acts[:, IFO]
    if variant == "coupled":  # i moves f = 1 - i too; f has no path of its own
        local[:, I] *= np.subtract(acts[:, Z], c_prev, out=local_c)
        local[:, F] = 0
    else:
        local[:, I] *= acts[:, Z]
        local[:, F] *= c_prev
    local[:, O] *= tanh_c
    np.multiply(acts[:, Z], acts[:, Z], out=local[:, Z])  # tanh'(z_bar) = 1 - z^2
    np.subtract(1, local[:, Z], out=local[:, Z])
    local[:, Z] *= acts[:, I]
    if variant == "no_output_activation":  # h(c) = c, h'(c) = 1
        local_c[...] = acts[:, O]
        return
    np.multiply(tanh_c, tanh_c, out=local_c)
    np.subtract(1, local_c, out=local_c)
    local_c *= acts[:, O]


def backward(params, cache, dJ_dy, *, out=None):
    """:func:`lstmkit.lstm.backward`, fast: returns ``(grads, deltas)``, a :class:`FastDeltas`.

    ``cache`` comes from :func:`forward`; ``out``: the deltas of an earlier call with the
    same ``T, B, H`` and dtype, to compute in its memory (it is refilled and returned).
    """
    if not isinstance(cache, FastCache):
        raise TypeError(
            f"cache must be the FastCache returned by forward(); got {type(cache).__name__}"
        )
    shapes, dtype = lstm._check(params, cache.variant)
    _checks.data("x", cache.x, ("T", "B", "D"), shapes, dtype)
    _checks.data("dJ_dy", dJ_dy, ("T", "B", "H"), shapes, dtype)
    (T, B, D), H, peepholes = cache.x.shape, shapes["H"], lstm.has_peepholes(params)
    acts, c_all, tanh_c = cache._s.acts, cache._s.c_all, cache._s.tanh_c
    K = max(1, min(T, BLOCK_BYTES // (5 * H * B * np.dtype(dtype).itemsize)))
    arrays = {
        "dbars": (T, B, 4 * H),  # [δz_bar δi_bar δf_bar δo_bar](t) as rows, ready for dJ/dW
        "delta_y": (T, H, B),
        "delta_c": (T, H, B),
        "local": (K, 4 * H, B),  # a block's local derivatives, then its [δz_bar; ...; δo_bar]
        "local_c": (K, H, B),  # a block's ∂y(t)/∂c(t)
        "d_next": (4 * H, B),  # [δz_bar; ...; δo_bar] of the step after a block
        "W": (4 * H, D),  # this call's copy of W, for deltas.x
        "dy0": (B, H),
        "dc0": (B, H),
        "tmp": (H, B),  # scratch
    }
    s = _workspace(arrays, dtype, out, FastDeltas, {"T": T, "B": B, "D": D, "H": H})
    dbars, delta_y, delta_c, tmp = s.dbars, s.delta_y, s.delta_c, s.tmp
    np.concatenate([params[f"W_{g}"] for g in lstm.SIGNALS], out=s.W)
    R = np.concatenate([params[f"R_{g}"] for g in lstm.SIGNALS])
    R_T = R.T
    Z, I, F, O = _gate_slices(H)
    ZIF = slice(0, 3 * H)
    if peepholes:
        p_i, p_f, p_o = (params[p][:, None] for p in lstm.PEEPHOLES)

    # The array index t holds step t + 1, and the step's vectors are columns. The steps
    # go backwards in blocks of K: first the local derivatives of the whole block, then
    # the recursion step by step, which multiplies them by δy(t) and δc(t) in place:
    # local[k] = [∂c/∂z_bar; ∂c/∂i_bar; ∂c/∂f_bar; ∂y/∂o_bar](t) becomes
    # [δz_bar; δi_bar; δf_bar; δo_bar](t) = d, and d_next is the same for step t + 1.
    d_next = None
    for stop in range(T, 0, -K):
        steps = range(max(stop - K, 0), stop)
        block = slice(steps.start, stop)
        local, local_c = s.local[: len(steps)], s.local_c[: len(steps)]
        _local_derivatives(acts[block], c_all[block], tanh_c[block], local, local_c, cache.variant)
        for k, t in reversed(list(enumerate(steps))):
            d, dy, dc = local[k], delta_y[t], delta_c[t]
            # δy(t) = Δ(t) + R^T [δz_bar; δi_bar; δf_bar; δo_bar](t+1): one product
            if d_next is None:  # the last step has no step after it
                dy[...] = dJ_dy[t].T
            else:
                np.matmul(R_T, d_next, out=dy)
                dy += dJ_dy[t].T
            d[O] *= dy  # δo_bar(t) = δy(t) ⊙ ∂y/∂o_bar(t)
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
    inputs = cache._s.inputs[:T].reshape(T * B, D + H + 1)
    dWRb = dbars.reshape(T * B, 4 * H).T @ inputs
    grads = {}
    for k, g in enumerate(lstm.SIGNALS):
        rows = slice(k * H, (k + 1) * H)
        grads[f"W_{g}"] = dWRb[rows, :D]
        grads[f"R_{g}"] = dWRb[rows, D : D + H]
        grads[f"b_{g}"] = dWRb[rows, -1]
    d_i_bar, d_f_bar, d_o_bar = (dbars[:, :, g] for g in (I, F, O))
    np.matmul(dbars[0], R, out=s.dy0)  # δy(0) = R^T [δz_bar; ...; δo_bar](1)
    np.multiply(_rows(delta_c[0]), cache.f[0], out=s.dc0)  # δc(0) = δc(1) ⊙ f(1) + ...
    if peepholes:
        grads["p_i"] = np.einsum("tbh,tbh->h", cache.c_prev, d_i_bar)
        grads["p_f"] = np.einsum("tbh,tbh->h", cache.c_prev, d_f_bar)
        grads["p_o"] = np.einsum("tbh,tbh->h", cache.c, d_o_bar)
        s.dc0 += params["p_i"] * d_i_bar[0] + params["p_f"] * d_f_bar[0]
    return grads, (out if out is not None else FastDeltas(s))
