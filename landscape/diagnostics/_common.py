"""Helpers shared by the detectors: argument checks and the learning-rate context."""

from __future__ import annotations

import numpy as np

from landscape._validation import check_positive_int
from landscape.diagnostics.log import TrainingLog


def check_log(log: object) -> TrainingLog:
    if not isinstance(log, TrainingLog):
        raise TypeError(
            "`log` must be a TrainingLog (from landscape.read_log or "
            f"TrainingLog.from_arrays), got {type(log).__name__}."
        )
    return log


def _optional_int(value: int | None, name: str, minimum: int) -> int | None:
    return None if value is None else check_positive_int(value, name, minimum)


def _at_or_before(values: np.ndarray, row: int) -> tuple[float, int] | None:
    """Last finite value of ``values`` at or before ``row`` and its row."""
    idx = np.flatnonzero(np.isfinite(values[: row + 1]))
    if idx.size == 0:
        return None
    return float(values[idx[-1]]), int(idx[-1])


def lr_context(log: TrainingLog, row: int) -> dict[str, float]:
    """Learning rate and curvature evidence at a row: lr, peak lr, lr * lambda_max."""
    ev: dict[str, float] = {}
    if log.has("lr"):
        here = _at_or_before(log.lr, row)
        if here is not None:
            ev["lr"] = here[0]
            upto = log.lr[: row + 1]
            peak_row = int(np.nanargmax(upto)) if np.isfinite(upto).any() else here[1]
            ev["lr_peak"] = float(log.lr[peak_row])
            ev["lr_peak_step"] = float(log.step[peak_row])
    if log.has("lambda_max") and log.has("lr"):
        both = np.isfinite(log.lr[: row + 1]) & np.isfinite(log.lambda_max[: row + 1])
        idx = np.flatnonzero(both)
        if idx.size:
            r = int(idx[-1])
            lam = float(log.lambda_max[r])
            ev["lambda_max"] = lam
            ev["lr_times_lambda_max"] = float(log.lr[r]) * lam
            if lam > 0:
                ev["stable_lr_limit"] = 2.0 / lam
    return ev
