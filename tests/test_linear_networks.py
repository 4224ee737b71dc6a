"""Tests for the deep linear autoencoder and its closed-form critical points."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls


def _data(d: int = 4, n: int = 300, seed: int = 0) -> np.ndarray:
    scales = np.sqrt(np.linspace(3.0, 0.4, d))
    return np.random.default_rng(seed).standard_normal((n, d)) * scales


@pytest.mark.parametrize(("width", "depth"), [(1, 2), (2, 2), (2, 3), (3, 4)])
def test_derivatives_match_finite_differences(width, depth):
    ae = ls.DeepLinearAutoencoder(_data(), width=width, depth=depth)
    rng = np.random.default_rng(1)
    for _ in range(2):
        theta = rng.standard_normal(ae.dim)
        # exact derivatives against central differences: ~1e-9 relative agreement
        assert ls.check_grad(ae, theta).ok
        assert ls.check_hvp(ae, theta).ok


@pytest.mark.parametrize(("width", "depth"), [(2, 2), (2, 3)])
def test_hessian_is_the_matrix_of_hessian_vector_products(width, depth):
    ae = ls.DeepLinearAutoencoder(_data(), width=width, depth=depth)
    theta = np.random.default_rng(2).standard_normal(ae.dim)
    columns = np.column_stack([ae.hvp(theta, e) for e in np.eye(ae.dim)])
    hessian = ae.hessian(theta)
    np.testing.assert_allclose(hessian, columns, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(hessian, hessian.T)


def test_value_is_the_mean_reconstruction_error():
    X = _data()
    ae = ls.DeepLinearAutoencoder(X, width=2, depth=3)
    theta = np.random.default_rng(3).standard_normal(ae.dim)
    w1, w2, w3 = ae.unpack(theta)
    reconstruction = X @ (w3 @ w2 @ w1).T
    direct = 0.5 * np.mean(np.sum((X - reconstruction) ** 2, axis=1))
    assert ae.value(theta) == pytest.approx(direct, rel=1e-12)
    np.testing.assert_allclose(ae.end_to_end(theta), w3 @ w2 @ w1, rtol=1e-14)


def test_product_landscape_is_the_one_dimensional_case():
    product = ls.DeepLinearAutoencoder([[1.0]], width=1, depth=2)
    for w in ([0.3, -2.0], [1.5, 0.7]):
        assert product.value(w) == pytest.approx(0.5 * (1 - w[0] * w[1]) ** 2, rel=1e-14)
    np.testing.assert_array_equal(product.hessian([0.0, 0.0]), [[0.0, -1.0], [-1.0, 0.0]])


def test_pack_and_unpack_round_trip_without_aliasing():
    ae = ls.DeepLinearAutoencoder(_data(), width=2, depth=3)
    theta = np.arange(float(ae.dim))
    weights = ae.unpack(theta)
    assert [w.shape for w in weights] == [(2, 4), (2, 2), (4, 2)]
    np.testing.assert_array_equal(ae.pack(weights), theta)
    weights[0][0, 0] = -1.0
    assert theta[0] == 0.0  # unpack copies


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_closed_form_critical_points_match_dense_hessians(depth):
    ae = ls.DeepLinearAutoencoder(_data(), width=2, depth=depth)
    points = ls.autoencoder_critical_points(ae)
    assert len(points) == 1 + 4 + 6  # subsets of size 0, 1, 2 of four directions
    for p in points:
        assert np.linalg.norm(ae.grad(p.point)) < 1e-12
        assert ae.value(p.point) == pytest.approx(p.value, rel=1e-12)
        eigenvalues = np.linalg.eigvalsh(ae.hessian(p.point))
        # exact Hessians: a zero eigenvalue is zero to rounding, the rest are O(0.1)
        tol = 1e-9 * np.max(np.abs(eigenvalues))
        assert int(np.sum(eigenvalues < -tol)) == p.index, p
        assert int(np.sum(np.abs(eigenvalues) <= tol)) == p.num_zero, p
        assert ae.projection_subset(p.point) == p.subset
        assert p.strict == (p.index > 0) and p.rank == len(p.subset)


def test_only_the_top_subset_is_a_minimum_and_values_are_sorted():
    ae = ls.DeepLinearAutoencoder(_data(), width=2)
    points = ls.autoencoder_critical_points(ae)
    assert [p.kind for p in points].count("minimum") == 1
    assert points[0].subset == (0, 1) and points[0].index == 0
    values = [p.value for p in points]
    assert values == sorted(values)
    lam = ae.eigenvalues
    assert points[0].value == pytest.approx(0.5 * (lam[2] + lam[3]), rel=1e-14)


def test_deep_rank_deficient_points_are_non_strict_saddles():
    # With three factors the origin has index 0 but is not a minimum.
    ae = ls.DeepLinearAutoencoder(_data(), width=2, depth=3)
    origin = ls.autoencoder_critical_points(ae, ranks=0)[0]
    assert origin.subset == () and origin.index == 0 and origin.kind == "saddle"
    assert not origin.strict
    np.testing.assert_array_equal(ae.hessian(origin.point), 0.0)


def test_ranks_selects_subsets():
    ae = ls.DeepLinearAutoencoder(_data(), width=2)
    assert {p.rank for p in ls.autoencoder_critical_points(ae, ranks=[1])} == {1}
    assert len(ls.autoencoder_critical_points(ae, ranks=(0, 2))) == 1 + 6


def test_eigenvectors_are_sign_normalized_and_descending():
    ae = ls.DeepLinearAutoencoder(_data(), width=1)
    assert np.all(np.diff(ae.eigenvalues) < 0)
    vectors = ae.eigenvectors
    largest = vectors[np.argmax(np.abs(vectors), axis=0), np.arange(vectors.shape[1])]
    assert np.all(largest > 0)
    np.testing.assert_allclose(ae.covariance @ vectors, vectors * ae.eigenvalues, atol=1e-12)


def test_projection_subset_rejects_non_projections():
    ae = ls.DeepLinearAutoencoder(np.diag([2.0, 1.0]), width=1)
    assert ae.projection_subset([0.0, 1.0, 0.0, 1.0]) == (1,)
    assert ae.projection_subset([0.0, 2.0, 0.0, 1.0]) is None  # W = 2 e_2 e_2^T
    assert ae.projection_subset([0.0, 1.0, 0.0, 1.0 + 1e-3]) is None
    assert ae.projection_subset([0.0, 1.0, 0.0, 1.0 + 1e-3], tol=1e-2) == (1,)
    assert ae.projection_subset([1.0, 1.0, 1.0, 1.0]) is None  # not diagonal


def test_repr():
    ae = ls.DeepLinearAutoencoder(_data(), width=2, depth=3)
    assert repr(ae) == "DeepLinearAutoencoder(input_dim=4, width=2, depth=3, dim=20)"
    point = ls.autoencoder_critical_points(ae)[0]
    assert repr(point).startswith("AutoencoderCriticalPoint(subset=(0, 1), value=")


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (([1.0, 2.0], 1), {}, ValueError, "2-D"),
        ((np.zeros((0, 2)), 1), {}, ValueError, "at least 1 row"),
        (([[np.nan, 1.0]], 1), {}, ValueError, "finite"),
        (("data", 1), {}, TypeError, "X"),
        ((np.eye(2), 0), {}, ValueError, "width"),
        ((np.eye(2), 1.5), {}, TypeError, "width"),
        ((np.eye(2), 1), {"depth": 1}, ValueError, "depth"),
    ],
)
def test_constructor_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        ls.DeepLinearAutoencoder(*args, **kwargs)


def test_pack_rejects_bad_weights():
    ae = ls.DeepLinearAutoencoder(np.eye(2), width=1)
    with pytest.raises(TypeError, match="sequence"):
        ae.pack(np.zeros(4))
    with pytest.raises(ValueError, match="2 matrices"):
        ae.pack([np.zeros((1, 2))])
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        ae.pack([np.zeros((1, 2)), np.zeros((1, 2))])
    with pytest.raises(ValueError, match="theta"):
        ae.unpack(np.zeros(3))


def test_critical_points_reject_bad_input():
    ae = ls.DeepLinearAutoencoder(_data(), width=2)
    with pytest.raises(TypeError, match="DeepLinearAutoencoder"):
        ls.autoencoder_critical_points(ls.surface("saddle"))
    with pytest.raises(ValueError, match="ranks"):
        ls.autoencoder_critical_points(ae, ranks=3)
    with pytest.raises(ValueError, match="ranks"):
        ls.autoencoder_critical_points(ae, ranks=-1)
    with pytest.raises(TypeError, match="ranks"):
        ls.autoencoder_critical_points(ae, ranks=[1.5])
    repeated = ls.DeepLinearAutoencoder(np.eye(3), width=1)  # Sigma = I / 3
    with pytest.raises(ValueError, match="distinct"):
        ls.autoencoder_critical_points(repeated)
    singular = ls.DeepLinearAutoencoder(np.array([[1.0, 0.0], [2.0, 0.0]]), width=1)
    with pytest.raises(ValueError, match="positive"):
        ls.autoencoder_critical_points(singular)
    with pytest.raises(ValueError, match="tol"):
        ae.projection_subset(np.zeros(ae.dim), tol=-1.0)
