"""lstmkit: the simple RNN and the LSTM in numpy, with backpropagation written by hand.

Every chapter of *Following the Flow* imports this package as ``import lstmkit as lk``
and calls its submodules by name:

====================  ==========================================================
``lk.rnn``            simple RNN forward pass and backpropagation through time
``lk.lstm``           vanilla LSTM (Greff et al. 2017) with optional peepholes
``lk.gradcheck``      central finite differences, to check any hand-made gradient
``lk.losses``         mean squared error and softmax cross-entropy
``lk.optim``          SGD, Adam and gradient-norm clipping
``lk.tasks``          the adding problem and the Seattle temperature series
``lk.train``          a small training loop for a recurrent model plus readout
``lk.viz``            diagrams and sliders that work with and without a kernel
``lk.lstm_fast``      the same LSTM, computed faster, for training loops and benchmarks
``lk.equations``      the LSTM's equations and deltas in LaTeX, tied to ``lk.lstm``
``lk.baselines``      forecasts to beat: the mean, persistence, a least-squares linear model
``lk.recall``         the marker-recall task: store a value at a marker, report it at a cue
``lk.variants``       Greff et al.'s LSTM variants as one-line changes of a step, and a GRU
``lk.lstm_paths``     one path at a time: nudged losses, the exact (c, y) state Jacobian
``lk.feedforward``    dense layers and convolutions, the non-recurrent mappings of ch. 1
``lk.task_types``     bidirectional RNN, generation with feedback, encoder-decoder
``lk.ctc``            the CTC collapsing map and greedy (best-path) decoding
``lk.birnn``          a trainable bidirectional simple RNN and its backward pass
``lk.seq2seq``        a trainable encoder-decoder: teacher forcing and free running
``lk.influence``      influence maps |do(t)/dx(s)| of dense, convolutional and recurrent models
``lk.perceptron``     Rosenblatt's perceptron and its learning rule
``lk.mlp``            a feed-forward network (multi-layer perceptron) with backpropagation
``lk.graphics``       4 x 4 homogeneous transforms and the perspective divide
``lk.dims``           balls, shells, angles and distances in D dimensions
====================  ==========================================================

Submodules are imported on first use, so ``import lstmkit`` stays cheap and does not
pull in matplotlib until a drawing is asked for.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    *("rnn", "lstm", "gradcheck", "losses", "optim", "tasks", "train", "viz"),
    *("feedforward", "task_types", "ctc"),  # chapter 1
    *("birnn", "influence", "seq2seq"),  # chapter 1
    *("perceptron", "mlp", "graphics"),  # chapter 3
    *("dims",),  # chapter 6
    *("lstm_fast", "equations"),  # chapters 4 and 5
    *("baselines", "recall", "variants"),  # chapter 4
    *("lstm_paths",),  # chapter 5
)
__all__ = list(_SUBMODULES)


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'lstmkit' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
