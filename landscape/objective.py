"""The objective interface every analysis in ``landscape`` is written against.

An objective is a scalar function of a flat parameter vector ``theta`` of shape ``(d,)``
that can answer four questions: its value, its gradient, a Hessian-vector product and,
for small ``d``, its dense Hessian. Test surfaces and networks supply exact derivatives;
:func:`from_function` gives any Python callable the same interface through central
differences. :func:`check_grad` and :func:`check_hvp` compare an objective's derivatives
with finite differences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from landscape._validation import as_batch, as_rng, as_vector, check_positive

__all__ = ["DerivativeCheck", "Objective", "check_grad", "check_hvp", "from_function"]

_EPS = np.finfo(np.float64).eps


class Objective:
    """Base class for scalar objectives over a flat parameter vector.

    Subclasses set ``dim`` and implement :meth:`value`; they override :meth:`grad`,
    :meth:`hvp` and :meth:`values` when they can do better than the defaults, which are
    central differences and a loop. :meth:`hessian` assembles ``d`` Hessian-vector
    products and is meant for small ``d``.

    Attributes
    ----------
    dim : int
        Number of parameters ``d``.
    name : str
        A short label used in plots and reprs.

    Examples
    --------
    >>> import numpy as np
    >>> from landscape import from_function
    >>> bowl = from_function(lambda t: float(t @ t), dim=2, name="bowl")
    >>> bowl.grad(np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """

    dim: int = 0
    name: str = "objective"

    def value(self, theta: np.ndarray) -> float:
        """Return the objective at ``theta`` (shape ``(d,)``) as a float."""
        raise NotImplementedError

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """Return the gradient at ``theta``, shape ``(d,)`` (default: central differences)."""
        theta = as_vector(theta, "theta", self.dim)
        return _fd_grad(self.value, theta)

    def hvp(self, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Return the Hessian-vector product ``H(theta) @ v``, shape ``(d,)``.

        The default differentiates :meth:`grad` along ``v`` by central differences.
        """
        theta = as_vector(theta, "theta", self.dim)
        v = as_vector(v, "v", self.dim)
        exact_grad = type(self).grad is not Objective.grad
        return _fd_hvp(self.grad, theta, v, exact_grad=exact_grad)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """Return the dense Hessian at ``theta``, shape ``(d, d)``, built from ``d`` HVPs."""
        theta = as_vector(theta, "theta", self.dim)
        eye = np.eye(self.dim)
        return np.column_stack([self.hvp(theta, eye[:, i]) for i in range(self.dim)])

    def values(self, thetas: np.ndarray) -> np.ndarray:
        """Return the objective at each row of ``thetas`` (shape ``(n, d)``), shape ``(n,)``."""
        thetas = as_batch(thetas, "thetas", self.dim)
        return np.array([self.value(t) for t in thetas], dtype=float)

    def affine_values(self, center: np.ndarray, directions: np.ndarray, coords: np.ndarray):
        """Return the objective at ``center + coords[i] @ directions`` for each row.

        Slices and paths call this. The default forms the points and calls
        :meth:`values`; a network evaluates the plane faster
        (:meth:`landscape.NetworkObjective.affine_values`).

        Parameters
        ----------
        center : array_like, shape (d,)
            The origin of the affine subspace.
        directions : array_like, shape (k, d)
            Its directions, one per row (a vector counts as ``k = 1``).
        coords : array_like, shape (m, k)
            Coordinates of the ``m`` points (a vector counts as ``m = 1``).

        Returns
        -------
        losses : numpy.ndarray, shape (m,)
            The objective at each point.

        Raises
        ------
        TypeError
            If an argument is not numeric.
        ValueError
            If a shape is not as above or an argument holds NaN/inf.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> f = ls.from_function(lambda t: float(t @ t), dim=2)
        >>> f.affine_values([1.0, 0.0], [[0.0, 1.0]], [[-1.0], [0.0], [2.0]])
        array([2., 1., 5.])
        """
        center = as_vector(center, "center", self.dim)
        directions = as_batch(directions, "directions", self.dim)
        coords = as_batch(coords, "coords", directions.shape[0])
        return self.values(center + coords @ directions)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim})"


def _fd_grad(value: Callable[[np.ndarray], float], theta: np.ndarray) -> np.ndarray:
    # Central differences, step eps^(1/3) * max(1, |theta_i|): truncation O(h^2) balances
    # rounding O(eps / h), giving ~1e-10 relative accuracy on smooth functions.
    grad = np.empty_like(theta)
    for i in range(theta.size):
        h = _EPS ** (1 / 3) * max(1.0, abs(theta[i]))
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (value(up) - value(down)) / (up[i] - down[i])
    return grad


def _fd_hvp(
    grad: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
    v: np.ndarray,
    *,
    exact_grad: bool,
) -> np.ndarray:
    norm_v = float(np.linalg.norm(v))
    if norm_v == 0.0:
        return np.zeros_like(theta)
    # With an exact gradient the optimal central step is eps^(1/3); with a gradient that
    # is itself a central difference (error ~eps^(2/3)) it is eps^(2/9).
    power = 1 / 3 if exact_grad else 2 / 9
    h = _EPS**power * max(1.0, float(np.linalg.norm(theta))) / norm_v
    return (grad(theta + h * v) - grad(theta - h * v)) / (2.0 * h)


class _FunctionObjective(Objective):
    def __init__(self, f, dim, grad, hvp, name):
        self._f, self._grad, self._hvp = f, grad, hvp
        self.dim, self.name = dim, name

    def value(self, theta):
        theta = as_vector(theta, "theta", self.dim)
        out = np.asarray(self._f(theta), dtype=float)
        if out.shape not in ((), (1,)):
            raise ValueError(
                f"the function must return a scalar, got an array of shape {out.shape}."
            )
        return float(out.reshape(()))

    def grad(self, theta):
        theta = as_vector(theta, "theta", self.dim)
        if self._grad is None:
            return _fd_grad(self.value, theta)
        g = np.asarray(self._grad(theta), dtype=float)
        if g.shape != (self.dim,):
            raise ValueError(f"`grad` must return shape ({self.dim},), got {g.shape}.")
        return g

    def hvp(self, theta, v):
        theta = as_vector(theta, "theta", self.dim)
        v = as_vector(v, "v", self.dim)
        if self._hvp is not None:
            return np.asarray(self._hvp(theta, v), dtype=float)
        return _fd_hvp(self.grad, theta, v, exact_grad=self._grad is not None)


def from_function(
    f: Callable[[np.ndarray], float],
    dim: int,
    *,
    grad: Callable[[np.ndarray], np.ndarray] | None = None,
    hvp: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    name: str = "function",
) -> Objective:
    """Wrap a Python callable as an :class:`Objective`.

    Derivatives that are not supplied are computed by central differences, with a step
    chosen from the float64 precision.

    Parameters
    ----------
    f : callable
        ``f(theta) -> float`` for ``theta`` of shape ``(dim,)``.
    dim : int
        Number of parameters.
    grad : callable, optional
        Exact gradient ``grad(theta) -> array of shape (dim,)``.
    hvp : callable, optional
        Exact Hessian-vector product ``hvp(theta, v) -> array of shape (dim,)``.
    name : str, optional
        Label for plots and reprs.

    Returns
    -------
    objective : Objective
        An objective whose ``value``, ``grad``, ``hvp`` and ``hessian`` work.

    Raises
    ------
    TypeError
        If ``f`` (or ``grad``, ``hvp``) is not callable or ``dim`` is not an integer.
    ValueError
        If ``dim < 1``.

    Notes
    -----
    The gradient uses :math:`g_i = (f(\\theta + h e_i) - f(\\theta - h e_i)) / (2h)` with
    :math:`h = \\epsilon^{1/3} \\max(1, |\\theta_i|)`, costing :math:`2d` evaluations. The
    HVP differentiates the gradient along ``v``: :math:`(g(\\theta + h v) - g(\\theta - h
    v)) / (2h)`.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: t[0] ** 2 * t[1], dim=2)
    >>> f.hessian(np.array([1.0, 2.0])).round(5)
    array([[4., 2.],
           [2., 0.]])
    """
    if not callable(f):
        raise TypeError(f"`f` must be callable, got {type(f).__name__}.")
    for label, fn in (("grad", grad), ("hvp", hvp)):
        if fn is not None and not callable(fn):
            raise TypeError(f"`{label}` must be callable or None, got {type(fn).__name__}.")
    from landscape._validation import check_positive_int

    dim = check_positive_int(dim, "dim")
    return _FunctionObjective(f, dim, grad, hvp, str(name))


@dataclass(frozen=True)
class DerivativeCheck:
    """Result of comparing an objective's derivative with finite differences.

    Attributes
    ----------
    max_rel_error : float
        Largest relative error over the probes, ``|a - b| / max(|a|, |b|, scale)``.
    errors : numpy.ndarray
        The relative error of each probe.
    tol : float
        Tolerance used for ``ok``.
    ok : bool
        ``max_rel_error <= tol``.

    Examples
    --------
    >>> import landscape as ls
    >>> wrong = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2.2 * t)
    >>> check = ls.check_grad(wrong, [1.0, 1.0])
    >>> check.ok, round(check.max_rel_error, 2)
    (False, 0.09)
    """

    max_rel_error: float
    errors: np.ndarray
    tol: float
    ok: bool

    def __repr__(self) -> str:
        return (
            f"DerivativeCheck(max_rel_error={self.max_rel_error:.2e}, "
            f"tol={self.tol:.0e}, ok={self.ok})"
        )


def _rel_errors(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_1d(a), np.atleast_1d(b)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8)
    return np.abs(a - b) / scale


def check_grad(
    objective: Objective,
    theta: np.ndarray,
    *,
    num_probes: int = 5,
    tol: float = 1e-6,
    rng: int | np.random.Generator = 0,
) -> DerivativeCheck:
    """Compare ``objective.grad`` with central differences of ``objective.value``.

    Each probe draws a Gaussian direction ``u`` and compares the directional derivative
    ``grad(theta) @ u`` with ``(f(theta + h u) - f(theta - h u)) / (2h)``.

    Parameters
    ----------
    objective : Objective
        The objective to check.
    theta : array_like, shape (d,)
        Point at which to check.
    num_probes : int, optional
        Number of random directions.
    tol : float, optional
        Largest acceptable relative error; central differences in float64 are accurate
        to about 1e-9 on well-scaled smooth functions, so 1e-6 leaves a wide margin.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the directions.

    Returns
    -------
    check : DerivativeCheck
        Relative errors per probe and whether they are all within ``tol``.

    Raises
    ------
    TypeError
        If ``objective`` has no ``value``/``grad`` methods.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, or ``tol`` is not positive.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: float(t @ t), dim=3, grad=lambda t: 2 * t)
    >>> ls.check_grad(f, [1.0, 2.0, 3.0]).ok
    True
    """
    _require_objective(objective)
    theta = as_vector(theta, "theta", objective.dim)
    tol = check_positive(tol, "tol")
    gen = as_rng(rng)
    g = np.asarray(objective.grad(theta), dtype=float)
    errors = []
    for _ in range(num_probes):
        u = gen.standard_normal(theta.size)
        u /= np.linalg.norm(u)
        h = _EPS ** (1 / 3) * max(1.0, float(np.linalg.norm(theta)))
        fd = (objective.value(theta + h * u) - objective.value(theta - h * u)) / (2 * h)
        errors.append(_rel_errors(np.array([g @ u]), np.array([fd]))[0])
    errors = np.array(errors)
    worst = float(errors.max())
    return DerivativeCheck(worst, errors, tol, worst <= tol)


def check_hvp(
    objective: Objective,
    theta: np.ndarray,
    *,
    num_probes: int = 5,
    tol: float = 1e-6,
    rng: int | np.random.Generator = 0,
) -> DerivativeCheck:
    """Compare ``objective.hvp`` with central differences of ``objective.grad``.

    Each probe draws a Gaussian ``v`` and compares ``hvp(theta, v)`` with
    ``(grad(theta + h v) - grad(theta - h v)) / (2h)`` in the 2-norm.

    Parameters
    ----------
    objective : Objective
        The objective to check.
    theta : array_like, shape (d,)
        Point at which to check.
    num_probes : int, optional
        Number of random vectors.
    tol : float, optional
        Largest acceptable relative error (see :func:`check_grad`).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the vectors.

    Returns
    -------
    check : DerivativeCheck
        Relative errors per probe and whether they are all within ``tol``.

    Raises
    ------
    TypeError
        If ``objective`` has no ``grad``/``hvp`` methods.
    ValueError
        If ``theta`` has the wrong shape or non-finite entries, or ``tol`` is not positive.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: t[0] ** 3 + t[0] * t[1], dim=2,
    ...                      hvp=lambda t, v: [6 * t[0] * v[0] + v[1], v[0]])
    >>> ls.check_hvp(f, [1.0, 1.0]).ok
    True
    """
    _require_objective(objective)
    theta = as_vector(theta, "theta", objective.dim)
    tol = check_positive(tol, "tol")
    gen = as_rng(rng)
    errors = []
    for _ in range(num_probes):
        v = gen.standard_normal(theta.size)
        hv = np.asarray(objective.hvp(theta, v), dtype=float)
        fd = _fd_hvp(objective.grad, theta, v, exact_grad=True)
        denom = max(np.linalg.norm(hv), np.linalg.norm(fd), 1e-8)
        errors.append(float(np.linalg.norm(hv - fd) / denom))
    errors = np.array(errors)
    worst = float(errors.max())
    return DerivativeCheck(worst, errors, tol, worst <= tol)


def _require_objective(objective: object) -> None:
    for method in ("value", "grad", "hvp"):
        if not callable(getattr(objective, method, None)):
            raise TypeError(
                f"`objective` must provide value/grad/hvp methods (an Objective), "
                f"got {type(objective).__name__} without `{method}`."
            )
