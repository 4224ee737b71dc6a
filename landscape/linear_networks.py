r"""Deep linear autoencoders: a nonconvex landscape whose critical points are known exactly.

A linear autoencoder with ``depth`` weight matrices of inner width ``p`` maps
:math:`x \in \mathbb{R}^d` to :math:`W x` with :math:`W = W_L \cdots W_1` and is trained
on the squared reconstruction error. Its loss depends on the data only through the
second-moment matrix :math:`\Sigma = X^\top X / n`, and its critical points are known in
closed form (Baldi and Hornik 1989 for one hidden layer; Kawaguchi 2016 and Frye et al.
2019 for deeper ones): up to the symmetries of the factorization, every critical point
projects onto a subset :math:`I` of the principal directions of :math:`\Sigma`.
:func:`autoencoder_critical_points` lists them with their loss and Morse index, so a
numerical critical-point search can be checked against the truth.

The one-dimensional case is the product landscape: with :math:`d = p = 1` and
:math:`\Sigma = 1` the loss is :math:`\tfrac12 (1 - w_L \cdots w_1)^2`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from landscape._validation import (
    as_matrix,
    as_vector,
    check_nonnegative,
    check_positive_int,
    read_only_copy,
)
from landscape.objective import Objective

__all__ = ["AutoencoderCriticalPoint", "DeepLinearAutoencoder", "autoencoder_critical_points"]


class DeepLinearAutoencoder(Objective):
    r"""The reconstruction loss of a deep linear autoencoder, with exact derivatives.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Data, one sample per row (not centred: the network has no biases, so the loss
        sees the uncentred second moments).
    width : int
        Inner width :math:`p \ge 1` of every hidden layer.
    depth : int, optional
        Number of weight matrices :math:`L \ge 2` (``depth=2`` is one hidden layer).
    name : str, optional
        Label for plots and reprs.

    Attributes
    ----------
    covariance : numpy.ndarray, shape (d, d)
        :math:`\Sigma = X^\top X / n` (read-only).
    eigenvalues : numpy.ndarray, shape (d,)
        Eigenvalues of :math:`\Sigma`, descending (read-only).
    eigenvectors : numpy.ndarray, shape (d, d)
        Matching unit eigenvectors as columns (read-only).
    input_dim, width, depth : int
        :math:`d`, :math:`p`, :math:`L`.
    shapes : tuple of tuple of int
        Shapes of :math:`W_1, \dots, W_L`: ``(p, d)``, ``(p, p)``, ..., ``(d, p)``;
        ``theta`` is their row-major concatenation.
    dim : int
        Number of parameters, :math:`2dp + (L - 2)p^2`.

    Raises
    ------
    TypeError
        If ``X`` is not numeric or ``width``/``depth`` are not integers.
    ValueError
        If ``X`` is not a finite 2-D array with at least one row, ``width < 1`` or
        ``depth < 2``.

    Notes
    -----
    .. math::

        L(\theta) = \frac{1}{2n} \sum_{i=1}^{n} \|x_i - W x_i\|^2
        = \tfrac12 \operatorname{tr}\bigl((I - W)\,\Sigma\,(I - W)^\top\bigr),
        \qquad W = W_L \cdots W_1 .

    With :math:`D = (W - I)\Sigma`, the gradient is
    :math:`\nabla_{W_l} L = (W_L \cdots W_{l+1})^\top D\, (W_{l-1} \cdots W_1)^\top`;
    the Hessian-vector product differentiates this expression along the direction
    (product rule over the prefix and suffix products), exactly. Everything costs
    :math:`O(L d^3)`, independent of :math:`n`.

    References
    ----------
    P. Baldi and K. Hornik, "Neural networks and principal component analysis: learning
    from examples without local minima", Neural Networks 2(1), 53-58 (1989).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> X = np.random.default_rng(0).standard_normal((100, 3)) * [2.0, 1.0, 0.5]
    >>> ae = ls.DeepLinearAutoencoder(X, width=1, depth=3)
    >>> ae
    DeepLinearAutoencoder(input_dim=3, width=1, depth=3, dim=7)
    >>> theta = np.random.default_rng(1).standard_normal(ae.dim)
    >>> ls.check_grad(ae, theta).ok, ls.check_hvp(ae, theta).ok
    (True, True)
    """

    def __init__(self, X: Any, width: int, depth: int = 2, name: str = "linear_autoencoder"):
        X = as_matrix(X, "X")
        self.width = check_positive_int(width, "width")
        self.depth = check_positive_int(depth, "depth", minimum=2)
        self.input_dim = int(X.shape[1])
        self.name = str(name)
        covariance = X.T @ X / X.shape[0]
        covariance = 0.5 * (covariance + covariance.T)
        values, vectors = np.linalg.eigh(covariance)
        order = np.argsort(values)[::-1]
        vectors = vectors[:, order]
        # Sign convention: the largest-magnitude entry of each eigenvector is positive.
        signs = np.sign(vectors[np.argmax(np.abs(vectors), axis=0), np.arange(vectors.shape[1])])
        vectors = vectors * signs
        self.covariance = read_only_copy(covariance, float)
        self.eigenvalues = read_only_copy(values[order], float)
        self.eigenvectors = read_only_copy(vectors, float)
        d, p = self.input_dim, self.width
        self.shapes = ((p, d),) + ((p, p),) * (self.depth - 2) + ((d, p),)
        self._sizes = [a * b for a, b in self.shapes]
        self.dim = int(sum(self._sizes))

    # -- packing ----------------------------------------------------------------------
    def unpack(self, theta: Any) -> list[np.ndarray]:
        """Split ``theta`` into the weight matrices.

        Parameters
        ----------
        theta : array_like, shape (dim,)
            Flat parameters.

        Returns
        -------
        weights : list of numpy.ndarray
            :math:`W_1, \\dots, W_L` with the shapes in ``shapes`` (copies).

        Raises
        ------
        TypeError
            If ``theta`` is not numeric.
        ValueError
            If ``theta`` has the wrong shape or non-finite entries.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> ae = ls.DeepLinearAutoencoder(np.eye(2), width=1)
        >>> [w.shape for w in ae.unpack(np.arange(4.0))]
        [(1, 2), (2, 1)]
        """
        theta = as_vector(theta, "theta", self.dim)
        return self._split(theta)

    def _split(self, theta: np.ndarray) -> list[np.ndarray]:
        out, start = [], 0
        for shape, size in zip(self.shapes, self._sizes, strict=True):
            out.append(theta[start : start + size].reshape(shape))
            start += size
        return out

    def pack(self, weights: Any) -> np.ndarray:
        """Concatenate weight matrices into a flat ``theta``.

        Parameters
        ----------
        weights : sequence of array_like
            :math:`W_1, \\dots, W_L` with the shapes in ``shapes``.

        Returns
        -------
        theta : numpy.ndarray, shape (dim,)

        Raises
        ------
        TypeError
            If ``weights`` is not a sequence of numeric arrays.
        ValueError
            If the number of matrices or a shape is wrong, or an entry is not finite.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> ae = ls.DeepLinearAutoencoder(np.eye(2), width=1)
        >>> ae.pack([[[1.0, 2.0]], [[3.0], [4.0]]])
        array([1., 2., 3., 4.])
        """
        if isinstance(weights, (str, bytes, np.ndarray)) or not hasattr(weights, "__len__"):
            raise TypeError(
                f"`weights` must be a sequence of {self.depth} matrices, "
                f"got {type(weights).__name__}."
            )
        if len(weights) != self.depth:
            raise ValueError(f"`weights` must hold {self.depth} matrices, got {len(weights)}.")
        parts = []
        for layer, (w, shape) in enumerate(zip(weights, self.shapes, strict=True)):
            w = as_matrix(w, f"weights[{layer}]", shape[1])
            if w.shape != shape:
                raise ValueError(f"`weights[{layer}]` must have shape {shape}, got {w.shape}.")
            parts.append(w.ravel())
        return np.concatenate(parts)

    def end_to_end(self, theta: Any) -> np.ndarray:
        """The end-to-end map :math:`W = W_L \\cdots W_1`, shape ``(d, d)``.

        Parameters
        ----------
        theta : array_like, shape (dim,)
            Flat parameters.

        Returns
        -------
        W : numpy.ndarray, shape (d, d)

        Raises
        ------
        TypeError
            If ``theta`` is not numeric.
        ValueError
            If ``theta`` has the wrong shape or non-finite entries.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> ae = ls.DeepLinearAutoencoder(np.eye(2), width=1)
        >>> ae.end_to_end([1.0, 0.0, 1.0, 0.0])
        array([[1., 0.],
               [0., 0.]])
        """
        weights = self.unpack(theta)
        return self._prefix(weights)[-1]

    # -- derivatives ------------------------------------------------------------------
    def _prefix(self, weights: list[np.ndarray]) -> list[np.ndarray]:
        # R[l] = W_l ... W_1 (R[0] = I_d), l = 0..L.
        out = [np.eye(self.input_dim)]
        for w in weights:
            out.append(w @ out[-1])
        return out

    def _suffix(self, weights: list[np.ndarray]) -> list[np.ndarray]:
        # S[l] = W_L ... W_{l+1} for l = 0..L (S[L] = I_d); S[l] multiplies from the left
        # of layer l + 1's input, so grad W_l uses S[l] (1-based l).
        out = [np.eye(self.input_dim)]
        for w in reversed(weights):
            out.append(out[-1] @ w)
        return out[::-1]

    def value(self, theta: Any) -> float:
        """Reconstruction loss at ``theta`` (shape ``(dim,)``), a float."""
        theta = as_vector(theta, "theta", self.dim)
        residual = self._prefix(self._split(theta))[-1] - np.eye(self.input_dim)
        return float(0.5 * np.sum((residual @ self.covariance) * residual))

    def grad(self, theta: Any) -> np.ndarray:
        """Exact gradient at ``theta``, shape ``(dim,)``."""
        theta = as_vector(theta, "theta", self.dim)
        weights = self._split(theta)
        prefix, suffix = self._prefix(weights), self._suffix(weights)
        d_mat = (prefix[-1] - np.eye(self.input_dim)) @ self.covariance
        return np.concatenate(
            [(suffix[k + 1].T @ d_mat @ prefix[k].T).ravel() for k in range(self.depth)]
        )

    def hvp(self, theta: Any, v: Any) -> np.ndarray:
        """Exact Hessian-vector product ``H(theta) @ v``, shape ``(dim,)``."""
        theta = as_vector(theta, "theta", self.dim)
        v = as_vector(v, "v", self.dim)
        return self._hvps(theta, v[None, :])[0]

    def hessian(self, theta: Any) -> np.ndarray:
        """Exact dense Hessian, shape ``(dim, dim)``: all ``dim`` products in one batch."""
        theta = as_vector(theta, "theta", self.dim)
        hess = self._hvps(theta, np.eye(self.dim))
        return 0.5 * (hess + hess.T)

    def _hvps(self, theta: np.ndarray, vs: np.ndarray) -> np.ndarray:
        # Rows of `vs` are directions; everything below broadcasts over that leading axis.
        weights = self._split(theta)
        k = vs.shape[0]
        dirs, start = [], 0
        for shape, size in zip(self.shapes, self._sizes, strict=True):
            dirs.append(vs[:, start : start + size].reshape((k, *shape)))
            start += size
        eye = np.eye(self.input_dim)
        prefix, suffix = self._prefix(weights), self._suffix(weights)
        # Directional derivatives of the prefix and suffix products.
        d_prefix = [np.zeros((k, *eye.shape))]
        for w, dw, r in zip(weights, dirs, prefix[:-1], strict=True):
            d_prefix.append(dw @ r + w @ d_prefix[-1])
        d_suffix = [np.zeros((k, *eye.shape))]
        for w, dw, s in zip(reversed(weights), reversed(dirs), reversed(suffix[1:]), strict=True):
            d_suffix.append(d_suffix[-1] @ w + s @ dw)
        d_suffix = d_suffix[::-1]
        d_mat = (prefix[-1] - eye) @ self.covariance
        dd_mat = d_prefix[-1] @ self.covariance
        blocks = []
        for j in range(self.depth):
            s, r, ds, dr = suffix[j + 1], prefix[j], d_suffix[j + 1], d_prefix[j]
            block = (
                np.swapaxes(ds, 1, 2) @ d_mat @ r.T
                + s.T @ dd_mat @ r.T
                + s.T @ d_mat @ np.swapaxes(dr, 1, 2)
            )
            blocks.append(block.reshape(k, -1))
        return np.concatenate(blocks, axis=1)

    def projection_subset(self, theta: Any, *, tol: float = 1e-6) -> tuple[int, ...] | None:
        """The principal subset :math:`I` with :math:`W \\approx U_I U_I^\\top`, if any.

        Parameters
        ----------
        theta : array_like, shape (dim,)
            Flat parameters.
        tol : float, optional
            Largest entry-wise deviation of :math:`U^\\top W U` from a diagonal 0/1
            matrix (``W`` is dimensionless, so the tolerance is absolute).

        Returns
        -------
        subset : tuple of int or None
            Indices of the principal directions (0 = largest eigenvalue) onto which
            ``W`` projects, or ``None`` when ``W`` is not such a projection.

        Raises
        ------
        TypeError
            If ``theta`` is not numeric or ``tol`` not a real number.
        ValueError
            If ``theta`` has the wrong shape or ``tol`` is negative.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> ae = ls.DeepLinearAutoencoder(np.diag([2.0, 1.0]), width=1)
        >>> ae.projection_subset([0.0, 1.0, 0.0, 1.0]), ae.projection_subset(np.ones(4))
        ((1,), None)
        """
        tol = check_nonnegative(tol, "tol")
        w_eigen = self.eigenvectors.T @ self.end_to_end(theta) @ self.eigenvectors
        diagonal = np.diag(w_eigen)
        rounded = np.round(diagonal)
        off = w_eigen - np.diag(diagonal)
        if np.max(np.abs(off)) > tol or np.max(np.abs(diagonal - rounded)) > tol:
            return None
        if not np.all((rounded == 0) | (rounded == 1)):
            return None
        return tuple(int(i) for i in np.flatnonzero(rounded == 1))

    def __repr__(self) -> str:
        return (
            f"DeepLinearAutoencoder(input_dim={self.input_dim}, width={self.width}, "
            f"depth={self.depth}, dim={self.dim})"
        )


@dataclass(frozen=True, eq=False)
class AutoencoderCriticalPoint:
    """A critical point of a deep linear autoencoder, in closed form.

    Attributes
    ----------
    subset : tuple of int
        The principal directions :math:`I` kept by :math:`W = U_I U_I^\\top` (0 = the
        largest eigenvalue of :math:`\\Sigma`).
    point : numpy.ndarray, shape (dim,)
        A representative ``theta`` (read-only); the whole orbit under the symmetries
        :math:`W_{l+1} \\to W_{l+1} A^{-1}, W_l \\to A W_l` has the same loss and index.
    value : float
        Loss :math:`\\tfrac12 \\sum_{j \\notin I} \\lambda_j`.
    index : int
        Number of negative Hessian eigenvalues at ``point``.
    num_zero : int
        Number of zero Hessian eigenvalues at ``point``.
    kind : str
        ``"minimum"`` (the global minima, :math:`I` = the top ``width`` directions) or
        ``"saddle"`` (every other critical point).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ae = ls.DeepLinearAutoencoder(np.diag([2.0, 1.0]), width=1)
    >>> ls.autoencoder_critical_points(ae)[1]
    AutoencoderCriticalPoint(subset=(1,), value=1, index=1, num_zero=1, kind='saddle')
    """

    subset: tuple[int, ...]
    point: np.ndarray
    value: float
    index: int
    num_zero: int
    kind: str

    @property
    def strict(self) -> bool:
        """Whether the point has a direction of negative curvature (index > 0)."""
        return self.index > 0

    @property
    def rank(self) -> int:
        """Rank of the end-to-end map, ``len(subset)``."""
        return len(self.subset)

    def __repr__(self) -> str:
        return (
            f"AutoencoderCriticalPoint(subset={self.subset}, value={self.value:.6g}, "
            f"index={self.index}, num_zero={self.num_zero}, kind={self.kind!r})"
        )


def autoencoder_critical_points(
    autoencoder: DeepLinearAutoencoder, *, ranks: Any = None
) -> tuple[AutoencoderCriticalPoint, ...]:
    r"""Every critical point of a deep linear autoencoder up to symmetry, with loss and index.

    Parameters
    ----------
    autoencoder : DeepLinearAutoencoder
        The landscape; its :math:`\Sigma` must have distinct positive eigenvalues.
    ranks : int or sequence of int, optional
        Which ranks :math:`r = |I|` to list, each in ``[0, width]`` (default: all).

    Returns
    -------
    points : tuple of AutoencoderCriticalPoint
        One canonical representative per subset :math:`I`, sorted by loss (then subset).

    Raises
    ------
    TypeError
        If ``autoencoder`` is not a :class:`DeepLinearAutoencoder` or a rank is not an
        integer.
    ValueError
        If a rank is outside ``[0, min(width, d)]``, or the eigenvalues of
        :math:`\Sigma` are not distinct and positive (relative gap below 1e-8): then the
        critical points form continuous families and the count below does not apply.

    Notes
    -----
    With eigenpairs :math:`(\lambda_j, u_j)` of :math:`\Sigma`, descending, the
    representative of subset :math:`I = \{i_1 < \dots < i_r\}` is
    :math:`W_1 = [U_I\ 0]^\top`, :math:`W_l = \operatorname{diag}(1_r, 0_{p-r})` in
    between, :math:`W_L = [U_I\ 0]`, so :math:`W = U_I U_I^\top`. Expanding the loss
    to second order in each block of the perturbation gives

    .. math::

        L_I = \tfrac12 \sum_{j \notin I} \lambda_j, \qquad
        \operatorname{index}_I = \sum_{i \in I} \#\{j \notin I : \lambda_j > \lambda_i\}
        + [L = 2]\,(p - r)(d - r).

    Each pair (kept direction :math:`i`, discarded direction :math:`j`) couples one
    decoder and one encoder weight through the :math:`2 \times 2` block
    :math:`\begin{pmatrix}\lambda_i & -\lambda_j \\ -\lambda_j & \lambda_j\end{pmatrix}`,
    which has a negative eigenvalue exactly when :math:`\lambda_j > \lambda_i`: a
    stronger direction was left out. With one hidden layer, each unused hidden unit
    adds a block :math:`\begin{pmatrix}0 & -\lambda_j \\ -\lambda_j & 0\end{pmatrix}`
    per discarded direction; with more layers, the zero middle weights cut that path
    and the same directions are flat to second order (a non-strict saddle, such as the
    origin). The zero eigenvalues number :math:`r^2 + 2r(p - r)` for :math:`L = 2` and
    :math:`\dim - 2r(d - r) - r^2` otherwise (they include the :math:`(L-1)r^2`
    directions of the symmetry). Only :math:`I = \{1, \dots, p\}` is a minimum, and it
    is global (Baldi and Hornik 1989; Kawaguchi 2016).

    References
    ----------
    P. Baldi and K. Hornik, "Neural networks and principal component analysis: learning
    from examples without local minima", Neural Networks 2(1), 53-58 (1989).
    K. Kawaguchi, "Deep learning without poor local minima", NeurIPS (2016),
    arXiv:1605.07110.
    C. G. Frye, N. S. Wadia, M. R. DeWeese and K. E. Bouchard, "Numerically recovering
    the critical points of a deep linear autoencoder" (2019), arXiv:1901.10603.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> ae = ls.DeepLinearAutoencoder(np.diag([3.0, 2.0, 1.0]) * np.sqrt(3), width=1)
    >>> for p in ls.autoencoder_critical_points(ae):
    ...     print(p.subset, round(p.value, 6), p.index, p.kind)
    (0,) 2.5 0 minimum
    (1,) 5.0 1 saddle
    (2,) 6.5 2 saddle
    () 7.0 3 saddle
    """
    if not isinstance(autoencoder, DeepLinearAutoencoder):
        raise TypeError(
            f"`autoencoder` must be a DeepLinearAutoencoder, got {type(autoencoder).__name__}."
        )
    d, p, depth = autoencoder.input_dim, autoencoder.width, autoencoder.depth
    max_rank = min(p, d)
    if ranks is None:
        ranks = range(max_rank + 1)
    elif np.ndim(ranks) == 0:
        ranks = [ranks]
    ranks = sorted({check_positive_int(r, "ranks", minimum=0) for r in ranks})
    if ranks and ranks[-1] > max_rank:
        raise ValueError(f"`ranks` must lie in [0, {max_rank}] (min(width, d)), got {ranks[-1]}.")
    lam = autoencoder.eigenvalues
    gaps = np.abs(np.diff(lam)) if d > 1 else np.array([np.inf])
    if lam[-1] <= 1e-8 * lam[0] or np.min(gaps) <= 1e-8 * lam[0]:
        raise ValueError(
            "the eigenvalues of the data's second-moment matrix must be distinct and "
            f"positive (relative gap above 1e-8), got {np.round(lam, 12).tolist()}."
        )
    points = []
    for r in ranks:
        for subset in itertools.combinations(range(d), r):
            outside = [j for j in range(d) if j not in subset]
            index = sum(int(np.sum(lam[outside] > lam[i])) for i in subset)
            if depth == 2:
                index += (p - r) * (d - r)
                num_zero = r * r + 2 * r * (p - r)
            else:
                num_zero = autoencoder.dim - 2 * r * (d - r) - r * r
            top = r == p and subset == tuple(range(p))
            points.append(
                AutoencoderCriticalPoint(
                    subset=subset,
                    point=read_only_copy(_representative(autoencoder, subset), float),
                    value=float(0.5 * np.sum(lam[outside])),
                    index=int(index),
                    num_zero=int(num_zero),
                    kind="minimum" if top else "saddle",
                )
            )
    points.sort(key=lambda q: (q.value, q.subset))
    return tuple(points)


def _representative(autoencoder: DeepLinearAutoencoder, subset: tuple[int, ...]) -> np.ndarray:
    d, p = autoencoder.input_dim, autoencoder.width
    r = len(subset)
    basis = np.zeros((d, p))
    basis[:, :r] = autoencoder.eigenvectors[:, list(subset)]
    middle = np.diag(np.r_[np.ones(r), np.zeros(p - r)])
    weights = [basis.T] + [middle] * (autoencoder.depth - 2) + [basis]
    return np.concatenate([w.ravel() for w in weights])
