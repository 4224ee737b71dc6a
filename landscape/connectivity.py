r"""Mode connectivity: the loss along paths between two solutions, and curves fitted to them.

* :func:`~landscape.linear_path`: the loss (and accuracy) on the straight segment
  :math:`\theta(t) = (1 - t)\theta_A + t\theta_B`, and its barrier
  (:func:`~landscape.loss_barrier`).
* :func:`~landscape.fit_curve`: a quadratic Bezier curve (or a polygonal chain with one
  bend) between two fixed endpoints whose middle point is trained to minimize the loss
  averaged along the curve (Garipov et al. 2018); :func:`~landscape.curve_path`
  measures the fitted curve like a straight line.

Every point of a path is evaluated through the objective's batched ``values`` (one
stacked forward pass per chunk), never a Python loop over points. Accuracies use the
batched forward of a cross-entropy :class:`~landscape.NetworkObjective`; pass the
objective built on a test split (``objective.with_data(X_test, y_test)``) to measure a
path on held-out data.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import (
    as_rng,
    as_vector,
    check_choice,
    check_positive_int,
    read_only_copy,
)
from landscape.optim import UpdateRule

__all__ = [
    "Curve",
    "CurveFit",
    "PathProfile",
    "curve_path",
    "fit_curve",
    "linear_path",
    "loss_barrier",
]

CURVE_KINDS = ("bezier", "polychain")
# Floats of predictions one chunk of a batched accuracy may hold (16 MiB).
_ACCURACY_CHUNK_FLOATS = 2**21


# --------------------------------------------------------------------------------------
# records


@dataclass(frozen=True, repr=False)
class PathProfile:
    """The loss (and accuracy) along a path :math:`t \\mapsto \\theta(t)`, :math:`t \\in [0, 1]`.

    Attributes
    ----------
    ts : numpy.ndarray, shape (m,)
        The grid of path parameters, from 0 to 1 (read-only).
    losses : numpy.ndarray, shape (m,)
        ``losses[i]`` is the loss at ``theta(ts[i])``.
    accuracies : numpy.ndarray, shape (m,), or None
        Classification accuracy at each point (``None`` if not measured).
    barrier : float
        ``max(losses) - (losses[0] + losses[-1]) / 2`` (:func:`~landscape.loss_barrier`).
    argmax_t : float
        The ``t`` at which the loss is largest.
    kind : str
        ``"linear"``, ``"bezier"`` or ``"polychain"``.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("running_example")  # minima at (-1, -1) and (1, 1)
    >>> path = ls.linear_path(f, [-1.0, -1.0], [1.0, 1.0], num_points=5)
    >>> path
    PathProfile(kind='linear', points=5, barrier=2, argmax_t=0.5, accuracy=no)
    >>> path.losses
    array([-1.   ,  0.125,  1.   ,  0.125, -1.   ])
    """

    ts: np.ndarray
    losses: np.ndarray
    accuracies: np.ndarray | None
    barrier: float
    argmax_t: float
    kind: str

    def __post_init__(self) -> None:
        for name in ("ts", "losses", "accuracies"):
            arr = getattr(self, name)
            if arr is not None:
                object.__setattr__(self, name, read_only_copy(arr))

    @property
    def accuracy_drop(self) -> float | None:
        """Mean endpoint accuracy minus the lowest accuracy on the path (``None`` if unmeasured)."""
        if self.accuracies is None:
            return None
        acc = self.accuracies
        return float(0.5 * (acc[0] + acc[-1]) - acc.min())

    def __repr__(self) -> str:
        return (
            f"PathProfile(kind={self.kind!r}, points={self.ts.size}, "
            f"barrier={self.barrier:.4g}, argmax_t={self.argmax_t:.4g}, "
            f"accuracy={'no' if self.accuracies is None else 'yes'})"
        )


@dataclass(frozen=True, repr=False)
class Curve:
    """A path through a middle point between two endpoints.

    Parameters
    ----------
    kind : {"bezier", "polychain"}
        The quadratic Bezier curve or the polygonal chain with one bend.
    start, control, end : array_like, shape (d,)
        The endpoints :math:`\\theta_A` (``t = 0``), :math:`\\theta_B` (``t = 1``) and
        the middle point :math:`c` (stored as read-only copies).

    Raises
    ------
    TypeError
        If a point is not numeric.
    ValueError
        If ``kind`` is unknown, or the points differ in length or hold NaN/inf.

    Notes
    -----
    .. math::

        \\text{bezier:}\\quad \\phi(t) = (1 - t)^2 \\theta_A + 2t(1 - t)\\, c
            + t^2 \\theta_B, \\\\
        \\text{polychain:}\\quad \\phi(t) = \\begin{cases}
            \\theta_A + 2t\\,(c - \\theta_A) & t \\le 1/2 \\\\
            c + (2t - 1)(\\theta_B - c) & t > 1/2.
        \\end{cases}

    The Bezier curve passes near, not through, :math:`c` (at ``t = 1/2`` it is at
    :math:`(\\theta_A + 2c + \\theta_B) / 4`); the chain passes through it. With
    :math:`c = (\\theta_A + \\theta_B)/2` both are the straight segment.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> curve = ls.Curve("bezier", [0.0, 0.0], [1.0, 2.0], [2.0, 0.0])
    >>> curve
    Curve(kind='bezier', dim=2)
    >>> curve.points([0.0, 0.5, 1.0])
    array([[0., 0.],
           [1., 1.],
           [2., 0.]])
    >>> ls.Curve("polychain", [0.0, 0.0], [1.0, 2.0], [2.0, 0.0]).points([0.5])
    array([[1., 2.]])
    """

    kind: str
    start: np.ndarray
    control: np.ndarray
    end: np.ndarray

    def __post_init__(self) -> None:
        check_choice(self.kind, "kind", CURVE_KINDS)
        start = as_vector(self.start, "start")
        dim = start.shape[0]
        control = _endpoint(self.control, "control", dim, "start")
        end = _endpoint(self.end, "end", dim, "start")
        for name, arr in (("start", start), ("control", control), ("end", end)):
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    @property
    def dim(self) -> int:
        """Length ``d`` of the points."""
        return self.start.shape[0]

    def coefficients(self, ts: Any) -> np.ndarray:
        """Weights of ``(start, control, end)`` at each ``t``, shape ``(m, 3)``.

        Parameters
        ----------
        ts : array_like, shape (m,)
            Path parameters in ``[0, 1]``.

        Returns
        -------
        weights : numpy.ndarray, shape (m, 3)
            Non-negative rows summing to 1: ``phi(t) = weights @ [start, control, end]``.
            Column 1 is the derivative of :math:`\\phi(t)` with respect to the control
            point, which scales its gradient in :func:`~landscape.fit_curve`.

        Raises
        ------
        TypeError
            If ``ts`` is not numeric.
        ValueError
            If ``ts`` is empty, not 1-D, not finite or outside ``[0, 1]``.

        Examples
        --------
        >>> import landscape as ls
        >>> ls.Curve("bezier", [0.0], [0.0], [0.0]).coefficients([0.5])
        array([[0.25, 0.5 , 0.25]])
        """
        ts = _as_ts(ts)
        return _coefficients(self.kind, ts)

    def points(self, ts: Any) -> np.ndarray:
        """Points :math:`\\phi(t)` on the curve, one row per ``t``, shape ``(m, d)``.

        Parameters
        ----------
        ts : array_like, shape (m,)
            Path parameters in ``[0, 1]``.

        Returns
        -------
        points : numpy.ndarray, shape (m, d)

        Raises
        ------
        TypeError, ValueError
            As :meth:`~landscape.Curve.coefficients`.

        Examples
        --------
        >>> import landscape as ls
        >>> ls.Curve("bezier", [0.0], [1.0], [0.0]).points([0.25])
        array([[0.375]])
        """
        return self.coefficients(ts) @ np.stack([self.start, self.control, self.end])

    def __repr__(self) -> str:
        return f"Curve(kind={self.kind!r}, dim={self.dim})"


@dataclass(frozen=True, repr=False)
class CurveFit:
    """A curve fitted by :func:`~landscape.fit_curve`, with its training record.

    Attributes
    ----------
    curve : Curve
        The fitted curve (the control point after the last update).
    steps : numpy.ndarray of int, shape (k,)
        Updates applied before each record (0, ``record_every``, ..., the last step).
    mean_losses : numpy.ndarray, shape (k,)
        The loss averaged over the evaluation grid of ``t`` at each record: the
        deterministic estimate of the training objective :math:`\\mathbb{E}_t L(\\phi(t))`.
    barriers : numpy.ndarray, shape (k,)
        The curve's barrier on the evaluation grid at each record.
    num_grad_evals : int
        Gradients of the objective evaluated during training.
    stop_reason : str
        ``"num_steps"``, or ``"diverged"`` if the control point became non-finite (the
        curve then keeps the last finite control point).
    rule_name : str
        The optimizer's name.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ring = ls.from_function(lambda t: float((t @ t - 1.0) ** 2), dim=2,
    ...                         grad=lambda t: 4.0 * (t @ t - 1.0) * t)
    >>> fit = ls.fit_curve(ring, [1.0, 0.0], [-0.6, 0.8], ls.adam(0.05), 200, rng=0,
    ...                    record_every=100)
    >>> fit
    CurveFit(kind='bezier', rule='adam', records=3, barrier=0.64->0.008265,
             stop_reason='num_steps')
    >>> fit.steps
    array([  0, 100, 200])
    """

    curve: Curve
    steps: np.ndarray
    mean_losses: np.ndarray
    barriers: np.ndarray
    num_grad_evals: int
    stop_reason: str
    rule_name: str

    def __post_init__(self) -> None:
        for name in ("steps", "mean_losses", "barriers"):
            object.__setattr__(self, name, read_only_copy(getattr(self, name)))

    def __repr__(self) -> str:
        return (
            f"CurveFit(kind={self.curve.kind!r}, rule={self.rule_name!r}, "
            f"records={self.steps.size}, barrier={self.barriers[0]:.4g}->"
            f"{self.barriers[-1]:.4g}, stop_reason={self.stop_reason!r})"
        )


# --------------------------------------------------------------------------------------
# helpers


def _endpoint(x: Any, name: str, dim: int, other: str) -> np.ndarray:
    arr = np.asarray(x) if not isinstance(x, (str, bytes)) and x is not None else None
    if arr is not None and arr.ndim == 1 and arr.dtype != object and arr.shape[0] != dim:
        raise ValueError(
            f"`{name}` must have the size of `{other}`: got {arr.shape[0]} entries, expected {dim}."
        )
    return as_vector(x, name, dim)


def _as_ts(ts: Any) -> np.ndarray:
    ts = as_vector(ts, "ts")
    if ts.min() < 0.0 or ts.max() > 1.0:
        raise ValueError(f"`ts` must lie in [0, 1], got values in [{ts.min():g}, {ts.max():g}].")
    return ts


def _coefficients(kind: str, ts: np.ndarray) -> np.ndarray:
    if kind == "bezier":
        return np.column_stack([(1.0 - ts) ** 2, 2.0 * ts * (1.0 - ts), ts**2])
    first = ts <= 0.5
    weight_a = np.where(first, 1.0 - 2.0 * ts, 0.0)
    weight_b = np.where(first, 0.0, 2.0 * ts - 1.0)
    return np.column_stack([weight_a, 1.0 - weight_a - weight_b, weight_b])


def _require_objective(objective: Any) -> int:
    if not callable(getattr(objective, "values", None)) or not hasattr(objective, "dim"):
        raise TypeError(
            "`objective` must provide `dim` and a batched `values(thetas)` method (an "
            f"Objective), got {type(objective).__name__}."
        )
    dim = objective.dim
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 1:
        raise TypeError(f"`objective` must have a positive integer `dim`, got {dim!r}.")
    return int(dim)


def _endpoints(objective: Any, theta_a: Any, theta_b: Any) -> tuple[int, np.ndarray, np.ndarray]:
    dim = _require_objective(objective)
    theta_a = _endpoint(theta_a, "theta_a", dim, "objective.dim")
    theta_b = _endpoint(theta_b, "theta_b", dim, "theta_a")
    return dim, theta_a, theta_b


def _can_measure_accuracy(objective: Any) -> bool:
    return (
        getattr(objective, "loss", None) == "cross_entropy"
        and hasattr(objective, "mlp")
        and hasattr(objective, "X")
        and hasattr(objective, "y")
    )


def _want_accuracy(objective: Any, accuracy: Any) -> bool:
    if accuracy is None:
        return _can_measure_accuracy(objective)
    if not isinstance(accuracy, bool):
        raise TypeError(f"`accuracy` must be True, False or None, got {accuracy!r}.")
    if accuracy and not _can_measure_accuracy(objective):
        raise ValueError(
            "`accuracy=True` needs a cross-entropy network objective (ls.mlp_objective with "
            f"loss='cross_entropy'), got {type(objective).__name__}"
            + (f" with loss={objective.loss!r}" if hasattr(objective, "loss") else "")
            + "."
        )
    return accuracy


def _accuracies(objective: Any, thetas: np.ndarray) -> np.ndarray:
    """Accuracy at each row of ``thetas`` with the batched forward, in bounded chunks."""
    mlp, X, y = objective.mlp, objective.X, objective.y
    per_row = X.shape[0] * max(mlp.widths)
    chunk = max(1, _ACCURACY_CHUNK_FLOATS // max(1, per_row))
    out = np.empty(thetas.shape[0])
    for start in range(0, thetas.shape[0], chunk):
        logits = mlp.forward(thetas[start : start + chunk], X)
        out[start : start + chunk] = np.mean(np.argmax(logits, axis=2) == y, axis=1)
    return out


def _profile(objective: Any, points: np.ndarray, ts: np.ndarray, kind: str, want: bool):
    losses = np.asarray(objective.values(points), dtype=float)
    accuracies = _accuracies(objective, points) if want else None
    i = int(np.argmax(np.where(np.isnan(losses), -np.inf, losses)))
    return PathProfile(ts, losses, accuracies, _barrier(losses), float(ts[i]), kind)


def _barrier(losses: np.ndarray) -> float:
    # No validation: a loss that overflowed on the path is data (an infinite barrier).
    return float(np.max(losses) - 0.5 * (losses[0] + losses[-1]))


def _grid(num_points: Any) -> np.ndarray:
    num = check_positive_int(num_points, "num_points", minimum=2)
    return np.linspace(0.0, 1.0, num)


# --------------------------------------------------------------------------------------
# paths


def loss_barrier(losses: Any) -> float:
    r"""Height of the barrier on a path: the largest loss minus the mean endpoint loss.

    Parameters
    ----------
    losses : array_like, shape (m,)
        The loss along a path, with ``losses[0]`` and ``losses[-1]`` at the endpoints
        (``m >= 2``).

    Returns
    -------
    barrier : float
        Non-negative: the maximum is at least the mean of the two endpoint losses.

    Raises
    ------
    TypeError
        If ``losses`` is not numeric.
    ValueError
        If ``losses`` is not 1-D, has fewer than 2 entries or holds NaN/inf.

    Notes
    -----
    .. math:: B = \max_{t} L(\theta(t)) - \tfrac12\big(L(\theta(0)) + L(\theta(1))\big),

    the convention of Ainsworth et al. (2023). Frankle et al. (2020) and Entezari et al.
    (2022) subtract the linear interpolation :math:`(1 - t) L(\theta(0)) + t L(\theta(1))`
    inside the maximum instead; the two agree when the endpoint losses are equal, which
    they nearly are for two trained networks.

    References
    ----------
    Ainsworth, S. K., Hayase, J., Srinivasa, S. (2023). Git Re-Basin. ICLR.
    arXiv:2209.04836.
    Frankle, J., Dziugaite, G. K., Roy, D. M., Carbin, M. (2020). Linear mode connectivity
    and the lottery ticket hypothesis. ICML. arXiv:1912.05671.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.loss_barrier([0.1, 0.9, 0.3])
    0.7
    >>> ls.loss_barrier([0.2, 0.1, 0.2])  # the path dips: no barrier
    0.0
    """
    losses = as_vector(losses, "losses")
    if losses.shape[0] < 2:
        raise ValueError(
            f"`losses` needs at least 2 entries (the two endpoints), got {losses.shape[0]}."
        )
    return _barrier(losses)


def linear_path(
    objective: Any,
    theta_a: Any,
    theta_b: Any,
    *,
    num_points: int = 61,
    accuracy: bool | None = None,
) -> PathProfile:
    r"""The loss along the straight segment between two parameter vectors.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim`` and a batched ``values(thetas)``.
    theta_a, theta_b : array_like, shape (d,)
        The endpoints (not modified).
    num_points : int, optional
        Evenly spaced values of ``t`` in ``[0, 1]``, endpoints included (``>= 2``). The
        default, 61, is odd, so the midpoint ``t = 1/2`` is on the grid.
    accuracy : bool or None, optional
        Also measure classification accuracy along the path. ``None`` (default): when
        the objective is a cross-entropy network objective.

    Returns
    -------
    profile : PathProfile
        Losses, accuracies, barrier and the ``t`` of the highest point.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``dim``/``values``, an endpoint is not numeric, or
        ``accuracy`` is not a bool or None.
    ValueError
        If an endpoint has the wrong size (the two must match each other and
        ``objective.dim``) or holds NaN/inf, ``num_points < 2``, or ``accuracy=True``
        for an objective without classification accuracy.

    Notes
    -----
    .. math:: \theta(t) = (1 - t)\,\theta_A + t\,\theta_B, \qquad t \in [0, 1],

    evaluated at all grid points in one batched call. The barrier is
    :func:`~landscape.loss_barrier`. Goodfellow, Vinyals and Saxe (2015) used this line
    from the initialization to the solution; between two solutions it tests *linear
    mode connectivity* (Frankle et al. 2020).

    References
    ----------
    Goodfellow, I. J., Vinyals, O., Saxe, A. M. (2015). Qualitatively characterizing
    neural network optimization problems. ICLR. arXiv:1412.6544.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> data = ls.gaussian_blobs(60, num_classes=2, rng=0)
    >>> mlp = ls.MLP((2, 4, 2))
    >>> f = ls.mlp_objective(mlp, data.X, data.y, "cross_entropy")
    >>> path = ls.linear_path(f, mlp.init(rng=0), mlp.init(rng=1), num_points=11)
    >>> path.ts.shape, path.accuracies.shape, path.barrier >= 0
    ((11,), (11,), True)
    """
    _, theta_a, theta_b = _endpoints(objective, theta_a, theta_b)
    want = _want_accuracy(objective, accuracy)
    ts = _grid(num_points)
    points = (1.0 - ts)[:, None] * theta_a + ts[:, None] * theta_b
    return _profile(objective, points, ts, "linear", want)


def curve_path(
    objective: Any,
    curve: Curve,
    *,
    num_points: int = 61,
    accuracy: bool | None = None,
) -> PathProfile:
    r"""The loss along a :class:`~landscape.Curve` (e.g. a fitted Bezier curve).

    Parameters
    ----------
    objective : Objective
        Anything with ``dim`` and a batched ``values(thetas)``.
    curve : Curve or CurveFit
        The curve (a :class:`~landscape.CurveFit` stands for its ``curve``).
    num_points : int, optional
        Evenly spaced values of ``t`` in ``[0, 1]`` (``>= 2``).
    accuracy : bool or None, optional
        As in :func:`~landscape.linear_path`.

    Returns
    -------
    profile : PathProfile
        With ``kind`` the curve's kind.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``dim``/``values``, ``curve`` is not a Curve or CurveFit,
        or ``accuracy`` is not a bool or None.
    ValueError
        If the curve's dimension differs from ``objective.dim``, ``num_points < 2``, or
        ``accuracy=True`` for an objective without classification accuracy.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("running_example")
    >>> a, b = np.array([-1.0, -1.0]), np.array([1.0, 1.0])
    >>> straight = ls.Curve("bezier", a, (a + b) / 2, b)  # the midpoint control: a line
    >>> ls.curve_path(f, straight, num_points=5).losses
    array([-1.   ,  0.125,  1.   ,  0.125, -1.   ])
    >>> bent = ls.Curve("polychain", a, [1.0, -1.0], b)  # through (1, -1), where f = 7
    >>> float(ls.curve_path(f, bent, num_points=5).barrier)  # 7 - (-1)
    8.0
    """
    dim = _require_objective(objective)
    if isinstance(curve, CurveFit):
        curve = curve.curve
    if not isinstance(curve, Curve):
        raise TypeError(f"`curve` must be a Curve or CurveFit, got {type(curve).__name__}.")
    if curve.dim != dim:
        raise ValueError(f"`curve` has dimension {curve.dim}, but `objective.dim` is {dim}.")
    want = _want_accuracy(objective, accuracy)
    ts = _grid(num_points)
    points = _coefficients(curve.kind, ts) @ np.stack([curve.start, curve.control, curve.end])
    return _profile(objective, points, ts, curve.kind, want)


def fit_curve(
    objective: Any,
    theta_a: Any,
    theta_b: Any,
    rule: UpdateRule,
    num_steps: int,
    *,
    kind: str = "bezier",
    num_samples: int = 1,
    control: Any = None,
    record_every: int = 10,
    num_eval_points: int = 21,
    rng: int | np.random.Generator = 0,
) -> CurveFit:
    r"""Train the middle point of a curve between two fixed solutions to lower the loss on it.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim``, ``grad`` and a batched ``values(thetas)``.
    theta_a, theta_b : array_like, shape (d,)
        The fixed endpoints (not modified).
    rule : UpdateRule
        The optimizer for the control point, e.g. ``ls.adam(0.01)`` or ``ls.gd(0.1)``.
    num_steps : int
        Number of updates (>= 0).
    kind : {"bezier", "polychain"}, optional
        A quadratic Bezier curve or a polygonal chain with one bend.
    num_samples : int, optional
        Values of ``t`` drawn per update (>= 1); their weighted gradients are averaged.
    control : array_like, shape (d,), optional
        Initial control point; default the midpoint :math:`(\theta_A + \theta_B)/2`,
        where either curve is the straight segment.
    record_every : int, optional
        Evaluate the curve on the grid every this many steps (>= 1; the first and last
        steps are always recorded).
    num_eval_points : int, optional
        Grid points in ``[0, 1]`` for the recorded mean loss and barrier (>= 2).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the sampled ``t``.

    Returns
    -------
    fit : CurveFit
        The curve and its training record.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``dim``/``values``/``grad``, ``rule`` is not an
        :class:`~landscape.UpdateRule`, a point is not numeric, an integer argument is not
        an integer or ``rng`` is not a seed or Generator.
    ValueError
        If ``kind`` is unknown, the endpoints or ``control`` have the wrong size or
        non-finite entries, ``num_steps < 0``, or ``num_samples``, ``record_every`` or
        ``num_eval_points`` is too small.

    Notes
    -----
    The training objective is the loss averaged along the curve with :math:`t` uniform,

    .. math:: \ell(c) = \mathbb{E}_{t \sim U[0, 1]}\, L(\phi_c(t)),

    minimized by stochastic gradients: each update draws :math:`t_1, \dots, t_k`
    (:math:`k` = ``num_samples``) and uses

    .. math:: g = \frac1k \sum_{i=1}^{k} w(t_i)\, \nabla L(\phi_c(t_i)),
        \qquad w(t) = \frac{\partial \phi_c(t)}{\partial c}
        = \begin{cases} 2t(1 - t) & \text{bezier} \\ 1 - |2t - 1| & \text{polychain}
        \end{cases}

    (the chain rule: :math:`\phi_c(t)` depends on :math:`c` through the scalar weight
    :math:`w(t)`), an unbiased estimate of :math:`\nabla \ell(c)`. Garipov et al. (2018)
    sample one :math:`t` per mini-batch; here the data term is full-batch and the noise
    comes from :math:`t` alone. A rule with ``needs_grad_fn`` (e.g. SAM) receives the
    gradient of the same sampled loss as a function of the control point.

    References
    ----------
    Garipov, T., Izmailov, P., Podoprikhin, D., Vetrov, D., Wilson, A. G. (2018). Loss
    surfaces, mode connectivity, and fast ensembling of DNNs. NeurIPS. arXiv:1802.10026.
    Draxler, F., Veschgini, K., Salmhofer, M., Hamprecht, F. A. (2018). Essentially no
    barriers in neural network energy landscape. ICML. arXiv:1803.00885.

    Examples
    --------
    The loss :math:`(x^2 + y^2 - 1)^2` is zero on the unit circle. The chord between two
    points of the circle cuts across the hump inside it; the fitted curve follows the
    circle:

    >>> import numpy as np
    >>> import landscape as ls
    >>> ring = ls.from_function(lambda t: float((t @ t - 1.0) ** 2), dim=2,
    ...                         grad=lambda t: 4.0 * (t @ t - 1.0) * t)
    >>> a, b = [1.0, 0.0], [-0.6, 0.8]
    >>> fit = ls.fit_curve(ring, a, b, ls.adam(0.05), 300, num_samples=4, rng=0)
    >>> round(ls.linear_path(ring, a, b).barrier, 4), round(ls.curve_path(ring, fit).barrier, 4)
    (0.64, 0.004)
    >>> fit.curve.control.round(2)
    array([0.7 , 1.45])
    """
    dim, theta_a, theta_b = _endpoints(objective, theta_a, theta_b)
    if not callable(getattr(objective, "grad", None)):
        raise TypeError(f"`objective` must provide `grad(theta)`, got {type(objective).__name__}.")
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule (e.g. ls.adam(0.01)), got {rule!r}.")
    check_choice(kind, "kind", CURVE_KINDS)
    num_steps = check_positive_int(num_steps, "num_steps", minimum=0)
    num_samples = check_positive_int(num_samples, "num_samples")
    record_every = check_positive_int(record_every, "record_every")
    eval_ts = _grid(check_positive_int(num_eval_points, "num_eval_points", minimum=2))
    gen = as_rng(rng)
    if control is None:
        c = 0.5 * (theta_a + theta_b)
    else:
        c = _endpoint(control, "control", dim, "theta_a")
    ends = np.stack([theta_a, theta_b])
    eval_weights = _coefficients(kind, eval_ts)

    def curve_losses(c: np.ndarray) -> np.ndarray:
        points = eval_weights[:, [0, 2]] @ ends + eval_weights[:, 1:2] * c
        return np.asarray(objective.values(points), dtype=float)

    num_grads = 0

    def sampled_grad(c: np.ndarray, ts: np.ndarray, weights: np.ndarray) -> np.ndarray:
        nonlocal num_grads
        g = np.zeros(dim)
        for w in weights:
            point = w[0] * theta_a + w[1] * c + w[2] * theta_b
            g += w[1] * np.asarray(objective.grad(point), dtype=float)
            num_grads += 1
        return g / ts.shape[0]

    steps, means, barriers = [], [], []

    def record(step: int, c: np.ndarray) -> None:
        losses = curve_losses(c)
        steps.append(step)
        means.append(float(losses.mean()))
        barriers.append(_barrier(losses))

    state = rule.init(c)
    stop_reason, step = "num_steps", 0
    # Overflow is how a divergence announces itself: it is recorded, not warned about.
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(num_steps):
            if step % record_every == 0:
                record(step, c)
            ts = gen.uniform(0.0, 1.0, num_samples)
            weights = _coefficients(kind, ts)
            g = sampled_grad(c, ts, weights)
            if rule.needs_grad_fn:
                update, state = rule.update(
                    g,
                    state,
                    c,
                    lambda theta, ts=ts, weights=weights: sampled_grad(theta, ts, weights),
                )
            else:
                update, state = rule.update(g, state, c)
            new_c = c + update
            if not np.all(np.isfinite(new_c)):
                stop_reason = "diverged"
                break
            c = new_c
        else:
            step = num_steps
        if not steps or steps[-1] != step:
            record(step, c)
    curve = Curve(kind, theta_a, c, theta_b)
    return CurveFit(
        curve,
        np.array(steps),
        np.array(means),
        np.array(barriers),
        num_grads,
        stop_reason,
        rule.name,
    )
