"""Learning-rate schedules against their closed forms, composition, and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

import landscape as ls

COUNTS = [0, 1, 2, 5, 9, 10, 11, 37, 100, 250]


def _close(a, b):
    # Closed forms evaluated in a different order: a few ulps apart.
    return math.isclose(a, b, rel_tol=1e-13, abs_tol=1e-15)


@pytest.mark.parametrize("count", COUNTS)
def test_schedules_match_their_closed_forms(count):
    assert ls.constant(0.3)(count) == 0.3
    assert _close(ls.step_decay(0.8, 0.1, decay_every=10)(count), 0.8 * 0.1 ** (count // 10))
    assert _close(
        ls.exponential_decay(0.8, 0.5, decay_steps=20)(count),
        0.8 * math.exp(math.log(0.5) * count / 20),
    )
    t = min(count, 40)
    cosine = 0.01 + (0.5 - 0.01) * (1 + math.cos(math.pi * t / 40)) / 2
    assert _close(ls.cosine_decay(0.5, decay_steps=40, final_value=0.01)(count), cosine)


@pytest.mark.parametrize(
    "schedule",
    [
        ls.constant(0.1),
        ls.step_decay(1.0, 0.5, 3),
        ls.exponential_decay(1.0, 0.9),
        ls.cosine_decay(1.0, 50),
        ls.linear_warmup(ls.cosine_decay(1.0, 50), 10, start_value=0.1),
        ls.linear_warmup(lambda c: 1.0 / (1 + c), 5),
    ],
    ids=repr,
)
def test_array_and_scalar_evaluation_agree(schedule):
    counts = np.arange(80)
    values = schedule(counts)
    assert values.shape == (80,)
    assert all(isinstance(schedule(int(c)), float) for c in counts[:3])
    np.testing.assert_allclose(values, [schedule(int(c)) for c in counts], rtol=1e-15)
    np.testing.assert_allclose(schedule(counts.reshape(8, 10)).ravel(), values, rtol=1e-15)
    assert np.all(values >= 0)


def test_cosine_decay_ends_and_holds():
    lr = ls.cosine_decay(1.0, decay_steps=10, final_value=0.2)
    assert lr(0) == 1.0
    assert _close(lr(5), 0.6)  # midpoint: the average of the two ends
    assert _close(lr(10), 0.2)
    assert _close(lr(1000), 0.2)
    assert np.all(np.diff(lr(np.arange(12))) <= 0)


def test_linear_warmup_ramps_then_follows_the_shifted_schedule():
    base = ls.exponential_decay(1.0, 0.5, decay_steps=1)
    lr = ls.linear_warmup(base, warmup_steps=4, start_value=0.2)
    expected_ramp = [0.2 + (1.0 - 0.2) * t / 4 for t in range(4)]
    np.testing.assert_allclose(lr(np.arange(4)), expected_ramp, rtol=1e-15)
    for t in range(4, 10):
        assert _close(lr(t), base(t - 4))
    assert lr(4) == 1.0  # the peak is reached exactly at warmup_steps


def test_linear_warmup_of_a_float_and_of_a_user_callable():
    assert ls.linear_warmup(0.5, warmup_steps=2)(1) == 0.25
    assert ls.linear_warmup(0.5, warmup_steps=2)(7) == 0.5
    lr = ls.linear_warmup(lambda c: 2.0 / (1 + c), warmup_steps=2)
    assert lr(1) == 1.0
    assert lr(3) == 1.0  # 2 / (1 + (3 - 2))


def test_warmups_compose():
    inner = ls.linear_warmup(1.0, warmup_steps=2)
    outer = ls.linear_warmup(inner, warmup_steps=2, start_value=0.5)
    # outer ramps from 0.5 towards inner(0) = 0, then follows inner's own ramp
    np.testing.assert_allclose(outer(np.arange(6)), [0.5, 0.25, 0.0, 0.5, 1.0, 1.0])


def test_repr_shows_the_arguments():
    assert repr(ls.step_decay(1.0, 0.5, 3)) == (
        "step_decay(initial_value=1.0, decay_rate=0.5, decay_every=3)"
    )
    assert repr(ls.linear_warmup(ls.constant(0.1), 5)).startswith(
        "linear_warmup(schedule=constant(value=0.1), warmup_steps=5"
    )


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: ls.constant(0.0), ValueError, "`value` must be positive"),
        (lambda: ls.constant("1"), TypeError, "`value` must be a real number"),
        (lambda: ls.step_decay(-1.0, 0.5, 2), ValueError, "`initial_value` must be positive"),
        (lambda: ls.step_decay(1.0, 0.0, 2), ValueError, r"`decay_rate` must lie in \(0, 1\]"),
        (lambda: ls.step_decay(1.0, 1.5, 2), ValueError, r"`decay_rate` must lie in \(0, 1\]"),
        (lambda: ls.step_decay(1.0, 0.5, 0), ValueError, "`decay_every` must be an integer >= 1"),
        (lambda: ls.step_decay(1.0, 0.5, 2.5), TypeError, "`decay_every` must be an integer"),
        (lambda: ls.exponential_decay(1.0, 0.0), ValueError, "`decay_rate` must lie in"),
        (lambda: ls.exponential_decay(1.0, 0.5, 0), ValueError, "`decay_steps` must be an"),
        (lambda: ls.cosine_decay(1.0, 0), ValueError, "`decay_steps` must be an integer >= 1"),
        (lambda: ls.cosine_decay(1.0, 5, -0.1), ValueError, "`final_value` must be non-negative"),
        (lambda: ls.cosine_decay(1.0, 5, 2.0), ValueError, "must not exceed `initial_value`"),
        (lambda: ls.linear_warmup(0.1, 0), ValueError, "`warmup_steps` must be an integer >= 1"),
        (lambda: ls.linear_warmup(0.1, 3, -1.0), ValueError, "`start_value` must be non-negative"),
        (lambda: ls.linear_warmup(-0.1, 3), ValueError, "`schedule` must be positive"),
        (lambda: ls.linear_warmup("0.1", 3), TypeError, "`schedule` must be a positive float"),
    ],
)
def test_bad_arguments_are_rejected(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_boundary_arguments_are_accepted():
    # The other side of each interval.
    assert ls.step_decay(1.0, 1.0, 1)(100) == 1.0
    assert ls.cosine_decay(1.0, 1, final_value=1.0)(3) == 1.0
    assert ls.linear_warmup(0.1, 1)(0) == 0.0


@pytest.mark.parametrize(
    ("count", "error", "match"),
    [
        (-1, ValueError, "`count` must be non-negative, got -1"),
        (np.array([0, -3]), ValueError, "`count` must be non-negative, got minimum -3"),
        (1.5, TypeError, "`count` must be an integer or an integer array, got dtype float64"),
        (True, TypeError, "`count` must be an integer or an integer array, got dtype bool"),
    ],
)
def test_bad_counts_are_rejected(count, error, match):
    with pytest.raises(error, match=match):
        ls.cosine_decay(1.0, 10)(count)


def test_numpy_integer_counts_are_accepted():
    assert ls.constant(0.1)(np.int64(3)) == 0.1
    assert ls.cosine_decay(1.0, 10)(np.array([], dtype=int)).shape == (0,)
