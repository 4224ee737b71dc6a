"""Optimizers as pure update rules on flat parameter vectors.

Protocol
--------
An :class:`UpdateRule` is a pair of pure functions, in the style of optax:

``state = rule.init(params)``
    builds the optimizer state for ``params`` (shape ``(d,)``): a small NamedTuple such as
    ``AdamState(count, m, v)``. Every state here starts with ``count``, the number of
    updates applied so far, at 0.
``step, state = rule.update(grad, state, params)``
    maps the gradient at ``params`` to a step; the new parameters are
    ``params + step``. Nothing is modified in place: the caller's ``grad``, ``params``
    and ``state`` are left as they were (state arrays are read-only), and ``step`` is a
    new array.

A rule that must evaluate the gradient at other points (sharpness-aware minimization
evaluates it at an ascent point) sets ``needs_grad_fn=True``. The loops
(:func:`landscape.minimize`, :func:`landscape.train`) then call
``rule.update(grad, state, params, grad_fn)``, where ``grad_fn(theta) -> gradient``
evaluates the gradient of the same objective (the same mini-batch in mini-batch
training) at any ``theta`` of shape ``(d,)``; every call is counted in the trajectory's
``num_grad_evals``. Wrappers such as :func:`clip_by_global_norm` pass ``grad_fn``
through to the rule they wrap.

Each rule also carries its ``learning_rate`` schedule (``count -> float``), so a loop can
record the rate it used, a ``name`` and its ``hyperparameters`` for labels and logs.

Scope: first-order rules on a single flat float64 vector, one step per call. This module
holds the protocol, gradient descent, heavy-ball and Nesterov momentum, gradient clipping
and tuned momentum parameters; the adaptive rules (AdaGrad, RMSProp, Adam, AdamW, Adam
with L2, Lion) are in :mod:`landscape.adaptive`. Learning rates are floats or schedules
(:mod:`landscape.schedules`). Line searches live in :mod:`landscape.linesearch` and the
loops in :mod:`landscape.training`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from landscape._validation import (
    as_vector,
    check_choice,
    check_fraction,
    check_positive,
    read_only,
)
from landscape.schedules import Schedule, as_schedule, schedule_value

__all__ = [
    "GDState",
    "MomentumParameters",
    "MomentumState",
    "UpdateRule",
    "clip_by_global_norm",
    "gd",
    "make_rule",
    "momentum",
    "nesterov",
    "nesterov_parameters",
    "polyak_momentum_parameters",
]


class UpdateRule(NamedTuple):
    """An optimizer as a pair of pure functions (see the module docstring for the protocol).

    Attributes
    ----------
    init : callable
        ``init(params) -> state`` for ``params`` of shape ``(d,)``.
    update : callable
        ``update(grad, state, params) -> (step, new_state)``, or
        ``update(grad, state, params, grad_fn)`` when ``needs_grad_fn`` is true; the new
        parameters are ``params + step``.
    needs_grad_fn : bool
        Whether ``update`` takes a fourth argument ``grad_fn(theta) -> gradient``.
    learning_rate : callable or None
        The schedule ``count -> float`` the rule uses (``None`` if it has none); loops
        record ``learning_rate(t)`` at step ``t``.
    name : str
        A short label, e.g. ``"adam"``.
    hyperparameters : Mapping
        The arguments the rule was built with, for labels and logs.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.gd(0.1)
    >>> rule
    UpdateRule(gd(learning_rate=0.1))
    >>> state = rule.init(np.zeros(2))
    >>> step, state = rule.update(np.array([1.0, -2.0]), state, np.zeros(2))
    >>> step, state.count
    (array([-0.1,  0.2]), 1)

    A rule that evaluates the gradient elsewhere declares ``needs_grad_fn``. Here the
    extragradient method takes the gradient one step ahead, :math:`\\theta_{t+1} =
    \\theta_t - \\eta \\nabla f(\\theta_t - \\eta g_t)`, reusing the state of :func:`gd`:

    >>> def extragradient(learning_rate):
    ...     base = ls.gd(learning_rate)
    ...     def update(grad, state, params, grad_fn):
    ...         ahead = params - learning_rate * grad
    ...         return base.update(grad_fn(ahead), state, params)
    ...     return ls.UpdateRule(base.init, update, needs_grad_fn=True,
    ...                          learning_rate=base.learning_rate, name="extragradient")
    >>> bowl = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    >>> traj = ls.minimize(bowl, [1.0, 1.0], extragradient(0.25), num_steps=3)
    >>> traj.final_params  # each step multiplies theta by 1 - 2 eta (1 - 2 eta) = 0.75
    array([0.421875, 0.421875])
    >>> traj.num_grad_evals  # one per step, one per grad_fn call, one at the end
    7
    """

    init: Callable[[np.ndarray], Any]
    update: Callable[..., tuple[np.ndarray, Any]]
    needs_grad_fn: bool = False
    learning_rate: Schedule | None = None
    name: str = "custom"
    hyperparameters: Mapping[str, Any] = MappingProxyType({})

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        extra = ", needs_grad_fn=True" if self.needs_grad_fn else ""
        return f"UpdateRule({self.name}({args}){extra})"


class GDState(NamedTuple):
    """State of :func:`gd`.

    Attributes
    ----------
    count : int
        Number of updates applied so far.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ls.gd(0.1).init(np.zeros(3))
    GDState(count=0)
    """

    count: int


class MomentumState(NamedTuple):
    """State of :func:`momentum` and :func:`nesterov`.

    Attributes
    ----------
    count : int
        Number of updates applied so far.
    velocity : numpy.ndarray, shape (d,)
        The velocity :math:`v_t` (read-only), zero at the start.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.momentum(0.1, beta=0.5)
    >>> _, state = rule.update(np.array([1.0, 2.0]), rule.init(np.zeros(2)), np.zeros(2))
    >>> state
    MomentumState(count=1, velocity=array([-0.1, -0.2]))
    """

    count: int
    velocity: np.ndarray


# --------------------------------------------------------------------------------------
# helpers


def _inputs(grad: Any, params: Any) -> tuple[np.ndarray, np.ndarray]:
    """Light check for the hot path: float arrays of equal shape (no copies are made)."""
    grad = np.asarray(grad, dtype=float)
    params = np.asarray(params, dtype=float)
    if grad.shape != params.shape or grad.ndim != 1:
        raise ValueError(
            "`grad` and `params` must be 1-D arrays of the same shape, got shapes "
            f"{grad.shape} and {params.shape}."
        )
    return grad, params


def _zeros(params: Any) -> np.ndarray:
    return read_only(np.zeros_like(as_vector(params, "params")))


def _beta(value: Any, name: str) -> float | Schedule:
    """A momentum coefficient in [0, 1), or a schedule ``count -> beta`` checked when used."""
    if callable(value):
        return value
    return check_fraction(value, name)


def _beta_at(beta: float | Schedule, count: int) -> float:
    """The coefficient at ``count``; a schedule's value must lie in [0, 1)."""
    if not callable(beta):
        return beta
    value = schedule_value(beta, count, "beta")
    if value >= 1:
        raise ValueError(
            f"`beta` schedule must return values in [0, 1), got {value!r} at count {count}."
        )
    return value


def _hyper(**kwargs: Any) -> Mapping[str, Any]:
    """Read-only hyperparameters; a float learning rate is stored as a plain float."""
    rate = kwargs.get("learning_rate")
    if rate is not None and not callable(rate):
        kwargs["learning_rate"] = float(rate)
    return MappingProxyType(kwargs)


# --------------------------------------------------------------------------------------
# rules


def gd(learning_rate: float | Schedule) -> UpdateRule:
    """Plain gradient descent.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta`, > 0, or a schedule ``count -> float``.

    Returns
    -------
    rule : UpdateRule
        With state :class:`GDState`.

    Raises
    ------
    TypeError
        If ``learning_rate`` is neither a real number nor callable.
    ValueError
        If ``learning_rate`` is not finite and positive.

    Notes
    -----
    With :math:`g_t` = ``grad`` and :math:`\\eta_t` = ``learning_rate(count)``:

    .. math:: \\theta_{t+1} = \\theta_t - \\eta_t g_t.

    On a quadratic with Hessian eigenvalues :math:`\\lambda_i > 0`, a constant step
    converges if and only if :math:`\\eta < 2 / \\lambda_{\\max}`.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.gd(0.5)
    >>> step, _ = rule.update(np.array([2.0, 4.0]), rule.init(np.zeros(2)), np.zeros(2))
    >>> step
    array([-1., -2.])
    """
    schedule = as_schedule(learning_rate)

    def init(params):
        as_vector(params, "params")
        return GDState(0)

    def update(grad, state, params):
        grad, params = _inputs(grad, params)
        eta = schedule_value(schedule, state.count)
        return -eta * grad, GDState(state.count + 1)

    return UpdateRule(init, update, False, schedule, "gd", _hyper(learning_rate=learning_rate))


def momentum(learning_rate: float | Schedule, beta: float = 0.9) -> UpdateRule:
    """Heavy-ball (Polyak) momentum.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta`, > 0, or a schedule ``count -> float``.
    beta : float or callable, optional
        Momentum coefficient :math:`\\beta`, in [0, 1); 0 gives :func:`gd`. A schedule
        ``count -> float`` gives :math:`\\beta_t`; its values must lie in [0, 1).

    Returns
    -------
    rule : UpdateRule
        With state :class:`MomentumState` (the velocity starts at zero).

    Raises
    ------
    TypeError
        If an argument has the wrong type (also raised by ``update`` when a schedule
        returns something that is not a real number).
    ValueError
        If ``learning_rate <= 0`` or ``beta`` is outside [0, 1) (raised by ``update``
        when a ``beta`` schedule returns a value outside [0, 1)).

    Notes
    -----
    With velocity :math:`v_t` (``state.velocity``, :math:`v_0 = 0`):

    .. math::
        v_{t+1} = \\beta_t v_t - \\eta_t g_t, \\qquad \\theta_{t+1} = \\theta_t + v_{t+1},

    that is :math:`\\theta_{t+1} = \\theta_t - \\eta g_t + \\beta (\\theta_t -
    \\theta_{t-1})` for a constant rate. On a quadratic with curvature :math:`\\lambda`
    the iteration is stable if and only if :math:`0 < \\eta\\lambda < 2 + 2\\beta`; see
    :func:`polyak_momentum_parameters` for the optimal pair.

    References
    ----------
    B. T. Polyak, "Some methods of speeding up the convergence of iteration methods",
    USSR Computational Mathematics and Mathematical Physics 4(5), 1964.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.momentum(0.1, beta=0.5)
    >>> state = rule.init(np.zeros(1))
    >>> step1, state = rule.update(np.array([1.0]), state, np.zeros(1))
    >>> step2, state = rule.update(np.array([1.0]), state, step1)
    >>> step1, step2
    (array([-0.1]), array([-0.15]))
    """
    schedule = as_schedule(learning_rate)
    beta = _beta(beta, "beta")

    def init(params):
        return MomentumState(0, _zeros(params))

    def update(grad, state, params):
        grad, params = _inputs(grad, params)
        eta = schedule_value(schedule, state.count)
        velocity = _beta_at(beta, state.count) * state.velocity - eta * grad
        return velocity.copy(), MomentumState(state.count + 1, read_only(velocity))

    hyper = _hyper(learning_rate=learning_rate, beta=beta)
    return UpdateRule(init, update, False, schedule, "momentum", hyper)


def nesterov(learning_rate: float | Schedule, beta: float = 0.9) -> UpdateRule:
    """Nesterov's accelerated gradient, with the gradient taken at the current parameters.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta`, > 0, or a schedule ``count -> float``.
    beta : float or callable, optional
        Momentum coefficient :math:`\\beta`, in [0, 1); 0 gives :func:`gd`. A schedule
        ``count -> float`` gives :math:`\\beta_t`, e.g. ``lambda t: t / (t + 3)``, the
        choice for convex functions with the :math:`O(1/t^2)` guarantee; its values must
        lie in [0, 1).

    Returns
    -------
    rule : UpdateRule
        With state :class:`MomentumState` (the velocity starts at zero).

    Raises
    ------
    TypeError
        If an argument has the wrong type (also raised by ``update`` when a schedule
        returns something that is not a real number).
    ValueError
        If ``learning_rate <= 0`` or ``beta`` is outside [0, 1) (raised by ``update``
        when a ``beta`` schedule returns a value outside [0, 1)).

    Notes
    -----
    With velocity :math:`v_t` (:math:`v_0 = 0`):

    .. math::
        v_{t+1} = \\beta_{t-1} v_t - \\eta_t g_t, \\qquad
        \\theta_{t+1} = \\theta_t + \\beta_t v_{t+1} - \\eta_t g_t.

    This is exactly Nesterov's method written at the look-ahead point: the classical
    form :math:`x_{t+1} = y_t - \\eta_t \\nabla f(y_t)`, :math:`y_{t+1} = x_{t+1} +
    \\beta_t (x_{t+1} - x_t)` produces the same sequence :math:`y_t = \\theta_t` (with
    :math:`v_t = x_t - x_{t-1}`), so no extra gradient evaluation is needed. With
    :math:`\\beta_t = t / (t + 3)` and :math:`\\eta \\le 1/L` on a convex, :math:`L`-smooth
    :math:`f`, :math:`f(x_t) - f^\\star \\le 2 \\|x_0 - x^\\star\\|^2 / (\\eta (t + 1)^2)`
    (the bound Su, Boyd and Candès state for this scheme). On a quadratic
    with curvature :math:`\\lambda` the iteration is stable if and only if
    :math:`0 < \\eta\\lambda < (2 + 2\\beta) / (1 + 2\\beta)`; see
    :func:`nesterov_parameters` for the standard pair.

    References
    ----------
    Y. Nesterov, "A method of solving a convex programming problem with convergence rate
    O(1/k^2)", Soviet Mathematics Doklady 27, 1983. I. Sutskever, J. Martens, G. Dahl and
    G. Hinton, "On the importance of initialization and momentum in deep learning",
    ICML 2013. W. Su, S. Boyd and E. J. Candès, "A differential equation for modeling
    Nesterov's accelerated gradient method: theory and insights", NeurIPS 2014,
    arXiv:1503.01243.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.nesterov(0.1, beta=0.5)
    >>> step, _ = rule.update(np.array([1.0]), rule.init(np.zeros(1)), np.zeros(1))
    >>> step
    array([-0.15])
    """
    schedule = as_schedule(learning_rate)
    beta = _beta(beta, "beta")

    def init(params):
        return MomentumState(0, _zeros(params))

    def update(grad, state, params):
        grad, params = _inputs(grad, params)
        eta = schedule_value(schedule, state.count)
        # v_0 = 0, so the coefficient before the first step is irrelevant: use 0.
        previous = _beta_at(beta, state.count - 1) if state.count > 0 else 0.0
        velocity = previous * state.velocity - eta * grad
        step = _beta_at(beta, state.count) * velocity - eta * grad
        return step, MomentumState(state.count + 1, read_only(velocity))

    hyper = _hyper(learning_rate=learning_rate, beta=beta)
    return UpdateRule(init, update, False, schedule, "nesterov", hyper)


def clip_by_global_norm(rule: UpdateRule, max_norm: float) -> UpdateRule:
    """Wrap ``rule`` so that it sees the gradient rescaled to norm at most ``max_norm``.

    Parameters
    ----------
    rule : UpdateRule
        The rule to wrap; its state, schedule and ``needs_grad_fn`` are kept.
    max_norm : float
        Largest gradient norm :math:`c` passed on, > 0.

    Returns
    -------
    rule : UpdateRule
        The wrapped rule, named ``"<name>+clip"``. When the inner rule needs a
        ``grad_fn``, it is passed through unchanged (not clipped).

    Raises
    ------
    TypeError
        If ``rule`` is not an :class:`UpdateRule` or ``max_norm`` is not a real number.
    ValueError
        If ``max_norm`` is not finite and positive.

    Notes
    -----
    .. math:: \\tilde g = g \\, \\min\\bigl(1, c / \\|g\\|_2\\bigr),

    and the inner rule is applied to :math:`\\tilde g`. The parameters form one flat
    vector, so the global norm is the 2-norm of ``grad``.

    References
    ----------
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent neural
    networks", ICML 2013, arXiv:1211.5063.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.clip_by_global_norm(ls.gd(1.0), max_norm=1.0)
    >>> step, _ = rule.update(np.array([3.0, 4.0]), rule.init(np.zeros(2)), np.zeros(2))
    >>> step
    array([-0.6, -0.8])
    """
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule, got {type(rule).__name__}.")
    max_norm = check_positive(max_norm, "max_norm")
    inner = rule

    def clip(grad):
        norm = float(np.linalg.norm(grad))
        return grad * (max_norm / norm) if norm > max_norm else grad

    if inner.needs_grad_fn:

        def update(grad, state, params, grad_fn):
            grad, params = _inputs(grad, params)
            return inner.update(clip(grad), state, params, grad_fn)

    else:

        def update(grad, state, params):
            grad, params = _inputs(grad, params)
            return inner.update(clip(grad), state, params)

    hyper = _hyper(**inner.hyperparameters, max_norm=max_norm)
    return UpdateRule(
        inner.init, update, inner.needs_grad_fn, inner.learning_rate, f"{inner.name}+clip", hyper
    )


_RULE_NAMES = (
    "adagrad",
    "adam",
    "adam_l2",
    "adamw",
    "gd",
    "lion",
    "momentum",
    "nesterov",
    "noisy_gd",
    "perturbed_gd",
    "rmsprop",
)


def make_rule(name: str, **hyperparameters: Any) -> UpdateRule:
    """Build an update rule from its name, e.g. from a configuration file.

    Parameters
    ----------
    name : str
        One of ``"adagrad"``, ``"adam"``, ``"adam_l2"``, ``"adamw"``, ``"gd"``,
        ``"lion"``, ``"momentum"``, ``"nesterov"``, ``"noisy_gd"``, ``"perturbed_gd"``,
        ``"rmsprop"``.
    **hyperparameters
        Keyword arguments of the constructor of that name (``learning_rate`` is required).

    Returns
    -------
    rule : UpdateRule
        The same as calling the constructor directly.

    Raises
    ------
    ValueError
        If ``name`` is not one of the names above, or a hyperparameter has a bad value.
    TypeError
        If a hyperparameter is not accepted by that rule or has the wrong type.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.make_rule("momentum", learning_rate=0.1, beta=0.5)
    UpdateRule(momentum(learning_rate=0.1, beta=0.5))
    """
    from landscape import adaptive, perturbed  # imported here: both build on this module

    check_choice(name, "name", _RULE_NAMES)
    constructors = {"gd": gd, "momentum": momentum, "nesterov": nesterov}
    constructors |= {"noisy_gd": perturbed.noisy_gd, "perturbed_gd": perturbed.perturbed_gd}
    constructor = constructors.get(name) or getattr(adaptive, name)
    return constructor(**hyperparameters)


# --------------------------------------------------------------------------------------
# tuned parameters on quadratics


class MomentumParameters(NamedTuple):
    """A ``(learning_rate, beta)`` pair for :func:`momentum` or :func:`nesterov`.

    Attributes
    ----------
    learning_rate : float
        The step size :math:`\\eta`.
    beta : float
        The momentum coefficient :math:`\\beta`.

    Examples
    --------
    >>> import landscape as ls
    >>> rule = ls.nesterov(*ls.nesterov_parameters(1.0, 9.0))
    >>> rule.hyperparameters["beta"]
    0.5
    """

    learning_rate: float
    beta: float


def _check_curvatures(strong_convexity: Any, smoothness: Any) -> tuple[float, float]:
    mu = check_positive(strong_convexity, "strong_convexity")
    big_l = check_positive(smoothness, "smoothness")
    if mu > big_l:
        raise ValueError(
            f"`strong_convexity` must not exceed `smoothness`, got {mu:g} > {big_l:g}."
        )
    return mu, big_l


def polyak_momentum_parameters(strong_convexity: float, smoothness: float) -> MomentumParameters:
    """Optimal heavy-ball parameters for a quadratic with eigenvalues in [mu, L].

    Parameters
    ----------
    strong_convexity : float
        Smallest Hessian eigenvalue :math:`\\mu` > 0.
    smoothness : float
        Largest Hessian eigenvalue :math:`L \\ge \\mu`.

    Returns
    -------
    params : MomentumParameters
        ``learning_rate`` :math:`\\eta` and ``beta`` :math:`\\beta` for :func:`momentum`;
        it unpacks as a pair.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If an argument is not finite and positive, or ``strong_convexity > smoothness``.

    Notes
    -----
    With :math:`\\kappa = L / \\mu`,

    .. math::
        \\eta = \\frac{4}{(\\sqrt{L} + \\sqrt{\\mu})^2}, \\qquad
        \\beta = \\Bigl(\\frac{\\sqrt\\kappa - 1}{\\sqrt\\kappa + 1}\\Bigr)^2, \\qquad
        \\text{rate} = \\sqrt\\beta = \\frac{\\sqrt\\kappa - 1}{\\sqrt\\kappa + 1},

    against :math:`(\\kappa - 1) / (\\kappa + 1)` for the best constant-step gradient
    descent. The rate is that of the error norm on quadratics only; on general strongly
    convex functions heavy ball can fail to converge.

    References
    ----------
    B. T. Polyak, "Some methods of speeding up the convergence of iteration methods",
    1964. L. Lessard, B. Recht and A. Packard, "Analysis and design of optimization
    algorithms via integral quadratic constraints", SIAM J. Optim. 26(1), 2016,
    arXiv:1408.3595.

    Examples
    --------
    >>> import landscape as ls
    >>> learning_rate, beta = ls.polyak_momentum_parameters(1.0, 100.0)
    >>> round(learning_rate, 6), round(beta, 6)
    (0.033058, 0.669421)
    """
    mu, big_l = _check_curvatures(strong_convexity, smoothness)
    root_kappa = np.sqrt(big_l / mu)
    rate = float((root_kappa - 1.0) / (root_kappa + 1.0))
    learning_rate = float(4.0 / (np.sqrt(big_l) + np.sqrt(mu)) ** 2)
    return MomentumParameters(learning_rate, rate**2)


def nesterov_parameters(strong_convexity: float, smoothness: float) -> MomentumParameters:
    """Standard Nesterov parameters for a mu-strongly convex, L-smooth objective.

    Parameters
    ----------
    strong_convexity : float
        Strong-convexity constant (smallest Hessian eigenvalue) :math:`\\mu` > 0.
    smoothness : float
        Smoothness constant (largest Hessian eigenvalue) :math:`L \\ge \\mu`.

    Returns
    -------
    params : MomentumParameters
        ``learning_rate`` :math:`\\eta` and ``beta`` :math:`\\beta` for :func:`nesterov`;
        it unpacks as a pair.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If an argument is not finite and positive, or ``strong_convexity > smoothness``.

    Notes
    -----
    With :math:`\\kappa = L / \\mu`,

    .. math::
        \\eta = \\frac1L, \\qquad \\beta = \\frac{\\sqrt\\kappa - 1}{\\sqrt\\kappa + 1},
        \\qquad \\text{rate} = 1 - \\frac{1}{\\sqrt\\kappa}.

    On a quadratic the mode with curvature :math:`\\mu` is critically damped: both roots
    of its characteristic polynomial equal :math:`\\sqrt{\\beta (1 - \\eta\\mu)} =
    1 - 1/\\sqrt\\kappa`, and every other mode contracts faster.

    References
    ----------
    Y. Nesterov, "Introductory Lectures on Convex Optimization", Springer 2004, Sec. 2.2.

    Examples
    --------
    >>> import landscape as ls
    >>> learning_rate, beta = ls.nesterov_parameters(1.0, 100.0)
    >>> round(learning_rate, 6), round(beta, 6)
    (0.01, 0.818182)
    """
    mu, big_l = _check_curvatures(strong_convexity, smoothness)
    root_kappa = np.sqrt(big_l / mu)
    beta = float((root_kappa - 1.0) / (root_kappa + 1.0))
    return MomentumParameters(1.0 / big_l, beta)
