r"""Truncated BPTT as a family: which error paths each member keeps, what it misses, what it costs.

:class:`TruncationView` shows, for one truncation length :math:`k` at a time, the path
matrix of several members of the TBPTT(:math:`k_1, k_2`) family (see
:func:`lstmkit.rnn.kept_paths`: row :math:`s` is the output whose error is carried back,
column :math:`t` the step it reaches), beside two curves over all :math:`k`: the relative
error of the truncated gradient, and the backward matrix products it took (counted by
:func:`lstmkit.rnn.tbptt_gradient`). A slider over :math:`k` moves the matrices and the
dots on both curves together.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from ._draw import TEXT_PT
from .colors import MASK_COLOR, MUTED

__all__ = ["TruncationView"]


class TruncationView:
    r"""Path matrices of several truncations at one :math:`k`, and their error and cost.

    :meth:`update` takes ``k`` and ``{label: bool matrix (T, T)}`` and returns the figure.

    Parameters
    ----------
    T : int
        Sequence length; the matrices are ``(T, T)``.
    ks : sequence of int
        The truncation lengths the curves are drawn for (the slider's values).
    errors, products : dict
        ``{label: array over ks}``, one entry per member, in drawing order.
    colors : dict
        ``{label: colour}``.
    figsize : tuple of float
        Size of the figure in inches.
    """

    def __init__(self, T, ks, errors, products, colors, *, figsize=(6.4, 6.2)):
        labels = list(errors)
        if list(products) != labels or not set(labels) <= set(colors):
            raise ValueError("errors, products and colors must have the same labels")
        self.ks = np.asarray(ks)
        for label in labels:
            for name, table in (("errors", errors), ("products", products)):
                if np.shape(table[label]) != self.ks.shape:
                    raise ValueError(
                        f"{name}[{label!r}] must have shape {self.ks.shape} (one value per k)"
                    )
        self.T, self.labels = T, labels
        self.errors, self.products = errors, products
        self.fig = Figure(figsize=figsize, layout="constrained")
        grid = self.fig.add_gridspec(2, len(labels), height_ratios=[1, 1.15])
        lower = np.tril(np.ones((T, T), dtype=bool))
        self.images, self.titles = {}, {}
        for j, label in enumerate(labels):
            ax = self.fig.add_subplot(grid[0, j])
            cmap = ListedColormap(["white", MASK_COLOR, colors[label]])
            self.images[label] = ax.imshow(
                lower.astype(float), cmap=cmap, vmin=0, vmax=2, animated=True
            )
            ax.set_xticks([0, T - 1], [1, T])
            ax.set_yticks([0, T - 1], [1, T])
            ax.set_xlabel("step $t$ reached", fontsize=TEXT_PT - 1)
            if j == 0:
                ax.set_ylabel("output $s$", fontsize=TEXT_PT - 1)
            self.titles[label] = ax.set_title(label, fontsize=TEXT_PT - 1)
            self.titles[label].set_animated(True)
            ax.tick_params(labelsize=TEXT_PT - 2)
        bottom = grid[1, :].subgridspec(1, 2)
        self.ax_err = self.fig.add_subplot(bottom[0, 0])
        self.ax_cost = self.fig.add_subplot(bottom[0, 1])
        self.dots = {}
        for label in labels:
            c = colors[label]
            self.ax_err.semilogy(self.ks, errors[label], color=c, lw=1.5)
            self.ax_cost.plot(self.ks, products[label], color=c, lw=1.5, label=label)
            (e_dot,) = self.ax_err.plot([], [], "o", color=c, ms=7, animated=True)
            (p_dot,) = self.ax_cost.plot([], [], "o", color=c, ms=7, animated=True)
            self.dots[label] = (e_dot, p_dot)
        self.ax_cost.axhline(T - 1, color=MUTED, lw=2, ls="--", label="full BPTT")
        self.ax_err.set_xlabel("truncation length $k$")
        self.ax_err.set_ylabel("relative error")
        self.ax_cost.set_xlabel("truncation length $k$")
        self.ax_cost.set_ylabel("matrix products")
        self.ax_cost.legend(frameon=False, fontsize=TEXT_PT - 2, loc="upper left")
        for ax in (self.ax_err, self.ax_cost):
            ax.tick_params(labelsize=TEXT_PT - 1)
            for text in (ax.xaxis.label, ax.yaxis.label):
                text.set_fontsize(TEXT_PT)

    def update(self, k, masks, states=None):
        """Draw the path matrices of truncation length ``k`` (one of ``ks``)."""
        where = np.flatnonzero(self.ks == k)
        if where.size != 1:
            raise ValueError(f"k = {k!r} is not one of the view's ks {self.ks.tolist()}")
        i = int(where[0])
        lower = np.tril(np.ones((self.T, self.T), dtype=bool))
        for label in self.labels:
            mask = np.asarray(masks[label], dtype=bool)
            if mask.shape != (self.T, self.T):
                raise ValueError(f"masks[{label!r}] must have shape ({self.T}, {self.T})")
            self.images[label].set_data(lower.astype(float) + mask)
            stored = "" if states is None else f", {states[label][i]} states"
            self.titles[label].set_text(f"{label}\n{self.products[label][i]} products{stored}")
            e_dot, p_dot = self.dots[label]
            e_dot.set_data([k], [self.errors[label][i]])
            p_dot.set_data([k], [self.products[label][i]])
        return self.fig
