r"""The shape of a Hessian spectrum: stochastic estimators, and outliers against a bulk.

* :func:`~landscape.hutchinson_trace`: :math:`\operatorname{tr} H` from Rademacher probes, with a
  standard error.
* :func:`~landscape.slq_density`: stochastic Lanczos quadrature, a smoothed spectral density of
  :math:`H`, its moments and its cumulative distribution.
* :func:`~landscape.spectral_gap`: split computed eigenvalues into a few outliers and the
  bulk, at the largest ratio between consecutive eigenvalues.

The two estimators accept what :func:`~landscape.top_eigenpairs` accepts (an objective
with a point, a :class:`~landscape.HessianOperator`, a square ``LinearOperator`` or a
symmetric matrix) and batch their products (an objective with ``hvps`` does each batch in one pass).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._lanczos import lanczos_tridiagonal
from landscape._validation import as_rng, as_vector, check_positive, check_positive_int
from landscape.operators import _as_operator

__all__ = [
    "SpectralDensity",
    "SpectralGap",
    "TraceEstimate",
    "hutchinson_trace",
    "slq_density",
    "spectral_gap",
]


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

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> est = ls.hutchinson_trace(np.array([[2.0, 1.0], [1.0, 3.0]]), num_probes=50)
    >>> est.samples.shape, est.num_matvecs, bool(abs(est.estimate - 5.0) < 4 * est.stderr)
    ((50,), 50, True)
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
        As in :func:`~landscape.top_eigenpairs`.
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
        As :func:`~landscape.top_eigenpairs` for the operator; ``ValueError`` if ``num_probes < 2``
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

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rho = ls.slq_density(np.diag([1.0, 1.0, 4.0, 4.0]), num_probes=2, num_steps=4)
    >>> rho.weights.sum(axis=1).round(12), round(rho.moment(2), 10)
    (array([1., 1.]), 8.5)
    >>> grid = np.array([1.0, 2.5, 4.0])
    >>> (rho.density(grid, width=0.1) > 0.5).tolist()
    [True, False, True]
    >>> rho.cdf(grid).round(12)  # half of the eigenvalues are 1, half are 4
    array([0.5, 0.5, 1. ])
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

    def cdf(self, points: Any) -> np.ndarray:
        """Estimate the fraction of eigenvalues at or below each point.

        Parameters
        ----------
        points : array_like, shape (g,)
            Thresholds :math:`t` (a scalar counts as ``g = 1``).

        Returns
        -------
        fractions : numpy.ndarray, shape (g,)
            :math:`\\hat F(t) = \\frac{1}{P}\\sum_p \\sum_j w_{pj}\\,[\\theta_{pj} \\le t]`, an
            estimate of :math:`\\#\\{i : \\lambda_i \\le t\\} / d`. With ``t`` just below zero
            it is the fraction of negative curvature.

        Raises
        ------
        TypeError
            If ``points`` is not numeric.
        ValueError
            If ``points`` is empty, not 1-D or not finite.

        Notes
        -----
        Each probe's quadrature rule is a discrete measure; by the Chebyshev-Markov-Stieltjes
        inequalities its distribution function and that of the probe's spectral measure
        differ, at every node, by at most the weight of that node. The estimate is
        therefore as fine as the nodes: good where many nodes resolve the density, a
        step of one node's weight across a region no node reaches.
        """
        points = as_vector(points, "points")
        below = self.nodes[None] <= points[:, None, None]
        return np.einsum("gpj,pj->g", below, self.weights) / self.nodes.shape[0]

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
        As in :func:`~landscape.top_eigenpairs`.
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
        As :func:`~landscape.top_eigenpairs` for the operator; ``ValueError`` if ``num_probes`` or
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


@dataclass(frozen=True, repr=False)
class SpectralGap:
    """Outliers above the largest gap of a spectrum, and the edge of the bulk below it.

    Attributes
    ----------
    num_outliers : int
        Number of eigenvalues above the gap.
    ratio : float
        The gap as a ratio, smallest outlier over largest bulk eigenvalue (> 1).
    outliers : numpy.ndarray, shape (num_outliers,)
        The outlying eigenvalues, descending.
    bulk_edge : float
        The largest eigenvalue below the gap.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.spectral_gap([9.0, 7.0, 1.0, 0.5, 0.2, -0.1])
    SpectralGap(num_outliers=2, ratio=7, bulk_edge=1)
    """

    num_outliers: int
    ratio: float
    outliers: np.ndarray
    bulk_edge: float

    def __repr__(self) -> str:
        return (
            f"SpectralGap(num_outliers={self.num_outliers}, ratio={self.ratio:.4g}, "
            f"bulk_edge={self.bulk_edge:.4g})"
        )


def spectral_gap(eigenvalues: Any, *, max_outliers: int = 20) -> SpectralGap:
    r"""Count the outliers of a spectrum: the eigenvalues above its largest relative gap.

    Parameters
    ----------
    eigenvalues : array_like, shape (d,)
        Eigenvalues in any order (e.g. from :func:`~landscape.dense_spectrum`, or the top
        ones from :func:`~landscape.top_eigenpairs`).
    max_outliers : int, optional
        Largest number of outliers considered: the gap is searched among the
        ``max_outliers + 1`` largest positive eigenvalues.

    Returns
    -------
    gap : SpectralGap
        The number of outliers, the gap ratio, the outliers and the bulk edge.

    Raises
    ------
    TypeError
        If ``eigenvalues`` is not numeric or ``max_outliers`` is not an integer.
    ValueError
        If ``eigenvalues`` is not a finite 1-D array with at least two positive entries,
        or ``max_outliers < 1``.

    Notes
    -----
    With the positive eigenvalues sorted as :math:`\lambda_1 \ge \lambda_2 \ge \dots`,

    .. math:: j^* = \operatorname*{arg\,max}_{1 \le j \le J}
       \frac{\lambda_j}{\lambda_{j+1}}, \qquad
       J = \min(\texttt{max\_outliers},\ \#\{\lambda_i > 0\} - 1),

    the largest gap on a logarithmic scale (the first on ties). The ratio is scale-free,
    so the rule does not depend on the units of the loss; it always returns a gap, so
    read ``ratio``: a value near 1 means the top of the spectrum has no clear outliers.
    Trained classifiers typically show about one outlier per class above a bulk near
    zero (Sagun et al. 2017; Papyan 2019).

    References
    ----------
    Sagun, L., Evci, U., Guney, V. U., Dauphin, Y., Bottou, L. (2017). Empirical analysis
    of the Hessian of over-parametrized neural networks. arXiv:1706.04454.
    Papyan, V. (2019). Measurements of three-level hierarchical structure in the outliers
    in the spectrum of deepnet Hessians. ICML. arXiv:1901.08244.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> spectrum = np.concatenate([[12.0, 10.0, 9.0], np.linspace(-0.2, 1.0, 50)])
    >>> gap = ls.spectral_gap(spectrum)
    >>> gap.num_outliers, gap.outliers, round(gap.ratio, 6)
    (3, array([12., 10.,  9.]), 9.0)
    """
    values = as_vector(eigenvalues, "eigenvalues")
    max_outliers = check_positive_int(max_outliers, "max_outliers")
    descending = np.sort(values)[::-1]
    positive = descending[descending > 0]
    if positive.size < 2:
        raise ValueError(
            "`eigenvalues` must contain at least two positive values to locate a gap, "
            f"got {positive.size}."
        )
    window = positive[: max_outliers + 1]
    ratios = window[:-1] / window[1:]
    count = int(np.argmax(ratios)) + 1
    return SpectralGap(count, float(ratios[count - 1]), descending[:count], float(window[count]))
