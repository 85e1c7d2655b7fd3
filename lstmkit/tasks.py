r"""Data for the chapters: the adding problem, Seattle temperature normals and weather.

All sequences are time-major, ``(T, B, D)``, ready for :func:`lstmkit.rnn.forward` and
:func:`lstmkit.lstm.forward`: step :math:`t = 1, \dots, T` is stored at index ``t - 1``.

**The adding problem** (Hochreiter and Schmidhuber 1997, experiment 4) needs memory over
long time lags: the network sees a sequence of random numbers, two of which are marked,
and must output their sum at the end.

**Seattle temperatures**: ``seattle-temps.csv`` of the ``vega_datasets`` package, NOAA's
hourly climate normals for Seattle-Tacoma airport (each hour of the calendar averaged over
1981-2010, stamped with 2010 dates), not the weather of one year. The file is read directly
with numpy; neither ``vega_datasets`` nor pandas is imported, and nothing is downloaded.

**Seattle weather**: ``seattle-weather.csv`` of the same package, the real daily
precipitation, maximum and minimum temperature and wind of 2012-2015.
"""

import importlib.util
from pathlib import Path

import numpy as np

from . import _checks

__all__ = [
    "adding_problem",
    "adding_batches",
    "latest_marked",
    "latest_marked_batches",
    "seattle_csv_path",
    "seattle_temperatures",
    "seattle_weather",
    "forecast_windows",
    "standardize",
    "unstandardize",
]


def adding_problem(T, batch, *, rng, dtype=np.float64):
    r"""One batch of the adding problem.

    Each sequence has two input channels. Channel 0 holds values
    :math:`v(t) \sim U[0, 1)`; channel 1 holds markers :math:`m(t) \in \{0, 1\}` with
    exactly two ones, one at a uniformly random step of the first half
    :math:`1 \le t_1 \le \lfloor T/2 \rfloor` and one in the second half
    :math:`\lfloor T/2 \rfloor < t_2 \le T` (step :math:`t` at index ``t - 1``). The
    target is the sum of the two marked values:

    .. math::

        y = \sum_t m(t)\, v(t) = v(t_1) + v(t_2)

    This is the common modern variant (e.g. Le, Jaitly and Hinton 2015). Hochreiter
    and Schmidhuber (1997) drew values from :math:`[-1, 1]`, placed the first marker
    among the first ten steps and used the target :math:`0.5 + (v_1 + v_2)/4`.

    Predicting the constant 1 gives a mean squared error of
    :math:`\operatorname{Var}(v_1 + v_2) = 2/12 = 1/6`: that is the baseline to beat.

    Parameters
    ----------
    T : int
        Sequence length, at least 2.
    batch : int
        Number of sequences ``B``.
    rng : numpy.random.Generator
    dtype : float32 or float64

    Returns
    -------
    x : ndarray, shape (T, B, 2)
        ``x[..., 0]`` the values, ``x[..., 1]`` the markers.
    y : ndarray, shape (B, 1)
        The targets.
    """
    T = _checks.positive_int("T", T)
    B = _checks.positive_int("batch", batch)
    _checks.generator(rng)
    if T < 2:
        raise ValueError(f"the adding problem needs T >= 2 (one marker per half); got T={T}")
    dtype = np.dtype(dtype)
    if dtype not in _checks.FLOAT_DTYPES:
        raise TypeError(f"dtype must be float32 or float64; got {dtype}")
    values = rng.random((T, B))
    half = T // 2
    first = rng.integers(0, half, size=B)
    second = rng.integers(half, T, size=B)
    markers = np.zeros((T, B))
    entries = np.arange(B)
    markers[first, entries] = 1.0
    markers[second, entries] = 1.0
    x = np.stack([values, markers], axis=-1).astype(dtype)
    y = (values[first, entries] + values[second, entries])[:, None].astype(dtype)
    return x, y


def adding_batches(T, batch, *, rng, dtype=np.float64):
    """Yield fresh :func:`adding_problem` batches ``(x, y)`` forever.

    Examples
    --------
    >>> import itertools
    >>> import numpy as np
    >>> batches = adding_batches(10, 4, rng=np.random.default_rng(0))
    >>> [x.shape for x, y in itertools.islice(batches, 2)]
    [(10, 4, 2), (10, 4, 2)]
    """
    adding_problem(T, batch, rng=rng, dtype=dtype)  # validate now, not at the first next()
    return _adding_forever(T, batch, rng, dtype)


def _adding_forever(T, batch, rng, dtype):
    while True:
        yield adding_problem(T, batch, rng=rng, dtype=dtype)


def _vega_csv(name):
    """The path of ``vega_datasets/_data/<name>`` in the installed package.

    The package is located with :func:`importlib.util.find_spec`, which does not execute
    it (importing ``vega_datasets`` would import pandas).
    """
    hint = "install it with `pip install vega_datasets` (the file is read locally, no download)"
    spec = importlib.util.find_spec("vega_datasets")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"the Seattle data come from the vega_datasets package, which is not installed; {hint}"
        )
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "_data" / name
        if path.is_file():
            return path
    raise FileNotFoundError(f"vega_datasets is installed but has no _data/{name}; {hint}")


def seattle_csv_path():
    """The path of ``vega_datasets/_data/seattle-temps.csv`` in the installed package.

    Raises
    ------
    FileNotFoundError
        If ``vega_datasets`` is not installed or lacks the file.
    """
    return _vega_csv("seattle-temps.csv")


def seattle_temperatures():
    """Hourly temperature normals for Seattle (1981-2010 averages), in degrees Fahrenheit.

    The file has 8759 rows, from ``2010/01/01 00:00`` (39.4 °F) to ``2010/12/31 23:00``
    (39.6 °F). A full year has 8760 hours: the hour **2010-03-14 03:00** is missing
    (the day US daylight saving time began), so ``02:00`` is followed by ``04:00``.
    The series is returned as it is; :func:`forecast_windows` counts steps, not clock
    hours, so every window after the gap starts an hour later on the clock.

    Being an average over thirty years, the series is much smoother than raw weather
    readings: every value differs from the value 24 hours earlier by at most 0.7 °F
    (0.16 °F on average), so "the same as yesterday at this hour" is a strong baseline
    for any forecast.

    Returns
    -------
    times : ndarray of datetime64[h], shape (8759,)
    temps : ndarray of float64, shape (8759,)
    """
    path = seattle_csv_path()
    rows = np.loadtxt(path, delimiter=",", skiprows=1, dtype=str, encoding="utf-8")
    if rows.ndim != 2 or rows.shape[1] != 2:
        raise ValueError(f"{path} should have the two columns date,temp; got shape {rows.shape}")
    iso = np.char.replace(np.char.replace(rows[:, 0], "/", "-"), " ", "T")  # 2010-01-01T00:00
    times = iso.astype("datetime64[m]").astype("datetime64[h]")
    temps = rows[:, 1].astype(np.float64)
    return times, temps


WEATHER_FEATURES = ("precipitation", "temp_max", "temp_min", "wind")


def seattle_weather():
    """Daily weather at Seattle, 2012-2015: ``seattle-weather.csv`` of ``vega_datasets``.

    Real daily observations (unlike the normals of :func:`seattle_temperatures`): 1461
    days from 2012-01-01 to 2015-12-31, four numbers per day, in the file's units:
    precipitation (mm), daily maximum and minimum temperature (°C) and wind speed (m/s).
    The file's fifth column, a word for the weather, is not returned.

    Returns
    -------
    days : ndarray of datetime64[D], shape (1461,)
    values : ndarray of float64, shape (1461, 4)
        Columns in the order of ``lstmkit.tasks.WEATHER_FEATURES``.
    """
    path = _vega_csv("seattle-weather.csv")
    rows = np.loadtxt(path, delimiter=",", skiprows=1, dtype=str, encoding="utf-8")
    if rows.ndim != 2 or rows.shape[1] != 6:
        raise ValueError(
            f"{path} should have the six columns date,precipitation,temp_max,temp_min,"
            f"wind,weather; got shape {rows.shape}"
        )
    days = np.char.replace(rows[:, 0], "/", "-").astype("datetime64[D]")
    return days, rows[:, 1:5].astype(np.float64)


def forecast_windows(series, window, horizon, *, stride=1):
    r"""Cut a 1-D series into inputs and targets for many-to-one forecasting.

    Window :math:`n` starts at :math:`s = n \cdot \text{stride}`; its inputs are
    :math:`u(s), \dots, u(s + \text{window} - 1)` and its target is the value
    ``horizon`` steps after the last input, :math:`u(s + \text{window} - 1 +
    \text{horizon})`. Every window whose target lies in the series is returned:
    :math:`N = \lfloor (L - \text{window} - \text{horizon}) / \text{stride} \rfloor + 1`
    for a series of length :math:`L`.

    Parameters
    ----------
    series : ndarray, shape (L,)
        float32 or float64.
    window : int
        Input length ``T``.
    horizon : int
        How many steps ahead to forecast (``1`` is the next value).
    stride : int
        Steps between the starts of consecutive windows.

    Returns
    -------
    x : ndarray, shape (window, N, 1)
        Time-major inputs (a copy).
    y : ndarray, shape (N, 1)
        Targets.

    Examples
    --------
    >>> import numpy as np
    >>> x, y = forecast_windows(np.arange(6.0), window=3, horizon=1)
    >>> x[:, :, 0].T
    array([[0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])
    >>> y[:, 0]
    array([3., 4., 5.])
    """
    _checks.float_array("series", series)
    if series.ndim != 1:
        raise ValueError(f"series must have shape (L,); got {series.shape}")
    _checks.finite("series", series)
    window = _checks.positive_int("window", window)
    horizon = _checks.positive_int("horizon", horizon)
    stride = _checks.positive_int("stride", stride)
    L = series.shape[0]
    if window + horizon > L:
        raise ValueError(
            f"window + horizon = {window + horizon} does not fit into a series of length {L}"
        )
    starts = np.arange(0, L - window - horizon + 1, stride)
    windows = np.lib.stride_tricks.sliding_window_view(series, window)[starts]  # (N, window)
    x = np.ascontiguousarray(windows.T)[:, :, None]
    y = series[starts + window - 1 + horizon][:, None]
    return x, y


def standardize(a, *, mean=None, std=None):
    r"""Shift and scale to zero mean and unit standard deviation.

    .. math::

        a' = (a - \mu) / s

    Pass the ``mean`` and ``std`` of the training data to transform test data the
    same way.

    Returns
    -------
    standardized : ndarray
    mean, std : float
        :math:`\mu` and :math:`s`, for :func:`unstandardize`.
    """
    _checks.float_array("a", a)
    mean = float(np.mean(a)) if mean is None else float(mean)
    std = float(np.std(a)) if std is None else float(std)
    if not std > 0:
        raise ValueError(f"std must be positive; got {std}")
    return ((a - mean) / std).astype(a.dtype, copy=False), mean, std


def unstandardize(a, mean, std):
    r"""Undo :func:`standardize`: :math:`a = a' s + \mu`."""
    return a * std + mean


def latest_marked(T, batch, *, rng, p_mark=0.1):
    r"""A task in which memory must be replaced: the most recently marked number.

    Channel 0 holds values :math:`v(t) \sim U[0, 1)`, channel 1 markers :math:`m(t)`, each
    1 with probability ``p_mark``, independently. The target at *every* step is the value
    at the latest marker so far, 0 before the first:

    .. math::

        d(t) = v(s(t)), \quad s(t) = \max\{s \le t : m(s) = 1\}

    Returns ``x (T, B, 2)`` and ``target (T, B, 1)``.

    >>> import numpy as np
    >>> x, d = latest_marked(6, 3, rng=np.random.default_rng(0))
    >>> x.shape, d.shape
    ((6, 3, 2), (6, 3, 1))
    """
    T = _checks.positive_int("T", T)
    B = _checks.positive_int("batch", batch)
    _checks.generator(rng)
    if not 0.0 < float(p_mark) <= 1.0:
        raise ValueError(f"p_mark must be a probability in (0, 1]; got {p_mark}")
    values = rng.random((T, B))
    markers = (rng.random((T, B)) < p_mark).astype(float)
    target, latest = np.zeros((T, B, 1)), np.zeros(B)
    for t in range(T):
        latest = np.where(markers[t] > 0, values[t], latest)
        target[t, :, 0] = latest
    return np.stack([values, markers], axis=-1), target


def latest_marked_batches(T, batch, *, rng, p_mark=0.1):
    """Yield fresh :func:`latest_marked` batches ``(x, target)`` forever."""
    latest_marked(T, batch, rng=rng, p_mark=p_mark)  # validate now, not at the first next()
    return _latest_marked_forever(T, batch, rng, p_mark)


def _latest_marked_forever(T, batch, rng, p_mark):
    while True:
        yield latest_marked(T, batch, rng=rng, p_mark=p_mark)
