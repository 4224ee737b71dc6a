"""Tests for landscape.density additions: the SLQ distribution function and spectral gaps.

(Hutchinson and SLQ moments are tested in test_spectrum.py, next to the other solvers.)
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscape as ls


def random_symmetric(d, seed, spectrum):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (Q * np.asarray(spectrum, float)) @ Q.T


def blob_classifier(num_classes=4, seed=0):
    data = ls.gaussian_blobs(120, num_classes=num_classes, spread=0.6, rng=seed)
    mlp = ls.MLP((2, 8, num_classes), "tanh")
    f = ls.mlp_objective(mlp, data.X, data.y, "cross_entropy")
    return f, mlp.init(rng=seed)


# ---------------------------------------------------------------------- SLQ cdf
def test_cdf_is_exact_for_a_full_krylov_space_on_a_diagonal():
    # num_steps = d on a diagonal with distinct entries: the nodes are the eigenvalues and
    # a Rademacher probe weights each exactly 1/d, so the estimate is the true fraction.
    diag = np.array([-2.0, -0.5, 0.1, 1.0, 3.0, 7.0])
    rho = ls.slq_density(np.diag(diag), num_probes=3, num_steps=6)
    points = np.array([-3.0, -2.0, -0.6, 0.0, 2.9, 7.0, 8.0])
    expected = [np.mean(diag <= t) for t in points]
    np.testing.assert_allclose(rho.cdf(points), expected, atol=1e-12)  # rounding only
    assert rho.cdf(0.0).shape == (1,)


def test_cdf_estimates_the_negative_fraction_of_a_network_hessian():
    f, theta = blob_classifier()
    dense = ls.dense_spectrum(f, theta)
    assert 0.05 < np.mean(dense < 0) < 0.95  # both signs present at initialization
    rho = ls.slq_density(f, theta, num_probes=40, num_steps=f.dim, rng=3)
    grid = np.linspace(dense[0] - 0.1, dense[-1] + 0.1, 60)
    estimate = rho.cdf(grid)
    assert np.all(np.diff(estimate) >= -1e-15) and estimate[0] == 0.0
    assert estimate[-1] == pytest.approx(1.0, abs=1e-12)  # weights sum to one
    truth = np.array([np.mean(dense <= t) for t in grid])
    # Full Krylov spaces: only the probe weights are random; a Rademacher probe's weight on
    # a set of eigenvectors has sd <~ 0.1 here, averaged over 40 probes: about 0.02.
    assert np.max(np.abs(estimate - truth)) < 0.08
    # Short Krylov spaces cannot resolve a cluster: one node covers many eigenvalues.
    coarse = ls.slq_density(f, theta, num_probes=40, num_steps=3, rng=3)
    assert np.max(np.abs(coarse.cdf(grid) - truth)) > 0.1


def test_cdf_rejects_bad_points():
    rho = ls.slq_density(np.diag([1.0, 2.0]), num_probes=1, num_steps=2)
    with pytest.raises(ValueError, match="`points` must contain only finite"):
        rho.cdf([np.nan])
    with pytest.raises(ValueError, match="`points` must not be empty"):
        rho.cdf([])
    with pytest.raises(ValueError, match="`points` must be a 1-D vector"):
        rho.cdf(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="points"):
        rho.cdf("0")


# ---------------------------------------------------------------------- spectral_gap
@pytest.mark.parametrize("count", [1, 3, 8])
def test_spectral_gap_finds_planted_outliers(count):
    rng = np.random.default_rng(count)
    bulk = rng.uniform(-0.05, 1.0, 200)
    outliers = 10.0 * (1.0 + rng.uniform(0, 1, count))  # all at least 10x the bulk edge
    spectrum = rng.permutation(np.concatenate([bulk, outliers]))
    saved = spectrum.copy()
    gap = ls.spectral_gap(spectrum)
    assert gap.num_outliers == count
    np.testing.assert_array_equal(gap.outliers, np.sort(outliers)[::-1])
    assert gap.bulk_edge == bulk.max()
    assert gap.ratio == pytest.approx(outliers.min() / bulk.max(), rel=1e-15)
    np.testing.assert_array_equal(spectrum, saved)  # the input is left alone


def test_spectral_gap_window_and_ties():
    spectrum = [100.0, 50.0, 45.0, 40.0, 1.0, 0.9, 0.8]
    assert ls.spectral_gap(spectrum).num_outliers == 4
    # A window of 3 outliers cannot see the gap after the fourth eigenvalue.
    small = ls.spectral_gap(spectrum, max_outliers=3)
    assert small.num_outliers == 1 and small.ratio == 2.0
    # Equal ratios: the first (fewest outliers) wins.
    assert ls.spectral_gap([8.0, 4.0, 2.0, 1.0]).num_outliers == 1
    # Non-positive eigenvalues never enter a ratio.
    two = ls.spectral_gap([-50.0, 0.0, 2.0, 6.0])
    assert (two.num_outliers, two.ratio, two.bulk_edge) == (1, 3.0, 2.0)


@settings(max_examples=30, deadline=None)
@given(
    count=st.integers(1, 6),
    factor=st.floats(3.0, 100.0),
    seed=st.integers(0, 2**16),
)
def test_spectral_gap_property_gap_wider_than_any_bulk_ratio(count, factor, seed):
    # A bulk whose consecutive ratios are all below 1.5 and outliers within a factor 1.5
    # of each other, separated by factor >= 3: the largest ratio is the planted gap.
    rng = np.random.default_rng(seed)
    bulk = np.exp(np.cumsum(rng.uniform(0.0, np.log(1.5), 30)))
    steps = np.concatenate([[0.0], rng.uniform(0.0, np.log(1.5), count - 1)])
    outliers = factor * bulk.max() * np.exp(np.cumsum(steps))
    gap = ls.spectral_gap(np.concatenate([bulk, outliers]))
    assert gap.num_outliers == count
    assert gap.ratio == pytest.approx(factor)


def test_spectral_gap_on_a_network_counts_against_the_dense_spectrum():
    f, theta = blob_classifier(num_classes=3)
    dense = ls.dense_spectrum(f, theta)
    gap = ls.spectral_gap(dense, max_outliers=10)
    descending = np.sort(dense)[::-1]
    j = gap.num_outliers
    ratios = descending[:11] / descending[1:12]
    assert descending[0] > 0 and descending[11] > 0  # the window holds positive values only
    assert gap.ratio == ratios.max() and j == int(np.argmax(ratios)) + 1
    assert gap.bulk_edge == descending[j]


def test_spectral_gap_rejects_bad_input():
    with pytest.raises(ValueError, match="at least two positive values"):
        ls.spectral_gap([1.0, -1.0, 0.0])
    with pytest.raises(ValueError, match="`max_outliers` must be an integer >= 1"):
        ls.spectral_gap([2.0, 1.0], max_outliers=0)
    with pytest.raises(TypeError, match="max_outliers"):
        ls.spectral_gap([2.0, 1.0], max_outliers=1.5)
    with pytest.raises(ValueError, match="`eigenvalues` must contain only finite"):
        ls.spectral_gap([2.0, np.inf])
    with pytest.raises(ValueError, match="`eigenvalues` must be a 1-D vector"):
        ls.spectral_gap(np.eye(3))
    with pytest.raises(TypeError, match="eigenvalues"):
        ls.spectral_gap("3 2 1")
    assert repr(ls.spectral_gap([4.0, 1.0])) == "SpectralGap(num_outliers=1, ratio=4, bulk_edge=1)"
