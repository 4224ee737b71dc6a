"""Tests for landscape.rescaling: the reparameterization caveat of Dinh et al. (2017)."""

from __future__ import annotations

import numpy as np
import pytest

import landscape as ls


def relu_net(widths=(2, 6, 5, 3), n=40, seed=0, l2=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, widths[0]))
    y = rng.integers(0, widths[-1], n)
    mlp = ls.MLP(widths, "relu")
    f = ls.mlp_objective(mlp, X, y, "cross_entropy", l2)
    theta = mlp.init(rng) + 0.1 * rng.standard_normal(mlp.num_params)
    return f, theta


@pytest.mark.parametrize(("layer", "alpha"), [(0, 5.0), (1, 0.2), (1, 3.0)])
def test_rescaling_keeps_the_function_and_changes_the_curvature(layer, alpha):
    f, theta = relu_net()
    pair = ls.rescale_layers(f, theta, alpha, layer=layer)
    assert np.array_equal(pair.original, theta) and pair.alpha == alpha and pair.layer == layer
    X = np.random.default_rng(1).standard_normal((50, 2))
    # the same function: only rounding differs
    np.testing.assert_allclose(f.predict(pair.rescaled, X), f.predict(theta, X), atol=1e-12)
    assert f.value(pair.rescaled) == pytest.approx(f.value(theta), rel=1e-12, abs=1e-12)
    H, H2 = f.hessian(theta), f.hessian(pair.rescaled)
    # H(S theta) = S^-1 H(theta) S^-1 (chain rule), checked against the dense Hessians
    s = pair.rescaled / np.where(theta == 0, 1.0, theta)
    s[theta == 0] = 1.0
    np.testing.assert_allclose(H2, H / np.outer(s, s), atol=1e-10 * np.abs(H).max())
    lmax = np.linalg.eigvalsh(H)[-1]
    lmax2 = np.linalg.eigvalsh(H2)[-1]
    assert abs(lmax2 - lmax) > 0.1 * lmax  # the function is the same, lambda_max is not


def test_rescaling_with_l2_changes_the_loss():
    f, theta = relu_net(l2=0.1)
    twin = ls.rescale_layers(f.mlp, theta, 3.0).rescaled
    assert abs(f.value(twin) - f.value(theta)) > 1e-3


def test_rescale_layers_rejects_bad_input():
    f, theta = relu_net()
    with pytest.raises(ValueError, match="positively homogeneous"):
        ls.rescale_layers(ls.MLP((2, 3, 1), "tanh"), np.zeros(13), 2.0)
    with pytest.raises(ValueError, match="`alpha` must be positive"):
        ls.rescale_layers(f, theta, 0.0)
    with pytest.raises(ValueError, match="`alpha` must be positive"):
        ls.rescale_layers(f, theta, -2.0)
    with pytest.raises(ValueError, match=r"`layer` must be in \[0, 1\]"):
        ls.rescale_layers(f, theta, 2.0, layer=2)
    with pytest.raises(ValueError, match="`layer` must be an integer >= 0"):
        ls.rescale_layers(f, theta, 2.0, layer=-1)
    with pytest.raises(TypeError, match="`layer` must be an integer"):
        ls.rescale_layers(f, theta, 2.0, layer=1.0)
    with pytest.raises(TypeError, match="`network` must be an MLP"):
        ls.rescale_layers(ls.surface("saddle"), theta, 2.0)
    with pytest.raises(ValueError, match="`theta` must have length"):
        ls.rescale_layers(f, theta[:-1], 2.0)
    linear = ls.MLP((2, 3, 1), "linear")
    assert ls.rescale_layers(linear, linear.init(rng=0), 2.0).alpha == 2.0


def test_rescale_layers_does_not_mutate_theta():
    f, theta = relu_net()
    copy = theta.copy()
    pair = ls.rescale_layers(f, theta, 2.0)
    assert np.array_equal(theta, copy) and pair.original is not theta
