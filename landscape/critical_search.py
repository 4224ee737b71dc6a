"""Find the critical points of a small landscape from many starting points.

:func:`find_critical_points` runs a root-finder for :math:`\\nabla f = 0` from every
start (damped Newton, or minimization of :math:`\\tfrac12\\|\\nabla f\\|^2`); both are
attracted to saddles and maxima as much as to minima, which is what makes them useful
for mapping a landscape. End points are deduplicated and classified with the Hessian test
of :mod:`landscape.critical`. :func:`grid_starts` and :func:`random_starts` make the
starting points.

Everything here needs dense Hessians, so it is meant for small ``d`` (surfaces, tiny
networks); for large models use Hessian-vector products and Lanczos instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize

from landscape._validation import (
    as_batch,
    as_rng,
    as_symmetric_matrix,
    check_choice,
    check_fraction,
    check_nonnegative,
    check_positive,
    check_positive_int,
)
from landscape.critical import Classification, _classify_eigenvalues, _fmt
from landscape.objective import Objective

__all__ = [
    "CriticalPoint",
    "CriticalPointSearch",
    "find_critical_points",
    "grid_starts",
    "random_starts",
]

_METHODS = ("newton", "gradient_norm")


@dataclass(frozen=True, eq=False)
class CriticalPoint:
    """A critical point located numerically, with its classification.

    Attributes
    ----------
    point : numpy.ndarray, shape (d,)
        Location (read-only): the run that reached it with the smallest gradient norm.
    value : float
        Objective value at ``point``.
    grad_norm : float
        :math:`\\|\\nabla f\\|` at ``point``.
    classification : Classification
        The Hessian test at ``point``.
    converged : bool
        Whether the run met the gradient tolerance.
    num_hits : int
        How many starts ended here.

    See Also
    --------
    find_critical_points : Produces these records.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.surface("saddle")
    >>> p = ls.find_critical_points(f, [[0.3, -0.2]])[0]
    >>> p.kind, p.index, p.num_hits, p.converged
    ('saddle', 1, 1, True)
    """

    point: np.ndarray
    value: float
    grad_norm: float
    classification: Classification
    converged: bool
    num_hits: int

    @property
    def kind(self) -> str:
        """The classification's kind."""
        return self.classification.kind

    @property
    def index(self) -> int:
        """Number of negative Hessian eigenvalues."""
        return self.classification.index

    @property
    def eigenvalues(self) -> np.ndarray:
        """Hessian eigenvalues, ascending."""
        return self.classification.eigenvalues

    def __repr__(self) -> str:
        return (
            f"CriticalPoint(point={_fmt(self.point)}, value={self.value:.6g}, "
            f"kind={self.kind!r}, index={self.index}, grad_norm={self.grad_norm:.1e}, "
            f"num_hits={self.num_hits}, converged={self.converged})"
        )


@dataclass(frozen=True, eq=False)
class CriticalPointSearch:
    """The result of :func:`find_critical_points`; iterates over the converged points.

    Attributes
    ----------
    points : tuple of CriticalPoint
        Distinct converged critical points, sorted by value (then coordinates).
    unconverged : tuple of CriticalPoint
        Distinct end points of runs that missed the gradient tolerance (for the
        ``"gradient_norm"`` method, often local minima of :math:`\\|\\nabla f\\|^2` that
        are not critical points).
    num_starts : int
        Number of starting points.
    method : str
        The method used.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.surface("double_well")
    >>> search = ls.find_critical_points(f, ls.grid_starts(f.domain, 9))
    >>> search
    CriticalPointSearch(method='newton', num_starts=9, found=3 (maximum=1, minimum=2),
                        unconverged=0)
    >>> [p.kind for p in search]
    ['minimum', 'minimum', 'maximum']
    """

    points: tuple[CriticalPoint, ...]
    unconverged: tuple[CriticalPoint, ...]
    num_starts: int
    method: str

    def __len__(self) -> int:
        return len(self.points)

    def __iter__(self):
        return iter(self.points)

    def __getitem__(self, i: int) -> CriticalPoint:
        return self.points[i]

    def __repr__(self) -> str:
        kinds = {}
        for p in self.points:
            kinds[p.kind] = kinds.get(p.kind, 0) + 1
        summary = ", ".join(f"{k}={v}" for k, v in sorted(kinds.items()))
        return (
            f"CriticalPointSearch(method={self.method!r}, num_starts={self.num_starts}, "
            f"found={len(self.points)} ({summary}), unconverged={len(self.unconverged)})"
        )


class _Run(NamedTuple):
    point: np.ndarray
    grad_norm: float
    converged: bool
    hessian: np.ndarray
    start_curvature: float  # max |eigenvalue| of the Hessian at the start


def _curvature(hessian: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvalsh(0.5 * (hessian + hessian.T)))))


_NONMONOTONE_MEMORY = 10


def _newton_run(objective, x0, gthresh, xtol, max_iter) -> _Run:
    # Levenberg-Marquardt on the residual g(x) = grad f(x), whose Jacobian is H (symmetric):
    # step = -(H^2 + mu I)^{-1} H g. With mu -> 0 it is Newton's step -H^{-1} g. A step is
    # accepted if ||g|| drops below its largest value over the last few iterates (a
    # nonmonotone rule, Grippo et al. 1986: a monotone one crawls along curved valleys
    # such as Rosenbrock's); otherwise mu grows tenfold.
    x = x0
    g = np.asarray(objective.grad(x), dtype=float)
    gn = float(np.linalg.norm(g))
    history = [gn]
    h = objective.hessian(x)
    start_curvature = _curvature(h)
    damping = 1e-3
    eye = np.eye(x.size)
    for _ in range(max_iter):
        if gn == 0.0:
            break
        h2 = h @ h
        scale = max(float(np.trace(h2)) / x.size, np.finfo(float).tiny)
        reference = max(history[-_NONMONOTONE_MEMORY:])
        accepted = False
        while damping <= 1e8:
            try:
                step = np.linalg.solve(h2 + damping * scale * eye, -(h @ g))
            except np.linalg.LinAlgError:  # pragma: no cover - damping makes it SPD
                step = np.full_like(x, np.nan)
            x_new = x + step
            g_new = (
                np.asarray(objective.grad(x_new), dtype=float)
                if np.all(np.isfinite(x_new))
                else x_new
            )
            gn_new = float(np.linalg.norm(g_new))
            if np.isfinite(gn_new) and gn_new < reference:
                accepted = True
                damping = max(damping / 10, 1e-12)
                break
            damping *= 10
        if not accepted:
            break
        x, g, gn = x_new, g_new, gn_new
        history.append(gn)
        h = objective.hessian(x)
        if gn <= gthresh and np.linalg.norm(step) <= xtol * max(1.0, np.linalg.norm(x)):
            break
    return _Run(x, gn, gn <= gthresh, h, start_curvature)


def _gradient_norm_run(objective, x0, gthresh, xtol, max_iter) -> _Run:
    # Minimize q(x) = ||g(x)||^2 / 2, whose gradient is H g: one HVP per evaluation.
    def fun(x):
        g = np.asarray(objective.grad(x), dtype=float)
        return 0.5 * float(g @ g), np.asarray(objective.hvp(x, g), dtype=float)

    result = minimize(
        fun, x0, jac=True, method="BFGS", options={"gtol": gthresh**2, "maxiter": max_iter}
    )
    x = np.array(result.x)
    gn = float(np.linalg.norm(objective.grad(x)))
    h = objective.hessian(x)
    converged = bool(np.isfinite(gn) and gn <= gthresh)
    return _Run(x, gn, converged, h, _curvature(objective.hessian(x0)))


_RUNNERS = {"newton": _newton_run, "gradient_norm": _gradient_norm_run}


def find_critical_points(
    objective: Objective,
    starts: np.ndarray,
    *,
    method: str = "newton",
    gtol: float = 1e-10,
    xtol: float = 1e-10,
    max_iter: int | None = None,
    dedup_tol: float = 1e-6,
    rtol: float = 1e-6,
    atol: float = 1e-12,
) -> CriticalPointSearch:
    """Find critical points of ``objective`` from many starts and classify them.

    Parameters
    ----------
    objective : Objective
        Needs ``value``, ``grad``, ``hessian`` (and ``hvp`` for ``"gradient_norm"``).
    starts : array_like, shape (n, d)
        Starting points; see :func:`grid_starts` and :func:`random_starts`.
    method : {"newton", "gradient_norm"}, optional
        ``"newton"``: damped Newton on :math:`\\nabla f = 0` (Levenberg-Marquardt with
        a nonmonotone acceptance test on :math:`\\|\\nabla f\\|`); quadratic
        convergence at nondegenerate points. ``"gradient_norm"``: BFGS on
        :math:`\\tfrac12\\|\\nabla f\\|^2` with gradient :math:`H \\nabla f` from HVPs.
    gtol : float, optional
        A run converged if :math:`\\|\\nabla f\\| \\le` ``gtol`` :math:`\\cdot \\max(1,
        \\|\\nabla f(\\theta_0)\\|)`: relative to the starting gradient when that is large.
    xtol : float, optional
        Newton also stops once a step is shorter than ``xtol`` :math:`\\cdot \\max(1,
        \\|\\theta\\|)` (and the gradient test holds); this lets it run on where
        convergence is only linear (degenerate points).
    max_iter : int, optional
        Iteration cap per start (default 100 for Newton, 500 for gradient_norm).
    dedup_tol : float, optional
        Two end points are the same critical point when their distance is at most
        ``dedup_tol`` :math:`\\cdot \\max(1, \\|\\theta\\|)`.
    rtol, atol : float, optional
        Zero tolerance of :func:`classify`, with one change: ``rtol`` is relative to the
        curvature scale of the whole search, the largest ``|eigenvalue|`` of the
        Hessians at all starts and all found points, not to the found point's own
        spectrum. A degenerate point is only ever approached, so its Hessian is small
        but not zero; measured against itself it would look like a strict saddle or
        extremum, measured against the landscape it is (correctly) zero.

    Returns
    -------
    search : CriticalPointSearch
        ``points`` (converged, deduplicated, sorted by value), ``unconverged``,
        ``num_starts`` and ``method``; iterating over it yields the points.

    Raises
    ------
    TypeError
        If ``objective`` lacks the needed methods, or a parameter has the wrong type.
    ValueError
        If ``method`` is unknown (the message lists the options), ``starts`` has the
        wrong shape or non-finite entries, or a tolerance is out of range.

    Notes
    -----
    Newton's iteration solves :math:`(H^2 + \\mu I)\\,s = -H g` (Levenberg-Marquardt for
    the residual :math:`g = \\nabla f` with Jacobian :math:`H`), which is the Newton step
    :math:`s = -H^{-1} g` as :math:`\\mu \\to 0`. Near any nondegenerate critical point,
    minimum or not, it converges quadratically; that is why it maps saddles. Minimizing
    :math:`\\tfrac12\\|g\\|^2` also finds saddles but can stop at points where
    :math:`H g = 0` with :math:`g \\ne 0`; those are reported as ``unconverged``.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer (2006),
    chapters 10-11.
    Y. N. Dauphin et al., "Identifying and attacking the saddle point problem in
    high-dimensional non-convex optimization", NeurIPS (2014), arXiv:1406.2572.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.surface("running_example")
    >>> search = ls.find_critical_points(f, ls.grid_starts(f.domain, 5))
    >>> [(p.point.round(6).tolist(), p.kind) for p in search]
    [([-1.0, -1.0], 'minimum'), ([1.0, 1.0], 'minimum'), ([0.0, 0.0], 'saddle')]
    """
    if not isinstance(objective, Objective):
        for attr in ("value", "grad", "hessian", "hvp"):
            if not callable(getattr(objective, attr, None)):
                raise TypeError(
                    "`objective` must be an Objective (value/grad/hvp/hessian), got "
                    f"{type(objective).__name__} without `{attr}`."
                )
    method = check_choice(method, "method", _METHODS)
    starts = as_batch(starts, "starts", objective.dim)
    if starts.shape[0] == 0:
        raise ValueError("`starts` must contain at least one point.")
    gtol = check_positive(gtol, "gtol")
    xtol = check_positive(xtol, "xtol")
    dedup_tol = check_positive(dedup_tol, "dedup_tol")
    rtol = check_fraction(rtol, "rtol")
    atol = check_nonnegative(atol, "atol")
    if max_iter is None:
        max_iter = 100 if method == "newton" else 500
    max_iter = check_positive_int(max_iter, "max_iter")

    runner = _RUNNERS[method]
    runs = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for x0 in starts:
            g0 = float(np.linalg.norm(objective.grad(x0)))
            runs.append(runner(objective, x0.copy(), gtol * max(1.0, g0), xtol, max_iter))

    finite = [r for r in runs if np.all(np.isfinite(r.point)) and np.isfinite(r.grad_norm)]
    curvature_scale = max(
        [r.start_curvature for r in runs if np.isfinite(r.start_curvature)]
        + [_curvature(r.hessian) for r in finite if np.all(np.isfinite(r.hessian))]
        + [0.0]
    )
    tol = max(rtol * curvature_scale, atol)

    def summarize(group: list[_Run]) -> CriticalPoint:
        best = min(group, key=lambda r: r.grad_norm)
        point = best.point.copy()
        point.setflags(write=False)
        hess = as_symmetric_matrix(best.hessian, "hessian", rtol=max(rtol, 1e-12))
        eigenvalues = np.linalg.eigvalsh(hess)
        return CriticalPoint(
            point=point,
            value=float(objective.value(point)),
            grad_norm=best.grad_norm,
            classification=_classify_eigenvalues(eigenvalues, tol),
            converged=best.converged,
            num_hits=len(group),
        )

    found, failed = [], []
    for converged, bucket in ((True, found), (False, failed)):
        group_runs = sorted(
            (r for r in finite if r.converged == converged), key=lambda r: r.grad_norm
        )
        for group in _cluster(group_runs, dedup_tol):
            bucket.append(summarize(group))
    found.sort(key=lambda p: (p.value, tuple(p.point)))
    failed.sort(key=lambda p: (p.grad_norm, tuple(p.point)))
    return CriticalPointSearch(tuple(found), tuple(failed), starts.shape[0], method)


def _cluster(runs: list[_Run], dedup_tol: float) -> list[list[_Run]]:
    groups: list[list[_Run]] = []
    for run in runs:
        for group in groups:
            anchor = group[0].point
            radius = dedup_tol * max(1.0, float(np.linalg.norm(anchor)))
            if np.linalg.norm(run.point - anchor) <= radius:
                group.append(run)
                break
        else:
            groups.append([run])
    return groups


# -- starting points ----------------------------------------------------------------------
def _as_bounds(bounds) -> np.ndarray:
    arr = np.asarray(as_batch(bounds, "bounds"))
    if arr.shape[1] != 2:
        raise ValueError(
            f"`bounds` must have shape (d, 2), one (low, high) pair per coordinate, "
            f"got shape {arr.shape}."
        )
    if np.any(arr[:, 0] >= arr[:, 1]):
        raise ValueError(f"`bounds` must have low < high in every row, got {arr.tolist()}.")
    return arr


def grid_starts(bounds: np.ndarray, num_per_axis: int) -> np.ndarray:
    """Return a regular grid of starting points over a box.

    Parameters
    ----------
    bounds : array_like, shape (d, 2)
        ``(low, high)`` per coordinate, e.g. a surface's ``domain``.
    num_per_axis : int
        Grid points per coordinate, including both ends (at least 2).

    Returns
    -------
    starts : numpy.ndarray, shape (num_per_axis ** d, d)
        The grid points, the last coordinate varying fastest.

    Raises
    ------
    TypeError
        If ``bounds`` is not numeric or ``num_per_axis`` is not an integer.
    ValueError
        If ``bounds`` is not ``(d, 2)`` with ``low < high``, ``num_per_axis < 2``, or the
        grid would exceed one million points.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.grid_starts([(-1, 1), (0, 2)], 3)[:4]
    array([[-1.,  0.],
           [-1.,  1.],
           [-1.,  2.],
           [ 0.,  0.]])
    """
    box = _as_bounds(bounds)
    num = check_positive_int(num_per_axis, "num_per_axis", minimum=2)
    if num ** box.shape[0] > 1_000_000:
        raise ValueError(f"a grid of {num}^{box.shape[0]} points is too large; use random_starts.")
    axes = [np.linspace(lo, hi, num) for lo, hi in box]
    return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, box.shape[0])


def random_starts(
    bounds: np.ndarray, num_starts: int, *, rng: int | np.random.Generator = 0
) -> np.ndarray:
    """Return starting points drawn uniformly from a box.

    Parameters
    ----------
    bounds : array_like, shape (d, 2)
        ``(low, high)`` per coordinate.
    num_starts : int
        Number of points.
    rng : int or numpy.random.Generator, optional
        Seed or generator.

    Returns
    -------
    starts : numpy.ndarray, shape (num_starts, d)

    Raises
    ------
    TypeError
        If ``bounds`` is not numeric, ``num_starts`` not an integer or ``rng`` invalid.
    ValueError
        If ``bounds`` is not ``(d, 2)`` with ``low < high`` or ``num_starts < 1``.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.random_starts([(-1, 1), (0, 2)], 100, rng=0).shape
    (100, 2)
    """
    box = _as_bounds(bounds)
    num = check_positive_int(num_starts, "num_starts")
    gen = as_rng(rng)
    return box[:, 0] + (box[:, 1] - box[:, 0]) * gen.random((num, box.shape[0]))
