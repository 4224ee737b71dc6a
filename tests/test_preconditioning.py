"""Effective per-coordinate learning rates and weight decay, against hand-computed steps."""

import numpy as np
import pytest

import landscape as ls

GRADS = [np.array([2.0, -0.5, 1e-3]), np.array([1.0, 0.25, -2.0]), np.array([-3.0, 0.1, 0.5])]


def _states(rule, theta):
    state = rule.init(theta)
    for g in GRADS:
        step, state = rule.update(g, state, theta)
    return step, state


@pytest.mark.parametrize(
    "rule",
    [
        ls.adagrad(0.1),
        ls.rmsprop(0.02, beta=0.7),
        ls.adam(0.03, beta1=0.0),
        ls.adamw(0.03, beta1=0.0),
    ],
    ids=lambda r: r.name,
)
def test_rate_times_gradient_is_the_step_without_momentum(rule):
    # With beta1 = 0 (or no momentum at all) and no decay, step = -rate * g exactly.
    theta = np.zeros(3)
    step, state = _states(rule, theta)
    rates = ls.effective_learning_rates(rule, state)
    np.testing.assert_allclose(step, -rates * GRADS[-1], rtol=1e-13)  # a few roundings


def test_adagrad_rate_is_eta_over_root_sum_of_squares():
    rule = ls.adagrad(0.1, eps=1e-12)
    _, state = _states(rule, np.zeros(3))
    expected = 0.1 / np.sqrt(sum(g**2 for g in GRADS))
    np.testing.assert_allclose(ls.effective_learning_rates(rule, state), expected, rtol=1e-10)


def test_adam_rate_uses_the_bias_corrected_second_moment_and_the_schedule():
    schedule = ls.exponential_decay(0.1, decay_rate=0.5)
    rule = ls.clip_by_global_norm(ls.adam(schedule, beta2=0.9, eps=1e-12), 100.0)
    _, state = _states(rule, np.zeros(3))
    v = sum(0.1 * 0.9 ** (2 - i) * g**2 for i, g in enumerate(GRADS)) / (1 - 0.9**3)
    # The last update (count 2) used the rate 0.1 * 0.5^2.
    np.testing.assert_allclose(ls.effective_learning_rates(rule, state), 0.025 / np.sqrt(v))


def test_before_the_first_update_everything_is_nan():
    for rule in (ls.adam(0.1), ls.adagrad(0.1)):
        state = rule.init(np.zeros(4))
        assert np.isnan(ls.effective_learning_rates(rule, state)).all()
        assert ls.effective_learning_rates(rule, state).shape == (4,)
    assert np.isnan(ls.effective_weight_decay(ls.adamw(0.1), ls.adamw(0.1).init(np.zeros(2)))).all()


def test_decay_is_uniform_for_adamw_and_lion_and_scaled_for_adam_l2():
    theta = np.array([1.0, -2.0, 0.5])
    adamw = ls.adamw(0.01, weight_decay=0.1)
    _, state = _states(adamw, theta)
    np.testing.assert_allclose(ls.effective_weight_decay(adamw, state), 1e-3, rtol=1e-15)
    lion = ls.lion(0.01, weight_decay=0.1)
    _, state = _states(lion, theta)
    np.testing.assert_allclose(ls.effective_weight_decay(lion, state), 1e-3, rtol=1e-15)
    l2 = ls.adam_l2(0.01, weight_decay=0.1, eps=1e-12)
    _, state = _states(l2, theta)
    decay = ls.effective_weight_decay(l2, state)
    rates = ls.effective_learning_rates(l2, state)
    np.testing.assert_allclose(decay, 0.1 * rates, rtol=1e-15)
    assert decay.max() / decay.min() > 2  # the coordinates differ
    _, state = _states(ls.adam(0.01), theta)
    assert not ls.effective_weight_decay(ls.adam(0.01), state).any()


def test_adamw_decay_matches_the_step_when_the_gradient_is_zero():
    rule = ls.adamw(0.05, weight_decay=0.2)
    theta = np.array([3.0, -1.0])
    step, state = rule.update(np.zeros(2), rule.init(theta), theta)
    np.testing.assert_allclose(step, -ls.effective_weight_decay(rule, state) * theta)


def test_bad_rules_and_states_are_rejected():
    with pytest.raises(ValueError, match="adagrad, rmsprop"):
        ls.effective_learning_rates(ls.gd(0.1), ls.gd(0.1).init(np.zeros(2)))
    with pytest.raises(ValueError, match="lion"):
        ls.effective_weight_decay(ls.momentum(0.1), ls.momentum(0.1).init(np.zeros(2)))
    with pytest.raises(TypeError, match="UpdateRule"):
        ls.effective_learning_rates("adam", None)
    with pytest.raises(TypeError, match="count"):
        ls.effective_learning_rates(ls.adam(0.1), (np.zeros(2),))
    with pytest.raises(TypeError, match="count"):
        ls.effective_weight_decay(ls.adamw(0.1), None)
