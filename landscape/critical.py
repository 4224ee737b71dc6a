"""The Hessian test: classify a critical point and find the direction to escape a saddle.

A critical point of :math:`f` is a point :math:`\\theta^*` with
:math:`\\nabla f(\\theta^*) = 0`. Its Hessian decides what it is, as far as second
order can tell: :func:`classify` reads the signs of the Hessian's eigenvalues with a
tolerance relative to the spectrum's scale, and :func:`escape_direction` returns the
direction of most negative curvature at a saddle. Finding the critical points in the
first place is :mod:`landscape.critical_search`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from landscape._validation import (
    as_symmetric_matrix,
    as_vector,
    check_fraction,
    check_nonnegative,
)
from landscape.objective import Objective

__all__ = ["Classification", "EscapeDirection", "classify", "escape_direction"]


def _fmt(values: np.ndarray) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in np.ravel(values)) + "]"


@dataclass(frozen=True, eq=False)
class Classification:
    """What the second-order test says about a critical point.

    Attributes
    ----------
    kind : str
        ``"minimum"`` (all eigenvalues positive), ``"maximum"`` (all negative),
        ``"saddle"`` (both signs present, whatever the zeros) or ``"degenerate"`` (some
        eigenvalues are zero and the rest share one sign: the test cannot decide).
    index : int
        Number of negative eigenvalues (the Morse index).
    num_zero : int
        Number of eigenvalues within ``tol`` of zero.
    eigenvalues : numpy.ndarray, shape (d,)
        The Hessian's eigenvalues, sorted ascending (read-only).
    tol : float
        The zero tolerance that was used.

    See Also
    --------
    classify : Builds this record from a Hessian.

    Examples
    --------
    >>> import landscape as ls
    >>> c = ls.classify([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -2.0]])
    >>> c.kind, c.index, c.num_zero, c.nondegenerate
    ('saddle', 1, 1, False)
    """

    kind: str
    index: int
    num_zero: int
    eigenvalues: np.ndarray
    tol: float

    @property
    def nondegenerate(self) -> bool:
        """True when no eigenvalue is zero (a Morse critical point)."""
        return self.num_zero == 0

    def __repr__(self) -> str:
        return (
            f"Classification(kind={self.kind!r}, index={self.index}, "
            f"num_zero={self.num_zero}, eigenvalues={_fmt(self.eigenvalues)}, "
            f"tol={self.tol:.2g})"
        )


def _classify_eigenvalues(eigenvalues: np.ndarray, tol: float) -> Classification:
    negative = int(np.count_nonzero(eigenvalues < -tol))
    positive = int(np.count_nonzero(eigenvalues > tol))
    zero = eigenvalues.size - negative - positive
    if negative and positive:
        kind = "saddle"
    elif zero:
        kind = "degenerate"
    elif positive:
        kind = "minimum"
    else:
        kind = "maximum"
    eigenvalues = eigenvalues.copy()
    eigenvalues.setflags(write=False)
    return Classification(kind, negative, zero, eigenvalues, float(tol))


def _zero_tolerance(eigenvalues: np.ndarray, rtol: float, atol: float) -> float:
    return max(rtol * float(np.max(np.abs(eigenvalues))), atol)


def classify(hessian: np.ndarray, *, rtol: float = 1e-6, atol: float = 1e-12) -> Classification:
    """Classify a critical point from its Hessian by the signs of the eigenvalues.

    Parameters
    ----------
    hessian : array_like, shape (d, d)
        The Hessian at the critical point; symmetric up to ``rtol`` relative to its
        largest entry (finite-difference Hessians are slightly asymmetric).
    rtol : float, optional
        Relative zero tolerance: an eigenvalue counts as zero when
        ``|lambda| <= tol = max(rtol * max|lambda|, atol)``. The default 1e-6 sits above
        the ~1e-7 relative error of a Hessian built from finite differences and far
        above the ~1e-15 of an exact one; curvature below it is not resolved.
    atol : float, optional
        Absolute floor for ``tol``, in the Hessian's units. It decides the case the
        relative rule cannot: a Hessian that is zero up to rounding (all eigenvalues
        ~1e-16) is called degenerate instead of being classified by the signs of its
        rounding errors. Set it to the noise level of your Hessian, or to 0 for a purely
        relative test.

    Returns
    -------
    classification : Classification
        ``kind``, ``index``, ``num_zero``, sorted ``eigenvalues`` and the ``tol`` used.

    Raises
    ------
    TypeError
        If ``hessian`` is not a real numeric array, or a tolerance is not a number.
    ValueError
        If ``hessian`` is not square, is empty, has non-finite entries or is not
        symmetric within ``rtol``; if ``rtol`` is not in [0, 1) or ``atol`` is negative.

    Notes
    -----
    With eigenvalues :math:`\\lambda_1 \\le \\dots \\le \\lambda_d` of the Hessian
    :math:`H` at a critical point and :math:`\\tau` = ``tol``:

    .. math::

        \\tau = \\max(\\mathrm{rtol}\\,\\max_i |\\lambda_i|,\\ \\mathrm{atol}),

    the point is a strict local minimum if :math:`\\lambda_1 > \\tau` (sufficient
    condition), a strict local maximum if :math:`\\lambda_d < -\\tau`, and not an
    extremum (a saddle) if :math:`\\lambda_1 < -\\tau < \\tau < \\lambda_d`. A saddle in
    this sense is a *strict saddle* (Ge et al. 2015): it has a direction of negative
    curvature, zero eigenvalues or not. When the nonzero eigenvalues share one sign and
    some are zero, second order cannot decide (``x**4`` and ``x**3`` both have
    :math:`H = 0` at 0): ``"degenerate"``.

    References
    ----------
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer (2006),
    Theorems 2.3 and 2.4.
    R. Ge, F. Huang, C. Jin and Y. Yuan, "Escaping from saddle points: online stochastic
    gradient for tensor decomposition", COLT (2015), arXiv:1503.02101.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.classify([[0.0, -4.0], [-4.0, 0.0]])
    Classification(kind='saddle', index=1, num_zero=0, eigenvalues=[-4, 4], tol=4e-06)
    >>> ls.classify([[2.0, 0.0], [0.0, 0.0]]).kind
    'degenerate'
    >>> ls.classify([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, -1.0]]).kind
    'saddle'
    """
    rtol = check_fraction(rtol, "rtol")
    atol = check_nonnegative(atol, "atol")
    matrix = as_symmetric_matrix(hessian, "hessian", rtol=max(rtol, 1e-12))
    eigenvalues = np.linalg.eigvalsh(matrix)
    return _classify_eigenvalues(eigenvalues, _zero_tolerance(eigenvalues, rtol, atol))


class EscapeDirection(NamedTuple):
    """The direction of most negative curvature at a saddle.

    Attributes
    ----------
    direction : numpy.ndarray, shape (d,)
        Unit eigenvector of the smallest eigenvalue, signed so that its largest-magnitude
        entry is positive (its negative is an equally good escape direction).
    eigenvalue : float
        The smallest eigenvalue, negative.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.escape_direction([[1.0, 0.0], [0.0, -3.0]])
    EscapeDirection(direction=array([0., 1.]), eigenvalue=-3.0)
    """

    direction: np.ndarray
    eigenvalue: float


def escape_direction(
    objective_or_hessian: Objective | np.ndarray,
    theta: np.ndarray | None = None,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-12,
) -> EscapeDirection:
    """Return the unit direction of most negative curvature, and its eigenvalue.

    Parameters
    ----------
    objective_or_hessian : Objective or array_like, shape (d, d)
        An objective (then ``theta`` is required) or a Hessian.
    theta : array_like, shape (d,), optional
        The point, when an objective is given.
    rtol, atol : float, optional
        Zero tolerance, as in :func:`classify`: the smallest eigenvalue must be below
        ``-max(rtol * max|lambda|, atol)``.

    Returns
    -------
    direction : numpy.ndarray, shape (d,)
        Unit eigenvector of the smallest eigenvalue (sign fixed as in
        :class:`EscapeDirection`).
    eigenvalue : float
        The smallest eigenvalue (negative).

    Raises
    ------
    TypeError
        If an objective is given without ``theta``, or ``theta`` is given with a Hessian.
    ValueError
        If no eigenvalue is negative beyond the tolerance (not a saddle or maximum), or
        the Hessian or ``theta`` is invalid (see :func:`classify`).

    Notes
    -----
    At a critical point :math:`\\theta^*` with :math:`H u = \\lambda_1 u`,
    :math:`\\|u\\| = 1` and :math:`\\lambda_1 < 0`, a second-order Taylor expansion gives
    :math:`f(\\theta^* \\pm \\varepsilon u) = f(\\theta^*) + \\tfrac12 \\lambda_1
    \\varepsilon^2 + O(\\varepsilon^3)`: both signs descend, and no unit direction
    descends faster at second order.

    Examples
    --------
    >>> import landscape as ls
    >>> d, lam = ls.escape_direction(ls.surface("running_example"), [0.0, 0.0])
    >>> d.round(4), lam
    (array([0.7071, 0.7071]), -4.0)
    """
    if isinstance(objective_or_hessian, Objective) or callable(
        getattr(objective_or_hessian, "hessian", None)
    ):
        if theta is None:
            raise TypeError("`theta` is required when an objective is given.")
        objective = objective_or_hessian
        theta = as_vector(theta, "theta", objective.dim)
        hessian = objective.hessian(theta)
    else:
        if theta is not None:
            raise TypeError("`theta` is only accepted with an objective; a Hessian was given.")
        hessian = objective_or_hessian
    rtol = check_fraction(rtol, "rtol")
    atol = check_nonnegative(atol, "atol")
    matrix = as_symmetric_matrix(hessian, "hessian", rtol=max(rtol, 1e-12))
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    tol = _zero_tolerance(eigenvalues, rtol, atol)
    if not eigenvalues[0] < -tol:
        raise ValueError(
            f"no direction of negative curvature: the smallest eigenvalue is "
            f"{eigenvalues[0]:.3g}, not below -{tol:.3g}; the point is not a saddle."
        )
    direction = eigenvectors[:, 0]
    direction = direction * np.sign(direction[np.argmax(np.abs(direction))])
    return EscapeDirection(direction / np.linalg.norm(direction), float(eigenvalues[0]))
