"""Homogeneous 4 x 4 transforms and the perspective divide."""

import numpy as np
import pytest

from lstmkit import graphics


def test_rotation_is_orthogonal_and_turns_x_into_y():
    R = graphics.rotation("z", np.pi / 2)
    np.testing.assert_allclose(R @ [1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0], atol=1e-15)
    for axis in "xyz":
        R = graphics.rotation(axis, 0.7)
        np.testing.assert_allclose(R.T @ R, np.eye(4), atol=1e-15)
        assert np.linalg.det(R) == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(
        graphics.rotation("x", np.pi / 2) @ [0.0, 1.0, 0.0, 1.0], [0, 0, 1, 1], atol=1e-15
    )
    np.testing.assert_allclose(
        graphics.rotation("y", np.pi / 2) @ [0.0, 0.0, 1.0, 1.0], [1, 0, 0, 1], atol=1e-15
    )


def test_translation_moves_the_origin():
    T = graphics.translation([1.0, -2.0, 3.0])
    np.testing.assert_array_equal(T @ [0.0, 0.0, 0.0, 1.0], [1.0, -2.0, 3.0, 1.0])
    # directions (w = 0) are not moved
    np.testing.assert_array_equal(T @ [1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0])


def test_projection_matches_pinhole_formula_and_loop():
    rng = np.random.default_rng(0)
    pts = rng.uniform(-1, 1, size=(3, 50))
    M = graphics.perspective(2.5) @ graphics.translation([0.2, 0.0, 5.0])
    M = M @ graphics.rotation("y", 0.3)
    moved = graphics.translation([0.2, 0.0, 5.0]) @ graphics.rotation("y", 0.3)
    moved = moved @ graphics.homogeneous(pts)
    expected = 2.5 * moved[:2] / moved[2]
    np.testing.assert_allclose(graphics.project(M, pts), expected, rtol=1e-14)
    np.testing.assert_allclose(graphics.project_loop(M, pts), expected, rtol=1e-14)


def test_perspective_divide_is_not_linear():
    M = graphics.perspective(1.0) @ graphics.translation([0.0, 0.0, 2.0])
    a, b = np.array([[1.0], [0.0], [0.0]]), np.array([[0.0], [0.0], [2.0]])
    # project(a + b) = 1/6 but project(a) + project(b) = 1/2 + 0
    assert graphics.project(M, a + b)[0, 0] == pytest.approx(0.25)
    assert graphics.project(M, a)[0, 0] + graphics.project(M, b)[0, 0] == pytest.approx(0.5)


def test_cube_has_8_vertices_and_12_unit_edges():
    v, e = graphics.cube(2.0)
    assert v.shape == (3, 8) and e.shape == (12, 2)
    lengths = np.linalg.norm(v[:, e[:, 0]] - v[:, e[:, 1]], axis=0)
    np.testing.assert_array_equal(lengths, 2.0)
    assert np.all(np.abs(v) == 1.0)


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="axis"):
        graphics.rotation("w", 1.0)
    with pytest.raises(ValueError, match=r"shape \(3, N\)"):
        graphics.project(np.eye(4), np.zeros((2, 5)))
    with pytest.raises(ValueError, match="4 x 4"):
        graphics.project(np.eye(3), np.zeros((3, 5)))
    with pytest.raises(ValueError, match="behind the camera"):
        graphics.project(graphics.perspective(1.0), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="focal"):
        graphics.perspective(-1.0)
    with pytest.raises(ValueError, match=r"\(3,\)"):
        graphics.translation([1.0, 2.0])


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(graphics, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
