"""Loss spikes: transient catapults versus the start of a divergence."""

from __future__ import annotations

import math

import numpy as np

from landscape._validation import check_positive, check_positive_int
from landscape.diagnostics._common import _optional_int, check_log, lr_context
from landscape.diagnostics._divergence import _DIVERGENCE_CAUSE
from landscape.diagnostics._series import (
    auto_window,
    fmt,
    loss_level,
    quiet_numerics,
    smooth,
    trailing_median_scale,
)
from landscape.diagnostics.findings import Finding
from landscape.diagnostics.log import TrainingLog

__all__ = ["detect_loss_spikes"]


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
        If ``log`` is not a :class:`~landscape.TrainingLog`.
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
