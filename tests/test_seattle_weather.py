"""The real daily Seattle weather of vega_datasets (lstmkit.tasks.seattle_weather)."""

import numpy as np

import lstmkit as lk


def test_seattle_weather_file():
    days, values = lk.tasks.seattle_weather()
    assert days.shape == (1461,) and values.shape == (1461, 4)
    assert str(days[0]) == "2012-01-01" and str(days[-1]) == "2015-12-31"
    assert (np.diff(days) == np.timedelta64(1, "D")).all()  # no day missing
    # first row of the file: 2012/01/01,0.0,12.8,5.0,4.7,drizzle
    np.testing.assert_array_equal(values[0], [0.0, 12.8, 5.0, 4.7])
    precipitation, tmax, tmin, wind = values.T
    assert (tmax >= tmin).all() and (precipitation >= 0).all() and (wind >= 0).all()
    assert lk.tasks.WEATHER_FEATURES == ("precipitation", "temp_max", "temp_min", "wind")


def test_real_weather_is_rougher_than_normals():
    """Persistence a day ahead: several degrees on real weather, a fraction on normals."""
    _, values = lk.tasks.seattle_weather()
    tmax_f = values[:, 1] * 9 / 5 + 32
    _, temps = lk.tasks.seattle_temperatures()
    assert 3.5 < np.abs(np.diff(tmax_f)).mean() < 4.5
    assert np.abs(temps[24:] - temps[:-24]).mean() < 0.2
