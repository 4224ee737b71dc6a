r"""Permutation symmetry of hidden units, and aligning two networks by weight matching.

Reordering the hidden units of a layer of an MLP (the rows of ``W_l`` and ``b_l`` and,
to match, the columns of ``W_{l+1}``) changes ``theta`` but not the function the
network computes: every trained network is one of at least
:math:`\prod_l h_l!` equivalent points (:func:`~landscape.permutation_count`). Two
networks trained from different seeds can therefore differ by a permutation as well as by
a genuinely different solution; :func:`~landscape.align_networks` removes the
permutation by *weight matching* (Ainsworth, Hayase and Srinivasa 2023), after which the
straight line between them can be measured again (:func:`~landscape.linear_path`).

Permutations are integer index arrays, one per hidden layer: ``perm[i] = j`` means that
unit ``i`` of the permuted network is unit ``j`` of the original, so
``W_l -> W_l[perm_l][:, perm_{l-1}]`` and ``b_l -> b_l[perm_l]``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment

from landscape._validation import as_rng, as_vector, check_positive_int, read_only_copy
from landscape.nn import MLP

__all__ = [
    "Alignment",
    "PermutationCount",
    "align_networks",
    "permutation_count",
    "permute_hidden_units",
    "random_permutations",
]


class PermutationCount(NamedTuple):
    """How many parameter vectors compute the same function by permuting hidden units.

    Attributes
    ----------
    count : int
        :math:`\\prod_l h_l!` over the hidden widths, as an exact integer.
    log10 : float
        Its base-10 logarithm (finite even when ``count`` has hundreds of digits).

    Examples
    --------
    >>> import landscape as ls
    >>> ls.permutation_count(ls.MLP((2, 3, 4, 1)))
    PermutationCount(count=144, log10=2.1584)
    """

    count: int
    log10: float

    def __repr__(self) -> str:
        return f"PermutationCount(count={self.count}, log10={self.log10:.5g})"


@dataclass(frozen=True, repr=False)
class Alignment:
    """The result of :func:`~landscape.align_networks`.

    Attributes
    ----------
    theta : numpy.ndarray, shape (d,)
        Network B with its hidden units permuted to match network A (read-only). It
        computes the same function as B.
    permutations : tuple of numpy.ndarray
        One index array per hidden layer (``perm[i] = j``: unit ``i`` of the aligned
        network is unit ``j`` of B).
    similarities : numpy.ndarray, shape (num_sweeps + 1,)
        The matching objective :math:`\\sum_l \\langle W_l^A, \\pi(W^B)_l \\rangle +
        \\langle b_l^A, \\pi(b^B)_l \\rangle` before alignment (entry 0) and after each
        sweep. It never decreases.
    num_sweeps : int
        Sweeps over the hidden layers that were run.
    converged : bool
        Whether the last sweep changed no permutation (a coordinate-wise optimum).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> mlp = ls.MLP((2, 4, 1))
    >>> theta = mlp.init(rng=0)
    >>> shuffled = ls.permute_hidden_units(mlp, theta, [np.array([2, 0, 3, 1])])
    >>> result = ls.align_networks(mlp, theta, shuffled)
    >>> result
    Alignment(hidden_widths=(4,), num_sweeps=2, converged=True, similarity=1.16->4.71)
    >>> result.permutations
    (array([1, 3, 0, 2]),)
    >>> bool(np.allclose(result.theta, theta))
    True
    """

    theta: np.ndarray
    permutations: tuple[np.ndarray, ...]
    similarities: np.ndarray
    num_sweeps: int
    converged: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "theta", read_only_copy(self.theta))
        object.__setattr__(self, "similarities", read_only_copy(self.similarities))
        perms = tuple(read_only_copy(p) for p in self.permutations)
        object.__setattr__(self, "permutations", perms)

    def __repr__(self) -> str:
        widths = tuple(p.size for p in self.permutations)
        return (
            f"Alignment(hidden_widths={widths}, num_sweeps={self.num_sweeps}, "
            f"converged={self.converged}, similarity={self.similarities[0]:.3g}->"
            f"{self.similarities[-1]:.3g})"
        )


def _require_mlp(mlp: Any) -> MLP:
    if not isinstance(mlp, MLP):
        raise TypeError(f"`mlp` must be an MLP, got {type(mlp).__name__}.")
    return mlp


def _theta_of(mlp: MLP, theta: Any, name: str) -> np.ndarray:
    """``theta`` as a vector of the network's size, with an architecture-aware message."""
    arr = np.asarray(theta) if not isinstance(theta, (str, bytes)) else theta
    if isinstance(arr, np.ndarray) and arr.ndim == 1 and arr.shape[0] != mlp.num_params:
        raise ValueError(
            f"`{name}` has {arr.shape[0]} parameters but the network {mlp.widths} has "
            f"{mlp.num_params}: both networks must have the architecture of `mlp`."
        )
    return as_vector(theta, name, mlp.num_params)


def _hidden_widths(mlp: MLP) -> tuple[int, ...]:
    return mlp.widths[1:-1]


def permutation_count(mlp: MLP) -> PermutationCount:
    r"""Number of hidden-unit orderings of ``mlp``: :math:`\prod_l h_l!`.

    Parameters
    ----------
    mlp : MLP
        The architecture; only the hidden widths :math:`h_1, \dots, h_{L-1}` matter.

    Returns
    -------
    count : PermutationCount
        The exact integer and its base-10 logarithm.

    Raises
    ------
    TypeError
        If ``mlp`` is not an :class:`~landscape.MLP`.

    Notes
    -----
    Each choice of one permutation per hidden layer maps a parameter vector to one that
    computes the same function (:func:`~landscape.permute_hidden_units`), so every
    minimum comes with :math:`\prod_l h_l!` equivalent minima; they are distinct points
    when no two units of a layer have identical incoming and outgoing weights. The count
    ignores other symmetries (the sign flips :math:`w \mapsto -w` of odd activations such
    as tanh, the positive rescalings of ReLU units), which multiply it further.

    .. math:: \log_{10} \prod_l h_l! = \sum_l \frac{\ln \Gamma(h_l + 1)}{\ln 10}.

    Examples
    --------
    >>> import landscape as ls
    >>> count = ls.permutation_count(ls.MLP((2, 64, 64, 2)))
    >>> len(str(count.count)), round(count.log10, 2)
    (179, 178.21)
    >>> ls.permutation_count(ls.MLP((3, 1))).count  # no hidden layer
    1
    """
    mlp = _require_mlp(mlp)
    widths = _hidden_widths(mlp)
    count = math.prod(math.factorial(h) for h in widths)
    log10 = sum(math.lgamma(h + 1) for h in widths) / math.log(10)
    return PermutationCount(count, float(log10))


def _check_permutations(mlp: MLP, permutations: Any) -> tuple[np.ndarray, ...]:
    widths = _hidden_widths(mlp)
    if isinstance(permutations, (str, bytes)) or not isinstance(permutations, Sequence):
        raise TypeError(
            "`permutations` must be a sequence of integer index arrays, one per hidden "
            f"layer, got {type(permutations).__name__}."
        )
    if len(permutations) != len(widths):
        raise ValueError(
            f"`permutations` must hold {len(widths)} arrays (one per hidden layer of "
            f"widths {widths}), got {len(permutations)}."
        )
    out = []
    for layer, (perm, width) in enumerate(zip(permutations, widths, strict=True)):
        arr = np.asarray(perm)
        name = f"permutations[{layer}]"
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"`{name}` must hold integers, got dtype {arr.dtype}.")
        if arr.shape != (width,) or not np.array_equal(np.sort(arr), np.arange(width)):
            raise ValueError(
                f"`{name}` must be a permutation of 0..{width - 1} (shape ({width},)), got "
                f"{arr.tolist() if arr.size <= 12 else f'an array of shape {arr.shape}'}."
            )
        out.append(arr.astype(np.intp))
    return tuple(out)


def _apply(mlp: MLP, theta: np.ndarray, perms: Sequence[np.ndarray]) -> np.ndarray:
    params = mlp.unpack(theta)
    out = {}
    for layer in range(mlp.num_layers):
        rows = perms[layer] if layer < len(perms) else slice(None)
        cols = perms[layer - 1] if layer > 0 else slice(None)
        out[f"layer{layer}.weight"] = params[f"layer{layer}.weight"][rows][:, cols]
        out[f"layer{layer}.bias"] = params[f"layer{layer}.bias"][rows]
    return mlp.pack(out)


def permute_hidden_units(mlp: MLP, theta: Any, permutations: Sequence[Any]) -> np.ndarray:
    r"""Reorder the hidden units of every hidden layer; the function is unchanged.

    Parameters
    ----------
    mlp : MLP
        The architecture of ``theta``.
    theta : array_like, shape (d,)
        Parameters (not modified).
    permutations : sequence of array_like of int
        One permutation of ``0 .. h_l - 1`` per hidden layer ``l = 1 .. L-1``.

    Returns
    -------
    permuted : numpy.ndarray, shape (d,)
        A new vector: layer ``l`` has weights ``W_l[p_l][:, p_{l-1}]`` and bias
        ``b_l[p_l]`` (inputs and outputs keep their order).

    Raises
    ------
    TypeError
        If ``mlp`` is not an MLP, ``permutations`` is not a sequence, or an entry does not
        hold integers.
    ValueError
        If ``theta`` has the wrong length or non-finite entries, or the number or content
        of the permutations is wrong.

    Notes
    -----
    With :math:`P_l` the permutation matrix of layer :math:`l` and
    :math:`P_0 = I`, :math:`P_L = I`,

    .. math:: W_l \mapsto P_l W_l P_{l-1}^\top, \qquad b_l \mapsto P_l b_l .

    Since :math:`\phi(P z) = P \phi(z)` for an elementwise activation :math:`\phi` and
    :math:`P^\top P = I`, every layer's output is permuted and the next layer undoes it:
    the network function is the same for every input.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> mlp = ls.MLP((1, 2, 1))
    >>> theta = mlp.pack({"layer0.weight": [[1.0], [2.0]], "layer0.bias": [0.1, 0.2],
    ...                   "layer1.weight": [[3.0, 4.0]], "layer1.bias": [0.5]})
    >>> swapped = ls.permute_hidden_units(mlp, theta, [np.array([1, 0])])
    >>> swapped
    array([2. , 1. , 0.2, 0.1, 4. , 3. , 0.5])
    >>> X = np.array([[0.3], [-1.0]])
    >>> bool(np.allclose(mlp.forward(theta, X), mlp.forward(swapped, X), rtol=0, atol=1e-15))
    True
    """
    mlp = _require_mlp(mlp)
    theta = _theta_of(mlp, theta, "theta")
    perms = _check_permutations(mlp, permutations)
    return _apply(mlp, theta, perms)


def random_permutations(mlp: MLP, rng: int | np.random.Generator = 0) -> tuple[np.ndarray, ...]:
    """Uniformly random permutations of every hidden layer, e.g. to shuffle a network.

    Parameters
    ----------
    mlp : MLP
        The architecture.
    rng : int or numpy.random.Generator, optional
        Seed or generator.

    Returns
    -------
    permutations : tuple of numpy.ndarray of int
        One permutation per hidden layer, for :func:`~landscape.permute_hidden_units`.

    Raises
    ------
    TypeError
        If ``mlp`` is not an MLP or ``rng`` is not a seed or Generator.
    ValueError
        If ``rng`` is a negative seed.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.random_permutations(ls.MLP((2, 3, 5, 1)), rng=0)
    (array([2, 0, 1]), array([2, 4, 3, 1, 0]))
    """
    mlp = _require_mlp(mlp)
    gen = as_rng(rng)
    return tuple(gen.permutation(h) for h in _hidden_widths(mlp))


def _similarity(mlp: MLP, params_a: dict, params_b: dict, perms: list[np.ndarray]) -> float:
    total = 0.0
    for layer in range(mlp.num_layers):
        rows = perms[layer] if layer < len(perms) else slice(None)
        cols = perms[layer - 1] if layer > 0 else slice(None)
        w_b = params_b[f"layer{layer}.weight"][rows][:, cols]
        total += float(np.sum(params_a[f"layer{layer}.weight"] * w_b))
        total += float(params_a[f"layer{layer}.bias"] @ params_b[f"layer{layer}.bias"][rows])
    return total


def _layer_cost(
    mlp: MLP, params_a: dict, params_b: dict, perms: list[np.ndarray], layer: int
) -> np.ndarray:
    """Similarity ``S[i, j]`` of unit ``i`` of A and unit ``j`` of B in hidden layer ``layer``.

    Hidden layer ``layer`` (0-based) is the output of weight matrix ``layer``.
    """
    w_a = params_a[f"layer{layer}.weight"]
    w_b = params_b[f"layer{layer}.weight"]
    if layer > 0:
        w_b = w_b[:, perms[layer - 1]]
    cost = w_a @ w_b.T
    cost += np.outer(params_a[f"layer{layer}.bias"], params_b[f"layer{layer}.bias"])
    next_a = params_a[f"layer{layer + 1}.weight"]
    next_b = params_b[f"layer{layer + 1}.weight"]
    if layer + 1 < len(perms):
        next_b = next_b[perms[layer + 1]]
    cost += next_a.T @ next_b
    return cost


def align_networks(
    mlp: MLP,
    theta_a: Any,
    theta_b: Any,
    *,
    max_sweeps: int = 100,
    rng: int | np.random.Generator = 0,
) -> Alignment:
    r"""Permute the hidden units of network B to match network A (weight matching).

    Parameters
    ----------
    mlp : MLP
        The architecture both networks share.
    theta_a : array_like, shape (d,)
        The reference network (not modified).
    theta_b : array_like, shape (d,)
        The network to permute (not modified).
    max_sweeps : int, optional
        Largest number of sweeps over the hidden layers (>= 1).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the random order of the layers in each sweep.

    Returns
    -------
    alignment : Alignment
        The permuted network B (same function), the permutations, the matching objective
        per sweep and whether the descent converged.

    Raises
    ------
    TypeError
        If ``mlp`` is not an MLP, a parameter vector is not numeric, ``max_sweeps`` is
        not an integer or ``rng`` is not a seed or Generator.
    ValueError
        If ``theta_a`` or ``theta_b`` does not have ``mlp.num_params`` entries (networks of
        different architectures) or holds NaN/inf, or ``max_sweeps < 1``.

    Notes
    -----
    Weight matching maximizes the inner product between A and the permuted B,

    .. math::

        \max_{P_1, \dots, P_{L-1}} \sum_{l=1}^{L} \langle W_l^A,\,
        P_l W_l^B P_{l-1}^\top \rangle_F + \langle b_l^A, P_l b_l^B \rangle,
        \qquad P_0 = P_L = I,

    which is the same as minimizing :math:`\|\theta_A - \pi(\theta_B)\|^2` (a
    permutation does not change the norm). With the other permutations fixed, the
    objective is linear in :math:`P_l`: it is :math:`\langle P_l, S_l \rangle` with

    .. math::

        S_l = W_l^A \big(W_l^B P_{l-1}^\top\big)^\top + b_l^A {b_l^B}^\top
              + {W_{l+1}^A}^\top P_{l+1} W_{l+1}^B,

    a linear assignment problem solved exactly by
    :func:`scipy.optimize.linear_sum_assignment`. The layers are visited in a random
    order (from ``rng``) in each sweep, and the sweeps stop when one changes no
    permutation. Every step is an exact maximization in one block of variables, so the
    objective never decreases; the result is a coordinate-wise optimum, not necessarily
    the global one (the joint problem is NP-hard for two or more hidden layers). With one
    hidden layer the first sweep is exact.

    References
    ----------
    Ainsworth, S. K., Hayase, J., Srinivasa, S. (2023). Git Re-Basin: merging models
    modulo permutation symmetries. ICLR. arXiv:2209.04836.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> mlp = ls.MLP((2, 6, 6, 2))
    >>> theta_a, theta_b = mlp.init(rng=0), mlp.init(rng=1)
    >>> result = ls.align_networks(mlp, theta_a, theta_b)
    >>> result.converged, bool(result.similarities[-1] >= result.similarities[0])
    (True, True)
    >>> X = np.random.default_rng(2).standard_normal((5, 2))
    >>> bool(np.allclose(mlp.forward(result.theta, X), mlp.forward(theta_b, X), atol=1e-12))
    True
    >>> distance = lambda t: float(np.linalg.norm(theta_a - t))
    >>> distance(result.theta) < distance(theta_b)
    True
    """
    mlp = _require_mlp(mlp)
    theta_a = _theta_of(mlp, theta_a, "theta_a")
    theta_b = _theta_of(mlp, theta_b, "theta_b")
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    gen = as_rng(rng)
    widths = _hidden_widths(mlp)
    perms = [np.arange(h) for h in widths]
    params_a, params_b = mlp.unpack(theta_a), mlp.unpack(theta_b)
    similarities = [_similarity(mlp, params_a, params_b, perms)]
    converged = not widths
    num_sweeps = 0
    while not converged and num_sweeps < max_sweeps:
        num_sweeps += 1
        changed = False
        for layer in gen.permutation(len(widths)):
            cost = _layer_cost(mlp, params_a, params_b, perms, int(layer))
            _, cols = linear_sum_assignment(cost, maximize=True)
            # Keep the current permutation on ties, so a sweep that cannot improve
            # reports no change (and the loop terminates).
            current = float(cost[np.arange(cost.shape[0]), perms[layer]].sum())
            best = float(cost[np.arange(cost.shape[0]), cols].sum())
            if best > current + 1e-12 * max(1.0, abs(current)):
                perms[layer] = cols
                changed = True
        similarities.append(_similarity(mlp, params_a, params_b, perms))
        converged = not changed
    theta = _apply(mlp, theta_b, perms)
    return Alignment(theta, tuple(perms), np.array(similarities), num_sweeps, converged)
