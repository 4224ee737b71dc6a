"""Input validation shared by every public entry point.

Each helper raises ``TypeError`` for the wrong kind of object and ``ValueError`` for a
bad value or shape. Messages name the argument, say what is required and show what
arrived, so a user can fix the call without reading the source.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "as_batch",
    "as_matrix",
    "as_points",
    "as_rng",
    "as_series",
    "as_symmetric_matrix",
    "as_vector",
    "check_choice",
    "check_fraction",
    "check_nonnegative",
    "check_positive",
    "check_positive_int",
    "check_real",
    "read_only_copy",
]


def _describe(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def _as_float_array(x: Any, name: str) -> np.ndarray:
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"`{name}` must be an array of real numbers, got {_describe(x)}.")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - numpy raises many types here
        raise TypeError(f"`{name}` must be an array of real numbers: {exc}") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"`{name}` must be an array of real numbers, got dtype {arr.dtype}.")
    if np.iscomplexobj(arr):
        raise TypeError(f"`{name}` must be real, got a complex array.")
    return arr.astype(np.float64, copy=True)


def _check_finite(arr: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"`{name}` must contain only finite values, found {bad} NaN or inf "
            f"entr{'y' if bad == 1 else 'ies'}."
        )


def as_vector(x: Any, name: str = "theta", dim: int | None = None) -> np.ndarray:
    """Return ``x`` as a new finite float64 vector of shape ``(dim,)``.

    A scalar is accepted when ``dim`` is 1 or unspecified and becomes shape ``(1,)``.
    """
    arr = _as_float_array(x, name)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(
            f"`{name}` must be a 1-D vector"
            + (f" of length {dim}" if dim is not None else "")
            + f", got an array of shape {arr.shape}."
        )
    if dim is not None and arr.shape[0] != dim:
        raise ValueError(f"`{name}` must have length {dim}, got length {arr.shape[0]}.")
    if arr.shape[0] == 0:
        raise ValueError(f"`{name}` must not be empty.")
    _check_finite(arr, name)
    return arr


def as_series(x: Any, name: str, length: int | None = None) -> np.ndarray:
    """Return ``x`` as a new non-empty 1-D float64 array, keeping NaN and inf.

    For recorded data (a loss curve) where a non-finite entry is an observation, not an
    input error. ``length`` requires a given number of entries.
    """
    arr = _as_float_array(x, name)
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be a 1-D array, got an array of shape {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"`{name}` must not be empty.")
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"`{name}` must have length {length}, got length {arr.shape[0]}.")
    return arr


def as_batch(x: Any, name: str = "thetas", dim: int | None = None) -> np.ndarray:
    """Return ``x`` as a finite float64 array of shape ``(n, dim)`` (a vector becomes one row)."""
    arr = _as_float_array(x, name)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"`{name}` must have shape (n, d), got an array of shape {arr.shape}.")
    if dim is not None and arr.shape[1] != dim:
        raise ValueError(f"`{name}` must have shape (n, {dim}), got shape {arr.shape}.")
    _check_finite(arr, name)
    return arr


def as_points(x: Any, name: str = "theta", dim: int | None = None) -> np.ndarray:
    """Return ``x`` as a new finite float64 array of points, shape ``(..., dim)``.

    The last axis holds the coordinates; any leading axes (a grid, a batch) are kept. A
    scalar is accepted when ``dim`` is 1 and becomes shape ``(1,)``.
    """
    arr = _as_float_array(x, name)
    if arr.ndim == 0:
        if dim not in (None, 1):
            raise ValueError(f"`{name}` must have shape (..., {dim}), got a scalar.")
        arr = arr.reshape(1)
    if dim is not None and arr.shape[-1] != dim:
        raise ValueError(
            f"`{name}` must have shape (..., {dim}) (last axis = coordinates), "
            f"got shape {arr.shape}."
        )
    if arr.shape[-1] == 0:
        raise ValueError(f"`{name}` must not have an empty last axis.")
    _check_finite(arr, name)
    return arr


def as_matrix(x: Any, name: str = "X", cols: int | None = None, min_rows: int = 1) -> np.ndarray:
    """Return ``x`` as a new finite float64 matrix of shape ``(n, cols)`` with ``n >= min_rows``.

    Unlike :func:`as_batch`, a 1-D input is rejected rather than promoted: a data matrix
    with one sample and a vector of features are easy to confuse.
    """
    arr = _as_float_array(x, name)
    if arr.ndim != 2:
        raise ValueError(
            f"`{name}` must be a 2-D array of shape (n, "
            + (str(cols) if cols is not None else "d")
            + f"), got an array of shape {arr.shape}."
        )
    if cols is not None and arr.shape[1] != cols:
        raise ValueError(f"`{name}` must have shape (n, {cols}), got shape {arr.shape}.")
    if arr.shape[0] < min_rows:
        raise ValueError(
            f"`{name}` must have at least {min_rows} row{'s' if min_rows != 1 else ''}, "
            f"got shape {arr.shape}."
        )
    _check_finite(arr, name)
    return arr


def as_symmetric_matrix(x: Any, name: str = "hessian", rtol: float = 1e-8) -> np.ndarray:
    """Return ``x`` as a finite, square, symmetric float64 matrix.

    Symmetry is checked relative to the matrix's scale: ``max|H - H^T| <= rtol * max|H|``.
    The returned matrix is exactly symmetrized, ``(H + H^T) / 2``.
    """
    arr = _as_float_array(x, name)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"`{name}` must be a square matrix, got an array of shape {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"`{name}` must not be empty.")
    _check_finite(arr, name)
    scale = float(np.max(np.abs(arr)))
    asym = float(np.max(np.abs(arr - arr.T)))
    if asym > rtol * max(scale, np.finfo(float).tiny):
        raise ValueError(
            f"`{name}` must be symmetric: max |H - H^T| = {asym:.3g} exceeds "
            f"{rtol:g} x max |H| = {rtol * scale:.3g}."
        )
    return 0.5 * (arr + arr.T)


def _check_real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number, got {_describe(value)}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite, got {value}.")
    return value


def check_real(value: Any, name: str) -> float:
    """Return ``value`` as a float, requiring a finite real number (not a bool)."""
    return _check_real(value, name)


def check_positive(value: Any, name: str) -> float:
    """Return ``value`` as a float, requiring it to be finite and > 0."""
    value = _check_real(value, name)
    if value <= 0:
        raise ValueError(f"`{name}` must be positive, got {value:g}.")
    return value


def check_nonnegative(value: Any, name: str) -> float:
    """Return ``value`` as a float, requiring it to be finite and >= 0."""
    value = _check_real(value, name)
    if value < 0:
        raise ValueError(f"`{name}` must be non-negative, got {value:g}.")
    return value


def check_fraction(
    value: Any, name: str, *, low_inclusive: bool = True, high_inclusive: bool = False
) -> float:
    """Return ``value`` as a float in the interval [0, 1) (bounds configurable)."""
    value = _check_real(value, name)
    low_ok = value >= 0 if low_inclusive else value > 0
    high_ok = value <= 1 if high_inclusive else value < 1
    if not (low_ok and high_ok):
        interval = ("[" if low_inclusive else "(") + "0, 1" + ("]" if high_inclusive else ")")
        raise ValueError(f"`{name}` must lie in {interval}, got {value:g}.")
    return value


def check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, requiring an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be an integer, got {_describe(value)}.")
    value = int(value)
    if value < minimum:
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value}.")
    return value


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise list the allowed ones."""
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {allowed}; got {_describe(value)}.")
    return value


def as_rng(rng: Any) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from an int seed or a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"`rng` must be an int seed or a numpy.random.Generator, got {_describe(rng)}."
        )
    if int(rng) < 0:
        raise ValueError(f"`rng` seed must be non-negative, got {int(rng)}.")
    return np.random.default_rng(int(rng))


def read_only_copy(x: Any, dtype: Any = None) -> np.ndarray:
    """A read-only copy of an array (as ``dtype`` if given), for a frozen record's fields.

    The record owns the copy, so freezing it never changes an array the caller still
    holds (the caller's array stays writable and unshared).
    """
    arr = np.array(x, dtype=dtype)
    arr.flags.writeable = False
    return arr


def read_only(arr: np.ndarray) -> np.ndarray:
    """Mark ``arr`` read-only in place and return it.

    Only for an array the calling function has just built and owns (a state or a record
    field); an array that came from a caller gets :func:`read_only_copy` instead.
    """
    arr.flags.writeable = False
    return arr
