"""Update rules: first two steps against the formulas, convergence, stability thresholds."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscape as ls
from landscape import optim

# --------------------------------------------------------------------------------------
# test objectives, defined here so the tests depend on nothing but the optimizers


def quadratic(eigenvalues, rng=0):
    """f(x) = 0.5 x^T A x - b^T x with A = Q diag(eigenvalues) Q^T; returns (f, A, b, x*)."""
    gen = np.random.default_rng(rng)
    d = len(eigenvalues)
    q, _ = np.linalg.qr(gen.standard_normal((d, d)))
    a = q @ np.diag(eigenvalues) @ q.T
    a = 0.5 * (a + a.T)
    b = gen.standard_normal(d)
    f = ls.from_function(
        lambda x: 0.5 * float(x @ a @ x) - float(b @ x),
        d,
        grad=lambda x: a @ x - b,
        hvp=lambda x, v: a @ v,
        name="quadratic",
    )
    return f, a, b, np.linalg.solve(a, b)


def rosenbrock():
    def value(t):
        return float((1.0 - t[0]) ** 2 + 100.0 * (t[1] - t[0] ** 2) ** 2)

    def grad(t):
        return np.array(
            [-2.0 * (1.0 - t[0]) - 400.0 * t[0] * (t[1] - t[0] ** 2), 200.0 * (t[1] - t[0] ** 2)]
        )

    return ls.from_function(value, 2, grad=grad, name="rosenbrock")


THETA0 = np.array([0.5, -1.5, 2.0])
G0 = np.array([1.0, -2.0, 0.5])
G1 = np.array([-0.3, 0.8, 1.2])


# --------------------------------------------------------------------------------------
# hand-computed first two steps: each reference works coordinate by coordinate in plain
# Python floats, straight from the formula in the rule's docstring


def ref_gd(eta):
    def steps(theta0, g0, g1):
        s0 = [-eta * g for g in g0]
        s1 = [-eta * g for g in g1]
        return s0, s1

    return steps


def ref_momentum(eta, beta):
    def steps(theta0, g0, g1):
        v1 = [-eta * g for g in g0]  # v1 = beta * 0 - eta g0
        v2 = [beta * v - eta * g for v, g in zip(v1, g1, strict=True)]
        return v1, v2

    return steps


def ref_nesterov(eta, beta):
    # classical form on y: x1 = y0 - eta g0, y1 = x1 + beta (x1 - x0) with x0 = y0, then
    # x2 = y1 - eta g1, y2 = x2 + beta (x2 - x1); the steps are y1 - y0 and y2 - y1
    def steps(theta0, g0, g1):
        y0 = list(theta0)
        x0 = y0
        x1 = [y - eta * g for y, g in zip(y0, g0, strict=True)]
        y1 = [a + beta * (a - b) for a, b in zip(x1, x0, strict=True)]
        x2 = [y - eta * g for y, g in zip(y1, g1, strict=True)]
        y2 = [a + beta * (a - b) for a, b in zip(x2, x1, strict=True)]
        return [a - b for a, b in zip(y1, y0, strict=True)], [
            a - b for a, b in zip(y2, y1, strict=True)
        ]

    return steps


def ref_adagrad(eta, eps):
    def steps(theta0, g0, g1):
        s0 = [-eta * g / (math.sqrt(g * g) + eps) for g in g0]
        s1 = [-eta * h / (math.sqrt(g * g + h * h) + eps) for g, h in zip(g0, g1, strict=True)]
        return s0, s1

    return steps


def ref_rmsprop(eta, beta, eps):
    def steps(theta0, g0, g1):
        a1 = [(1 - beta) * g * g for g in g0]
        a2 = [beta * a + (1 - beta) * h * h for a, h in zip(a1, g1, strict=True)]
        s0 = [-eta * g / (math.sqrt(a) + eps) for g, a in zip(g0, a1, strict=True)]
        s1 = [-eta * h / (math.sqrt(a) + eps) for h, a in zip(g1, a2, strict=True)]
        return s0, s1

    return steps


def ref_adam(eta, b1, b2, eps, wd=0.0, decoupled=True):
    def steps(theta0, g0, g1):
        out = []
        m = [0.0] * len(g0)
        v = [0.0] * len(g0)
        theta = list(theta0)
        for t, g in ((1, g0), (2, g1)):
            if not decoupled:
                g = [gi + wd * th for gi, th in zip(g, theta, strict=True)]
            m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
            v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g, strict=True)]
            step = []
            for mi, vi, th in zip(m, v, theta, strict=True):
                m_hat, v_hat = mi / (1 - b1**t), vi / (1 - b2**t)
                direction = m_hat / (math.sqrt(v_hat) + eps)
                if decoupled:
                    direction += wd * th
                step.append(-eta * direction)
            out.append(step)
            theta = [th + s for th, s in zip(theta, step, strict=True)]
        return out

    return steps


def ref_lion(eta, b1, b2, wd):
    def sign(x):
        return float(x > 0) - float(x < 0)

    def steps(theta0, g0, g1):
        m0 = [0.0] * len(g0)
        s0 = [
            -eta * (sign(b1 * m + (1 - b1) * g) + wd * th)
            for m, g, th in zip(m0, g0, theta0, strict=True)
        ]
        m1 = [b2 * m + (1 - b2) * g for m, g in zip(m0, g0, strict=True)]
        theta1 = [th + s for th, s in zip(theta0, s0, strict=True)]
        s1 = [
            -eta * (sign(b1 * m + (1 - b1) * g) + wd * th)
            for m, g, th in zip(m1, g1, theta1, strict=True)
        ]
        return s0, s1

    return steps


FIRST_TWO = [
    ("gd", ls.gd(0.1), ref_gd(0.1)),
    ("momentum", ls.momentum(0.1, beta=0.7), ref_momentum(0.1, 0.7)),
    ("nesterov", ls.nesterov(0.1, beta=0.7), ref_nesterov(0.1, 0.7)),
    ("adagrad", ls.adagrad(0.1, eps=1e-3), ref_adagrad(0.1, 1e-3)),
    ("rmsprop", ls.rmsprop(0.1, beta=0.8, eps=1e-3), ref_rmsprop(0.1, 0.8, 1e-3)),
    ("adam", ls.adam(0.1, 0.8, 0.9, 1e-3), ref_adam(0.1, 0.8, 0.9, 1e-3)),
    (
        "adamw",
        ls.adamw(0.1, 0.8, 0.9, 1e-3, weight_decay=0.3),
        ref_adam(0.1, 0.8, 0.9, 1e-3, 0.3, decoupled=True),
    ),
    (
        "adam_l2",
        ls.adam_l2(0.1, 0.8, 0.9, 1e-3, weight_decay=0.3),
        ref_adam(0.1, 0.8, 0.9, 1e-3, 0.3, decoupled=False),
    ),
    ("lion", ls.lion(0.1, 0.8, 0.9, weight_decay=0.3), ref_lion(0.1, 0.8, 0.9, 0.3)),
]


@pytest.mark.parametrize(("name", "rule", "reference"), FIRST_TWO, ids=[c[0] for c in FIRST_TWO])
def test_first_two_steps_match_the_formulas(name, rule, reference):
    state = rule.init(THETA0)
    step0, state = rule.update(G0, state, THETA0)
    theta1 = THETA0 + step0
    step1, state = rule.update(G1, state, theta1)
    expected0, expected1 = reference(THETA0.tolist(), G0.tolist(), G1.tolist())
    # Same arithmetic in a different order: agreement to a few ulps.
    np.testing.assert_allclose(step0, expected0, rtol=1e-12, atol=1e-15, err_msg=name)
    np.testing.assert_allclose(step1, expected1, rtol=1e-12, atol=1e-15, err_msg=name)
    assert state.count == 2
    assert rule.name == name


def test_two_steps_of_the_references_are_not_trivial():
    # Guard against a reference that cannot fail: the rules really differ from one another.
    firsts = {
        name: tuple(np.round(ref(THETA0.tolist(), G0.tolist(), G1.tolist())[1], 9))
        for name, _, ref in FIRST_TWO
    }
    assert len(set(firsts.values())) == len(FIRST_TWO)


# --------------------------------------------------------------------------------------
# purity


@pytest.mark.parametrize(("name", "rule", "reference"), FIRST_TWO, ids=[c[0] for c in FIRST_TWO])
def test_rules_do_not_mutate_inputs_or_state(name, rule, reference):
    params, grad = THETA0.copy(), G0.copy()
    state0 = rule.init(params)
    step, state1 = rule.update(grad, state0, params)
    snapshot = [np.array(x, copy=True) for x in state1]
    _, state2 = rule.update(G1.copy(), state1, params + step)
    np.testing.assert_array_equal(params, THETA0)
    np.testing.assert_array_equal(grad, G0)
    for before, after in zip(snapshot, state1, strict=True):
        np.testing.assert_array_equal(before, after)
    for field in state2[1:]:
        assert not field.flags.writeable, f"{name}: state arrays must be read-only"
        assert not np.shares_memory(field, params)
    step[:] = 0.0  # the caller owns the step: writing to it must not reach the state
    for before, after in zip(snapshot, state1, strict=True):
        np.testing.assert_array_equal(before, after)


def test_init_does_not_alias_params():
    params = np.ones(3)
    state = ls.adam(0.1).init(params)
    assert not np.shares_memory(state.m, params)
    assert not np.shares_memory(state.m, state.v)


# --------------------------------------------------------------------------------------
# convergence

QUADRATIC_CASES = [
    # (rule, steps, tolerance on ||theta - theta*||); eigenvalues in [1, 10]; measured
    # errors in the comments
    (ls.gd(0.18), 150, 1e-11),  # 1e-13
    (ls.momentum(0.1, beta=0.5), 150, 1e-12),  # 7e-18
    (ls.nesterov(0.1, beta=0.5), 150, 1e-12),  # 6e-17
    (ls.adagrad(0.5), 1000, 1e-12),  # 6e-17
    (ls.adam(ls.exponential_decay(0.1, 0.5, decay_steps=200)), 1500, 1e-12),  # 2e-16
    (ls.adamw(ls.exponential_decay(0.1, 0.5, decay_steps=200), weight_decay=0.0), 1500, 1e-12),
    (ls.rmsprop(ls.exponential_decay(0.05, 0.5, decay_steps=200), beta=0.9), 3000, 1e-5),  # 1e-6
    (ls.lion(ls.exponential_decay(0.03, 0.5, decay_steps=200)), 3000, 1e-5),  # 5e-7
]


@pytest.mark.parametrize(("rule", "num_steps", "tol"), QUADRATIC_CASES, ids=repr)
def test_rules_converge_on_a_quadratic(rule, num_steps, tol):
    f, _, _, x_star = quadratic([1.0, 2.0, 4.0, 10.0])
    traj = ls.minimize(f, np.zeros(4), rule, num_steps, record_every=num_steps)
    error = float(np.linalg.norm(traj.final_params - x_star))
    # Tolerances keep a margin of 10-1000x over the measured errors: most rules reach
    # rounding level; RMSProp (no bias correction, no momentum) and the sign-based Lion
    # stop at a distance set by their final learning rate.
    assert error < tol, f"{rule!r}: ||theta - theta*|| = {error:.3g} >= {tol:g}"
    assert traj.stop_reason == "num_steps"


ROSENBROCK_CASES = [
    # (rule, steps, tolerance on ||theta - (1, 1)||); measured errors in the comments
    (ls.momentum(3e-3, beta=0.9), 3000, 1e-8),  # 2e-15
    (ls.nesterov(1e-3, beta=0.9), 3000, 1e-5),  # 3e-6
    (ls.adam(ls.cosine_decay(0.1, 3000)), 3000, 1e-4),  # 1e-5
    (ls.lion(ls.cosine_decay(1e-2, 3000)), 3000, 1e-3),  # 3e-5
    (ls.rmsprop(ls.cosine_decay(1e-2, 3000)), 3000, 0.1),  # 3e-2
    (ls.adagrad(1.0), 3000, 0.2),  # 7e-2
]
# Tolerances keep a 3-30x margin over the measured error. Momentum methods converge
# linearly once in the valley; RMSProp (no momentum) and AdaGrad (rate ~ 1/sqrt(t)) creep
# along it, and the sign-based Lion settles at a distance set by its final rate.


@pytest.mark.parametrize(("rule", "num_steps", "tol"), ROSENBROCK_CASES, ids=repr)
def test_rules_converge_on_rosenbrock(rule, num_steps, tol):
    traj = ls.minimize(rosenbrock(), [-1.2, 1.0], rule, num_steps, record_every=num_steps)
    error = float(np.linalg.norm(traj.final_params - 1.0))
    assert error < tol, f"{rule!r}: ||theta - (1, 1)|| = {error:.3g} >= {tol:g}"
    assert traj.final_loss < traj.losses[0] * 1e-3


def test_gd_converges_slowly_on_rosenbrock_but_does():
    traj = ls.minimize(rosenbrock(), [-1.2, 1.0], ls.gd(1.9e-3), 6000, record_every=6000)
    error = float(np.linalg.norm(traj.final_params - 1.0))
    # GD along the valley contracts by about 1 - eta * 0.4 per step: 6000 steps give ~1e-2.
    assert error < 2e-2, f"||theta - (1, 1)|| = {error:.3g}"


def test_adam_l2_converges_to_the_minimizer_of_the_penalized_quadratic():
    # Adam + L2 minimizes f + (lambda/2) ||theta||^2, whose minimizer solves (A + lambda I) x = b.
    f, a, b, x_star = quadratic([1.0, 2.0, 4.0, 10.0])
    lam = 0.5
    penalized = np.linalg.solve(a + lam * np.eye(4), b)
    rule = ls.adam_l2(ls.exponential_decay(0.1, 0.5, decay_steps=200), weight_decay=lam)
    traj = ls.minimize(f, np.zeros(4), rule, 1500, record_every=1500)
    # Measured 3e-17 (rounding level, as Adam on the plain quadratic); the penalty moves
    # the minimizer by 0.35, so the test separates the two.
    assert np.linalg.norm(traj.final_params - penalized) < 1e-12
    assert np.linalg.norm(penalized - x_star) > 0.1


@pytest.mark.parametrize(("weight_decay", "tol"), [(1e-3, 1e-3), (1e-2, 1e-2)])
def test_adamw_with_decay_converges_near_the_minimizer_of_a_quadratic(weight_decay, tol):
    f, _, _, x_star = quadratic([1.0, 2.0, 4.0, 10.0])
    rule = ls.adamw(ls.exponential_decay(0.1, 0.5, decay_steps=200), weight_decay=weight_decay)
    traj = ls.minimize(f, np.zeros(4), rule, 1500, record_every=1500)
    error = float(np.linalg.norm(traj.final_params - x_star))
    # Decoupled decay shifts AdamW's fixed point by O(lambda): measured 4e-5 and 4e-4,
    # a 25x margin; the shift grows with lambda, as it should.
    assert error < tol, f"weight_decay={weight_decay}: error {error:.3g}"
    assert error > 1e-3 * weight_decay, "the decay should move the fixed point a little"


def test_clipped_gd_converges_on_a_quadratic_from_far_away():
    f, _, _, x_star = quadratic([1.0, 2.0, 4.0, 10.0])
    theta0 = 10.0 * np.ones(4)
    assert np.linalg.norm(f.grad(theta0)) > 10.0  # clipping is active at the start
    rule = ls.clip_by_global_norm(ls.gd(0.18), max_norm=1.0)
    traj = ls.minimize(f, theta0, rule, 300, record_every=300)
    # Clipped steps of length <= 0.18 carry it to where clipping stops, then it is plain
    # GD (contraction 0.82 per step): measured 3e-16.
    assert np.linalg.norm(traj.final_params - x_star) < 1e-12


def test_adam_l2_on_rosenbrock_converges_to_the_penalized_minimizer():
    from scipy.optimize import minimize as scipy_minimize

    lam, f = 0.1, rosenbrock()
    reference = scipy_minimize(
        lambda t: f.value(t) + 0.5 * lam * float(t @ t),
        [1.0, 1.0],
        jac=lambda t: f.grad(t) + lam * t,
        method="BFGS",
        options={"gtol": 1e-12},
    ).x
    rule = ls.adam_l2(ls.cosine_decay(0.1, 3000), weight_decay=lam)
    traj = ls.minimize(f, [-1.2, 1.0], rule, 3000, record_every=3000)
    # Measured 2e-8 from the BFGS reference (itself accurate to ~1e-12); the penalty moves
    # the minimizer 0.24 away from (1, 1).
    assert np.linalg.norm(traj.final_params - reference) < 1e-6
    assert np.linalg.norm(reference - 1.0) > 0.1


ROSENBROCK_MORE = [
    # (rule, tolerance on ||theta - (1, 1)||); measured errors in the comments
    (ls.adamw(ls.cosine_decay(0.1, 3000), weight_decay=1e-3), 5e-2),  # 9e-3: O(lambda) shift
    (ls.clip_by_global_norm(ls.momentum(3e-3, beta=0.9), max_norm=1.0), 1e-8),  # 4e-16
    (ls.clip_by_global_norm(ls.gd(1.9e-3), max_norm=1.0), 0.5),  # 0.16: GD's slow valley
]


@pytest.mark.parametrize(("rule", "tol"), ROSENBROCK_MORE, ids=repr)
def test_more_rules_converge_on_rosenbrock(rule, tol):
    traj = ls.minimize(rosenbrock(), [-1.2, 1.0], rule, 3000, record_every=3000)
    error = float(np.linalg.norm(traj.final_params - 1.0))
    # Margins of 3-5x (and 1e8 for the linearly converging momentum run).
    assert error < tol, f"{rule!r}: ||theta - (1, 1)|| = {error:.3g} >= {tol:g}"
    assert traj.final_loss < traj.losses[0] * 1e-3


# --------------------------------------------------------------------------------------
# stability thresholds on a quadratic (both sides)

EIGENVALUES = [0.5, 2.0, 10.0]


def _lambda_max():
    _, a, _, _ = quadratic(EIGENVALUES)
    return float(np.linalg.eigvalsh(a)[-1])  # independent of the list above


@pytest.mark.parametrize(("factor", "stable"), [(1.9, True), (2.1, False)])
def test_gd_stability_threshold_is_two_over_lambda_max(factor, stable):
    f, _, _, x_star = quadratic(EIGENVALUES)
    eta = factor / _lambda_max()
    traj = ls.minimize(f, x_star + 1.0, ls.gd(eta), 400, record_every=50)
    error = float(np.linalg.norm(traj.final_params - x_star))
    # The top mode is multiplied by |1 - factor| = 0.9 or 1.1 per step: after 400 steps
    # the error is ~1e-18 of its start or ~1e16 times it.
    if stable:
        assert error < 1e-12, f"eta = {factor}/lambda_max should converge; error {error:.3g}"
    else:
        assert error > 1e12, f"eta = {factor}/lambda_max should diverge; error {error:.3g}"


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
@pytest.mark.parametrize(("factor", "stable"), [(0.95, True), (1.05, False)])
def test_momentum_stability_threshold(beta, factor, stable):
    f, _, _, x_star = quadratic(EIGENVALUES)
    eta = factor * (2.0 + 2.0 * beta) / _lambda_max()
    traj = ls.minimize(f, x_star + 1.0, ls.momentum(eta, beta=beta), 1500, record_every=500)
    error = float(np.linalg.norm(traj.final_params - x_star))
    # Below the threshold every mode contracts by at most max(sqrt(beta), 0.96) per step
    # (1500 steps: < 1e-20); above it the top mode grows by >= 1.05 per step (> 1e30).
    if stable:
        assert error < 1e-10, f"beta={beta}, {factor}x threshold: error {error:.3g}"
    else:
        assert error > 1e10, f"beta={beta}, {factor}x threshold: error {error:.3g}"


@pytest.mark.parametrize("beta", [0.5, 0.9])
@pytest.mark.parametrize(("factor", "stable"), [(0.95, True), (1.05, False)])
def test_nesterov_stability_threshold(beta, factor, stable):
    f, _, _, x_star = quadratic(EIGENVALUES)
    eta = factor * (2.0 + 2.0 * beta) / ((1.0 + 2.0 * beta) * _lambda_max())
    traj = ls.minimize(f, x_star + 1.0, ls.nesterov(eta, beta=beta), 1500, record_every=500)
    error = float(np.linalg.norm(traj.final_params - x_star))
    # Same margins as heavy ball: the top mode's root crosses -1 at the threshold.
    if stable:
        assert error < 1e-10, f"beta={beta}, {factor}x threshold: error {error:.3g}"
    else:
        assert error > 1e10, f"beta={beta}, {factor}x threshold: error {error:.3g}"


# --------------------------------------------------------------------------------------
# tuned momentum parameters: measured rates on a quadratic


def _spectral_radius(eta, beta, lam, nesterov):
    # The two-step recurrence e_{t+1} = a e_t - c e_{t-1} for one eigen-direction.
    if nesterov:
        a, c = (1 + beta) * (1 - eta * lam), beta * (1 - eta * lam)
    else:
        a, c = 1 + beta - eta * lam, beta
    return float(np.max(np.abs(np.linalg.eigvals(np.array([[a, -c], [1.0, 0.0]])))))


def _measured_rate(f, x_star, rule, theory):
    """Per-step error contraction over steps [T/4, T], with the rate it should show.

    T is where the error should reach ~1e-11 of its start, before rounding takes over.
    The slowest modes are critically damped (a double root r), so the error decays like
    t r^t and the measured ratio over the window is r (T / (T/4))^(1 / (3T/4)).
    """
    stop = int(np.log(1e-11) / np.log(theory))
    start = stop // 4
    traj = ls.minimize(f, x_star + 1.0, rule, stop, record_every=1)
    errors = np.linalg.norm(traj.params - x_star, axis=1)
    measured = float((errors[stop] / errors[start]) ** (1.0 / (stop - start)))
    expected = theory * (stop / start) ** (1.0 / (stop - start))
    return measured, expected


@pytest.mark.parametrize("kappa", [100.0, 400.0])
def test_polyak_parameters_achieve_the_optimal_rate(kappa):
    mu, big_l = 1.0, kappa
    eta, beta = ls.polyak_momentum_parameters(mu, big_l)
    theory = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    lams = np.linspace(mu, big_l, 7)
    worst = max(_spectral_radius(eta, beta, lam, nesterov=False) for lam in lams)
    # Double roots at the ends of the spectrum: eigvals is accurate to ~sqrt(eps).
    assert worst == pytest.approx(theory, abs=1e-6)
    # Optimality: moving either parameter by 5% makes the worst mode slower.
    for eta2, beta2 in [(eta * 1.05, beta), (eta * 0.95, beta), (eta, beta * 1.05)]:
        worse = max(_spectral_radius(eta2, beta2, lam, nesterov=False) for lam in lams)
        assert worse > theory, f"eta={eta2:.4g}, beta={beta2:.4g}: {worse:.6f} <= {theory:.6f}"
    f, _, _, x_star = quadratic(lams)
    measured, expected = _measured_rate(f, x_star, ls.momentum(eta, beta=beta), theory)
    # The polynomial factor of the double root accounts for the 0.5-1.5% by which the
    # measured rate exceeds the theory; what remains is below 0.1% (other modes).
    assert measured == pytest.approx(expected, rel=2e-3), f"{measured:.5f} vs {expected:.5f}"
    assert measured < (kappa - 1) / (kappa + 1)  # the best constant-step GD rate


@pytest.mark.parametrize("kappa", [100.0, 400.0])
def test_nesterov_parameters_rate(kappa):
    mu, big_l = 1.0, kappa
    eta, beta = ls.nesterov_parameters(mu, big_l)
    assert eta == pytest.approx(1.0 / big_l, rel=1e-15)
    theory = 1 - 1 / math.sqrt(kappa)
    lams = np.linspace(mu, big_l, 7)
    worst = max(_spectral_radius(eta, beta, lam, nesterov=True) for lam in lams)
    assert worst == pytest.approx(theory, abs=1e-6)  # double root at mu: ~sqrt(eps)
    f, _, _, x_star = quadratic(lams)
    measured, expected = _measured_rate(f, x_star, ls.nesterov(eta, beta=beta), theory)
    # As above: the critically damped mode at mu explains the excess over the theory.
    assert measured == pytest.approx(expected, rel=2e-3), f"{measured:.5f} vs {expected:.5f}"
    assert measured < (kappa - 1) / (kappa + 1)


def test_momentum_parameters_validation():
    with pytest.raises(ValueError, match="must not exceed `smoothness`"):
        ls.polyak_momentum_parameters(2.0, 1.0)
    with pytest.raises(ValueError, match="`strong_convexity` must be positive"):
        ls.nesterov_parameters(0.0, 1.0)
    with pytest.raises(TypeError, match="`smoothness` must be a real number"):
        ls.nesterov_parameters(1.0, "10")


# --------------------------------------------------------------------------------------
# relations between rules


def _run_steps(rule, grads, theta0):
    state, theta, steps = rule.init(theta0), np.asarray(theta0, float), []
    for g in grads:
        step, state = rule.update(g, state, theta)
        theta = theta + step
        steps.append(step)
    return np.array(steps)


GRADS = np.random.default_rng(3).standard_normal((6, 3))


@pytest.mark.parametrize(
    ("rule_a", "rule_b"),
    [
        (ls.momentum(0.1, beta=0.0), ls.gd(0.1)),
        (ls.nesterov(0.1, beta=0.0), ls.gd(0.1)),
        (ls.adamw(0.1, weight_decay=0.0), ls.adam(0.1)),
        (ls.adam_l2(0.1, weight_decay=0.0), ls.adam(0.1)),
        (ls.make_rule("adam", learning_rate=0.1, beta1=0.5), ls.adam(0.1, beta1=0.5)),
        (ls.make_rule("nesterov", learning_rate=0.1), ls.nesterov(0.1)),
        (ls.make_rule("noisy_gd", learning_rate=0.1, noise_scale=0.3), ls.noisy_gd(0.1, 0.3)),
        (
            ls.make_rule("perturbed_gd", learning_rate=0.1, radius=0.5, gradient_threshold=9.0),
            ls.perturbed_gd(0.1, 0.5, 9.0),
        ),
        (ls.gd(ls.constant(0.1)), ls.gd(0.1)),
    ],
    ids=repr,
)
def test_equivalent_rules_take_equal_steps(rule_a, rule_b):
    np.testing.assert_allclose(
        _run_steps(rule_a, GRADS, THETA0), _run_steps(rule_b, GRADS, THETA0), rtol=1e-14
    )


def test_adamw_decays_every_coordinate_at_the_same_rate_and_adam_l2_does_not():
    theta = np.array([1.0, 1.0])
    grad = np.array([100.0, 0.0])  # one coordinate with a large gradient history
    eta, lam = 0.01, 0.1
    # beta1 = 0 isolates the decay from the momentum of the first gradient.
    l_rule = ls.adam_l2(eta, beta1=0.0, weight_decay=lam)
    w_rule = ls.adamw(eta, beta1=0.0, weight_decay=lam)
    w_state, l_state = w_rule.init(theta), l_rule.init(theta)
    _, w_state = w_rule.update(grad, w_state, theta)
    _, l_state = l_rule.update(grad, l_state, theta)
    zero = np.zeros(2)
    w_step, _ = w_rule.update(zero, w_state, theta)
    l_step, _ = l_rule.update(zero, l_state, theta)
    w_decay = w_step - ls.adam(eta, beta1=0.0).update(zero, w_state, theta)[0]
    # AdamW: the decay part of the step is exactly -eta * lambda * theta in each coordinate.
    np.testing.assert_allclose(w_decay, -eta * lam * theta, rtol=1e-12)
    # Adam-L2: the decay went through the normalization; the coordinate with the large
    # gradient history is barely decayed, the other is pushed by a full normalized step.
    assert abs(l_step[0]) < 0.2 * abs(l_step[1]), f"adam_l2 step {l_step}"


def test_schedules_drive_the_learning_rate():
    rule = ls.gd(ls.step_decay(1.0, 0.5, decay_every=1))
    steps = _run_steps(rule, np.ones((3, 1)), [0.0])
    np.testing.assert_allclose(steps[:, 0], [-1.0, -0.5, -0.25], rtol=1e-15)
    assert rule.learning_rate(2) == 0.25


# --------------------------------------------------------------------------------------
# clipping


@pytest.mark.parametrize(("norm", "clipped"), [(0.5, False), (2.0, True)])
def test_clip_by_global_norm_both_sides(norm, clipped):
    direction = np.array([3.0, 4.0]) / 5.0
    rule = ls.clip_by_global_norm(ls.gd(1.0), max_norm=1.0)
    step, state = rule.update(norm * direction, rule.init(np.zeros(2)), np.zeros(2))
    expected = -(1.0 if clipped else norm) * direction
    np.testing.assert_allclose(step, expected, rtol=1e-15)
    assert state.count == 1
    assert rule.name == "gd+clip"
    assert rule.hyperparameters["max_norm"] == 1.0
    assert rule.learning_rate(0) == 1.0


def test_clipped_momentum_two_steps_by_hand():
    # g0 = (6, 8) has norm 10 > c = 2: clipped to (1.2, 1.6); g1 = (0.3, -0.4) has norm
    # 0.5 < 2: passed on. Heavy ball with eta = 0.5, beta = 0.5:
    # v1 = -0.5 * (1.2, 1.6) = (-0.6, -0.8);
    # v2 = 0.5 * v1 - 0.5 * (0.3, -0.4) = (-0.3 - 0.15, -0.4 + 0.2) = (-0.45, -0.2).
    rule = ls.clip_by_global_norm(ls.momentum(0.5, beta=0.5), max_norm=2.0)
    state = rule.init(np.zeros(2))
    step0, state = rule.update(np.array([6.0, 8.0]), state, np.zeros(2))
    step1, state = rule.update(np.array([0.3, -0.4]), state, step0)
    np.testing.assert_allclose(step0, [-0.6, -0.8], rtol=1e-15)  # one rounding
    np.testing.assert_allclose(step1, [-0.45, -0.2], rtol=1e-14)  # a few roundings
    assert state.count == 2


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=6),
    st.floats(1e-3, 1e3),
)
def test_clipped_gradient_never_exceeds_max_norm(values, max_norm):
    grad = np.array(values)
    rule = ls.clip_by_global_norm(ls.gd(1.0), max_norm=max_norm)
    step, _ = rule.update(grad, rule.init(np.zeros_like(grad)), np.zeros_like(grad))
    # Rescaling by max_norm / ||g|| lands on max_norm up to rounding.
    assert np.linalg.norm(step) <= max_norm * (1 + 1e-12)
    if np.linalg.norm(grad) <= max_norm:
        np.testing.assert_array_equal(step, -grad)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6).filter(lambda x: abs(x) > 1e-3), min_size=1, max_size=6))
def test_adam_first_step_has_size_eta_in_every_coordinate(values):
    grad = np.array(values)
    step, _ = ls.adam(0.01).update(grad, ls.adam(0.01).init(np.zeros_like(grad)), 0 * grad)
    # |m_hat / (sqrt(v_hat) + eps)| = |g| / (|g| + eps): within eps/|g| <= 1e-5 of one.
    np.testing.assert_allclose(np.abs(step), 0.01, rtol=1e-5)


def test_clip_passes_grad_fn_through():
    calls = []

    def init(params):
        return ls.GDState(0)

    def update(grad, state, params, grad_fn):
        calls.append(grad_fn(params))
        return -grad, ls.GDState(state.count + 1)

    inner = ls.UpdateRule(init, update, needs_grad_fn=True, name="probe")
    rule = ls.clip_by_global_norm(inner, max_norm=1.0)
    assert rule.needs_grad_fn
    step, _ = rule.update(
        np.array([0.0, 10.0]), rule.init(np.zeros(2)), np.ones(2), lambda t: 7 * t
    )
    np.testing.assert_array_equal(step, [0.0, -1.0])
    np.testing.assert_array_equal(calls[0], [7.0, 7.0])  # grad_fn is not clipped
    assert "needs_grad_fn=True" in repr(rule)


# --------------------------------------------------------------------------------------
# validation


CONSTRUCTORS = {
    "gd": ls.gd,
    "momentum": ls.momentum,
    "nesterov": ls.nesterov,
    "adagrad": ls.adagrad,
    "rmsprop": ls.rmsprop,
    "adam": ls.adam,
    "adamw": ls.adamw,
    "adam_l2": ls.adam_l2,
    "lion": ls.lion,
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
@pytest.mark.parametrize("bad", [0.0, -0.1, float("nan"), float("inf")])
def test_bad_learning_rate_is_rejected(name, bad):
    with pytest.raises(ValueError, match="`learning_rate` must be"):
        CONSTRUCTORS[name](bad)


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
def test_learning_rate_of_the_wrong_type_is_rejected(name):
    with pytest.raises(TypeError, match="`learning_rate` must be a positive float or a schedule"):
        CONSTRUCTORS[name]("0.1")


BAD_HYPERPARAMETERS = [
    ("momentum", {"beta": 1.0}, "`beta` must lie in \\[0, 1\\)"),
    ("momentum", {"beta": -0.1}, "`beta` must lie in \\[0, 1\\)"),
    ("nesterov", {"beta": 1.5}, "`beta` must lie in \\[0, 1\\)"),
    ("rmsprop", {"beta": 1.0}, "`beta` must lie in \\[0, 1\\)"),
    ("rmsprop", {"eps": 0.0}, "`eps` must be positive"),
    ("adagrad", {"eps": -1e-8}, "`eps` must be positive"),
    ("adam", {"beta1": 1.0}, "`beta1` must lie in \\[0, 1\\)"),
    ("adam", {"beta2": -0.5}, "`beta2` must lie in \\[0, 1\\)"),
    ("adam", {"eps": 0.0}, "`eps` must be positive"),
    ("adamw", {"weight_decay": -1e-3}, "`weight_decay` must be non-negative"),
    ("adam_l2", {"weight_decay": -1.0}, "`weight_decay` must be non-negative"),
    ("lion", {"beta1": 1.0}, "`beta1` must lie in \\[0, 1\\)"),
    ("lion", {"beta2": 2.0}, "`beta2` must lie in \\[0, 1\\)"),
    ("lion", {"weight_decay": -0.1}, "`weight_decay` must be non-negative"),
]


@pytest.mark.parametrize(("name", "kwargs", "match"), BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_are_rejected(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        CONSTRUCTORS[name](0.1, **kwargs)


BETA_ARGUMENTS = [
    ("momentum", "beta"),
    ("nesterov", "beta"),
    ("rmsprop", "beta"),
    ("adam", "beta1"),
    ("adam", "beta2"),
    ("adamw", "beta1"),
    ("adamw", "beta2"),
    ("adam_l2", "beta1"),
    ("adam_l2", "beta2"),
    ("lion", "beta1"),
    ("lion", "beta2"),
]


@pytest.mark.parametrize(("name", "argument"), BETA_ARGUMENTS)
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (-0.1, r"must lie in \[0, 1\), got -0.1"),
        (1.0, r"must lie in \[0, 1\), got 1"),
        (1.5, r"must lie in \[0, 1\), got 1.5"),
        (float("nan"), "must be finite, got nan"),
    ],
)
def test_every_beta_outside_the_unit_interval_is_rejected(name, argument, bad, message):
    with pytest.raises(ValueError, match=f"`{argument}` {message}"):
        CONSTRUCTORS[name](0.1, **{argument: bad})


@pytest.mark.parametrize(("name", "argument"), BETA_ARGUMENTS)
@pytest.mark.parametrize("good", [0.0, 0.999])
def test_every_beta_inside_the_unit_interval_is_accepted(name, argument, good):
    # The other side of the threshold: both ends of [0, 1) are valid.
    rule = CONSTRUCTORS[name](0.1, **{argument: good})
    assert rule.hyperparameters[argument] == good


@pytest.mark.parametrize(("name", "argument"), BETA_ARGUMENTS)
def test_a_beta_of_the_wrong_type_is_rejected(name, argument):
    with pytest.raises(TypeError, match=f"`{argument}` must be a real number"):
        CONSTRUCTORS[name](0.1, **{argument: "0.9"})


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam", "adamw", "adam_l2"])
@pytest.mark.parametrize("bad", [0.0, -1e-8])
def test_every_eps_must_be_positive(name, bad):
    with pytest.raises(ValueError, match="`eps` must be positive"):
        CONSTRUCTORS[name](0.1, eps=bad)


def test_boundary_hyperparameters_are_accepted():
    # The other side of each interval: beta = 0 and weight_decay = 0 are valid.
    ls.momentum(0.1, beta=0.0)
    ls.adam(0.1, beta1=0.0, beta2=0.0)
    ls.adamw(0.1, weight_decay=0.0)
    ls.lion(0.1, beta1=0.0, beta2=0.0)


def test_clip_validation():
    for bad in (0.0, -1.0, float("inf")):
        with pytest.raises(ValueError, match="`max_norm` must be"):
            ls.clip_by_global_norm(ls.gd(0.1), max_norm=bad)
    with pytest.raises(TypeError, match="`rule` must be an UpdateRule"):
        ls.clip_by_global_norm(ls.gd, max_norm=1.0)


def test_make_rule_knows_every_update_rule_constructor():
    # Every public function that builds an UpdateRule from hyperparameters (not from
    # another rule, as sam and clip_by_global_norm do) is reachable by name.
    builders = {
        name
        for name in ls.__all__
        if inspect.isfunction(getattr(ls, name))
        and "UpdateRule" in str(inspect.signature(getattr(ls, name)).return_annotation)
        and "rule" not in inspect.signature(getattr(ls, name)).parameters
        and name != "make_rule"
    }
    assert builders == set(optim._RULE_NAMES)


def test_make_rule_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"`name` must be one of 'adagrad', 'adam'.*got 'sgd'"):
        ls.make_rule("sgd", learning_rate=0.1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'momentum'"):
        ls.make_rule("adam", learning_rate=0.1, momentum=0.9)


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
def test_update_rejects_mismatched_shapes(name):
    rule = CONSTRUCTORS[name](0.1)
    state = rule.init(np.zeros(3))
    with pytest.raises(ValueError, match="`grad` and `params` must be 1-D arrays of the same"):
        rule.update(np.zeros(2), state, np.zeros(3))


def test_init_validates_params():
    with pytest.raises(ValueError, match="`params` must contain only finite values"):
        ls.adam(0.1).init(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="`params` must be a 1-D vector"):
        ls.gd(0.1).init(np.zeros((2, 2)))


def test_schedule_values_are_checked_at_run_time():
    rule = ls.gd(lambda count: 0.1 - 0.1 * count)  # negative from count 2 on
    state = rule.init(np.zeros(1))
    _, state = rule.update(np.ones(1), state, np.zeros(1))
    _, state = rule.update(np.ones(1), state, np.zeros(1))  # rate 0 is allowed
    with pytest.raises(ValueError, match=r"finite non-negative values, got -0\.1.* at count 2"):
        rule.update(np.ones(1), state, np.zeros(1))
    rule = ls.gd(lambda count: "fast")
    with pytest.raises(TypeError, match="schedule must return a real number, got str"):
        rule.update(np.ones(1), rule.init(np.zeros(1)), np.zeros(1))


def test_repr_is_compact():
    assert repr(ls.adam(0.1)) == (
        "UpdateRule(adam(learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-08))"
    )
    assert repr(ls.gd(ls.constant(0.5))) == "UpdateRule(gd(learning_rate=constant(value=0.5)))"
    assert repr(ls.gd(np.float64(0.5))) == "UpdateRule(gd(learning_rate=0.5))"
    assert repr(ls.momentum(1)) == "UpdateRule(momentum(learning_rate=1.0, beta=0.9))"


# --------------------------------------------------------------------------------------
# momentum coefficients as schedules


def _path_of(rule, f, theta0, num_steps):
    theta, state = np.array(theta0, dtype=float), rule.init(theta0)
    path = [theta]
    for _ in range(num_steps):
        step, state = rule.update(f.grad(theta), state, theta)
        theta = theta + step
        path.append(theta)
    return np.array(path)


@pytest.mark.parametrize("constructor", [ls.momentum, ls.nesterov])
def test_constant_beta_schedule_equals_float_beta(constructor):
    f, _, _, _ = quadratic([0.5, 2.0, 4.0])
    by_float = _path_of(constructor(0.1, beta=0.7), f, THETA0, 25)
    by_schedule = _path_of(constructor(0.1, beta=ls.constant(0.7)), f, THETA0, 25)
    np.testing.assert_array_equal(by_schedule, by_float)  # the same float operations


def test_heavy_ball_with_a_beta_schedule_matches_the_two_step_form():
    # theta_{t+1} = theta_t - eta g_t + beta_t (theta_t - theta_{t-1}), written directly.
    f, _, _, _ = quadratic([0.5, 2.0, 4.0])
    eta, betas = 0.1, [0.1 * (k % 5) for k in range(30)]
    path = _path_of(ls.momentum(eta, beta=lambda t: betas[t]), f, THETA0, 30)
    previous, theta = THETA0.copy(), THETA0.copy()
    for t in range(30):
        previous, theta = theta, theta - eta * f.grad(theta) + betas[t] * (theta - previous)
        # Different association of the same sums: agreement to rounding.
        np.testing.assert_allclose(path[t + 1], theta, rtol=1e-12, atol=1e-14)


def test_nesterov_with_a_beta_schedule_matches_the_classical_form():
    # x_{t+1} = y_t - eta grad f(y_t), y_{t+1} = x_{t+1} + beta_t (x_{t+1} - x_t), x_0 = y_0.
    f, _, _, _ = quadratic([0.5, 2.0, 4.0])
    eta = 0.2
    path = _path_of(ls.nesterov(eta, beta=lambda t: t / (t + 3)), f, THETA0, 40)
    x, y = THETA0.copy(), THETA0.copy()
    for t in range(40):
        x_new = y - eta * f.grad(y)
        x, y = x_new, x_new + t / (t + 3) * (x_new - x)
        np.testing.assert_allclose(path[t + 1], y, rtol=1e-12, atol=1e-14)  # rounding only


def test_nesterov_convex_schedule_meets_the_o_one_over_t_squared_bound():
    # f = 0.5 sum_i lam_i x_i^2 with lam spread from 1e-8 to 1 (no usable strong
    # convexity), x* = 0, x_0 = ones: f(x_t) <= 2 ||x_0||^2 / (eta (t + 1)^2) with
    # eta = 1/L, where x_{t+1} = theta_t - eta grad f(theta_t) is the gradient-step sequence.
    lams = np.geomspace(1e-8, 1.0, 40)
    f = ls.from_function(lambda x: 0.5 * float(lams @ x**2), 40, grad=lambda x: lams * x)
    eta, x0, num_steps = 1.0 / lams[-1], np.ones(40), 400
    traj = ls.minimize(f, x0, ls.nesterov(eta, beta=lambda t: t / (t + 3)), num_steps)
    x = traj.params[:-1] - eta * lams * traj.params[:-1]
    gaps = 0.5 * (x**2) @ lams
    t = np.arange(1, num_steps + 1)
    bound = 2.0 * float(x0 @ x0) / (eta * (t + 1.0) ** 2)
    assert np.all(gaps <= bound), float(np.max(gaps / bound))
    # Not vacuous: plain GD, whose loss decays like 1/t here, breaks the same bound.
    gd = ls.minimize(f, x0, ls.gd(eta), num_steps, record_every=num_steps)
    assert gd.final_loss > bound[-1], (gd.final_loss, bound[-1])


@pytest.mark.parametrize("constructor", [ls.momentum, ls.nesterov])
@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (1.0, ValueError, r"`beta` schedule must return values in \[0, 1\), got 1.0 at count"),
        (-0.1, ValueError, "`beta` schedule must return finite non-negative values"),
        (float("nan"), ValueError, "`beta` schedule must return finite non-negative values"),
        (None, TypeError, "`beta` schedule must return a real number"),
    ],
)
def test_bad_beta_schedule_values_are_rejected_when_used(constructor, value, error, match):
    rule = constructor(0.1, beta=lambda t: value)  # accepted: checked at each update
    with pytest.raises(error, match=match):
        # Nesterov evaluates beta_t already in its first update.
        state = rule.init(THETA0)
        _, state = rule.update(G0, state, THETA0)
        rule.update(G1, state, THETA0)


def test_beta_schedule_values_in_range_are_accepted():
    # The other side: 0 and values just below 1 pass.
    for constructor in (ls.momentum, ls.nesterov):
        path = _path_of(
            constructor(0.01, beta=lambda t: 0.0 if t == 0 else 0.999),
            ls.from_function(lambda x: float(x @ x), 3, grad=lambda x: 2 * x),
            THETA0,
            3,
        )
        assert np.all(np.isfinite(path))
