"""Data sets: the adding problem, the Seattle temperatures, forecasting windows."""

import importlib.util
import itertools
import subprocess
import sys

import numpy as np
import pytest

from lstmkit import tasks


def test_adding_problem_shapes_markers_and_targets():
    x, y = tasks.adding_problem(11, 64, rng=np.random.default_rng(0))
    assert x.shape == (11, 64, 2) and y.shape == (64, 1) and x.dtype == np.float64
    values, markers = x[..., 0], x[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_array_equal(markers.sum(axis=0), 2.0)  # exactly two per sequence
    np.testing.assert_array_equal(markers[:5].sum(axis=0), 1.0)  # one in steps 0..4
    np.testing.assert_array_equal(markers[5:].sum(axis=0), 1.0)  # one in steps 5..10
    np.testing.assert_allclose(y[:, 0], (values * markers).sum(axis=0), rtol=1e-15)


def test_adding_problem_is_deterministic_and_varied():
    a = tasks.adding_problem(8, 16, rng=np.random.default_rng(3))
    b = tasks.adding_problem(8, 16, rng=np.random.default_rng(3))
    c = tasks.adding_problem(8, 16, rng=np.random.default_rng(4))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    # markers spread over all positions of each half
    x, _ = tasks.adding_problem(8, 2000, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(x[..., 1].sum(axis=1) > 0, np.ones(8, dtype=bool))


def test_adding_problem_baseline_variance_is_one_sixth():
    _, y = tasks.adding_problem(4, 200_000, rng=np.random.default_rng(0))
    assert np.mean(y) == pytest.approx(1.0, abs=0.005)
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.003)


def test_adding_problem_float32_and_errors():
    x, y = tasks.adding_problem(2, 3, rng=np.random.default_rng(0), dtype=np.float32)
    assert x.dtype == y.dtype == np.float32
    np.testing.assert_array_equal(x[0, :, 1], 1.0)  # T = 2: the markers are at 0 and 1
    with pytest.raises(ValueError, match="T >= 2"):
        tasks.adding_problem(1, 3, rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        tasks.adding_problem(5, 3, rng=0)


def test_adding_batches_yield_fresh_batches_deterministically():
    first = list(itertools.islice(tasks.adding_batches(6, 4, rng=np.random.default_rng(7)), 3))
    again = list(itertools.islice(tasks.adding_batches(6, 4, rng=np.random.default_rng(7)), 3))
    assert len(first) == 3 and first[0][0].shape == (6, 4, 2)
    for (x1, y1), (x2, y2) in zip(first, again, strict=True):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(first[0][0], first[1][0])
    with pytest.raises(ValueError, match="T >= 2"):
        tasks.adding_batches(1, 4, rng=np.random.default_rng(0))  # at once, not at next()


def test_seattle_file_contents():
    times, temps = tasks.seattle_temperatures()
    assert times.shape == temps.shape == (8759,)
    assert times.dtype == np.dtype("datetime64[h]") and temps.dtype == np.float64
    assert times[0] == np.datetime64("2010-01-01T00") and temps[0] == 39.4
    assert times[1] == np.datetime64("2010-01-01T01") and temps[1] == 39.2
    assert times[-1] == np.datetime64("2010-12-31T23") and temps[-1] == 39.6
    assert temps.min() == 37.5 and temps.max() == 75.9


def test_seattle_missing_hour_is_2010_03_14_0300():
    times, _ = tasks.seattle_temperatures()
    full_year = np.arange(np.datetime64("2010-01-01T00"), np.datetime64("2011-01-01T00"))
    assert len(full_year) == 8760
    missing = np.setdiff1d(full_year, times)
    np.testing.assert_array_equal(missing, [np.datetime64("2010-03-14T03")])
    steps = np.diff(times).astype(int)
    assert (steps == 1).sum() == 8757 and np.flatnonzero(steps == 2).tolist() == [1730]
    assert times[1730] == np.datetime64("2010-03-14T02")
    assert times[1731] == np.datetime64("2010-03-14T04")


def test_seattle_repeats_the_day_before_within_a_degree():
    times, temps = tasks.seattle_temperatures()
    # pair every hour with the hour 24 hours earlier (by time, not by row: one hour is missing)
    earlier = np.searchsorted(times, times - np.timedelta64(24, "h"))
    found = (earlier < len(times)) & (times[np.minimum(earlier, len(times) - 1)] == times - 24)
    assert found.sum() == 8759 - 24 - 1  # the first day, and the hour after the gap
    day_to_day = np.abs(temps[found] - temps[earlier[found]])
    assert day_to_day.max() == pytest.approx(0.7, abs=1e-9)
    assert 0.15 < day_to_day.mean() < 0.17
    assert np.abs(np.diff(temps)).max() > 2.0  # while the hour-to-hour changes are larger


def test_seattle_is_read_without_pandas_or_vega_datasets():
    code = (
        "import sys; from lstmkit import tasks; tasks.seattle_temperatures(); "
        "print('pandas' in sys.modules, 'vega_datasets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_seattle_missing_package_gives_install_hint(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "vega_datasets" else real(name, *a),
    )
    with pytest.raises(FileNotFoundError, match="pip install vega_datasets"):
        tasks.seattle_temperatures()


def test_forecast_windows_values():
    series = np.arange(10.0)
    x, y = tasks.forecast_windows(series, window=4, horizon=2, stride=3)
    # starts 0 and 3 (start 6 would need the value at 6 + 3 + 2 = 11)
    assert x.shape == (4, 2, 1) and y.shape == (2, 1)
    np.testing.assert_array_equal(x[:, :, 0].T, [[0, 1, 2, 3], [3, 4, 5, 6]])
    np.testing.assert_array_equal(y[:, 0], [5.0, 8.0])  # 2 steps after 3 and after 6
    x, y = tasks.forecast_windows(series, window=9, horizon=1)
    assert x.shape == (9, 1, 1) and y[0, 0] == 9.0


def test_forecast_windows_on_the_seattle_series():
    _, temps = tasks.seattle_temperatures()
    x, y = tasks.forecast_windows(temps, window=24, horizon=6, stride=24)
    assert x.shape == (24, (8759 - 24 - 6) // 24 + 1, 1)
    n = 100
    np.testing.assert_array_equal(x[:, n, 0], temps[24 * n : 24 * n + 24])
    assert y[n, 0] == temps[24 * n + 23 + 6]
    with pytest.raises(ValueError, match="does not fit"):
        tasks.forecast_windows(temps[:10], window=8, horizon=3)
    with pytest.raises(ValueError, match=r"series must have shape \(L,\)"):
        tasks.forecast_windows(temps.reshape(1, -1), window=8, horizon=3)


def test_standardize_round_trip():
    a = np.array([1.0, 2.0, 3.0, 6.0])
    z, mean, std = tasks.standardize(a)
    assert mean == 3.0 and std == pytest.approx(np.sqrt(3.5))
    assert np.mean(z) == pytest.approx(0.0, abs=1e-15) and np.std(z) == pytest.approx(1.0)
    np.testing.assert_allclose(tasks.unstandardize(z, mean, std), a, rtol=1e-15)
    z2, _, _ = tasks.standardize(np.array([3.0]), mean=mean, std=std)  # test data, train stats
    assert z2[0] == 0.0
    with pytest.raises(ValueError, match="std must be positive"):
        tasks.standardize(np.ones(3))
