"""The per-coordinate step sizes and weight decay an adaptive optimizer actually applies.

Every rule in :mod:`landscape.optim` and :mod:`landscape.adaptive` can be read as a
preconditioned step, :math:`\\theta \\leftarrow \\theta - \\eta_t P_t^{-1} u_t`, with a
diagonal :math:`P_t` that the rule builds from the gradients it has seen.
:func:`effective_learning_rates` returns the diagonal of :math:`\\eta_t P_t^{-1}` from a
rule and its state (the state a training loop hands to its callback), and
:func:`effective_weight_decay` the relative shrinkage per step that weight decay applies
to each coordinate. Both read the state as it is after the most recent update, so they
describe the step just taken.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from landscape.optim import UpdateRule

__all__ = ["effective_learning_rates", "effective_weight_decay"]

_ADAPTIVE = ("adagrad", "rmsprop", "adam", "adamw", "adam_l2")
_DECAY = ("adamw", "adam_l2", "lion")


def _base_name(rule: Any) -> str:
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule, got {type(rule).__name__}.")
    return rule.name.removesuffix("+clip")


def _count(state: Any) -> int:
    count = getattr(state, "count", None)
    if not isinstance(count, (int, np.integer)) or count < 0:
        raise TypeError(
            f"`state` must be an optimizer state with a non-negative integer `count`, got "
            f"{type(state).__name__}."
        )
    return int(count)


def _size(state: Any) -> int:
    """Number of coordinates, from the first array in the state."""
    return int(np.asarray(state[1]).size)


def _denominator(name: str, rule: UpdateRule, state: Any, count: int) -> np.ndarray:
    """sqrt of the (bias-corrected) second-moment estimate plus eps, per coordinate."""
    hyper = rule.hyperparameters
    if name in ("adagrad", "rmsprop"):
        second = np.asarray(state.accumulator, dtype=float)
    else:
        second = np.asarray(state.v, dtype=float) / (1.0 - hyper["beta2"] ** count)
    return np.sqrt(second) + hyper["eps"]


def effective_learning_rates(rule: UpdateRule, state: Any) -> np.ndarray:
    """Per-coordinate step size of the most recent update: the diagonal of eta P^{-1}.

    Parameters
    ----------
    rule : UpdateRule
        The rule that produced ``state``: ``adagrad``, ``rmsprop``, ``adam``, ``adamw``
        or ``adam_l2``, optionally wrapped in :func:`~landscape.clip_by_global_norm`.
    state : NamedTuple
        The rule's state after at least one update, e.g. ``StepInfo.state`` in a
        callback of :func:`~landscape.minimize` or :func:`~landscape.train`.

    Returns
    -------
    rates : numpy.ndarray, shape (d,)
        :math:`\\eta_{t-1} / (\\sqrt{\\hat v_{t,i}} + \\epsilon)`, where :math:`t` is
        ``state.count``; all NaN when ``state.count == 0`` (no update yet).

    Raises
    ------
    TypeError
        If ``rule`` is not an :class:`~landscape.UpdateRule` or ``state`` has no
        integer ``count``.
    ValueError
        If ``rule`` is not one of the adaptive rules above (gradient descent and the
        momentum methods step by :math:`\\eta` in every coordinate; Lion by the sign).

    Notes
    -----
    The adaptive rules divide the (momentum of the) gradient by a per-coordinate
    scale, so their step is :math:`-\\eta_t P_t^{-1} u_t` with

    .. math::
        P_t = \\operatorname{diag}\\bigl(\\sqrt{\\hat v_t} + \\epsilon\\bigr), \\qquad
        \\hat v_t = \\begin{cases} \\sum_{s \\le t} g_s^2 & \\text{AdaGrad} \\\\
        \\text{EMA}_{\\beta}(g^2) & \\text{RMSProp} \\\\
        \\text{EMA}_{\\beta_2}(g^2) / (1 - \\beta_2^t) & \\text{Adam},
        \\end{cases}

    and :math:`u_t` is :math:`g_t` (AdaGrad, RMSProp) or the bias-corrected momentum
    :math:`\\hat m_t` (Adam). Coordinates with a large gradient history get small
    steps: on a quadratic whose gradient in coordinate :math:`i` scales with the
    curvature :math:`h_i`, the step scales like :math:`1/h_i`, a diagonal Newton step.

    References
    ----------
    J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for online learning
    and stochastic optimization", JMLR 12, 2011. D. P. Kingma and J. Ba, "Adam: A method
    for stochastic optimization", ICLR 2015, arXiv:1412.6980.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.adagrad(0.1, eps=1e-12)
    >>> _, state = rule.update(np.array([2.0, 0.5]), rule.init(np.zeros(2)), np.zeros(2))
    >>> ls.effective_learning_rates(rule, state)  # 0.1 / |g|
    array([0.05, 0.2 ])
    >>> ls.effective_learning_rates(rule, rule.init(np.zeros(2)))  # before any update
    array([nan, nan])
    """
    name = _base_name(rule)
    if name not in _ADAPTIVE:
        raise ValueError(
            f"`rule` must be one of {', '.join(_ADAPTIVE)} (optionally clipped), got "
            f"{rule.name!r}; gradient descent and momentum step by the learning rate in "
            "every coordinate, and Lion by its sign."
        )
    count = _count(state)
    if count == 0:
        return np.full(_size(state), np.nan)
    rate = float(rule.learning_rate(count - 1))
    return rate / _denominator(name, rule, state, count)


def effective_weight_decay(rule: UpdateRule, state: Any) -> np.ndarray:
    """Relative shrinkage of each coordinate per step due to weight decay.

    Parameters
    ----------
    rule : UpdateRule
        ``adamw``, ``adam_l2`` or ``lion``, or ``adam``, ``adagrad``, ``rmsprop`` (no
        decay: zeros), optionally clipped.
    state : NamedTuple
        The rule's state after at least one update.

    Returns
    -------
    decay : numpy.ndarray, shape (d,)
        The factor :math:`c_i` in the decay part :math:`-c_i \\theta_i` of the most
        recent step: :math:`\\eta_{t-1} \\lambda` for the decoupled rules (AdamW, Lion),
        :math:`\\eta_{t-1} \\lambda / (\\sqrt{\\hat v_{t,i}} + \\epsilon)` for Adam with
        an L2 term; all NaN before the first update.

    Raises
    ------
    TypeError
        If ``rule`` is not an :class:`~landscape.UpdateRule` or ``state`` has no
        integer ``count``.
    ValueError
        If ``rule`` is not one of the rules above.

    Notes
    -----
    AdamW subtracts :math:`\\eta \\lambda \\theta` after the adaptive scaling, so every
    coordinate shrinks by the same fraction. Adam on the L2-regularized loss adds
    :math:`\\lambda \\theta` to the gradient before it, so the decay is divided by the
    same :math:`\\sqrt{\\hat v} + \\epsilon` as the gradient (here read instantaneously,
    ignoring the averaging of :math:`\\lambda\\theta` inside the first moment): the
    coordinates with the largest gradients are regularized the least.

    References
    ----------
    I. Loshchilov and F. Hutter, "Decoupled weight decay regularization", ICLR 2019,
    arXiv:1711.05101.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> theta, grad = np.ones(2), np.array([10.0, 0.1])
    >>> for rule in (ls.adamw(0.01, weight_decay=0.1, eps=1e-12),
    ...              ls.adam_l2(0.01, weight_decay=0.1, eps=1e-12)):
    ...     _, state = rule.update(grad, rule.init(theta), theta)
    ...     print(rule.name, ls.effective_weight_decay(rule, state).round(6))
    adamw [0.001 0.001]
    adam_l2 [9.9e-05 5.0e-03]
    """
    name = _base_name(rule)
    if name not in (*_ADAPTIVE, "lion"):
        raise ValueError(
            f"`rule` must be one of {', '.join((*_ADAPTIVE, 'lion'))} (optionally "
            f"clipped), got {rule.name!r}."
        )
    count = _count(state)
    size = _size(state)
    if count == 0:
        return np.full(size, np.nan)
    if name not in _DECAY:
        return np.zeros(size)
    rate = float(rule.learning_rate(count - 1)) * rule.hyperparameters["weight_decay"]
    if name == "adam_l2":
        return rate / _denominator(name, rule, state, count)
    return np.full(size, rate)
