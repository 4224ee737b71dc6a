r"""Averaging weights: the tail of one run (SWA) and several fine-tuned solutions (soups).

An average of parameter vectors is a point on the segments between them. It is a good
network exactly when the loss is low on those segments, that is, when the solutions share
a basin: the checkpoints of one run's tail (stochastic weight averaging, Izmailov et al.
2018), or networks fine-tuned from one parent (model soups, Wortsman et al. 2022). Two
independently trained networks usually do not share one until their hidden units are
aligned (:func:`~landscape.align_networks`).

* :func:`~landscape.tail_average`: the uniform average of a trajectory's recorded
  parameters over the last fraction of its steps.
* :func:`~landscape.uniform_soup`: the uniform average of several parameter vectors.
* :func:`~landscape.greedy_soup`: add ingredients in order of held-out score, keeping each
  only if the soup's held-out score does not drop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import as_batch, check_choice, check_fraction, read_only_copy

__all__ = ["WeightAverage", "greedy_soup", "tail_average", "uniform_soup"]

SOUP_METRICS = ("accuracy", "loss")


@dataclass(frozen=True, repr=False)
class WeightAverage:
    """An average of parameter vectors and which ones went into it.

    Attributes
    ----------
    theta : numpy.ndarray, shape (d,)
        The averaged parameters (read-only).
    members : numpy.ndarray of int, shape (k,)
        What was averaged: trajectory steps (:func:`~landscape.tail_average`) or row
        indices of the candidates, in the order they were added (soups).
    scores : numpy.ndarray, shape (n,), or None
        Held-out score of every candidate (:func:`~landscape.greedy_soup` only).
    score : float or None
        Held-out score of the average (:func:`~landscape.greedy_soup` only).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> soup = ls.uniform_soup([[0.0, 2.0], [2.0, 4.0]])
    >>> soup
    WeightAverage(members=2, dim=2)
    >>> soup.theta, soup.members
    (array([1., 3.]), array([0, 1]))
    """

    theta: np.ndarray
    members: np.ndarray
    scores: np.ndarray | None = None
    score: float | None = None

    def __post_init__(self) -> None:
        for name in ("theta", "members", "scores"):
            arr = getattr(self, name)
            if arr is not None:
                object.__setattr__(self, name, read_only_copy(arr))

    @property
    def num_members(self) -> int:
        """How many parameter vectors were averaged."""
        return int(self.members.size)

    def __repr__(self) -> str:
        score = "" if self.score is None else f", score={self.score:.4g}"
        return f"WeightAverage(members={self.num_members}, dim={self.theta.size}{score})"


def tail_average(trajectory: Any, *, fraction: float = 0.5) -> WeightAverage:
    r"""Stochastic weight averaging: the mean of a run's recorded parameters over its tail.

    Parameters
    ----------
    trajectory : Trajectory
        A run with recorded parameters (``record_params=True``), from
        :func:`~landscape.train` or :func:`~landscape.minimize`.
    fraction : float, optional
        The tail: records at steps :math:`\ge (1 - f)\,T` are averaged, with :math:`T` the
        last step and :math:`f` = ``fraction`` in ``(0, 1]``.

    Returns
    -------
    average : WeightAverage
        ``members`` holds the averaged steps.

    Raises
    ------
    TypeError
        If ``trajectory`` is not a :class:`~landscape.Trajectory` or ``fraction`` is not
        a real number.
    ValueError
        If the trajectory has no recorded parameters, holds non-finite parameters in the
        tail (a diverged run), or ``fraction`` is not in ``(0, 1]``.

    Notes
    -----
    With checkpoints :math:`\theta_{s}` recorded at steps :math:`s \in S`,

    .. math:: \theta_{\mathrm{SWA}} = \frac{1}{|S_f|} \sum_{s \in S_f} \theta_s, \qquad
              S_f = \{ s \in S : s \ge (1 - f)\,T \}.

    Izmailov et al. (2018) average once per epoch (or per cycle of a cyclic learning
    rate) during a tail trained with a constant or cyclic rate, so that the iterates
    explore the basin instead of settling: record every epoch with ``record_every``.

    References
    ----------
    Izmailov, P., Podoprikhin, D., Garipov, T., Vetrov, D., Wilson, A. G. (2018).
    Averaging weights leads to wider optima and better generalization. UAI.
    arXiv:1803.05407.

    Examples
    --------
    >>> import landscape as ls
    >>> bowl = ls.from_function(lambda t: float(t @ t), dim=1, grad=lambda t: 2 * t)
    >>> run = ls.minimize(bowl, [1.0], ls.gd(0.25), 4)  # iterates 1, 1/2, 1/4, 1/8, 1/16
    >>> average = ls.tail_average(run, fraction=0.5)
    >>> average.members, average.theta  # mean of 1/4, 1/8, 1/16
    (array([2, 3, 4]), array([0.14583333]))
    """
    from landscape.training import Trajectory

    if not isinstance(trajectory, Trajectory):
        raise TypeError(f"`trajectory` must be a Trajectory, got {type(trajectory).__name__}.")
    if trajectory.params is None:
        raise ValueError("`trajectory` has no recorded parameters; train with record_params=True.")
    fraction = check_fraction(fraction, "fraction", low_inclusive=False, high_inclusive=True)
    steps = np.asarray(trajectory.steps)
    last = int(steps[-1])
    keep = steps >= (1.0 - fraction) * last
    params = np.asarray(trajectory.params)[keep]
    if not np.all(np.isfinite(params)):
        raise ValueError(
            "`trajectory` has non-finite parameters in the averaged tail (the run diverged)."
        )
    return WeightAverage(params.mean(axis=0), steps[keep].copy())


def uniform_soup(thetas: Any) -> WeightAverage:
    r"""The uniform average of several parameter vectors (a uniform model soup).

    Parameters
    ----------
    thetas : array_like, shape (n, d)
        One parameter vector per row (not modified), e.g. networks fine-tuned from one
        parent.

    Returns
    -------
    soup : WeightAverage
        ``theta`` is the mean of the rows; ``members`` is ``0 .. n-1``.

    Raises
    ------
    TypeError
        If ``thetas`` is not numeric.
    ValueError
        If ``thetas`` is not a non-empty 2-D array or holds NaN/inf.

    Notes
    -----
    .. math:: \theta_{\mathrm{soup}} = \frac1n \sum_{i=1}^{n} \theta_i .

    References
    ----------
    Wortsman, M., Ilharco, G., Gadre, S. Y., et al. (2022). Model soups: averaging weights
    of multiple fine-tuned models improves accuracy without increasing inference time.
    ICML. arXiv:2203.05482.

    Examples
    --------
    >>> import landscape as ls
    >>> ls.uniform_soup([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]).theta
    array([1., 1.])
    """
    thetas = _candidates(thetas)
    return WeightAverage(thetas.mean(axis=0), np.arange(thetas.shape[0]))


def _candidates(thetas: Any) -> np.ndarray:
    arr = as_batch(thetas, "thetas")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"`thetas` must hold at least one vector, got shape {arr.shape}.")
    return arr


def _scorer(held_out: Any, metric: str, dim: int):
    check_choice(metric, "metric", SOUP_METRICS)
    if not callable(getattr(held_out, "values", None)) or not hasattr(held_out, "dim"):
        raise TypeError(
            "`held_out` must be an objective on held-out data (with `dim` and `values`), "
            f"got {type(held_out).__name__}."
        )
    if int(held_out.dim) != dim:
        raise ValueError(
            f"`held_out.dim` is {held_out.dim}, but the candidates have {dim} entries."
        )
    if metric == "loss":
        return lambda thetas: -np.asarray(held_out.values(thetas), dtype=float)
    if getattr(held_out, "loss", None) != "cross_entropy" or not hasattr(held_out, "mlp"):
        raise ValueError(
            "`metric='accuracy'` needs a cross-entropy network objective as `held_out`; "
            "use metric='loss' otherwise."
        )
    from landscape.connectivity import _accuracies

    return lambda thetas: _accuracies(held_out, thetas)


def greedy_soup(thetas: Any, held_out: Any, *, metric: str = "accuracy") -> WeightAverage:
    r"""A greedy model soup: add candidates by held-out score while the soup does not get worse.

    Parameters
    ----------
    thetas : array_like, shape (n, d)
        Candidate parameter vectors, one per row (not modified).
    held_out : Objective
        The objective on held-out data (not the training data), e.g.
        ``objective.with_data(X_val, y_val)``.
    metric : {"accuracy", "loss"}, optional
        Rank and accept by held-out accuracy (higher is better; needs a cross-entropy
        network objective) or held-out loss (lower is better).

    Returns
    -------
    soup : WeightAverage
        ``members`` are the accepted rows in the order they were added (the best
        candidate first); ``scores`` the held-out score of every candidate and ``score``
        that of the soup (accuracy, or loss for ``metric="loss"``).

    Raises
    ------
    TypeError
        If ``thetas`` is not numeric or ``held_out`` is not an objective.
    ValueError
        If ``thetas`` is empty or holds NaN/inf, ``held_out.dim`` differs from the
        candidates' size, ``metric`` is unknown, or ``metric="accuracy"`` for an
        objective without accuracy.

    Notes
    -----
    Sort the candidates by held-out score, best first; start the soup with the best;
    for each next candidate :math:`\theta_i`, form the average of the soup's members and
    :math:`\theta_i`, and keep :math:`\theta_i` if the held-out score of that average is
    at least the soup's current score (Wortsman et al. 2022, Recipe 1). By construction
    the greedy soup scores at least as well as the best single candidate on the held-out
    data (not necessarily on a test set).

    References
    ----------
    Wortsman, M., Ilharco, G., Gadre, S. Y., et al. (2022). Model soups. ICML.
    arXiv:2203.05482.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> bowl = ls.from_function(lambda t: float(t @ t), dim=1)
    >>> soup = ls.greedy_soup([[3.0], [-1.0], [1.0], [-8.0]], bowl, metric="loss")
    >>> soup.members, soup.theta, soup.score  # -1 and 1 average to 0; 3 and -8 are refused
    (array([1, 2]), array([0.]), 0.0)
    """
    thetas = _candidates(thetas)
    score_of = _scorer(held_out, metric, thetas.shape[1])
    scores = score_of(thetas)
    order = np.argsort(-scores, kind="stable")
    members = [int(order[0])]
    total = thetas[order[0]].copy()
    best = float(scores[order[0]])
    for i in order[1:]:
        trial = (total + thetas[i]) / (len(members) + 1)
        trial_score = float(score_of(trial[None, :])[0])
        if trial_score >= best:
            members.append(int(i))
            total += thetas[i]
            best = trial_score
    sign = 1.0 if metric == "accuracy" else -1.0
    return WeightAverage(total / len(members), np.array(members), sign * scores, sign * best + 0.0)
