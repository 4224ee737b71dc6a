"""Stability on quadratics (thresholds, rates, iteration matrices) and sharpness tracking.

References are independent of the closed forms under test: the update rules themselves
(one step applied to basis states gives the linear map), runs of the rules on quadratics,
dense eigenvalues, and the known Hessian of a quadratic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import landscape as ls

LINEAR_RULES = [
    ("gd", lambda eta: ls.gd(eta)),
    ("momentum 0.5", lambda eta: ls.momentum(eta, beta=0.5)),
    ("momentum 0.9", lambda eta: ls.momentum(eta, beta=0.9)),
    ("nesterov 0.5", lambda eta: ls.nesterov(eta, beta=0.5)),
    ("nesterov 0.9", lambda eta: ls.nesterov(eta, beta=0.9)),
]
RULE_IDS = [name for name, _ in LINEAR_RULES]
RULE_MAKERS = [make for _, make in LINEAR_RULES]


def quadratic(eigenvalues, rng=0):
    """f(x) = x^T A x / 2 with a random eigenbasis; returns (objective, A)."""
    surface = ls.Quadratic(eigenvalues=eigenvalues, rng=rng)
    return surface, np.array(surface.matrix)


def one_step_matrix(rule, hessian):
    """The linear map of one update on (theta, velocity), read off by applying the rule."""
    d = hessian.shape[0]
    state0 = rule.init(np.zeros(d))
    has_velocity = hasattr(state0, "velocity")
    size = 2 * d if has_velocity else d
    columns = []
    for j in range(size):
        z = np.zeros(size)
        z[j] = 1.0
        theta = z[:d]
        # count 1, not 0: Nesterov ignores the velocity at count 0 (it is zero there)
        state = type(state0)(1, z[d:]) if has_velocity else state0
        step, new_state = rule.update(hessian @ theta, state, theta)
        parts = [theta + step] + ([np.asarray(new_state.velocity)] if has_velocity else [])
        columns.append(np.concatenate(parts))
    return np.column_stack(columns)


# --------------------------------------------------------------------------------------
# stability_threshold


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (ls.gd(0.1), 20.0),
        (ls.momentum(0.1, beta=0.9), 38.0),
        (ls.nesterov(0.1, beta=0.5), 15.0),
        (ls.adam(0.01, beta1=0.9), 3800.0),
        (ls.adam(0.01, beta1=0.0), 200.0),
    ],
)
def test_threshold_closed_forms(rule, expected):
    # rounding of a few float operations
    assert ls.stability_threshold(rule) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("make", RULE_MAKERS, ids=RULE_IDS)
@pytest.mark.parametrize("eta", [0.01, 0.3, 2.0])
def test_threshold_is_where_the_contraction_factor_crosses_one(make, eta):
    rule = make(eta)
    threshold = ls.stability_threshold(rule)
    below, above = ls.contraction_factors([0.99 * threshold, 1.01 * threshold], rule)
    assert below < 1.0 < above, (below, above)
    # a whole grid below the threshold (positive curvature) is stable
    assert np.all(ls.contraction_factors(np.linspace(1e-3, 0.999, 50) * threshold, rule) < 1)


@pytest.mark.parametrize("make", RULE_MAKERS, ids=RULE_IDS)
def test_runs_on_a_quadratic_converge_below_and_diverge_above(make):
    lam_max = 4.0
    f, _ = quadratic([0.5, 1.0, lam_max])
    threshold = ls.stability_threshold(make(1.0))  # = c / eta for a constant c
    for factor, target in ((0.95, 1e-10), (1.05, 1e10)):
        rule = make(factor * threshold / lam_max)
        rho = ls.contraction_factors([0.5, 1.0, lam_max], rule).max()
        # enough steps for the predicted rate to move the error by the target factor twice
        num_steps = int(2 * np.log(target) / np.log(rho)) + 20
        traj = ls.minimize(f, [1.0, -1.0, 0.5], rule, num_steps, record_params=False)
        if factor < 1:
            assert traj.final_loss < target * f.value([1.0, -1.0, 0.5]), (rho, traj)
        else:
            assert traj.final_loss > target, (rho, traj)


def test_adam_threshold_matches_frozen_preconditioner_runs():
    # With eps much larger than sqrt(v_hat) Adam's preconditioner is frozen at
    # eps (1 - beta1^t) -> eps, so on a quadratic of curvature lam it is a linear iteration
    # with preconditioned curvature lam / eps: it must shrink below the threshold and grow
    # above it. The start is tiny so that |gradient| stays far below eps; the first steps
    # (small 1 - beta1^t) amplify the error transiently, so the rate is measured later.
    eta, beta1, eps = 0.01, 0.9, 1e4
    threshold = ls.stability_threshold(ls.adam(eta, beta1=beta1, eps=eps))
    growth = {}
    for factor, (first, second) in ((0.9, (80, 200)), (1.1, (30, 60))):
        lam = factor * threshold * eps
        f = ls.from_function(
            lambda x, lam=lam: 0.5 * lam * float(x @ x), 1, grad=lambda x, lam=lam: lam * x
        )
        traj = ls.minimize(f, [1e-40], ls.adam(eta, beta1=beta1, eps=eps), second)
        x = np.abs(traj.params[:, 0])
        assert x.max() * lam < 1e-6 * eps  # the preconditioner stayed frozen
        # peaks over a window: the iteration oscillates (complex or negative roots)
        growth[factor] = x[second - 10 : second + 1].max() / x[first - 10 : first + 1].max()
    # predicted factors per step 0.95 and 1.77: about 2e-3 over 120 steps, 3e7 over 30
    assert growth[0.9] < 1e-1 < 1e3 < growth[1.1], growth
    # the same threshold as heavy ball with step (1 - beta1) eta
    heavy_ball = ls.momentum((1 - beta1) * eta, beta=beta1)
    assert threshold == pytest.approx(ls.stability_threshold(heavy_ball), rel=1e-12)


def test_threshold_follows_a_warmup_schedule():
    rule = ls.gd(ls.linear_warmup(0.2, warmup_steps=4))
    assert ls.stability_threshold(rule, 0) == math.inf
    values = [ls.stability_threshold(rule, s) for s in (1, 2, 4, 10)]
    np.testing.assert_allclose(values, [40.0, 20.0, 10.0, 10.0], rtol=1e-12)  # rounding


def test_threshold_errors():
    with pytest.raises(TypeError, match="`rule` must be an UpdateRule"):
        ls.stability_threshold(0.1)
    with pytest.raises(ValueError, match="`rule` must be one of the rules"):
        ls.stability_threshold(ls.rmsprop(0.1))
    with pytest.raises(ValueError, match="`step` must be an integer >= 0"):
        ls.stability_threshold(ls.gd(0.1), step=-1)
    with pytest.raises(TypeError, match="`step` must be an integer"):
        ls.stability_threshold(ls.gd(0.1), step=1.5)


# --------------------------------------------------------------------------------------
# contraction_factors and iteration_matrix


@pytest.mark.parametrize("make", RULE_MAKERS, ids=RULE_IDS)
def test_contraction_factors_match_the_rule_applied_in_one_dimension(make):
    eta = 0.3
    rule = make(eta)
    lams = np.array([-2.0, 0.1, 1.0, 3.0, 6.0, 9.0, 15.0])
    expected = [
        max(abs(np.linalg.eigvals(one_step_matrix(rule, np.array([[lam]]))))) for lam in lams
    ]
    # eigvals of a 2x2 matrix vs the quadratic formula: rounding, and a double root's
    # sqrt(eps) sensitivity does not occur at these curvatures
    np.testing.assert_allclose(ls.contraction_factors(lams, rule), expected, rtol=1e-9)


def test_gd_factor_is_abs_one_minus_eta_lambda():
    lams = np.linspace(-1.0, 5.0, 13)
    # elementwise rounding only
    np.testing.assert_allclose(
        ls.contraction_factors(lams, ls.gd(0.5)), np.abs(1 - 0.5 * lams), rtol=0, atol=1e-15
    )
    assert ls.contraction_factors(2.0, ls.gd(0.5)).shape == (1,)


@pytest.mark.parametrize("make", RULE_MAKERS, ids=RULE_IDS)
def test_iteration_matrix_is_one_step_of_the_rule(make):
    _, a = quadratic([0.3, 1.0, 2.5, 7.0], rng=3)
    rule = make(0.2)
    # assembled from the same products in a different order
    np.testing.assert_allclose(
        ls.iteration_matrix(a, rule), one_step_matrix(rule, a), rtol=0, atol=1e-13
    )


@pytest.mark.parametrize("make", RULE_MAKERS, ids=RULE_IDS)
def test_spectral_radius_is_the_largest_contraction_factor(make):
    eigenvalues = [0.2, 1.0, 3.0, 5.0]
    _, a = quadratic(eigenvalues, rng=1)
    rule = make(0.35)
    radius = max(abs(np.linalg.eigvals(ls.iteration_matrix(a, rule))))
    # nonsymmetric eigenvalues of a 2d x 2d matrix: rounding times its condition
    assert radius == pytest.approx(ls.contraction_factors(eigenvalues, rule).max(), rel=1e-7)


def test_measured_rate_matches_the_contraction_factor():
    # heavy ball on a 1-D quadratic: the error shrinks like rho^t (complex roots: exactly
    # |z|^t times a bounded oscillation), so the log-rate over many steps is log(rho).
    lam, rule = 2.0, ls.momentum(0.1, beta=0.8)
    f = ls.from_function(lambda x: lam * float(x @ x) / 2, 1, grad=lambda x: lam * x)
    traj = ls.minimize(f, [1.0], rule, 400)
    errors = np.abs(traj.params[:, 0])
    peaks = [errors[t - 20 : t].max() for t in (200, 400)]
    measured = (np.log(peaks[1]) - np.log(peaks[0])) / 200
    expected = np.log(ls.contraction_factors([lam], rule)[0])
    # the oscillation's envelope is sampled once per window: a few percent of the rate
    assert measured == pytest.approx(expected, rel=0.05)


def test_inputs_are_not_modified():
    lams = np.array([1.0, 2.0])
    a = np.diag([1.0, 2.0])
    before_l, before_a = lams.copy(), a.copy()
    ls.contraction_factors(lams, ls.momentum(0.1))
    ls.iteration_matrix(a, ls.nesterov(0.1))
    np.testing.assert_array_equal(lams, before_l)
    np.testing.assert_array_equal(a, before_a)


def test_factor_and_matrix_errors():
    with pytest.raises(ValueError, match="`rule` must be one of the rules 'gd'"):
        ls.contraction_factors([1.0], ls.adam(0.1))
    with pytest.raises(TypeError, match="`rule` must be an UpdateRule"):
        ls.iteration_matrix(np.eye(2), "gd")
    with pytest.raises(ValueError, match="`eigenvalues` must be a 1-D vector"):
        ls.contraction_factors(np.eye(2), ls.gd(0.1))
    with pytest.raises(ValueError, match="`eigenvalues` must contain only finite"):
        ls.contraction_factors([1.0, np.nan], ls.gd(0.1))
    with pytest.raises(TypeError, match="`eigenvalues` must be an array of real numbers"):
        ls.contraction_factors("1.0", ls.gd(0.1))
    with pytest.raises(ValueError, match="`hessian` must be symmetric"):
        ls.iteration_matrix([[1.0, 2.0], [0.0, 1.0]], ls.gd(0.1))
    with pytest.raises(ValueError, match="`hessian` must be a square matrix"):
        ls.iteration_matrix(np.ones((2, 3)), ls.gd(0.1))
    with pytest.raises(ValueError, match="`step` must be an integer >= 0"):
        ls.contraction_factors([1.0], ls.gd(0.1), step=-2)
