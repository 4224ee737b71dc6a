"""Training-setup detectors: generalization gap, update/parameter ratio, schedule."""

from __future__ import annotations

import math

import numpy as np

from landscape._validation import check_fraction, check_positive, check_positive_int
from landscape.diagnostics._common import check_log, lr_context
from landscape.diagnostics._series import (
    fmt,
    loss_level,
    quiet_numerics,
    smooth,
    trend,
)
from landscape.diagnostics.findings import Finding
from landscape.diagnostics.log import TrainingLog

__all__ = ["detect_generalization_gap", "detect_lr_schedule", "detect_update_ratio"]


@quiet_numerics
def detect_generalization_gap(
    log: TrainingLog,
    *,
    min_rise: float = 0.1,
    min_train_drop: float = 0.05,
    min_points: int = 5,
) -> tuple[Finding, ...]:
    """Find validation loss rising while the training loss keeps falling.

    Parameters
    ----------
    log : TrainingLog
        The run; needs ``val_loss`` logged at ``min_points`` steps or more.
    min_rise : float, optional
        The validation loss at the end (median of the last three points) must exceed its
        best (smoothed) by this fraction. Default 0.1 (10%): more than evaluation noise on
        a fixed validation set, which is typically a few percent.
    min_train_drop : float, optional
        Over the same stretch, the training loss must have fallen by this fraction.
        Default 0.05 (5%): otherwise the validation rise is not overfitting but a change
        of the run as a whole (see divergence, loss spikes).
    min_points : int, optional
        Minimum number of validation points. Default 5.

    Returns
    -------
    findings : tuple of Finding
        At most one ``warning``.

    Raises
    ------
    TypeError
        If ``log`` is not a :class:`~landscape.TrainingLog`.
    ValueError
        If a threshold is out of range.

    Notes
    -----
    With :math:`s^*` the step of the best validation loss :math:`V(s^*)` and
    :math:`T` the last step, it fires when :math:`V(T) \\ge (1 + \\text{min\\_rise})
    V(s^*)` and :math:`L(T) \\le (1 - \\text{min\\_train\\_drop}) L(s^*)`. Flat minima are
    associated with smaller gaps (Keskar et al., 2017), with the caveat that sharpness
    depends on the parameterization (Dinh et al., 2017).

    References
    ----------
    N. Keskar et al., "On large-batch training for deep learning: generalization gap and
    sharp minima", ICLR 2017, arXiv:1609.04836.
    L. Dinh et al., "Sharp minima can generalize for deep nets", ICML 2017,
    arXiv:1703.04933.
    P. Foret et al., "Sharpness-aware minimization for efficiently improving
    generalization", ICLR 2021, arXiv:2010.01412.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> t = np.arange(100.0)
    >>> val = 0.3 + 0.3 * ((t - 40) / 60) ** 2
    >>> log = ls.TrainingLog.from_arrays(loss=np.exp(-t / 30), val_loss=val)
    >>> [f] = ls.detect_generalization_gap(log)
    >>> f.evidence["best_val_step"]
    40.0
    """
    log = check_log(log)
    min_rise = check_positive(min_rise, "min_rise")
    min_train_drop = check_fraction(min_train_drop, "min_train_drop", low_inclusive=False)
    min_points = check_positive_int(min_points, "min_points", 3)
    vstep, v = log.series("val_loss")
    if v.size < min_points:
        return ()
    is_log = bool(np.all(v > 0))
    vx = np.log(v) if is_log else v
    sv = smooth(vx, 3)
    js = int(np.argmin(sv))
    # The smoothed minimum is robust to one lucky evaluation; its step is that of the
    # lowest raw value among the three points it summarizes.
    lo = max(js - 1, 0)
    jb = lo + int(np.argmin(vx[lo : js + 2]))
    if v.size - 1 - jb < 2:
        return ()
    best = float(sv[js])
    end = float(np.median(vx[-3:]))
    rise_needed = math.log1p(min_rise) if is_log else min_rise * max(abs(best), 1e-12)
    if end - best < rise_needed:
        return ()
    train = loss_level(log.loss, log.step, log.loss_logged)
    if len(train) < 5:
        return ()
    best_step = float(vstep[jb])
    w = max(3, len(train) // 50)
    near = np.argsort(np.abs(train.step - best_step), kind="stable")[:w]
    train_best = float(np.median(train.x[near]))
    train_end = float(np.median(train.x[-w:]))
    if train.is_log:
        dropped = train_end <= train_best + math.log1p(-min_train_drop)
    else:
        dropped = train_best - train_end >= min_train_drop * max(abs(train_best), 1e-12)
    if not dropped:
        return ()

    def raw(x: float, log_scale: bool) -> float:
        return math.exp(x) if log_scale else x

    vb, ve = raw(best, is_log), raw(end, is_log)
    tb, te = train.to_raw(train_best), train.to_raw(train_end)
    ev = {
        "best_val_loss": vb,
        "best_val_step": best_step,
        "final_val_loss": ve,
        "val_rise": ve / vb - 1 if is_log else ve - vb,
        "train_loss_at_best": tb,
        "final_train_loss": te,
        "gap_at_best": vb - tb,
        "final_gap": ve - te,
        "val_points_after_best": int(v.size - 1 - jb),
    }
    return (
        Finding(
            "generalization_gap",
            "warning",
            f"Validation loss rose from its best {fmt(vb)} at step {fmt(best_step)} to "
            f"{fmt(ve)} while the training loss kept falling ({fmt(tb)} -> {fmt(te)}): the "
            f"gap grew from {fmt(vb - tb)} to {fmt(ve - te)}.",
            best_step,
            float(vstep[-1]),
            ev,
            "Overfitting: the optimizer keeps descending features of the training "
            "landscape that the validation landscape does not share (noise and "
            "idiosyncrasies of the training set), so the two minima separate.",
            (
                f"Keep the checkpoint from step {fmt(best_step)} (early stopping).",
                "Regularize: weight decay, dropout, data augmentation.",
                "Get more data or use a smaller model.",
                "Settings that favour flatter minima (larger learning rate or smaller "
                "batch, SAM) often shrink the gap; sharpness alone does not predict it.",
            ),
        ),
    )


@quiet_numerics
def detect_update_ratio(
    log: TrainingLog,
    *,
    low: float = 1e-4,
    high: float = 1e-2,
    min_fraction: float = 0.2,
    lr_floor: float = 0.05,
) -> tuple[Finding, ...]:
    """Check that each step changes the parameters by a sane fraction of their size.

    The ratio ``update_norm / param_norm`` is the relative change of the weights in one
    step. A common rule of thumb puts it near 1e-3 (Karpathy's CS231n notes); far above,
    the step rewrites the weights and training is unstable, far below it barely moves
    them.

    Parameters
    ----------
    log : TrainingLog
        The run; needs ``update_norm`` and ``param_norm``.
    low, high : float, optional
        The sane band, default [1e-4, 1e-2]: one decade either side of the 1e-3 rule of
        thumb, since the heuristic is only good to an order of magnitude.
    min_fraction : float, optional
        Report only when the ratio is out of band on at least this fraction of the
        eligible rows. Default 0.2: a short excursion is not a regime.
    lr_floor : float, optional
        Rows where the learning rate is below this fraction of its peak (warmup and the
        end of a decay) are not judged. Default 0.05: there a tiny ratio is by design.

    Returns
    -------
    findings : tuple of Finding
        A ``warning`` for a too-large and/or a too-small regime.

    Raises
    ------
    TypeError
        If ``log`` is not a :class:`~landscape.TrainingLog`.
    ValueError
        If ``low >= high`` or a threshold is out of range.

    Notes
    -----
    The ratio is :math:`\\rho_t = \\lVert\\theta_{t+1} - \\theta_t\\rVert /
    \\lVert\\theta_t\\rVert`; the log is cut into ten consecutive chunks of eligible rows
    and each chunk's median ratio is compared with the band. Whole-model norms hide
    per-layer differences: a layer can be out of band while the total is fine.

    References
    ----------
    A. Karpathy, CS231n course notes, "Neural Networks Part 3: Learning and Evaluation",
    section "Ratio of weights:updates", Stanford, 2016.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> log = ls.TrainingLog.from_arrays(loss=np.linspace(1, 0.5, 200),
    ...                                  update_norm=0.5, param_norm=10.0)
    >>> [f] = ls.detect_update_ratio(log)
    >>> f.evidence["direction"], f.evidence["median_ratio"]
    ('too large', 0.05)
    """
    log = check_log(log)
    low = check_positive(low, "low")
    high = check_positive(high, "high")
    if low >= high:
        raise ValueError(f"`low` must be below `high`, got low={low:g}, high={high:g}.")
    min_fraction = check_fraction(min_fraction, "min_fraction", high_inclusive=True)
    lr_floor = check_fraction(lr_floor, "lr_floor")
    if not (log.has("update_norm") and log.has("param_norm")):
        return ()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = log.update_norm / log.param_norm
    ok = np.isfinite(ratio) & (log.param_norm > 0)
    if log.has("lr"):
        peak = float(np.nanmax(log.lr))
        ok &= ~(log.lr < lr_floor * peak)
    rows = np.flatnonzero(ok)
    if rows.size < 10:
        return ()
    chunks = np.array_split(rows, 10)
    med = np.array([np.median(ratio[c]) for c in chunks])
    findings = []
    for direction, bad in (("too large", med > high), ("too small", med < low)):
        if not bad.any():
            continue
        count = sum(c.size for c, b in zip(chunks, bad, strict=True) if b)
        frac = count / rows.size
        if frac < min_fraction:
            continue
        sel = np.concatenate([c for c, b in zip(chunks, bad, strict=True) if b])
        m = float(np.median(ratio[sel]))
        ev: dict = {
            "direction": direction,
            "median_ratio": m,
            "band_low": low,
            "band_high": high,
            "fraction_out_of_band": frac,
        }
        ev.update(lr_context(log, int(sel[-1])))
        if direction == "too large":
            cause = (
                f"Each step changes the weights by {m:.2%} of their norm: the step is long "
                "compared with the scale of the weights, so the optimizer jumps across the "
                "basin rather than descending into it."
            )
            fixes = (
                "Lower the learning rate (towards a ratio of ~1e-3).",
                "Check weight decay and normalization: tiny weights (a shrinking norm) "
                "inflate the ratio for a fixed step.",
                "Inspect per-layer ratios: one layer often dominates.",
            )
        else:
            cause = (
                f"Each step changes the weights by only {m:.1e} of their norm: the "
                "parameters barely move, from too small a learning rate or vanishing "
                "gradients."
            )
            fixes = (
                "Raise the learning rate (towards a ratio of ~1e-3).",
                "If the gradient norm is tiny too, check initialization and activations "
                "for vanishing gradients.",
                "Inspect per-layer ratios: some layers may not be training at all.",
            )
        findings.append(
            Finding(
                "update_ratio",
                "warning",
                f"The update/parameter ratio is {direction} (median {m:.1e}, sane band "
                f"{low:.0e}..{high:.0e}) on {frac:.0%} of the judged rows.",
                float(log.step[sel[0]]),
                float(log.step[sel[-1]]),
                ev,
                cause,
                fixes,
            )
        )
    return tuple(findings)


@quiet_numerics
def detect_lr_schedule(
    log: TrainingLog,
    *,
    near_zero: float = 1e-3,
    max_tail_fraction: float = 0.2,
    min_z: float = 3.0,
    min_gain: float = 0.05,
) -> tuple[Finding, ...]:
    """Find a learning-rate schedule that decays to nothing long before the end.

    Parameters
    ----------
    log : TrainingLog
        The run; needs ``lr``.
    near_zero : float, optional
        A learning rate below this fraction of its peak counts as zero. Default 1e-3:
        below the floors of common recipes (step schedules end at 1e-2 to 1e-3 of the
        peak; cosine and linear decays reach 1e-3 only in the last few percent).
    max_tail_fraction : float, optional
        Report when the run spends more than this fraction of its steps at a near-zero
        learning rate. Default 0.2: a cosine decay to zero spends about 2% there.
    min_z : float, optional
        The loss counts as still falling when its log-slope, measured just before the
        learning rate dropped below 10% of its peak (while steps still mattered), is this
        many standard errors below zero. Default 3.
    min_gain : float, optional
        ... and when that rate, kept up over the idle tail, would have lowered the loss by
        at least this fraction. Default 0.05 (5%): a smaller gain is not worth a longer
        schedule.

    Returns
    -------
    findings : tuple of Finding
        ``warning`` when the loss was still falling as the learning rate vanished;
        ``info`` when it had already converged (compute was wasted, nothing lost).

    Raises
    ------
    TypeError
        If ``log`` is not a :class:`~landscape.TrainingLog`.
    ValueError
        If a threshold is out of range.

    Notes
    -----
    The update is proportional to the learning rate: with
    :math:`\\eta_t \\le 10^{-3}\\eta_{\\max}` the iterate is practically frozen, so
    whatever progress the loss was making stops where the schedule ends, not where
    the landscape does.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> t = np.arange(1000)
    >>> lr = 0.1 * np.exp(-t / 50)
    >>> loss = 0.05 + np.exp(-0.3 * np.cumsum(lr))
    >>> [f] = ls.detect_lr_schedule(ls.TrainingLog.from_arrays(loss=loss, lr=lr))
    >>> f.severity, f.evidence["near_zero_step"]
    ('warning', 346.0)
    >>> slow = 0.05 + np.exp(-5.0 * np.cumsum(lr))  # converged before the decay
    >>> [g] = ls.detect_lr_schedule(ls.TrainingLog.from_arrays(loss=slow, lr=lr))
    >>> g.severity
    'info'
    """
    log = check_log(log)
    near_zero = check_fraction(near_zero, "near_zero", low_inclusive=False)
    max_tail_fraction = check_fraction(max_tail_fraction, "max_tail_fraction")
    min_z = check_positive(min_z, "min_z")
    steps, lr = log.series("lr")
    if lr.size < 5:
        return ()
    ip = int(np.argmax(lr))
    peak = float(lr[ip])
    if peak <= 0:
        return ()
    below = np.flatnonzero(lr[ip:] <= near_zero * peak)
    if below.size == 0:
        return ()
    i0 = ip + int(below[0])
    s0 = float(steps[i0])
    first, last = float(log.step[0]), float(log.step[-1])
    tail = (last - s0) / (last - first) if last > first else 0.0
    if tail <= max_tail_fraction:
        return ()
    min_gain = check_fraction(min_gain, "min_gain", low_inclusive=False)
    lvl = loss_level(log.loss, log.step, log.loss_logged)
    s_decay = float(steps[ip + int(np.flatnonzero(lr[ip:] <= 0.1 * peak)[0])])
    before = (lvl.step <= s_decay) & (lvl.step >= s_decay - 0.2 * (s_decay - first))
    after = lvl.step > s0
    ev: dict = {
        "lr_peak": peak,
        "lr_peak_step": float(steps[ip]),
        "near_zero_step": s0,
        "final_lr": float(lr[-1]),
        "fraction_of_run_near_zero": tail,
    }
    falling = False
    if before.sum() >= 5:
        tb = trend(lvl.step[before], lvl.x[before])
        ev["loss_slope_before"] = tb.slope
        ev["decay_step"] = s_decay
        gain = -tb.slope * (last - s0)
        gain = -math.expm1(-gain) if lvl.is_log else gain / max(abs(float(lvl.x[-1])), 1e-12)
        ev["projected_gain"] = gain
        falling = tb.slope < 0 and -tb.z >= min_z and gain >= min_gain
    if after.sum() >= 5:
        ev["loss_slope_after"] = trend(lvl.step[after], lvl.x[after]).slope
    scale = "log-loss " if lvl.is_log else ""
    if falling:
        severity = "warning"
        summary = (
            f"The learning rate fell below {near_zero:g} of its peak ({fmt(peak)}) at step "
            f"{fmt(s0)} and stayed there for the last {tail:.0%} of the run, while the loss "
            f"was still falling ({scale}slope {ev['loss_slope_before']:.2e} per step as the "
            f"decay began; kept up, that would have cut the loss by a further "
            f"{min(ev['projected_gain'], 1.0):.0%})."
        )
        cause = (
            "The schedule, not the landscape, ended the descent: with a vanishing step the "
            "iterate stops moving although the loss still had a downhill direction."
        )
    else:
        severity = "info"
        summary = (
            f"The learning rate fell below {near_zero:g} of its peak at step {fmt(s0)}, "
            f"{tail:.0%} of the run before the end; the loss had already levelled off."
        )
        cause = "The run converged before the schedule ended; the remaining steps were idle."
    fixes = (
        "Match the decay horizon to the run length (e.g. cosine with T_max = total steps).",
        "Keep a floor on the learning rate (1-10% of the peak), or decay more slowly.",
        "If the loss had converged, stop earlier and save the compute.",
    )
    return (Finding("lr_schedule", severity, summary, s0, last, ev, cause, fixes),)
