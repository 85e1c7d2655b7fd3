"""Drawings and sliders for the book, made with matplotlib only (no image files from elsewhere).

=======================  =====================================================================
``slider``               one call, two worlds: a live ipywidgets slider in Jupyter and a
                         kernel-free slider over precomputed frames in the HTML book
``rnn_neurons``          the simple RNN drawn as neurons with recurrent connections
``rnn_unfolded``         the simple RNN unfolded over time, optionally coloured by deltas
``UnfoldedRNN``          the same drawing as an object whose deltas, highlight, ... can change
``rnn_blackbox``         the compact drawing with a self-loop
``task_type(s)``         the six RNN task types (one-to-one ... bidirectional)
``lstm_circuit``         the LSTM block as a circuit with the cell highway on top
``lstm_odyssey``         the LSTM block as drawn by Greff et al. (2017)
``chain_graph`` etc.     chain-rule graphs: one path, two paths, n paths, one LSTM step
``delta_heatmap``        deltas over time and units
``DeltaHeatmap``         the same heat map as an object whose masked steps and title can change
``norm_vs_lag``          gradient norms against the lag, on a log scale
=======================  =====================================================================

Colours are defined once, in :mod:`lstmkit.viz.colors`. ``lstmkit.viz.render`` turns
figures into PNG frames for the sliders, redrawing only the artists marked animated.
"""

from . import colors
from .chain_rule import chain_graph, lstm_cell_graph, n_paths_graph, routes, two_paths_graph
from .lstm_diagrams import lstm_circuit, lstm_odyssey
from .plots import DeltaHeatmap, delta_heatmap, norm_vs_lag
from .render import FrameRenderer
from .rnn_diagrams import (
    TASK_KINDS,
    UnfoldedRNN,
    rnn_blackbox,
    rnn_neurons,
    rnn_unfolded,
    task_type,
    task_types,
)
from .slider import Slider, slider

__all__ = [
    "colors",
    "slider",
    "Slider",
    "FrameRenderer",
    "rnn_neurons",
    "rnn_unfolded",
    "UnfoldedRNN",
    "rnn_blackbox",
    "task_type",
    "task_types",
    "TASK_KINDS",
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
