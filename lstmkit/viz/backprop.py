"""The backward pass drawn on the LSTM circuit: which deltas are known, and how large.

:func:`backward_circuit` colours the nodes whose delta is already computed by its size (the
book's delta colour map, with a colour bar) and greys out the others, so that "not yet
computed" cannot be mistaken for "small".
"""

import matplotlib as mpl
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure

from ._draw import restyle
from .colors import DELTA_CMAP, FORWARD, MASK_COLOR, MUTED, delta_norm
from .lstm_diagrams import LSTM_KEYS, LSTMDiagram

__all__ = ["backward_circuit"]


def backward_circuit(known, vmax, caption="", *, label="size of the delta"):
    r"""The circuit with the deltas in ``known`` coloured on ``[0, vmax]``, the rest grey.

    ``known`` maps names of :data:`lstmkit.viz.lstm_diagrams.LSTM_KEYS` (``"y"``, ``"o"``,
    ``"c"``, ``"f"``, ...) to non-negative sizes. Returns a new 7 x 4.9 inch figure with
    ``caption`` underneath and a colour bar labelled ``label`` on the right.
    """
    unknown = sorted(set(known) - set(LSTM_KEYS))
    if unknown:
        raise ValueError(f"known has names that are not nodes: {unknown}; use {LSTM_KEYS}")
    fig = Figure(figsize=(7.0, 4.9))
    ax = fig.add_axes((0.0, 0.12, 0.86, 0.88))
    block = LSTMDiagram("circuit", deltas=dict(known), vmax=vmax, ax=ax)
    for name in LSTM_KEYS:
        node = block.nodes.get(name)
        if name in known or node is None or node.patch is None:
            continue
        restyle(node.patch, facecolor=MASK_COLOR, edgecolor=MUTED)
        for text in node.texts:
            restyle(text, color="#767676")
    cax = fig.add_axes((0.88, 0.2, 0.025, 0.7))
    bar = fig.colorbar(ScalarMappable(delta_norm(vmax), mpl.colormaps[DELTA_CMAP]), cax=cax)
    bar.set_label(label, fontsize=12)
    bar.ax.tick_params(labelsize=11)
    fig.text(0.5, 0.05, caption, ha="center", va="center", fontsize=12, color=FORWARD)
    return fig
