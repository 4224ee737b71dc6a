r"""Directions in parameter space for looking at a landscape, and how they were made.

What a slice of the loss shows depends on its directions, so they are a record of their
own (:class:`~landscape.Directions`) that says how they were made:

* :func:`~landscape.random_directions`: Gaussian directions, raw or *filter-normalized*
  (Li et al. 2018): every output unit's slice of the direction is rescaled to the norm of
  that unit's incoming weights, biases left unperturbed, and later directions are
  orthogonalized unit by unit so the normalization survives. Filter-normalized slices
  are invariant under the rescalings that leave a ReLU network's function unchanged;
  raw ones are not.
* :func:`~landscape.normalize_directions`: the same rescaling applied to given directions.
* :func:`~landscape.pca_directions`: the top principal directions of a training
  trajectory around its end point (the trajectory-informed plane), so the plane
  contains as much of the route as a plane can.
* :func:`~landscape.hessian_directions`: Hessian eigenvectors (the sharpest and the most
  negative directions).

The slices themselves are in :mod:`landscape.slices`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import (
    as_batch,
    as_rng,
    as_vector,
    check_choice,
    check_positive_int,
    read_only_copy,
)
from landscape.nn import MLP, ParamBlock

__all__ = [
    "Directions",
    "hessian_directions",
    "normalize_directions",
    "pca_directions",
    "random_directions",
]

NORMALIZATIONS = ("filter", "layer", "none")
BIAS_MODES = ("zero", "normalize")
# A direction (or a Gram-Schmidt residual) counts as zero below this fraction of the scale.
_DEGENERATE_RTOL = 1e-10


# --------------------------------------------------------------------------------------
# the record


@dataclass(frozen=True, repr=False)
class Directions:
    """Directions in parameter space and how they were made.

    Attributes
    ----------
    vectors : numpy.ndarray, shape (k, d)
        One direction per row (read-only).
    kind : str
        ``"random"``, ``"pca"``, ``"hessian"``, ``"points"`` or ``"custom"``.
    normalization : str
        ``"filter"``, ``"layer"``, ``"none"`` (raw) or ``"orthonormal"`` (unit,
        mutually orthogonal rows, as from PCA, eigenvectors or Gram-Schmidt).
    seed : int or None
        The integer seed of random directions (``None`` if a Generator was passed or
        there was no randomness).
    values : numpy.ndarray, shape (k,), or None
        Explained-variance ratios (``kind="pca"``) or eigenvalues (``kind="hessian"``).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> dirs = ls.random_directions(np.ones(5), normalization="none", rng=0)
    >>> dirs
    Directions(kind='random', normalization='none', seed=0, shape=(2, 5))
    >>> dirs.label
    'random directions (raw Gaussian, seed 0)'
    """

    vectors: np.ndarray
    kind: str
    normalization: str
    seed: int | None = None
    values: np.ndarray | None = None

    def __post_init__(self) -> None:
        # Own read-only copies: freezing never touches an array the caller still holds.
        for name in ("vectors", "values"):
            arr = getattr(self, name)
            if arr is not None:
                object.__setattr__(self, name, read_only_copy(arr, float))

    @property
    def num_directions(self) -> int:
        """Number of directions ``k``."""
        return self.vectors.shape[0]

    @property
    def dim(self) -> int:
        """Dimension ``d`` of the parameter space."""
        return self.vectors.shape[1]

    @property
    def label(self) -> str:
        """A short description for a figure's title or legend."""
        norm = {
            "filter": "filter-normalized",
            "layer": "layer-normalized",
            "none": "raw Gaussian" if self.kind == "random" else "unnormalized",
            "orthonormal": "orthonormal",
        }[self.normalization]
        seed = f", seed {self.seed}" if self.seed is not None else ""
        if self.kind == "random":
            return f"random directions ({norm}{seed})"
        if self.kind == "pca" and self.values is not None:
            shares = ", ".join(f"{100 * v:.0f}%" for v in self.values)
            return f"PCA of the trajectory (variance explained {shares})"
        if self.kind == "hessian" and self.values is not None:
            eigs = ", ".join(f"{v:.3g}" for v in self.values)
            return f"Hessian eigenvectors (eigenvalues {eigs})"
        if self.kind == "points":
            return "through the given points"
        return f"{self.kind} directions ({norm}{seed})"

    def project(self, points: Any, center: Any) -> np.ndarray:
        r"""Coordinates of points in the affine span ``center + span(vectors)``.

        Parameters
        ----------
        points : array_like, shape (m, d) or (d,)
            Parameter vectors, e.g. a trajectory's ``params``.
        center : array_like, shape (d,)
            The origin of the coordinates.

        Returns
        -------
        coordinates : numpy.ndarray, shape (m, k)
            Least-squares coordinates :math:`c` with
            :math:`\theta \approx \theta_c + \sum_i c_i d_i` (exact for points in the
            span; the orthogonal projection otherwise).

        Raises
        ------
        TypeError
            If an argument is not numeric.
        ValueError
            If a shape does not match ``d`` or an entry is not finite.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> dirs = ls.Directions(np.array([[2.0, 0.0, 0.0]]), "custom", "none")
        >>> dirs.project([[4.0, 1.0, 0.0]], center=np.zeros(3))
        array([[2.]])
        """
        points = as_batch(points, "points", self.dim)
        center = as_vector(center, "center", self.dim)
        return _project(points, center, self.vectors)

    def __repr__(self) -> str:
        return (
            f"Directions(kind={self.kind!r}, normalization={self.normalization!r}, "
            f"seed={self.seed}, shape={self.vectors.shape})"
        )


# --------------------------------------------------------------------------------------
# helpers


def _project(points: np.ndarray, center: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    gram = vectors @ vectors.T
    rhs = vectors @ (points - center).T
    return np.linalg.lstsq(gram, rhs, rcond=None)[0].T


def _seed_of(rng: Any) -> int | None:
    return int(rng) if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) else None


def _param_blocks(layers: Any, dim: int) -> tuple[ParamBlock, ...]:
    """The named blocks of a network, from an MLP, an object with ``.mlp`` or blocks."""
    if isinstance(layers, MLP):
        blocks = layers.layers
    elif isinstance(getattr(layers, "mlp", None), MLP):
        blocks = layers.mlp.layers
    elif isinstance(layers, Sequence) and layers and all(isinstance(b, ParamBlock) for b in layers):
        blocks = tuple(layers)
    else:
        raise TypeError(
            "`layers` must be an MLP, an objective with an `mlp` attribute, or a sequence "
            f"of ParamBlock, got {type(layers).__name__}."
        )
    stop = max(b.stop for b in blocks)
    if stop != dim:
        raise ValueError(
            f"`layers` describe {stop} parameters but `theta` has {dim}; pass the layers of "
            "the network `theta` belongs to."
        )
    return blocks


def _groups(
    blocks: tuple[ParamBlock, ...] | None, dim: int, normalization: str, bias: str
) -> list[tuple[int, int, int, int]]:
    """Normalization groups as ``(start, stop, rows, cols)``: each row of the block is one.

    Components in no group get a zero direction.
    """
    if normalization == "none":
        return [(0, dim, 1, dim)]
    groups = []
    for b in blocks:
        if b.kind == "weight":
            rows, cols = b.shape if normalization == "filter" else (1, b.size)
        elif bias == "normalize":
            rows, cols = (b.size, 1) if normalization == "filter" else (1, b.size)
        else:
            continue
        groups.append((b.start, b.stop, rows, cols))
    return groups


def _row_norms(block: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("ij,ij->i", block, block))[:, None]


def _normalized(
    raw: np.ndarray,
    theta: np.ndarray,
    groups: list[tuple[int, int, int, int]],
    normalization: str,
    orthogonalize: bool,
) -> np.ndarray:
    """Rescale (and optionally orthogonalize) each row of ``raw`` group by group.

    Orthogonalization is Gram-Schmidt inside every group, before rescaling: each group of
    a later direction is made orthogonal to the same group of the earlier ones, so the
    directions are orthogonal overall *and* keep the prescribed group norms.
    """
    k, d = raw.shape
    out = np.zeros((k, d))
    for start, stop, rows, cols in groups:
        units: list[np.ndarray] = []
        target = None
        if normalization != "none":
            target = _row_norms(theta[start:stop].reshape(rows, cols))
        for i in range(k):
            block = raw[i, start:stop].reshape(rows, cols)
            raw_norms = _row_norms(block)
            if orthogonalize:
                resid = block.copy()
                for unit in units:
                    resid -= np.einsum("ij,ij->i", resid, unit)[:, None] * unit
                # A group with fewer entries than directions cannot hold k orthogonal
                # pieces: such rows keep the raw draw (documented in the callers).
                degenerate = _row_norms(resid) <= _DEGENERATE_RTOL * raw_norms
                block = np.where(degenerate, block, resid)
            norms = _row_norms(block)
            unit = np.divide(block, norms, out=np.zeros_like(block), where=norms > 0)
            units.append(unit)
            scale = raw_norms if target is None else target
            out[i, start:stop] = (unit * scale).ravel()
    return out


def _as_directions(directions: Any, dim: int, name: str = "directions") -> Directions:
    if isinstance(directions, Directions):
        if directions.dim != dim:
            raise ValueError(
                f"`{name}` must have {dim} columns (one per parameter), got "
                f"shape {directions.vectors.shape}."
            )
        return directions
    vectors = as_batch(directions, name, dim)
    return Directions(vectors, "custom", "none")


# --------------------------------------------------------------------------------------
# directions


def random_directions(
    theta: Any,
    layers: Any = None,
    *,
    num_directions: int = 2,
    normalization: str = "filter",
    bias: str = "zero",
    rng: int | np.random.Generator = 0,
) -> Directions:
    r"""Gaussian random directions around ``theta``, filter-normalized by default.

    Parameters
    ----------
    theta : array_like, shape (d,)
        The point the directions are scaled to (not modified).
    layers : MLP, NetworkObjective or sequence of ParamBlock, optional
        The network's layer structure; required unless ``normalization="none"``.
    num_directions : int, optional
        ``k >= 1``.
    normalization : {"filter", "layer", "none"}, optional
        ``"filter"``: each output unit (row of a weight matrix) gets the norm of that
        unit's weights in ``theta``. ``"layer"``: each weight matrix gets that matrix's
        norm. ``"none"``: raw standard Gaussian vectors (all parameters perturbed).
    bias : {"zero", "normalize"}, optional
        For ``"filter"``/``"layer"``: leave biases unperturbed (the default, as in Li et
        al.), or normalize them too (each bias entry as a one-entry filter, or each bias
        vector as a block).
    rng : int or numpy.random.Generator, optional
        Seed or generator for the Gaussian draws.

    Returns
    -------
    directions : Directions
        ``vectors`` of shape ``(k, d)``, ``kind="random"``.

    Raises
    ------
    TypeError
        If ``theta`` is not numeric, ``layers`` is of the wrong kind, or ``rng`` is not a
        seed or Generator.
    ValueError
        If ``theta`` is not a finite vector, ``layers`` is missing (for a normalized
        kind) or describes another dimension, ``num_directions < 1``, or
        ``normalization``/``bias`` is unknown.

    Notes
    -----
    With :math:`g_1, \dots, g_k \sim \mathcal{N}(0, I_d)` and, for every group
    :math:`G` (an output unit's incoming weights for ``"filter"``),

    .. math::
        \tilde g_{i,G} = g_{i,G} - \sum_{j<i} \langle g_{i,G}, u_{j,G} \rangle u_{j,G},
        \qquad u_{i,G} = \tilde g_{i,G} / \|\tilde g_{i,G}\|, \qquad
        d_{i,G} = \|\theta_G\| \, u_{i,G}.

    Orthogonalizing group by group before rescaling keeps both properties: every group
    of every direction has the norm of :math:`\theta_G`, and the directions are
    orthogonal (exactly so when every group has at least ``k`` entries; a smaller group
    keeps its raw draw). If a ReLU layer is scaled by :math:`a > 0` and the next one by
    :math:`1/a`, the network computes the same function, and the filter-normalized
    directions scale the same way, so the slice is unchanged; raw directions do not scale
    and the slice changes. For ``"none"`` the directions are Gram-Schmidt
    orthogonalized over the whole vector and keep their Gaussian norms
    (about :math:`\sqrt d`).

    References
    ----------
    Li, H., Xu, Z., Taylor, G., Studer, C., Goldstein, T. (2018). Visualizing the loss
    landscape of neural nets. NeurIPS. arXiv:1712.09913.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> net = ls.MLP((3, 4, 2), "relu")
    >>> theta = net.init(rng=0)
    >>> dirs = ls.random_directions(theta, net, rng=1)
    >>> d1, d2 = dirs.vectors
    >>> W, W1 = net.unpack(theta)["layer0.weight"], net.unpack(d1)["layer0.weight"]
    >>> bool(np.allclose(np.linalg.norm(W1, axis=1), np.linalg.norm(W, axis=1)))
    True
    >>> float(abs(d1 @ d2)) < 1e-12, float(abs(net.unpack(d1)["layer0.bias"]).max())
    (True, 0.0)
    """
    theta = as_vector(theta, "theta")
    num_directions = check_positive_int(num_directions, "num_directions")
    check_choice(normalization, "normalization", NORMALIZATIONS)
    check_choice(bias, "bias", BIAS_MODES)
    blocks = None
    if normalization != "none":
        if layers is None:
            raise ValueError(
                f"`normalization={normalization!r}` needs the network's layer structure: "
                "pass `layers` (an MLP or the network objective), or use "
                "normalization='none'."
            )
        blocks = _param_blocks(layers, theta.size)
    elif layers is not None:
        _param_blocks(layers, theta.size)
    gen = as_rng(rng)
    raw = gen.standard_normal((num_directions, theta.size))
    groups = _groups(blocks, theta.size, normalization, bias)
    vectors = _normalized(raw, theta, groups, normalization, orthogonalize=True)
    return Directions(vectors, "random", normalization, _seed_of(rng))


def normalize_directions(
    directions: Any,
    theta: Any,
    layers: Any,
    *,
    normalization: str = "filter",
    bias: str = "zero",
) -> Directions:
    """Rescale given directions group by group to the norms of ``theta`` (no orthogonalizing).

    Parameters
    ----------
    directions : Directions or array_like, shape (k, d) or (d,)
        Directions to rescale, e.g. Hessian eigenvectors.
    theta : array_like, shape (d,)
        The point whose filter (or layer) norms are imposed.
    layers : MLP, NetworkObjective or sequence of ParamBlock
        The network's layer structure.
    normalization : {"filter", "layer"}, optional
        Group granularity, as in :func:`~landscape.random_directions`.
    bias : {"zero", "normalize"}, optional
        As in :func:`~landscape.random_directions`.

    Returns
    -------
    directions : Directions
        Same ``kind``, ``seed`` and ``values`` as the input (``"custom"`` for an array),
        with the new ``normalization``.

    Raises
    ------
    TypeError
        If an argument is of the wrong kind.
    ValueError
        If shapes disagree, an entry is not finite, or an option is unknown.

    Notes
    -----
    Each group :math:`G` of each direction becomes
    :math:`d_G \\|\\theta_G\\| / \\|d_G\\|` (zero where :math:`d_G = 0`). The directions
    are not re-orthogonalized, so orthonormal inputs come out only nearly orthogonal.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> net = ls.MLP((2, 1))
    >>> theta = np.array([3.0, 4.0, 1.0])  # weights (3, 4), bias 1
    >>> ls.normalize_directions([[1.0, 0.0, 1.0]], theta, net).vectors
    array([[5., 0., 0.]])
    """
    theta = as_vector(theta, "theta")
    dirs = _as_directions(directions, theta.size)
    check_choice(normalization, "normalization", NORMALIZATIONS[:2])
    check_choice(bias, "bias", BIAS_MODES)
    blocks = _param_blocks(layers, theta.size)
    groups = _groups(blocks, theta.size, normalization, bias)
    vectors = _normalized(dirs.vectors, theta, groups, normalization, orthogonalize=False)
    return Directions(vectors, dirs.kind, normalization, dirs.seed, dirs.values)


def pca_directions(trajectory: Any, center: Any = None, *, num_directions: int = 2) -> Directions:
    r"""Top principal directions of a training trajectory around its end point.

    Parameters
    ----------
    trajectory : Trajectory or array_like, shape (m, d)
        A :class:`~landscape.Trajectory` recorded with ``record_params=True``, or the
        parameter vectors themselves, one per row.
    center : array_like, shape (d,), optional
        The reference point; default the trajectory's final parameters (the last row).
    num_directions : int, optional
        ``k >= 1``.

    Returns
    -------
    directions : Directions
        Orthonormal ``vectors`` of shape ``(k, d)``, ``kind="pca"``, and ``values`` the
        fraction of :math:`\sum_t \|\theta_t - \theta_c\|^2` each direction explains.
        Signs are chosen so that the first recorded point has non-negative coordinates.

    Raises
    ------
    TypeError
        If ``trajectory`` is not a Trajectory or numeric array.
    ValueError
        If the trajectory has no recorded parameters, fewer than ``k`` independent
        displacements from ``center``, or a shape mismatch.

    Notes
    -----
    With :math:`M` the matrix whose rows are :math:`\theta_t - \theta_c` and its SVD
    :math:`M = U \Sigma V^\top`, the directions are the first :math:`k` right singular
    vectors :math:`v_i` and the explained fractions :math:`\sigma_i^2 / \sum_j
    \sigma_j^2`. The displacements are not mean-centred: the plane is anchored at
    :math:`\theta_c` and holds the route to it. In high dimension two random directions
    are nearly orthogonal to any trajectory, so a random plane through the end point
    shows almost none of the path; the PCA plane shows as much as a plane can.

    References
    ----------
    Li, H., Xu, Z., Taylor, G., Studer, C., Goldstein, T. (2018). Visualizing the loss
    landscape of neural nets. NeurIPS. arXiv:1712.09913 (Section 7).
    Ding, R., Li, T., Huang, X. (2023). Better loss landscape visualization for deep
    neural networks with trajectory information. ACML, PMLR 222.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> path = np.array([[4.0, 1.0, 0.0], [2.0, 0.5, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> dirs = ls.pca_directions(path, num_directions=1)
    >>> dirs.vectors.round(3), dirs.values.round(3)
    (array([[0.973, 0.232, 0.   ]]), array([0.997]))
    """
    from landscape.training import Trajectory  # the loops import nothing from here

    if isinstance(trajectory, Trajectory):
        if trajectory.params is None:
            raise ValueError(
                "`trajectory` has no recorded parameters; run it with record_params=True."
            )
        params = np.array(trajectory.params, dtype=float)
        default_center = trajectory.final_params
    else:
        params = as_batch(trajectory, "trajectory")
        default_center = params[-1]
    center = as_vector(default_center if center is None else center, "center", params.shape[1])
    num_directions = check_positive_int(num_directions, "num_directions")
    displacements = params - center
    _, singular, vt = np.linalg.svd(displacements, full_matrices=False)
    rank = int(np.sum(singular > _DEGENERATE_RTOL * max(singular.max(initial=0.0), 1e-300)))
    if rank < num_directions:
        raise ValueError(
            f"`trajectory` spans only {rank} independent direction(s) from `center`; "
            f"cannot return num_directions={num_directions}."
        )
    vectors = vt[:num_directions].copy()
    first = displacements[0] @ vectors.T
    vectors[first < 0] *= -1.0
    explained = singular[:num_directions] ** 2 / np.sum(singular**2)
    return Directions(vectors, "pca", "orthonormal", None, explained)


def hessian_directions(
    objective: Any,
    theta: Any,
    *,
    num_directions: int = 2,
    which: str = "largest",
    tol: float = 1e-6,
    max_matvecs: int = 1000,
    rng: int | np.random.Generator = 0,
) -> Directions:
    """Hessian eigenvectors at ``theta`` as slice directions.

    Parameters
    ----------
    objective : Objective
        Anything with ``dim`` and ``hvp``.
    theta : array_like, shape (d,)
        The point.
    num_directions : int, optional
        ``k``, with ``1 <= k < d``.
    which : {"largest", "smallest", "extremes"}, optional
        The ``k`` largest or smallest algebraic eigenvalues, or (``k = 2``) the largest
        and the smallest, the plane of Böttcher and Wheeler (2024) that shows both the
        sharpest direction and any negative curvature.
    tol, max_matvecs, rng
        Passed to :func:`~landscape.top_eigenpairs`.

    Returns
    -------
    directions : Directions
        Unit eigenvectors as rows, ``kind="hessian"``, ``values`` the eigenvalues.

    Raises
    ------
    TypeError, ValueError
        As :func:`~landscape.top_eigenpairs`; ``ValueError`` also if ``which`` is unknown
        or ``which="extremes"`` with ``num_directions != 2``.

    References
    ----------
    Böttcher, L., Wheeler, G. (2024). Visualizing high-dimensional loss landscapes with
    Hessian directions. J. Stat. Mech. 023401. arXiv:2208.13219.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> f = ls.surface("quadratic", condition_number=10.0, dim=3, lambda_max=10.0)
    >>> dirs = ls.hessian_directions(f, np.zeros(3), which="extremes")
    >>> dirs.values.round(6), abs(dirs.vectors).round(6)
    (array([10.,  1.]), array([[0., 0., 1.],
           [1., 0., 0.]]))
    """
    from landscape.spectrum import top_eigenpairs

    num_directions = check_positive_int(num_directions, "num_directions")
    check_choice(which, "which", ("largest", "smallest", "extremes"))
    kwargs = {"tol": tol, "max_matvecs": max_matvecs, "rng": rng}
    if which == "extremes":
        if num_directions != 2:
            raise ValueError(
                f"`which='extremes'` gives exactly 2 directions, got num_directions="
                f"{num_directions}."
            )
        top = top_eigenpairs(objective, theta, k=1, which="largest", **kwargs)
        bottom = top_eigenpairs(objective, theta, k=1, which="smallest", **kwargs)
        values = np.concatenate([top.eigenvalues, bottom.eigenvalues])
        vectors = np.concatenate([top.eigenvectors, bottom.eigenvectors], axis=1).T
    else:
        result = top_eigenpairs(objective, theta, k=num_directions, which=which, **kwargs)
        values, vectors = result.eigenvalues, result.eigenvectors.T
    return Directions(np.array(vectors), "hessian", "orthonormal", _seed_of(rng), values)
