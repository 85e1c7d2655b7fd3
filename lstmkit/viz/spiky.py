"""The spiky cube drawn exactly: a plane section through a stack of :math:`2^D` cubes.

Stack :math:`2^D` unit cubes into :math:`[-1, 1]^D` and put a ball of diameter 1 in each.
No picture can show all of :math:`\\mathbb{R}^D`, but a plane through the centre can be
drawn exactly. Take the plane spanned by the diagonal direction
:math:`\\boldsymbol{b} = (0, 1, \\dots, 1)/\\sqrt{D-1}` (horizontal) and the first axis
:math:`\\boldsymbol{e}_1` (vertical); together they contain the main diagonal
:math:`(1, \\dots, 1)`. In coordinates :math:`(t, s)` for the point
:math:`t\\boldsymbol{b} + s\\boldsymbol{e}_1`:

* the stack is the rectangle :math:`|s| \\le 1`, :math:`|t| \\le \\sqrt{D-1}`: the faces
  :math:`x_1 = \\pm 1` stay at distance 1, the corners :math:`(\\pm\\sqrt{D-1}, \\pm 1)` are at
  :math:`\\sqrt D`; the faces :math:`x_k = 0` (:math:`k \\ge 2`) of the small cubes all cut the
  plane in the line :math:`t = 0`;
* the four small balls centred at :math:`(\\pm\\tfrac12\\sqrt{D-1}, \\pm\\tfrac12)` lie in the
  plane and appear as true circles of radius :math:`\\tfrac12`; every other small ball misses
  the plane when :math:`D \\ge 3` (:func:`ball_offsets`);
* the central ball, of radius :math:`(\\sqrt D - 1)/2`, is a circle around the origin.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle

from . import colors

__all__ = ["ball_offsets", "spiky_section"]


def ball_offsets(D):
    r"""Distance from the drawing plane to the centre of every small ball, ``(2^D,)`` array.

    A small ball has the centre :math:`\boldsymbol{c} \in \{\pm\tfrac12\}^D`; with
    :math:`m` of the coordinates 2..D negative, its squared distance to the plane is

    .. math:: \lVert\boldsymbol c\rVert^2 - c_1^2 - (\boldsymbol c^\top\boldsymbol b)^2
              = \frac{m\,(D - 1 - m)}{D - 1},

    0 for :math:`m = 0` or :math:`D - 1`, at least :math:`(D-2)/(D-1) \ge \tfrac12` otherwise:
    more than the radius :math:`\tfrac12`, so only four balls meet the plane.
    Computed directly from the :math:`2^D` centres (``D`` at most 16).
    """
    if isinstance(D, bool) or not isinstance(D, int) or not 2 <= D <= 16:
        raise ValueError(f"D must be an int from 2 to 16; got {D!r}")
    centres = np.array(np.meshgrid(*[[-0.5, 0.5]] * D)).reshape(D, -1).T
    b = np.r_[0.0, np.ones(D - 1)] / math.sqrt(D - 1)
    e1 = np.r_[1.0, np.zeros(D - 1)]
    in_plane = np.outer(centres @ b, b) + np.outer(centres @ e1, e1)
    return np.linalg.norm(centres - in_plane, axis=1)


def spiky_section(D, ax=None, *, width=8.0):
    """Draw the exact section of the stack of :math:`2^D` cubes with their balls.

    Fixed axis limits (up to :math:`D = 12`), so that a slider over ``D`` shows the stack
    growing along the diagonal and the central ball growing towards the faces.
    Returns the figure; its ``alt`` attribute says what it shows.
    """
    if isinstance(D, bool) or not isinstance(D, int) or not 2 <= D <= 12:
        raise ValueError(f"D must be an int from 2 to 12; got {D!r}")
    if ax is None:
        fig = Figure(figsize=(width, 0.43 * width), layout="constrained")
        ax = fig.add_subplot()
    fig = ax.figure
    half = math.sqrt(D - 1)  # half-length of the stack along the diagonal direction
    r_c = (math.sqrt(D) - 1) / 2
    out = r_c > 1 + 1e-12
    ax.add_patch(Rectangle((-half, -1), 2 * half, 2, fill=False, lw=2, color=colors.FORWARD))
    ax.plot([0, 0], [-1, 1], color=colors.MUTED, lw=1)
    ax.plot([-half, half], [0, 0], color=colors.MUTED, lw=1)
    ax.plot([-half, half], [-1, 1], ls=":", color=colors.FORWARD, lw=1)
    for t in (-half / 2, half / 2):
        for s in (-0.5, 0.5):
            ax.add_patch(Circle((t, s), 0.5, color=colors.CELL, alpha=0.35, lw=0))
    central = colors.LOSS if out else colors.GATE_COLORS["z"]
    ax.add_patch(Circle((0, 0), r_c, color=central, alpha=0.6, lw=0))
    ax.annotate(
        f"corner at distance √{D} = {math.sqrt(D):.2f}",
        (half, 1),
        (half, 1.35),
        ha="right" if half > 2 else "center",
        va="bottom",
        arrowprops={"arrowstyle": "-", "color": colors.MUTED},
    )
    ax.text(-half, 1.05, "face at distance 1", ha="left", va="bottom")
    ax.set(xlim=(-3.6, 3.6), ylim=(-1.6, 1.75), aspect="equal", xticks=[], yticks=[])
    for side in ax.spines.values():
        side.set_visible(False)
    state = (
        "pokes out of the faces"
        if out
        else ("touches the faces" if abs(r_c - 1) < 1e-12 else "inside the stack")
    )
    ax.set_title(f"D = {D}: central ball diameter √D − 1 = {2 * r_c:.2f}, {state}")
    fig.alt = (
        f"Exact plane section of 2^{D} stacked unit cubes through the main diagonal: a "
        f"rectangle 2 high and {2 * half:.2f} long, four small balls of diameter 1 and the "
        f"central ball of diameter {2 * r_c:.2f}, which {state}."
    )
    return fig
