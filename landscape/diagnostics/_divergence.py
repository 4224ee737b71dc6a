"""Divergence: a loss that became NaN/inf or grew explosively, and what preceded it.

Divergence, oscillation and spikes all read the step size against the curvature.
Gradient descent on a quadratic with curvature :math:`\\lambda` multiplies the error along
that direction by :math:`1 - \\eta\\lambda` each step, so it is stable when
:math:`\\eta < 2/\\lambda`; above the threshold the iterate overshoots and bounces
(oscillation), and far above it the error grows geometrically (divergence). A short
excursion above the threshold that the network escapes by moving to a flatter region
shows up as a transient spike (a catapult).
"""

from __future__ import annotations

import math

import numpy as np

from landscape._validation import check_fraction, check_positive
from landscape.diagnostics._common import _optional_int, check_log, lr_context
from landscape.diagnostics._series import (
    MAD_TO_SD,
    auto_window,
    fmt,
    loss_level,
    odd,
    quiet_numerics,
    smooth,
)
from landscape.diagnostics.findings import Finding
from landscape.diagnostics.log import TrainingLog

__all__ = ["detect_divergence"]


def _grad_precursors(
    log: TrainingLog, onset_row: int, z_threshold: float, lookback: int | None
) -> tuple[dict[str, float], str]:
    """Gradient-norm spikes in the rows before ``onset_row``, against earlier history."""
    g = log.grad_norm[: onset_row + 1]
    idx = np.flatnonzero(np.isfinite(g) & (g > 0))
    n_inf = int(np.isinf(g).sum())
    if idx.size < 8:
        return {}, ""
    lb = lookback if lookback is not None else max(10, idx.size // 10)
    lb = min(lb, idx.size - 5)
    if lb < 1:
        return {}, ""
    base, recent = idx[:-lb], idx[-lb:]
    lg = np.log(g)
    med = float(np.median(lg[base]))
    # Floor the scale at 1%: a perfectly steady gradient norm is not a zero-width band.
    scale = max(MAD_TO_SD * float(np.median(np.abs(lg[base] - med))), 0.01)
    z = (lg[recent] - med) / scale
    spikes = recent[z >= z_threshold]
    g0 = math.exp(med)
    gmax = float(np.max(g[recent]))
    onset_step = float(log.step[onset_row])
    ev = {
        "grad_norm_median_before": g0,
        "grad_norm_max_before_onset": gmax,
        "grad_norm_spikes_before_onset": int(spikes.size),
        "grad_norm_lookback_rows": int(lb),
    }
    if n_inf:
        ev["grad_norm_nonfinite"] = n_inf
    if spikes.size:
        first = float(log.step[spikes[0]])
        ev["first_grad_spike_step"] = first
        ev["grad_spike_lead_steps"] = onset_step - first
        text = (
            f" The gradient norm spiked {spikes.size} time{'s' if spikes.size > 1 else ''}"
            f" in the {lb} logged steps before (first at step {fmt(first)}, up to "
            f"{fmt(gmax / g0)}x its earlier median of {fmt(g0)})."
        )
    else:
        text = (
            f" No gradient-norm spike preceded it (largest in the {lb} logged steps before: "
            f"{fmt(gmax / g0)}x its earlier median)."
        )
    return ev, text


def _divergence_fixes(ev: dict[str, float], nonfinite: bool) -> tuple[str, ...]:
    fixes = []
    if "stable_lr_limit" in ev:
        fixes.append(
            f"Lower the learning rate below the stability limit 2/lambda_max = "
            f"{fmt(ev['stable_lr_limit'])} (it was {fmt(ev.get('lr', math.nan))})."
        )
    else:
        fixes.append("Lower the peak learning rate (try 2-10x smaller).")
    fixes.append(
        "Add or lengthen a learning-rate warmup, so the curvature settles before the peak "
        "step size is reached."
    )
    if "grad_norm_median_before" in ev:
        fixes.append(
            "Clip the gradient norm at a few times its typical value (its median before "
            f"the blow-up was {fmt(ev['grad_norm_median_before'])})."
        )
    else:
        fixes.append("Clip the gradient norm; log it to see what preceded the blow-up.")
    fixes.append(
        "Restart from a checkpoint before the onset; if one batch triggered it, skip the "
        "data around that step."
    )
    if nonfinite:
        fixes.append(
            "Check the numerics: mixed-precision loss scaling, log(0) or division by zero "
            "in the loss, the optimizer's epsilon."
        )
    return tuple(fixes)


_DIVERGENCE_CAUSE = (
    "The step size crossed the stability threshold of the local curvature: once "
    "lr * lambda_max > 2, each step overshoots along the sharpest direction and multiplies "
    "the error there by |1 - lr * lambda_max| > 1, so the loss grows geometrically "
    "(or a numerical fault produced a NaN)."
)


@quiet_numerics
def detect_divergence(
    log: TrainingLog,
    *,
    growth_factor: float = 10.0,
    giveback: float = 0.5,
    window: int | None = None,
    spike_z: float = 4.0,
    lookback: int | None = None,
) -> tuple[Finding, ...]:
    """Find a loss that became NaN/inf or grew explosively, and what preceded it.

    Parameters
    ----------
    log : TrainingLog
        The run.
    growth_factor : float, optional
        Explosive growth: the loss at the end of the log is at least this many times its
        best smoothed value. Default 10: SGD noise and transient spikes do not hold the
        loss an order of magnitude above its best; a run that does has lost its progress.
        (For a loss that can be zero or negative, the rise must instead exceed this many
        noise standard deviations.)
    giveback : float, optional
        ... and the rise is at least this fraction of the progress made before (on the
        log scale). Default 0.5: the run has given back half or more of what it learned,
        which a healthy run never does.
    window : int, optional
        Width (rows) of the running median that defines the smoothed loss. Default
        2% of the rows, clipped to [5, 101].
    spike_z : float, optional
        Robust z-score (log gradient norm against its median and MAD before the onset)
        above which a gradient norm counts as a spike preceding divergence. Default 4:
        rarer than 1 in 10,000 for Gaussian noise, yet sensitive; this is evidence, not
        an alarm.
    lookback : int, optional
        How many logged gradient norms before the onset to search for spikes. Default
        10% of the rows before the onset, at least 10.

    Returns
    -------
    findings : tuple of Finding
        ``critical`` for a loss that ends non-finite or exploded; ``warning`` for isolated
        non-finite losses the run recovered from.

    Raises
    ------
    TypeError
        If ``log`` is not a :class:`~landscape.TrainingLog`.
    ValueError
        If ``growth_factor <= 1``, ``giveback`` is outside (0, 1], or a window is < 3.

    Notes
    -----
    On the log scale :math:`x = \\log L`, with :math:`\\tilde x` the running median,
    :math:`x_0` the median of the first ``window`` rows, :math:`x_*=\\min \\tilde x` and
    :math:`x_T` the median of the last rows, explosive growth means

    .. math::

        x_T - x_* \\ge \\log(\\text{growth\\_factor}) \\quad\\text{and}\\quad
        x_T - x_* \\ge \\text{giveback}\\,(x_0 - x_*).

    For gradient descent on curvature :math:`\\lambda`, the error along that direction
    evolves as :math:`e_{t+1} = (1 - \\eta\\lambda) e_t`: geometric growth once
    :math:`\\eta\\lambda > 2` (Cohen et al., 2021). Gradient-norm spikes typically precede
    the loss by a few steps (Pascanu et al., 2013).

    References
    ----------
    J. Cohen et al., "Gradient descent on neural networks typically occurs at the edge of
    stability", ICLR 2021, arXiv:2103.00065.
    R. Pascanu, T. Mikolov, Y. Bengio, "On the difficulty of training recurrent neural
    networks", ICML 2013, arXiv:1211.5063.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> loss = np.r_[np.exp(-np.arange(50) / 20), np.exp(np.arange(20) / 2), np.nan]
    >>> [f] = ls.detect_divergence(ls.TrainingLog.from_arrays(loss=loss))
    >>> f.severity, f.evidence["first_nonfinite_step"]
    ('critical', 70.0)
    """
    log = check_log(log)
    growth_factor = check_positive(growth_factor, "growth_factor")
    if growth_factor <= 1:
        raise ValueError(f"`growth_factor` must be > 1, got {growth_factor:g}.")
    giveback = check_fraction(giveback, "giveback", low_inclusive=False, high_inclusive=True)
    spike_z = check_positive(spike_z, "spike_z")
    window = _optional_int(window, "window", 3)
    lookback = _optional_int(lookback, "lookback", 1)

    logged = log.loss_logged
    nonfinite = logged & ~np.isfinite(log.loss)
    lvl = loss_level(log.loss, log.step, logged)
    findings: list[Finding] = []

    def best_before(row: int) -> tuple[float, float] | None:
        keep = lvl.index <= row
        if keep.sum() < 1:
            return None
        raw = lvl.raw[keep]
        i = int(np.argmin(raw))
        return float(raw[i]), float(lvl.step[keep][i])

    if nonfinite.any():
        logged_rows = np.flatnonzero(logged)
        finite_rows = logged_rows[np.isfinite(log.loss[logged_rows])]
        bad_rows = np.flatnonzero(nonfinite)
        if nonfinite[logged_rows[-1]]:
            after = logged_rows[logged_rows > finite_rows[-1]] if finite_rows.size else logged_rows
            onset = int(after[0])
            earlier = bad_rows[bad_rows < onset]
            value = float(log.loss[onset])
            kind = "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")
            ev: dict = {
                "first_nonfinite_step": float(log.step[onset]),
                "nonfinite_rows": int(bad_rows.size),
                "final_nonfinite_rows": int(after.size),
            }
            if earlier.size:
                ev["earlier_nonfinite_steps"] = tuple(float(s) for s in log.step[earlier[:10]])
            text = f"The loss became {kind} at step {fmt(log.step[onset])} and stayed non-finite"
            if finite_rows.size:
                last = float(log.loss[finite_rows[-1]])
                best = best_before(onset)
                ev["last_finite_loss"] = last
                ev["last_finite_step"] = float(log.step[finite_rows[-1]])
                if best is not None:
                    ev["best_loss"], ev["best_step"] = best
                    if lvl.is_log and best[0] > 0:
                        ev["last_finite_over_best"] = last / best[0]
                        text += (
                            f" (the last finite loss, {fmt(last)}, was "
                            f"{fmt(last / best[0])}x its best)"
                        )
            text += "."
            grad_ev, grad_text = _grad_precursors(log, onset, spike_z, lookback)
            ev.update(grad_ev)
            ev.update(lr_context(log, onset))
            findings.append(
                Finding(
                    "divergence",
                    "critical",
                    text + grad_text,
                    float(log.step[onset]),
                    float(log.step[-1]),
                    ev,
                    _DIVERGENCE_CAUSE,
                    _divergence_fixes(ev, nonfinite=True),
                )
            )
            return tuple(findings)
        first = int(bad_rows[0])
        ev = {
            "nonfinite_rows": int(bad_rows.size),
            "nonfinite_steps": tuple(float(s) for s in log.step[bad_rows[:10]]),
            "logged_rows": int(logged_rows.size),
        }
        findings.append(
            Finding(
                "divergence",
                "warning",
                f"{bad_rows.size} logged loss value{'s were' if bad_rows.size > 1 else ' was'}"
                f" non-finite (first at step {fmt(log.step[first])}), but training continued "
                "and the loss is finite at the end.",
                float(log.step[first]),
                float(log.step[bad_rows[-1]]),
                ev,
                "A single step overflowed: the update landed where the loss or its "
                "gradient is not representable. With mixed precision and a dynamic loss "
                "scaler these steps are skipped and harmless when rare; otherwise a batch "
                "or a region of very high curvature produced an overflow.",
                (
                    "If you train in float16 with a loss scaler, check that these are "
                    "skipped steps and that they are rare.",
                    "Otherwise inspect the batches at those steps, and clip the gradient norm.",
                    "If they recur, lower the learning rate a little.",
                ),
            )
        )

    n = len(lvl)
    if n < 10:
        return tuple(findings)
    w = window if window is not None else odd(auto_window(n, 0.02, 5, 101))
    w = min(w, max(3, n // 3))
    s = smooth(lvl.x, w)
    init = float(np.median(lvl.x[:w]))
    k = max(3, w // 4)
    end = float(np.median(lvl.x[-k:]))
    ib = int(np.argmin(s))
    best = float(s[ib])
    rise = end - best
    progress = max(init - best, 0.0)
    if lvl.is_log:
        big = rise >= math.log(growth_factor)
    else:
        noise = MAD_TO_SD * float(np.median(np.abs(lvl.x - s)))
        big = rise >= growth_factor * max(noise, 1e-12) and end >= init
    if not (big and rise >= giveback * progress and ib < n - k):
        return tuple(findings)
    # Onset: where the smoothed loss first left its best by a tenth of the final rise
    # (at most a doubling, so that a run diverging from the start is dated early).
    lift = min(0.1 * rise, math.log(2.0)) if lvl.is_log else 0.1 * rise
    onset = ib + int(np.flatnonzero(s[ib:] >= best + lift)[0])
    row = int(lvl.index[onset])
    ev = {
        "best_loss": lvl.to_raw(best),
        "best_step": float(lvl.step[ib]),
        "final_loss": lvl.to_raw(end),
        "initial_loss": lvl.to_raw(init),
        "onset_step": float(lvl.step[onset]),
        "rise_over_progress": rise / progress if progress > 0 else math.inf,
    }
    if lvl.is_log:
        ev["final_over_best"] = math.exp(rise)
        grew = (
            f"{fmt(math.exp(rise))}x its best ({fmt(lvl.to_raw(best))} at step {fmt(lvl.step[ib])})"
        )
    else:
        grew = f"{fmt(rise)} above its best ({fmt(best)} at step {fmt(lvl.step[ib])})"
    grad_ev, grad_text = _grad_precursors(log, row, spike_z, lookback)
    ev.update(grad_ev)
    ev.update(lr_context(log, row))
    findings.append(
        Finding(
            "divergence",
            "critical",
            f"The loss grew explosively from step {fmt(lvl.step[onset])}: at the end of the "
            f"log it is {grew}, having given back "
            f"{'all' if progress == 0 or rise >= progress else f'{rise / progress:.0%}'} "
            f"of its progress.{grad_text}",
            float(lvl.step[onset]),
            float(log.step[-1]),
            ev,
            _DIVERGENCE_CAUSE,
            _divergence_fixes(ev, nonfinite=False),
        )
    )
    return tuple(findings)
