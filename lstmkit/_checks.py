"""Input validation shared by :mod:`lstmkit.rnn`, :mod:`lstmkit.lstm` and the other modules.

The models refuse bad input early and say what they expected. Shapes are described with
the book's symbols: ``T`` time steps, ``B`` batch entries, ``D`` input features, ``H``
hidden units, ``K`` outputs. A :class:`Shapes` object binds each symbol to a number the
first time an array uses it, remembers which array that was, and names it when a later
array disagrees, for example::

    x must have shape (T, B, D) = (?, ?, 3) to match params['U'] of shape (5, 3);
    got (4, 2, 7)

Only float32 and float64 arrays are accepted, and all arrays of one call must share
the same dtype, so that nothing is silently upcast or truncated.
"""

from collections.abc import Mapping
from dataclasses import fields

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def float_array(name, a):
    """Return ``a`` if it is a float32 or float64 ndarray, else raise ``TypeError``."""
    if not isinstance(a, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array (numpy.ndarray) of float32 or float64; "
            f"got {type(a).__name__}"
        )
    if a.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must have dtype float32 or float64; got dtype {a.dtype}")
    return a


def finite(name, a):
    """Raise ``ValueError`` if ``a`` holds a NaN or an infinity."""
    ok = np.isfinite(a)
    if not ok.all():
        first = tuple(int(j) for j in np.argwhere(~ok)[0])
        raise ValueError(
            f"{name} contains NaN or infinite values ({int(ok.size - ok.sum())} of them, "
            f"the first at index {first})"
        )
    return a


def same_dtype(name, a, dtype):
    """Raise ``TypeError`` unless ``a`` has the dtype of the parameters."""
    if a.dtype != dtype:
        raise TypeError(
            f"{name} has dtype {a.dtype} but the parameters have dtype {dtype}; "
            f"convert one of them, e.g. {name}.astype(np.{dtype})"
        )
    return a


def positive_int(name, n):
    """Return ``n`` as an int if it is a positive integer (not a bool), else raise."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"{name} must be a positive int; got {n!r} of type {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be a positive int; got {n}")
    return int(n)


def time_step(t, T):
    """Return ``t`` if it is an int time step with ``0 <= t < T``, else raise."""
    if isinstance(t, bool) or not isinstance(t, int | np.integer):
        raise TypeError(f"t must be an int time step; got {t!r} of type {type(t).__name__}")
    if not 0 <= t < T:
        raise ValueError(f"t must be a time step 0 <= t < T = {T}; got {t}")
    return int(t)


def truncate(k):
    """Return ``k`` if it is ``None`` or a positive int (a truncation length), else raise."""
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(
            f"truncate must be a positive int or None; got {k!r} of type {type(k).__name__}"
        )
    if k < 1:
        raise ValueError(f"truncate must be a positive int or None; got {k}")
    return int(k)


def generator(rng):
    """Raise ``TypeError`` unless ``rng`` is a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator, e.g. rng=np.random.default_rng(0); "
            f"got {type(rng).__name__}"
        )
    return rng


def _pattern(items):
    """Format a tuple like Python does, but without quotes: ``(H,)``, ``(T, B, D)``."""
    items = [str(s) for s in items]
    return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"


class Shapes:
    """Bind shape symbols (``T``, ``B``, ``D``, ``H``, ``K``) to sizes, one array at a time.

    Examples
    --------
    >>> shapes = Shapes()
    >>> shapes.check("params['U']", np.zeros((5, 3)), ("H", "D"))
    >>> shapes["H"], shapes["D"]
    (5, 3)
    """

    def __init__(self):
        self.size = {}
        self.source = {}

    def __getitem__(self, symbol):
        return self.size[symbol]

    def check(self, name, a, symbols):
        """Check that ``a.shape`` matches ``symbols``; bind the symbols not yet known."""
        known = [self.size.get(s) for s in symbols]
        fits = a.ndim == len(symbols) and all(
            n is None or n == m for n, m in zip(known, a.shape, strict=True)
        )
        if not fits:
            expected = _pattern(symbols)
            if any(n is not None for n in known):
                values = _pattern("?" if n is None else n for n in known)
                sources = dict.fromkeys(self.source[s] for s in symbols if s in self.source)
                expected += f" = {values} to match " + " and ".join(sources)
            got = f"{a.shape}" if a.ndim == len(symbols) else f"a {a.ndim}-D array {a.shape}"
            raise ValueError(f"{name} must have shape {expected}; got {got}")
        if 0 in a.shape:
            raise ValueError(f"{name} must not have an empty axis; got shape {a.shape}")
        for s, m in zip(symbols, a.shape, strict=True):
            if s not in self.size:
                self.size[s] = m
                self.source[s] = f"{name} of shape {a.shape}"


def params(params, spec, optional=(), shapes=None):
    """Validate a parameter dict against ``spec`` (key -> shape symbols).

    Keys in ``optional`` may be absent. Returns ``(shapes, dtype)``: the bound
    :class:`Shapes` and the common dtype of all parameters.
    """
    if not isinstance(params, Mapping):
        raise TypeError(
            f"params must be a dict of numpy arrays with keys {', '.join(spec)}; "
            f"got {type(params).__name__}"
        )
    required = [k for k in spec if k not in optional]
    missing = [k for k in required if k not in params]
    extra = [k for k in params if k not in spec]
    if missing:
        raise ValueError(
            f"params is missing key(s) {', '.join(map(repr, missing))} "
            f"(expected keys: {', '.join(required)})"
        )
    if extra:
        raise ValueError(
            f"params has unexpected key(s) {', '.join(map(repr, extra))} "
            f"(expected keys: {', '.join(spec)})"
        )
    shapes = Shapes() if shapes is None else shapes
    dtype = None
    for key in spec:
        if key not in params:
            continue
        name = f"params[{key!r}]"
        a = float_array(name, params[key])
        if dtype is None:
            dtype, first = a.dtype, name
        elif a.dtype != dtype:
            raise TypeError(
                f"all parameters must have the same dtype; {first} is {dtype} "
                f"but {name} is {a.dtype}"
            )
        shapes.check(name, a, spec[key])
        finite(name, a)
    return shapes, dtype


def data(name, a, symbols, shapes, dtype):
    """Validate an input array (``x``, an initial state, an upstream gradient)."""
    float_array(name, a)
    shapes.check(name, a, symbols)
    same_dtype(name, a, dtype)
    return finite(name, a)


def state(name, a, shapes, dtype):
    """Validate an optional initial state of shape ``(B, H)``; ``None`` gives zeros."""
    if a is None:
        return np.zeros((shapes["B"], shapes["H"]), dtype=dtype)
    return data(name, a, ("B", "H"), shapes, dtype)


def cache(cache, cls, symbols, shapes, dtype):
    """Check that ``cache`` is a ``cls`` whose arrays have the shapes in ``symbols``."""
    if not isinstance(cache, cls):
        raise TypeError(
            f"cache must be the {cls.__name__} returned by forward(); got {type(cache).__name__}"
        )
    for field, syms in symbols.items():
        a = float_array(f"cache.{field}", getattr(cache, field))
        shapes.check(f"cache.{field}", a, syms)
        same_dtype(f"cache.{field}", a, dtype)
    return cache


def shapes_repr(obj):
    """A short ``repr`` for a dataclass of arrays: the field names and shapes only."""
    names = [f.name for f in fields(obj) if not f.name.startswith("_")]
    parts = [f"{name}={getattr(obj, name).shape}" for name in names]
    return f"{type(obj).__name__}(" + ", ".join(parts) + ")"
