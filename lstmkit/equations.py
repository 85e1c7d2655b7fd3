r"""The LSTM's equations in the book's symbols: one table for the text, the code and the figures.

``EQUATIONS`` maps a symbol to an :class:`Equation`: its label in the book (for
``{eq}`` references, e.g. ``eq-lstm-c``), its two sides in LaTeX, and the same right-hand
side as a numpy expression over one step's arrays (rows are batch entries, as in
:func:`lstmkit.lstm.forward_step`). ``tests/test_equations.py`` evaluates every expression
on :mod:`lstmkit.lstm`'s numbers, so the table cannot drift away from the code. The
entries are of four kinds:

* ``"forward"``: ``z_bar``, ``z``, ... ``y``, one step of the forward pass;
* ``"delta"``: ``delta_y``, ``delta_c``, ... the recursion of backpropagation through time;
* ``"gradient"``: ``dJ/dW_z``, ... sums over all steps (numpy over whole sequences);
* ``"partial"``: local derivatives such as ``dc/df`` (the edge labels of a graph).

>>> import lstmkit as lk
>>> eq = lk.equations.EQUATIONS["c"]
>>> eq.label, eq.numpy
('eq-lstm-c', 'z * i + c_prev * f')
>>> lk.equations.EQUATIONS["dc/df"].rhs  # the edge from f to c
'\\boldsymbol{c}^{(t-1)}'
"""

from dataclasses import dataclass

from .lstm import SIGNALS

KINDS = ("forward", "delta", "gradient", "partial")


@dataclass(frozen=True)
class Equation:
    """One row of the table: ``lhs = rhs`` in LaTeX, and ``rhs`` as a numpy expression.

    ``numpy`` names one step's arrays as in :func:`lstmkit.lstm.forward_step` (``x``,
    ``y_prev``, ``c_prev``, ``z_bar``, ...), the parameters (``W_z``, ...), the deltas
    (``delta_c``, ...), the next step's (``delta_c_next``, ``f_next``), ``Delta`` for
    :math:`\\partial J/\\partial y(t)`, and ``sigma``, ``tanh``, ``np``; a ``"gradient"``
    reads whole sequences as attributes of ``seq``. ``variant`` is the LSTM variant it
    belongs to (``lstmkit.lstm.VARIANTS``).
    """

    label: str
    kind: str
    lhs: str
    rhs: str
    numpy: str
    variant: str = "vanilla"

    @property
    def tex(self):
        """The whole equation, ``lhs = rhs``."""
        return f"{self.lhs} = {self.rhs}"


def _v(name, step="t", transposed=False):
    r"""A vector at a step: ``\boldsymbol{c}^{(t-1)}``, or ``\boldsymbol{x}^{(t)\top}``."""
    top = r"\top" if transposed else ""
    return rf"\boldsymbol{{{name}}}^{{({step}){top}}}"


def _bar(name, step="t"):
    r"""A pre-activation: ``\bar{\boldsymbol{z}}^{(t)}``."""
    return rf"\bar{{\boldsymbol{{{name}}}}}^{{({step})}}"


def _d(symbol):
    r"""The delta of a symbol: ``\delta`` in front, as on the notation page."""
    return rf"\delta{symbol}"


def _m(letter, g):
    r"""A parameter of gate ``g``: ``_m("W", "z")`` is ``\boldsymbol{W}_z``."""
    return rf"\boldsymbol{{{letter}}}_{g}"


_odot = r" \odot "
# the terms of delta c(t) after its first: p_o δō(t), and what step t + 1 sends back
_from_later = (
    f" + {_m('p', 'o')}{_odot}{_d(_bar('o'))} + {_m('p', 'i')}{_odot}{_d(_bar('i', 't+1'))}"
    f" + {_m('p', 'f')}{_odot}{_d(_bar('f', 't+1'))} + {_d(_v('c', 't+1'))}{_odot}{_v('f', 't+1')}"
)


def _pre(g, peephole):
    """The pre-activation of gate ``g``: its equation and numpy expression."""
    tex = f"{_m('W', g)} {_v('x')} + {_m('R', g)} {_v('y', 't-1')}"
    numpy = f"x @ W_{g}.T + y_prev @ R_{g}.T"
    if peephole:
        tex += f" + {_m('p', g)}{_odot}{_v('c', peephole)}"
        numpy += f" + p_{g} * {'c' if peephole == 't' else 'c_prev'}"
    return Equation(
        f"eq-lstm-{g}-bar", "forward", _bar(g), f"{tex} + {_m('b', g)}", f"{numpy} + b_{g}"
    )


def _act(g, tex, numpy):
    return Equation(f"eq-lstm-{g}", "forward", _v(g), tex, numpy)


EQUATIONS = {
    # ---- forward: one step
    "z_bar": _pre("z", None),
    "z": _act("z", rf"\tanh({_bar('z')})", "tanh(z_bar)"),
    "i_bar": _pre("i", "t-1"),
    "i": _act("i", rf"\sigma({_bar('i')})", "sigma(i_bar)"),
    "f_bar": _pre("f", "t-1"),
    "f": _act("f", rf"\sigma({_bar('f')})", "sigma(f_bar)"),
    "c": Equation(
        "eq-lstm-c",
        "forward",
        _v("c"),
        f"{_v('z')}{_odot}{_v('i')} + {_v('c', 't-1')}{_odot}{_v('f')}",
        "z * i + c_prev * f",
    ),
    "o_bar": _pre("o", "t"),
    "o": _act("o", rf"\sigma({_bar('o')})", "sigma(o_bar)"),
    "y": _act("y", rf"{_v('o')}{_odot}\tanh({_v('c')})", "o * tanh(c)"),
    # ---- the variants of Greff et al. change one line each
    "f (no_forget_gate)": Equation(
        "eq-lstm-f-nfg",
        "forward",
        _v("f"),
        r"\boldsymbol{1}",
        "np.ones_like(f_bar)",
        "no_forget_gate",
    ),
    "f (coupled)": Equation(
        "eq-lstm-f-cifg",
        "forward",
        _v("f"),
        rf"\boldsymbol{{1}} - {_v('i')}",
        "1 - i",
        "coupled",
    ),
    "y (no_output_activation)": Equation(
        "eq-lstm-y-noaf",
        "forward",
        _v("y"),
        f"{_v('o')}{_odot}{_v('c')}",
        "o * c",
        "no_output_activation",
    ),
    # ---- backward: the deltas of step t, from those of step t + 1
    "delta_y": Equation(
        "eq-lstm-delta-y",
        "delta",
        _d(_v("y")),
        " + ".join(
            [r"\Delta^{(t)}"] + [f"{_m('R', g)}^\\top {_d(_bar(g, 't+1'))}" for g in SIGNALS]
        ),
        " + ".join(["Delta"] + [f"delta_{g}_bar_next @ R_{g}" for g in SIGNALS]),
    ),
    "delta_o_bar": Equation(
        "eq-lstm-delta-o-bar",
        "delta",
        _d(_bar("o")),
        rf"{_d(_v('y'))}{_odot}\tanh({_v('c')}){_odot}\sigma'({_bar('o')})",
        "delta_y * tanh(c) * o * (1 - o)",
    ),
    "delta_c": Equation(
        "eq-lstm-delta-c",
        "delta",
        _d(_v("c")),
        rf"{_d(_v('y'))}{_odot}{_v('o')}{_odot}\tanh'({_v('c')})" + _from_later,
        "delta_y * o * (1 - tanh(c) ** 2) + p_o * delta_o_bar"
        " + p_i * delta_i_bar_next + p_f * delta_f_bar_next + delta_c_next * f_next",
    ),
    "delta_o_bar (no_output_activation)": Equation(
        "eq-lstm-delta-o-bar-noaf",
        "delta",
        _d(_bar("o")),
        rf"{_d(_v('y'))}{_odot}{_v('c')}{_odot}\sigma'({_bar('o')})",
        "delta_y * c * o * (1 - o)",
        "no_output_activation",
    ),
    "delta_c (no_output_activation)": Equation(
        "eq-lstm-delta-c-noaf",
        "delta",
        _d(_v("c")),
        f"{_d(_v('y'))}{_odot}{_v('o')}" + _from_later,
        "delta_y * o + p_o * delta_o_bar"
        " + p_i * delta_i_bar_next + p_f * delta_f_bar_next + delta_c_next * f_next",
        "no_output_activation",
    ),
    "delta_f_bar": Equation(
        "eq-lstm-delta-f-bar",
        "delta",
        _d(_bar("f")),
        rf"{_d(_v('c'))}{_odot}{_v('c', 't-1')}{_odot}\sigma'({_bar('f')})",
        "delta_c * c_prev * f * (1 - f)",
    ),
    "delta_f_bar (coupled)": Equation(
        "eq-lstm-delta-f-bar-cifg",
        "delta",
        _d(_bar("f")),
        r"\boldsymbol{0}",
        "0 * delta_c",
        "coupled",
    ),
    "delta_i_bar (coupled)": Equation(
        "eq-lstm-delta-i-bar-cifg",
        "delta",
        _d(_bar("i")),
        rf"{_d(_v('c'))}{_odot}({_v('z')} - {_v('c', 't-1')}){_odot}\sigma'({_bar('i')})",
        "delta_c * (z - c_prev) * i * (1 - i)",
        "coupled",
    ),
    "delta_i_bar": Equation(
        "eq-lstm-delta-i-bar",
        "delta",
        _d(_bar("i")),
        rf"{_d(_v('c'))}{_odot}{_v('z')}{_odot}\sigma'({_bar('i')})",
        "delta_c * z * i * (1 - i)",
    ),
    "delta_z_bar": Equation(
        "eq-lstm-delta-z-bar",
        "delta",
        _d(_bar("z")),
        rf"{_d(_v('c'))}{_odot}{_v('i')}{_odot}\tanh'({_bar('z')})",
        "delta_c * i * (1 - z**2)",
    ),
    "delta_x": Equation(
        "eq-lstm-delta-x",
        "delta",
        _d(_v("x")),
        " + ".join(f"{_m('W', g)}^\\top {_d(_bar(g))}" for g in SIGNALS),
        " + ".join(f"delta_{g}_bar @ W_{g}" for g in SIGNALS),
    ),
}

# ---- gradients: sums over the steps t and the batch
for _g in SIGNALS:
    _dbar, _sum_t = _d(_bar(_g)), r"\sum_t "
    EQUATIONS[f"dJ/dW_{_g}"] = Equation(
        f"eq-lstm-grad-w-{_g}",
        "gradient",
        rf"\frac{{\partial J}}{{\partial {_m('W', _g)}}}",
        f"{_sum_t}{_dbar} {_v('x', transposed=True)}",
        f"np.einsum('tbh,tbd->hd', seq.delta_{_g}_bar, seq.x)",
    )
    EQUATIONS[f"dJ/dR_{_g}"] = Equation(
        f"eq-lstm-grad-r-{_g}",
        "gradient",
        rf"\frac{{\partial J}}{{\partial {_m('R', _g)}}}",
        f"{_sum_t}{_dbar} {_v('y', 't-1', transposed=True)}",
        f"np.einsum('tbh,tbk->hk', seq.delta_{_g}_bar, seq.y_prev)",
    )
    EQUATIONS[f"dJ/db_{_g}"] = Equation(
        f"eq-lstm-grad-b-{_g}",
        "gradient",
        rf"\frac{{\partial J}}{{\partial {_m('b', _g)}}}",
        f"{_sum_t}{_dbar}",
        f"seq.delta_{_g}_bar.sum(axis=(0, 1))",
    )
    if _g != "z":
        _cell = "t" if _g == "o" else "t-1"
        EQUATIONS[f"dJ/dp_{_g}"] = Equation(
            f"eq-lstm-grad-p-{_g}",
            "gradient",
            rf"\frac{{\partial J}}{{\partial {_m('p', _g)}}}",
            f"{_sum_t}{_v('c', _cell)}{_odot}{_dbar}",
            f"(seq.{'c' if _g == 'o' else 'c_prev'} * seq.delta_{_g}_bar).sum(axis=(0, 1))",
        )

# ---- local partial derivatives, one per edge of one step's graph: "d<head>/d<tail>"
_PARTIALS = {
    **{("x", f"{g}_bar"): (_m("W", g), f"W_{g}") for g in SIGNALS},
    **{("y_prev", f"{g}_bar"): (_m("R", g), f"R_{g}") for g in SIGNALS},
    ("c_prev", "i_bar"): (_m("p", "i"), "p_i"),
    ("c_prev", "f_bar"): (_m("p", "f"), "p_f"),
    ("c_prev", "c"): (_v("f"), "f"),
    ("z_bar", "z"): (rf"\tanh'({_bar('z')}) = 1 - ({_v('z')})^2", "1 - z**2"),
    ("i_bar", "i"): (rf"\sigma'({_bar('i')})", "i * (1 - i)"),
    ("f_bar", "f"): (rf"\sigma'({_bar('f')})", "f * (1 - f)"),
    ("z", "c"): (_v("i"), "i"),
    ("i", "c"): (_v("z"), "z"),
    ("f", "c"): (_v("c", "t-1"), "c_prev"),
    ("c", "o_bar"): (_m("p", "o"), "p_o"),
    ("o_bar", "o"): (rf"\sigma'({_bar('o')})", "o * (1 - o)"),
    ("o", "y"): (rf"\tanh({_v('c')})", "tanh(c)"),
    ("c", "y"): (rf"{_v('o')}{_odot}\tanh'({_v('c')})", "o * (1 - tanh(c) ** 2)"),
}
_TEX_NAMES = {"x": _v("x"), "y_prev": _v("y", "t-1"), "c_prev": _v("c", "t-1")}
for (_tail, _head), (_tex, _numpy) in _PARTIALS.items():
    _sym = {
        n: _TEX_NAMES.get(n) or (_bar(n[0]) if n.endswith("_bar") else _v(n))
        for n in (_tail, _head)
    }
    EQUATIONS[f"d{_head}/d{_tail}"] = Equation(
        f"eq-lstm-d-{_head}-d-{_tail}".replace("_", "-"),
        "partial",
        rf"\frac{{\partial {_sym[_head]}}}{{\partial {_sym[_tail]}}}",
        _tex,
        _numpy,
    )


def table(kind=None, variant="vanilla"):
    """The entries of one ``kind`` (all if ``None``) for ``variant``, as a dict.

    An entry of a variant replaces the vanilla entry of the same symbol: ``table("forward",
    "no_forget_gate")["f"]`` is :math:`f = 1`.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} or None; got {kind!r}")
    rows = {}
    for key, eq in EQUATIONS.items():
        symbol = key.split(" (")[0]
        if (kind is None or eq.kind == kind) and eq.variant in ("vanilla", variant):
            if eq.variant == variant or symbol not in rows:
                rows[symbol] = eq
    return rows


def aligned(symbols):
    r"""An ``aligned`` LaTeX block of the equations of ``symbols`` (keys of the table)."""
    lines = [EQUATIONS[s].lhs + " &= " + EQUATIONS[s].rhs for s in symbols]
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"
