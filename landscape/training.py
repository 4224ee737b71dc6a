"""Loops that run an update rule on an objective and record what happened.

:func:`minimize` takes full gradients of any objective (a test surface, a network, a
user's function) and can add a line search. :func:`train` is the training loop for
objectives built from data: full-batch by default, mini-batch SGD with ``batch_size``.
Both return a :class:`Trajectory`. A run that diverges is data, not an error: the loop
stops at the first non-finite loss (or gradient, or parameter) and the trajectory says so.
Floating-point overflow warnings are silenced inside the loop (including in callbacks),
since overflow is how a divergence announces itself.

Mini-batch protocol: an objective built from ``num_samples`` data points provides the
attribute ``num_samples`` and a method ``subset(indices) -> Objective`` returning the
objective on those samples (same ``dim``, the same mean-type loss). If it also provides
``value_and_grad(theta) -> (float, gradient)``, the loops use it to save a forward pass.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from landscape._validation import (
    as_rng,
    as_vector,
    check_choice,
    check_positive,
    check_positive_int,
    read_only,
)
from landscape.linesearch import LineSearchResult, armijo_backtracking, exact_line_search
from landscape.optim import UpdateRule

__all__ = ["StepInfo", "Trajectory", "minimize", "train"]

_LINE_SEARCHES: dict[str, Callable[..., LineSearchResult]] = {
    "armijo": armijo_backtracking,
    "exact": exact_line_search,
}


class StepInfo(NamedTuple):
    """What a callback sees at a recorded step, before that step's update.

    Attributes
    ----------
    step : int
        Number of updates applied so far.
    params : numpy.ndarray, shape (d,)
        Current parameters (read-only).
    loss : float
        Training loss at ``params`` (full objective).
    grad : numpy.ndarray, shape (d,) or None
        The gradient the rule will receive (read-only; the mini-batch gradient in
        mini-batch training); ``None`` at the last step of a mini-batch run.
    learning_rate : float
        The rule's scheduled rate at this step (NaN if the rule has no schedule).
    state : object
        The rule's state (e.g. ``AdamState``), for preconditioned quantities.

    Examples
    --------
    >>> import landscape as ls
    >>> bowl = ls.from_function(lambda t: float(t @ t), dim=1, grad=lambda t: 2 * t)
    >>> seen = []
    >>> traj = ls.minimize(bowl, [1.0], ls.gd(0.25), 4, record_every=2,
    ...                    callback=lambda info: seen.append((info.step, info.loss)))
    >>> seen
    [(0, 1.0), (2, 0.0625), (4, 0.00390625)]
    """

    step: int
    params: np.ndarray
    loss: float
    grad: np.ndarray | None
    learning_rate: float
    state: Any


@dataclass(frozen=True, repr=False)
class Trajectory:
    """The record of one optimization run, one row per recorded step.

    Records are taken at steps ``0, k, 2k, ...`` (``k = record_every``), at the last step
    and at the step where the run stopped. Row ``i`` describes the iterate after
    ``steps[i]`` updates and the update taken from it.

    Attributes
    ----------
    steps : numpy.ndarray of int, shape (k,)
        Number of updates applied before each record.
    params : numpy.ndarray, shape (k, d), or None
        The parameters at each record (``None`` when not recorded).
    losses : numpy.ndarray, shape (k,)
        Full training loss at each record (non-finite at a divergence).
    grad_norms : numpy.ndarray, shape (k,)
        2-norm of the gradient the rule received there (the mini-batch gradient in
        mini-batch training; NaN at the last record of a mini-batch run).
    update_norms : numpy.ndarray, shape (k,)
        2-norm of the update applied from there; NaN where no update followed.
    learning_rates : numpy.ndarray, shape (k,)
        The rule's scheduled rate ``rule.learning_rate(step)``, times the line-search
        step when one is used (NaN if the rule has no schedule).
    eval_losses : Mapping[str, numpy.ndarray]
        For each evaluation objective, its loss at each record, shape (k,).
    batch_losses : numpy.ndarray, shape (k,), or None
        Mini-batch loss at each record (NaN at the last record, where no batch is drawn);
        ``None`` for full-batch runs.
    final_params : numpy.ndarray, shape (d,)
        The last iterate.
    stop_reason : str
        ``"num_steps"``, ``"tol"`` (gradient norm below ``tol``), ``"diverged"``,
        ``"callback"`` or ``"line_search_failed"``.
    num_grad_evals : int
        Gradient evaluations, including those made through ``grad_fn``.
    num_value_evals : int
        Value-only evaluations of the training objective (line searches, full losses
        recorded during mini-batch training).
    rule_name : str
        ``rule.name``.

    Examples
    --------
    >>> import landscape as ls
    >>> bowl = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    >>> traj = ls.minimize(bowl, [1.0, 1.0], ls.gd(0.25), 4)
    >>> traj
    Trajectory(rule='gd', records=5, last_step=4, final_loss=0.007812,
               stop_reason='num_steps', num_grad_evals=5)
    >>> traj.losses
    array([2.       , 0.5      , 0.125    , 0.03125  , 0.0078125])
    >>> traj.update_norms.round(4)
    array([0.7071, 0.3536, 0.1768, 0.0884,    nan])
    """

    steps: np.ndarray
    params: np.ndarray | None
    losses: np.ndarray
    grad_norms: np.ndarray
    update_norms: np.ndarray
    learning_rates: np.ndarray
    eval_losses: Mapping[str, np.ndarray]
    batch_losses: np.ndarray | None
    final_params: np.ndarray
    stop_reason: str
    num_grad_evals: int
    num_value_evals: int = 0
    rule_name: str = field(default="custom")

    @property
    def diverged(self) -> bool:
        """Whether the run stopped at a non-finite value or above ``divergence_threshold``."""
        return self.stop_reason == "diverged"

    @property
    def converged(self) -> bool:
        """Whether the run stopped because the gradient norm fell to ``tol``."""
        return self.stop_reason == "tol"

    @property
    def final_loss(self) -> float:
        """The training loss at the last record."""
        return float(self.losses[-1])

    def __len__(self) -> int:
        return int(self.steps.size)

    def as_columns(self) -> dict[str, np.ndarray]:
        """Return the per-record scalars as named columns, e.g. to write a CSV log.

        Returns
        -------
        columns : dict of str to numpy.ndarray, each shape (k,)
            ``step``, ``loss``, ``grad_norm``, ``update_norm``, ``learning_rate``, then
            ``batch_loss`` for mini-batch runs and ``<name>_loss`` for each evaluation
            objective.

        Examples
        --------
        >>> import landscape as ls
        >>> bowl = ls.from_function(lambda t: float(t @ t), dim=1, grad=lambda t: 2 * t)
        >>> columns = ls.minimize(bowl, [1.0], ls.gd(0.25), 2).as_columns()
        >>> list(columns)
        ['step', 'loss', 'grad_norm', 'update_norm', 'learning_rate']
        >>> columns["loss"]
        array([1.    , 0.25  , 0.0625])
        """
        columns = {
            "step": self.steps,
            "loss": self.losses,
            "grad_norm": self.grad_norms,
            "update_norm": self.update_norms,
            "learning_rate": self.learning_rates,
        }
        if self.batch_losses is not None:
            columns["batch_loss"] = self.batch_losses
        for name, values in self.eval_losses.items():
            columns[f"{name}_loss"] = values
        return columns

    def __repr__(self) -> str:
        return (
            f"Trajectory(rule={self.rule_name!r}, records={len(self)}, "
            f"last_step={int(self.steps[-1])}, final_loss={self.final_loss:.4g}, "
            f"stop_reason={self.stop_reason!r}, num_grad_evals={self.num_grad_evals})"
        )


# --------------------------------------------------------------------------------------
# evaluation helpers


def _require_objective(objective: Any, name: str = "objective") -> int:
    for method in ("value", "grad"):
        if not callable(getattr(objective, method, None)):
            raise TypeError(
                f"`{name}` must provide value/grad methods (an Objective), got "
                f"{type(objective).__name__} without `{method}`."
            )
    dim = getattr(objective, "dim", None)
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 1:
        raise TypeError(f"`{name}` must have a positive integer `dim`, got {dim!r}.")
    return int(dim)


def _value(objective: Any, theta: np.ndarray) -> float:
    """Value at theta; NaN for a non-finite point or a floating-point failure."""
    if not np.all(np.isfinite(theta)):
        return np.nan
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            return float(objective.value(theta))
        except (FloatingPointError, OverflowError):
            return np.nan


def _value_and_grad(objective: Any, theta: np.ndarray) -> tuple[float, np.ndarray | None]:
    """Value and gradient at a finite theta; (NaN, None) on a floating-point failure."""
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            joint = getattr(objective, "value_and_grad", None)
            if callable(joint):
                value, grad = joint(theta)
            else:
                value, grad = objective.value(theta), objective.grad(theta)
        except (FloatingPointError, OverflowError):
            return np.nan, None
    return float(value), np.asarray(grad, dtype=float)


def _norm(x: np.ndarray) -> float:
    """2-norm without overflow for finite entries (inf only when the norm exceeds 1.8e308)."""
    scale = float(np.max(np.abs(x))) if x.size else 0.0
    if scale == 0.0 or not np.isfinite(scale):
        return scale
    return scale * float(np.linalg.norm(x / scale))


class _Batches:
    """Epochs of shuffled mini-batches of a fixed size; the remainder of an epoch is dropped."""

    def __init__(self, num_samples: int, batch_size: int, gen: np.random.Generator):
        self.n, self.size, self.gen = num_samples, batch_size, gen
        self.per_epoch = num_samples // batch_size
        self.order = np.empty(0, dtype=int)
        self.position = self.per_epoch

    def next(self) -> np.ndarray:
        if self.position == self.per_epoch:
            self.order = self.gen.permutation(self.n)
            self.position = 0
        start = self.position * self.size
        self.position += 1
        return self.order[start : start + self.size]


def _read_only_view(arr: np.ndarray) -> np.ndarray:
    view = arr.view()
    view.setflags(write=False)
    return view


# --------------------------------------------------------------------------------------
# the loop


def _run(
    objective: Any,
    theta0: Any,
    rule: UpdateRule,
    num_steps: int,
    *,
    batch_size: int | None,
    rng: Any,
    record_every: int,
    record_params: bool,
    eval_objectives: Mapping[str, Any] | None,
    tol: float | None,
    callback: Callable[[StepInfo], Any] | None,
    line_search: str | Callable[..., LineSearchResult] | None,
    divergence_threshold: float | None,
) -> Trajectory:
    dim = _require_objective(objective)
    theta = as_vector(theta0, "theta0", dim)
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule, got {type(rule).__name__}.")
    num_steps = check_positive_int(num_steps, "num_steps", minimum=0)
    record_every = check_positive_int(record_every, "record_every")
    if tol is not None:
        tol = check_positive(tol, "tol")
    if divergence_threshold is not None:
        divergence_threshold = check_positive(divergence_threshold, "divergence_threshold")
    if callback is not None and not callable(callback):
        raise TypeError(f"`callback` must be callable or None, got {type(callback).__name__}.")
    if isinstance(line_search, str):
        line_search = _LINE_SEARCHES[check_choice(line_search, "line_search", _LINE_SEARCHES)]
    elif line_search is not None and not callable(line_search):
        raise TypeError(
            "`line_search` must be 'armijo', 'exact', a callable or None, got "
            f"{type(line_search).__name__}."
        )
    evals = dict(eval_objectives or {})
    for key, other in evals.items():
        if not isinstance(key, str):
            raise TypeError(f"`eval_objectives` keys must be strings, got {key!r}.")
        if _require_objective(other, f"eval_objectives[{key!r}]") != dim:
            raise ValueError(
                f"`eval_objectives[{key!r}]` must have dim {dim} like `objective`, got {other.dim}."
            )
    batches = None
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
        if tol is not None:
            raise ValueError("`tol` needs full-batch gradients; pass batch_size=None or tol=None.")
        num_samples = getattr(objective, "num_samples", None)
        if not callable(getattr(objective, "subset", None)) or not isinstance(
            num_samples, numbers.Integral
        ):
            raise TypeError(
                "mini-batch training needs an objective with `num_samples` and "
                f"`subset(indices)`; {type(objective).__name__} has not both."
            )
        if batch_size > num_samples:
            raise ValueError(
                f"`batch_size` must not exceed the objective's num_samples ({num_samples}), "
                f"got {batch_size}."
            )
        batches = _Batches(int(num_samples), batch_size, as_rng(rng))

    state = rule.init(theta)
    schedule = rule.learning_rate
    counts = {"grad": 0, "value": 0}
    log = _Log(record_params, list(evals))
    stop_reason = "num_steps"

    def too_large(value: float) -> bool:
        return not np.isfinite(value) or (
            divergence_threshold is not None and value > divergence_threshold
        )

    # Divergence is data: overflow on the way to inf is expected, not an error.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(num_steps + 1):
            is_last = t == num_steps
            # Evaluate: `loss` is the full training loss (None until needed in
            # mini-batch mode), `grad` the gradient the rule will receive.
            batch_objective, batch_loss = objective, np.nan
            if not np.all(np.isfinite(theta)):  # the last update overflowed
                loss, grad, checked = np.nan, None, np.nan
            elif batches is None:
                loss, grad = _value_and_grad(objective, theta)
                counts["grad"] += 1
                checked = loss
            elif is_last:
                loss, grad = _value(objective, theta), None
                counts["value"] += 1
                checked = loss
            else:
                batch_objective = objective.subset(batches.next())
                batch_loss, grad = _value_and_grad(batch_objective, theta)
                counts["grad"] += 1
                loss, checked = None, batch_loss
            grad_norm = np.nan if grad is None else _norm(grad)
            diverged = too_large(checked) or (grad is not None and not np.isfinite(grad).all())
            converged = tol is not None and grad_norm <= tol
            record = is_last or diverged or converged or t % record_every == 0
            if record:
                if loss is None:
                    loss = _value(objective, theta)
                    counts["value"] += 1
                    diverged = diverged or too_large(loss)
                rate = float(schedule(t)) if schedule is not None else np.nan
                log.add(t, theta, loss, grad_norm, rate, batch_loss)
                for key, other in evals.items():
                    log.evals[key].append(_value(other, theta))
            if diverged or converged:
                stop_reason = "diverged" if diverged else "tol"
                break
            if record and callback is not None:
                view = None if grad is None else _read_only_view(grad)
                answer = callback(StepInfo(t, _read_only_view(theta), loss, view, rate, state))
                if isinstance(answer, (bool, np.bool_)) and answer:
                    stop_reason = "callback"
                    break
            if is_last:
                break

            # Update.
            if rule.needs_grad_fn:
                step, state = rule.update(
                    grad, state, theta, _counted_grad(batch_objective, counts)
                )
            else:
                step, state = rule.update(grad, state, theta)
            step = np.asarray(step, dtype=float)
            if step.shape != theta.shape:
                raise ValueError(
                    f"`rule.update` must return a step of shape {theta.shape}, got {step.shape}."
                )
            alpha = 1.0
            if line_search is not None:
                result = line_search(objective, theta, step, value=loss, grad=grad)
                counts["value"] += int(result.num_evals)
                if not result.success:
                    stop_reason = "line_search_failed"
                    break
                alpha = float(result.step)
                step = alpha * step
            if record:
                log.set_update(_norm(step), alpha)
            theta = theta + step

    return log.trajectory(
        theta,
        dim,
        stop_reason=stop_reason,
        minibatch=batches is not None,
        num_grad_evals=counts["grad"],
        num_value_evals=counts["value"],
        rule_name=rule.name,
    )


def _counted_grad(objective: Any, counts: dict[str, int]) -> Callable[[np.ndarray], np.ndarray]:
    def grad_fn(theta: np.ndarray) -> np.ndarray:
        counts["grad"] += 1
        return np.asarray(objective.grad(theta), dtype=float)

    return grad_fn


class _Log:
    """Rows of a trajectory, appended one record at a time."""

    def __init__(self, record_params: bool, eval_names: list[str]):
        self.record_params = record_params
        self.steps: list[int] = []
        self.params: list[np.ndarray] = []
        self.losses: list[float] = []
        self.grad_norms: list[float] = []
        self.update_norms: list[float] = []
        self.rates: list[float] = []
        self.batch_losses: list[float] = []
        self.evals: dict[str, list[float]] = {name: [] for name in eval_names}

    def add(self, step, theta, loss, grad_norm, rate, batch_loss) -> None:
        self.steps.append(step)
        if self.record_params:
            self.params.append(theta.copy())
        self.losses.append(loss)
        self.grad_norms.append(grad_norm)
        self.update_norms.append(np.nan)
        self.rates.append(rate)
        self.batch_losses.append(batch_loss)

    def set_update(self, update_norm: float, alpha: float) -> None:
        self.update_norms[-1] = update_norm
        self.rates[-1] *= alpha

    def trajectory(self, theta, dim, *, minibatch, **fields) -> Trajectory:
        def array(values: list) -> np.ndarray:
            return read_only(np.array(values, dtype=float))

        params = None
        if self.record_params:
            params = read_only(np.array(self.params, dtype=float).reshape(-1, dim))
        return Trajectory(
            steps=read_only(np.array(self.steps, dtype=int)),
            params=params,
            losses=array(self.losses),
            grad_norms=array(self.grad_norms),
            update_norms=array(self.update_norms),
            learning_rates=array(self.rates),
            eval_losses=MappingProxyType({k: array(v) for k, v in self.evals.items()}),
            batch_losses=array(self.batch_losses) if minibatch else None,
            final_params=read_only(theta.copy()),
            **fields,
        )


def minimize(
    objective: Any,
    theta0: np.ndarray,
    rule: UpdateRule,
    num_steps: int,
    *,
    record_every: int = 1,
    record_params: bool = True,
    tol: float | None = None,
    callback: Callable[[StepInfo], Any] | None = None,
    line_search: str | Callable[..., LineSearchResult] | None = None,
    divergence_threshold: float | None = None,
) -> Trajectory:
    """Run ``rule`` with full gradients of ``objective`` for up to ``num_steps`` updates.

    Parameters
    ----------
    objective : Objective
        Any objective (needs ``value``, ``grad`` and ``dim``).
    theta0 : array_like, shape (d,)
        Starting point (not modified).
    rule : UpdateRule
        The optimizer, e.g. ``ls.gd(0.1)``.
    num_steps : int
        Largest number of updates, >= 0.
    record_every : int, optional
        Record every this many steps (the first, the last and the stopping step are
        always recorded).
    record_params : bool, optional
        Keep the parameters at each record; turn off for large ``d``.
    tol : float, optional
        Stop once the gradient norm is at most ``tol`` (``stop_reason="tol"``).
    callback : callable, optional
        ``callback(info: StepInfo)`` at every recorded step, before that step's update;
        returning ``True`` stops the run (``stop_reason="callback"``); other return
        values, such as a measurement, are ignored.
    line_search : {"armijo", "exact"} or callable, optional
        Scale each proposed step :math:`s` by :math:`\\alpha` from a line search along
        :math:`s` (:func:`armijo_backtracking` from :math:`\\alpha_0 = 1`, or
        :func:`exact_line_search`). A callable is called as ``line_search(objective,
        theta, s, value=f, grad=g)`` and returns a :class:`LineSearchResult`. A failed
        search stops the run (``stop_reason="line_search_failed"``).
    divergence_threshold : float, optional
        Also treat a loss above this value as divergence.

    Returns
    -------
    trajectory : Trajectory
        The recorded run.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``value``/``grad``/``dim``, ``rule`` is not an
        :class:`UpdateRule`, ``callback`` or ``line_search`` has the wrong type, or an
        integer argument is not an integer.
    ValueError
        If ``theta0`` has the wrong shape or non-finite entries, ``num_steps < 0``,
        ``record_every < 1``, ``tol`` or ``divergence_threshold`` is not positive, or
        ``line_search`` is an unknown name.

    Notes
    -----
    One step evaluates :math:`f(\\theta_t)` and :math:`g_t = \\nabla f(\\theta_t)`, asks
    the rule for a step :math:`s_t` and sets :math:`\\theta_{t+1} = \\theta_t + \\alpha_t
    s_t` (:math:`\\alpha_t = 1` without a line search). With ``rule=ls.gd(eta)`` and
    ``line_search="armijo"``, :math:`\\eta` is the initial trial step of the
    backtracking.

    See Also
    --------
    train : the same loop with mini-batches and evaluation objectives.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> bowl = ls.from_function(lambda t: 0.5 * float(t @ t), dim=2, grad=lambda t: t)
    >>> traj = ls.minimize(bowl, [1.0, -2.0], ls.gd(0.5), num_steps=20, tol=1e-3)
    >>> traj.stop_reason, int(traj.steps[-1]), traj.params.shape
    ('tol', 12, (13, 2))
    >>> ls.minimize(bowl, [1.0, -2.0], ls.gd(2.5), num_steps=2000).diverged
    True
    """
    return _run(
        objective,
        theta0,
        rule,
        num_steps,
        batch_size=None,
        rng=0,
        record_every=record_every,
        record_params=record_params,
        eval_objectives=None,
        tol=tol,
        callback=callback,
        line_search=line_search,
        divergence_threshold=divergence_threshold,
    )


def train(
    objective: Any,
    theta0: np.ndarray,
    rule: UpdateRule,
    num_steps: int,
    *,
    batch_size: int | None = None,
    rng: int | np.random.Generator = 0,
    record_every: int = 1,
    record_params: bool = True,
    eval_objectives: Mapping[str, Any] | None = None,
    tol: float | None = None,
    callback: Callable[[StepInfo], Any] | None = None,
    divergence_threshold: float | None = None,
) -> Trajectory:
    """Train with full-batch gradients, or mini-batch SGD when ``batch_size`` is given.

    Parameters
    ----------
    objective : Objective
        The training objective. For mini-batches it must provide ``num_samples`` and
        ``subset(indices) -> Objective`` (see the module docstring).
    theta0 : array_like, shape (d,)
        Initial parameters (not modified).
    rule : UpdateRule
        The optimizer.
    num_steps : int
        Number of updates, >= 0.
    batch_size : int, optional
        Samples per mini-batch, in [1, ``num_samples``]; ``None`` for full batch.
    rng : int or numpy.random.Generator, optional
        Seed or generator for shuffling (epochs of shuffled batches; each epoch's last
        ``num_samples % batch_size`` samples are skipped, so every batch has the same size).
    record_every : int, optional
        Record every this many steps (the first and last steps are always recorded).
    record_params : bool, optional
        Keep the parameters at each record; turn off for large networks.
    eval_objectives : Mapping[str, Objective], optional
        Objectives (e.g. ``{"test": test_objective}``) whose losses are recorded at each
        record in ``trajectory.eval_losses``.
    tol : float, optional
        Full-batch only: stop once the gradient norm is at most ``tol``.
    callback : callable, optional
        ``callback(info: StepInfo)`` at every recorded step; returning ``True`` stops the
        run (other return values are ignored).
    divergence_threshold : float, optional
        Also treat a loss above this value as divergence.

    Returns
    -------
    trajectory : Trajectory
        The recorded run. In mini-batch training, ``losses`` holds the full training
        loss (one extra forward pass per record) and ``batch_losses`` the mini-batch loss.

    Raises
    ------
    TypeError
        If an objective lacks ``value``/``grad``/``dim``, mini-batch training is asked of
        an objective without ``num_samples``/``subset``, ``rule`` is not an
        :class:`UpdateRule`, ``callback`` is not callable, an ``eval_objectives`` key is
        not a string, or an integer argument is not an integer.
    ValueError
        If ``theta0`` has the wrong shape or non-finite entries, ``num_steps < 0``,
        ``record_every < 1``, ``batch_size`` is outside [1, ``num_samples``], an
        evaluation objective has a different ``dim``, ``tol`` or ``divergence_threshold``
        is not positive, or ``tol`` is combined with ``batch_size``.

    Notes
    -----
    Mini-batch SGD with :math:`B_t` the batch at step :math:`t` of size :math:`b`:

    .. math::
        g_t = \\nabla \\Bigl(\\frac1b \\sum_{i \\in B_t} \\ell_i\\Bigr)(\\theta_t), \\qquad
        \\theta_{t+1} = \\theta_t + s_t(g_t),

    where :math:`s_t` is the rule's step. A rule with ``needs_grad_fn`` receives the
    gradient of the same mini-batch as ``grad_fn``.

    See Also
    --------
    minimize : full-batch loop with line searches and a gradient tolerance.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> class Mean(ls.Objective):  # f(theta) = mean_i (theta - x_i)^2 / 2
    ...     def __init__(self, x):
    ...         self.x, self.dim, self.num_samples = np.asarray(x, float), 1, len(x)
    ...     def value(self, theta):
    ...         return float(np.mean((theta[0] - self.x) ** 2) / 2)
    ...     def grad(self, theta):
    ...         return np.array([theta[0] - self.x.mean()])
    ...     def subset(self, indices):
    ...         return Mean(self.x[indices])
    >>> data = Mean(np.arange(8.0))
    >>> traj = ls.train(data, [0.0], ls.gd(0.5), num_steps=40, batch_size=2,
    ...                 record_every=10, rng=0)
    >>> traj.steps
    array([ 0, 10, 20, 30, 40])
    >>> bool(abs(traj.final_params[0] - 3.5) < 2.0)  # SGD noise keeps it near the mean
    True
    """
    return _run(
        objective,
        theta0,
        rule,
        num_steps,
        batch_size=batch_size,
        rng=rng,
        record_every=record_every,
        record_params=record_params,
        eval_objectives=eval_objectives,
        tol=tol,
        callback=callback,
        line_search=None,
        divergence_threshold=divergence_threshold,
    )
