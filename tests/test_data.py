"""Tests for the synthetic data sets (landscape.data)."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls

GENERATORS = [
    lambda **kw: ls.gaussian_blobs(**kw),
    lambda **kw: ls.two_spirals(**kw),
    lambda **kw: ls.teacher_student(**kw),
]
NAMES = ["blobs", "spirals", "teacher"]


@pytest.mark.parametrize("make", GENERATORS, ids=NAMES)
def test_seeded_deterministic_and_read_only(make):
    a, b, c = make(n=40, n_test=10, rng=3), make(n=40, n_test=10, rng=3), make(n=40, rng=4)
    for field in ("X", "y", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
        with pytest.raises(ValueError, match="read-only"):
            getattr(a, field)[0] = 0
    assert not np.array_equal(a.X, c.X)
    assert a.X.shape == (40, a.num_features) and a.X_test.shape == (10, a.num_features)
    assert a.num_samples == 40
    # the test split is a fresh draw, not a copy of training rows
    assert not np.any(np.all(a.X_test[:, None, :] == a.X[None, :, :], axis=2))


@pytest.mark.parametrize("make", GENERATORS, ids=NAMES)
def test_empty_test_split_has_consistent_shapes(make):
    data = make(n=12, rng=0)
    assert data.X_test.shape == (0, data.num_features)
    assert data.y_test.shape[0] == 0 and data.y_test.ndim == data.y.ndim


@pytest.mark.parametrize("make", GENERATORS, ids=NAMES)
def test_records_feed_mlp_objectives(make):
    data = make(n=30, n_test=8, rng=1)
    loss = "mse" if data.num_classes is None else "cross_entropy"
    mlp = ls.MLP((data.num_features, 6, data.num_outputs), "tanh")
    f = ls.mlp_objective(mlp, data.X, data.y, loss)
    test = f.with_data(data.X_test, data.y_test)
    theta = mlp.init(rng=0)
    assert np.isfinite(f.value(theta)) and np.isfinite(test.value(theta))


def test_blobs_are_balanced_and_centred_on_a_circle():
    data = ls.gaussian_blobs(3000, num_classes=4, dim=5, spread=0.3, radius=2.0, rng=0)
    assert data.y.dtype.kind == "i" and set(np.unique(data.y)) == {0, 1, 2, 3}
    counts = np.bincount(data.y)
    assert counts.max() - counts.min() <= 1
    means = np.array([data.X[data.y == j].mean(axis=0) for j in range(4)])
    # Each class mean averages 750 points of sd 0.3: standard error 0.011 per coordinate.
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), 2.0, atol=0.06)
    neighbour = np.linalg.norm(means[0] - means[1])
    np.testing.assert_allclose(neighbour, 2 * 2.0 * np.sin(np.pi / 4), atol=0.08)
    within = data.X[data.y == 0] - means[0]
    # Sample sd over 750 x 5 draws: relative error ~1%.
    assert np.std(within) == pytest.approx(0.3, rel=0.05)
    assert (
        repr(data) == "Dataset(name='gaussian_blobs', n=3000, n_test=0, features=5, num_classes=4)"
    )


def test_spirals_follow_their_parametrization():
    data = ls.two_spirals(400, turns=2.0, noise=0.0, rng=0)
    t = np.linalg.norm(data.X, axis=1)
    sign = np.where(data.y == 0, 1.0, -1.0)
    angle = 2 * np.pi * 2.0 * t
    expected = (sign * t)[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    # Recomputed from the radius: rounding only.
    np.testing.assert_allclose(data.X, expected, atol=1e-12)
    noisy = ls.two_spirals(400, turns=2.0, noise=0.1, rng=0)
    # Same seed, same labels and positions; the difference is the noise (sd 0.1).
    assert np.std(noisy.X - data.X) == pytest.approx(0.1, rel=0.1)
    assert data.num_classes == 2 and data.num_outputs == 2


def test_teacher_student_targets_come_from_the_teacher():
    data = ls.teacher_student(60, widths=(3, 7, 2), activation="gelu", noise=0.0, n_test=5, rng=2)
    np.testing.assert_array_equal(data.y, data.teacher.forward(data.teacher_theta, data.X))
    np.testing.assert_array_equal(
        data.y_test, data.teacher.forward(data.teacher_theta, data.X_test)
    )
    assert data.num_classes is None and data.num_outputs == 2
    noisy = ls.teacher_student(4000, widths=(3, 7, 2), noise=0.5, rng=5)
    resid = noisy.y - noisy.teacher.forward(noisy.teacher_theta, noisy.X)
    # 8000 residuals of sd 0.5: relative error of the sample sd ~0.8%.
    assert np.std(resid) == pytest.approx(0.5, rel=0.04)
    # The teacher itself sits at the noise floor sigma^2 d_out / 2 (within sampling error).
    f = ls.mlp_objective(noisy.teacher, noisy.X, noisy.y)
    assert f.value(noisy.teacher_theta) == pytest.approx(0.5**2 * 2 / 2, rel=0.05)
    assert ls.teacher_student(5, scale=0.0, rng=0).teacher_theta.max() == 0.0
    assert "targets=1" in repr(ls.teacher_student(5, rng=0))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="num_classes"):
        ls.gaussian_blobs(10, num_classes=1)
    with pytest.raises(ValueError, match="dim"):
        ls.gaussian_blobs(10, dim=1)
    with pytest.raises(ValueError, match="spread"):
        ls.gaussian_blobs(10, spread=0.0)
    with pytest.raises(ValueError, match="radius"):
        ls.gaussian_blobs(10, radius=-1.0)
    with pytest.raises(ValueError, match="`n` must be"):
        ls.two_spirals(0)
    with pytest.raises(TypeError, match="`n` must be an integer"):
        ls.two_spirals(10.5)
    with pytest.raises(ValueError, match="n_test"):
        ls.two_spirals(10, n_test=-1)
    with pytest.raises(ValueError, match="turns"):
        ls.two_spirals(10, turns=0.0)
    with pytest.raises(ValueError, match="noise"):
        ls.teacher_student(10, noise=-0.1)
    with pytest.raises(ValueError, match="activation"):
        ls.teacher_student(10, activation="swish")
    with pytest.raises(TypeError, match="rng"):
        ls.gaussian_blobs(10, rng=1.5)


def test_dataset_owns_read_only_copies_of_the_callers_arrays():
    rng = np.random.default_rng(0)
    X, X_test = rng.standard_normal((6, 2)), rng.standard_normal((3, 2))
    y, y_test = np.arange(6) % 2, np.arange(3) % 2
    data = ls.Dataset(X, y, X_test, y_test, 2, "handmade")
    for mine, theirs in ((X, data.X), (y, data.y), (X_test, data.X_test), (y_test, data.y_test)):
        assert mine.flags.writeable, "building a Dataset froze the caller's array"
        assert not theirs.flags.writeable
        assert not np.shares_memory(mine, theirs)
        np.testing.assert_array_equal(mine, theirs)
