"""Classic optimization test functions as surfaces with exact derivatives.

Rosenbrock's valley, Himmelblau's four minima, the six-hump camel and Rastrigin's lattice
of minima: zoo members checked against their published optima, with their known critical
points stored as data. Build them by name with :func:`landscape.surface`.
"""

from __future__ import annotations

import numpy as np

from landscape._surface import KnownCriticalPoint, Surface, _hessian_2d
from landscape._validation import check_positive, check_positive_int, check_real

__all__ = ["Himmelblau", "Rastrigin", "Rosenbrock", "SixHumpCamel"]


class Rosenbrock(Surface):
    r"""Rosenbrock's banana valley in ``dim`` dimensions.

    Parameters
    ----------
    dim : int, optional
        Number of coordinates, at least 2.
    a, b : float, optional
        Valley parameters (the classical ``a = 1``, ``b = 100``); ``b`` must be positive.

    Raises
    ------
    TypeError
        If ``dim`` is not an integer or ``a``, ``b`` are not real numbers.
    ValueError
        If ``dim < 2`` or ``b <= 0``.

    Notes
    -----
    .. math::

        f = \sum_{i=1}^{d-1} b\,(x_{i+1} - x_i^2)^2 + (a - x_i)^2,

    .. math::

        \partial_j f = 2b\,(x_j - x_{j-1}^2)\,[j > 1]
            - \big(4b\,x_j (x_{j+1} - x_j^2) + 2(a - x_j)\big)\,[j < d],

    and the Hessian is tridiagonal with :math:`H_{j,j+1} = -4b\,x_j` and
    :math:`H_{jj} = 2b\,[j > 1] + (12b\,x_j^2 - 4b\,x_{j+1} + 2)\,[j < d]`. For
    :math:`d = 2` the global minimum :math:`(a, a^2)` is the only critical point; for
    :math:`a = 1` and any :math:`d` the global minimum is :math:`(1, \dots, 1)`. For
    :math:`4 \le d \le 7` a second local minimum near :math:`(-1, 1, \dots, 1)` is known
    numerically and is not stored.

    References
    ----------
    H. H. Rosenbrock, "An automatic method for finding the greatest or least value of a
    function", The Computer Journal 3(3), 175-184 (1960).

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.Rosenbrock(dim=3)
    >>> f.value([1.0, 1.0, 1.0]), f.critical_points[0].kind
    (0.0, 'minimum')
    """

    name = "rosenbrock"

    def __init__(self, dim: int = 2, a: float = 1.0, b: float = 100.0):
        self.dim = check_positive_int(dim, "dim", minimum=2)
        self.a = check_real(a, "a")
        self.b = check_positive(b, "b")
        # A box around the valley: x_1 in [a - 3, a + 1], the rest within 2 of a^2.
        top = self.a**2
        self.domain = ((self.a - 3, self.a + 1),) + ((top - 2, top + 2),) * (self.dim - 1)
        if self.dim == 2:
            points = (KnownCriticalPoint([self.a, self.a**2], 0.0, "minimum"),)
        elif self.a == 1.0:
            points = (KnownCriticalPoint(np.ones(self.dim), 0.0, "minimum"),)
        else:
            points = ()
        self.critical_points = points
        self.critical_points_complete = self.dim == 2

    def _value(self, x):
        """f; derivatives in ``_grad``, ``_hess`` and ``_hvp``."""
        head, tail = x[..., :-1], x[..., 1:]
        return np.sum(self.b * (tail - head**2) ** 2 + (self.a - head) ** 2, axis=-1)

    def _grad(self, x):
        """Gradient of ``_value``; see ``_hess``."""
        head, tail = x[..., :-1], x[..., 1:]
        inner = tail - head**2
        g = np.zeros_like(x)
        g[..., :-1] += -4 * self.b * head * inner - 2 * (self.a - head)
        g[..., 1:] += 2 * self.b * inner
        return g

    def _hess_bands(self, x):
        head, tail = x[..., :-1], x[..., 1:]
        diag = np.zeros_like(x)
        diag[..., :-1] += 12 * self.b * head**2 - 4 * self.b * tail + 2
        diag[..., 1:] += 2 * self.b
        return diag, -4 * self.b * head

    def _hess(self, x):
        """Hessian of ``_value`` (tridiagonal); the gradient is ``_grad``."""
        diag, off = self._hess_bands(x)
        d = self.dim
        h = np.zeros((*x.shape, d))
        idx = np.arange(d)
        h[..., idx, idx] = diag
        h[..., idx[:-1], idx[1:]] = off
        h[..., idx[1:], idx[:-1]] = off
        return h

    def _hvp(self, x, v):
        """``_hess(x) @ v`` in O(d) from the tridiagonal bands."""
        diag, off = self._hess_bands(x)
        out = diag * v
        out[:-1] += off * v[1:]
        out[1:] += off * v[:-1]
        return out

    def __repr__(self) -> str:
        return f"Rosenbrock(dim={self.dim}, a={self.a:g}, b={self.b:g})"


# Himmelblau: the gradient system is two cubics, so by Bezout there are at most 9
# critical points; all 9 are real. Only (3, 2) has a simple closed form. The other eight
# were located by Newton's method from a 21 x 21 grid of starts on [-5, 5]^2 and
# polished until the float64 gradient norm was below 2e-14; their digits are Newton's.
# The four minima have value exactly 0 (both squares vanish there).
_HIMMELBLAU_POINTS = (
    KnownCriticalPoint([3.0, 2.0], 0.0, "minimum"),
    KnownCriticalPoint([-2.805118086952745, 3.131312518250573], 0.0, "minimum", False),
    KnownCriticalPoint([-3.779310253377747, -3.2831859912861696], 0.0, "minimum", False),
    KnownCriticalPoint([3.5844283403304917, -1.8481265269644036], 0.0, "minimum", False),
    KnownCriticalPoint(
        [-0.2708445906673476, -0.9230385564799815], 181.6165215225827, "maximum", False
    ),
    KnownCriticalPoint(
        [-3.0730257507643897, -0.08135304428796751], 104.0151629175581, "saddle", False
    ),
    KnownCriticalPoint(
        [3.385154183607021, 0.07385187983774928], 13.31192627040559, "saddle", False
    ),
    KnownCriticalPoint(
        [-0.12796134673068008, -1.9537149802445763], 178.33723920192747, "saddle", False
    ),
    KnownCriticalPoint(
        [0.08667750455539636, 2.884254701174776], 67.71915008752615, "saddle", False
    ),
)


class Himmelblau(Surface):
    r"""Himmelblau's function, :math:`f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2`.

    Four global minima with value 0, one local maximum and four saddles; all nine are
    stored. Only the minimum :math:`(3, 2)` is closed form (``exact=True``); the other
    eight were located numerically by Newton's method (``exact=False``).

    Notes
    -----
    With :math:`u = x^2 + y - 11` and :math:`v = x + y^2 - 7`,

    .. math::

        \nabla f = \begin{pmatrix} 4xu + 2v \\ 2u + 4yv \end{pmatrix}, \qquad
        H = \begin{pmatrix} 12x^2 + 4y - 42 & 4(x + y) \\
                            4(x + y) & 4x + 12y^2 - 26 \end{pmatrix}.

    References
    ----------
    D. M. Himmelblau, *Applied Nonlinear Programming*, McGraw-Hill (1972).

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.Himmelblau()
    >>> sum(p.kind == "minimum" for p in f.critical_points)
    4
    """

    name = "himmelblau"
    dim = 2
    domain = ((-5.0, 5.0), (-5.0, 5.0))
    critical_points_complete = True
    critical_points = _HIMMELBLAU_POINTS

    def _value(self, p):
        """f; derivatives in ``_grad`` and ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    def _grad(self, p):
        """Gradient of ``_value``; see ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        u, v = x**2 + y - 11, x + y**2 - 7
        return np.stack([4 * x * u + 2 * v, 2 * u + 4 * y * v], -1)

    def _hess(self, p):
        """Hessian of ``_value``; the gradient is ``_grad``."""
        x, y = p[..., 0], p[..., 1]
        return _hessian_2d(12 * x**2 + 4 * y - 42, 4 * (x + y), 4 * x + 12 * y**2 - 26)


def _camel(x, y, value, kind):
    # Both signs: the camel is symmetric under (x, y) -> (-x, -y).
    return (
        KnownCriticalPoint([x, y], value, kind, False),
        KnownCriticalPoint([-x, -y], value, kind, False),
    )


# Six-hump camel: eliminating y = -(8x - 8.4x^3 + 2x^5) from the gradient leaves one
# polynomial of degree 15 in x, so there are at most 15 critical points; all 15 are
# real. None is closed form except the origin. They were located by Newton's method from
# a 41 x 41 grid of starts on [-3, 3] x [-2, 2] and polished until the float64 gradient
# norm was below 1e-14; the digits are Newton's. The published minima are
# (+-0.0898, -+0.7126) with value -1.0316 (Dixon and Szego 1978; Molga and Smutnicki
# 2005), which these round to.
_CAMEL_POINTS = (
    *_camel(0.08984201310031807, -0.7126564030207396, -1.0316284534898774, "minimum"),
    *_camel(1.7036067149699805, -0.7960835686726251, -0.21546382438371792, "minimum"),
    *_camel(1.6071047529201976, 0.5686514548841313, 2.1042503103112593, "minimum"),
    KnownCriticalPoint([0.0, 0.0], 0.0, "saddle"),
    *_camel(1.1092053368047863, -0.7682680925095399, 0.5437186009781851, "saddle"),
    *_camel(1.6380679841897785, 0.22867406904439408, 2.2293571975307147, "saddle"),
    *_camel(1.2960702671671092, 0.6050843880386585, 2.229470818029859, "saddle"),
    *_camel(1.2302298765166524, 0.16233458445899493, 2.496295351023577, "maximum"),
)


class SixHumpCamel(Surface):
    r"""The six-hump camel function.

    Six local minima, two of them global at about :math:`\pm(0.0898, -0.7126)` with
    value about -1.0316, plus seven saddles and two maxima: all 15 critical points are
    stored, located numerically (the origin, a saddle, is the only closed-form one).

    Notes
    -----
    .. math::

        f = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (4y^2 - 4)\,y^2,

    .. math::

        \nabla f = \begin{pmatrix} 8x - 8.4x^3 + 2x^5 + y \\ x - 8y + 16y^3 \end{pmatrix},
        \qquad
        H = \begin{pmatrix} 8 - 25.2x^2 + 10x^4 & 1 \\ 1 & 48y^2 - 8 \end{pmatrix}.

    References
    ----------
    L. C. W. Dixon and G. P. Szegő, "The global optimization problem: an introduction",
    in *Towards Global Optimisation 2*, North-Holland, 1-15 (1978).
    M. Molga and C. Smutnicki, "Test functions for optimization needs" (2005).

    Examples
    --------
    >>> import landscape as ls
    >>> best = ls.SixHumpCamel().critical_points[0]
    >>> best.point.round(4), round(best.value, 4)
    (array([ 0.0898, -0.7127]), -1.0316)
    """

    name = "six_hump_camel"
    dim = 2
    domain = ((-3.0, 3.0), (-2.0, 2.0))
    critical_points_complete = True
    critical_points = _CAMEL_POINTS

    def _value(self, p):
        """f; derivatives in ``_grad`` and ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (4 * y**2 - 4) * y**2

    def _grad(self, p):
        """Gradient of ``_value``; see ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        return np.stack([8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3], -1)

    def _hess(self, p):
        """Hessian of ``_value``; the gradient is ``_grad``."""
        x, y = p[..., 0], p[..., 1]
        return _hessian_2d(8 - 25.2 * x**2 + 10 * x**4, 1.0, 48 * y**2 - 8)


class Rastrigin(Surface):
    r"""Rastrigin's function: a bowl covered in a lattice of local minima.

    Parameters
    ----------
    dim : int, optional
        Number of coordinates.
    amplitude : float, optional
        The ripple amplitude :math:`A` (classically 10); must be positive.

    Raises
    ------
    TypeError
        If ``dim`` is not an integer or ``amplitude`` is not a real number.
    ValueError
        If ``dim < 1`` or ``amplitude <= 0``.

    Notes
    -----
    .. math::

        f = A d + \sum_i x_i^2 - A\cos(2\pi x_i), \qquad
        \partial_i f = 2x_i + 2\pi A \sin(2\pi x_i), \qquad
        H = \operatorname{diag}\big(2 + 4\pi^2 A \cos(2\pi x_i)\big).

    The global minimum is the origin with value 0; it is the only critical point stored
    (there are many others, near the integer lattice).

    References
    ----------
    L. A. Rastrigin, *Systems of Extremal Control*, Nauka, Moscow (1974).

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.Rastrigin(dim=4)
    >>> f.value([0.0, 0.0, 0.0, 0.0]), round(f.value([1.0, 0.0, 0.0, 0.0]), 6)
    (0.0, 1.0)
    """

    name = "rastrigin"

    def __init__(self, dim: int = 2, amplitude: float = 10.0):
        self.dim = check_positive_int(dim, "dim")
        self.amplitude = check_positive(amplitude, "amplitude")
        self.domain = ((-5.12, 5.12),) * self.dim
        self.critical_points = (KnownCriticalPoint(np.zeros(self.dim), 0.0, "minimum"),)
        self.critical_points_complete = False

    def _value(self, x):
        """f; derivatives in ``_grad``, ``_hess`` and ``_hvp``."""
        a = self.amplitude
        return np.sum(x**2 - a * np.cos(2 * np.pi * x) + a, axis=-1)

    def _grad(self, x):
        """Gradient of ``_value``; see ``_hess``."""
        return 2 * x + 2 * np.pi * self.amplitude * np.sin(2 * np.pi * x)

    def _hess_diag(self, x):
        return 2 + 4 * np.pi**2 * self.amplitude * np.cos(2 * np.pi * x)

    def _hess(self, x):
        """Hessian of ``_value`` (diagonal); the gradient is ``_grad``."""
        h = np.zeros((*x.shape, self.dim))
        idx = np.arange(self.dim)
        h[..., idx, idx] = self._hess_diag(x)
        return h

    def _hvp(self, x, v):
        """``_hess(x) @ v`` in O(d) from the diagonal."""
        return self._hess_diag(x) * v

    def __repr__(self) -> str:
        return f"Rastrigin(dim={self.dim}, amplitude={self.amplitude:g})"
