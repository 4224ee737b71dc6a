r"""A network's training loss as an :class:`~landscape.Objective` with exact curvature.

:func:`mlp_objective` binds an :class:`~landscape.MLP`, a data set and a loss into a
:class:`NetworkObjective`. Its derivatives are exact: the gradient by backpropagation, the
Hessian-vector product by Pearlmutter's R-operator (forward-over-reverse differentiation
derived by hand for each layer; see ``landscape/_nn_kernels.py`` for the recursions), and
the dense Hessian by batched R-operator passes against blocks of the identity.

The losses are defined in :mod:`landscape.nn`: ``"mse"`` is
:math:`\frac{1}{2n}\sum_i \|f(x_i) - y_i\|^2`, ``"cross_entropy"`` is
:math:`\frac{1}{n}\sum_i -\log \operatorname{softmax}(f(x_i))_{y_i}`, and ``l2`` adds
:math:`\frac{\lambda}{2}\|\theta\|^2` over all parameters.

The forward and backward intermediates at the most recent ``theta`` are cached, so a run
of Hessian-vector products at one point (Lanczos, power iteration, Hutchinson) pays for
the forward pass once. The cache is keyed on the *values* of ``theta``; it never changes
a result. Objectives are not thread-safe.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from landscape import _nn_kernels as K
from landscape._validation import (
    as_batch,
    as_matrix,
    as_vector,
    check_choice,
    check_nonnegative,
)
from landscape.nn import MLP, _chunk_size
from landscape.objective import Objective

__all__ = ["NetworkObjective", "mlp_objective"]

LOSS_NAMES = ("mse", "cross_entropy")


def _as_targets(y: Any, loss: str, num_outputs: int, n: int, name: str = "y") -> np.ndarray:
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(f"`{name}` must be an array, got {y!r}.")
    arr = np.asarray(y)
    if loss == "cross_entropy":
        if num_outputs < 2:
            raise ValueError(
                f"cross_entropy needs a network with at least 2 outputs, got {num_outputs}."
            )
        if not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(
                f"`{name}` must hold integer class labels for cross_entropy, got dtype {arr.dtype}."
            )
        if arr.shape != (n,):
            raise ValueError(f"`{name}` must have shape ({n},), got shape {arr.shape}.")
        if n and (arr.min() < 0 or arr.max() >= num_outputs):
            raise ValueError(
                f"`{name}` labels must lie in [0, {num_outputs - 1}], "
                f"got values in [{arr.min()}, {arr.max()}]."
            )
        out = arr.astype(np.intp, copy=True)
    else:
        if arr.ndim == 1 and num_outputs == 1:
            arr = arr.reshape(-1, 1)
        out = as_matrix(arr, name, num_outputs, min_rows=0)
        if out.shape[0] != n:
            raise ValueError(f"`{name}` must have {n} rows (one per sample), got {out.shape}.")
    out.flags.writeable = False
    return out


class NetworkObjective(Objective):
    """The loss of an MLP on fixed data, as a function of its flat parameters.

    Build one with :func:`mlp_objective`; the constructor takes the same arguments.

    Attributes
    ----------
    mlp : MLP
        The network specification.
    X : numpy.ndarray, shape (n, d_in)
        Inputs (read-only copy).
    y : numpy.ndarray, shape (n, d_out) or (n,)
        Regression targets (float) or class labels (int), read-only copy.
    loss : str
        ``"mse"`` or ``"cross_entropy"``.
    l2 : float
        Weight of ``0.5 * ||theta||^2``.
    num_samples : int
        ``n``.
    dim : int
        ``d = mlp.num_params``.
    name : str
        Label for plots and reprs.
    """

    def __init__(
        self, mlp: MLP, X: Any, y: Any, loss: str = "mse", l2: float = 0.0, name: str = "mlp"
    ) -> None:
        if not isinstance(mlp, MLP):
            raise TypeError(f"`mlp` must be an MLP, got {type(mlp).__name__}.")
        check_choice(loss, "loss", LOSS_NAMES)
        l2 = check_nonnegative(l2, "l2")
        X = as_matrix(X, "X", mlp.widths[0])
        X.flags.writeable = False
        y = _as_targets(y, loss, mlp.widths[-1], X.shape[0])
        self._setup(mlp, X, y, loss, l2, str(name))

    def _setup(self, mlp, X, y, loss, l2, name) -> None:
        self.mlp, self.X, self.y, self.loss, self.l2, self.name = mlp, X, y, loss, l2, name
        self.dim = mlp.num_params
        self._act = K.ACTIVATIONS[mlp.activation]
        self._cache_theta: np.ndarray | None = None
        self._cache_state: K.State | None = None

    @classmethod
    def _trusted(cls, mlp, X, y, loss, l2, name) -> NetworkObjective:
        obj = cls.__new__(cls)
        obj._setup(mlp, X, y, loss, l2, name)
        return obj

    @property
    def num_samples(self) -> int:
        return self.X.shape[0]

    # ------------------------------------------------------------------ evaluation
    def value(self, theta: Any) -> float:
        """Loss at ``theta`` (shape ``(d,)``) as a float.

        Raises ``TypeError``/``ValueError`` for a non-numeric, mis-shaped or non-finite
        ``theta``.
        """
        theta = as_vector(theta, "theta", self.dim)
        weights, biases = self.mlp._split(theta)
        out, *_ = K.forward_pass(weights, biases, self.X, self._act, keep=False)
        return K.loss_value(out, self.y, self.loss) + self._penalty(theta)

    def _penalty(self, theta: np.ndarray) -> float:
        return 0.5 * self.l2 * float(theta @ theta) if self.l2 else 0.0

    def _state(self, theta: np.ndarray) -> K.State:
        if self._cache_theta is not None and np.array_equal(theta, self._cache_theta):
            return self._cache_state
        weights, biases = self.mlp._split(theta)
        state = K.state_at(weights, biases, self.X, self.y, self._act, self.loss)
        self._cache_theta, self._cache_state = theta, state
        return state

    def value_and_grad(self, theta: Any) -> tuple[float, np.ndarray]:
        """Loss and gradient at ``theta`` from one forward and one backward pass.

        Returns ``(value, grad)`` with ``grad`` of shape ``(d,)``; raises like
        :meth:`value`.
        """
        theta = as_vector(theta, "theta", self.dim)
        weights, biases = self.mlp._split(theta)
        state = K.state_at(weights, biases, self.X, self.y, self._act, self.loss)
        self._cache_theta, self._cache_state = theta, state
        grad = np.empty(self.dim)
        g_weights, g_biases = self.mlp._split(grad)
        K.weight_gradients(state, list(zip(g_weights, g_biases, strict=True)))
        if self.l2:
            grad += self.l2 * theta
        return state.loss + self._penalty(theta), grad

    def grad(self, theta: Any) -> np.ndarray:
        """Exact gradient at ``theta`` by backpropagation, shape ``(d,)``."""
        return self.value_and_grad(theta)[1]

    def hvp(self, theta: Any, v: Any) -> np.ndarray:
        """Exact Hessian-vector product ``H(theta) @ v`` by the R-operator, shape ``(d,)``.

        Raises ``TypeError``/``ValueError`` when ``theta`` or ``v`` is non-numeric,
        mis-shaped or non-finite.
        """
        theta = as_vector(theta, "theta", self.dim)
        v = as_vector(v, "v", self.dim)
        return self._hvps(theta, v[None, :])[0]

    def hvps(self, theta: Any, vs: Any) -> np.ndarray:
        """Hessian-vector products with each row of ``vs`` (shape ``(k, d)``), shape ``(k, d)``.

        One batched R-operator pass per chunk of rows (chunks bound the memory);
        ``hvps(theta, vs)[i] == hvp(theta, vs[i])`` up to rounding.
        """
        theta = as_vector(theta, "theta", self.dim)
        vs = as_batch(vs, "vs", self.dim)
        return self._hvps(theta, vs)

    def _hvps(self, theta: np.ndarray, vs: np.ndarray) -> np.ndarray:
        state = self._state(theta)
        weights, _ = self.mlp._split(theta)
        out = np.empty_like(vs)
        chunk = _chunk_size(4 * self.num_samples * max(self.mlp.widths))
        for start in range(0, vs.shape[0], chunk):
            block = vs[start : start + chunk]
            dir_w, dir_b = self.mlp._split_batch(block)
            res = np.empty_like(block)
            res_w, res_b = self.mlp._split_batch(res)
            K.r_operator(
                state, weights, dir_w, dir_b, self._act, list(zip(res_w, res_b, strict=True))
            )
            if self.l2:
                res += self.l2 * block
            out[start : start + chunk] = res
        return out

    def hessian(self, theta: Any) -> np.ndarray:
        """Dense Hessian, shape ``(d, d)``: batched R-operator passes on identity blocks.

        Meant for small ``d`` (it costs about ``d`` Hessian-vector products and ``d^2``
        floats). Not symmetrized: symmetry is a property the tests check.
        """
        theta = as_vector(theta, "theta", self.dim)
        d = self.dim
        hess = np.empty((d, d))
        chunk = min(d, 256)
        for start in range(0, d, chunk):
            stop = min(d, start + chunk)
            eye = np.zeros((stop - start, d))
            eye[np.arange(stop - start), np.arange(start, stop)] = 1.0
            hess[start:stop] = self._hvps(theta, eye)
        return hess.T.copy()

    def values(self, thetas: Any) -> np.ndarray:
        """Loss at each row of ``thetas`` (shape ``(m, d)``) in vectorized chunks, shape ``(m,)``.

        Each chunk runs one stacked forward pass (batched matrix products over the
        chunk); no Python loop over the rows.
        """
        thetas = as_batch(thetas, "thetas", self.dim)
        X_T = np.ascontiguousarray(self.X.T)
        target = self.y.T if self.loss == "mse" else self.y
        chunk = _chunk_size(3 * self.num_samples * max(self.mlp.widths))
        result = np.empty(thetas.shape[0])
        for start in range(0, thetas.shape[0], chunk):
            block = thetas[start : start + chunk]
            weights, biases = self.mlp._split_batch(block)
            out = K.batched_outputs(weights, biases, X_T, self._act)
            result[start : start + chunk] = K.batched_losses(out, target, self.loss)
        if self.l2:
            result += 0.5 * self.l2 * np.einsum("ij,ij->i", thetas, thetas)
        return result

    # ------------------------------------------------------------------ data helpers
    def predict(self, theta: Any, X: Any = None) -> np.ndarray:
        """Network outputs at ``theta`` on ``X`` (default: the objective's inputs).

        Returns shape ``(n, d_out)``: predictions for ``"mse"``, logits for
        ``"cross_entropy"``.
        """
        return self.mlp.forward(theta, self.X if X is None else X)

    def accuracy(self, theta: Any, X: Any = None, y: Any = None) -> float:
        """Fraction of samples whose largest logit is the label (classification only).

        ``X`` and ``y`` default to the objective's data; pass both or neither. Raises
        ``ValueError`` for an ``"mse"`` objective or when only one of ``X``, ``y`` is given.
        """
        if self.loss != "cross_entropy":
            raise ValueError(
                f"accuracy needs loss='cross_entropy', this objective has loss={self.loss!r}."
            )
        if (X is None) != (y is None):
            raise ValueError("`X` and `y` must be given together (or both left out).")
        if X is None:
            X, labels = self.X, self.y
        else:
            X = as_matrix(X, "X", self.mlp.widths[0])
            labels = _as_targets(y, self.loss, self.mlp.widths[-1], X.shape[0])
        logits = self.mlp.forward(theta, X)
        return float(np.mean(np.argmax(logits, axis=1) == labels))

    def subset(self, indices: Any) -> NetworkObjective:
        """The same loss on the samples ``indices`` (a mini-batch), sharing the settings.

        ``indices`` is a 1-D array of integer positions (repeats allowed). Raises
        ``TypeError`` for non-integer indices and ``ValueError`` for an empty or
        out-of-range selection.
        """
        idx = np.asarray(indices)
        if idx.ndim != 1 or idx.size == 0:
            raise ValueError(f"`indices` must be a non-empty 1-D array, got shape {idx.shape}.")
        if not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"`indices` must be integer positions, got dtype {idx.dtype}.")
        n = self.num_samples
        if idx.min() < -n or idx.max() >= n:
            raise ValueError(
                f"`indices` must lie in [0, {n - 1}], got values in [{idx.min()}, {idx.max()}]."
            )
        X = self.X[idx]
        y = self.y[idx]
        X.flags.writeable = False
        y.flags.writeable = False
        return NetworkObjective._trusted(self.mlp, X, y, self.loss, self.l2, self.name)

    def with_data(self, X: Any, y: Any) -> NetworkObjective:
        """The same network, loss and ``l2`` on other data (e.g. a test split)."""
        return NetworkObjective(self.mlp, X, y, self.loss, self.l2, self.name)

    def __repr__(self) -> str:
        return (
            f"NetworkObjective(widths={self.mlp.widths}, activation={self.mlp.activation!r}, "
            f"loss={self.loss!r}, l2={self.l2:g}, num_samples={self.num_samples}, dim={self.dim})"
        )


def mlp_objective(
    mlp: MLP, X: Any, y: Any, loss: str = "mse", l2: float = 0.0, *, name: str = "mlp"
) -> NetworkObjective:
    r"""The training loss of ``mlp`` on ``(X, y)`` as an objective over ``theta``.

    Parameters
    ----------
    mlp : MLP
        Network specification; ``theta`` has length ``mlp.num_params``.
    X : array_like, shape (n, d_in)
        Inputs.
    y : array_like, shape (n, d_out) or (n,)
        Float targets for ``"mse"`` (shape ``(n,)`` allowed when ``d_out == 1``), integer
        labels in ``[0, d_out)`` for ``"cross_entropy"``.
    loss : {"mse", "cross_entropy"}, optional
        Data term (definitions below).
    l2 : float, optional
        Weight :math:`\lambda \ge 0` of the penalty :math:`\frac{\lambda}{2}\|\theta\|^2`
        on all parameters (biases included).
    name : str, optional
        Label for plots and reprs.

    Returns
    -------
    objective : NetworkObjective
        With exact ``value``, ``grad``, ``value_and_grad``, ``hvp``, ``hvps``,
        ``hessian``, batched ``values``, and ``subset``/``with_data``/``predict``/
        ``accuracy`` helpers.

    Raises
    ------
    TypeError
        If ``mlp`` is not an :class:`~landscape.MLP`, ``X`` is not numeric, or
        cross-entropy labels are not integers.
    ValueError
        If ``loss`` is unknown, ``l2`` is negative, ``X`` or ``y`` has the wrong shape or
        non-finite entries, labels are out of range, or cross-entropy is asked of a
        network with one output.

    Notes
    -----
    With :math:`f_\theta(x)` the network output and :math:`n` samples,

    .. math::

        L_{\mathrm{mse}}(\theta) = \frac{1}{2n} \sum_{i=1}^{n} \|f_\theta(x_i) - y_i\|^2,
        \qquad
        L_{\mathrm{ce}}(\theta) = \frac{1}{n} \sum_{i=1}^{n}
            \Big(\log \sum_{j} e^{f_\theta(x_i)_j} - f_\theta(x_i)_{y_i}\Big),

    plus :math:`\frac{\lambda}{2}\|\theta\|^2`. The Hessian-vector product applies
    :math:`R_v\{\cdot\} = \frac{d}{dt}(\cdot)(\theta + t v)|_{t=0}` to every quantity of
    the forward and backward passes (Pearlmutter 1994); it costs about two gradients
    when the forward pass at ``theta`` is cached, and is exact to rounding.

    References
    ----------
    Pearlmutter, B. A. (1994). Fast exact multiplication by the Hessian. Neural
    Computation 6(1), 147-160.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((20, 2)), rng.standard_normal((20, 1))
    >>> f = ls.mlp_objective(ls.MLP((2, 8, 1), "tanh"), X, y)
    >>> theta = f.mlp.init(rng=1)
    >>> ls.check_hvp(f, theta).ok
    True
    >>> H = f.hessian(theta)
    >>> bool(np.allclose(H, H.T, rtol=0, atol=1e-12))
    True
    """
    return NetworkObjective(mlp, X, y, loss, l2, name)
