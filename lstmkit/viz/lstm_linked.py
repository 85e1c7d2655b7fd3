r"""One equation at a time in both LSTM drawings, and the block unrolled over three steps.

:class:`LinkedEquations` puts the "electronic circuit" and the "Space Odyssey" drawing of
:mod:`lstmkit.viz.lstm_diagrams` side by side, with the equation of one signal underneath.
``update(symbol)`` lights, in both drawings, exactly the arrows that the signal's equations
read, and fades the others. Which arrows those are is not listed here: it is read from the
equation table (:func:`lstmkit.viz.lstm_diagrams.equation_arrows`, which parses the numpy of
``lstmkit.equations.EQUATIONS``), and an edge of a drawing is lit when the arrows it
draws (its ``means``) are among them. The signals, in the order of computation:

=========  ===================================  ==========================================
symbol     equations                            arrows read
=========  ===================================  ==========================================
``z``      :math:`\bar z`, :math:`z`            x, y(t-1) into z
``i``      :math:`\bar\imath`, :math:`i`        x, y(t-1) into i (and the peephole c(t-1))
``f``      :math:`\bar f`, :math:`f`            x, y(t-1) into f (and the peephole c(t-1))
``c``      :math:`c`                            z, i into z*i; c(t-1), f into c(t-1)*f; both into c
``o``      :math:`\bar o`, :math:`o`            x, y(t-1) into o (and the peephole c(t))
``y``      :math:`y`                            c into tanh(c); tanh(c), o into y
=========  ===================================  ==========================================

:func:`unrolled_strip` draws the chain picture: three steps of one block, the middle one open
(the circuit), its neighbours closed, joined by the cell highway and the recurrent output.

>>> view = LinkedEquations()
>>> sorted(view.lit["odyssey"])
['edge:input->z', 'edge:recurrent->z']
>>> fig = view.update("c")
>>> sorted(view.arrows_lit("circuit")) == sorted(step_arrows("c"))
True
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import ConnectionPatch, FancyBboxPatch

from .. import equations
from ._draw import MIN_TEXT_PT, restyle
from .colors import CELL, FORWARD, HIDDEN, INPUT
from .lstm_diagrams import CIRCUIT, ODYSSEY, LSTMDiagram, equation_arrows

__all__ = [
    "SIGNAL_EQUATIONS", "LinkedEquations", "alt", "lit_edges", "step_arrows", "unrolled_strip",
]

#: The slider positions: each signal and the equations (keys of ``EQUATIONS``) that give it.
SIGNAL_EQUATIONS = {
    "z": ("z_bar", "z"),
    "i": ("i_bar", "i"),
    "f": ("f_bar", "f"),
    "c": ("c",),
    "o": ("o_bar", "o"),
    "y": ("y",),
}

#: Edges that draw no arrow of their own but complete one: lit with the arrows that end in
#: (``"head"``) or start from (``"tail"``) the named quantities.
_CONNECTORS = {
    "edge:add->c": ("head", ("c",)),
    "edge:mul_o->y": ("head", ("y",)),
    "bus": ("tail", ("x", "y_prev")),
    "edge:x->bus": ("tail", ("x",)),
}

_FADED = 0.12  # the alpha of an arrow the equation does not read
_TABLES = {"circuit": CIRCUIT, "odyssey": ODYSSEY}


def _check_symbol(symbol):
    if symbol not in SIGNAL_EQUATIONS:
        raise ValueError(f"symbol must be one of {tuple(SIGNAL_EQUATIONS)}; got {symbol!r}")


def step_arrows(symbol, *, peepholes=True):
    """The arrows ``(input, output)`` that the equations of ``symbol`` read (a frozenset).

    >>> sorted(step_arrows("y"))
    [('c', 'tanh(c)'), ('o', 'y'), ('tanh(c)', 'y')]
    """
    _check_symbol(symbol)
    arrows = set()
    for key in SIGNAL_EQUATIONS[symbol]:
        plain, peephole = equation_arrows(key)
        arrows |= plain | (peephole if peepholes else set())
    return frozenset(arrows)


def alt(symbol):
    """The alt text of :class:`LinkedEquations` at ``symbol``: what is lit, in words.

    >>> alt("y")[-61:]
    'c to tanh(c); o to y; tanh(c) to y. Below, the equation of y.'
    """
    lit = "; ".join(f"{a} to {b}" for a, b in sorted(step_arrows(symbol)))
    return (
        "The circuit (left) and the Space Odyssey chart (right), peepholes drawn, with "
        f"the arrows that the equation of {symbol} reads lit and the others faded; lit: "
        f"{lit}. Below, the equation of {symbol}."
    )


def lit_edges(style, arrows):
    """The gids of the edges of drawing ``style`` that draw one of ``arrows``, and connectors.

    An edge is lit when its ``means`` meet ``arrows``; a connector of ``_CONNECTORS`` when
    an arrow ends in (or starts from) what it carries.
    """
    if style not in _TABLES:
        raise ValueError(f"style must be 'circuit' or 'odyssey', got {style!r}")
    arrows = frozenset(arrows)
    lit = set()
    for gid, _tail, _head, means, _opts in _TABLES[style]["edges"]:
        if set(means) & arrows:
            lit.add(gid)
        elif gid in _CONNECTORS:
            end, names = _CONNECTORS[gid]
            k = 1 if end == "head" else 0
            if any(a[k] in names for a in arrows):
                lit.add(gid)
    return frozenset(lit)


class LinkedEquations:
    """The circuit and the Space Odyssey drawing side by side, one signal's equation lit.

    Parameters
    ----------
    peepholes : bool
        Draw the peepholes (and light them with the gates that read them).
    width : float
        Figure width in inches.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    diagrams : dict of str to LSTMDiagram
        ``"circuit"`` and ``"odyssey"``.
    lit : dict of str to frozenset
        The gids lit in each drawing by the last :meth:`update`.
    equation : matplotlib.text.Text
        The equations of the signal shown, one per line.
    """

    def __init__(self, *, peepholes=True, width=7.0):
        self.peepholes = bool(peepholes)
        fig = Figure(figsize=(width, 0.56 * width))
        self.fig = fig
        boxes = {"circuit": (0.0, 0.30, 0.58, 0.60), "odyssey": (0.58, 0.24, 0.42, 0.66)}
        self.diagrams = {}
        for style, rect in boxes.items():
            ax = fig.add_axes(rect)
            self.diagrams[style] = LSTMDiagram(style, ax=ax, peepholes=self.peepholes)
        # room for the odyssey's input labels, which are large for its size here
        self.diagrams["odyssey"].diag.ax.set_xlim(-6.6, 6.6)
        # the gate names collide at this size; the gates carry their symbols
        for diagram in self.diagrams.values():
            for gid, text in diagram.texts.items():
                if gid[len("text:"):] in ("f", "i", "z", "o") or (
                    gid.startswith("text:name_") and gid != "text:name_c"
                ):
                    text.set_visible(False)
        self.title = fig.text(
            0.5, 0.975, "", ha="center", va="top", fontsize=13, animated=True
        )
        self.equation = fig.text(
            0.03, 0.14, "", ha="left", va="center", fontsize=13, linespacing=1.9,
            animated=True,
        )
        self._widths = {}
        for style, diagram in self.diagrams.items():
            for gid, arrow in diagram.arrows.items():
                arrow.set_animated(True)
                self._widths[style, gid] = arrow.get_linewidth()
        self.lit = {}
        self.update("z")

    def arrows_lit(self, style):
        """The equation arrows that the lit edges of ``style`` draw (the union of ``means``)."""
        return frozenset(
            a for gid, _t, _h, means, _o in _TABLES[style]["edges"]
            if gid in self.lit[style] for a in means
        )

    def update(self, symbol):
        """Light the arrows of ``symbol``'s equations in both drawings; returns the figure."""
        _check_symbol(symbol)
        arrows = step_arrows(symbol, peepholes=self.peepholes)
        for style, diagram in self.diagrams.items():
            lit = lit_edges(style, arrows)
            self.lit[style] = lit
            for gid, arrow in diagram.arrows.items():
                on = gid in lit
                lw = self._widths[style, gid] * (1.8 if on else 1.0)
                restyle(arrow, alpha=1.0 if on else _FADED, linewidth=lw)
        lines = [f"${equations.EQUATIONS[key].tex}$" for key in SIGNAL_EQUATIONS[symbol]]
        if not self.peepholes:
            lines = [line.replace(r" + \boldsymbol{p}", r" + 0\,\boldsymbol{p}") for line in lines]
        restyle(self.equation, text="\n".join(lines))
        names = {"z": "the block input z", "i": "the input gate i", "f": "the forget gate f",
                 "c": "the cell c", "o": "the output gate o", "y": "the output y"}
        restyle(self.title, text=f"{names[symbol]}: the arrows its equation reads")
        return self.fig


def unrolled_strip(*, width=7.0):
    """Three steps of one LSTM block, the middle one open: the chain picture.

    The middle block is the circuit of step t; the blocks of steps t-1 and t+1 are closed
    boxes. The cell (top) and the output (bottom) of one step are the ``c(t-1)`` and
    ``y(t-1)`` of the next; every block reads its own input and gives its own output.
    Returns the figure.
    """
    x0, x1 = CIRCUIT["xlim"]
    y0, y1 = -1.45, 7.95  # the circuit's rows, with room for the labels of x and y
    side = 4.4  # data units of a closed block's panel
    total = (x1 - x0) + 2 * side
    height = width * (y1 - y0) / total
    fig = Figure(figsize=(width, height))
    fr = (y1 - y0) / total * width / height  # the axes' height fraction
    bottom = (1 - fr) / 2
    left_w, mid_w = side / total, (x1 - x0) / total
    ax_l = fig.add_axes((0.0, bottom, left_w, fr))
    ax_m = fig.add_axes((left_w, bottom, mid_w, fr))
    ax_r = fig.add_axes((left_w + mid_w, bottom, left_w, fr))
    block = LSTMDiagram("circuit", ax=ax_m, peepholes=False)
    ax_m.set_ylim(y0, y1)
    for g in "fizo":  # the gate captions collide at this size; the gates carry symbols
        block.texts[f"text:{g}"].set_visible(False)
    hi, lo = 6.0, 0.7  # the highway and the bus of the circuit
    y_out = 2.6  # where the circuit's y(t) leaves
    fs = MIN_TEXT_PT + 0.4
    for ax, step, px in ((ax_l, "t-1", 0.0), (ax_r, "t+1", 0.0)):
        ax.set_xlim(-side / 2, side / 2)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        box = FancyBboxPatch((-1.3, 0.2), 2.6, 6.3, boxstyle="round,pad=0,rounding_size=0.3",
                             fc="#F7F7F7", ec="#AAAAAA", lw=1.0)
        ax.add_patch(box)
        ax.text(px, 3.4, f"LSTM\nblock\nstep\n{step}", ha="center", va="center",
                fontsize=fs, color="#333333", linespacing=1.1)
        ax.annotate(rf"$\boldsymbol{{x}}^{{({step})}}$", xy=(px, 0.2), xytext=(px, -0.95),
                    ha="center", va="center", fontsize=fs,
                    arrowprops=dict(arrowstyle="-|>", color=INPUT, lw=1.2))
        ax.annotate("", xy=(px, 7.05), xytext=(px, 6.5),
                    arrowprops=dict(arrowstyle="-|>", color=HIDDEN, lw=1.2))
        ax.text(px, 7.1, rf"$\boldsymbol{{y}}^{{({step})}}$", ha="center", va="bottom",
                fontsize=fs)
    # the previous step's cell and output into the open block, its own out to the next
    links = (
        (ax_l, (1.3, hi), ax_m, (x0 + 0.25, hi), CELL, 2.4),
        (ax_l, (1.3, lo), ax_m, (x0 + 0.25, lo), FORWARD, 1.3),
        (ax_m, (x1 - 0.25, hi), ax_r, (-1.3, hi), CELL, 2.4),
        (ax_m, (x1 - 0.25, y_out), ax_r, (-1.3, y_out), FORWARD, 1.3),
    )
    for ax_a, xy_a, ax_b, xy_b, color, lw in links:
        fig.add_artist(ConnectionPatch(
            xy_a, xy_b, "data", "data", axesA=ax_a, axesB=ax_b, color=color, lw=lw,
            arrowstyle="-|>", mutation_scale=12, zorder=5,
        ))
    return fig

