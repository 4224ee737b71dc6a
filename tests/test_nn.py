"""Tests for the MLP (landscape.nn) and its network objective (landscape.network)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import log_softmax, softmax

import landscape as ls

# (widths, activation, loss, l2): depths 1-3, every activation, both losses, with and
# without L2.
CASES = [
    ((3, 2), "linear", "mse", 0.0),
    ((3, 3), "tanh", "cross_entropy", 0.1),
    ((3, 5, 2), "tanh", "mse", 0.0),
    ((3, 5, 3), "tanh", "cross_entropy", 0.0),
    ((3, 5, 2), "relu", "mse", 0.05),
    ((3, 5, 3), "relu", "cross_entropy", 0.0),
    ((3, 5, 2), "gelu", "mse", 0.0),
    ((3, 5, 3), "gelu", "cross_entropy", 0.1),
    ((3, 5, 2), "softplus", "mse", 0.1),
    ((3, 5, 3), "softplus", "cross_entropy", 0.0),
    ((3, 5, 2), "sigmoid", "mse", 0.0),
    ((3, 5, 3), "sigmoid", "cross_entropy", 0.05),
    ((3, 5, 4, 2), "linear", "mse", 0.0),
    ((3, 4, 4, 3), "tanh", "cross_entropy", 0.01),
    ((2, 4, 3, 4, 2), "gelu", "mse", 0.0),
    ((2, 4, 3, 4, 3), "relu", "cross_entropy", 0.02),
    ((2, 4, 3, 4, 1), "sigmoid", "mse", 0.0),
    ((2, 3, 3, 3, 3), "softplus", "cross_entropy", 0.0),
]
IDS = [f"{'-'.join(map(str, w))}-{a}-{loss}-l2={l2}" for w, a, loss, l2 in CASES]


def make(widths, activation, loss, l2=0.0, n=24, seed=0):
    """A seeded objective and a generic point (random biases keep ReLU off its kinks)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, widths[0]))
    if loss == "mse":
        y = rng.standard_normal((n, widths[-1]))
    else:
        y = rng.integers(0, widths[-1], n)
    mlp = ls.MLP(widths, activation)
    f = ls.mlp_objective(mlp, X, y, loss, l2)
    theta = mlp.init(rng) + 0.3 * rng.standard_normal(mlp.num_params)
    return f, theta


def fd_hessian(f, theta):
    """Central differences of the exact gradient, one coordinate at a time."""
    h = 1e-5
    cols = []
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        cols.append((f.grad(theta + e) - f.grad(theta - e)) / (2 * h))
    return np.column_stack(cols)


def rel(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


# ---------------------------------------------------------------------- derivatives
@pytest.mark.parametrize(("widths", "activation", "loss", "l2"), CASES, ids=IDS)
def test_gradient_matches_central_differences(widths, activation, loss, l2):
    f, theta = make(widths, activation, loss, l2)
    # Central differences of a smooth float64 loss agree to ~1e-9; 1e-6 leaves margin.
    check = ls.check_grad(f, theta, num_probes=6, tol=1e-6, rng=1)
    assert check.ok, check


@pytest.mark.parametrize(("widths", "activation", "loss", "l2"), CASES, ids=IDS)
def test_hvp_matches_central_differences_of_gradient(widths, activation, loss, l2):
    f, theta = make(widths, activation, loss, l2)
    # Central differences of the exact gradient are accurate to ~1e-9 here.
    check = ls.check_hvp(f, theta, num_probes=6, tol=1e-6, rng=2)
    assert check.ok, check


@pytest.mark.parametrize(("widths", "activation", "loss", "l2"), CASES, ids=IDS)
def test_dense_hessian_symmetric_matches_hvp_and_finite_differences(widths, activation, loss, l2):
    f, theta = make(widths, activation, loss, l2)
    H = f.hessian(theta)
    assert H.shape == (f.dim, f.dim)
    scale = np.abs(H).max()
    # Exact R-operator columns: symmetric up to rounding (~1e-16 relative); 1e-10 bound.
    assert np.abs(H - H.T).max() <= 1e-10 * scale
    rng = np.random.default_rng(3)
    V = rng.standard_normal((4, f.dim))
    for v in V:
        # The single-vector and batched passes differ only by rounding.
        assert rel(f.hvp(theta, v), H @ v) < 1e-10
    assert rel(f.hvps(theta, V), V @ H.T) < 1e-10  # same rounding-level reason
    # Finite-difference Hessian: truncation ~h^2 = 1e-10, rounding ~eps/h = 1e-11.
    assert np.abs(H - fd_hessian(f, theta)).max() <= 1e-6 * max(scale, 1.0)


def test_single_layer_mse_hessian_equals_closed_form():
    rng = np.random.default_rng(4)
    n, d_in, c = 30, 4, 3
    X, Y = rng.standard_normal((n, d_in)), rng.standard_normal((n, c))
    mlp = ls.MLP((d_in, c), "tanh")  # one layer: the activation is never applied
    f = ls.mlp_objective(mlp, X, Y, "mse")
    Xt = np.hstack([X, np.ones((n, 1))])
    G = Xt.T @ Xt / n
    # theta = [W (c x d_in, row-major), b (c)]; reorder the closed form's (W|b) rows.
    blocks = np.kron(np.eye(c), G)  # ordering: unit j -> (w_j1..w_jd, b_j)
    order = [j * (d_in + 1) + i for j in range(c) for i in range(d_in)]
    order += [j * (d_in + 1) + d_in for j in range(c)]
    expected = blocks[np.ix_(order, order)]
    theta = rng.standard_normal(mlp.num_params)
    # Both sides are exact; they differ by summation order only.
    np.testing.assert_allclose(f.hessian(theta), expected, rtol=0, atol=1e-13)


def test_single_layer_cross_entropy_hessian_equals_closed_form():
    rng = np.random.default_rng(5)
    n, d_in, c = 25, 3, 4
    X, y = rng.standard_normal((n, d_in)), rng.integers(0, c, n)
    mlp = ls.MLP((d_in, c), "linear")
    f = ls.mlp_objective(mlp, X, y, "cross_entropy")
    theta = rng.standard_normal(mlp.num_params)
    W, b = theta[: c * d_in].reshape(c, d_in), theta[c * d_in :]
    P = softmax(X @ W.T + b, axis=1)
    expected = np.zeros((f.dim, f.dim))
    for x, p in zip(X, P, strict=True):
        # d z / d theta for one sample: z_j = w_j . x + b_j
        J = np.zeros((c, f.dim))
        for j in range(c):
            J[j, j * d_in : (j + 1) * d_in] = x
            J[j, c * d_in + j] = 1.0
        expected += J.T @ (np.diag(p) - np.outer(p, p)) @ J / n
    # Exact on both sides; rounding only.
    np.testing.assert_allclose(f.hessian(theta), expected, rtol=0, atol=1e-13)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_l2_shifts_every_hessian_eigenvalue_by_l2(activation):
    f0, theta = make((3, 4, 2), activation, "mse", 0.0)
    f1 = ls.mlp_objective(f0.mlp, f0.X, f0.y, "mse", l2=0.7)
    # The penalty's Hessian is exactly 0.7 I; the rest is the same arithmetic.
    np.testing.assert_allclose(
        f1.hessian(theta), f0.hessian(theta) + 0.7 * np.eye(f0.dim), rtol=0, atol=1e-12
    )
    assert f1.value(theta) == pytest.approx(f0.value(theta) + 0.35 * theta @ theta, rel=1e-14)


def test_loss_definitions_match_direct_formulas():
    f, theta = make((3, 5, 2), "tanh", "mse", 0.0, n=17)
    out = f.mlp.forward(theta, f.X)
    # Same arithmetic in another order: rounding only.
    assert f.value(theta) == pytest.approx(np.sum((out - f.y) ** 2) / (2 * 17), rel=1e-13)
    g, theta = make((3, 5, 4), "gelu", "cross_entropy", 0.0, n=17)
    logits = g.mlp.forward(theta, g.X)
    expected = -np.mean(log_softmax(logits, axis=1)[np.arange(17), g.y])
    assert g.value(theta) == pytest.approx(expected, rel=1e-13)


def test_cross_entropy_is_stable_for_huge_logits():
    f, theta = make((3, 5, 3), "tanh", "cross_entropy", 0.0)
    big = theta * 1e4
    value, grad = f.value_and_grad(big)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert np.all(np.isfinite(f.hvp(big, np.ones(f.dim))))
    assert np.isfinite(f.values(big[None])[0])


@pytest.mark.parametrize(("widths", "activation", "loss", "l2"), CASES[::3], ids=IDS[::3])
def test_value_and_grad_and_values_agree_with_single_calls(widths, activation, loss, l2):
    f, theta = make(widths, activation, loss, l2)
    value, grad = f.value_and_grad(theta)
    assert value == f.value(theta)
    np.testing.assert_array_equal(grad, f.grad(theta))
    rng = np.random.default_rng(6)
    thetas = theta + rng.standard_normal((7, f.dim))
    # Batched and single forward passes sum in different orders: rounding only.
    np.testing.assert_allclose(f.values(thetas), [f.value(t) for t in thetas], rtol=1e-12)
    outs = f.mlp.forward(thetas, f.X)
    assert outs.shape == (7, f.num_samples, widths[-1])
    for t, out in zip(thetas, outs, strict=True):
        np.testing.assert_allclose(out, f.mlp.forward(t, f.X), rtol=1e-12, atol=1e-13)


def test_values_chunks_large_batches(monkeypatch):
    import landscape.nn as nn_module

    f, theta = make((3, 5, 3), "tanh", "cross_entropy", 0.1)
    thetas = theta + np.random.default_rng(7).standard_normal((9, f.dim))
    whole = f.values(thetas)
    monkeypatch.setattr(nn_module, "_CHUNK_BYTES", 1)  # one theta per chunk
    np.testing.assert_array_equal(f.values(thetas), whole)
    np.testing.assert_allclose(f.hvps(theta, thetas), f.hvps(theta, thetas[::-1])[::-1])


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize(("widths", "activation", "loss", "l2"), CASES, ids=IDS)
def test_affine_values_match_single_calls(widths, activation, loss, l2, k):
    f, theta = make(widths, activation, loss, l2)
    rng = np.random.default_rng(10 + k)
    directions = rng.standard_normal((k, f.dim))
    coords = rng.uniform(-1.0, 1.0, (9, k))
    loop = [f.value(theta + c @ directions) for c in coords]
    # The first layer as A_0 + sum_j s_j A_j and the batched head: rounding only.
    np.testing.assert_allclose(f.affine_values(theta, directions, coords), loop, rtol=1e-12)


def test_affine_values_chunking_and_vector_forms(monkeypatch):
    import landscape.nn as nn_module

    f, theta = make((3, 5, 4, 3), "tanh", "cross_entropy", 0.1)
    rng = np.random.default_rng(11)
    direction = rng.standard_normal(f.dim)
    coords = rng.uniform(-2.0, 2.0, (13, 1))
    whole = f.affine_values(theta, direction, coords)
    assert whole.shape == (13,)
    monkeypatch.setattr(nn_module, "_CHUNK_BYTES", 1)  # one point per chunk
    # Chunks of other sizes take other BLAS kernel paths: rounding only.
    np.testing.assert_allclose(f.affine_values(theta, direction, coords), whole, rtol=1e-14)
    one = f.affine_values(theta, direction[None, :], coords[4, :])  # coords as a vector
    np.testing.assert_allclose(one, whole[4:5], rtol=1e-14)
    assert f.affine_values(theta, direction, [[0.0]])[0] == pytest.approx(f.value(theta), rel=1e-14)


def test_affine_values_is_stable_for_huge_logits():
    f, theta = make((3, 5, 3), "tanh", "cross_entropy", 0.0)
    values = f.affine_values(theta * 1e4, np.ones(f.dim), [[0.0], [1e3]])
    assert np.all(np.isfinite(values))


def test_batched_cross_entropy_keeps_tiny_losses_accurate():
    # A confident classifier: labels are its own predictions, the logits scaled up so
    # the loss is about 3e-12. Adding the log-sum-exp shift back before subtracting the
    # picked logit (as an earlier head did) was off by 3e-4 of the loss here.
    f, theta = make((3, 5, 3), "tanh", "cross_entropy", 0.0)
    labels = np.argmax(f.mlp.forward(theta, f.X), axis=1)
    g = ls.mlp_objective(f.mlp, f.X, labels, "cross_entropy")
    last_w, last_b = g.mlp.layers[-2], g.mlp.layers[-1]
    scale = np.ones(g.dim)
    scale[last_w.start : last_b.stop] = 400.0
    confident = theta * scale
    assert 1e-14 < g.value(confident) < 1e-6  # the regime this test is about
    thetas = confident + 1e-3 * np.random.default_rng(12).standard_normal((4, g.dim))
    loop = [g.value(t) for t in thetas]
    # Logits of a few hundred rounded in another order shift a 3e-12 loss by ~1e-14 of itself.
    np.testing.assert_allclose(g.values(thetas), loop, rtol=1e-12)
    coords = np.array([[0.0], [1.0]])
    direction = thetas[1] - confident
    np.testing.assert_allclose(
        g.affine_values(confident, direction, coords), [g.value(confident), loop[1]], rtol=1e-12
    )


def test_affine_values_rejects_bad_input():
    f, theta = make((3, 4, 3), "tanh", "cross_entropy", 0.0, n=6)
    u = np.ones((2, f.dim))
    with pytest.raises(ValueError, match=f"`center` must have length {f.dim}"):
        f.affine_values(theta[:-1], u, np.zeros((1, 2)))
    with pytest.raises(ValueError, match=rf"`directions` must have shape \(n, {f.dim}\)"):
        f.affine_values(theta, u[:, :-1], np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"`coords` must have shape \(n, 2\)"):
        f.affine_values(theta, u, np.zeros((1, 3)))
    with pytest.raises(ValueError, match="`coords` must contain only finite"):
        f.affine_values(theta, u, [[0.0, np.nan]])
    with pytest.raises(TypeError, match="`directions` must be an array of real numbers"):
        f.affine_values(theta, "u", np.zeros((1, 2)))


def test_hvp_cache_never_changes_results():
    f, theta = make((3, 5, 2), "softplus", "mse", 0.0)
    v = np.random.default_rng(8).standard_normal(f.dim)
    first = f.hvp(theta, v)
    other = theta + 0.5
    f.hvp(other, v)  # replaces the cache
    np.testing.assert_array_equal(f.hvp(theta, v), first)
    caller = theta.copy()
    f.grad(caller)
    caller += 1.0  # mutating the caller's array must not corrupt the cached state
    np.testing.assert_array_equal(f.hvp(theta, v), first)
    fresh = ls.mlp_objective(f.mlp, f.X, f.y, "mse")
    np.testing.assert_array_equal(fresh.hvp(theta, v), first)


def test_no_function_mutates_its_inputs():
    f, theta = make((3, 5, 3), "tanh", "cross_entropy", 0.1)
    rng = np.random.default_rng(9)
    v = rng.standard_normal(f.dim)
    thetas = theta + rng.standard_normal((3, f.dim))
    X, y = np.asarray(f.X).copy(), np.asarray(f.y).copy()
    saved = [a.copy() for a in (theta, v, thetas, X, y)]
    f.value(theta)
    f.value_and_grad(theta)
    f.hvp(theta, v)
    f.hvps(theta, thetas)
    f.values(thetas)
    f.affine_values(theta, thetas, v[:3])
    f.hessian(theta)
    f.mlp.forward(theta, X)
    f.mlp.forward(thetas, X)
    f.accuracy(theta, X, y)
    f.subset(np.array([0, 1]))
    params = f.mlp.unpack(theta)
    params["layer0.weight"][:] = 123.0  # writes into unpack's private copy only
    ls.mlp_objective(f.mlp, X, y, "cross_entropy")
    for before, after in zip(saved, (theta, v, thetas, X, y), strict=True):
        np.testing.assert_array_equal(before, after)


def test_data_is_copied_and_read_only():
    rng = np.random.default_rng(10)
    X, y = rng.standard_normal((5, 2)), rng.standard_normal(5)
    f = ls.mlp_objective(ls.MLP((2, 1)), X, y)
    X[0, 0] = 99.0
    assert f.X[0, 0] != 99.0
    assert f.y.shape == (5, 1)  # a vector target is a single output
    with pytest.raises(ValueError, match="read-only"):
        f.X[0, 0] = 1.0


# ---------------------------------------------------------------------- MLP structure
@settings(max_examples=30, deadline=None)
@given(
    widths=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    seed=st.integers(0, 2**16),
)
def test_pack_unpack_round_trip(widths, seed):
    mlp = ls.MLP(tuple(widths))
    theta = np.random.default_rng(seed).standard_normal(mlp.num_params)
    params = mlp.unpack(theta)
    assert list(params) == [b.name for b in mlp.layers]
    np.testing.assert_array_equal(mlp.pack(params), theta)
    np.testing.assert_array_equal(mlp.pack(list(params.values())), theta)
    sizes = [b.size for b in mlp.layers]
    assert sum(sizes) == mlp.num_params == sum((a + 1) * b for a, b in itertools.pairwise(widths))
    for block in mlp.layers:
        np.testing.assert_array_equal(params[block.name].ravel(), theta[block.slice])


@settings(max_examples=25, deadline=None)
@given(
    a=st.floats(-3, 3),
    b=st.floats(-3, 3),
    seed=st.integers(0, 2**16),
    case=st.sampled_from(CASES),
)
def test_hvp_is_linear_in_the_vector(a, b, seed, case):
    f, theta = make(*case)
    rng = np.random.default_rng(seed)
    u, v = rng.standard_normal((2, f.dim))
    lhs = f.hvp(theta, a * u + b * v)
    rhs = a * f.hvp(theta, u) + b * f.hvp(theta, v)
    scale = abs(a) * np.linalg.norm(f.hvp(theta, u)) + abs(b) * np.linalg.norm(f.hvp(theta, v))
    # Linear arithmetic: rounding ~1e-16 of the terms' size.
    assert np.linalg.norm(lhs - rhs) <= 1e-12 * max(scale, 1e-300) + 1e-300


def test_layers_are_named_and_ordered_like_pytorch():
    mlp = ls.MLP((4, 3, 2), "relu")
    names = [(b.name, b.layer, b.kind, b.shape, b.start, b.stop) for b in mlp.layers]
    assert names == [
        ("layer0.weight", 0, "weight", (3, 4), 0, 12),
        ("layer0.bias", 0, "bias", (3,), 12, 15),
        ("layer1.weight", 1, "weight", (2, 3), 15, 21),
        ("layer1.bias", 1, "bias", (2,), 21, 23),
    ]
    assert mlp.num_layers == 2 and mlp.num_params == 23
    theta = np.arange(23.0)
    X = np.array([[1.0, 0.0, 0.0, 0.0]])
    # Row j of W0 feeds hidden unit j: the first input picks column 0 of W0.
    W0, b0 = theta[:12].reshape(3, 4), theta[12:15]
    W1, b1 = theta[15:21].reshape(2, 3), theta[21:]
    expected = np.maximum(X @ W0.T + b0, 0) @ W1.T + b1
    np.testing.assert_array_equal(mlp.forward(theta, X), expected)
    assert repr(mlp) == "MLP(widths=(4, 3, 2), activation='relu')"


@pytest.mark.parametrize(
    ("scheme", "variance"),
    [
        ("he", lambda i, o: 2 / i),
        ("xavier", lambda i, o: 2 / (i + o)),
        ("lecun", lambda i, o: 1 / i),
    ],
)
def test_init_schemes_have_the_documented_variance(scheme, variance):
    mlp = ls.MLP((400, 300, 2))
    theta = mlp.init(rng=0, scheme=scheme, scale=1.5)
    W = mlp.unpack(theta)["layer0.weight"]
    expected = 1.5**2 * variance(400, 300)
    # 120,000 Gaussian draws: the sample variance has relative sd sqrt(2/120000) = 0.4%.
    assert np.var(W) == pytest.approx(expected, rel=0.02)
    assert np.all(mlp.unpack(theta)["layer0.bias"] == 0.0)
    assert np.all(mlp.init(rng=0, scale=0.0) == 0.0)
    np.testing.assert_array_equal(mlp.init(rng=3), mlp.init(rng=3))
    assert not np.array_equal(mlp.init(rng=3), mlp.init(rng=4))


@pytest.mark.parametrize(
    ("activation", "fn", "d1"),
    [
        ("tanh", np.tanh, lambda z: 1 - np.tanh(z) ** 2),
        ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
        ("softplus", lambda z: np.log1p(np.exp(z)), lambda z: 1 / (1 + np.exp(-z))),
        ("relu", lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
        ("linear", lambda z: z, lambda z: np.ones_like(z)),
    ],
)
def test_activations_match_their_definitions(activation, fn, d1):
    from landscape._nn_kernels import ACTIVATIONS

    z = np.linspace(-4, 4, 81) + 0.01  # avoid ReLU's kink at 0
    act = ACTIVATIONS[activation]
    a = act.fn(z)
    np.testing.assert_allclose(a, fn(z), rtol=1e-13, atol=1e-15)  # same maths, rounding
    if act.d1 is not None:
        np.testing.assert_allclose(act.d1(z, a), d1(z), rtol=1e-12, atol=1e-15)


def test_gelu_is_x_times_gaussian_cdf():
    import math

    from landscape._nn_kernels import ACTIVATIONS

    z = np.linspace(-5, 5, 41)
    cdf = np.array([0.5 * math.erfc(-t / math.sqrt(2)) for t in z])  # independent CDF
    # Two implementations of the Gaussian CDF: rounding only.
    np.testing.assert_allclose(ACTIVATIONS["gelu"].fn(z), z * cdf, rtol=1e-13, atol=1e-16)


def test_subset_is_the_objective_on_the_selected_samples():
    f, theta = make((3, 5, 3), "tanh", "cross_entropy", 0.1, n=20)
    idx = np.array([3, 3, 0, 19, 7])
    sub = f.subset(idx)
    ref = ls.mlp_objective(f.mlp, f.X[idx], f.y[idx], "cross_entropy", l2=0.1)
    assert sub.num_samples == 5 and f.num_samples == 20
    assert sub.value(theta) == ref.value(theta)
    np.testing.assert_array_equal(sub.grad(theta), ref.grad(theta))
    v = np.ones(f.dim)
    np.testing.assert_array_equal(sub.hvp(theta, v), ref.hvp(theta, v))
    test = f.with_data(f.X[:4], f.y[:4])
    assert test.value(theta) == f.subset(np.arange(4)).value(theta)


def test_predict_and_accuracy():
    f, theta = make((3, 5, 3), "tanh", "cross_entropy", 0.0, n=40)
    logits = f.predict(theta)
    np.testing.assert_array_equal(logits, f.mlp.forward(theta, f.X))
    expected = np.mean(np.argmax(logits, axis=1) == f.y)
    assert f.accuracy(theta) == expected
    half = f.accuracy(theta, f.X[:20], f.y[:20])
    assert half == np.mean(np.argmax(logits[:20], axis=1) == f.y[:20])
    assert f.predict(theta, f.X[:2]).shape == (2, 3)


def test_reprs_are_compact():
    f, _ = make((3, 5, 2), "tanh", "mse", 0.0, n=10)
    assert repr(f) == (
        "NetworkObjective(widths=(3, 5, 2), activation='tanh', loss='mse', l2=0, "
        "num_samples=10, dim=32)"
    )


# ---------------------------------------------------------------------- bad input
def test_mlp_rejects_bad_specifications():
    with pytest.raises(ValueError, match="at least two entries"):
        ls.MLP((3,))
    with pytest.raises(ValueError, match="widths entry"):
        ls.MLP((3, 0, 1))
    with pytest.raises(TypeError, match="widths entry"):
        ls.MLP((3, 2.5, 1))
    with pytest.raises(TypeError, match="sequence of integers"):
        ls.MLP(3)
    with pytest.raises(ValueError, match="activation"):
        ls.MLP((3, 1), activation="swish")


def test_pack_unpack_init_reject_bad_input():
    mlp = ls.MLP((2, 1))
    with pytest.raises(ValueError, match="missing"):
        mlp.pack({"layer0.weight": [[1.0, 2.0]]})
    with pytest.raises(ValueError, match="hold 2 arrays"):
        mlp.pack([[[1.0, 2.0]]])
    with pytest.raises(ValueError, match=r"shape \(1, 2\)"):
        mlp.pack([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match="mapping or a sequence"):
        mlp.pack(3.0)
    with pytest.raises(ValueError, match="finite"):
        mlp.pack([[[1.0, np.nan]], [0.0]])
    with pytest.raises(ValueError, match="length 3"):
        mlp.unpack(np.zeros(4))
    with pytest.raises(ValueError, match="scheme"):
        mlp.init(scheme="orthogonal")
    with pytest.raises(ValueError, match="scale"):
        mlp.init(scale=-1.0)
    with pytest.raises(TypeError, match="rng"):
        mlp.init(rng="seed")


def test_objective_rejects_bad_data_and_settings():
    mlp = ls.MLP((2, 3))
    X, labels = np.zeros((4, 2)), np.array([0, 1, 2, 1])
    with pytest.raises(TypeError, match="must be an MLP"):
        ls.mlp_objective((2, 3), X, labels)
    with pytest.raises(ValueError, match="loss"):
        ls.mlp_objective(mlp, X, labels, loss="hinge")
    with pytest.raises(ValueError, match="l2"):
        ls.mlp_objective(mlp, X, labels, "cross_entropy", l2=-1.0)
    with pytest.raises(ValueError, match=r"`X` must have shape \(n, 2\)"):
        ls.mlp_objective(mlp, np.zeros((4, 3)), labels, "cross_entropy")
    with pytest.raises(ValueError, match="2-D"):
        ls.mlp_objective(mlp, np.zeros(4), labels, "cross_entropy")
    with pytest.raises(ValueError, match="finite"):
        ls.mlp_objective(mlp, np.full((4, 2), np.inf), labels, "cross_entropy")
    with pytest.raises(ValueError, match="at least 1 row"):
        ls.mlp_objective(mlp, np.zeros((0, 2)), labels[:0], "cross_entropy")
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        ls.mlp_objective(mlp, X, np.array([0, 1, 3, 1]), "cross_entropy")
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        ls.mlp_objective(mlp, X, np.array([0, -1, 2, 1]), "cross_entropy")
    with pytest.raises(TypeError, match="integer class labels"):
        ls.mlp_objective(mlp, X, labels.astype(float), "cross_entropy")
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        ls.mlp_objective(mlp, X, labels[:3], "cross_entropy")
    with pytest.raises(ValueError, match="at least 2 outputs"):
        ls.mlp_objective(ls.MLP((2, 1)), X, np.zeros(4, int), "cross_entropy")
    with pytest.raises(ValueError, match="4 rows"):
        ls.mlp_objective(mlp, X, np.zeros((5, 3)), "mse")
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        ls.mlp_objective(mlp, X, np.zeros((4, 2)), "mse")
    with pytest.raises(TypeError, match="must be an array"):
        ls.mlp_objective(mlp, X, None, "mse")


def test_objective_methods_reject_bad_vectors_and_indices():
    f, theta = make((3, 4, 3), "tanh", "cross_entropy", 0.0, n=6)
    with pytest.raises(ValueError, match=f"length {f.dim}"):
        f.value(theta[:-1])
    with pytest.raises(ValueError, match="finite"):
        f.grad(np.full(f.dim, np.nan))
    with pytest.raises(ValueError, match="`v` must have length"):
        f.hvp(theta, np.ones(3))
    with pytest.raises(ValueError, match="`v` must contain only finite"):
        f.hvp(theta, np.full(f.dim, np.inf))
    with pytest.raises(ValueError, match=r"`thetas` must have shape \(n, "):
        f.values(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"`vs` must have shape"):
        f.hvps(theta, np.zeros((2, 3)))
    with pytest.raises(TypeError, match="real numbers"):
        f.value("theta")
    with pytest.raises(ValueError, match="indices"):
        f.subset(np.array([], dtype=int))
    with pytest.raises(TypeError, match="integer positions"):
        f.subset(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"lie in \[0, 5\]"):
        f.subset(np.array([0, 6]))
    with pytest.raises(ValueError, match="given together"):
        f.accuracy(theta, X=f.X)
    g, theta_g = make((3, 4, 2), "tanh", "mse", 0.0, n=6)
    with pytest.raises(ValueError, match="accuracy needs"):
        g.accuracy(theta_g)
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        g.mlp.forward(theta_g, np.zeros((2, 2)))
