"""Tests for the shared input validation helpers."""

import numpy as np
import pytest

from landscape import _validation as v


def test_as_vector_copies_and_converts():
    x = np.array([1, 2, 3])
    out = v.as_vector(x, "x", 3)
    assert out.dtype == np.float64
    out[0] = 99
    assert x[0] == 1
    np.testing.assert_array_equal(v.as_vector(2.5, "x"), [2.5])


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        ("abc", TypeError, "array of real numbers"),
        (None, TypeError, "array of real numbers"),
        ([1 + 2j], TypeError, "must be real"),
        (np.array(["a"], dtype=object), TypeError, "dtype object"),
        (np.zeros((2, 2)), ValueError, r"1-D vector of length 2, got an array of shape \(2, 2\)"),
        (np.zeros(3), ValueError, "length 2, got length 3"),
        ([np.inf, 1.0], ValueError, "found 1 NaN or inf entry"),
    ],
)
def test_as_vector_errors(value, error, match):
    with pytest.raises(error, match=match):
        v.as_vector(value, "x", 2)


def test_as_vector_rejects_empty():
    with pytest.raises(ValueError, match="must not be empty"):
        v.as_vector([], "x")


def test_as_batch_shapes():
    assert v.as_batch(np.zeros(3), "b", 3).shape == (1, 3)
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        v.as_batch(np.zeros((2, 2, 2)), "b")
    with pytest.raises(ValueError, match=r"shape \(n, 3\), got shape \(2, 2\)"):
        v.as_batch(np.zeros((2, 2)), "b", 3)


def test_as_symmetric_matrix():
    h = np.array([[2.0, 1.0], [1.0 + 1e-12, 3.0]])
    out = v.as_symmetric_matrix(h)
    np.testing.assert_array_equal(out, out.T)
    with pytest.raises(ValueError, match="must be symmetric"):
        v.as_symmetric_matrix(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"square matrix, got an array of shape \(2, 3\)"):
        v.as_symmetric_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="finite"):
        v.as_symmetric_matrix(np.array([[np.nan]]))
    with pytest.raises(ValueError, match="must not be empty"):
        v.as_symmetric_matrix(np.zeros((0, 0)))


def test_scalar_checks():
    assert v.check_positive(2, "a") == 2.0
    with pytest.raises(ValueError, match=r"`a` must be positive, got -0\.1"):
        v.check_positive(-0.1, "a")
    with pytest.raises(TypeError, match="real number"):
        v.check_positive("1", "a")
    with pytest.raises(TypeError, match="real number"):
        v.check_positive(True, "a")
    with pytest.raises(ValueError, match="must be finite"):
        v.check_positive(np.inf, "a")
    assert v.check_nonnegative(0, "a") == 0.0
    with pytest.raises(ValueError, match="non-negative"):
        v.check_nonnegative(-1, "a")


def test_check_fraction_bounds():
    assert v.check_fraction(0.0, "beta") == 0.0
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        v.check_fraction(1.0, "beta")
    assert v.check_fraction(1.0, "p", high_inclusive=True) == 1.0
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        v.check_fraction(0.0, "p", low_inclusive=False, high_inclusive=True)


def test_check_positive_int_and_choice():
    assert v.check_positive_int(3, "k") == 3
    assert v.check_positive_int(np.int64(0), "k", minimum=0) == 0
    with pytest.raises(TypeError, match="integer"):
        v.check_positive_int(1.5, "k")
    with pytest.raises(ValueError, match=">= 1, got 0"):
        v.check_positive_int(0, "k")
    assert v.check_choice("a", "m", ["a", "b"]) == "a"
    with pytest.raises(ValueError, match="one of 'a', 'b'; got 'c'"):
        v.check_choice("c", "m", ["a", "b"])


def test_as_rng():
    gen = np.random.default_rng(1)
    assert v.as_rng(gen) is gen
    a, b = v.as_rng(5).standard_normal(3), v.as_rng(5).standard_normal(3)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match=r"int seed or a numpy\.random\.Generator"):
        v.as_rng(1.5)
    with pytest.raises(ValueError, match="non-negative"):
        v.as_rng(-1)


def test_as_points_keeps_leading_axes_and_copies():
    grid = np.zeros((3, 4, 2), dtype=int)
    out = v.as_points(grid, "p", 2)
    assert out.shape == (3, 4, 2) and out.dtype == np.float64
    out[0, 0, 0] = 5.0
    assert grid[0, 0, 0] == 0
    assert v.as_points(0.5, "p", 1).shape == (1,)


@pytest.mark.parametrize(
    ("value", "dim", "match"),
    [
        (0.5, 2, r"shape \(\.\.\., 2\), got a scalar"),
        (np.zeros((4, 3)), 2, r"shape \(\.\.\., 2\) \(last axis = coordinates\)"),
        (np.zeros((4, 0)), None, "must not have an empty last axis"),
        (np.array([[0.0, np.nan]]), 2, "finite"),
    ],
)
def test_as_points_errors(value, dim, match):
    with pytest.raises(ValueError, match=match):
        v.as_points(value, "p", dim)


def test_check_real():
    assert v.check_real(3, "x") == 3.0
    with pytest.raises(TypeError, match="`x` must be a real number"):
        v.check_real(True, "x")
    with pytest.raises(ValueError, match="`x` must be finite"):
        v.check_real(float("nan"), "x")


def test_read_only_copy_leaves_the_input_writable():
    x = np.arange(3.0)
    out = v.read_only_copy(x)
    assert not out.flags.writeable and x.flags.writeable
    x[0] = 7.0  # the copy does not share memory with the input
    np.testing.assert_array_equal(out, [0.0, 1.0, 2.0])
    assert v.read_only_copy(np.arange(3)).dtype == np.arange(3).dtype  # dtype kept
