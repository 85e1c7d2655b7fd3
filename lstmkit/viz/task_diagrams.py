"""Task-type diagrams with the actual tokens written into the boxes.

``task_diagram(kind, inputs, outputs)`` draws one RNN task unrolled in time: input
boxes at the bottom (input colour), hidden states in the middle (hidden colour, chained
left to right; a second chain right to left for ``"bidirectional"``), outputs on top
(output colour). Each box carries the label of its token, value or frame, so the
drawing shows how many inputs and outputs the task has:

==================  ==========================================================
``many-to-one``     ``len(inputs)`` inputs, one output at the last step
``one-to-many``     one input; each output is fed back (dashed) as the next input
``many-to-many``    one output per input (aligned)
``bidirectional``   aligned, with a backward chain of hidden states
``ctc``             one output per frame, then the collapsed text on top
``seq2seq``         an encoder reads ``inputs``; a decoder starts from ``<s>`` and
                    feeds each output back as its next input (both chains labelled)
==================  ==========================================================

Every box gets a gid: ``"box:x:k"``, ``"box:h:k"``, ``"box:hb:k"`` (backward chain),
``"box:y:k"`` for column ``k``; feedback arrows ``"feedback:k"``; the collapsed text
``"collapsed"``.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .colors import FORWARD, HIDDEN, INPUT, MUTED, OUTPUT, tint

__all__ = ["TASK_DIAGRAM_KINDS", "task_diagram"]

#: The kinds :func:`task_diagram` draws.
TASK_DIAGRAM_KINDS = (
    "many-to-one",
    "one-to-many",
    "many-to-many",
    "bidirectional",
    "ctc",
    "seq2seq",
)

_BOX_W, _BOX_H = 0.86, 0.5
_FONT = 12.0
_INCH = 0.8  # inches per data unit of a new figure
_CHAR = 0.1 / _INCH  # data units per character at _FONT points (about 7 pt per character)


def _box(ax, x, y, label, fc, gid, *, w=_BOX_W, ls="-", fontsize=_FONT):
    patch = FancyBboxPatch(
        (x - w / 2, y - _BOX_H / 2),
        w,
        _BOX_H,
        boxstyle="round,pad=0,rounding_size=0.08",
        fc=fc,
        ec=FORWARD,
        lw=1.0,
        ls=ls,
        zorder=3,
    )
    patch.set_gid(gid)
    ax.add_patch(patch)
    if label:
        ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, zorder=4)


def _arrow(ax, p, q, *, color=FORWARD, ls="-", rad=0.0, gid=None):
    arrow = FancyArrowPatch(
        p,
        q,
        arrowstyle="-|>",
        mutation_scale=10,
        lw=1.0,
        color=color,
        ls=ls,
        shrinkA=0,
        shrinkB=0,
        connectionstyle=f"arc3,rad={rad}",
        zorder=2,
    )
    if gid:
        arrow.set_gid(gid)
    ax.add_patch(arrow)


def _check_labels(name, labels, at_least):
    if isinstance(labels, str) or not all(isinstance(s, str) for s in labels):
        raise TypeError(f"{name} must be a list of str labels; got {labels!r}")
    if len(labels) < at_least:
        raise ValueError(f"{name} needs at least {at_least} label(s); got {len(labels)}")
    return list(labels)


def task_diagram(kind, inputs, outputs, *, collapsed=None, title=None, ax=None):
    """Draw one RNN task with its tokens in the boxes.

    Parameters
    ----------
    kind : str
        One of :data:`TASK_DIAGRAM_KINDS`.
    inputs : list of str
        Labels of the input boxes (for ``one-to-many``, the single first input).
    outputs : list of str
        Labels of the output boxes. ``many-to-one`` takes one label; ``many-to-many``,
        ``bidirectional`` and ``ctc`` take one per input.
    collapsed : str, optional
        For ``ctc``: the collapsed text written above the frame outputs.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw here; otherwise a new figure about 0.8 inch per column (wider for long
        labels).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if kind not in TASK_DIAGRAM_KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {TASK_DIAGRAM_KINDS}")
    inputs = _check_labels("inputs", inputs, 1)
    outputs = _check_labels("outputs", outputs, 1)
    n_in, n_out = len(inputs), len(outputs)
    if kind == "many-to-one" and n_out != 1:
        raise ValueError(f"many-to-one has one output; got {n_out}")
    if kind == "one-to-many" and n_in != 1:
        raise ValueError(f"one-to-many has one input; got {n_in}")
    if kind in ("many-to-many", "bidirectional", "ctc") and n_out != n_in:
        raise ValueError(f"{kind} has one output per input; got {n_in} inputs, {n_out} outputs")
    if (collapsed is not None) != (kind == "ctc"):
        raise ValueError("collapsed is given exactly for kind='ctc'")

    # columns: (input label or None, input is fed back, output label or None)
    if kind == "many-to-one":
        cols = [(s, False, outputs[0] if k == n_in - 1 else None) for k, s in enumerate(inputs)]
    elif kind == "one-to-many":
        cols = [(inputs[0], False, outputs[0])]
        cols += [(outputs[k - 1], True, outputs[k]) for k in range(1, n_out)]
    elif kind == "seq2seq":
        cols = [(s, False, None) for s in inputs]
        cols += [("<s>" if k == 0 else outputs[k - 1], k > 0, outputs[k]) for k in range(n_out)]
    else:
        cols = [(s, False, outputs[k]) for k, s in enumerate(inputs)]

    bidir = kind == "bidirectional"
    longest = max(len(s) for s in [*inputs, *outputs, "<s>"])
    bw = max(_BOX_W, _CHAR * longest + 0.2)  # box width: the longest label fits
    dx = bw + 0.16  # column spacing
    # bidirectional: the forward box sits left of the column centre, the backward one right,
    # so that the arrows to the upper box pass beside the lower one
    hw = 0.62 * bw if bidir else bw
    off = (bw - hw) / 2 if bidir else 0.0
    y_x, y_h = 0.0, 1.0
    y_hb = 1.85 if bidir else None
    y_y = 2.75 if bidir else 2.0
    y_top = y_y + {"ctc": 1.0, "seq2seq": 0.9}.get(kind, 0.35)
    n = len(cols)
    xlim = (-0.6 * dx, (n - 0.4) * dx)
    ylim = (-0.45, y_top + (0.15 if title else 0.0))
    if ax is None:
        width = _INCH * (xlim[1] - xlim[0]) + 0.2
        height = _INCH * (ylim[1] - ylim[0]) + (0.35 if title else 0.1)
        fig = Figure(figsize=(width, height))
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.98 if not title else 1 - 0.4 / height))
    fig = ax.figure
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=_FONT)

    for k, (x_label, fed_back, y_label) in enumerate(cols):
        x = k * dx
        xf, xb = x - off, x + off  # forward and backward hidden boxes
        _box(ax, xf, y_h, "", tint(HIDDEN, 0.35), f"box:h:{k}", w=hw)
        if bidir:
            _box(ax, xb, y_hb, "", tint(HIDDEN, 0.7), f"box:hb:{k}", w=hw)
        if x_label is not None:
            ls = "--" if fed_back else "-"
            _box(ax, x, y_x, x_label, tint(INPUT, 0.3), f"box:x:{k}", w=bw, ls=ls)
            _arrow(ax, (xf, y_x + _BOX_H / 2), (xf, y_h - _BOX_H / 2))
            if bidir:
                _arrow(ax, (xb + hw / 4, y_x + _BOX_H / 2), (xb + hw / 4, y_hb - _BOX_H / 2))
        if y_label is not None:
            _box(ax, x, y_y, y_label, tint(OUTPUT, 0.35), f"box:y:{k}", w=bw)
            if bidir:
                _arrow(ax, (xb, y_hb + _BOX_H / 2), (xb, y_y - _BOX_H / 2))
                _arrow(ax, (xf - hw / 4, y_h + _BOX_H / 2), (xf - hw / 4, y_y - _BOX_H / 2))
            else:
                _arrow(ax, (x, y_h + _BOX_H / 2), (x, y_y - _BOX_H / 2))
        if fed_back:
            _arrow(
                ax,
                (x - dx + bw / 2, y_y),
                (x - bw / 2, y_x),
                ls="--",
                color=OUTPUT,
                gid=f"feedback:{k}",
            )
        if k + 1 < n:
            _arrow(ax, (xf + hw / 2, y_h), (xf + dx - hw / 2, y_h))
            if bidir:
                _arrow(ax, (xb + dx - hw / 2, y_hb), (xb + hw / 2, y_hb))
    if kind == "seq2seq":
        xm = (n_in - 0.5) * dx
        ax.plot([xm, xm], [ylim[0], y_y + 0.3], ls=":", lw=1.0, color=MUTED, zorder=0)
        for name, first, last in (("encoder", 0, n_in - 1), ("decoder", n_in, n - 1)):
            ax.text((first + last) * dx / 2, y_y + 0.6, name, ha="center", va="center",
                    fontsize=_FONT, color="#444444", gid=name)
    if kind == "ctc":
        y_c = y_y + 0.7
        ax.text(
            (n - 1) * dx / 2,
            y_c,
            f"collapse  \u2192  {collapsed}",
            ha="center",
            va="center",
            fontsize=_FONT + 1,
            gid="collapsed",
            bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": OUTPUT},
        )
    return fig
