r"""A network's training loss as an :class:`~landscape.Objective` with exact curvature.

:func:`~landscape.mlp_objective` binds an :class:`~landscape.MLP`, a data set and a loss
into a :class:`~landscape.NetworkObjective`. Its derivatives are exact: the gradient by
backpropagation, the Hessian-vector product by Pearlmutter's R-operator
(forward-over-reverse differentiation derived by hand for each layer; see
``landscape/_nn_kernels.py`` for the recursions), and the dense Hessian by batched
R-operator passes against blocks of the identity.

The losses are defined in ``landscape.nn``: ``"mse"`` is
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

    Build one with :func:`~landscape.mlp_objective`; the constructor takes the same arguments.

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

    Notes
    -----
    Costs, measured on a 94k-parameter MLP with 1,000 samples (see
    ``tests/benchmarks/bench_curvature.py``): a Hessian-vector product at a new ``theta``
    costs about 1.8 gradients, and about 0.9 at the ``theta`` of the previous call, whose
    forward and backward intermediates are cached (memory ``O(n * sum(widths))``).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> data = ls.gaussian_blobs(60, num_classes=3, rng=0)
    >>> f = ls.mlp_objective(ls.MLP((2, 8, 3), "gelu"), data.X, data.y, "cross_entropy")
    >>> f
    NetworkObjective(widths=(2, 8, 3), activation='gelu', loss='cross_entropy', l2=0,
                     num_samples=60, dim=51)
    >>> theta = f.mlp.init(rng=0)
    >>> value, grad = f.value_and_grad(theta)
    >>> grad.shape, f.hvp(theta, grad).shape, f.values(np.stack([theta, 2 * theta])).shape
    ((51,), (51,), (2,))
    >>> f.subset(np.arange(10)).num_samples
    10
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
        self._target: np.ndarray | None = None  # the batched loss head's target, lazily

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
        """Loss at ``theta`` as a float (one forward pass).

        Parameters
        ----------
        theta : array_like, shape (d,)

        Returns
        -------
        loss : float
            Mean data loss plus the L2 penalty.

        Raises
        ------
        TypeError
            If ``theta`` is not numeric.
        ValueError
            If ``theta`` does not have shape ``(d,)`` or holds NaN/inf.
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
        r"""Loss and exact gradient from one forward and one backward pass.

        Parameters
        ----------
        theta : array_like, shape (d,)

        Returns
        -------
        value : float
            Equal to :meth:`~landscape.NetworkObjective.value` bit for bit.
        grad : numpy.ndarray, shape (d,)
            Backpropagation gradient (plus ``l2 * theta``).

        Raises
        ------
        TypeError, ValueError
            As :meth:`~landscape.NetworkObjective.value`.

        Notes
        -----
        With :math:`\delta_l = \partial L / \partial z_l` and :math:`a_l` the input of
        layer :math:`l`: :math:`\nabla_{W_l} L = \delta_l^\top a_l`,
        :math:`\nabla_{b_l} L = \sum_i \delta_{l,i}`, and
        :math:`\delta_{l-1} = (\delta_l W_l) \odot \phi'(z_{l-1})`.
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
        """Exact gradient at ``theta`` by backpropagation, shape ``(d,)``.

        See :meth:`~landscape.NetworkObjective.value_and_grad` (same cost, same errors).
        """
        return self.value_and_grad(theta)[1]

    def hvp(self, theta: Any, v: Any) -> np.ndarray:
        r"""Exact Hessian-vector product ``H(theta) @ v`` by Pearlmutter's R-operator.

        Parameters
        ----------
        theta : array_like, shape (d,)
            The point.
        v : array_like, shape (d,)
            The direction.

        Returns
        -------
        hv : numpy.ndarray, shape (d,)

        Raises
        ------
        TypeError
            If ``theta`` or ``v`` is not numeric.
        ValueError
            If either does not have shape ``(d,)`` or holds NaN/inf.

        Notes
        -----
        Forward-over-reverse: the directional derivative
        :math:`R_v\{q\} = \tfrac{d}{dt} q(\theta + t v)|_{t=0}` of every quantity of
        the forward and backward passes, layer by layer (recursions in
        ``landscape/_nn_kernels.py``). The output-layer seed is the loss Hessian in the
        outputs: :math:`R\delta_L = R z_L / n` for MSE and
        :math:`(\operatorname{diag} p - p p^\top) R z_L / n` per sample for
        cross-entropy. Exact to rounding; not a finite difference.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> X = np.array([[1.0], [2.0]]); y = np.array([[1.0], [0.0]])
        >>> f = ls.mlp_objective(ls.MLP((1, 1)), X, y)  # linear least squares
        >>> f.hvp(np.zeros(2), np.array([1.0, 0.0]))  # column 0 of [[x.x, sum x], ...] / n
        array([2.5, 1.5])
        """
        theta = as_vector(theta, "theta", self.dim)
        v = as_vector(v, "v", self.dim)
        return self._hvps(theta, v[None, :])[0]

    def hvps(self, theta: Any, vs: Any) -> np.ndarray:
        """Hessian-vector products with each row of ``vs``, in batched R-operator passes.

        Parameters
        ----------
        theta : array_like, shape (d,)
        vs : array_like, shape (k, d)
            One direction per row.

        Returns
        -------
        hvs : numpy.ndarray, shape (k, d)
            ``hvs[i]`` equals ``hvp(theta, vs[i])`` up to rounding.

        Raises
        ------
        TypeError, ValueError
            As :meth:`~landscape.NetworkObjective.hvp` (``vs`` must have shape ``(k, d)``).

        Notes
        -----
        Rows are processed in chunks whose intermediates fit in about 2 MiB, each chunk
        as one stacked pass (batched matrix products), so ``k`` products cost much less
        Python overhead than ``k`` calls of :meth:`~landscape.NetworkObjective.hvp`.
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
        """Dense Hessian from batched R-operator passes on blocks of the identity.

        Parameters
        ----------
        theta : array_like, shape (d,)

        Returns
        -------
        hess : numpy.ndarray, shape (d, d)
            Column ``j`` is ``hvp(theta, e_j)``. Not symmetrized: it is symmetric to
            rounding (about 1e-16 relative), which the tests check.

        Raises
        ------
        TypeError, ValueError
            As :meth:`~landscape.NetworkObjective.value`.

        Notes
        -----
        Meant for small ``d``: it costs about ``d`` Hessian-vector products and ``8 d^2``
        bytes.
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
        """Loss at each row of ``thetas`` in vectorized chunks (for slices and paths).

        Parameters
        ----------
        thetas : array_like, shape (m, d)
            One parameter vector per row (a single vector counts as ``m = 1``).

        Returns
        -------
        losses : numpy.ndarray, shape (m,)
            ``losses[i]`` equals ``value(thetas[i])`` up to rounding.

        Raises
        ------
        TypeError
            If ``thetas`` is not numeric.
        ValueError
            If ``thetas`` does not have shape ``(m, d)`` or holds NaN/inf.

        Notes
        -----
        Each chunk of rows (intermediates of about 2 MiB) runs one stacked forward pass in
        a units-by-samples layout: the first layer is a single matrix product for the
        whole chunk, later layers are batched matrix products. There is no Python loop
        over rows; the cost is then dominated by the activation function itself.
        """
        thetas = as_batch(thetas, "thetas", self.dim)
        X_T = np.ascontiguousarray(self.X.T)
        target = self._batch_target()
        chunk = self._values_chunk()
        result = np.empty(thetas.shape[0])
        for start in range(0, thetas.shape[0], chunk):
            block = thetas[start : start + chunk]
            weights, biases = self.mlp._split_batch(block)
            out = K.batched_outputs(weights, biases, X_T, self._act)
            result[start : start + chunk] = K.batched_losses(out, target, self.loss)
        if self.l2:
            result += 0.5 * self.l2 * np.einsum("ij,ij->i", thetas, thetas)
        return result

    def affine_values(self, center: Any, directions: Any, coords: Any) -> np.ndarray:
        r"""Loss at ``center + coords[i] @ directions`` for each row: a slice or a path.

        Parameters
        ----------
        center : array_like, shape (d,)
            The origin :math:`\theta_c` of the affine subspace.
        directions : array_like, shape (k, d)
            Its directions :math:`u_1, \dots, u_k`, one per row (a vector counts as
            ``k = 1``).
        coords : array_like, shape (m, k)
            Coordinates of the ``m`` points (a vector counts as ``m = 1``).

        Returns
        -------
        losses : numpy.ndarray, shape (m,)
            ``losses[i]`` equals ``value(center + coords[i] @ directions)`` up to rounding
            (about ``1e-15`` relative; the tests require ``1e-12``).

        Raises
        ------
        TypeError
            If an argument is not numeric.
        ValueError
            If ``center`` does not have shape ``(d,)``, ``directions`` shape ``(k, d)``,
            ``coords`` shape ``(m, k)``, or any of them holds NaN/inf.

        Notes
        -----
        The first layer is affine in :math:`\theta`, so along
        :math:`\theta = \theta_c + \sum_j s_j u_j` its pre-activation is exactly

        .. math:: z_0 = A_0 + \sum_{j=1}^{k} s_j A_j, \qquad
                  A_0 = W_0(\theta_c) X^\top + b_0(\theta_c), \quad
                  A_j = W_0(u_j) X^\top + b_0(u_j),

        so the first layer's product with the data is done ``k + 1`` times, not once per
        point, and each chunk of points gets its pre-activations from one product of the
        ``(m, k + 1)`` coefficients ``[1, s]`` with the stacked :math:`A_j`. The later
        layers' parameters are formed chunk by chunk (intermediates of about 2 MiB, in
        cache) and never as a whole ``(m, d)`` array; no point is validated twice.
        :func:`~landscape.slice_1d`, :func:`~landscape.slice_2d` and
        :func:`~landscape.slice_through_points` evaluate their grids through this method.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> data = ls.gaussian_blobs(40, num_classes=2, rng=0)
        >>> f = ls.mlp_objective(ls.MLP((2, 8, 2)), data.X, data.y, "cross_entropy")
        >>> theta, u = f.mlp.init(rng=0), f.mlp.init(rng=1)
        >>> s = np.linspace(-1.0, 1.0, 5)[:, None]
        >>> fast = f.affine_values(theta, u, s)
        >>> loop = [f.value(theta + t * u) for t in s[:, 0]]
        >>> bool(np.allclose(fast, loop, rtol=1e-12, atol=0.0))
        True
        """
        center = as_vector(center, "center", self.dim)
        directions = as_batch(directions, "directions", self.dim)
        coords = as_batch(coords, "coords", directions.shape[0])
        basis = np.concatenate([center[None, :], directions])
        coef = np.empty((coords.shape[0], basis.shape[0]))
        coef[:, 0] = 1.0
        coef[:, 1:] = coords
        # A_j of the docstring, for j = 0..k, as the rows of a (k + 1, h * n) matrix.
        weights, biases = self.mlp._split_batch(basis)
        n, h = self.num_samples, self.mlp.widths[1]
        first = np.ascontiguousarray(weights[0]).reshape(-1, self.mlp.widths[0]) @ self.X.T
        first = first.reshape(basis.shape[0], h, n)
        first += biases[0][:, :, None]
        first = first.reshape(basis.shape[0], h * n)
        target = self._batch_target()
        chunk = self._values_chunk()
        result = np.empty(coords.shape[0])
        for start in range(0, coords.shape[0], chunk):
            block = coef[start : start + chunk]
            z = (block @ first).reshape(block.shape[0], h, n)
            thetas = block @ basis
            weights, biases = self.mlp._split_batch(thetas)
            out = K.batched_outputs_from(z, weights[1:], biases[1:], self._act)
            result[start : start + chunk] = K.batched_losses(out, target, self.loss)
            if self.l2:
                result[start : start + chunk] += (
                    0.5 * self.l2 * np.einsum("ij,ij->i", thetas, thetas)
                )
        return result

    def _values_chunk(self) -> int:
        return _chunk_size(3 * self.num_samples * max(self.mlp.widths))

    def _batch_target(self) -> np.ndarray:
        if self._target is None:
            self._target = K.batched_target(self.y, self.loss, self.mlp.widths[-1])
        return self._target

    # ------------------------------------------------------------------ data helpers
    def predict(self, theta: Any, X: Any = None) -> np.ndarray:
        """Network outputs at ``theta`` on ``X`` (default: the objective's inputs).

        Parameters
        ----------
        theta : array_like, shape (d,) or (m, d)
        X : array_like, shape (n, d_in), optional

        Returns
        -------
        outputs : numpy.ndarray, shape (n, d_out) or (m, n, d_out)
            Predictions for ``"mse"``, logits for ``"cross_entropy"``.

        Raises
        ------
        TypeError, ValueError
            As :meth:`~landscape.MLP.forward`.
        """
        return self.mlp.forward(theta, self.X if X is None else X)

    def accuracy(self, theta: Any, X: Any = None, y: Any = None) -> float:
        """Fraction of samples whose largest logit is the label (classification only).

        Parameters
        ----------
        theta : array_like, shape (d,)
        X : array_like, shape (n, d_in), optional
            Inputs; default the objective's. Pass ``X`` and ``y`` together.
        y : array_like of int, shape (n,), optional
            Labels.

        Returns
        -------
        accuracy : float
            In ``[0, 1]``.

        Raises
        ------
        ValueError
            For an ``"mse"`` objective, when only one of ``X``, ``y`` is given, or for
            mis-shaped data or out-of-range labels.
        TypeError
            If the labels are not integers.
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
        """The same network, loss and ``l2`` on the samples ``indices`` (a mini-batch).

        Parameters
        ----------
        indices : array_like of int, shape (b,)
            Sample positions; repeats allowed (sampling with replacement).

        Returns
        -------
        batch : NetworkObjective
            Its loss is the mean over the ``b`` selected samples. Cheap: the data are
            copied, nothing is re-validated.

        Raises
        ------
        TypeError
            If ``indices`` are not integers.
        ValueError
            If ``indices`` is empty, not 1-D, or out of range.
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
        """The same network, loss and ``l2`` on other data (e.g. a test split).

        Parameters
        ----------
        X : array_like, shape (n, d_in)
        y : array_like
            Targets or labels, as in :func:`~landscape.mlp_objective`.

        Returns
        -------
        objective : NetworkObjective

        Raises
        ------
        TypeError, ValueError
            As :func:`~landscape.mlp_objective`.
        """
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
