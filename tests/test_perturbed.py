"""Tests for perturbed and noisy gradient descent."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls


# -- perturbed_gd -------------------------------------------------------------------------
def test_perturbed_gd_is_gd_while_the_gradient_is_large():
    rule = ls.perturbed_gd(0.1, radius=0.5, gradient_threshold=1e-3)
    grad, params = np.array([1.0, -2.0]), np.zeros(2)
    step, state = rule.update(grad, rule.init(params), params)
    np.testing.assert_array_equal(step, -0.1 * grad)
    assert state == ls.PerturbedGDState(1, None, 0)


@pytest.mark.parametrize("grad_norm", [0.9e-3, 1.0e-3])
def test_perturbed_gd_kicks_at_or_below_the_threshold(grad_norm):
    rule = ls.perturbed_gd(0.1, radius=0.5, gradient_threshold=1e-3, rng=3)
    grad = np.array([grad_norm, 0.0])
    step, state = rule.update(grad, rule.init(np.zeros(2)), np.zeros(2))
    kick = step + 0.1 * grad
    assert 0 < np.linalg.norm(kick) <= 0.5
    assert state.num_perturbations == 1 and state.last_perturbation == 0


def test_perturbed_gd_waits_between_kicks():
    wait = 3
    rule = ls.perturbed_gd(0.1, radius=0.5, gradient_threshold=1.0, wait=wait, rng=0)
    state, params = rule.init(np.zeros(3)), np.zeros(3)
    kicked = []
    for _ in range(10):
        step, state = rule.update(np.zeros(3), state, params)
        kicked.append(bool(np.any(step)))
    # a kick at count 0, then only once count - last > wait: counts 0, 4, 8
    assert kicked == [c in (0, 4, 8) for c in range(10)]
    assert state.num_perturbations == 3 and state.last_perturbation == 8


def test_perturbed_gd_kicks_are_uniform_in_the_ball():
    dim, radius, n = 3, 2.0, 4000
    rule = ls.perturbed_gd(1.0, radius=radius, gradient_threshold=1.0, wait=1, rng=7)
    kicks, state = [], rule.init(np.zeros(dim))
    for _ in range(2 * n):  # a kick every other step
        step, state = rule.update(np.zeros(dim), state, np.zeros(dim))
        if np.any(step):
            kicks.append(step)
    kicks = np.array(kicks)
    assert kicks.shape == (n, dim)
    radii = np.linalg.norm(kicks, axis=1) / radius
    assert radii.max() <= 1.0
    # (|xi| / r)^d is uniform on [0, 1] for a uniform point of the ball: mean 1/2 with
    # standard error sqrt(1/12 / n) ~ 0.0046; 5 standard errors of slack.
    assert abs(np.mean(radii**dim) - 0.5) < 0.023
    # isotropy: the mean direction is near zero (each coordinate's stderr ~ 0.009)
    assert np.all(np.abs(np.mean(kicks / np.linalg.norm(kicks, axis=1)[:, None], 0)) < 0.05)


def test_perturbed_gd_is_pure_and_seeded():
    rule = ls.perturbed_gd(0.1, radius=0.5, gradient_threshold=1.0, rng=11)
    state = rule.init(np.zeros(4))
    a, _ = rule.update(np.zeros(4), state, np.zeros(4))
    b, _ = rule.update(np.zeros(4), state, np.zeros(4))
    np.testing.assert_array_equal(a, b)
    same_seed = ls.perturbed_gd(0.1, radius=0.5, gradient_threshold=1.0, rng=11)
    np.testing.assert_array_equal(a, same_seed.update(np.zeros(4), state, np.zeros(4))[0])
    other = ls.perturbed_gd(0.1, radius=0.5, gradient_threshold=1.0, rng=12)
    assert not np.array_equal(a, other.update(np.zeros(4), state, np.zeros(4))[0])


def test_perturbed_gd_accepts_a_generator_and_records_hyperparameters():
    gen = np.random.default_rng(5)
    rule = ls.perturbed_gd(0.1, radius=0.5, gradient_threshold=1e-3, wait=4, rng=gen)
    assert rule.name == "perturbed_gd"
    hyper = dict(rule.hyperparameters)
    assert hyper["radius"] == 0.5 and hyper["wait"] == 4 and isinstance(hyper["seed"], int)
    assert rule.learning_rate(7) == 0.1


def test_perturbed_gd_escapes_where_gd_stalls():
    f = ls.QuarticSaddle([-1.0, 0.5, 2.0])
    start = [0.0, 0.2, 0.1]  # on the stable manifold
    kwargs = {"saddle": np.zeros(3), "radius": 0.5, "max_steps": 1000}
    assert not ls.measure_escape(f, start, ls.gd(0.2), **kwargs).escaped
    for seed in range(5):
        rule = ls.perturbed_gd(0.2, radius=1e-3, gradient_threshold=1e-3, rng=seed)
        assert ls.measure_escape(f, start, rule, **kwargs).escaped


def test_perturbed_gd_does_not_mutate_inputs():
    rule = ls.perturbed_gd(0.1, radius=0.5, gradient_threshold=1.0)
    grad, params = np.zeros(2), np.ones(2)
    rule.update(grad, rule.init(params), params)
    np.testing.assert_array_equal(grad, [0.0, 0.0])
    np.testing.assert_array_equal(params, [1.0, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"learning_rate": -0.1}, ValueError, "learning_rate"),
        ({"radius": 0.0}, ValueError, "radius"),
        ({"gradient_threshold": -1.0}, ValueError, "gradient_threshold"),
        ({"wait": 0}, ValueError, "wait"),
        ({"wait": 2.5}, TypeError, "wait"),
        ({"rng": -1}, ValueError, "rng"),
        ({"rng": "seed"}, TypeError, "rng"),
    ],
)
def test_perturbed_gd_rejects_bad_arguments(kwargs, error, match):
    args = {"learning_rate": 0.1, "radius": 0.5, "gradient_threshold": 1e-3}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        ls.perturbed_gd(
            args.pop("learning_rate"), args.pop("radius"), args.pop("gradient_threshold"), **args
        )


def test_perturbed_gd_rejects_mismatched_shapes():
    rule = ls.perturbed_gd(0.1, radius=0.5, gradient_threshold=1e-3)
    with pytest.raises(ValueError, match="same shape"):
        rule.update(np.zeros(3), rule.init(np.zeros(2)), np.zeros(2))


# -- noisy_gd -----------------------------------------------------------------------------
def test_noisy_gd_noise_has_the_stated_scale():
    sigma, eta, n, dim = 0.5, 0.1, 2000, 5
    rule = ls.noisy_gd(eta, noise_scale=sigma, rng=2)
    state, noises = rule.init(np.zeros(dim)), []
    for _ in range(n):
        step, state = rule.update(np.ones(dim), state, np.zeros(dim))
        noises.append(-step / eta - 1.0)  # step = -eta (g + sigma zeta)
    noises = np.array(noises)
    # mean 0 and standard deviation sigma per coordinate; the standard errors are
    # sigma / sqrt(n) ~ 0.011 and sigma / sqrt(2n) ~ 0.008: 5 of each as slack.
    assert np.all(np.abs(noises.mean(axis=0)) < 0.056)
    assert np.all(np.abs(noises.std(axis=0) - sigma) < 0.04)
    # successive draws are independent: lag-1 correlation within ~ 5 / sqrt(n)
    lag = np.corrcoef(noises[:-1, 0], noises[1:, 0])[0, 1]
    assert abs(lag) < 0.11
    assert state.count == n


def test_noisy_gd_without_noise_is_gd():
    noisy, plain = ls.noisy_gd(0.3, noise_scale=0.0), ls.gd(0.3)
    grad, params = np.array([1.0, -3.0]), np.zeros(2)
    np.testing.assert_array_equal(
        noisy.update(grad, noisy.init(params), params)[0],
        plain.update(grad, plain.init(params), params)[0],
    )


def test_noisy_gd_is_pure_and_seeded():
    rule = ls.noisy_gd(0.1, noise_scale=1.0, rng=4)
    state = rule.init(np.zeros(3))
    a, next_state = rule.update(np.zeros(3), state, np.zeros(3))
    np.testing.assert_array_equal(a, rule.update(np.zeros(3), state, np.zeros(3))[0])
    b, _ = rule.update(np.zeros(3), next_state, np.zeros(3))
    assert not np.array_equal(a, b)  # a new draw at the next count
    gen_rule = ls.noisy_gd(0.1, noise_scale=1.0, rng=np.random.default_rng(0))
    assert isinstance(gen_rule.hyperparameters["seed"], int)


def test_noisy_gd_escapes_where_gd_stalls():
    f = ls.QuarticSaddle([-1.0, 2.0])
    kwargs = {"saddle": np.zeros(2), "radius": 0.5, "max_steps": 1000}
    assert not ls.measure_escape(f, [0.0, 0.3], ls.gd(0.2), **kwargs).escaped
    rule = ls.noisy_gd(0.2, noise_scale=1e-4, rng=0)
    assert ls.measure_escape(f, [0.0, 0.3], rule, **kwargs).escaped


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"noise_scale": -1.0}, ValueError, "noise_scale"),
        ({"noise_scale": "big"}, TypeError, "noise_scale"),
        ({"rng": -3}, ValueError, "rng"),
    ],
)
def test_noisy_gd_rejects_bad_arguments(kwargs, error, match):
    args = {"learning_rate": 0.1, "noise_scale": 0.1}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        ls.noisy_gd(args.pop("learning_rate"), args.pop("noise_scale"), **args)
