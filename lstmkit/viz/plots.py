r"""Plots of numbers the backward pass produces.

The module draws:

``delta_heatmap``
    deltas (or their magnitudes) per time step and unit, with the steps not yet
    reached by a backward pass masked;
``norm_vs_lag``
    the norm of :math:`\partial J^{(t)} / \partial \boldsymbol{h}^{(t-\ell)}` against the
    lag :math:`\ell` on a logarithmic axis, for one or several models.

Without ``ax``, every function returns a new ``matplotlib.figure.Figure`` that
pyplot does not manage, so no ``pyplot.close`` is needed to free it.  IPython
shows such a figure as an image only once ``%matplotlib inline`` has run in the
kernel (that registers the inline backend's figure formatter); without it, a
cell ending with the call shows only the text ``<Figure size ...>``.  The book's
chapters start with ``%matplotlib inline``, so there a cell ending with the call
shows the figure exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib as mpl
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ._draw import check_animate, restyle
from .colors import ACTIVATION_CMAP, BACKWARD, CURVE_COLORS, DELTA_CMAP, MASK_COLOR

__all__ = ["HEATMAP_UPDATES", "DeltaHeatmap", "delta_heatmap", "norm_vs_lag"]


def _axes(ax, size, right=0.25):
    """A new figure with margins (in inches) that fit the tick and axis labels."""
    if ax is None:
        w, h = size
        fig = Figure(figsize=size)
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.85 / w, right=1 - right / w, bottom=0.6 / h, top=1 - 0.35 / h)
        return fig, ax, True
    return ax.figure, ax, False


def delta_heatmap(
    deltas,
    *,
    upto=None,
    signed=False,
    vmax=None,
    t0=1,
    ax=None,
    title=None,
    colorbar=True,
    ylabel="hidden unit",
):
    r"""Deltas per time step (horizontal) and unit (vertical) as a heat map.

    Parameters
    ----------
    deltas : array_like
        Shape ``(T, H)`` (or ``(T,)`` for one unit); row ``k`` belongs to step
        ``t0 + k``.
    upto : int, optional
        Step label ``s``: only the steps ``t >= s`` are filled, the steps
        ``t < s`` are masked (drawn in light grey), as after a backward pass
        that has gone from the last step back to step ``s``.  ``s = t0 + T``
        masks every step; ``None`` masks none.
    signed : bool
        Show the signed deltas with the diverging map on ``[-vmax, vmax]``
        instead of the magnitudes with the sequential delta map on
        ``[0, vmax]``.
    vmax : float, optional
        Fixed end of the colour scale; defaults to the largest magnitude of
        *all* of ``deltas`` (masked steps included), so a stepper keeps one
        scale throughout.
    t0 : int
        Label of the first step: 1 by default, as in the book's notation, where
        :math:`\boldsymbol{x}^{(1)}` is stored at index 0 and the initial state is
        :math:`\boldsymbol{h}^{(0)}`.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure (7 by 2.8 inches).
    title : str, optional
        Axes title.
    colorbar : bool
        Add a colour bar labelled :math:`|\delta|` or :math:`\delta`.
    ylabel : str
        Label of the vertical axis.

    Returns
    -------
    matplotlib.figure.Figure
        The image has the gid ``"heatmap"``; its array is a masked array.
        :class:`DeltaHeatmap` makes the same drawing and can change it afterwards.

    Raises
    ------
    ValueError
        If ``deltas`` is not 1-D or 2-D, or ``upto`` is outside
        ``t0 .. t0 + T``.
    """
    return DeltaHeatmap(
        deltas,
        upto=upto,
        signed=signed,
        vmax=vmax,
        t0=t0,
        ax=ax,
        title=title,
        colorbar=colorbar,
        ylabel=ylabel,
    ).fig


#: The arguments of ``delta_heatmap`` that ``DeltaHeatmap.update`` can change.
HEATMAP_UPDATES = ("upto", "title")


class DeltaHeatmap:
    """The drawing of :func:`delta_heatmap`, kept so that ``upto`` and ``title`` can change.

    ``DeltaHeatmap(deltas, **kwargs)`` draws exactly what ``delta_heatmap(deltas,
    **kwargs)`` draws; :meth:`update` then moves the masked part and the dashed line, or
    changes the title, in place.

    Parameters
    ----------
    deltas, upto, signed, vmax, t0, ax, title, colorbar, ylabel
        As for :func:`delta_heatmap`.
    animate : iterable of str, optional
        The :meth:`update` arguments that will change from frame to frame (``"upto"``,
        ``"title"``). The artists they change are marked animated, so that a slider
        redraws only those (see ``lstmkit.viz.render``).

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    image : matplotlib.image.AxesImage
        The heat map (gid ``"heatmap"``), units by time steps.
    upto_line : matplotlib.lines.Line2D
        The dashed line before step ``upto`` (gid ``"upto"``), hidden when there is none.

    Examples
    --------
    >>> heat = DeltaHeatmap(np.ones((6, 3)), upto=6, animate=["upto"])
    >>> fig = heat.update(upto=3)
    >>> heat.upto_line.get_xdata()
    [2.5, 2.5]
    """

    def __init__(
        self,
        deltas,
        *,
        upto=None,
        signed=False,
        vmax=None,
        t0=1,
        ax=None,
        title=None,
        colorbar=True,
        ylabel="hidden unit",
        animate=(),
    ):
        arr = np.asarray(deltas, dtype=float)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
            raise ValueError(f"deltas must have shape (T, H) or (T,), got shape {np.shape(deltas)}")
        animate = check_animate(animate, HEATMAP_UPDATES)
        self.T, H = arr.shape
        self.t0 = t0
        if vmax is None:
            finite = np.abs(arr[np.isfinite(arr)])
            vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        self.data = arr if signed else np.abs(arr)
        masked = self._masked(upto)
        if signed:
            cmap = mpl.colormaps[ACTIVATION_CMAP].with_extremes(bad=MASK_COLOR)
            norm = Normalize(-vmax, vmax)
        else:
            cmap = mpl.colormaps[DELTA_CMAP].with_extremes(bad=MASK_COLOR)
            norm = Normalize(0.0, vmax)

        self.fig, self.ax, _ = _axes(ax, (7.0, 2.8), right=0.4)
        ax = self.ax
        self.image = ax.imshow(
            masked.T,
            cmap=cmap,
            norm=norm,
            origin="lower",
            aspect="auto",
            interpolation="nearest",
            extent=(t0 - 0.5, t0 + self.T - 0.5, 0.5, H + 0.5),
        )
        self.image.set_gid("heatmap")
        steps = np.arange(t0, t0 + self.T)
        every = max(1, int(np.ceil(self.T / 12)))
        ax.set_xticks(steps[::every])
        units = np.arange(1, H + 1)
        ax.set_yticks(units[:: max(1, int(np.ceil(H / 8)))])
        ax.set_xlabel("time step $t$")
        ax.set_ylabel(ylabel)
        self.upto_line = ax.axvline(t0 - 0.5, color=BACKWARD, lw=1.5, ls="--", visible=False)
        self.upto_line.set_gid("upto")
        self._args = {"upto": upto, "title": title}
        self._restyle()
        if colorbar:
            cb = self.fig.colorbar(self.image, ax=ax, pad=0.02, fraction=0.05)
            cb.set_label(r"$\delta$" if signed else r"$|\delta|$")
        changed_by = {"upto": [self.image, self.upto_line], "title": [ax.title]}
        for name in animate:
            for artist in changed_by[name]:
                artist.set_animated(True)

    def _masked(self, upto):
        """The data with the steps before ``upto`` (and non-finite entries) masked."""
        mask = np.zeros_like(self.data, dtype=bool)
        if upto is not None:
            if not self.t0 <= int(upto) <= self.t0 + self.T:
                raise ValueError(
                    f"upto must be a step label in {self.t0}..{self.t0 + self.T}, got {upto!r}"
                )
            mask[: int(upto) - self.t0, :] = True
        return np.ma.masked_array(self.data, mask=mask | ~np.isfinite(self.data))

    def update(self, **changes):
        """Change ``upto`` and/or ``title`` (as in :func:`delta_heatmap`); return the figure.

        Raises
        ------
        TypeError
            For another argument.
        ValueError
            If ``upto`` is outside ``t0 .. t0 + T``; the drawing is then left as it was.
        """
        unknown = sorted(set(changes) - set(HEATMAP_UPDATES))
        if unknown:
            raise TypeError(
                f"DeltaHeatmap.update() changes only {', '.join(HEATMAP_UPDATES)}; "
                f"got {', '.join(unknown)}"
            )
        args = {**self._args, **changes}
        masked = self._masked(args["upto"])
        if args["upto"] != self._args["upto"]:
            self.image.set_data(masked.T)
        self._args = args
        self._restyle()
        return self.fig

    def _restyle(self):
        """The dashed line before ``upto`` (when inside the map) and the title."""
        upto = self._args["upto"]
        inside = upto is not None and self.t0 < int(upto) <= self.t0 + self.T - 1
        restyle(self.upto_line, visible=inside)
        if inside:
            restyle(self.upto_line, xdata=[int(upto) - 0.5] * 2)
        restyle(self.ax.title, text=self._args["title"] or "")


def _curves(norms_by_lag, labels):
    if isinstance(norms_by_lag, Mapping):
        if labels is not None:
            raise ValueError("give labels either as the keys of a dict or as labels=, not both")
        labels = [str(k) for k in norms_by_lag]
        curves = list(norms_by_lag.values())
    elif isinstance(norms_by_lag, (list, tuple)) and norms_by_lag and np.ndim(norms_by_lag[0]):
        curves = list(norms_by_lag)
    else:
        arr = np.asarray(norms_by_lag, dtype=float)
        if arr.ndim == 1:
            curves = [arr]
        elif arr.ndim == 2:
            curves = list(arr)
        else:
            raise ValueError(
                "norms_by_lag must have shape (L,) or (n_curves, L), or be a list or dict of "
                f"1-D arrays; got shape {arr.shape}"
            )
    curves = [np.asarray(c, dtype=float) for c in curves]
    for k, c in enumerate(curves):
        if c.ndim != 1 or c.size == 0:
            raise ValueError(
                f"curve {k} must be a non-empty 1-D array of shape (L,), got shape {c.shape}"
            )
    if labels is not None and len(labels) != len(curves):
        raise ValueError(f"got {len(labels)} labels for {len(curves)} curves")
    return curves, labels


def norm_vs_lag(
    norms_by_lag,
    *,
    labels=None,
    lags=None,
    reference=None,
    ax=None,
    title=None,
    ylabel=r"$\|\partial J^{(t)} / \partial \boldsymbol{h}^{(t-\ell)}\|$",
    xlabel=r"lag $\ell$",
):
    r"""Gradient norm against the lag on a logarithmic axis.

    Parameters
    ----------
    norms_by_lag : array_like, list or dict
        One curve of shape ``(L,)``; several of shape ``(n_curves, L)``; a list
        of 1-D arrays (lengths may differ); or a dict from label to 1-D array.
        Entry ``k`` is the norm at lag ``k``.  Values ``<= 0`` are not drawn.
    labels : sequence of str, optional
        One label per curve (for instance ``["simple RNN", "LSTM"]``).
    lags : array_like, optional
        The lags of the entries, shape ``(L,)``; defaults to ``0, 1, ...``.
    reference : float or sequence of float, optional
        Draw the geometric reference line :math:`n_0 \rho^k` (dashed grey) for
        each rate :math:`\rho`, with :math:`n_0` the first value of the first
        curve.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure (7 by 3.2 inches).
    title : str, optional
        Axes title.
    ylabel, xlabel : str
        Labels of the vertical and horizontal axes.

    Returns
    -------
    matplotlib.figure.Figure
        The axes has a logarithmic y-scale; curves have the gids
        ``"curve:0"``, ``"curve:1"``, ... and reference lines ``"reference:0"``, ...

    Raises
    ------
    ValueError
        For arrays of another shape or a number of labels that does not match.
    """
    curves, labels = _curves(norms_by_lag, labels)
    fig, ax, _ = _axes(ax, (7.0, 3.2))
    longest = max(c.size for c in curves)
    if lags is not None:
        lags = np.asarray(lags, dtype=float)
        if lags.ndim != 1 or lags.size < longest:
            raise ValueError(f"lags must have shape ({longest},), got shape {lags.shape}")
    else:
        lags = np.arange(longest, dtype=float)
    for k, c in enumerate(curves):
        y = np.where(c > 0, c, np.nan)
        (line,) = ax.plot(
            lags[: c.size],
            y,
            marker="o",
            ms=3.5,
            lw=1.8,
            color=CURVE_COLORS[k % len(CURVE_COLORS)],
            label=labels[k] if labels is not None else None,
        )
        line.set_gid(f"curve:{k}")
    if reference is not None:
        rates = np.atleast_1d(np.asarray(reference, dtype=float))
        if np.any(rates <= 0):
            raise ValueError(f"reference rates must be positive, got {reference!r}")
        n0 = (
            curves[0][0]
            if curves[0][0] > 0
            else np.nanmax(np.where(curves[0] > 0, curves[0], np.nan))
        )
        for j, rho in enumerate(rates):
            (ref,) = ax.plot(
                lags,
                n0 * rho ** (lags - lags[0]),
                ls="--",
                lw=1.0,
                color="#777777",
                label=rf"$\propto {rho:g}^k$",
            )
            ref.set_gid(f"reference:{j}")
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", lw=0.5, color="#DDDDDD")
    if title:
        ax.set_title(title)
    if labels is not None or reference is not None:
        ax.legend(frameon=False, fontsize=9)
    return fig
