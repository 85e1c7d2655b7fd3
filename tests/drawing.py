"""Helpers shared by the tests of the diagrams (``test_diagrams``, ``test_chain_rule``,
``test_lstm_diagrams``): find artists by their gid, compare colours."""

import numpy as np
from matplotlib.colors import to_rgba

from lstmkit.viz import textsize
from lstmkit.viz._draw import MIN_TEXT_PT, SUP_SCALE, find_artists


def gids(fig, prefix):
    """The gids of the artists of ``fig`` whose gid starts with ``prefix``."""
    return [a.get_gid() for a in find_artists(fig, prefix)]


def kind_count(fig, kind):
    """Number of nodes ``node:<kind>:<t>``."""
    return sum(1 for g in gids(fig, "node:") if g.split(":")[1] == kind)


def luminance(rgba):
    return float(np.asarray(rgba)[:3] @ np.array([0.2126, 0.7152, 0.0722]))


def same_color(a, b):
    return np.allclose(to_rgba(a)[:3], to_rgba(b)[:3])


def node_patch(fig, name):
    (patch,) = [a for a in find_artists(fig, f"node:{name}") if a.get_gid() == f"node:{name}"]
    return patch


def check_fits_the_book(fig, name, *, min_pt=MIN_TEXT_PT):
    """At most 7 inches wide, nothing clipped, no two texts overlapping (a label and its
    superscript may touch), no text smaller than ``min_pt`` (by default the book's
    smallest, as large as its code font) and no superscript smaller than 0.7 of that."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    width, height = fig.get_size_inches()
    assert width <= 7.0 + 1e-9
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = fig.get_tightbbox(renderer)  # in inches
    tol = 0.02
    assert box.x0 >= -tol and box.y0 >= -tol, name
    assert box.x1 <= width + tol and box.y1 <= height + tol, name
    texts = [t for ax in fig.axes for t in ax.texts if t.get_visible() and t.get_text()]
    smallest = textsize.smallest_text(fig)  # every drawn text but superscripts
    assert smallest is None or smallest[0] >= min_pt - 1e-9, (name, smallest)
    sups = [t for t in texts if (t.get_gid() or "").startswith("sup:")]
    assert all(t.get_fontsize() >= SUP_SCALE * min_pt - 1e-9 for t in sups), name
    extents = [t.get_window_extent(renderer).shrunk(0.9, 0.8) for t in texts]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            gi = (texts[i].get_gid() or "").split(":", 1)[-1]
            gj = (texts[j].get_gid() or "").split(":", 1)[-1]
            if gi and gi == gj:  # a label and its superscript
                continue
            assert not extents[i].overlaps(extents[j]), (texts[i].get_text(), texts[j].get_text())
