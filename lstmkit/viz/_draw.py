"""Drawing helpers shared by the diagrams: a :class:`Diagram` draws nodes, operator
nodes, arrows and labels on an ``Axes`` in data units with an equal aspect.

Every artist that stands for a node or an edge gets a ``gid`` that tests and sliders can
find with :func:`find_artists`: ``"node:<name>"`` (its text ``"label:<name>"``),
``"edge:<name>"`` (forward arrow), ``"back:<name>"`` (backward arrow),
``"peephole:<gate>"``, ``"route:<name>"`` and ``"elabel:<name>"`` (text on an edge).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path
from matplotlib.textpath import text_to_path

from .colors import FORWARD, text_color_for

__all__ = [
    "BOOK_WIDTH",
    "MIN_TEXT_PT",
    "TEXT_PT",
    "Diagram",
    "Node",
    "as_step_set",
    "check_animate",
    "check_magnitudes",
    "check_updates",
    "described",
    "find_artists",
    "new_figure",
    "restyle",
    "width_for",
]

#: Width of the book's text column in inches.
BOOK_WIDTH = 7.0
#: The book's code font and its text column at a 1280 px window, in CSS px (as measured
#: by ``tests/test_book_browser.py``).
CODE_PX, COLUMN_PX = 14.0, 688
#: Fewest pixels per inch at which the book shows a drawing: a notebook figure is saved
#: at its dpi (96 or 100) with a margin of 0.1 inch on each side and shrunk to the column
#: when wider, so a drawing ``BOOK_WIDTH`` wide gets ``COLUMN_PX / 7.2`` = 95.6 pixels per
#: inch or more; slider frames are rendered at 96 dpi or more and not shrunk.
SHOWN_DPI = COLUMN_PX / (BOOK_WIDTH + 0.2)
#: The smallest text of a drawing in points: 10.6 pt is 14.1 px at ``SHOWN_DPI``, as large
#: as the code font.
MIN_TEXT_PT = 10.6
#: Size in points of the text in a drawing of the book's width. Shown at 100 dpi in the
#: book's column (at about 94 %), 12 pt is 15.6 CSS px, above the 14 px of the code font.
TEXT_PT = 12.0


def new_figure(width, height):
    """A new figure of the given size in inches, not managed by pyplot (see :mod:`lstmkit.viz`)."""
    return Figure(figsize=(width, height))


def described(fig, alt, ax=None):
    """Give ``fig`` the description ``alt`` (as ``fig.alt``) when it is new (``ax`` is None).

    A figure drawn into a given ``ax`` may hold other drawings, so it keeps its own.
    Returns ``fig``.
    """
    if ax is None:
        fig.alt = alt
    return fig


def find_artists(obj, prefix):
    """The visible artists of a figure or axes whose ``gid`` starts with ``prefix``.

    Parameters
    ----------
    obj : matplotlib.figure.Figure or matplotlib.axes.Axes
        Where to look; for a figure all its axes are searched.
    prefix : str
        Start of the ``gid``, for instance ``"node:h:"`` or ``"back:"``.

    Returns
    -------
    list of matplotlib.artist.Artist
        In drawing order.
    """
    axes = obj.axes if hasattr(obj, "add_axes") else [obj]
    found = []
    for ax in axes:
        for artist in ax.get_children():
            gid = artist.get_gid()
            if gid is not None and gid.startswith(prefix) and artist.get_visible():
                found.append(artist)
    return found


def _same(name, old, new):
    """Whether the property ``name`` already has the value ``new``."""
    if name.endswith("color"):
        return to_rgba(old) == to_rgba(new)
    if new is None or isinstance(new, str | bool):
        return old == new
    return np.shape(old) == np.shape(new) and np.allclose(old, new)


def restyle(artist, **props):
    """Set the properties of ``artist`` (``facecolor=..., visible=...``) that differ.

    Unchanged properties are not set again, so only an artist whose look changes is
    marked ``stale``.
    """
    for name, value in props.items():
        if not _same(name, getattr(artist, f"get_{name}")(), value):
            getattr(artist, f"set_{name}")(value)


def as_step_set(steps, name):
    """Normalise ``None``, one integer or an iterable of integers to a set."""
    if steps is None:
        return set()
    if isinstance(steps, (int, np.integer)):
        return {int(steps)}
    try:
        return {int(s) for s in steps}
    except TypeError as err:
        raise TypeError(f"{name} must be an int or an iterable of ints, got {steps!r}") from err


@dataclass
class Node:
    """A drawn node: centre, half-sizes and its artists."""

    name: str
    x: float
    y: float
    hw: float
    hh: float
    shape: str
    patch: object = None
    texts: list = field(default_factory=list)
    extra: list = field(default_factory=list)

    def reach(self, ux, uy):
        """Distance from the centre to the outline along the unit vector ``(ux, uy)``."""
        if self.shape == "circle":
            return self.hw
        ax_, ay_ = abs(ux), abs(uy)
        tx = self.hw / ax_ if ax_ > 1e-12 else np.inf
        ty = self.hh / ay_ if ay_ > 1e-12 else np.inf
        return min(tx, ty)


#: ``$<base>^{(<sup>)}$``: node labels that are drawn as two texts (see ``Diagram.label``).
_SPLIT = re.compile(r"^\$(?P<base>.+?)\^\{\((?P<sup>[^{}]+)\)\}\$$")
_METRICS = {}
#: Size of a superscript relative to its base, and the raise of its baseline (in ems).
SUP_SCALE, SUP_RAISE = 0.7, 0.42


def _metrics(s, size, ismath):
    """Width, height and descent in points of a text, cached for the whole session."""
    key = (s, round(float(size), 2), ismath)
    if key not in _METRICS:
        _METRICS[key] = text_to_path.get_text_width_height_descent(
            s, FontProperties(size=size), ismath=ismath
        )
    return _METRICS[key]


def _head_size(lw):
    """Arrow-head size (``mutation_scale``) for a line ``lw`` points wide."""
    return 6 + 2.2 * lw


def _bezier(p0, c, p1, t):
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t**2 * p1


class Diagram:
    """An ``Axes`` in data units with an equal aspect, plus a node registry.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Draw here; otherwise a new figure ``width`` inches wide is made whose
        height follows the aspect of ``xlim`` and ``ylim``.
    xlim, ylim : tuple of float
        Visible data range.
    width : float
        Width of a new figure in inches.
    text_pt : float
        Largest font size in points that :meth:`font` gives.
    """

    def __init__(self, ax=None, *, xlim, ylim, width=BOOK_WIDTH, text_pt=11.0):
        dx = xlim[1] - xlim[0]
        dy = ylim[1] - ylim[0]
        if ax is None:
            fig = new_figure(width, width * dy / dx)
            ax = fig.add_axes((0, 0, 1, 1))
        self.ax = ax
        self.fig = ax.figure
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        pos = ax.get_position()
        fw, fh = self.fig.get_size_inches()
        #: points per data unit (equal aspect: the tighter direction wins)
        self.ppu = 72.0 * min(pos.width * fw / dx, pos.height * fh / dy)
        self.nodes = {}
        self.text_pt = text_pt

    # ------------------------------------------------------------------ sizes
    def font(self, units, lo=MIN_TEXT_PT, hi=None):
        """Font size in points for text about ``units`` data units tall, in ``[lo, hi]``.

        ``hi`` defaults to the diagram's ``text_pt``. Never below :data:`MIN_TEXT_PT`,
        whatever ``lo`` and ``hi`` say: smaller text would be smaller than the book's code.
        """
        lo = max(lo, MIN_TEXT_PT)
        hi = max(lo, self.text_pt if hi is None else hi)
        return float(np.clip(units * self.ppu, lo, hi))

    def lw(self, points):
        """A line width in points, thinned when the drawing is small."""
        return float(points * np.clip(self.ppu / 36.0, 0.5, 1.0))

    def add(self, artist):
        """Add a patch without updating the data limits (they are fixed)."""
        self.ax.add_artist(artist)
        return artist

    def label(self, xy, s, *, fontsize, color="black", zorder=5, gid=None):
        """A label centred on ``xy``; returns the list of texts drawn (one or two).

        A label ``$<base>^{(<sup>)}$`` (such as ``$\\boldsymbol{h}^{(3)}$``) is drawn as
        two texts, the base in mathtext and the superscript beside it (plain text when it
        holds only digits and minus signs), which renders faster than one mathtext. The
        base text gets ``gid``, the superscript ``"sup:..."``.
        """

        def put(x, y, text, size, **align):
            return self.ax.text(x, y, text, fontsize=size, color=color, zorder=zorder, **align)

        m = _SPLIT.match(s)
        if m is None:
            t = put(xy[0], xy[1], s, fontsize, ha="center", va="center")
            if gid:
                t.set_gid(gid)
            return [t]
        base = f"${m['base']}$"
        sup = m["sup"]
        sfs = SUP_SCALE * fontsize
        if re.fullmatch(r"[0-9\-]+", sup):
            sup_s, sup_math = "(" + sup.replace("-", "\u2212") + ")", False
        else:
            sup_s, sup_math = f"$({sup})$", True
        wb, hb, db = _metrics(base, fontsize, True)
        ws, hs, ds = _metrics(sup_s, sfs, sup_math)
        rise = SUP_RAISE * fontsize
        top = max(hb - db, rise + hs - ds)
        bottom = max(db, ds - rise)
        x0 = xy[0] - (wb + ws) / 2 / self.ppu
        yb = xy[1] - (top - bottom) / 2 / self.ppu
        t = put(x0, yb, base, fontsize, ha="left", va="baseline")
        t2 = put(x0 + wb / self.ppu, yb + rise / self.ppu, sup_s, sfs, ha="left", va="baseline")
        if gid:
            t.set_gid(gid)
            t2.set_gid("sup:" + gid.split(":", 1)[-1])
        return [t, t2]

    # ------------------------------------------------------------------ nodes
    def node(
        self,
        name,
        xy,
        label="",
        *,
        shape="circle",
        r=0.4,
        w=None,
        h=None,
        fc="white",
        ec=FORWARD,
        lw=1.2,
        fontsize=None,
        text_color=None,
        zorder=3,
        ls="-",
        gid=None,
    ):
        """Draw a node and register it under ``name``.

        ``shape`` is ``"circle"`` (radius ``r``), ``"box"`` or ``"round"``
        (rectangle with sharp or rounded corners, ``w`` by ``h``).  The patch
        gets the gid ``"node:<name>"`` unless ``gid`` is given.
        """
        x, y = float(xy[0]), float(xy[1])
        style = dict(fc=fc, ec=ec, lw=self.lw(lw), zorder=zorder, ls=ls)
        if shape == "circle":
            patch = Circle((x, y), r, **style)
            hw = hh = r
        else:
            w = 2 * r if w is None else w
            h = 2 * r if h is None else h
            hw, hh = w / 2, h / 2
            pad = min(w, h) * 0.22 if shape == "round" else 0
            patch = FancyBboxPatch(
                (x - hw + pad, y - hh + pad),
                w - 2 * pad,
                h - 2 * pad,
                boxstyle=f"round,pad={pad}" if shape == "round" else "square,pad=0",
                **style,
            )
        patch.set_gid(gid or f"node:{name}")
        self.add(patch)
        texts = []
        if label:
            if fontsize is None:
                fontsize = self.font(0.8 * min(hw, hh))
            if text_color is None:
                no_fill = fc is None or (isinstance(fc, str) and fc == "none")
                text_color = "black" if no_fill else text_color_for(fc)
            texts = self.label(
                (x, y),
                label,
                fontsize=fontsize,
                color=text_color,
                zorder=zorder + 0.5,
                gid=f"label:{name}",
            )
        nd = Node(name, x, y, hw, hh, "circle" if shape == "circle" else "box", patch, texts)
        self.nodes[name] = nd
        return nd

    def point(self, name, xy):
        """Register an invisible point (a junction) that edges may start or end at."""
        nd = Node(name, float(xy[0]), float(xy[1]), 0.0, 0.0, "circle")
        self.nodes[name] = nd
        return nd

    def op(self, name, xy, kind, *, r=0.22, fc="white", ec=FORWARD, lw=1.2, zorder=3):
        """An operator node.

        ``kind`` is ``"odot"`` (Hadamard product), ``"plus"``, ``"sigma"`` or
        ``"tanh"``.
        """
        x, y = float(xy[0]), float(xy[1])
        style = dict(fc=fc, ec=ec, lw=lw, zorder=zorder)
        if kind == "sigma":
            return self.node(name, (x, y), r"$\sigma$", r=r, fontsize=self.font(1.1 * r), **style)
        if kind == "tanh":
            size = dict(w=3.2 * r, h=1.8 * r, fontsize=self.font(0.75 * r))
            return self.node(name, (x, y), "tanh", shape="round", **size, **style)
        if kind not in ("odot", "plus"):
            raise ValueError(
                f"unknown operator kind {kind!r}; expected 'odot', 'plus', 'sigma', 'tanh'"
            )
        nd = self.node(name, (x, y), r=r, **style)
        if kind == "odot":
            mark = Circle((x, y), r * 0.28, fc=ec, ec="none", zorder=zorder + 0.5)
        else:
            s = r * 0.6
            cross = Path(
                [(x - s, y), (x + s, y), (x, y - s), (x, y + s)], [Path.MOVETO, Path.LINETO] * 2
            )
            mark = FancyArrowPatch(
                path=cross, arrowstyle="-", lw=self.lw(lw * 1.2), color=ec, zorder=zorder + 0.5
            )
        mark.set_gid(f"opmark:{name}")
        nd.extra.append(self.add(mark))
        return nd

    # ------------------------------------------------------------------ edges
    def _arrow(self, gid, lw, head, **kw):
        """Add an arrow (a line when not ``head``) ``lw`` points wide, thinned as :meth:`lw`."""
        lw = self.lw(lw)
        arrow = FancyArrowPatch(
            arrowstyle="-|>" if head else "-", mutation_scale=_head_size(lw), lw=lw, **kw
        )
        arrow.set_gid(gid)
        self.add(arrow)
        return arrow

    def set_edge_width(self, arrow, lw):
        """Give an arrow drawn by ``edge`` or ``path_arrow`` the line width ``lw`` (points)."""
        lw = self.lw(lw)
        restyle(arrow, linewidth=lw, mutation_scale=_head_size(lw))

    def _ends(self, a, b, rad, offset, shrink_a=True, shrink_b=True):
        na, nb = self.nodes[a], self.nodes[b]
        pa = np.array([na.x, na.y])
        pb = np.array([nb.x, nb.y])
        d = pb - pa
        dist = float(np.hypot(*d))
        perp = np.array([d[1], -d[0]]) / dist
        if offset:
            pa = pa + offset * perp
            pb = pb + offset * perp
        c = (pa + pb) / 2 + rad * dist * perp
        ua = (c - pa) / np.hypot(*(c - pa))
        ub = (pb - c) / np.hypot(*(pb - c))
        ra = na.reach(*ua) if shrink_a else 0.0
        rb = nb.reach(*ub) if shrink_b else 0.0
        if offset and na.shape == "circle":
            ra = np.sqrt(max(ra**2 - offset**2, 0.0))
        if offset and nb.shape == "circle":
            rb = np.sqrt(max(rb**2 - offset**2, 0.0))
        return pa + ra * ua, pb - rb * ub

    def edge(
        self,
        a,
        b,
        *,
        gid=None,
        color=FORWARD,
        lw=1.2,
        rad=0.0,
        offset=0.0,
        ls="-",
        head=True,
        alpha=1.0,
        zorder=2,
        label=None,
        label_t=0.5,
        label_off=0.25,
        label_color=None,
        fontsize=None,
        label_box=False,
        gap=0.04,
    ):
        """An arrow from node ``a`` to node ``b``, clipped at both outlines.

        ``rad`` bends the arrow (as matplotlib's ``arc3``: positive bends to the
        right of the direction of travel), ``offset`` shifts it sideways (to the
        right) so that a backward arrow can run beside a forward one.  ``label``
        is written next to the arrow at the parameter ``label_t`` in ``[0, 1]``,
        ``label_off`` units to the left (negative: to the right).
        """
        p0, p1 = self._ends(a, b, rad, offset)
        d = p1 - p0
        dist = float(np.hypot(*d))
        if gap and dist > 3 * gap:
            u = d / dist
            p0 = p0 + gap * u
            p1 = p1 - gap * u
        arrow = self._arrow(
            gid or f"edge:{a}->{b}",
            lw,
            head,
            posA=tuple(p0),
            posB=tuple(p1),
            connectionstyle=f"arc3,rad={rad}" if rad else "arc3",
            shrinkA=0,
            shrinkB=0,
            color=color,
            ls=ls,
            alpha=alpha,
            zorder=zorder,
        )
        if label:
            perp = np.array([d[1], -d[0]]) / dist
            c = (p0 + p1) / 2 + rad * dist * perp
            pt = _bezier(p0, c, p1, label_t) - label_off * perp
            self.text(
                pt,
                label,
                gid=f"elabel:{(gid or f'{a}->{b}').split(':', 1)[-1]}",
                color=label_color or color,
                fontsize=fontsize,
                box=label_box,
            )
        return arrow

    def path_arrow(
        self,
        points,
        *,
        gid,
        color=FORWARD,
        lw=1.2,
        ls="-",
        head=True,
        curve=False,
        zorder=2,
        alpha=1.0,
    ):
        """An arrow along a poly-line (or a cubic Bézier if ``curve`` and four points)."""
        pts = np.asarray(points, dtype=float)
        if curve:
            codes = [Path.MOVETO] + [Path.CURVE4] * (len(pts) - 1)
        else:
            codes = [Path.MOVETO] + [Path.LINETO] * (len(pts) - 1)
        return self._arrow(
            gid, lw, head, path=Path(pts, codes), color=color, ls=ls, zorder=zorder, alpha=alpha
        )

    def loop(
        self,
        name,
        *,
        side="top",
        size=0.6,
        spread=35,
        gid=None,
        color=FORWARD,
        lw=1.2,
        label=None,
        fontsize=None,
        zorder=2,
    ):
        """A self-loop on node ``name`` that leaves and re-enters on ``side``."""
        nd = self.nodes[name]
        base = {"top": 90, "bottom": 270, "left": 180, "right": 0}[side]
        a0, a1 = np.deg2rad(base + spread), np.deg2rad(base - spread)
        u0 = np.array([np.cos(a0), np.sin(a0)])
        u1 = np.array([np.cos(a1), np.sin(a1)])
        c = np.array([nd.x, nd.y])
        p0 = c + nd.reach(*u0) * u0
        p1 = c + nd.reach(*u1) * u1
        c0 = p0 + size * 1.4 * u0
        c1 = p1 + size * 1.4 * u1
        arrow = self.path_arrow(
            [p0, c0, c1, p1],
            gid=gid or f"edge:{name}->{name}",
            color=color,
            lw=lw,
            curve=True,
            zorder=zorder,
        )
        if label:
            ub = np.array([np.cos(np.deg2rad(base)), np.sin(np.deg2rad(base))])
            top = (p0 + p1) / 2 + ub * (size * 1.05 + 0.05)
            ha = {"top": "center", "bottom": "center", "left": "right", "right": "left"}[side]
            va = {"top": "bottom", "bottom": "top", "left": "center", "right": "center"}[side]
            self.text(
                top,
                label,
                color=color,
                ha=ha,
                va=va,
                fontsize=fontsize,
                gid=f"elabel:{name}->{name}",
            )
        return arrow

    # ------------------------------------------------------------------ text
    def text(
        self,
        xy,
        s,
        *,
        gid=None,
        color="black",
        fontsize=None,
        ha="center",
        va="center",
        box=False,
        zorder=6,
        **kw,
    ):
        """A text at ``xy`` in data units (``box`` puts it on a white rounded box)."""
        if fontsize is None:
            fontsize = self.font(0.3)
        t = self.ax.text(
            xy[0],
            xy[1],
            s,
            color=color,
            fontsize=fontsize,
            ha=ha,
            va=va,
            zorder=zorder,
            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9) if box else None,
            **kw,
        )
        if gid:
            t.set_gid(gid)
        return t


def check_animate(animate, allowed):
    """``animate`` (names of ``update`` arguments) as a set; other names are an error."""
    if isinstance(animate, str) or not isinstance(animate, Iterable):
        raise TypeError(
            f"animate must be a list of update() argument names such as {[allowed[0]]}, "
            f"got {animate!r}"
        )
    names = set(animate)
    unknown = sorted(map(str, names - set(allowed)))
    if unknown:
        raise ValueError(
            f"animate names arguments of update(), among {', '.join(allowed)}; "
            f"got {', '.join(unknown)}"
        )
    return names


def check_updates(changes, allowed, owner):
    """Raise ``TypeError`` when ``owner.update(**changes)`` names an argument not in ``allowed``."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise TypeError(
            f"{owner}.update() changes only {', '.join(allowed)}; got {', '.join(unknown)} "
            f"(make a new {owner} to change the others)"
        )


def check_magnitudes(values, T, name):
    """Reduce deltas of shape ``(T,)`` or ``(T, H)`` to per-step magnitudes ``(T,)``."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1 and arr.shape[0] == T:
        return np.abs(arr)
    if arr.ndim == 2 and arr.shape[0] == T:
        return np.linalg.norm(arr, axis=1)
    raise ValueError(f"{name} must have shape (T,) or (T, H) with T={T}, got shape {arr.shape}")


def width_for(magnitudes, vmax, lo=0.6, hi=4.5):
    """Line widths in points growing linearly with magnitude on ``[0, vmax]``."""
    vmax = float(vmax) if vmax and np.isfinite(vmax) and vmax > 0 else 1.0
    return lo + (hi - lo) * np.clip(np.abs(np.asarray(magnitudes, dtype=float)) / vmax, 0.0, 1.0)
