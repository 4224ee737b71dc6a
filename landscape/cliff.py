"""A smooth cliff: a bowl with a steep step in it, the geometry behind exploding gradients.

Recurrent and very deep networks have regions where the loss drops by a large amount
over a short distance (Pascanu, Mikolov and Bengio 2013). A gradient step taken on the
face of such a cliff is huge and throws the parameters far away; clipping the gradient
norm bounds it. :class:`Cliff` is the smallest model of that geometry with exact
derivatives, in two dimensions so it can be drawn.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from landscape._surface import KnownCriticalPoint, Surface, _hessian_2d
from landscape._validation import check_positive

__all__ = ["Cliff"]


class Cliff(Surface):
    r"""A bowl with a cliff: :math:`f(x, y) = \tfrac12 (x^2 + y^2) + h\,\sigma(s (x - p))`.

    Parameters
    ----------
    height : float, optional
        Height :math:`h > 0` of the step (default 30): the loss drops by about :math:`h` when
        :math:`x` crosses :math:`p` from right to left.
    steepness : float, optional
        :math:`s > 0` (default 12); the face of the cliff is about :math:`4/s` wide and its steepest
        slope is :math:`h s / 4`.
    position : float, optional
        Where the cliff stands, :math:`p > 0` (default 2; the minimum is near the origin, left of
        it).

    Raises
    ------
    TypeError
        If a parameter is not a real number.
    ValueError
        If ``height``, ``steepness`` or ``position`` is not positive.

    Attributes
    ----------
    critical_points : tuple of KnownCriticalPoint
        The global minimum, just left of the origin, located by Newton's method on
        :math:`\partial_x f = 0` (``exact=False``). It is the only critical point:
        :math:`\partial_y f = y` vanishes only at :math:`y = 0`, and :math:`\partial_x
        f > 0` for :math:`x \ge 0`, while for :math:`x < 0` (where :math:`\sigma <
        1/2`) :math:`\partial_x f` is strictly increasing.

    Notes
    -----
    With the logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})` and
    :math:`z = s (x - p)`:

    .. math::

        \nabla f = \begin{pmatrix} x + h s\, \sigma(z)(1 - \sigma(z)) \\ y \end{pmatrix},
        \qquad
        H = \begin{pmatrix} 1 + h s^2 \sigma(z)(1 - \sigma(z))(1 - 2\sigma(z)) & 0 \\
        0 & 1 \end{pmatrix}.

    Away from the face the curvature is 1, so gradient descent with :math:`\eta < 2` is
    stable there; on the face the gradient is up to :math:`h s / 4` and a step of
    :math:`\eta` times it lands far beyond the minimum.

    References
    ----------
    R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of training recurrent
    neural networks", ICML 2013, arXiv:1211.5063.

    Examples
    --------
    >>> import landscape as ls
    >>> cliff = ls.Cliff(height=30.0, steepness=12.0, position=2.0)
    >>> round(cliff.value([4.0, 0.0]) - cliff.value([1.0, 0.0]), 3)  # 8 - 0.5 + ~30
    37.5
    >>> round(float(cliff.grad([2.0, 0.0])[0]), 3)  # 2 + h s / 4 on the face
    92.0
    >>> cliff.critical_points[0].kind, cliff.critical_points_complete
    ('minimum', True)
    """

    name = "cliff"
    dim = 2
    critical_points_complete = True

    def __init__(self, height: float = 30.0, steepness: float = 12.0, position: float = 2.0):
        self.height = check_positive(height, "height")
        self.steepness = check_positive(steepness, "steepness")
        self.position = check_positive(position, "position")
        self.domain = ((-1.5 * self.position, 2.5 * self.position),) * 2
        x = 0.0
        for _ in range(50):  # Newton on d/dx f(x, 0) = 0 from the origin
            grad = self._grad(np.array([x, 0.0]))[0]
            curvature = self._hess(np.array([x, 0.0]))[0, 0]
            x -= grad / curvature
        self.critical_points = (
            KnownCriticalPoint([x, 0.0], float(self._value(np.array([x, 0.0]))), "minimum", False),
        )

    def _sigma(self, x):
        return expit(self.steepness * (x - self.position))

    def _value(self, p):
        """f; derivatives in ``_grad`` and ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        return 0.5 * (x**2 + y**2) + self.height * self._sigma(x)

    def _grad(self, p):
        """Gradient of ``_value``; see ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        sig = self._sigma(x)
        return np.stack([x + self.height * self.steepness * sig * (1 - sig), y], -1)

    def _hess(self, p):
        """Hessian of ``_value``; the gradient is ``_grad``."""
        x = p[..., 0]
        sig = self._sigma(x)
        hxx = 1 + self.height * self.steepness**2 * sig * (1 - sig) * (1 - 2 * sig)
        return _hessian_2d(hxx, 0.0, np.ones_like(hxx))

    def __repr__(self) -> str:
        return (
            f"Cliff(height={self.height:g}, steepness={self.steepness:g}, "
            f"position={self.position:g})"
        )
