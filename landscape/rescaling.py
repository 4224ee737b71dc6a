r"""The reparameterization caveat: one function, many parameter vectors, many sharpnesses.

A ReLU network computes the same function after one layer is scaled by :math:`a > 0`
and the next by :math:`1/a` (positive homogeneity of the activation). Every sharpness
measure that is not scale-invariant changes under this map, which is the objection of
Dinh et al. (2017) to reading generalization off sharpness. :func:`~landscape.rescale_layers`
builds the rescaled twin of a network so the caveat can be measured.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from landscape._validation import as_vector, check_positive, check_positive_int
from landscape.nn import MLP

__all__ = ["Rescaling", "rescale_layers"]

HOMOGENEOUS_ACTIVATIONS = ("relu", "linear")


class Rescaling(NamedTuple):
    """Two parameter vectors of one ReLU network that compute the same function.

    Attributes
    ----------
    original : numpy.ndarray, shape (d,)
        A copy of the input parameters.
    rescaled : numpy.ndarray, shape (d,)
        Layer ``layer`` (weights and bias) times ``alpha``, layer ``layer + 1``'s weights
        divided by ``alpha``.
    alpha : float
        The scale :math:`a > 0`.
    layer : int
        The layer scaled up.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> pair = ls.rescale_layers(ls.MLP((1, 1, 1), "relu"), np.array([1.0, 0.5, 2.0, 0.0]), 4.0)
    >>> pair.rescaled
    array([4. , 2. , 0.5, 0. ])
    """

    original: np.ndarray
    rescaled: np.ndarray
    alpha: float
    layer: int


def rescale_layers(network: Any, theta: Any, alpha: float, *, layer: int = 0) -> Rescaling:
    r"""Rescale one ReLU layer by ``alpha`` and the next by ``1 / alpha``: same function.

    Parameters
    ----------
    network : MLP or NetworkObjective
        The network (its activation must be ``"relu"`` or ``"linear"``).
    theta : array_like, shape (d,)
        Its parameters (not modified).
    alpha : float
        The scale :math:`a > 0`.
    layer : int, optional
        The layer :math:`l` to scale up, ``0 <= l < num_layers - 1``.

    Returns
    -------
    pair : Rescaling
        ``original`` (a copy of ``theta``) and ``rescaled``.

    Raises
    ------
    TypeError
        If ``network`` is not an MLP or network objective, or an argument has the wrong
        type.
    ValueError
        If the activation is not positively homogeneous, ``alpha <= 0``, ``layer`` is
        out of range, or ``theta`` has the wrong shape or is not finite.

    Notes
    -----
    ReLU is positively homogeneous, :math:`\phi(a z) = a \phi(z)` for :math:`a > 0`, so

    .. math::
        W_{l+1}\,\phi(W_l x + b_l) = \tfrac1a W_{l+1}\,\phi(a W_l x + a b_l),

    and the map :math:`\theta \mapsto S\theta` with :math:`S` = ``a`` on layer
    :math:`l` and :math:`1/a` on the weights of layer :math:`l + 1` leaves the network's
    function unchanged: same outputs, same training loss, same test error. Derivatives
    transform as :math:`\nabla L(S\theta) = S^{-1}\nabla L(\theta)` and
    :math:`H(S\theta) = S^{-1} H(\theta) S^{-1}`, so :math:`\lambda_{\max}` and the
    trace change and, as :math:`a \to 0` or :math:`\infty`, can be made as large as one
    likes (Dinh et al. 2017). An L2 penalty is not invariant: with ``l2 > 0`` the loss
    itself changes.

    References
    ----------
    Dinh, L., Pascanu, R., Bengio, S., Bengio, Y. (2017). Sharp minima can generalize
    for deep nets. ICML. arXiv:1703.04933.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> net = ls.MLP((2, 3, 1), "relu")
    >>> theta = net.init(rng=0)
    >>> pair = ls.rescale_layers(net, theta, alpha=10.0)
    >>> X = np.random.default_rng(0).standard_normal((4, 2))
    >>> bool(np.allclose(net.forward(pair.rescaled, X), net.forward(theta, X), atol=1e-12))
    True
    """
    mlp = network if isinstance(network, MLP) else getattr(network, "mlp", None)
    if not isinstance(mlp, MLP):
        raise TypeError(
            f"`network` must be an MLP or a network objective, got {type(network).__name__}."
        )
    if mlp.activation not in HOMOGENEOUS_ACTIVATIONS:
        raise ValueError(
            f"rescaling preserves the function only for a positively homogeneous activation "
            f"({', '.join(HOMOGENEOUS_ACTIVATIONS)}); this network uses {mlp.activation!r}."
        )
    theta = as_vector(theta, "theta", mlp.num_params)
    alpha = check_positive(alpha, "alpha")
    layer = check_positive_int(layer, "layer", minimum=0)
    if layer >= mlp.num_layers - 1:
        raise ValueError(
            f"`layer` must be in [0, {mlp.num_layers - 2}] (a next layer must absorb 1/alpha), "
            f"got {layer}."
        )
    blocks = {b.name: b for b in mlp.layers}
    rescaled = theta.copy()
    for name in (f"layer{layer}.weight", f"layer{layer}.bias"):
        rescaled[blocks[name].slice] *= alpha
    rescaled[blocks[f"layer{layer + 1}.weight"].slice] /= alpha
    return Rescaling(theta, rescaled, alpha, layer)
