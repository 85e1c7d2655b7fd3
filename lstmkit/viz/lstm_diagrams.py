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

The module draws:

``lstm_circuit``
    the block as an "electronic circuit": the cell highway across the top,
    gates in a row, inputs on a bus at the bottom;
``lstm_odyssey``
    the block in the style of Greff et al. (2017), figure 1: the cell in the
    centre and the gates around it.

Both take ``values`` (activations) or ``deltas`` (error signals) to colour the
nodes; these are dicts from a name in ``"z"``, ``"i"``, ``"f"``, ``"o"``,
``"c"``, ``"y"``, ``"c_prev"``, ``"y_prev"`` to a scalar or a 1-D array with
one entry per unit, of which the entry ``unit`` is shown.  Activations use the
diverging map on the fixed range ``[-1, 1]``; delta magnitudes use the
sequential map on ``[0, vmax]`` with ``vmax`` the largest magnitude shown
unless given.  A gate keeps its own colour on the outline.

Without ``ax``, every function returns a new ``matplotlib.figure.Figure`` that
pyplot does not manage, so no ``pyplot.close`` is needed to free it.  IPython
shows such a figure as an image only once ``%matplotlib inline`` has run in the
kernel (that registers the inline backend's figure formatter); without it, a
cell ending with the call shows only the text ``<Figure size ...>``.  The book's
chapters start with ``%matplotlib inline``, so there a cell ending with the call
shows the figure exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.patches import Circle, FancyBboxPatch

from ._draw import Diagram, width_for
from .colors import (
    CELL,
    FORWARD,
    GATE_COLORS,
    HIDDEN,
    INPUT,
    PEEPHOLE,
    activation_color,
    delta_color,
    tint,
)

__all__ = ["LSTM_KEYS", "lstm_circuit", "lstm_odyssey"]

#: Names that ``values`` and ``deltas`` may colour.
LSTM_KEYS = ("z", "i", "f", "o", "c", "y", "c_prev", "y_prev")

_LABELS = {
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


def _fills(values, deltas, unit, vmax):
    """Face colours for every node name, from values or (taking precedence) deltas."""
    fills = dict(_DEFAULT_FILL)
    vals = _pick(values, "values", unit)
    dels = _pick(deltas, "deltas", unit)
    if vals:
        cols = activation_color(np.array(list(vals.values())))
        fills.update(zip(vals, map(tuple, cols), strict=True))
    if dels:
        mags = np.abs(np.array(list(dels.values())))
        cols = delta_color(mags, vmax if vmax is not None else mags.max())
        fills.update(zip(dels, map(tuple, cols), strict=True))
    return fills, bool(vals or dels), _widths(vals)


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


# --------------------------------------------------------------------------- circuit
def lstm_circuit(*, peepholes=True, values=None, deltas=None, unit=0, vmax=None, ax=None):
    r"""One LSTM block drawn as an "electronic circuit".

    The cell state runs along the top from :math:`\boldsymbol{c}^{(t-1)}` to
    :math:`\boldsymbol{c}^{(t)}` (the highway, in the cell colour), through the
    Hadamard product with the forget gate and the sum with
    :math:`\boldsymbol{z} \odot \boldsymbol{i}`.  Below it sit the forget gate
    :math:`\boldsymbol{f}`, the input gate :math:`\boldsymbol{i}`, the block input
    :math:`\boldsymbol{z}` and the output gate :math:`\boldsymbol{o}`, each fed by the
    bus that carries :math:`\boldsymbol{x}^{(t)}` and
    :math:`\boldsymbol{y}^{(t-1)}`.  On the right, :math:`\tanh(\boldsymbol{c}^{(t)})`
    times :math:`\boldsymbol{o}` gives :math:`\boldsymbol{y}^{(t)}`.  The three
    peepholes are dashed blue lines: from :math:`\boldsymbol{c}^{(t-1)}` to
    :math:`\boldsymbol{f}` and :math:`\boldsymbol{i}`, and from the new
    :math:`\boldsymbol{c}^{(t)}` to :math:`\boldsymbol{o}`.

    Parameters
    ----------
    peepholes : bool
        Draw the peephole lines.
    values, deltas : dict, optional
        Activations or error signals that colour the nodes, see the module
        documentation; ``deltas`` takes precedence over ``values`` for a node
        named in both.
    unit : int
        Which unit of 1-D arrays in ``values`` and ``deltas`` to show.
    vmax : float, optional
        Delta magnitude that gets the darkest colour.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Gate nodes have the gids ``"node:f"``, ``"node:i"``, ``"node:z"``,
    ``"node:o"``; terminals ``"node:c_prev"``, ``"node:c"``, ``"node:y_prev"``,
    ``"node:y"``, ``"node:x"``; operator nodes ``"node:mul_f"``, ``"node:mul_i"``,
    ``"node:mul_o"``, ``"node:add"``, ``"node:tanh_c"``; peepholes
    ``"peephole:i"``, ``"peephole:f"``, ``"peephole:o"``.
    """
    fills, coloured, lws = _fills(values, deltas, unit, vmax)
    H, G, B = 5.6, 2.35, 0.55
    xf, xi, xz, xo, xt = 2.65, 4.15, 5.45, 7.15, 8.7
    diag = Diagram(ax, xlim=(-0.72, 12.1), ylim=(-1.05, 6.45))
    fs = diag.font(0.34)
    small = diag.font(0.26, lo=6.5, hi=8.5)

    block = FancyBboxPatch(
        (1.75, 0.05),
        8.15,
        6.1,
        boxstyle="round,pad=0,rounding_size=0.3",
        fc="#F7F7F7",
        ec="#AAAAAA",
        lw=diag.lw(1.0),
        zorder=0,
    )
    block.set_gid("block")
    diag.add(block)
    diag.text(
        (9.8, 0.25),
        "LSTM block",
        ha="right",
        va="bottom",
        fontsize=small,
        color="#777777",
        gid="text:block",
    )

    term = dict(shape="round", w=1.25, h=0.66, fontsize=fs)
    diag.node("c_prev", (0.0, H), _LABELS["c_prev"], fc=fills["c_prev"], ec=CELL, **term)
    diag.node("c", (11.35, H), _LABELS["c"], fc=fills["c"], ec=CELL, **term)
    diag.node("y_prev", (0.0, B), _LABELS["y_prev"], fc=fills["y_prev"], ec=FORWARD, **term)
    diag.node("y", (11.35, G), _LABELS["y"], fc=fills["y"], ec=FORWARD, **term)
    diag.node("x", (2.65, -0.62), _LABELS["x"], fc=fills["x"], ec=FORWARD, **term)

    diag.op("mul_f", (xf, H), "odot", r=0.24, ec=CELL)
    diag.op("add", (xz, H), "plus", r=0.24, ec=CELL)
    diag.op("mul_i", (xz, 3.95), "odot", r=0.22)
    diag.op("tanh_c", (xt, 3.95), "tanh", r=0.24)
    diag.op("mul_o", (xt, G), "odot", r=0.22)

    r = 0.34
    gate_lw = 2.6 if coloured else 1.4
    for g, xg in (("f", xf), ("i", xi), ("z", xz), ("o", xo)):
        diag.node(
            g, (xg, G), _LABELS[g], r=r, fc=fills[g], ec=GATE_COLORS[g], lw=gate_lw, fontsize=fs
        )
    caps = {
        "f": "forget\ngate (σ)",
        "i": "input\ngate (σ)",
        "z": "block\ninput (tanh)",
        "o": "output\ngate (σ)",
    }
    for g, xg in (("f", xf), ("i", xi), ("z", xz), ("o", xo)):
        diag.text(
            (xg + 0.1, G - 0.72),
            caps[g],
            ha="left",
            va="center",
            fontsize=small,
            color="#333333",
            gid=f"text:{g}",
            linespacing=1.05,
        )

    # highway (cell state)
    diag.edge("c_prev", "mul_f", gid="edge:c_prev->mul_f", color=CELL, lw=lws["c_prev"], gap=0.0)
    diag.edge("mul_f", "add", gid="edge:mul_f->add", color=CELL, lw=lws["c_prev"], gap=0.0)
    diag.point("tap_c", (xt, H))
    diag.edge("add", "c", gid="edge:add->c", color=CELL, lw=lws["c"], gap=0.0)
    diag.edge("tap_c", "tanh_c", gid="edge:c->tanh_c", color=CELL, lw=1.3, gap=0.0)
    dot = Circle((xt, H), 0.07, fc=CELL, ec="none", zorder=4)
    dot.set_gid("junction:c")
    diag.add(dot)

    # gates into the operators
    diag.edge("f", "mul_f", gid="edge:f->mul_f", lw=lws["f"])
    diag.edge("z", "mul_i", gid="edge:z->mul_i", lw=lws["z"])
    diag.edge("i", "mul_i", gid="edge:i->mul_i", lw=lws["i"])
    diag.edge("mul_i", "add", gid="edge:mul_i->add")
    diag.edge("tanh_c", "mul_o", gid="edge:tanh_c->mul_o")
    diag.edge("o", "mul_o", gid="edge:o->mul_o", lw=lws["o"])
    diag.edge("mul_o", "y", gid="edge:mul_o->y", lw=1.6)

    # input bus
    bus_end = xo
    diag.path_arrow([(0.63, B), (bus_end, B)], gid="bus", head=False, lw=1.6)
    diag.path_arrow([(2.65, -0.29), (2.65, B)], gid="edge:x->bus", head=False, lw=1.6)
    for g, xg in (("f", xf), ("i", xi), ("z", xz), ("o", xo)):
        diag.point(f"bus_{g}", (xg, B))
        diag.edge(f"bus_{g}", g, gid=f"edge:bus->{g}", gap=0.0, lw=1.3)
        if g != "o":
            jd = Circle((xg, B), 0.06, fc=FORWARD, ec="none", zorder=4)
            jd.set_gid(f"junction:{g}")
            diag.add(jd)
    diag.text(
        (0.72, B - 0.12),
        r"$[\boldsymbol{x}^{(t)}, \boldsymbol{y}^{(t-1)}]$",
        ha="left",
        va="top",
        fontsize=small,
        gid="text:bus",
    )

    if peepholes:
        pw = 1.5
        ang = np.deg2rad(135)
        ul = np.array([np.cos(ang), np.sin(ang)]) * (r + 0.03)
        pf = [(2.05, H - 0.1), (2.05, G), (xf - r - 0.03, G)]
        pi = [(1.45, H - 0.1), (1.45, 3.3), (3.6, 3.3), (xi + ul[0], G + ul[1])]
        po = [(6.55, H - 0.1), (6.55, 3.15), (xo + ul[0], G + ul[1])]
        for g, pts in (("f", pf), ("i", pi), ("o", po)):
            diag.path_arrow(
                pts, gid=f"peephole:{g}", color=PEEPHOLE, lw=pw, ls=(0, (3, 2)), zorder=2.6
            )
        for g, xy in (("o", (6.65, 4.5)), ("i", (1.55, 4.5)), ("f", (2.15, 2.85))):
            diag.text(
                xy,
                rf"$\boldsymbol{{p}}_{g}$",
                color=PEEPHOLE,
                ha="left",
                fontsize=small,
                gid=f"text:p_{g}",
            )
    return diag.fig


# --------------------------------------------------------------------------- odyssey
def lstm_odyssey(*, peepholes=True, values=None, deltas=None, unit=0, vmax=None, ax=None):
    r"""One LSTM block in the style of Greff et al. (2017), figure 1.

    The cell :math:`\boldsymbol{c}` sits in the centre with its self-loop through
    the Hadamard product with the forget gate.  Below it the block input
    :math:`\boldsymbol{z}` is multiplied by the input gate; above it
    :math:`\tanh(\boldsymbol{c})` is multiplied by the output gate to give the block
    output :math:`\boldsymbol{y}`.  Every gate and the block input receive the
    input :math:`\boldsymbol{x}^{(t)}` and the recurrent input
    :math:`\boldsymbol{y}^{(t-1)}` (short arrows from outside); the peepholes run
    dashed and blue from the cell to the three gates.

    Parameters
    ----------
    peepholes : bool
        Draw the peephole lines.
    values, deltas : dict, optional
        Activations or error signals that colour the nodes, see the module
        documentation.
    unit : int
        Which unit of 1-D arrays in ``values`` and ``deltas`` to show.
    vmax : float, optional
        Delta magnitude that gets the darkest colour.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure (5.2 inches wide).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Gids as in ``lstm_circuit``: ``"node:z"``, ``"node:i"``, ``"node:f"``,
    ``"node:o"``, ``"node:c"``, ``"node:y"``, the operators ``"node:mul_i"``,
    ``"node:mul_f"``, ``"node:mul_o"``, ``"node:tanh_c"``, and
    ``"peephole:i"``, ``"peephole:f"``, ``"peephole:o"``.
    """
    fills, coloured, lws = _fills(values, deltas, unit, vmax)
    diag = Diagram(ax, xlim=(-5.2, 5.2), ylim=(-1.75, 8.15), width=5.4)
    fs = diag.font(0.34)
    small = diag.font(0.27, lo=6.5, hi=8.5)
    r = 0.38
    gate_lw = 2.6 if coloured else 1.4
    pos = {"z": (0.0, 0.0), "i": (-2.7, 1.55), "f": (-2.9, 3.3), "o": (2.6, 6.2)}
    diag.node(
        "z",
        pos["z"],
        _LABELS["z"],
        r=r,
        fc=fills["z"],
        ec=GATE_COLORS["z"],
        lw=gate_lw,
        fontsize=fs,
    )
    for g in "ifo":
        diag.node(
            g, pos[g], _LABELS[g], r=r, fc=fills[g], ec=GATE_COLORS[g], lw=gate_lw, fontsize=fs
        )
    diag.node(
        "c", (0.0, 3.3), r"$\boldsymbol{c}$", r=0.5, fc=fills["c"], ec=CELL, lw=2.2, fontsize=fs
    )
    diag.op("mul_i", (0.0, 1.55), "odot", r=0.22)
    diag.op("mul_f", (-1.5, 3.3), "odot", r=0.22, ec=CELL)
    diag.op("tanh_c", (0.0, 4.75), "tanh", r=0.26)
    diag.op("mul_o", (0.0, 6.2), "odot", r=0.22)
    diag.node(
        "y",
        (0.0, 7.55),
        r"$\boldsymbol{y}^{(t)}$",
        shape="round",
        w=1.25,
        h=0.66,
        fc=fills["y"],
        fontsize=fs,
    )

    diag.edge("z", "mul_i", gid="edge:z->mul_i", lw=lws["z"])
    diag.edge("i", "mul_i", gid="edge:i->mul_i", lw=lws["i"])
    diag.edge("mul_i", "c", gid="edge:mul_i->c")
    diag.edge("c", "mul_f", gid="edge:c->mul_f", rad=0.5, color=CELL, lw=2.0)
    diag.edge("mul_f", "c", gid="edge:mul_f->c", rad=0.5, color=CELL, lw=2.0)
    diag.edge("f", "mul_f", gid="edge:f->mul_f", lw=lws["f"])
    diag.edge("c", "tanh_c", gid="edge:c->tanh_c", color=CELL, lw=1.6)
    diag.edge("tanh_c", "mul_o", gid="edge:tanh_c->mul_o")
    diag.edge("o", "mul_o", gid="edge:o->mul_o", lw=lws["o"])
    diag.edge("mul_o", "y", gid="edge:mul_o->y", lw=1.6)

    # inputs and recurrent inputs of every gate: two short arrows from outside
    feeds = {
        "z": ((-0.45, -1.35), (0.45, -1.35)),
        "i": ((-3.95, 1.95), (-3.95, 1.15)),
        "f": ((-3.95, 3.7), (-3.95, 2.9)),
        "o": ((3.85, 6.6), (3.85, 5.8)),
    }
    for g, (pin, prec) in feeds.items():
        for kind, p in (("input", pin), ("recurrent", prec)):
            diag.point(f"{kind}_{g}", p)
            diag.edge(
                f"{kind}_{g}",
                g,
                gid=f"edge:{kind}->{g}",
                lw=1.0,
                gap=0.0,
                ls="-" if kind == "input" else (0, (4, 2)),
            )
    diag.text((-0.55, -1.5), "input", ha="right", va="center", fontsize=small, gid="text:in_z")
    diag.text((0.55, -1.5), "recurrent", ha="left", va="center", fontsize=small, gid="text:rec_z")
    for g, (pin, prec) in feeds.items():
        side = "right" if pin[0] < 0 else "left"
        dxs = -0.08 if pin[0] < 0 else 0.08
        if g != "z":
            diag.text((pin[0] + dxs, pin[1]), "input", ha=side, fontsize=small, gid=f"text:in_{g}")
            diag.text(
                (prec[0] + dxs, prec[1]), "recurrent", ha=side, fontsize=small, gid=f"text:rec_{g}"
            )
    names = {
        "z": ("block input", (0.55, 0.0), "left"),
        "i": ("input gate", (-2.7, 1.0), "center"),
        "f": ("forget gate", (-2.9, 2.75), "center"),
        "o": ("output gate", (2.6, 5.65), "center"),
        "c": ("cell", (0.62, 3.0), "left"),
        "y": ("block output", (0.75, 7.55), "left"),
    }
    for key, (txt, xy, ha) in names.items():
        diag.text(xy, txt, ha=ha, fontsize=small, color="#333333", gid=f"text:name_{key}")
    diag.text(
        (0.85, 1.55),
        r"$\boldsymbol{z}\odot\boldsymbol{i}$",
        ha="left",
        fontsize=small,
        gid="text:zi",
    )
    if peepholes:
        c = np.array([0.0, 3.3])
        for g, bend in (("i", -0.1), ("f", None), ("o", 0.3)):
            gx, gy = pos[g]
            if g == "f":
                pts = [
                    (c[0] - 0.25, c[1] + 0.44),
                    (-0.8, 4.75),
                    (gx + 0.3, 4.75),
                    (gx + 0.1, gy + 0.39),
                ]
                diag.path_arrow(
                    pts,
                    gid="peephole:f",
                    color=PEEPHOLE,
                    lw=1.4,
                    ls=(0, (3, 2)),
                    curve=True,
                    zorder=2.6,
                )
                continue
            diag.edge(
                "c",
                g,
                gid=f"peephole:{g}",
                rad=bend,
                color=PEEPHOLE,
                lw=1.4,
                ls=(0, (3, 2)),
                zorder=2.6,
                label=rf"$\boldsymbol{{p}}_{g}$",
                label_off=0.28 if g == "o" else -0.25,
                fontsize=small,
            )
        diag.text(
            (-1.6, 4.58),
            r"$\boldsymbol{p}_f$",
            color=PEEPHOLE,
            va="bottom",
            fontsize=small,
            gid="text:p_f",
        )

    return diag.fig
