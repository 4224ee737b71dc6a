"""Convergence of first-order methods: predicted rates, measured constants, gradient flow.

Three small tools for checking the classical convergence theory against runs:

:func:`quadratic_rate`
    the exact asymptotic contraction factor per step of gradient descent, heavy-ball or
    Nesterov momentum (an :class:`~landscape.UpdateRule` with constant hyperparameters)
    on a quadratic with given Hessian eigenvalues; :func:`iterations_to_tolerance` turns
    a rate into a predicted number of steps.
:func:`pl_ratios`
    the ratio :math:`\\|\\nabla f\\|^2 / (2 (f - f^\\star))` at given points, whose
    minimum over a region is a measured Polyak-Lojasiewicz constant there.
:func:`gradient_flow`
    an accurate solution of the gradient-flow ODE :math:`\\dot\\theta = -\\nabla
    f(\\theta)`, the small-step limit of gradient descent, with
    :func:`scipy.integrate.solve_ivp` at tight tolerances.

Scope: deterministic, full-gradient methods. The rates are those of linear iterations on
quadratics; for other functions they describe the behaviour near a nondegenerate minimum.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import (
    as_batch,
    as_vector,
    check_choice,
    check_fraction,
    check_positive,
    check_real,
)
from landscape.optim import UpdateRule

__all__ = [
    "GradientFlow",
    "gradient_flow",
    "iterations_to_tolerance",
    "pl_ratios",
    "quadratic_rate",
]

_RATE_RULES = ("gd", "momentum", "nesterov")


def _constant_hyperparameter(rule: UpdateRule, key: str) -> float:
    value = rule.hyperparameters.get(key, 0.0)
    if callable(value):
        raise ValueError(
            f"`rule` must have a constant `{key}` for a rate prediction, got a schedule "
            f"({value!r})."
        )
    return float(value)


def quadratic_rate(rule: UpdateRule, eigenvalues: Any) -> float:
    """Asymptotic contraction factor per step of ``rule`` on a quadratic.

    Parameters
    ----------
    rule : UpdateRule
        ``ls.gd(eta)``, ``ls.momentum(eta, beta)`` or ``ls.nesterov(eta, beta)`` with a
        constant learning rate and a constant ``beta``.
    eigenvalues : array_like, shape (k,)
        Hessian eigenvalues :math:`\\lambda_i` of the quadratic (any signs; each is one
        mode of the iteration).

    Returns
    -------
    rate : float
        The spectral radius :math:`\\rho` of the iteration: the error decays like
        :math:`\\rho^t` (times a polynomial in :math:`t` when a mode's two roots
        coincide). :math:`\\rho < 1` if and only if the iteration converges from every
        start; :math:`\\rho > 1` means divergence along the worst mode.

    Raises
    ------
    TypeError
        If ``rule`` is not an :class:`~landscape.UpdateRule` or ``eigenvalues`` is not an
        array of real numbers.
    ValueError
        If ``rule`` is not one of the three rules above, has a scheduled learning rate
        or ``beta``, or ``eigenvalues`` is empty, not 1-D or not finite.

    Notes
    -----
    On :math:`f(\\theta) = \\tfrac12 \\theta^\\top A \\theta` each eigendirection of
    :math:`A` evolves independently. Gradient descent multiplies the component with
    eigenvalue :math:`\\lambda` by :math:`1 - \\eta\\lambda`; the momentum methods obey
    two-term recurrences :math:`e_{t+1} = a\\, e_t - b\\, e_{t-1}` with characteristic
    polynomial :math:`z^2 - a z + b`, where

    .. math::
        \\text{heavy ball: } a = 1 + \\beta - \\eta\\lambda,\\; b = \\beta, \\qquad
        \\text{Nesterov: } a = (1 + \\beta)(1 - \\eta\\lambda),\\;
        b = \\beta (1 - \\eta\\lambda).

    The rate is the largest root modulus over all eigenvalues,
    :math:`\\rho = \\max_i \\max |z(\\lambda_i)|`. For gradient descent with
    :math:`\\eta = 2 / (\\mu + L)` on eigenvalues in :math:`[\\mu, L]` it is
    :math:`(\\kappa - 1) / (\\kappa + 1)` with :math:`\\kappa = L / \\mu`; with the
    parameters of :func:`~landscape.polyak_momentum_parameters` heavy ball reaches
    :math:`(\\sqrt\\kappa - 1) / (\\sqrt\\kappa + 1)`.

    References
    ----------
    B. T. Polyak, "Introduction to Optimization", Optimization Software, 1987, Sec. 3.2.
    L. Lessard, B. Recht and A. Packard, "Analysis and design of optimization algorithms
    via integral quadratic constraints", SIAM J. Optim. 26(1), 2016, arXiv:1408.3595.

    See Also
    --------
    iterations_to_tolerance : steps needed at a given rate.

    Examples
    --------
    >>> import landscape as ls
    >>> round(ls.quadratic_rate(ls.gd(0.1), [2.0]), 6)  # f = x^2: x shrinks by 0.8
    0.8
    >>> mu, big_l = 1.0, 100.0
    >>> round(ls.quadratic_rate(ls.gd(2 / (mu + big_l)), [mu, big_l]), 6)  # 99/101
    0.980198
    >>> rule = ls.momentum(*ls.polyak_momentum_parameters(mu, big_l))
    >>> round(ls.quadratic_rate(rule, [mu, 10.0, big_l]), 6)  # 9/11
    0.818182
    >>> ls.quadratic_rate(ls.gd(0.021), [mu, big_l]) > 1  # eta > 2/L diverges
    True
    """
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule, got {type(rule).__name__}.")
    check_choice(rule.name, "rule.name", _RATE_RULES)
    eta = _constant_hyperparameter(rule, "learning_rate")
    beta = _constant_hyperparameter(rule, "beta")
    lam = as_vector(eigenvalues, "eigenvalues")
    if rule.name == "gd":
        return float(np.max(np.abs(1.0 - eta * lam)))
    if rule.name == "momentum":
        a, b = 1.0 + beta - eta * lam, np.full_like(lam, beta)
    else:
        a, b = (1.0 + beta) * (1.0 - eta * lam), beta * (1.0 - eta * lam)
    root = np.sqrt((a * a - 4.0 * b).astype(complex))
    moduli = np.maximum(np.abs(0.5 * (a + root)), np.abs(0.5 * (a - root)))
    return float(np.max(moduli))


def iterations_to_tolerance(rate: float, reduction: float) -> float:
    """Predicted number of steps for an error that shrinks by ``rate`` per step.

    Parameters
    ----------
    rate : float
        Contraction factor per step :math:`\\rho \\ge 0`, e.g. from
        :func:`quadratic_rate`.
    reduction : float
        Target ratio :math:`\\varepsilon` of final to initial error, in (0, 1).

    Returns
    -------
    num_steps : float
        The smallest integer :math:`t` with :math:`\\rho^t \\le \\varepsilon`, as a float;
        ``inf`` when :math:`\\rho \\ge 1` (never).

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If ``rate`` is negative or ``reduction`` is outside (0, 1).

    Notes
    -----
    .. math:: t = \\Bigl\\lceil \\frac{\\ln(1/\\varepsilon)}{\\ln(1/\\rho)} \\Bigr\\rceil
        \\approx \\frac{\\kappa}{2} \\ln\\frac{1}{\\varepsilon}
        \\quad\\text{for } \\rho = \\frac{\\kappa - 1}{\\kappa + 1},\\ \\kappa \\gg 1.

    The ceiling is guarded against rounding: a ratio within a few ulps of an integer
    counts as that integer.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.iterations_to_tolerance(0.8, 1e-3)  # x^2 from 10 to below 0.01, eta = 0.1
    31.0
    >>> ls.iterations_to_tolerance(0.5, 0.25)  # exactly two halvings
    2.0
    >>> ls.iterations_to_tolerance(1.0, 0.5)
    inf
    """
    rate = check_real(rate, "rate")
    if rate < 0:
        raise ValueError(f"`rate` must be non-negative, got {rate:g}.")
    reduction = check_fraction(reduction, "reduction", low_inclusive=False)
    if rate >= 1:
        return math.inf
    if rate == 0:
        return 1.0
    ratio = math.log(reduction) / math.log(rate)
    nearest = round(ratio)
    if abs(ratio - nearest) <= 8 * np.finfo(float).eps * max(1.0, ratio):
        return float(max(nearest, 1))
    return float(max(math.ceil(ratio), 1))


def _require_objective(objective: Any) -> int:
    for method in ("value", "grad"):
        if not callable(getattr(objective, method, None)):
            raise TypeError(
                f"`objective` must provide value/grad methods (an Objective), got "
                f"{type(objective).__name__} without `{method}`."
            )
    dim = getattr(objective, "dim", None)
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 1:
        raise TypeError(f"`objective` must have a positive integer `dim`, got {dim!r}.")
    return int(dim)


def pl_ratios(objective: Any, thetas: Any, min_value: float) -> np.ndarray:
    """Polyak-Lojasiewicz ratios :math:`\\|\\nabla f\\|^2 / (2 (f - f^\\star))` at points.

    Parameters
    ----------
    objective : Objective
        Needs ``value``, ``grad`` and ``dim``.
    thetas : array_like, shape (n, d)
        The points (a single point of shape ``(d,)`` is one row).
    min_value : float
        The global minimum value :math:`f^\\star`.

    Returns
    -------
    ratios : numpy.ndarray, shape (n,)
        The ratio at each point; NaN where :math:`f(\\theta) = f^\\star` exactly (there
        the inequality holds for every :math:`\\mu`).

    Raises
    ------
    TypeError
        If ``objective`` lacks ``value``/``grad``/``dim`` or an argument has the wrong
        type.
    ValueError
        If ``thetas`` has the wrong shape or non-finite entries, or
        :math:`f(\\theta) < f^\\star` at some point (then ``min_value`` is not the
        minimum).

    Notes
    -----
    :math:`f` satisfies the Polyak-Lojasiewicz (PL) inequality with constant
    :math:`\\mu > 0` when

    .. math:: \\tfrac12 \\|\\nabla f(\\theta)\\|^2 \\ge \\mu \\bigl(f(\\theta) - f^\\star\\bigr)
        \\quad \\text{for all } \\theta,

    so the largest valid :math:`\\mu` on a region is the infimum of the ratio there. The
    minimum over sample points is an upper estimate of that infimum: a sample certifies
    nothing between its points. A :math:`\\mu`-strongly convex function has ratio at
    least :math:`\\mu`; a function with a non-minimal critical point has ratio 0 there.

    References
    ----------
    H. Karimi, J. Nutini and M. Schmidt, "Linear convergence of gradient and
    proximal-gradient methods under the Polyak-Lojasiewicz condition", ECML PKDD 2016,
    arXiv:1608.04636.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> q = ls.Quadratic(eigenvalues=[1.0, 4.0])
    >>> ls.pl_ratios(q, [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], min_value=0.0)
    array([1. , 4. , 3.4])
    """
    dim = _require_objective(objective)
    points = as_batch(thetas, "thetas", dim)
    min_value = check_real(min_value, "min_value")
    ratios = np.empty(len(points))
    for i, theta in enumerate(points):
        gap = float(objective.value(theta)) - min_value
        if gap < 0:
            raise ValueError(
                f"`min_value` must not exceed f at any point, got f(thetas[{i}]) = "
                f"{gap + min_value:.6g} < min_value = {min_value:.6g}."
            )
        grad = np.asarray(objective.grad(theta), dtype=float)
        ratios[i] = float(grad @ grad) / (2.0 * gap) if gap > 0 else np.nan
    return ratios


@dataclass(frozen=True, repr=False)
class GradientFlow:
    """The gradient-flow path :math:`\\dot\\theta = -\\nabla f(\\theta)` at chosen times.

    Attributes
    ----------
    times : numpy.ndarray, shape (k,)
        The output times.
    params : numpy.ndarray, shape (k, d)
        :math:`\\theta(t)` at each time (NaN rows after a failure).
    losses : numpy.ndarray, shape (k,)
        :math:`f(\\theta(t))` (NaN after a failure).
    success : bool
        Whether the integrator reached the last time.
    message : str
        The integrator's message.
    num_grad_evals : int
        Gradient evaluations made by the integrator.
    num_hessian_evals : int
        Hessian evaluations (Jacobians of the implicit methods; 0 for explicit ones).

    Examples
    --------
    >>> import landscape as ls
    >>> flow = ls.gradient_flow(ls.Quadratic(eigenvalues=[1.0]), [1.0], [0.0, 1.0])
    >>> flow
    GradientFlow(records=2, t_end=1, final_loss=0.06767, success=True, num_grad_evals=...)
    >>> round(float(flow.params[-1, 0]), 8)  # exp(-1)
    0.36787944
    """

    times: np.ndarray
    params: np.ndarray
    losses: np.ndarray
    success: bool
    message: str
    num_grad_evals: int
    num_hessian_evals: int

    def __repr__(self) -> str:
        return (
            f"GradientFlow(records={self.times.size}, t_end={self.times[-1]:.4g}, "
            f"final_loss={self.losses[-1]:.4g}, success={self.success}, "
            f"num_grad_evals={self.num_grad_evals})"
        )


_FLOW_METHODS = ("DOP853", "RK45", "Radau", "BDF", "LSODA")
_IMPLICIT = ("Radau", "BDF", "LSODA")


def gradient_flow(
    objective: Any,
    theta0: Any,
    times: Any,
    *,
    method: str = "DOP853",
    rtol: float = 1e-10,
    atol: float = 1e-12,
) -> GradientFlow:
    """Solve the gradient-flow ODE from ``theta0`` and return it at ``times``.

    Parameters
    ----------
    objective : Objective
        Needs ``value``, ``grad`` and ``dim`` (and ``hessian`` for the implicit methods).
    theta0 : array_like, shape (d,)
        The starting point :math:`\\theta(0)` (not modified).
    times : array_like, shape (k,)
        Output times, non-negative and non-decreasing; the flow is integrated from 0 to
        ``times[-1]``.
    method : {"DOP853", "RK45", "Radau", "BDF", "LSODA"}, optional
        The :func:`scipy.integrate.solve_ivp` method. The explicit default is accurate
        and cheap on mildly stiff problems; for stiff ones (a large spread of Hessian
        eigenvalues) use ``"Radau"`` or ``"BDF"``, which receive the exact Jacobian
        :math:`-\\nabla^2 f` from ``objective.hessian``.
    rtol, atol : float, optional
        Relative and absolute tolerances (> 0) of the integrator.

    Returns
    -------
    flow : GradientFlow
        The path at ``times``. A failure (for example a flow that escapes to infinity in
        finite time) is reported by ``success=False``, not raised.

    Raises
    ------
    TypeError
        If ``objective`` lacks a needed method or ``dim``, or an argument has the wrong
        type.
    ValueError
        If ``theta0`` or ``times`` has the wrong shape or non-finite entries, ``times``
        is negative or decreasing, ``method`` is unknown, or a tolerance is not positive.

    Notes
    -----
    .. math:: \\frac{d\\theta}{dt} = -\\nabla f(\\theta), \\qquad
        \\frac{d}{dt} f(\\theta(t)) = -\\|\\nabla f(\\theta(t))\\|^2 \\le 0.

    Gradient descent with step :math:`\\eta` is the explicit Euler method for this ODE:
    :math:`\\theta_k` approximates :math:`\\theta(k\\eta)` with a global error
    :math:`O(\\eta)` over a fixed time horizon.

    References
    ----------
    E. Hairer, S. P. Nørsett and G. Wanner, "Solving Ordinary Differential Equations I",
    2nd ed., Springer 1993 (DOP853). W. Su, S. Boyd and E. J. Candès, "A differential
    equation for modeling Nesterov's accelerated gradient method: theory and insights",
    NeurIPS 2014, arXiv:1503.01243 (the ODE view of momentum).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> q = ls.Quadratic(eigenvalues=[1.0, 3.0])
    >>> flow = ls.gradient_flow(q, [1.0, 1.0], [0.0, 0.5, 1.0])
    >>> np.round(flow.params, 6)  # exp(-lambda t) in each coordinate
    array([[1.      , 1.      ],
           [0.606531, 0.22313 ],
           [0.367879, 0.049787]])
    """
    dim = _require_objective(objective)
    theta0 = as_vector(theta0, "theta0", dim)
    times = as_vector(times, "times")
    if times[0] < 0:
        raise ValueError(f"`times` must be non-negative, got times[0] = {times[0]:g}.")
    if np.any(np.diff(times) < 0):
        raise ValueError("`times` must be non-decreasing.")
    method = check_choice(method, "method", _FLOW_METHODS)
    rtol = check_positive(rtol, "rtol")
    atol = check_positive(atol, "atol")
    if method in _IMPLICIT and not callable(getattr(objective, "hessian", None)):
        raise TypeError(f"method {method!r} needs `objective.hessian` for the Jacobian.")

    params = np.full((times.size, dim), np.nan)
    t_end = float(times[-1])
    if t_end == 0.0:
        params[:] = theta0
        success, message, nfev, njev = True, "all times are 0", 0, 0
    else:
        from scipy.integrate import solve_ivp  # imported here: it is slow to import

        def rhs(t: float, y: np.ndarray) -> np.ndarray:
            return -np.asarray(objective.grad(y), dtype=float)

        options: dict[str, Any] = {}
        if method in _IMPLICIT:
            options["jac"] = lambda t, y: -np.asarray(objective.hessian(y), dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            result = solve_ivp(
                rhs,
                (0.0, t_end),
                theta0,
                method=method,
                t_eval=times,
                rtol=rtol,
                atol=atol,
                **options,
            )
        reached = result.y.shape[1]
        params[:reached] = result.y.T
        success, message = bool(result.success), str(result.message)
        nfev, njev = int(result.nfev), int(getattr(result, "njev", 0))
    losses = np.full(times.size, np.nan)
    for i, theta in enumerate(params):
        if np.all(np.isfinite(theta)):
            losses[i] = float(objective.value(theta))
    for arr in (times, params, losses):
        arr.setflags(write=False)
    return GradientFlow(times, params, losses, success, message, nfev, njev)
