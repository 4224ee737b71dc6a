"""Tests for landscape.sharpness: closed forms on quadratics, dense references on networks,
the reparameterization caveat, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls


def quadratic(diagonal, center=None):
    """f(t) = (t - c)^T A (t - c) / 2 with A = diag(diagonal), exact derivatives, batched."""
    a = np.asarray(diagonal, dtype=float)
    c = np.zeros_like(a) if center is None else np.asarray(center, dtype=float)

    class Quad(ls.Objective):
        dim, name = a.size, "quad"

        def value(self, theta):
            return float(0.5 * np.sum(a * (theta - c) ** 2))

        def grad(self, theta):
            return a * (theta - c)

        def hvp(self, theta, v):
            return a * v

        def values(self, thetas):
            return 0.5 * np.sum(a * (np.asarray(thetas) - c) ** 2, axis=1)

    return Quad()


def relu_net(widths=(2, 6, 5, 3), n=40, seed=0, l2=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, widths[0]))
    y = rng.integers(0, widths[-1], n)
    mlp = ls.MLP(widths, "relu")
    f = ls.mlp_objective(mlp, X, y, "cross_entropy", l2)
    theta = mlp.init(rng) + 0.1 * rng.standard_normal(mlp.num_params)
    return f, theta


# --------------------------------------------------------------------------------------
# epsilon-sharpness


def test_epsilon_sharpness_finds_the_worst_corner_of_a_quadratic():
    a = np.array([3.0, 1.0, 0.5, 2.0])
    f = quadratic(a)
    theta = np.array([0.5, -2.0, 1.0, -0.1])
    eps = 0.05
    result = ls.epsilon_sharpness(f, theta, eps, num_steps=5, num_random=16)
    # a convex separable function is largest at the corner that moves every |theta_i| up
    width = eps * (np.abs(theta) + 1)
    worst = 0.5 * np.sum(a * (np.abs(theta) + width) ** 2)
    loss = f.value(theta)
    assert result.max_loss == pytest.approx(worst, rel=1e-14)  # same sums, rounding only
    assert result.sharpness == pytest.approx(100 * (worst - loss) / (1 + loss), rel=1e-12)
    np.testing.assert_allclose(result.delta, np.sign(theta) * width, rtol=1e-15)
    assert result.random_sharpness <= result.sharpness
    assert result.num_grad_evals == 6 and result.num_value_evals == 17
    assert result.loss == loss and result.epsilon == eps


def test_ascent_beats_random_sampling_in_high_dimension():
    rng = np.random.default_rng(0)
    f = quadratic(rng.uniform(0.5, 2.0, 300))
    theta = rng.standard_normal(300)
    result = ls.epsilon_sharpness(f, theta, 1e-2, num_random=64, rng=1)
    # a random corner is nearly orthogonal to the gradient: it finds a small fraction
    # of the worst increase (measured ratio ~0.1; 0.5 leaves a wide margin)
    assert result.random_sharpness < 0.5 * result.sharpness
    assert result.random_sharpness > 0


def test_epsilon_sharpness_is_a_lower_bound_close_to_brute_force():
    f = ls.surface("running_example")
    theta = np.array([0.3, -0.8])
    eps = 0.2
    result = ls.epsilon_sharpness(f, theta, eps, num_steps=20)
    width = eps * (np.abs(theta) + 1)
    grid = np.linspace(-1, 1, 401)
    deltas = np.stack(np.meshgrid(grid, grid), axis=-1).reshape(-1, 2) * width
    brute = float(np.max(f.values(theta + deltas)))
    assert np.all(np.abs(result.delta) <= width * (1 + 1e-15))  # stays in the box
    assert result.max_loss <= brute + 1e-9  # cannot beat the true max (grid is dense)
    assert result.max_loss >= brute - 1e-3 * abs(brute)  # and gets close to it


def test_epsilon_sharpness_at_a_critical_point_uses_a_random_corner():
    f = quadratic([1.0, 4.0])
    result = ls.epsilon_sharpness(f, np.zeros(2), 0.1, num_steps=0, num_random=0)
    # every corner of the box gives the same value at the minimum
    assert result.max_loss == pytest.approx(0.5 * 0.01 * 5.0, rel=1e-14)
    assert np.isnan(result.random_sharpness)
    assert result.num_grad_evals == 1 and result.num_value_evals == 1
    assert repr(result).startswith("EpsilonSharpness(sharpness=2.5, epsilon=0.1")
    with pytest.raises(ValueError, match="read-only"):
        result.delta[0] = 1.0


# --------------------------------------------------------------------------------------
# average and SAM sharpness


@pytest.mark.parametrize("adaptive", [False, True])
def test_average_sharpness_matches_the_trace_formula_on_a_quadratic(adaptive):
    rng = np.random.default_rng(3)
    a = rng.uniform(0.5, 3.0, 8)
    theta = rng.standard_normal(8)
    f = quadratic(a, center=theta)  # the minimum is at theta
    radius = 0.3
    result = ls.average_sharpness(f, theta, radius, num_samples=20000, adaptive=adaptive)
    scale = np.abs(theta) if adaptive else np.ones(8)
    # at a minimum of a quadratic: exactly rho^2 E[u^T T A T u] / 2 = rho^2 tr(T A T) / (2 d)
    expected = radius**2 * np.sum(scale**2 * a) / (2 * 8)
    assert abs(result.mean - expected) < 4 * result.stderr  # 4-sigma Monte Carlo band
    assert result.stderr < 0.05 * expected  # enough samples to make the band meaningful
    assert result.increases.shape == (20000,) and result.adaptive is adaptive


def test_average_sharpness_is_seeded():
    f, theta = relu_net()
    a = ls.average_sharpness(f, theta, 0.1, rng=5)
    b = ls.average_sharpness(f, theta, 0.1, rng=5)
    c = ls.average_sharpness(f, theta, 0.1, rng=6)
    assert a.mean == b.mean and a.mean != c.mean


def test_sam_sharpness_closed_form_on_a_quadratic():
    a = np.array([2.0, 0.5, 1.0])
    f = quadratic(a)
    theta = np.array([1.0, -1.0, 0.5])
    radius = 0.2
    g = a * theta
    unit = g / np.linalg.norm(g)
    # L(theta + rho g/|g|) - L(theta) = rho |g| + rho^2/2 u^T A u
    expected = radius * np.linalg.norm(g) + 0.5 * radius**2 * np.sum(a * unit**2)
    assert ls.sam_sharpness(f, theta, radius) == pytest.approx(expected, rel=1e-13)


def test_adaptive_sam_perturbation_maximizes_the_linearization():
    a = np.array([2.0, 0.5, 1.0])
    f = quadratic(a)
    theta = np.array([1.0, -3.0, 0.5])
    radius = 0.1
    T = np.abs(theta)
    g = a * theta
    delta = radius * T**2 * g / np.linalg.norm(T * g)
    assert np.linalg.norm(delta / T) == pytest.approx(radius, rel=1e-14)  # on the boundary
    rng = np.random.default_rng(0)
    others = rng.standard_normal((1000, 3))
    others = radius * T * others / np.linalg.norm(others, axis=1, keepdims=True)
    assert np.all(others @ g <= delta @ g + 1e-15)  # no feasible point ascends faster
    got = ls.sam_sharpness(f, theta, radius, adaptive=True)
    assert got == pytest.approx(f.value(theta + delta) - f.value(theta), rel=1e-13)


def test_sam_sharpness_is_zero_without_gradient():
    f = quadratic([1.0, 2.0])
    assert ls.sam_sharpness(f, np.zeros(2), 0.5) == 0.0
    assert ls.sam_sharpness(f, np.zeros(2), 0.5, adaptive=True, eta=0.1) == 0.0
    # adaptive with eta = 0 at theta = 0: T = 0, the ball is a point
    assert ls.sam_sharpness(f, np.zeros(2), 0.5, adaptive=True) == 0.0


# --------------------------------------------------------------------------------------
# the report


def test_sharpness_report_on_a_quadratic():
    a = np.array([4.0, 1.0, 0.25])
    f = quadratic(a)
    theta = np.array([0.1, -0.2, 0.3])
    report = ls.sharpness_report(f, theta, epsilon=0.01, radius=0.05, trace_probes=None)
    assert report.lambda_max == pytest.approx(4.0, rel=1e-10)  # Lanczos tol 1e-6 -> ~1e-12
    assert report.trace == pytest.approx(5.25, rel=1e-14)  # exact trace: sum of d HVPs
    assert report.loss == f.value(theta)
    assert report.sam_sharpness == ls.sam_sharpness(f, theta, 0.05)
    streams = np.random.default_rng(0).spawn(4)  # Lanczos, trace, box, average
    assert (
        report.epsilon_sharpness == ls.epsilon_sharpness(f, theta, 0.01, rng=streams[2]).sharpness
    )
    average = ls.average_sharpness(f, theta, 0.5, rng=streams[3]).mean
    assert report.average_sharpness == average
    # the trace method does not change the other random parts
    assert ls.sharpness_report(f, theta, epsilon=0.01).average_sharpness == average
    hutch = ls.sharpness_report(f, theta, trace_probes=10)
    assert hutch.trace == pytest.approx(5.25, rel=1e-14)  # Rademacher probes: exact on diagonals
    net, point = relu_net()
    exact = np.trace(net.hessian(point))
    estimate = ls.sharpness_report(net, point).trace  # default: 100 Hutchinson probes
    stderr = ls.hutchinson_trace(net, point, num_probes=100, rng=0).stderr
    assert abs(estimate - exact) < 4 * stderr and estimate != exact
    names = list(report.as_dict())
    assert names[:3] == ["loss", "lambda_max", "trace"] and len(names) == 7
    one = ls.sharpness_report(quadratic([2.0]), np.array([0.5]))
    assert one.lambda_max == 2.0 and one.trace == 2.0
    with pytest.raises(ValueError, match="`trace_probes` must be an integer >= 2"):
        ls.sharpness_report(f, theta, trace_probes=1)


# --------------------------------------------------------------------------------------
# the reparameterization caveat


def test_which_measures_survive_rescaling():
    f, theta = relu_net(seed=2)
    twin = ls.rescale_layers(f, theta, 4.0).rescaled
    # adaptive measures with eta = 0 are exactly scale-invariant (rounding only)
    assert ls.sam_sharpness(f, twin, 0.3, adaptive=True) == pytest.approx(
        ls.sam_sharpness(f, theta, 0.3, adaptive=True), rel=1e-9
    )
    avg = [ls.average_sharpness(f, p, 0.3, adaptive=True, rng=0).mean for p in (theta, twin)]
    assert avg[1] == pytest.approx(avg[0], rel=1e-9)
    # the plain ones are not (they differ by tens of percent here)
    plain = [ls.sam_sharpness(f, p, 0.05) for p in (theta, twin)]
    assert abs(plain[1] - plain[0]) > 0.1 * plain[0]
    trace = [np.trace(f.hessian(p)) for p in (theta, twin)]
    assert abs(trace[1] - trace[0]) > 0.1 * trace[0]
    # eta > 0 breaks exact invariance
    eta = [ls.sam_sharpness(f, p, 0.3, adaptive=True, eta=0.5) for p in (theta, twin)]
    assert abs(eta[1] - eta[0]) > 1e-6 * eta[0]


# --------------------------------------------------------------------------------------
# bad input and purity


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda f, t: ls.epsilon_sharpness(f, t, 0.0), ValueError, "`epsilon` must be positive"),
        (lambda f, t: ls.epsilon_sharpness(f, t, -1e-3), ValueError, "`epsilon` must be positive"),
        (lambda f, t: ls.epsilon_sharpness(f, t, num_steps=-1), ValueError, "`num_steps`"),
        (lambda f, t: ls.epsilon_sharpness(f, t, num_random=-1), ValueError, "`num_random`"),
        (lambda f, t: ls.average_sharpness(f, t, 0.0), ValueError, "`radius` must be positive"),
        (lambda f, t: ls.average_sharpness(f, t, -0.5), ValueError, "`radius` must be positive"),
        (lambda f, t: ls.average_sharpness(f, t, 0.1, num_samples=1), ValueError, "`num_samples`"),
        (lambda f, t: ls.average_sharpness(f, t, 0.1, eta=-1.0), ValueError, "`eta`"),
        (lambda f, t: ls.sam_sharpness(f, t, 0.0), ValueError, "`radius` must be positive"),
        (lambda f, t: ls.sam_sharpness(f, t, -0.05), ValueError, "`radius` must be positive"),
        (lambda f, t: ls.sam_sharpness(f, t, "big"), TypeError, "`radius` must be a real"),
        (lambda f, t: ls.sam_sharpness(f, t[:-1]), ValueError, "`theta` must have length"),
        (lambda f, t: ls.sam_sharpness(f, t, eta=-0.1, adaptive=True), ValueError, "`eta`"),
        (lambda f, t: ls.sharpness_report(f, t, radius=0.0), ValueError, "`radius`"),
    ],
)
def test_bad_arguments(call, error, match):
    f, theta = relu_net()
    with pytest.raises(error, match=match):
        call(f, theta)


def test_bad_objectives():
    for func in (ls.epsilon_sharpness, ls.average_sharpness, ls.sam_sharpness):
        with pytest.raises(TypeError, match="must provide value/grad/values"):
            func(object(), np.zeros(2), 0.1)

    class NoDim:
        def value(self, t):
            return 0.0

        grad = values = value

    with pytest.raises(TypeError, match="positive integer `dim`"):
        ls.sam_sharpness(NoDim(), np.zeros(2))


def test_measures_do_not_mutate_theta():
    f, theta = relu_net()
    copy = theta.copy()
    calls = [
        lambda: ls.epsilon_sharpness(f, theta),
        lambda: ls.average_sharpness(f, theta, 0.1),
        lambda: ls.sam_sharpness(f, theta),
        lambda: ls.sam_sharpness(f, theta, adaptive=True),
        lambda: ls.sharpness_report(f, theta, trace_probes=4),
    ]
    ran = 0
    for call in calls:
        call()
        assert np.array_equal(theta, copy)
        ran += 1
    assert ran == 5


def test_records_freeze_copies_not_the_callers_arrays():
    delta, increases = np.zeros(2), np.array([0.1, 0.3])
    eps = ls.EpsilonSharpness(1.0, np.nan, 0.0, 0.01, 0.1, delta, 1, 0)
    avg = ls.AverageSharpness(0.2, 0.1, increases, 0.5, False)
    assert delta.flags.writeable and increases.flags.writeable
    increases[0] = 9.0
    assert avg.increases[0] == 0.1 and not avg.increases.flags.writeable
    assert not eps.delta.flags.writeable
