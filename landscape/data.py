"""Small synthetic data sets, made in code and seeded, each with a held-out test split.

Every generator returns a :class:`~landscape.Dataset`: read-only arrays ``X, y`` for training and
``X_test, y_test`` drawn independently from the same distribution (``n_test`` rows, which
may be zero), so a chapter can measure a generalization gap without touching the
training data. Classification labels are integers ``0 .. num_classes - 1``; regression
targets have shape ``(n, d_out)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import (
    as_rng,
    check_nonnegative,
    check_positive,
    check_positive_int,
    read_only_copy,
)
from landscape.nn import MLP

__all__ = ["Dataset", "gaussian_blobs", "teacher_student", "two_spirals"]


@dataclass(frozen=True, repr=False)
class Dataset:
    """A training set and an independent test set from one distribution.

    Attributes
    ----------
    X : numpy.ndarray, shape (n, d_in)
        Training inputs.
    y : numpy.ndarray, shape (n,) or (n, d_out)
        Integer labels (classification) or float targets (regression).
    X_test : numpy.ndarray, shape (n_test, d_in)
        Held-out inputs.
    y_test : numpy.ndarray, shape (n_test,) or (n_test, d_out)
        Held-out labels or targets.
    num_classes : int or None
        Number of classes, or ``None`` for regression.
    name : str
        Short label.
    teacher : MLP or None
        The network that generated the targets (teacher-student only).
    teacher_theta : numpy.ndarray or None, shape (teacher.num_params,)
        The teacher's parameters (teacher-student only).

    Examples
    --------
    >>> import landscape as ls
    >>> data = ls.two_spirals(100, n_test=50, rng=0)
    >>> data.num_samples, data.num_features, data.num_outputs, data.X_test.shape
    (100, 2, 2, (50, 2))
    >>> data.X.flags.writeable
    False
    """

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    num_classes: int | None
    name: str
    teacher: MLP | None = None
    teacher_theta: np.ndarray | None = None

    def __post_init__(self) -> None:
        # Own read-only copies: freezing never touches an array the caller still holds.
        for field in ("X", "y", "X_test", "y_test", "teacher_theta"):
            arr = getattr(self, field)
            if arr is not None:
                object.__setattr__(self, field, read_only_copy(arr))

    @property
    def num_samples(self) -> int:
        """Number of training samples ``n``."""
        return self.X.shape[0]

    @property
    def num_features(self) -> int:
        """Input dimension ``d_in``."""
        return self.X.shape[1]

    @property
    def num_outputs(self) -> int:
        """How many outputs a network needs (``num_classes``, or the target dimension)."""
        return self.num_classes if self.num_classes is not None else self.y.shape[1]

    def __repr__(self) -> str:
        kind = (
            f"num_classes={self.num_classes}"
            if self.num_classes is not None
            else f"targets={self.y.shape[1]}"
        )
        return (
            f"Dataset(name={self.name!r}, n={self.num_samples}, n_test={self.X_test.shape[0]}, "
            f"features={self.num_features}, {kind})"
        )


def _balanced_labels(n: int, num_classes: int, gen: np.random.Generator) -> np.ndarray:
    labels = np.arange(n) % num_classes
    gen.shuffle(labels)
    return labels


def gaussian_blobs(
    n: int = 200,
    *,
    num_classes: int = 3,
    dim: int = 2,
    spread: float = 0.5,
    radius: float = 2.0,
    n_test: int = 0,
    rng: int | np.random.Generator = 0,
) -> Dataset:
    r"""Isotropic Gaussian clusters, one per class, with centres on a circle.

    Parameters
    ----------
    n : int, optional
        Training samples (classes balanced to within one sample).
    num_classes : int, optional
        Number of clusters ``k >= 2``.
    dim : int, optional
        Input dimension ``>= 2``.
    spread : float, optional
        Standard deviation of each cluster, ``> 0``.
    radius : float, optional
        Distance of every centre from the origin, ``> 0``.
    n_test : int, optional
        Test samples (``>= 0``), drawn after the training set.
    rng : int or numpy.random.Generator, optional
        Seed or generator.

    Returns
    -------
    data : Dataset
        Integer labels in ``[0, num_classes)``.

    Raises
    ------
    TypeError
        If a count is not an integer, a scale is not a real number, or ``rng`` is not a
        seed or Generator.
    ValueError
        If ``n < 1``, ``num_classes < 2``, ``dim < 2``, ``n_test < 0`` or a scale is not
        positive.

    Notes
    -----
    Centre :math:`j` is :math:`\mu_j = r\,Q\,(\cos(2\pi j/k), \sin(2\pi j/k), 0, \dots)`
    with a random rotation :math:`Q`, and :math:`x \mid (y = j) \sim
    \mathcal{N}(\mu_j, s^2 I)` with :math:`s` = ``spread``. Neighbouring centres are
    :math:`2 r \sin(\pi / k)` apart.

    Examples
    --------
    >>> import landscape as ls
    >>> data = ls.gaussian_blobs(90, num_classes=3, n_test=30, rng=0)
    >>> data
    Dataset(name='gaussian_blobs', n=90, n_test=30, features=2, num_classes=3)
    >>> [int((data.y == j).sum()) for j in range(3)]
    [30, 30, 30]
    """
    n = check_positive_int(n, "n")
    num_classes = check_positive_int(num_classes, "num_classes", minimum=2)
    dim = check_positive_int(dim, "dim", minimum=2)
    spread = check_positive(spread, "spread")
    radius = check_positive(radius, "radius")
    n_test = check_positive_int(n_test, "n_test", minimum=0)
    gen = as_rng(rng)
    rotation, _ = np.linalg.qr(gen.standard_normal((dim, dim)))
    angles = 2.0 * np.pi * np.arange(num_classes) / num_classes
    centres = np.zeros((num_classes, dim))
    centres[:, 0], centres[:, 1] = np.cos(angles), np.sin(angles)
    centres = radius * centres @ rotation.T

    def draw(count: int) -> tuple[np.ndarray, np.ndarray]:
        labels = _balanced_labels(count, num_classes, gen)
        return centres[labels] + spread * gen.standard_normal((count, dim)), labels

    X, y = draw(n)
    X_test, y_test = draw(n_test)
    return Dataset(X, y, X_test, y_test, num_classes, "gaussian_blobs")


def two_spirals(
    n: int = 200,
    *,
    turns: float = 1.5,
    noise: float = 0.05,
    n_test: int = 0,
    rng: int | np.random.Generator = 0,
) -> Dataset:
    r"""Two interleaved spirals in the plane, labels 0 and 1: a classic hard 2-D task.

    Parameters
    ----------
    n : int, optional
        Training samples (half per spiral, to within one).
    turns : float, optional
        Number of turns of each spiral, ``> 0``.
    noise : float, optional
        Standard deviation of Gaussian noise added to each coordinate, ``>= 0``.
    n_test : int, optional
        Test samples (``>= 0``).
    rng : int or numpy.random.Generator, optional
        Seed or generator.

    Returns
    -------
    data : Dataset
        Inputs of shape ``(n, 2)`` inside the unit disc (before noise).

    Raises
    ------
    TypeError
        If a count is not an integer, a scale is not a real number, or ``rng`` is not a
        seed or Generator.
    ValueError
        If ``n < 1``, ``n_test < 0``, ``turns <= 0`` or ``noise < 0``.

    Notes
    -----
    A point of class :math:`c \in \{0, 1\}` at position :math:`t \sim U(0, 1)` along its
    spiral is :math:`(-1)^c\, t\, (\cos 2\pi T t, \sin 2\pi T t) + \sigma \varepsilon`
    with :math:`T` = ``turns``, :math:`\sigma` = ``noise``, :math:`\varepsilon \sim
    \mathcal{N}(0, I_2)`: the second spiral is the first rotated by :math:`\pi`.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> data = ls.two_spirals(100, noise=0.0, rng=0)
    >>> data.X.shape, float(np.linalg.norm(data.X, axis=1).max()) <= 1.0
    ((100, 2), True)
    """
    n = check_positive_int(n, "n")
    turns = check_positive(turns, "turns")
    noise = check_nonnegative(noise, "noise")
    n_test = check_positive_int(n_test, "n_test", minimum=0)
    gen = as_rng(rng)

    def draw(count: int) -> tuple[np.ndarray, np.ndarray]:
        labels = _balanced_labels(count, 2, gen)
        t = gen.uniform(0.0, 1.0, count)
        angle = 2.0 * np.pi * turns * t
        sign = np.where(labels == 0, 1.0, -1.0)
        X = (sign * t)[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
        return X + noise * gen.standard_normal((count, 2)), labels

    X, y = draw(n)
    X_test, y_test = draw(n_test)
    return Dataset(X, y, X_test, y_test, 2, "two_spirals")


def teacher_student(
    n: int = 200,
    *,
    widths: tuple[int, ...] = (5, 16, 1),
    activation: str = "tanh",
    noise: float = 0.1,
    n_test: int = 0,
    rng: int | np.random.Generator = 0,
    **init_kwargs: Any,
) -> Dataset:
    r"""Regression targets produced by a random "teacher" MLP plus Gaussian noise.

    Parameters
    ----------
    n : int, optional
        Training samples.
    widths : tuple of int, optional
        The teacher's widths ``(d_in, ..., d_out)``; inputs are ``d_in``-dimensional.
    activation : str, optional
        The teacher's activation (see :class:`~landscape.MLP`).
    noise : float, optional
        Standard deviation of the label noise, ``>= 0``.
    n_test : int, optional
        Test samples (``>= 0``), with their own noise.
    rng : int or numpy.random.Generator, optional
        Seed or generator (teacher, inputs and noise all come from it).
    **init_kwargs
        Passed to :meth:`~landscape.MLP.init` for the teacher (``scheme``, ``scale``).

    Returns
    -------
    data : Dataset
        ``y`` of shape ``(n, d_out)``; ``teacher`` and ``teacher_theta`` are set.

    Raises
    ------
    TypeError
        If a count is not an integer or ``rng`` is not a seed or Generator.
    ValueError
        If ``n < 1``, ``n_test < 0``, ``noise < 0``, or the widths or activation are
        invalid.

    Notes
    -----
    :math:`x \sim \mathcal{N}(0, I)`, :math:`y = f_{\theta^\star}(x) + \sigma
    \varepsilon`. A student with the teacher's architecture can reach the noise floor:
    its expected test MSE (as defined in ``landscape.nn``) is at least
    :math:`\sigma^2 d_{\mathrm{out}} / 2`.

    Examples
    --------
    >>> import landscape as ls
    >>> data = ls.teacher_student(50, widths=(3, 8, 2), noise=0.0, n_test=10, rng=0)
    >>> data.y.shape, data.y_test.shape, data.teacher.widths
    ((50, 2), (10, 2), (3, 8, 2))
    """
    n = check_positive_int(n, "n")
    noise = check_nonnegative(noise, "noise")
    n_test = check_positive_int(n_test, "n_test", minimum=0)
    teacher = MLP(widths, activation)
    gen = as_rng(rng)
    theta = teacher.init(gen, **init_kwargs)

    def draw(count: int) -> tuple[np.ndarray, np.ndarray]:
        X = gen.standard_normal((count, teacher.widths[0]))
        clean = teacher.forward(theta, X) if count else np.zeros((0, teacher.widths[-1]))
        return X, clean + noise * gen.standard_normal(clean.shape)

    X, y = draw(n)
    X_test, y_test = draw(n_test)
    return Dataset(X, y, X_test, y_test, None, "teacher_student", teacher, theta)
