r"""Sharpness of a minimum, measured several ways, and why it is not a property of the function.

"Sharp" and "flat" have no single definition. This module computes the common ones at a
point ``theta`` of any objective:

* curvature: :math:`\lambda_{\max}` and :math:`\operatorname{tr} H` of the Hessian,
  from the spectrum toolkit (:func:`~landscape.sharpness_report`);
* :func:`~landscape.epsilon_sharpness`: the worst loss increase in a box
  :math:`|\delta_i| \le \varepsilon(|\theta_i| + 1)`, found by projected gradient
  ascent, as a percentage of :math:`1 + L` (Keskar et al. 2017);
* :func:`~landscape.average_sharpness`: the mean loss increase over random directions at
  radius :math:`\rho`;
* :func:`~landscape.sam_sharpness`: the worst loss increase in a ball of radius
  :math:`\rho` to first order, the quantity sharpness-aware minimization (SAM) lowers
  (Foret et al. 2021), and its adaptive, scale-invariant version (ASAM, Kwon et al. 2021).

:func:`~landscape.rescale_layers` (in :mod:`landscape.rescaling`) makes the caveat of
Dinh et al. (2017) concrete: rescaling one ReLU layer by :math:`a` and the next by
:math:`1/a` leaves the network's function unchanged while changing :math:`\lambda_{\max}`,
the trace and every measure here that is not scale-invariant (the adaptive ones are).
The optimizer that minimizes SAM sharpness is :func:`~landscape.sam`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import (
    as_rng,
    as_vector,
    check_nonnegative,
    check_positive,
    check_positive_int,
    read_only_copy,
)

__all__ = [
    "AverageSharpness",
    "EpsilonSharpness",
    "SharpnessReport",
    "average_sharpness",
    "epsilon_sharpness",
    "sam_sharpness",
    "sharpness_report",
]


def _require_objective(objective: Any) -> int:
    for method in ("value", "grad", "values"):
        if not callable(getattr(objective, method, None)):
            raise TypeError(
                "`objective` must provide value/grad/values methods (an Objective), got "
                f"{type(objective).__name__} without `{method}`."
            )
    dim = getattr(objective, "dim", None)
    if isinstance(dim, bool) or not isinstance(dim, int | np.integer) or dim < 1:
        raise TypeError(f"`objective` must have a positive integer `dim`, got {dim!r}.")
    return int(dim)


def _value_and_grad(objective: Any, theta: np.ndarray) -> tuple[float, np.ndarray]:
    joint = getattr(objective, "value_and_grad", None)
    if callable(joint):
        value, grad = joint(theta)
    else:
        value, grad = objective.value(theta), objective.grad(theta)
    return float(value), np.asarray(grad, dtype=float)


def _scaling(theta: np.ndarray, adaptive: bool, eta: float) -> np.ndarray | None:
    """The ASAM operator's diagonal, :math:`|\\theta| + \\eta`, or None (plain SAM)."""
    return np.abs(theta) + eta if adaptive else None


def _first_order_ascent(grad: np.ndarray, radius: float, scale: np.ndarray | None) -> np.ndarray:
    r"""The maximizer of the linearized loss over the (adaptive) ball; zero at a zero gradient.

    Plain: :math:`\rho g / \|g\|`. Adaptive: :math:`\rho T^2 g / \|T g\|` with
    :math:`T = \operatorname{diag}(|\theta| + \eta)`.
    """
    scaled = grad if scale is None else scale * grad
    norm = float(np.linalg.norm(scaled))
    if radius == 0.0 or norm == 0.0 or not np.isfinite(norm):
        return np.zeros_like(grad)
    return radius * (scaled if scale is None else scale * scaled) / norm


# --------------------------------------------------------------------------------------
# records


@dataclass(frozen=True, repr=False)
class EpsilonSharpness:
    """Keskar et al.'s epsilon-sharpness at a point.

    Attributes
    ----------
    sharpness : float
        :math:`100 \\cdot (\\max_{\\delta \\in C_\\varepsilon} L(\\theta + \\delta) -
        L(\\theta)) / (1 + L(\\theta))`, in percent, with the maximum over everything
        tried (ascent iterates and random samples): a lower bound on the true maximum.
    random_sharpness : float
        The same, from the random samples alone (NaN when none were drawn); shows how
        much the ascent adds.
    loss : float
        :math:`L(\\theta)`.
    max_loss : float
        The largest loss found in the box.
    epsilon : float
        The box size :math:`\\varepsilon`.
    delta : numpy.ndarray, shape (d,)
        The worst perturbation found (read-only).
    num_grad_evals : int
        Gradient evaluations used (one per ascent iterate, plus one at ``theta``).
    num_value_evals : int
        Loss-only evaluations (random samples and the last iterate).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> bowl = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    >>> result = ls.epsilon_sharpness(bowl, np.zeros(2), epsilon=0.1)
    >>> result
    EpsilonSharpness(sharpness=2, epsilon=0.1, loss=0, max_loss=0.02, num_grad_evals=11)
    """

    sharpness: float
    random_sharpness: float
    loss: float
    max_loss: float
    epsilon: float
    delta: np.ndarray
    num_grad_evals: int
    num_value_evals: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "delta", read_only_copy(self.delta))

    def __repr__(self) -> str:
        return (
            f"EpsilonSharpness(sharpness={self.sharpness:.4g}, epsilon={self.epsilon:g}, "
            f"loss={self.loss:.4g}, max_loss={self.max_loss:.4g}, "
            f"num_grad_evals={self.num_grad_evals})"
        )


@dataclass(frozen=True, repr=False)
class AverageSharpness:
    """Mean loss increase over random perturbations of a fixed (adaptive) radius.

    Attributes
    ----------
    mean : float
        :math:`\\frac1m \\sum_i L(\\theta + \\delta_i) - L(\\theta)`.
    stderr : float
        Standard error of the mean.
    increases : numpy.ndarray, shape (m,)
        The individual increases (read-only).
    radius : float
        :math:`\\rho`.
    adaptive : bool
        Whether the perturbations were scaled by :math:`|\\theta| + \\eta`.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> bowl = ls.from_function(lambda t: float(t @ t), dim=3, grad=lambda t: 2 * t)
    >>> ls.average_sharpness(bowl, np.zeros(3), radius=0.5)  # rho^2 on every sphere point
    AverageSharpness(mean=0.25, stderr=..., radius=0.5, adaptive=False, num_samples=64)
    """

    mean: float
    stderr: float
    increases: np.ndarray
    radius: float
    adaptive: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "increases", read_only_copy(self.increases))

    def __repr__(self) -> str:
        return (
            f"AverageSharpness(mean={self.mean:.4g}, stderr={self.stderr:.2g}, "
            f"radius={self.radius:g}, adaptive={self.adaptive}, "
            f"num_samples={self.increases.size})"
        )


@dataclass(frozen=True)
class SharpnessReport:
    """Several sharpness measures at one point (see :func:`~landscape.sharpness_report`).

    Attributes
    ----------
    loss : float
        :math:`L(\\theta)`.
    lambda_max : float
        Largest Hessian eigenvalue.
    trace : float
        Trace of the Hessian (a Hutchinson estimate, or exact).
    epsilon_sharpness : float
        Keskar et al.'s measure, in percent.
    average_sharpness : float
        Mean loss increase at random directions of radius ``average_radius``.
    sam_sharpness : float
        First-order worst-case increase at radius ``radius``.
    adaptive_sam_sharpness : float
        The ASAM version at adaptive radius ``adaptive_radius``.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("quadratic", condition_number=10.0, lambda_max=10.0)
    >>> report = ls.sharpness_report(f, np.zeros(2))
    >>> round(report.lambda_max, 6), round(report.trace, 6)
    (10.0, 11.0)
    >>> sorted(report.as_dict())[:3]
    ['adaptive_sam_sharpness', 'average_sharpness', 'epsilon_sharpness']
    """

    loss: float
    lambda_max: float
    trace: float
    epsilon_sharpness: float
    average_sharpness: float
    sam_sharpness: float
    adaptive_sam_sharpness: float

    def as_dict(self) -> dict[str, float]:
        """The measures as a plain ``{name: value}`` dictionary (for tables and logs).

        Returns
        -------
        measures : dict of str to float

        Examples
        --------
        >>> import landscape as ls
        >>> ls.SharpnessReport(0.1, 2.0, 3.0, 0.5, 0.01, 0.02, 0.03).as_dict()["trace"]
        3.0
        """
        return {name: float(getattr(self, name)) for name in self.__dataclass_fields__}


# --------------------------------------------------------------------------------------
# measures


def epsilon_sharpness(
    objective: Any,
    theta: Any,
    epsilon: float = 1e-3,
    *,
    num_steps: int = 10,
    num_random: int = 32,
    rng: int | np.random.Generator = 0,
) -> EpsilonSharpness:
    r"""Worst relative loss increase in a box around ``theta`` (Keskar et al. 2017).

    Parameters
    ----------
    objective : Objective
        Anything with ``dim``, ``value``, ``grad`` and a batched ``values``.
    theta : array_like, shape (d,)
        The point (not modified).
    epsilon : float, optional
        Box size :math:`\varepsilon > 0` (the paper uses :math:`10^{-3}` and
        :math:`5 \cdot 10^{-4}`).
    num_steps : int, optional
        Projected gradient-ascent steps, ``>= 0``.
    num_random : int, optional
        Uniform random samples in the box, evaluated in one batch, ``>= 0``.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the random samples.

    Returns
    -------
    result : EpsilonSharpness
        The sharpness in percent, the random-sampling baseline, the worst perturbation
        and the evaluation counts.

    Raises
    ------
    TypeError
        If ``objective`` lacks a method, or an argument has the wrong type.
    ValueError
        If ``theta`` has the wrong shape or is not finite, ``epsilon <= 0``, or a count
        is negative.

    Notes
    -----
    With :math:`w_i = \varepsilon (|\theta_i| + 1)` and the box
    :math:`C_\varepsilon = \{\delta : |\delta_i| \le w_i\}`,

    .. math::
        \phi_\varepsilon(\theta) = 100 \cdot
        \frac{\max_{\delta \in C_\varepsilon} L(\theta + \delta) - L(\theta)}
             {1 + L(\theta)}.

    The maximum is searched by projected sign-gradient ascent, the steepest ascent for a
    box, started at the maximizer of the linearized loss,
    :math:`\delta_0 = w \odot \operatorname{sign} \nabla L(\theta)` (a random sign
    where a gradient entry is zero, e.g. at a critical point):

    .. math::
        \delta_{k+1} = \Pi_{C_\varepsilon}\big(\delta_k + s\, w \odot
        \operatorname{sign} \nabla L(\theta + \delta_k)\big), \qquad s = 2.5 / K,

    for :math:`K` = ``num_steps`` (the step of Madry et al.'s PGD), keeping the best
    iterate, plus ``num_random`` uniform samples. The paper maximized with L-BFGS-B
    instead; either way the result is a lower bound on the maximum. Random sampling
    alone is a weak lower bound in high dimension: a random point of the box is nearly
    orthogonal to the gradient.

    References
    ----------
    Keskar, N. S., Mudigere, D., Nocedal, J., Smelyanskiy, M., Tang, P. T. P. (2017). On
    large-batch training for deep learning: generalization gap and sharp minima. ICLR.
    arXiv:1609.04836.
    Madry, A., Makelov, A., Schmidt, L., Tsipras, D., Vladu, A. (2018). Towards deep
    learning models resistant to adversarial attacks. ICLR. arXiv:1706.06083.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("quadratic", condition_number=4.0, lambda_max=4.0)
    >>> result = ls.epsilon_sharpness(f, np.zeros(2), epsilon=0.1)
    >>> round(result.sharpness, 6), abs(result.delta).round(6)  # a worst corner
    (2.5, array([0.1, 0.1]))
    """
    dim = _require_objective(objective)
    theta = as_vector(theta, "theta", dim)
    epsilon = check_positive(epsilon, "epsilon")
    num_steps = check_positive_int(num_steps, "num_steps", minimum=0)
    num_random = check_positive_int(num_random, "num_random", minimum=0)
    gen = as_rng(rng)
    width = epsilon * (np.abs(theta) + 1.0)

    loss, grad = _value_and_grad(objective, theta)
    num_grad, num_value = 1, 0
    best_loss, best_delta = loss, np.zeros(dim)
    random_best = np.nan
    if num_random:
        samples = gen.uniform(-1.0, 1.0, (num_random, dim)) * width
        values = np.asarray(objective.values(theta + samples), dtype=float)
        num_value += num_random
        i = int(np.argmax(values))
        random_best = float(values[i])
        if random_best > best_loss:
            best_loss, best_delta = random_best, samples[i].copy()

    step = 2.5 / max(num_steps, 1)
    signs = np.sign(grad)
    flat = signs == 0  # e.g. at a critical point: start from a random corner there
    signs[flat] = gen.choice([-1.0, 1.0], size=int(flat.sum()))
    delta = width * signs
    for k in range(num_steps + 1):
        if k == num_steps:
            value = float(objective.value(theta + delta))
            num_value += 1
        else:
            value, g = _value_and_grad(objective, theta + delta)
            num_grad += 1
        if value > best_loss:
            best_loss, best_delta = value, delta.copy()
        if k < num_steps:
            delta = np.clip(delta + step * width * np.sign(g), -width, width)

    def percent(top: float) -> float:
        return 100.0 * (top - loss) / (1.0 + loss)

    return EpsilonSharpness(
        sharpness=percent(best_loss),
        random_sharpness=percent(random_best) if num_random else np.nan,
        loss=loss,
        max_loss=best_loss,
        epsilon=epsilon,
        delta=best_delta,
        num_grad_evals=num_grad,
        num_value_evals=num_value,
    )


def average_sharpness(
    objective: Any,
    theta: Any,
    radius: float,
    *,
    num_samples: int = 64,
    adaptive: bool = False,
    eta: float = 0.0,
    rng: int | np.random.Generator = 0,
) -> AverageSharpness:
    r"""Mean loss increase over random directions at a fixed radius.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim``, ``value`` and a batched ``values``.
    theta : array_like, shape (d,)
        The point (not modified).
    radius : float
        :math:`\rho > 0`.
    num_samples : int, optional
        Number of random directions ``m >= 2`` (evaluated in one batch).
    adaptive : bool, optional
        Scale each direction elementwise by :math:`|\theta| + \eta` (scale-invariant
        for :math:`\eta = 0`).
    eta : float, optional
        :math:`\eta \ge 0`, used when ``adaptive``.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the directions.

    Returns
    -------
    result : AverageSharpness
        Mean, standard error and the individual increases.

    Raises
    ------
    TypeError
        If ``objective`` lacks a method, or an argument has the wrong type.
    ValueError
        If ``theta`` has the wrong shape or is not finite, ``radius <= 0``,
        ``num_samples < 2`` or ``eta < 0``.

    Notes
    -----
    With :math:`u_i` uniform on the unit sphere (normalized Gaussians) and
    :math:`T = \operatorname{diag}(|\theta| + \eta)` (or :math:`I` when not adaptive),

    .. math::
        S_\rho^{\mathrm{avg}}(\theta) = \frac1m \sum_{i=1}^m L(\theta + \rho\, T u_i) -
        L(\theta) \approx \frac{\rho^2}{2d} \operatorname{tr}(T H T)

    for small :math:`\rho` at a minimum: plain average sharpness tracks the trace of the
    Hessian, not :math:`\lambda_{\max}`.

    References
    ----------
    Andriushchenko, M., Croce, F., Müller, M., Hein, M., Flammarion, N. (2023). A modern
    look at the relationship between sharpness and generalization. ICML.
    arXiv:2302.07011.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("quadratic", condition_number=4.0, lambda_max=4.0)  # 2x^2 + y^2/2
    >>> result = ls.average_sharpness(f, np.zeros(2), radius=0.1, num_samples=4000)
    >>> # exact mean: rho^2 tr(H) / (2 d) = 0.01 * 5 / 4 = 0.0125
    >>> round(result.mean, 3), bool(abs(result.mean - 0.0125) < 3 * result.stderr)
    (0.012, True)
    """
    dim = _require_objective(objective)
    theta = as_vector(theta, "theta", dim)
    radius = check_positive(radius, "radius")
    num_samples = check_positive_int(num_samples, "num_samples", minimum=2)
    eta = check_nonnegative(eta, "eta")
    gen = as_rng(rng)
    u = gen.standard_normal((num_samples, dim))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    scale = _scaling(theta, bool(adaptive), eta)
    deltas = radius * (u if scale is None else u * scale)
    loss = float(objective.value(theta))
    increases = np.asarray(objective.values(theta + deltas), dtype=float) - loss
    stderr = float(increases.std(ddof=1) / np.sqrt(num_samples))
    return AverageSharpness(float(increases.mean()), stderr, increases, radius, bool(adaptive))


def sam_sharpness(
    objective: Any,
    theta: Any,
    radius: float = 0.05,
    *,
    adaptive: bool = False,
    eta: float = 0.0,
) -> float:
    r"""The loss increase at SAM's first-order worst perturbation of radius ``radius``.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim``, ``value`` and ``grad``.
    theta : array_like, shape (d,)
        The point (not modified).
    radius : float, optional
        :math:`\rho > 0`: a Euclidean radius, or for ``adaptive`` a radius in the norm
        :math:`\|T^{-1}\delta\|`.
    adaptive : bool, optional
        The scale-invariant ASAM version.
    eta : float, optional
        :math:`\eta \ge 0` in :math:`T = \operatorname{diag}(|\theta| + \eta)`; 0 gives
        exact invariance under layer rescaling.

    Returns
    -------
    sharpness : float
        :math:`L(\theta + \hat\delta) - L(\theta)`; 0 at a point with zero gradient,
        where the first-order perturbation vanishes.

    Raises
    ------
    TypeError
        If ``objective`` lacks a method, or an argument has the wrong type.
    ValueError
        If ``theta`` has the wrong shape or is not finite, ``radius <= 0`` or
        ``eta < 0``.

    Notes
    -----
    SAM's sharpness is :math:`\max_{\|\delta\| \le \rho} L(\theta + \delta) - L(\theta)`.
    Linearizing :math:`L` inside the ball gives the maximizer

    .. math::
        \hat\delta = \rho \frac{g}{\|g\|}, \qquad
        \hat\delta_{\mathrm{adaptive}} = \rho \frac{T^2 g}{\|T g\|}
        \quad (\text{the maximizer over } \|T^{-1}\delta\| \le \rho),

    with :math:`g = \nabla L(\theta)`. If a layer is scaled by :math:`a` and the next by
    :math:`1/a`, :math:`T` and :math:`\hat\delta_{\mathrm{adaptive}}` scale the same way
    (for :math:`\eta = 0`), so the adaptive value is unchanged; the plain one is not.

    References
    ----------
    Foret, P., Kleiner, A., Mobahi, H., Neyshabur, B. (2021). Sharpness-aware
    minimization for efficiently improving generalization. ICLR. arXiv:2010.01412.
    Kwon, J., Kim, J., Park, H., Choi, I. K. (2021). ASAM: adaptive sharpness-aware
    minimization for scale-invariant learning of deep neural networks. ICML.
    arXiv:2102.11600.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> bowl = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    >>> round(ls.sam_sharpness(bowl, np.array([3.0, 4.0]), radius=0.5), 6)  # (5.5^2 - 5^2)
    5.25
    >>> ls.sam_sharpness(bowl, np.zeros(2))  # zero gradient: no first-order ascent
    0.0
    """
    dim = _require_objective(objective)
    theta = as_vector(theta, "theta", dim)
    radius = check_positive(radius, "radius")
    eta = check_nonnegative(eta, "eta")
    loss, grad = _value_and_grad(objective, theta)
    delta = _first_order_ascent(grad, radius, _scaling(theta, bool(adaptive), eta))
    if not np.any(delta):
        return 0.0
    return float(objective.value(theta + delta)) - loss


def sharpness_report(
    objective: Any,
    theta: Any,
    *,
    epsilon: float = 1e-3,
    radius: float = 0.05,
    average_radius: float = 0.5,
    adaptive_radius: float = 0.5,
    trace_probes: int | None = 100,
    rng: int | np.random.Generator = 0,
) -> SharpnessReport:
    """Every sharpness measure of this module at one point.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim``, ``value``, ``grad``, ``hvp`` and a batched ``values``.
    theta : array_like, shape (d,)
        The point (not modified).
    epsilon : float, optional
        Box size of :func:`~landscape.epsilon_sharpness`.
    radius : float, optional
        Radius of :func:`~landscape.sam_sharpness`.
    average_radius : float, optional
        Radius of :func:`~landscape.average_sharpness`.
    adaptive_radius : float, optional
        Radius of the adaptive :func:`~landscape.sam_sharpness` (with ``eta = 0``).
    trace_probes : int or None, optional
        Number of Rademacher probes of :func:`~landscape.hutchinson_trace` (one
        Hessian-vector product each; exact for a diagonal Hessian), or ``None`` for the
        exact trace from ``objective.hessian`` (``d`` products: slow for large ``d``).
    rng : int or numpy.random.Generator, optional
        Seed or generator. It is split (``Generator.spawn``) into four independent
        streams, in order: the Lanczos start, the trace probes, the box samples of
        :func:`~landscape.epsilon_sharpness` and the directions of
        :func:`~landscape.average_sharpness`.

    Returns
    -------
    report : SharpnessReport
        The loss, :math:`\\lambda_{\\max}`, the trace and the four perturbation measures.

    Raises
    ------
    TypeError, ValueError
        As the functions it calls.

    Notes
    -----
    :math:`\\lambda_{\\max}` comes from :func:`~landscape.top_eigenpairs` (Lanczos, residual
    tolerance :math:`10^{-6}`, so the eigenvalue is accurate to about :math:`10^{-10}`
    relative unless the top two eigenvalues nearly tie).

    See Also
    --------
    epsilon_sharpness, average_sharpness, sam_sharpness

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("quadratic", condition_number=4.0, lambda_max=4.0)
    >>> report = ls.sharpness_report(f, np.zeros(2), epsilon=0.1)
    >>> round(report.lambda_max, 6), round(report.epsilon_sharpness, 6)
    (4.0, 2.5)
    """
    from landscape.density import hutchinson_trace
    from landscape.spectrum import top_eigenpairs

    dim = _require_objective(objective)
    theta = as_vector(theta, "theta", dim)
    if trace_probes is not None:
        trace_probes = check_positive_int(trace_probes, "trace_probes", minimum=2)
    # One independent child stream per random part: changing one setting (say, the trace
    # method) leaves the samples of the others unchanged.
    lanczos_rng, trace_rng, box_rng, average_rng = as_rng(rng).spawn(4)
    loss = float(objective.value(theta))
    if dim == 1:
        lambda_max = float(np.asarray(objective.hessian(theta)).reshape(()))
    else:
        top = top_eigenpairs(objective, theta, tol=1e-6, rng=lanczos_rng)
        lambda_max = float(top.eigenvalues[0])
    if trace_probes is None:
        trace = float(np.trace(np.asarray(objective.hessian(theta))))
    else:
        trace = hutchinson_trace(objective, theta, num_probes=trace_probes, rng=trace_rng)
        trace = trace.estimate
    return SharpnessReport(
        loss=loss,
        lambda_max=lambda_max,
        trace=trace,
        epsilon_sharpness=epsilon_sharpness(objective, theta, epsilon, rng=box_rng).sharpness,
        average_sharpness=average_sharpness(objective, theta, average_radius, rng=average_rng).mean,
        sam_sharpness=sam_sharpness(objective, theta, radius),
        adaptive_sam_sharpness=sam_sharpness(objective, theta, adaptive_radius, adaptive=True),
    )
