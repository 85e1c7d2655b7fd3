"""The one colour scheme of the book.

Every drawing takes its colours from here, so a quantity has the same colour in every
chapter. The named colours come from the Okabe-Ito palette (Okabe and Ito 2008), which
stays readable with the common kinds of colour blindness, plus greys:

=====================  ===============  =============================================
name                   colour           used for
=====================  ===============  =============================================
``GATE_COLORS["z"]``   bluish green     block input ``z``
``GATE_COLORS["i"]``   orange           input gate ``i``
``GATE_COLORS["f"]``   reddish purple   forget gate ``f``
``GATE_COLORS["o"]``   yellow           output gate ``o``
``CELL``               blue             cell state ``c`` and the cell "highway"
``PEEPHOLE``           blue             peephole lines (dashed): they carry ``c``
``HIDDEN``             sky blue         hidden state ``h``, block output ``y``
``INPUT``              light grey       inputs ``x``
``OUTPUT``             mid grey         outputs ``o`` and predictions (simple RNN)
``DATA``               dark grey        measured data series (temperatures, weather)
``LOSS``               vermillion       losses ``J``, where every error flow starts
``FORWARD``            black            forward arrows
``BACKWARD``           vermillion       backward (error) arrows
=====================  ===============  =============================================

Node faces use a light ``tint`` of the colour, so black labels stay readable. Numbers
colour nodes through two colour maps with fixed ranges: activations with
``ACTIVATION_CMAP`` on ``[-1, 1]`` (``activation_color``), delta sizes with ``DELTA_CMAP``
on ``[0, vmax]`` (``delta_color``).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import Normalize, to_rgb, to_rgba_array

__all__ = [
    "OKABE_ITO",
    "GATE_COLORS",
    "GATE_NAMES",
    "CELL",
    "PEEPHOLE",
    "HIDDEN",
    "INPUT",
    "OUTPUT",
    "DATA",
    "LOSS",
    "FORWARD",
    "BACKWARD",
    "MUTED",
    "HIGHLIGHT_BG",
    "ROLE_COLORS",
    "CURVE_COLORS",
    "ACTIVATION_CMAP",
    "ACTIVATION_NORM",
    "DELTA_CMAP",
    "MASK_COLOR",
    "tint",
    "activation_color",
    "delta_color",
    "delta_norm",
    "text_color_for",
]

#: The eight colours of Okabe and Ito (2008), by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: One colour per LSTM gate: block input ``z``, input ``i``, forget ``f``, output ``o``.
GATE_COLORS = {
    "z": OKABE_ITO["bluish_green"],
    "i": OKABE_ITO["orange"],
    "f": OKABE_ITO["reddish_purple"],
    "o": OKABE_ITO["yellow"],
}

#: Long names of the gates, for legends and captions.
GATE_NAMES = {"z": "block input", "i": "input gate", "f": "forget gate", "o": "output gate"}

#: Cell state ``c`` and the cell highway.
CELL = OKABE_ITO["blue"]
#: Peephole lines; blue because they carry the cell state into a gate.
PEEPHOLE = OKABE_ITO["blue"]
#: Hidden state ``h`` of the simple RNN and block output ``y`` of the LSTM.
HIDDEN = OKABE_ITO["sky_blue"]
#: Inputs ``x``.
INPUT = "#BBBBBB"
#: Outputs ``o`` and predictions of the simple RNN.
OUTPUT = "#8C8C8C"
#: Measured data series (temperatures, weather): a neutral dark grey, no model quantity.
DATA = "#4D4D4D"
#: Losses ``J``: the error colour, because every error flow starts at a loss.
LOSS = OKABE_ITO["vermillion"]
#: Forward arrows.
FORWARD = OKABE_ITO["black"]
#: Backward (error) arrows.
BACKWARD = OKABE_ITO["vermillion"]
#: Parts of a drawing that are shown but not in focus.
MUTED = "#C8C8C8"
#: Background band behind highlighted time steps.
HIGHLIGHT_BG = "#FFF4CC"
#: Masked (not yet computed) cells of a heat map.
MASK_COLOR = "#E6E6E6"

#: Every role colour by name (the gates under their letters).
ROLE_COLORS = {
    "input": INPUT,
    "hidden": HIDDEN,
    "output": OUTPUT,
    "loss": LOSS,
    "cell": CELL,
    "peephole": PEEPHOLE,
    "forward": FORWARD,
    "backward": BACKWARD,
    **GATE_COLORS,
}

#: Colours for several curves in one plot (first: simple RNN, second: LSTM).
CURVE_COLORS = (
    OKABE_ITO["sky_blue"],
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["black"],
)

#: Diverging colour map for activations, centred on 0.
ACTIVATION_CMAP = "RdBu_r"
#: Fixed normalisation of activations: the range of ``tanh``.
ACTIVATION_NORM = Normalize(vmin=-1.0, vmax=1.0, clip=True)
#: Sequential colour map for delta magnitudes (white for zero).
DELTA_CMAP = "Oranges"


def tint(color, amount=0.55):
    """Mix a colour with white.

    Parameters
    ----------
    color : color
        Any matplotlib colour.
    amount : float
        Share of white in ``[0, 1]``; ``0`` keeps the colour, ``1`` gives white.

    Returns
    -------
    tuple of float
        The RGB triple of the tint.
    """
    rgb = np.asarray(to_rgb(color))
    return tuple(rgb + (1.0 - rgb) * float(amount))


def activation_color(values):
    """Colours of activations under the fixed diverging normalisation ``[-1, 1]``.

    Parameters
    ----------
    values : float or array_like
        Activations; values outside ``[-1, 1]`` get the end colours.

    Returns
    -------
    numpy.ndarray
        RGBA colours, shape ``values.shape + (4,)``.
    """
    cmap = mpl.colormaps[ACTIVATION_CMAP]
    return cmap(ACTIVATION_NORM(np.asarray(values, dtype=float)))


def delta_norm(vmax):
    """The linear normalisation ``[0, vmax]`` used for delta magnitudes.

    Parameters
    ----------
    vmax : float
        Magnitude that gets the darkest colour; a non-positive or non-finite
        ``vmax`` is replaced by ``1``.

    Returns
    -------
    matplotlib.colors.Normalize
    """
    vmax = float(vmax)
    if not np.isfinite(vmax) or vmax <= 0:
        vmax = 1.0
    return Normalize(vmin=0.0, vmax=vmax, clip=True)


def delta_color(magnitudes, vmax=None):
    """Colours of delta magnitudes under the linear normalisation ``[0, vmax]``.

    Parameters
    ----------
    magnitudes : float or array_like
        Magnitudes (the absolute value is taken).
    vmax : float, optional
        Magnitude that gets the darkest colour; defaults to the largest
        magnitude given.

    Returns
    -------
    numpy.ndarray
        RGBA colours, shape ``magnitudes.shape + (4,)``; a larger magnitude gets a
        darker colour.
    """
    mags = np.abs(np.asarray(magnitudes, dtype=float))
    if vmax is None:
        vmax = np.max(mags) if mags.size else 1.0
    return mpl.colormaps[DELTA_CMAP](delta_norm(vmax)(mags))


def text_color_for(background):
    """Black or white, whichever reads better on ``background``.

    Parameters
    ----------
    background : color
        The face colour behind the text.

    Returns
    -------
    str
        ``"black"`` or ``"white"``.
    """
    rgb = to_rgba_array(background)[0, :3]
    luminance = rgb @ np.array([0.2126, 0.7152, 0.0722])
    return "black" if luminance > 0.45 else "white"
