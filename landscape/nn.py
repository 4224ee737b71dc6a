r"""Multilayer perceptrons over a flat parameter vector, with exact curvature.

:class:`~landscape.MLP` is a frozen specification (widths and activation) that packs, unpacks,
initializes and runs a network whose parameters live in one float64 vector ``theta``.
:func:`~landscape.mlp_objective` pairs an MLP with data and a loss and returns a
:class:`~landscape.NetworkObjective`: the loss as a function of ``theta`` with an exact backprop
gradient, an exact Hessian-vector product (Pearlmutter's R-operator, forward-over-reverse,
derived by hand layer by layer) and a batched loss over many ``theta`` at once.

Conventions
-----------
* Layer ``l`` computes ``z_l = a_l @ W_l.T + b_l`` with ``W_l`` of shape
  ``(fan_out, fan_in)`` (one row per output unit, as in PyTorch); hidden layers apply the
  activation, the last layer is linear (its outputs are predictions or logits).
* ``theta`` concatenates ``layer0.weight`` (row-major), ``layer0.bias``,
  ``layer1.weight``, ... in that order (:attr:`~landscape.MLP.layers` gives each block's slice).
* Mean squared error is ``sum((f(X) - y)**2) / (2 n)``: half the mean over samples of the
  squared error summed over outputs. Its Hessian at an interpolating point is the
  Gauss-Newton matrix with no extra factor, which is the convention of the
  edge-of-stability literature.
* Cross-entropy is the mean over samples of ``-log softmax(f(x))[label]`` with integer
  labels, computed with a shifted log-sum-exp (stable for any logits).
* The optional L2 term is ``l2 * 0.5 * ||theta||^2`` over *all* parameters, biases
  included, so it shifts every Hessian eigenvalue by exactly ``l2``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from landscape import _nn_kernels as K
from landscape._validation import (
    as_batch,
    as_matrix,
    as_rng,
    as_vector,
    check_choice,
    check_nonnegative,
    check_positive_int,
)

__all__ = ["MLP", "ParamBlock"]

ACTIVATION_NAMES = tuple(K.ACTIVATIONS)
INIT_SCHEMES = ("he", "xavier", "lecun")
# Bytes of intermediate arrays one chunk of a batched computation may hold. Small enough
# to stay in cache: measured here, 2-4 MiB chunks ran batched losses 1.5-2x faster than
# 32 MiB chunks (elementwise activations are memory-bound on large arrays).
_CHUNK_BYTES = 2 * 2**20


class ParamBlock(NamedTuple):
    """One named block of a network's flat parameter vector.

    Attributes
    ----------
    name : str
        ``"layer{l}.weight"`` or ``"layer{l}.bias"``.
    layer : int
        Layer index ``l`` (0 is the input layer).
    kind : str
        ``"weight"`` or ``"bias"``.
    start, stop : int
        The block is ``theta[start:stop]``.
    shape : tuple of int
        ``(fan_out, fan_in)`` for a weight, ``(fan_out,)`` for a bias.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> block = ls.MLP((3, 2)).layers[0]
    >>> block
    ParamBlock(name='layer0.weight', layer=0, kind='weight', start=0, stop=6, shape=(2, 3))
    >>> np.arange(8.0)[block.slice].reshape(block.shape)
    array([[0., 1., 2.],
           [3., 4., 5.]])
    """

    name: str
    layer: int
    kind: str
    start: int
    stop: int
    shape: tuple[int, ...]

    @property
    def slice(self) -> slice:
        """The slice of ``theta`` that holds this block."""
        return slice(self.start, self.stop)

    @property
    def size(self) -> int:
        """Number of parameters in the block."""
        return self.stop - self.start


@dataclass(frozen=True)
class MLP:
    """A fully connected network specification: widths and activation.

    The network has ``len(widths) - 1`` layers; layer ``l`` maps ``widths[l]`` inputs to
    ``widths[l + 1]`` outputs. Hidden layers apply ``activation``; the last layer is linear.

    Parameters
    ----------
    widths : sequence of int
        ``(d_in, h_1, ..., d_out)``, at least two entries, each >= 1.
    activation : {"tanh", "relu", "gelu", "softplus", "sigmoid", "linear"}, optional
        Hidden nonlinearity. ``"gelu"`` is the exact ``z * Phi(z)`` (Gaussian CDF);
        ``"linear"`` gives a deep linear network. ReLU's second derivative is taken as
        zero (it is zero everywhere except on a measure-zero kink).

    Attributes
    ----------
    num_params : int
        Length ``d`` of ``theta``.
    num_layers : int
        Number of weight matrices.
    layers : tuple of ParamBlock
        The named blocks of ``theta`` in order.

    Raises
    ------
    TypeError
        If a width is not an integer.
    ValueError
        If fewer than two widths are given, a width is < 1, or the activation is unknown.

    Examples
    --------
    >>> import landscape as ls
    >>> net = ls.MLP((2, 3, 1), activation="tanh")
    >>> net.num_params
    13
    >>> for block in net.layers:
    ...     print(block.name, block.shape, block.slice)
    layer0.weight (3, 2) slice(0, 6, None)
    layer0.bias (3,) slice(6, 9, None)
    layer1.weight (1, 3) slice(9, 12, None)
    layer1.bias (1,) slice(12, 13, None)
    """

    widths: tuple[int, ...]
    activation: str = "tanh"

    def __post_init__(self) -> None:
        if isinstance(self.widths, (str, bytes)) or not isinstance(self.widths, Sequence):
            raise TypeError(
                f"`widths` must be a sequence of integers, got {type(self.widths).__name__}."
            )
        widths = tuple(check_positive_int(w, "widths entry") for w in self.widths)
        if len(widths) < 2:
            raise ValueError(
                f"`widths` needs at least two entries (inputs and outputs), got {widths}."
            )
        object.__setattr__(self, "widths", widths)
        check_choice(self.activation, "activation", ACTIVATION_NAMES)

    @cached_property
    def layers(self) -> tuple[ParamBlock, ...]:
        blocks, start = [], 0
        for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(self.widths)):
            for kind, shape in (("weight", (fan_out, fan_in)), ("bias", (fan_out,))):
                size = math.prod(shape)
                blocks.append(
                    ParamBlock(f"layer{layer}.{kind}", layer, kind, start, start + size, shape)
                )
                start += size
        return tuple(blocks)

    @property
    def num_params(self) -> int:
        return self.layers[-1].stop

    @property
    def num_layers(self) -> int:
        return len(self.widths) - 1

    def _split(self, theta: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Views of the weights and biases of a validated ``theta`` (no copy)."""
        blocks = self.layers
        weights = [theta[b.start : b.stop].reshape(b.shape) for b in blocks[0::2]]
        biases = [theta[b.start : b.stop] for b in blocks[1::2]]
        return weights, biases

    def _split_batch(self, thetas: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Views ``(m, fan_out, fan_in)`` and ``(m, fan_out)`` of a stack of thetas."""
        m = thetas.shape[0]
        blocks = self.layers
        weights = [thetas[:, b.start : b.stop].reshape((m, *b.shape)) for b in blocks[0::2]]
        biases = [thetas[:, b.start : b.stop] for b in blocks[1::2]]
        return weights, biases

    def pack(self, params: Mapping[str, Any] | Sequence[Any]) -> np.ndarray:
        """Concatenate named parameter arrays into a flat ``theta``.

        Parameters
        ----------
        params : mapping or sequence of array_like
            Either a mapping from every block name (``"layer0.weight"``, ...) to an array
            of that block's shape, or a sequence of arrays in block order.

        Returns
        -------
        theta : numpy.ndarray, shape (d,)
            A new float64 vector.

        Raises
        ------
        TypeError
            If ``params`` is neither a mapping nor a sequence, or an entry is not numeric.
        ValueError
            If a block is missing or extra, has the wrong shape, or holds NaN/inf.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> net = ls.MLP((2, 1))
        >>> net.pack({"layer0.weight": [[1.0, 2.0]], "layer0.bias": [3.0]})
        array([1., 2., 3.])
        """
        names = [b.name for b in self.layers]
        if isinstance(params, Mapping):
            missing = [n for n in names if n not in params]
            extra = [k for k in params if k not in names]
            if missing or extra:
                raise ValueError(
                    f"`params` must have exactly the keys {names}; "
                    f"missing {missing}, unexpected {extra}."
                )
            arrays = [params[n] for n in names]
        elif isinstance(params, Sequence) and not isinstance(params, (str, bytes)):
            if len(params) != len(names):
                raise ValueError(
                    f"`params` must hold {len(names)} arrays (one per block {names}), "
                    f"got {len(params)}."
                )
            arrays = list(params)
        else:
            raise TypeError(
                f"`params` must be a mapping or a sequence of arrays, got {type(params).__name__}."
            )
        theta = np.empty(self.num_params)
        for block, arr in zip(self.layers, arrays, strict=True):
            if np.shape(arr) != block.shape:
                raise ValueError(
                    f"`{block.name}` must have shape {block.shape}, got {np.shape(arr)}."
                )
            theta[block.slice] = as_vector(np.ravel(arr), block.name)
        return theta

    def unpack(self, theta: Any) -> dict[str, np.ndarray]:
        """Split ``theta`` into named arrays.

        Parameters
        ----------
        theta : array_like, shape (d,)
            Flat parameter vector.

        Returns
        -------
        params : dict of str to numpy.ndarray
            Block name to array of the block's shape. The arrays are views into one new
            copy of ``theta``: writing to them never touches the caller's array.

        Raises
        ------
        TypeError
            If ``theta`` is not numeric.
        ValueError
            If ``theta`` does not have shape ``(d,)`` or holds NaN/inf.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> ls.MLP((2, 1)).unpack(np.array([1.0, 2.0, 3.0]))["layer0.weight"]
        array([[1., 2.]])
        """
        theta = as_vector(theta, "theta", self.num_params)
        return {b.name: theta[b.slice].reshape(b.shape) for b in self.layers}

    def init(
        self, rng: int | np.random.Generator = 0, scheme: str = "he", scale: float = 1.0
    ) -> np.ndarray:
        """Draw a random ``theta``: Gaussian weights, zero biases.

        Parameters
        ----------
        rng : int or numpy.random.Generator, optional
            Seed or generator.
        scheme : {"he", "xavier", "lecun"}, optional
            Weight variance ``2 / fan_in`` (He et al. 2015, for ReLU), ``2 / (fan_in +
            fan_out)`` (Glorot and Bengio 2010) or ``1 / fan_in`` (LeCun et al. 1998).
        scale : float, optional
            Multiplies every weight's standard deviation; ``scale=0`` gives the all-zero
            point (a saddle of deep linear networks), large scales saturate sigmoid/tanh.

        Returns
        -------
        theta : numpy.ndarray, shape (d,)

        Raises
        ------
        TypeError
            If ``rng`` is not a seed or Generator, or ``scale`` is not a real number.
        ValueError
            If ``scheme`` is unknown or ``scale`` is negative.

        Notes
        -----
        .. math:: W_{ij} \\sim \\mathcal{N}(0, s^2 \\sigma^2), \\quad b_i = 0,

        with :math:`s` = ``scale`` and :math:`\\sigma^2` given by ``scheme``.

        References
        ----------
        He, Zhang, Ren, Sun (2015), "Delving deep into rectifiers", arXiv:1502.01852.
        Glorot, Bengio (2010), "Understanding the difficulty of training deep feedforward
        neural networks", AISTATS.

        Examples
        --------
        >>> import landscape as ls
        >>> net = ls.MLP((2, 4, 1))
        >>> theta = net.init(rng=0)
        >>> theta.shape, float(abs(theta[net.layers[1].slice]).max())
        ((17,), 0.0)
        """
        gen = as_rng(rng)
        check_choice(scheme, "scheme", INIT_SCHEMES)
        scale = check_nonnegative(scale, "scale")
        theta = np.zeros(self.num_params)
        for block in self.layers[0::2]:
            fan_out, fan_in = block.shape
            var = {"he": 2.0 / fan_in, "xavier": 2.0 / (fan_in + fan_out), "lecun": 1.0 / fan_in}
            theta[block.slice] = scale * math.sqrt(var[scheme]) * gen.standard_normal(block.size)
        return theta

    def forward(self, theta: Any, X: Any) -> np.ndarray:
        """Network outputs for one ``theta`` or a stack of them.

        Parameters
        ----------
        theta : array_like, shape (d,) or (m, d)
            One parameter vector, or ``m`` of them evaluated in a vectorized batch.
        X : array_like, shape (n, d_in)
            Inputs, one row per sample.

        Returns
        -------
        outputs : numpy.ndarray, shape (n, d_out) or (m, n, d_out)
            Predictions (regression) or logits (classification).

        Raises
        ------
        TypeError
            If ``theta`` or ``X`` is not numeric.
        ValueError
            If a shape is wrong or an entry is NaN/inf.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> net = ls.MLP((1, 1))
        >>> net.forward(np.array([2.0, 1.0]), np.array([[0.0], [1.0]]))
        array([[1.],
               [3.]])
        """
        X = as_matrix(X, "X", self.widths[0])
        if np.ndim(theta) == 2:
            thetas = as_batch(theta, "theta", self.num_params)
            return self._forward_batch(thetas, X)
        theta = as_vector(theta, "theta", self.num_params)
        weights, biases = self._split(theta)
        out, *_ = K.forward_pass(weights, biases, X, K.ACTIVATIONS[self.activation], keep=False)
        return out

    def _forward_batch(self, thetas: np.ndarray, X: np.ndarray) -> np.ndarray:
        act = K.ACTIVATIONS[self.activation]
        X_T = np.ascontiguousarray(X.T)
        chunk = _chunk_size(X.shape[0] * max(self.widths) * 3)
        outs = []
        for start in range(0, thetas.shape[0], chunk):
            weights, biases = self._split_batch(thetas[start : start + chunk])
            outs.append(K.batched_outputs(weights, biases, X_T, act).transpose(0, 2, 1))
        return np.concatenate(outs, axis=0)

    def __repr__(self) -> str:
        return f"MLP(widths={self.widths}, activation={self.activation!r})"


def _chunk_size(floats_per_item: int) -> int:
    return max(1, _CHUNK_BYTES // (8 * max(1, floats_per_item)))
