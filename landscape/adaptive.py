"""Adaptive update rules: AdaGrad, RMSProp, Adam and its weight-decay variants, Lion.

They follow the protocol of :mod:`landscape.optim` (``init``/``update`` pure functions,
states as NamedTuples with read-only arrays) and rescale the gradient per coordinate, or
take its sign (Lion).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from landscape._validation import check_nonnegative, check_positive, read_only
from landscape.optim import UpdateRule, _beta, _hyper, _inputs, _zeros
from landscape.schedules import Schedule, as_schedule, schedule_value

__all__ = [
    "AdagradState",
    "AdamState",
    "LionState",
    "RMSPropState",
    "adagrad",
    "adam",
    "adam_l2",
    "adamw",
    "lion",
    "rmsprop",
]


class AdagradState(NamedTuple):
    """State of :func:`adagrad`.

    Attributes
    ----------
    count : int
        Number of updates applied so far.
    accumulator : numpy.ndarray, shape (d,)
        Running sum of squared gradients :math:`s_t` (read-only).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.adagrad(0.1)
    >>> _, state = rule.update(np.array([3.0]), rule.init(np.zeros(1)), np.zeros(1))
    >>> state
    AdagradState(count=1, accumulator=array([9.]))
    """

    count: int
    accumulator: np.ndarray


class RMSPropState(NamedTuple):
    """State of :func:`rmsprop`.

    Attributes
    ----------
    count : int
        Number of updates applied so far.
    accumulator : numpy.ndarray, shape (d,)
        Moving average of squared gradients :math:`s_t` (read-only).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.rmsprop(0.1, beta=0.5)
    >>> _, state = rule.update(np.array([2.0]), rule.init(np.zeros(1)), np.zeros(1))
    >>> state
    RMSPropState(count=1, accumulator=array([2.]))
    """

    count: int
    accumulator: np.ndarray


class AdamState(NamedTuple):
    """State of :func:`adam`, :func:`adamw` and :func:`adam_l2`.

    Attributes
    ----------
    count : int
        Number of updates applied so far.
    m : numpy.ndarray, shape (d,)
        Moving average of the gradient, before bias correction (read-only).
    v : numpy.ndarray, shape (d,)
        Moving average of the squared gradient, before bias correction (read-only).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.adam(0.1, beta1=0.5, beta2=0.75)
    >>> _, state = rule.update(np.array([2.0]), rule.init(np.zeros(1)), np.zeros(1))
    >>> state
    AdamState(count=1, m=array([1.]), v=array([1.]))
    """

    count: int
    m: np.ndarray
    v: np.ndarray


class LionState(NamedTuple):
    """State of :func:`lion`.

    Attributes
    ----------
    count : int
        Number of updates applied so far.
    m : numpy.ndarray, shape (d,)
        Momentum of the gradient :math:`m_t` (read-only).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.lion(0.01, beta2=0.75)
    >>> _, state = rule.update(np.array([2.0]), rule.init(np.zeros(1)), np.zeros(1))
    >>> state
    LionState(count=1, m=array([0.5]))
    """

    count: int
    m: np.ndarray


def adagrad(learning_rate: float | Schedule, eps: float = 1e-8) -> UpdateRule:
    """AdaGrad: per-coordinate steps scaled by the root of the summed squared gradients.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta`, > 0, or a schedule ``count -> float``.
    eps : float, optional
        :math:`\\epsilon` > 0 added to the denominator.

    Returns
    -------
    rule : UpdateRule
        With state :class:`AdagradState` (the accumulator starts at zero).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``learning_rate <= 0`` or ``eps <= 0``.

    Notes
    -----
    With accumulator :math:`s_t` (:math:`s_0 = 0`), all operations per coordinate:

    .. math::
        s_{t+1} = s_t + g_t^2, \\qquad
        \\theta_{t+1} = \\theta_t - \\eta_t \\, g_t / (\\sqrt{s_{t+1}} + \\epsilon).

    References
    ----------
    J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for online learning
    and stochastic optimization", JMLR 12, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.adagrad(0.1)
    >>> step, _ = rule.update(np.array([3.0, -0.5]), rule.init(np.zeros(2)), np.zeros(2))
    >>> step.round(6)
    array([-0.1,  0.1])
    """
    schedule = as_schedule(learning_rate)
    eps = check_positive(eps, "eps")

    def init(params):
        return AdagradState(0, _zeros(params))

    def update(grad, state, params):
        grad, params = _inputs(grad, params)
        eta = schedule_value(schedule, state.count)
        accumulator = state.accumulator + grad**2
        step = -eta * grad / (np.sqrt(accumulator) + eps)
        return step, AdagradState(state.count + 1, read_only(accumulator))

    hyper = _hyper(learning_rate=learning_rate, eps=eps)
    return UpdateRule(init, update, False, schedule, "adagrad", hyper)


def rmsprop(learning_rate: float | Schedule, beta: float = 0.9, eps: float = 1e-8) -> UpdateRule:
    """RMSProp: steps scaled by a moving root-mean-square of the gradients.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta`, > 0, or a schedule ``count -> float``.
    beta : float, optional
        Decay :math:`\\beta` of the moving average, in [0, 1).
    eps : float, optional
        :math:`\\epsilon` > 0 added to the denominator.

    Returns
    -------
    rule : UpdateRule
        With state :class:`RMSPropState` (the average starts at zero, no bias correction).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``learning_rate <= 0``, ``beta`` is outside [0, 1) or ``eps <= 0``.

    Notes
    -----
    With :math:`s_t` (:math:`s_0 = 0`), per coordinate:

    .. math::
        s_{t+1} = \\beta s_t + (1 - \\beta) g_t^2, \\qquad
        \\theta_{t+1} = \\theta_t - \\eta_t \\, g_t / (\\sqrt{s_{t+1}} + \\epsilon).

    References
    ----------
    T. Tieleman and G. Hinton, Lecture 6.5, "RMSProp", COURSERA: Neural Networks for
    Machine Learning, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.rmsprop(0.01, beta=0.75)
    >>> step, _ = rule.update(np.array([2.0]), rule.init(np.zeros(1)), np.zeros(1))
    >>> step.round(6)
    array([-0.02])
    """
    schedule = as_schedule(learning_rate)
    beta = _beta(beta, "beta")
    eps = check_positive(eps, "eps")

    def init(params):
        return RMSPropState(0, _zeros(params))

    def update(grad, state, params):
        grad, params = _inputs(grad, params)
        eta = schedule_value(schedule, state.count)
        accumulator = beta * state.accumulator + (1.0 - beta) * grad**2
        step = -eta * grad / (np.sqrt(accumulator) + eps)
        return step, RMSPropState(state.count + 1, read_only(accumulator))

    hyper = _hyper(learning_rate=learning_rate, beta=beta, eps=eps)
    return UpdateRule(init, update, False, schedule, "rmsprop", hyper)


def _adam_family(
    name: str,
    learning_rate: float | Schedule,
    beta1: float,
    beta2: float,
    eps: float,
    weight_decay: float,
    decoupled: bool,
) -> UpdateRule:
    schedule = as_schedule(learning_rate)
    beta1 = _beta(beta1, "beta1")
    beta2 = _beta(beta2, "beta2")
    eps = check_positive(eps, "eps")
    weight_decay = check_nonnegative(weight_decay, "weight_decay")

    def init(params):
        return AdamState(0, _zeros(params), _zeros(params))

    def update(grad, state, params):
        grad, params = _inputs(grad, params)
        eta = schedule_value(schedule, state.count)
        if weight_decay and not decoupled:
            grad = grad + weight_decay * params
        t = state.count + 1
        m = beta1 * state.m + (1.0 - beta1) * grad
        v = beta2 * state.v + (1.0 - beta2) * grad**2
        m_hat = m / (1.0 - beta1**t)
        v_hat = v / (1.0 - beta2**t)
        direction = m_hat / (np.sqrt(v_hat) + eps)
        if weight_decay and decoupled:
            direction = direction + weight_decay * params
        return -eta * direction, AdamState(t, read_only(m), read_only(v))

    hyper = {"learning_rate": learning_rate, "beta1": beta1, "beta2": beta2, "eps": eps}
    if name != "adam":
        hyper["weight_decay"] = weight_decay
    return UpdateRule(init, update, False, schedule, name, _hyper(**hyper))


def adam(
    learning_rate: float | Schedule,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> UpdateRule:
    """Adam: bias-corrected moving averages of the gradient and of its square.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta`, > 0, or a schedule ``count -> float``.
    beta1 : float, optional
        Decay :math:`\\beta_1` of the first moment, in [0, 1).
    beta2 : float, optional
        Decay :math:`\\beta_2` of the second moment, in [0, 1).
    eps : float, optional
        :math:`\\epsilon` > 0 added to the denominator.

    Returns
    -------
    rule : UpdateRule
        With state :class:`AdamState` (both moments start at zero).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``learning_rate <= 0``, ``beta1`` or ``beta2`` is outside [0, 1) or
        ``eps <= 0``.

    Notes
    -----
    With :math:`m_0 = v_0 = 0` and :math:`t` = ``count`` + 1, per coordinate:

    .. math::
        m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g, \\quad
        v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g^2, \\quad
        \\hat m = \\frac{m_t}{1 - \\beta_1^t}, \\quad
        \\hat v = \\frac{v_t}{1 - \\beta_2^t},

    .. math:: \\theta \\leftarrow \\theta - \\eta \\, \\hat m / (\\sqrt{\\hat v} + \\epsilon).

    The first step has size about :math:`\\eta` in every coordinate with a non-zero
    gradient, whatever the gradient's scale.

    References
    ----------
    D. P. Kingma and J. Ba, "Adam: A method for stochastic optimization", ICLR 2015,
    arXiv:1412.6980.

    See Also
    --------
    adamw : decoupled weight decay.
    adam_l2 : weight decay as an L2 term added to the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.adam(0.01)
    >>> step, state = rule.update(np.array([5.0, -1e-3]), rule.init(np.zeros(2)),
    ...                           np.zeros(2))
    >>> step.round(6), state.count
    (array([-0.01,  0.01]), 1)
    """
    return _adam_family("adam", learning_rate, beta1, beta2, eps, 0.0, decoupled=True)


def adamw(
    learning_rate: float | Schedule,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
) -> UpdateRule:
    """AdamW: Adam with weight decay applied to the parameters, outside the adaptive scaling.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta`, > 0, or a schedule ``count -> float``.
    beta1, beta2 : float, optional
        Moment decays :math:`\\beta_1, \\beta_2`, in [0, 1).
    eps : float, optional
        :math:`\\epsilon` > 0 added to the denominator.
    weight_decay : float, optional
        Decay coefficient :math:`\\lambda` >= 0; 0 gives :func:`adam`.

    Returns
    -------
    rule : UpdateRule
        With state :class:`AdamState`.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``learning_rate <= 0``, a beta is outside [0, 1), ``eps <= 0`` or
        ``weight_decay < 0``.

    Notes
    -----
    The moments are those of :func:`adam` computed from the raw gradient :math:`g`;
    the decay is added to the step:

    .. math::
        \\theta \\leftarrow \\theta - \\eta \\bigl(\\hat m / (\\sqrt{\\hat v} + \\epsilon)
        + \\lambda \\theta\\bigr).

    The decay is multiplied by the scheduled rate :math:`\\eta` (the PyTorch and optax
    convention). Every coordinate shrinks at the same relative rate
    :math:`\\eta\\lambda`, unlike :func:`adam_l2`, where the adaptive denominator also
    divides the decay term.

    References
    ----------
    I. Loshchilov and F. Hutter, "Decoupled weight decay regularization", ICLR 2019,
    arXiv:1711.05101.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.adamw(0.1, weight_decay=0.5)
    >>> theta = np.array([2.0])
    >>> step, _ = rule.update(np.array([0.0]), rule.init(theta), theta)
    >>> step  # no gradient: only the decay -eta * lambda * theta acts
    array([-0.1])
    """
    return _adam_family("adamw", learning_rate, beta1, beta2, eps, weight_decay, decoupled=True)


def adam_l2(
    learning_rate: float | Schedule,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
) -> UpdateRule:
    """Adam on the L2-regularized loss: weight decay added to the gradient (coupled).

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta`, > 0, or a schedule ``count -> float``.
    beta1, beta2 : float, optional
        Moment decays :math:`\\beta_1, \\beta_2`, in [0, 1).
    eps : float, optional
        :math:`\\epsilon` > 0 added to the denominator.
    weight_decay : float, optional
        Coefficient :math:`\\lambda` >= 0 of the penalty :math:`\\tfrac{\\lambda}{2}
        \\|\\theta\\|^2`; 0 gives :func:`adam`.

    Returns
    -------
    rule : UpdateRule
        With state :class:`AdamState`.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``learning_rate <= 0``, a beta is outside [0, 1), ``eps <= 0`` or
        ``weight_decay < 0``.

    Notes
    -----
    :func:`adam` applied to :math:`\\tilde g = g + \\lambda \\theta`; the moments
    :math:`m, v` are built from :math:`\\tilde g`. Coordinates with large gradient
    history are decayed less, which is the contrast drawn with :func:`adamw`.

    References
    ----------
    I. Loshchilov and F. Hutter, "Decoupled weight decay regularization", ICLR 2019,
    arXiv:1711.05101.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.adam_l2(0.1, weight_decay=0.5)
    >>> theta = np.array([2.0])
    >>> step, _ = rule.update(np.array([0.0]), rule.init(theta), theta)
    >>> step.round(6)  # the decay went through Adam's normalization: a full step
    array([-0.1])
    """
    return _adam_family("adam_l2", learning_rate, beta1, beta2, eps, weight_decay, decoupled=False)


def lion(
    learning_rate: float | Schedule,
    beta1: float = 0.9,
    beta2: float = 0.99,
    weight_decay: float = 0.0,
) -> UpdateRule:
    """Lion: the sign of an interpolated momentum, with decoupled weight decay.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta`, > 0, or a schedule ``count -> float``. Every coordinate
        moves by exactly :math:`\\eta` (plus decay), so rates are typically 3-10 times
        smaller than Adam's.
    beta1 : float, optional
        Interpolation :math:`\\beta_1` for the update direction, in [0, 1).
    beta2 : float, optional
        Decay :math:`\\beta_2` of the momentum, in [0, 1).
    weight_decay : float, optional
        Decoupled decay :math:`\\lambda` >= 0.

    Returns
    -------
    rule : UpdateRule
        With state :class:`LionState` (the momentum starts at zero).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``learning_rate <= 0``, a beta is outside [0, 1) or ``weight_decay < 0``.

    Notes
    -----
    With momentum :math:`m_t` (:math:`m_0 = 0`):

    .. math::
        c = \\beta_1 m_t + (1 - \\beta_1) g_t, \\qquad
        \\theta_{t+1} = \\theta_t - \\eta_t \\bigl(\\operatorname{sign}(c) +
        \\lambda \\theta_t\\bigr), \\qquad
        m_{t+1} = \\beta_2 m_t + (1 - \\beta_2) g_t.

    References
    ----------
    X. Chen et al., "Symbolic discovery of optimization algorithms", NeurIPS 2023,
    arXiv:2302.06675.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.lion(0.01)
    >>> step, _ = rule.update(np.array([3.0, -1e-6, 0.0]), rule.init(np.zeros(3)),
    ...                       np.zeros(3))
    >>> step
    array([-0.01,  0.01,  0.  ])
    """
    schedule = as_schedule(learning_rate)
    beta1 = _beta(beta1, "beta1")
    beta2 = _beta(beta2, "beta2")
    weight_decay = check_nonnegative(weight_decay, "weight_decay")

    def init(params):
        return LionState(0, _zeros(params))

    def update(grad, state, params):
        grad, params = _inputs(grad, params)
        eta = schedule_value(schedule, state.count)
        c = beta1 * state.m + (1.0 - beta1) * grad
        step = -eta * (np.sign(c) + weight_decay * params)
        m = beta2 * state.m + (1.0 - beta2) * grad
        return step, LionState(state.count + 1, read_only(m))

    hyper = _hyper(learning_rate=learning_rate, beta1=beta1, beta2=beta2, weight_decay=weight_decay)
    return UpdateRule(init, update, False, schedule, "lion", hyper)
