r"""Sharpness-aware minimization as a wrapper around any update rule.

SAM (Foret et al. 2021) replaces the gradient at :math:`\theta` by the gradient at the
first-order worst point of a ball around it,

.. math::
    \hat\delta = \rho \frac{g}{\|g\|}, \qquad g_{\mathrm{SAM}} = \nabla L(\theta + \hat\delta),

and hands :math:`g_{\mathrm{SAM}}` to the wrapped rule (gradient descent, momentum,
Adam, ...). Evaluating the gradient at :math:`\theta + \hat\delta` uses the
``needs_grad_fn`` protocol of :mod:`landscape.optim`, so every step costs two gradients,
which the loops count in ``Trajectory.num_grad_evals``.
"""

from __future__ import annotations

from landscape._validation import check_nonnegative
from landscape.optim import UpdateRule, _hyper, _inputs
from landscape.sharpness import _first_order_ascent

__all__ = ["sam"]


def sam(
    rule: UpdateRule, radius: float = 0.05, *, adaptive: bool = False, eta: float = 0.01
) -> UpdateRule:
    r"""Wrap ``rule`` so that it receives SAM's gradient (or ASAM's, with ``adaptive``).

    Parameters
    ----------
    rule : UpdateRule
        The base optimizer; its state, schedule and name are kept.
    radius : float, optional
        Neighbourhood radius :math:`\rho \ge 0` (0.05 in the paper); with 0 the wrapper
        reproduces ``rule`` exactly. For ``adaptive`` it is measured in the norm
        :math:`\|T^{-1}\delta\|` (Kwon et al. use 0.5 to 2).
    adaptive : bool, optional
        ASAM: the scale-invariant neighbourhood with
        :math:`T = \operatorname{diag}(|\theta| + \eta)`.
    eta : float, optional
        :math:`\eta \ge 0` of ASAM (0.01 in the paper, so that zero weights can move).

    Returns
    -------
    rule : UpdateRule
        With ``needs_grad_fn=True``, named ``"<name>+sam"`` (or ``"+asam"``).

    Raises
    ------
    TypeError
        If ``rule`` is not an :class:`~landscape.UpdateRule` or a number has the wrong
        type.
    ValueError
        If ``radius`` or ``eta`` is negative or not finite.

    Notes
    -----
    With :math:`g = \nabla L(\theta_t)` (the mini-batch gradient in mini-batch training,
    and the ascent gradient on the same mini-batch):

    .. math::
        \hat\delta_t = \rho \frac{g}{\|g\|}
        \quad\Big(\text{ASAM: } \rho \frac{T_t^2 g}{\|T_t g\|}\Big), \qquad
        \theta_{t+1} = \theta_t + \mathrm{step}\big(\nabla L(\theta_t + \hat\delta_t)\big).

    When :math:`\hat\delta_t = 0` (``radius = 0`` or a zero gradient) the gradient at
    :math:`\theta_t` is passed on unchanged, without an extra evaluation and without
    dividing by zero.

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
    >>> rule = ls.sam(ls.gd(0.1), radius=0.5)
    >>> rule
    UpdateRule(gd+sam(learning_rate=0.1, radius=0.5, adaptive=False), needs_grad_fn=True)
    >>> bowl = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    >>> step, _ = rule.update(np.array([6.0, 8.0]), rule.init(np.zeros(2)),
    ...                       np.array([3.0, 4.0]), bowl.grad)
    >>> step  # -0.1 * grad at theta + 0.5 * (0.6, 0.8)
    array([-0.66, -0.88])
    >>> ls.minimize(bowl, [3.0, 4.0], rule, num_steps=10).num_grad_evals  # 2 per step + 1
    21
    """
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule, got {type(rule).__name__}.")
    radius = check_nonnegative(radius, "radius")
    eta = check_nonnegative(eta, "eta")
    adaptive = bool(adaptive)
    inner = rule

    def update(grad, state, params, grad_fn):
        grad, params = _inputs(grad, params)
        scale = abs(params) + eta if adaptive else None
        delta = _first_order_ascent(grad, radius, scale)
        ascent_grad = grad_fn(params + delta) if delta.any() else grad
        if inner.needs_grad_fn:
            return inner.update(ascent_grad, state, params, grad_fn)
        return inner.update(ascent_grad, state, params)

    extra = {"radius": radius, "adaptive": adaptive}
    if adaptive:
        extra["eta"] = eta
    name = f"{inner.name}+{'asam' if adaptive else 'sam'}"
    hyper = _hyper(**{**inner.hyperparameters, **extra})  # an outer wrapper's values win
    return UpdateRule(inner.init, update, True, inner.learning_rate, name, hyper)
