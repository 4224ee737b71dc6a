r"""Is a point where a search stopped a critical point, or only gradient-flat?

Minimizing :math:`q(\theta) = \tfrac12\|\nabla f(\theta)\|^2` is a popular way to find
critical points of a network loss, saddles included. But :math:`\nabla q = H g` (with
:math:`g = \nabla f`, :math:`H = \nabla^2 f`) vanishes not only where :math:`g = 0` but
wherever :math:`g` lies in the kernel of :math:`H`. At such a *gradient-flat* point the
search stalls with a gradient that is not small, and the loss is, to second order,
linear along the gradient (Frye et al. 2021). :func:`classify_stationarity` tells the two
apart with thresholds relative to the local curvature scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import as_vector, check_fraction, check_positive
from landscape.objective import _require_objective
from landscape.spectrum import top_eigenpairs

__all__ = ["Stationarity", "classify_stationarity"]

_DENSE_LIMIT = 200


@dataclass(frozen=True, repr=False)
class Stationarity:
    """What :func:`classify_stationarity` found at a point.

    Attributes
    ----------
    kind : str
        ``"critical"`` (the gradient is small on the scale of the problem),
        ``"gradient_flat"`` (it is not, but it lies nearly in the Hessian's kernel:
        a stationary point of :math:`\\|g\\|^2` that is not a critical point) or
        ``"neither"``.
    grad_norm : float
        :math:`\\|g\\|`.
    relative_grad_norm : float
        :math:`\\|g\\| / s` with :math:`s` = ``grad_scale``.
    flatness : float
        :math:`\\|Hg\\| / (c\\, \\|g\\|)` with :math:`c` = ``curvature_scale``: 0 when
        :math:`g` is in the kernel of :math:`H`; with the default :math:`c = \\|H\\|_2`
        it lies in [0, 1] and is 1 when :math:`g` is the top eigenvector (0 when
        :math:`g = 0` or :math:`H = 0`).
    hessian_norm : float
        :math:`\\|H\\|_2`, the largest eigenvalue magnitude at the point.
    curvature_scale : float
        The curvature scale :math:`c` that was used.
    grad_scale : float
        The gradient scale :math:`s` that was used.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: t[0] ** 3 / 3 + t[0], dim=1,
    ...                      grad=lambda t: t ** 2 + 1, hvp=lambda t, v: 2 * t * v)
    >>> ls.classify_stationarity(f, [0.0], grad_scale=1.0)
    Stationarity(kind='gradient_flat', grad_norm=1, relative_grad_norm=1, flatness=0)
    """

    kind: str
    grad_norm: float
    relative_grad_norm: float
    flatness: float
    hessian_norm: float
    curvature_scale: float
    grad_scale: float

    def __repr__(self) -> str:
        return (
            f"Stationarity(kind={self.kind!r}, grad_norm={self.grad_norm:.3g}, "
            f"relative_grad_norm={self.relative_grad_norm:.3g}, "
            f"flatness={self.flatness:.3g})"
        )


def _hessian_norm(objective: Any, theta: np.ndarray) -> float:
    if objective.dim <= _DENSE_LIMIT:
        hessian = np.asarray(objective.hessian(theta), dtype=float)
        return float(np.max(np.abs(np.linalg.eigvalsh(0.5 * (hessian + hessian.T)))))
    options = {"tol": 1e-6, "max_matvecs": 500, "check_symmetry": False}
    top = top_eigenpairs(objective, theta, which="largest", **options)
    bottom = top_eigenpairs(objective, theta, which="smallest", **options)
    return float(max(abs(top.eigenvalues[0]), abs(bottom.eigenvalues[0])))


def classify_stationarity(
    objective: Any,
    theta: Any,
    *,
    gtol: float = 1e-6,
    flat_tol: float = 1e-3,
    grad_scale: float | None = None,
    curvature_scale: float | None = None,
) -> Stationarity:
    r"""Say whether ``theta`` is a critical point, a gradient-flat point, or neither.

    Parameters
    ----------
    objective : Objective
        Needs ``grad`` and ``hvp``; the Hessian's norm comes from the dense Hessian for
        ``d <= 200`` and from Lanczos (both ends of the spectrum) above.
    theta : array_like, shape (d,)
        The point, e.g. where a minimization of :math:`\|g\|^2` stopped.
    gtol : float, optional
        Critical when :math:`\|g\| \le \mathrm{gtol} \cdot s`, in (0, 1).
    flat_tol : float, optional
        Gradient-flat when not critical and the flatness
        :math:`\|Hg\| / (c \|g\|) \le` ``flat_tol``, in (0, 1).
    grad_scale : float, optional
        The gradient norm :math:`s` that counts as large. Default
        :math:`c \max(1, \|\theta\|)`: the gradient a point at that distance from a
        critical point would have under the curvature :math:`c`. Pass the gradient
        norm at the start of a search to measure progress relative to it.
    curvature_scale : float, optional
        The curvature :math:`c` that counts as large. Default :math:`\|H\|_2` at
        ``theta``. The local norm cannot reveal flatness when the whole Hessian is
        small at the point (always so in one dimension, where the flatness is 1
        unless :math:`H = 0`); pass the curvature scale of the problem instead, such
        as :math:`\|H\|_2` where the search started, as
        :func:`~landscape.find_critical_points` does for its zero tolerance.

    Returns
    -------
    stationarity : Stationarity
        ``kind``, the gradient norm (absolute and relative), the flatness, the
        Hessian norm and the scale used.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``value``/``grad``/``hvp`` or an argument has the wrong
        type.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, ``gtol`` or
        ``flat_tol`` is not in (0, 1), or ``grad_scale`` or ``curvature_scale`` is not
        positive.

    Notes
    -----
    The squared gradient norm :math:`q = \tfrac12\|g\|^2` has gradient
    :math:`\nabla q = Hg`. Both ratios below are dimensionless:

    .. math::

        \frac{\|g\|}{s} \le \mathrm{gtol} \;\Rightarrow\; \text{critical}, \qquad
        \frac{\|Hg\|}{c\,\|g\|} \le \mathrm{flat\_tol} \;\Rightarrow\;
        \text{gradient-flat}.

    Writing :math:`g = \sum_i a_i u_i` in the Hessian's eigenbasis, the flatness is
    :math:`\sqrt{\sum_i \lambda_i^2 a_i^2} / (c \, \|a\|)`: small exactly when
    :math:`g` puts almost all its weight on eigenvalues that are near zero on the
    scale :math:`c`. There
    the loss changes along :math:`g` at the rate :math:`\|g\|` with almost no
    curvature, and a method that minimizes :math:`\|g\|^2` (or a Newton method, which
    needs :math:`g` in the range of :math:`H`) stalls. Frye et al. found such points
    common where critical-point searches on neural networks stopped, so a search
    result should be checked before its index is read.

    References
    ----------
    C. G. Frye, J. Simon, N. S. Wadia, A. Ligeralde, M. R. DeWeese and K. E. Bouchard,
    "Critical point-finding methods reveal gradient-flat regions of deep network
    losses", Neural Computation 33(6), 1469-1497 (2021), arXiv:2003.10397.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.surface("running_example")
    >>> ls.classify_stationarity(f, [0.0, 0.0]).kind, ls.classify_stationarity(f, [0.5, 0.0]).kind
    ('critical', 'neither')
    >>> cubic = ls.from_function(lambda t: t[0] ** 3 / 3 + t[0], dim=1,
    ...                          grad=lambda t: t ** 2 + 1, hvp=lambda t, v: 2 * t * v)
    >>> ls.classify_stationarity(cubic, [1e-8], curvature_scale=2.0).kind
    'gradient_flat'
    """
    _require_objective(objective)
    theta = as_vector(theta, "theta", objective.dim)
    gtol = check_fraction(gtol, "gtol", low_inclusive=False)
    flat_tol = check_fraction(flat_tol, "flat_tol", low_inclusive=False)
    if grad_scale is not None:
        grad_scale = check_positive(grad_scale, "grad_scale")
    if curvature_scale is not None:
        curvature_scale = check_positive(curvature_scale, "curvature_scale")
    g = np.asarray(objective.grad(theta), dtype=float)
    grad_norm = float(np.linalg.norm(g))
    hessian_norm = _hessian_norm(objective, theta)
    scale = hessian_norm if curvature_scale is None else curvature_scale
    if grad_scale is None:
        grad_scale = scale * max(1.0, float(np.linalg.norm(theta)))
        if grad_scale == 0.0:
            grad_scale = 1.0
    if grad_norm > 0 and scale > 0:
        hg = np.asarray(objective.hvp(theta, g), dtype=float)
        flatness = float(np.linalg.norm(hg)) / (scale * grad_norm)
        if curvature_scale is None:
            flatness = min(1.0, flatness)  # rounding can push ||Hg|| past ||H|| ||g||
    else:
        flatness = 0.0
    relative = grad_norm / grad_scale
    if relative <= gtol:
        kind = "critical"
    elif flatness <= flat_tol:
        kind = "gradient_flat"
    else:
        kind = "neither"
    return Stationarity(
        kind, grad_norm, relative, flatness, hessian_norm, float(scale), float(grad_scale)
    )
