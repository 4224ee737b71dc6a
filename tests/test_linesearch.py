"""Line searches: conditions hold at accepted steps, closed forms agree, failures are reported."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscape as ls


class Counting(ls.Objective):
    """Wrap an objective and count its value and gradient calls."""

    def __init__(self, inner):
        self.inner, self.dim, self.name = inner, inner.dim, inner.name
        self.values_called = self.grads_called = 0

    def value(self, theta):
        self.values_called += 1
        return self.inner.value(theta)

    def grad(self, theta):
        self.grads_called += 1
        return self.inner.grad(theta)


def rosenbrock():
    def value(t):
        return float((1.0 - t[0]) ** 2 + 100.0 * (t[1] - t[0] ** 2) ** 2)

    def grad(t):
        return np.array(
            [-2.0 * (1.0 - t[0]) - 400.0 * t[0] * (t[1] - t[0] ** 2), 200.0 * (t[1] - t[0] ** 2)]
        )

    return ls.from_function(value, 2, grad=grad, name="rosenbrock")


def quadratic(eigenvalues, rng=0):
    gen = np.random.default_rng(rng)
    d = len(eigenvalues)
    q, _ = np.linalg.qr(gen.standard_normal((d, d)))
    a = q @ np.diag(eigenvalues) @ q.T
    a = 0.5 * (a + a.T)
    b = gen.standard_normal(d)
    f = ls.from_function(
        lambda x: 0.5 * float(x @ a @ x) - float(b @ x), d, grad=lambda x: a @ x - b
    )
    return f, a, b


POINTS = [np.array([-1.2, 1.0]), np.array([0.3, -0.4]), np.array([2.0, 2.0])]


# --------------------------------------------------------------------------------------
# Armijo backtracking


@pytest.mark.parametrize("theta", POINTS, ids=str)
@pytest.mark.parametrize("c1", [1e-4, 0.3])
def test_armijo_holds_at_the_accepted_step_and_fails_one_step_earlier(theta, c1):
    f = rosenbrock()
    direction = -f.grad(theta)
    result = ls.armijo_backtracking(f, theta, direction, initial_step=1.0, c1=c1, shrink=0.5)
    assert result.success
    f0, slope = f.value(theta), float(f.grad(theta) @ direction)
    accepted = f.value(theta + result.step * direction)
    bound = f0 + c1 * result.step * slope
    assert accepted <= bound, f"f(step)={accepted:.6g} > bound {bound:.6g}"
    assert result.value == accepted
    # The trial before (twice as long) must have failed the test, or this is the first.
    longer = 2.0 * result.step
    if longer <= 1.0:
        rejected = f.value(theta + longer * direction)
        assert rejected > f0 + c1 * longer * slope, f"step {longer:g} should have been accepted"
    assert result.num_evals == 1 + round(np.log2(1.0 / result.step)) + 1  # f0 + trials


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(0.1, 100.0), min_size=2, max_size=5),
    st.integers(0, 2**16),
    st.sampled_from([1e-4, 0.5, 0.9]),
    st.sampled_from([0.1, 0.5, 0.8]),
)
def test_armijo_step_is_at_least_shrink_times_the_smoothness_bound(eigs, seed, c1, shrink):
    f, a, _ = quadratic(eigs, rng=seed)
    big_l = float(np.linalg.eigvalsh(a)[-1])
    theta = np.random.default_rng(seed).standard_normal(len(eigs))
    g = f.grad(theta)
    result = ls.armijo_backtracking(f, theta, -g, initial_step=1.0, c1=c1, shrink=shrink)
    assert result.success
    # Every step <= 2 (1 - c1) / L satisfies Armijo, so backtracking stops within one
    # shrink of that bound (or at the initial step).
    bound = min(1.0, shrink * 2 * (1 - c1) / big_l)
    assert result.step >= bound * (1 - 1e-12), f"step {result.step:.4g} < {bound:.4g}"
    decrease = f.value(theta) - result.value
    assert decrease >= c1 * result.step * float(g @ g) * (1 - 1e-12)


def test_armijo_takes_the_initial_step_when_it_is_good_enough():
    f, _, _ = quadratic([1.0, 2.0])
    theta = np.array([1.0, 1.0])
    result = ls.armijo_backtracking(f, theta, -f.grad(theta), initial_step=0.1)
    assert result.step == 0.1
    assert result.success


def test_armijo_uses_given_value_and_grad():
    f = Counting(rosenbrock())
    theta = POINTS[0]
    g = f.inner.grad(theta)
    result = ls.armijo_backtracking(f, theta, -g, value=f.inner.value(theta), grad=g)
    assert f.grads_called == 0
    assert f.values_called == result.num_evals  # trials only
    without = ls.armijo_backtracking(Counting(rosenbrock()), theta, -g)
    assert without.num_evals == result.num_evals + 1
    assert without.step == result.step


def test_armijo_reports_an_ascent_direction():
    f = rosenbrock()
    theta = POINTS[0]
    result = ls.armijo_backtracking(f, theta, f.grad(theta))
    assert result == ls.LineSearchResult(0.0, f.value(theta), 1, False)


def test_armijo_reports_exhausted_trials():
    f = rosenbrock()
    theta = POINTS[0]
    result = ls.armijo_backtracking(f, theta, -f.grad(theta), initial_step=1.0, max_iter=3)
    # At (-1.2, 1) the gradient has norm ~230: steps 1, 0.5, 0.25 all overshoot.
    assert not result.success
    assert result.step == 0.0
    assert result.num_evals == 4


def test_armijo_treats_non_finite_trials_as_rejected():
    # log barrier: +inf (with a numpy warning, silenced) outside the domain x > 0
    f = ls.from_function(
        lambda t: float(-np.log(t[0]) + t[0]) if t[0] > 0 else np.inf,
        1,
        grad=lambda t: np.array([-1.0 / t[0] + 1.0]),
    )
    theta = np.array([0.1])
    result = ls.armijo_backtracking(f, theta, -f.grad(theta), initial_step=1.0)
    assert result.success
    assert 0 < theta[0] - result.step * f.grad(theta)[0]
    overflow = ls.from_function(lambda t: float(np.exp(t[0])), 1, grad=lambda t: np.exp(t))
    result = ls.armijo_backtracking(overflow, [0.0], [-1.0], initial_step=1e300, max_iter=2000)
    assert result.success  # exp(-1e300) underflows to 0; no warning escapes


# --------------------------------------------------------------------------------------
# Wolfe conditions


def test_wolfe_conditions_on_a_parabola_both_sides():
    # phi(alpha) = (1 - alpha)^2 along d = -1 from theta = 1: phi(0) = 1, phi'(0) = -2.
    f = ls.from_function(lambda t: float(t[0] ** 2), 1, grad=lambda t: 2 * t)
    theta, d = np.array([1.0]), np.array([-1.0])
    c1, c2 = 0.25, 0.5
    # Armijo: (1 - a)^2 <= 1 - 2 c1 a  <=>  a <= 2 - 2 c1 = 1.5
    # curvature: -2 (1 - a) >= -2 c2  <=>  a >= 1 - c2 = 0.5
    # strong: 2 |1 - a| <= 2 c2  <=>  0.5 <= a <= 1.5
    expected = {
        0.4: (True, False, False),
        0.6: (True, True, True),
        1.4: (True, True, True),
        1.6: (False, True, False),
    }
    for step, (armijo, curvature, strong) in expected.items():
        check = ls.wolfe_conditions(f, theta, d, step, c1, c2)
        assert check == (armijo, curvature), f"step {step}: {check}"
        strong_check = ls.wolfe_conditions(f, theta, d, step, c1, c2, strong=True)
        assert strong_check.curvature_ok == strong, f"step {step}: {strong_check}"


@pytest.mark.parametrize("theta", POINTS, ids=str)
def test_exact_line_search_satisfies_strong_wolfe(theta):
    f = rosenbrock()
    direction = -f.grad(theta)
    result = ls.exact_line_search(f, theta, direction, initial_step=1e-3)
    assert result.success
    check = ls.wolfe_conditions(f, theta, direction, result.step, 1e-4, 0.1, strong=True)
    slope0 = float(f.grad(theta) @ direction)
    slope = float(f.grad(theta + result.step * direction) @ direction)
    assert check.armijo_ok and check.curvature_ok, f"phi'(0)={slope0:.4g}, phi'={slope:.4g}"


def test_wolfe_with_a_non_finite_trial_point():
    f = ls.from_function(
        lambda t: float(-np.log(t[0])) if t[0] > 0 else np.inf,
        1,
        grad=lambda t: -1.0 / t,
    )
    assert ls.wolfe_conditions(f, [1.0], [-1.0], 2.0) == (False, False)


# --------------------------------------------------------------------------------------
# exact searches


@pytest.mark.parametrize("seed", range(4))
def test_exact_quadratic_step_zeroes_the_directional_derivative(seed):
    f, a, b = quadratic([0.5, 1.0, 3.0, 20.0], rng=seed)
    gen = np.random.default_rng(100 + seed)
    theta, direction = gen.standard_normal(4), gen.standard_normal(4)
    step = ls.exact_line_search_quadratic(a, b, theta, direction)
    slope = float(f.grad(theta + step * direction) @ direction)
    scale = float(np.linalg.norm(f.grad(theta)) * np.linalg.norm(direction))
    # phi'(alpha*) = 0 up to rounding in A @ x.
    assert abs(slope) <= 1e-12 * scale, f"phi'(alpha*) = {slope:.3g}"
    # Minimum, not maximum: phi is larger on both sides.
    for delta in (-1e-3, 1e-3):
        assert f.value(theta + (step + delta) * direction) > f.value(theta + step * direction)


@pytest.mark.parametrize("seed", range(3))
def test_numerical_exact_search_matches_the_closed_form(seed):
    f, a, b = quadratic([0.5, 1.0, 3.0, 20.0], rng=seed)
    theta = np.random.default_rng(seed).standard_normal(4)
    direction = -f.grad(theta)
    closed = ls.exact_line_search_quadratic(a, b, theta, direction)
    result = ls.exact_line_search(f, theta, direction)
    assert result.success
    # Brent's tolerance is 1e-8 of the bracket; the bracket is a few times the step.
    assert result.step == pytest.approx(closed, rel=1e-6)


def test_exact_quadratic_step_is_negative_for_an_ascent_direction():
    a = np.diag([1.0, 4.0])
    theta = np.array([1.0, 1.0])
    assert ls.exact_line_search_quadratic(a, np.zeros(2), theta, a @ theta) < 0


def test_exact_line_search_reports_failures():
    linear = ls.from_function(lambda t: float(t[0]), 1, grad=lambda t: np.ones(1))
    unbounded = ls.exact_line_search(linear, [0.0], [-1.0], max_iter=10)
    assert not unbounded.success  # keeps decreasing: no bracket
    assert unbounded.num_evals == 1 + 2 + 10  # f(0), the first two trials, 10 doublings
    ascent = ls.exact_line_search(linear, [0.0], [1.0])
    assert ascent == ls.LineSearchResult(0.0, 0.0, 1, False)
    bowl = ls.from_function(lambda t: float(t[0] ** 2), 1, grad=lambda t: 2 * t)
    too_far = ls.exact_line_search(bowl, [1.0], [-1.0], initial_step=1e6, max_iter=3)
    assert not too_far.success  # 5e5, 2.5e5, 1.25e5 all overshoot
    found = ls.exact_line_search(bowl, [1.0], [-1.0], initial_step=1e6, max_iter=30)
    assert found.success
    assert found.step == pytest.approx(1.0, rel=1e-6)  # Brent's tolerance on the bracket


def test_exact_line_search_with_a_huge_initial_step():
    # The first trial lands where f overflows; halving brackets the minimum at 3.
    f = ls.from_function(lambda t: float(np.cosh(t[0] - 3.0)), 1, grad=lambda t: np.sinh(t - 3))
    result = ls.exact_line_search(f, [0.0], [1.0], initial_step=1e6)
    assert result.success
    assert result.step == pytest.approx(3.0, abs=1e-4)  # value-only search: ~sqrt(eps)


# --------------------------------------------------------------------------------------
# gradient descent with line searches


def test_gd_with_armijo_decreases_enough_at_every_step():
    f = rosenbrock()
    traj = ls.minimize(f, [-1.2, 1.0], ls.gd(1.0), 400, line_search="armijo")
    assert traj.stop_reason == "num_steps"
    decrease = traj.losses[:-1] - traj.losses[1:]
    # step = alpha * (-eta g) with ||step|| * ||g|| = alpha * eta * ||g||^2 = -slope.
    required = 1e-4 * traj.update_norms[:-1] * traj.grad_norms[:-1]
    assert np.all(decrease >= required * (1 - 1e-12)), "Armijo decrease violated"
    assert traj.num_value_evals > 400  # at least one trial per step
    np.testing.assert_allclose(
        traj.learning_rates[:-1], traj.update_norms[:-1] / traj.grad_norms[:-1], rtol=1e-12
    )


def _closed_form_search(a, b):
    def search(objective, theta, direction, value, grad):
        step = ls.exact_line_search_quadratic(a, b, theta, direction)
        return ls.LineSearchResult(step, objective.value(theta + step * direction), 1, True)

    return search


ZIGZAG_EIGENVALUES = [1.0, 3.0, 5.0, 10.0, 10.0]
ZIGZAG_START = np.random.default_rng(0).standard_normal(5)


def test_gd_with_exact_search_on_a_quadratic_zigzags():
    f, a, b = quadratic(ZIGZAG_EIGENVALUES, rng=1)
    search = _closed_form_search(a, b)
    traj = ls.minimize(f, ZIGZAG_START, ls.gd(1.0), 30, line_search=search)
    grads = traj.params @ a.T - b
    # Successive gradients are orthogonal under exact line search (the zigzag).
    cosines = np.sum(grads[1:] * grads[:-1], axis=1) / (
        np.linalg.norm(grads[1:], axis=1) * np.linalg.norm(grads[:-1], axis=1)
    )
    # Rounding in A @ x - b (~1e-16) relative to gradients that stay above ~1e-3.
    assert np.all(np.abs(cosines) < 1e-10), cosines


@pytest.mark.parametrize("line_search", ["exact", "closed form"])
def test_gd_with_exact_search_meets_the_kantorovich_rate(line_search):
    f, a, b = quadratic(ZIGZAG_EIGENVALUES, rng=1)
    search = _closed_form_search(a, b) if line_search == "closed form" else "exact"
    traj = ls.minimize(f, ZIGZAG_START, ls.gd(1.0), 30, line_search=search)
    gaps = traj.losses - f.value(np.linalg.solve(a, b))
    assert gaps[-1] > 1e-9  # still far above rounding, so the ratios below are meaningful
    # f - f* shrinks by at least ((kappa - 1) / (kappa + 1))^2 = 0.669 per step; this start
    # settles at 0.655, close to the worst case. Slack 1e-6: the value-only search's
    # relative step error (~1e-4) costs only its square in f.
    ratio = ((10.0 - 1.0) / (10.0 + 1.0)) ** 2
    ratios = gaps[1:] / gaps[:-1]
    assert np.all(ratios <= ratio * (1 + 1e-6)), ratios
    assert ratios[-1] > 0.6  # and the bound is nearly attained


def test_failed_line_search_stops_the_run():
    def init(params):
        return ls.GDState(0)

    def update(grad, state, params):  # an uphill rule
        return 0.1 * grad, ls.GDState(state.count + 1)

    uphill = ls.UpdateRule(init, update, learning_rate=ls.constant(0.1), name="uphill")
    traj = ls.minimize(rosenbrock(), [-1.2, 1.0], uphill, 10, line_search="armijo")
    assert traj.stop_reason == "line_search_failed"
    assert len(traj) == 1
    assert np.isnan(traj.update_norms[0])


def test_custom_line_search_callable():
    calls = []

    def search(objective, theta, direction, value, grad):
        calls.append(value)
        return ls.armijo_backtracking(objective, theta, direction, c1=0.5, value=value, grad=grad)

    traj = ls.minimize(rosenbrock(), [-1.2, 1.0], ls.gd(1e-3), 5, line_search=search)
    assert len(calls) == 5
    assert calls == list(traj.losses[:-1])


# --------------------------------------------------------------------------------------
# validation


def test_line_search_validation():
    f = rosenbrock()
    theta, d = POINTS[0], -f.grad(POINTS[0])
    cases = [
        (dict(initial_step=0.0), ValueError, "`initial_step` must be positive"),
        (dict(c1=1.0), ValueError, r"`c1` must lie in \(0, 1\)"),
        (dict(shrink=0.0), ValueError, r"`shrink` must lie in \(0, 1\)"),
        (dict(max_iter=0), ValueError, "`max_iter` must be an integer >= 1"),
    ]
    for kwargs, error, match in cases:
        with pytest.raises(error, match=match):
            ls.armijo_backtracking(f, theta, d, **kwargs)
    with pytest.raises(ValueError, match="`direction` must have length 2"):
        ls.armijo_backtracking(f, theta, [1.0])
    with pytest.raises(TypeError, match="`objective` must provide value/grad"):
        ls.armijo_backtracking(lambda t: 0.0, theta, d)
    with pytest.raises(ValueError, match=r"`c2` must lie in \(c1, 1\)"):
        ls.wolfe_conditions(f, theta, d, 1.0, c1=0.5, c2=0.4)
    with pytest.raises(ValueError, match=r"`c2` must lie in \(0, 1\)"):
        ls.wolfe_conditions(f, theta, d, 1.0, c2=1.0)
    with pytest.raises(ValueError, match="`step` must be positive"):
        ls.wolfe_conditions(f, theta, d, 0.0)
    with pytest.raises(ValueError, match="`max_iter` must be an integer >= 1"):
        ls.exact_line_search(f, theta, d, max_iter=0)
    with pytest.raises(ValueError, match="`xtol` must be positive"):
        ls.exact_line_search(f, theta, d, xtol=-1.0)


def test_exact_quadratic_validation():
    a = np.diag([1.0, -1.0])
    with pytest.raises(ValueError, match="curvature along `direction` must be positive"):
        ls.exact_line_search_quadratic(a, np.zeros(2), np.ones(2), [0.0, 1.0])
    with pytest.raises(ValueError, match="`A` must be symmetric"):
        ls.exact_line_search_quadratic([[1.0, 2.0], [0.0, 1.0]], np.zeros(2), np.ones(2), [1, 0])
    with pytest.raises(ValueError, match="`b` must have length 2"):
        ls.exact_line_search_quadratic(np.eye(2), np.zeros(3), np.ones(2), [1.0, 0.0])


def test_minimize_line_search_validation():
    f = rosenbrock()
    with pytest.raises(ValueError, match="`line_search` must be one of 'armijo', 'exact'"):
        ls.minimize(f, [0.0, 0.0], ls.gd(0.1), 3, line_search="wolfe")
    with pytest.raises(TypeError, match="`line_search` must be 'armijo', 'exact', a callable"):
        ls.minimize(f, [0.0, 0.0], ls.gd(0.1), 3, line_search=1)


def test_line_searches_do_not_mutate_inputs():
    f = rosenbrock()
    theta = POINTS[0].copy()
    d = -f.grad(theta)
    d_copy = d.copy()
    ls.armijo_backtracking(f, theta, d)
    ls.exact_line_search(f, theta, d)
    ls.wolfe_conditions(f, theta, d, 1e-3)
    np.testing.assert_array_equal(theta, POINTS[0])
    np.testing.assert_array_equal(d, d_copy)
