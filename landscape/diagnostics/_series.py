"""Small numerical helpers shared by the detectors: levels, robust statistics, trends.

Detectors look at the loss on a *level scale*: the natural logarithm when every finite
loss is positive (then differences are relative changes and multiplicative noise is
homoscedastic), the raw values otherwise (losses that can be zero or negative).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

import numpy as np
from scipy import ndimage

P = ParamSpec("P")
R = TypeVar("R")

#: Consistency constant: 1.4826 * MAD estimates the standard deviation of Gaussian noise.
MAD_TO_SD = 1.4826
#: 1 / (0.6745 * sqrt(2)): the median absolute first difference of white noise, to sigma.
DIFF_TO_SD = 1.0483


def quiet_numerics(func: Callable[P, R]) -> Callable[P, R]:
    """Run a detector with floating-point warnings off: logs can hold 1e300 or inf, and
    every detector treats an overflowed statistic as 'not evidence', not as an error."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with np.errstate(all="ignore"):
            return func(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Level:
    """The finite loss on its level scale, with the rows and steps it came from."""

    index: np.ndarray  # row indices into the log
    step: np.ndarray
    raw: np.ndarray
    x: np.ndarray  # log(raw) when is_log, else raw
    is_log: bool

    def __len__(self) -> int:
        return int(self.x.size)

    def to_raw(self, value: float) -> float:
        """Map a level back to loss units."""
        return float(math.exp(value)) if self.is_log else float(value)

    def relative(self, fraction: float) -> float:
        """A change of ``fraction`` of the loss, in level units (log1p on the log scale)."""
        return math.log1p(fraction) if self.is_log else fraction

    def tolerance(self, fraction: float, reference: float) -> float:
        """``fraction`` of the loss at level ``reference``, in level units."""
        if self.is_log:
            return math.log1p(fraction)
        return fraction * max(abs(reference), 1e-12)


def loss_level(values: np.ndarray, step: np.ndarray, mask: np.ndarray | None = None) -> Level:
    """Finite entries of ``values`` on the level scale (log when all are positive)."""
    keep = np.isfinite(values)
    if mask is not None:
        keep &= mask
    index = np.flatnonzero(keep)
    raw = values[index]
    is_log = bool(raw.size) and bool(np.all(raw > 0))
    x = np.log(raw) if is_log else raw.copy()
    return Level(index=index, step=step[index], raw=raw, x=x, is_log=is_log)


def odd(width: float, minimum: int = 1) -> int:
    """Round ``width`` to an odd integer >= ``minimum``."""
    w = max(round(width), minimum)
    return w if w % 2 else w + 1


def auto_window(n: int, fraction: float, low: int, high: int) -> int:
    """``fraction * n`` rows, clipped to ``[low, high]``."""
    return int(min(max(int(fraction * n), low), high))


def smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Centred running median of odd ``width`` (edges padded with the nearest value)."""
    if x.size == 0:
        return x.copy()
    width = odd(min(width, x.size if x.size % 2 else x.size - 1), 1)
    return ndimage.median_filter(x, size=width, mode="nearest")


def trailing_median_scale(
    x: np.ndarray, width: int, min_history: int
) -> tuple[np.ndarray, np.ndarray]:
    """Median and robust scale of the ``width`` points *before* each point.

    Returns arrays ``(level, scale)`` of the length of ``x``: ``level[t]`` is the median of
    ``x[t - width : t]`` (fewer points early on, NaN before ``min_history``) and
    ``scale[t]`` is the larger of two robust noise estimates over those points: 1.4826
    times the median absolute deviation from a short centred running median (so a smooth
    trend does not inflate it), and 1.0483 times the median absolute first difference
    (which sees a +-+- alternation that a running median follows).
    """
    n = x.size
    level = np.full(n, np.nan)
    scale = np.full(n, np.nan)
    if n <= min_history:
        return level, scale
    width = odd(width, 3)
    half = width // 2
    centred = ndimage.median_filter(x, size=width, mode="nearest")
    # Deviations from a short centred median follow a trend but, because each point is
    # part of its own median, shrink by about 1 - 1.2 / k for white noise (measured for
    # k = 9..101); divide that out.
    k = odd(max(9, width // 5))
    dev = np.abs(x - smooth(x, k)) * (MAD_TO_SD / (1.0 - 1.2 / k))
    # For white noise the median of |x_t - x_(t-1)| is 0.6745 * sqrt(2) * sigma.
    diff = np.r_[np.nan, np.abs(np.diff(x)) * DIFF_TO_SD]
    diff[0] = diff[1] if n > 1 else 0.0
    dev_centred = ndimage.median_filter(dev, size=width, mode="nearest")
    diff_centred = ndimage.median_filter(diff, size=width, mode="nearest")
    # Full windows: the centred value at t - 1 - half covers x[t - width : t].
    if n > width:
        t = np.arange(width, n)
        level[t] = centred[t - 1 - half]
        scale[t] = np.maximum(dev_centred[t - 1 - half], diff_centred[t - 1 - half])
    for t in range(min_history, min(width, n)):
        level[t] = np.median(x[:t])
        scale[t] = max(np.median(dev[:t]), np.median(diff[1:t]))
    return level, scale


@dataclass(frozen=True)
class Trend:
    """Least-squares line through ``(t, y)``: slope, its standard error and a t-value.

    The standard error allows for positively autocorrelated residuals (a smoothed or
    averaged loss): it is inflated by ``sqrt((1 + rho) / (1 - rho))`` for their lag-1
    autocorrelation ``rho > 0``, the usual effective-sample-size correction.
    """

    slope: float
    stderr: float
    count: int

    @property
    def z(self) -> float:
        """Slope over its standard error (negative: significantly falling)."""
        if self.stderr == 0:
            return math.copysign(math.inf, self.slope) if self.slope else 0.0
        return self.slope / self.stderr


def trend(t: np.ndarray, y: np.ndarray) -> Trend:
    """Fit ``y = a + slope * t`` by least squares."""
    n = y.size
    if n < 3:
        return Trend(0.0, math.inf, int(n))
    tc = t - t.mean()
    sxx = float(tc @ tc)
    if sxx == 0:
        return Trend(0.0, math.inf, int(n))
    slope = float(tc @ (y - y.mean())) / sxx
    resid = y - y.mean() - slope * tc
    var = float(resid @ resid) / (n - 2)
    # Only positive autocorrelation is corrected for (conservative: a negative rho from a
    # deterministic bounce riding on white noise would shrink the error wrongly).
    rho = min(max(lag1_autocorrelation(resid), 0.0), 0.99)
    inflation = (1 + rho) / (1 - rho)
    return Trend(slope, math.sqrt(var * inflation / sxx), int(n))


def lag1_autocorrelation(r: np.ndarray) -> float:
    """Lag-1 autocorrelation of a zero-mean residual (0 for white noise, -1 for +-+-)."""
    denom = float(r @ r)
    if r.size < 3 or denom == 0:
        return 0.0
    return float(r[1:] @ r[:-1]) / denom


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive ``(start, end)`` index pairs of the True runs of a boolean array."""
    if mask.size == 0:
        return []
    padded = np.r_[False, mask, False].astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[0::2], edges[1::2], strict=True)]


def fmt(value: float, digits: int = 3) -> str:
    """Compact number for messages: 3 significant digits, integers without a point."""
    if not np.isfinite(value):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"
