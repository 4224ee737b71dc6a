"""How signals and gradients propagate through the layers of an MLP at a given ``theta``.

Initialization schemes (:meth:`landscape.MLP.init`) are chosen so that the scale of the
activations, and of the gradients flowing back, stays roughly constant from layer to
layer. :func:`signal_propagation` measures both halves of that promise, the forward signal
and the backpropagated error, for any ``theta`` of a :class:`~landscape.NetworkObjective`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from landscape._validation import as_vector
from landscape.network import NetworkObjective

__all__ = ["SignalPropagation", "signal_propagation"]


class SignalPropagation(NamedTuple):
    """Per-layer signal scales of an MLP at one ``theta`` (input layer first).

    Attributes
    ----------
    forward : numpy.ndarray, shape (L,)
        RMS over samples and units of the pre-activations :math:`z_l = W_l a_{l-1} +
        b_l` of each layer (the last entry is the network output).
    backward : numpy.ndarray, shape (L,)
        RMS of the per-sample error signals :math:`\\delta_l = \\partial \\ell_i /
        \\partial z_l` that backpropagation carries to each layer.
    weight_grad_norms : numpy.ndarray, shape (L,)
        Frobenius norms of the loss gradient with respect to each weight matrix.

    Examples
    --------
    >>> import landscape as ls
    >>> data = ls.teacher_student(50, widths=(4, 8, 1), rng=0)
    >>> f = ls.mlp_objective(ls.MLP((4, 16, 16, 1), "tanh"), data.X, data.y)
    >>> ls.signal_propagation(f, f.mlp.init(rng=0)).forward.shape
    (3,)
    """

    forward: np.ndarray
    backward: np.ndarray
    weight_grad_norms: np.ndarray


def _rms(arr: np.ndarray) -> float:
    return float(np.sqrt(np.mean(arr**2)))


def signal_propagation(objective: NetworkObjective, theta: Any) -> SignalPropagation:
    """Scales of the forward signal and of the backpropagated error, layer by layer.

    Parameters
    ----------
    objective : NetworkObjective
        From :func:`~landscape.mlp_objective` (its data are the inputs sent through).
    theta : array_like, shape (d,)
        The parameters, e.g. from :meth:`~landscape.MLP.init`.

    Returns
    -------
    signals : SignalPropagation
        ``forward``, ``backward`` and ``weight_grad_norms``, one entry per layer.

    Raises
    ------
    TypeError
        If ``objective`` is not a :class:`~landscape.NetworkObjective` or ``theta`` is
        not numeric.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries.

    Notes
    -----
    For :math:`z = W a + b` with i.i.d. weights of variance :math:`\\sigma^2` and zero
    biases, :math:`\\operatorname{Var}(z_i) = n_{\\text{in}} \\sigma^2
    \\operatorname{E}[a^2]`, and backwards :math:`\\delta_{l-1} = \\phi'(z_{l-1})
    \\odot W_l^\\top \\delta_l`. With :math:`\\sigma^2 = 1/n_{\\text{in}}` (LeCun;
    Xavier's :math:`2/(n_{\\text{in}} + n_{\\text{out}})` for equal widths) both scales
    stay roughly constant through tanh layers near zero; ReLU zeroes half its inputs,
    which :math:`\\sigma^2 = 2/n_{\\text{in}}` (He) compensates. A factor :math:`c`
    on the weights multiplies both scales by about :math:`c` per layer (for ReLU
    exactly): they vanish or explode geometrically with depth.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS 2010. K. He, X. Zhang, S. Ren and J. Sun, "Delving deep
    into rectifiers", ICCV 2015, arXiv:1502.01852.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> data = ls.teacher_student(200, widths=(50, 8, 1), rng=0)
    >>> net = ls.MLP((50,) + (100,) * 8 + (1,), "relu")
    >>> f = ls.mlp_objective(net, data.X, data.y)
    >>> he = ls.signal_propagation(f, net.init(rng=0, scheme="he"))
    >>> half = ls.signal_propagation(f, net.init(rng=0, scheme="he", scale=0.5))
    >>> ratio = lambda s: float(s.backward[0] / s.backward[-2])  # first vs last hidden
    >>> bool(0.1 < ratio(he) < 10), bool(ratio(half) < 0.01)
    (True, True)
    """
    if not isinstance(objective, NetworkObjective):
        raise TypeError(
            f"`objective` must be a NetworkObjective (from ls.mlp_objective), got "
            f"{type(objective).__name__}."
        )
    theta = as_vector(theta, "theta", objective.dim)
    state = objective._state(theta)
    grad = objective.grad(theta)
    n = objective.num_samples
    forward = np.array([_rms(z) for z in (*state.zs, state.out)])
    backward = np.array([n * _rms(delta) for delta in state.deltas])
    blocks = objective.mlp.layers[0::2]
    norms = np.array([float(np.linalg.norm(grad[block.slice])) for block in blocks])
    return SignalPropagation(forward, backward, norms)
