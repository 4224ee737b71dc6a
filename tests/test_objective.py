"""Tests for the objective protocol, finite-difference fallbacks and derivative checkers."""

import numpy as np
import pytest

import landscape as ls
from landscape.objective import Objective


def cubic(t):
    return t[0] ** 3 + 2.0 * t[0] * t[1] ** 2 - np.sin(t[1])


def cubic_grad(t):
    return np.array([3 * t[0] ** 2 + 2 * t[1] ** 2, 4 * t[0] * t[1] - np.cos(t[1])])


def cubic_hess(t):
    return np.array([[6 * t[0], 4 * t[1]], [4 * t[1], 4 * t[0] + np.sin(t[1])]])


POINTS = [np.array([0.3, -1.2]), np.array([2.0, 0.5]), np.array([-40.0, 7.0])]


@pytest.mark.parametrize("theta", POINTS)
def test_fd_gradient_matches_closed_form(theta):
    f = ls.from_function(cubic, dim=2)
    # Central differences with h ~ eps^(1/3) are accurate to ~1e-10 relative.
    np.testing.assert_allclose(f.grad(theta), cubic_grad(theta), rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("theta", POINTS)
@pytest.mark.parametrize("with_grad", [True, False])
def test_fd_hessian_matches_closed_form(theta, with_grad):
    f = ls.from_function(cubic, dim=2, grad=cubic_grad if with_grad else None)
    scale = np.abs(cubic_hess(theta)).max()
    # FD of an exact gradient: ~1e-10; FD of an FD gradient: ~1e-6 relative.
    rtol = 1e-7 if with_grad else 1e-5
    np.testing.assert_allclose(f.hessian(theta), cubic_hess(theta), atol=rtol * scale)


def test_hvp_of_zero_vector_is_zero():
    f = ls.from_function(cubic, dim=2, grad=cubic_grad)
    np.testing.assert_array_equal(f.hvp(POINTS[0], np.zeros(2)), np.zeros(2))


def test_supplied_hvp_is_used():
    calls = []

    def hvp(t, v):
        calls.append(1)
        return cubic_hess(t) @ v

    f = ls.from_function(cubic, dim=2, grad=cubic_grad, hvp=hvp)
    np.testing.assert_allclose(f.hessian(POINTS[1]), cubic_hess(POINTS[1]))
    assert len(calls) == 2


def test_values_loops_over_rows():
    f = ls.from_function(cubic, dim=2)
    thetas = np.stack(POINTS)
    np.testing.assert_allclose(f.values(thetas), [cubic(t) for t in thetas])


def test_affine_values_default_forms_the_points():
    f = ls.from_function(cubic, dim=2)
    center, directions = POINTS[0], np.array([[1.0, 0.5]])
    coords = np.array([[-1.0], [0.0], [2.0]])
    expected = [cubic(center + c @ directions) for c in coords]
    np.testing.assert_allclose(f.affine_values(center, directions, coords), expected)
    with pytest.raises(ValueError, match=r"`coords` must have shape \(n, 1\)"):
        f.affine_values(center, directions, np.zeros((3, 2)))


def test_does_not_mutate_inputs():
    f = ls.from_function(cubic, dim=2)
    theta = POINTS[0].copy()
    v = np.array([1.0, 2.0])
    f.grad(theta)
    f.hvp(theta, v)
    f.hessian(theta)
    ls.check_grad(f, theta)
    np.testing.assert_array_equal(theta, POINTS[0])
    np.testing.assert_array_equal(v, [1.0, 2.0])


def test_check_grad_passes_exact_and_fails_wrong_gradient():
    good = ls.from_function(cubic, dim=2, grad=cubic_grad)
    bad = ls.from_function(cubic, dim=2, grad=lambda t: cubic_grad(t) * 1.01)
    assert ls.check_grad(good, POINTS[1]).ok
    result = ls.check_grad(bad, POINTS[1])
    assert not result.ok
    # A 1% error in every component shows up as ~1e-2 relative error.
    assert 1e-3 < result.max_rel_error < 1e-1
    assert "ok=False" in repr(result)


def test_check_hvp_passes_exact_and_fails_wrong_hvp():
    good = ls.from_function(cubic, dim=2, grad=cubic_grad, hvp=lambda t, v: cubic_hess(t) @ v)
    bad = ls.from_function(
        cubic, dim=2, grad=cubic_grad, hvp=lambda t, v: cubic_hess(t).T @ v * 0.9
    )
    assert ls.check_hvp(good, POINTS[0]).ok
    assert not ls.check_hvp(bad, POINTS[0]).ok


def test_base_class_value_is_abstract():
    class Bare(Objective):
        dim = 1

    with pytest.raises(NotImplementedError):
        Bare().value(np.zeros(1))
    assert repr(Bare()) == "Bare(name='objective', dim=1)"


def test_from_function_rejects_bad_arguments():
    with pytest.raises(TypeError, match="`f` must be callable"):
        ls.from_function(3.0, dim=1)
    with pytest.raises(TypeError, match="`grad` must be callable"):
        ls.from_function(cubic, dim=2, grad="no")
    with pytest.raises(ValueError, match="`dim` must be an integer >= 1"):
        ls.from_function(cubic, dim=0)
    with pytest.raises(TypeError, match="`dim` must be an integer"):
        ls.from_function(cubic, dim=2.0)


def test_wrong_shapes_and_nonfinite_are_rejected():
    f = ls.from_function(cubic, dim=2)
    with pytest.raises(ValueError, match="`theta` must have length 2, got length 3"):
        f.value(np.zeros(3))
    with pytest.raises(ValueError, match="must contain only finite values"):
        f.grad(np.array([np.nan, 1.0]))
    with pytest.raises(ValueError, match="`v` must have length 2"):
        f.hvp(np.zeros(2), np.zeros(5))
    with pytest.raises(ValueError, match=r"`thetas` must have shape \(n, 2\)"):
        f.values(np.zeros((4, 3)))


def test_function_returning_array_is_rejected():
    f = ls.from_function(lambda t: t, dim=2)
    with pytest.raises(ValueError, match="must return a scalar"):
        f.value(np.zeros(2))


def test_supplied_gradient_of_wrong_shape_is_rejected():
    f = ls.from_function(cubic, dim=2, grad=lambda t: np.zeros(3))
    with pytest.raises(ValueError, match=r"`grad` must return shape \(2,\)"):
        f.grad(np.zeros(2))


def test_checkers_reject_non_objectives_and_bad_tolerance():
    with pytest.raises(TypeError, match="must provide value/grad/hvp"):
        ls.check_grad(object(), np.zeros(2))
    f = ls.from_function(cubic, dim=2)
    with pytest.raises(ValueError, match="`tol` must be positive"):
        ls.check_hvp(f, np.zeros(2), tol=0.0)
