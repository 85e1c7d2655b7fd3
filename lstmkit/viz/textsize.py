"""The smallest text of a figure, written into its PNG so that the page can be checked.

A reader sees a figure's text at its size in image pixels (``points * dpi / 72``) times
the scale of the picture on the page (its displayed width over its width in pixels).
The page knows the scale, the PNG alone knows the text. So every PNG that lstmkit
makes carries the size of its smallest text in a ``tEXt`` chunk with the keyword
:data:`KEY` and a JSON value such as ``{"px": 15.3, "text": "tanh"}`` (``px`` is
``null`` for a figure without text):

* the frames of :class:`lstmkit.viz.render.FrameRenderer`, hence every live and static
  slider frame;
* in IPython, every ``matplotlib.figure.Figure`` a notebook shows inline:
  :func:`install` wraps the PNG printer that ``%matplotlib inline`` registers for
  figures (importing :mod:`lstmkit.viz` calls it). The PNG itself is unchanged apart
  from the chunk.

The text counted is what matplotlib draws: every visible, non-empty text of the figure,
including tick labels, axis labels, titles and legends (nothing of an axes whose axis is
switched off). It is read after the figure is drawn, without changing any artist, so a
slider's static layers stay valid. A superscript that a diagram draws as its own text
beside its base (gid ``"sup:..."``, see ``Diagram.label``) counts as part of the base, as
a superscript inside mathtext does: both are drawn at 0.7 of the base size.

``tests/test_book_browser.py`` reads the chunk of every picture in the built book and
compares its displayed size with the book's code font.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib

from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = ["KEY", "install", "read", "smallest_text", "tag"]

#: Keyword of the PNG ``tEXt`` chunk that holds the smallest text.
KEY = "lstmkit:smallest-text"
_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _drawn_texts(artist):
    """The texts among ``artist`` and its descendants that a draw puts on the canvas."""
    if not artist.get_visible():
        return
    if isinstance(artist, Text):
        if artist.get_text().strip():
            yield artist
        return
    if isinstance(artist, Axis):
        # The ticks as the last draw left them: asking the axis for its tick labels
        # would place them again and mark the axes stale.
        lo, hi = sorted(artist.get_view_interval())
        pad = 1e-9 * max(abs(lo), abs(hi), 1.0)
        ticks = [
            t
            for t in artist.majorTicks + artist.minorTicks
            if t.get_visible() and t.get_loc() is not None and lo - pad <= t.get_loc() <= hi + pad
        ]
        children = [artist.label, artist.offsetText]
        children += [label for t in ticks for label in (t.label1, t.label2)]
    elif isinstance(artist, Axes) and not artist.axison:
        children = [c for c in artist.get_children() if not isinstance(c, Axis)]
    else:
        children = artist.get_children()
    for child in children:
        yield from _drawn_texts(child)


def smallest_text(fig: Figure) -> tuple[float, str] | None:
    """``(size in points, text)`` of the smallest text ``fig`` draws, or None without text.

    Superscripts drawn as their own text (gid ``"sup:..."``) are not counted.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"smallest_text needs a matplotlib Figure; got {type(fig).__name__}")
    sizes = [
        (float(t.get_fontsize()), t.get_text())
        for t in _drawn_texts(fig)
        if not (t.get_gid() or "").startswith("sup:")
    ]
    return min(sizes, key=lambda s: s[0]) if sizes else None


# --------------------------------------------------------------------------- PNG chunks


def _chunks(png: bytes):
    """``(type, data, start, end)`` of every chunk of ``png``."""
    if png[:8] != _SIGNATURE:
        raise ValueError("not a PNG file: the 8-byte PNG signature is missing")
    pos = 8
    while pos + 8 <= len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        end = pos + 12 + length
        yield kind, png[pos + 8 : pos + 8 + length], pos, end
        pos = end


def _dpi(png: bytes) -> float | None:
    """Resolution in dots per inch from the ``pHYs`` chunk (matplotlib writes it), or None."""
    for kind, data, _, _ in _chunks(png):
        if kind == b"pHYs":
            per_unit, _, unit = struct.unpack(">IIB", data)
            return per_unit * 0.0254 if unit == 1 else None
        if kind == b"IDAT":
            return None
    return None


def tag(png: bytes, fig: Figure, dpi: float | None = None) -> bytes:
    """``png`` (a rendering of ``fig`` at ``dpi``) with the chunk :data:`KEY` of its smallest text.

    Without ``dpi`` the resolution is read from the PNG's ``pHYs`` chunk. A chunk of the
    same keyword already there is replaced.
    """
    dpi = _dpi(png) if dpi is None else dpi
    if dpi is None:
        raise ValueError("the PNG has no pHYs chunk: give the dpi it was rendered at")
    found = smallest_text(fig)
    value = {"px": None, "text": ""}
    if found is not None:
        value = {"px": round(found[0] * dpi / 72, 2), "text": found[1][:60]}
    return with_chunk(png, json.dumps(value))


def with_chunk(png: bytes, value: str | None) -> bytes:
    """``png`` with the ``tEXt`` chunk :data:`KEY` set to ``value`` (removed when None)."""
    kept = [png[:8]]
    for kind, data, start, end in _chunks(png):
        if kind == b"tEXt" and data.split(b"\0", 1)[0] == KEY.encode("latin-1"):
            continue
        kept.append(png[start:end])
        if kind == b"IHDR" and value is not None:
            body = KEY.encode("latin-1") + b"\0" + value.encode("latin-1")
            crc = zlib.crc32(b"tEXt" + body)
            kept.append(struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", crc))
    return b"".join(kept)


def raw(png: bytes) -> str | None:
    """The text of the chunk :data:`KEY` of ``png``, or None."""
    for kind, data, _, _ in _chunks(png):
        keyword, _, text = data.partition(b"\0")
        if kind == b"tEXt" and keyword == KEY.encode("latin-1"):
            return text.decode("latin-1")
    return None


def read(png: bytes) -> dict | None:
    """The smallest text recorded in ``png``: ``{"px": ..., "text": ...}``, or None."""
    text = raw(png)
    return None if text is None else json.loads(text)


# --------------------------------------------------------------------------- IPython


def _tagging(printer):
    """Wrap IPython's PNG printer of figures so that its PNG carries the chunk."""

    def print_png(fig):
        data = printer(fig)
        if data is None:  # IPython prints nothing for an empty figure
            return None
        if isinstance(data, str):  # base64, as IPython >= 8 registers it
            png = tag(base64.b64decode(data), fig)
            return base64.b64encode(png).decode("ascii")
        return tag(data, fig)

    print_png.lstmkit_tagging = True
    return print_png


def install(shell=None) -> bool:
    """Make the IPython ``shell`` (the running one by default) tag the PNG of every figure.

    Wraps the PNG printer registered for ``matplotlib.figure.Figure`` (by
    ``%matplotlib inline``); does nothing outside IPython, when no printer is
    registered, or when it is wrapped already. Returns whether the printer is wrapped.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter.formatters["image/png"]
    printer = formatter.type_printers.get(Figure)
    if printer is None:
        return False
    if not getattr(printer, "lstmkit_tagging", False):
        formatter.for_type(Figure, _tagging(printer))
    return True
