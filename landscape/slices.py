r"""Looking at a landscape: directions and 1-D/2-D slices of the loss.

A slice evaluates the loss on a line or a plane through a point ``center``,

.. math:: \ell(\alpha) = L(\theta_c + \alpha d_1), \qquad
          \ell(\alpha, \beta) = L(\theta_c + \alpha d_1 + \beta d_2),

on a grid of coordinates, with every grid point evaluated through the objective's batched
``values`` in chunks of bounded memory (never a Python loop over grid points). The
directions come from :mod:`landscape.directions` (random, filter-normalized, PCA of a
trajectory, Hessian eigenvectors; re-exported here) or from the points themselves:
:func:`~landscape.slice_through_points` takes the line through two solutions or the plane
through three (origin at the first, axes by Gram-Schmidt), with the solutions'
coordinates recorded for plotting.

Results are :class:`~landscape.Slice` records. For a 2-D slice ``losses[j, i]`` is the
loss at ``(alphas[i], betas[j])``, so ``plt.contour(s.alphas, s.betas, s.losses)`` draws
it directly. Plot helpers are in :mod:`landscape.plotting`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import (
    as_batch,
    as_vector,
    check_nonnegative,
    check_positive_int,
    read_only_copy,
)
from landscape.directions import (
    _DEGENERATE_RTOL,
    Directions,
    _as_directions,
    hessian_directions,
    normalize_directions,
    pca_directions,
    random_directions,
)

# The direction constructors are re-exported: `from landscape.slices import ...` keeps
# working for every name this module has ever held.
__all__ = [
    "Directions",
    "Slice",
    "hessian_directions",
    "normalize_directions",
    "pca_directions",
    "random_directions",
    "slice_1d",
    "slice_2d",
    "slice_through_points",
]

# Floats of stacked parameter vectors one chunk of a slice may hold (32 MiB).
_CHUNK_FLOATS = 2**22


# --------------------------------------------------------------------------------------
# the record


@dataclass(frozen=True, repr=False)
class Slice:
    """The loss on a line or a plane through a point.

    Attributes
    ----------
    alphas : numpy.ndarray, shape (n_alpha,)
        Coordinates along the first direction.
    betas : numpy.ndarray, shape (n_beta,), or None
        Coordinates along the second direction (``None`` for a 1-D slice).
    losses : numpy.ndarray, shape (n_alpha,) or (n_beta, n_alpha)
        ``losses[i] = L(center + alphas[i] d_1)``, or for a 2-D slice
        ``losses[j, i] = L(center + alphas[i] d_1 + betas[j] d_2)`` (rows follow
        ``betas``, as :func:`matplotlib.pyplot.contour` expects).
    center : numpy.ndarray, shape (d,)
        The point at coordinates zero (read-only copy).
    directions : Directions
        The directions ``d_1`` (and ``d_2``) and how they were made.
    center_loss : float
        ``L(center)``.
    points : numpy.ndarray, shape (m, k), or None
        Coordinates of the points a slice was drawn through (``None`` otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> bowl = ls.surface("quadratic", condition_number=4.0)
    >>> s = ls.slice_2d(bowl, np.zeros(2), np.eye(2), num_points=5)
    >>> s
    Slice(ndim=2, grid=(5, 5), kind='custom', normalization='none', loss=[0, 0.625])
    >>> s.losses.shape, float(s.center_loss)
    ((5, 5), 0.0)
    """

    alphas: np.ndarray
    betas: np.ndarray | None
    losses: np.ndarray
    center: np.ndarray
    directions: Directions
    center_loss: float
    points: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in ("alphas", "betas", "losses", "center", "points"):
            arr = getattr(self, name)
            if arr is not None:
                object.__setattr__(self, name, read_only_copy(arr, float))

    @property
    def ndim(self) -> int:
        """1 for a line, 2 for a plane."""
        return 1 if self.betas is None else 2

    @property
    def label(self) -> str:
        """The directions' label, for a figure title."""
        return self.directions.label

    def project(self, points: Any) -> np.ndarray:
        """Coordinates of parameter vectors in this slice's line or plane.

        Parameters
        ----------
        points : array_like, shape (m, d) or (d,)
            Parameter vectors, e.g. the ``params`` of a :class:`~landscape.Trajectory`.

        Returns
        -------
        coordinates : numpy.ndarray, shape (m, ndim)
            Least-squares coordinates relative to ``center`` (see
            :meth:`landscape.Directions.project`).

        Raises
        ------
        TypeError
            If ``points`` is not numeric.
        ValueError
            If ``points`` does not have ``d`` columns or holds NaN/inf.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> bowl = ls.surface("quadratic", condition_number=4.0)
        >>> s = ls.slice_2d(bowl, np.zeros(2), np.eye(2), num_points=3)
        >>> s.project([[0.5, -0.25]])
        array([[ 0.5 , -0.25]])
        """
        return self.directions.project(points, self.center)

    def __repr__(self) -> str:
        grid = self.losses.shape[::-1]
        finite = self.losses[np.isfinite(self.losses)]
        span = f"[{finite.min():.4g}, {finite.max():.4g}]" if finite.size else "[]"
        return (
            f"Slice(ndim={self.ndim}, grid={grid}, kind={self.directions.kind!r}, "
            f"normalization={self.directions.normalization!r}, loss={span})"
        )


# --------------------------------------------------------------------------------------
# helpers


def _require_values(objective: Any) -> int:
    if not callable(getattr(objective, "values", None)):
        raise TypeError(
            "`objective` must provide a batched `values(thetas)` method (an Objective), got "
            f"{type(objective).__name__}."
        )
    dim = getattr(objective, "dim", None)
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 1:
        raise TypeError(f"`objective` must have a positive integer `dim`, got {dim!r}.")
    return int(dim)


def _check_chunk(chunk_size: Any, dim: int) -> int:
    if chunk_size is None:
        return max(1, _CHUNK_FLOATS // dim)
    return check_positive_int(chunk_size, "chunk_size")


def _evaluate(
    objective: Any, center: np.ndarray, vectors: np.ndarray, coords: np.ndarray, chunk: int
) -> np.ndarray:
    """``L(center + coords @ vectors)`` for every row of ``coords``, chunk by chunk.

    An objective with ``affine_values`` (every :class:`~landscape.Objective`; a network
    evaluates the plane without forming each point's parameters) gets the coordinates;
    anything else with a batched ``values`` gets the points.
    """
    out = np.empty(coords.shape[0])
    affine = getattr(objective, "affine_values", None)
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, coords.shape[0], chunk):
            block = coords[start : start + chunk]
            if callable(affine):
                losses = affine(center, vectors, block)
            else:
                losses = objective.values(center + block @ vectors)
            out[start : start + chunk] = np.asarray(losses, dtype=float)
    return out


def _axis(bounds: Any, num: int, name: str) -> np.ndarray:
    try:
        low, high = bounds
    except (TypeError, ValueError):
        raise ValueError(f"`{name}` must be a pair (low, high), got {bounds!r}.") from None
    for value in (low, high):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"`{name}` must hold real numbers, got {bounds!r}.")
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"`{name}` must be finite with low < high, got ({low:g}, {high:g}).")
    return np.linspace(low, high, num)


def _pair_of(value: Any) -> bool:
    return (
        isinstance(value, Sequence | np.ndarray)
        and len(value) == 2
        and all(isinstance(v, Sequence | np.ndarray) for v in value)
    )


def _grid_sizes(num_points: Any) -> tuple[int, int]:
    if isinstance(num_points, Sequence) and not isinstance(num_points, str):
        if len(num_points) != 2:
            raise ValueError(f"`num_points` must be an int or a pair, got {num_points!r}.")
        return tuple(check_positive_int(n, "num_points", minimum=2) for n in num_points)
    n = check_positive_int(num_points, "num_points", minimum=2)
    return n, n


# --------------------------------------------------------------------------------------
# slices


def slice_1d(
    objective: Any,
    center: Any,
    direction: Any,
    *,
    bounds: tuple[float, float] = (-1.0, 1.0),
    num_points: int = 51,
    chunk_size: int | None = None,
) -> Slice:
    r"""The loss along a line: :math:`\alpha \mapsto L(\theta_c + \alpha d)`.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim`` and a batched ``values(thetas)``.
    center : array_like, shape (d,)
        The point at :math:`\alpha = 0` (not modified).
    direction : Directions or array_like, shape (d,) or (1, d)
        The direction :math:`d`; a :class:`~landscape.Directions` with several rows uses
        the first.
    bounds : (float, float), optional
        Range of :math:`\alpha`.
    num_points : int, optional
        Grid points, ``>= 2``.
    chunk_size : int, optional
        Grid points per batched evaluation; default so that one chunk of stacked
        parameter vectors takes about 32 MiB.

    Returns
    -------
    slice : Slice
        With ``betas=None`` and ``losses`` of shape ``(num_points,)``.

    Raises
    ------
    TypeError
        If ``objective`` has no batched ``values``/``dim`` or an argument has the wrong
        type.
    ValueError
        If ``center`` or ``direction`` does not have ``d`` entries or is not finite,
        ``bounds`` is not an increasing finite pair, or ``num_points < 2``.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("running_example")
    >>> s = ls.slice_1d(f, [0.0, 0.0], [1.0, 1.0], bounds=(-1.0, 1.0), num_points=5)
    >>> s.alphas, s.losses  # f(a, a) = 2 a^4 - 4 a^2 + 1
    (array([-1. , -0.5,  0. ,  0.5,  1. ]), array([-1.   ,  0.125,  1.   ,  0.125, -1.   ]))
    """
    dim = _require_values(objective)
    center = as_vector(center, "center", dim)
    dirs = _as_directions(direction, dim, "direction")
    if dirs.num_directions > 1 and not isinstance(direction, Directions):
        raise ValueError(
            f"`direction` must have shape (d,) or (1, d), got shape {dirs.vectors.shape}; "
            "use slice_2d for two directions."
        )
    if dirs.num_directions > 1:
        dirs = Directions(
            dirs.vectors[:1].copy(),
            dirs.kind,
            dirs.normalization,
            dirs.seed,
            None if dirs.values is None else dirs.values[:1].copy(),
        )
    num = check_positive_int(num_points, "num_points", minimum=2)
    alphas = _axis(bounds, num, "bounds")
    chunk = _check_chunk(chunk_size, dim)
    losses = _evaluate(objective, center, dirs.vectors, alphas[:, None], chunk)
    center_loss = float(_evaluate(objective, center, dirs.vectors, np.zeros((1, 1)), 1)[0])
    return Slice(alphas, None, losses, center, dirs, center_loss)


def slice_2d(
    objective: Any,
    center: Any,
    directions: Any,
    *,
    bounds: Any = (-1.0, 1.0),
    num_points: int | tuple[int, int] = 51,
    chunk_size: int | None = None,
) -> Slice:
    r"""The loss on a plane: :math:`(\alpha, \beta) \mapsto L(\theta_c + \alpha d_1 + \beta d_2)`.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim`` and a batched ``values(thetas)``.
    center : array_like, shape (d,)
        The point at the origin of the plane (not modified).
    directions : Directions or array_like, shape (2, d)
        The two directions (not necessarily orthogonal).
    bounds : (low, high) or ((alpha_low, alpha_high), (beta_low, beta_high)), optional
        Coordinate ranges; one pair is used for both axes.
    num_points : int or (int, int), optional
        Grid points per axis (``>= 2``); a pair gives ``(n_alpha, n_beta)``.
    chunk_size : int, optional
        Grid points per batched evaluation (default: about 32 MiB of stacked vectors).

    Returns
    -------
    slice : Slice
        ``losses`` of shape ``(n_beta, n_alpha)``: ``losses[j, i]`` is at
        ``(alphas[i], betas[j])``.

    Raises
    ------
    TypeError
        If ``objective`` has no batched ``values``/``dim`` or an argument has the wrong
        type.
    ValueError
        If ``directions`` does not have shape ``(2, d)``, ``center`` has the wrong length,
        an entry is not finite, ``bounds`` is malformed, or ``num_points < 2``.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("saddle")  # x^2 - y^2
    >>> s = ls.slice_2d(f, np.zeros(2), np.eye(2), bounds=((-1, 1), (0, 2)), num_points=3)
    >>> s.alphas, s.betas
    (array([-1.,  0.,  1.]), array([0., 1., 2.]))
    >>> s.losses
    array([[ 1.,  0.,  1.],
           [ 0., -1.,  0.],
           [-3., -4., -3.]])
    """
    dim = _require_values(objective)
    center = as_vector(center, "center", dim)
    dirs = _as_directions(directions, dim)
    if dirs.num_directions != 2:
        raise ValueError(
            f"`directions` must hold exactly 2 directions, shape (2, {dim}), got shape "
            f"{dirs.vectors.shape}."
        )
    n_alpha, n_beta = _grid_sizes(num_points)
    if _pair_of(bounds):
        alphas = _axis(bounds[0], n_alpha, "bounds[0]")
        betas = _axis(bounds[1], n_beta, "bounds[1]")
    else:
        alphas = _axis(bounds, n_alpha, "bounds")
        betas = _axis(bounds, n_beta, "bounds")
    chunk = _check_chunk(chunk_size, dim)
    aa, bb = np.meshgrid(alphas, betas)
    coords = np.column_stack([aa.ravel(), bb.ravel()])
    losses = _evaluate(objective, center, dirs.vectors, coords, chunk).reshape(n_beta, n_alpha)
    center_loss = float(_evaluate(objective, center, dirs.vectors, np.zeros((1, 2)), 1)[0])
    return Slice(alphas, betas, losses, center, dirs, center_loss)


def slice_through_points(
    objective: Any,
    points: Any,
    *,
    margin: float = 0.25,
    num_points: int | tuple[int, int] = 51,
    chunk_size: int | None = None,
) -> Slice:
    r"""The loss on the line through two points or the plane through three.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim`` and a batched ``values(thetas)``.
    points : array_like, shape (2, d) or (3, d)
        The solutions :math:`\theta_0, \theta_1 (, \theta_2)`, one per row (not modified).
    margin : float, optional
        Extra room around the points, as a fraction of their extent (``>= 0``).
    num_points : int or (int, int), optional
        Grid points per axis, ``>= 2``.
    chunk_size : int, optional
        Grid points per batched evaluation (default: about 32 MiB of stacked vectors).

    Returns
    -------
    slice : Slice
        Two points: a 1-D slice along :math:`d = \theta_1 - \theta_0` from
        :math:`\theta_0`, so :math:`\alpha = 0` and :math:`1` are the two points
        (linear interpolation) and ``points`` is ``[[0], [1]]``. Three points: a 2-D slice
        with origin :math:`\theta_0` and orthonormal axes from Gram-Schmidt, in units of
        parameter-space distance; ``points`` holds the three points' coordinates.

    Raises
    ------
    TypeError
        If ``objective`` has no batched ``values``/``dim`` or ``points`` is not numeric.
    ValueError
        If ``points`` does not have shape ``(2, d)`` or ``(3, d)``, two points coincide,
        three points are collinear (no plane), ``margin < 0`` or ``num_points < 2``.

    Notes
    -----
    With :math:`a = \theta_1 - \theta_0` and :math:`b = \theta_2 - \theta_0`,

    .. math::
        u = \frac{a}{\|a\|}, \qquad
        v = \frac{b - (u^\top b)\,u}{\|b - (u^\top b)\,u\|},

    and the points sit at :math:`(0, 0)`, :math:`(\|a\|, 0)` and
    :math:`(u^\top b, \|b - (u^\top b) u\|)`. The points are declared collinear when
    :math:`\|b - (u^\top b)u\| \le 10^{-10} \max(\|a\|, \|b\|)`. Each axis spans the
    points' range widened on both sides by ``margin`` times the larger of the two
    ranges, so the plot can be drawn with equal aspect.

    References
    ----------
    Garipov, T., Izmailov, P., Podoprikhin, D., Vetrov, D., Wilson, A. G. (2018). Loss
    surfaces, mode connectivity, and fast ensembling of DNNs. NeurIPS. arXiv:1802.10026.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("running_example")
    >>> s = ls.slice_through_points(f, [[-1.0, -1.0], [1.0, 1.0]], margin=0.0, num_points=3)
    >>> s.alphas, s.losses, s.points
    (array([0. , 0.5, 1. ]), array([-1.,  1., -1.]), array([[0.],
           [1.]]))
    >>> plane = ls.slice_through_points(
    ...     ls.surface("quadratic", dim=3), np.eye(3), num_points=5)
    >>> plane.points.round(4)
    array([[0.    , 0.    ],
           [1.4142, 0.    ],
           [0.7071, 1.2247]])
    """
    dim = _require_values(objective)
    pts = as_batch(points, "points", dim)
    if pts.shape[0] not in (2, 3):
        raise ValueError(
            f"`points` must hold 2 or 3 points, shape (2, {dim}) or (3, {dim}), got shape "
            f"{pts.shape}."
        )
    margin = check_nonnegative(margin, "margin")
    chunk = _check_chunk(chunk_size, dim)
    n_alpha, n_beta = _grid_sizes(num_points)
    origin = pts[0].copy()
    a = pts[1] - origin
    norm_a = float(np.linalg.norm(a))
    scale = max(norm_a, float(np.max(np.linalg.norm(pts - origin, axis=1))))
    if norm_a <= _DEGENERATE_RTOL * max(scale, float(np.linalg.norm(origin)), 1e-300):
        raise ValueError("`points` must be distinct: points[0] and points[1] coincide.")
    if pts.shape[0] == 2:
        dirs = Directions(a[None, :], "points", "none")
        alphas = np.linspace(-margin, 1.0 + margin, n_alpha)
        losses = _evaluate(objective, origin, dirs.vectors, alphas[:, None], chunk)
        center_loss = float(_evaluate(objective, origin, dirs.vectors, np.zeros((1, 1)), 1)[0])
        return Slice(alphas, None, losses, origin, dirs, center_loss, np.array([[0.0], [1.0]]))
    u = a / norm_a
    b = pts[2] - origin
    along = float(u @ b)
    resid = b - along * u
    height = float(np.linalg.norm(resid))
    if height <= _DEGENERATE_RTOL * scale:
        raise ValueError(
            "`points` are collinear (the third lies on the line through the first two), so "
            "they span no plane; use two points for a line."
        )
    v = resid / height
    coords = np.array([[0.0, 0.0], [norm_a, 0.0], [along, height]])
    low, high = coords.min(axis=0), coords.max(axis=0)
    pad = margin * float(np.max(high - low))
    alphas = np.linspace(low[0] - pad, high[0] + pad, n_alpha)
    betas = np.linspace(low[1] - pad, high[1] + pad, n_beta)
    dirs = Directions(np.stack([u, v]), "points", "orthonormal")
    aa, bb = np.meshgrid(alphas, betas)
    grid = np.column_stack([aa.ravel(), bb.ravel()])
    losses = _evaluate(objective, origin, dirs.vectors, grid, chunk).reshape(n_beta, n_alpha)
    center_loss = float(_evaluate(objective, origin, dirs.vectors, np.zeros((1, 2)), 1)[0])
    return Slice(alphas, betas, losses, origin, dirs, center_loss, coords)
