r"""The extreme Hessian eigenvalues along a trajectory.

On a plateau the smallest Hessian eigenvalue is negative and the gradient norm grows at
the rate :math:`\ln(1 + \eta|\lambda_{\min}|)`; after a drop the largest eigenvalue
jumps. :func:`track_curvature` measures both ends of the spectrum at a sequence of
points with Lanczos on Hessian-vector products, each run warm-started from the
eigenvector found at the previous point, so it costs a handful of products per point
and works for networks of any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import as_batch, check_positive, check_positive_int
from landscape.spectrum import top_eigenpairs
from landscape.training import _require_objective

__all__ = ["CurvatureTrack", "track_curvature"]


@dataclass(frozen=True, repr=False)
class CurvatureTrack:
    """Extreme Hessian eigenvalues along a sequence of points (:func:`track_curvature`).

    Attributes
    ----------
    lambda_min, lambda_max : numpy.ndarray, shape (k,)
        Smallest and largest eigenvalue at each point.
    min_converged, max_converged : numpy.ndarray of bool, shape (k,)
        Whether each Lanczos run met its tolerance (an unconverged smallest Ritz value
        is still an upper bound on :math:`\\lambda_{\\min}`).
    num_matvecs : int
        Hessian-vector products used in total.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.QuarticSaddle([-1.0, 0.5, 2.0])
    >>> track = ls.track_curvature(f, np.zeros((2, 3)))
    >>> track
    CurvatureTrack(points=2, lambda_min=[-1, -1], lambda_max=[2, 2], num_matvecs=...)
    """

    lambda_min: np.ndarray
    lambda_max: np.ndarray
    min_converged: np.ndarray
    max_converged: np.ndarray
    num_matvecs: int

    def __repr__(self) -> str:
        def short(values: np.ndarray) -> str:
            shown = ", ".join(f"{v:.4g}" for v in values[:4])
            return "[" + shown + (", ..." if values.size > 4 else "") + "]"

        return (
            f"CurvatureTrack(points={self.lambda_min.size}, "
            f"lambda_min={short(self.lambda_min)}, lambda_max={short(self.lambda_max)}, "
            f"num_matvecs={self.num_matvecs})"
        )


def track_curvature(
    objective: Any,
    thetas: Any,
    *,
    tol: float = 1e-6,
    max_matvecs: int = 300,
    rng: int | np.random.Generator = 0,
) -> CurvatureTrack:
    r"""The smallest and largest Hessian eigenvalue at each point of a trajectory.

    Parameters
    ----------
    objective : Objective
        Needs ``hvp`` (and ``dim``); works for networks of any size.
    thetas : array_like, shape (k, d)
        The points, in order (e.g. ``trajectory.params[::10]``).
    tol : float, optional
        Residual tolerance of each Lanczos run (see :func:`~landscape.top_eigenpairs`).
    max_matvecs : int, optional
        Cap on Hessian-vector products per eigenvalue and point.
    rng : int or numpy.random.Generator, optional
        Seed for the first start vectors.

    Returns
    -------
    track : CurvatureTrack
        ``lambda_min``, ``lambda_max``, convergence flags and the total product count.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``hvp``/``dim`` or an argument has the wrong type.
    ValueError
        If ``thetas`` is not ``(k, d)`` and finite, ``d < 2``, ``tol`` is not positive
        or ``max_matvecs < 1``.

    Notes
    -----
    Each run of :func:`~landscape.top_eigenpairs` (``which="smallest"`` and
    ``"largest"``) starts from the eigenvector found at the previous point. Along a
    training run the Hessian changes little between checkpoints, so the start vector is
    already nearly converged and each run costs a handful of products instead of tens.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.QuarticSaddle([-1.0, 0.5, 2.0])
    >>> path = np.array([[0.0, 0.0, 0.0], [0.5, 0.0, 0.0], [1.0, 0.0, 0.0]])
    >>> track = ls.track_curvature(f, path)
    >>> track.lambda_min.round(6), track.lambda_max.round(6)
    (array([-1.  , -0.25,  1.5 ]), array([2.  , 2.25, 3.  ]))
    """
    if not callable(getattr(objective, "hvp", None)):
        raise TypeError(
            f"`objective` must provide `hvp`, got {type(objective).__name__} without it."
        )
    dim = _require_objective(objective)
    if dim < 2:
        raise ValueError("`track_curvature` needs d >= 2; for d = 1 use the Hessian itself.")
    thetas = as_batch(thetas, "thetas", dim)
    tol = check_positive(tol, "tol")
    max_matvecs = check_positive_int(max_matvecs, "max_matvecs")
    k = thetas.shape[0]
    lam_min, lam_max = np.empty(k), np.empty(k)
    ok_min, ok_max = np.zeros(k, dtype=bool), np.zeros(k, dtype=bool)
    v_min = v_max = None
    total = 0
    for i, theta in enumerate(thetas):
        options = {"tol": tol, "max_matvecs": max_matvecs, "rng": rng}
        bottom = top_eigenpairs(
            objective, theta, which="smallest", v0=v_min, check_symmetry=i == 0, **options
        )
        top = top_eigenpairs(
            objective, theta, which="largest", v0=v_max, check_symmetry=False, **options
        )
        lam_min[i], ok_min[i] = bottom.eigenvalues[0], bottom.converged
        lam_max[i], ok_max[i] = top.eigenvalues[0], top.converged
        v_min, v_max = bottom.eigenvectors[:, 0], top.eigenvectors[:, 0]
        total += bottom.num_matvecs + top.num_matvecs
    for arr in (lam_min, lam_max, ok_min, ok_max):
        arr.setflags(write=False)
    return CurvatureTrack(lam_min, lam_max, ok_min, ok_max, int(total))
