"""Sliders that step through matplotlib figures, live in Jupyter and static in the book.

One call serves both places a reader meets the book. ``slider(draw, t=range(10))``
returns a :class:`Slider`; displaying it offers the front end two views of the same
figures:

* a live ipywidgets view (one slider per parameter above the picture). The sliders are
  linked to the picture in the browser (``ipywidgets.jslink``), and the picture (a small
  anywidget, ``lstmkit.viz._player``) keeps every frame it has been sent: a move to
  values already shown swaps the image at once, without the kernel; a move to values not
  seen before asks the kernel, which calls ``draw`` (or takes the PNG from its own
  cache, shared with the static view) and sends the PNG back. JupyterLab and classic
  Jupyter with a running kernel pick this view. Only the first frame is drawn when it is
  displayed. The picture is an ``<img>`` with the frame's alt text.
* a static view (``text/html``) that needs no kernel. Every frame is rendered in
  advance, embedded as a ``data:`` PNG, and a small inline script swaps the image
  when an ``<input type="range">`` moves. The built book shows this view: MyST-NB
  copies ``text/html`` outputs into the page as they are, so the script runs on load.
  The frames are rendered only when ``LSTMKIT_STATIC_FRAMES=1`` (the book build sets it,
  see ``_ext/offline_book.py``); otherwise the static view is one sentence, so a live
  notebook does not pay for frames its front end never shows.

.. rubric:: Playing

A slider over time or training steps gets a Play/Pause button and a speed menu (0.5x to
4x) beside its parameter, in both views. Playing shows one frame after the other in the
order of the values given (``s=range(T, 0, -1)`` plays the backward pass from ``T`` down
to 1), every :data:`PLAY_INTERVAL_MS` milliseconds at 1x, and stops at the last value;
Play at the last value starts over from the first. Both are ordinary ``<button>`` and
``<select>`` elements: Tab reaches them, Space or Enter toggles play. Moving the static
slider by hand pauses it. Which parameter plays is chosen by ``play``: by default the
first one named in :data:`PLAYABLE_NAMES` (``t``, ``s``, ``step``, ``position``,
``epoch``, ``iteration``, ``lag``), ``play="name"`` for any other, ``play=False`` for
none::

    slider(draw, s=range(6, 0, -1))           # plays s: 6, 5, ..., 1
    slider(draw, T=range(1, 13), play="T")     # plays a parameter with another name
    slider(draw, t=range(12), play=False)      # no Play button

.. rubric:: The drawing contract

``draw`` is called with one keyword argument per slider parameter, for example
``draw(t=3)`` or ``draw(t=3, k=4)``, and must return a
``matplotlib.figure.Figure``. It may build a new figure on every call (with
``matplotlib.figure.Figure`` or with ``matplotlib.pyplot``), or build one figure once
and return that same figure after updating its artists, which is the fastest. The slider
renders the returned figure at the slider's ``dpi`` with an Agg canvas
(``lstmkit.viz.render.FrameRenderer``), then closes it with
``matplotlib.pyplot.close`` when pyplot manages it, so rendering many frames does not
accumulate open figures and the inline backend does not show them a second time (a
closed figure can still be updated and returned again). ``draw`` must therefore not rely
on its figure staying open in pyplot, and its figure must depend on its arguments only:
each combination of values is drawn once and cached. Every frame has the figure's own
size (frames never change size as tick labels change); use ``layout="constrained"`` to
fit labels.

.. rubric:: Fast live updates

When ``draw`` returns the same figure every time and marks the artists it changes as
animated (``artist.set_animated(True)``, or ``animate=[...]`` of ``lk.viz.UnfoldedRNN``
and ``lk.viz.DeltaHeatmap``), the slider draws everything else once and then only the
animated artists: a live update takes tens of milliseconds instead of hundreds. The
layout is then computed for the first frame and kept (see ``lstmkit.viz.render``)::

    fig = Figure(figsize=(6, 3.5), layout="constrained")
    ax = fig.add_subplot()
    (bar,) = ax.bar(["gradient"], [0], animated=True)
    ax.set_ylim(0, 9)

    def draw(t):
        bar.set_height(t)
        return fig

.. rubric:: Static frames and notebook size

The static view embeds one PNG per combination of parameter values, quantised to a
256-colour palette when that keeps the image faithful (root-mean-square error of at most
:data:`MAX_PALETTE_RMSE` grey levels) and full-colour otherwise. A typical 6 x 3.5 inch
line plot at the default 80 dpi costs 10 to 20 KB per frame. When the embedded frames
would exceed ``max_bytes`` (default :data:`MAX_STATIC_BYTES`), rendering stops with a
``ValueError`` rather than bloating the page.

Unless the environment variable ``LSTMKIT_STATIC_FRAMES`` is ``1``, the static view holds
no frames, only the sentence in :data:`PLACEHOLDER_HTML`. Committed notebooks are saved
this way; the book build sets the variable, re-executes them and embeds the frames.

.. rubric:: Example

A bar that grows with the step ``t``::

    from matplotlib.figure import Figure
    from lstmkit.viz.slider import slider

    def draw(t):
        fig = Figure(figsize=(6, 3.5), layout="constrained")
        ax = fig.add_subplot()
        ax.bar(["gradient"], [t])
        ax.set_ylim(0, 9)
        return fig

    slider(draw, t=range(10), alt="A bar of height {t}")
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math
import numbers
import os
import statistics
import struct
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from . import textsize
from .render import FrameRenderer

__all__ = [
    "MAX_PALETTE_RMSE",
    "MAX_STATIC_BYTES",
    "PLACEHOLDER_HTML",
    "PLAYABLE_NAMES",
    "PLAY_INTERVAL_MS",
    "STATIC_FRAMES_ENV",
    "Slider",
    "slider",
]

#: Default limit, in bytes, on the base64 frames embedded in one static slider.
MAX_STATIC_BYTES = 1_500_000

#: Largest root-mean-square error (in 0..255 grey levels) accepted from palette quantisation.
MAX_PALETTE_RMSE = 2.0

#: Parameter names that get a Play button without being asked (``play=None``): they
#: count time steps, positions in a sequence or training steps.
PLAYABLE_NAMES = ("t", "s", "step", "position", "epoch", "iteration", "lag")

#: Milliseconds per frame when playing at speed 1x.
PLAY_INTERVAL_MS = 600

#: Speed factors offered by the menu next to the Play button.
SPEEDS = (0.5, 1, 2, 4)

#: The Play button's icons (drawn, not font glyphs: a pause glyph is missing from many fonts).
PLAY_ICONS = {
    name: '<svg width="0.75em" height="0.75em" viewBox="0 0 10 10" fill="currentColor" '
    f'focusable="false" style="margin-right:0.4em;vertical-align:-0.05em">{shape}</svg>'
    for name, shape in (
        ("play", '<polygon points="1,0 10,5 1,10"/>'),
        (
            "pause",
            '<rect x="1" y="0" width="3" height="10"/><rect x="6" y="0" width="3" height="10"/>',
        ),
    )
}

#: Environment variable that, set to ``1``, puts the frames into the static view.
STATIC_FRAMES_ENV = "LSTMKIT_STATIC_FRAMES"

#: The whole static view when ``LSTMKIT_STATIC_FRAMES=0``.
PLACEHOLDER_HTML = (
    '<p class="lstmkit-slider-placeholder">Static frames are rendered when the book is built.</p>'
)

DEFAULT_DPI = 80
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# A live slider whose first frame took longer than this only redraws on release.
_CONTINUOUS_UPDATE_SECONDS = 0.1
_ON_VALUES = {"1", "true", "yes", "on"}
_uid_counter = itertools.count(1)


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class _Param:
    """One slider parameter: its name, its values and how a range input encodes them.

    When the values are integers in a rising arithmetic progression (``range(0, 20, 2)``),
    the range input and the IntSlider use the values themselves (``start``, ``step``);
    otherwise they use the position ``0 .. n-1`` and print the value beside it.
    """

    name: str
    values: tuple
    labels: tuple[str, ...]
    start: int | None
    step: int | None

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def uses_values(self) -> bool:
        return self.start is not None

    def range_attrs(self) -> tuple[int, int, int]:
        """``(min, max, step)`` of the ``<input type="range">``."""
        if self.uses_values:
            return self.start, self.start + self.step * (self.count - 1), self.step
        return 0, self.count - 1, 1

    def describe(self) -> str:
        """A short text such as ``t=0..9``."""
        if self.count == 1:
            return f"{self.name}={self.labels[0]}"
        return f"{self.name}={self.labels[0]}..{self.labels[-1]}"


def _label(value: Any) -> str:
    """The text printed beside the slider for ``value`` (floats to 4 significant digits)."""
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return f"{float(value):.4g}"
    return str(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def _progression(values: tuple) -> tuple[int, int] | None:
    """``(start, step)`` when ``values`` are integers rising by a constant step, else None."""
    if not all(_is_int(v) for v in values):
        return None
    ints = [int(v) for v in values]
    if len(ints) == 1:
        return ints[0], 1
    step = ints[1] - ints[0]
    if step <= 0 or any(b - a != step for a, b in itertools.pairwise(ints)):
        return None
    return ints[0], step


def _make_param(name: str, values: Any) -> _Param:
    """Check one ``name=values`` keyword and describe it as a :class:`_Param`."""
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise TypeError(
            f"slider parameter {name!r} must be a sequence of values such as range(10) "
            f"or [1, 2, 4, 8]; got {type(values).__name__} {values!r}"
        )
    values = tuple(values)
    if not values:
        raise ValueError(f"slider parameter {name!r} has no values; give at least one")
    start_step = _progression(values)
    start, step = start_step if start_step else (None, None)
    return _Param(name, values, tuple(_label(v) for v in values), start, step)


def _make_params(params: Mapping[str, Any]) -> tuple[_Param, ...]:
    if not 1 <= len(params) <= 2:
        raise ValueError(
            "slider takes one or two parameters given as name=values, for example "
            f"slider(draw, t=range(10)) or slider(draw, t=range(8), k=[1, 2, 4, 8]); "
            f"got {len(params)}: {', '.join(params) or 'none'}"
        )
    return tuple(_make_param(name, values) for name, values in params.items())


def _played(params: tuple[_Param, ...], play: Any) -> int:
    """The position of the played parameter in ``params``, or -1 for none (see ``slider``)."""
    names = [p.name for p in params]
    if play is None:
        automatic = [i for i, p in enumerate(params) if p.name in PLAYABLE_NAMES and p.count > 1]
        return automatic[0] if automatic else -1
    if play is False:
        return -1
    if not isinstance(play, str):
        raise TypeError(
            "play must be None (automatic), False or the name of a slider parameter such as "
            f"'t'; got {type(play).__name__} {play!r}"
        )
    if play not in names:
        raise ValueError(f"play={play!r} names no slider parameter; they are {', '.join(names)}")
    if params[names.index(play)].count < 2:
        raise ValueError(f"play={play!r}: the parameter has one value, so there is nothing to play")
    return names.index(play)


# --------------------------------------------------------------------------- alt text


def _default_alt(values: Mapping[str, Any]) -> str:
    return "Figure for " + ", ".join(f"{name} = {_label(v)}" for name, v in values.items())


def _make_alt(alt: Any) -> Callable[[Mapping[str, Any]], str]:
    """Turn ``alt`` (None, a format string or a callable) into ``values -> text``."""
    if alt is None:
        return _default_alt
    if isinstance(alt, str):
        return lambda values: alt.format_map(values)
    if callable(alt):
        return lambda values: alt(**values)
    raise TypeError(
        "alt must be None, a string such as 'Backward pass at step {t}', "
        f"or a callable alt(**values) -> str; got {type(alt).__name__}"
    )


# --------------------------------------------------------------------------- rendering


def _close(fig: Figure) -> None:
    """Close ``fig`` in pyplot if pyplot manages it (figures made with Figure() are not)."""
    if getattr(fig.canvas, "manager", None) is not None:
        import matplotlib.pyplot as plt

        plt.close(fig)


def _shrink_png(png: bytes) -> bytes:
    """Re-encode ``png`` as a palette PNG when that stays faithful, else as optimised RGB(A).

    Returns whichever of the candidates and the input is smallest, with the input's
    record of its smallest text (:mod:`lstmkit.viz.textsize`).
    """
    from PIL import Image

    with Image.open(io.BytesIO(png)) as opened:
        rgba = opened.convert("RGBA")
    if np.asarray(rgba)[..., 3].min() == 255:
        source, method = rgba.convert("RGB"), Image.Quantize.MAXCOVERAGE
    else:
        source, method = rgba, Image.Quantize.FASTOCTREE
    palette = source.quantize(256, method=method)
    error = np.asarray(palette.convert(source.mode), float) - np.asarray(source, float)
    faithful = math.sqrt(float(np.mean(error**2))) <= MAX_PALETTE_RMSE
    buffer = io.BytesIO()
    (palette if faithful else source).save(buffer, format="png", optimize=True)
    return textsize.with_chunk(min(buffer.getvalue(), png, key=len), textsize.raw(png))


def _png_size(png: bytes) -> tuple[int, int]:
    """``(width, height)`` in pixels, read from the PNG header."""
    return struct.unpack(">II", png[16:24])


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _size(n_bytes: float) -> str:
    """``n_bytes`` as a short text such as ``"2.0 MB"`` or ``"17 KB"``."""
    if n_bytes >= 1e6:
        return f"{n_bytes / 1e6:.1f} MB"
    return f"{n_bytes / 1e3:.0f} KB"


def _static_frames_enabled() -> bool:
    return os.environ.get(STATIC_FRAMES_ENV, "0").strip().lower() in _ON_VALUES


# --------------------------------------------------------------------------- static HTML

_SCRIPT = """<script>
(function () {
  "use strict";
  var me = document.currentScript;
  var root = me && me.parentNode;
  if (!root || !root.classList || !root.classList.contains("lstmkit-slider")) {
    root = document.getElementById("__ROOT_ID__");
  }
  if (!root || root.getAttribute("data-ready") === "1") { return; }
  root.setAttribute("data-ready", "1");
  var data = JSON.parse(root.querySelector("script.lstmkit-slider-data").textContent);
  var img = root.querySelector("img.lstmkit-slider-frame");
  var inputs = root.querySelectorAll("input.lstmkit-slider-input");
  var outputs = root.querySelectorAll("output.lstmkit-slider-value");
  data.frames[0] = img.getAttribute("src");
  function position(input, count) {
    var step = Number(input.step) || 1;
    var k = Math.round((Number(input.value) - Number(input.min)) / step);
    return Math.max(0, Math.min(count - 1, k));
  }
  function show() {
    var index = 0;
    for (var i = 0; i < inputs.length; i++) {
      var labels = data.labels[i];
      var k = position(inputs[i], labels.length);
      index = index * labels.length + k;
      outputs[i].textContent = labels[k];
      inputs[i].setAttribute("aria-valuetext", data.names[i] + " = " + labels[k]);
    }
    if (img.getAttribute("src") !== data.frames[index]) {
      img.setAttribute("src", data.frames[index]);
    }
    img.setAttribute("alt", data.alts[index]);
  }
  for (var i = 0; i < inputs.length; i++) {
    inputs[i].addEventListener("input", show);
    inputs[i].addEventListener("change", show);
  }
  var button = root.querySelector("button.lstmkit-slider-play");
  if (button) {
    var played = inputs[data.play];
    var speed = root.querySelector("select.lstmkit-slider-speed");
    var timer = null;
    var atEnd = function () {
      return position(played, data.labels[data.play].length) >= data.labels[data.play].length - 1;
    };
    var label = function (playing) {
      button.lastChild.textContent = playing ? "Pause" : "Play";
      button.firstChild.innerHTML = playing ? __PAUSE_ICON__ : __PLAY_ICON__;
    };
    var stop = function () {
      clearTimeout(timer);
      timer = null;
      label(false);
    };
    var later = function () {
      timer = setTimeout(tick, data.interval / Number(speed.value));
    };
    var tick = function () {
      played.value = String(Number(played.value) + (Number(played.step) || 1));
      show();
      if (atEnd()) { stop(); } else { later(); }
    };
    button.addEventListener("click", function () {
      if (timer !== null) { stop(); return; }
      if (atEnd()) { played.value = played.min; show(); }  // play from the end: start over
      label(true);
      later();
    });
    played.addEventListener("input", function () { if (timer !== null) { stop(); } });
  }
  root.querySelector(".lstmkit-slider-controls").hidden = false;
  root.querySelector(".lstmkit-slider-nojs").hidden = true;
  show();
})();
</script>"""


def _script(uid: str) -> str:
    """The static slider's script for the slider with root element ``uid``."""
    script = _SCRIPT.replace("__ROOT_ID__", uid)
    for name, svg in PLAY_ICONS.items():
        script = script.replace(f"__{name.upper()}_ICON__", _json_for_script(svg))
    return script


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``<``, ``>`` or ``&``)."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _player_html(uid: str, index: int, param: _Param) -> str:
    """The Play/Pause button and the speed menu of the played parameter."""
    options = "".join(
        f'<option value="{s}"{" selected" if s == 1 else ""}>{s}\u00d7</option>' for s in SPEEDS
    )
    return (
        f'<button type="button" class="lstmkit-slider-play" aria-controls="{uid}-p{index}" '
        f'style="min-width:6em"><span aria-hidden="true">{PLAY_ICONS["play"]}</span>Play</button>'
        f'<label for="{uid}-speed">speed</label>'
        f'<select class="lstmkit-slider-speed" id="{uid}-speed">{options}</select>'
    )


def _control_html(uid: str, index: int, param: _Param, played: bool = False) -> str:
    low, high, step = param.range_attrs()
    name, first = html.escape(param.name), html.escape(param.labels[0])
    input_id = f"{uid}-p{index}"
    return (
        '<div style="display:flex;align-items:center;gap:0.6em;margin:0.2em 0">'
        f'<label for="{input_id}" style="min-width:2em;font-weight:600">{name}</label>'
        f'<input type="range" class="lstmkit-slider-input" id="{input_id}" '
        f'min="{low}" max="{high}" step="{step}" value="{low}" autocomplete="off" '
        f'aria-valuetext="{name} = {first}" style="flex:0 1 22em;min-width:8em">'
        f'<output class="lstmkit-slider-value" id="{input_id}-value" for="{input_id}" '
        f'aria-live="polite" style="min-width:3em;font-variant-numeric:tabular-nums">'
        f"{first}</output>{_player_html(uid, index, param) if played else ''}</div>"
    )


def _static_html(
    uid: str,
    params: tuple[_Param, ...],
    uris: list[str],
    alts: list[str],
    size: tuple | None,
    play: int = -1,
) -> str:
    """The static slider: controls (shown by the script), first frame, data, script."""
    names = ", ".join(p.name for p in params)
    controls = "".join(_control_html(uid, i, p, i == play) for i, p in enumerate(params))
    dims = f'width="{size[0]}" height="{size[1]}" ' if size else ""
    first = ", ".join(f"{p.name} = {p.labels[0]}" for p in params)
    data = {
        "names": [p.name for p in params],
        "labels": [list(p.labels) for p in params],
        "alts": alts,
        "frames": [None, *uris[1:]],  # frame 0 lives in the <img> only
        "play": play,
        "interval": PLAY_INTERVAL_MS,
    }
    return (
        f'<div class="lstmkit-slider" id="{uid}" role="group" '
        f'aria-label="Slider over {html.escape(names)}" style="margin:0.5em 0">'
        f'<div class="lstmkit-slider-controls" hidden>{controls}</div>'
        f'<img class="lstmkit-slider-frame" id="{uid}-img" src="{uris[0]}" '
        f'alt="{html.escape(alts[0])}" {dims}'
        'style="display:block;max-width:100%;height:auto">'
        f'<p class="lstmkit-slider-nojs"><small>{_nojs_note(len(uris), first)}</small></p>'
        f'<script type="application/json" class="lstmkit-slider-data">'
        f"{_json_for_script(data)}</script>"
        f"{_script(uid)}</div>"
    )


def _nojs_note(count: int, first: str) -> str:
    """What a reader without JavaScript sees under the first frame."""
    if count == 1:
        return f"Showing the only frame ({html.escape(first)})."
    return (
        f"Showing the first of {count} frames ({html.escape(first)}); "
        "stepping through them needs JavaScript."
    )


def _new_uid(frames: list[bytes]) -> str:
    """An element id unique on the page: a per-process counter plus a digest of the frames."""
    digest = hashlib.sha1(str(next(_uid_counter)).encode())
    for png in frames:
        digest.update(png)
    return "lstmkit-slider-" + digest.hexdigest()[:12]


# --------------------------------------------------------------------------- the Slider


class Slider:
    """A figure that steps through parameter values, live in Jupyter, static in the book.

    Build it with :func:`slider`. Displaying it in a notebook yields three views: the live
    ipywidgets view, the static ``text/html`` view and a one-line ``text/plain`` summary.

    Parameters
    ----------
    draw : callable
        ``draw(**values) -> matplotlib.figure.Figure``; see the module documentation.
    params : mapping of str to sequence
        One or two parameter names, each with the non-empty sequence of its values.
    alt : None, str or callable, optional
        Alt text of each frame: a format string using the parameter names, such as
        ``"Backward pass at step {t}"``, or ``alt(**values) -> str``. By default
        ``"Figure for t = 3"``.
    dpi : float, optional
        Resolution of the rendered frames (live and static), 80 by default.
    max_bytes : int, optional
        Limit on the base64 frames embedded in the static view.
    play : None, False or str, optional
        The parameter that gets a Play button; see :func:`slider`.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> def draw(t):
    ...     fig = Figure(figsize=(3, 2))
    ...     fig.add_subplot().bar([0], [t])
    ...     return fig
    >>> Slider(draw, {"t": range(4)})
    <Slider t=0..3 (4 frames)>
    >>> Slider(draw, {"t": range(4)}).play
    't'
    """

    def __init__(
        self,
        draw: Callable[..., Figure],
        params: Mapping[str, Any],
        *,
        alt: Any = None,
        dpi: float = DEFAULT_DPI,
        max_bytes: int = MAX_STATIC_BYTES,
        play: Any = None,
    ):
        if not callable(draw):
            raise TypeError(
                f"draw must be a callable draw(**values) -> Figure; got {type(draw).__name__}"
            )
        if not isinstance(dpi, numbers.Real) or not dpi > 0:
            raise ValueError(f"dpi must be a positive number; got {dpi!r}")
        if not _is_int(max_bytes) or max_bytes <= 0:
            raise ValueError(f"max_bytes must be a positive integer; got {max_bytes!r}")
        self._draw = draw
        self._params = _make_params(params)
        self._played = _played(self._params, play)
        self._alt = _make_alt(alt)
        self.dpi = dpi
        self.max_bytes = int(max_bytes)
        self._alt_text(self._values_at((0,) * len(self._params)))  # fail early on a bad alt
        self._widget = None
        self._controls: list = []
        self._picture = None
        self._links: list = []
        self._cache: dict[tuple[int, ...], bytes] = {}  # PNG per positions, live or static
        self._renderer = FrameRenderer()  # keeps the canvas (and layers) of a reused figure

    # ----------------------------------------------------------------- description

    @property
    def names(self) -> tuple[str, ...]:
        """The parameter names, in slider order."""
        return tuple(p.name for p in self._params)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of values of each parameter."""
        return tuple(p.count for p in self._params)

    @property
    def play(self) -> str | None:
        """The name of the parameter the Play button steps through, or None."""
        return self._params[self._played].name if self._played >= 0 else None

    @property
    def frame_count(self) -> int:
        """Number of frames of the static view (the product of :attr:`shape`)."""
        return math.prod(self.shape)

    def __repr__(self) -> str:
        ranges = ", ".join(p.describe() for p in self._params)
        plural = "frame" if self.frame_count == 1 else "frames"
        return f"<Slider {ranges} ({self.frame_count} {plural})>"

    def _values_at(self, positions: tuple[int, ...]) -> dict[str, Any]:
        return {p.name: p.values[k] for p, k in zip(self._params, positions, strict=True)}

    def _alt_text(self, values: Mapping[str, Any]) -> str:
        try:
            text = self._alt(values)
        except (KeyError, IndexError) as error:
            raise ValueError(
                f"alt text refers to {error} but the slider parameters are {', '.join(self.names)}"
            ) from error
        if not isinstance(text, str):
            raise TypeError(f"alt(**values) must return a str; got {type(text).__name__}")
        return text

    # ----------------------------------------------------------------- rendering

    def _figure(self, values: Mapping[str, Any]) -> Figure:
        fig = self._draw(**values)
        if not isinstance(fig, Figure):
            hint = " (return ax.figure)" if hasattr(fig, "figure") else ""
            raise TypeError(
                "draw(**values) must return a matplotlib.figure.Figure; "
                f"got {type(fig).__name__} for {values!r}{hint}"
            )
        return fig

    def render(self, values: Mapping[str, Any], *, shrink: bool = False) -> bytes:
        """Call ``draw(**values)`` and return the PNG of its figure, then close the figure.

        Parameters
        ----------
        values : mapping
            One value per parameter name.
        shrink : bool, optional
            Re-encode for the smallest faithful PNG (slower; used for static frames).

        Returns
        -------
        bytes
            The PNG file.
        """
        fig = self._figure(values)
        try:
            png = self._renderer.png(fig, self.dpi)
        finally:
            _close(fig)
        return _shrink_png(png) if shrink else png

    def _png_at(self, positions: tuple[int, ...]) -> bytes:
        """The PNG for these slider positions, drawn once and then served from a cache.

        ``draw`` must depend on its values only, so a frame never has to be drawn twice:
        the live view reuses the frames the static view rendered, and vice versa.
        """
        if positions not in self._cache:
            self._cache[positions] = self.render(self._values_at(positions))
        return self._cache[positions]

    def frames(self) -> list[bytes]:
        """Render every static frame, in row-major order of the parameter values.

        Returns
        -------
        list of bytes
            One shrunk PNG per combination: frame ``i * len(k) + j`` has the ``i``-th
            value of the first parameter and the ``j``-th of the second.

        Raises
        ------
        ValueError
            As soon as the base64 frames exceed ``max_bytes``.
        """
        pngs, total = [], 0
        for positions in itertools.product(*(range(n) for n in self.shape)):
            pngs.append(_shrink_png(self._png_at(positions)))
            total += 4 * math.ceil(len(pngs[-1]) / 3)
            if total > self.max_bytes:
                raise ValueError(self._too_big_message(len(pngs), total))
        return pngs

    def _too_big_message(self, rendered: int, total: int) -> str:
        return (
            f"the static slider would embed more than {_size(self.max_bytes)} of frames: "
            f"{rendered} of {self.frame_count} frames already take {_size(total)} "
            f"(about {_size(total / rendered)} each). "
            f"Use fewer parameter values or a lower dpi (now {self.dpi}), "
            "or raise max_bytes if the page can afford it."
        )

    def alt_texts(self) -> list[str]:
        """The alt text of every static frame, in the order of :meth:`frames`."""
        combos = itertools.product(*(range(n) for n in self.shape))
        return [self._alt_text(self._values_at(positions)) for positions in combos]

    def to_html(self) -> str:
        """The self-contained static slider, with frames whatever the environment says.

        Returns
        -------
        str
            An HTML fragment: range inputs, the first frame, the frames as data URIs and
            an inline script; element ids are unique for every call.
        """
        pngs = self.frames()
        sizes = {_png_size(png) for png in pngs}
        size = sizes.pop() if len(sizes) == 1 else None
        uris = [_data_uri(png) for png in pngs]
        alts = self.alt_texts()
        return _static_html(_new_uid(pngs), self._params, uris, alts, size, self._played)

    def _static_view(self) -> str:
        return self.to_html() if _static_frames_enabled() else PLACEHOLDER_HTML

    # ----------------------------------------------------------------- live widget

    @property
    def widget(self):
        """The live ipywidgets view (a ``VBox`` of sliders above an ``HTML`` picture), made once."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    @property
    def values(self) -> dict[str, Any]:
        """The values the live view shows now (the first values before it exists)."""
        if not self._controls:
            return self._values_at((0,) * len(self._params))
        return self._values_at(self._live_positions())

    def _live_pairs(self):
        return zip(self._controls, self._params, strict=True)

    @staticmethod
    def _position(control, param: _Param) -> int:
        if param.uses_values:
            return (control.value - param.start) // param.step
        return control.index

    def _live_positions(self) -> tuple[int, ...]:
        return tuple(self._position(c, p) for c, p in self._live_pairs())

    def _build_widget(self):
        import ipywidgets as widgets

        from ._player import FramePicture

        first = (0,) * len(self._params)
        started = time.perf_counter()
        png = self._png_at(first)
        continuous = time.perf_counter() - started < _CONTINUOUS_UPDATE_SECONDS
        width, height = _png_size(png)
        self._picture = FramePicture(
            self._frame_png,
            first=png,
            width=width,
            height=height,
            axes=[{"count": p.count, "start": p.start, "step": p.step} for p in self._params],
            alts=self.alt_texts(),
            play=self._played,
            interval=PLAY_INTERVAL_MS,
        )
        self._controls = [self._make_control(widgets, p, continuous) for p in self._params]
        self._links = [
            widgets.jslink((control, "value" if param.uses_values else "index"),
                           (self._picture, f"value{i}"))
            for i, (control, param) in enumerate(self._live_pairs())
        ]  # fmt: skip
        return widgets.VBox([*self._controls, self._picture])

    def _positions_of(self, index: int) -> tuple[int, ...]:
        """The slider positions of frame ``index`` (row-major, as :meth:`frames`)."""
        positions = []
        for count in reversed(self.shape):
            index, k = divmod(index, count)
            positions.append(k)
        return tuple(reversed(positions))

    def _frame_png(self, index: int) -> bytes:
        """The PNG of frame ``index``: what the live view's picture asks the kernel for."""
        return self._png_at(self._positions_of(index))

    @staticmethod
    def _make_control(widgets, param: _Param, continuous: bool):
        common = {
            "description": param.name,
            "readout": True,
            "continuous_update": continuous,
            "style": {"description_width": "initial"},
        }
        if param.uses_values:
            low, high, step = param.range_attrs()
            return widgets.IntSlider(value=low, min=low, max=high, step=step, **common)
        return widgets.SelectionSlider(
            options=list(zip(param.labels, param.values, strict=True)), **common
        )

    def time_update(self, n: int = 20, *, cold: bool = True) -> float:
        """Median seconds the kernel takes to answer ``n`` live requests for a frame.

        The live view asks the kernel only for frames its browser has not been sent; the
        answer is the PNG (drawn and rendered, or taken from the kernel's cache).

        Parameters
        ----------
        n : int, optional
            Number of timed requests; they cycle through the values of the first
            parameter with more than one value.
        cold : bool, optional
            Empty the kernel's frame cache before every request, so each one calls
            ``draw`` and renders (the default); ``False`` times frames already drawn.

        Returns
        -------
        float
            The median time of one answer, in seconds.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1; got {n}")
        picture = self.widget.children[-1]  # build the view (and render frame 0) untimed
        movable = [i for i, count in enumerate(self.shape) if count > 1]
        stride = math.prod(self.shape[movable[0] + 1 :]) if movable else 0
        count = self.shape[movable[0]] if movable else 1
        times = []
        for i in range(1, n + 1):
            if cold:
                self._cache.clear()
            started = time.perf_counter()
            picture.answer((i % count) * stride)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    # ----------------------------------------------------------------- display

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        """The live widget view, the static HTML view and a text summary."""

        def wanted(mime: str) -> bool:
            return (include is None or mime in include) and (exclude is None or mime not in exclude)

        bundle: dict[str, Any] = {"text/plain": repr(self)}
        if wanted("text/html"):
            bundle["text/html"] = self._static_view()
        if wanted(WIDGET_MIME):
            bundle[WIDGET_MIME] = self.widget._repr_mimebundle_()[WIDGET_MIME]
        return bundle


def slider(
    draw: Callable[..., Figure],
    *,
    alt: Any = None,
    dpi: float = DEFAULT_DPI,
    max_bytes: int = MAX_STATIC_BYTES,
    play: Any = None,
    **params: Any,
) -> Slider:
    """Step through figures drawn by ``draw`` with one or two sliders.

    Parameters
    ----------
    draw : callable
        ``draw(**values) -> matplotlib.figure.Figure``, called with one keyword per
        parameter. The slider renders the figure and closes it.
    alt : None, str or callable, optional
        Alt text of each frame: a format string such as ``"Backward pass at step {t}"``,
        or ``alt(**values) -> str``. By default it names the values (``"Figure for t = 3"``).
    dpi : float, optional
        Resolution of the rendered frames, 80 by default (a 6 x 3.5 inch figure becomes
        480 x 280 pixels).
    max_bytes : int, optional
        Limit on the embedded static frames; above it displaying raises ``ValueError``.
    play : None, False or str, optional
        Which parameter gets a Play/Pause button and a speed menu, in both views.
        Playing steps through the parameter's values in the order given, one frame
        every :data:`PLAY_INTERVAL_MS` milliseconds at speed 1x, and stops at the last
        value; Play at the last value starts over from the first. ``None`` (the
        default) plays the first parameter named in :data:`PLAYABLE_NAMES` (``t``,
        ``s``, ``step``, ``position``, ``epoch``, ``iteration``, ``lag``: time and
        training steps) that has more than one value, and none if there is none. A name
        such as ``play="T"`` plays that parameter; ``play=False`` shows no button.
    **params : sequence
        One or two parameters, each a non-empty sequence of values, such as
        ``t=range(10)`` or ``t=range(8), k=[1, 2, 4, 8]``. The names ``alt``, ``dpi``,
        ``max_bytes`` and ``play`` are taken; use :class:`Slider` directly for those.

    Returns
    -------
    Slider
        Displays as a live widget in Jupyter and as a static slider in the book.

    Raises
    ------
    TypeError
        If ``draw`` is not callable, a parameter is not a sequence, or ``alt`` or
        ``play`` is invalid.
    ValueError
        If there are not one or two parameters, a parameter has no values, or ``play``
        names no parameter with more than one value.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> def draw(t, k):
    ...     fig = Figure(figsize=(6, 3.5), layout="constrained")
    ...     fig.add_subplot().plot(range(8), [k * (i <= t) for i in range(8)])
    ...     return fig
    >>> slider(draw, t=range(8), k=[1, 2, 4, 8], alt="Step {t} with scale {k}")
    <Slider t=0..7, k=1..8 (32 frames)>

    A parameter named ``t`` plays without being asked; ``play`` names another one, and
    ``play=False`` removes the button:

    >>> slider(draw, t=range(8), k=[1, 2, 4, 8]).play
    't'
    >>> slider(draw, t=range(8), k=[1, 2, 4, 8], play="k").play
    'k'
    """
    return Slider(draw, params, alt=alt, dpi=dpi, max_bytes=max_bytes, play=play)
