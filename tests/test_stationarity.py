"""Tests for telling critical points from gradient-flat points."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls


def _affine_quadratic(eigenvalues, b):
    """f = x^T diag(lam) x / 2 + b^T x, with exact derivatives: g = lam x + b, H = diag(lam)."""
    lam, b = np.asarray(eigenvalues, dtype=float), np.asarray(b, dtype=float)
    return ls.from_function(
        lambda x: 0.5 * float(x @ (lam * x)) + float(b @ x),
        dim=lam.size,
        grad=lambda x: lam * x + b,
        hvp=lambda x, v: lam * v,
    )


def test_inflection_point_of_a_cubic_is_gradient_flat():
    cubic = ls.from_function(
        lambda t: t[0] ** 3 / 3 + t[0], dim=1, grad=lambda t: t**2 + 1, hvp=lambda t, v: 2 * t * v
    )
    verdict = ls.classify_stationarity(cubic, [0.0], grad_scale=1.0)
    assert verdict.kind == "gradient_flat"
    assert verdict.grad_norm == 1.0 and verdict.flatness == 0.0  # H = 0 there
    # away from the inflection point the gradient sits in a curved direction
    assert ls.classify_stationarity(cubic, [1.0], grad_scale=1.0).kind == "neither"


@pytest.mark.parametrize(("x", "kind"), [(0.9e-3, "gradient_flat"), (1.1e-3, "neither")])
def test_one_dimension_needs_an_outside_curvature_scale(x, kind):
    # In 1-D the local ratio |H g| / (|H| |g|) is 1 unless H = 0; measured against the
    # curvature 2 of the start x = 1 the flatness is |2x| * g / (2 g) = x.
    cubic = ls.from_function(
        lambda t: t[0] ** 3 / 3 + t[0], dim=1, grad=lambda t: t**2 + 1, hvp=lambda t, v: 2 * t * v
    )
    assert ls.classify_stationarity(cubic, [x]).flatness == pytest.approx(1.0)
    verdict = ls.classify_stationarity(cubic, [x], curvature_scale=2.0)
    assert verdict.curvature_scale == 2.0 and verdict.hessian_norm == pytest.approx(2 * x)
    assert verdict.flatness == pytest.approx(x, rel=1e-12)
    assert verdict.kind == kind


@pytest.mark.parametrize(("small", "kind"), [(0.9e-3, "gradient_flat"), (1.1e-3, "neither")])
def test_flatness_threshold_on_both_sides(small, kind):
    # g = e_2 lies along the eigenvalue `small` of H = diag(1, small): flatness = small.
    f = _affine_quadratic([1.0, small], [0.0, 1.0])
    verdict = ls.classify_stationarity(f, [0.0, 0.0])
    assert verdict.flatness == pytest.approx(small, rel=1e-12)
    assert verdict.hessian_norm == pytest.approx(1.0, rel=1e-12)
    assert verdict.kind == kind


@pytest.mark.parametrize(("offset", "kind"), [(0.9e-6, "critical"), (1.1e-6, "neither")])
def test_gradient_threshold_on_both_sides(offset, kind):
    # g = (offset, 0) along eigenvalue 2: the default scale is ||H|| max(1, ||theta||) = 2
    f = _affine_quadratic([2.0, 1.0], [0.0, 0.0])
    verdict = ls.classify_stationarity(f, [offset, 0.0])
    assert verdict.grad_scale == pytest.approx(2.0)
    assert verdict.relative_grad_norm == pytest.approx(offset, rel=1e-12)
    assert verdict.kind == kind


def test_grad_scale_can_be_given_and_scales_with_theta_by_default():
    f = _affine_quadratic([2.0, 1.0], [0.0, 0.0])
    far = ls.classify_stationarity(f, [0.0, 3.0])
    assert far.grad_scale == pytest.approx(2.0 * 3.0)
    given = ls.classify_stationarity(f, [1e-7, 0.0], grad_scale=1e-3)
    assert given.grad_scale == 1e-3 and given.kind == "neither"


def test_a_zero_hessian_falls_back_to_unit_scale():
    f = _affine_quadratic([0.0, 0.0], [1e-7, 0.0])
    verdict = ls.classify_stationarity(f, [5.0, 5.0])
    assert verdict.hessian_norm == 0.0 and verdict.grad_scale == 1.0
    assert verdict.kind == "critical" and verdict.flatness == 0.0


def test_critical_points_of_known_surfaces_are_critical():
    for f in (ls.surface("running_example"), ls.QuarticSaddle([-1.0, 0.5, 2.0])):
        for p in f.critical_points:
            assert ls.classify_stationarity(f, p.point).kind == "critical"


def test_large_objectives_use_lanczos_for_the_hessian_norm():
    d = 250  # above the dense limit
    lam = np.linspace(-3.0, 2.0, d)
    b = np.zeros(d)
    b[d // 2] = 1.0
    f = _affine_quadratic(lam, b)
    verdict = ls.classify_stationarity(f, np.zeros(d))
    # Lanczos to a 1e-6 residual gives the extreme eigenvalue to ~1e-10 here
    assert verdict.hessian_norm == pytest.approx(3.0, rel=1e-8)
    assert verdict.flatness == pytest.approx(abs(lam[d // 2]) / 3.0, rel=1e-8)


def test_classify_stationarity_does_not_mutate_theta():
    f = ls.surface("running_example")
    theta = np.array([0.5, 0.0])
    ls.classify_stationarity(f, theta)
    np.testing.assert_array_equal(theta, [0.5, 0.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"gtol": 0.0}, ValueError, "gtol"),
        ({"gtol": 1.0}, ValueError, "gtol"),
        ({"flat_tol": 0.0}, ValueError, "flat_tol"),
        ({"flat_tol": 2.0}, ValueError, "flat_tol"),
        ({"grad_scale": -1.0}, ValueError, "grad_scale"),
        ({"grad_scale": "x"}, TypeError, "grad_scale"),
        ({"curvature_scale": 0.0}, ValueError, "curvature_scale"),
        ({"curvature_scale": np.nan}, ValueError, "curvature_scale"),
        ({"theta": [0.0]}, ValueError, "theta"),
        ({"theta": [np.inf, 0.0]}, ValueError, "theta"),
    ],
)
def test_classify_stationarity_rejects_bad_input(kwargs, error, match):
    theta = kwargs.pop("theta", [0.0, 0.0])
    with pytest.raises(error, match=match):
        ls.classify_stationarity(ls.surface("running_example"), theta, **kwargs)


def test_classify_stationarity_rejects_non_objectives():
    with pytest.raises(TypeError, match="objective"):
        ls.classify_stationarity(object(), [0.0])


def test_stationarity_repr():
    f = _affine_quadratic([1.0, 1e-4], [0.0, 1.0])
    assert repr(ls.classify_stationarity(f, [0.0, 0.0])) == (
        "Stationarity(kind='gradient_flat', grad_norm=1, relative_grad_norm=1, flatness=0.0001)"
    )
