"""Helpers shared by the tests of the diagrams (``test_diagrams``, ``test_chain_rule``,
``test_lstm_diagrams``): find artists by their gid, compare colours."""

import numpy as np
from matplotlib.colors import to_rgba

from lstmkit.viz._draw import find_artists


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
