"""Detectors for instability: divergence, oscillation without progress, loss spikes.

All three read the step size against the curvature. Gradient descent on a quadratic with
curvature :math:`\\lambda` multiplies the error along that direction by
:math:`1 - \\eta\\lambda` each step, so it is stable when :math:`\\eta < 2/\\lambda`; above
the threshold the iterate overshoots and bounces (oscillation), and far above it the error
grows geometrically (divergence). A short excursion above the threshold that the network
escapes by moving to a flatter region shows up as a transient spike (a catapult).
"""

from __future__ import annotations

import math

import numpy as np

from landscape._validation import check_fraction, check_positive, check_positive_int
from landscape.diagnostics._series import (
    MAD_TO_SD,
    auto_window,
    fmt,
    lag1_autocorrelation,
    loss_level,
    odd,
    quiet_numerics,
    runs,
    smooth,
    trailing_median_scale,
    trend,
)
from landscape.diagnostics.findings import Finding
from landscape.diagnostics.log import TrainingLog

__all__ = ["detect_divergence", "detect_loss_spikes", "detect_oscillation"]


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
        If ``log`` is not a :class:`TrainingLog`.
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
        If ``log`` is not a :class:`TrainingLog`.
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


@quiet_numerics
def detect_loss_spikes(
    log: TrainingLog,
    *,
    z_threshold: float = 6.0,
    min_rise: float = 0.2,
    window: int | None = None,
    recovery_window: int | None = None,
    recovery_points: int = 5,
) -> tuple[Finding, ...]:
    """Find loss spikes and tell a transient catapult from the start of a divergence.

    A point is a spike when it stands ``z_threshold`` robust standard deviations above
    the median of the ``window`` points before it *and* at least ``min_rise`` above it.
    A spike *recovered* when the running median of ``recovery_points`` points comes back
    to the pre-spike level (within two robust standard deviations, or a quarter of the
    spike's height). A spike that recovers is a transient (a catapult), slow when it took
    more than ``recovery_window`` rows; one that never recovers is an instability: the
    start of a divergence, or a jump to a higher loss.

    Parameters
    ----------
    log : TrainingLog
        The run.
    z_threshold : float, optional
        Robust z-score threshold. Default 6: for Gaussian noise a 6-sigma point occurs
        about once in 10^9, so even long noisy logs do not trip it by chance, while the
        noise estimate from a finite window can be 30% low without a false alarm.
    min_rise : float, optional
        The spike must also exceed the local median by this fraction of the loss.
        Default 0.2 (20%): a smaller excursion is not worth a practitioner's attention,
        however significant.
    window : int, optional
        Rows of history defining the local level and noise. Default 5% of the rows,
        clipped to [30, 200]: 30 points pin the noise scale to about +-20%.
    recovery_window : int, optional
        A recovery slower than this many rows is called slow. Default ``window``.
    recovery_points : int, optional
        Points in the running median that decides recovery. Default 5.

    Returns
    -------
    findings : tuple of Finding
        One ``info`` finding summarizing the spikes that recovered (catapults), an
        ``info`` for a spike at the very end of the log (too early to judge), and one
        ``warning`` per spike that never recovered (labelled as the start of a
        divergence when the loss later became non-finite or ended higher than the
        spike).

    Raises
    ------
    TypeError
        If ``log`` is not a :class:`TrainingLog`.
    ValueError
        If a threshold is not positive or a window is too small.

    Notes
    -----
    With the level scale :math:`x` (log loss when positive), the trailing median
    :math:`m_t` and robust noise scale :math:`s_t` of the ``window`` points before
    :math:`t` (the larger of 1.4826 times their median absolute deviation from a short
    running median, and 1.0483 times their median absolute step-to-step change: both
    estimate the standard deviation of Gaussian noise, the second also sees a +-+-
    alternation), a spike is

    .. math::

        z_t = \\frac{x_t - m_t}{s_t} \\ge z_{\\text{threshold}} \\quad\\text{and}\\quad
        x_t - m_t \\ge \\log(1 + \\text{min\\_rise}).

    Large steps can throw the iterate out of a sharp region: the loss spikes, curvature
    drops, and the loss comes back lower (the catapult mechanism of Lewkowycz et al.,
    2020). A spike that does not come back is an instability in progress.

    References
    ----------
    A. Lewkowycz et al., "The large learning rate phase of deep learning: the catapult
    mechanism", 2020, arXiv:2003.02218.
    M. Wortsman et al., "Small-scale proxies for large-scale Transformer training
    instabilities", 2023, arXiv:2309.14322.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> rng = np.random.default_rng(0)
    >>> loss = np.exp(-np.arange(600) / 300 + 0.02 * rng.standard_normal(600))
    >>> loss[300:303] *= [3.0, 2.0, 1.3]
    >>> [f] = ls.detect_loss_spikes(ls.TrainingLog.from_arrays(loss=loss))
    >>> f.severity, f.evidence["transient_spikes"], f.evidence["steps"]
    ('info', 1, (300.0,))
    """
    log = check_log(log)
    z_threshold = check_positive(z_threshold, "z_threshold")
    min_rise = check_positive(min_rise, "min_rise")
    window = _optional_int(window, "window", 5)
    recovery_window = _optional_int(recovery_window, "recovery_window", 1)
    k = check_positive_int(recovery_points, "recovery_points")
    lvl = loss_level(log.loss, log.step, log.loss_logged)
    n = len(lvl)
    if n < 20:
        return ()
    w = window if window is not None else auto_window(n, 0.05, 30, 200)
    rw = recovery_window if recovery_window is not None else w
    level, scale = trailing_median_scale(lvl.x, w, min_history=max(10, w // 2))
    floor = lvl.relative(1e-3) if lvl.is_log else 1e-3 * np.abs(level) + 1e-12
    scale = np.maximum(scale, floor)
    excess = lvl.x - level
    need = lvl.relative(min_rise) if lvl.is_log else min_rise * np.abs(level)
    with np.errstate(invalid="ignore"):
        cand = np.flatnonzero((excess / scale >= z_threshold) & (excess >= need))
    if cand.size == 0:
        return ()
    # Group candidates closer than k rows into events.
    breaks = np.flatnonzero(np.diff(cand) > k)
    groups = np.split(cand, breaks + 1)
    fwd = smooth(lvl.x, k)  # centred median of k points; fwd[j + k//2] covers x[j : j+k]
    half = k // 2
    recovered, slow, pending, lost = [], [], [], []
    logged_rows = np.flatnonzero(log.loss_logged)
    for g in groups:
        start, end = int(g[0]), int(g[-1])
        peak = start + int(np.argmax(lvl.x[start : end + 1]))
        pre, pre_scale = float(level[start]), float(scale[start])
        height = float(lvl.x[peak] - pre)
        target = pre + max(2 * pre_scale, 0.25 * height)
        js = np.arange(end + 1, n - k + 1)
        back = js[fwd[js + half] <= target] if js.size else js
        rec = int(back[0] - peak) if back.size else None
        margin = float(need) if lvl.is_log else float(need[start])
        if rec is None and js.size and np.median(lvl.x[end + 1 :]) < pre + margin:
            # Never quite back to the old level, but what is left of the jump is smaller
            # than a spike (min_rise): noise around a recovered level, not a new one.
            close = js[fwd[js + half] <= pre + margin]
            rec = int(close[0] - peak) if close.size else None
        spike = {
            "start": start,
            "peak": peak,
            "end": end,
            "pre": pre,
            "height": height,
            "z": float(excess[peak] / scale[peak]),
            "recovery_rows": rec,
        }
        row = int(lvl.index[peak])
        spike["diverged"] = bool(
            (~np.isfinite(log.loss[logged_rows[logged_rows > row]])).any()
            or np.median(lvl.x[-k:]) >= lvl.x[peak]
        )
        if rec is not None:
            (recovered if rec <= rw else slow).append(spike)
        elif not spike["diverged"] and n - 1 - end < rw:
            pending.append(spike)
        else:
            lost.append(spike)

    def ratio(h: float) -> float:
        return math.exp(h) if lvl.is_log else h

    unit = "x the local median" if lvl.is_log else " above the local median"
    findings = []
    if recovered:
        big = max(recovered, key=lambda s: s["height"])
        rec_steps = [
            float(lvl.step[min(s["peak"] + s["recovery_rows"], n - 1)] - lvl.step[s["peak"]])
            for s in recovered
        ]
        count = len(recovered)
        summary = (
            f"{count} transient loss spike{'s' if count > 1 else ''} that recovered "
            f"within {rw} rows; the largest, at step {fmt(lvl.step[big['peak']])}, "
            f"reached {fmt(ratio(big['height']))}{unit} (z = {big['z']:.0f}). Median "
            f"recovery: {fmt(float(np.median(rec_steps)))} steps."
        )
        findings.append(
            Finding(
                "loss_spikes",
                "info",
                summary,
                float(lvl.step[recovered[0]["start"]]),
                float(lvl.step[recovered[-1]["end"]]),
                {
                    "transient_spikes": count,
                    "steps": tuple(float(lvl.step[s["peak"]]) for s in recovered[:20]),
                    "heights": tuple(ratio(s["height"]) for s in recovered[:20]),
                    "max_z": max(s["z"] for s in recovered),
                    "median_recovery_steps": float(np.median(rec_steps)),
                    "max_recovery_steps": max(rec_steps),
                    "recovery_window_rows": rw,
                },
                "Catapults: a step large for the local curvature throws the iterate up a "
                "valley wall; the network then moves to a flatter region and the loss comes "
                "back. Occasional catapults are benign (they can even help); frequent "
                "ones mean the learning rate sits close to the stability edge.",
                (
                    "Nothing to fix if they are rare. If they become frequent or larger, "
                    "lower the learning rate slightly or lengthen the warmup.",
                    "If the spikes line up with particular batches, inspect that data.",
                ),
            )
        )
    for s in pending:
        step = float(lvl.step[s["peak"]])
        findings.append(
            Finding(
                "loss_spikes",
                "info",
                f"A loss spike at step {fmt(step)} ({fmt(ratio(s['height']))}{unit}, "
                f"z = {s['z']:.0f}) is at the end of the log: whether it recovers cannot "
                "be judged yet.",
                float(lvl.step[s["start"]]),
                float(lvl.step[-1]),
                {"spike_step": step, "height": ratio(s["height"]), "z": s["z"]},
                "Possibly a catapult, possibly the start of an instability.",
                ("Watch the next steps; if the loss keeps rising, lower the learning rate.",),
            )
        )
    for s in slow + lost:
        step = float(lvl.step[s["peak"]])
        row = int(lvl.index[s["peak"]])
        end_level = float(np.median(lvl.x[-k:]))
        ev = {
            "spike_step": step,
            "height": ratio(s["height"]),
            "z": s["z"],
            "pre_spike_loss": lvl.to_raw(s["pre"]),
            "loss_at_end": lvl.to_raw(end_level),
        }
        if s["recovery_rows"] is not None:
            back = min(s["peak"] + s["recovery_rows"], n - 1)
            cost = float(lvl.step[back] - lvl.step[s["peak"]])
            ev["recovery_steps"] = cost
            what = (
                f"took {fmt(cost)} steps to come back to the pre-spike loss (more than "
                f"{rw} rows): that much progress was lost"
            )
            cause = (
                "The spike threw the iterate far up the landscape and it had to descend "
                "again; a slow recovery means the learning rate is at or past the "
                "stability edge for the curvature it met."
            )
        elif s["diverged"]:
            what = "never came back and marks the start of a divergence"
            cause = _DIVERGENCE_CAUSE
        else:
            what = "never came back: the loss settled at a higher level"
            cause = (
                "The spike threw the iterate out of its basin into a higher region of the "
                "landscape, and the progress made before it was lost."
            )
        ev.update(lr_context(log, row))
        findings.append(
            Finding(
                "loss_spikes",
                "warning",
                f"A loss spike at step {fmt(step)} ({fmt(ratio(s['height']))}{unit}, "
                f"z = {s['z']:.0f}) {what}.",
                float(lvl.step[s["start"]]),
                float(lvl.step[s["peak"]] + ev.get("recovery_steps", math.inf))
                if "recovery_steps" in ev
                else float(lvl.step[-1]),
                ev,
                cause,
                (
                    "Lower the learning rate or lengthen the warmup; clip the gradient norm.",
                    f"Restart from a checkpoint before step {fmt(step)} and skip the batches "
                    "around it if a bad batch is suspected.",
                    "In Transformers, such instabilities are often traced to growing "
                    "attention or output logits (remedies: QK-layernorm, a z-loss).",
                ),
            )
        )
    return tuple(findings)
