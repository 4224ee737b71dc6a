"""track_sharpness and SharpnessTrace: values against known Hessians and dense references,
costs, records, and every validation error. The edge-of-stability band on a network is
tested in tests/test_stability.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

import landscape as ls


def quadratic(eigenvalues, rng=0):
    return ls.Quadratic(eigenvalues=eigenvalues, rng=rng)


@pytest.fixture(scope="module")
def network():
    """A small MSE network on one-hot targets (d = 83): dense Hessians are cheap."""
    data = ls.gaussian_blobs(40, num_classes=3, dim=4, spread=1.0, rng=0)
    f = ls.mlp_objective(ls.MLP((4, 8, 3), "tanh"), data.X, np.eye(3)[data.y])
    return f, f.mlp.init(rng=0, scheme="lecun")


# --------------------------------------------------------------------------------------
# values


@pytest.mark.parametrize("k", [1, 2, 3])
def test_quadratic_sharpness_is_its_top_eigenvalues(k):
    lams = [0.5, 1.0, 3.0, 7.0, 9.0]
    f = quadratic(lams)
    trace = ls.track_sharpness(f, np.ones(5), ls.gd(0.1), 30, sharpness_every=10, num_eigenvalues=k)
    np.testing.assert_array_equal(trace.steps, [0, 10, 20, 30])
    expected = np.tile(np.sort(lams)[::-1][:k], (4, 1))
    # Lanczos at tol 1e-6 on a 5 x 5 operator: converged to rounding
    np.testing.assert_allclose(trace.eigenvalues, expected, rtol=1e-10)
    np.testing.assert_array_equal(trace.sharpness, trace.eigenvalues[:, 0])
    np.testing.assert_allclose(trace.thresholds, 20.0, rtol=1e-12)  # 2 / 0.1, rounding
    np.testing.assert_allclose(trace.ratios, 0.45, rtol=1e-10)
    assert trace.converged.all()
    assert trace.eigenvalues.shape == (4, k)


def test_network_sharpness_matches_dense_hessian(network):
    f, theta0 = network
    rule = ls.gd(0.5)
    trace = ls.track_sharpness(f, theta0, rule, 60, sharpness_every=20, num_eigenvalues=2)
    params = ls.train(f, theta0, rule, 60, record_every=20).params
    dense = np.array([np.linalg.eigvalsh(f.hessian(p))[::-1][:2] for p in params])
    # tol 1e-6 on residuals: eigenvalue errors ~ residual^2 / gap, far below 1e-8
    np.testing.assert_allclose(trace.eigenvalues, dense, rtol=1e-8)


def test_tracking_does_not_change_the_run(network):
    f, theta0 = network
    for batch_size in (None, 8):
        rule = ls.momentum(0.3, beta=0.5)
        plain = ls.train(f, theta0, rule, 50, batch_size=batch_size, rng=3)
        trace = ls.track_sharpness(
            f, theta0, rule, 50, batch_size=batch_size, rng=3, sharpness_every=10
        )
        np.testing.assert_array_equal(trace.trajectory.losses, plain.losses)
        np.testing.assert_array_equal(trace.trajectory.final_params, plain.final_params)
        np.testing.assert_array_equal(trace.losses, plain.losses[::10])


def test_warm_and_cold_starts_agree_and_costs_are_counted(network):
    f, theta0 = network
    trace = ls.track_sharpness(
        f, theta0, ls.gd(0.5), 200, sharpness_every=20, compare_cold_start=True
    )
    cold = ls.track_sharpness(f, theta0, ls.gd(0.5), 200, sharpness_every=20, warm_start=False)
    # both solves converge to residual 1e-6 relative: eigenvalues agree far closer
    np.testing.assert_allclose(trace.cold_sharpness, trace.sharpness, rtol=1e-9)
    np.testing.assert_allclose(cold.sharpness, trace.sharpness, rtol=1e-9)
    assert trace.num_matvecs == int(trace.matvecs.sum())
    assert np.all(trace.matvecs > 0) and np.all(trace.cold_matvecs > 0)
    # the first solve is cold in both cases
    assert trace.matvecs[0] == cold.matvecs[0]
    assert trace.cold_matvecs.shape == trace.matvecs.shape


def test_products_are_counted_by_the_objective():
    class Counting(ls.Quadratic):
        calls = 0

        def hvp(self, theta, v):
            Counting.calls += 1
            return super().hvp(theta, v)

    f = Counting(eigenvalues=[1.0, 2.0, 3.0, 4.0], rng=0)
    trace = ls.track_sharpness(f, np.ones(4), ls.gd(0.1), 10, sharpness_every=5)
    assert Counting.calls == trace.num_matvecs > 0


def test_adam_preconditioned_sharpness_matches_dense_reference(network):
    f, theta0 = network
    rule = ls.adam(0.01, beta1=0.9, beta2=0.99, eps=1e-8)
    trace = ls.track_sharpness(f, theta0, rule, 40, sharpness_every=20)
    assert trace.preconditioned
    assert math.isnan(trace.sharpness[0]) and trace.matvecs[0] == 0
    states = {}
    ls.train(
        f,
        theta0,
        rule,
        40,
        record_every=20,
        callback=lambda info: states.__setitem__(info.step, (np.array(info.params), info.state)),
    )
    for row, step in enumerate(trace.steps[1:], start=1):
        theta, state = states[step]
        c = state.count
        p = (1 - 0.9**c) * (np.sqrt(state.v / (1 - 0.99**c)) + 1e-8)
        # P^{-1} H is not symmetric: its eigenvalues from the general solver
        top = np.max(np.linalg.eigvals(f.hessian(theta) / p[:, None]).real)
        assert trace.sharpness[row] == pytest.approx(top, rel=1e-7)  # nonsymmetric eig
    np.testing.assert_allclose(trace.thresholds, 38 / 0.01, rtol=1e-12)  # rounding


def test_adam_raw_sharpness_has_no_threshold(network):
    f, theta0 = network
    trace = ls.track_sharpness(
        f, theta0, ls.adam(0.01), 20, sharpness_every=10, preconditioned=False
    )
    assert not trace.preconditioned
    assert np.all(np.isfinite(trace.sharpness))
    assert np.all(np.isnan(trace.thresholds)) and math.isnan(trace.tail_ratio())
    assert trace.first_crossing() is None
    assert "lambda_max" in trace.as_columns()


def test_rule_without_threshold_is_tracked_with_nan_thresholds():
    f = quadratic([1.0, 2.0, 3.0])
    trace = ls.track_sharpness(f, np.ones(3), ls.rmsprop(0.01), 10, sharpness_every=5)
    np.testing.assert_allclose(trace.sharpness, 3.0, rtol=1e-10)  # converged Lanczos
    assert np.all(np.isnan(trace.thresholds))


def test_warmup_thresholds_follow_the_schedule():
    f = quadratic([1.0, 2.0, 3.0])
    rule = ls.gd(ls.linear_warmup(0.2, warmup_steps=20))
    trace = ls.track_sharpness(f, np.ones(3), rule, 30, sharpness_every=5)
    expected = [ls.stability_threshold(rule, int(s)) for s in trace.steps]
    np.testing.assert_array_equal(trace.thresholds, expected)
    assert trace.thresholds[0] == math.inf and trace.ratios[0] == 0.0
    np.testing.assert_allclose(trace.learning_rates, [rule.learning_rate(s) for s in trace.steps])


def test_last_step_is_measured_and_records_align():
    f = quadratic([1.0, 2.0, 3.0])
    trace = ls.track_sharpness(f, np.ones(3), ls.gd(0.1), 23, sharpness_every=10, record_every=5)
    np.testing.assert_array_equal(trace.steps, [0, 10, 20, 23])
    np.testing.assert_array_equal(trace.trajectory.steps, [0, 5, 10, 15, 20, 23])
    for name, column in trace.as_columns().items():
        assert column.shape == (4,), name
    assert not trace.steps.flags.writeable and not trace.sharpness.flags.writeable


def test_divergent_run_stops_and_keeps_its_records():
    f = quadratic([1.0, 2.0, 10.0])
    trace = ls.track_sharpness(f, np.ones(3), ls.gd(0.5), 2000, sharpness_every=10)
    assert trace.trajectory.diverged
    assert trace.steps[-1] < 2000
    np.testing.assert_allclose(trace.ratios, 2.5, rtol=1e-10)  # 10 / (2 / 0.5)


def test_inputs_are_not_modified(network):
    f, theta0 = network
    before = theta0.copy()
    ls.track_sharpness(f, theta0, ls.gd(0.5), 10, sharpness_every=5)
    np.testing.assert_array_equal(theta0, before)


# --------------------------------------------------------------------------------------
# record methods


@pytest.fixture(scope="module")
def ramp():
    """A trace whose ratios rise 0.25, 0.5, ..., by a curvature that grows with theta[0]."""

    class Ramp(ls.Objective):
        dim, name = 2, "ramp"

        def value(self, theta):
            return float(-theta[0] + theta[1] ** 2)

        def grad(self, theta):
            return np.array([-1.0, 2.0 * theta[1]])

        def hvp(self, theta, v):
            return np.array([0.0, (2.0 + 2.0 * theta[0]) * v[1]])

    # eta = 0.5: threshold 4, theta[0] = t / 2 after t steps, curvature 2 + t
    return ls.track_sharpness(Ramp(), [0.0, 0.0], ls.gd(0.5), 6, sharpness_every=1)


def test_ratios_tail_and_crossing(ramp):
    np.testing.assert_allclose(ramp.sharpness, 2.0 + np.arange(7), rtol=1e-12)  # exact
    np.testing.assert_allclose(ramp.ratios, (2.0 + np.arange(7)) / 4.0, rtol=1e-12)
    # last half: steps 3..6, ratios 5/4 .. 8/4
    assert ramp.tail_ratio(0.5) == pytest.approx(6.5 / 4.0, rel=1e-12)
    assert ramp.tail_ratio(1.0) == pytest.approx(5.0 / 4.0, rel=1e-12)
    assert ramp.first_crossing() == 2
    assert ramp.first_crossing(1.5) == 4
    assert ramp.first_crossing(3.0) is None
    text = repr(ramp)
    assert text.startswith("SharpnessTrace(rule='gd', records=7, last_step=6")
    assert "tail_ratio=1.625" in text


def test_record_method_errors(ramp):
    with pytest.raises(ValueError, match=r"`fraction` must lie in \(0, 1\]"):
        ramp.tail_ratio(1.5)
    with pytest.raises(ValueError, match="`fraction` must be positive"):
        ramp.tail_ratio(0.0)
    with pytest.raises(TypeError, match="`fraction` must be a real number"):
        ramp.tail_ratio("half")
    with pytest.raises(ValueError, match="`level` must be positive"):
        ramp.first_crossing(-1.0)


def test_empty_trace():
    # a run that is already non-finite at step 0 records nothing
    f = ls.from_function(lambda t: float("inf"), 2, grad=lambda t: np.zeros(2), hvp=lambda t, v: v)
    trace = ls.track_sharpness(f, [0.0, 0.0], ls.gd(0.1), 5, sharpness_every=1)
    assert trace.steps.size == 0 and trace.eigenvalues.shape == (0, 1)
    assert math.isnan(trace.tail_ratio()) and trace.first_crossing() is None
    assert repr(trace) == "SharpnessTrace(rule='gd', records=0)"


def test_more_eigenvalues_give_more_columns():
    trace = ls.track_sharpness(
        quadratic([1.0, 2.0, 3.0]), np.ones(3), ls.gd(0.1), 2, num_eigenvalues=2
    )
    assert list(trace.as_columns())[-1] == "lambda_2"


# --------------------------------------------------------------------------------------
# validation


def test_errors(network):
    f, theta0 = network
    no_hvp = type("NoHvp", (), {"dim": 2, "value": lambda s, t: 0.0})()
    with pytest.raises(TypeError, match="`objective` must provide hvp"):
        ls.track_sharpness(no_hvp, [0.0, 0.0], ls.gd(0.1), 5)
    with pytest.raises(TypeError, match="`rule` must be an UpdateRule"):
        ls.track_sharpness(f, theta0, 0.1, 5)
    with pytest.raises(ValueError, match="must be a multiple of `record_every`"):
        ls.track_sharpness(f, theta0, ls.gd(0.1), 5, sharpness_every=10, record_every=3)
    with pytest.raises(ValueError, match="`sharpness_every` must be an integer >= 1"):
        ls.track_sharpness(f, theta0, ls.gd(0.1), 5, sharpness_every=0)
    with pytest.raises(ValueError, match="`num_eigenvalues` must be smaller than"):
        ls.track_sharpness(f, theta0, ls.gd(0.1), 5, num_eigenvalues=f.dim)
    with pytest.raises(ValueError, match="`preconditioned=True` needs an Adam rule"):
        ls.track_sharpness(f, theta0, ls.gd(0.1), 5, preconditioned=True)
    with pytest.raises(TypeError, match="`preconditioned` must be True or False"):
        ls.track_sharpness(f, theta0, ls.adam(0.1), 5, preconditioned="yes")
    with pytest.raises(TypeError, match="`warm_start` must be True or False"):
        ls.track_sharpness(f, theta0, ls.gd(0.1), 5, warm_start=1)
    with pytest.raises(TypeError, match="`compare_cold_start` must be True or False"):
        ls.track_sharpness(f, theta0, ls.gd(0.1), 5, compare_cold_start=None)
    with pytest.raises(ValueError, match="`tol` must be positive"):
        ls.track_sharpness(f, theta0, ls.gd(0.1), 5, tol=0.0)
    with pytest.raises(ValueError, match="`max_matvecs` must be an integer >= 1"):
        ls.track_sharpness(f, theta0, ls.gd(0.1), 5, max_matvecs=0)
    with pytest.raises(ValueError, match="`num_steps` must be an integer >= 0"):
        ls.track_sharpness(f, theta0, ls.gd(0.1), -1)
    with pytest.raises(ValueError, match="`theta0` must have length"):
        ls.track_sharpness(f, theta0[:-1], ls.gd(0.1), 5)
