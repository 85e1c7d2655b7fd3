"""Tests of lstmkit.dims: closed forms against known values, samplers against closed forms."""

import math

import numpy as np
import pytest

from lstmkit import dims


def test_ball_volume_known_values():
    D = np.arange(1, 6)
    expected = [2.0, math.pi, 4 * math.pi / 3, math.pi**2 / 2, 8 * math.pi**2 / 15]
    np.testing.assert_allclose(dims.ball_volume(D), expected, rtol=1e-13)
    assert dims.ball_volume(3, 2.0) == pytest.approx(32 * math.pi / 3, rel=1e-13)
    # the unit ball is largest in five dimensions
    assert int(np.argmax(dims.ball_volume(np.arange(1, 30)))) + 1 == 5
    assert isinstance(dims.ball_volume(2), float)


def test_sphere_area_is_derivative_of_volume():
    np.testing.assert_allclose(dims.sphere_area(np.array([2, 3])), [2 * math.pi, 4 * math.pi])
    h = 1e-6
    for D in (2, 5, 12):
        numeric = (dims.ball_volume(D, 1.0 + h) - dims.ball_volume(D, 1.0 - h)) / (2 * h)
        assert numeric == pytest.approx(dims.sphere_area(D), rel=1e-8)


def test_ball_to_cube_ratio():
    assert dims.ball_to_cube_ratio(2) == pytest.approx(math.pi / 4, rel=1e-14)
    assert dims.ball_to_cube_ratio(3) == pytest.approx(math.pi / 6, rel=1e-14)
    assert dims.ball_to_cube_ratio(10) == pytest.approx(0.0024903945701927, rel=1e-12)


def test_central_ball_diameter():
    np.testing.assert_allclose(
        dims.central_ball_diameter(np.array([2, 3, 4, 9])),
        [math.sqrt(2) - 1, math.sqrt(3) - 1, 1.0, 2.0],
    )
    # brute force in D = 4 with 2 and 4 cubes per axis: nearest small-ball centre
    for k in (2, 4):
        axes = np.arange(k) + 0.5
        centres = np.stack(np.meshgrid(*[axes] * 4), -1).reshape(-1, 4)
        gap = np.linalg.norm(centres - k / 2, axis=1).min() - 0.5
        assert 2 * gap == pytest.approx(dims.central_ball_diameter(4))


def test_shell_fraction():
    assert dims.shell_fraction(2, 0.01) == pytest.approx(0.0199, rel=1e-12)
    assert dims.shell_fraction(3, 0.01) == pytest.approx(0.029701, rel=1e-12)
    f = dims.shell_fraction(np.array([229, 230]), 0.01)
    assert f[0] < 0.9 < f[1]
    table = dims.shell_fraction(np.array([[1], [10]]), np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(table, [[0, 0.5, 1], [0, 1 - 0.5**10, 1]])


def test_empty_cell_fraction():
    assert dims.empty_cell_fraction(1000, 3) == pytest.approx(0.999**1000, rel=1e-12)
    assert dims.empty_cell_fraction(0, 3) == 1.0
    # as many samples as cells in a grid so fine that 1 - 1e-20 rounds to 1: still 1/e
    assert dims.empty_cell_fraction(1e20, 20) == pytest.approx(math.exp(-1), rel=1e-12)
    assert dims.empty_cell_fraction(10, 1, bins=2) == pytest.approx(0.5**10, rel=1e-12)
    assert dims.empty_cell_fraction(10, 4, bins=1) == 0.0  # one cell, always hit
    np.testing.assert_allclose(
        dims.empty_cell_fraction(np.array([0, 10]), 1, bins=2), [1.0, 0.5**10]
    )


def test_empty_cell_fraction_matches_simulation():
    rng = np.random.default_rng(0)
    fractions = []
    for _ in range(200):
        cells = dims.grid_cells(rng.random((50, 2)), 5)
        fractions.append(1 - len(np.unique(cells, axis=0)) / 25)
    expected = dims.empty_cell_fraction(50, 2, bins=5)
    assert abs(np.mean(fractions) - expected) < 4 * np.std(fractions) / np.sqrt(200)


def test_angle_pdf_normalised_and_special_cases():
    theta = np.linspace(0, np.pi, 20001)
    for D in (2, 3, 7, 100, 1000):
        assert np.trapezoid(dims.angle_pdf(theta, D), theta) == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(dims.angle_pdf(theta, 2), 1 / np.pi)
    np.testing.assert_allclose(dims.angle_pdf(theta, 3), 0.5 * np.sin(theta), atol=1e-15)
    assert dims.angle_pdf(-0.1, 5) == 0.0 and dims.angle_pdf(3.2, 5) == 0.0


def test_sample_ball_radius_law_and_isotropy():
    rng = np.random.default_rng(1)
    x = dims.sample_ball(40_000, 5, rng=rng, r=2.0)
    r = np.linalg.norm(x, axis=1)
    assert r.max() <= 2.0
    # P(R <= 1) = (1/2)^5
    assert np.mean(r <= 1.0) == pytest.approx(0.5**5, abs=4 * math.sqrt(0.5**5 / 40_000))
    assert np.abs(x.mean(0)).max() < 0.03


def test_sample_ball_matches_rejection_sampling():
    rng = np.random.default_rng(2)
    cube = rng.uniform(-1, 1, (200_000, 3))
    inside = cube[np.linalg.norm(cube, axis=1) <= 1]
    ball = dims.sample_ball(len(inside), 3, rng=rng)
    q = [0.25, 0.5, 0.75]
    np.testing.assert_allclose(
        np.quantile(np.linalg.norm(ball, axis=1), q),
        np.quantile(np.linalg.norm(inside, axis=1), q),
        atol=0.01,
    )


def test_angles_and_distances():
    u = np.array([[1.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    v = np.array([[0.0, 3.0], [-1.0, -1.0], [1.0, 1.0]])
    np.testing.assert_allclose(dims.angles(u, v), [np.pi / 2, np.pi, np.pi / 4])
    d = dims.distances(u, v)
    assert d.shape == (3, 3)
    np.testing.assert_allclose(d, np.linalg.norm(u[:, None] - v[None], axis=2), atol=1e-12)
    ratio = dims.distance_ratio(np.array([[1.0, 0.0], [3.0, 0.0]]), np.zeros((1, 2)))
    np.testing.assert_allclose(ratio, [3.0])


def test_distance_ratio_tends_to_one():
    rng = np.random.default_rng(3)
    low = np.median(dims.distance_ratio(rng.random((500, 2)), rng.random((20, 2))))
    high = np.median(dims.distance_ratio(rng.random((500, 500)), rng.random((20, 500))))
    assert low > 10 and 1.0 < high < 1.4


def test_grid_classify_votes_and_abstains():
    x_train = np.array([[0.05, 0.05], [0.06, 0.02], [0.07, 0.08], [0.95, 0.95]])
    labels = np.array([1, 1, 0, 2])
    x_test = np.array([[0.01, 0.09], [0.99, 0.91], [0.5, 0.5], [1.0, 1.0]])
    pred = dims.grid_classify(x_train, labels, x_test, bins=10)
    np.testing.assert_array_equal(pred, [1, 2, -1, 2])
    # a tie goes to the smaller label
    tie = dims.grid_classify(x_train[1:3], np.array([1, 0]), x_test[:1], bins=10)
    np.testing.assert_array_equal(tie, [0])


def test_nearest_neighbour():
    x_train = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    labels = np.array([0, 1, 2])
    x_test = np.array([[0.9, 0.2], [0.1, 0.6], [0.1, 0.1]])
    np.testing.assert_array_equal(dims.nearest_neighbour(x_train, labels, x_test), [1, 2, 0])


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: dims.ball_volume(0), ValueError, ">= 1"),
        (lambda: dims.ball_volume(2.5), TypeError, "positive int"),
        (lambda: dims.ball_volume(2, -1.0), ValueError, ">= 0"),
        (lambda: dims.shell_fraction(3, 1.5), ValueError, "[0, 1]"),
        (lambda: dims.angle_pdf(0.5, 1), ValueError, "D >= 2"),
        (lambda: dims.sample_ball(10, 3, rng=0), TypeError, "Generator"),
        (lambda: dims.angles(np.zeros((2, 3)), np.ones((2, 3))), ValueError, "zero vector"),
        (lambda: dims.angles(np.ones((2, 3)), np.ones((2, 4))), ValueError, "(n, 3)"),
        (lambda: dims.distances([[1.0]], np.ones((1, 1))), TypeError, "numpy array"),
        (lambda: dims.grid_cells(np.ones(3), 10), ValueError, "(n, D)"),
        (
            lambda: dims.grid_classify(np.ones((2, 2)), np.array([0.0, 1.0]), np.ones((1, 2))),
            TypeError,
            "ints",
        ),
        (
            lambda: dims.nearest_neighbour(np.ones((2, 2)), np.array([0]), np.ones((1, 2))),
            ValueError,
            "(2,)",
        ),
        (lambda: dims.empty_cell_fraction(10, 2, bins=0), ValueError, "positive int"),
    ],
)
def test_validation(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_distances_exact_near_zero():
    # far from the origin the expansion |x|^2 + |y|^2 - 2 x.y loses ~1e-5 to cancellation
    rng = np.random.default_rng(4)
    x = rng.random((50, 1000)) + 10.0
    d = dims.distances(x, x)
    assert np.all(np.diag(d) == 0.0)
    y = x.copy()
    y[:, 0] += 1e-4  # tiny but non-zero distances come out right too
    np.testing.assert_allclose(np.diag(dims.distances(x, y)), 1e-4, rtol=1e-6)
    # the ratio's "coincides with a data point" check now fires reliably
    with pytest.raises(ValueError, match="coincides"):
        dims.distance_ratio(x, x[:3])


def test_flow_data_classes_and_noise():
    rng = np.random.default_rng(5)
    x, labels = dims.flow_data(2000, 12, rng, noise_range=0.5)
    assert x.shape == (6000, 12) and labels.shape == (6000,)
    np.testing.assert_array_equal(np.bincount(labels), [2000, 2000, 2000])
    for k in range(3):
        block = x[labels == k]
        np.testing.assert_allclose(block[:, :2].mean(0), dims.FLOW_CENTRES[k], atol=0.01)
        np.testing.assert_allclose(block[:, :2].std(0), 0.12, rtol=0.05)
        # noise: uniform on [0, 0.5], mean 0.25, the same for every class
        assert 0 <= block[:, 2:].min() and block[:, 2:].max() <= 0.5
        np.testing.assert_allclose(block[:, 2:].mean(0), 0.25, atol=0.01)
    # the same seed gives the same data; D = 2 has no noise features
    a, _ = dims.flow_data(3, 5, np.random.default_rng(6))
    b, _ = dims.flow_data(3, 5, np.random.default_rng(6))
    np.testing.assert_array_equal(a, b)
    assert dims.flow_data(3, 2, rng)[0].shape == (9, 2)
    with pytest.raises(ValueError, match="D >= 2"):
        dims.flow_data(3, 1, rng)


def test_sample_ball_projection_is_uniform_in_the_ball():
    rng = np.random.default_rng(7)
    x = dims.sample_ball_projection(40_000, 4, rng=rng)
    r = np.linalg.norm(x, axis=1)
    assert x.shape == (40_000, 4) and r.max() <= 1.0
    for s in (0.5, 0.8, 0.95):  # P(R <= s) = s^D
        assert np.mean(r <= s) == pytest.approx(s**4, abs=4 * math.sqrt(s**4 / 40_000))
    assert np.abs(x.mean(0)).max() < 0.02
    with pytest.raises(TypeError, match="Generator"):
        dims.sample_ball_projection(3, 2, rng=1)


def test_gap_ball_diameter_brute_force():
    for D in range(1, 9):
        assert dims.gap_ball_diameter(D) == pytest.approx(math.sqrt(D) - 1, abs=1e-12)
    for D in range(2, 6):
        assert dims.gap_ball_diameter(D, k=4) == pytest.approx(math.sqrt(D) - 1, abs=1e-12)
    # odd k: a small ball sits at the centre, nothing fits between (diameter -1)
    assert dims.gap_ball_diameter(3, k=3) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="too many"):
        dims.gap_ball_diameter(30)


def test_flow_posterior():
    rng = np.random.default_rng(8)
    x, labels = dims.flow_data(2000, 5, rng)
    p = dims.flow_posterior(x)
    assert p.shape == (6000, 3)
    np.testing.assert_allclose(p.sum(1), 1.0)
    # calibrated: the argmax is right as often as the mean largest posterior says
    right = p.argmax(1) == labels
    assert abs(p.max(1).mean() - right.mean()) < 4 * right.std() / np.sqrt(6000)
    assert right.mean() > 0.9
    # a wrong spread breaks the calibration
    too_sharp = dims.flow_posterior(x, spread=0.03)
    assert too_sharp.max(1).mean() - right.mean() > 0.04
    # halfway between two centres the two classes are equally likely
    mid = (dims.FLOW_CENTRES[0] + dims.FLOW_CENTRES[1])[None] / 2
    q = dims.flow_posterior(mid)
    assert q[0, 0] == pytest.approx(q[0, 1], rel=1e-12)
    # noise features do not matter
    np.testing.assert_array_equal(dims.flow_posterior(x[:, :2]), p)
    with pytest.raises(ValueError, match="2 informative"):
        dims.flow_posterior(np.ones((3, 1)))


def test_knn_regress_against_brute_force():
    rng = np.random.default_rng(3)
    x_train, x_test = rng.random((40, 3)), rng.random((7, 3))
    y_train = rng.standard_normal(40)
    ks = np.array([1, 2, 5, 40])
    got = dims.knn_regress(x_train, y_train, x_test, ks)
    assert got.shape == (7, 4)
    for i, x in enumerate(x_test):
        order = np.argsort(np.linalg.norm(x_train - x, axis=1))
        for col, k in enumerate(ks):
            assert got[i, col] == pytest.approx(y_train[order[:k]].mean(), abs=1e-12)
    # one k gives one column; k = n averages every training target
    np.testing.assert_allclose(dims.knn_regress(x_train, y_train, x_test, 5), got[:, 2])
    np.testing.assert_allclose(got[:, 3], y_train.mean(), atol=1e-12)
    # blocks of test points: many test points against many training points, same answer
    x_big = rng.random((4001, 3))
    y_big = x_big.sum(1)
    far = dims.knn_regress(x_big, y_big, x_test, 1)
    nearest = np.argmin(dims.distances(x_test, x_big), axis=1)
    np.testing.assert_array_equal(far, y_big[nearest])


def test_knn_regress_rejects_bad_input():
    x = np.random.default_rng(0).random((5, 2))
    y = np.arange(5.0)
    with pytest.raises(ValueError, match="1 .. n = 5"):
        dims.knn_regress(x, y, x, 6)
    with pytest.raises(ValueError, match="1 .. n = 5"):
        dims.knn_regress(x, y, x, np.array([0, 2]))
    with pytest.raises(TypeError, match="positive int"):
        dims.knn_regress(x, y, x, 2.5)
    with pytest.raises(ValueError, match=r"shape \(n,\) = \(5,\)"):
        dims.knn_regress(x, y[:4], x, 1)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        dims.knn_regress(x, y, np.zeros((3, 4)), 1)


def test_stone_rate():
    assert dims.stone_rate(1) == pytest.approx(-2 / 3)
    assert dims.stone_rate(10) == pytest.approx(-1 / 6)
    assert dims.stone_rate(2, smoothness=2) == pytest.approx(-2 / 3)
    rates = dims.stone_rate(np.array([1, 2, 5, 10]))
    np.testing.assert_allclose(rates, [-2 / 3, -1 / 2, -2 / 7, -1 / 6])
    with pytest.raises(ValueError):
        dims.stone_rate(0)
    with pytest.raises(ValueError):
        dims.stone_rate(3, smoothness=0)
