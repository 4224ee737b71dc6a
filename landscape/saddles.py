r"""Strict saddles: a model landscape, escape-time prediction and measurement, escape steps.

Near a critical point :math:`\theta^*` with Hessian :math:`H`, gradient descent with step
:math:`\eta` acts on the displacement :math:`\delta_t = \theta_t - \theta^*` as
:math:`\delta_{t+1} \approx (I - \eta H)\,\delta_t`: the component along an eigenvector
with eigenvalue :math:`\lambda < 0` grows by the factor :math:`1 + \eta|\lambda|` per
step. A run that starts with a component :math:`\varepsilon` along the most negative
direction therefore needs about :math:`\ln(R / \varepsilon) / (\eta |\lambda_{\min}|)`
steps to reach a distance :math:`R`; one that starts with none (on the *stable
manifold*) never leaves.

* :class:`QuarticSaddle`: :math:`\tfrac12 \theta^\top \Lambda \theta + \tfrac14
  \|\theta\|^4`, a saddle of any index with every critical point known.
* :func:`predicted_escape_time` and :func:`measure_escape`: the prediction above and
  the measurement, for any update rule.
* :func:`negative_curvature_step`: one step along the escape direction with a
  backtracking line search.

The extreme Hessian eigenvalues along a trajectory (the signature of a plateau) are
:func:`landscape.track_curvature`, in :mod:`landscape.tracking`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._surface import KnownCriticalPoint, Surface
from landscape._validation import (
    as_vector,
    check_fraction,
    check_positive,
    check_positive_int,
    check_real,
)
from landscape.critical import _classify_eigenvalues, escape_direction
from landscape.optim import UpdateRule
from landscape.training import _norm, _require_objective

__all__ = [
    "CurvatureStep",
    "Escape",
    "QuarticSaddle",
    "measure_escape",
    "negative_curvature_step",
    "predicted_escape_time",
]


# -- the model landscape ------------------------------------------------------------------
class QuarticSaddle(Surface):
    r"""A saddle of any index with every critical point in closed form.

    Parameters
    ----------
    eigenvalues : array_like, shape (d,)
        The Hessian's eigenvalues :math:`\lambda_i` at the origin; at least one must be
        negative. The coordinate axes are the eigenvectors.

    Attributes
    ----------
    eigenvalues : numpy.ndarray, shape (d,)
        As given (read-only).
    critical_points : tuple of KnownCriticalPoint
        The origin and :math:`\pm\sqrt{-\lambda_i}\, e_i` for every negative
        :math:`\lambda_i`, sorted by value.

    Raises
    ------
    TypeError
        If ``eigenvalues`` is not numeric.
    ValueError
        If ``eigenvalues`` is empty, not finite, or has no negative entry.

    Notes
    -----
    .. math::

        f(\theta) = \tfrac12 \sum_i \lambda_i \theta_i^2 + \tfrac14 \|\theta\|^4, \qquad
        \nabla f = (\Lambda + \|\theta\|^2 I)\,\theta, \qquad
        H = \Lambda + \|\theta\|^2 I + 2\theta\theta^\top.

    :math:`\nabla f = 0` needs :math:`\theta_i (\lambda_i + \|\theta\|^2) = 0` for every
    :math:`i`. With distinct eigenvalues the solutions are the origin (index = number
    of negative :math:`\lambda_i`) and :math:`\theta = \pm\sqrt{-\lambda_i}\, e_i` for
    :math:`\lambda_i < 0`, with value :math:`-\lambda_i^2/4` and Hessian
    :math:`\operatorname{diag}(\lambda_j - \lambda_i) - 2\lambda_i e_i e_i^\top`, so
    index :math:`\#\{j : \lambda_j < \lambda_i\}`: the lower the critical value, the
    lower the index, and the only minima sit at the most negative eigenvalue. A
    coordinate that starts at exactly zero stays zero under gradient descent, since its
    gradient component is proportional to it: the coordinate planes are invariant, and
    the span of the positive directions is the origin's stable manifold.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.QuarticSaddle([-1.0, -0.25, 2.0])
    >>> [(p.point.round(3).tolist(), p.value, p.kind) for p in f.critical_points[:3]]
    [([-1.0, 0.0, 0.0], -0.25, 'minimum'), ([1.0, 0.0, 0.0], -0.25, 'minimum'),
     ([0.0, -0.5, 0.0], -0.015625, 'saddle')]
    >>> ls.classify(f.hessian([0.0, 0.0, 0.0])).index
    2
    """

    name = "quartic_saddle"

    def __init__(self, eigenvalues: Any):
        lam = as_vector(eigenvalues, "eigenvalues")
        if not np.any(lam < 0):
            raise ValueError(
                "`eigenvalues` must contain a negative entry (a saddle or maximum at the "
                f"origin), got {lam.tolist()}."
            )
        lam.setflags(write=False)
        self.eigenvalues = lam
        self.dim = int(lam.size)
        reach = 1.5 * max(1.0, float(np.sqrt(-lam.min())))
        self.domain = tuple((-reach, reach) for _ in range(self.dim))
        self.critical_points_complete = bool(np.unique(lam[lam < 0]).size == np.sum(lam < 0))
        self.critical_points = self._known_points()

    def _known_points(self) -> tuple[KnownCriticalPoint, ...]:
        points = [np.zeros(self.dim)]
        for i in np.flatnonzero(self.eigenvalues < 0):
            for sign in (-1.0, 1.0):
                p = np.zeros(self.dim)
                p[i] = sign * np.sqrt(-self.eigenvalues[i])
                points.append(p)
        out = []
        for p in points:
            eigenvalues = np.linalg.eigvalsh(self._hess(p))
            tol = 1e-12 * max(1.0, float(np.max(np.abs(eigenvalues))))
            kind = _classify_eigenvalues(eigenvalues, tol).kind
            out.append(KnownCriticalPoint(p, float(self._value(p)), kind))
        return tuple(sorted(out, key=lambda q: (q.value, tuple(q.point))))

    def _value(self, x):
        """f; derivatives in ``_grad`` and ``_hess``."""
        sq = np.sum(x * x, axis=-1)
        return 0.5 * np.sum(self.eigenvalues * x * x, axis=-1) + 0.25 * sq**2

    def _grad(self, x):
        """Gradient of ``_value``; see ``_hess``."""
        sq = np.sum(x * x, axis=-1, keepdims=True)
        return (self.eigenvalues + sq) * x

    def _hess(self, x):
        """Hessian of ``_value``; the gradient is ``_grad``."""
        sq = np.sum(x * x, axis=-1)[..., None, None]
        eye = np.eye(self.dim)
        return np.diag(self.eigenvalues) + sq * eye + 2.0 * x[..., :, None] * x[..., None, :]

    def _hvp(self, x, v):
        return (self.eigenvalues + x @ x) * v + 2.0 * x * (x @ v)

    def __repr__(self) -> str:
        values = ", ".join(f"{v:.4g}" for v in self.eigenvalues)
        return f"QuarticSaddle(eigenvalues=[{values}])"


# -- escape time --------------------------------------------------------------------------
def predicted_escape_time(
    distance: Any,
    learning_rate: float,
    lambda_min: float,
    *,
    radius: float = 1.0,
    discrete: bool = True,
) -> float | np.ndarray:
    r"""Steps gradient descent needs to carry a small unstable component out to ``radius``.

    Parameters
    ----------
    distance : float or array_like
        Initial component :math:`\varepsilon > 0` of the displacement along the
        eigenvector of :math:`\lambda_{\min}`.
    learning_rate : float
        Step size :math:`\eta > 0`.
    lambda_min : float
        The most negative Hessian eigenvalue at the saddle, :math:`< 0`.
    radius : float, optional
        Distance :math:`R > 0` that counts as escaped.
    discrete : bool, optional
        ``True``: the exact count for the linearized iteration,
        :math:`\ln(R/\varepsilon) / \ln(1 + \eta|\lambda_{\min}|)`. ``False``: the
        gradient-flow approximation :math:`\ln(R/\varepsilon) / (\eta|\lambda_{\min}|)`,
        a slight overestimate, accurate when :math:`\eta|\lambda_{\min}| \ll 1`.

    Returns
    -------
    steps : float or numpy.ndarray
        Same shape as ``distance``; 0 where :math:`\varepsilon \ge R`.

    Raises
    ------
    TypeError
        If an argument is not numeric.
    ValueError
        If ``distance`` is not positive and finite, ``learning_rate`` or ``radius`` is
        not positive, or ``lambda_min`` is not negative.

    Notes
    -----
    Linearized at the saddle, :math:`\delta_{t+1} = (I - \eta H)\delta_t`, so the
    component along the eigenvector of :math:`\lambda_{\min}` is
    :math:`\varepsilon (1 + \eta|\lambda_{\min}|)^t`. Setting it equal to :math:`R`:

    .. math::

        t_{\mathrm{esc}} = \frac{\ln(R/\varepsilon)}{\ln(1 + \eta|\lambda_{\min}|)}
        \approx \frac{\ln(R/\varepsilon)}{\eta|\lambda_{\min}|}.

    The other negative directions grow more slowly and the positive ones shrink, so
    once the run has left the neighbourhood of the stable manifold the most negative
    eigenvalue sets the pace. The escape time grows only logarithmically as
    :math:`\varepsilon \to 0`, but it is infinite at :math:`\varepsilon = 0`.

    References
    ----------
    S. S. Du, C. Jin, J. D. Lee, M. I. Jordan, B. Poczos and A. Singh, "Gradient descent
    can take exponential time to escape saddle points", NeurIPS (2017),
    arXiv:1705.10412.

    Examples
    --------
    >>> import landscape as ls
    >>> round(ls.predicted_escape_time(1e-6, 0.1, -1.0), 2)
    144.95
    >>> round(ls.predicted_escape_time(1e-6, 0.1, -1.0, discrete=False), 2)
    138.16
    """
    eps = np.asarray(distance)
    if eps.dtype == bool or not np.issubdtype(eps.dtype, np.number):
        raise TypeError(f"`distance` must be a positive number or array, got {distance!r}.")
    if np.iscomplexobj(eps):
        raise TypeError("`distance` must be real, got a complex value.")
    eps = eps.astype(float)
    if not np.all(np.isfinite(eps)) or np.any(eps <= 0):
        raise ValueError(f"`distance` must be positive and finite, got {np.ravel(eps)[:5]}.")
    eta = check_positive(learning_rate, "learning_rate")
    lam = check_real(lambda_min, "lambda_min")
    if lam >= 0:
        raise ValueError(f"`lambda_min` must be negative (a strict saddle), got {lam:g}.")
    radius = check_positive(radius, "radius")
    rate = np.log1p(eta * abs(lam)) if discrete else eta * abs(lam)
    steps = np.maximum(np.log(radius / eps), 0.0) / rate
    return float(steps) if steps.ndim == 0 else steps


@dataclass(frozen=True, repr=False)
class Escape:
    """The result of :func:`measure_escape`.

    Attributes
    ----------
    escaped : bool
        Whether the run reached ``radius`` within ``max_steps``.
    num_steps : int
        The first step :math:`t` with :math:`\\|\\theta_t - \\theta^*\\| \\ge R`, or the
        number of steps run when it did not escape.
    initial_distance : float
        :math:`\\|\\theta_0 - \\theta^*\\|`.
    closest_distance : float
        The smallest distance to the saddle along the run (how close it came).
    final_point : numpy.ndarray, shape (d,)
        :math:`\\theta` at step ``num_steps``.
    losses : numpy.ndarray, shape (num_steps + 1,), or None
        The loss at every step, when recorded.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.QuarticSaddle([-1.0, 2.0])
    >>> ls.measure_escape(f, [1e-6, 0.0], ls.gd(0.1), saddle=[0.0, 0.0], radius=0.5)
    Escape(escaped=True, num_steps=139, initial_distance=1e-06, closest_distance=1e-06)
    """

    escaped: bool
    num_steps: int
    initial_distance: float
    closest_distance: float
    final_point: np.ndarray
    losses: np.ndarray | None = None

    def __repr__(self) -> str:
        return (
            f"Escape(escaped={self.escaped}, num_steps={self.num_steps}, "
            f"initial_distance={self.initial_distance:.3g}, "
            f"closest_distance={self.closest_distance:.3g})"
        )


def measure_escape(
    objective: Any,
    theta0: Any,
    rule: UpdateRule,
    *,
    saddle: Any,
    radius: float,
    max_steps: int = 10_000,
    record_losses: bool = False,
) -> Escape:
    r"""Run ``rule`` from ``theta0`` until it is ``radius`` away from ``saddle``.

    Parameters
    ----------
    objective : Objective
        Needs ``grad`` and ``dim`` (and ``value`` when ``record_losses`` is set).
    theta0 : array_like, shape (d,)
        Start (not modified).
    rule : UpdateRule
        The optimizer, e.g. ``ls.gd(0.1)`` or :func:`landscape.perturbed_gd`; rules that
        need a ``grad_fn`` are supported.
    saddle : array_like, shape (d,)
        The critical point :math:`\theta^*` to escape from.
    radius : float
        Escape radius :math:`R > 0`.
    max_steps : int, optional
        Budget of updates.
    record_losses : bool, optional
        Also evaluate and keep the loss at every step (one extra evaluation per step).

    Returns
    -------
    escape : Escape
        ``escaped``, ``num_steps``, the initial and closest distances, the final point
        and (optionally) the losses.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``value``/``grad``/``dim``, ``rule`` is not an
        :class:`~landscape.UpdateRule`, or an argument has the wrong type.
    ValueError
        If ``theta0`` or ``saddle`` has the wrong shape or non-finite entries,
        ``radius`` is not positive or ``max_steps < 1``.

    Notes
    -----
    The escape step is :math:`\min\{t : \|\theta_t - \theta^*\| \ge R\}`; compare it
    with :func:`predicted_escape_time`. A run that starts outside the ball escapes at
    step 0. A run whose iterate becomes non-finite counts as escaped at that step (it
    left every ball). The loop is a lean version of :func:`~landscape.minimize` (no
    line search, no trajectory), so that thousands of short runs stay cheap.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.QuarticSaddle([-1.0, 2.0])
    >>> on_manifold = ls.measure_escape(f, [0.0, 0.3], ls.gd(0.1), saddle=[0.0, 0.0],
    ...                                 radius=0.5, max_steps=500)
    >>> on_manifold.escaped, on_manifold.closest_distance
    (False, 0.0)
    """
    dim = _require_objective(objective)
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule, got {type(rule).__name__}.")
    theta = as_vector(theta0, "theta0", dim)
    saddle = as_vector(saddle, "saddle", dim)
    radius = check_positive(radius, "radius")
    max_steps = check_positive_int(max_steps, "max_steps")
    grad_fn = objective.grad
    state = rule.init(theta)
    initial = _norm(theta - saddle)
    closest, distance, losses = initial, initial, []
    step_count = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while True:
            if record_losses:
                losses.append(float(objective.value(theta)))
            if distance >= radius or not np.isfinite(distance) or step_count == max_steps:
                break
            grad = np.asarray(grad_fn(theta), dtype=float)
            if rule.needs_grad_fn:
                step, state = rule.update(grad, state, theta, grad_fn)
            else:
                step, state = rule.update(grad, state, theta)
            theta = theta + step
            step_count += 1
            distance = _norm(theta - saddle)  # overflow-safe: inf only past 1.8e308
            closest = min(closest, distance) if np.isfinite(distance) else closest
    escaped = bool(distance >= radius or not np.isfinite(distance))
    theta.setflags(write=False)
    recorded = None
    if record_losses:
        recorded = np.array(losses)
        recorded.setflags(write=False)
    return Escape(escaped, step_count, initial, float(closest), theta, recorded)


# -- a step along negative curvature ------------------------------------------------------
@dataclass(frozen=True, repr=False)
class CurvatureStep:
    """The result of :func:`negative_curvature_step`.

    Attributes
    ----------
    point : numpy.ndarray, shape (d,)
        The new point :math:`\\theta + \\alpha s` (the old one if the search failed).
    step_size : float
        :math:`\\alpha`, the accepted length (0 if the search failed).
    direction : numpy.ndarray, shape (d,)
        The unit direction :math:`s`: the eigenvector of :math:`\\lambda_{\\min}`, signed
        to point downhill (:math:`g^\\top s \\le 0`).
    eigenvalue : float
        :math:`\\lambda_{\\min}`, negative.
    decrease : float
        :math:`f(\\theta) - f(\\theta + \\alpha s) \\ge 0`.
    success : bool
        Whether the sufficient-decrease test passed within ``max_iter`` halvings.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.QuarticSaddle([-1.0, 2.0])
    >>> ls.negative_curvature_step(f, [0.0, 0.0])
    CurvatureStep(step_size=1, eigenvalue=-1, decrease=0.25, success=True)
    """

    point: np.ndarray
    step_size: float
    direction: np.ndarray
    eigenvalue: float
    decrease: float
    success: bool

    def __repr__(self) -> str:
        return (
            f"CurvatureStep(step_size={self.step_size:.4g}, eigenvalue={self.eigenvalue:.4g}, "
            f"decrease={self.decrease:.4g}, success={self.success})"
        )


def negative_curvature_step(
    objective: Any,
    theta: Any,
    *,
    max_step: float = 1.0,
    c: float = 0.5,
    shrink: float = 0.5,
    max_iter: int = 30,
    rtol: float = 1e-6,
    atol: float = 1e-12,
) -> CurvatureStep:
    r"""Step along the direction of most negative curvature, with backtracking.

    Parameters
    ----------
    objective : Objective
        Needs ``value``, ``grad`` and ``hessian`` (small ``d``: the direction comes from
        :func:`~landscape.escape_direction` on the dense Hessian).
    theta : array_like, shape (d,)
        The current point, typically on a plateau near a saddle.
    max_step : float, optional
        First trial length :math:`\alpha_0 > 0`.
    c : float, optional
        Fraction of the model decrease required, in (0, 1).
    shrink : float, optional
        Factor applied to :math:`\alpha` after a failed trial, in (0, 1).
    max_iter : int, optional
        Largest number of trials.
    rtol, atol : float, optional
        Zero tolerance for the smallest eigenvalue, as in :func:`~landscape.classify`.

    Returns
    -------
    step : CurvatureStep
        The new point, the length, the signed direction, :math:`\lambda_{\min}`, the
        decrease and a success flag.

    Raises
    ------
    TypeError
        If ``objective`` lacks the needed methods or an argument has the wrong type.
    ValueError
        If ``theta`` is invalid, a parameter is out of range, or the Hessian has no
        negative eigenvalue beyond the tolerance (there is nothing to escape along).

    Notes
    -----
    With :math:`(\lambda_{\min}, u)` the smallest eigenpair of :math:`H(\theta)`, the
    direction is :math:`s = -\operatorname{sign}(g^\top u)\, u` (either sign if
    :math:`g^\top u = 0`), along which the quadratic model decreases for every length:

    .. math::

        m(\alpha) = \alpha\, g^\top s + \tfrac12 \alpha^2 \lambda_{\min} < 0 .

    The length starts at :math:`\alpha_0` and shrinks until
    :math:`f(\theta + \alpha s) \le f(\theta) + c\, m(\alpha)`. Gradient descent near a
    saddle moves along :math:`u` only as fast as the component it already has there;
    this step jumps a distance :math:`\alpha` at once.

    References
    ----------
    J. J. Moré and D. C. Sorensen, "On the use of directions of negative curvature in a
    modified Newton method", Mathematical Programming 16, 1-20 (1979).

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.QuarticSaddle([-1.0, 2.0])
    >>> step = ls.negative_curvature_step(f, [1e-9, 0.2], max_step=2.0)
    >>> step.point.round(4), round(step.decrease, 4)
    (array([0.5, 0.2]), 0.1044)
    """
    _require_objective(objective)
    if not callable(getattr(objective, "hessian", None)):
        raise TypeError(
            f"`objective` must provide `hessian`, got {type(objective).__name__} without it."
        )
    theta = as_vector(theta, "theta", objective.dim)
    max_step = check_positive(max_step, "max_step")
    c = check_fraction(c, "c", low_inclusive=False)
    shrink = check_fraction(shrink, "shrink", low_inclusive=False)
    max_iter = check_positive_int(max_iter, "max_iter")
    u, lam = escape_direction(objective, theta, rtol=rtol, atol=atol)
    g = np.asarray(objective.grad(theta), dtype=float)
    slope = float(g @ u)
    direction = -u if slope > 0 else u
    slope = -abs(slope)
    f0 = float(objective.value(theta))
    alpha = max_step
    for _ in range(max_iter):
        candidate = theta + alpha * direction
        value = float(objective.value(candidate))
        model = alpha * slope + 0.5 * alpha**2 * lam
        if np.isfinite(value) and value <= f0 + c * model:
            return CurvatureStep(candidate, float(alpha), direction, float(lam), f0 - value, True)
        alpha *= shrink
    return CurvatureStep(theta, 0.0, direction, float(lam), 0.0, False)
