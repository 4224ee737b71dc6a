"""Synthetic training logs, healthy and pathological, for the diagnostics tests.

Each function returns a :class:`landscape.TrainingLog` built from arrays and is seeded.
The healthy family is the null hypothesis the detectors must stay quiet on: a loss that
decays (exponentially, to a floor, or as a power law) under multiplicative minibatch
noise, a gradient norm that shrinks with it, a warmup + cosine learning-rate schedule,
a validation loss that tracks the training loss, and an update/parameter ratio near 1e-3.
"""

from __future__ import annotations

import numpy as np

import landscape as ls


def _schedule(n: int, peak: float = 0.1, warmup: float = 0.05, floor: float = 0.0):
    t = np.arange(n)
    w = max(int(warmup * n), 1)
    lr = np.where(
        t < w,
        peak * (t + 1) / w,
        floor + (peak - floor) * 0.5 * (1 + np.cos(np.pi * (t - w) / max(n - w, 1))),
    )
    return lr


def healthy_curve(n: int, kind: str) -> np.ndarray:
    """Noise-free healthy loss curves over ``n`` steps."""
    t = np.arange(n, dtype=float)
    if kind == "exp":  # exponential decay over two decades
        return 2.0 * np.exp(-4.6 * t / n)
    if kind == "floor":  # fast exponential approach to a floor
        return 0.3 + 2.0 * np.exp(-8.0 * t / n)
    if kind == "power":  # a power law, typical of neural-network training
        return 3.0 * (1.0 + t / (0.01 * n)) ** -0.5
    if kind == "slow_floor":  # approach to a floor that is still going at the end
        return 0.5 + 2.0 * np.exp(-2.5 * t / n)
    raise ValueError(kind)


def healthy(
    n: int = 2000,
    *,
    kind: str = "exp",
    noise: float = 0.1,
    rng: int = 0,
    heavy_tails: bool = False,
    extras: bool = True,
    val_every: int = 50,
) -> ls.TrainingLog:
    """A healthy run: decaying loss with multiplicative noise and sane side quantities."""
    gen = np.random.default_rng(rng)
    clean = healthy_curve(n, kind)
    eps = gen.standard_t(5, n) / np.sqrt(5 / 3) if heavy_tails else gen.standard_normal(n)
    loss = clean * np.exp(noise * eps)
    if not extras:
        return ls.TrainingLog.from_arrays(loss=loss, source=f"healthy-{kind}")
    lr = _schedule(n)
    grad = 2.0 * np.sqrt(clean) * np.exp(0.2 * gen.standard_normal(n))
    param = 10.0 + 2.0 * np.arange(n) / n
    ratio = 1e-3 * np.clip(lr / lr.max(), 0.0, None) * np.exp(0.3 * gen.standard_normal(n))
    update = ratio * param
    val = np.full(n, np.nan)
    idx = np.arange(val_every - 1, n, val_every)
    val[idx] = 1.1 * clean[idx] * np.exp(0.02 * gen.standard_normal(idx.size)) + 0.02
    return ls.TrainingLog.from_arrays(
        loss=loss,
        val_loss=val,
        grad_norm=grad,
        lr=lr,
        update_norm=update,
        param_norm=param,
        source=f"healthy-{kind}",
    )


def diverging(n: int = 1000, *, nan: bool = True, rng: int = 0) -> ls.TrainingLog:
    """Healthy for 70% of the run, then the gradient norm spikes and the loss blows up."""
    gen = np.random.default_rng(rng)
    t = np.arange(n)
    onset = int(0.7 * n)
    loss = np.exp(-2.0 * t / n + 0.05 * gen.standard_normal(n))
    grad = np.exp(0.1 * gen.standard_normal(n))
    growth = np.exp(0.15 * np.maximum(t - onset, 0))
    loss = loss * growth
    grad[onset - 5 :] *= np.exp(0.6 * np.arange(n - onset + 5))
    if nan:
        bad = onset + 60
        loss[bad:] = np.nan
        grad[bad:] = np.inf
    else:
        loss = np.minimum(loss, 1e6)
        grad = np.minimum(grad, 1e12)
    return ls.TrainingLog.from_arrays(loss=loss, grad_norm=grad, lr=0.1, source="diverging")


def oscillating(
    n: int = 1000,
    *,
    amplitude: float = 0.2,
    noise: float = 0.02,
    rng: int = 0,
    curvature: float | None = None,
    lr: float = 0.1,
) -> ls.TrainingLog:
    """Healthy decay for the first 30%, then a period-2 bounce around a fixed level."""
    gen = np.random.default_rng(rng)
    t = np.arange(n)
    start = int(0.3 * n)
    level = np.where(t < start, np.exp(-2.0 * t / n), np.exp(-2.0 * start / n))
    bounce = np.where(t < start, 0.0, amplitude * (-1.0) ** t)
    loss = level * np.exp(bounce + noise * gen.standard_normal(n))
    extra = {}
    if curvature is not None:
        lam = np.where(t < start, 0.5 * curvature, curvature)
        extra = {"lambda_max": lam * np.exp(0.02 * gen.standard_normal(n))}
    return ls.TrainingLog.from_arrays(loss=loss, lr=lr, source="oscillating", **extra)


def unstable_noisy(
    n: int = 1000, *, lr_times_lambda: float = 2.6, noise: float = 0.1, rng: int = 0
) -> ls.TrainingLog:
    """A stalled noisy loss (no period-2 pattern) with lr * lambda_max above 2."""
    gen = np.random.default_rng(rng)
    t = np.arange(n)
    loss = (0.4 + 0.6 * np.exp(-10.0 * t / n)) * np.exp(noise * gen.standard_normal(n))
    lam = np.full(n, lr_times_lambda / 0.1) * np.exp(0.02 * gen.standard_normal(n))
    lam[: n // 10] *= 0.5
    return ls.TrainingLog.from_arrays(loss=loss, lr=0.1, lambda_max=lam, source="unstable")


def edge_of_stability(n: int = 1000, *, rng: int = 0) -> ls.TrainingLog:
    """Loss falls non-monotonically while lambda_max hovers at 2 / lr."""
    gen = np.random.default_rng(rng)
    t = np.arange(n)
    loss = np.exp(-3.0 * t / n + 0.05 * np.sin(t / 3.0) + 0.01 * gen.standard_normal(n))
    lam = (2 / 0.05) * (1 + 0.03 * gen.standard_normal(n))
    lam[: n // 5] = np.linspace(5, 2 / 0.05, n // 5)
    return ls.TrainingLog.from_arrays(loss=loss, lr=0.05, lambda_max=lam, source="eos")


def with_spike(
    n: int = 2000,
    *,
    at: float = 0.5,
    height: float = 3.0,
    recover: bool = True,
    noise: float = 0.05,
    rng: int = 0,
) -> ls.TrainingLog:
    """A healthy curve with one spike: a catapult (recovers) or a jump (stays up)."""
    gen = np.random.default_rng(rng)
    loss = healthy_curve(n, "exp") * np.exp(noise * gen.standard_normal(n))
    i = int(at * n)
    if recover:
        bump = np.zeros(n)
        bump[i : i + 12] = np.log(height) * np.exp(-np.arange(12) / 2.0)
        loss = loss * np.exp(bump)
    else:
        loss[i:] = loss[i:] * height
    return ls.TrainingLog.from_arrays(loss=loss, source="spike")


def saddle(
    n: int = 2000, *, escape: bool = True, noise: float = 0.03, rng: int = 0
) -> ls.TrainingLog:
    """A fast initial drop, a long flat stretch with a vanishing gradient, then (maybe) a drop."""
    gen = np.random.default_rng(rng)
    t = np.arange(n, dtype=float)
    drop_at = 0.7 * n if escape else 10.0 * n
    start = 0.69 + 1.6 * np.exp(-t / (0.02 * n))
    loss = 0.02 + (start - 0.02) / (1 + np.exp((t - drop_at) / (0.01 * n)))
    grad = 1.0 * np.exp(-t / (0.03 * n)) + 1e-3
    near = np.abs(t - drop_at) < 0.05 * n
    grad[near] = 0.3
    loss = loss * np.exp(noise * gen.standard_normal(n))
    grad = grad * np.exp(0.1 * gen.standard_normal(n))
    return ls.TrainingLog.from_arrays(loss=loss, grad_norm=grad, source="saddle")


def stuck(
    n: int = 1000, *, grad_small: bool = True, noise: float = 0.02, rng: int = 0
) -> ls.TrainingLog:
    """A loss that barely moves from its initial value for the whole run."""
    gen = np.random.default_rng(rng)
    t = np.arange(n)
    loss = 2.3 * (1 - 0.05 * (1 - np.exp(-t / 50))) * np.exp(noise * gen.standard_normal(n))
    scale = np.exp(-t / 30) + (1e-3 if grad_small else 0.8)
    grad = scale * np.exp(0.1 * gen.standard_normal(n))
    return ls.TrainingLog.from_arrays(loss=loss, grad_norm=grad, source="stuck")


def slow(
    n: int = 2000, *, timescale: float = 5.0, noise: float = 0.02, rng: int = 0
) -> ls.TrainingLog:
    """A steady exponential crawl: the loss e-folds every ``timescale`` run-lengths."""
    gen = np.random.default_rng(rng)
    t = np.arange(n)
    loss = np.exp(-t / (timescale * n) + noise * gen.standard_normal(n))
    return ls.TrainingLog.from_arrays(loss=loss, source="slow")


def overfitting(
    n: int = 2000, *, rise: float = 0.4, every: int = 50, rng: int = 0
) -> ls.TrainingLog:
    """Training loss keeps falling; validation bottoms out at 40% of the run and rises."""
    gen = np.random.default_rng(rng)
    t = np.arange(n, dtype=float)
    train = 2.0 * np.exp(-4.0 * t / n) * np.exp(0.05 * gen.standard_normal(n))
    val = np.full(n, np.nan)
    idx = np.arange(every - 1, n, every)
    best = 0.4 * n
    curve = 0.5 + 1.5 * np.exp(-6.0 * t / n) + rise * 0.5 * np.maximum(t - best, 0) / (n - best)
    val[idx] = curve[idx] * np.exp(0.01 * gen.standard_normal(idx.size))
    return ls.TrainingLog.from_arrays(loss=train, val_loss=val, source="overfitting")


def update_ratio(n: int = 1000, *, ratio: float = 5e-2, rng: int = 0) -> ls.TrainingLog:
    """A healthy loss with a constant update/parameter ratio."""
    gen = np.random.default_rng(rng)
    loss = healthy_curve(n, "exp") * np.exp(0.05 * gen.standard_normal(n))
    param = np.full(n, 20.0)
    update = ratio * param * np.exp(0.2 * gen.standard_normal(n))
    return ls.TrainingLog.from_arrays(
        loss=loss, update_norm=update, param_norm=param, lr=0.1, source="ratio"
    )


def early_decay(n: int = 2000, *, decay_at: float = 0.4, rng: int = 0) -> ls.TrainingLog:
    """The learning rate collapses at ``decay_at`` of the run; the loss stops falling there."""
    gen = np.random.default_rng(rng)
    t = np.arange(n)
    lr = np.where(t < decay_at * n, 0.1, 1e-6)
    progress = np.cumsum(lr) / 0.1
    loss = 0.1 + 2.0 * np.exp(-2.0 * progress / n)
    loss = loss * np.exp(0.03 * gen.standard_normal(n))
    return ls.TrainingLog.from_arrays(loss=loss, lr=lr, source="early-decay")
