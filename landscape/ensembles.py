"""Many independent runs of one update rule at once, from many starting points.

:func:`run_ensemble` runs a coordinate-wise update rule (gradient descent, the momentum
methods and the adaptive rules) from every row of a batch of starting points in a single
loop: the rows are stacked into one flat vector, and because each of these rules updates
every coordinate from that coordinate's own gradient history, one update of the stack is
exactly one update of every run. On a vectorized surface one step costs one batched
gradient for all runs, which makes basin maps (which minimum does each start reach?) and
iteration counts over many starts cheap.

Scope: rules that act coordinate by coordinate. Rules that couple coordinates, such as
:func:`~landscape.clip_by_global_norm` (a global norm) or rules that need a ``grad_fn``,
are rejected: on a stack they would couple the runs. A run that diverges is data: its
row is frozen at NaN from the step where its loss or parameters stopped being finite.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._surface import Surface
from landscape._validation import (
    as_batch,
    check_fraction,
    check_positive_int,
    check_real,
    read_only,
)
from landscape.optim import UpdateRule

__all__ = ["Ensemble", "run_ensemble"]

COORDINATE_WISE = (
    "adagrad",
    "adam",
    "adam_l2",
    "adamw",
    "gd",
    "lion",
    "momentum",
    "nesterov",
    "rmsprop",
)


@dataclass(frozen=True, repr=False)
class Ensemble:
    """The record of :func:`run_ensemble`: one run per starting point.

    Attributes
    ----------
    losses : numpy.ndarray, shape (k + 1, n)
        Loss of run ``j`` after ``i`` updates in ``losses[i, j]``; NaN once the run has
        diverged, and after an early stop (``num_steps`` is then ``k``).
    params : numpy.ndarray, shape (k + 1, n, d), or None
        The iterates (``None`` unless ``record_params=True``).
    final_params : numpy.ndarray, shape (n, d)
        The last iterate of each run (NaN rows for diverged runs).
    diverged : numpy.ndarray of bool, shape (n,)
        Whether each run's loss or parameters became non-finite (or exceeded the
        ``divergence_threshold``).
    num_steps : int
        Updates applied (fewer than asked when the run stopped early at ``tol``).
    rule_name : str
        ``rule.name``.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> runs = ls.run_ensemble(ls.Quadratic(eigenvalues=[2.0]), [[1.0], [-3.0]],
    ...                        ls.gd(0.25), 3)
    >>> runs
    Ensemble(rule='gd', runs=2, num_steps=3, diverged=0)
    >>> runs.final_params[:, 0]  # each step halves x
    array([ 0.125, -0.375])
    """

    losses: np.ndarray
    params: np.ndarray | None
    final_params: np.ndarray
    diverged: np.ndarray
    num_steps: int
    rule_name: str

    def steps_to_reduction(self, reduction: float, min_value: float = 0.0) -> np.ndarray:
        """First step at which each run's optimality gap fell by a factor ``reduction``.

        Parameters
        ----------
        reduction : float
            Target ratio :math:`\\varepsilon` in (0, 1) of final to initial gap.
        min_value : float, optional
            The minimum value :math:`f^\\star` that defines the gap.

        Returns
        -------
        steps : numpy.ndarray, shape (n,)
            The smallest :math:`t` with :math:`f(\\theta_t) - f^\\star \\le \\varepsilon
            (f(\\theta_0) - f^\\star)`, as floats; ``inf`` for runs that never got there
            (diverged runs included).

        Raises
        ------
        TypeError
            If an argument is not a real number.
        ValueError
            If ``reduction`` is outside (0, 1).

        Examples
        --------
        >>> import landscape as ls
        >>> runs = ls.run_ensemble(ls.Quadratic(eigenvalues=[2.0]), [[10.0], [1.0]],
        ...                        ls.gd(0.1), 40)
        >>> runs.steps_to_reduction(1e-6)  # the loss shrinks by 0.64 per step
        array([31., 31.])
        """
        reduction = check_fraction(reduction, "reduction", low_inclusive=False)
        min_value = check_real(min_value, "min_value")
        gaps = self.losses - min_value
        below = gaps <= reduction * gaps[0]
        steps = np.argmax(below, axis=0).astype(float)
        steps[~below.any(axis=0)] = np.inf
        return steps

    def basins(self, points: Any, radius: float = 1e-3) -> np.ndarray:
        """Which of ``points`` each run ended next to.

        Parameters
        ----------
        points : array_like, shape (m, d)
            Candidate end points, e.g. the minima of a surface.
        radius : float, optional
            A run "reached" a point when its last iterate is within this distance.

        Returns
        -------
        labels : numpy.ndarray of int, shape (n,)
            Index of the nearest point within ``radius``; -1 for a diverged run; -2 for
            a run that ended elsewhere (still moving, or cycling).

        Raises
        ------
        TypeError
            If an argument has the wrong type.
        ValueError
            If ``points`` does not have ``d`` columns or ``radius`` is not positive.

        Examples
        --------
        >>> import landscape as ls
        >>> well = ls.surface("double_well")
        >>> minima = [p.point for p in well.critical_points if p.kind == "minimum"]
        >>> runs = ls.run_ensemble(well, [[-0.5], [0.5], [2.0]], ls.gd(0.05), 200)
        >>> runs.basins(minima)
        array([0, 1, 1])
        """
        points = as_batch(points, "points", self.final_params.shape[1])
        radius = check_real(radius, "radius")
        if radius <= 0:
            raise ValueError(f"`radius` must be positive, got {radius:g}.")
        labels = np.full(self.final_params.shape[0], -2, dtype=int)
        finite = ~self.diverged
        distances = np.linalg.norm(self.final_params[finite, None, :] - points[None, :, :], axis=-1)
        nearest = np.argmin(distances, axis=1)
        close = distances[np.arange(nearest.size), nearest] <= radius
        labels[np.flatnonzero(finite)[close]] = nearest[close]
        labels[self.diverged] = -1
        return labels

    def __repr__(self) -> str:
        return (
            f"Ensemble(rule={self.rule_name!r}, runs={self.diverged.size}, "
            f"num_steps={self.num_steps}, diverged={int(self.diverged.sum())})"
        )


def _batched_grad(objective: Any, thetas: np.ndarray) -> np.ndarray:
    if isinstance(objective, Surface):  # vectorized over rows
        return np.asarray(objective.grad(thetas), dtype=float).reshape(thetas.shape)
    return np.array([objective.grad(theta) for theta in thetas], dtype=float)


def run_ensemble(
    objective: Any,
    starts: Any,
    rule: UpdateRule,
    num_steps: int,
    *,
    record_params: bool = False,
    tol: float | None = None,
    min_value: float = 0.0,
    divergence_threshold: float | None = None,
) -> Ensemble:
    """Run ``rule`` independently from every row of ``starts``, all in one loop.

    Parameters
    ----------
    objective : Objective
        Needs ``dim``, ``grad`` and a batched ``values``; a
        :class:`~landscape.Surface` evaluates all gradients in one vectorized call.
    starts : array_like, shape (n, d)
        One starting point per run (not modified).
    rule : UpdateRule
        A coordinate-wise rule: ``gd``, ``momentum``, ``nesterov``, ``adagrad``,
        ``rmsprop``, ``adam``, ``adamw``, ``adam_l2`` or ``lion``.
    num_steps : int
        Updates per run, >= 0.
    record_params : bool, optional
        Keep every iterate (memory ``(num_steps + 1) n d`` floats).
    tol : float, optional
        Stop early once every run has diverged or reduced its gap
        :math:`f - f^\\star` to at most ``tol`` times its initial gap, a fraction in
        (0, 1).
    min_value : float, optional
        :math:`f^\\star` for ``tol``.
    divergence_threshold : float, optional
        Also count a run as diverged once its loss exceeds this value.

    Returns
    -------
    ensemble : Ensemble
        Losses of every run at every step, the final iterates and which runs diverged.

    Raises
    ------
    TypeError
        If ``objective`` lacks ``dim``/``grad``/``values``, ``rule`` is not an
        :class:`~landscape.UpdateRule`, or an argument has the wrong type.
    ValueError
        If ``rule`` is not coordinate-wise (e.g. wrapped in
        :func:`~landscape.clip_by_global_norm`) or needs a ``grad_fn``, ``starts`` has
        the wrong shape or non-finite entries, ``num_steps < 0``, ``tol`` is outside
        (0, 1), or ``divergence_threshold`` is not positive.

    Notes
    -----
    With the runs stacked as :math:`\\Theta = (\\theta^{(1)}, \\dots, \\theta^{(n)})`,
    the stacked gradient is :math:`(\\nabla f(\\theta^{(1)}), \\dots)`, and for a rule
    whose step in coordinate :math:`i` depends only on the gradients seen in coordinate
    :math:`i` (and on the step count), one update of :math:`\\Theta` is one update of
    each :math:`\\theta^{(j)}`: the result equals ``n`` separate calls of
    :func:`~landscape.minimize`, to rounding.

    See Also
    --------
    minimize : one run, with a full per-step record and line searches.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> well = ls.surface("double_well")
    >>> starts = np.linspace(-1.5, 1.5, 7)[:, None]
    >>> runs = ls.run_ensemble(well, starts, ls.gd(0.05), 300)
    >>> runs.final_params[:, 0].round(2)  # the two minima, near -1.06 and 0.93
    array([-1.06, -1.06, -1.06, -1.06,  0.93,  0.93,  0.93])
    >>> int(ls.run_ensemble(well, starts, ls.gd(0.6), 50).diverged.sum())  # too large
    7
    """
    for method in ("grad", "values"):
        if not callable(getattr(objective, method, None)):
            raise TypeError(
                f"`objective` must provide grad and batched values (an Objective), got "
                f"{type(objective).__name__} without `{method}`."
            )
    dim = getattr(objective, "dim", None)
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 1:
        raise TypeError(f"`objective` must have a positive integer `dim`, got {dim!r}.")
    if not isinstance(rule, UpdateRule):
        raise TypeError(f"`rule` must be an UpdateRule, got {type(rule).__name__}.")
    if rule.needs_grad_fn or rule.name not in COORDINATE_WISE:
        raise ValueError(
            f"`rule` must update coordinate by coordinate (one of {', '.join(COORDINATE_WISE)}), "
            f"got {rule!r}; run it with ls.minimize from each start instead."
        )
    thetas = as_batch(starts, "starts", int(dim))
    num_steps = check_positive_int(num_steps, "num_steps", minimum=0)
    if tol is not None:
        tol = check_fraction(tol, "tol", low_inclusive=False)
    min_value = check_real(min_value, "min_value")
    if divergence_threshold is not None:
        divergence_threshold = check_real(divergence_threshold, "divergence_threshold")
        if divergence_threshold <= 0:
            raise ValueError(
                f"`divergence_threshold` must be positive, got {divergence_threshold:g}."
            )

    n = thetas.shape[0]
    flat = thetas.reshape(-1)
    state = rule.init(flat)
    alive = np.ones(n, dtype=bool)
    losses = np.full((num_steps + 1, n), np.nan)
    params = np.full((num_steps + 1, n, dim), np.nan) if record_params else None
    steps_done = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(num_steps + 1):
            current = flat.reshape(n, dim)
            alive &= np.isfinite(current).all(axis=1)
            everyone = bool(alive.all())
            if everyone:
                values = np.asarray(objective.values(current), dtype=float)
            else:
                values = np.full(n, np.nan)
                if alive.any():
                    values[alive] = objective.values(current[alive])
            bad = ~np.isfinite(values)
            if divergence_threshold is not None:
                bad |= values > divergence_threshold
            if bad.any():
                alive &= ~bad
                everyone = False
                values = np.where(alive, values, np.nan)
            losses[t] = values
            if params is not None:
                params[t][alive] = current[alive]
            steps_done = t
            if t == num_steps or not alive.any():
                break
            if tol is not None and np.all(
                values[alive] - min_value <= tol * (losses[0, alive] - min_value)
            ):
                break
            if everyone:
                grads, here = _batched_grad(objective, current), flat
            else:
                grads = np.zeros((n, dim))
                grads[alive] = _batched_grad(objective, current[alive])
                here = np.where(np.repeat(alive, dim), flat, 0.0)
            step, state = rule.update(grads.reshape(-1), state, here)
            flat = flat + step
            if not everyone:
                flat.reshape(n, dim)[~alive] = np.nan
    losses = losses[: steps_done + 1]
    if params is not None:
        params = read_only(params[: steps_done + 1])
    final = flat.reshape(n, dim).copy()
    final[~alive] = np.nan
    return Ensemble(
        losses=read_only(losses),
        params=params,
        final_params=read_only(final),
        diverged=read_only(~alive),
        num_steps=steps_done,
        rule_name=rule.name,
    )
