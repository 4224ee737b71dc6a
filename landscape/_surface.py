"""The base class of the closed-form surfaces and the record of a known critical point.

Concrete surfaces live in :mod:`landscape.surfaces` (the book's examples and the
registry) and :mod:`landscape.benchmarks` (classic optimization test functions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscape._validation import as_batch, as_points, as_vector, check_choice, read_only_copy
from landscape.objective import Objective

__all__ = ["KnownCriticalPoint", "Surface"]

_KINDS = ("minimum", "maximum", "saddle", "degenerate")


@dataclass(frozen=True, eq=False)
class KnownCriticalPoint:
    """A critical point of a surface, stored as data.

    Attributes
    ----------
    point : numpy.ndarray, shape (d,)
        Location (read-only).
    value : float
        The surface's value there.
    kind : str
        The second-order classification: ``"minimum"``, ``"maximum"``, ``"saddle"`` or
        ``"degenerate"`` (the Hessian test cannot decide); what
        :func:`landscape.classify` returns for the exact Hessian at ``point``.
    exact : bool
        True when ``point`` is a closed form evaluated in float64; False when it was
        located numerically (Newton's method polished to a gradient norm below 1e-13).

    Examples
    --------
    >>> import landscape as ls
    >>> ls.surface("running_example").critical_points[1]
    KnownCriticalPoint(point=[0, 0], value=1, kind='saddle', exact=True)
    """

    point: np.ndarray
    value: float
    kind: str
    exact: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "point", read_only_copy(self.point, float))
        object.__setattr__(self, "value", float(self.value))
        check_choice(self.kind, "kind", _KINDS)

    def __repr__(self) -> str:
        coords = ", ".join(f"{c:.6g}" for c in self.point)
        return (
            f"KnownCriticalPoint(point=[{coords}], value={self.value:.6g}, "
            f"kind={self.kind!r}, exact={self.exact})"
        )


class Surface(Objective):
    """Base class for closed-form surfaces, vectorized over points of shape ``(..., d)``.

    Subclasses implement ``_value``, ``_grad`` and ``_hess`` on validated float arrays
    of shape ``(..., d)`` (and ``_hvp`` when a structured product beats the dense
    Hessian); this class validates inputs and exposes the public methods.

    Attributes
    ----------
    dim : int
        Number of coordinates ``d``.
    name : str
        Registry name (see :func:`surface_names`).
    critical_points : tuple of KnownCriticalPoint
        Known critical points; empty where none are known.
    critical_points_complete : bool
        True when ``critical_points`` is provably every critical point.
    domain : tuple of (float, float)
        A box ``((low_1, high_1), ..., (low_d, high_d))`` that shows the interesting
        features; used for plots and starting points.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("running_example")
    >>> f.value([1.0, 1.0])
    -1.0
    >>> xx, yy = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-2, 2, 4))
    >>> f.value(np.stack([xx, yy], axis=-1)).shape
    (4, 5)
    """

    critical_points: tuple[KnownCriticalPoint, ...] = ()
    critical_points_complete: bool = False
    domain: tuple[tuple[float, float], ...] = ()

    # -- to implement -------------------------------------------------------------------
    def _value(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _grad(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _hess(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _hvp(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        return self._hess(x) @ v

    # -- public interface ---------------------------------------------------------------
    def value(self, theta: np.ndarray) -> float | np.ndarray:
        """Return the surface at ``theta``.

        Parameters
        ----------
        theta : array_like, shape (..., d)
            One point (shape ``(d,)``) or any array of points.

        Returns
        -------
        value : float or numpy.ndarray, shape (...)
            A float for a single point, otherwise an array over the leading axes.

        Raises
        ------
        TypeError
            If ``theta`` is not a real numeric array.
        ValueError
            If the last axis of ``theta`` is not ``d`` long or an entry is not finite.
        """
        x = as_points(theta, "theta", self.dim)
        out = self._value(x)
        return float(out) if x.ndim == 1 else out

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """Return the exact gradient at ``theta``, shape ``(..., d)``.

        Accepts the same input as :meth:`value` and raises the same errors.
        """
        return self._grad(as_points(theta, "theta", self.dim))

    def hess(self, theta: np.ndarray) -> np.ndarray:
        """Return the exact Hessian at each point of ``theta``, shape ``(..., d, d)``.

        Accepts the same input as :meth:`value` and raises the same errors.
        """
        return self._hess(as_points(theta, "theta", self.dim))

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """Return the exact Hessian at one point ``theta`` (shape ``(d,)``): ``(d, d)``."""
        return self._hess(as_vector(theta, "theta", self.dim))

    def hvp(self, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Return the exact Hessian-vector product ``H(theta) @ v``, shape ``(d,)``."""
        theta = as_vector(theta, "theta", self.dim)
        return self._hvp(theta, as_vector(v, "v", self.dim))

    def values(self, thetas: np.ndarray) -> np.ndarray:
        """Return the surface at each row of ``thetas`` (shape ``(n, d)``): ``(n,)``."""
        return self._value(as_batch(thetas, "thetas", self.dim))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dim={self.dim})"


def _hessian_2d(hxx, hxy, hyy) -> np.ndarray:
    hxx, hxy, hyy = np.broadcast_arrays(hxx, hxy, hyy)
    hess = np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)
    return hess + 0.0  # turns IEEE -0.0 into 0.0, so printed Hessians read cleanly
