"""Tests for landscape.connectivity: paths, barriers, fitted curves, batching, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls
import landscape.connectivity as connectivity


class BatchedOnly(ls.Objective):
    """f(theta) = ||theta||^2 / 2 that refuses single evaluations and counts batched calls."""

    def __init__(self, dim):
        self.dim, self.name = dim, "bowl"
        self.values_calls = 0

    def value(self, theta):
        raise AssertionError("paths must use the batched `values`, not `value`")

    def values(self, thetas):
        thetas = np.asarray(thetas)
        self.values_calls += 1
        return 0.5 * np.einsum("ij,ij->i", thetas, thetas)

    def grad(self, theta):
        return np.array(theta, dtype=float)


def ring():
    """(|theta|^2 - 1)^2: zero on the unit circle, a hump of height 1 at the centre."""
    return ls.from_function(
        lambda t: float((t @ t - 1.0) ** 2), dim=2, grad=lambda t: 4.0 * (t @ t - 1.0) * t
    )


def classifier(widths=(2, 6, 3), n=40, seed=0):
    data = ls.gaussian_blobs(n, num_classes=widths[-1], rng=seed)
    mlp = ls.MLP(widths, "tanh")
    return ls.mlp_objective(mlp, data.X, data.y, "cross_entropy"), mlp


# --------------------------------------------------------------------------------------
# loss_barrier and linear paths


@pytest.mark.parametrize(
    ("losses", "expected"),
    [([0.1, 0.9, 0.3], 0.7), ([0.2, 0.1, 0.2], 0.0), ([1.0, 3.0], 1.0), ([0.0, 5.0, 0.0], 5.0)],
)
def test_loss_barrier_is_max_minus_mean_of_endpoints(losses, expected):
    # a few float operations on exact inputs
    assert ls.loss_barrier(losses) == pytest.approx(expected, abs=1e-15)


def test_linear_path_on_a_quadratic_matches_the_closed_form():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(5), rng.standard_normal(5)
    f = BatchedOnly(5)
    path = ls.linear_path(f, a, b, num_points=11)
    ts = np.linspace(0.0, 1.0, 11)
    expected = np.array([0.5 * np.sum(((1 - t) * a + t * b) ** 2) for t in ts])
    # the same sums in a different association order
    np.testing.assert_allclose(path.losses, expected, rtol=1e-13)
    # a convex function peaks at an endpoint: the barrier is half the endpoint gap
    assert path.barrier == pytest.approx(0.5 * abs(expected[0] - expected[-1]), rel=1e-12)
    assert path.argmax_t in (0.0, 1.0)
    assert path.kind == "linear" and path.accuracies is None and path.accuracy_drop is None
    assert f.values_calls == 1


def test_linear_path_over_the_running_example_saddle():
    f = ls.surface("running_example")  # f(a, a) = 2 a^4 - 4 a^2 + 1 on the diagonal
    path = ls.linear_path(f, [-1.0, -1.0], [1.0, 1.0])
    a = 2.0 * path.ts - 1.0
    # polynomial evaluated two ways
    np.testing.assert_allclose(path.losses, 2 * a**4 - 4 * a**2 + 1, atol=1e-13)
    assert path.ts.size == 61 and path.ts[0] == 0.0 and path.ts[-1] == 1.0
    assert path.barrier == pytest.approx(2.0, abs=1e-13)  # f(0, 0) = 1, endpoints -1
    assert path.argmax_t == pytest.approx(0.5, abs=1e-15)


def test_path_accuracies_match_a_loop_over_points(monkeypatch):
    f, mlp = classifier()
    a, b = mlp.init(rng=0), mlp.init(rng=1)
    # tiny chunks: the batched accuracy must be the same however the grid is split
    monkeypatch.setattr(connectivity, "_ACCURACY_CHUNK_FLOATS", 50)
    path = ls.linear_path(f, a, b, num_points=9)
    expected = [f.accuracy((1 - t) * a + t * b) for t in path.ts]
    np.testing.assert_array_equal(path.accuracies, expected)
    assert path.accuracy_drop == pytest.approx(
        0.5 * (expected[0] + expected[-1]) - min(expected), abs=1e-15
    )
    # the batched losses agree with single evaluations up to rounding
    singles = [f.value((1 - t) * a + t * b) for t in path.ts]
    np.testing.assert_allclose(path.losses, singles, rtol=1e-12)


def test_accuracy_can_be_switched_off_and_is_off_for_regression():
    f, mlp = classifier()
    assert ls.linear_path(f, mlp.init(0), mlp.init(1), accuracy=False).accuracies is None
    data = ls.teacher_student(20, widths=(2, 3, 1), rng=0)
    reg = ls.mlp_objective(ls.MLP((2, 3, 1)), data.X, data.y)
    assert ls.linear_path(reg, np.zeros(13), np.ones(13)).accuracies is None
    with pytest.raises(ValueError, match="cross-entropy network objective"):
        ls.linear_path(reg, np.zeros(13), np.ones(13), accuracy=True)
    with pytest.raises(TypeError, match="`accuracy` must be True, False or None"):
        ls.linear_path(f, mlp.init(0), mlp.init(1), accuracy="yes")


def test_paths_do_not_modify_their_inputs():
    a, b = np.array([1.0, 0.0]), np.array([-0.6, 0.8])
    a0, b0 = a.copy(), b.copy()
    ls.linear_path(ring(), a, b)
    fit = ls.fit_curve(ring(), a, b, ls.adam(0.05), 5, rng=0)
    ls.curve_path(ring(), fit)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)
    # the curve keeps copies of the endpoints
    np.testing.assert_array_equal(fit.curve.start, a0)
    np.testing.assert_array_equal(fit.curve.end, b0)
    assert not fit.curve.control.flags.writeable


def test_path_profile_repr_and_frozen_arrays():
    path = ls.linear_path(ls.surface("running_example"), [-1.0, -1.0], [1.0, 1.0], num_points=5)
    assert repr(path) == (
        "PathProfile(kind='linear', points=5, barrier=2, argmax_t=0.5, accuracy=no)"
    )
    with pytest.raises(ValueError, match="read-only"):
        path.losses[0] = 0.0


# --------------------------------------------------------------------------------------
# curves


@pytest.mark.parametrize("kind", ["bezier", "polychain"])
def test_midpoint_control_gives_the_straight_segment(kind):
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal(4), rng.standard_normal(4)
    curve = ls.Curve(kind, a, 0.5 * (a + b), b)
    ts = np.linspace(0, 1, 17)
    line = (1 - ts)[:, None] * a + ts[:, None] * b
    # a few roundings per coordinate
    np.testing.assert_allclose(curve.points(ts), line, atol=1e-15)


@pytest.mark.parametrize("kind", ["bezier", "polychain"])
def test_coefficients_form_a_partition_of_unity_with_the_right_ends(kind):
    ts = np.linspace(0, 1, 101)
    w = ls.Curve(kind, [0.0], [0.0], [0.0]).coefficients(ts)
    assert np.all(w >= 0)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-15)  # exact up to rounding
    np.testing.assert_array_equal(w[0], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(w[-1], [0.0, 0.0, 1.0])


def test_bezier_and_chain_at_the_middle():
    a, c, b = np.array([0.0, 0.0]), np.array([1.0, 2.0]), np.array([2.0, 0.0])
    np.testing.assert_array_equal(ls.Curve("bezier", a, c, b).points([0.5])[0], (a + 2 * c + b) / 4)
    np.testing.assert_array_equal(ls.Curve("polychain", a, c, b).points([0.5])[0], c)
    # the chain is piecewise linear: a quarter of the way is the middle of the first leg
    np.testing.assert_array_equal(ls.Curve("polychain", a, c, b).points([0.25])[0], (a + c) / 2)


@pytest.mark.parametrize("kind", ["bezier", "polychain"])
@pytest.mark.parametrize("t", [0.1, 0.37, 0.5, 0.81])
def test_control_weight_is_the_chain_rule_factor(kind, t):
    # d/dc L(phi_c(t)) = w(t) grad L(phi_c(t)), checked against central differences.
    f, mlp = classifier(widths=(2, 4, 3))
    a, b, c = mlp.init(0), mlp.init(1), mlp.init(2)
    weight = ls.Curve(kind, a, c, b).coefficients([t])[0, 1]
    point = ls.Curve(kind, a, c, b).points([t])[0]
    v = np.random.default_rng(3).standard_normal(mlp.num_params)
    h = 1e-5

    def along(s):
        return f.value(ls.Curve(kind, a, c + s * v, b).points([t])[0])

    fd = (along(h) - along(-h)) / (2 * h)
    # central differences: O(h^2) truncation plus O(eps / h) rounding
    assert weight * f.grad(point) @ v == pytest.approx(fd, rel=1e-7, abs=1e-9)


def test_fit_curve_finds_the_valley_around_the_hump():
    f = ring()
    a, b = [1.0, 0.0], [-0.6, 0.8]
    line = ls.linear_path(f, a, b)
    fit = ls.fit_curve(f, a, b, ls.adam(0.05), 300, num_samples=4, rng=0, record_every=50)
    curve = ls.curve_path(f, fit)
    # the chord dips to |theta|^2 = 0.2 at its middle: (0.2 - 1)^2 = 0.64
    assert line.barrier == pytest.approx(0.64, abs=1e-12)
    assert curve.barrier < 0.05 < line.barrier  # both sides of a clear threshold
    assert curve.kind == "bezier"
    np.testing.assert_array_equal(fit.steps, [0, 50, 100, 150, 200, 250, 300])
    assert fit.barriers[0] == pytest.approx(line.barrier, abs=1e-12)  # starts as the line
    assert fit.mean_losses[-1] < 0.1 * fit.mean_losses[0]
    assert fit.num_grad_evals == 300 * 4 and fit.stop_reason == "num_steps"
    assert fit.rule_name == "adam"


def test_polychain_fit_also_lowers_the_barrier():
    f = ring()
    a, b = [1.0, 0.0], [-0.6, 0.8]
    fit = ls.fit_curve(f, a, b, ls.adam(0.05), 200, kind="polychain", rng=0)
    chain = ls.curve_path(f, fit.curve)
    # a chain with one bend cannot follow the circle: lower than the line, not zero
    assert 0.01 < chain.barrier < 0.5 * ls.linear_path(f, a, b).barrier
    assert chain.kind == "polychain" and chain.argmax_t != 0.5


def test_one_gd_step_is_the_weighted_gradient_at_the_sampled_t():
    f = ring()
    a, b = np.array([1.0, 0.0]), np.array([-0.6, 0.8])
    fit = ls.fit_curve(f, a, b, ls.gd(0.1), 1, rng=7)
    t = np.random.default_rng(7).uniform(0.0, 1.0, 1)[0]
    mid = 0.5 * (a + b)
    point = (1 - t) ** 2 * a + 2 * t * (1 - t) * mid + t**2 * b
    expected = mid - 0.1 * 2 * t * (1 - t) * f.grad(point)
    # the same few operations in a different order
    np.testing.assert_allclose(fit.curve.control, expected, atol=1e-15)


def test_fit_curve_is_reproducible_and_seeded():
    f = ring()
    args = (f, [1.0, 0.0], [-0.6, 0.8], ls.adam(0.05), 20)
    one = ls.fit_curve(*args, rng=3).curve.control
    np.testing.assert_array_equal(one, ls.fit_curve(*args, rng=3).curve.control)
    assert not np.array_equal(one, ls.fit_curve(*args, rng=4).curve.control)


def test_zero_steps_and_a_given_control():
    f = ring()
    fit = ls.fit_curve(f, [1.0, 0.0], [-0.6, 0.8], ls.gd(0.1), 0)
    np.testing.assert_array_equal(fit.curve.control, [0.2, 0.4])
    np.testing.assert_array_equal(fit.steps, [0])
    start = ls.fit_curve(f, [1.0, 0.0], [-0.6, 0.8], ls.gd(0.1), 0, control=[0.5, 1.5])
    np.testing.assert_array_equal(start.curve.control, [0.5, 1.5])


def test_divergence_is_recorded_and_keeps_a_finite_curve():
    f = ring()
    fit = ls.fit_curve(f, [1.0, 0.0], [-0.6, 0.8], ls.gd(1e6), 50, rng=0, record_every=1)
    assert fit.stop_reason == "diverged"
    assert np.all(np.isfinite(fit.curve.control))
    assert fit.steps[-1] < 50


def test_rules_that_need_a_gradient_function_get_the_same_sampled_loss():
    f = ring()
    seen = []

    def update(grad, state, params, grad_fn):
        seen.append((np.array(grad), grad_fn(params)))
        return -0.01 * grad, state

    rule = ls.UpdateRule(lambda p: None, update, needs_grad_fn=True, name="probe")
    fit = ls.fit_curve(f, [1.0, 0.0], [-0.6, 0.8], rule, 3, num_samples=2, rng=0)
    assert len(seen) == 3
    for grad, again in seen:
        np.testing.assert_array_equal(grad, again)  # same t, same point: same numbers
    assert fit.num_grad_evals == 3 * 2 * 2


def test_curve_evaluations_are_batched():
    f = BatchedOnly(3)
    fit = ls.fit_curve(f, np.ones(3), -np.ones(3), ls.gd(0.1), 20, record_every=5)
    assert f.values_calls == fit.steps.size  # one batched call per record
    ls.curve_path(f, fit)
    assert f.values_calls == fit.steps.size + 1


def test_reprs():
    fit = ls.fit_curve(ring(), [1.0, 0.0], [-0.6, 0.8], ls.adam(0.05), 10, record_every=5)
    assert repr(fit).startswith("CurveFit(kind='bezier', rule='adam', records=3, barrier=0.64->")
    assert repr(fit.curve) == "Curve(kind='bezier', dim=2)"


# --------------------------------------------------------------------------------------
# bad input


def test_endpoints_of_different_sizes_are_refused():
    with pytest.raises(ValueError, match="`theta_b` must have the size of `theta_a`"):
        ls.linear_path(BatchedOnly(3), np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match=r"`theta_a` must have the size of `objective\.dim`"):
        ls.linear_path(BatchedOnly(3), np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="`theta_b` must have the size"):
        ls.fit_curve(BatchedOnly(3), np.zeros(3), np.zeros(5), ls.gd(0.1), 1)
    with pytest.raises(ValueError, match="`end` must have the size of `start`"):
        ls.Curve("bezier", [0.0, 0.0], [0.0, 0.0], [0.0])
    with pytest.raises(ValueError, match="`control` must have the size of `theta_a`"):
        ls.fit_curve(BatchedOnly(2), np.zeros(2), np.ones(2), ls.gd(0.1), 1, control=[1.0])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_parameters_are_refused(bad):
    with pytest.raises(ValueError, match="finite"):
        ls.linear_path(BatchedOnly(2), [0.0, bad], [1.0, 1.0])
    with pytest.raises(ValueError, match="finite"):
        ls.fit_curve(ring(), [0.0, 1.0], [1.0, bad], ls.gd(0.1), 1)
    with pytest.raises(ValueError, match="finite"):
        ls.Curve("bezier", [0.0, 1.0], [bad, 0.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="finite"):
        ls.loss_barrier([0.0, bad, 1.0])


def test_bad_counts_and_options():
    f = ring()
    a, b = [1.0, 0.0], [-0.6, 0.8]
    with pytest.raises(ValueError, match="`num_samples` must be an integer >= 1"):
        ls.fit_curve(f, a, b, ls.gd(0.1), 5, num_samples=0)
    with pytest.raises(ValueError, match="`num_steps` must be an integer >= 0"):
        ls.fit_curve(f, a, b, ls.gd(0.1), -1)
    with pytest.raises(ValueError, match="`record_every` must be an integer >= 1"):
        ls.fit_curve(f, a, b, ls.gd(0.1), 5, record_every=0)
    with pytest.raises(ValueError, match="`num_eval_points` must be an integer >= 2"):
        ls.fit_curve(f, a, b, ls.gd(0.1), 5, num_eval_points=1)
    with pytest.raises(ValueError, match="`kind` must be one of 'bezier', 'polychain'"):
        ls.fit_curve(f, a, b, ls.gd(0.1), 5, kind="cubic")
    with pytest.raises(ValueError, match="`kind` must be one of"):
        ls.Curve("spline", a, a, b)
    with pytest.raises(TypeError, match="`rule` must be an UpdateRule"):
        ls.fit_curve(f, a, b, "adam", 5)
    with pytest.raises(TypeError, match="`num_samples` must be an integer"):
        ls.fit_curve(f, a, b, ls.gd(0.1), 5, num_samples=1.5)
    with pytest.raises(TypeError, match="`rng` must be an int seed"):
        ls.fit_curve(f, a, b, ls.gd(0.1), 5, rng="seed")
    with pytest.raises(ValueError, match="`num_points` must be an integer >= 2"):
        ls.linear_path(f, a, b, num_points=1)
    with pytest.raises(ValueError, match="`losses` needs at least 2 entries"):
        ls.loss_barrier([1.0])
    with pytest.raises(ValueError, match="1-D vector"):
        ls.loss_barrier([[1.0, 2.0]])
    with pytest.raises(TypeError, match="array of real numbers"):
        ls.loss_barrier("high")


def test_bad_objectives_and_curves():
    with pytest.raises(TypeError, match="batched `values"):
        ls.linear_path(lambda t: 0.0, [0.0], [1.0])
    no_grad = BatchedOnly(2)
    no_grad.grad = None
    with pytest.raises(TypeError, match="must provide `grad"):
        ls.fit_curve(no_grad, [0.0, 0.0], [1.0, 1.0], ls.gd(0.1), 1)
    with pytest.raises(TypeError, match="`curve` must be a Curve or CurveFit"):
        ls.curve_path(ring(), [[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="`curve` has dimension 3"):
        ls.curve_path(ring(), ls.Curve("bezier", np.zeros(3), np.zeros(3), np.ones(3)))
    curve = ls.Curve("bezier", [0.0], [1.0], [0.0])
    with pytest.raises(ValueError, match=r"`ts` must lie in \[0, 1\]"):
        curve.points([0.5, 1.5])
    with pytest.raises(ValueError, match="`ts` must not be empty"):
        curve.coefficients([])


def test_records_freeze_copies_not_the_callers_arrays():
    ts, losses, acc = np.linspace(0, 1, 3), np.array([0.1, 0.5, 0.2]), np.ones(3)
    path = ls.PathProfile(ts, losses, acc, 0.35, 0.5, "linear")
    curve = ls.Curve("bezier", [0.0], [1.0], [0.0])
    steps, means, barriers = np.array([0, 1]), np.array([1.0, 0.5]), np.array([0.3, 0.1])
    fit = ls.CurveFit(curve, steps, means, barriers, 2, "num_steps", "gd")
    for arr in (ts, losses, acc, steps, means, barriers):
        assert arr.flags.writeable  # the caller's arrays stay writable
    losses[0] = 9.0
    assert path.losses[0] == 0.1 and not path.losses.flags.writeable
    assert not fit.barriers.flags.writeable


def test_objective_dim_must_be_a_positive_integer():
    bad = BatchedOnly(2)
    bad.dim = "2"
    with pytest.raises(TypeError, match="positive integer `dim`"):
        ls.linear_path(bad, [0.0, 0.0], [1.0, 1.0])


@pytest.mark.parametrize("kind", ["bezier", "polychain"])
def test_every_step_draws_fresh_uniform_ts(kind):
    f = ring()
    a, b = np.array([1.0, 0.0]), np.array([-0.6, 0.8])
    fit = ls.fit_curve(f, a, b, ls.gd(0.1), 3, kind=kind, num_samples=2, rng=5)
    gen = np.random.default_rng(5)
    c = 0.5 * (a + b)
    for _ in range(3):
        ts = gen.uniform(0.0, 1.0, 2)  # a new pair of t for every step
        weights = ls.Curve(kind, a, c, b).coefficients(ts)
        points = weights @ np.stack([a, c, b])
        grad = np.mean([w[1] * f.grad(p) for w, p in zip(weights, points, strict=True)], axis=0)
        c = c - 0.1 * grad
    # the same few operations in a different order
    np.testing.assert_allclose(fit.curve.control, c, atol=1e-14)
    assert fit.num_grad_evals == 3 * 2
