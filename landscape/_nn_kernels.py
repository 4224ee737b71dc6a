"""Numerical kernels of the MLP: activations, loss heads, backprop and the R-operator.

Private module: no validation happens here. :mod:`landscape.nn` validates its inputs and
calls these functions with clean float64 arrays. Notation (shared with ``nn.py``):

* layer ``l`` (``0 <= l < L``) maps its input ``acts[l]`` (``acts[0] = X``, shape
  ``(n, fan_in)``) to ``z_l = acts[l] @ W_l.T + b_l``; ``W_l`` has shape
  ``(fan_out, fan_in)`` (the PyTorch convention: one row per output unit);
* hidden layers apply ``acts[l + 1] = phi(z_l)``; the last layer is linear, ``out = z_{L-1}``;
* ``deltas[l] = dLoss / dz_l`` (shape ``(n, fan_out)``, the ``1/n`` of the mean included);
* ``gas[l] = dLoss / d acts[l] = deltas[l] @ W_l`` for ``l >= 1``.

The R-operator (Pearlmutter 1994) differentiates every forward and backward quantity
along a direction ``v`` (weights ``V_l``, biases ``c_l``); ``R{q}`` is written ``Rq``:

* ``Rz_0 = X @ V_0.T + c_0`` and ``Rz_l = Ra_l @ W_l.T + acts[l] @ V_l.T + c_l``,
  with ``Ra_l = phi'(z_{l-1}) * Rz_{l-1}``;
* ``Rdelta_{L-1} = Hess_out(Rz_{L-1})`` (the loss's Hessian in the outputs);
* ``R gW_l = Rdelta_l.T @ acts[l] + deltas[l].T @ Ra_l``, ``R gb_l = sum_rows Rdelta_l``;
* ``Rdelta_{l-1} = (Rdelta_l @ W_l + deltas[l] @ V_l) * phi'(z_{l-1})
  + gas[l] * phi''(z_{l-1}) * Rz_{l-1}``.

Every R quantity carries a leading axis of length ``k`` so one pass serves ``k``
directions at once (``hvps``); ``hvp`` is the case ``k = 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, ndtr

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity with its first two derivatives.

    ``d1(z, a)`` and ``d2(z, a, d1)`` receive the pre-activation ``z``, the activation
    ``a = fn(z)`` and (for ``d2``) the first derivative, so each can reuse what is known.
    ``d2 is None`` means the second derivative vanishes almost everywhere (ReLU, linear).
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    d1: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    d2: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None


def _tanh_d1(z, a):
    out = np.multiply(a, a)
    np.subtract(1.0, out, out=out)
    return out


def _tanh_d2(z, a, d1):
    out = np.multiply(a, d1)
    out *= -2.0
    return out


def _sigmoid_d1(z, a):
    return a * (1.0 - a)


def _sigmoid_d2(z, a, d1):
    return d1 * (1.0 - 2.0 * a)


def _softplus(z):
    return np.logaddexp(0.0, z)


def _softplus_d1(z, a):
    return expit(z)


def _softplus_d2(z, a, d1):
    return d1 * (1.0 - d1)


def _gelu(z):
    return z * ndtr(z)


def _gelu_d1(z, a):
    return ndtr(z) + z * (_INV_SQRT_2PI * np.exp(-0.5 * z * z))


def _gelu_d2(z, a, d1):
    return (_INV_SQRT_2PI * np.exp(-0.5 * z * z)) * (2.0 - z * z)


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_d1(z, a):
    return (z > 0.0).astype(np.float64)


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation("tanh", np.tanh, _tanh_d1, _tanh_d2),
    "relu": Activation("relu", _relu, _relu_d1, None),
    "gelu": Activation("gelu", _gelu, _gelu_d1, _gelu_d2),
    "softplus": Activation("softplus", _softplus, _softplus_d1, _softplus_d2),
    "sigmoid": Activation("sigmoid", expit, _sigmoid_d1, _sigmoid_d2),
    "linear": Activation("linear", lambda z: z, None, None),
}


# --------------------------------------------------------------------------------------
# Loss heads. Both are means over the n samples; the 1/n is folded into the deltas.
# --------------------------------------------------------------------------------------


def mse_head(out: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray, None]:
    """Loss ``sum((out - target)**2) / (2 n)`` and its gradient in ``out``."""
    n = out.shape[0]
    resid = out - target
    loss = 0.5 * float(np.vdot(resid, resid)) / n
    resid /= n
    return loss, resid, None


def cross_entropy_head(out: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Loss ``mean(logsumexp(out) - out[label])``, its gradient, and the softmax."""
    n = out.shape[0]
    rows = np.arange(n)
    shifted = out - out.max(axis=1, keepdims=True)
    lse = np.log(np.exp(shifted).sum(axis=1))
    loss = float((lse - shifted[rows, labels]).sum()) / n
    probs = np.exp(shifted - lse[:, None])
    delta = probs.copy()
    delta[rows, labels] -= 1.0
    delta /= n
    return loss, delta, probs


def loss_value(out: np.ndarray, target: np.ndarray, loss_kind: str) -> float:
    """The mean loss alone (no gradient), from outputs of shape ``(n, c)``."""
    n = out.shape[0]
    if loss_kind == "mse":
        resid = out - target
        return 0.5 * float(np.vdot(resid, resid)) / n
    shifted = out - out.max(axis=1, keepdims=True)
    lse = np.log(np.exp(shifted).sum(axis=1))
    return float((lse - shifted[np.arange(n), target]).sum()) / n


def output_hessian_apply(r_out: np.ndarray, probs: np.ndarray | None, n: int) -> np.ndarray:
    """Apply the loss Hessian in the outputs to ``r_out`` (shape ``(k, n, c)``).

    MSE: ``r_out / n``. Cross-entropy: ``(diag(p) - p p^T) r_out / n`` per sample.
    """
    if probs is None:
        return r_out / n
    pr = probs * r_out
    pr -= probs * pr.sum(axis=-1, keepdims=True)
    pr /= n
    return pr


# --------------------------------------------------------------------------------------
# Forward and backward passes at one theta (the cached state the HVP reuses).
# --------------------------------------------------------------------------------------


@dataclass
class State:
    """Everything the gradient computes at one theta and the R-operator reuses."""

    acts: list[np.ndarray]
    zs: list[np.ndarray]
    d1s: list[np.ndarray | None]
    out: np.ndarray
    loss: float
    probs: np.ndarray | None
    deltas: list[np.ndarray] = field(default_factory=list)
    gas: list[np.ndarray | None] = field(default_factory=list)
    curv: list[np.ndarray | None] | None = None  # gas[l+1] * phi''(z_l), built lazily


def forward_pass(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    X: np.ndarray,
    act: Activation,
    *,
    keep: bool,
) -> tuple[np.ndarray, list, list, list]:
    """Run the network on ``X``; keep the intermediates when ``keep`` (for derivatives)."""
    acts, zs, d1s = [X], [], []
    a = X
    last = len(weights) - 1
    for layer, (W, b) in enumerate(zip(weights, biases, strict=True)):
        z = a @ W.T
        z += b
        if layer == last:
            return z, acts, zs, d1s
        a = act.fn(z)
        if keep:
            zs.append(z)
            d1s.append(None if act.d1 is None else act.d1(z, a))
            acts.append(a)
    raise AssertionError("unreachable")  # pragma: no cover


def state_at(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    X: np.ndarray,
    target: np.ndarray,
    act: Activation,
    loss_kind: str,
) -> State:
    """Forward pass, loss, and the backpropagated deltas (no weight gradients)."""
    out, acts, zs, d1s = forward_pass(weights, biases, X, act, keep=True)
    head = mse_head if loss_kind == "mse" else cross_entropy_head
    loss, delta, probs = head(out, target)
    num_layers = len(weights)
    deltas: list = [None] * num_layers
    gas: list = [None] * num_layers
    for layer in range(num_layers - 1, -1, -1):
        deltas[layer] = delta
        if layer > 0:
            ga = delta @ weights[layer]
            gas[layer] = ga
            d1 = d1s[layer - 1]
            delta = ga if d1 is None else ga * d1
    return State(acts, zs, d1s, out, loss, probs, deltas, gas)


def weight_gradients(state: State, grad_views: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """Write ``dLoss/dW_l = deltas[l].T @ acts[l]`` and ``dLoss/db_l`` into the views."""
    for layer, (gW, gb) in enumerate(grad_views):
        delta = state.deltas[layer]
        np.matmul(delta.T, state.acts[layer], out=gW)
        np.sum(delta, axis=0, out=gb)


def _curvature_terms(state: State, act: Activation) -> list[np.ndarray | None]:
    if state.curv is None:
        curv: list = []
        for hidden, z in enumerate(state.zs):
            if act.d2 is None:
                curv.append(None)
            else:
                d2 = act.d2(z, state.acts[hidden + 1], state.d1s[hidden])
                d2 *= state.gas[hidden + 1]
                curv.append(d2)
        state.curv = curv
    return state.curv


def r_operator(
    state: State,
    weights: list[np.ndarray],
    dir_weights: list[np.ndarray],
    dir_biases: list[np.ndarray],
    act: Activation,
    out_views: list[tuple[np.ndarray, np.ndarray]],
) -> None:
    """Write ``H v`` for ``k`` stacked directions into ``out_views`` (one pair per layer).

    ``dir_weights[l]`` has shape ``(k, fan_out, fan_in)``, ``dir_biases[l]`` shape
    ``(k, fan_out)``; ``out_views[l]`` holds arrays of the same shapes to write into.
    """
    n = state.out.shape[0]
    num_layers = len(weights)
    curv = _curvature_terms(state, act)
    # R-forward.
    r_zs: list[np.ndarray] = []
    r_acts: list[np.ndarray | None] = [None]
    r_z = np.matmul(state.acts[0], dir_weights[0].transpose(0, 2, 1))
    r_z += dir_biases[0][:, None, :]
    for layer in range(1, num_layers):
        r_zs.append(r_z)
        d1 = state.d1s[layer - 1]
        r_a = r_z if d1 is None else r_z * d1
        r_acts.append(r_a)
        r_z = np.matmul(r_a, weights[layer].T)
        r_z += np.matmul(state.acts[layer], dir_weights[layer].transpose(0, 2, 1))
        r_z += dir_biases[layer][:, None, :]
    # R-backward.
    r_delta = output_hessian_apply(r_z, state.probs, n)
    for layer in range(num_layers - 1, -1, -1):
        out_W, out_b = out_views[layer]
        delta = state.deltas[layer]
        np.matmul(r_delta.transpose(0, 2, 1), state.acts[layer], out=out_W)
        if layer > 0:
            out_W += np.matmul(delta.T, r_acts[layer])
        np.sum(r_delta, axis=1, out=out_b)
        if layer > 0:
            r_ga = np.matmul(r_delta, weights[layer])
            r_ga += np.matmul(delta, dir_weights[layer])
            d1 = state.d1s[layer - 1]
            if d1 is not None:
                r_ga *= d1
            c = curv[layer - 1]
            if c is not None:
                r_ga += c * r_zs[layer - 1]
            r_delta = r_ga


# --------------------------------------------------------------------------------------
# Batched forward over many thetas, in a transposed layout (units x samples) so that
# every layer is one stacked matrix product without transposes.
# --------------------------------------------------------------------------------------


def batched_outputs(
    weights: list[np.ndarray], biases: list[np.ndarray], X_T: np.ndarray, act: Activation
) -> np.ndarray:
    """Outputs for ``m`` parameter vectors at once, shape ``(m, c, n)``.

    ``weights[l]`` has shape ``(m, fan_out, fan_in)``, ``biases[l]`` ``(m, fan_out)``,
    ``X_T`` is the transposed data ``(fan_in, n)``.
    """
    m, fan_out, fan_in = weights[0].shape
    W0 = np.ascontiguousarray(weights[0]).reshape(m * fan_out, fan_in)
    z = (W0 @ X_T).reshape(m, fan_out, X_T.shape[1])
    z += biases[0][:, :, None]
    return batched_outputs_from(z, weights[1:], biases[1:], act)


def batched_outputs_from(
    z: np.ndarray, weights: list[np.ndarray], biases: list[np.ndarray], act: Activation
) -> np.ndarray:
    """Run layers ``1..L-1`` from the first layer's pre-activations ``z`` ``(m, h, n)``.

    ``weights``/``biases`` hold the remaining layers, stacked as in :func:`batched_outputs`.
    ``z`` is overwritten (it is a temporary of the caller).
    """
    for W, b in zip(weights, biases, strict=True):
        a = act.fn(z)
        z = np.matmul(W, a)
        z += b[:, :, None]
    return z


def batched_target(y: np.ndarray, loss_kind: str, num_outputs: int) -> np.ndarray:
    """The target in the form :func:`batched_losses` wants, built once per objective.

    MSE: the transposed targets ``(c, n)``. Cross-entropy: the one-hot matrix of the
    labels, flattened to ``(c * n,)``, so the picked logits of a whole chunk are one
    contraction.
    """
    if loss_kind == "mse":
        return np.ascontiguousarray(y.T)
    n = y.shape[0]
    onehot = np.zeros((num_outputs, n))
    onehot[y, np.arange(n)] = 1.0
    return onehot.reshape(-1)


def batched_losses(out: np.ndarray, target: np.ndarray, loss_kind: str) -> np.ndarray:
    """Mean loss per parameter vector from outputs ``(m, c, n)``; returns shape ``(m,)``.

    ``target`` comes from :func:`batched_target`. Cross-entropy uses the same shifted
    log-sum-exp as :func:`loss_value` (the picked logit is taken after the shift, so the
    shift cancels and is never added back). ``out`` is overwritten.
    """
    m, c, n = out.shape
    if loss_kind == "mse":
        out -= target
        flat = out.reshape(m, c * n)
        return 0.5 * np.einsum("ij,ij->i", flat, flat) / n
    out -= out.max(axis=1, keepdims=True)
    # einsum, not a BLAS product: each row sums in the same order whatever the chunk size.
    picked = np.einsum("ij,j->i", out.reshape(m, c * n), target)
    np.exp(out, out=out)
    lse = out.sum(axis=1)
    np.log(lse, out=lse)
    return (lse.sum(axis=1) - picked) / n
