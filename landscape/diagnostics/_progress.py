"""Detectors for wasted progress: plateaus, slow progress, overfitting, step size, schedule."""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from landscape._validation import check_fraction, check_positive, check_positive_int
from landscape.diagnostics._series import (
    fmt,
    loss_level,
    odd,
    quiet_numerics,
    runs,
    smooth,
    trend,
)
from landscape.diagnostics._stability import _optional_int, check_log, lr_context
from landscape.diagnostics.findings import Finding
from landscape.diagnostics.log import TrainingLog

__all__ = [
    "detect_generalization_gap",
    "detect_lr_schedule",
    "detect_plateau",
    "detect_slow_progress",
    "detect_update_ratio",
]


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
        If ``log`` is not a :class:`TrainingLog`.
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
        If ``log`` is not a :class:`TrainingLog`.
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
        If ``log`` is not a :class:`TrainingLog`.
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
        If ``log`` is not a :class:`TrainingLog`.
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
        If ``log`` is not a :class:`TrainingLog`.
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
