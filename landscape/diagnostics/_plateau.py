"""Plateaus (saddles, saturation, a stuck run) and slow but steady progress."""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from landscape._validation import check_fraction, check_positive
from landscape.diagnostics._common import _optional_int, check_log, lr_context
from landscape.diagnostics._series import (
    fmt,
    loss_level,
    odd,
    quiet_numerics,
    runs,
    smooth,
    trend,
)
from landscape.diagnostics.findings import Finding
from landscape.diagnostics.log import TrainingLog

__all__ = ["detect_plateau", "detect_slow_progress"]


def _median_over_rows(values: np.ndarray, a: int, b: int) -> float:
    seg = values[a : b + 1]
    seg = seg[np.isfinite(seg)]
    return float(np.median(seg)) if seg.size else math.nan


@quiet_numerics
def detect_plateau(
    log: TrainingLog,
    *,
    min_length: int | None = None,
    flat_tolerance: float = 0.05,
    high_fraction: float = 0.5,
    escape_drop: float = 0.5,
    small_grad: float = 0.1,
    long_fraction: float = 0.25,
) -> tuple[Finding, ...]:
    """Find stretches where the loss stays flat: a saddle, a saturated region, or stuck.

    A stretch of at least ``min_length`` rows is *flat* when its smoothed loss varies by
    less than ``flat_tolerance`` (relative). A flat stretch is reported when the loss
    later fell well below it (an escaped plateau, ``info``), or when it runs to the end of
    the log at a *high* loss, still above ``high_fraction`` of the initial loss
    (``warning``). The gradient norm, when logged, tells a saddle (small gradient) from
    wasted steps (large gradient).

    Parameters
    ----------
    log : TrainingLog
        The run.
    min_length : int, optional
        Rows a flat stretch must span. Default 10% of the rows, at least 10: shorter
        pauses are ordinary in noisy training.
    flat_tolerance : float, optional
        Largest relative change of the smoothed loss within a flat stretch. Default 0.05
        (5%). For a loss that can be zero or negative: this fraction of the loss's range.
    high_fraction : float, optional
        A plateau at the end of the log is *high* when its loss is above this fraction of
        the initial loss. Default 0.5: a run that has not even halved its loss has
        learned little; healthy runs gain an order of magnitude or more.
    escape_drop : float, optional
        An earlier plateau counts as escaped when the loss later fell by this fraction
        below it. Default 0.5 (to half the plateau's level): the sudden drop after a
        saddle is large, not a drift.
    small_grad : float, optional
        The gradient norm is *small* on the plateau when its median there is below this
        fraction of its median over the first ``min_length`` rows. Default 0.1: an order
        of magnitude is well outside minibatch fluctuation.
    long_fraction : float, optional
        An escaped plateau that lasted at least this fraction of the run is a
        ``warning`` (time worth saving), a shorter one ``info``. Default 0.25.

    Returns
    -------
    findings : tuple of Finding
        Per escaped plateau ``info`` (or ``warning`` when long); ``warning`` for a high
        plateau at the end of the log. An escaped plateau whose gradient norm stayed
        large is not reported: the loss paused, but not at a saddle.

    Raises
    ------
    TypeError
        If ``log`` is not a :class:`~landscape.TrainingLog`.
    ValueError
        If a threshold is out of range.

    Notes
    -----
    Near a saddle :math:`\\theta^*` the gradient is
    :math:`g \\approx H(\\theta - \\theta^*)`; along the escape direction (eigenvalue
    :math:`\\lambda < 0`) the displacement grows like :math:`(1 + \\eta|\\lambda|)^t`, so the
    time to leave scales with :math:`\\log(1/\\delta) / (\\eta|\\lambda|)` for a start
    :math:`\\delta` away: long flat stretches, then a sudden drop (Dauphin et al., 2014;
    Saxe et al., 2014).

    References
    ----------
    Y. Dauphin et al., "Identifying and attacking the saddle point problem in
    high-dimensional non-convex optimization", NeurIPS 2014, arXiv:1406.2572.
    A. Saxe, J. McClelland, S. Ganguli, "Exact solutions to the nonlinear dynamics of
    learning in deep linear neural networks", ICLR 2014, arXiv:1312.6120.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> t = np.arange(1000)
    >>> loss = 0.05 + 0.65 / (1 + np.exp((t - 600) / 20))
    >>> [f] = ls.detect_plateau(ls.TrainingLog.from_arrays(loss=loss))
    >>> f.severity, f.evidence["escaped_to"] < 0.1, round(f.evidence["fraction_of_run"], 1)
    ('warning', True, 0.5)
    """
    log = check_log(log)
    min_length = _optional_int(min_length, "min_length", 3)
    flat_tolerance = check_positive(flat_tolerance, "flat_tolerance")
    high_fraction = check_fraction(high_fraction, "high_fraction", low_inclusive=False)
    escape_drop = check_fraction(escape_drop, "escape_drop", low_inclusive=False)
    small_grad = check_positive(small_grad, "small_grad")
    long_fraction = check_fraction(long_fraction, "long_fraction", high_inclusive=True)
    lvl = loss_level(log.loss, log.step, log.loss_logged)
    n = len(lvl)
    if n < 30:
        return ()
    length = min(min_length if min_length is not None else max(10, n // 10), n - 1)
    ws = odd(max(5, length // 4))
    s = smooth(lvl.x, ws)
    s_long = smooth(lvl.x, odd(length))  # for "did it fall later": robust to noise
    init = float(np.median(lvl.x[:5]))  # where the run started (5 points: robust, early)
    first = float(lvl.x[0])
    if lvl.is_log:
        tol = math.log1p(flat_tolerance)
        lin_scale = 1.0
    else:
        lin_scale = max(abs(float(np.median(s))), float(s.max() - s.min()), 1e-12)
        tol = flat_tolerance * lin_scale
    m = length + 1
    span = ndimage.maximum_filter1d(s, m, mode="nearest") - ndimage.minimum_filter1d(
        s, m, mode="nearest"
    )
    starts = np.arange(0, n - m + 1)
    flat = span[starts + m // 2] <= tol
    total_steps = float(lvl.step[-1] - lvl.step[0]) or 1.0
    findings = []
    for i0, i1 in runs(flat):
        a, b = i0, i1 + length
        level = float(np.median(lvl.x[a : b + 1]))
        later = s_long[b + 1 :]
        # "High": above high_fraction of the initial loss, judged against both the median
        # of the first five points and the very first one (a run that converged within
        # five logged steps has a low median but a high first value).
        if lvl.is_log:
            escape_at = level + math.log1p(-escape_drop)
            high = all(level >= ref + math.log(high_fraction) for ref in (init, first))
        else:
            escape_at = level - escape_drop * lin_scale
            high = all(
                (ref - level) <= (1 - high_fraction) * max(abs(ref), 1e-12) for ref in (init, first)
            )
        escaped = later.size > 0 and float(later.min()) <= escape_at
        at_end = b >= n - 1
        # A plateau is flat end to end (a slow drift is slow progress) and not above the
        # initial loss (a flat loss far above it is a diverged run, not a plateau).
        fit = trend(lvl.step[a : b + 1], lvl.x[a : b + 1])
        drift = abs(fit.slope) * float(lvl.step[b] - lvl.step[a])
        below_start = level <= init + tol
        if drift > tol or not below_start or not (escaped or (at_end and high)):
            continue
        row_a, row_b = int(lvl.index[a]), int(lvl.index[b])
        frac = float(lvl.step[b] - lvl.step[a]) / total_steps
        ev: dict = {
            "loss_level": lvl.to_raw(level),
            "initial_loss": lvl.to_raw(init),
            "rows": b - a + 1,
            "fraction_of_run": frac,
        }
        grad_small = None
        grad_text = ""
        if log.has("grad_norm"):
            g_here = _median_over_rows(log.grad_norm, row_a, row_b)
            ev["grad_norm"] = g_here
            # Reference: the gradient norm before the plateau (its first rows when the
            # plateau starts at once).
            ref_end = int(lvl.index[a]) - 1 if a >= 5 else int(lvl.index[min(4, n - 1)])
            g_ref = _median_over_rows(log.grad_norm, 0, max(ref_end, 0))
            if np.isfinite(g_ref) and g_ref > 0 and np.isfinite(g_here):
                ratio = g_here / g_ref
                ev["grad_norm_over_early"] = ratio
                grad_small = ratio <= small_grad
                grad_text = (
                    f", while the gradient norm fell to {fmt(ratio)}x its early value"
                    if grad_small
                    else f", although the gradient norm is still {fmt(ratio)}x its early value"
                )
        if escaped and grad_small is False:
            # The loss paused but the gradient did not vanish: not a saddle (e.g. a noise
            # floor that a learning-rate decay later broke through).
            continue
        warmup = ""
        if log.has("lr"):
            lr_here = _median_over_rows(log.lr, row_a, row_b)
            lr_peak = float(np.nanmax(log.lr))
            ev["lr"] = lr_here
            if lr_peak > 0 and lr_here < 0.5 * lr_peak and row_a == int(lvl.index[0]):
                warmup = " The learning rate was still low then (a warmup?)."
        if escaped:
            after = b + 1 + int(np.argmin(later))
            ev["escaped_to"] = lvl.to_raw(float(later.min()))
            ev["escaped_by_step"] = float(lvl.step[after])
            severity = "warning" if frac >= long_fraction else "info"
            summary = (
                f"The loss sat flat near {fmt(lvl.to_raw(level))} from step "
                f"{fmt(lvl.step[a])} to {fmt(lvl.step[b])} ({frac:.0%} of the run)"
                f"{grad_text}, then fell to {fmt(ev['escaped_to'])}: the signature of a "
                f"saddle that was escaped.{warmup}"
            )
        else:
            severity = "warning"
            summary = (
                f"The loss has been flat near {fmt(lvl.to_raw(level))} since step "
                f"{fmt(lvl.step[a])} ({frac:.0%} of the run), still "
                f"{lvl.to_raw(level) / lvl.to_raw(init):.0%} of its initial value"
                f"{grad_text}.{warmup}"
                if lvl.is_log
                else f"The loss has been flat near {fmt(level)} since step "
                f"{fmt(lvl.step[a])} ({frac:.0%} of the run), close to its initial value "
                f"{fmt(init)}{grad_text}.{warmup}"
            )
        if grad_small is False:
            cause = (
                "The gradient is not small, yet the loss does not move: steps are not "
                "turning into descent. Typically the step is too large for the curvature "
                "and the iterate rattles around a noise floor, or the gradient does not "
                "match the loss (a bug, frozen parameters, labels without signal)."
            )
            fixes = (
                "Lower the learning rate and see whether the loss starts to fall.",
                "Verify the gradient against finite differences on a small batch "
                "(landscape.check_grad) and check that every parameter is trained.",
                "Check the data: shuffled or constant labels give exactly this picture.",
            )
        else:
            cause = (
                "A saddle point or a saturated region: the gradient nearly vanishes, and "
                "the direction that lowers the loss has small curvature, so gradient "
                "descent crawls until it finds it. Saturated activations (tanh or sigmoid "
                "in their flat tails, dead ReLUs) give the same flat, gradient-free stretch."
            )
            fixes = (
                "Raise the learning rate or add momentum to cross flat regions faster.",
                "Use smaller batches: gradient noise helps leave saddles.",
                "Check initialization scale and activations: normalization layers, "
                "non-saturating activations and a variance-preserving init (He or Glorot) "
                "avoid saturation.",
            )
            if not escaped:
                fixes += (
                    "If it is stuck from the start, check that the loss depends on the "
                    "parameters at all (frozen layers, a detached graph).",
                )
        findings.append(
            Finding(
                "plateau",
                severity,
                summary,
                float(lvl.step[a]),
                float(lvl.step[b]),
                ev,
                cause,
                fixes,
            )
        )
    return tuple(findings)


@quiet_numerics
def detect_slow_progress(
    log: TrainingLog,
    *,
    tail_fraction: float = 0.5,
    slow_factor: float = 2.0,
    min_steadiness: float = 0.8,
    min_z: float = 5.0,
) -> tuple[Finding, ...]:
    """Find a loss that is still falling steadily, but too slowly to matter.

    Over the last ``tail_fraction`` of the log a straight line is fitted to the log loss.
    The run makes *slow progress* when that decrease is significant (``min_z``), steady
    (its rate in the last quarter of the log is at least ``min_steadiness`` of the rate
    in the quarter before, by one standard error, so it is not converging) and slow: at
    that rate, halving the loss would take more than ``slow_factor`` times the steps run
    so far.

    Parameters
    ----------
    log : TrainingLog
        The run. Needs a positive loss (the rate is relative).
    tail_fraction : float, optional
        Fraction of the rows (the last ones) in which the rate is measured. Default 0.5.
    slow_factor : float, optional
        Default 2.0: halving the loss would take twice the run's length so far. A power
        law :math:`L \\propto t^{-1/2}`, typical of healthy training, halves in
        :math:`\\approx 1.4\\times` the run length, so it does not count as slow.
    min_steadiness : float, optional
        Default 0.8. A run approaching convergence decelerates (a power law's log-rate
        falls by ~30% from the third to the fourth quarter of the run); a steady
        exponential crawl, the signature of ill-conditioning, does not.
    min_z : float, optional
        Fitted slope over its standard error. Default 5: a decrease that noise cannot
        fake even in long logs.

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
    With slope :math:`b < 0` of :math:`\\log L` per step, the loss halves in
    :math:`t_{1/2} = \\log 2 / |b|` steps. On a quadratic with curvatures
    :math:`\\lambda_{\\min} \\le \\dots \\le \\lambda_{\\max}`, gradient descent is stable
    only for :math:`\\eta < 2/\\lambda_{\\max}`, and the slowest direction then contracts
    by :math:`1 - \\eta\\lambda_{\\min} \\ge 1 - 2/\\kappa` per step: late progress takes
    :math:`O(\\kappa)` steps per e-fold, a steady slow exponential (Nesterov, 2004).

    References
    ----------
    Y. Nesterov, *Introductory Lectures on Convex Optimization*, Springer, 2004, ch. 2.
    B. Polyak, "Some methods of speeding up the convergence of iteration methods", USSR
    Computational Mathematics and Mathematical Physics 4(5), 1964.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> loss = np.exp(-np.arange(1000) / 5000)
    >>> [f] = ls.detect_slow_progress(ls.TrainingLog.from_arrays(loss=loss))
    >>> round(f.evidence["halving_steps"])
    3466
    """
    log = check_log(log)
    tail_fraction = check_fraction(tail_fraction, "tail_fraction", low_inclusive=False)
    slow_factor = check_positive(slow_factor, "slow_factor")
    min_steadiness = check_positive(min_steadiness, "min_steadiness")
    min_z = check_positive(min_z, "min_z")
    lvl = loss_level(log.loss, log.step, log.loss_logged)
    n = len(lvl)
    if n < 40 or not lvl.is_log:
        return ()
    cut = n - max(int(tail_fraction * n), 20)
    t, x = lvl.step[cut:], lvl.x[cut:]
    whole = trend(t, x)
    half = x.size // 2
    early, late = trend(t[:half], x[:half]), trend(t[half:], x[half:])
    span = float(lvl.step[-1] - lvl.step[0])
    # Both halves of the tail must fall significantly on their own: a curve levelling
    # off towards a floor has a last quarter indistinguishable from flat.
    if not (whole.slope < 0 and -whole.z >= min_z and span > 0):
        return ()
    if not (early.z <= -3.0 and late.z <= -3.0):
        return ()
    steadiness = late.slope / early.slope
    halving = math.log(2) / -whole.slope
    # Steady means the late rate is at least min_steadiness of the early one, by one
    # standard error: with noisy quarters a converging curve can look steady by chance.
    margin = late.slope - min_steadiness * early.slope
    if margin > -math.hypot(late.stderr, min_steadiness * early.stderr):
        return ()
    if halving < slow_factor * span:
        return ()
    ev: dict = {
        "rate_per_step": -whole.slope,
        "halving_steps": halving,
        "steps_so_far": span,
        "steadiness": steadiness,
        "slope_z": whole.z,
        "loss_at_end": float(lvl.raw[-1]),
    }
    row = int(lvl.index[-1])
    ev.update(lr_context(log, row))
    fixes = []
    if "lr_times_lambda_max" in ev and ev["lr_times_lambda_max"] < 1.0:
        fixes.append(
            f"Raise the learning rate: lr * lambda_max = {fmt(ev['lr_times_lambda_max'])} "
            f"is well below the stability limit 2 (up to 2/lambda_max = "
            f"{fmt(ev['stable_lr_limit'])})."
        )
    else:
        fixes.append(
            "Raise the learning rate (try 2-3x) if the loss is smooth and shows no "
            "oscillation; the stable limit is 2/lambda_max."
        )
    fixes += [
        "Add momentum (heavy ball or Nesterov): it cuts the steps needed on an "
        "ill-conditioned valley from ~kappa to ~sqrt(kappa).",
        "Use a preconditioned optimizer (Adam, or a better-conditioned parameterization "
        "with normalization layers).",
        f"Or simply train longer: at this rate the loss halves every {fmt(halving)} steps.",
    ]
    return (
        Finding(
            "slow_progress",
            "warning",
            f"The loss is still falling steadily but slowly: {-whole.slope * 1000:.2%} per "
            f"1000 steps over the last {1 - cut / n:.0%} of the log, so halving it would "
            f"take {fmt(halving)} steps, {halving / span:.1f}x the {fmt(span)} steps run.",
            float(lvl.step[cut]),
            float(lvl.step[-1]),
            ev,
            "Ill-conditioning or too small a step: the step size is capped by the sharpest "
            "direction (lr < 2/lambda_max), so flat directions contract by only "
            "1 - lr * lambda_min per step and progress crawls at a steady rate.",
            tuple(fixes),
        ),
    )
