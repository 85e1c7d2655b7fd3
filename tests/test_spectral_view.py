"""lstmkit.viz.spectral: the linked panels of the spectral slider of chapter 2."""

import numpy as np
import pytest

from lstmkit.viz.spectral import SpectralView


def test_update_draws_the_numbers_it_is_given():
    view = SpectralView(T=5)
    eig = np.array([0.5 + 0.5j, 0.5 - 0.5j, -1.5])
    fig = view.update(eig, np.full(5, 0.3), 0.5 ** np.arange(5), sigma_max=2.0, rho=1.5)
    assert fig is view.fig
    assert np.allclose(view.eigs.get_xdata(), eig.real)
    assert np.allclose(view.eigs.get_ydata(), eig.imag)
    assert np.allclose(view.bound.get_ydata(), 2.0 ** np.arange(5))
    assert np.allclose(view.rho.get_ydata(), 1.5 ** np.arange(5))
    assert np.allclose(view.error.get_ydata(), 0.5 ** np.arange(5))
    assert "1.50" in view.title.get_text() and "2.00" in view.title.get_text()


def test_update_rejects_curves_of_the_wrong_length():
    view = SpectralView(T=5)
    with pytest.raises(ValueError, match=r"shape \(5,\)"):
        view.update([1.0], np.ones(4), np.ones(5), sigma_max=1.0, rho=1.0)
    with pytest.raises(ValueError, match="T must be"):
        SpectralView(T=1)
