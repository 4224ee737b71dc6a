r"""Gradient descent with injected noise: update rules that escape strict saddles.

Plain gradient descent started on a saddle's stable manifold converges to the saddle,
and started near it lingers for a time that grows like :math:`\ln(1/\varepsilon)`.
Isotropic noise gives every run a component along the escape direction, so the time to
escape no longer depends on how unluckily the run started:

* :func:`perturbed_gd` (Jin et al. 2017): when the gradient is small, jump to a uniform
  random point of a ball of radius :math:`r`, at most once every ``wait`` steps.
* :func:`noisy_gd` (Ge et al. 2015): add Gaussian noise to every gradient.

Both follow the protocol of :mod:`landscape.optim` and stay pure functions: the noise
of update number ``count`` is drawn from a generator seeded by ``(seed, count)``, so the
same state and inputs always give the same step, and a run is reproduced by its seed.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from landscape._validation import (
    as_rng,
    as_vector,
    check_nonnegative,
    check_positive,
    check_positive_int,
)
from landscape.optim import UpdateRule, _hyper, _inputs
from landscape.schedules import Schedule, as_schedule, schedule_value

__all__ = ["NoisyGDState", "PerturbedGDState", "noisy_gd", "perturbed_gd"]


class PerturbedGDState(NamedTuple):
    """State of :func:`perturbed_gd`.

    Attributes
    ----------
    count : int
        Number of updates applied so far.
    last_perturbation : int or None
        The ``count`` at which the last perturbation was added (``None`` before the
        first).
    num_perturbations : int
        Perturbations added so far.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ls.perturbed_gd(0.1, radius=0.01, gradient_threshold=1e-3).init(np.zeros(2))
    PerturbedGDState(count=0, last_perturbation=None, num_perturbations=0)
    """

    count: int
    last_perturbation: int | None
    num_perturbations: int


class NoisyGDState(NamedTuple):
    """State of :func:`noisy_gd`.

    Attributes
    ----------
    count : int
        Number of updates applied so far.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ls.noisy_gd(0.1, noise_scale=0.01).init(np.zeros(2))
    NoisyGDState(count=0)
    """

    count: int


def _seed(rng: Any) -> int:
    """A fixed integer seed: the int itself, or one draw from a Generator."""
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63 - 1))
    as_rng(rng)  # validates the type and sign
    return int(rng)


def _uniform_ball(gen: np.random.Generator, dim: int, radius: float) -> np.ndarray:
    # A Gaussian direction scaled to a radius r U^(1/d) is uniform in the ball.
    direction = gen.standard_normal(dim)
    direction /= np.linalg.norm(direction)
    return radius * gen.random() ** (1.0 / dim) * direction


def perturbed_gd(
    learning_rate: float | Schedule,
    radius: float,
    gradient_threshold: float,
    *,
    wait: int = 10,
    rng: int | np.random.Generator = 0,
) -> UpdateRule:
    """Perturbed gradient descent: a random kick whenever the gradient is small.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta > 0`, or a schedule ``count -> float``.
    radius : float
        Radius :math:`r > 0` of the ball the perturbation is drawn from.
    gradient_threshold : float
        Perturb only when :math:`\\|g_t\\| \\le g_{\\mathrm{thres}}` (>= 0).
    wait : int, optional
        At least this many updates :math:`t_{\\mathrm{thres}}` between two
        perturbations (>= 1), so that each kick has time to act.
    rng : int or numpy.random.Generator, optional
        Seed; a Generator contributes one draw, made when the rule is built.

    Returns
    -------
    rule : UpdateRule
        With state :class:`PerturbedGDState`.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``learning_rate`` or ``radius`` is not positive, ``gradient_threshold`` is
        negative, ``wait < 1`` or the seed is negative.

    Notes
    -----
    With :math:`t_p` the step of the last perturbation and :math:`\\xi_t` uniform in
    the ball of radius :math:`r`:

    .. math::

        \\theta_{t+1} = \\theta_t - \\eta g_t + \\xi_t \\,
        [\\, \\|g_t\\| \\le g_{\\mathrm{thres}} \\text{ and } t - t_p > t_{\\mathrm{thres}} \\,].

    Jin et al. perturb first and take the gradient at the perturbed point; adding the
    kick to the step instead needs no extra gradient and differs only by
    :math:`O(\\eta \\|H\\| r)`. Near a strict saddle the kick has a component of order
    :math:`r/\\sqrt d` along the escape direction, which then grows by
    :math:`1 + \\eta|\\lambda_{\\min}|` per step (see
    :func:`landscape.predicted_escape_time`); Jin et al. prove escape within
    :math:`\\tilde O(\\log^4 d / \\epsilon^2)` iterations overall, almost independent of
    the dimension.

    References
    ----------
    C. Jin, R. Ge, P. Netrapalli, S. M. Kakade and M. I. Jordan, "How to escape saddle
    points efficiently", ICML (2017), arXiv:1703.00887.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.perturbed_gd(0.1, radius=0.01, gradient_threshold=1e-3, rng=0)
    >>> step, state = rule.update(np.zeros(2), rule.init(np.zeros(2)), np.zeros(2))
    >>> state, bool(0 < np.linalg.norm(step) <= 0.01)
    (PerturbedGDState(count=1, last_perturbation=0, num_perturbations=1), True)
    >>> step2, state = rule.update(np.zeros(2), state, step)  # waits before kicking again
    >>> step2, state.num_perturbations
    (array([0., 0.]), 1)
    """
    schedule = as_schedule(learning_rate)
    radius = check_positive(radius, "radius")
    threshold = check_nonnegative(gradient_threshold, "gradient_threshold")
    wait = check_positive_int(wait, "wait")
    seed = _seed(rng)

    def init(params):
        as_vector(params, "params")
        return PerturbedGDState(0, None, 0)

    def update(grad, state, params):
        grad, params = _inputs(grad, params)
        eta = schedule_value(schedule, state.count)
        step = -eta * grad
        due = state.last_perturbation is None or state.count - state.last_perturbation > wait
        if due and float(np.linalg.norm(grad)) <= threshold:
            gen = np.random.default_rng([seed, state.count])
            step = step + _uniform_ball(gen, params.size, radius)
            return step, PerturbedGDState(state.count + 1, state.count, state.num_perturbations + 1)
        return step, PerturbedGDState(
            state.count + 1, state.last_perturbation, state.num_perturbations
        )

    hyper = _hyper(
        learning_rate=learning_rate,
        radius=radius,
        gradient_threshold=threshold,
        wait=wait,
        seed=seed,
    )
    return UpdateRule(init, update, False, schedule, "perturbed_gd", hyper)


def noisy_gd(
    learning_rate: float | Schedule,
    noise_scale: float,
    *,
    rng: int | np.random.Generator = 0,
) -> UpdateRule:
    """Gradient descent on a gradient corrupted by isotropic Gaussian noise.

    Parameters
    ----------
    learning_rate : float or callable
        Step size :math:`\\eta > 0`, or a schedule ``count -> float``.
    noise_scale : float
        Standard deviation :math:`\\sigma \\ge 0` of each coordinate of the noise
        (0 gives :func:`landscape.gd`).
    rng : int or numpy.random.Generator, optional
        Seed; a Generator contributes one draw, made when the rule is built.

    Returns
    -------
    rule : UpdateRule
        With state :class:`NoisyGDState`.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``learning_rate`` is not positive, ``noise_scale`` is negative or the seed
        is negative.

    Notes
    -----
    With :math:`\\zeta_t \\sim \\mathcal N(0, I)`:

    .. math:: \\theta_{t+1} = \\theta_t - \\eta\\,(g_t + \\sigma \\zeta_t).

    A model of stochastic gradients whose noise is isotropic. Ge et al. use a uniform
    point of the unit sphere; any noise with a component along every direction escapes
    a strict saddle. Mini-batch noise is *not* isotropic: it lives in the span of the
    per-sample gradients, and where those all vanish (for example on a subspace that
    the symmetries of a network keep invariant) it cannot push a run off.

    References
    ----------
    R. Ge, F. Huang, C. Jin and Y. Yuan, "Escaping from saddle points: online stochastic
    gradient for tensor decomposition", COLT (2015), arXiv:1503.02101.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rule = ls.noisy_gd(0.1, noise_scale=0.5, rng=0)
    >>> state = rule.init(np.zeros(3))
    >>> step_a, _ = rule.update(np.ones(3), state, np.zeros(3))
    >>> step_b, _ = rule.update(np.ones(3), state, np.zeros(3))
    >>> bool(np.array_equal(step_a, step_b))  # pure: same state, same step
    True
    >>> ls.noisy_gd(0.1, noise_scale=0.0).update(np.ones(2), state, np.zeros(2))[0]
    array([-0.1, -0.1])
    """
    schedule = as_schedule(learning_rate)
    sigma = check_nonnegative(noise_scale, "noise_scale")
    seed = _seed(rng)

    def init(params):
        as_vector(params, "params")
        return NoisyGDState(0)

    def update(grad, state, params):
        grad, params = _inputs(grad, params)
        eta = schedule_value(schedule, state.count)
        if sigma > 0:
            noise = np.random.default_rng([seed, state.count]).standard_normal(params.size)
            grad = grad + sigma * noise
        return -eta * grad, NoisyGDState(state.count + 1)

    hyper = _hyper(learning_rate=learning_rate, noise_scale=sigma, seed=seed)
    return UpdateRule(init, update, False, schedule, "noisy_gd", hyper)
