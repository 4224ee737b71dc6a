"""Oscillation without progress, and the edge of stability.

Gradient descent is stable along a direction of curvature ``lambda`` when ``lr < 2 / lambda``;
above it every step overshoots, and the loss bounces instead of falling.
"""

from __future__ import annotations

import math

import numpy as np

from landscape._validation import check_positive
from landscape.diagnostics._common import _optional_int, check_log, lr_context
from landscape.diagnostics._series import (
    auto_window,
    fmt,
    lag1_autocorrelation,
    loss_level,
    quiet_numerics,
    runs,
    trend,
)
from landscape.diagnostics.findings import Finding
from landscape.diagnostics.log import TrainingLog

__all__ = ["detect_oscillation"]


@quiet_numerics
def detect_oscillation(
    log: TrainingLog,
    *,
    window: int | None = None,
    max_autocorrelation: float = -0.6,
    min_amplitude: float = 0.01,
    min_progress: float = 0.01,
    stability_margin: float = 0.1,
) -> tuple[Finding, ...]:
    """Find stretches where the loss bounces without making progress.

    The loss is cut into consecutive windows. A window *oscillates without progress* when
    its loss fell by less than ``min_progress`` and either (a) the loss alternates up and
    down, the signature of steps that overshoot the valley floor, or (b) the logged
    curvature says so: ``lr * lambda_max > 2 (1 + stability_margin)`` on most of its rows.

    Parameters
    ----------
    log : TrainingLog
        The run.
    window : int, optional
        Rows per window. Default 10% of the rows, clipped to [50, 500]: the alternation
        statistic needs about 50 points to be reliable (see ``max_autocorrelation``).
    max_autocorrelation : float, optional
        The lag-1 autocorrelation of the detrended loss must be at most this. Default
        -0.6: white noise gives 0 with standard deviation 1/sqrt(50) = 0.14 over 50 rows,
        so -0.6 is a 4-sigma event for noise, while a period-2 bounce gives -1 (and still
        -0.6 when the bounce is only 1.2 times the noise).
    min_amplitude : float, optional
        Median absolute detrended deviation, as a fraction of the loss, below which an
        alternation is ignored. Default 0.01: a 1% wobble costs less than typical
        minibatch noise.
    min_progress : float, optional
        Relative decrease of the loss across a window below which it made no progress.
        Default 0.01 (1%).
    stability_margin : float, optional
        Curvature evidence requires ``lr * lambda_max`` above ``2 (1 + margin)``. Default
        0.1: at the edge of stability full-batch gradient descent hovers at
        ``lambda_max ~ 2 / lr`` while still making progress, so only a clear excess counts.

    Returns
    -------
    findings : tuple of Finding
        ``warning`` per contiguous oscillating stretch; ``info`` when the run sat at the
        edge of stability while still making progress.

    Raises
    ------
    TypeError
        If ``log`` is not a :class:`~landscape.TrainingLog`.
    ValueError
        If a threshold is out of range (``max_autocorrelation`` must lie in (-1, 0)).

    Notes
    -----
    With residuals :math:`r_t` of the loss about a straight line fitted in the window,
    the alternation statistic is :math:`\\rho_1 = \\sum_t r_t r_{t-1} / \\sum_t r_t^2`.
    For gradient descent on a quadratic the error along curvature :math:`\\lambda` is
    multiplied by :math:`1 - \\eta\\lambda` per step: for :math:`\\eta\\lambda \\in (1, 2)`
    it flips sign every step (:math:`\\rho_1 \\to -1`) while shrinking; at
    :math:`\\eta\\lambda > 2` it grows. Without curvature columns only period-2
    alternation is detectable.

    References
    ----------
    J. Cohen et al., "Gradient descent on neural networks typically occurs at the edge of
    stability", ICLR 2021, arXiv:2103.00065.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> t = np.arange(400)
    >>> loss = 1.0 + 0.3 * (-1.0) ** t
    >>> [f] = ls.detect_oscillation(ls.TrainingLog.from_arrays(loss=loss))
    >>> f.severity, round(f.evidence["autocorrelation"], 2)
    ('warning', -0.98)
    """
    log = check_log(log)
    window = _optional_int(window, "window", 10)
    max_autocorrelation = float(max_autocorrelation)
    if not -1.0 < max_autocorrelation < 0.0:
        raise ValueError(f"`max_autocorrelation` must lie in (-1, 0), got {max_autocorrelation:g}.")
    min_amplitude = check_positive(min_amplitude, "min_amplitude")
    min_progress = check_positive(min_progress, "min_progress")
    stability_margin = check_positive(stability_margin, "stability_margin")
    lvl = loss_level(log.loss, log.step, log.loss_logged)
    n = len(lvl)
    w = window if window is not None else auto_window(n, 0.1, 50, 500)
    has_curv = log.has("lr") and log.has("lambda_max")
    q = log.lr * log.lambda_max / 2.0 if has_curv else None
    if n < w:
        return ()
    starts = list(range(0, n - w + 1, w))
    bounds = [(a, a + w) for a in starts]
    bounds[-1] = (bounds[-1][0], n)
    flags, stats = [], []
    for a, b in bounds:
        x = lvl.x[a:b]
        m = x.size
        t = np.arange(m, dtype=float)
        level = float(np.median(x))
        # Progress: the fall of a line fitted to averages of consecutive pairs (which
        # cancel a period-2 bounce; medians would jump between its two values). It counts
        # only when it is also twice its standard error, so noise cannot fake it.
        half_m = m // 2
        pairs = 0.5 * (x[0 : 2 * half_m : 2] + x[1 : 2 * half_m : 2])
        fit = trend(2.0 * np.arange(half_m), pairs)
        progress = -fit.slope * (m - 1)
        noise = 2.0 * fit.stderr * (m - 1)
        need = max(lvl.tolerance(min_progress, level), noise)
        r = x - x.mean() - fit.slope * (t - t.mean())
        rho = lag1_autocorrelation(r)
        amp = float(np.median(np.abs(r)))
        amp_rel = amp if lvl.is_log else amp / max(abs(level), 1e-12)
        alternating = rho <= max_autocorrelation and amp_rel >= min_amplitude
        frac_unstable = math.nan
        if q is not None:
            rows = slice(int(lvl.index[a]), int(lvl.index[b - 1]) + 1)
            qs = q[rows][np.isfinite(q[rows])]
            if qs.size:
                frac_unstable = float(np.mean(qs > 1.0 + stability_margin))
        unstable = frac_unstable >= 0.5
        flags.append(progress < need and (alternating or unstable))
        stats.append((a, b, rho, amp_rel, progress, level, frac_unstable, alternating))
    flags = np.array(flags)
    # Bridge a single quiet window between two oscillating ones: one episode, not two.
    gaps = np.flatnonzero(~flags[1:-1] & flags[:-2] & flags[2:]) + 1
    flags[gaps] = True
    findings = []
    for i0, i1 in runs(flags):
        group = stats[i0 : i1 + 1]
        a, b = group[0][0], group[-1][1]
        rho = min(g[2] for g in group)
        amp = float(np.median([g[3] for g in group]))
        level = lvl.to_raw(float(np.median(lvl.x[a:b])))
        ev: dict = {
            "autocorrelation": rho,
            "relative_amplitude": amp,
            "loss_level": level,
            "windows": i1 - i0 + 1,
            "window_rows": w,
        }
        row_a, row_b = int(lvl.index[a]), int(lvl.index[b - 1])
        bounce = any(g[7] for g in group)
        parts = []
        if bounce:
            parts.append(
                f"alternates up and down (lag-1 autocorrelation {rho:.2f}, amplitude "
                f"{amp:.1%} of the loss)"
            )
        if q is not None:
            qs = q[row_a : row_b + 1]
            qs = qs[np.isfinite(qs)]
            if qs.size:
                ev["median_lr_times_lambda_max"] = float(np.median(2 * qs))
                ev["fraction_above_threshold"] = float(np.mean(qs > 1 + stability_margin))
                if ev["fraction_above_threshold"] >= 0.5:
                    parts.append(
                        f"lr * lambda_max = {fmt(ev['median_lr_times_lambda_max'])} > 2 on "
                        f"{ev['fraction_above_threshold']:.0%} of its rows"
                    )
        ev.update(lr_context(log, row_b))
        fixes = []
        if "stable_lr_limit" in ev:
            fixes.append(
                f"Lower the learning rate below 2/lambda_max = {fmt(ev['stable_lr_limit'])} "
                f"(it is {fmt(ev.get('lr', math.nan))}); halving it is a good first try."
            )
        else:
            fixes.append("Lower the learning rate (halve it as a first try).")
        fixes += [
            "Decay the learning rate (a schedule) so late steps fit inside the valley.",
            "Use momentum with a smaller step, or a preconditioned optimizer (Adam), which "
            "shrinks steps along sharp directions.",
            "Gradient clipping does not cure this: the gradients are not spikes, the step "
            "is simply too long for the curvature.",
        ]
        findings.append(
            Finding(
                "oscillation",
                "warning",
                f"From step {fmt(lvl.step[a])} to {fmt(lvl.step[b - 1])} the loss makes no "
                f"progress (around {fmt(level)}) and " + " and ".join(parts) + ".",
                float(lvl.step[a]),
                float(lvl.step[b - 1]),
                ev,
                "The step is longer than the valley is wide: with lr above 2/lambda_max the "
                "update overshoots the floor of the sharpest direction every step, so the "
                "iterate bounces between the valley walls instead of descending.",
                tuple(fixes),
            )
        )
    if q is not None and not findings:
        finding = _edge_of_stability(log, q, stability_margin)
        if finding is not None:
            findings.append(finding)
    return tuple(findings)


def _edge_of_stability(log: TrainingLog, q: np.ndarray, margin: float) -> Finding | None:
    finite = np.isfinite(q)
    if finite.sum() < 10:
        return None
    near = finite & (q >= 1 - margin)
    frac = float(near.sum() / finite.sum())
    if frac < 0.5:
        return None
    rows = np.flatnonzero(near)
    return Finding(
        "oscillation",
        "info",
        f"lambda_max sat at or above {1 - margin:.0%} of 2/lr on {frac:.0%} of the rows "
        "while the loss kept falling: the run trains at the edge of stability.",
        float(log.step[rows[0]]),
        float(log.step[rows[-1]]),
        {
            "fraction_at_edge": frac,
            "median_lr_times_lambda_max": float(np.median(2 * q[finite])),
        },
        "Progressive sharpening drives lambda_max up to 2/lr, where gradient descent "
        "self-stabilizes: the loss falls non-monotonically instead of diverging.",
        (
            "Nothing to fix; expect short-term non-monotone loss. A smaller learning rate "
            "would train at a sharper edge (lambda_max ~ 2/lr).",
        ),
    )
