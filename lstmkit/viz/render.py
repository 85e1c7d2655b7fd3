"""Render a figure to PNG again and again, redrawing only the artists that change.

A slider shows many frames of one figure. :class:`FrameRenderer` turns a figure into a
PNG and makes every later frame of the *same* figure cheap:

* It keeps one Agg canvas per figure, so matplotlib's caches of text layout stay warm,
  and draws the figure once per frame (``savefig`` draws it twice when it has a layout
  engine).
* When some artists are *animated* (``artist.set_animated(True)``, matplotlib's own mark
  for "this artist changes between frames"), everything else is drawn only once, into two
  layers, and a frame draws just the animated artists between them:

  1. the *under* layer: the figure background and, in every axes, the static artists
     drawn before its first animated one (all of an axes without animated artists);
  2. the animated artists, in the order matplotlib would draw them;
  3. the *over* layer: in every axes, the static artists drawn after its first animated
     one, plus the static artists that belong to the figure itself (a transparent image
     composited on top).

  Drawing text is what makes a full redraw slow (about 0.3 ms per label), and most
  labels are static, so this is several times faster. The layout is computed once, for
  the first frame, and then kept (a ``layout="constrained"`` figure is switched to
  ``fig.set_layout_engine("none")``), so the layers stay aligned with the animated
  artists. The layers are drawn again whenever the set of animated artists changes, or a
  static artist, an axes' limits, position or number of children changed.
* PNGs are encoded with a fast zlib level: a live frame is shown once, and the slider
  re-encodes its static frames as small as it can anyway.

A layered frame equals a full redraw whenever the drawing order of overlapping artists
is kept: an animated artist is drawn after every static artist of the under layer and
before every one of the over layer. That holds unless a static artist sits between two
overlapping animated artists in the drawing order, or axes overlap one another. Drawing
on a transparent layer and compositing it can change a pixel by one grey level.

Example::

    renderer = FrameRenderer()
    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1], animated=True)
    first = renderer.png(fig, dpi=80)   # draws the layers, then the line
    line.set_ydata([1, 0])
    second = renderer.png(fig, dpi=80)  # draws the line only
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from . import textsize

__all__ = ["FrameRenderer", "encode_png"]

#: zlib level of live frames: level 1 is about twice as fast as the default 6 and the
#: file only a few per cent larger.
LIVE_COMPRESS_LEVEL = 1


def encode_png(rgba: np.ndarray, compress_level: int = LIVE_COMPRESS_LEVEL) -> bytes:
    """PNG file of an ``(height, width, 4)`` uint8 RGBA image (RGB when it is opaque)."""
    from PIL import Image

    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(
            f"encode_png needs a (height, width, 4) uint8 RGBA array; "
            f"got shape {rgba.shape} and dtype {rgba.dtype}"
        )
    image = Image.fromarray(rgba)
    if rgba[..., 3].min() == 255:
        image = image.convert("RGB")  # a quarter less to compress
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=compress_level)
    return buffer.getvalue()


# --------------------------------------------------------------------------- drawing order


def _axes_units(ax: Axes) -> list[Artist]:
    """The children of ``ax`` in the order ``Axes.draw`` draws them (background first)."""
    children = [a for a in ax.get_children() if a is not ax.patch]
    return [ax.patch, *sorted(children, key=lambda a: a.get_zorder())]


def _figure_units(fig: Figure) -> list[Artist]:
    """The children of ``fig`` in the order ``Figure.draw`` draws them, except its background."""
    children = [a for a in fig.get_children() if a is not fig.patch]
    return sorted(children, key=lambda a: a.get_zorder())


def _animated_in(artist: Artist) -> list[Artist]:
    """The animated artists among ``artist`` and its descendants, in drawing order.

    An animated artist draws its own children, so they are not listed. An axis is searched
    for its label and offset text only: asking an axis for its ticks computes them.
    """
    if artist.get_animated():
        return [artist]
    if isinstance(artist, Axis):
        children = [artist.label, artist.offsetText]
    else:
        children = artist.get_children()
    return [found for child in children for found in _animated_in(child)]


@dataclass
class _Plan:
    """Which artists go into which layer, and the animated artists in drawing order."""

    under: list[Artist]
    over: list[Artist]
    animated: list[Artist]


def _plan(fig: Figure) -> _Plan:
    """Split the figure into the under layer, the animated artists and the over layer."""
    under, over, animated = [fig.patch], [], []
    for unit in _figure_units(fig):
        if not isinstance(unit, Axes):
            animated += _animated_in(unit)
            if not unit.get_animated():
                over.append(unit)
            continue
        split = False  # whether an animated child of the axes came already
        for child in _axes_units(unit):
            animated += _animated_in(child)
            split = split or child.get_animated()
            if not child.get_animated():
                (over if split else under).append(child)
    return _Plan(under, over, animated)


# --------------------------------------------------------------------------- layers


@contextmanager
def _hidden(artists):
    """Make ``artists`` invisible for a while, then give each its own visibility back."""
    visible = [a.get_visible() for a in artists]
    for a in artists:
        a.set_visible(False)
    try:
        yield
    finally:
        for a, v in zip(artists, visible, strict=True):
            a.set_visible(v)


def _signature(fig: Figure) -> tuple:
    """What the layers depend on besides the static artists themselves."""
    return tuple(
        (id(ax), len(ax.get_children()), tuple(ax.viewLim.bounds), tuple(ax.get_position().bounds))
        for ax in fig.axes
    )


@dataclass
class _Layers:
    """The two static layers of one figure at one dpi, and what they were drawn from."""

    plan: _Plan
    watched: list[Artist]  # the static artists (none of them holds an animated one)
    under: object  # an Agg BufferRegion
    over_index: np.ndarray  # flat indices of the pixels the over layer covers
    over_rgba: np.ndarray  # their colours, float32, shape (n, 4), values in 0..1
    key: tuple = ()  # dpi, animated artists and axes they were drawn for

    def current(self, key: tuple) -> bool:
        """Whether the layers still hold the figure: same key and no static artist changed."""
        return key == self.key and not any(a.stale and _inked(a) for a in self.watched)


def _inked(artist: Artist) -> bool:
    """Whether ``artist`` draws anything: a hidden artist or an empty text does not.

    ``ax.set_title`` touches the empty left and right titles too; that changes nothing.
    """
    return artist.get_visible() and not (isinstance(artist, Text) and not artist.get_text())


def _draw_layers(canvas: FigureCanvasAgg) -> _Layers:
    """Fix the layout, then draw the under and over layers of ``canvas.figure``."""
    fig = canvas.figure
    canvas.draw()  # computes the layout with every artist in place
    fig.set_layout_engine("none")
    plan = _plan(fig)
    with _hidden(plan.animated + plan.over):
        canvas.draw()
        under = canvas.copy_from_bbox(fig.bbox)
    with _hidden(plan.animated + plan.under):
        canvas.draw()
        over = np.array(canvas.buffer_rgba()).reshape(-1, 4)
    canvas.draw()  # puts back what a draw positions, such as titles (hiding moved them)
    index = np.flatnonzero(over[:, 3])
    watched = [a for a in plan.under + plan.over if not _animated_in(a)]
    for artist in watched:
        artist.stale = False  # from now on, stale means changed by the caller
    return _Layers(plan, watched, under, index, over[index].astype(np.float32) / 255)


def _composite(frame: np.ndarray, layers: _Layers) -> None:
    """Paint the over layer onto ``frame`` (straight RGBA, uint8) in place."""
    pixels = frame.reshape(-1, 4)
    dst = pixels[layers.over_index].astype(np.float32) / 255
    src = layers.over_rgba
    src_a, dst_a = src[:, 3:], dst[:, 3:]
    out_a = src_a + dst_a * (1 - src_a)
    out_rgb = (src[:, :3] * src_a + dst[:, :3] * dst_a * (1 - src_a)) / np.maximum(out_a, 1e-12)
    out = np.concatenate([out_rgb, out_a], axis=1)
    pixels[layers.over_index] = np.rint(out * 255).astype(np.uint8)


# --------------------------------------------------------------------------- the renderer


class FrameRenderer:
    """Renders figures to PNG, fast when the same figure comes back with a few changes.

    It remembers the last figure it rendered (its Agg canvas and, when the figure has
    animated artists, its static layers); a different figure starts afresh. See the
    module documentation for what is drawn when.
    """

    def __init__(self):
        self._fig = None
        self._canvas = None
        self._layers = None

    def png(self, fig: Figure, dpi: float) -> bytes:
        """The PNG of ``fig`` at ``dpi``: the whole figure on its own background colour.

        The ``savefig.*`` settings (``bbox``, ``facecolor``, ``transparent``) do not apply.
        The PNG records the size of the figure's smallest text (see :mod:`lstmkit.viz.textsize`).
        """
        return textsize.tag(encode_png(self.rgba(fig, dpi)), fig, dpi)

    def rgba(self, fig: Figure, dpi: float) -> np.ndarray:
        """The frame as an ``(height, width, 4)`` uint8 array (a view into the canvas)."""
        if not isinstance(fig, Figure):
            raise TypeError(f"FrameRenderer needs a matplotlib Figure; got {type(fig).__name__}")
        if fig is not self._fig:
            own = fig.canvas
            self._fig, self._canvas, self._layers = fig, FigureCanvasAgg(fig), None
            fig.set_canvas(own)
        with self._attached(fig, dpi) as canvas:
            animated = _plan(fig).animated
            if animated:
                self._draw_frame(canvas, (dpi, tuple(map(id, animated))))
            else:
                canvas.draw()
            return np.asarray(canvas.buffer_rgba())

    def _draw_frame(self, canvas: FigureCanvasAgg, animated_key: tuple) -> None:
        """Under layer, animated artists, over layer; the layers drawn again when stale."""
        fig = canvas.figure
        if self._layers is None or not self._layers.current((*animated_key, _signature(fig))):
            self._layers = _draw_layers(canvas)
            self._layers.key = (*animated_key, _signature(fig))  # the layout is fixed now
        canvas.restore_region(self._layers.under)
        renderer = canvas.get_renderer()
        for artist in self._layers.plan.animated:
            artist.draw(renderer)
        _composite(np.asarray(canvas.buffer_rgba()), self._layers)

    @contextmanager
    def _attached(self, fig: Figure, dpi: float):
        """Draw ``fig`` on this renderer's canvas at ``dpi``; then give back its own."""
        own_canvas, own_dpi = fig.canvas, fig.dpi
        fig.set_canvas(self._canvas)
        fig.dpi = dpi
        try:
            yield self._canvas
        finally:
            fig.dpi = own_dpi
            fig.set_canvas(own_canvas)
