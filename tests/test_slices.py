"""Tests for landscape.slices: directions, slices, projections, invariance, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls


def relu_net(widths=(3, 6, 5, 2), n=30, seed=0, loss="cross_entropy"):
    """A ReLU network objective and a generic point (random biases keep units off kinks)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, widths[0]))
    y = (
        rng.integers(0, widths[-1], n)
        if loss == "cross_entropy"
        else rng.standard_normal((n, widths[-1]))
    )
    mlp = ls.MLP(widths, "relu")
    f = ls.mlp_objective(mlp, X, y, loss)
    theta = mlp.init(rng) + 0.1 * rng.standard_normal(mlp.num_params)
    return f, theta


def rescaled_by_hand(mlp, theta, layer, alpha):
    """Scale layer `layer` (weights and bias) by alpha and the next weights by 1/alpha."""
    params = mlp.unpack(theta)
    params[f"layer{layer}.weight"] = alpha * params[f"layer{layer}.weight"]
    params[f"layer{layer}.bias"] = alpha * params[f"layer{layer}.bias"]
    params[f"layer{layer + 1}.weight"] = params[f"layer{layer + 1}.weight"] / alpha
    return mlp.pack(params)


class CountingBowl(ls.Objective):
    """f(theta) = ||theta||^2 / 2 with a vectorized `values` that counts its calls."""

    def __init__(self, dim):
        self.dim, self.name = dim, "bowl"
        self.values_calls = 0
        self.rows = 0

    def value(self, theta):
        raise AssertionError("slices must use the batched `values`, not `value`")

    def values(self, thetas):
        thetas = np.asarray(thetas)
        self.values_calls += 1
        self.rows += thetas.shape[0]
        return 0.5 * np.einsum("ij,ij->i", thetas, thetas)


# --------------------------------------------------------------------------------------
# random directions


def test_filter_normalized_directions_match_row_norms_and_zero_biases():
    f, theta = relu_net()
    dirs = ls.random_directions(theta, f, num_directions=3, rng=4)
    assert dirs.vectors.shape == (3, f.dim) and dirs.kind == "random" and dirs.seed == 4
    checked = 0
    for vector in dirs.vectors:
        params, ref = f.mlp.unpack(vector), f.mlp.unpack(theta)
        for block in f.mlp.layers:
            if block.kind == "weight":
                got = np.linalg.norm(params[block.name], axis=1)
                want = np.linalg.norm(ref[block.name], axis=1)
                # rescaling to a prescribed norm: exact up to a few roundings
                np.testing.assert_allclose(got, want, rtol=1e-12)
            else:
                assert not np.any(params[block.name])
            checked += 1
    assert checked == 3 * len(f.mlp.layers)


def test_filter_directions_are_orthogonal_unit_by_unit():
    f, theta = relu_net()
    d1, d2, d3 = ls.random_directions(theta, f, num_directions=3, rng=0).vectors
    for a, b in ((d1, d2), (d1, d3), (d2, d3)):
        # exact orthogonality, up to the rounding of a d-term inner product
        assert abs(a @ b) <= 1e-12 * np.linalg.norm(a) * np.linalg.norm(b)
        for block in f.mlp.layers[0::2]:
            rows_a = a[block.slice].reshape(block.shape)
            rows_b = b[block.slice].reshape(block.shape)
            per_row = np.einsum("ij,ij->i", rows_a, rows_b)
            # each output unit's pieces are orthogonal, not just the totals
            assert np.all(np.abs(per_row) <= 1e-12 * np.linalg.norm(theta[block.slice]) ** 2)


def test_layer_normalization_matches_block_norms():
    f, theta = relu_net()
    dirs = ls.random_directions(theta, f, normalization="layer", bias="normalize", rng=1)
    for vector in dirs.vectors:
        for block in f.mlp.layers:
            # rescaling to a prescribed norm: exact up to a few roundings
            np.testing.assert_allclose(
                np.linalg.norm(vector[block.slice]), np.linalg.norm(theta[block.slice]), rtol=1e-12
            )
    assert dirs.normalization == "layer"


def test_filter_bias_normalize_gives_plus_minus_bias():
    f, theta = relu_net()
    vector = ls.random_directions(theta, f, bias="normalize", rng=2).vectors[0]
    for block in f.mlp.layers[1::2]:
        # a one-entry filter rescaled to |b_i|: exact up to rounding
        np.testing.assert_allclose(np.abs(vector[block.slice]), np.abs(theta[block.slice]))


def test_raw_directions_are_gaussian_not_uniform():
    theta = np.zeros(4000)
    d1, d2 = ls.random_directions(theta, normalization="none", rng=0).vectors
    for vector in (d1, d2):
        # mean of 4000 N(0,1): standard error 0.016, so 0.08 is a 5-sigma band
        assert abs(vector.mean()) < 0.08
        # fraction positive: standard error 0.008; an all-positive draw fails at once
        assert 0.45 < np.mean(vector > 0) < 0.55
        # Gaussian kurtosis is 3 (uniform: 1.8); standard error about 0.08
        kurtosis = np.mean(vector**4) / np.mean(vector**2) ** 2
        assert 2.7 < kurtosis < 3.3
        # Gaussian norm ~ sqrt(d) = 63.2 +- 0.7
        assert 60 < np.linalg.norm(vector) < 66
    assert abs(d1 @ d2) <= 1e-10 * np.linalg.norm(d1) * np.linalg.norm(d2)


def test_random_directions_are_seeded_and_generator_has_no_seed():
    f, theta = relu_net()
    a = ls.random_directions(theta, f, rng=7)
    b = ls.random_directions(theta, f, rng=7)
    c = ls.random_directions(theta, f, rng=8)
    assert np.array_equal(a.vectors, b.vectors)
    assert not np.allclose(a.vectors, c.vectors)
    assert ls.random_directions(theta, f, rng=np.random.default_rng(7)).seed is None


def test_one_entry_filters_keep_raw_draw_when_they_cannot_be_orthogonal():
    # widths (1, 3, 1): layer 0 rows have a single entry, so two directions cannot be
    # orthogonal there; they keep their raw draws (and their prescribed norms).
    mlp = ls.MLP((1, 3, 1), "relu")
    theta = mlp.init(rng=0)
    d1, d2 = ls.random_directions(theta, mlp, rng=0).vectors
    block = mlp.layers[0]
    np.testing.assert_allclose(np.abs(d1[block.slice]), np.abs(theta[block.slice]))
    np.testing.assert_allclose(np.abs(d2[block.slice]), np.abs(theta[block.slice]))


@pytest.mark.parametrize("layer", [0, 1])
@pytest.mark.parametrize("alpha", [0.2, 5.0])
def test_filter_normalized_slices_are_invariant_to_relu_rescaling(layer, alpha):
    f, theta = relu_net()
    twin = rescaled_by_hand(f.mlp, theta, layer, alpha)
    X = f.X
    # the two networks compute the same function (positive homogeneity of ReLU)
    np.testing.assert_allclose(f.predict(twin, X), f.predict(theta, X), rtol=1e-12, atol=1e-12)
    curves = {}
    for normalization in ("filter", "layer", "none"):
        for name, point in (("theta", theta), ("twin", twin)):
            dirs = ls.random_directions(point, f, normalization=normalization, rng=3)
            curves[normalization, name] = ls.slice_1d(f, point, dirs, num_points=21).losses
    for normalization in ("filter", "layer"):
        # same function at every grid point; differences are rounding only
        np.testing.assert_allclose(
            curves[normalization, "theta"], curves[normalization, "twin"], rtol=1e-10
        )
    raw_gap = np.max(np.abs(curves["none", "theta"] - curves["none", "twin"]))
    # unnormalized slices of the same function differ by far more than rounding
    assert raw_gap > 1e-2, raw_gap


def test_filter_normalized_2d_slice_is_invariant():
    f, theta = relu_net(seed=1)
    twin = rescaled_by_hand(f.mlp, theta, 0, 3.0)
    slices = [
        ls.slice_2d(f, p, ls.random_directions(p, f, rng=0), num_points=9) for p in (theta, twin)
    ]
    # same function at every grid point; differences are rounding only
    np.testing.assert_allclose(slices[0].losses, slices[1].losses, rtol=1e-10)


# --------------------------------------------------------------------------------------
# normalize_directions


def test_normalize_directions_rescales_each_filter():
    f, theta = relu_net()
    rng = np.random.default_rng(0)
    raw = rng.standard_normal((2, f.dim))
    raw[0, f.mlp.layers[2].slice] = 0.0  # a zero block stays zero
    dirs = ls.normalize_directions(raw, theta, f)
    assert dirs.kind == "custom" and dirs.normalization == "filter"
    assert not np.any(dirs.vectors[0, f.mlp.layers[2].slice])
    block = f.mlp.layers[0]
    rows = dirs.vectors[1, block.slice].reshape(block.shape)
    raw_rows = raw[1, block.slice].reshape(block.shape)
    # each row keeps its direction and gets its unit's weight norm (rounding only)
    np.testing.assert_allclose(
        rows,
        raw_rows
        / np.linalg.norm(raw_rows, axis=1, keepdims=True)
        * np.linalg.norm(theta[block.slice].reshape(block.shape), axis=1, keepdims=True),
        rtol=1e-12,
    )
    kept = ls.normalize_directions(
        ls.hessian_directions(f, theta), theta, f.mlp, normalization="layer"
    )
    assert kept.kind == "hessian" and kept.values is not None


# --------------------------------------------------------------------------------------
# PCA and Hessian directions


def test_pca_directions_match_the_gram_matrix_eigenvectors():
    rng = np.random.default_rng(0)
    d = 40
    basis = np.linalg.qr(rng.standard_normal((d, 3)))[0].T
    coefficients = rng.standard_normal((25, 3)) * np.array([5.0, 2.0, 0.5])
    center = rng.standard_normal(d)
    params = center + coefficients @ basis
    dirs = ls.pca_directions(params, center, num_directions=2)
    M = params - center
    values, vectors = np.linalg.eigh(M.T @ M)
    for i in range(2):
        # unit vectors from an SVD versus from eigh: agreement to ~1e-12
        assert abs(abs(dirs.vectors[i] @ vectors[:, -1 - i]) - 1.0) < 1e-10
    # explained fractions from singular values versus eigenvalues
    np.testing.assert_allclose(dirs.values, values[::-1][:2] / values.sum(), rtol=1e-10)
    # orthonormal rows to rounding
    np.testing.assert_allclose(dirs.vectors @ dirs.vectors.T, np.eye(2), atol=1e-12)
    assert np.all(dirs.project(params[:1], center) >= 0)


def test_pca_directions_from_a_trajectory_default_to_the_end_point():
    f, theta = relu_net(loss="mse")
    traj = ls.minimize(f, theta, ls.gd(0.05), 30)
    dirs = ls.pca_directions(traj)
    explicit = ls.pca_directions(traj.params, traj.final_params)
    assert np.array_equal(dirs.vectors, explicit.vectors)
    assert dirs.label.startswith("PCA of the trajectory")
    assert 0 < dirs.values.sum() <= 1 + 1e-12
    # the end point projects to the origin of the plane
    s = ls.slice_2d(f, traj.final_params, dirs, num_points=3)
    np.testing.assert_allclose(s.project(traj.final_params), [[0.0, 0.0]], atol=1e-12)


def test_pca_directions_reject_degenerate_trajectories():
    line = np.outer(np.arange(5.0), np.ones(4))
    with pytest.raises(ValueError, match="spans only 1 independent"):
        ls.pca_directions(line, num_directions=2)
    bowl = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    traj = ls.minimize(bowl, [1.0, 1.0], ls.gd(0.1), 3, record_params=False)
    with pytest.raises(ValueError, match="record_params=True"):
        ls.pca_directions(traj)
    with pytest.raises(TypeError, match="array of real numbers"):
        ls.pca_directions("trajectory")


def test_hessian_directions_match_dense_eigenvectors():
    f, theta = relu_net(widths=(3, 5, 3))
    values, vectors = np.linalg.eigh(f.hessian(theta))
    top = ls.hessian_directions(f, theta, num_directions=2, tol=1e-10)
    # Lanczos eigenvalues against eigh: both converge to rounding
    np.testing.assert_allclose(top.values, values[::-1][:2], rtol=1e-8)
    for i in range(2):
        assert abs(abs(top.vectors[i] @ vectors[:, -1 - i]) - 1.0) < 1e-6
    ends = ls.hessian_directions(f, theta, which="extremes", tol=1e-10)
    np.testing.assert_allclose(ends.values, [values[-1], values[0]], rtol=1e-8, atol=1e-10)
    assert "Hessian eigenvectors" in ends.label
    with pytest.raises(ValueError, match="exactly 2 directions"):
        ls.hessian_directions(f, theta, num_directions=3, which="extremes")
    with pytest.raises(ValueError, match="`which` must be one of"):
        ls.hessian_directions(f, theta, which="middle")


# --------------------------------------------------------------------------------------
# slices


def test_slice_1d_matches_pointwise_values_and_uses_batches():
    f, theta = relu_net()
    d = ls.random_directions(theta, f, num_directions=1, rng=0)
    s = ls.slice_1d(f, theta, d, bounds=(-0.5, 2.0), num_points=17, chunk_size=5)
    reference = [f.value(theta + a * d.vectors[0]) for a in s.alphas]
    # batched forward versus single forward: same maths, different summation order
    np.testing.assert_allclose(s.losses, reference, rtol=1e-12)
    assert s.ndim == 1 and s.betas is None and s.alphas[0] == -0.5 and s.alphas[-1] == 2.0
    assert s.center_loss == pytest.approx(f.value(theta), rel=1e-12)  # batched vs single

    bowl = CountingBowl(3)
    s = ls.slice_1d(bowl, np.ones(3), np.ones(3), num_points=51, chunk_size=10)
    assert bowl.values_calls == 6 + 1  # ceil(51 / 10) chunks, then the centre
    assert bowl.rows == 52
    np.testing.assert_allclose(s.losses, 1.5 * (1 + s.alphas) ** 2, rtol=1e-14)


def test_slice_2d_orientation_and_default_grid():
    saddle = ls.surface("saddle")  # x^2 - y^2
    s = ls.slice_2d(saddle, [0.5, 0.0], np.eye(2))
    assert s.losses.shape == (51, 51) and s.alphas[0] == -1.0 and s.betas[-1] == 1.0
    aa, bb = np.meshgrid(s.alphas, s.betas)
    np.testing.assert_allclose(s.losses, (0.5 + aa) ** 2 - bb**2, atol=1e-14)
    rect = ls.slice_2d(saddle, [0.0, 0.0], np.eye(2), bounds=((0, 1), (-2, 0)), num_points=(3, 5))
    assert rect.losses.shape == (5, 3)
    assert rect.losses[0, 2] == pytest.approx(1.0 - 4.0)  # alpha = 1, beta = -2


def test_slice_2d_memory_is_chunked():
    bowl = CountingBowl(4)
    s = ls.slice_2d(bowl, np.zeros(4), np.eye(4)[:2], num_points=11, chunk_size=25)
    assert bowl.values_calls == 5 + 1  # ceil(121 / 25) chunks, then the centre
    aa, bb = np.meshgrid(s.alphas, s.betas)
    np.testing.assert_allclose(s.losses, 0.5 * (aa**2 + bb**2), atol=1e-15)
    default = CountingBowl(4)
    ls.slice_2d(default, np.zeros(4), np.eye(4)[:2], num_points=11)
    assert default.values_calls == 2  # the whole grid fits in one 32 MiB chunk


def test_network_slices_use_affine_values_and_match_single_calls(monkeypatch):
    f, theta = relu_net(loss="mse")
    dirs = ls.random_directions(theta, f, rng=2)

    def no_points(thetas):
        raise AssertionError("a network slice must not form and pass every point")

    monkeypatch.setattr(f, "values", no_points)
    s = ls.slice_2d(f, theta, dirs, bounds=((-1, 1), (-0.5, 2)), num_points=(7, 5))
    aa, bb = np.meshgrid(s.alphas, s.betas)
    reference = [
        f.value(theta + a * dirs.vectors[0] + b * dirs.vectors[1])
        for a, b in zip(aa.ravel(), bb.ravel(), strict=True)
    ]
    # first layer as A_0 + a A_1 + b A_2 and a batched head: rounding only
    np.testing.assert_allclose(s.losses.ravel(), reference, rtol=1e-12)
    pts = (
        theta
        + np.array([[0.0], [1.0], [0.5]]) * dirs.vectors[0]
        + np.array([[0.0], [0.0], [1.0]]) * dirs.vectors[1]
    )
    plane = ls.slice_through_points(f, pts, num_points=4)
    aa, bb = np.meshgrid(plane.alphas, plane.betas)
    points = pts[0] + np.column_stack([aa.ravel(), bb.ravel()]) @ plane.directions.vectors
    np.testing.assert_allclose(plane.losses.ravel(), [f.value(p) for p in points], rtol=1e-12)


def test_objects_without_affine_values_get_the_points():
    class DuckBowl:
        dim = 3

        def values(self, thetas):
            return 0.5 * np.einsum("ij,ij->i", thetas, thetas)

    s = ls.slice_1d(DuckBowl(), np.ones(3), np.ones(3), num_points=5)
    np.testing.assert_allclose(s.losses, 1.5 * (1 + s.alphas) ** 2, rtol=1e-14)


def test_slice_project_recovers_in_plane_points_for_skew_directions():
    rng = np.random.default_rng(1)
    directions = rng.standard_normal((2, 6))  # not orthogonal
    center = rng.standard_normal(6)
    coords = rng.standard_normal((4, 2))
    s = ls.slice_2d(ls.surface("quadratic", dim=6), center, directions, num_points=3)
    # least squares on an exactly consistent system: rounding only
    np.testing.assert_allclose(s.project(center + coords @ directions), coords, atol=1e-12)


def test_slice_through_two_points_interpolates():
    f, theta = relu_net(loss="mse")
    other = theta + 0.3 * np.random.default_rng(0).standard_normal(f.dim)
    s = ls.slice_through_points(f, [theta, other], margin=0.5, num_points=9)
    assert s.ndim == 1 and s.alphas[0] == -0.5 and s.alphas[-1] == 1.5
    assert s.points.tolist() == [[0.0], [1.0]]
    at_ends = ls.slice_through_points(f, [theta, other], margin=0.0, num_points=2).losses
    # batched forward versus single forward: rounding only
    np.testing.assert_allclose(at_ends, [f.value(theta), f.value(other)], rtol=1e-12)


def test_slice_through_three_points_reports_their_coordinates():
    f, theta = relu_net(loss="mse")
    rng = np.random.default_rng(2)
    points = np.stack(
        [theta, theta + rng.standard_normal(f.dim), theta - rng.standard_normal(f.dim)]
    )
    s = ls.slice_through_points(f, points, num_points=(7, 5))
    assert s.losses.shape == (5, 7) and s.directions.normalization == "orthonormal"
    vectors = s.directions.vectors
    # Gram-Schmidt in float64: orthonormal to rounding
    np.testing.assert_allclose(vectors @ vectors.T, np.eye(2), atol=1e-12)
    # the recorded coordinates reconstruct the three points (rounding only)
    np.testing.assert_allclose(s.center + s.points @ vectors, points, atol=1e-12)
    np.testing.assert_allclose(s.project(points), s.points, atol=1e-12)
    assert s.points[0].tolist() == [0.0, 0.0] and s.points[1, 1] == 0.0 and s.points[2, 1] > 0
    lo = s.points.min(axis=0)
    hi = s.points.max(axis=0)
    assert np.all(s.alphas[0] < lo[0]) and s.alphas[-1] > hi[0] and s.betas[0] < lo[1]


def test_slice_through_points_rejects_degenerate_input():
    f = ls.surface("quadratic", dim=3)
    p = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="collinear"):
        ls.slice_through_points(f, [p, 2 * p, 3 * p])
    with pytest.raises(ValueError, match="collinear"):
        ls.slice_through_points(f, [p, 2 * p, p + 1e-14 * np.array([1.0, 0.0, 0.0])])
    with pytest.raises(ValueError, match="coincide"):
        ls.slice_through_points(f, [p, p.copy(), 2 * p])
    with pytest.raises(ValueError, match="2 or 3 points"):
        ls.slice_through_points(f, [p, 2 * p, 3 * p, 4 * p])
    with pytest.raises(ValueError, match="`margin` must be non-negative"):
        ls.slice_through_points(f, [p, 2 * p], margin=-0.1)
    # a slightly non-collinear third point is a valid (thin) plane
    thin = ls.slice_through_points(f, [p, 2 * p, p + 1e-6 * np.array([1.0, 0.0, 0.0])])
    assert thin.points[2, 1] > 0


def test_no_function_mutates_its_inputs():
    f, theta = relu_net()
    theta_copy = theta.copy()
    other = theta + 1.0
    dirs = ls.random_directions(theta, f, rng=0)
    raw = np.array(dirs.vectors)
    ls.normalize_directions(raw, theta, f)
    ls.slice_1d(f, theta, raw[0])
    ls.slice_2d(f, theta, raw, num_points=5)
    ls.slice_through_points(f, np.stack([theta, other, theta - 0.5 * other]), num_points=5)
    params = np.stack([theta, other, other * 2, theta * 0.5])
    params_copy = params.copy()
    ls.pca_directions(params)
    ls.hessian_directions(f, theta)
    assert np.array_equal(theta, theta_copy)
    assert np.array_equal(params, params_copy)
    assert np.array_equal(raw, dirs.vectors)
    with pytest.raises(ValueError, match="read-only"):
        dirs.vectors[0, 0] = 1.0


def test_records_repr_and_labels():
    f, theta = relu_net()
    dirs = ls.random_directions(theta, f, rng=3)
    assert (
        repr(dirs)
        == f"Directions(kind='random', normalization='filter', seed=3, shape=(2, {f.dim}))"
    )
    assert dirs.label == "random directions (filter-normalized, seed 3)"
    s = ls.slice_1d(f, theta, dirs, num_points=3)
    assert s.directions.num_directions == 1 and s.label == dirs.label
    assert repr(s).startswith("Slice(ndim=1, grid=(3,), kind='random'")
    mine = np.eye(2)
    custom = ls.Directions(mine, "custom", "none")
    mine[0, 0] = 5.0  # the record holds its own copy; the caller's array stays writable
    assert custom.vectors[0, 0] == 1.0 and not custom.vectors.flags.writeable
    assert custom.label == "custom directions (unnormalized)"
    assert (
        ls.slice_through_points(ls.surface("saddle"), np.eye(2)).label == "through the given points"
    )


# --------------------------------------------------------------------------------------
# bad input


def test_bad_directions_and_shapes():
    f, theta = relu_net()
    with pytest.raises(ValueError, match=rf"must have shape \(n, {f.dim}\)"):
        ls.slice_1d(f, theta, np.ones(f.dim + 1))
    with pytest.raises(ValueError, match="use slice_2d"):
        ls.slice_1d(f, theta, np.ones((2, f.dim)))
    with pytest.raises(ValueError, match="exactly 2 directions"):
        ls.slice_2d(f, theta, np.ones((3, f.dim)))
    with pytest.raises(ValueError, match=rf"must have shape \(n, {f.dim}\)"):
        ls.slice_2d(f, theta, np.ones((2, f.dim - 1)))
    wrong = ls.Directions(np.ones((2, 3)), "custom", "none")
    with pytest.raises(ValueError, match=f"must have {f.dim} columns"):
        ls.slice_2d(f, theta, wrong)
    with pytest.raises(ValueError, match="`center` must have length"):
        ls.slice_1d(f, theta[:-1], np.ones(f.dim))
    with pytest.raises(ValueError, match="finite"):
        ls.slice_1d(f, theta, np.full(f.dim, np.nan))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"bounds": (1.0, -1.0)}, ValueError, "low < high"),
        ({"bounds": (0.0, np.inf)}, ValueError, "low < high"),
        ({"bounds": 1.0}, ValueError, "must be a pair"),
        ({"bounds": ("a", 1.0)}, TypeError, "real numbers"),
        ({"num_points": 1}, ValueError, "`num_points` must be an integer >= 2"),
        ({"num_points": 2.5}, TypeError, "`num_points` must be an integer"),
        ({"chunk_size": 0}, ValueError, "`chunk_size` must be an integer >= 1"),
    ],
)
def test_bad_grid_arguments(kwargs, error, match):
    f = ls.surface("saddle")
    with pytest.raises(error, match=match):
        ls.slice_1d(f, np.zeros(2), np.ones(2), **kwargs)


def test_bad_2d_grid_arguments():
    f = ls.surface("saddle")
    with pytest.raises(ValueError, match=r"`bounds\[1\]` must be finite with low < high"):
        ls.slice_2d(f, np.zeros(2), np.eye(2), bounds=((0, 1), (1, 1)))
    with pytest.raises(ValueError, match="an int or a pair"):
        ls.slice_2d(f, np.zeros(2), np.eye(2), num_points=(3, 4, 5))


def test_bad_objectives_and_layers():
    f, theta = relu_net()
    with pytest.raises(TypeError, match="batched `values"):
        ls.slice_1d(object(), theta, theta)

    class NoDim:
        def values(self, thetas):
            return np.zeros(len(thetas))

    with pytest.raises(TypeError, match="positive integer `dim`"):
        ls.slice_1d(NoDim(), theta, theta)
    with pytest.raises(ValueError, match="needs the network's layer structure"):
        ls.random_directions(theta)
    with pytest.raises(ValueError, match="describe 9 parameters"):
        ls.random_directions(theta, ls.MLP((2, 3)))
    with pytest.raises(ValueError, match="describe 9 parameters"):
        ls.random_directions(theta, ls.MLP((2, 3)), normalization="none")
    with pytest.raises(TypeError, match="`layers` must be an MLP"):
        ls.random_directions(theta, "mlp")
    with pytest.raises(TypeError, match="`layers` must be an MLP"):
        ls.normalize_directions(theta, theta, [])
    with pytest.raises(ValueError, match="`normalization` must be one of"):
        ls.random_directions(theta, f, normalization="unit")
    with pytest.raises(ValueError, match="`normalization` must be one of 'filter', 'layer';"):
        ls.normalize_directions(theta, theta, f, normalization="none")
    with pytest.raises(ValueError, match="`bias` must be one of"):
        ls.random_directions(theta, f, bias="keep")
    with pytest.raises(ValueError, match="`num_directions` must be an integer >= 1"):
        ls.random_directions(theta, f, num_directions=0)
    with pytest.raises(TypeError, match="`rng` must be"):
        ls.random_directions(theta, f, rng="seed")
    blocks = f.mlp.layers
    from_blocks = ls.random_directions(theta, blocks, rng=0)
    assert np.array_equal(from_blocks.vectors, ls.random_directions(theta, f.mlp, rng=0).vectors)
