"""Predicted rates against runs and closed forms, PL ratios, and the gradient-flow solver."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import expm

import landscape as ls

# --------------------------------------------------------------------------------------
# quadratic_rate


def _companion_radius(eta, beta, lam, kind):
    """Spectral radius of the 2x2 iteration matrix on (e_t, e_{t-1}), built from the update."""
    if kind == "gd":
        return abs(1.0 - eta * lam)
    if kind == "momentum":  # e_{t+1} = e_t - eta lam e_t + beta (e_t - e_{t-1})
        matrix = [[1.0 + beta - eta * lam, -beta], [1.0, 0.0]]
    else:  # x_{t+1} = (1 - eta lam) y_t, y_t = (1 + beta) x_t - beta x_{t-1}
        c = 1.0 - eta * lam
        matrix = [[(1.0 + beta) * c, -beta * c], [1.0, 0.0]]
    return float(np.max(np.abs(np.linalg.eigvals(np.array(matrix)))))


RULES = [
    ("gd", lambda eta, beta: ls.gd(eta)),
    ("momentum", lambda eta, beta: ls.momentum(eta, beta=beta)),
    ("nesterov", lambda eta, beta: ls.nesterov(eta, beta=beta)),
]


@pytest.mark.parametrize(("kind", "make"), RULES)
def test_rate_matches_the_companion_matrix(kind, make):
    gen = np.random.default_rng(0)
    checked = 0
    for _ in range(50):
        eta, beta = gen.uniform(0.01, 1.0), gen.uniform(0.0, 0.95)
        lams = gen.uniform(-0.5, 5.0, size=4)
        expected = max(_companion_radius(eta, beta, lam, kind) for lam in lams)
        # eigvals of a defective (double-root) matrix is accurate to ~sqrt(eps) only.
        assert ls.quadratic_rate(make(eta, beta), lams) == pytest.approx(expected, abs=1e-7)
        checked += 1
    assert checked == 50


@pytest.mark.parametrize("kappa", [4.0, 100.0, 1e4])
def test_rates_at_the_tuned_parameters_have_their_closed_forms(kappa):
    mu, big_l = 1.0, kappa
    lams = np.geomspace(mu, big_l, 9)
    root = math.sqrt(kappa)
    gd = ls.quadratic_rate(ls.gd(2.0 / (mu + big_l)), lams)
    assert gd == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-14)  # one rounding
    heavy = ls.quadratic_rate(ls.momentum(*ls.polyak_momentum_parameters(mu, big_l)), lams)
    # Double roots at mu and L: the complex square root of a ~0 discriminant costs
    # sqrt(eps) relative accuracy.
    assert heavy == pytest.approx((root - 1) / (root + 1), abs=1e-7)
    nest = ls.quadratic_rate(ls.nesterov(*ls.nesterov_parameters(mu, big_l)), lams)
    assert nest == pytest.approx(1 - 1 / root, abs=1e-7)  # double root at mu
    assert nest < gd and heavy < gd


@pytest.mark.parametrize(("factor", "converges"), [(1.9, True), (2.1, False)])
def test_gd_rate_predicts_both_sides_of_two_over_lambda_max(factor, converges):
    q = ls.Quadratic(condition_number=10.0, dim=3)
    eta = factor / q.eigenvalues[-1]
    rate = ls.quadratic_rate(ls.gd(eta), q.eigenvalues)
    assert (rate < 1) == converges
    traj = ls.minimize(q, np.ones(3), ls.gd(eta), 400, record_every=100)
    norms = np.linalg.norm(traj.params, axis=1)
    measured = (norms[-1] / norms[-2]) ** (1 / 100)
    # Over steps 300-400 only the worst mode is left (the next is 0.7 vs 0.9 per step).
    assert measured == pytest.approx(rate, rel=1e-6)


@pytest.mark.parametrize(
    ("make", "kappa"),
    [
        (lambda mu, big_l: ls.momentum(0.5 / big_l, beta=0.5), 50.0),
        (lambda mu, big_l: ls.nesterov(1.0 / big_l, beta=0.3), 50.0),
    ],
)
def test_momentum_rate_matches_a_run(make, kappa):
    # Parameters away from critical damping, so the slowest mode has distinct roots and
    # the error decays like rate^t with no polynomial factor.
    q = ls.Quadratic(condition_number=kappa, dim=4, rng=1)
    rule = make(q.eigenvalues[0], q.eigenvalues[-1])
    rate = ls.quadratic_rate(rule, q.eigenvalues)
    num_steps = int(np.log(1e-10) / np.log(rate))
    traj = ls.minimize(q, np.ones(4), rule, num_steps, record_every=1)
    norms = np.linalg.norm(traj.params, axis=1)
    half = num_steps // 2
    measured = (norms[-1] / norms[half]) ** (1 / (num_steps - half))
    # Complex roots make the error oscillate inside the envelope rate^t; averaged over
    # hundreds of steps the ratio is within 1% of the rate.
    assert measured == pytest.approx(rate, rel=1e-2)


def test_rate_edge_cases():
    assert ls.quadratic_rate(ls.gd(0.5), [2.0]) == 0.0  # eta = 1/lambda: one step
    assert ls.quadratic_rate(ls.gd(0.5), [0.0, 1.0]) == 1.0  # a flat direction never moves
    assert ls.quadratic_rate(ls.gd(0.1), [-1.0]) == pytest.approx(1.1)  # negative curvature


def test_rate_errors():
    with pytest.raises(TypeError, match="`rule` must be an UpdateRule"):
        ls.quadratic_rate("gd", [1.0])
    with pytest.raises(ValueError, match=r"`rule.name` must be one of 'gd', 'momentum'"):
        ls.quadratic_rate(ls.adam(0.1), [1.0])
    with pytest.raises(ValueError, match="constant `learning_rate`"):
        ls.quadratic_rate(ls.gd(ls.exponential_decay(0.1, 0.5)), [1.0])
    with pytest.raises(ValueError, match="constant `beta`"):
        ls.quadratic_rate(ls.nesterov(0.1, beta=lambda t: t / (t + 3)), [1.0])
    with pytest.raises(ValueError, match="`eigenvalues` must not be empty"):
        ls.quadratic_rate(ls.gd(0.1), [])
    with pytest.raises(ValueError, match="`eigenvalues` must contain only finite"):
        ls.quadratic_rate(ls.gd(0.1), [1.0, np.inf])


# --------------------------------------------------------------------------------------
# iterations_to_tolerance


def _count_steps(rate, reduction):
    """Brute force: multiply until the error is at most the target."""
    error, steps = 1.0, 0
    while error > reduction:
        error *= rate
        steps += 1
    return steps


def test_iterations_to_tolerance_worked_example():
    # x^2 from 10 with eta = 0.1: x shrinks by 0.8 per step; |x| < 0.01 needs 31 steps.
    rate = ls.quadratic_rate(ls.gd(0.1), [2.0])
    assert ls.iterations_to_tolerance(rate, 0.01 / 10) == 31.0
    assert 10 * 0.8**31 < 0.01 < 10 * 0.8**30


def test_iterations_to_tolerance_matches_brute_force():
    gen = np.random.default_rng(0)
    for rate, reduction in zip(
        gen.uniform(0.05, 0.999, 200), 10 ** gen.uniform(-12, -0.1, 200), strict=True
    ):
        expected = _count_steps(rate, reduction)
        got = ls.iterations_to_tolerance(float(rate), float(reduction))
        # The brute-force product accumulates rounding: within one step at an exact tie.
        assert abs(got - expected) <= 1, (rate, reduction, got, expected)


def test_iterations_to_tolerance_edges():
    assert ls.iterations_to_tolerance(0.5, 0.25) == 2.0  # exact power: no extra step
    assert ls.iterations_to_tolerance(0.0, 0.5) == 1.0
    assert ls.iterations_to_tolerance(0.1, 0.5) == 1.0
    assert ls.iterations_to_tolerance(1.0, 0.5) == math.inf
    assert ls.iterations_to_tolerance(1.5, 0.5) == math.inf


def test_iterations_to_tolerance_errors():
    with pytest.raises(ValueError, match=r"`rate` must be non-negative, got -0\.1"):
        ls.iterations_to_tolerance(-0.1, 0.5)
    with pytest.raises(ValueError, match=r"`reduction` must lie in \(0, 1\)"):
        ls.iterations_to_tolerance(0.5, 1.0)
    with pytest.raises(ValueError, match=r"`reduction` must lie in \(0, 1\)"):
        ls.iterations_to_tolerance(0.5, 0.0)
    with pytest.raises(TypeError, match="`rate` must be a real number"):
        ls.iterations_to_tolerance("0.5", 0.5)


# --------------------------------------------------------------------------------------
# pl_ratios


def _karimi():
    """x^2 + 3 sin^2 x: PL but not convex (Karimi, Nutini and Schmidt 2016)."""
    return ls.from_function(
        lambda t: float(t[0] ** 2 + 3 * np.sin(t[0]) ** 2),
        1,
        grad=lambda t: np.array([2 * t[0] + 3 * np.sin(2 * t[0])]),
    )


def test_pl_ratios_of_a_quadratic_lie_between_its_eigenvalues():
    q = ls.Quadratic(condition_number=20.0, dim=5, rng=0)
    points = np.random.default_rng(1).standard_normal((200, 5))
    ratios = ls.pl_ratios(q, points, 0.0)
    a = q.matrix
    expected = np.einsum("ni,ij,jk,nk->n", points, a, a, points) / np.einsum(
        "ni,ij,nj->n", points, a, points
    )
    np.testing.assert_allclose(ratios, expected, rtol=1e-12)  # two roundings per point
    assert ratios.min() >= q.eigenvalues[0] and ratios.max() <= q.eigenvalues[-1]
    at_eigvecs = ls.pl_ratios(q, q.eigenvectors.T, 0.0)
    np.testing.assert_allclose(at_eigvecs, q.eigenvalues, rtol=1e-12)


def test_karimi_example_is_pl_with_at_least_the_quoted_constant_but_not_convex():
    f = _karimi()
    xs = np.linspace(-20.0, 20.0, 8001)[:, None]
    ratios = ls.pl_ratios(f, xs, 0.0)
    assert np.isnan(ratios[4000])  # x = 0: f = f*
    # The ratio oscillates around 2 for large |x|; its smallest value is near x = 2.2.
    assert np.nanmin(ratios) >= 1 / 32
    assert 0.17 < np.nanmin(ratios) < 0.18
    second = 2 + 6 * np.cos(2 * xs[:, 0])
    assert second.min() < -3.99  # f'' = 2 + 6 cos 2x reaches -4: not convex


def test_pl_ratio_is_zero_at_a_saddle():
    f = ls.surface("running_example")  # saddle at the origin, f* = -1
    assert ls.pl_ratios(f, [0.0, 0.0], -1.0)[0] == 0.0


def test_pl_ratios_do_not_mutate_inputs():
    points = np.array([[1.0, 2.0], [0.5, -1.0]])
    before = points.copy()
    ls.pl_ratios(ls.Quadratic(), points, 0.0)
    np.testing.assert_array_equal(points, before)


def test_pl_ratios_errors():
    q = ls.Quadratic()
    with pytest.raises(ValueError, match=r"`min_value` must not exceed f .*thetas\[1\]"):
        ls.pl_ratios(q, [[1.0, 0.0], [0.1, 0.0]], 0.01)
    with pytest.raises(ValueError, match=r"`thetas` must have shape \(n, 2\)"):
        ls.pl_ratios(q, [[1.0, 0.0, 0.0]], 0.0)
    with pytest.raises(TypeError, match="`objective` must provide value/grad"):
        ls.pl_ratios(object(), [[1.0, 0.0]], 0.0)
    with pytest.raises(TypeError, match="`min_value` must be a real number"):
        ls.pl_ratios(q, [[1.0, 0.0]], None)


# --------------------------------------------------------------------------------------
# gradient_flow


@pytest.mark.parametrize("method", ["DOP853", "RK45", "Radau", "BDF", "LSODA"])
def test_flow_on_a_quadratic_is_the_matrix_exponential(method):
    q = ls.Quadratic(condition_number=50.0, dim=3, rng=2)
    theta0 = np.array([1.0, -0.5, 2.0])
    times = np.linspace(0.0, 3.0, 7)
    flow = ls.gradient_flow(q, theta0, times, method=method)
    expected = np.array([expm(-q.matrix * t) @ theta0 for t in times])
    assert flow.success
    # rtol = 1e-10 per step accumulates over the run; RK45 and the implicit solvers
    # have lower orders and larger local errors.
    tol = 1e-9 if method == "DOP853" else 1e-6
    np.testing.assert_allclose(flow.params, expected, atol=tol)
    np.testing.assert_allclose(flow.losses, q.value(expected), atol=tol)
    if method in ("Radau", "BDF"):
        assert flow.num_hessian_evals > 0
    else:
        assert flow.num_hessian_evals == 0 or method == "LSODA"


def test_implicit_flow_handles_a_stiff_quadratic():
    q = ls.Quadratic(condition_number=1e4, dim=2, lambda_max=1e3)
    flow = ls.gradient_flow(q, [1.0, 1.0], [0.0, 5.0], method="BDF")
    expected = np.exp(-q.eigenvalues * 5.0)
    np.testing.assert_allclose(flow.params[-1], expected, rtol=1e-7, atol=1e-12)  # tol-level


def test_loss_never_increases_along_the_flow():
    f = ls.surface("rosenbrock")
    flow = ls.gradient_flow(f, [-1.2, 1.0], np.linspace(0, 1.0, 101))
    assert flow.success
    assert np.all(np.diff(flow.losses) <= 1e-12)  # rounding of f near its plateau


def test_gradient_descent_error_from_the_flow_is_first_order():
    f = ls.surface("running_example")
    theta0, horizon = np.array([-0.4, 1.6]), 0.5
    etas = [0.004, 0.002, 0.001]
    flow = ls.gradient_flow(f, theta0, np.linspace(0, horizon, 501))
    deviations = []
    for eta in etas:
        k = round(horizon / eta)
        traj = ls.minimize(f, theta0, ls.gd(eta), k)
        on_grid = flow.params[:: round(eta / 0.001)]
        deviations.append(np.max(np.linalg.norm(traj.params - on_grid, axis=1)))
    ratios = np.array(deviations[:-1]) / np.array(deviations[1:])
    # Euler's global error is C eta + O(eta^2): halving eta halves it, to within 10%.
    assert np.all(np.abs(ratios - 2.0) < 0.2), ratios


def test_flow_that_escapes_to_infinity_is_reported_not_raised():
    # f = -x^4: dx/dt = 4 x^3 blows up at t = 1 / (8 x0^2) = 0.5 for x0 = 0.5.
    f = ls.from_function(lambda t: float(-(t[0] ** 4)), 1, grad=lambda t: -4 * t**3)
    flow = ls.gradient_flow(f, [0.5], [0.0, 0.25, 1.0])
    assert not flow.success
    assert flow.params[1, 0] == pytest.approx(0.5 / math.sqrt(1 - 8 * 0.25 * 0.25), rel=1e-8)
    assert np.isnan(flow.params[-1, 0]) and np.isnan(flow.losses[-1])


def test_flow_at_time_zero_only():
    flow = ls.gradient_flow(ls.Quadratic(), [1.0, 2.0], [0.0, 0.0])
    np.testing.assert_array_equal(flow.params, [[1.0, 2.0], [1.0, 2.0]])
    assert flow.success and flow.num_grad_evals == 0


def test_flow_does_not_mutate_inputs_and_returns_read_only_arrays():
    theta0, times = np.array([1.0, 2.0]), np.array([0.0, 1.0])
    flow = ls.gradient_flow(ls.Quadratic(), theta0, times)
    np.testing.assert_array_equal(theta0, [1.0, 2.0])
    np.testing.assert_array_equal(times, [0.0, 1.0])
    assert not flow.params.flags.writeable
    assert repr(flow).startswith("GradientFlow(records=2, t_end=1,")


class _NoHessian:
    dim = 1

    def value(self, theta):
        return float(theta[0] ** 2)

    def grad(self, theta):
        return 2 * theta


def test_flow_errors():
    q = ls.Quadratic()
    with pytest.raises(ValueError, match="`times` must be non-negative"):
        ls.gradient_flow(q, [1.0, 1.0], [-1.0, 1.0])
    with pytest.raises(ValueError, match="`times` must be non-decreasing"):
        ls.gradient_flow(q, [1.0, 1.0], [0.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="`method` must be one of 'DOP853'"):
        ls.gradient_flow(q, [1.0, 1.0], [1.0], method="euler")
    with pytest.raises(ValueError, match="`rtol` must be positive"):
        ls.gradient_flow(q, [1.0, 1.0], [1.0], rtol=0.0)
    with pytest.raises(ValueError, match="`theta0` must have length 2"):
        ls.gradient_flow(q, [1.0], [1.0])
    with pytest.raises(TypeError, match=r"needs `objective\.hessian`"):
        ls.gradient_flow(_NoHessian(), [1.0], [1.0], method="BDF")
    with pytest.raises(TypeError, match="positive integer `dim`"):
        ls.gradient_flow(type("NoDim", (_NoHessian,), {"dim": None})(), [1.0], [1.0])
    # The other side: the explicit default needs no Hessian.
    assert ls.gradient_flow(_NoHessian(), [1.0], [1.0]).success
