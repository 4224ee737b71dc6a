r"""The Hessian spectrum from Hessian-vector products.

Everything here reaches the Hessian only through products :math:`Hv`, so it works for a
network with :math:`10^5` parameters as well as for a 2-D surface. The centre is
:class:`HessianOperator`, a :class:`scipy.sparse.linalg.LinearOperator` that counts its
products, so :func:`scipy.sparse.linalg.eigsh` is always available as a reference.

* :func:`top_eigenpairs`: the ``k`` largest or smallest *algebraic* eigenvalues, by
  thick-restart Lanczos with full reorthogonalization (or ARPACK's ``eigsh``), with a warm
  start, a residual tolerance and a cap on products; non-convergence is reported, not
  raised.
* :func:`curvature_extremes` and :func:`classify_curvature`: is there negative curvature,
  judged against a threshold relative to the largest eigenvalue?
* :func:`power_iteration`: the teaching version, with its Rayleigh-quotient history.
* :func:`hutchinson_trace`: the trace from Rademacher probes, with a standard error.
* :func:`slq_density`: stochastic Lanczos quadrature, a smoothed spectral density.
* :func:`dense_spectrum`: every eigenvalue, for small ``d``.

Functions accept an objective with a ``theta``, a :class:`HessianOperator`, any square
:class:`~scipy.sparse.linalg.LinearOperator`, or a dense symmetric matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, aslinearoperator, eigsh

from landscape._lanczos import lanczos_tridiagonal, thick_restart_lanczos
from landscape._validation import (
    as_rng,
    as_symmetric_matrix,
    as_vector,
    check_choice,
    check_fraction,
    check_positive,
    check_positive_int,
    check_real,
)
from landscape.objective import Objective, _require_objective

__all__ = [
    "CurvatureExtremes",
    "EigenResult",
    "HessianOperator",
    "PowerIterationResult",
    "SpectralDensity",
    "TraceEstimate",
    "classify_curvature",
    "curvature_extremes",
    "dense_spectrum",
    "hutchinson_trace",
    "power_iteration",
    "slq_density",
    "top_eigenpairs",
]

_SYMMETRY_RTOL = 1e-6


class HessianOperator(LinearOperator):
    """The Hessian of an objective at ``theta`` as a counting ``LinearOperator``.

    ``H @ v`` calls ``objective.hvp(theta, v)``; ``H @ V`` for a block ``V`` of shape
    ``(d, k)`` calls ``objective.hvps`` when the objective has it (one batched pass) and
    otherwise ``k`` HVPs. Every product is counted in :attr:`num_matvecs`.

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


@dataclass(frozen=True, repr=False)
class EigenResult:
    """Extreme eigenpairs of a symmetric operator.

    Attributes
    ----------
    eigenvalues : numpy.ndarray, shape (k,)
        Descending for ``which="largest"``, ascending for ``which="smallest"``.
    eigenvectors : numpy.ndarray, shape (d, k)
        Unit columns; each column's largest-magnitude entry is positive.
    residual_norms : numpy.ndarray, shape (k,)
        :math:`\\|H u_i - \\lambda_i u_i\\|`.
    num_matvecs : int
        Operator products used (symmetry probe included).
    converged : bool
        Whether every residual met the tolerance within the cap.
    which : str
        ``"largest"`` or ``"smallest"``.
    method : str
        ``"lanczos"`` or ``"eigsh"``.
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    residual_norms: np.ndarray
    num_matvecs: int
    converged: bool
    which: str
    method: str

    def __repr__(self) -> str:
        return (
            f"EigenResult(eigenvalues={_round_list(self.eigenvalues)}, which={self.which!r}, "
            f"converged={self.converged}, num_matvecs={self.num_matvecs})"
        )


def top_eigenpairs(
    operator: Any,
    theta: Any = None,
    *,
    k: int = 1,
    which: str = "largest",
    method: str = "lanczos",
    v0: Any = None,
    tol: float = 1e-8,
    max_matvecs: int = 1000,
    max_basis: int | None = None,
    check_symmetry: bool = True,
    rng: int | np.random.Generator = 0,
) -> EigenResult:
    r"""The ``k`` largest or smallest algebraic eigenvalues of a Hessian and their vectors.

    Parameters
    ----------
    operator : Objective, HessianOperator, LinearOperator or array_like
        An objective (then ``theta`` is required), or a symmetric operator/matrix.
    theta : array_like, shape (d,), optional
        The point, when ``operator`` is an objective.
    k : int, optional
        Number of eigenpairs, ``1 <= k < d`` (use :func:`dense_spectrum` for all).
    which : {"largest", "smallest"}, optional
        Algebraic ends of the spectrum. "largest" is the *sharpness* (``eigsh``'s
        ``which="LA"``, never ``"LM"``: the largest magnitude may be a negative
        eigenvalue); "smallest" finds negative curvature.
    method : {"lanczos", "eigsh"}, optional
        This package's thick-restart Lanczos, or ARPACK through
        :func:`scipy.sparse.linalg.eigsh` (the reference).
    v0 : array_like, shape (d,), optional
        Start vector; pass the previous top eigenvector to track an eigenvalue cheaply
        along a trajectory (for ``k > 1``, e.g. the sum of the previous vectors).
        Default: a Gaussian vector from ``rng``.
    tol : float, optional
        Residual tolerance. Lanczos stops when every wanted pair has
        :math:`\|Hu - \lambda u\| \le \mathrm{tol} \cdot \|H\|_{\mathrm{est}}`, with
        :math:`\|H\|_{\mathrm{est}}` the largest Ritz value magnitude seen. For ``eigsh``
        it is ARPACK's relative tolerance. Eigenvalues are far more accurate than the
        residual: the error of a Ritz value is at most about
        :math:`\|r\|^2 / \mathrm{gap}`, so ``tol=1e-4`` already gives
        :math:`\lambda_{\max}` to about 1e-8 relative when the top eigenvalues are not
        nearly tied; that is the cheap setting for tracking sharpness along training.
    max_matvecs : int, optional
        Cap on Hessian-vector products; reaching it returns the current Ritz pairs with
        ``converged=False`` (for ``eigsh``: ``maxiter = max_matvecs // ncv``).
    max_basis : int, optional
        Largest Lanczos basis (memory ``max_basis * d`` floats); default
        ``min(d, max(2 k + 20, 30))``. For ``eigsh`` this is ``ncv``.
    check_symmetry : bool, optional
        Run a two-product random probe test of symmetry first.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the start vector and the symmetry probe.

    Returns
    -------
    result : EigenResult
        Eigenvalues, unit eigenvectors ``(d, k)``, residual norms, products used and a
        convergence flag. An unconverged ``eigsh`` run returns the pairs ARPACK did
        converge (possibly fewer than ``k``).

    Raises
    ------
    TypeError
        If ``operator`` is of an unsupported kind, or ``k``/``max_matvecs`` are not
        integers.
    ValueError
        If ``k`` is not in ``[1, d)``, ``which``/``method`` are unknown, ``theta`` is
        missing or superfluous, ``v0`` has the wrong shape, is zero or non-finite,
        ``tol`` is not positive, the operator is not square or fails the symmetry test.

    Notes
    -----
    Lanczos builds an orthonormal basis :math:`V_j` of the Krylov space
    :math:`\mathrm{span}\{v_0, Hv_0, \dots, H^{j-1}v_0\}` and the projection
    :math:`T_j = V_j^\top H V_j`; eigenpairs :math:`(\theta_i, s_i)` of :math:`T_j` give
    Ritz pairs :math:`(\theta_i, V_j s_i)` with residual norm
    :math:`\beta_j |e_j^\top s_i|`. Extreme Ritz values converge first. Ritz values lie
    inside :math:`[\lambda_{\min}, \lambda_{\max}]` (Cauchy interlacing), so an
    unconverged smallest Ritz value is still an upper bound on :math:`\lambda_{\min}`.
    Full reorthogonalization keeps the basis orthonormal to rounding, which avoids the
    spurious copies of converged eigenvalues plain Lanczos produces; the basis is
    restarted thickly when it reaches ``max_basis``.

    References
    ----------
    Lanczos, C. (1950). An iteration method for the solution of the eigenvalue problem.
    J. Res. Nat. Bur. Standards 45, 255-282.
    Wu, K., Simon, H. (2000). Thick-restart Lanczos method for large symmetric eigenvalue
    problems. SIAM J. Matrix Anal. Appl. 22(2), 602-616.
    Ghorbani, B., Krishnan, S., Xiao, Y. (2019). An investigation into neural net
    optimization via Hessian eigenvalue density. arXiv:1901.10159.

    See Also
    --------
    power_iteration, curvature_extremes, dense_spectrum

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> H = np.diag([-10.0, 1.0, 2.0, 3.0])
    >>> ls.top_eigenpairs(H, k=2)
    EigenResult(eigenvalues=[3, 2], which='largest', converged=True, num_matvecs=...)
    >>> float(ls.top_eigenpairs(H, which="smallest").eigenvalues[0])
    -10.0
    """
    op = _as_operator(operator, theta)
    d = op.shape[0]
    k = check_positive_int(k, "k")
    if k >= d:
        raise ValueError(
            f"`k` must be smaller than the dimension d = {d}, got k = {k}; "
            "use dense_spectrum for every eigenvalue."
        )
    check_choice(which, "which", ("largest", "smallest"))
    check_choice(method, "method", ("lanczos", "eigsh"))
    tol = check_positive(tol, "tol")
    max_matvecs = check_positive_int(max_matvecs, "max_matvecs")
    gen = as_rng(rng)
    if max_basis is None:
        max_basis = min(d, max(2 * k + 20, 30))
    max_basis = check_positive_int(max_basis, "max_basis", minimum=min(d, k + 2))
    max_basis = min(max_basis, d)
    if v0 is None:
        start = gen.standard_normal(d)
    else:
        start = as_vector(v0, "v0", d)
        if not np.any(start):
            raise ValueError("`v0` must be a nonzero vector.")
    before = op.num_matvecs
    if check_symmetry:
        _check_symmetry(op, gen)
    if method == "lanczos":
        values, vectors, resid, _, converged = thick_restart_lanczos(
            op.matvec, d, k, which == "largest", start, tol, max_matvecs, max_basis, gen
        )
    else:
        values, vectors, converged = _eigsh(op, k, which, start, tol, max_matvecs, max_basis)
        counted = op.num_matvecs
        resid = np.linalg.norm(op.matmat(vectors) - vectors * values, axis=0)
        op.num_matvecs = counted  # the residual check is not the solver's work
    vectors = _normalize_signs(np.asarray(vectors))
    return EigenResult(
        np.asarray(values, dtype=float),
        vectors,
        np.asarray(resid, dtype=float),
        int(op.num_matvecs - before),
        bool(converged),
        which,
        method,
    )


def _eigsh(op, k, which, start, tol, max_matvecs, ncv):
    ncv = max(ncv, min(op.shape[0], k + 2))
    try:
        values, vectors = eigsh(
            op,
            k=k,
            which="LA" if which == "largest" else "SA",
            v0=start,
            tol=tol,
            ncv=ncv,
            maxiter=max(1, max_matvecs // ncv),
        )
        converged = True
    except ArpackNoConvergence as err:
        values, vectors, converged = err.eigenvalues, err.eigenvectors, False
    order = np.argsort(values)[::-1] if which == "largest" else np.argsort(values)
    return values[order], vectors[:, order], converged


@dataclass(frozen=True, repr=False)
class CurvatureExtremes:
    """The two ends of a Hessian spectrum and what they say about the point.

    Attributes
    ----------
    lambda_max, lambda_min : float
        Largest and smallest algebraic eigenvalue estimates (Ritz values).
    max_converged, min_converged : bool
        Convergence flags of the two Lanczos runs.
    threshold : float
        ``rtol * max(|lambda_max|, |lambda_min|)``: eigenvalues within it count as zero.
    kind : str
        See :func:`classify_curvature`.
    num_matvecs : int
        Hessian-vector products used in total.
    """

    lambda_max: float
    lambda_min: float
    max_converged: bool
    min_converged: bool
    threshold: float
    kind: str
    num_matvecs: int

    def __repr__(self) -> str:
        return (
            f"CurvatureExtremes(lambda_max={self.lambda_max:.6g}, "
            f"lambda_min={self.lambda_min:.6g}, kind={self.kind!r}, "
            f"converged=({self.max_converged}, {self.min_converged}))"
        )


def classify_curvature(
    lambda_min: float, lambda_max: float, *, rtol: float = 1e-3, min_converged: bool = True
) -> str:
    r"""Name the curvature at a point from the ends of its Hessian spectrum.

    Parameters
    ----------
    lambda_min, lambda_max : float
        Smallest and largest eigenvalue (estimates).
    rtol : float, optional
        Relative threshold in ``(0, 1)``: an eigenvalue with :math:`|\lambda| \le
        \mathrm{rtol} \cdot \max(|\lambda_{\max}|, |\lambda_{\min}|)` counts as zero.
    min_converged : bool, optional
        Whether ``lambda_min`` converged. An unconverged Lanczos value is still an upper
        bound on the true :math:`\lambda_{\min}`, so negative curvature below the
        threshold is certain either way; anything else is ``"undetermined"``.

    Returns
    -------
    kind : str
        ``"negative curvature"`` (:math:`\lambda_{\min} < -\tau`), ``"flat"``
        (:math:`|\lambda_{\min}| \le \tau`: positive semidefinite up to the threshold,
        the usual state of a trained network), ``"positive definite"``
        (:math:`\lambda_{\min} > \tau`), or ``"undetermined"``.

    Raises
    ------
    TypeError
        If an eigenvalue or ``rtol`` is not a real number.
    ValueError
        If ``rtol`` is not in ``(0, 1)``, an eigenvalue is not finite, or
        ``lambda_min > lambda_max``.

    Notes
    -----
    Thresholds relative to :math:`\lambda_{\max}` matter because a trained network's
    Hessian has a bulk of eigenvalues near zero whose signs are decided by rounding and
    by how far training went, not by the geometry (Sagun et al. 2017, arXiv:1706.04454).

    Examples
    --------
    >>> import landscape as ls
    >>> ls.classify_curvature(-1e-6, 10.0), ls.classify_curvature(-0.5, 10.0)
    ('flat', 'negative curvature')
    """
    rtol = check_fraction(rtol, "rtol", low_inclusive=False)
    lam_min = check_real(lambda_min, "lambda_min")
    lam_max = check_real(lambda_max, "lambda_max")
    if lam_min > lam_max:
        raise ValueError(f"`lambda_min` ({lam_min:g}) must not exceed `lambda_max` ({lam_max:g}).")
    tau = rtol * max(abs(lam_max), abs(lam_min))
    if lam_min < -tau:
        return "negative curvature"
    if not min_converged:
        return "undetermined"
    return "flat" if lam_min <= tau else "positive definite"


def curvature_extremes(
    operator: Any,
    theta: Any = None,
    *,
    rtol: float = 1e-3,
    tol: float = 1e-6,
    max_matvecs: int = 300,
    rng: int | np.random.Generator = 0,
) -> CurvatureExtremes:
    r"""Largest and smallest Hessian eigenvalues with a capped budget, and their verdict.

    Parameters
    ----------
    operator, theta
        As in :func:`top_eigenpairs`.
    rtol : float, optional
        Relative zero threshold (see :func:`classify_curvature`).
    tol : float, optional
        Residual tolerance of each Lanczos run, relative to :math:`\|H\|_{\mathrm{est}}`.
    max_matvecs : int, optional
        Cap per end. The smallest eigenvalue of a trained network usually sits in a
        cluster near zero where Lanczos converges slowly; the cap makes the call return
        with ``min_converged=False`` instead of running on.
    rng : int or numpy.random.Generator, optional
        Seed or generator.

    Returns
    -------
    extremes : CurvatureExtremes

    Raises
    ------
    TypeError, ValueError
        As :func:`top_eigenpairs` and :func:`classify_curvature`.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ext = ls.curvature_extremes(np.diag([4.0, 1.0, -2.0]))
    >>> ext.kind, round(ext.lambda_max, 6), round(ext.lambda_min, 6)
    ('negative curvature', 4.0, -2.0)
    """
    op = _as_operator(operator, theta)
    gen = as_rng(rng)
    before = op.num_matvecs
    kwargs = {"k": 1, "tol": tol, "max_matvecs": max_matvecs, "rng": gen}
    top = top_eigenpairs(op, which="largest", **kwargs)
    bottom = top_eigenpairs(op, which="smallest", check_symmetry=False, **kwargs)
    lam_max, lam_min = float(top.eigenvalues[0]), float(bottom.eigenvalues[0])
    kind = classify_curvature(lam_min, lam_max, rtol=rtol, min_converged=bottom.converged)
    return CurvatureExtremes(
        lam_max,
        lam_min,
        top.converged,
        bottom.converged,
        rtol * max(abs(lam_max), abs(lam_min)),
        kind,
        int(op.num_matvecs - before),
    )


@dataclass(frozen=True, repr=False)
class PowerIterationResult:
    """Outcome of :func:`power_iteration`.

    Attributes
    ----------
    eigenvalue : float
        Final Rayleigh quotient :math:`v^\\top H v`.
    eigenvector : numpy.ndarray, shape (d,)
        Final unit iterate (largest-magnitude entry positive).
    history : numpy.ndarray, shape (num_iters,)
        Rayleigh quotient after each product: the convergence curve to plot.
    residual_norm : float
        :math:`\\|Hv - \\rho v\\|` at the final iterate.
    num_matvecs : int
        Products used.
    converged : bool
        Whether the residual met the tolerance.
    """

    eigenvalue: float
    eigenvector: np.ndarray
    history: np.ndarray
    residual_norm: float
    num_matvecs: int
    converged: bool

    def __repr__(self) -> str:
        return (
            f"PowerIterationResult(eigenvalue={self.eigenvalue:.6g}, "
            f"iterations={self.history.size}, converged={self.converged})"
        )


def power_iteration(
    operator: Any,
    theta: Any = None,
    *,
    num_iters: int = 500,
    tol: float = 1e-6,
    shift: float = 0.0,
    v0: Any = None,
    rng: int | np.random.Generator = 0,
) -> PowerIterationResult:
    r"""Power iteration on :math:`H - \sigma I`: the simplest curvature estimator.

    Parameters
    ----------
    operator, theta
        As in :func:`top_eigenpairs`.
    num_iters : int, optional
        Largest number of products.
    tol : float, optional
        Stop when :math:`\|Hv - \rho v\| \le \mathrm{tol} \cdot |\rho|`.
    shift : float, optional
        :math:`\sigma`. The iteration converges to the eigenvalue of :math:`H` *farthest
        from* :math:`\sigma` (largest :math:`|\lambda - \sigma|`). With the default
        :math:`\sigma = 0` that is the largest *magnitude*, which is a negative
        eigenvalue when negative curvature dominates: the trap :func:`top_eigenpairs`
        avoids. A shift :math:`\sigma \ge \lambda_{\min}` makes it find :math:`\lambda_{\max}`
        when :math:`\lambda_{\max} - \sigma > \sigma - \lambda_{\min}`.
    v0 : array_like, shape (d,), optional
        Start vector (default: Gaussian from ``rng``).
    rng : int or numpy.random.Generator, optional
        Seed or generator.

    Returns
    -------
    result : PowerIterationResult
        Eigenvalue estimate, vector, Rayleigh-quotient history, residual, flag.

    Raises
    ------
    TypeError, ValueError
        As :func:`top_eigenpairs` for the operator and ``v0``; ``ValueError`` also for a
        non-positive ``num_iters`` or ``tol``.

    Notes
    -----
    .. math::

        w = H v_t, \quad \rho_t = v_t^\top w, \quad
        v_{t+1} = \frac{w - \sigma v_t}{\|w - \sigma v_t\|}.

    The error in :math:`v_t` shrinks like :math:`|(\lambda_2 - \sigma) / (\lambda_1 -
    \sigma)|^t`, so a small gap means thousands of products where Lanczos needs tens.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> H = np.diag([-10.0, 1.0, 2.0, 3.0])
    >>> round(ls.power_iteration(H).eigenvalue, 6)  # the largest magnitude, not the largest
    -10.0
    >>> round(ls.power_iteration(H, shift=-10.0).eigenvalue, 6)
    3.0
    """
    op = _as_operator(operator, theta)
    d = op.shape[0]
    num_iters = check_positive_int(num_iters, "num_iters")
    tol = check_positive(tol, "tol")
    shift = check_real(shift, "shift")
    gen = as_rng(rng)
    v = gen.standard_normal(d) if v0 is None else as_vector(v0, "v0", d)
    norm = float(np.linalg.norm(v))
    if norm == 0.0:
        raise ValueError("`v0` must be a nonzero vector.")
    v = v / norm
    before = op.num_matvecs
    history, rho, resid, converged = [], 0.0, np.inf, False
    for _ in range(num_iters):
        w = np.asarray(op.matvec(v), dtype=float)
        rho = float(v @ w)
        history.append(rho)
        resid = float(np.linalg.norm(w - rho * v))
        if resid <= tol * abs(rho):
            converged = True
            break
        w -= shift * v
        norm = float(np.linalg.norm(w))
        if norm == 0.0:  # v is an eigenvector with eigenvalue sigma
            converged = resid <= tol * abs(rho)
            break
        v = w / norm
    vector = _normalize_signs(v[:, None])[:, 0]
    return PowerIterationResult(
        rho, vector, np.array(history), resid, int(op.num_matvecs - before), converged
    )


@dataclass(frozen=True, repr=False)
class TraceEstimate:
    """A stochastic trace estimate.

    Attributes
    ----------
    estimate : float
        Mean of the probe values: unbiased for :math:`\\operatorname{tr} H`.
    stderr : float
        Standard error of the mean, ``std(samples, ddof=1) / sqrt(num_probes)``.
    samples : numpy.ndarray, shape (num_probes,)
        The probe values :math:`z_i^\\top H z_i`.
    num_matvecs : int
        Products used (one per probe).
    """

    estimate: float
    stderr: float
    samples: np.ndarray
    num_matvecs: int

    def __repr__(self) -> str:
        return (
            f"TraceEstimate(estimate={self.estimate:.6g}, stderr={self.stderr:.3g}, "
            f"num_probes={self.samples.size})"
        )


def _rademacher(gen: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return gen.integers(0, 2, size=shape).astype(np.float64) * 2.0 - 1.0


def _check_probes(num_probes: Any, minimum: int = 1) -> int:
    if isinstance(num_probes, int | np.integer) and not isinstance(num_probes, bool):
        if num_probes < minimum:
            raise ValueError(
                f"`num_probes` must be at least {minimum}"
                + (" (a standard error needs two samples)" if minimum == 2 else "")
                + f", got {int(num_probes)}."
            )
    return check_positive_int(num_probes, "num_probes", minimum=minimum)


def hutchinson_trace(
    operator: Any,
    theta: Any = None,
    *,
    num_probes: int = 100,
    batch_size: int = 32,
    rng: int | np.random.Generator = 0,
) -> TraceEstimate:
    r"""Hutchinson's trace estimator with Rademacher probes and a standard error.

    Parameters
    ----------
    operator, theta
        As in :func:`top_eigenpairs`.
    num_probes : int, optional
        Fixed number of probes, ``>= 2``.
    batch_size : int, optional
        Probes per batched product (an objective with ``hvps`` does each batch in one
        pass).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the probes.

    Returns
    -------
    estimate : TraceEstimate
        Estimate, standard error, per-probe samples, products used.

    Raises
    ------
    TypeError, ValueError
        As :func:`top_eigenpairs` for the operator; ``ValueError`` if ``num_probes < 2``
        or ``batch_size < 1``.

    Notes
    -----
    With :math:`z` uniform on :math:`\{-1, 1\}^d`,
    :math:`\mathbb{E}[z^\top H z] = \operatorname{tr} H` and

    .. math:: \operatorname{Var}[z^\top H z] = 2 \sum_{i \ne j} H_{ij}^2
       = 2\big(\|H\|_F^2 - \textstyle\sum_i H_{ii}^2\big),

    the smallest variance of any probe distribution with independent entries (Gaussian
    probes have :math:`2\|H\|_F^2`). The reported standard error estimates
    :math:`\sqrt{\operatorname{Var}/m}` for :math:`m` probes.

    References
    ----------
    Hutchinson, M. F. (1989). A stochastic estimator of the trace of the influence matrix
    for Laplacian smoothing splines. Comm. Statist. Simulation Comput. 18(3), 1059-1076.
    Avron, H., Toledo, S. (2011). Randomized algorithms for estimating the trace of an
    implicit symmetric positive semi-definite matrix. J. ACM 58(2).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ls.hutchinson_trace(np.diag([1.0, 2.0, 3.0]), num_probes=10).estimate  # diagonal: exact
    6.0
    """
    op = _as_operator(operator, theta)
    d = op.shape[0]
    num_probes = _check_probes(num_probes, minimum=2)
    batch_size = check_positive_int(batch_size, "batch_size")
    gen = as_rng(rng)
    before = op.num_matvecs
    samples = np.empty(num_probes)
    for start in range(0, num_probes, batch_size):
        count = min(batch_size, num_probes - start)
        Z = _rademacher(gen, (d, count))
        HZ = np.asarray(op.matmat(Z), dtype=float)
        samples[start : start + count] = np.einsum("ij,ij->j", Z, HZ)
    estimate = float(samples.mean())
    stderr = float(samples.std(ddof=1) / np.sqrt(num_probes))
    return TraceEstimate(estimate, stderr, samples, int(op.num_matvecs - before))


@dataclass(frozen=True, repr=False)
class SpectralDensity:
    """Gauss quadrature rules from stochastic Lanczos quadrature, one per probe.

    Attributes
    ----------
    nodes : numpy.ndarray, shape (num_probes, num_steps)
        Ritz values of each probe's Lanczos tridiagonal.
    weights : numpy.ndarray, shape (num_probes, num_steps)
        Squared first components of the tridiagonal's eigenvectors; each row sums to 1.
        A probe that found an invariant subspace early has zero weights past its length.
    dim : int
        The operator's dimension ``d``.
    num_matvecs : int
        Products used.
    """

    nodes: np.ndarray
    weights: np.ndarray
    dim: int
    num_matvecs: int

    def moment(self, power: int) -> float:
        """Estimate :math:`\\operatorname{tr}(H^p)/d`, averaged over probes.

        Each probe's quadrature is exact for :math:`v^\\top H^p v` when
        ``power < 2 * num_steps``.
        """
        power = check_positive_int(power, "power", minimum=0)
        return float(np.mean(np.sum(self.weights * self.nodes**power, axis=1)))

    def density(self, grid: Any, width: float | None = None) -> np.ndarray:
        """Gaussian-smoothed spectral density on ``grid`` (integrates to about 1).

        Parameters
        ----------
        grid : array_like, shape (g,)
            Points :math:`t` at which to evaluate.
        width : float, optional
            Standard deviation :math:`\\sigma` of the Gaussian kernel; default 1% of the
            range of the nodes (``1e-3`` when all nodes coincide).

        Returns
        -------
        values : numpy.ndarray, shape (g,)
            :math:`\\phi(t) = \\frac{1}{P}\\sum_{p}\\sum_j w_{pj}\\,
            \\mathcal{N}(t; \\theta_{pj}, \\sigma^2)`.
        """
        grid = as_vector(grid, "grid")
        if width is None:
            span = float(np.ptp(self.nodes[self.weights > 0]))
            width = 0.01 * span if span > 0 else 1e-3
        width = check_positive(width, "width")
        z = (grid[:, None, None] - self.nodes[None]) / width
        kernel = np.exp(-0.5 * z * z) / (width * np.sqrt(2.0 * np.pi))
        return np.einsum("gpj,pj->g", kernel, self.weights) / self.nodes.shape[0]

    def __repr__(self) -> str:
        return (
            f"SpectralDensity(num_probes={self.nodes.shape[0]}, "
            f"num_steps={self.nodes.shape[1]}, dim={self.dim}, "
            f"range=[{float(self.nodes.min()):.4g}, {float(self.nodes.max()):.4g}])"
        )


def slq_density(
    operator: Any,
    theta: Any = None,
    *,
    num_probes: int = 10,
    num_steps: int = 80,
    rng: int | np.random.Generator = 0,
) -> SpectralDensity:
    r"""Stochastic Lanczos quadrature: the Hessian's spectral density from a few probes.

    Parameters
    ----------
    operator, theta
        As in :func:`top_eigenpairs`.
    num_probes : int, optional
        Rademacher start vectors, ``>= 1`` (about 10 suffice for the shape).
    num_steps : int, optional
        Lanczos steps per probe (capped at ``d``); about 80 resolve the outliers.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the probes.

    Returns
    -------
    density : SpectralDensity
        Nodes and weights per probe, with ``moment`` and ``density`` methods.

    Raises
    ------
    TypeError, ValueError
        As :func:`top_eigenpairs` for the operator; ``ValueError`` if ``num_probes`` or
        ``num_steps`` is below 1.

    Notes
    -----
    For a unit start vector :math:`v = z / \sqrt{d}`, ``num_steps`` :math:`= m` Lanczos
    steps give a tridiagonal :math:`T_m = S \Theta S^\top`. Its eigenvalues
    :math:`\theta_j` and the squared *first* components :math:`\tau_j = S_{1j}^2` are the
    nodes and weights of the Gauss quadrature rule for the spectral measure of
    :math:`H` seen from :math:`v`:

    .. math:: v^\top f(H) v = \sum_i (u_i^\top v)^2 f(\lambda_i)
       \approx \sum_{j=1}^{m} \tau_j f(\theta_j),

    exact for polynomials of degree below :math:`2m`. Averaged over Rademacher probes,
    :math:`\mathbb{E}[v^\top f(H) v] = \operatorname{tr} f(H) / d`: the weights sum to 1,
    the first moment estimates :math:`\operatorname{tr}H/d` and the second
    :math:`\|H\|_F^2/d`. The iterations run for all probes together, one batched product
    per step, with full reorthogonalization.

    References
    ----------
    Golub, G. H., Meurant, G. (2010). Matrices, Moments and Quadrature with Applications.
    Princeton University Press.
    Lin, L., Saad, Y., Yang, C. (2016). Approximating spectral densities of large
    matrices. SIAM Review 58(1), 34-65. arXiv:1308.5467.
    Ghorbani, B., Krishnan, S., Xiao, Y. (2019). An investigation into neural net
    optimization via Hessian eigenvalue density. arXiv:1901.10159.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> H = np.diag(np.arange(1.0, 21.0))
    >>> rho = ls.slq_density(H, num_probes=4, num_steps=10)
    >>> round(rho.moment(0), 12), round(rho.moment(1), 12)  # Rademacher on a diagonal: exact
    (1.0, 10.5)
    """
    op = _as_operator(operator, theta)
    d = op.shape[0]
    num_probes = _check_probes(num_probes)
    num_steps = min(check_positive_int(num_steps, "num_steps"), d)
    gen = as_rng(rng)
    before = op.num_matvecs
    starts = _rademacher(gen, (num_probes, d))

    def matmat(rows: np.ndarray) -> np.ndarray:
        return np.asarray(op.matmat(rows.T), dtype=float).T

    alphas, betas, lengths = lanczos_tridiagonal(matmat, starts, num_steps)
    nodes = np.zeros((num_probes, num_steps))
    weights = np.zeros((num_probes, num_steps))
    for i, length in enumerate(lengths):
        T = np.diag(alphas[i, :length]) + np.diag(betas[i, : length - 1], 1)
        T += np.diag(betas[i, : length - 1], -1)
        theta_i, S = np.linalg.eigh(T)
        nodes[i, :length], weights[i, :length] = theta_i, S[0] ** 2
        nodes[i, length:] = theta_i[-1]
    return SpectralDensity(nodes, weights, d, int(op.num_matvecs - before))


def dense_spectrum(operator: Any, theta: Any = None) -> np.ndarray:
    """Every Hessian eigenvalue, ascending, from the dense matrix (small ``d`` only).

    Parameters
    ----------
    operator, theta
        An objective and a point (the Hessian comes from ``objective.hessian``), or a
        symmetric matrix / operator (materialized with ``d`` products).

    Returns
    -------
    eigenvalues : numpy.ndarray, shape (d,)
        From :func:`numpy.linalg.eigvalsh`, ascending.

    Raises
    ------
    TypeError, ValueError
        As :func:`top_eigenpairs` for the operator; ``ValueError`` if the assembled
        matrix is not symmetric to ``1e-6`` relative.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: t[0] ** 2 - 3 * t[1] ** 2, dim=2)
    >>> ls.dense_spectrum(f, [0.0, 0.0]).round(4)
    array([-6.,  2.])
    """
    if theta is not None and hasattr(operator, "hessian") and not hasattr(operator, "shape"):
        _require_objective(operator)
        theta = as_vector(theta, "theta", operator.dim)
        matrix = np.asarray(operator.hessian(theta), dtype=float)
    else:
        op = _as_operator(operator, theta)
        matrix = np.asarray(op.matmat(np.eye(op.shape[0])), dtype=float)
    matrix = as_symmetric_matrix(matrix, "hessian", rtol=_SYMMETRY_RTOL)
    return np.linalg.eigvalsh(matrix)
