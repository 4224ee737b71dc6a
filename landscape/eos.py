r"""Edge-of-stability experiments: train, and track the sharpness against its threshold.

:func:`~landscape.track_sharpness` runs :func:`landscape.train` (full batch, or
mini-batch SGD) and, every ``sharpness_every`` steps, computes the top Hessian
eigenvalues of the *full* training loss with :func:`landscape.top_eigenpairs`,
warm-started from the previous top eigenvectors. It returns a
:class:`~landscape.SharpnessTrace`: the sharpness :math:`\lambda_{\max}`, the
stability threshold of the rule at each record (:math:`2/\eta` for gradient descent,
see :func:`landscape.stability_threshold`), their ratio, the Hessian-vector products
spent, and the underlying :class:`~landscape.Trajectory` with the loss at every
recorded step.

For Adam the tracked quantity is the *preconditioned* sharpness
:math:`\lambda_{\max}(P^{-1} H)`, with the preconditioner :math:`P` read from the
optimizer's state, and the threshold is :math:`(2 + 2\beta_1) / ((1 - \beta_1)\eta)`
(Cohen et al. 2022).

Tracking never changes the run: the eigensolver draws its random start vectors from a
generator spawned from ``rng``, so the batches are those of ``train(..., rng=rng)``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse.linalg import LinearOperator

from landscape._validation import as_rng, check_positive, check_positive_int, read_only
from landscape.operators import HessianOperator, _round_list
from landscape.optim import UpdateRule
from landscape.spectrum import top_eigenpairs
from landscape.stability import _THRESHOLD_RULES, stability_threshold
from landscape.training import StepInfo, Trajectory, train

__all__ = ["SharpnessTrace", "track_sharpness"]


@dataclass(frozen=True, repr=False)
class SharpnessTrace:
    """A training run with its sharpness measured every few steps.

    Row ``i`` of every per-record array describes the iterate after ``steps[i]`` updates.

    Attributes
    ----------
    steps : numpy.ndarray of int, shape (m,)
        Steps at which the sharpness was measured.
    losses : numpy.ndarray, shape (m,)
        Full training loss there.
    sharpness : numpy.ndarray, shape (m,)
        :math:`\\lambda_{\\max}` of the Hessian of the full training loss, or of the
        preconditioned Hessian :math:`P^{-1}H` when ``preconditioned`` (NaN at step 0,
        where Adam has no preconditioner yet).
    eigenvalues : numpy.ndarray, shape (m, k)
        The top ``k`` eigenvalues, descending (column 0 is ``sharpness``).
    thresholds : numpy.ndarray, shape (m,)
        :func:`~landscape.stability_threshold` of the rule at each step (NaN for a rule
        without one, and for Adam when ``preconditioned`` is false).
    learning_rates : numpy.ndarray, shape (m,)
        The rule's scheduled rate at each step.
    matvecs : numpy.ndarray of int, shape (m,)
        Hessian-vector products each (warm-started) eigensolve used.
    converged : numpy.ndarray of bool, shape (m,)
        Whether each eigensolve met its tolerance.
    cold_matvecs : numpy.ndarray of int, shape (m,), or None
        With ``compare_cold_start=True``: products a solve from a random start used.
    cold_sharpness : numpy.ndarray, shape (m,), or None
        With ``compare_cold_start=True``: the sharpness that solve found.
    trajectory : Trajectory
        The run itself, with the loss every ``record_every`` steps.
    preconditioned : bool
        Whether ``sharpness`` is that of :math:`P^{-1}H`.
    rule_name : str
        ``rule.name``.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> data = ls.gaussian_blobs(40, num_classes=3, rng=0)
    >>> f = ls.mlp_objective(ls.MLP((2, 8, 3)), data.X, np.eye(3)[data.y])
    >>> trace = ls.track_sharpness(f, f.mlp.init(rng=0), ls.gd(0.2), 100,
    ...                            sharpness_every=50)
    >>> trace.steps, trace.thresholds
    (array([  0,  50, 100]), array([10., 10., 10.]))
    >>> bool(np.allclose(trace.ratios, trace.sharpness / 10.0))
    True
    >>> list(trace.as_columns())
    ['step', 'loss', 'lambda_max', 'threshold', 'learning_rate', 'hvps']
    """

    steps: np.ndarray
    losses: np.ndarray
    sharpness: np.ndarray
    eigenvalues: np.ndarray
    thresholds: np.ndarray
    learning_rates: np.ndarray
    matvecs: np.ndarray
    converged: np.ndarray
    cold_matvecs: np.ndarray | None
    cold_sharpness: np.ndarray | None
    trajectory: Trajectory
    preconditioned: bool
    rule_name: str

    @property
    def ratios(self) -> np.ndarray:
        """``sharpness / thresholds``: 1 is the edge of stability, shape (m,)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.sharpness / self.thresholds

    @property
    def num_matvecs(self) -> int:
        """Hessian-vector products of all tracking solves (cold comparisons excluded)."""
        return int(self.matvecs.sum())

    def tail_ratio(self, fraction: float = 0.5) -> float:
        """Mean of :attr:`ratios` over the last ``fraction`` of the run.

        Parameters
        ----------
        fraction : float, optional
            In (0, 1]: the records with ``step >= (1 - fraction) * steps[-1]`` count.

        Returns
        -------
        ratio : float
            The mean of the finite ratios there; NaN if there are none.

        Raises
        ------
        TypeError
            If ``fraction`` is not a real number.
        ValueError
            If ``fraction`` is not in (0, 1].

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> f = ls.from_function(lambda t: 2.0 * float(t @ t), dim=2,
        ...                      hvp=lambda t, v: 4.0 * v)
        >>> trace = ls.track_sharpness(f, [1.0, 1.0], ls.gd(0.25), 4, sharpness_every=1)
        >>> trace.ratios, trace.tail_ratio(0.5)
        (array([0.5, 0.5, 0.5, 0.5, 0.5]), 0.5)
        """
        fraction = check_positive(fraction, "fraction")
        if fraction > 1.0:
            raise ValueError(f"`fraction` must lie in (0, 1], got {fraction:g}.")
        if self.steps.size == 0:
            return math.nan
        tail = self.ratios[self.steps >= (1.0 - fraction) * self.steps[-1]]
        tail = tail[np.isfinite(tail)]
        return float(tail.mean()) if tail.size else math.nan

    def first_crossing(self, level: float = 1.0) -> int | None:
        """The first recorded step at which ``ratios`` reaches ``level``.

        Parameters
        ----------
        level : float, optional
            Positive; 1 is the stability threshold itself.

        Returns
        -------
        step : int or None
            ``None`` if the ratio never reached ``level``.

        Raises
        ------
        TypeError
            If ``level`` is not a real number.
        ValueError
            If ``level`` is not positive.

        Examples
        --------
        >>> import landscape as ls
        >>> f = ls.from_function(lambda t: 2.0 * float(t @ t), dim=2,
        ...                      hvp=lambda t, v: 4.0 * v)
        >>> trace = ls.track_sharpness(f, [1.0, 1.0], ls.gd(0.25), 4, sharpness_every=1)
        >>> trace.first_crossing(0.5), trace.first_crossing(0.9)
        (0, None)
        """
        level = check_positive(level, "level")
        hits = np.flatnonzero(self.ratios >= level)
        return int(self.steps[hits[0]]) if hits.size else None

    def as_columns(self) -> dict[str, np.ndarray]:
        """The per-record scalars as named columns, e.g. for a CSV training log.

        Returns
        -------
        columns : dict of str to numpy.ndarray, each shape (m,)
            ``step``, ``loss``, ``lambda_max`` (``lambda_max_preconditioned`` for the
            preconditioned sharpness), ``threshold``, ``learning_rate``, ``hvps``, then
            ``lambda_2``, ... when more than one eigenvalue was tracked.

        Examples
        --------
        >>> import landscape as ls
        >>> f = ls.from_function(lambda t: 2.0 * float(t @ t), dim=2,
        ...                      hvp=lambda t, v: 4.0 * v)
        >>> columns = ls.track_sharpness(f, [1.0, 1.0], ls.gd(0.25), 2,
        ...                              sharpness_every=1).as_columns()
        >>> columns["lambda_max"], columns["threshold"]
        (array([4., 4., 4.]), array([8., 8., 8.]))
        """
        name = "lambda_max_preconditioned" if self.preconditioned else "lambda_max"
        columns = {
            "step": self.steps,
            "loss": self.losses,
            name: self.sharpness,
            "threshold": self.thresholds,
            "learning_rate": self.learning_rates,
            "hvps": self.matvecs,
        }
        for j in range(1, self.eigenvalues.shape[1]):
            columns[f"lambda_{j + 1}"] = self.eigenvalues[:, j]
        return columns

    def __repr__(self) -> str:
        if self.steps.size == 0:
            return f"SharpnessTrace(rule={self.rule_name!r}, records=0)"
        return (
            f"SharpnessTrace(rule={self.rule_name!r}, records={self.steps.size}, "
            f"last_step={int(self.steps[-1])}, sharpness={_round_list(self.sharpness[-1:], 4)}, "
            f"threshold={_round_list(self.thresholds[-1:], 4)}, "
            f"tail_ratio={self.tail_ratio():.4g}, num_matvecs={self.num_matvecs})"
        )


def _adam_scaling(state: Any, hyperparameters: Any) -> np.ndarray | None:
    """:math:`P^{-1/2}` from an Adam state, or None before the first update."""
    count = int(state.count)
    if count == 0:
        return None
    beta1, beta2 = float(hyperparameters["beta1"]), float(hyperparameters["beta2"])
    eps = float(hyperparameters["eps"])
    v_hat = np.asarray(state.v, dtype=float) / (1.0 - beta2**count)
    precond = (1.0 - beta1**count) * (np.sqrt(v_hat) + eps)
    return 1.0 / np.sqrt(precond)


def _preconditioned_hessian(objective: Any, theta: np.ndarray, scaling: np.ndarray):
    """:math:`S H S` with :math:`S = P^{-1/2}`: symmetric, with the eigenvalues of P^{-1}H."""

    def matvec(u: np.ndarray) -> np.ndarray:
        u = np.ravel(u)
        return scaling * np.asarray(objective.hvp(theta, scaling * u), dtype=float)

    d = theta.shape[0]
    return LinearOperator((d, d), matvec=matvec, rmatvec=matvec, dtype=np.float64)


def _check_flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False, got {value!r}.")
    return bool(value)


def track_sharpness(
    objective: Any,
    theta0: Any,
    rule: UpdateRule,
    num_steps: int,
    *,
    sharpness_every: int = 100,
    num_eigenvalues: int = 1,
    batch_size: int | None = None,
    record_every: int = 1,
    preconditioned: bool | None = None,
    warm_start: bool = True,
    compare_cold_start: bool = False,
    tol: float = 1e-6,
    max_matvecs: int = 500,
    divergence_threshold: float | None = None,
    rng: int | np.random.Generator = 0,
) -> SharpnessTrace:
    r"""Train with ``rule`` and measure the top Hessian eigenvalues every few steps.

    Parameters
    ----------
    objective : Objective
        The training objective; needs ``hvp`` besides ``value``/``grad``, and
        ``num_samples``/``subset`` for mini-batches (see :func:`~landscape.train`).
    theta0 : array_like, shape (d,)
        Initial parameters (not modified).
    rule : UpdateRule
        The optimizer, e.g. ``ls.gd(0.1)``.
    num_steps : int
        Number of updates, >= 0.
    sharpness_every : int, optional
        Measure at steps ``0, s, 2s, ...`` and at the last step; a multiple of
        ``record_every``.
    num_eigenvalues : int, optional
        How many top eigenvalues ``k`` to track, ``1 <= k < d``.
    batch_size : int, optional
        Mini-batch size for SGD; ``None`` trains with full batches. The sharpness is
        always that of the full training loss.
    record_every : int, optional
        Record the loss every this many steps (in ``trajectory``).
    preconditioned : bool, optional
        Track :math:`\lambda_{\max}(P^{-1}H)` with Adam's preconditioner (see Notes);
        the default is true for an Adam rule and false otherwise.
    warm_start : bool, optional
        Start each eigensolve from the sum of the previous top eigenvectors (the first
        from a random vector).
    compare_cold_start : bool, optional
        Also solve from a random start at each record and keep its product count and
        sharpness, to measure what the warm start saves (doubles the tracking cost).
    tol : float, optional
        Residual tolerance of :func:`~landscape.top_eigenpairs`. A loose tolerance
        (``1e-4``) with warm starts can settle on the *previous* top eigenvector after
        two eigenvalues cross; the default ``1e-6`` avoided that in our runs.
    max_matvecs : int, optional
        Cap on products per eigensolve.
    divergence_threshold : float, optional
        Also stop when the loss exceeds this value (see :func:`~landscape.train`).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the mini-batches (as in :func:`~landscape.train`) and, through
        a spawned child, for the eigensolvers' random start vectors.

    Returns
    -------
    trace : SharpnessTrace
        Per-record sharpness, thresholds, losses and costs, and the trajectory. A run
        that diverges stops there, as in :func:`~landscape.train`.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``hvp`` (or ``value``/``grad``/``dim``), ``rule`` is not an
        :class:`~landscape.UpdateRule`, a flag is not a bool, or an integer argument is
        not an integer; and as :func:`~landscape.train`.
    ValueError
        If ``sharpness_every`` is not a positive multiple of ``record_every``,
        ``num_eigenvalues`` is not in ``[1, d)``, ``preconditioned`` is true for a rule
        other than Adam, ``tol`` is not positive, ``max_matvecs < 1``; and as
        :func:`~landscape.train`.

    Notes
    -----
    Gradient descent on the quadratic model of the loss at :math:`\theta_t` is stable
    only while :math:`\lambda_{\max}(H(\theta_t)) < 2/\eta`. Cohen et al. (2021) found
    that full-batch training drives :math:`\lambda_{\max}` up to that threshold
    (*progressive sharpening*) and then keeps it hovering there while the loss goes on
    falling, non-monotonically (the *edge of stability*); so :attr:`SharpnessTrace.ratios`
    :math:`= \lambda_{\max} \eta / 2` rises to about 1 and stays.

    For Adam, the preconditioner of the most recent update is read from the state
    (``count`` :math:`= c`, second moment :math:`v`):

    .. math::

        P = (1 - \beta_1^{c}) \, \mathrm{diag}\Big(\sqrt{v / (1 - \beta_2^{c})} +
        \epsilon\Big),

    and the eigenvalues of :math:`P^{-1}H` are computed as those of the symmetric
    :math:`P^{-1/2} H P^{-1/2}`. The next update's preconditioner differs from this one
    by a relative amount of order :math:`1 - \beta_2`.

    References
    ----------
    J. Cohen, S. Kaur, Y. Li, J. Z. Kolter and A. Talwalkar, "Gradient descent on
    neural networks typically occurs at the edge of stability", ICLR 2021,
    arXiv:2103.00065. J. Cohen et al., "Adaptive gradient methods at the edge of
    stability", 2022, arXiv:2207.14484.

    See Also
    --------
    landscape.stability_threshold, landscape.top_eigenpairs, landscape.train

    Examples
    --------
    On :math:`f = 2\|\theta\|^2` the Hessian is :math:`4I`, so :math:`\lambda_{\max} = 4`
    and gradient descent with :math:`\eta = 0.25` sits at half its threshold
    :math:`2/\eta = 8`:

    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.from_function(lambda t: 2.0 * float(t @ t), dim=3, hvp=lambda t, v: 4.0 * v)
    >>> trace = ls.track_sharpness(f, [1.0, 1.0, 1.0], ls.gd(0.25), 10, sharpness_every=5)
    >>> trace
    SharpnessTrace(rule='gd', records=3, last_step=10, sharpness=[4], threshold=[8],
                   tail_ratio=0.5, num_matvecs=...)
    >>> trace.steps, trace.sharpness
    (array([ 0,  5, 10]), array([4., 4., 4.]))
    """
    hvp = getattr(objective, "hvp", None)
    if not callable(hvp):
        raise TypeError(
            "`objective` must provide hvp(theta, v) (an Objective), got "
            f"{type(objective).__name__}."
        )
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule, got {type(rule).__name__}.")
    sharpness_every = check_positive_int(sharpness_every, "sharpness_every")
    record_every = check_positive_int(record_every, "record_every")
    if sharpness_every % record_every:
        raise ValueError(
            f"`sharpness_every` ({sharpness_every}) must be a multiple of `record_every` "
            f"({record_every}): the sharpness is measured at recorded steps."
        )
    num_steps = check_positive_int(num_steps, "num_steps", minimum=0)
    k = check_positive_int(num_eigenvalues, "num_eigenvalues")
    dim = getattr(objective, "dim", None)
    if isinstance(dim, numbers.Integral) and k >= dim:
        raise ValueError(
            f"`num_eigenvalues` must be smaller than the dimension d = {dim}, got {k}."
        )
    if preconditioned is None:
        precond = rule.name == "adam"
    else:
        precond = _check_flag(preconditioned, "preconditioned")
        if precond and rule.name != "adam":
            raise ValueError(
                f"`preconditioned=True` needs an Adam rule (its state holds P), got {rule.name!r}."
            )
    warm_start = _check_flag(warm_start, "warm_start")
    compare_cold_start = _check_flag(compare_cold_start, "compare_cold_start")
    tol = check_positive(tol, "tol")
    max_matvecs = check_positive_int(max_matvecs, "max_matvecs")
    batch_gen = as_rng(rng)
    eig_gen = batch_gen.spawn(1)[0]
    has_threshold = rule.name in _THRESHOLD_RULES and (precond or rule.name != "adam")

    rows: dict[str, list] = {key: [] for key in ("step", "loss", "eig", "thr", "rate")}
    rows.update({key: [] for key in ("hvps", "ok", "cold_hvps", "cold")})
    previous: list[np.ndarray | None] = [None]

    def measure(info: StepInfo) -> None:
        if info.step % sharpness_every and info.step != num_steps:
            return
        rows["step"].append(info.step)
        rows["loss"].append(info.loss)
        rows["rate"].append(info.learning_rate)
        thr = stability_threshold(rule, info.step) if has_threshold else math.nan
        rows["thr"].append(thr)
        if precond:
            scaling = _adam_scaling(info.state, rule.hyperparameters)
            if scaling is None:  # no preconditioner before the first update
                rows["eig"].append(np.full(k, np.nan))
                rows["hvps"].append(0)
                rows["ok"].append(False)
                rows["cold_hvps"].append(0)
                rows["cold"].append(np.nan)
                return
            op = _preconditioned_hessian(objective, np.array(info.params), scaling)
        else:
            op = HessianOperator(objective, info.params)
        solve = {"k": k, "tol": tol, "max_matvecs": max_matvecs, "check_symmetry": False}
        v0 = None
        if warm_start and previous[0] is not None:
            v0 = previous[0].sum(axis=1)
        result = top_eigenpairs(op, v0=v0, rng=eig_gen, **solve)
        previous[0] = result.eigenvectors
        rows["eig"].append(result.eigenvalues)
        rows["hvps"].append(result.num_matvecs)
        rows["ok"].append(result.converged)
        if compare_cold_start:
            cold = top_eigenpairs(op, rng=eig_gen, **solve)
            rows["cold_hvps"].append(cold.num_matvecs)
            rows["cold"].append(float(cold.eigenvalues[0]))

    trajectory = train(
        objective,
        theta0,
        rule,
        num_steps,
        batch_size=batch_size,
        rng=batch_gen,
        record_every=record_every,
        record_params=False,
        callback=measure,
        divergence_threshold=divergence_threshold,
    )

    def array(values: list, dtype: Any = float) -> np.ndarray:
        return read_only(np.array(values, dtype=dtype))

    eigenvalues = read_only(np.array(rows["eig"], dtype=float).reshape(-1, k))
    return SharpnessTrace(
        steps=array(rows["step"], int),
        losses=array(rows["loss"]),
        sharpness=read_only(eigenvalues[:, 0].copy()),
        eigenvalues=eigenvalues,
        thresholds=array(rows["thr"]),
        learning_rates=array(rows["rate"]),
        matvecs=array(rows["hvps"], int),
        converged=array(rows["ok"], bool),
        cold_matvecs=array(rows["cold_hvps"], int) if compare_cold_start else None,
        cold_sharpness=array(rows["cold"]) if compare_cold_start else None,
        trajectory=trajectory,
        preconditioned=precond,
        rule_name=rule.name,
    )
