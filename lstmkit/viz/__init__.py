"""Drawings and sliders for the book, made with matplotlib.

=======================  =====================================================================
``slider``               a slider over figures: live in Jupyter, kernel-free in the HTML book
``rnn_neurons``          the simple RNN drawn as neurons with recurrent connections
``UnfoldedRNN``          the simple RNN unfolded over time, optionally coloured by deltas
``rnn_blackbox``         the compact drawing with a self-loop
``task_diagram``         one RNN task type (many-to-one ... CTC), with its tokens in the boxes
``LSTMDiagram``          the LSTM block in either drawing, with values, for sliders
``lstm_circuit``         the LSTM block as a circuit with the cell highway on top
``lstm_odyssey``         the LSTM block as drawn by Greff et al. (2017)
``chain_graph`` etc.     chain-rule graphs: one path, two paths, n paths, one LSTM step
``DeltaHeatmap``         deltas over time and units
``norm_vs_lag``          gradient norms against the lag, on a log scale
``colors``               the book's colours (Okabe-Ito), one per quantity
``textsize``             the smallest text of a figure, recorded in its PNG
=======================  =====================================================================

Every drawing function takes ``ax=None``. Given an ``Axes``, it draws there and returns
that axes' figure. Without one, it returns a new ``matplotlib.figure.Figure`` that pyplot
does not track, so nothing needs closing. A notebook cell that ends with the call shows
the figure once, provided ``%matplotlib inline`` has run (the first cell of every chapter
does this); otherwise the cell shows only ``<Figure size ...>``.

The drawings of the simple RNN and the plots put a short description of what a new
figure shows in ``fig.alt`` (``UnfoldedRNN`` and ``DeltaHeatmap`` in ``.alt``, for their
current state): a start for the figure's alt text in a chapter.

``rnn_unfolded(...)`` and ``delta_heatmap(...)`` return just the figure of
``UnfoldedRNN(...)`` and ``DeltaHeatmap(...)``. Keep the object when the drawing should
change afterwards: its ``update`` method is what a slider calls.
"""

from . import colors, textsize
from .chain_rule import chain_graph, lstm_cell_graph, n_paths_graph, routes, two_paths_graph
from .lstm_diagrams import LSTMDiagram, lstm_circuit, lstm_odyssey
from .plots import DeltaHeatmap, delta_heatmap, norm_vs_lag
from .render import FrameRenderer
from .rnn_diagrams import (
    UnfoldedRNN,
    rnn_blackbox,
    rnn_neurons,
    rnn_unfolded,
)
from .slider import Slider, slider
from .task_diagrams import task_diagram

textsize.install()  # in IPython, every figure shown inline records its smallest text

__all__ = [
    "colors",
    "textsize",
    "slider",
    "Slider",
    "FrameRenderer",
    "rnn_neurons",
    "rnn_unfolded",
    "UnfoldedRNN",
    "rnn_blackbox",
    "task_diagram",
    "LSTMDiagram",
    "lstm_circuit",
    "lstm_odyssey",
    "chain_graph",
    "two_paths_graph",
    "n_paths_graph",
    "lstm_cell_graph",
    "routes",
    "delta_heatmap",
    "DeltaHeatmap",
    "norm_vs_lag",
]
