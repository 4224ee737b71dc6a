"""Tests for landscape.sam: SAM and ASAM as wrappers of any update rule."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls


def problem(seed=0, n=32):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = rng.integers(0, 3, n)
    mlp = ls.MLP((3, 8, 3), "relu")
    f = ls.mlp_objective(mlp, X, y, "cross_entropy")
    return f, mlp.init(rng) + 0.05 * rng.standard_normal(mlp.num_params)


BASES = {
    "gd": lambda: ls.gd(0.1),
    "momentum": lambda: ls.momentum(0.05, beta=0.9),
    "adam": lambda: ls.adam(0.01),
}


@pytest.mark.parametrize("name", sorted(BASES))
@pytest.mark.parametrize("batch_size", [None, 8])
def test_radius_zero_reproduces_the_base_rule_bitwise(name, batch_size):
    f, theta = problem()
    base = ls.train(f, theta, BASES[name](), 40, batch_size=batch_size, rng=1)
    wrapped = ls.train(f, theta, ls.sam(BASES[name](), 0.0), 40, batch_size=batch_size, rng=1)
    assert np.array_equal(wrapped.final_params, base.final_params)
    assert np.array_equal(wrapped.losses, base.losses)
    assert wrapped.num_grad_evals == base.num_grad_evals  # no extra evaluation at rho = 0


@pytest.mark.parametrize("adaptive", [False, True])
def test_sam_matches_a_hand_written_loop(adaptive):
    f, theta = problem(seed=1)
    radius, eta, rate = (0.5, 0.01, 0.1) if adaptive else (0.05, 0.01, 0.1)
    rule = ls.sam(ls.gd(rate), radius, adaptive=adaptive, eta=eta)
    traj = ls.minimize(f, theta, rule, 25)
    point = theta.copy()
    for _ in range(25):
        g = f.grad(point)
        if adaptive:
            T = np.abs(point) + eta
            delta = radius * T**2 * g / np.linalg.norm(T * g)
        else:
            delta = radius * g / np.linalg.norm(g)
        point = point - rate * f.grad(point + delta)
    # same arithmetic in a different order: rounding only
    np.testing.assert_allclose(traj.final_params, point, rtol=1e-12, atol=1e-14)
    assert traj.num_grad_evals == 2 * 25 + 1  # two per step and one at the end
    assert not np.allclose(traj.final_params, ls.minimize(f, theta, ls.gd(rate), 25).final_params)


def test_minibatch_sam_counts_two_gradients_per_step():
    f, theta = problem()
    traj = ls.train(f, theta, ls.sam(ls.gd(0.1)), 30, batch_size=8, rng=0)
    assert traj.num_grad_evals == 2 * 30  # the last record is a loss only


def test_zero_gradient_gives_no_nan():
    bowl = ls.from_function(lambda t: float(t @ t), dim=3, grad=lambda t: 2 * t)
    for rule in (ls.sam(ls.gd(0.1)), ls.sam(ls.adam(0.1), 0.5, adaptive=True, eta=0.0)):
        state = rule.init(np.zeros(3))
        step, _ = rule.update(np.zeros(3), state, np.zeros(3), bowl.grad)
        assert np.all(np.isfinite(step)) and not np.any(step)
    traj = ls.minimize(bowl, np.zeros(3), ls.sam(ls.momentum(0.1)), 5)
    assert np.all(np.isfinite(traj.losses)) and traj.num_grad_evals == 6


def test_wrapping_a_rule_that_needs_grad_fn_passes_it_on():
    f, theta = problem()
    twice = ls.sam(ls.sam(ls.gd(0.1), 0.05), 0.05)
    assert twice.name == "gd+sam+sam" and twice.needs_grad_fn
    traj = ls.minimize(f, theta, twice, 10)
    assert traj.num_grad_evals == 3 * 10 + 1
    clipped = ls.clip_by_global_norm(ls.sam(ls.gd(0.1)), 1.0)
    assert clipped.needs_grad_fn and ls.minimize(f, theta, clipped, 3).num_grad_evals == 7


def test_rule_metadata_and_purity():
    rule = ls.sam(ls.adam(0.01), 0.5, adaptive=True)
    assert rule.name == "adam+asam"
    assert dict(rule.hyperparameters) == {
        "learning_rate": 0.01,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-08,
        "radius": 0.5,
        "adaptive": True,
        "eta": 0.01,
    }
    assert rule.learning_rate(0) == 0.01
    f, theta = problem()
    grad, copy = f.grad(theta), theta.copy()
    grad_copy = grad.copy()
    rule.update(grad, rule.init(theta), theta, f.grad)
    assert np.array_equal(theta, copy) and np.array_equal(grad, grad_copy)


def test_sam_rejects_bad_input():
    with pytest.raises(TypeError, match="`rule` must be an UpdateRule"):
        ls.sam("gd")
    with pytest.raises(ValueError, match="`radius` must be non-negative"):
        ls.sam(ls.gd(0.1), -0.05)
    with pytest.raises(TypeError, match="`radius` must be a real number"):
        ls.sam(ls.gd(0.1), None)
    with pytest.raises(ValueError, match="`eta` must be non-negative"):
        ls.sam(ls.gd(0.1), adaptive=True, eta=-1.0)
    with pytest.raises(ValueError, match="same shape"):
        rule = ls.sam(ls.gd(0.1))
        rule.update(np.ones(2), rule.init(np.ones(3)), np.ones(3), lambda t: t)
