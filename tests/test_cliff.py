"""The cliff surface: exact derivatives, its one minimum, and what clipping does there."""

import numpy as np
import pytest

import landscape as ls


@pytest.mark.parametrize(
    ("height", "steepness", "position"), [(30, 12, 2), (5, 3, 1.5), (100, 20, 4)]
)
def test_derivatives_match_finite_differences(height, steepness, position):
    cliff = ls.Cliff(height, steepness, position)
    gen = np.random.default_rng(0)
    checked = 0
    for theta in gen.uniform(-1, 1, size=(10, 2)) + np.array([position, 0.0]):
        assert ls.check_grad(cliff, theta).ok
        assert ls.check_hvp(cliff, theta).ok
        checked += 1
    assert checked == 10


@pytest.mark.parametrize(
    ("height", "steepness", "position"), [(30, 12, 2), (5, 3, 1.5), (100, 20, 4)]
)
def test_the_stored_minimum_is_critical_and_the_only_one_on_a_grid(height, steepness, position):
    cliff = ls.Cliff(height, steepness, position)
    point = cliff.critical_points[0].point
    assert np.linalg.norm(cliff.grad(point)) < 1e-12  # Newton, polished to rounding
    assert np.all(np.linalg.eigvalsh(cliff.hessian(point)) > 0)
    xs = np.linspace(-3, 3 * position, 20001)
    dx = cliff.grad(np.stack([xs, np.zeros_like(xs)], -1))[:, 0]
    sign_changes = np.flatnonzero(np.diff(np.sign(dx)))
    assert sign_changes.size == 1 and abs(xs[sign_changes[0]] - point[0]) < 1e-3


def test_values_are_vectorized_and_the_face_is_steep():
    cliff = ls.Cliff()
    grid = np.random.default_rng(1).uniform(-2, 5, size=(4, 3, 2))
    values = cliff.value(grid)
    assert values.shape == (4, 3)
    assert values[1, 2] == pytest.approx(cliff.value(grid[1, 2]), rel=1e-15)
    assert cliff.grad([2.0, 0.0])[0] == pytest.approx(2 + 30 * 12 / 4)  # h s / 4 + x
    assert "Cliff(height=30" in repr(cliff)


def test_clipping_bounds_the_jump_off_the_face():
    cliff = ls.Cliff()
    start = [2.1, 1.0]
    plain = ls.minimize(cliff, start, ls.gd(0.25), 1)
    clipped = ls.minimize(cliff, start, ls.clip_by_global_norm(ls.gd(0.25), 4.0), 1)
    assert np.linalg.norm(plain.params[1] - plain.params[0]) > 5  # thrown far
    assert np.linalg.norm(clipped.params[1] - clipped.params[0]) == pytest.approx(1.0)


def test_bad_parameters_are_rejected():
    with pytest.raises(ValueError, match="height"):
        ls.Cliff(height=0.0)
    with pytest.raises(ValueError, match="steepness"):
        ls.Cliff(steepness=-1.0)
    with pytest.raises(ValueError, match="position"):
        ls.Cliff(position=0.0)
    with pytest.raises(TypeError, match="height"):
        ls.Cliff(height="tall")
