"""Signal propagation at initialization, against a direct computation and the theory."""

import numpy as np
import pytest

import landscape as ls


def _objective(activation, depth=8, width=100, n=200):
    data = ls.teacher_student(n, widths=(50, 8, 1), rng=0)
    net = ls.MLP((50,) + (width,) * depth + (1,), activation)
    return ls.mlp_objective(net, data.X, data.y)


def test_forward_and_gradients_match_a_direct_computation():
    f = _objective("tanh", depth=3, width=20)
    theta = f.mlp.init(rng=3)
    signals = ls.signal_propagation(f, theta)
    params = f.mlp.unpack(theta)
    a = f.X
    forward = []
    for layer in range(4):
        z = a @ params[f"layer{layer}.weight"].T + params[f"layer{layer}.bias"]
        forward.append(np.sqrt(np.mean(z**2)))
        a = np.tanh(z)
    np.testing.assert_allclose(signals.forward, forward, rtol=1e-12)
    grad = f.grad(theta)
    norms = [np.linalg.norm(grad[b.slice]) for b in f.mlp.layers[0::2]]
    np.testing.assert_allclose(signals.weight_grad_norms, norms, rtol=1e-12)
    # The output error is the per-sample residual of the MSE loss.
    residual = f.predict(theta) - f.y
    assert signals.backward[-1] == pytest.approx(np.sqrt(np.mean(residual**2)), rel=1e-12)


def test_backward_signal_of_the_last_hidden_layer_matches_the_chain_rule():
    f = _objective("tanh", depth=2, width=10, n=50)
    theta = f.mlp.init(rng=0)
    params = f.mlp.unpack(theta)
    hidden = np.tanh(f.X @ params["layer0.weight"].T + params["layer0.bias"])
    z = hidden @ params["layer1.weight"].T + params["layer1.bias"]
    residual = f.predict(theta) - f.y  # per-sample d loss_i / d output
    delta = (residual @ params["layer2.weight"]) * (1 - np.tanh(z) ** 2)
    expected = np.sqrt(np.mean(delta**2))
    assert ls.signal_propagation(f, theta).backward[1] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("scale", "low", "high"), [(0.5, 0.0, 0.02), (1.0, 0.5, 2.0), (1.5, 5.0, np.inf)]
)
def test_relu_scales_vanish_or_explode_geometrically(scale, low, high):
    f = _objective("relu")
    signals = ls.signal_propagation(f, f.mlp.init(rng=0, scheme="he", scale=scale))
    ratio = signals.backward[0] / signals.backward[-2]  # first vs last hidden layer
    assert low < ratio < high, ratio


def test_he_keeps_relu_signals_and_xavier_lets_them_fade():
    f = _objective("relu")
    he = ls.signal_propagation(f, f.mlp.init(rng=0, scheme="he"))
    xavier = ls.signal_propagation(f, f.mlp.init(rng=0, scheme="xavier"))
    # Xavier's variance is half of He's here (fan_in = fan_out): sqrt(1/2) per layer.
    assert he.forward[-2] / he.forward[0] > 0.25
    assert xavier.forward[-2] / xavier.forward[0] < 0.1


def test_bad_arguments_are_rejected():
    with pytest.raises(TypeError, match="NetworkObjective"):
        ls.signal_propagation(ls.surface("saddle"), [0.0, 0.0])
    f = _objective("tanh", depth=1, width=4, n=10)
    with pytest.raises(ValueError, match="theta"):
        ls.signal_propagation(f, np.zeros(3))
