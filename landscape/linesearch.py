"""Step sizes along a direction: Armijo backtracking, the Wolfe conditions, exact searches.

Every search takes an objective, a point ``theta`` and a ``direction`` (shape ``(d,)``) and
looks for a step :math:`\\alpha` that decreases :math:`\\phi(\\alpha) = f(\\theta + \\alpha
d)`. A search that does not find one reports it in its result (``success=False``); it
does not raise. :func:`landscape.minimize` runs any rule with one of these searches
(``line_search="armijo"`` or ``"exact"``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from landscape._validation import (
    as_symmetric_matrix,
    as_vector,
    check_fraction,
    check_positive,
    check_positive_int,
)

__all__ = [
    "LineSearchResult",
    "WolfeCheck",
    "armijo_backtracking",
    "exact_line_search",
    "exact_line_search_quadratic",
    "wolfe_conditions",
]


class LineSearchResult(NamedTuple):
    """Outcome of a line search.

    Attributes
    ----------
    step : float
        The accepted step :math:`\\alpha`; 0.0 when the search failed.
    value : float
        :math:`f(\\theta + \\alpha d)` at the accepted step (:math:`f(\\theta)` on failure).
    num_evals : int
        Number of objective evaluations the search made.
    success : bool
        Whether the search's acceptance test was met.

    Examples
    --------
    >>> import landscape as ls
    >>> step, value, num_evals, success = ls.LineSearchResult(0.5, 0.1, 3, True)
    >>> step, success
    (0.5, True)
    """

    step: float
    value: float
    num_evals: int
    success: bool


class WolfeCheck(NamedTuple):
    """Which Wolfe conditions hold at a step; unpacks as ``(armijo_ok, curvature_ok)``.

    Attributes
    ----------
    armijo_ok : bool
        Whether the sufficient-decrease (Armijo) condition holds.
    curvature_ok : bool
        Whether the curvature condition holds (weak or strong, as requested).

    Examples
    --------
    >>> import landscape as ls
    >>> armijo_ok, curvature_ok = ls.WolfeCheck(True, False)
    >>> armijo_ok and curvature_ok
    False
    """

    armijo_ok: bool
    curvature_ok: bool


def _require_objective(objective: Any) -> None:
    for method in ("value", "grad"):
        if not callable(getattr(objective, method, None)):
            raise TypeError(
                f"`objective` must provide value/grad methods (an Objective), got "
                f"{type(objective).__name__} without `{method}`."
            )


def _safe_value(objective: Any, theta: np.ndarray) -> float:
    """The objective's value, or inf where the point or the value is not finite."""
    if not np.all(np.isfinite(theta)):
        return np.inf
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            value = float(objective.value(theta))
        except (FloatingPointError, OverflowError):
            return np.inf
    return value if np.isfinite(value) else np.inf


def _start(objective, theta, direction, value, grad):
    _require_objective(objective)
    theta = as_vector(theta, "theta", getattr(objective, "dim", None))
    direction = as_vector(direction, "direction", theta.size)
    value = float(objective.value(theta)) if value is None else float(value)
    grad = objective.grad(theta) if grad is None else grad
    grad = as_vector(grad, "grad", theta.size)
    return theta, direction, value, float(grad @ direction)


def armijo_backtracking(
    objective: Any,
    theta: np.ndarray,
    direction: np.ndarray,
    *,
    initial_step: float = 1.0,
    c1: float = 1e-4,
    shrink: float = 0.5,
    max_iter: int = 30,
    value: float | None = None,
    grad: np.ndarray | None = None,
) -> LineSearchResult:
    """Backtrack from ``initial_step`` until the Armijo sufficient-decrease condition holds.

    Parameters
    ----------
    objective : Objective
        Needs ``value`` and ``grad``.
    theta : array_like, shape (d,)
        Current point.
    direction : array_like, shape (d,)
        Search direction :math:`d`; must be a descent direction, :math:`\\nabla f^\\top d
        < 0`.
    initial_step : float, optional
        First trial step :math:`\\alpha_0` > 0.
    c1 : float, optional
        Sufficient-decrease constant :math:`c_1`, in (0, 1).
    shrink : float, optional
        Factor :math:`\\rho` in (0, 1) applied after each rejected trial.
    max_iter : int, optional
        Largest number of trial steps, >= 1.
    value : float, optional
        :math:`f(\\theta)` if already known (saves one evaluation).
    grad : array_like, shape (d,), optional
        :math:`\\nabla f(\\theta)` if already known (saves one gradient).

    Returns
    -------
    result : LineSearchResult
        The first accepted step :math:`\\alpha_0 \\rho^k`, or ``success=False`` with
        ``step=0.0`` when ``direction`` is not a descent direction or ``max_iter`` trials
        were rejected. ``num_evals`` counts calls of ``objective.value``.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``value``/``grad`` or an argument has the wrong type.
    ValueError
        If a vector has the wrong shape or non-finite entries, ``initial_step <= 0``,
        ``c1`` or ``shrink`` is outside (0, 1), or ``max_iter < 1``.

    Notes
    -----
    A trial :math:`\\alpha` is accepted when

    .. math:: f(\\theta + \\alpha d) \\le f(\\theta) + c_1 \\alpha \\nabla f(\\theta)^\\top d.

    For an :math:`L`-smooth :math:`f` and :math:`d = -\\nabla f`, every
    :math:`\\alpha \\le 2 (1 - c_1) / L` is accepted, so the search stops after at most
    :math:`\\lceil \\log_{1/\\rho} (\\alpha_0 L / (2 (1 - c_1))) \\rceil + 1` trials.
    Trial points where :math:`f` is not finite count as rejected.

    References
    ----------
    L. Armijo, "Minimization of functions having Lipschitz continuous first partial
    derivatives", Pacific J. Math. 16(1), 1966. J. Nocedal and S. J. Wright, "Numerical
    Optimization", 2nd ed., Springer 2006, Algorithm 3.1.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    >>> theta = np.array([1.0, 1.0])
    >>> ls.armijo_backtracking(f, theta, -f.grad(theta), initial_step=1.0)
    LineSearchResult(step=0.5, value=0.0, num_evals=3, success=True)
    """
    initial_step = check_positive(initial_step, "initial_step")
    c1 = check_fraction(c1, "c1", low_inclusive=False)
    shrink = check_fraction(shrink, "shrink", low_inclusive=False)
    max_iter = check_positive_int(max_iter, "max_iter")
    num_evals = 1 if value is None else 0
    theta, direction, f0, slope = _start(objective, theta, direction, value, grad)
    if not slope < 0:
        return LineSearchResult(0.0, f0, num_evals, False)
    alpha = initial_step
    for _ in range(max_iter):
        trial = _safe_value(objective, theta + alpha * direction)
        num_evals += 1
        if trial <= f0 + c1 * alpha * slope:
            return LineSearchResult(alpha, trial, num_evals, True)
        alpha *= shrink
    return LineSearchResult(0.0, f0, num_evals, False)


def wolfe_conditions(
    objective: Any,
    theta: np.ndarray,
    direction: np.ndarray,
    step: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    *,
    strong: bool = False,
) -> WolfeCheck:
    """Check the Armijo and curvature (Wolfe) conditions at ``step`` along ``direction``.

    Parameters
    ----------
    objective : Objective
        Needs ``value`` and ``grad``.
    theta : array_like, shape (d,)
        Current point.
    direction : array_like, shape (d,)
        Search direction :math:`d`.
    step : float
        The step :math:`\\alpha` > 0 to check.
    c1 : float, optional
        Sufficient-decrease constant, in (0, 1).
    c2 : float, optional
        Curvature constant, in (``c1``, 1).
    strong : bool, optional
        Check the strong curvature condition (absolute values).

    Returns
    -------
    check : WolfeCheck
        ``(armijo_ok, curvature_ok)``.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``value``/``grad`` or an argument has the wrong type.
    ValueError
        If a vector has the wrong shape or non-finite entries, ``step <= 0``, ``c1`` is
        outside (0, 1) or ``c2`` is outside (``c1``, 1).

    Notes
    -----
    With :math:`\\phi(\\alpha) = f(\\theta + \\alpha d)`:

    .. math::
        \\text{Armijo: } \\phi(\\alpha) \\le \\phi(0) + c_1 \\alpha \\phi'(0), \\qquad
        \\text{curvature: } \\phi'(\\alpha) \\ge c_2 \\phi'(0)
        \\quad (\\text{strong: } |\\phi'(\\alpha)| \\le c_2 |\\phi'(0)|).

    References
    ----------
    P. Wolfe, "Convergence conditions for ascent methods", SIAM Review 11(2), 1969.
    J. Nocedal and S. J. Wright, "Numerical Optimization", 2nd ed., Sec. 3.1.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: float(t @ t), dim=1, grad=lambda t: 2 * t)
    >>> theta, d = np.array([1.0]), np.array([-1.0])
    >>> ls.wolfe_conditions(f, theta, d, 0.01)  # too short: curvature fails
    WolfeCheck(armijo_ok=True, curvature_ok=False)
    >>> ls.wolfe_conditions(f, theta, d, 1.0)
    WolfeCheck(armijo_ok=True, curvature_ok=True)
    """
    step = check_positive(step, "step")
    c1 = check_fraction(c1, "c1", low_inclusive=False)
    c2 = check_fraction(c2, "c2", low_inclusive=False)
    if c2 <= c1:
        raise ValueError(f"`c2` must lie in (c1, 1) = ({c1:g}, 1), got {c2:g}.")
    theta, direction, f0, slope0 = _start(objective, theta, direction, None, None)
    new = theta + step * direction
    f_new = _safe_value(objective, new)
    armijo_ok = bool(f_new <= f0 + c1 * step * slope0)
    if not np.isfinite(f_new):
        return WolfeCheck(armijo_ok, False)
    slope = float(np.asarray(objective.grad(new), dtype=float) @ direction)
    if strong:
        curvature_ok = abs(slope) <= c2 * abs(slope0)
    else:
        curvature_ok = slope >= c2 * slope0
    return WolfeCheck(armijo_ok, bool(curvature_ok))


def exact_line_search_quadratic(
    A: np.ndarray, b: np.ndarray, theta: np.ndarray, direction: np.ndarray
) -> float:
    """Return the exact minimizing step along ``direction`` for a quadratic.

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric matrix of :math:`f(x) = \\tfrac12 x^\\top A x - b^\\top x`.
    b : array_like, shape (d,)
        Linear term.
    theta : array_like, shape (d,)
        Current point.
    direction : array_like, shape (d,)
        Search direction :math:`d` with positive curvature :math:`d^\\top A d > 0`.

    Returns
    -------
    step : float
        :math:`\\alpha^*` minimizing :math:`f(\\theta + \\alpha d)` over all real
        :math:`\\alpha` (negative when :math:`d` points uphill).

    Raises
    ------
    TypeError
        If an argument is not a real array.
    ValueError
        If shapes disagree, entries are not finite, ``A`` is not symmetric, or
        :math:`d^\\top A d \\le 0` (then :math:`f` has no minimum along the line).

    Notes
    -----
    With :math:`g = A\\theta - b`,

    .. math:: \\alpha^* = -\\frac{g^\\top d}{d^\\top A d}.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> A = np.diag([1.0, 10.0])
    >>> theta = np.array([1.0, 1.0])
    >>> round(ls.exact_line_search_quadratic(A, np.zeros(2), theta, -A @ theta), 6)
    0.100899
    """
    A = as_symmetric_matrix(A, "A")
    d = A.shape[0]
    b = as_vector(b, "b", d)
    theta = as_vector(theta, "theta", d)
    direction = as_vector(direction, "direction", d)
    curvature = float(direction @ A @ direction)
    if not curvature > 0:
        raise ValueError(
            "the curvature along `direction` must be positive for a minimum to exist, "
            f"got direction^T A direction = {curvature:.3g}."
        )
    return float(-((A @ theta - b) @ direction) / curvature)


def exact_line_search(
    objective: Any,
    theta: np.ndarray,
    direction: np.ndarray,
    *,
    initial_step: float = 1.0,
    max_iter: int = 60,
    xtol: float = 1e-8,
    value: float | None = None,
    grad: np.ndarray | None = None,
) -> LineSearchResult:
    """Minimize :math:`f(\\theta + \\alpha d)` over :math:`\\alpha > 0` by bracketing and Brent.

    The search first brackets a minimizer: from ``initial_step`` it doubles the trial
    while :math:`\\phi` keeps decreasing, or halves it until :math:`\\phi(\\alpha) <
    \\phi(0)`. It then refines the minimizer inside the bracket with bounded Brent
    minimization (:func:`scipy.optimize.minimize_scalar`, ``method="bounded"``).

    Parameters
    ----------
    objective : Objective
        Needs ``value`` (and ``grad`` when ``grad`` is not given).
    theta : array_like, shape (d,)
        Current point.
    direction : array_like, shape (d,)
        Search direction :math:`d`; must be a descent direction.
    initial_step : float, optional
        First trial step, > 0; sets the scale of the bracket.
    max_iter : int, optional
        Largest number of doublings or halvings while bracketing, >= 1.
    xtol : float, optional
        Tolerance on :math:`\\alpha` relative to the bracket's width, > 0.
    value : float, optional
        :math:`f(\\theta)` if already known.
    grad : array_like, shape (d,), optional
        :math:`\\nabla f(\\theta)` if already known (used to check the direction).

    Returns
    -------
    result : LineSearchResult
        ``success`` is false when ``direction`` is not a descent direction, when no
        bracket was found within ``max_iter`` doublings (the function keeps decreasing:
        likely unbounded below) or halvings, or when Brent's method did not converge.
        ``num_evals`` counts calls of ``objective.value``.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``value``/``grad`` or an argument has the wrong type.
    ValueError
        If a vector has the wrong shape or non-finite entries, ``initial_step`` or
        ``xtol`` is not positive, or ``max_iter < 1``.

    Notes
    -----
    For the quadratic :math:`\\tfrac12 x^\\top A x - b^\\top x` the answer matches
    :func:`exact_line_search_quadratic`. The search uses values only, so it cannot
    locate :math:`\\alpha^*` more finely than the width over which :math:`\\phi` is flat
    to rounding, :math:`|\\alpha - \\alpha^*| \\approx \\sqrt{2 \\epsilon |f| /
    \\phi''}`: close to a minimizer, where :math:`\\phi''` is small, the relative error of
    the step grows to about 1e-4 (use the closed form for quadratics). The minimizer
    found is a local one: on a non-convex :math:`\\phi` it is the minimum within the
    bracket.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: float((t[0] - 3.0) ** 2), dim=1,
    ...                      grad=lambda t: 2 * (t - 3.0))
    >>> result = ls.exact_line_search(f, np.array([0.0]), np.array([1.0]))
    >>> round(result.step, 6), result.success
    (3.0, True)
    """
    from scipy.optimize import minimize_scalar  # imported here: it costs ~0.5 s to import

    initial_step = check_positive(initial_step, "initial_step")
    max_iter = check_positive_int(max_iter, "max_iter")
    xtol = check_positive(xtol, "xtol")
    num_evals = 1 if value is None else 0
    theta, direction, f0, slope = _start(objective, theta, direction, value, grad)
    failure = LineSearchResult(0.0, f0, num_evals, False)
    if not slope < 0:
        return failure

    def phi(alpha: float) -> float:
        nonlocal num_evals
        num_evals += 1
        return _safe_value(objective, theta + alpha * direction)

    # Bracket: low < mid < high with phi(mid) < phi(0) and phi(mid) <= phi(high).
    mid, f_mid = initial_step, phi(initial_step)
    if f_mid < f0:
        low, high, f_high = 0.0, 2.0 * mid, phi(2.0 * mid)
        for _ in range(max_iter):
            if f_high >= f_mid:
                break
            low, mid, f_mid = mid, high, f_high
            high = 2.0 * mid
            f_high = phi(high)
        else:
            return failure._replace(num_evals=num_evals)
    else:
        low = 0.0
        for _ in range(max_iter):
            high, mid = mid, 0.5 * mid
            f_mid = phi(mid)
            if f_mid < f0:
                break
        else:
            return failure._replace(num_evals=num_evals)
    finite_max = np.finfo(float).max
    with np.errstate(all="ignore"):
        res = minimize_scalar(
            lambda a: min(phi(a), finite_max),
            bounds=(low, high),
            method="bounded",
            options={"xatol": xtol * (high - low)},
        )
    alpha, f_alpha = float(res.x), float(res.fun)
    if not f_alpha <= f_mid:
        alpha, f_alpha = mid, f_mid
    if not res.success:
        return failure._replace(num_evals=num_evals)
    return LineSearchResult(alpha, f_alpha, num_evals, True)
