"""Plots of what the backward pass computes: deltas over time as a heat map, and gradient
norms against the lag. How the figures are made and shown: see :mod:`lstmkit.viz`.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib as mpl
import numpy as np
from matplotlib.colors import Normalize
from matplotlib.ticker import MaxNLocator

from ._draw import TEXT_PT, check_animate, check_updates, described, new_figure, restyle
from .colors import ACTIVATION_CMAP, BACKWARD, CURVE_COLORS, DELTA_CMAP, MASK_COLOR

__all__ = ["delta_heatmap", "DeltaHeatmap", "HEATMAP_UPDATES", "norm_vs_lag"]  # API page order


def _axes(ax, size, right=0.25):
    """A new figure with margins (in inches) that fit the tick and axis labels."""
    if ax is None:
        w, h = size
        fig = new_figure(w, h)
        ax = fig.add_subplot()
        fig.subplots_adjust(left=1.0 / w, right=1 - right / w, bottom=0.65 / h, top=1 - 0.35 / h)
        return fig, ax
    return ax.figure, ax


def _text_sizes(ax):
    """Tick labels a point below, axis labels and title at the book's text size."""
    ax.tick_params(labelsize=TEXT_PT - 1)
    for text in (ax.xaxis.label, ax.yaxis.label, ax.title):
        text.set_fontsize(TEXT_PT)


def delta_heatmap(deltas, **kwargs):
    """The figure of ``DeltaHeatmap(deltas, **kwargs)``: deltas per step and unit.

    Takes the arguments of :class:`DeltaHeatmap`; use the class when the drawing should
    change afterwards, as in a slider. The figure's ``alt`` is the object's ``alt``.
    """
    heat = DeltaHeatmap(deltas, **kwargs)
    return described(heat.fig, heat.alt, kwargs.get("ax"))


#: The arguments of :class:`DeltaHeatmap` that :meth:`DeltaHeatmap.update` can change.
HEATMAP_UPDATES = ("upto", "title")


class DeltaHeatmap:
    r"""Deltas per time step (horizontal) and unit (vertical) as a heat map.

    :meth:`update` moves the masked part or changes the title afterwards.

    Parameters
    ----------
    deltas : array_like
        Shape ``(T, H)`` (or ``(T,)`` for one unit); row ``k`` belongs to step
        ``t0 + k``.
    upto : int, optional
        Step label ``s``: only the steps ``t >= s`` are filled, the steps
        ``t < s`` are masked (drawn in light grey), as after a backward pass
        that has gone from the last step back to step ``s``. ``s = t0 + T``
        masks every step; ``None`` masks none.
    signed : bool
        Show the signed deltas with the diverging map on ``[-vmax, vmax]``
        instead of the magnitudes with the sequential delta map on
        ``[0, vmax]``.
    vmax : float, optional
        Fixed end of the colour scale; defaults to the largest magnitude of
        *all* of ``deltas`` (masked steps included), so a slider keeps one
        scale throughout.
    t0 : int
        Label of the first step (1, as in the book).
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure (7 by 2.8 inches).
    title : str, optional
        Axes title.
    colorbar : bool
        Add a colour bar labelled :math:`|\delta|` or :math:`\delta`.
    ylabel : str
        Label of the vertical axis.
    animate : iterable of str, optional
        The :meth:`update` arguments that will change from frame to frame (``"upto"``,
        ``"title"``). The artists they change are marked animated, so that a slider
        redraws only those.

    Raises
    ------
    ValueError
        If ``deltas`` is not 1-D or 2-D, or ``upto`` is outside ``t0 .. t0 + T``.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    image : matplotlib.image.AxesImage
        The heat map (gid ``"heatmap"``, a masked array), units by time steps.
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
        self.t0, self.signed, self.ylabel = t0, signed, ylabel
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

        self.fig, self.ax = _axes(ax, (7.0, 2.8), right=0.4)
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
        _text_sizes(ax)
        self.upto_line = ax.axvline(t0 - 0.5, color=BACKWARD, lw=1.5, ls="--", visible=False)
        self.upto_line.set_gid("upto")
        self._args = {"upto": upto, "title": title}
        self._restyle()
        if colorbar:
            cb = self.fig.colorbar(self.image, ax=ax, pad=0.02, fraction=0.05)
            cb.set_label(r"$\delta$" if signed else r"$|\delta|$", fontsize=TEXT_PT)
            cb.ax.tick_params(labelsize=TEXT_PT - 1)
        changed_by = {"upto": [self.image, self.upto_line], "title": [ax.title]}
        for name in animate:
            for artist in changed_by[name]:
                artist.set_animated(True)

    @property
    def alt(self):
        """A short description of the plot as it is now, for alt text."""
        what = "signed deltas (red positive, blue negative)" if self.signed else "delta sizes"
        last, units = self.t0 + self.T - 1, self.data.shape[1]
        text = (
            f"Heat map of the {what}: time steps {self.t0} to {last} from left to right, "
            f"{self.ylabel} 1 to {units} from bottom to top."
        )
        upto = self._args["upto"]
        if upto is not None and int(upto) > self.t0:
            text += f" Steps before {int(upto)} are greyed out (not yet computed)."
        if self._args["title"]:
            text += f" Title: {self._args['title']}"
        return text

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
        """Change ``upto`` and/or ``title``; return the figure.

        Raises
        ------
        TypeError
            For another argument.
        ValueError
            If ``upto`` is outside ``t0 .. t0 + T``; the drawing is then left as it was.
        """
        check_updates(changes, HEATMAP_UPDATES, "DeltaHeatmap")
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
    fig, plot = _axes(ax, (7.0, 3.2))
    longest = max(c.size for c in curves)
    if lags is not None:
        lags = np.asarray(lags, dtype=float)
        if lags.ndim != 1 or lags.size < longest:
            raise ValueError(f"lags must have shape ({longest},), got shape {lags.shape}")
    else:
        lags = np.arange(longest, dtype=float)
    for k, c in enumerate(curves):
        y = np.where(c > 0, c, np.nan)
        (line,) = plot.plot(
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
            (ref,) = plot.plot(
                lags,
                n0 * rho ** (lags - lags[0]),
                ls="--",
                lw=1.0,
                color="#777777",
                label=rf"$\propto {rho:g}^k$",
            )
            ref.set_gid(f"reference:{j}")
    plot.set_yscale("log")
    plot.xaxis.set_major_locator(MaxNLocator(integer=True))
    plot.set_xlabel(xlabel)
    plot.set_ylabel(ylabel)
    plot.grid(True, which="major", lw=0.5, color="#DDDDDD")
    if title:
        plot.set_title(title)
    _text_sizes(plot)
    if labels is not None or reference is not None:
        plot.legend(frameon=False, fontsize=TEXT_PT - 1)
    alt = f"Gradient norm against the lag {lags[0]:g} to {lags[-1]:g} on a log scale"
    alt += f", one curve each for: {', '.join(labels)}." if labels else "."
    if reference is not None:
        alt += " Dashed lines: geometric decay for comparison."
    return described(fig, alt, ax)
