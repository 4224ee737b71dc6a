r"""The Hessian spectrum from Hessian-vector products.

Everything here reaches the Hessian only through products :math:`Hv`, so it works for a
network with :math:`10^5` parameters as well as for a 2-D surface. The centre is
:class:`~landscape.HessianOperator`, a :class:`scipy.sparse.linalg.LinearOperator` that counts its
products, so :func:`scipy.sparse.linalg.eigsh` is always available as a reference.

* :func:`~landscape.top_eigenpairs`: the ``k`` largest or smallest *algebraic* eigenvalues, by
  thick-restart Lanczos with full reorthogonalization (or ARPACK's ``eigsh``), with a warm
  start, a residual tolerance and a cap on products; non-convergence is reported, not
  raised.
* :func:`~landscape.curvature_extremes` and :func:`~landscape.classify_curvature`: is
  there negative curvature, judged against a threshold relative to the largest
  eigenvalue?
* :func:`~landscape.power_iteration`: the teaching version, with its Rayleigh-quotient history.
* :func:`~landscape.dense_spectrum`: every eigenvalue, for small ``d``.
* :func:`~landscape.hutchinson_trace` and :func:`~landscape.slq_density` (stochastic
  trace and spectral density) live in ``landscape.density`` and are re-exported here.

Functions accept an objective with a ``theta``, a :class:`~landscape.HessianOperator`, any square
:class:`~scipy.sparse.linalg.LinearOperator`, or a dense symmetric matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

from landscape._lanczos import thick_restart_lanczos
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
from landscape.density import SpectralDensity, TraceEstimate, hutchinson_trace, slq_density
from landscape.objective import _require_objective
from landscape.operators import (
    _SYMMETRY_RTOL,
    HessianOperator,
    _as_operator,
    _check_symmetry,
    _normalize_signs,
    _round_list,
)

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
    history : numpy.ndarray, shape (m, k)
        The convergence curve of Lanczos: row ``j`` holds the wanted Ritz values after
        the solver's ``j + 1``-th product (NaN while fewer than ``k`` exist; the symmetry
        probe is not counted). Empty, shape ``(0, k)``, for ``eigsh``, whose iterations
        ARPACK does not expose.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> result = ls.top_eigenpairs(np.diag([1.0, 5.0, 3.0]), k=2)
    >>> result.eigenvalues.round(8), result.eigenvectors[:, 0].round(8)
    (array([5., 3.]), array([0., 1., 0.]))
    >>> bool(result.converged), bool(result.residual_norms.max() < 1e-8)
    (True, True)
    >>> result.history.shape, result.history[-1].round(8)  # exact after 3 products
    ((3, 2), array([5., 3.]))
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    residual_norms: np.ndarray
    num_matvecs: int
    converged: bool
    which: str
    method: str
    history: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

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
        Number of eigenpairs, ``1 <= k < d`` (use :func:`~landscape.dense_spectrum` for all).
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
        Run a two-product random probe test of symmetry first: it fails when
        :math:`|u^\top H v - v^\top H u| > 10^{-6} \max(\|Hu\|\|v\|, \|Hv\|\|u\|)` for
        Gaussian :math:`u, v`. Turn it off when tracking along a trajectory.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the start vector and the symmetry probe.

    Returns
    -------
    result : EigenResult
        Eigenvalues, unit eigenvectors ``(d, k)``, residual norms, products used and a
        convergence flag, and (Lanczos only) the Ritz values after every product. An
        unconverged ``eigsh`` run returns the pairs ARPACK did converge (possibly fewer
        than ``k``).

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

    An exactly repeated eigenvalue has only one copy in a single start vector's Krylov
    space. When that space becomes invariant (common for small or highly symmetric
    Hessians, e.g. a deep linear network at :math:`\theta = 0`), the iteration continues
    from a fresh random direction and stops only when a new block adds nothing to the
    wanted end, so the copies are found. A large Hessian with an exact multiplicity that
    never closes its Krylov space can still hide copies (ARPACK can too); compare with
    ``method="eigsh"`` or another ``v0`` when symmetry makes ties likely.

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
    landscape.power_iteration, landscape.curvature_extremes, landscape.dense_spectrum

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
        values, vectors, resid, _, converged, history = thick_restart_lanczos(
            op.matvec, d, k, which == "largest", start, tol, max_matvecs, max_basis, gen
        )
    else:
        history = np.empty((0, k))
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
        history,
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
        See :func:`~landscape.classify_curvature`.
    num_matvecs : int
        Hessian-vector products used in total.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ext = ls.curvature_extremes(np.diag([2.0, 1.0, -1e-6]))
    >>> ext.kind, round(ext.threshold, 6)
    ('flat', 0.002)
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
        As in :func:`~landscape.top_eigenpairs`.
    rtol : float, optional
        Relative zero threshold (see :func:`~landscape.classify_curvature`).
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
        As :func:`~landscape.top_eigenpairs` and :func:`~landscape.classify_curvature`.

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
    """Outcome of :func:`~landscape.power_iteration`.

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

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> result = ls.power_iteration(np.diag([2.0, 1.0]), tol=1e-10)
    >>> round(result.eigenvalue, 8), result.history.size == result.num_matvecs
    (2.0, True)
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
        As in :func:`~landscape.top_eigenpairs`.
    num_iters : int, optional
        Largest number of products.
    tol : float, optional
        Stop when :math:`\|Hv - \rho v\| \le \mathrm{tol} \cdot |\rho|`.
    shift : float, optional
        :math:`\sigma`. The iteration converges to the eigenvalue of :math:`H` *farthest
        from* :math:`\sigma` (largest :math:`|\lambda - \sigma|`). With the default
        :math:`\sigma = 0` that is the largest *magnitude*, which is a negative
        eigenvalue when negative curvature dominates: the trap :func:`~landscape.top_eigenpairs`
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
        As :func:`~landscape.top_eigenpairs` for the operator and ``v0``; ``ValueError`` also for a
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
        As :func:`~landscape.top_eigenpairs` for the operator; ``ValueError`` if the assembled
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
