r"""Graphical models of the chain rule.

Forward arrows (black) show how a quantity is computed; backward arrows in the
book's backward colour show how its derivative is collected.  The local partial
derivative of an edge is written next to it; the total derivative of the loss
with respect to a node is the sum over all paths to the loss of the products of
the local partial derivatives along each path.

The module draws:

``chain_graph``
    one path :math:`x \to u_1 \to \dots \to u_n \to J`: a product of partials;
``two_paths_graph``
    :math:`x` feeds :math:`u` and :math:`v`, both feed :math:`J`: a sum of two
    products;
``n_paths_graph``
    :math:`x` feeds :math:`u_1, \dots, u_n`, all feed :math:`J`;
``lstm_cell_graph``
    the computational graph of one LSTM step with the nodes of the next step
    that depend on it, used to derive the deltas of the LSTM.

The three path graphs take the same keywords: ``backward`` (draw the backward
arrows), ``partials`` (write the local partial derivative on each backward arrow)
and ``ax`` (draw there instead of a new figure, 5 inches wide). Each returns the
``matplotlib.figure.Figure``; how figures are made and shown: see :mod:`lstmkit.viz`.
"""

from __future__ import annotations

from ._draw import Diagram
from .colors import (
    BACKWARD,
    CELL,
    FORWARD,
    GATE_COLORS,
    HIDDEN,
    INPUT,
    LOSS,
    MUTED,
    PEEPHOLE,
    tint,
)

__all__ = [
    "LSTM_GRAPH_EDGES",
    "LSTM_GRAPH_NODES",
    "chain_graph",
    "lstm_cell_graph",
    "n_paths_graph",
    "routes",
    "two_paths_graph",
]


def _plain_node(diag, name, xy, label, *, loss=False, r=0.38):
    if loss:
        return diag.node(name, xy, label, shape="round", w=0.95, h=0.7, fc=tint(LOSS, 0.55))
    return diag.node(name, xy, label, r=r, fc="white")


def _check_int(n, name, lo):
    if not isinstance(n, int) or isinstance(n, bool) or n < lo:
        raise ValueError(f"{name} must be an int >= {lo}, got {n!r}")


def chain_graph(n=3, *, backward=True, partials=True, ax=None):
    r"""A single path :math:`x \to u_1 \to \dots \to u_n \to J`.

    The backward arrows (below, in the backward colour) carry the local partial
    derivatives; their product is :math:`dJ/dx`, written under the graph.

    ``n`` is the number of intermediate nodes (1 to 6); ``backward``, ``partials``
    and ``ax`` as in the module docstring.

    Notes
    -----
    Gids: nodes ``"node:x"``, ``"node:u1"`` ... ``"node:un"``, ``"node:J"``;
    forward edges ``"edge:a->b"``; backward arrows ``"back:b->a"``.
    """
    _check_int(n, "n", 1)
    if n > 6:
        raise ValueError(f"n must be at most 6 to stay readable, got {n}")
    names = ["x"] + [f"u{k}" for k in range(1, n + 1)] + ["J"]
    labels = ["$x$"] + [f"$u_{{{k}}}$" for k in range(1, n + 1)] + ["$J$"]
    sym = ["x"] + [f"u_{{{k}}}" for k in range(1, n + 1)] + ["J"]
    gap = 1.9
    diag = Diagram(ax, xlim=(-0.7, (n + 1) * gap + 0.7), ylim=(-2.05, 0.75))
    for k, (name, lab) in enumerate(zip(names, labels, strict=True)):
        _plain_node(diag, name, (k * gap, 0.0), lab, loss=name == "J")
    fs = diag.font(0.3, hi=10)
    for a, b in zip(names[:-1], names[1:], strict=True):
        diag.edge(a, b, gid=f"edge:{a}->{b}")
    if backward:
        for k in range(len(names) - 1):
            a, b = names[k], names[k + 1]
            lab = rf"$\partial {sym[k + 1]}/\partial {sym[k]}$" if partials else None
            diag.edge(
                b,
                a,
                gid=f"back:{b}->{a}",
                color=BACKWARD,
                rad=-0.4,
                lw=1.5,
                label=lab,
                label_off=0.28,
                fontsize=fs,
            )
    prod = r" \, ".join(
        rf"\dfrac{{\partial {sym[k + 1]}}}{{\partial {sym[k]}}}"
        for k in reversed(range(len(names) - 1))
    )
    diag.text(
        ((n + 1) * gap / 2, -1.55),
        rf"$\dfrac{{dJ}}{{dx}} = {prod}$",
        fontsize=diag.font(0.3),
        gid="text:formula",
    )
    return diag.fig


def two_paths_graph(*, backward=True, partials=True, ax=None):
    r"""Two paths: :math:`x` feeds :math:`u` and :math:`v`, both feed :math:`J`.

    Under the graph:
    :math:`\frac{dJ}{dx} = \frac{\partial J}{\partial u}\frac{\partial u}{\partial x}
    + \frac{\partial J}{\partial v}\frac{\partial v}{\partial x}`.

    ``backward``, ``partials`` and ``ax`` as in the module docstring.
    """
    return _fan_graph(["u", "v"], backward=backward, partials=partials, ax=ax, width=5.0)


def n_paths_graph(n=4, *, backward=True, partials=True, ax=None):
    r"""``n`` paths: :math:`x` feeds :math:`u_1, \dots, u_n`, all feed :math:`J`.

    Under the graph: :math:`\frac{dJ}{dx} = \sum_k \frac{\partial J}{\partial u_k}
    \frac{\partial u_k}{\partial x}`.

    ``n`` is the number of paths (2 to 6); ``backward``, ``partials`` and ``ax`` as in
    the module docstring.
    """
    _check_int(n, "n", 2)
    if n > 6:
        raise ValueError(f"n must be at most 6 to stay readable, got {n}")
    return _fan_graph(
        [f"u_{{{k}}}" for k in range(1, n + 1)],
        backward=backward,
        partials=partials,
        ax=ax,
        width=5.0,
        summed=True,
    )


def _fan_graph(mids, *, backward, partials, ax, width, summed=False):
    n = len(mids)
    spread = 1.25 if n <= 2 else 1.3
    ys = [(n - 1) / 2 * spread - k * spread for k in range(n)]
    top = ys[0] + 0.7
    diag = Diagram(ax, xlim=(-0.8, 6.8), ylim=(ys[-1] - 1.9, top), width=width)
    fs = diag.font(0.28, hi=9.5)
    _plain_node(diag, "x", (0.0, 0.0), "$x$")
    _plain_node(diag, "J", (6.0, 0.0), "$J$", loss=True)
    names = []
    for sym, y in zip(mids, ys, strict=True):
        name = sym.replace("_{", "").replace("}", "")
        names.append(name)
        _plain_node(diag, name, (3.0, y), f"${sym}$")
        diag.edge("x", name, gid=f"edge:x->{name}")
        diag.edge(name, "J", gid=f"edge:{name}->J")
        if backward:
            above = y > 0 or (y == 0 and n % 2 == 1)
            side = 0.22 if above else -0.22
            arrows = (
                ("J", name, rf"$\partial J/\partial {sym}$", 0.62),
                (name, "x", rf"$\partial {sym}/\partial x$", 0.38),
            )
            for a, b, partial, t in arrows:
                diag.edge(
                    a,
                    b,
                    gid=f"back:{a}->{b}",
                    color=BACKWARD,
                    offset=side,
                    lw=1.4,
                    label=partial if partials else None,
                    label_off=0.27 if not above else -0.27,
                    label_t=t,
                    fontsize=fs,
                    label_box=True,
                )
    if summed:
        formula = (
            r"$\dfrac{dJ}{dx} = \sum_{k=1}^{" + str(n) + r"} \dfrac{\partial J}{\partial u_k}"
            r"\,\dfrac{\partial u_k}{\partial x}$"
        )
    else:
        terms = [
            rf"\dfrac{{\partial J}}{{\partial {s}}}\,\dfrac{{\partial {s}}}{{\partial x}}"
            for s in mids
        ]
        formula = r"$\dfrac{dJ}{dx} = " + " + ".join(terms) + "$"
    diag.text((3.0, ys[-1] - 1.25), formula, fontsize=diag.font(0.3), gid="text:formula")
    return diag.fig


# --------------------------------------------------------------------------- LSTM step
#: Nodes of ``lstm_cell_graph``: name -> (label, role).
LSTM_GRAPH_NODES = {
    "c_prev": (r"$\boldsymbol{c}^{(t-1)}$", "cell"),
    "x": (r"$\boldsymbol{x}^{(t)}$", "input"),
    "y_prev": (r"$\boldsymbol{y}^{(t-1)}$", "hidden"),
    "fbar": (r"$\bar{\boldsymbol{f}}$", "f"),
    "ibar": (r"$\bar{\boldsymbol{i}}$", "i"),
    "zbar": (r"$\bar{\boldsymbol{z}}$", "z"),
    "f": (r"$\boldsymbol{f}$", "f"),
    "i": (r"$\boldsymbol{i}$", "i"),
    "z": (r"$\boldsymbol{z}$", "z"),
    "c": (r"$\boldsymbol{c}^{(t)}$", "cell"),
    "obar": (r"$\bar{\boldsymbol{o}}$", "o"),
    "o": (r"$\boldsymbol{o}$", "o"),
    "y": (r"$\boldsymbol{y}^{(t)}$", "hidden"),
    "fbar_next": (r"$\bar{\boldsymbol{f}}^{(t+1)}$", "f"),
    "ibar_next": (r"$\bar{\boldsymbol{i}}^{(t+1)}$", "i"),
    "zbar_next": (r"$\bar{\boldsymbol{z}}^{(t+1)}$", "z"),
    "c_next": (r"$\boldsymbol{c}^{(t+1)}$", "cell"),
    "obar_next": (r"$\bar{\boldsymbol{o}}^{(t+1)}$", "o"),
    "J": (r"$J$", "loss"),
}

#: Edges of ``lstm_cell_graph``: (tail, head) -> local partial derivative (mathtext).
LSTM_GRAPH_EDGES = {
    ("x", "fbar"): r"$\boldsymbol{W}_f$",
    ("x", "ibar"): r"$\boldsymbol{W}_i$",
    ("x", "zbar"): r"$\boldsymbol{W}_z$",
    ("x", "obar"): r"$\boldsymbol{W}_o$",
    ("y_prev", "fbar"): r"$\boldsymbol{R}_f$",
    ("y_prev", "ibar"): r"$\boldsymbol{R}_i$",
    ("y_prev", "zbar"): r"$\boldsymbol{R}_z$",
    ("y_prev", "obar"): r"$\boldsymbol{R}_o$",
    ("c_prev", "fbar"): r"$\boldsymbol{p}_f$",
    ("c_prev", "ibar"): r"$\boldsymbol{p}_i$",
    ("c_prev", "c"): r"$\boldsymbol{f}$",
    ("fbar", "f"): r"$\sigma'(\bar{\boldsymbol{f}})$",
    ("ibar", "i"): r"$\sigma'(\bar{\boldsymbol{i}})$",
    ("zbar", "z"): r"$\tanh'(\bar{\boldsymbol{z}})$",
    ("f", "c"): r"$\boldsymbol{c}^{(t-1)}$",
    ("i", "c"): r"$\boldsymbol{z}$",
    ("z", "c"): r"$\boldsymbol{i}$",
    ("c", "obar"): r"$\boldsymbol{p}_o$",
    ("obar", "o"): r"$\sigma'(\bar{\boldsymbol{o}})$",
    ("o", "y"): r"$\tanh(\boldsymbol{c}^{(t)})$",
    ("c", "y"): r"$\boldsymbol{o}\odot\tanh'(\boldsymbol{c}^{(t)})$",
    ("c", "c_next"): r"$\boldsymbol{f}^{(t+1)}$",
    ("c", "ibar_next"): r"$\boldsymbol{p}_i$",
    ("c", "fbar_next"): r"$\boldsymbol{p}_f$",
    ("y", "zbar_next"): r"$\boldsymbol{R}_z$",
    ("y", "ibar_next"): r"$\boldsymbol{R}_i$",
    ("y", "fbar_next"): r"$\boldsymbol{R}_f$",
    ("y", "obar_next"): r"$\boldsymbol{R}_o$",
    ("y", "J"): r"$\partial J^{(t)}/\partial\boldsymbol{y}^{(t)}$",
    ("fbar_next", "c_next"): r"$\boldsymbol{c}^{(t)}\odot\sigma'(\bar{\boldsymbol{f}}^{(t+1)})$",
    ("ibar_next", "c_next"): r"$\boldsymbol{z}^{(t+1)}\odot\sigma'(\bar{\boldsymbol{i}}^{(t+1)})$",
    ("zbar_next", "c_next"): r"$\boldsymbol{i}^{(t+1)}\odot\tanh'(\bar{\boldsymbol{z}}^{(t+1)})$",
    ("c_next", "obar_next"): r"$\boldsymbol{p}_o$",
    ("c_next", "J"): r"$\dots$",
    ("obar_next", "J"): r"$\dots$",
}

_PEEPHOLE_EDGES = {
    ("c_prev", "fbar"),
    ("c_prev", "ibar"),
    ("c", "obar"),
    ("c", "ibar_next"),
    ("c", "fbar_next"),
    ("c_next", "obar_next"),
}
_LATER = {("c_next", "J"), ("obar_next", "J")}

_POS = {
    "c_prev": (0.0, 6.6),
    "x": (0.0, 4.0),
    "y_prev": (0.0, 1.4),
    "fbar": (2.0, 5.2),
    "ibar": (2.0, 3.9),
    "zbar": (2.0, 2.6),
    "f": (3.7, 5.2),
    "i": (3.7, 3.9),
    "z": (3.7, 2.6),
    "c": (5.6, 5.2),
    "obar": (6.9, 1.9),
    "o": (8.3, 1.9),
    "y": (9.3, 3.6),
    "fbar_next": (11.4, 5.2),
    "ibar_next": (11.4, 3.9),
    "zbar_next": (11.4, 2.6),
    "c_next": (13.1, 6.6),
    "obar_next": (13.1, 1.0),
    "J": (14.75, 3.8),
}

#: Bends (``rad``) of the edges that would otherwise cross nodes.
_RAD = {
    ("x", "obar"): 0.18,
    ("y", "J"): 0.5,
    ("y", "obar_next"): 0.25,
    ("c", "c_next"): -0.06,
    ("zbar_next", "c_next"): 0.12,
    ("c_next", "J"): 0.1,
    ("obar_next", "J"): -0.1,
}

#: Where along an edge its label sits (default 0.5).
_LABEL_T = {
    ("x", "fbar"): 0.6,
    ("x", "ibar"): 0.6,
    ("x", "zbar"): 0.6,
    ("x", "obar"): 0.75,
    ("y_prev", "fbar"): 0.3,
    ("y_prev", "ibar"): 0.35,
    ("y_prev", "zbar"): 0.45,
    ("y_prev", "obar"): 0.55,
    ("y", "J"): 0.62,
    ("y", "obar_next"): 0.55,
    ("c", "y"): 0.45,
    ("c", "c_next"): 0.45,
    ("c", "ibar_next"): 0.62,
}

#: Edges whose labels sit above (positive) or below (negative) the edge, in data units.
_LABEL_OFF = {
    ("fbar", "f"): 0.3,
    ("ibar", "i"): 0.3,
    ("zbar", "z"): 0.3,
    ("obar", "o"): 0.3,
    ("f", "c"): 0.25,
}

#: Edges whose long labels do not fit; labelled only when they are a highlighted route.
_CROWDED = {("fbar_next", "c_next"), ("ibar_next", "c_next"), ("zbar_next", "c_next")}

_FORMULAS = {
    "c": (
        r"$\boldsymbol{\delta}_{\boldsymbol{c}}^{(t)} = "
        r"\boldsymbol{\delta}_{\boldsymbol{y}}^{(t)}\odot\boldsymbol{o}^{(t)}\odot"
        r"\tanh'(\boldsymbol{c}^{(t)})"
        r" + \boldsymbol{p}_o\odot\boldsymbol{\delta}_{\bar{\boldsymbol{o}}}^{(t)}"
        r" + \boldsymbol{p}_i\odot\boldsymbol{\delta}_{\bar{\boldsymbol{i}}}^{(t+1)}"
        r" + \boldsymbol{p}_f\odot\boldsymbol{\delta}_{\bar{\boldsymbol{f}}}^{(t+1)}"
        r" + \boldsymbol{\delta}_{\boldsymbol{c}}^{(t+1)}\odot\boldsymbol{f}^{(t+1)}$"
    ),
    "y": (
        r"$\boldsymbol{\delta}_{\boldsymbol{y}}^{(t)} = "
        r"\partial J^{(t)}/\partial\boldsymbol{y}^{(t)}"
        r" + \boldsymbol{R}_z^{\top}\boldsymbol{\delta}_{\bar{\boldsymbol{z}}}^{(t+1)}"
        r" + \boldsymbol{R}_i^{\top}\boldsymbol{\delta}_{\bar{\boldsymbol{i}}}^{(t+1)}"
        r" + \boldsymbol{R}_f^{\top}\boldsymbol{\delta}_{\bar{\boldsymbol{f}}}^{(t+1)}"
        r" + \boldsymbol{R}_o^{\top}\boldsymbol{\delta}_{\bar{\boldsymbol{o}}}^{(t+1)}$"
    ),
}


def routes(node):
    """The edges that leave ``node`` in ``lstm_cell_graph``: one per route to ``J``.

    Parameters
    ----------
    node : str
        A node name of ``LSTM_GRAPH_NODES``.

    Returns
    -------
    list of tuple of str
        ``(node, successor)`` pairs.  The total derivative of ``J`` with respect
        to ``node`` is the sum over these successors of the local partial times
        the successor's own total derivative.
    """
    if node not in LSTM_GRAPH_NODES:
        raise ValueError(f"unknown node {node!r}; expected one of {list(LSTM_GRAPH_NODES)}")
    return [e for e in LSTM_GRAPH_EDGES if e[0] == node]


def _downstream(node):
    """Edges on some path from ``node`` to ``J`` (including its own edges)."""
    reach = {node}
    changed = True
    while changed:
        changed = False
        for a, b in LSTM_GRAPH_EDGES:
            if a in reach and b not in reach:
                reach.add(b)
                changed = True
    return {e for e in LSTM_GRAPH_EDGES if e[0] in reach}


def _role_fill(role):
    if role in GATE_COLORS:
        return tint(GATE_COLORS[role], 0.45)
    return {
        "cell": tint(CELL, 0.55),
        "input": tint(INPUT, 0.3),
        "hidden": tint(HIDDEN, 0.45),
        "loss": tint(LOSS, 0.55),
    }[role]


def lstm_cell_graph(*, highlight=None, partials=False, formula=True, ax=None):
    r"""The computational graph of one LSTM step, for deriving the deltas.

    Nodes are :math:`\boldsymbol{c}^{(t-1)}`, :math:`\boldsymbol{y}^{(t-1)}`,
    :math:`\boldsymbol{x}^{(t)}`, the pre-activations :math:`\bar{\boldsymbol{z}},
    \bar{\boldsymbol{i}}, \bar{\boldsymbol{f}}, \bar{\boldsymbol{o}}` and activations
    :math:`\boldsymbol{z}, \boldsymbol{i}, \boldsymbol{f}, \boldsymbol{o}` of step ``t``,
    :math:`\boldsymbol{c}^{(t)}`, :math:`\boldsymbol{y}^{(t)}`, the nodes of step
    ``t+1`` that depend on them (:math:`\bar{\boldsymbol{z}}^{(t+1)},
    \bar{\boldsymbol{i}}^{(t+1)}, \bar{\boldsymbol{f}}^{(t+1)}, \boldsymbol{c}^{(t+1)},
    \bar{\boldsymbol{o}}^{(t+1)}`; the activations of step ``t+1`` are folded into
    the edges into :math:`\boldsymbol{c}^{(t+1)}`) and the loss :math:`J`.  Every
    local dependency is an edge, the peepholes dashed in blue; edges
    ``… → J`` stand for everything later.

    With ``highlight="c"`` the five routes from :math:`\boldsymbol{c}^{(t)}` to
    :math:`J` are drawn in the backward colour: via :math:`\boldsymbol{y}^{(t)}`,
    :math:`\bar{\boldsymbol{o}}^{(t)}`, :math:`\boldsymbol{c}^{(t+1)}`,
    :math:`\bar{\boldsymbol{i}}^{(t+1)}` and :math:`\bar{\boldsymbol{f}}^{(t+1)}`.
    Their first edges carry the local partial derivatives; the rest of each
    route (drawn in a light tint) is summed up by the total delta of the
    successor.  That is why the chain rule for
    :math:`\boldsymbol{\delta}_{\boldsymbol{c}}^{(t)}` may treat, say,
    :math:`\boldsymbol{o}^{(t)}` as a constant in
    :math:`\partial\boldsymbol{y}^{(t)}/\partial\boldsymbol{c}^{(t)}`: the dependence
    of :math:`\boldsymbol{o}^{(t)}` on :math:`\boldsymbol{c}^{(t)}` is its own route,
    through :math:`\bar{\boldsymbol{o}}^{(t)}`.

    Parameters
    ----------
    highlight : str, optional
        A node name of ``LSTM_GRAPH_NODES`` whose routes to ``J`` to highlight
        (``"c"`` and ``"y"`` also show the delta formula).
    partials : bool, optional
        Also write the local partial derivative on the other edges (``True``;
        the three long ones into :math:`\boldsymbol{c}^{(t+1)}` are left out, see
        ``LSTM_GRAPH_EDGES``).  The first edges of highlighted routes are
        always labelled.
    formula : bool
        Write the delta formula under the graph when one is known.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Gids: ``"node:<name>"``, ``"edge:<tail>-><head>"`` for ordinary edges,
    ``"route:<tail>-><head>"`` for the highlighted first edges of the routes,
    ``"elabel:<tail>-><head>"`` for partial-derivative labels.
    """
    if highlight is not None and highlight not in LSTM_GRAPH_NODES:
        raise ValueError(
            f"highlight must be None or a node name in {list(LSTM_GRAPH_NODES)}, got {highlight!r}"
        )
    first = set(routes(highlight)) if highlight else set()
    later = _downstream(highlight) - first if highlight else set()
    show_formula = formula and highlight in _FORMULAS
    ybot = -0.3 if show_formula else 0.45
    diag = Diagram(ax, xlim=(-0.72, 15.3), ylim=(ybot, 7.05))
    fs = diag.font(0.3, hi=10)
    small = diag.font(0.24, hi=8.5)
    for name, (label, role) in LSTM_GRAPH_NODES.items():
        w = 1.25 if name.endswith("_next") or name in ("c_prev", "y_prev") else 1.0
        if name == "J":
            diag.node(
                name,
                _POS[name],
                label,
                shape="round",
                w=0.8,
                h=0.62,
                fc=_role_fill(role),
                fontsize=fs,
            )
            continue
        diag.node(
            name,
            _POS[name],
            label,
            shape="round",
            w=w,
            h=0.6,
            fc=_role_fill(role),
            fontsize=fs,
            lw=2.2 if name == highlight else 1.0,
            ec=BACKWARD if name == highlight else FORWARD,
        )
    for (a, b), partial in LSTM_GRAPH_EDGES.items():
        rad = _RAD.get((a, b), 0.0)
        peep = (a, b) in _PEEPHOLE_EDGES
        ls = (0, (3, 2)) if peep or (a, b) in _LATER else "-"
        if (a, b) in first:
            color, lw, gid, z = BACKWARD, 2.4, f"route:{a}->{b}", 3.5
        elif (a, b) in later:
            color, lw, gid, z = tint(BACKWARD, 0.5), 1.4, f"edge:{a}->{b}", 2.2
        elif highlight:
            color, lw, gid, z = PEEPHOLE if peep else MUTED, 0.9, f"edge:{a}->{b}", 2
        else:
            color = PEEPHOLE if peep else (FORWARD if a not in ("x", "y_prev") else "#666666")
            lw, gid, z = (1.2, f"edge:{a}->{b}", 2)
        want = (a, b) in first or (bool(partials) and (a, b) not in _CROWDED)
        diag.edge(
            a,
            b,
            gid=gid,
            color=color,
            lw=lw,
            rad=rad,
            ls=ls,
            zorder=z,
            label=partial if want else None,
            label_box=True,
            fontsize=small,
            label_off=_LABEL_OFF.get((a, b), 0.0),
            label_t=_LABEL_T.get((a, b), 0.5),
            label_color=BACKWARD if (a, b) in first else None,
        )
    if show_formula:
        diag.text(
            (7.3, 0.08),
            _FORMULAS[highlight],
            fontsize=diag.font(0.32, hi=10.5),
            color=FORWARD,
            gid="text:formula",
        )
    return diag.fig
