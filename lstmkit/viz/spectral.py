r"""The spectral view of a recurrent matrix: why errors vanish or explode over long lags.

:class:`SpectralView` draws, for one recurrent matrix :math:`W` of a simple RNN, three
linked panels that a slider over the scale of :math:`W` moves together:

* the eigenvalues of :math:`W` in the complex plane with the unit circle;
* the forward state's size, :math:`\lVert h^{(t)}\rVert/\sqrt{H}` against :math:`t`;
* the measured error against the lag, :math:`e(\ell)/e(0)` (see
  :func:`lstmkit.rnn.error_by_lag`), beside :math:`\sigma_\text{max}(W)^\ell`, the
  norm bound with :math:`\gamma = 1`, and :math:`\rho(W)^\ell`, the growth of the
  powers :math:`W^\ell` in the long run.

The view only draws: the numbers come from :mod:`lstmkit.rnn`, so the chapter that
shows the view can assert them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._draw import TEXT_PT
from .colors import BACKWARD, HIDDEN, MUTED, OKABE_ITO

__all__ = ["SpectralView"]

#: Colours: the measured error is an error (vermillion), the state is hidden (sky blue).
BOUND_COLOR = OKABE_ITO["black"]
RHO_COLOR = OKABE_ITO["blue"]


class SpectralView:
    r"""Eigenvalues, state size and error-by-lag of one recurrent matrix, for a slider.

    :meth:`update` takes the numbers of one matrix and returns the figure.

    Parameters
    ----------
    T : int
        Sequence length: the state panel shows :math:`t = 1..T`, the lag panel
        :math:`\ell = 0..T-1`.
    eig_lim : float
        Half-width of the eigenvalue panel (the unit circle must fit).
    lag_ylim : tuple of float
        Limits of the logarithmic lag axis, fixed so that frames can be compared.
    figsize : tuple of float
        Size of the figure in inches.
    """

    def __init__(self, T, *, eig_lim=3.2, lag_ylim=(1e-12, 1e8), figsize=(6.4, 5.8)):
        if not isinstance(T, int) or T < 2:
            raise ValueError(f"T must be an int >= 2; got {T!r}")
        self.T = T
        self.fig = Figure(figsize=figsize, layout="constrained")
        grid = self.fig.add_gridspec(2, 2, height_ratios=[1, 1.05], width_ratios=[1, 1.3])
        self.ax_eig = self.fig.add_subplot(grid[0, 0])
        self.ax_state = self.fig.add_subplot(grid[0, 1])
        self.ax_lag = self.fig.add_subplot(grid[1, :])

        angle = np.linspace(0, 2 * np.pi, 200)
        self.ax_eig.plot(np.cos(angle), np.sin(angle), color=MUTED, lw=1.5)
        (self.eigs,) = self.ax_eig.plot([], [], "o", ms=3.5, color=BOUND_COLOR, animated=True)
        self.ax_eig.set(xlim=(-eig_lim, eig_lim), ylim=(-eig_lim, eig_lim), aspect="equal")
        self.ax_eig.set_xlabel(r"Re $\lambda$")
        self.ax_eig.set_ylabel(r"Im $\lambda$")

        t = np.arange(1, T + 1)
        (self.state,) = self.ax_state.plot(t, np.zeros(T), color=HIDDEN, lw=2, animated=True)
        self.ax_state.set(xlim=(0, T), ylim=(0, 1.02))
        self.ax_state.set_xlabel("step $t$")
        self.ax_state.set_ylabel(r"$\|h^{(t)}\| / \sqrt{H}$")

        lags = np.arange(T)
        self.lags = lags
        self.ax_lag.set_yscale("log")
        (self.bound,) = self.ax_lag.plot(
            lags,
            np.ones(T),
            "--",
            color=BOUND_COLOR,
            lw=1.3,
            animated=True,
            label=r"$\sigma_{\max}^{\ell}$ (bound)",
        )
        (self.rho,) = self.ax_lag.plot(
            lags, np.ones(T), ":", color=RHO_COLOR, lw=2, animated=True, label=r"$\rho^{\ell}$"
        )
        (self.error,) = self.ax_lag.plot(
            lags, np.ones(T), color=BACKWARD, lw=2.2, animated=True, label="measured error"
        )
        self.ax_lag.axhline(1.0, color=MUTED, lw=1)
        self.ax_lag.set(xlim=(0, T - 1), ylim=lag_ylim)
        self.ax_lag.set_xlabel(r"lag $\ell$")
        self.ax_lag.set_ylabel(r"$e(\ell) / e(0)$")
        # below the panels: at small and large radii the curves fill every corner
        self.fig.legend(
            handles=[self.bound, self.rho, self.error],
            loc="outside lower center",
            frameon=False,
            fontsize=TEXT_PT - 1,
            ncols=3,
        )
        self.title = self.fig.suptitle(" ", fontsize=TEXT_PT)
        self.title.set_animated(True)
        for ax in (self.ax_eig, self.ax_state, self.ax_lag):
            ax.tick_params(labelsize=TEXT_PT - 1)
            for text in (ax.xaxis.label, ax.yaxis.label):
                text.set_fontsize(TEXT_PT)

    def update(self, eigenvalues, state_size, error, sigma_max, rho):
        r"""Draw one matrix: its eigenvalues, :math:`\lVert h^{(t)}\rVert/\sqrt{H}` for
        ``t = 1..T``, :math:`e(\ell)/e(0)` for ``l = 0..T-1``, and the two rates."""
        eigenvalues = np.asarray(eigenvalues)
        state_size = np.asarray(state_size, dtype=float)
        error = np.asarray(error, dtype=float)
        if state_size.shape != (self.T,) or error.shape != (self.T,):
            raise ValueError(
                f"state_size and error must have shape ({self.T},); "
                f"got {state_size.shape} and {error.shape}"
            )
        self.eigs.set_data(eigenvalues.real, eigenvalues.imag)
        self.state.set_ydata(state_size)
        self.error.set_ydata(np.where(error > 0, error, np.nan))
        self.bound.set_ydata(float(sigma_max) ** self.lags)
        self.rho.set_ydata(float(rho) ** self.lags)
        self.title.set_text(rf"$\rho(W) = {rho:.2f}$, $\sigma_{{\max}}(W) = {sigma_max:.2f}$")
        return self.fig
