"""Tests for landscape.spectrum: every estimate against a dense reference."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse.linalg import LinearOperator, aslinearoperator, eigsh

import landscape as ls


def net_objective(widths, activation, loss, n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, widths[0]))
    y = rng.standard_normal((n, widths[-1])) if loss == "mse" else rng.integers(0, widths[-1], n)
    mlp = ls.MLP(widths, activation)
    f = ls.mlp_objective(mlp, X, y, loss)
    return f, mlp.init(rng) + 0.2 * rng.standard_normal(mlp.num_params)


@pytest.fixture(scope="module")
def trained():
    """An over-parameterized regression net trained by gradient descent to near-zero loss:
    most Hessian eigenvalues form a cluster at zero, a few of them slightly negative."""
    data = ls.teacher_student(20, widths=(3, 4, 1), noise=0.0, rng=1)
    mlp = ls.MLP((3, 10, 1), "tanh")
    f = ls.mlp_objective(mlp, data.X, data.y)
    theta = mlp.init(rng=0)
    learning_rate = 1.0 / np.linalg.eigvalsh(f.hessian(theta))[-1]
    for _ in range(3000):
        theta = theta - learning_rate * f.grad(theta)
    return f, theta, np.linalg.eigvalsh(f.hessian(theta))


def random_symmetric(d, seed, spectrum=None):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    values = rng.standard_normal(d) if spectrum is None else np.asarray(spectrum, float)
    return (Q * values) @ Q.T


ARCHS = [
    ((3, 6, 2), "tanh", "mse"),
    ((3, 5, 4, 3), "gelu", "cross_entropy"),
    ((2, 6, 6, 1), "softplus", "mse"),
    ((3, 8, 3), "relu", "cross_entropy"),
]


# ---------------------------------------------------------------------- operator
def test_hessian_operator_counts_and_matches_dense():
    f, theta = net_objective((3, 5, 2), "tanh", "mse")
    H = f.hessian(theta)
    op = ls.HessianOperator(f, theta)
    v = np.arange(f.dim, dtype=float)
    np.testing.assert_allclose(op @ v, H @ v, rtol=1e-12)  # same R-operator arithmetic
    V = np.random.default_rng(0).standard_normal((f.dim, 3))
    np.testing.assert_allclose(op @ V, H @ V, rtol=1e-12)
    np.testing.assert_allclose(op.T @ v, H @ v, rtol=1e-12)
    assert op.num_matvecs == 5
    assert op.shape == (f.dim, f.dim) and op.dtype == np.float64
    assert repr(op).startswith("HessianOperator(objective=NetworkObjective(")
    theta_before = theta.copy()
    theta += 1.0  # the operator holds its own copy
    np.testing.assert_allclose(op @ v, H @ v, rtol=1e-12)
    assert not np.array_equal(op.theta, theta) and np.array_equal(op.theta, theta_before)


def test_hessian_operator_without_batched_hvps_loops():
    f = ls.from_function(lambda t: t[0] ** 2 * t[1], dim=2, hvp=lambda t, v: [0 * v[0], v[1]])
    op = ls.HessianOperator(f, [1.0, 1.0])
    np.testing.assert_array_equal(op @ np.eye(2), [[0.0, 0.0], [0.0, 1.0]])
    assert op.num_matvecs == 2


# ---------------------------------------------------------------------- top_eigenpairs
@pytest.mark.parametrize(("widths", "activation", "loss"), ARCHS)
@pytest.mark.parametrize("which", ["largest", "smallest"])
@pytest.mark.parametrize("method", ["lanczos", "eigsh"])
def test_top_eigenpairs_match_dense_on_small_networks(widths, activation, loss, which, method):
    f, theta = net_objective(widths, activation, loss)
    H = f.hessian(theta)
    dense = np.linalg.eigvalsh(H)
    k = 3
    ref = dense[::-1][:k] if which == "largest" else dense[:k]
    result = ls.top_eigenpairs(f, theta, k=k, which=which, method=method, tol=1e-10)
    assert result.converged
    scale = np.abs(dense).max()
    # Residual tolerance 1e-10 * ||H|| bounds the eigenvalue error far below 1e-6.
    np.testing.assert_allclose(result.eigenvalues, ref, rtol=0, atol=1e-6 * scale)
    U = result.eigenvectors
    assert U.shape == (f.dim, k)
    np.testing.assert_allclose(U.T @ U, np.eye(k), atol=1e-8)  # orthonormal to rounding
    true_resid = np.linalg.norm(H @ U - U * result.eigenvalues, axis=0)
    # The reported residuals are the Lanczos recurrence's; they track the true ones.
    np.testing.assert_allclose(result.residual_norms, true_resid, atol=1e-9 * scale)
    assert np.all(true_resid <= 1e-8 * scale)
    assert np.all(U[np.argmax(np.abs(U), axis=0), np.arange(k)] > 0)  # sign convention


def test_largest_means_algebraic_not_magnitude():
    # Curvature -10 dominates in magnitude; sharpness is still the largest eigenvalue, 2.
    f = ls.from_function(
        lambda t: -5 * t[0] ** 2 + t[1] ** 2 + 0.5 * t[2] ** 2 + 0.1 * t[3] ** 2,
        dim=4,
        hvp=lambda t, v: np.array([-10, 2, 1, 0.2]) * v,
    )
    theta = np.zeros(4)
    for method in ("lanczos", "eigsh"):
        top = ls.top_eigenpairs(f, theta, method=method)
        assert top.eigenvalues[0] == pytest.approx(2.0, rel=1e-10)  # converged Ritz value
        bottom = ls.top_eigenpairs(f, theta, which="smallest", method=method)
        assert bottom.eigenvalues[0] == pytest.approx(-10.0, rel=1e-10)
    # ARPACK's "LM" answers a different question: the trap this API avoids.
    lm = eigsh(ls.HessianOperator(f, theta), k=1, which="LM")[0][0]
    assert lm == pytest.approx(-10.0, rel=1e-10)


def test_negative_curvature_of_a_network_saddle():
    # A deep linear network at the origin is a saddle: +-sigma eigenvalues, sigma > 0,
    # each repeated (hidden units are interchangeable). Regression: Lanczos once stopped
    # on the invariant Krylov space and reported one copy of a double eigenvalue.
    data = ls.teacher_student(30, widths=(3, 2), activation="linear", noise=0.0, rng=0)
    f = ls.mlp_objective(ls.MLP((3, 4, 2), "linear"), data.X, data.y)
    theta = np.zeros(f.dim)
    dense = np.linalg.eigvalsh(f.hessian(theta))
    top = ls.top_eigenpairs(f, theta, k=2)
    bottom = ls.top_eigenpairs(f, theta, k=2, which="smallest")
    assert dense[0] < -0.1 * dense[-1]  # strongly negative curvature exists
    np.testing.assert_allclose(top.eigenvalues, dense[::-1][:2], atol=1e-8)
    np.testing.assert_allclose(bottom.eigenvalues, dense[:2], atol=1e-8)
    ext = ls.curvature_extremes(f, theta)
    assert ext.kind == "negative curvature" and ext.lambda_min == pytest.approx(dense[0])


def test_zero_cluster_caps_products_and_reports_non_convergence(trained):
    f, theta, dense = trained
    assert dense[0] < 0 < dense[-1]  # the trained point still has tiny negative eigenvalues
    assert np.sum(np.abs(dense) < 1e-3 * dense[-1]) > f.dim // 2  # a zero cluster
    cap = 20
    result = ls.top_eigenpairs(f, theta, k=1, which="smallest", tol=1e-12, max_matvecs=cap)
    assert not result.converged
    assert result.num_matvecs <= cap + 2  # the cap plus the two symmetry probes
    # Cauchy interlacing: an unconverged smallest Ritz value never undershoots lambda_min.
    assert result.eigenvalues[0] >= dense[0] - 1e-12
    arpack = ls.top_eigenpairs(
        f, theta, k=2, which="smallest", method="eigsh", tol=1e-14, max_matvecs=2 * cap
    )
    assert not arpack.converged and arpack.eigenvalues.size < 2
    # With enough budget both solvers converge to the dense answer.
    full = ls.top_eigenpairs(f, theta, which="smallest", tol=1e-10, max_matvecs=3000)
    assert full.converged
    assert full.eigenvalues[0] == pytest.approx(dense[0], abs=1e-8 * dense[-1])


def test_curvature_extremes_classifies_with_a_relative_threshold(trained):
    f, theta, dense = trained
    ext = ls.curvature_extremes(f, theta, rtol=1e-2, max_matvecs=2000)
    assert ext.lambda_max == pytest.approx(dense[-1], rel=1e-8)
    # lambda_min is negative but tiny relative to lambda_max: "flat", not a saddle.
    assert -1e-2 * dense[-1] < dense[0] < 0
    assert ext.kind == "flat" and ext.threshold == pytest.approx(1e-2 * dense[-1], rel=1e-8)
    strict = ls.curvature_extremes(f, theta, rtol=abs(dense[0]) / dense[-1] / 10, max_matvecs=3000)
    assert strict.kind == "negative curvature"  # the other side of the threshold
    rushed = ls.curvature_extremes(f, theta, rtol=1e-6, tol=1e-12, max_matvecs=4)
    assert not rushed.min_converged and rushed.kind == "undetermined"
    assert "kind='flat'" in repr(ext)


def test_warm_start_converges_in_a_few_products():
    f, theta = net_objective((3, 8, 8, 2), "tanh", "mse", n=60)
    cold = ls.top_eigenpairs(f, theta, tol=1e-8)
    warm = ls.top_eigenpairs(f, theta, tol=1e-8, v0=cold.eigenvectors[:, 0], check_symmetry=False)
    assert warm.converged and cold.converged
    assert warm.num_matvecs <= 3 < cold.num_matvecs
    assert warm.eigenvalues[0] == pytest.approx(cold.eigenvalues[0], rel=1e-12)


def test_lanczos_history_is_the_ritz_value_of_each_krylov_space():
    # Independent reference: the largest eigenvalue of A projected on an orthonormal basis
    # of span{v0, A v0, ..., A^(j-1) v0}, built by QR of the explicit Krylov matrix.
    A = random_symmetric(40, 7, np.concatenate([[3.0, 2.9], np.linspace(-1.0, 2.0, 38)]))
    v0 = np.random.default_rng(8).standard_normal(40)
    result = ls.top_eigenpairs(A, v0=v0, tol=1e-14, max_matvecs=8, check_symmetry=False)
    assert result.history.shape == (result.num_matvecs, 1) == (8, 1)
    krylov = [v0 / np.linalg.norm(v0)]
    for j in range(1, 9):
        Q, _ = np.linalg.qr(np.column_stack(krylov))
        ritz = np.linalg.eigvalsh(Q.T @ A @ Q)[-1]
        # Short Krylov bases (j <= 8, well conditioned): rounding-level agreement.
        assert result.history[j - 1, 0] == pytest.approx(ritz, rel=1e-10), j
        krylov.append(A @ krylov[-1] / np.linalg.norm(A @ krylov[-1]))
    # Nested spaces: the largest Ritz value never decreases and never passes lambda_max.
    assert np.all(np.diff(result.history[:, 0]) >= -1e-12)
    assert result.history.max() <= 3.0 + 1e-12
    assert result.history[-1, 0] == result.eigenvalues[0]


def test_lanczos_history_pads_missing_ritz_values_and_counts_only_the_solver():
    A = np.diag(np.arange(1.0, 11.0))
    result = ls.top_eigenpairs(A, k=3, tol=1e-12)  # with the two symmetry probes
    assert result.history.shape == (result.num_matvecs - 2, 3)
    assert np.isnan(result.history[0, 1:]).all() and np.isnan(result.history[1, 2])
    assert not np.isnan(result.history[2:]).any()
    np.testing.assert_allclose(result.history[-1], [10.0, 9.0, 8.0], atol=1e-10)
    smallest = ls.top_eigenpairs(A, which="smallest", tol=1e-12)
    assert np.all(np.diff(smallest.history[:, 0]) <= 1e-12)  # decreases towards lambda_min
    arpack = ls.top_eigenpairs(A, k=2, method="eigsh")
    assert arpack.history.shape == (0, 2)


def test_lanczos_beats_power_iteration_when_the_top_gap_is_small():
    # lambda_2 / lambda_1 = 0.98: power iteration's error shrinks like 0.98^(2t); Lanczos
    # converges at a rate set by the square root of the relative gap.
    A = random_symmetric(300, 9, np.concatenate([[1.0, 0.98], np.linspace(0.0, 0.9, 298)]))
    lanczos = ls.top_eigenpairs(A, tol=1e-10, max_matvecs=200, check_symmetry=False, rng=1)
    power = ls.power_iteration(A, tol=1e-10, num_iters=200, rng=1)
    assert lanczos.converged and not power.converged
    first_accurate = int(np.argmax(np.abs(lanczos.history[:, 0] - 1.0) < 1e-8)) + 1
    assert first_accurate < 60
    # After 60 products power iteration still carries 0.98^120 ~ 9% of its initial
    # lambda_2 weight: an eigenvalue error far above Lanczos's 1e-8.
    assert abs(power.history[59] - 1.0) > 1e-6


def test_thick_restart_with_a_small_basis_still_finds_the_dense_answer():
    spectrum = np.concatenate([[5.0, 4.9, 4.8], np.linspace(-1, 4, 197)])
    A = random_symmetric(200, 1, spectrum)
    result = ls.top_eigenpairs(A, k=3, max_basis=8, tol=1e-9, max_matvecs=5000)
    assert result.converged and result.num_matvecs > 8  # restarts happened
    np.testing.assert_allclose(result.eigenvalues, [5.0, 4.9, 4.8], atol=1e-7)


def test_invariant_subspace_and_repeated_eigenvalues():
    # Only three distinct eigenvalues: Lanczos from one vector sees an invariant subspace
    # after three steps and must restart from a fresh direction to find the copies.
    A = random_symmetric(8, 2, [3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0])
    result = ls.top_eigenpairs(A, k=3)
    assert result.converged
    np.testing.assert_allclose(result.eigenvalues, [3.0, 2.0, 2.0], atol=1e-10)
    U = result.eigenvectors
    np.testing.assert_allclose(A @ U, U * result.eigenvalues, atol=1e-10)


def test_top_eigenpairs_leaves_inputs_alone():
    f, theta = net_objective((3, 5, 2), "tanh", "mse")
    v0 = np.ones(f.dim)
    saved = theta.copy(), v0.copy()
    ls.top_eigenpairs(f, theta, k=2, v0=v0)
    ls.power_iteration(f, theta, v0=v0, num_iters=5)
    ls.hutchinson_trace(f, theta, num_probes=3)
    ls.slq_density(f, theta, num_probes=2, num_steps=5)
    ls.curvature_extremes(f, theta, max_matvecs=10)
    np.testing.assert_array_equal(theta, saved[0])
    np.testing.assert_array_equal(v0, saved[1])


def test_top_eigenpairs_rejects_bad_input():
    A = np.diag([1.0, 2.0, 3.0])
    f, theta = net_objective((3, 2), "tanh", "mse")
    with pytest.raises(ValueError, match="smaller than the dimension d = 3"):
        ls.top_eigenpairs(A, k=3)
    with pytest.raises(ValueError, match="`k` must be an integer >= 1"):
        ls.top_eigenpairs(A, k=0)
    with pytest.raises(ValueError, match="which"):
        ls.top_eigenpairs(A, which="LM")
    with pytest.raises(ValueError, match="method"):
        ls.top_eigenpairs(A, method="arpack")
    with pytest.raises(ValueError, match="`v0` must contain only finite"):
        ls.top_eigenpairs(A, v0=[1.0, np.nan, 0.0])
    with pytest.raises(ValueError, match="`v0` must be a nonzero"):
        ls.top_eigenpairs(A, v0=np.zeros(3))
    with pytest.raises(ValueError, match="`v0` must have length 3"):
        ls.top_eigenpairs(A, v0=np.ones(4))
    with pytest.raises(ValueError, match="tol"):
        ls.top_eigenpairs(A, tol=0.0)
    with pytest.raises(ValueError, match="max_basis"):
        ls.top_eigenpairs(np.eye(10), k=2, max_basis=3)
    with pytest.raises(ValueError, match="max_matvecs"):
        ls.top_eigenpairs(A, max_matvecs=0)
    with pytest.raises(ValueError, match="must be symmetric"):
        ls.top_eigenpairs(np.array([[1.0, 2.0], [0.0, 1.0]]))
    skew = aslinearoperator(np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    with pytest.raises(ValueError, match="must be symmetric: for random u, v"):
        ls.top_eigenpairs(skew)
    bad_hvp = ls.from_function(
        lambda t: 0.0, dim=3, hvp=lambda t, v: np.array([[1.0, 5.0, 0], [0, 1, 0], [0, 0, 1]]) @ v
    )
    with pytest.raises(ValueError, match="must be symmetric"):
        ls.top_eigenpairs(bad_hvp, np.zeros(3))
    nan_op = LinearOperator((3, 3), matvec=lambda v: np.full(3, np.nan), dtype=float)
    with pytest.raises(ValueError, match="non-finite"):
        ls.top_eigenpairs(nan_op)
    with pytest.raises(ValueError, match="square"):
        ls.top_eigenpairs(aslinearoperator(np.ones((3, 2))))
    with pytest.raises(ValueError, match="`theta` is required"):
        ls.top_eigenpairs(f)
    with pytest.raises(ValueError, match="`theta` must be omitted"):
        ls.top_eigenpairs(A, np.zeros(3))
    with pytest.raises(ValueError, match="`theta` must be omitted"):
        ls.top_eigenpairs(ls.HessianOperator(f, theta), theta)
    with pytest.raises(TypeError, match="must be an Objective"):
        ls.top_eigenpairs("hessian")
    with pytest.raises(ValueError, match="`theta` must have length"):
        ls.top_eigenpairs(f, theta[:-1])
    with pytest.raises(TypeError, match="value/grad/hvp"):
        ls.HessianOperator(object(), theta)


# ---------------------------------------------------------------------- power iteration
def test_power_iteration_finds_largest_magnitude_and_shift_fixes_it():
    A = random_symmetric(30, 3, np.concatenate([[-10.0, 6.0], np.linspace(-2, 2, 28)]))
    plain = ls.power_iteration(A, tol=1e-10, num_iters=2000)
    assert plain.converged and plain.eigenvalue == pytest.approx(-10.0, rel=1e-8)
    shifted = ls.power_iteration(A, shift=-10.0, tol=1e-10, num_iters=2000)
    assert shifted.converged and shifted.eigenvalue == pytest.approx(6.0, rel=1e-8)
    # The Rayleigh quotient history ends at the answer and has one entry per product.
    assert plain.history.size == plain.num_matvecs and plain.history[-1] == plain.eigenvalue
    errors = np.abs(plain.history - (-10.0))
    assert errors[-1] < 1e-6 * errors[0]
    np.testing.assert_allclose(A @ plain.eigenvector, -10.0 * plain.eigenvector, atol=1e-4)


def test_power_iteration_reports_non_convergence_and_matches_dense_on_a_network():
    f, theta = net_objective((3, 6, 2), "tanh", "mse")
    dense = np.linalg.eigvalsh(f.hessian(theta))
    dominant = dense[np.argmax(np.abs(dense))]
    result = ls.power_iteration(f, theta, tol=1e-9, num_iters=5000)
    assert result.converged and result.eigenvalue == pytest.approx(dominant, rel=1e-8)
    short = ls.power_iteration(f, theta, tol=1e-12, num_iters=3)
    assert not short.converged and short.num_matvecs == 3
    assert "iterations=3" in repr(short)
    with pytest.raises(ValueError, match="num_iters"):
        ls.power_iteration(f, theta, num_iters=0)
    with pytest.raises(ValueError, match="nonzero"):
        ls.power_iteration(f, theta, v0=np.zeros(f.dim))


# ---------------------------------------------------------------------- Hutchinson
def test_hutchinson_is_exact_on_diagonals_and_unbiased_on_networks():
    assert ls.hutchinson_trace(np.diag([1.0, -2.0, 5.0]), num_probes=4).estimate == 4.0
    f, theta = net_objective((3, 6, 3), "gelu", "cross_entropy")
    H = f.hessian(theta)
    est = ls.hutchinson_trace(f, theta, num_probes=200, batch_size=64, rng=1)
    assert est.num_matvecs == 200 and est.samples.shape == (200,)
    # An unbiased mean of 200 samples: within 4 standard errors of the truth.
    assert abs(est.estimate - np.trace(H)) < 4 * est.stderr
    assert "num_probes=200" in repr(est)


def test_hutchinson_standard_error_matches_the_true_error():
    A = random_symmetric(40, 4)
    m, reps = 20, 400
    exact_sd = np.sqrt(2 * (np.sum(A**2) - np.sum(np.diag(A) ** 2)) / m)
    gen = np.random.default_rng(5)
    runs = [ls.hutchinson_trace(A, num_probes=m, rng=gen) for _ in range(reps)]
    errors = np.array([r.estimate for r in runs]) - np.trace(A)
    stderrs = np.array([r.stderr for r in runs])
    # 400 replicates: the sample sd of the errors is within ~4% (1 sd) of the truth.
    assert np.std(errors) == pytest.approx(exact_sd, rel=0.15)
    assert np.sqrt(np.mean(stderrs**2)) == pytest.approx(exact_sd, rel=0.15)
    # Coverage of estimate +- 2 stderr is about 95% (t-distribution, 19 df: ~94%).
    assert 0.88 < np.mean(np.abs(errors) <= 2 * stderrs) < 0.99


def test_hutchinson_rejects_bad_probe_counts():
    with pytest.raises(ValueError, match="at least 2"):
        ls.hutchinson_trace(np.eye(3), num_probes=0)
    with pytest.raises(ValueError, match="standard error needs two samples"):
        ls.hutchinson_trace(np.eye(3), num_probes=1)
    with pytest.raises(TypeError, match="num_probes"):
        ls.hutchinson_trace(np.eye(3), num_probes=2.5)
    with pytest.raises(ValueError, match="batch_size"):
        ls.hutchinson_trace(np.eye(3), batch_size=0)


# ---------------------------------------------------------------------- SLQ
def test_slq_quadrature_is_exact_below_degree_2m():
    # Rademacher probes on a diagonal matrix weight every eigenvalue exactly 1/d, so each
    # probe's Gauss rule reproduces tr(H^p)/d for p < 2m and only approximates it above.
    diag = np.linspace(0.1, 3.0, 50)
    m = 6
    rho = ls.slq_density(np.diag(diag), num_probes=3, num_steps=m)
    for p in range(2 * m):
        # Exact quadrature: rounding only (moments up to 2^11 in size).
        assert rho.moment(p) == pytest.approx(np.mean(diag**p), rel=1e-12)
    assert abs(rho.moment(2 * m) / np.mean(diag ** (2 * m)) - 1) > 1e-8  # degree 2m: not exact
    np.testing.assert_allclose(rho.weights.sum(axis=1), 1.0, atol=1e-13)
    assert rho.num_matvecs == 3 * m


def test_slq_moments_match_dense_on_a_network():
    f, theta = net_objective((3, 8, 3), "tanh", "cross_entropy")
    H = f.hessian(theta)
    d = f.dim
    rho = ls.slq_density(f, theta, num_probes=30, num_steps=40, rng=2)
    assert rho.nodes.shape == rho.weights.shape == (30, 40)
    np.testing.assert_allclose(rho.weights.sum(axis=1), 1.0, atol=1e-12)  # rounding
    # For v = z/sqrt(d) with Rademacher z: Var[v'Av] = 2 (||A||_F^2 - sum A_ii^2) / d^2.
    for power, A in ((1, H), (2, H @ H)):
        sd = np.sqrt(2 * (np.sum(A**2) - np.sum(np.diag(A) ** 2)) / 30) / d
        assert abs(rho.moment(power) - np.trace(A) / d) < 4 * sd  # 4 sd of the mean
    dense = np.linalg.eigvalsh(H)
    # The extreme nodes are Ritz values, inside the spectrum and close to its ends.
    assert dense[0] - 1e-10 <= rho.nodes.min() and rho.nodes.max() <= dense[-1] + 1e-10
    assert rho.nodes.max() == pytest.approx(dense[-1], rel=1e-6)
    grid = np.linspace(dense[0] - 1, dense[-1] + 1, 4001)
    phi = rho.density(grid, width=0.05)
    assert np.trapezoid(phi, grid) == pytest.approx(1.0, abs=1e-3)  # Gaussian tails cut
    assert np.all(phi >= 0)
    assert rho.density(grid).shape == grid.shape
    assert "num_probes=30" in repr(rho)


def test_slq_handles_early_invariant_subspaces():
    A = random_symmetric(12, 6, [1.0] * 4 + [2.0] * 4 + [4.0] * 4)
    rho = ls.slq_density(A, num_probes=2, num_steps=10)
    assert np.all(rho.weights[:, 3:] == 0.0)  # three distinct eigenvalues: three steps
    np.testing.assert_allclose(np.sort(rho.nodes[:, :3], axis=1), [[1, 2, 4]] * 2, atol=1e-10)
    assert rho.moment(0) == pytest.approx(1.0, rel=1e-12)
    tiny = ls.slq_density(np.diag([3.0, 3.0]), num_probes=1, num_steps=5)
    assert tiny.nodes.shape == (1, 2) and tiny.moment(1) == pytest.approx(3.0)
    assert tiny.density(np.array([3.0])).item() > 0  # default width when nodes coincide


def test_slq_rejects_bad_arguments():
    with pytest.raises(ValueError, match="num_probes"):
        ls.slq_density(np.eye(3), num_probes=0)
    with pytest.raises(ValueError, match="num_steps"):
        ls.slq_density(np.eye(3), num_steps=0)
    rho = ls.slq_density(np.diag([1.0, 2.0, 3.0]), num_probes=1, num_steps=2)
    with pytest.raises(ValueError, match="width"):
        rho.density([0.0], width=0.0)
    with pytest.raises(ValueError, match="power"):
        rho.moment(-1)


# ---------------------------------------------------------------------- dense, classify
def test_dense_spectrum_from_objectives_operators_and_matrices():
    f, theta = net_objective((3, 5, 2), "sigmoid", "mse")
    expected = np.linalg.eigvalsh(f.hessian(theta))
    # dense_spectrum symmetrizes (H + H^T) / 2: rounding-level differences only.
    np.testing.assert_allclose(ls.dense_spectrum(f, theta), expected, rtol=0, atol=1e-13)
    via_op = ls.dense_spectrum(ls.HessianOperator(f, theta))
    np.testing.assert_allclose(via_op, expected, atol=1e-12)  # batched vs columnwise rounding
    np.testing.assert_allclose(ls.dense_spectrum([[2.0, 1.0], [1.0, 2.0]]), [1.0, 3.0])
    with pytest.raises(ValueError, match="symmetric"):
        ls.dense_spectrum(np.array([[1.0, 1.0], [0.0, 1.0]]))


@pytest.mark.parametrize(
    ("lam_min", "lam_max", "converged", "kind"),
    [
        (-0.02, 10.0, True, "negative curvature"),
        (-0.02, 10.0, False, "negative curvature"),  # a Ritz value bounds lambda_min above
        (-0.005, 10.0, True, "flat"),  # |lambda_min| <= 1e-3 * 10
        (0.005, 10.0, True, "flat"),
        (0.02, 10.0, True, "positive definite"),
        (0.02, 10.0, False, "undetermined"),
        (-0.005, 10.0, False, "undetermined"),
        (-5.0, -1.0, True, "negative curvature"),
    ],
)
def test_classify_curvature_on_both_sides_of_the_threshold(lam_min, lam_max, converged, kind):
    got = ls.classify_curvature(lam_min, lam_max, rtol=1e-3, min_converged=converged)
    assert got == kind


def test_classify_curvature_rejects_bad_input():
    with pytest.raises(ValueError, match="rtol"):
        ls.classify_curvature(0.0, 1.0, rtol=0.0)
    with pytest.raises(ValueError, match="must not exceed"):
        ls.classify_curvature(2.0, 1.0)
    with pytest.raises(ValueError, match="lambda_max"):
        ls.classify_curvature(0.0, np.inf)
    with pytest.raises(TypeError, match="lambda_min"):
        ls.classify_curvature("0", 1.0)


def test_result_reprs_are_compact():
    result = ls.top_eigenpairs(np.diag([1.0, 2.0, 3.0]), k=2)
    assert repr(result).startswith("EigenResult(eigenvalues=[3, 2], which='largest'")
    assert "converged=True" in repr(result)
