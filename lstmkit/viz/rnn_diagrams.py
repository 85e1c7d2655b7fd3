r"""Diagrams of the simple RNN of chapter 2: as neurons, unfolded over time, and as a
black box. (The kinds of sequence tasks of chapter 1: :mod:`lstmkit.viz.task_diagrams`.)

Steps are labelled as in the book: the first step is 1 and the initial state is
:math:`\boldsymbol{h}^{(0)}`, so ``deltas[k]`` belongs to step ``k + 1`` (``t0`` changes the
first label). How the figures are made and shown: see :mod:`lstmkit.viz`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.patches import Rectangle

from ._draw import (
    TEXT_PT,
    Diagram,
    as_step_set,
    check_animate,
    check_magnitudes,
    check_updates,
    described,
    restyle,
    width_for,
)
from .colors import (
    BACKWARD,
    FORWARD,
    HIDDEN,
    HIGHLIGHT_BG,
    INPUT,
    LOSS,
    MUTED,
    OUTPUT,
    activation_color,
    delta_color,
    text_color_for,
    tint,
)

__all__ = [  # in the order of the API page
    "rnn_neurons",
    "rnn_unfolded",
    "UnfoldedRNN",
    "UNFOLDED_UPDATES",
    "rnn_blackbox",
]


def _lab(sym, t):
    """Mathtext label such as ``h^{(3)}`` in bold (vectors) or plain (scalars)."""
    return rf"${sym}^{{({t})}}$"


# --------------------------------------------------------------------------- neurons
def _layer_values(activations, n_in, n_hidden, n_out):
    if activations is None:
        return {}
    if not isinstance(activations, Mapping):
        activations = {"h": activations}
    sizes = {"x": n_in, "h": n_hidden, "o": n_out}
    out = {}
    for key, val in activations.items():
        if key not in sizes:
            raise ValueError(f"activations keys must be among 'x', 'h', 'o', got {key!r}")
        arr = np.asarray(val, dtype=float)
        if arr.shape != (sizes[key],):
            raise ValueError(
                f"activations[{key!r}] must have shape ({sizes[key]},), got shape {arr.shape}"
            )
        out[key] = arr
    return out


def rnn_neurons(n_in=3, n_hidden=4, n_out=2, *, activations=None, weights=None, ax=None):
    r"""A simple RNN drawn as neurons: input, hidden and output layer.

    The input neurons :math:`x_j` feed every hidden neuron (matrix ``U``), the
    hidden neurons feed every output neuron (matrix ``V``), and every hidden
    neuron feeds every hidden neuron one step later (matrix ``W``), drawn as
    curved arrows in the hidden-state colour: arrows to the right bend below the
    hidden layer, arrows to the left bend above it, and each neuron has a
    self-loop.

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        Number of neurons per layer (at least 1 each; at most 8 stays readable).
    activations : array_like or dict, optional
        Activations that colour the neurons with the diverging activation map on
        the fixed range ``[-1, 1]``: an array of shape ``(n_hidden,)`` for the
        hidden layer, or a dict with keys among ``"x"``, ``"h"``, ``"o"`` and
        arrays of the layer sizes.
    weights : dict, optional
        Matrices ``"U"`` ``(n_hidden, n_in)``, ``"W"`` ``(n_hidden, n_hidden)``
        and ``"V"`` ``(n_out, n_hidden)``.  The width of a connection grows with
        the flow along it: ``|weight|``, times ``|activation|`` of its source
        neuron when that layer's activations are given, scaled by the largest
        flow in the drawing.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure.

    Notes
    -----
    Node gids are ``"node:x:j"``, ``"node:h:j"``, ``"node:o:j"`` (``j`` from
    1); edge gids ``"edge:U:x:j->h:k"``, ``"edge:W:h:j->h:k"`` and
    ``"edge:V:h:j->o:k"``.
    """
    for name, n in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name} must be a positive int, got {n!r}")
    acts = _layer_values(activations, n_in, n_hidden, n_out)
    shapes = {"U": (n_hidden, n_in), "W": (n_hidden, n_hidden), "V": (n_out, n_hidden)}
    flows = {}
    if weights is not None:
        for key, mat in weights.items():
            if key not in shapes:
                raise ValueError(f"weights keys must be among 'U', 'W', 'V', got {key!r}")
            mat = np.abs(np.asarray(mat, dtype=float))
            if mat.shape != shapes[key]:
                raise ValueError(
                    f"weights[{key!r}] must have shape {shapes[key]}, got shape {mat.shape}"
                )
            src = {"U": "x", "W": "h", "V": "h"}[key]
            flows[key] = mat * np.abs(acts[src])[None, :] if src in acts else mat
    fmax = max((float(f.max()) for f in flows.values()), default=1.0)

    gaps = {"x": 1.25, "h": 1.6, "o": 1.25}  # more room between hidden neurons for the arcs
    counts = {"x": n_in, "h": n_hidden, "o": n_out}
    half = max((counts[k] - 1) * gaps[k] / 2 for k in counts)
    ys = {"x": 0.0, "h": 2.9, "o": 5.6}
    diag = Diagram(ax, xlim=(-half - 2.3, half + 1.9), ylim=(-0.75, 6.35), text_pt=TEXT_PT)
    r = 0.34
    fills = {"x": tint(INPUT, 0.3), "h": tint(HIDDEN, 0.45), "o": tint(OUTPUT, 0.45)}
    sym = {"x": "x", "h": "h", "o": "o"}
    for key in ("x", "h", "o"):
        n = counts[key]
        xs = (np.arange(n) - (n - 1) / 2) * gaps[key]
        colors = activation_color(acts[key]) if key in acts else [fills[key]] * n
        for j in range(n):
            diag.node(
                f"{key}:{j + 1}", (xs[j], ys[key]), rf"${sym[key]}_{{{j + 1}}}$", r=r, fc=colors[j]
            )
    left = -half - 1.15
    for key, text in (
        ("x", r"input $\boldsymbol{x}^{(t)}$"),
        ("h", r"hidden $\boldsymbol{h}^{(t)}$"),
        ("o", r"output $\boldsymbol{o}^{(t)}$"),
    ):
        diag.text((left, ys[key]), text, ha="center", fontsize=diag.font(0.3), gid=f"text:{key}")

    def width(key, i, j):
        if key not in flows:
            return 1.0
        return float(width_for(flows[key][i, j], fmax, lo=0.3, hi=3.0))

    # the layer-to-layer weights: U from x to h, V from h to o
    for key, src, dst, n_src, n_dst in (
        ("U", "x", "h", n_in, n_hidden),
        ("V", "h", "o", n_hidden, n_out),
    ):
        for j in range(n_src):
            for k in range(n_dst):
                a, b = f"{src}:{j + 1}", f"{dst}:{k + 1}"
                diag.edge(a, b, gid=f"edge:{key}:{a}->{b}", lw=width(key, k, j), alpha=0.8)
    for j in range(n_hidden):
        for k in range(n_hidden):
            a, b = f"h:{j + 1}", f"h:{k + 1}"
            style = dict(gid=f"edge:W:{a}->{b}", color=HIDDEN, lw=width("W", k, j) * 1.1)
            if j == k:
                diag.loop(a, side="left", size=0.2, spread=32, **style)
            else:
                diag.edge(a, b, rad=0.42, zorder=1.5, **style)
    right = half + 0.95
    fs = diag.font(0.36)
    diag.text((right, (ys["x"] + ys["h"]) / 2), r"$\boldsymbol{U}$", fontsize=fs, gid="text:U")
    diag.text((right, ys["h"]), r"$\boldsymbol{W}$", fontsize=fs, color=HIDDEN, gid="text:W")
    diag.text((right, (ys["h"] + ys["o"]) / 2), r"$\boldsymbol{V}$", fontsize=fs, gid="text:V")
    alt = (
        f"A simple RNN drawn as neurons: {n_in} inputs at the bottom, {n_hidden} hidden "
        f"neurons in the middle, {n_out} outputs on top. U connects every input to every "
        "hidden neuron, V every hidden neuron to every output, and W (curved arrows and "
        "self-loops) every hidden neuron to every hidden neuron one step later."
    )
    if acts:
        alt += " Neurons are coloured by their activations."
    if flows:
        alt += " Line widths show the flow along each connection."
    return described(diag.fig, alt, ax)


# --------------------------------------------------------------------------- unfolded
def _unfolded_deltas(deltas, T):
    """Split ``deltas`` into per-step magnitudes for ``h`` and (optionally) ``o``."""
    if deltas is None:
        return None, None
    if isinstance(deltas, Mapping):
        unknown = set(deltas) - {"h", "o"}
        if unknown or "h" not in deltas:
            raise ValueError(
                f"deltas as a dict needs the key 'h' and optionally 'o', got keys {sorted(deltas)}"
            )
        dh = check_magnitudes(deltas["h"], T, "deltas['h']")
        do = check_magnitudes(deltas["o"], T, "deltas['o']") if "o" in deltas else None
        return dh, do
    return check_magnitudes(deltas, T, "deltas"), None


def _hidden_values(values, T):
    """Per-step fill value (mean) and arrow magnitude (root mean square) of ``values``."""
    if values is None:
        return None, None
    arr = np.asarray(values, dtype=float)
    if arr.ndim not in (1, 2) or arr.shape[0] != T:
        raise ValueError(f"values must have shape (T,) or (T, H) with T={T}, got shape {arr.shape}")
    if arr.ndim == 1:
        return arr, np.abs(arr)
    return arr.mean(axis=1), np.sqrt((arr**2).mean(axis=1))


#: The arguments of :class:`UnfoldedRNN` that :meth:`UnfoldedRNN.update` can change.
UNFOLDED_UPDATES = ("deltas", "values", "highlight", "feeds", "vmax")


def rnn_unfolded(T=4, **kwargs):
    """The figure of ``UnfoldedRNN(T, **kwargs)``: the simple RNN unfolded over ``T`` steps.

    Takes the arguments of :class:`UnfoldedRNN`; use the class when the drawing should
    change afterwards, as in a slider. The figure's ``alt`` is the object's ``alt``.
    """
    graph = UnfoldedRNN(T, **kwargs)
    return described(graph.fig, graph.alt, kwargs.get("ax"))


class UnfoldedRNN:
    r"""The simple RNN unfolded over ``T`` steps as a computational graph.

    Each step ``t`` has the nodes :math:`\boldsymbol{x}^{(t)}`,
    :math:`\boldsymbol{h}^{(t)}` (with :math:`\boldsymbol{a}^{(t)}` inside: the node
    stands for both), :math:`\boldsymbol{o}^{(t)}`, :math:`\hat{\boldsymbol{y}}^{(t)}`
    and :math:`J^{(t)}`; the initial state :math:`\boldsymbol{h}^{(t_0-1)}` sits on
    the left. Edges carry the shared parameters ``U``, ``W``, ``V``.
    :meth:`update` changes ``deltas``, ``values``, ``highlight``, ``feeds`` and ``vmax``
    afterwards; the figure then looks like a fresh drawing with the new arguments.

    Parameters
    ----------
    T : int
        Number of steps (1 to about 10 stay readable).
    deltas : array_like or dict, optional
        Error signals :math:`\boldsymbol{\delta}_{\boldsymbol{h}}^{(t)}`, shape
        ``(T,)`` (magnitudes) or ``(T, H)`` (vectors; their Euclidean norm is
        used), or a dict ``{"h": ..., "o": ...}`` of such arrays. The ``h``
        nodes (and ``o`` nodes) are filled with the sequential delta map on the
        linear range ``[0, vmax]``, and backward arrows are drawn in the backward
        colour: from ``o(t)`` down to ``h(t)`` and from ``h(t+1)`` back to
        ``h(t)``, each as wide as the magnitude at its tail.
    values : array_like, optional
        Hidden states, shape ``(T,)`` or ``(T, H)``. Unless ``deltas`` is
        given, the ``h`` nodes are filled with the diverging activation map on
        the fixed range ``[-1, 1]`` (for vectors: the mean over units), and the
        forward arrows leaving ``h(t)`` are as wide as the root mean square of
        :math:`\boldsymbol{h}^{(t)}`.
    highlight : int or iterable of int, optional
        Steps (labels) to put on a shaded band.
    feeds : int, optional
        Step label ``t``: show which error flows the step-``t`` contribution to
        the gradients of ``U``, ``W`` and ``b`` needs, namely the losses
        :math:`J^{(s)}` for all ``s >= t`` flowing back to
        :math:`\boldsymbol{h}^{(t)}`. Those backward arrows and losses keep their
        colours, all others are drawn muted, and :math:`\boldsymbol{h}^{(t)}` gets
        a thick backward-coloured ring.
    backward : bool, optional
        Draw the backward arrows; by default they are drawn when ``deltas`` or
        ``feeds`` is given.
    show_loss : bool
        Draw :math:`\hat{\boldsymbol{y}}^{(t)}` and :math:`J^{(t)}` (default) or stop
        at :math:`\boldsymbol{o}^{(t)}`.
    vmax : float, optional
        Delta magnitude that gets the darkest colour and the widest arrow;
        defaults to the largest magnitude in ``deltas`` (fix it to keep a
        slider's scale constant).
    t0 : int
        Label of the first step.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure.
    animate : iterable of str, optional
        The :meth:`update` arguments that will change from frame to frame. The
        artists they restyle are marked animated, so that a slider redraws only those;
        the figure looks the same either way. The ``o`` nodes count for ``deltas`` only
        when the ``deltas`` given here have an ``"o"`` entry.

    ``T``, ``backward``, ``show_loss`` and ``t0`` fix the structure and cannot change.

    Raises
    ------
    ValueError
        If ``deltas`` or ``values`` does not have shape ``(T,)`` or ``(T, H)``,
        or ``feeds`` is not a step label.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    nodes : dict of str to Node
        The nodes by name (``"h:3"``, ``"J:1"``, ...), with their patch and texts.
    bands : dict of int to matplotlib.patches.Rectangle
        The highlight band of every step.
    arrows : dict of str to matplotlib.patches.FancyArrowPatch
        Forward and backward arrows by gid (``"edge:W:2"``, ``"back:h:3->h:2"``).
    feeds_label : matplotlib.text.Text
        The :math:`\boldsymbol{\delta}_{\boldsymbol{h}}^{(t)}` label of ``feeds``.

    Notes
    -----
    Node gids are ``"node:<kind>:<t>"`` with ``kind`` in ``x``, ``h``, ``o``,
    ``yhat``, ``J`` and ``"node:hinit:<t0-1>"`` for the initial state; forward
    edges ``"edge:<U|W|V|f|L>:<t>"``, backward arrows
    ``"back:<kind>:<t>-><kind>:<t'>"``.

    Examples
    --------
    >>> graph = UnfoldedRNN(T=4, deltas=[0.1, 0.2, 0.4, 0.8], animate=["highlight"])
    >>> fig = graph.update(highlight=range(3, 5))
    >>> [graph.bands[t].get_visible() for t in range(1, 5)]
    [False, False, True, True]
    """

    DX = 2.2
    ROWS = {"x": 0.0, "h": 1.7, "o": 3.4, "yhat": 4.85, "J": 6.3}
    R = 0.48
    TEXT, EDGE_TEXT = 0.45, 0.42  # heights of node and edge labels in data units

    def __init__(
        self,
        T=4,
        *,
        deltas=None,
        values=None,
        highlight=None,
        feeds=None,
        backward=None,
        show_loss=True,
        vmax=None,
        t0=1,
        ax=None,
        animate=(),
    ):
        if not isinstance(T, (int, np.integer)) or T < 1:
            raise ValueError(f"T must be a positive int, got {T!r}")
        animate = check_animate(animate, UNFOLDED_UPDATES)
        self.T, self.t0, self.show_loss, self.backward = int(T), int(t0), show_loss, backward
        self.steps = list(range(self.t0, self.t0 + self.T))
        self._args = dict.fromkeys(UNFOLDED_UPDATES)
        self._draw(ax)
        self.update(deltas=deltas, values=values, highlight=highlight, feeds=feeds, vmax=vmax)
        with_o = isinstance(deltas, Mapping) and "o" in deltas
        for artist in self._artists_changed_by(animate, with_o):
            artist.set_animated(True)

    # ----------------------------------------------------------------- drawing
    def _draw(self, ax):
        """Every artist the drawing may ever show, in neutral colours."""
        dx, rows, r = self.DX, self.ROWS, self.R
        top = rows["J"] if self.show_loss else rows["o"]
        diag = Diagram(
            ax, xlim=(-0.75, self.T * dx + 0.8), ylim=(-0.7, top + 0.62), text_pt=TEXT_PT
        )
        fs = diag.font(self.TEXT)
        self.diag, self.fig, self.nodes, self.arrows = diag, diag.fig, diag.nodes, {}
        self.bands = {}
        for k, t in enumerate(self.steps):
            band = Rectangle(
                ((k + 1) * dx - 0.85, -0.62), 1.7, top + 1.16, fc=HIGHLIGHT_BG, ec="none", zorder=0
            )
            band.set_gid(f"highlight:{t}")
            self.bands[t] = diag.add(band)
        hinit = f"hinit:{self.t0 - 1}"
        hinit_label = _lab(r"\boldsymbol{h}", self.t0 - 1)
        hinit_fill = tint(HIDDEN, 0.45)
        diag.node(hinit, (0.0, rows["h"]), hinit_label, r=r, fc=hinit_fill, ls="--", fontsize=fs)
        kinds = [("x", r"\boldsymbol{x}"), ("h", r"\boldsymbol{h}"), ("o", r"\boldsymbol{o}")]
        if self.show_loss:
            kinds.append(("yhat", r"\hat{\boldsymbol{y}}"))
        for k, t in enumerate(self.steps):
            for kind, symbol in kinds:
                fill = tint(INPUT, 0.3) if kind == "x" else tint(OUTPUT, 0.7)
                xy = ((k + 1) * dx, rows[kind])
                diag.node(f"{kind}:{t}", xy, _lab(symbol, t), r=r, fc=fill, fontsize=fs)
            if self.show_loss:
                xy, label = ((k + 1) * dx, rows["J"]), _lab("J", t)
                fill = tint(LOSS, 0.55)
                diag.node(f"J:{t}", xy, label, shape="round", w=1.0, h=0.72, fc=fill, fontsize=fs)
        self._draw_forward(hinit)
        self._draw_backward()
        self.feeds_label = diag.text(
            (0, 0),
            "",
            color=BACKWARD,
            ha="left",
            va="bottom",
            fontsize=diag.font(self.EDGE_TEXT),
            gid="text:feeds",
        )

    def _draw_forward(self, hinit):
        """The forward arrows with their labels (``W``, ``U``, ``V``, ``f`` on the first
        step only when ``T > 6``)."""
        efs = self.diag.font(self.EDGE_TEXT)
        for k, t in enumerate(self.steps):
            lab = self.T <= 6 or k == 0
            edges = [
                ("W", hinit if k == 0 else f"h:{t - 1}", f"h:{t}", r"$\boldsymbol{W}$"),
                ("U", f"x:{t}", f"h:{t}", r"$\boldsymbol{U}$"),
                ("V", f"h:{t}", f"o:{t}", r"$\boldsymbol{V}$"),
            ]
            if self.show_loss:
                edges += [("f", f"o:{t}", f"yhat:{t}", "$f$"), ("L", f"yhat:{t}", f"J:{t}", None)]
            for param, tail, head, label in edges:
                gid = f"edge:{param}:{t}"
                self.arrows[gid] = self.diag.edge(
                    tail,
                    head,
                    gid=gid,
                    label=label if lab else None,
                    label_off=0.2,
                    fontsize=efs,
                    label_color=FORWARD,
                )

    def _back_pairs(self, k, t):
        """The backward arrows of step ``t`` as (tail, head) node names."""
        pairs = [(f"o:{t}", f"h:{t}")]
        if self.show_loss:
            pairs += [(f"J:{t}", f"yhat:{t}"), (f"yhat:{t}", f"o:{t}")]
        if k + 1 < self.T:
            pairs.append((f"h:{t + 1}", f"h:{t}"))
        return pairs

    def _draw_backward(self):
        for k, t in enumerate(self.steps):
            for tail, head in self._back_pairs(k, t):
                gid = f"back:{tail}->{head}"
                self.arrows[gid] = self.diag.edge(
                    tail, head, gid=gid, color=BACKWARD, offset=-0.22, lw=1.6, zorder=2.5
                )

    # ----------------------------------------------------------------- changing
    def update(self, **changes):
        """Change some of ``deltas``, ``values``, ``highlight``, ``feeds``, ``vmax``.

        The arguments mean what they mean for the class; the others keep their
        values. Returns the figure.

        Raises
        ------
        TypeError
            For an argument that cannot change (``T``, ``show_loss``, ...).
        ValueError
            For values of the wrong shape; the drawing is then left as it was.
        """
        check_updates(changes, UNFOLDED_UPDATES, "UnfoldedRNN")
        args = {**self._args, **changes}
        dh, do = _unfolded_deltas(args["deltas"], self.T)
        hv, hrms = _hidden_values(args["values"], self.T)
        feeds = args["feeds"]
        if feeds is not None and int(feeds) not in self.steps:
            raise ValueError(
                f"feeds must be a step label in {self.t0}..{self.steps[-1]}, got {feeds!r}"
            )
        marked = as_step_set(args["highlight"], "highlight")
        self._args = args
        vmax = args["vmax"]
        if dh is not None and vmax is None:
            vmax = float(max(dh.max(), do.max() if do is not None else 0.0))
        for t, band in self.bands.items():
            restyle(band, visible=t in marked)
        self._restyle_nodes(dh, do, hv, vmax, feeds)
        self._restyle_forward(hrms)
        self._restyle_backward(dh, do, vmax, feeds, self._backward_shown(args))
        self._restyle_feeds_label(feeds)
        return self.fig

    def _backward_shown(self, args):
        """Whether the backward arrows are drawn for the arguments ``args``."""
        if self.backward is None:
            return args["deltas"] is not None or args["feeds"] is not None
        return self.backward

    @property
    def alt(self):
        """A short description of the drawing as it is now, for alt text."""
        first, last = self.steps[0], self.steps[-1]
        gives = "an output o(t), a prediction and a loss J(t)" if self.show_loss else "o(t)"
        parts = [
            f"The simple RNN unfolded over {self.T} steps: inputs x({first}) to x({last}) feed "
            f"hidden states h({first}) to h({last}), chained by W from h({first - 1}); "
            f"each h(t) gives {gives}."
        ]
        args = self._args
        if args["deltas"] is not None:
            parts.append("The hidden nodes are shaded by the size of their deltas.")
        elif args["values"] is not None:
            parts.append("The hidden nodes are coloured by their values.")
        marked = sorted(as_step_set(args["highlight"], "highlight"))
        if marked:
            parts.append(f"Highlighted steps: {', '.join(map(str, marked))}.")
        if args["feeds"] is not None:
            t = int(args["feeds"])
            parts.append(f"In colour: the errors from J({t}) to J({last}) flowing back to h({t}).")
        elif self._backward_shown(args):
            parts.append("Backward arrows carry the errors from the losses to every h(t).")
        return " ".join(parts)

    def _restyle_node(self, name, fc, ec=FORWARD, lw=1.2, text_color=None):
        node = self.nodes[name]
        restyle(node.patch, facecolor=fc, edgecolor=ec, linewidth=self.diag.lw(lw))
        for text in node.texts:
            restyle(text, color=text_color or text_color_for(fc))

    def _restyle_nodes(self, dh, do, hv, vmax, feeds):
        """Fills of ``h`` and ``o`` (deltas or values), the ring of ``feeds``, the losses."""
        if dh is not None:
            h_fill = delta_color(dh, vmax)
        elif hv is not None:
            h_fill = activation_color(hv)
        else:
            h_fill = [tint(HIDDEN, 0.45)] * self.T
        o_fill = delta_color(do, vmax) if do is not None else [tint(OUTPUT, 0.45)] * self.T
        for k, t in enumerate(self.steps):
            ring = feeds is not None and t == int(feeds)
            self._restyle_node(
                f"h:{t}", h_fill[k], ec=BACKWARD if ring else FORWARD, lw=3.0 if ring else 1.2
            )
            self._restyle_node(f"o:{t}", o_fill[k])
            if self.show_loss:
                active = feeds is None or t >= int(feeds)
                self._restyle_node(
                    f"J:{t}",
                    tint(LOSS, 0.55) if active else "white",
                    ec=FORWARD if active else MUTED,
                    text_color="black" if active else "#999999",
                )

    def _restyle_forward(self, hrms):
        """Arrows into and out of ``h`` as wide as the root mean square of the values."""
        for k, t in enumerate(self.steps):
            out_w = 1.2 if hrms is None else float(width_for(hrms[k], 1.0, lo=0.5, hi=3.5))
            in_w = 1.2 if hrms is None or k == 0 else float(width_for(hrms[k - 1], 1.0, 0.5, 3.5))
            self.diag.set_edge_width(self.arrows[f"edge:W:{t}"], in_w)
            self.diag.set_edge_width(self.arrows[f"edge:V:{t}"], out_w)

    def _restyle_backward(self, dh, do, vmax, feeds, shown):
        """Backward arrows: shown or not, muted before ``feeds``, as wide as their deltas."""
        dw = width_for(dh, vmax) if dh is not None else np.full(self.T, 1.6)
        dow = width_for(do, vmax) if do is not None else np.full(self.T, 1.6)
        for k, t in enumerate(self.steps):
            colour = BACKWARD if feeds is None or t >= int(feeds) else MUTED
            for tail, head in self._back_pairs(k, t):
                arrow = self.arrows[f"back:{tail}->{head}"]
                kind = tail.split(":")[0]  # o(t) -> h(t): delta o; h(t+1) -> h(t): delta h
                width = dow[k] if kind == "o" else dw[k + 1] if kind == "h" else 1.6
                restyle(arrow, visible=bool(shown), edgecolor=colour, facecolor=colour)
                self.diag.set_edge_width(arrow, float(width))

    def _restyle_feeds_label(self, feeds):
        """The :math:`\\boldsymbol{\\delta}_{\\boldsymbol{h}}^{(t)}` label beside ``h(feeds)``."""
        if feeds is None:
            restyle(self.feeds_label, visible=False)
            return
        node = self.nodes[f"h:{feeds}"]
        restyle(
            self.feeds_label,
            visible=True,
            text=rf"$\boldsymbol{{\delta}}_{{\boldsymbol{{h}}}}^{{({feeds})}}$",
            position=(node.x + 0.5, node.y + 0.55),
            gid=f"text:feeds:{feeds}",
        )

    def _artists_changed_by(self, names, with_o):
        """The artists whose look the :meth:`update` arguments ``names`` set.

        Backward arrows appear or vanish only when ``deltas`` and ``feeds`` both become
        None or stop being None, and the ``o`` nodes change with ``deltas`` only when
        they have an ``"o"`` entry (``with_o``); a slider redraws its static layers for
        such a rarer change.
        """

        def node_artists(kind, texts=True):
            nodes = [self.nodes[f"{kind}:{t}"] for t in self.steps if f"{kind}:{t}" in self.nodes]
            return [a for n in nodes for a in ([n.patch, *n.texts] if texts else [n.patch])]

        def arrows(*prefixes):
            return [a for gid, a in self.arrows.items() if gid.startswith(prefixes)]

        deltas = node_artists("h") + arrows("back:h:")
        if with_o:
            deltas += node_artists("o") + arrows("back:o:")
        changed = {
            "deltas": deltas,
            "vmax": deltas,
            "values": node_artists("h") + arrows("edge:W:", "edge:V:"),
            "highlight": list(self.bands.values()),
            "feeds": [
                *node_artists("h", texts=False),
                *node_artists("J"),
                *arrows("back:"),
                self.feeds_label,
            ],
        }
        found = [artist for name in names for artist in changed[name]]
        return list({id(a): a for a in found}.values())


# --------------------------------------------------------------------------- black box
def rnn_blackbox(*, ax=None):
    r"""The simple RNN as a black box: :math:`\boldsymbol{x}^{(t)}` into a cell with a self-loop.

    The self-loop carries :math:`\boldsymbol{h}^{(t-1)}` through a one-step delay
    (the black square) back into the cell.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure (3.2 inches wide).
    """
    diag = Diagram(ax, xlim=(-1.6, 2.7), ylim=(-0.6, 4.2), width=3.2, text_pt=TEXT_PT)
    fs = diag.font(0.36)
    diag.node("x", (0, 0), r"$\boldsymbol{x}^{(t)}$", r=0.45, fc=tint(INPUT, 0.3), fontsize=fs)
    diag.node(
        "h",
        (0, 1.8),
        r"$\boldsymbol{h}^{(t)}$",
        shape="round",
        w=1.7,
        h=0.95,
        fc=tint(HIDDEN, 0.45),
        fontsize=fs,
    )
    diag.node("o", (0, 3.6), r"$\boldsymbol{o}^{(t)}$", r=0.45, fc=tint(OUTPUT, 0.45), fontsize=fs)
    diag.edge("x", "h", gid="edge:U", label=r"$\boldsymbol{U}$", label_off=0.22, fontsize=fs)
    diag.edge("h", "o", gid="edge:V", label=r"$\boldsymbol{V}$", label_off=0.22, fontsize=fs)
    x0, x1 = 0.85, 1.9
    diag.path_arrow(
        [(x0, 2.05), (x1, 2.05), (x1, 1.55), (x0, 1.55)], gid="edge:W", color=FORWARD, lw=1.3
    )
    delay = Rectangle((x1 - 0.09, 1.71), 0.18, 0.18, fc=FORWARD, ec="none", zorder=4)
    delay.set_gid("delay")
    diag.add(delay)
    diag.text((x1 + 0.18, 1.8), r"$\boldsymbol{W}$", ha="left", fontsize=fs, gid="elabel:W")
    diag.text((-0.95, 1.8), "RNN\ncell", ha="right", fontsize=diag.font(0.3), gid="text:cell")
    alt = (
        "The simple RNN as a black box: the input x(t) enters the RNN cell h(t) through U, "
        "the output o(t) leaves it through V, and a loop through W with a one-step delay "
        "feeds h(t-1) back into the cell."
    )
    return described(diag.fig, alt, ax)
