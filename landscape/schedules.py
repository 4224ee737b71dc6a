"""Learning-rate schedules: callables ``schedule(count) -> float``.

A schedule maps the number of updates already applied, ``count`` (0 before the first
update), to a learning rate. Every update rule in :mod:`landscape.optim` accepts either a
positive float or a schedule as its ``learning_rate``. The schedules here also accept an
integer array of counts and then return an array, which is convenient for plotting::

    lr = ls.linear_warmup(ls.cosine_decay(0.1, decay_steps=900), warmup_steps=100)
    plt.plot(lr(np.arange(1000)))

Any other callable ``count -> float`` works as a schedule too; the update rules check at
run time that what it returns is finite and non-negative.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from landscape._validation import (
    check_fraction,
    check_nonnegative,
    check_positive,
    check_positive_int,
)

__all__ = ["constant", "cosine_decay", "exponential_decay", "linear_warmup", "step_decay"]

Schedule = Callable[[int], float]


class _Schedule:
    """Base class: validates ``count`` and works on scalars and integer arrays alike."""

    def _evaluate(self, count: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, count: Any) -> Any:
        if isinstance(count, numbers.Integral) and not isinstance(count, bool):
            if count < 0:
                raise ValueError(f"`count` must be non-negative, got {int(count)}.")
            return float(self._evaluate(np.asarray(int(count))))
        arr = np.asarray(count)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(
                f"`count` must be an integer or an integer array, got dtype {arr.dtype}."
            )
        if arr.size and arr.min() < 0:
            raise ValueError(f"`count` must be non-negative, got minimum {int(arr.min())}.")
        return np.asarray(self._evaluate(arr), dtype=float)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{self._name}({args})"


def _evaluate_any(schedule: Schedule, count: np.ndarray) -> np.ndarray:
    """Evaluate a schedule of ours (vectorized) or a user's callable (element by element)."""
    if isinstance(schedule, _Schedule):
        return schedule._evaluate(count)
    flat = [float(schedule(int(c))) for c in np.ravel(count)]
    return np.reshape(np.array(flat, dtype=float), np.shape(count))


class _Constant(_Schedule):
    _name = "constant"

    def __init__(self, value: float):
        self.value = value

    def _evaluate(self, count):
        return np.full(np.shape(count), self.value, dtype=float)


class _StepDecay(_Schedule):
    _name = "step_decay"

    def __init__(self, initial_value: float, decay_rate: float, decay_every: int):
        self.initial_value = initial_value
        self.decay_rate = decay_rate
        self.decay_every = decay_every

    def _evaluate(self, count):
        return self.initial_value * self.decay_rate ** (count // self.decay_every)


class _ExponentialDecay(_Schedule):
    _name = "exponential_decay"

    def __init__(self, initial_value: float, decay_rate: float, decay_steps: int):
        self.initial_value = initial_value
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps

    def _evaluate(self, count):
        return self.initial_value * self.decay_rate ** (count / self.decay_steps)


class _CosineDecay(_Schedule):
    _name = "cosine_decay"

    def __init__(self, initial_value: float, decay_steps: int, final_value: float):
        self.initial_value = initial_value
        self.decay_steps = decay_steps
        self.final_value = final_value

    def _evaluate(self, count):
        fraction = np.minimum(count, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + np.cos(np.pi * fraction))
        return self.final_value + (self.initial_value - self.final_value) * cosine


class _LinearWarmup(_Schedule):
    _name = "linear_warmup"

    def __init__(self, schedule: Schedule, warmup_steps: int, start_value: float):
        self.schedule = schedule
        self.warmup_steps = warmup_steps
        self.start_value = start_value

    def _evaluate(self, count):
        peak = float(_evaluate_any(self.schedule, np.asarray(0)))
        ramp = self.start_value + (peak - self.start_value) * count / self.warmup_steps
        after = _evaluate_any(self.schedule, np.maximum(count - self.warmup_steps, 0))
        return np.where(count < self.warmup_steps, ramp, after)


def constant(value: float) -> Schedule:
    """Return the schedule that is ``value`` at every count.

    Parameters
    ----------
    value : float
        The learning rate, > 0.

    Returns
    -------
    schedule : callable
        ``schedule(count) -> float`` (or an array for an integer array of counts).

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not finite and positive.

    Notes
    -----
    .. math:: \\eta_t = \\text{value}.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.constant(0.1)(7)
    0.1
    """
    return _Constant(check_positive(value, "value"))


def step_decay(initial_value: float, decay_rate: float, decay_every: int) -> Schedule:
    """Return a piecewise-constant schedule, multiplied by ``decay_rate`` at every drop.

    Parameters
    ----------
    initial_value : float
        Learning rate for counts ``0 .. decay_every - 1``, > 0.
    decay_rate : float
        Factor applied at each drop, in (0, 1].
    decay_every : int
        Number of counts between drops, >= 1.

    Returns
    -------
    schedule : callable
        ``schedule(count) -> float``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``initial_value <= 0``, ``decay_rate`` is outside (0, 1] or ``decay_every < 1``.

    Notes
    -----
    With :math:`\\eta_0` = ``initial_value``, :math:`\\gamma` = ``decay_rate`` and
    :math:`k` = ``decay_every``,

    .. math:: \\eta_t = \\eta_0 \\, \\gamma^{\\lfloor t / k \\rfloor}.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ls.step_decay(1.0, 0.5, decay_every=2)(np.arange(6))
    array([1.  , 1.  , 0.5 , 0.5 , 0.25, 0.25])
    """
    return _StepDecay(
        check_positive(initial_value, "initial_value"),
        check_fraction(decay_rate, "decay_rate", low_inclusive=False, high_inclusive=True),
        check_positive_int(decay_every, "decay_every"),
    )


def exponential_decay(initial_value: float, decay_rate: float, decay_steps: int = 1) -> Schedule:
    """Return the smooth schedule that is multiplied by ``decay_rate`` every ``decay_steps`` counts.

    Parameters
    ----------
    initial_value : float
        Learning rate at count 0, > 0.
    decay_rate : float
        Factor per ``decay_steps`` counts, in (0, 1].
    decay_steps : int, optional
        Number of counts over which the rate falls by ``decay_rate``, >= 1.

    Returns
    -------
    schedule : callable
        ``schedule(count) -> float``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``initial_value <= 0``, ``decay_rate`` is outside (0, 1] or ``decay_steps < 1``.

    Notes
    -----
    With :math:`\\eta_0` = ``initial_value``, :math:`\\gamma` = ``decay_rate`` and
    :math:`k` = ``decay_steps``,

    .. math:: \\eta_t = \\eta_0 \\, \\gamma^{t / k}.

    Examples
    --------
    >>> import landscape as ls
    >>> round(ls.exponential_decay(0.1, 0.5, decay_steps=10)(20), 6)
    0.025
    """
    return _ExponentialDecay(
        check_positive(initial_value, "initial_value"),
        check_fraction(decay_rate, "decay_rate", low_inclusive=False, high_inclusive=True),
        check_positive_int(decay_steps, "decay_steps"),
    )


def cosine_decay(initial_value: float, decay_steps: int, final_value: float = 0.0) -> Schedule:
    """Return a half-cosine from ``initial_value`` to ``final_value`` over ``decay_steps`` counts.

    Parameters
    ----------
    initial_value : float
        Learning rate at count 0, > 0.
    decay_steps : int
        Count at which ``final_value`` is reached and then held, >= 1.
    final_value : float, optional
        Learning rate from ``decay_steps`` on, in [0, ``initial_value``].

    Returns
    -------
    schedule : callable
        ``schedule(count) -> float``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``initial_value <= 0``, ``decay_steps < 1`` or ``final_value`` is outside
        [0, ``initial_value``].

    Notes
    -----
    With :math:`\\eta_0` = ``initial_value``, :math:`\\eta_\\infty` = ``final_value`` and
    :math:`T` = ``decay_steps``,

    .. math::
        \\eta_t = \\eta_\\infty + (\\eta_0 - \\eta_\\infty) \\,
        \\tfrac12 \\bigl(1 + \\cos(\\pi \\min(t, T) / T)\\bigr).

    References
    ----------
    I. Loshchilov and F. Hutter, "SGDR: Stochastic gradient descent with warm restarts",
    ICLR 2017, arXiv:1608.03983.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ls.cosine_decay(1.0, decay_steps=4)(np.arange(6)).round(4)
    array([1.    , 0.8536, 0.5   , 0.1464, 0.    , 0.    ])
    """
    initial_value = check_positive(initial_value, "initial_value")
    decay_steps = check_positive_int(decay_steps, "decay_steps")
    final_value = check_nonnegative(final_value, "final_value")
    if final_value > initial_value:
        raise ValueError(
            f"`final_value` must not exceed `initial_value` ({initial_value:g}), "
            f"got {final_value:g}."
        )
    return _CosineDecay(initial_value, decay_steps, final_value)


def linear_warmup(
    schedule: float | Schedule, warmup_steps: int, start_value: float = 0.0
) -> Schedule:
    """Prepend a linear ramp of ``warmup_steps`` counts to ``schedule``.

    The ramp rises from ``start_value`` at count 0 towards ``schedule(0)``, which is
    reached at count ``warmup_steps``; from there on the result follows ``schedule``
    shifted by ``warmup_steps`` (so a cosine decay starts after the warmup).

    Parameters
    ----------
    schedule : float or callable
        The schedule to follow after the warmup (a float means a constant rate).
    warmup_steps : int
        Length of the ramp, >= 1.
    start_value : float, optional
        Learning rate at count 0, >= 0. With the default 0 the first update is a null
        step.

    Returns
    -------
    schedule : callable
        ``schedule(count) -> float``.

    Raises
    ------
    TypeError
        If ``schedule`` is neither a real number nor callable, or another argument has the
        wrong type.
    ValueError
        If ``schedule`` is a non-positive float, ``warmup_steps < 1`` or
        ``start_value < 0``.

    Notes
    -----
    With :math:`\\eta^{\\text{base}}` = ``schedule``, :math:`W` = ``warmup_steps`` and
    :math:`\\eta_{\\text{start}}` = ``start_value``,

    .. math::
        \\eta_t = \\begin{cases}
        \\eta_{\\text{start}} + (\\eta^{\\text{base}}_0 - \\eta_{\\text{start}})\\, t / W
        & t < W, \\\\
        \\eta^{\\text{base}}_{t - W} & t \\ge W.
        \\end{cases}

    References
    ----------
    P. Goyal et al., "Accurate, large minibatch SGD: training ImageNet in 1 hour",
    arXiv:1706.02677 (2017).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> lr = ls.linear_warmup(ls.step_decay(1.0, 0.5, decay_every=2), warmup_steps=4)
    >>> lr(np.arange(9))
    array([0.  , 0.25, 0.5 , 0.75, 1.  , 1.  , 0.5 , 0.5 , 0.25])
    """
    return _LinearWarmup(
        as_schedule(schedule, "schedule"),
        check_positive_int(warmup_steps, "warmup_steps"),
        check_nonnegative(start_value, "start_value"),
    )


def as_schedule(learning_rate: Any, name: str = "learning_rate") -> Schedule:
    """Return ``learning_rate`` as a schedule: a positive float becomes :func:`constant`."""
    if callable(learning_rate):
        return learning_rate
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(
            f"`{name}` must be a positive float or a schedule callable count -> float, "
            f"got {type(learning_rate).__name__}."
        )
    return _Constant(check_positive(learning_rate, name))


def schedule_value(schedule: Schedule, count: int, name: str = "learning_rate") -> float:
    """Evaluate ``schedule`` at ``count`` and check the result is finite and non-negative."""
    value = schedule(count)
    try:
        value = float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"`{name}` schedule must return a real number, got {type(value).__name__} "
            f"at count {count}."
        ) from exc
    if not np.isfinite(value) or value < 0:
        raise ValueError(
            f"`{name}` schedule must return finite non-negative values, got {value!r} "
            f"at count {count}."
        )
    return value
