"""The loops: records against a hand-written loop, divergence as data, mini-batches, protocols."""

from __future__ import annotations

import math

import numpy as np
import pytest

import landscape as ls


class LeastSquares(ls.Objective):
    """f(theta) = mean_i (x_i . theta - y_i)^2 / 2, with the mini-batch protocol."""

    def __init__(self, x, y, log=None):
        self.x, self.y = np.asarray(x, float), np.asarray(y, float)
        self.dim, self.num_samples, self.name = self.x.shape[1], self.x.shape[0], "lsq"
        self.log = log

    def value(self, theta):
        r = self.x @ theta - self.y
        return float(0.5 * np.mean(r**2))

    def grad(self, theta):
        return self.x.T @ (self.x @ theta - self.y) / self.num_samples

    def subset(self, indices):
        if self.log is not None:
            self.log.append(np.array(indices))
        return LeastSquares(self.x[indices], self.y[indices])


class JointLeastSquares(LeastSquares):
    """The same objective, with value_and_grad and call counters."""

    def __init__(self, x, y):
        super().__init__(x, y)
        self.calls = {"value": 0, "grad": 0, "joint": 0}

    def value(self, theta):
        self.calls["value"] += 1
        return super().value(theta)

    def grad(self, theta):
        self.calls["grad"] += 1
        return super().grad(theta)

    def value_and_grad(self, theta):
        self.calls["joint"] += 1
        return LeastSquares.value(self, theta), LeastSquares.grad(self, theta)


def regression(n=48, d=3, noise=0.1, rng=0):
    gen = np.random.default_rng(rng)
    x = gen.standard_normal((n, d))
    theta_true = gen.standard_normal(d)
    y = x @ theta_true + noise * gen.standard_normal(n)
    return x, y


def lsq(n=48, d=3, rng=0, log=None):
    x, y = regression(n, d, rng=rng)
    return LeastSquares(x, y, log=log)


def manual_gd(f, theta0, eta, num_steps):
    thetas = [np.asarray(theta0, float)]
    for _ in range(num_steps):
        thetas.append(thetas[-1] - eta * f.grad(thetas[-1]))
    return np.array(thetas)


# --------------------------------------------------------------------------------------
# records


def test_minimize_records_match_a_hand_written_loop():
    f = lsq()
    theta0 = np.zeros(3)
    traj = ls.minimize(f, theta0, ls.gd(0.1), 25)
    expected = manual_gd(f, theta0, 0.1, 25)
    np.testing.assert_array_equal(traj.steps, np.arange(26))
    np.testing.assert_allclose(traj.params, expected, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(traj.losses, [f.value(t) for t in expected], rtol=1e-13)
    grad_norms = [np.linalg.norm(f.grad(t)) for t in expected]
    np.testing.assert_allclose(traj.grad_norms, grad_norms, rtol=1e-13)
    np.testing.assert_allclose(traj.update_norms[:-1], 0.1 * np.array(grad_norms[:-1]), rtol=1e-13)
    assert np.isnan(traj.update_norms[-1])  # no update follows the last record
    np.testing.assert_array_equal(traj.learning_rates, 0.1)
    np.testing.assert_array_equal(traj.final_params, traj.params[-1])
    assert traj.stop_reason == "num_steps" and not traj.diverged and not traj.converged
    assert traj.num_grad_evals == 26 and traj.num_value_evals == 0
    assert traj.batch_losses is None and dict(traj.eval_losses) == {}
    assert traj.rule_name == "gd"
    assert len(traj) == 26


@pytest.mark.parametrize(
    ("num_steps", "record_every", "steps"),
    [(10, 4, [0, 4, 8, 10]), (12, 4, [0, 4, 8, 12]), (3, 10, [0, 3]), (0, 1, [0])],
)
def test_record_every_keeps_first_and_last(num_steps, record_every, steps):
    f = lsq()
    traj = ls.minimize(f, np.ones(3), ls.gd(0.1), num_steps, record_every=record_every)
    np.testing.assert_array_equal(traj.steps, steps)
    expected = manual_gd(f, np.ones(3), 0.1, num_steps)[steps]
    np.testing.assert_allclose(traj.params, expected, rtol=1e-14)
    assert traj.num_grad_evals == num_steps + 1


def test_learning_rates_follow_the_schedule():
    schedule = ls.cosine_decay(0.2, decay_steps=10)
    traj = ls.minimize(lsq(), np.zeros(3), ls.adam(schedule), 10, record_every=3)
    np.testing.assert_allclose(traj.learning_rates, schedule(traj.steps), rtol=1e-15)


def test_rule_without_schedule_records_nan_rates():
    rule = ls.UpdateRule(lambda p: ls.GDState(0), lambda g, s, p: (-0.1 * g, s))
    traj = ls.minimize(lsq(), np.zeros(3), rule, 3)
    assert np.all(np.isnan(traj.learning_rates))
    assert traj.rule_name == "custom"


def test_trajectory_is_read_only_and_inputs_are_untouched():
    theta0 = np.array([0.5, -0.5, 1.0])
    traj = ls.minimize(lsq(), theta0, ls.momentum(0.1), 5)
    np.testing.assert_array_equal(theta0, [0.5, -0.5, 1.0])
    for arr in (traj.params, traj.losses, traj.steps, traj.final_params, traj.grad_norms):
        assert not arr.flags.writeable
    with pytest.raises(AttributeError):
        traj.stop_reason = "tol"
    assert repr(traj) == (
        "Trajectory(rule='momentum', records=6, last_step=5, "
        f"final_loss={traj.final_loss:.4g}, stop_reason='num_steps', num_grad_evals=6)"
    )


def test_record_params_off_keeps_the_final_params():
    f = lsq()
    traj = ls.train(f, np.zeros(3), ls.gd(0.1), 7, record_params=False)
    assert traj.params is None
    np.testing.assert_allclose(traj.final_params, manual_gd(f, np.zeros(3), 0.1, 7)[-1])
    assert ls.minimize(f, np.zeros(3), ls.gd(0.1), 7, record_params=False).params is None


def test_value_and_grad_is_used_when_available():
    x, y = regression()
    f = JointLeastSquares(x, y)
    traj = ls.minimize(f, np.zeros(3), ls.gd(0.1), 9)
    assert f.calls == {"value": 0, "grad": 0, "joint": 10}
    assert traj.num_grad_evals == 10


# --------------------------------------------------------------------------------------
# divergence is data


def _bowl(d=2):
    return ls.from_function(lambda t: 0.5 * float(t @ t), d, grad=lambda t: t.copy())


def test_divergence_stops_at_the_first_non_finite_loss():
    # eta = 3 on curvature 1: theta is multiplied by -2 each step, so the loss at step t
    # is 0.5 * 2 * 4^t = 2^(2t): finite up to t = 511, inf at t = 512 (2^1024 overflows).
    traj = ls.minimize(_bowl(), [1.0, 1.0], ls.gd(3.0), 5000, record_every=100)
    assert traj.diverged and traj.stop_reason == "diverged"
    assert not np.isfinite(traj.losses[-1])
    assert np.all(np.isfinite(traj.losses[:-1]))
    last = int(traj.steps[-1])
    assert last % 100 != 0  # recorded although it is not a multiple of record_every
    assert last == math.ceil(math.log2(np.finfo(float).max) / 2)
    assert traj.losses[-2] == 2.0 ** (2 * 500)  # the record before: exact powers of two
    assert traj.num_grad_evals == last + 1


@pytest.mark.parametrize(("threshold", "diverged"), [(1e3, True), (1e9, False)])
def test_divergence_threshold_both_sides(threshold, diverged):
    # eta = 2.2: the loss grows by 1.44 per step, from 1 to 1.44^30 = 5.6e4 in 30 steps.
    traj = ls.minimize(_bowl(), [1.0, 1.0], ls.gd(2.2), 30, divergence_threshold=threshold)
    assert traj.diverged == diverged
    if diverged:
        assert traj.losses[-1] > threshold >= traj.losses[-2]
        assert int(traj.steps[-1]) == math.ceil(math.log(threshold) / math.log(1.44))
    else:
        assert traj.losses[-1] == pytest.approx(1.44**30, rel=1e-10)  # exact powers


def test_divergence_in_the_parameters_is_caught():
    def update(grad, state, params):
        return np.full_like(params, 1e308) * 10, state  # overflows to inf

    rule = ls.UpdateRule(lambda p: ls.GDState(0), update, name="blowup")
    traj = ls.minimize(_bowl(), [1.0, 1.0], rule, 5)
    assert traj.diverged
    np.testing.assert_array_equal(traj.steps, [0, 1])
    assert np.isnan(traj.losses[-1]) and np.isnan(traj.grad_norms[-1])
    assert traj.num_grad_evals == 1  # nothing is evaluated at a non-finite point
    assert not np.all(np.isfinite(traj.final_params))


def test_floating_point_exceptions_of_the_objective_count_as_divergence():
    # math.exp raises OverflowError above ~709.78 (numpy would return inf instead).
    f = ls.from_function(lambda t: math.exp(t[0]), 1, grad=lambda t: np.array([math.exp(t[0])]))
    rule = ls.UpdateRule(lambda p: ls.GDState(0), lambda g, s, p: (np.ones(1), s))  # uphill
    traj = ls.minimize(f, [707.5], rule, 5)
    assert traj.diverged
    np.testing.assert_array_equal(traj.steps, [0, 1, 2, 3])
    assert np.isnan(traj.losses[-1]) and np.isfinite(traj.losses[-2])


# --------------------------------------------------------------------------------------
# stopping


@pytest.mark.parametrize(("tol", "converged"), [(1e-6, True), (1e-30, False)])
def test_tol_both_sides(tol, converged):
    f = lsq()
    traj = ls.minimize(f, np.zeros(3), ls.gd(0.5), 300, tol=tol)
    assert traj.converged == converged
    if converged:
        assert traj.grad_norms[-1] <= tol < traj.grad_norms[-2]
        assert np.isnan(traj.update_norms[-1])
    else:
        assert traj.stop_reason == "num_steps"


def test_callback_sees_each_record_and_can_stop():
    seen = []

    def callback(info):
        seen.append(info)
        with pytest.raises(ValueError, match="read-only"):
            info.params[0] = 1.0
        return info.step >= 6

    f = lsq()
    traj = ls.minimize(f, np.zeros(3), ls.adam(0.1), 20, record_every=3, callback=callback)
    assert [info.step for info in seen] == [0, 3, 6]
    assert traj.stop_reason == "callback"
    np.testing.assert_array_equal(traj.steps, [0, 3, 6])
    np.testing.assert_array_equal(traj.final_params, seen[-1].params)
    assert all(isinstance(info.state, ls.AdamState) for info in seen)
    assert seen[1].state.count == 3
    assert seen[1].loss == traj.losses[1]
    np.testing.assert_allclose(seen[1].grad, f.grad(traj.params[1]), rtol=1e-14)
    assert seen[1].learning_rate == 0.1


def test_callback_return_values_other_than_true_are_ignored():
    for answer in (1.5, "stop", np.array([1.0]), None, False, np.False_):
        traj = ls.minimize(lsq(), np.zeros(3), ls.gd(0.1), 4, callback=lambda info, a=answer: a)
        assert traj.stop_reason == "num_steps", answer
    traj = ls.minimize(lsq(), np.zeros(3), ls.gd(0.1), 4, callback=lambda info: np.True_)
    assert traj.stop_reason == "callback"


def test_a_step_of_the_wrong_shape_is_reported():
    rule = ls.UpdateRule(lambda p: ls.GDState(0), lambda g, s, p: (np.zeros(2), s))
    with pytest.raises(ValueError, match=r"`rule.update` must return a step of shape \(3,\)"):
        ls.minimize(lsq(), np.zeros(3), rule, 2)


# --------------------------------------------------------------------------------------
# the grad_fn protocol (as sharpness-aware minimization will use it)


def sam_like(eta, rho):
    def init(params):
        return ls.GDState(0)

    def update(grad, state, params, grad_fn):
        ascent = params + rho * grad / np.linalg.norm(grad)
        return -eta * grad_fn(ascent), ls.GDState(state.count + 1)

    return ls.UpdateRule(init, update, needs_grad_fn=True, learning_rate=ls.constant(eta))


def test_grad_fn_rules_full_batch():
    f = lsq()
    traj = ls.minimize(f, np.ones(3), sam_like(0.1, 0.05), 8)
    theta = np.ones(3)
    for _ in range(8):
        g = f.grad(theta)
        theta = theta - 0.1 * f.grad(theta + 0.05 * g / np.linalg.norm(g))
    np.testing.assert_allclose(traj.final_params, theta, rtol=1e-13)
    assert traj.num_grad_evals == 2 * 8 + 1


def test_grad_fn_uses_the_same_mini_batch():
    f = lsq()
    checks = []

    def update(grad, state, params, grad_fn):
        checks.append(np.array_equal(grad_fn(params), grad))
        return -0.1 * grad, ls.GDState(state.count + 1)

    rule = ls.UpdateRule(lambda p: ls.GDState(0), update, needs_grad_fn=True)
    traj = ls.train(f, np.ones(3), rule, 10, batch_size=4, rng=1)
    assert len(checks) == 10 and all(checks)
    assert traj.num_grad_evals == 20


# --------------------------------------------------------------------------------------
# mini-batches


def test_each_epoch_visits_every_sample_once():
    log = []
    f = lsq(n=12, log=log)
    ls.train(f, np.zeros(3), ls.gd(0.01), 9, batch_size=4, rng=0)
    assert len(log) == 9
    assert all(batch.shape == (4,) for batch in log)
    for epoch in range(3):
        seen = np.concatenate(log[3 * epoch : 3 * epoch + 3])
        np.testing.assert_array_equal(np.sort(seen), np.arange(12))
    assert not np.array_equal(log[0], log[3])  # reshuffled between epochs


def test_the_remainder_of_an_epoch_is_dropped():
    log = []
    f = lsq(n=10, log=log)
    ls.train(f, np.zeros(3), ls.gd(0.01), 6, batch_size=4, rng=0)
    for epoch in range(3):  # 10 // 4 = 2 batches per epoch
        seen = np.concatenate(log[2 * epoch : 2 * epoch + 2])
        assert len(np.unique(seen)) == 8


def test_seeds_make_runs_reproducible():
    f = lsq()
    a = ls.train(f, np.zeros(3), ls.gd(0.05), 20, batch_size=5, rng=3)
    b = ls.train(f, np.zeros(3), ls.gd(0.05), 20, batch_size=5, rng=np.random.default_rng(3))
    c = ls.train(f, np.zeros(3), ls.gd(0.05), 20, batch_size=5, rng=4)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)


def test_mini_batch_records():
    f = lsq()
    traj = ls.train(f, np.zeros(3), ls.gd(0.05), 10, batch_size=8, record_every=5, rng=0)
    np.testing.assert_array_equal(traj.steps, [0, 5, 10])
    # losses are full training losses at the recorded parameters
    np.testing.assert_allclose(traj.losses, [f.value(t) for t in traj.params], rtol=1e-14)
    assert np.all(np.isfinite(traj.batch_losses[:-1])) and np.isnan(traj.batch_losses[-1])
    assert np.isnan(traj.grad_norms[-1])
    assert not np.allclose(traj.batch_losses[:-1], traj.losses[:-1])  # batches are noisy
    assert traj.num_grad_evals == 10
    assert traj.num_value_evals == 3  # one full loss per record


def test_full_batch_via_subsets_equals_full_batch():
    # batch_size = num_samples: every batch is the whole (shuffled) data set.
    f = lsq(n=16)
    full = ls.train(f, np.zeros(3), ls.gd(0.1), 10)
    batched = ls.train(f, np.zeros(3), ls.gd(0.1), 10, batch_size=16)
    # The order of summation differs: rounding only.
    np.testing.assert_allclose(batched.params, full.params, rtol=1e-12, atol=1e-14)


def test_sgd_with_a_decaying_rate_finds_the_least_squares_solution():
    x, y = regression(n=200, d=3, noise=0.5, rng=2)
    f = LeastSquares(x, y)
    solution = np.linalg.lstsq(x, y, rcond=None)[0]
    constant = ls.train(f, np.zeros(3), ls.gd(0.2), 2000, batch_size=5, record_every=500)
    decayed = ls.train(
        f, np.zeros(3), ls.gd(ls.cosine_decay(0.2, 2000)), 2000, batch_size=5, record_every=500
    )
    error_constant = np.linalg.norm(constant.final_params - solution)
    error_decayed = np.linalg.norm(decayed.final_params - solution)
    # Constant-rate SGD keeps a noise floor ~sqrt(eta * noise^2 / b); decaying the rate
    # removes most of it.
    assert error_decayed < 0.02, f"decayed: {error_decayed:.3g}"
    assert error_constant > 2 * error_decayed, f"{error_constant:.3g} vs {error_decayed:.3g}"


def test_columns_of_a_mini_batch_run():
    traj = ls.train(
        lsq(),
        np.zeros(3),
        ls.gd(0.1),
        6,
        batch_size=8,
        record_every=3,
        eval_objectives={"test": lsq(rng=1)},
    )
    columns = traj.as_columns()
    assert list(columns) == [
        "step",
        "loss",
        "grad_norm",
        "update_norm",
        "learning_rate",
        "batch_loss",
        "test_loss",
    ]
    assert all(values.shape == (3,) for values in columns.values())
    np.testing.assert_array_equal(columns["test_loss"], traj.eval_losses["test"])


def test_eval_objectives_are_recorded():
    train_f, test_f = lsq(rng=0), lsq(rng=1)
    traj = ls.train(
        train_f, np.zeros(3), ls.gd(0.1), 12, record_every=4, eval_objectives={"test": test_f}
    )
    assert list(traj.eval_losses) == ["test"]
    np.testing.assert_allclose(
        traj.eval_losses["test"], [test_f.value(t) for t in traj.params], rtol=1e-14
    )


def test_train_with_tol_full_batch():
    traj = ls.train(lsq(), np.zeros(3), ls.gd(0.5), 500, tol=1e-8)
    assert traj.converged


# --------------------------------------------------------------------------------------
# validation


def test_loop_validation():
    f = lsq()
    theta0 = np.zeros(3)
    rule = ls.gd(0.1)
    cases = [
        (lambda: ls.minimize(object(), theta0, rule, 3), TypeError, "must provide value/grad"),
        (
            lambda: ls.minimize(ls.from_function(lambda t: 0.0, 1), [0.0], ls.gd, 3),
            TypeError,
            "`rule` must be an UpdateRule",
        ),
        (lambda: ls.minimize(f, np.zeros(2), rule, 3), ValueError, "`theta0` must have length 3"),
        (lambda: ls.minimize(f, theta0, rule, -1), ValueError, "`num_steps` must be an integer"),
        (lambda: ls.minimize(f, theta0, rule, 2.5), TypeError, "`num_steps` must be an integer"),
        (
            lambda: ls.minimize(f, theta0, rule, 3, record_every=0),
            ValueError,
            "`record_every` must be an integer >= 1",
        ),
        (lambda: ls.minimize(f, theta0, rule, 3, tol=0.0), ValueError, "`tol` must be positive"),
        (
            lambda: ls.minimize(f, theta0, rule, 3, divergence_threshold=-1.0),
            ValueError,
            "`divergence_threshold` must be positive",
        ),
        (
            lambda: ls.minimize(f, theta0, rule, 3, callback=1),
            TypeError,
            "`callback` must be callable",
        ),
        (
            lambda: ls.train(f, theta0, rule, 3, eval_objectives={1: f}),
            TypeError,
            "`eval_objectives` keys must be strings",
        ),
        (
            lambda: ls.train(f, theta0, rule, 3, eval_objectives={"test": lsq(d=2)}),
            ValueError,
            r"`eval_objectives\['test'\]` must have dim 3",
        ),
        (
            lambda: ls.train(f, theta0, rule, 3, eval_objectives={"test": 1}),
            TypeError,
            r"`eval_objectives\['test'\]` must provide value/grad",
        ),
        (
            lambda: ls.train(_bowl(3), theta0, rule, 3, batch_size=2),
            TypeError,
            "mini-batch training needs an objective with `num_samples`",
        ),
        (
            lambda: ls.train(f, theta0, rule, 3, batch_size=49),
            ValueError,
            r"`batch_size` must not exceed the objective's num_samples \(48\)",
        ),
        (
            lambda: ls.train(f, theta0, rule, 3, batch_size=0),
            ValueError,
            "`batch_size` must be an integer >= 1",
        ),
        (
            lambda: ls.train(f, theta0, rule, 3, batch_size=4, tol=1e-3),
            ValueError,
            "`tol` needs full-batch gradients",
        ),
        (
            lambda: ls.train(f, theta0, rule, 3, batch_size=4, rng="seed"),
            TypeError,
            "`rng` must be an int seed",
        ),
    ]
    for call, error, match in cases:
        with pytest.raises(error, match=match):
            call()


def test_objective_dim_is_checked():
    class NoDim:
        def value(self, theta):
            return 0.0

        def grad(self, theta):
            return theta

    with pytest.raises(TypeError, match="`objective` must have a positive integer `dim`"):
        ls.minimize(NoDim(), [0.0], ls.gd(0.1), 2)
