"""Closed-form test surfaces with exact derivatives and known critical points.

Every surface is an :class:`~landscape.Objective` whose value, gradient and Hessian are
written out by hand, next to each other, and vectorized over points of shape ``(..., d)``
so a whole plotting grid is one call:

==================  ==========================================  =====================
name                formula                                     critical points
==================  ==========================================  =====================
running_example     x^4 + y^4 - 4xy + 1                         all 3, closed form
saddle              x^2 - y^2                                   all 1, closed form
monkey_saddle       x^3 - 3xy^2                                 all 1 (degenerate)
rosenbrock          sum b (x_{i+1} - x_i^2)^2 + (a - x_i)^2     global minimum
himmelblau          (x^2 + y - 11)^2 + (x + y^2 - 7)^2          all 9, 8 numerical
six_hump_camel      (4 - 2.1x^2 + x^4/3)x^2 + xy + 4y^4 - 4y^2  all 15, 14 numerical
rastrigin           A d + sum x_i^2 - A cos(2 pi x_i)           global minimum
quadratic           x^T A x / 2 with a chosen spectrum          the origin
double_well         x^4 - 2x^2 + x/2 (one dimension)            all 3, closed form
==================  ==========================================  =====================

``surface(name, **kwargs)`` builds one by name. Each surface carries its known critical
points as data (``surface.critical_points``, a tuple of :class:`KnownCriticalPoint`),
with ``exact`` telling closed-form points from points located numerically, and
``critical_points_complete`` saying whether the tuple is provably the full set.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from landscape._surface import KnownCriticalPoint, Surface, _hessian_2d
from landscape._validation import (
    as_rng,
    as_vector,
    check_choice,
    check_positive,
    check_positive_int,
    check_real,
    read_only_copy,
)
from landscape.benchmarks import Himmelblau, Rastrigin, Rosenbrock, SixHumpCamel

__all__ = [
    "DoubleWell",
    "KnownCriticalPoint",
    "MonkeySaddle",
    "Quadratic",
    "RunningExample",
    "Saddle",
    "Surface",
    "surface",
    "surface_names",
]


class RunningExample(Surface):
    r"""The book's running example, :math:`f(x, y) = x^4 + y^4 - 4xy + 1`.

    Two global minima at :math:`\pm(1, 1)` with value -1 and a saddle at the origin with
    value 1; these three are all its critical points.

    Notes
    -----
    .. math::

        f = x^4 + y^4 - 4xy + 1, \qquad
        \nabla f = \begin{pmatrix} 4x^3 - 4y \\ 4y^3 - 4x \end{pmatrix}, \qquad
        H = \begin{pmatrix} 12x^2 & -4 \\ -4 & 12y^2 \end{pmatrix}.

    :math:`\nabla f = 0` gives :math:`y = x^3` and :math:`x = y^3`, so
    :math:`x^9 = x`, whose real roots are :math:`0, \pm 1`.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.RunningExample()
    >>> f.grad([1.0, 1.0])
    array([0., 0.])
    >>> f.hessian([0.0, 0.0])
    array([[ 0., -4.],
           [-4.,  0.]])
    """

    name = "running_example"
    dim = 2
    domain = ((-2.0, 2.0), (-2.0, 2.0))
    critical_points_complete = True
    critical_points = (
        KnownCriticalPoint([-1.0, -1.0], -1.0, "minimum"),
        KnownCriticalPoint([0.0, 0.0], 1.0, "saddle"),
        KnownCriticalPoint([1.0, 1.0], -1.0, "minimum"),
    )

    def _value(self, p):
        """f; derivatives in ``_grad`` and ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        return x**4 + y**4 - 4 * x * y + 1

    def _grad(self, p):
        """Gradient of ``_value``; see ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        return np.stack([4 * x**3 - 4 * y, 4 * y**3 - 4 * x], -1)

    def _hess(self, p):
        """Hessian of ``_value``; the gradient is ``_grad``."""
        x, y = p[..., 0], p[..., 1]
        return _hessian_2d(12 * x**2, -4.0, 12 * y**2)


class Saddle(Surface):
    r"""The simplest saddle, :math:`f(x, y) = x^2 - y^2`.

    Its only critical point is the origin, a saddle of index 1 (one negative
    eigenvalue): a minimum along :math:`x`, a maximum along :math:`y`.

    Notes
    -----
    .. math::

        f = x^2 - y^2, \qquad \nabla f = (2x, -2y), \qquad
        H = \operatorname{diag}(2, -2).

    Examples
    --------
    >>> import landscape as ls
    >>> ls.Saddle().grad([[1.0, 1.0], [0.5, -2.0]])
    array([[ 2., -2.],
           [ 1.,  4.]])
    """

    name = "saddle"
    dim = 2
    domain = ((-1.0, 1.0), (-1.0, 1.0))
    critical_points_complete = True
    critical_points = (KnownCriticalPoint([0.0, 0.0], 0.0, "saddle"),)

    def _value(self, p):
        """f; derivatives in ``_grad`` and ``_hess``."""
        return p[..., 0] ** 2 - p[..., 1] ** 2

    def _grad(self, p):
        """Gradient of ``_value``; see ``_hess``."""
        return np.stack([2 * p[..., 0], -2 * p[..., 1]], -1)

    def _hess(self, p):
        """Hessian of ``_value`` (constant); the gradient is ``_grad``."""
        zeros = np.zeros(p.shape[:-1])
        return _hessian_2d(zeros + 2.0, zeros, zeros - 2.0)


class MonkeySaddle(Surface):
    r"""The monkey saddle, :math:`f(x, y) = x^3 - 3xy^2`.

    Its only critical point is the origin, where the Hessian is the zero matrix: the
    second-order test cannot decide. In polar coordinates
    :math:`f = r^3 \cos 3\varphi`, which changes sign six times around the origin, so
    the origin is a saddle of higher order (three valleys, three ridges); its stored
    ``kind`` is ``"degenerate"``, the verdict of the Hessian test.

    Notes
    -----
    .. math::

        f = x^3 - 3xy^2, \qquad
        \nabla f = \begin{pmatrix} 3x^2 - 3y^2 \\ -6xy \end{pmatrix}, \qquad
        H = \begin{pmatrix} 6x & -6y \\ -6y & -6x \end{pmatrix}.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.MonkeySaddle().hessian([0.0, 0.0])
    array([[0., 0.],
           [0., 0.]])
    """

    name = "monkey_saddle"
    dim = 2
    domain = ((-1.0, 1.0), (-1.0, 1.0))
    critical_points_complete = True
    critical_points = (KnownCriticalPoint([0.0, 0.0], 0.0, "degenerate"),)

    def _value(self, p):
        """f; derivatives in ``_grad`` and ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        return x**3 - 3 * x * y**2

    def _grad(self, p):
        """Gradient of ``_value``; see ``_hess``."""
        x, y = p[..., 0], p[..., 1]
        return np.stack([3 * x**2 - 3 * y**2, -6 * x * y], -1)

    def _hess(self, p):
        """Hessian of ``_value``; the gradient is ``_grad``."""
        x, y = p[..., 0], p[..., 1]
        return _hessian_2d(6 * x, -6 * y, -6 * x)


class Quadratic(Surface):
    r"""A quadratic :math:`f = \tfrac12 x^\top A x` with a chosen spectrum.

    Parameters
    ----------
    condition_number : float, optional
        :math:`\kappa = \lambda_{\max} / \lambda_{\min} \ge 1` (default 10). The
        eigenvalues are spaced geometrically from :math:`\lambda_{\max}/\kappa` to
        :math:`\lambda_{\max}`.
    dim : int, optional
        Number of coordinates (default 2, or the length of ``eigenvalues``);
        ``dim = 1`` requires ``condition_number = 1``.
    rotation : float, optional
        For ``dim = 2``: the angle (radians) of the first eigenvector from the x-axis.
    lambda_max : float, optional
        Largest eigenvalue (default 1), positive.
    rng : int or numpy.random.Generator, optional
        If given, the eigenbasis is a uniformly random (Haar) rotation drawn from it.
    eigenvalues : array_like, shape (dim,), optional
        The spectrum itself, any signs (replaces ``condition_number`` and
        ``lambda_max``); e.g. ``[1, -1, 2]`` for a saddle of index 1.

    Without ``rotation`` or ``rng`` the eigenvectors are the coordinate axes.

    Attributes
    ----------
    eigenvalues : numpy.ndarray, shape (d,)
        Sorted ascending.
    eigenvectors : numpy.ndarray, shape (d, d)
        Orthonormal; column ``i`` belongs to ``eigenvalues[i]``.
    matrix : numpy.ndarray, shape (d, d)
        :math:`A = Q \operatorname{diag}(\lambda) Q^\top`.

    Raises
    ------
    TypeError
        If a parameter has the wrong type.
    ValueError
        If ``condition_number < 1``, ``lambda_max <= 0``, ``dim = 1`` with
        ``condition_number != 1``, ``rotation`` is given for ``dim != 2``, both
        ``rotation`` and ``rng`` are given, or ``eigenvalues`` is combined with
        ``condition_number``/``lambda_max`` or its length differs from ``dim``.

    Notes
    -----
    .. math::

        f = \tfrac12 x^\top A x, \qquad \nabla f = A x, \qquad H = A.

    The origin is the only critical point when :math:`A` is nonsingular.

    Examples
    --------
    >>> import landscape as ls
    >>> q = ls.Quadratic(condition_number=100.0, dim=3)
    >>> q.eigenvalues
    array([0.01, 0.1 , 1.  ])
    >>> q.critical_points[0].kind
    'minimum'
    """

    name = "quadratic"

    def __init__(
        self,
        condition_number: float | None = None,
        dim: int | None = None,
        rotation: float | None = None,
        lambda_max: float | None = None,
        rng: int | np.random.Generator | None = None,
        eigenvalues: np.ndarray | None = None,
    ):
        if dim is not None:
            dim = check_positive_int(dim, "dim")
        if eigenvalues is not None:
            if condition_number is not None or lambda_max is not None:
                raise ValueError(
                    "give either `eigenvalues` or `condition_number`/`lambda_max`, not both."
                )
            lam = np.sort(as_vector(eigenvalues, "eigenvalues", dim))
            dim = lam.size
            kappa = None
        else:
            dim = 2 if dim is None else dim
            kappa = (
                10.0
                if condition_number is None
                else check_real(condition_number, "condition_number")
            )
            if kappa < 1:
                raise ValueError(f"`condition_number` must be >= 1, got {kappa:g}.")
            top = 1.0 if lambda_max is None else check_positive(lambda_max, "lambda_max")
            if dim == 1 and kappa != 1:
                raise ValueError(
                    f"`condition_number` must be 1 when `dim` is 1 (one eigenvalue), got {kappa:g}."
                )
            lam = top * np.geomspace(1.0 / kappa, 1.0, dim)
        if rotation is not None and rng is not None:
            raise ValueError("give at most one of `rotation` (an angle) and `rng`.")
        if rotation is not None:
            if dim != 2:
                raise ValueError(
                    f"`rotation` is an angle and needs `dim` = 2, got dim = {dim}; "
                    "use `rng` for a random rotation in other dimensions."
                )
            angle = check_real(rotation, "rotation")
            c, s = math.cos(angle), math.sin(angle)
            basis = np.array([[c, -s], [s, c]])
        elif rng is not None:
            basis = _haar_orthogonal(dim, as_rng(rng))
        else:
            basis = np.eye(dim)
        self.dim = dim
        self.condition_number = kappa
        self.eigenvalues = read_only_copy(lam, float)
        self.eigenvectors = read_only_copy(basis, float)
        matrix = (basis * lam) @ basis.T
        self.matrix = read_only_copy(0.5 * (matrix + matrix.T), float)
        self.domain = ((-1.0, 1.0),) * dim
        nonsingular = bool(np.all(lam != 0))
        kind = _sign_kind(lam)
        self.critical_points = (KnownCriticalPoint(np.zeros(dim), 0.0, kind),)
        self.critical_points_complete = nonsingular

    def _value(self, x):
        """f; derivatives in ``_grad``, ``_hess`` and ``_hvp``."""
        return 0.5 * np.einsum("...i,ij,...j->...", x, self.matrix, x)

    def _grad(self, x):
        """Gradient of ``_value``; see ``_hess``."""
        return x @ self.matrix

    def _hess(self, x):
        """Hessian of ``_value`` (the constant ``matrix``); the gradient is ``_grad``."""
        return np.broadcast_to(self.matrix, (*x.shape, self.dim)).copy()

    def _hvp(self, x, v):
        """``matrix @ v``."""
        return self.matrix @ v

    def __repr__(self) -> str:
        lam = ", ".join(f"{v:.3g}" for v in self.eigenvalues)
        return f"Quadratic(dim={self.dim}, eigenvalues=[{lam}])"


def _double_well_points() -> tuple[KnownCriticalPoint, ...]:
    # f'(x) = 4x^3 - 4x + 1/2 = 0  <=>  x^3 + p x + q = 0 with p = -1, q = 1/8. Three
    # real roots (4p^3 + 27q^2 < 0), given by Viete's trigonometric formula
    # x_k = 2 sqrt(-p/3) cos(arccos(3q/(2p) sqrt(-3/p)) / 3 - 2 pi k / 3).
    p, q = -1.0, 0.125
    radius = 2 * math.sqrt(-p / 3)
    phi = math.acos(3 * q / (2 * p) * math.sqrt(-3 / p)) / 3
    roots = sorted(radius * math.cos(phi - 2 * math.pi * k / 3) for k in range(3))
    kinds = ("minimum", "maximum", "minimum")
    return tuple(
        KnownCriticalPoint([r], r**4 - 2 * r**2 + r / 2, kind)
        for r, kind in zip(roots, kinds, strict=True)
    )


class DoubleWell(Surface):
    r"""A tilted double well in one dimension, :math:`f(x) = x^4 - 2x^2 + x/2`.

    Two minima of different depth (the global one near -1.06, a local one near 0.93)
    separated by a maximum near 0.13; all three are stored, computed in closed form
    from the roots of the cubic :math:`f'(x) = 0`.

    Notes
    -----
    .. math::

        f = x^4 - 2x^2 + \tfrac{x}{2}, \qquad f' = 4x^3 - 4x + \tfrac12, \qquad
        f'' = 12x^2 - 4.

    The roots of :math:`x^3 - x + 1/8 = 0` follow from Viète's trigonometric formula
    :math:`x_k = \tfrac{2}{\sqrt 3}\cos\big(\tfrac13 \arccos(-\tfrac{3\sqrt3}{16}) -
    \tfrac{2\pi k}{3}\big)`, :math:`k = 0, 1, 2`.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.DoubleWell()
    >>> [(round(float(p.point[0]), 4), p.kind) for p in f.critical_points]
    [(-1.0575, 'minimum'), (0.1271, 'maximum'), (0.9304, 'minimum')]
    """

    name = "double_well"
    dim = 1
    domain = ((-1.75, 1.75),)
    critical_points_complete = True
    critical_points = _double_well_points()

    def _value(self, p):
        """f; derivatives in ``_grad`` and ``_hess``."""
        x = p[..., 0]
        return x**4 - 2 * x**2 + x / 2

    def _grad(self, p):
        """Derivative of ``_value``; see ``_hess``."""
        return 4 * p**3 - 4 * p + 0.5

    def _hess(self, p):
        """Second derivative of ``_value``, shape (..., 1, 1); the first is ``_grad``."""
        return (12 * p**2 - 4)[..., None]


# ------------------------------------------------------------------------------------
def _sign_kind(eigenvalues: np.ndarray) -> str:
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    if np.any(eigenvalues > 0) and np.any(eigenvalues < 0):
        return "saddle"
    return "degenerate"


def _haar_orthogonal(dim: int, gen: np.random.Generator) -> np.ndarray:
    # QR of a Gaussian matrix, with the signs of R's diagonal moved into Q, is Haar
    # distributed (Mezzadri 2007, arXiv:math-ph/0609050).
    q, r = np.linalg.qr(gen.standard_normal((dim, dim)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


_REGISTRY: dict[str, type[Surface]] = {
    cls.name: cls
    for cls in (
        RunningExample,
        Saddle,
        MonkeySaddle,
        Rosenbrock,
        Himmelblau,
        SixHumpCamel,
        Rastrigin,
        Quadratic,
        DoubleWell,
    )
}


def surface_names() -> tuple[str, ...]:
    """Return the registry names accepted by :func:`surface`, in a fixed order.

    Returns
    -------
    names : tuple of str

    Examples
    --------
    >>> import landscape as ls
    >>> ls.surface_names()[:3]
    ('running_example', 'saddle', 'monkey_saddle')
    """
    return tuple(_REGISTRY)


def surface(name: str, **kwargs) -> Surface:
    """Build a test surface by its registry name.

    Parameters
    ----------
    name : str
        One of :func:`surface_names`.
    **kwargs
        Passed to the surface's class (e.g. ``dim`` for ``"rosenbrock"`` and
        ``"rastrigin"``; ``condition_number``, ``dim``, ``rotation``, ``lambda_max``,
        ``rng``, ``eigenvalues`` for ``"quadratic"``).

    Returns
    -------
    surface : Surface
        The surface, with exact ``value``/``grad``/``hess``/``hvp`` and its known
        ``critical_points``.

    Raises
    ------
    ValueError
        If ``name`` is unknown (the message lists the valid names), or the class
        rejects a keyword value.
    TypeError
        If a keyword is not accepted by the surface, or has the wrong type.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.surface("quadratic", condition_number=4.0).eigenvalues
    array([0.25, 1.  ])
    >>> ls.surface("himmelblau").value([3.0, 2.0])
    0.0
    """
    check_choice(name, "name", _REGISTRY)
    cls = _REGISTRY[name]
    accepted = [p for p in inspect.signature(cls).parameters if p not in ("args", "kwargs")]
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        allowed = ", ".join(accepted) if accepted else "no keyword arguments"
        raise TypeError(
            f"surface {name!r} does not accept {', '.join(unknown)}; it accepts {allowed}."
        )
    return cls(**kwargs)
