"""Operators for the Hessian: a counting ``LinearOperator`` and input coercion.

:class:`~landscape.HessianOperator` wraps ``objective.hvp`` at a fixed ``theta`` as a
:class:`scipy.sparse.linalg.LinearOperator` that counts its products, so every solver in
``landscape.spectrum`` and ``landscape.density`` (and SciPy's ``eigsh``) can run on
it. The private helpers turn any accepted input (objective and point, operator, dense
symmetric matrix) into a counting operator and probe symmetry.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.sparse.linalg import LinearOperator, aslinearoperator

from landscape._validation import as_symmetric_matrix, as_vector
from landscape.objective import Objective, _require_objective

__all__ = ["HessianOperator"]

_SYMMETRY_RTOL = 1e-6


class HessianOperator(LinearOperator):
    """The Hessian of an objective at ``theta`` as a counting ``LinearOperator``.

    ``H @ v`` calls ``objective.hvp(theta, v)``; ``H @ V`` for a block ``V`` of shape
    ``(d, k)`` calls ``objective.hvps`` when the objective has it (one batched pass) and
    otherwise ``k`` HVPs. Every product is counted in ``num_matvecs``.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim`` and ``hvp(theta, v)``.
    theta : array_like, shape (d,)
        The point; copied, so later changes to the caller's array do not matter.

    Attributes
    ----------
    objective : Objective
    theta : numpy.ndarray, shape (d,)
        Read-only copy of the point.
    num_matvecs : int
        Hessian-vector products computed so far (a block of ``k`` counts ``k``).

    Raises
    ------
    TypeError
        If ``objective`` lacks ``value``/``grad``/``hvp``.
    ValueError
        If ``theta`` does not have shape ``(objective.dim,)`` or is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: t[0] ** 2 + 3 * t[0] * t[1], dim=2,
    ...                      hvp=lambda t, v: np.array([2 * v[0] + 3 * v[1], 3 * v[0]]))
    >>> H = ls.HessianOperator(f, [0.0, 0.0])
    >>> H @ np.array([1.0, 0.0]), H.num_matvecs
    (array([2., 3.]), 1)
    """

    def __init__(self, objective: Objective, theta: Any) -> None:
        _require_objective(objective)
        theta = as_vector(theta, "theta", objective.dim)
        theta.flags.writeable = False
        super().__init__(dtype=np.dtype(np.float64), shape=(objective.dim, objective.dim))
        self.objective = objective
        self.theta = theta
        self.num_matvecs = 0

    def _matvec(self, v: np.ndarray) -> np.ndarray:
        self.num_matvecs += 1
        return np.asarray(self.objective.hvp(self.theta, np.ravel(v)), dtype=np.float64)

    def _matmat(self, V: np.ndarray) -> np.ndarray:
        V = np.asarray(V, dtype=np.float64)
        self.num_matvecs += V.shape[1]
        if hasattr(self.objective, "hvps"):
            return np.asarray(self.objective.hvps(self.theta, V.T)).T
        return np.column_stack([self.objective.hvp(self.theta, col) for col in V.T])

    def _adjoint(self) -> HessianOperator:
        return self

    def __repr__(self) -> str:
        return f"HessianOperator(objective={self.objective!r}, num_matvecs={self.num_matvecs})"


class _CountingOperator(LinearOperator):
    """Wrap a square operator or dense matrix so that products are counted."""

    def __init__(self, op: LinearOperator) -> None:
        super().__init__(dtype=np.dtype(np.float64), shape=op.shape)
        self._op = op
        self.num_matvecs = 0

    def _matvec(self, v):
        self.num_matvecs += 1
        return np.asarray(self._op.matvec(v), dtype=np.float64)

    def _matmat(self, V):
        self.num_matvecs += V.shape[1]
        return np.asarray(self._op.matmat(V), dtype=np.float64)

    def _adjoint(self):
        return self


def _as_operator(operator: Any, theta: Any) -> LinearOperator:
    """An operator with a ``num_matvecs`` counter, from any accepted input."""
    if isinstance(operator, HessianOperator):
        if theta is not None:
            raise ValueError("`theta` must be omitted when a HessianOperator is given.")
        return operator
    if isinstance(operator, Objective) or (
        hasattr(operator, "hvp") and hasattr(operator, "dim") and not hasattr(operator, "shape")
    ):
        if theta is None:
            raise ValueError("`theta` is required when an objective is given.")
        return HessianOperator(operator, theta)
    if theta is not None:
        raise ValueError("`theta` must be omitted when an operator or matrix is given.")
    if isinstance(operator, LinearOperator):
        if operator.shape[0] != operator.shape[1]:
            raise ValueError(f"`operator` must be square, got shape {operator.shape}.")
        return _CountingOperator(operator)
    if isinstance(operator, np.ndarray | list | tuple):
        matrix = as_symmetric_matrix(operator, "operator", rtol=_SYMMETRY_RTOL)
        return _CountingOperator(aslinearoperator(matrix))
    raise TypeError(
        "`operator` must be an Objective (with theta), a HessianOperator, a square "
        f"LinearOperator or a symmetric matrix, got {type(operator).__name__}."
    )


def _check_symmetry(op: LinearOperator, gen: np.random.Generator) -> None:
    """Probe test: ``u.(A v)`` must equal ``v.(A u)`` relative to ``||A u|| ||v||``."""
    d = op.shape[0]
    u, v = gen.standard_normal(d), gen.standard_normal(d)
    au, av = op.matvec(u), op.matvec(v)
    for name, arr in (("A u", au), ("A v", av)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"the operator returned non-finite values for {name}.")
    left, right = float(u @ av), float(v @ au)
    scale = max(np.linalg.norm(au) * np.linalg.norm(v), np.linalg.norm(av) * np.linalg.norm(u))
    if abs(left - right) > _SYMMETRY_RTOL * max(scale, np.finfo(float).tiny):
        raise ValueError(
            "the operator must be symmetric: for random u, v, u.(Av) = "
            f"{left:.6g} but v.(Au) = {right:.6g} (relative gap "
            f"{abs(left - right) / max(scale, np.finfo(float).tiny):.2g} > {_SYMMETRY_RTOL:g})."
        )


def _normalize_signs(vectors: np.ndarray) -> np.ndarray:
    """Flip each column so that its largest-magnitude entry is positive."""
    if vectors.size == 0:
        return vectors
    idx = np.argmax(np.abs(vectors), axis=0)
    signs = np.sign(vectors[idx, np.arange(vectors.shape[1])])
    signs[signs == 0] = 1.0
    return vectors * signs


def _round_list(values: np.ndarray, digits: int = 6) -> str:
    return "[" + ", ".join(f"{float(x):.{digits}g}" for x in values) + "]"
