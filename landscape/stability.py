r"""Linear stability of optimizers on quadratics: thresholds, iteration matrices, rates.

Near a minimum with Hessian :math:`A` the loss is a quadratic, and a constant-step
optimizer is a *linear* map on its state. Whether it converges is decided per Hessian
eigenvalue :math:`\lambda`, by the spectral radius of a small matrix:

* gradient descent, :math:`\theta_{t+1} = (I - \eta A)\theta_t`: the factor
  :math:`|1 - \eta\lambda|`, below 1 exactly when :math:`0 < \eta\lambda < 2`;
* heavy-ball momentum (state :math:`(\theta, v)`, as in :func:`landscape.momentum`): a
  2x2 block per eigenvalue, stable exactly when :math:`0 < \eta\lambda < 2 + 2\beta`;
* Nesterov momentum (:func:`landscape.nesterov`): stable exactly when
  :math:`0 < \eta\lambda < (2 + 2\beta) / (1 + 2\beta)`.

:func:`~landscape.stability_threshold` turns an :class:`~landscape.UpdateRule` into the
largest curvature it tolerates (:math:`2/\eta` for gradient descent), including Adam's
threshold on the *preconditioned* curvature (Cohen et al. 2022);
:func:`~landscape.contraction_factors` gives the per-eigenvalue rate and
:func:`~landscape.iteration_matrix` the whole linear map, so that the closed forms can
be checked against the update rules themselves. The edge-of-stability experiments that
track the sharpness of a network against these thresholds live in
:mod:`landscape.eos`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from landscape._validation import as_symmetric_matrix, as_vector, check_positive_int
from landscape.optim import UpdateRule
from landscape.schedules import schedule_value

__all__ = ["contraction_factors", "iteration_matrix", "stability_threshold"]

# Rules whose constant-step iteration on a quadratic is linear in (theta, velocity).
_LINEAR_RULES = ("gd", "momentum", "nesterov")
_THRESHOLD_RULES = (*_LINEAR_RULES, "adam")


def _rule_parameters(rule: Any, step: Any, allowed: tuple[str, ...]) -> tuple[str, float, float]:
    """(name, learning rate at ``step``, momentum coefficient) of a supported rule."""
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule, got {type(rule).__name__}.")
    step = check_positive_int(step, "step", minimum=0)
    if rule.name not in allowed:
        names = ", ".join(repr(n) for n in allowed)
        raise ValueError(f"`rule` must be one of the rules {names}; got a {rule.name!r} rule.")
    eta = schedule_value(rule.learning_rate, step)
    hyper = rule.hyperparameters
    beta = float(hyper.get("beta1", hyper.get("beta", 0.0)))
    return rule.name, eta, beta


def stability_threshold(rule: UpdateRule, step: int = 0) -> float:
    r"""The largest curvature on which ``rule``, with its rate at ``step``, is stable.

    Parameters
    ----------
    rule : UpdateRule
        One of :func:`~landscape.gd`, :func:`~landscape.momentum`,
        :func:`~landscape.nesterov` or :func:`~landscape.adam`.
    step : int, optional
        Step at which the rule's learning-rate schedule is read (>= 0); matters only
        for schedules such as a warm-up.

    Returns
    -------
    threshold : float
        :math:`\lambda^*` such that the rule with a constant rate converges on every
        quadratic whose Hessian eigenvalues lie in :math:`(0, \lambda^*)` and diverges
        along any eigenvalue above :math:`\lambda^*`. For Adam the curvature is that of
        the preconditioned Hessian :math:`P^{-1}H` (see Notes). ``inf`` when the rate
        at ``step`` is zero.

    Raises
    ------
    TypeError
        If ``rule`` is not an :class:`~landscape.UpdateRule` or ``step`` is not an
        integer.
    ValueError
        If ``step < 0`` or ``rule`` is not one of the four rules above.

    Notes
    -----
    With learning rate :math:`\eta` and momentum :math:`\beta`:

    .. math::

        \lambda^*_{\mathrm{gd}} = \frac{2}{\eta}, \qquad
        \lambda^*_{\mathrm{momentum}} = \frac{2 + 2\beta}{\eta}, \qquad
        \lambda^*_{\mathrm{nesterov}} = \frac{2 + 2\beta}{(1 + 2\beta)\,\eta}, \qquad
        \lambda^*_{\mathrm{adam}} = \frac{2 + 2\beta_1}{(1 - \beta_1)\,\eta}.

    The first three follow from :func:`~landscape.contraction_factors`. For Adam, freeze
    the preconditioner :math:`P = (1 - \beta_1^t)\,\mathrm{diag}(\sqrt{\hat v} +
    \epsilon)`: the update :math:`\theta \leftarrow \theta - \eta P^{-1} m` with
    :math:`m \leftarrow \beta_1 m + (1 - \beta_1) g` is heavy-ball momentum with
    coefficient :math:`\beta_1` and step :math:`(1 - \beta_1)\eta` on the quadratic with
    Hessian :math:`P^{-1/2} H P^{-1/2}`, which has the eigenvalues of :math:`P^{-1}H`
    (Cohen et al. 2022).

    References
    ----------
    J. Cohen, S. Kaur, Y. Li, J. Z. Kolter and A. Talwalkar, "Gradient descent on
    neural networks typically occurs at the edge of stability", ICLR 2021,
    arXiv:2103.00065. J. Cohen et al., "Adaptive gradient methods at the edge of
    stability", 2022, arXiv:2207.14484.

    See Also
    --------
    landscape.contraction_factors, landscape.track_sharpness

    Examples
    --------
    >>> import landscape as ls
    >>> ls.stability_threshold(ls.gd(0.1))
    20.0
    >>> round(ls.stability_threshold(ls.momentum(0.1, beta=0.9)), 6)
    38.0
    >>> round(ls.stability_threshold(ls.adam(1e-3)), 6)
    38000.0

    With a warm-up the threshold falls as the rate grows:

    >>> rule = ls.gd(ls.linear_warmup(0.1, warmup_steps=10))
    >>> ls.stability_threshold(rule, step=0), ls.stability_threshold(rule, step=5)
    (inf, 40.0)
    """
    name, eta, beta = _rule_parameters(rule, step, _THRESHOLD_RULES)
    if eta == 0.0:
        return math.inf
    if name == "gd":
        return 2.0 / eta
    if name == "momentum":
        return (2.0 + 2.0 * beta) / eta
    if name == "nesterov":
        return (2.0 + 2.0 * beta) / ((1.0 + 2.0 * beta) * eta)
    return (2.0 + 2.0 * beta) / ((1.0 - beta) * eta)


def contraction_factors(eigenvalues: Any, rule: UpdateRule, step: int = 0) -> np.ndarray:
    r"""Per-eigenvalue rate of ``rule`` on a quadratic: the spectral radius of its 2x2 map.

    Parameters
    ----------
    eigenvalues : array_like, shape (k,)
        Hessian eigenvalues :math:`\lambda_i` (any signs; a scalar is read as one).
    rule : UpdateRule
        :func:`~landscape.gd`, :func:`~landscape.momentum` or :func:`~landscape.nesterov`.
    step : int, optional
        Step at which the learning-rate schedule is read (>= 0).

    Returns
    -------
    factors : numpy.ndarray, shape (k,)
        :math:`\rho_i`: the error along eigenvector :math:`i` shrinks (or grows) like
        :math:`\rho_i^t`. The iteration converges from every start exactly when every
        :math:`\rho_i < 1`.

    Raises
    ------
    TypeError
        If ``eigenvalues`` is not numeric, ``rule`` is not an
        :class:`~landscape.UpdateRule` or ``step`` is not an integer.
    ValueError
        If ``eigenvalues`` is not 1-D or has non-finite entries, ``step < 0``, or the
        rule is not one of the three above (Adam is not a linear iteration).

    Notes
    -----
    Along an eigenvector with eigenvalue :math:`\lambda` the state
    :math:`(\theta, v)` (parameter and velocity) evolves by a 2x2 matrix whose
    characteristic polynomial is :math:`z^2 - b z + c` with

    .. math::

        \text{heavy ball: } b = 1 + \beta - \eta\lambda,\ c = \beta; \qquad
        \text{Nesterov: } b = (1 + \beta)(1 - \eta\lambda),\ c = \beta (1 - \eta\lambda),

    and :math:`\rho = \max |z|`, i.e. :math:`(|b| + \sqrt{b^2 - 4c})/2` for real roots
    and :math:`\sqrt{c}` for complex ones. Gradient descent is :math:`\beta = 0`:
    :math:`\rho = |1 - \eta\lambda|`. Heavy ball is stable exactly when
    :math:`0 < \eta\lambda < 2 + 2\beta`; its best rate over :math:`[\mu, L]` is
    :math:`\sqrt{\beta}` (see :func:`~landscape.polyak_momentum_parameters`).

    See Also
    --------
    landscape.iteration_matrix, landscape.stability_threshold

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ls.contraction_factors([1.0, 10.0, 19.0, 21.0], ls.gd(0.1))
    array([0.9, 0. , 0.9, 1.1])
    >>> ls.contraction_factors([1.0, 10.0, 37.0, 39.0], ls.momentum(0.1, beta=0.9)).round(4)
    array([0.9487, 0.9487, 0.9487, 1.3162])
    """
    name, eta, beta = _rule_parameters(rule, step, _LINEAR_RULES)
    lam = as_vector(eigenvalues, "eigenvalues")
    h = eta * lam
    if name == "nesterov":
        b, c = (1.0 + beta) * (1.0 - h), beta * (1.0 - h)
    else:
        b, c = 1.0 + beta - h, np.full_like(h, beta)
    disc = b * b - 4.0 * c
    real = disc >= 0.0
    root = np.sqrt(np.where(real, disc, 0.0))
    return np.where(real, 0.5 * (np.abs(b) + root), np.sqrt(np.abs(c)))


def iteration_matrix(hessian: Any, rule: UpdateRule, step: int = 0) -> np.ndarray:
    r"""The linear map one step of ``rule`` applies on the quadratic with Hessian ``hessian``.

    Parameters
    ----------
    hessian : array_like, shape (d, d)
        Symmetric Hessian :math:`A` of :math:`f(\theta) = \tfrac12 (\theta -
        \theta^*)^\top A (\theta - \theta^*)`.
    rule : UpdateRule
        :func:`~landscape.gd`, :func:`~landscape.momentum` or :func:`~landscape.nesterov`.
    step : int, optional
        Step at which the learning-rate schedule is read (>= 0).

    Returns
    -------
    matrix : numpy.ndarray, shape (d, d) or (2 d, 2 d)
        For gradient descent :math:`M = I - \eta A`, acting on the error
        :math:`\theta - \theta^*`. For the momentum rules, the map on the stacked
        state :math:`(\theta - \theta^*, v)` with :math:`v` the rule's velocity
        (``MomentumState.velocity``); see Notes.

    Raises
    ------
    TypeError
        If ``hessian`` is not numeric, ``rule`` is not an :class:`~landscape.UpdateRule`
        or ``step`` is not an integer.
    ValueError
        If ``hessian`` is not a finite symmetric square matrix, ``step < 0``, or the
        rule is not one of the three above.

    Notes
    -----
    With :math:`g = A(\theta - \theta^*)` and the update rules of
    :func:`~landscape.momentum` (:math:`v' = \beta v - \eta g`, :math:`\theta' = \theta
    + v'`) and :func:`~landscape.nesterov` (:math:`\theta' = \theta + \beta v' - \eta
    g`):

    .. math::

        M_{\mathrm{momentum}} = \begin{pmatrix} I - \eta A & \beta I \\ -\eta A &
        \beta I \end{pmatrix}, \qquad
        M_{\mathrm{nesterov}} = \begin{pmatrix} I - (1 + \beta)\eta A & \beta^2 I \\
        -\eta A & \beta I \end{pmatrix}.

    In the eigenbasis of :math:`A` these split into one 2x2 block per eigenvalue, whose
    spectral radii are :func:`~landscape.contraction_factors`; the spectral radius of
    :math:`M` is their maximum.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> A = np.diag([1.0, 4.0])
    >>> ls.iteration_matrix(A, ls.gd(0.25))
    array([[0.75, 0.  ],
           [0.  , 0.  ]])
    >>> M = ls.iteration_matrix(A, ls.momentum(0.25, beta=0.5))
    >>> M.shape, round(float(max(abs(np.linalg.eigvals(M)))), 6)
    ((4, 4), 0.707107)
    """
    name, eta, beta = _rule_parameters(rule, step, _LINEAR_RULES)
    a = as_symmetric_matrix(hessian, "hessian")
    d = a.shape[0]
    eye = np.eye(d)
    if name == "gd":
        return eye - eta * a
    if name == "momentum":
        top = np.hstack([eye - eta * a, beta * eye])
    else:
        top = np.hstack([eye - (1.0 + beta) * eta * a, beta**2 * eye])
    return np.vstack([top, np.hstack([-eta * a, beta * eye])])
