"""Tests for the GOE samplers and the positive-definite fraction estimators."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import landscape as ls

# P(2 x 2 GOE is positive definite) = (2 - sqrt 2) / 4. Derivation: the eigenvalue
# density is proportional to |x - y| exp(-(x^2 + y^2) / 2); in polar coordinates around
# the diagonal x = y the region x, y > 0 is a right-angle wedge, and the ratio of the
# two integrals is (2 - sqrt 2) / 4.
P2 = (2 - np.sqrt(2)) / 4


def test_goe_matrices_are_symmetric_with_the_goe_variances():
    h = ls.goe_matrices(4, 20_000, rng=0)
    np.testing.assert_array_equal(h, h.transpose(0, 2, 1))
    diag = h[:, np.arange(4), np.arange(4)].ravel()
    off = h[:, 0, 1:].ravel()
    # 80 000 and 60 000 draws: the sample variances are within ~1.5% (5 sigma ~ 2.5%).
    assert diag.var() == pytest.approx(1.0, rel=0.03)
    assert off.var() == pytest.approx(0.5, rel=0.03)


@pytest.mark.parametrize("dim", [1, 2, 5, 9])
def test_count_negative_eigenvalues_matches_dense_eigvalsh(dim):
    rng = np.random.default_rng(dim)
    diag = rng.standard_normal((300, dim))
    off = rng.standard_normal((300, dim - 1))
    counts = ls.count_negative_eigenvalues(diag, off)
    dense = np.zeros((300, dim, dim))
    dense[:, np.arange(dim), np.arange(dim)] = diag
    dense[:, np.arange(dim - 1), np.arange(1, dim)] = off
    dense[:, np.arange(1, dim), np.arange(dim - 1)] = off
    expected = np.sum(np.linalg.eigvalsh(dense) < 0, axis=1)
    np.testing.assert_array_equal(counts, expected)


def test_count_negative_eigenvalues_single_matrix_and_zero_pivot():
    assert ls.count_negative_eigenvalues([0.0, 0.0], [1.0]).tolist() == [1]
    assert ls.count_negative_eigenvalues([[2.0]], np.zeros((1, 0))).tolist() == [0]


def test_tridiagonal_model_has_the_dense_goe_index_law():
    dim, n = 4, 40_000
    diag, off = ls.goe_tridiagonal(dim, n, rng=1)
    tri = np.bincount(ls.count_negative_eigenvalues(diag, off), minlength=dim + 1) / n
    dense_eigs = np.linalg.eigvalsh(ls.goe_matrices(dim, n, rng=2))
    dense = np.bincount(np.sum(dense_eigs < 0, axis=1), minlength=dim + 1) / n
    # Two independent samples of the same law: differences within 5 binomial sigmas.
    sigma = np.sqrt(2 * dense * (1 - dense) / n) + 1e-12
    assert np.all(np.abs(tri - dense) <= 5 * sigma + 2 / n), (tri, dense)


@pytest.mark.parametrize("method", ["count", "sequential"])
def test_positive_fraction_in_one_and_two_dimensions(method):
    one = ls.goe_positive_fraction(1, 40_000, method=method, rng=3)
    two = ls.goe_positive_fraction(2, 40_000, method=method, rng=4)
    # Closed forms 1/2 and (2 - sqrt 2)/4; 5 standard errors keeps false alarms < 1e-6.
    assert abs(one.fraction - 0.5) <= 5 * one.stderr + 1e-12
    assert abs(two.fraction - P2) <= 5 * two.stderr
    assert two.stderr > 0 and two.method == method and two.num_samples == 40_000


@pytest.mark.parametrize("dim", [3, 4])
def test_count_and_sequential_agree(dim):
    count = ls.goe_positive_fraction(dim, 400_000, method="count", rng=5)
    seq = ls.goe_positive_fraction(dim, 40_000, method="sequential", rng=6)
    combined = np.hypot(count.stderr, seq.stderr)
    assert abs(count.fraction - seq.fraction) <= 5 * combined, (count, seq)
    assert seq.effective_samples > 1_000 and count.effective_samples == 400_000


def test_sequential_reaches_fractions_counting_cannot():
    est = ls.goe_positive_fraction(8, 20_000, method="sequential", rng=7)
    # ~1e-9: counting would need ~1e11 samples for 100 hits.
    assert 1e-10 < est.fraction < 1e-8
    assert est.stderr < 0.2 * est.fraction and est.effective_samples > 100


def test_sequential_reports_collapse_instead_of_failing():
    est = ls.goe_positive_fraction(16, 2_000, method="sequential", rng=8)
    assert est.effective_samples < 10  # far past the range where the proposal works


def test_positive_fraction_is_reproducible():
    a = ls.goe_positive_fraction(3, 10_000, rng=9)
    b = ls.goe_positive_fraction(3, 10_000, rng=9)
    assert a == b
    assert repr(a).startswith("PositiveFraction(dim=3, fraction=")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.fraction = 1.0


def test_fit_recovers_exact_coefficients():
    d = np.arange(1, 9)
    p = np.exp(-0.25 * d**2 - 0.4 * d + 0.3)
    fit = ls.fit_quadratic_decay(d, p, stderr=0.01 * p)
    assert (fit.theta, fit.linear, fit.constant) == pytest.approx((0.25, -0.4, 0.3), abs=1e-10)
    np.testing.assert_allclose(fit.predict(d), p, rtol=1e-9)
    # Exact data: the residual is zero, so the stderr is the floor set by the errors.
    assert 0 < fit.theta_stderr < 0.01
    assert repr(fit).startswith("QuadraticDecayFit(theta=0.2500, theta_stderr=")


def test_fit_weights_follow_the_standard_errors():
    d = np.arange(1, 7, dtype=float)
    p = np.exp(-0.3 * d**2)
    noisy = p.copy()
    noisy[-1] *= 2.0  # one bad point
    loose = np.full(6, 0.01) * p
    loose[-1] = 10 * p[-1]  # ... that the errors say not to trust
    trusted = ls.fit_quadratic_decay(d, noisy, stderr=loose)
    unweighted = ls.fit_quadratic_decay(d, noisy)
    assert abs(trusted.theta - 0.3) < abs(unweighted.theta - 0.3)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: ls.goe_positive_fraction(0, 10),
            ValueError,
            "`dim` must be an integer >= 1",
        ),
        (lambda: ls.goe_positive_fraction(2, 0), ValueError, "`num_samples` must be"),
        (lambda: ls.goe_positive_fraction(2, 10, method="exact"), ValueError, "'count'"),
        (lambda: ls.goe_positive_fraction(2.0, 10), TypeError, "`dim` must be an integer"),
        (lambda: ls.goe_matrices(2, 3, rng="x"), TypeError, "`rng` must be"),
        (lambda: ls.goe_tridiagonal(0, 3), ValueError, "`dim` must be"),
        (
            lambda: ls.count_negative_eigenvalues([[1.0, 2.0]], [[1.0, 2.0]]),
            ValueError,
            "1\\)",
        ),
        (
            lambda: ls.count_negative_eigenvalues([[1.0, 2.0]], [[1.0], [2.0]]),
            ValueError,
            r"one row per matrix \(1\), got 2",
        ),
        (lambda: ls.fit_quadratic_decay([1, 2], [0.5, 0.1]), ValueError, "three distinct"),
        (
            lambda: ls.fit_quadratic_decay([1, 2, 3], [0.5, 0.1, 0.0]),
            ValueError,
            "positive",
        ),
        (
            lambda: ls.fit_quadratic_decay([1, 2, 3], [0.5, 0.1, 0.01], stderr=[1, 0, 1]),
            ValueError,
            "`stderr` must all be positive",
        ),
        (lambda: ls.fit_quadratic_decay([1, 2, 3], [0.5, 0.1]), ValueError, "length 3"),
    ],
)
def test_bad_input_is_rejected(call, error, match):
    with pytest.raises(error, match=match):
        call()
