r"""Diagrams of one LSTM block (Greff et al. 2017, "LSTM: A Search Space Odyssey").

The block computes, with the peephole weights :math:`\boldsymbol{p}_i,
\boldsymbol{p}_f, \boldsymbol{p}_o` (the output gate looks at the *new* cell
state),

.. math::

   \boldsymbol{z} &= \tanh(\boldsymbol{W}_z \boldsymbol{x}^{(t)}
       + \boldsymbol{R}_z \boldsymbol{y}^{(t-1)} + \boldsymbol{b}_z), \\
   \boldsymbol{i} &= \sigma(\boldsymbol{W}_i \boldsymbol{x}^{(t)}
       + \boldsymbol{R}_i \boldsymbol{y}^{(t-1)}
       + \boldsymbol{p}_i \odot \boldsymbol{c}^{(t-1)} + \boldsymbol{b}_i), \\
   \boldsymbol{f} &= \sigma(\boldsymbol{W}_f \boldsymbol{x}^{(t)}
       + \boldsymbol{R}_f \boldsymbol{y}^{(t-1)}
       + \boldsymbol{p}_f \odot \boldsymbol{c}^{(t-1)} + \boldsymbol{b}_f), \\
   \boldsymbol{c}^{(t)} &= \boldsymbol{z} \odot \boldsymbol{i}
       + \boldsymbol{c}^{(t-1)} \odot \boldsymbol{f}, \\
   \boldsymbol{o} &= \sigma(\boldsymbol{W}_o \boldsymbol{x}^{(t)}
       + \boldsymbol{R}_o \boldsymbol{y}^{(t-1)}
       + \boldsymbol{p}_o \odot \boldsymbol{c}^{(t)} + \boldsymbol{b}_o), \\
   \boldsymbol{y}^{(t)} &= \boldsymbol{o} \odot \tanh(\boldsymbol{c}^{(t)}).

The arrows of these equations are read from the one table of them,
``EQUATIONS`` of :mod:`lstmkit.equations` (which is tested against :mod:`lstmkit.lstm`):
:data:`EQUATION_EDGES` lists which quantity each equation reads (an arrow
``input -> output``; ``"c_prev*f"`` is :math:`\boldsymbol{c}^{(t-1)} \odot
\boldsymbol{f}`, ``"z*i"`` is :math:`\boldsymbol{z} \odot \boldsymbol{i}`), and
:data:`PEEPHOLE_EDGES` the three arrows that the peepholes add. The two drawings are
two more tables, :data:`CIRCUIT` and :data:`ODYSSEY`: nodes with their positions, and
edges that each name the equation arrows they draw (``means``). The tests check that
both drawings draw every arrow of the equations and no other.

``LSTMDiagram("circuit")``, ``lstm_circuit``
    the block as an "electronic circuit": the cell highway across the top,
    gates in a row, inputs on a bus at the bottom;
``LSTMDiagram("odyssey")``, ``lstm_odyssey``
    the block in the style of Greff et al. (2017), figure 1: the cell in the
    centre and the gates around it.

Both take ``values`` (activations) or ``deltas`` (error signals) to colour the
nodes; these are dicts from a name in :data:`LSTM_KEYS` to a scalar or a 1-D
array with one entry per unit, of which the entry ``unit`` is shown.
Activations use the diverging map on the fixed range ``[-1, 1]``; delta
magnitudes use the sequential map on ``[0, vmax]`` with ``vmax`` the largest
magnitude shown unless given. A gate keeps its own colour on the outline, and
the arrow leaving a gate is as wide as the gate is open. With
``show_values=True`` the numbers are written into the gates and beside the
states, so that a slider can step through a sequence.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

import numpy as np
from matplotlib.patches import Circle, FancyBboxPatch

from .. import equations
from ._draw import Diagram, check_animate, restyle, width_for
from .colors import (
    CELL,
    FORWARD,
    GATE_COLORS,
    HIDDEN,
    INPUT,
    PEEPHOLE,
    activation_color,
    delta_color,
    text_color_for,
    tint,
)

__all__ = [
    "CIRCUIT",
    "EQUATION_EDGES",
    "LSTMDiagram",
    "LSTM_KEYS",
    "LSTM_UPDATES",
    "ODYSSEY",
    "PEEPHOLE_EDGES",
    "drawn_edges",
    "equation_arrows",
    "lstm_circuit",
    "lstm_odyssey",
]

#: Names that ``values`` and ``deltas`` may colour.
LSTM_KEYS = ("z", "i", "f", "o", "c", "y", "c_prev", "y_prev", "x")

#: The arguments of :class:`LSTMDiagram` that :meth:`LSTMDiagram.update` can change.
LSTM_UPDATES = ("values", "deltas", "peepholes", "unit", "vmax")

_PARAMETERS = ("W_", "R_", "b_", "p_")


def _is_parameter(node):
    """``W_z``, ``W_z.T``, ``p_i``, ...: a weight of the equations, not a quantity."""
    if isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id.startswith(_PARAMETERS)


def _terms(node):
    """The summands of an expression ``a + b + ...``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _terms(node.left) + _terms(node.right)
    return [node]


def equation_arrows(key):
    """The arrows that one forward equation of :mod:`lstmkit.equations` reads, from its numpy.

    A term ``W_z.T``-weighted or ``p_i *``-weighted is an arrow from its quantity into the
    equation's output (a peephole when the weight is a ``p``); a product of two quantities
    or a function of one is a node of its own (``"z*i"``, ``"tanh(c)"``) unless it is the
    whole right-hand side; an activation of a pre-activation (``tanh(z_bar)``) is the
    quantity itself and reads no arrow.

    Parameters
    ----------
    key : str
        A forward equation of the vanilla LSTM: ``"z_bar"``, ``"z"``, ... ``"y"``.

    Returns
    -------
    (frozenset, frozenset)
        The plain and the peephole arrows ``(input, output)`` of that equation.

    Examples
    --------
    >>> sorted(equation_arrows("z_bar")[0])
    [('x', 'z'), ('y_prev', 'z')]
    >>> equation_arrows("o_bar")[1]
    frozenset({('c', 'o')})
    """
    eq = equations.EQUATIONS.get(key) if isinstance(key, str) else None
    if eq is None or eq.kind != "forward" or eq.variant != "vanilla":
        forward = [k for k, e in equations.EQUATIONS.items()
                   if e.kind == "forward" and e.variant == "vanilla"]
        raise ValueError(f"key must be a forward equation, one of {forward}; got {key!r}")
    plain, peephole = set(), set()

    def quantity(term):
        """The name of what ``term`` stands for; a product or a function is a new node."""
        if isinstance(term, ast.Name):
            return term.id
        parts = term.args if isinstance(term, ast.Call) else [term.left, term.right]
        names = [quantity(part) for part in parts]
        name = ast.unparse(term).replace(" ", "")  # "z*i", "tanh(c)"
        plain.update((n, name) for n in names)
        return name

    out = key.removesuffix("_bar")
    tree = ast.parse(eq.numpy, mode="eval").body
    if isinstance(tree, ast.Call) and ast.unparse(tree.args[0]).endswith("_bar"):
        return frozenset(), frozenset()  # z = tanh(z_bar): the same quantity
    terms = [t for t in _terms(tree) if not _is_parameter(t)]
    if len(terms) == 1 and not isinstance(terms[0], ast.Name):  # out is that node
        term = terms[0]
        parts = term.args if isinstance(term, ast.Call) else [term.left, term.right]
        plain.update((quantity(part), out) for part in parts)
        return frozenset(plain), frozenset(peephole)
    for term in terms:
        weighted = isinstance(term, ast.BinOp) and (
            _is_parameter(term.left) or _is_parameter(term.right)
        )
        if not weighted:
            plain.add((quantity(term), out))
            continue
        weight, q = (
            (term.left, term.right) if _is_parameter(term.left) else (term.right, term.left)
        )
        peep = ast.unparse(weight).startswith("p_")
        (peephole if peep else plain).add((quantity(q), out))
    return frozenset(plain), frozenset(peephole)


def _arrows_from_equations():
    """The union of :func:`equation_arrows` over the forward equations: ``(plain, peephole)``."""
    plain, peephole = set(), set()
    for key, eq in equations.EQUATIONS.items():
        if eq.kind == "forward" and eq.variant == "vanilla":
            p, q = equation_arrows(key)
            plain |= p
            peephole |= q
    return frozenset(plain), frozenset(peephole)


_ARROWS = _arrows_from_equations()
#: Every arrow ``(input, output)`` of the forward equations without peepholes, read from
#: ``EQUATIONS`` of :mod:`lstmkit.equations`: ``"c_prev*f"`` is
#: :math:`\boldsymbol{c}^{(t-1)} \odot \boldsymbol{f}`, ``"z*i"`` is
#: :math:`\boldsymbol{z} \odot \boldsymbol{i}`, ``"tanh(c)"`` is
#: :math:`\tanh(\boldsymbol{c}^{(t)})`; 17 arrows.
#:
#: :meta hide-value:
EQUATION_EDGES = _ARROWS[0]
#: The 3 arrows the peepholes add: the input and forget gates see the old cell
#: ``c_prev``, the output gate the new one ``c``.
#:
#: :meta hide-value:
PEEPHOLE_EDGES = _ARROWS[1]

_SYMBOLS = {
    "z": r"$\boldsymbol{z}$",
    "i": r"$\boldsymbol{i}$",
    "f": r"$\boldsymbol{f}$",
    "o": r"$\boldsymbol{o}$",
    "c": r"$\boldsymbol{c}^{(t)}$",
    "y": r"$\boldsymbol{y}^{(t)}$",
    "c_prev": r"$\boldsymbol{c}^{(t-1)}$",
    "y_prev": r"$\boldsymbol{y}^{(t-1)}$",
    "x": r"$\boldsymbol{x}^{(t)}$",
}

_DEFAULT_FILL = {
    **{g: tint(GATE_COLORS[g], 0.15) for g in "zifo"},
    "c": tint(CELL, 0.55),
    "c_prev": tint(CELL, 0.55),
    "y": tint(HIDDEN, 0.45),
    "y_prev": tint(HIDDEN, 0.45),
    "x": tint(INPUT, 0.3),
}

# --------------------------------------------------------------------------- tables
# A node is (name, kind, position, options). Kinds: "gate" (a gate or the block
# input, coloured by its value), "state" (a rounded box for x, y, c, coloured by its
# value), "cell" (the circular cell of the odyssey drawing), "op" (an operator:
# odot, plus, tanh) and "point" (an invisible junction).
#
# An edge is (gid, tail, head, means, options). ``means`` lists the equation
# arrows it draws. Options: ``path`` (a poly-line instead of a straight arrow from
# ``tail`` to ``head``), ``style`` ("plain", "cell": in the cell colour, "gate": as
# wide as the gate at its tail is open, "peephole", "recurrent": dashed), ``lag``
# (dashed: the edge carries a value of the previous step, c(t-1) or y(t-1); only the
# odyssey needs it, the circuit draws the previous step's states as nodes of their own),
# ``head`` (draw an arrow head), ``rad`` (bend), ``label``.
_H, _G, _B = 6.0, 2.6, 0.7  # circuit rows: highway, gates, bus
_XG = {"f": 2.7, "i": 4.5, "z": 6.3, "o": 8.3}
_XT = 10.0  # tanh(c) and the output product
_R = 0.5  # gate radius

# fmt: off
#: The "electronic circuit" drawing: nodes, edges and texts in data units.
#:
#: :meta hide-value:
CIRCUIT = {
    "xlim": (-0.9, 12.9), "ylim": (-1.05, 6.75), "width": 7.0, "box": ((1.0, 0.15), 9.9, 6.5),
    "nodes": [
        ("c_prev", "state", (0.0, _H), {}),
        ("c", "state", (12.0, _H), {}),
        ("y_prev", "state", (0.0, _B), {"value_at": "above"}),
        ("y", "state", (12.0, _G), {}),
        ("x", "state", (_XG["f"], -0.5), {"value_at": "right"}),
        ("mul_f", "op", (_XG["f"], _H), {"op": "odot", "cell": True}),
        ("add", "op", (_XG["z"], _H), {"op": "plus", "cell": True}),
        ("mul_i", "op", (_XG["z"], 4.3), {"op": "odot"}),
        ("tanh_c", "op", (_XT, 4.3), {"op": "tanh"}),
        ("mul_o", "op", (_XT, _G), {"op": "odot"}),
        *[(g, "gate", (x, _G), {}) for g, x in _XG.items()],
        ("tap_c", "point", (_XT, _H), {"dot": CELL}),
        *[(f"bus_{g}", "point", (x, _B), {"dot": FORWARD if g != "o" else None})
          for g, x in _XG.items()],
    ],
    "edges": [
        ("edge:c_prev->mul_f", "c_prev", "mul_f", [("c_prev", "c_prev*f")],
         {"style": "cell", "of": "c_prev"}),
        ("edge:mul_f->add", "mul_f", "add", [("c_prev*f", "c")], {"style": "cell", "of": "c_prev"}),
        ("edge:add->c", "add", "c", [], {"style": "cell", "of": "c"}),
        ("edge:c->tanh_c", "tap_c", "tanh_c", [("c", "tanh(c)")], {"style": "cell"}),
        ("edge:f->mul_f", "f", "mul_f", [("f", "c_prev*f")], {"style": "gate", "of": "f"}),
        ("edge:z->mul_i", "z", "mul_i", [("z", "z*i")], {"style": "gate", "of": "z"}),
        ("edge:i->mul_i", "i", "mul_i", [("i", "z*i")], {"style": "gate", "of": "i"}),
        ("edge:mul_i->add", "mul_i", "add", [("z*i", "c")], {}),
        ("edge:tanh_c->mul_o", "tanh_c", "mul_o", [("tanh(c)", "y")], {}),
        ("edge:o->mul_o", "o", "mul_o", [("o", "y")], {"style": "gate", "of": "o"}),
        ("edge:mul_o->y", "mul_o", "y", [], {"lw": 1.6}),
        ("bus", "y_prev", None, [],
         {"path": [(0.65, _B), (_XG["o"], _B)], "head": False, "lw": 1.6}),
        ("edge:x->bus", "x", None, [],
         {"path": [(_XG["f"], -0.15), (_XG["f"], _B)], "head": False, "lw": 1.6}),
        *[(f"edge:bus->{g}", f"bus_{g}", g, [("x", g), ("y_prev", g)], {"lw": 1.3})
          for g in _XG],
        ("peephole:f", "c_prev", "f", [("c_prev", "f")], {"style": "peephole", "path": [
            (2.05, _H - 0.1), (2.05, _G), (_XG["f"] - _R - 0.03, _G)]}),
        ("peephole:i", "c_prev", "i", [("c_prev", "i")], {"style": "peephole", "path": [
            (1.3, _H - 0.1), (1.3, 3.6), (3.9, 3.6), (_XG["i"] - 0.36, _G + 0.37)]}),
        ("peephole:o", "c", "o", [("c", "o")], {"style": "peephole", "path": [
            (7.4, _H - 0.1), (7.4, 3.6), (7.7, 3.6), (_XG["o"] - 0.36, _G + 0.37)]}),
    ],
    "texts": [
        ("text:block", (10.8, 0.3), "LSTM block",
         {"ha": "right", "va": "bottom", "color": "#666666"}),
        ("text:bus", (0.75, _B - 0.2), r"$[\boldsymbol{x}^{(t)}, \boldsymbol{y}^{(t-1)}]$",
         {"ha": "left", "va": "top"}),
        *[(f"text:{g}", (_XG[g] + 0.12, _G - 0.85), cap,
           {"ha": "left", "linespacing": 1.0, "color": "#333333"})
          for g, cap in (("f", "forget\ngate"), ("i", "input\ngate"), ("z", "block\ninput"),
                         ("o", "output\ngate"))],
        *[(f"text:p_{g}", xy, rf"$\boldsymbol{{p}}_{g}$",
           {"ha": "left", "color": PEEPHOLE, "peephole": True})
          for g, xy in (("i", (1.4, 4.75)), ("f", (2.15, 4.75)), ("o", (7.5, 4.75)))],
    ],
}
# fmt: on

_OC = (0.0, 3.4)  # the odyssey's cell
_OPOS = {"z": (0.0, 0.0), "i": (-2.6, 1.7), "f": (-2.8, 3.4), "o": (2.8, 6.4)}


def _feeds(g, x0, y0, side):
    """The two input arrows of gate ``g`` in the odyssey: x(t) solid, y(t-1) dashed."""
    if side == "below":
        ends = {"x": (x0 - 0.55, y0 - 1.3), "y_prev": (x0 + 0.55, y0 - 1.3)}
    else:
        sx = -1.2 if side == "left" else 1.2
        ends = {"x": (x0 + sx, y0 + 0.5), "y_prev": (x0 + sx, y0 - 0.5)}
    out = []
    for src, p in ends.items():
        name = f"{'input' if src == 'x' else 'recurrent'}_{g}"
        style = "plain" if src == "x" else "recurrent"
        out.append(
            (
                f"edge:{name.split('_')[0]}->{g}",
                name,
                g,
                [(src, g)],
                {"style": style, "lw": 1.0, "from": p},
            )
        )
    return out


# fmt: off
#: The "Space Odyssey" drawing of Greff et al. (2017): nodes, edges and texts.
#:
#: :meta hide-value:
ODYSSEY = {
    "xlim": (-5.3, 5.3), "ylim": (-1.95, 8.35), "width": 5.6, "box": None,
    "nodes": [
        *[(g, "gate", xy, {}) for g, xy in _OPOS.items()],
        ("c", "cell", _OC, {}),
        ("mul_i", "op", (0.0, 1.7), {"op": "odot"}),
        ("mul_f", "op", (-1.5, _OC[1]), {"op": "odot", "cell": True}),
        ("tanh_c", "op", (0.0, 4.95), {"op": "tanh"}),
        ("mul_o", "op", (0.0, 6.4), {"op": "odot"}),
        ("y", "state", (0.0, 7.8), {"value_at": "left"}),
    ],
    "edges": [
        ("edge:z->mul_i", "z", "mul_i", [("z", "z*i")], {"style": "gate", "of": "z"}),
        ("edge:i->mul_i", "i", "mul_i", [("i", "z*i")], {"style": "gate", "of": "i"}),
        ("edge:mul_i->c", "mul_i", "c", [("z*i", "c")], {}),
        ("edge:c->mul_f", "c", "mul_f", [("c_prev", "c_prev*f")],
         {"style": "cell", "rad": 0.5, "lw": 2.0, "lag": True}),
        ("edge:mul_f->c", "mul_f", "c", [("c_prev*f", "c")],
         {"style": "cell", "rad": 0.5, "lw": 2.0}),
        ("edge:f->mul_f", "f", "mul_f", [("f", "c_prev*f")], {"style": "gate", "of": "f"}),
        ("edge:c->tanh_c", "c", "tanh_c", [("c", "tanh(c)")], {"style": "cell", "lw": 1.6}),
        ("edge:tanh_c->mul_o", "tanh_c", "mul_o", [("tanh(c)", "y")], {}),
        ("edge:o->mul_o", "o", "mul_o", [("o", "y")], {"style": "gate", "of": "o"}),
        ("edge:mul_o->y", "mul_o", "y", [], {"lw": 1.6}),
        *_feeds("z", *_OPOS["z"], "below"),
        *_feeds("i", *_OPOS["i"], "left"),
        *_feeds("f", *_OPOS["f"], "left"),
        *_feeds("o", *_OPOS["o"], "right"),
        ("peephole:i", "c", "i", [("c_prev", "i")],
         {"style": "peephole", "rad": -0.1, "lag": True}),
        ("peephole:f", "c", "f", [("c_prev", "f")], {"style": "peephole", "lag": True,
                                                       "curve": True, "path": [
            (-0.3, _OC[1] + 0.48), (-0.9, 4.95), (-2.5, 4.95),
            (_OPOS["f"][0] + 0.1, _OPOS["f"][1] + 0.52)]}),
        ("peephole:o", "c", "o", [("c", "o")], {"style": "peephole", "rad": 0.3}),
    ],
    "texts": [
        *[(f"text:name_{g}", xy, name, {"color": "#333333", **kw}) for g, name, xy, kw in (
            ("z", "block input", (0.7, 0.0), {"ha": "left"}),
            ("i", "input gate", (-2.6, 0.95), {}),
            ("f", "forget gate", (-2.8, 2.65), {}),
            ("o", "output gate", (2.8, 7.15), {}),
            ("c", "cell", (0.75, 3.05), {"ha": "left"}))],
        ("text:zi", (0.4, 1.7), r"$\boldsymbol{z}\odot\boldsymbol{i}$", {"ha": "left"}),
        *[(f"text:feed_{src}_{g}", xy, _SYMBOLS[src], {"ha": ha, "color": "#333333"})
          for g, src, xy, ha in (
              ("z", "x", (-0.65, -1.55), "right"), ("z", "y_prev", (0.65, -1.55), "left"),
              ("i", "x", (-3.9, 2.2), "right"), ("i", "y_prev", (-3.9, 1.2), "right"),
              ("f", "x", (-4.1, 3.9), "right"), ("f", "y_prev", (-4.1, 2.9), "right"),
              ("o", "x", (4.1, 6.9), "left"), ("o", "y_prev", (4.1, 5.9), "left"))],
        *[(f"text:p_{g}", xy, rf"$\boldsymbol{{p}}_{g}$", {"color": PEEPHOLE, "peephole": True})
          for g, xy in (("i", (-1.0, 2.2)), ("f", (-1.9, 5.25)), ("o", (1.95, 4.85)))],
    ],
}
# fmt: on

_TABLES = {"circuit": CIRCUIT, "odyssey": ODYSSEY}


def drawn_edges(style, *, peepholes=True):
    """The equation arrows that a drawing draws: the union of its edges' ``means``.

    Parameters
    ----------
    style : {"circuit", "odyssey"}
    peepholes : bool
        Count the peephole lines.

    Returns
    -------
    frozenset of (str, str)
        Equal to ``EQUATION_EDGES`` (``| PEEPHOLE_EDGES`` with peepholes) for both
        drawings.

    Examples
    --------
    >>> drawn_edges("circuit", peepholes=False) == EQUATION_EDGES
    True
    """
    table = _table(style)
    return frozenset(
        arrow
        for gid, _, _, means, _ in table["edges"]
        if peepholes or not gid.startswith("peephole:")
        for arrow in means
    )


def _table(style):
    if style not in _TABLES:
        raise ValueError(f"style must be 'circuit' or 'odyssey', got {style!r}")
    return _TABLES[style]


# --------------------------------------------------------------------------- values
def _pick(mapping, name, unit):
    """Scalars of ``mapping`` (the entry ``unit`` of 1-D arrays), checked."""
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{name} must be a dict from names in {LSTM_KEYS} to arrays")
    out = {}
    for key, val in mapping.items():
        if key not in LSTM_KEYS:
            raise ValueError(f"{name} keys must be among {LSTM_KEYS}, got {key!r}")
        arr = np.asarray(val, dtype=float)
        if arr.ndim == 0:
            out[key] = float(arr)
        elif arr.ndim == 1:
            if not -arr.shape[0] <= unit < arr.shape[0]:
                raise ValueError(
                    f"unit={unit} is out of range for {name}[{key!r}] of shape {arr.shape}"
                )
            out[key] = float(arr[unit])
        else:
            raise ValueError(
                f"{name}[{key!r}] must be a scalar or have shape (H,), got shape {arr.shape}"
            )
    return out


def _widths(vals):
    """Arrow widths (points) that grow with the flow: gate outputs and the highway."""
    lw = {g: 1.2 for g in "zifo"}
    lw.update({"c_prev": 2.4, "c": 2.4})
    for g in "zifo":
        if g in vals:
            lw[g] = float(width_for(vals[g], 1.0, lo=0.5, hi=4.0))
    cells = {k: abs(vals[k]) for k in ("c_prev", "c") if k in vals}
    if cells:
        cmax = max(1.0, *cells.values())
        for k, v in cells.items():
            lw[k] = float(width_for(v, cmax, lo=0.8, hi=5.0))
    return lw


# --------------------------------------------------------------------------- drawing
class LSTMDiagram:
    r"""One LSTM block drawn from :data:`CIRCUIT` or :data:`ODYSSEY`, changeable afterwards.

    In the circuit, the cell state runs along the top from
    :math:`\boldsymbol{c}^{(t-1)}` to :math:`\boldsymbol{c}^{(t)}` (the highway, in
    the cell colour), through the Hadamard product with the forget gate and the sum
    with :math:`\boldsymbol{z} \odot \boldsymbol{i}`; below it sit the forget gate
    :math:`\boldsymbol{f}`, the input gate :math:`\boldsymbol{i}`, the block input
    :math:`\boldsymbol{z}` and the output gate :math:`\boldsymbol{o}`, fed by the bus
    that carries :math:`\boldsymbol{x}^{(t)}` and :math:`\boldsymbol{y}^{(t-1)}`; on
    the right, :math:`\tanh(\boldsymbol{c}^{(t)})` times :math:`\boldsymbol{o}` gives
    :math:`\boldsymbol{y}^{(t)}`. In the odyssey drawing the cell sits in the centre
    with its self-loop through the forget gate, the block input below, the output
    above, and every gate gets :math:`\boldsymbol{x}^{(t)}` (solid) and
    :math:`\boldsymbol{y}^{(t-1)}` from outside. In both, the peepholes are
    blue lines: from :math:`\boldsymbol{c}^{(t-1)}` to :math:`\boldsymbol{f}`
    and :math:`\boldsymbol{i}`, and from the new :math:`\boldsymbol{c}^{(t)}` to
    :math:`\boldsymbol{o}`. The odyssey marks time by line style, as Greff et al. do:
    an arrow is dashed exactly when it carries a value of the previous step
    (:math:`\boldsymbol{y}^{(t-1)}` into the gates, :math:`\boldsymbol{c}^{(t-1)}` into
    the forget product and the peepholes of ``i`` and ``f``); the circuit draws the
    previous step's states as nodes of their own and needs no dashes.

    Parameters
    ----------
    style : {"circuit", "odyssey"}
        Which drawing.
    peepholes : bool
        Show the peephole lines.
    values, deltas : dict, optional
        Activations or error signals that colour the nodes (see the module
        documentation); ``deltas`` takes precedence over ``values`` for a node named
        in both.
    unit : int
        Which unit of 1-D arrays in ``values`` and ``deltas`` to show.
    vmax : float, optional
        Delta magnitude that gets the darkest colour.
    show_values : bool
        Write the numbers of ``values`` into the gates and beside the states
        (two decimals). Fixed at construction.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure (7 inches wide for the circuit, 5.6 for
        the odyssey).
    animate : iterable of str, optional
        The :meth:`update` arguments that will change from frame to frame; the
        artists they restyle are marked animated so that a slider redraws only
        those (see ``lstmkit.viz.render``).

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    nodes : dict of str to Node
        The drawn nodes by name.
    arrows : dict of str to matplotlib.patches.FancyArrowPatch
        The edges by gid (``"edge:f->mul_f"``, ``"peephole:o"``, ...).

    Notes
    -----
    Gids: gates ``"node:f"``, ``"node:i"``, ``"node:z"``, ``"node:o"``; states
    ``"node:c_prev"``, ``"node:c"``, ``"node:y_prev"``, ``"node:y"``, ``"node:x"``;
    operators ``"node:mul_f"``, ``"node:mul_i"``, ``"node:mul_o"``,
    ``"node:add"``, ``"node:tanh_c"``; edges as in the tables; peepholes
    ``"peephole:i"``, ``"peephole:f"``, ``"peephole:o"``; numbers ``"value:<name>"``.

    Examples
    --------
    >>> block = LSTMDiagram("circuit", values={"f": 0.9}, show_values=True)
    >>> fig = block.update(values={"f": 0.2}, peepholes=False)
    >>> block.value_texts["f"].get_text(), block.arrows["peephole:f"].get_visible()
    ('0.20', False)
    """

    def __init__(
        self,
        style="circuit",
        *,
        peepholes=True,
        values=None,
        deltas=None,
        unit=0,
        vmax=None,
        show_values=False,
        ax=None,
        animate=(),
    ):
        self.style = style
        self.table = _table(style)
        animate = check_animate(animate, LSTM_UPDATES)
        self.show_values = bool(show_values)
        self._args = {"values": None, "deltas": None, "peepholes": True, "unit": 0, "vmax": None}
        self._draw(ax)
        self.update(values=values, deltas=deltas, peepholes=peepholes, unit=unit, vmax=vmax)
        for artist in self._artists_changed_by(animate):
            artist.set_animated(True)

    # ----------------------------------------------------------------- drawing
    def _draw(self, ax):
        t = self.table
        diag = Diagram(ax, xlim=t["xlim"], ylim=t["ylim"], width=t["width"])
        self.diag, self.fig, self.nodes = diag, diag.fig, diag.nodes
        self.arrows, self.texts, self.value_texts = {}, {}, {}
        self.fs = diag.font(0.36, lo=11.0, hi=14.0)
        self.small = diag.font(0.3, lo=11.0, hi=12.0)
        if t["box"] is not None:
            (x0, y0), w, h = t["box"]
            box = FancyBboxPatch(
                (x0, y0),
                w,
                h,
                boxstyle="round,pad=0,rounding_size=0.3",
                fc="#F7F7F7",
                ec="#AAAAAA",
                lw=diag.lw(1.0),
                zorder=0,
            )
            box.set_gid("block")
            diag.add(box)
        for name, kind, xy, opts in t["nodes"]:
            self._draw_node(name, kind, xy, opts)
        for gid, tail, head, _means, opts in t["edges"]:
            self._draw_edge(gid, tail, head, opts)
        for gid, xy, s, opts in t["texts"]:
            kw = {k: v for k, v in opts.items() if k != "peephole"}
            kw.setdefault("fontsize", self.small)
            self.texts[gid] = diag.text(xy, s, gid=gid, **kw)

    def _draw_node(self, name, kind, xy, opts):
        diag = self.diag
        if kind == "gate":
            diag.node(
                name,
                xy,
                _SYMBOLS[name],
                r=_R,
                fc=_DEFAULT_FILL[name],
                ec=GATE_COLORS[name],
                lw=1.4,
                fontsize=self.fs,
            )
            self._value_text(name, (xy[0], xy[1] - 0.2), ha="center")
        elif kind == "state":
            diag.node(
                name,
                xy,
                _SYMBOLS[name],
                shape="round",
                w=1.3,
                h=0.7,
                fc=_DEFAULT_FILL[name],
                ec=CELL if name.startswith("c") else FORWARD,
                fontsize=self.fs,
            )
            where = opts.get("value_at", "below")
            dx, dy, ha = {
                "below": (0, -0.62, "center"),
                "above": (0, 0.62, "center"),
                "left": (-0.8, 0, "right"),
                "right": (0.8, 0, "left"),
            }[where]
            self._value_text(name, (xy[0] + dx, xy[1] + dy), ha=ha)
        elif kind == "cell":
            diag.node(
                name,
                xy,
                r"$\boldsymbol{c}$",
                r=0.55,
                fc=_DEFAULT_FILL["c"],
                ec=CELL,
                lw=2.2,
                fontsize=self.fs,
            )
            self._value_text(name, (xy[0], xy[1] - 0.24), ha="center")
        elif kind == "op":
            diag.op(
                name,
                xy,
                opts["op"],
                r=0.26 if opts["op"] != "tanh" else 0.42,
                ec=CELL if opts.get("cell") else FORWARD,
            )
        else:  # point
            diag.point(name, xy)
            if opts.get("dot"):
                dot = Circle(xy, 0.07, fc=opts["dot"], ec="none", zorder=4)
                dot.set_gid(f"junction:{name}")
                diag.add(dot)

    def _value_text(self, name, xy, ha):
        t = self.diag.text(xy, "", gid=f"value:{name}", ha=ha, fontsize=self.small, zorder=7)
        self.value_texts[name] = t

    def _draw_edge(self, gid, tail, head, opts):
        diag = self.diag
        style = opts.get("style", "plain")
        color = {"cell": CELL, "peephole": PEEPHOLE}.get(style, FORWARD)
        ls = (0, (4, 2)) if style == "recurrent" or opts.get("lag") else "-"
        lw = opts.get("lw", 1.5 if style == "peephole" else 1.2)
        zorder = 2.6 if style == "peephole" else 2
        if "from" in opts:  # a feed from outside the drawing
            diag.point(tail, opts["from"])
        if "path" in opts:
            arrow = diag.path_arrow(
                opts["path"],
                gid=gid,
                color=color,
                lw=lw,
                ls=ls,
                head=opts.get("head", True),
                curve=opts.get("curve", False),
                zorder=zorder,
            )
        else:
            gap = (
                0.0
                if style == "cell" or tail.startswith(("bus_", "tap_", "input_", "recurrent_"))
                else 0.04
            )
            arrow = diag.edge(
                tail,
                head,
                gid=gid,
                color=color,
                lw=lw,
                ls=ls,
                rad=opts.get("rad", 0.0),
                zorder=zorder,
                gap=gap,
            )
        self.arrows[gid] = arrow

    # ----------------------------------------------------------------- changing
    def update(self, **changes):
        """Change some of ``values``, ``deltas``, ``peepholes``, ``unit``, ``vmax``.

        The arguments mean what they mean for the constructor; the others keep their
        values. Returns the figure.

        Raises
        ------
        TypeError
            For an argument that cannot change, or ``values``/``deltas`` that are not
            dicts.
        ValueError
            For unknown keys or arrays that are not scalars or ``(H,)``; the drawing
            is then left as it was.
        """
        unknown = sorted(set(changes) - set(LSTM_UPDATES))
        if unknown:
            raise TypeError(
                f"LSTMDiagram.update() changes only {', '.join(LSTM_UPDATES)}; got "
                f"{', '.join(unknown)} (make a new LSTMDiagram to change the style)"
            )
        args = {**self._args, **changes}
        unit = args["unit"]
        vals = _pick(args["values"], "values", unit)
        dels = _pick(args["deltas"], "deltas", unit)
        self._args = args
        fills = dict(_DEFAULT_FILL)
        if vals:
            cols = activation_color(np.array(list(vals.values())))
            fills.update(zip(vals, map(tuple, cols), strict=True))
        if dels:
            mags = np.abs(np.array(list(dels.values())))
            vmax = args["vmax"] if args["vmax"] is not None else mags.max()
            fills.update(zip(dels, map(tuple, delta_color(mags, vmax)), strict=True))
        coloured = bool(vals or dels)
        for name, node in self.nodes.items():
            if name in fills and node.patch is not None:
                lw = self.diag.lw(2.6 if coloured else 1.4) if name in GATE_COLORS else None
                props = {"facecolor": fills[name]}
                if lw is not None:
                    props["linewidth"] = lw
                restyle(node.patch, **props)
                for text in node.texts:
                    restyle(text, color=text_color_for(fills[name]))
        self._restyle_values(vals, fills)
        lws = _widths(vals)
        for gid, _tail, _head, _means, opts in self.table["edges"]:
            of = opts.get("of")
            if of is not None:
                self.diag.set_edge_width(self.arrows[gid], lws[of])
        peep = bool(args["peepholes"])
        for gid, arrow in self.arrows.items():
            if gid.startswith("peephole:"):
                restyle(arrow, visible=peep)
        for gid, _xy, _s, opts in self.table["texts"]:
            if opts.get("peephole"):
                restyle(self.texts[gid], visible=peep)
        return self.fig

    def _restyle_values(self, vals, fills):
        """The numbers of ``show_values``; inside a gate, the symbol moves up for them."""
        for name, text in self.value_texts.items():
            node = self.nodes[name]
            shown = self.show_values and name in vals
            restyle(text, visible=shown)
            if shown:
                restyle(text, text=f"{vals[name]:.2f}")
                if node.shape == "circle":
                    restyle(text, color=text_color_for(fills[name]))
            if node.shape == "circle":
                for label in node.texts:
                    restyle(label, position=(label.get_position()[0], node.y + 0.17 * shown))

    def _artists_changed_by(self, animate):
        arts = []
        if animate & {"values", "deltas", "unit", "vmax"}:
            for name, node in self.nodes.items():
                if name in _DEFAULT_FILL:  # the nodes that values and deltas colour
                    arts.append(node.patch)
                    arts.extend(node.texts)
            arts.extend(self.value_texts.values())
            arts.extend(self.arrows[gid] for gid, *_, opts in self.table["edges"] if "of" in opts)
        if "peepholes" in animate:
            arts.extend(a for g, a in self.arrows.items() if g.startswith("peephole:"))
            arts.extend(t for g, t in self.texts.items() if g.startswith("text:p_"))
        return list(dict.fromkeys(arts))


def lstm_circuit(**kwargs):
    """One LSTM block drawn as an "electronic circuit"; returns the figure.

    ``lstm_circuit(**kwargs)`` is ``LSTMDiagram("circuit", **kwargs).fig``; see
    :class:`LSTMDiagram` for the arguments (``peepholes``, ``values``, ``deltas``,
    ``unit``, ``vmax``, ``show_values``, ``ax``).
    """
    return LSTMDiagram("circuit", **kwargs).fig


def lstm_odyssey(**kwargs):
    """One LSTM block in the style of Greff et al. (2017), figure 1; returns the figure.

    ``lstm_odyssey(**kwargs)`` is ``LSTMDiagram("odyssey", **kwargs).fig``; see
    :class:`LSTMDiagram` for the arguments.
    """
    return LSTMDiagram("odyssey", **kwargs).fig
