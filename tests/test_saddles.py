"""Tests for the quartic saddle, escape-time prediction and measurement, and curvature
steps."""

from __future__ import annotations

import math

import numpy as np
import pytest

import landscape as ls


# -- QuarticSaddle ----------------------------------------------------------------------
@pytest.mark.parametrize("eigenvalues", [[-1.0, 2.0], [-1.0, -0.25, 2.0], [-2.0, -1.0, 0.5, 3.0]])
def test_quartic_saddle_derivatives_match_finite_differences(eigenvalues):
    f = ls.QuarticSaddle(eigenvalues)
    rng = np.random.default_rng(0)
    for _ in range(3):
        theta = rng.standard_normal(f.dim)
        # exact derivatives against central differences: ~1e-9 relative agreement
        assert ls.check_grad(f, theta).ok
        assert ls.check_hvp(f, theta).ok
        v = rng.standard_normal(f.dim)
        np.testing.assert_allclose(f.hvp(theta, v), f.hessian(theta) @ v, rtol=1e-12)


def test_quartic_saddle_is_vectorized_over_points():
    f = ls.QuarticSaddle([-1.0, 0.5, 2.0])
    points = np.random.default_rng(1).standard_normal((4, 5, 3))
    values = f.value(points)
    assert values.shape == (4, 5)
    assert values[2, 3] == pytest.approx(f.value(points[2, 3]), rel=1e-14)
    np.testing.assert_allclose(f.grad(points)[1, 2], f.grad(points[1, 2]), rtol=1e-14)
    np.testing.assert_allclose(f.hess(points)[0, 0], f.hessian(points[0, 0]), rtol=1e-14)


@pytest.mark.parametrize("eigenvalues", [[-1.0, 2.0], [-1.5, -1.0, -0.5, 1.0], [-3.0, -1.0]])
def test_quartic_saddle_critical_points_are_critical_with_the_stated_index(eigenvalues):
    f = ls.QuarticSaddle(eigenvalues)
    lam = np.asarray(eigenvalues)
    assert f.critical_points_complete
    assert len(f.critical_points) == 1 + 2 * int(np.sum(lam < 0))
    checked = 0
    for p in f.critical_points:
        assert np.linalg.norm(f.grad(p.point)) < 1e-14
        verdict = ls.classify(f.hessian(p.point))
        assert verdict.kind == p.kind
        assert p.value == pytest.approx(f.value(p.point), abs=1e-15)
        if np.any(p.point):
            i = int(np.flatnonzero(p.point)[0])
            assert verdict.index == int(np.sum(lam < lam[i]))  # the index ladder
            assert p.value == pytest.approx(-(lam[i] ** 2) / 4, rel=1e-14)
        else:
            assert verdict.index == int(np.sum(lam < 0))
        checked += 1
    assert checked == len(f.critical_points)


def test_quartic_saddle_repeated_negative_eigenvalues_are_not_complete():
    # Equal negative eigenvalues make whole circles of critical points.
    assert not ls.QuarticSaddle([-1.0, -1.0, 2.0]).critical_points_complete


def test_quartic_saddle_stable_manifold_is_invariant_under_gd():
    f = ls.QuarticSaddle([-1.0, 0.5, 2.0])
    traj = ls.minimize(f, [0.0, 0.4, -0.3], ls.gd(0.1), 300)
    assert np.all(traj.params[:, 0] == 0.0)
    assert np.linalg.norm(traj.final_params) < 1e-5


@pytest.mark.parametrize(
    ("eigenvalues", "error", "match"),
    [
        ([1.0, 2.0], ValueError, "negative"),
        ([], ValueError, "empty"),
        ([np.nan, -1.0], ValueError, "finite"),
        ("abc", TypeError, "eigenvalues"),
    ],
)
def test_quartic_saddle_rejects_bad_eigenvalues(eigenvalues, error, match):
    with pytest.raises(error, match=match):
        ls.QuarticSaddle(eigenvalues)


def test_quartic_saddle_repr():
    assert repr(ls.QuarticSaddle([-1.0, 2.0])) == "QuarticSaddle(eigenvalues=[-1, 2])"


# -- predicted_escape_time --------------------------------------------------------------
def _linear_steps(eps: float, eta: float, lam: float, radius: float) -> int:
    """First t with eps (1 + eta |lam|)^t >= radius, by iterating the recursion."""
    x, t = eps, 0
    while x < radius:
        x *= 1.0 + eta * abs(lam)
        t += 1
    return t


@pytest.mark.parametrize(("eps", "eta", "lam"), [(1e-6, 0.1, -1.0), (1e-12, 0.05, -0.3)])
def test_predicted_escape_time_matches_the_linear_recursion(eps, eta, lam):
    predicted = ls.predicted_escape_time(eps, eta, lam, radius=0.5)
    # the recursion crosses R at the first integer above the real-valued prediction
    assert _linear_steps(eps, eta, lam, 0.5) == math.ceil(predicted)


def test_predicted_escape_time_discrete_exceeds_gradient_flow():
    eps = np.logspace(-12, -2, 6)
    discrete = ls.predicted_escape_time(eps, 0.5, -1.0)
    flow = ls.predicted_escape_time(eps, 0.5, -1.0, discrete=False)
    assert discrete.shape == flow.shape == (6,)
    # the ratio is x / ln(1 + x) for x = eta |lambda| = 0.5
    np.testing.assert_allclose(discrete / flow, 0.5 / np.log1p(0.5), rtol=1e-12)


def test_predicted_escape_time_is_zero_outside_the_radius():
    steps = ls.predicted_escape_time([0.5, 1.0, 2.0], 0.1, -1.0, radius=1.0)
    assert steps[0] > 0 and steps[1] == 0.0 and steps[2] == 0.0


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((0.0, 0.1, -1.0), {}, ValueError, "distance"),
        (([1e-3, -1.0], 0.1, -1.0), {}, ValueError, "distance"),
        ((np.inf, 0.1, -1.0), {}, ValueError, "distance"),
        (("x", 0.1, -1.0), {}, TypeError, "distance"),
        (([None], 0.1, -1.0), {}, TypeError, "distance"),
        ((True, 0.1, -1.0), {}, TypeError, "distance"),
        ((1j, 0.1, -1.0), {}, TypeError, "distance"),
        ((1e-3, 0.0, -1.0), {}, ValueError, "learning_rate"),
        ((1e-3, 0.1, 0.0), {}, ValueError, "lambda_min"),
        ((1e-3, 0.1, 2.0), {}, ValueError, "lambda_min"),
        ((1e-3, 0.1, "a"), {}, TypeError, "lambda_min"),
        ((1e-3, 0.1, -1.0), {"radius": -1.0}, ValueError, "radius"),
    ],
)
def test_predicted_escape_time_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        ls.predicted_escape_time(*args, **kwargs)


# -- measure_escape -----------------------------------------------------------------------
@pytest.mark.parametrize(("eps", "eta"), [(1e-6, 0.1), (1e-10, 0.25), (3e-3, 0.05)])
def test_measure_escape_on_a_quadratic_saddle_is_the_linear_count(eps, eta):
    # On a quadratic the linearization is exact: the escape step is the recursion's.
    f = ls.Quadratic(eigenvalues=[-1.0, 2.0])
    escape = ls.measure_escape(f, [eps, 0.0], ls.gd(eta), saddle=[0.0, 0.0], radius=0.5)
    assert escape.escaped
    assert escape.num_steps == _linear_steps(eps, eta, -1.0, 0.5)
    assert escape.initial_distance == pytest.approx(eps)
    assert np.linalg.norm(escape.final_point) >= 0.5


def test_measure_escape_budget_on_both_sides_of_the_escape_step():
    f = ls.Quadratic(eigenvalues=[-1.0, 2.0])
    needed = _linear_steps(1e-6, 0.1, -1.0, 0.5)
    kwargs = {"saddle": [0.0, 0.0], "radius": 0.5}
    short = ls.measure_escape(f, [1e-6, 0.0], ls.gd(0.1), max_steps=needed - 1, **kwargs)
    enough = ls.measure_escape(f, [1e-6, 0.0], ls.gd(0.1), max_steps=needed, **kwargs)
    assert not short.escaped and short.num_steps == needed - 1
    assert enough.escaped and enough.num_steps == needed


def test_measure_escape_never_leaves_the_stable_manifold():
    f = ls.QuarticSaddle([-1.0, 2.0])
    escape = ls.measure_escape(
        f, [0.0, 0.3], ls.gd(0.1), saddle=[0.0, 0.0], radius=0.5, max_steps=400
    )
    assert not escape.escaped and escape.num_steps == 400
    assert escape.closest_distance < 1e-30 and escape.final_point[0] == 0.0


def test_measure_escape_records_losses_and_starts_outside():
    f = ls.QuarticSaddle([-1.0, 2.0])
    escape = ls.measure_escape(
        f, [1e-3, 0.0], ls.gd(0.1), saddle=[0.0, 0.0], radius=0.5, record_losses=True
    )
    assert escape.losses.shape == (escape.num_steps + 1,)
    assert escape.losses[0] == pytest.approx(f.value([1e-3, 0.0]))
    assert not escape.losses.flags.writeable and not escape.final_point.flags.writeable
    outside = ls.measure_escape(f, [1.0, 0.0], ls.gd(0.1), saddle=[0.0, 0.0], radius=0.5)
    assert outside.escaped and outside.num_steps == 0 and outside.losses is None


def test_measure_escape_counts_a_divergence_as_an_escape():
    # eta * 2 > 2 on the positive direction: the iterate blows up to inf.
    f = ls.Quadratic(eigenvalues=[-1.0, 2.0])
    escape = ls.measure_escape(f, [0.0, 1e-3], ls.gd(1.5), saddle=[0.0, 0.0], radius=1.79e308)
    assert escape.escaped and not np.all(np.isfinite(escape.final_point))


def test_measure_escape_supports_rules_that_need_grad_fn_and_does_not_mutate():
    f = ls.Quadratic(eigenvalues=[-1.0, 2.0])
    base = ls.gd(0.1)
    calls = []

    def update(grad, state, params, grad_fn):
        calls.append(1)
        return base.update(grad_fn(params), state, params)

    rule = ls.UpdateRule(base.init, update, needs_grad_fn=True, learning_rate=base.learning_rate)
    start = np.array([1e-6, 0.0])
    escape = ls.measure_escape(f, start, rule, saddle=np.zeros(2), radius=0.5)
    assert escape.num_steps == _linear_steps(1e-6, 0.1, -1.0, 0.5) == len(calls)
    np.testing.assert_array_equal(start, [1e-6, 0.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"radius": 0.0}, ValueError, "radius"),
        ({"max_steps": 0}, ValueError, "max_steps"),
        ({"saddle": [0.0]}, ValueError, "saddle"),
        ({"theta0": [np.nan, 0.0]}, ValueError, "theta0"),
        ({"rule": "gd"}, TypeError, "rule"),
        ({"objective": object()}, TypeError, "objective"),
    ],
)
def test_measure_escape_rejects_bad_input(kwargs, error, match):
    args = {
        "objective": ls.QuarticSaddle([-1.0, 2.0]),
        "theta0": [1e-3, 0.0],
        "rule": ls.gd(0.1),
        "saddle": [0.0, 0.0],
        "radius": 0.5,
    }
    args.update(kwargs)
    objective, theta0, rule = args.pop("objective"), args.pop("theta0"), args.pop("rule")
    with pytest.raises(error, match=match):
        ls.measure_escape(objective, theta0, rule, **args)


# -- negative_curvature_step --------------------------------------------------------------
def test_negative_curvature_step_from_the_saddle_reaches_the_minimum():
    f = ls.QuarticSaddle([-1.0, 2.0])
    step = ls.negative_curvature_step(f, [0.0, 0.0])
    assert step.success and step.step_size == 1.0 and step.eigenvalue == pytest.approx(-1.0)
    np.testing.assert_allclose(np.abs(step.point), [1.0, 0.0], atol=1e-15)
    assert step.decrease == pytest.approx(0.25)  # f(0) - f(+-e_1) = 0 - (-1/4)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_negative_curvature_step_points_downhill(sign):
    f = ls.QuarticSaddle([-1.0, 2.0])
    theta = np.array([sign * 1e-3, 0.1])
    theta_before = theta.copy()
    step = ls.negative_curvature_step(f, theta)
    assert float(f.grad(theta) @ step.direction) <= 0.0
    assert np.sign(step.point[0]) == sign  # moves away from the saddle on its own side
    assert np.linalg.norm(step.direction) == pytest.approx(1.0)
    model = step.step_size * float(f.grad(theta) @ step.direction)
    model += 0.5 * step.step_size**2 * step.eigenvalue
    # sufficient decrease with c = 0.5, measured against the model
    assert step.decrease >= -0.5 * model > 0
    np.testing.assert_array_equal(theta, theta_before)


def test_negative_curvature_step_backtracks_and_can_fail():
    f = ls.QuarticSaddle([-1.0, 2.0])
    long = ls.negative_curvature_step(f, [0.0, 0.0], max_step=8.0)
    assert long.success and long.step_size == 1.0  # 8 -> 4 -> 2 -> 1
    failed = ls.negative_curvature_step(f, [0.0, 0.0], max_step=8.0, max_iter=2)
    assert not failed.success and failed.step_size == 0.0 and failed.decrease == 0.0
    np.testing.assert_array_equal(failed.point, [0.0, 0.0])


def test_negative_curvature_step_needs_negative_curvature():
    f = ls.QuarticSaddle([-1.0, 2.0])
    with pytest.raises(ValueError, match="negative curvature"):
        ls.negative_curvature_step(f, [1.0, 0.0])  # a minimum


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_step": 0.0}, ValueError, "max_step"),
        ({"c": 0.0}, ValueError, "`c`"),
        ({"c": 1.0}, ValueError, "`c`"),
        ({"shrink": 1.5}, ValueError, "shrink"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"max_iter": 1.5}, TypeError, "max_iter"),
    ],
)
def test_negative_curvature_step_rejects_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        ls.negative_curvature_step(ls.QuarticSaddle([-1.0, 2.0]), [0.0, 0.0], **kwargs)


def test_negative_curvature_step_rejects_objectives_without_hessian():
    class NoHessian:
        dim = 2

        def value(self, theta):
            return 0.0

        def grad(self, theta):
            return np.zeros(2)

    with pytest.raises(TypeError, match="hessian"):
        ls.negative_curvature_step(NoHessian(), [0.0, 0.0])
