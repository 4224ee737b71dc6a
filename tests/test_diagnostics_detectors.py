"""Each detector fires on its pathology, stays quiet on healthy runs, and honours its
thresholds on both sides."""

import math

import _synthetic_logs as S
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import landscape as ls
from landscape.diagnostics import DETECTORS, TrainingLog

ALL = [d.function for d in DETECTORS.values()]


def of(findings, severity=None, detector=None):
    return [
        f
        for f in findings
        if (severity is None or f.severity == severity)
        and (detector is None or f.detector == detector)
    ]


def arrays(**kw):
    return TrainingLog.from_arrays(**kw)


# ----------------------------------------------------------------- healthy runs
HEALTHY = [
    (kind, noise, n, heavy, extras)
    for kind in ("exp", "floor", "power", "slow_floor")
    for noise in (0.0, 0.05, 0.3)
    for n in (80, 600, 4000)
    for heavy in (False, True)
    for extras in (True, False)
]


@pytest.mark.parametrize(("kind", "noise", "n", "heavy", "extras"), HEALTHY)
def test_no_warning_on_healthy_runs(kind, noise, n, heavy, extras):
    log = S.healthy(n, kind=kind, noise=noise, rng=n, heavy_tails=heavy, extras=extras)
    report = ls.diagnose(log)
    loud = [f for f in report.findings if f.severity != "info"]
    assert loud == [], "\n".join(repr(f) for f in loud)
    if not heavy:
        # Gaussian minibatch noise trips nothing at all, not even an info.
        assert report.findings == (), report.findings


def test_healthy_suite_ran():
    assert len(HEALTHY) == 144


# ------------------------------------------------------------------- divergence
def test_divergence_nan_with_gradient_precursors():
    n = 300
    loss = np.exp(-np.arange(n) / 100.0)
    loss[250:] = np.nan
    grad = np.ones(n) + 0.01 * np.sin(np.arange(n))
    grad[[240, 244, 247]] = [50.0, 80.0, 200.0]
    [f] = ls.detect_divergence(arrays(loss=loss, grad_norm=grad, lr=0.1, lambda_max=30.0))
    assert f.severity == "critical"
    ev = f.evidence
    assert ev["first_nonfinite_step"] == 250 and ev["final_nonfinite_rows"] == 50
    assert ev["grad_norm_spikes_before_onset"] == 3
    assert ev["first_grad_spike_step"] == 240 and ev["grad_spike_lead_steps"] == 10
    assert ev["lr_times_lambda_max"] == pytest.approx(3.0)
    assert ev["stable_lr_limit"] == pytest.approx(2 / 30)
    assert "spiked 3 times" in f.summary
    assert any("2/lambda_max = 0.0667" in fix for fix in f.fixes)


def test_divergence_without_gradient_spike_says_so():
    loss = np.r_[np.exp(-np.arange(100) / 50.0), np.nan]
    grad = np.ones(101)
    [f] = ls.detect_divergence(arrays(loss=loss, grad_norm=grad))
    assert f.evidence["grad_norm_spikes_before_onset"] == 0
    assert "No gradient-norm spike preceded it" in f.summary


def test_divergence_to_inf_and_earlier_isolated_nan():
    loss = np.exp(-np.arange(50) / 20.0)
    loss[10] = np.nan
    loss[45:] = np.inf
    [f] = ls.detect_divergence(arrays(loss=loss))
    assert f.severity == "critical" and "became inf" in f.summary
    assert f.evidence["earlier_nonfinite_steps"] == (10.0,)


def test_isolated_nonfinite_losses_are_a_warning():
    loss = np.exp(-np.arange(200) / 50.0)
    loss[[50, 120]] = [np.nan, np.inf]
    [f] = ls.detect_divergence(arrays(loss=loss))
    assert f.severity == "warning"
    assert f.evidence["nonfinite_steps"] == (50.0, 120.0)


def test_explosive_growth_without_nan():
    [f] = ls.detect_divergence(S.diverging(nan=False))
    assert f.severity == "critical" and "grew explosively" in f.summary
    assert f.evidence["final_over_best"] > 1e5
    assert f.evidence["grad_norm_spikes_before_onset"] > 0


def _jump(level=0.2):
    t = np.arange(600.0)
    return arrays(loss=np.where(t < 500, np.exp(-t * np.log(100) / 500), level))


def test_divergence_growth_factor_both_sides():
    log = _jump()  # the loss ends ~19x its best
    ratio = ls.detect_divergence(log)[0].evidence["final_over_best"]
    assert 15 < ratio < 25
    assert ls.detect_divergence(log, growth_factor=ratio * 0.9)
    assert ls.detect_divergence(log, growth_factor=ratio * 1.1) == ()


def test_divergence_giveback_both_sides():
    log = _jump()
    share = ls.detect_divergence(log)[0].evidence["rise_over_progress"]
    assert 0.5 < share < 0.8
    assert ls.detect_divergence(log, giveback=share - 0.05)
    assert ls.detect_divergence(log, giveback=share + 0.05) == ()


def test_divergence_of_a_loss_that_can_be_negative():
    t = np.arange(400.0)
    loss = np.where(t < 300, -2.0 + 2.0 * np.exp(-t / 50), 40.0)
    [f] = ls.detect_divergence(arrays(loss=loss))
    assert f.severity == "critical" and "above its best" in f.summary


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"growth_factor": 1.0}, "must be > 1"),
        ({"giveback": 0.0}, r"must lie in \(0, 1\]"),
        ({"giveback": 1.5}, r"must lie in \(0, 1\]"),
        ({"window": 2}, "integer >= 3"),
        ({"spike_z": -1.0}, "must be positive"),
        ({"lookback": 0}, "integer >= 1"),
    ],
)
def test_divergence_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ls.detect_divergence(_jump(), **kwargs)


@pytest.mark.parametrize("detector", ALL)
def test_detectors_require_a_training_log(detector):
    with pytest.raises(TypeError, match="must be a TrainingLog"):
        detector([1.0, 0.5])


# ------------------------------------------------------------------ oscillation
def test_oscillation_period_two_bounce():
    [f] = ls.detect_oscillation(S.oscillating())
    assert f.severity == "warning"
    assert f.start_step == 300 and f.end_step == 999
    assert f.evidence["autocorrelation"] < -0.9
    assert f.evidence["relative_amplitude"] == pytest.approx(0.2, rel=0.1)


def test_oscillation_with_curvature_evidence_and_fix():
    [f] = ls.detect_oscillation(S.oscillating(curvature=25.0))
    assert f.evidence["median_lr_times_lambda_max"] == pytest.approx(2.5, rel=0.02)
    assert "lr * lambda_max = 2.5" in f.summary
    assert "below 2/lambda_max = 0.0" in f.fixes[0]  # 2 / 25, with 2% noise on lambda


def test_oscillation_from_curvature_alone():
    found = ls.detect_oscillation(S.unstable_noisy())
    assert len(found) == 1 and found[0].severity == "warning"
    assert "alternates" not in found[0].summary
    assert found[0].evidence["fraction_above_threshold"] == 1.0


def test_oscillation_stability_margin_both_sides():
    log = S.unstable_noisy(lr_times_lambda=2.6)
    assert ls.detect_oscillation(log, stability_margin=0.2)  # threshold 2.4
    quiet = ls.detect_oscillation(log, stability_margin=0.4)  # threshold 2.8
    assert of(quiet, "warning") == []
    # At 2.6 with no progress but under the threshold, the run is at the edge: info.
    assert [f.severity for f in quiet] == ["info"]


def test_edge_of_stability_is_info():
    [f] = ls.detect_oscillation(S.edge_of_stability())
    assert f.severity == "info" and "edge of stability" in f.summary


def _noisy_bounce(b=0.05, sigma=0.05, n=600, rng=1):
    t = np.arange(n)
    x = b * (-1.0) ** t + sigma * np.random.default_rng(rng).standard_normal(n)
    return arrays(loss=np.exp(x))


def test_oscillation_autocorrelation_threshold_both_sides():
    log = _noisy_bounce()
    [f] = ls.detect_oscillation(log, max_autocorrelation=-0.01)
    rho = f.evidence["autocorrelation"]  # the most negative window
    assert -0.9 < rho < -0.3
    assert ls.detect_oscillation(log, max_autocorrelation=rho + 0.02)
    assert ls.detect_oscillation(log, max_autocorrelation=rho - 0.02) == ()


def test_oscillation_amplitude_threshold_both_sides():
    t = np.arange(400)
    log = arrays(loss=np.exp(0.005 * (-1.0) ** t))  # a 0.5% bounce
    assert ls.detect_oscillation(log) == ()
    assert ls.detect_oscillation(log, min_amplitude=0.004)


def test_oscillation_progress_threshold_both_sides():
    t = np.arange(500)
    # A 20% bounce while the loss falls 5% per 50-row window.
    log = arrays(loss=np.exp(-0.001 * t + 0.2 * (-1.0) ** t))
    assert ls.detect_oscillation(log, window=50) == ()
    assert ls.detect_oscillation(log, window=50, min_progress=0.1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_autocorrelation": 0.1}, r"must lie in \(-1, 0\)"),
        ({"max_autocorrelation": -1.0}, r"must lie in \(-1, 0\)"),
        ({"window": 5}, "integer >= 10"),
        ({"min_amplitude": 0.0}, "must be positive"),
        ({"min_progress": -1.0}, "must be positive"),
        ({"stability_margin": 0.0}, "must be positive"),
    ],
)
def test_oscillation_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ls.detect_oscillation(S.oscillating(), **kwargs)


def test_short_logs_are_not_judged():
    assert ls.detect_oscillation(arrays(loss=[1.0, 0.5, 1.0, 0.5])) == ()
    assert ls.detect_loss_spikes(arrays(loss=np.ones(10))) == ()
    assert ls.detect_plateau(arrays(loss=np.ones(10))) == ()
    assert ls.detect_slow_progress(arrays(loss=np.ones(10))) == ()


# ------------------------------------------------------------------ loss spikes
def test_catapult_is_an_info():
    [f] = ls.detect_loss_spikes(S.with_spike())
    assert f.severity == "info"
    assert f.evidence["transient_spikes"] == 1 and f.evidence["steps"] == (1000.0,)
    assert f.evidence["heights"][0] == pytest.approx(3.0, rel=0.15)


def test_jump_that_recovers_slowly_is_a_warning():
    [f] = ls.detect_loss_spikes(S.with_spike(recover=False))
    assert f.severity == "warning" and "took" in f.summary
    # The 3x jump on a curve falling 4.6 e-folds per 2000 steps comes back in
    # log(3) / (4.6 / 2000) = 478 steps less the spike's noise margin.
    assert 250 < f.evidence["recovery_steps"] < 480


def test_recovery_window_both_sides():
    log = S.with_spike(recover=False)
    steps = ls.detect_loss_spikes(log)[0].evidence["recovery_steps"]
    assert of(ls.detect_loss_spikes(log, recovery_window=int(steps) + 5), "warning") == []
    assert of(ls.detect_loss_spikes(log, recovery_window=int(steps) - 5), "warning")


def test_spike_that_never_comes_back_on_a_flat_loss():
    rng = np.random.default_rng(3)
    loss = np.exp(0.02 * rng.standard_normal(600))
    loss[300:] *= 3.0
    [f] = ls.detect_loss_spikes(arrays(loss=loss))
    assert f.severity == "warning" and "settled at a higher level" in f.summary


@pytest.mark.parametrize(("after", "lost"), [(1.1, False), (1.5, True)])
def test_spike_followed_by_a_small_or_a_large_shift(after, lost):
    # A 3x spike after which the loss settles 10% higher: within min_rise (20%) of the old
    # level, so recovered; 50% higher is a new level: the spike was not transient.
    rng = np.random.default_rng(7)
    loss = np.exp(0.01 * rng.standard_normal(800))
    loss[400] *= 3.0
    loss[401:] *= after
    [f] = ls.detect_loss_spikes(arrays(loss=loss))
    assert (f.severity == "warning") is lost
    assert ("settled at a higher level" in f.summary) is lost


def test_spike_that_starts_a_divergence():
    [f] = of(ls.detect_loss_spikes(S.diverging()), "warning")
    assert "start of a divergence" in f.summary


def test_spike_at_the_end_is_pending():
    rng = np.random.default_rng(4)
    loss = np.exp(0.02 * rng.standard_normal(400))
    loss[-3:] *= 3.0
    [f] = ls.detect_loss_spikes(arrays(loss=loss))
    assert f.severity == "info" and "cannot be judged yet" in f.summary


def test_spike_z_threshold_both_sides():
    log = S.with_spike(height=1.6, noise=0.05)
    z = ls.detect_loss_spikes(log, z_threshold=3.0)[0].evidence["max_z"]
    assert 6 < z < 20
    assert ls.detect_loss_spikes(log, z_threshold=z - 0.5)
    assert ls.detect_loss_spikes(log, z_threshold=z + 0.5) == ()


def test_spike_min_rise_both_sides():
    loss = np.exp(0.01 * np.random.default_rng(6).standard_normal(1000))
    loss[500] *= 1.6
    log = arrays(loss=loss)
    assert ls.detect_loss_spikes(log, min_rise=0.5)  # a 60% spike
    assert ls.detect_loss_spikes(log, min_rise=0.7) == ()


def test_spike_on_a_loss_that_can_be_negative():
    rng = np.random.default_rng(5)
    loss = -1.0 + 0.01 * rng.standard_normal(500)
    loss[250] += 1.0
    [f] = ls.detect_loss_spikes(arrays(loss=loss))
    assert "above the local median" in f.summary


def test_period_two_bounce_is_not_a_spike_train():
    assert ls.detect_loss_spikes(S.oscillating(noise=0.0)) == ()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"z_threshold": 0}, ValueError, "must be positive"),
        ({"min_rise": -0.1}, ValueError, "must be positive"),
        ({"window": 4}, ValueError, "integer >= 5"),
        ({"recovery_window": 0}, ValueError, "integer >= 1"),
        ({"recovery_points": 1.5}, TypeError, "must be an integer"),
    ],
)
def test_spike_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        ls.detect_loss_spikes(S.with_spike(), **kwargs)


# ---------------------------------------------------------------------- plateau
def test_escaped_saddle_plateau():
    [f] = ls.detect_plateau(S.saddle())
    assert f.severity == "warning"  # long: over a quarter of the run
    assert f.evidence["loss_level"] == pytest.approx(0.69, rel=0.03)
    assert f.evidence["grad_norm_over_early"] < 0.1
    assert f.evidence["escaped_to"] < 0.05
    assert "saddle" in f.cause


def test_plateau_long_fraction_both_sides():
    log = S.saddle()
    frac = ls.detect_plateau(log)[0].evidence["fraction_of_run"]
    assert ls.detect_plateau(log, long_fraction=frac + 0.01)[0].severity == "info"
    assert ls.detect_plateau(log, long_fraction=frac - 0.01)[0].severity == "warning"


@pytest.mark.parametrize("grad_small", [True, False])
def test_stuck_run(grad_small):
    [f] = ls.detect_plateau(S.stuck(grad_small=grad_small))
    assert f.severity == "warning" and f.end_step == 999
    assert (f.evidence["grad_norm_over_early"] < 0.1) is grad_small
    assert ("saddle" in f.cause) is grad_small
    assert ("not small" in f.cause) is not grad_small


def test_stuck_run_without_gradient_norm():
    log = S.stuck()
    [f] = ls.detect_plateau(arrays(loss=log.loss))
    assert "grad_norm" not in f.evidence and "gradient" not in f.summary


def test_plateau_small_grad_both_sides():
    log = S.saddle()
    ratio = ls.detect_plateau(log)[0].evidence["grad_norm_over_early"]
    assert ls.detect_plateau(log, small_grad=ratio * 1.5)
    # Not small: an escaped pause whose gradient stayed large is not a saddle.
    assert ls.detect_plateau(log, small_grad=ratio / 1.5) == ()


def test_plateau_high_fraction_both_sides():
    t = np.arange(1000.0)
    loss = 1.0 + 1.3 * np.exp(-t / 20)  # ends at 43% of its initial 2.3
    log = arrays(loss=loss)
    assert ls.detect_plateau(log) == ()
    [f] = ls.detect_plateau(log, high_fraction=0.4)
    assert f.evidence["loss_level"] == pytest.approx(1.0, rel=0.01)


def test_plateau_flat_tolerance_both_sides():
    t = np.arange(1000.0)
    log = arrays(loss=2.0 * np.exp(-0.03 * t / 1000))  # drifts 3% over the run
    assert ls.detect_plateau(log, flat_tolerance=0.05)
    assert ls.detect_plateau(log, flat_tolerance=0.02) == ()


def test_plateau_escape_drop_both_sides():
    t = np.arange(1000.0)
    loss = 0.3 + 0.39 / (1 + np.exp((t - 600) / 10))  # 0.69 -> 0.30: a 57% drop
    log = arrays(loss=loss)
    assert ls.detect_plateau(log, escape_drop=0.5)
    assert ls.detect_plateau(log, escape_drop=0.6) == ()


def test_diverged_flat_loss_is_not_a_plateau():
    t = np.arange(1000.0)
    loss = np.where(t < 500, np.exp(-t / 100), 1e6)
    assert ls.detect_plateau(arrays(loss=loss)) == ()


def test_plateau_in_warmup_mentions_it():
    t = np.arange(1000.0)
    loss = 0.05 + 2.0 / (1 + np.exp((t - 500) / 10))
    lr = np.minimum(1.0, (t + 1) / 500) * 0.1
    [f] = ls.detect_plateau(arrays(loss=loss, lr=lr))
    assert "warmup" in f.summary


def test_plateau_of_a_loss_that_can_be_negative():
    t = np.arange(1000.0)
    loss = -1.0 + 2.0 / (1 + np.exp((t - 600) / 10))
    [f] = ls.detect_plateau(arrays(loss=loss))
    assert f.evidence["loss_level"] == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_length": 2}, "integer >= 3"),
        ({"flat_tolerance": 0.0}, "must be positive"),
        ({"high_fraction": 1.0}, r"must lie in \(0, 1\)"),
        ({"escape_drop": 0.0}, r"must lie in \(0, 1\)"),
        ({"small_grad": -1.0}, "must be positive"),
        ({"long_fraction": 1.5}, r"must lie in \[0, 1\]"),
    ],
)
def test_plateau_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ls.detect_plateau(S.saddle(), **kwargs)


# ---------------------------------------------------------------- slow progress
def test_slow_progress_on_a_steady_crawl():
    [f] = ls.detect_slow_progress(S.slow(timescale=5.0))
    assert f.severity == "warning"
    # The loss e-folds every 5 run-lengths of 2000 steps: halves in ln 2 * 10000 steps.
    assert f.evidence["halving_steps"] == pytest.approx(math.log(2) * 10_000, rel=0.05)


def test_slow_factor_both_sides():
    log = S.slow(timescale=5.0)
    ratio = ls.detect_slow_progress(log)[0].evidence["halving_steps"] / 1999
    assert ls.detect_slow_progress(log, slow_factor=ratio - 0.2)
    assert ls.detect_slow_progress(log, slow_factor=ratio + 0.2) == ()


def test_min_steadiness_both_sides():
    # A power law decelerates: its tail rate falls by ~30% from quarter to quarter.
    log = arrays(loss=(1.0 + np.arange(2000.0)) ** -0.2)
    steady = ls.detect_slow_progress(log, min_steadiness=0.5)[0].evidence["steadiness"]
    assert 0.6 < steady < 0.8
    # Steadiness must clear the threshold by one standard error of the quarter slopes
    # (here ~0.03 in the ratio: the curvature inside each quarter counts as noise).
    assert ls.detect_slow_progress(log, min_steadiness=steady - 0.1)
    assert ls.detect_slow_progress(log, min_steadiness=steady - 0.01) == ()
    assert ls.detect_slow_progress(log, min_steadiness=steady + 0.02) == ()


def test_slow_progress_min_z_both_sides():
    log = S.slow(timescale=5.0, noise=0.1, rng=2)
    z = -ls.detect_slow_progress(log, min_z=1.0)[0].evidence["slope_z"]
    assert ls.detect_slow_progress(log, min_z=z - 0.5)
    assert ls.detect_slow_progress(log, min_z=z + 0.5) == ()


def test_slow_progress_uses_curvature_when_logged():
    log = S.slow()
    log = arrays(loss=log.loss, lr=0.01, lambda_max=20.0)
    [f] = ls.detect_slow_progress(log)
    assert "lr * lambda_max = 0.2" in f.fixes[0]


def test_slow_progress_needs_a_positive_loss():
    assert ls.detect_slow_progress(arrays(loss=S.slow().loss - 2.0)) == ()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tail_fraction": 0.0}, r"must lie in \(0, 1\)"),
        ({"slow_factor": 0.0}, "must be positive"),
        ({"min_steadiness": -1.0}, "must be positive"),
        ({"min_z": 0.0}, "must be positive"),
    ],
)
def test_slow_progress_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ls.detect_slow_progress(S.slow(), **kwargs)


# ------------------------------------------------------------ generalization gap
def test_generalization_gap():
    [f] = ls.detect_generalization_gap(S.overfitting())
    assert f.severity == "warning"
    assert 0.35 * 2000 < f.evidence["best_val_step"] < 0.6 * 2000
    assert f.evidence["final_gap"] > f.evidence["gap_at_best"]
    assert f.fixes[0].startswith("Keep the checkpoint from step")


def test_generalization_gap_min_rise_both_sides():
    log = S.overfitting(rise=0.4)
    rise = ls.detect_generalization_gap(log)[0].evidence["val_rise"]
    assert ls.detect_generalization_gap(log, min_rise=rise - 0.02)
    assert ls.detect_generalization_gap(log, min_rise=rise + 0.02) == ()


def test_generalization_gap_needs_the_training_loss_to_fall():
    log = S.overfitting()
    flat_train = arrays(loss=np.full(len(log), 0.5), val_loss=log.val_loss)
    assert ls.detect_generalization_gap(flat_train) == ()
    t = np.arange(len(log))
    slow_train = arrays(loss=np.exp(-0.1 * t / len(log)), val_loss=log.val_loss)
    ev = ls.detect_generalization_gap(slow_train, min_train_drop=0.01)[0].evidence
    drop = 1 - ev["final_train_loss"] / ev["train_loss_at_best"]
    assert 0.03 < drop < 0.08
    assert ls.detect_generalization_gap(slow_train, min_train_drop=drop - 0.005)
    assert ls.detect_generalization_gap(slow_train, min_train_drop=drop + 0.005) == ()


def test_generalization_gap_min_points_both_sides():
    t = np.arange(100.0)
    val = np.full(100, np.nan)
    val[[10, 40, 70, 85, 99]] = [1.0, 0.5, 0.6, 0.8, 0.9]
    log = arrays(loss=np.exp(-t / 30), val_loss=val)
    assert ls.detect_generalization_gap(log, min_points=5)
    assert ls.detect_generalization_gap(log, min_points=6) == ()


def test_generalization_gap_for_losses_that_can_be_negative():
    log = S.overfitting()
    shifted = arrays(loss=log.loss - 0.1, val_loss=log.val_loss - 1.0)
    # Now a linear scale: the rise is compared with min_rise * |best| (best ~ -0.4).
    assert ls.detect_generalization_gap(shifted, min_rise=0.1)
    assert ls.detect_generalization_gap(shifted, min_rise=0.5) == ()


# ----------------------------------------------------------------- update ratio
@pytest.mark.parametrize(("ratio", "direction"), [(5e-2, "too large"), (1e-6, "too small")])
def test_update_ratio_out_of_band(ratio, direction):
    [f] = ls.detect_update_ratio(S.update_ratio(ratio=ratio))
    assert f.evidence["direction"] == direction
    assert f.evidence["median_ratio"] == pytest.approx(ratio, rel=0.1)


def test_update_ratio_band_both_sides():
    log = S.update_ratio(ratio=5e-3)
    assert ls.detect_update_ratio(log) == ()
    assert ls.detect_update_ratio(log, high=4e-3)
    assert ls.detect_update_ratio(log, low=6e-3, high=1e-1)


def test_update_ratio_min_fraction_and_lr_floor():
    n = 1000
    t = np.arange(n)
    lr = np.where(t < 300, 1e-4, 0.1)  # a long, tiny warmup
    ratio = np.where(t < 300, 1e-7, 1e-3)
    log = arrays(loss=np.exp(-t / n), update_norm=ratio * 10, param_norm=10.0, lr=lr)
    assert ls.detect_update_ratio(log) == ()  # warmup rows are not judged
    [f] = ls.detect_update_ratio(log, lr_floor=0.0)
    assert f.evidence["fraction_out_of_band"] == pytest.approx(0.3)
    assert ls.detect_update_ratio(log, lr_floor=0.0, min_fraction=0.35) == ()


def test_update_ratio_needs_both_norms():
    assert ls.detect_update_ratio(arrays(loss=[1.0] * 20, update_norm=1.0)) == ()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"low": 1e-2, "high": 1e-3}, "must be below `high`"),
        ({"low": 0.0}, "must be positive"),
        ({"min_fraction": 2.0}, r"must lie in \[0, 1\]"),
        ({"lr_floor": 1.0}, r"must lie in \[0, 1\)"),
    ],
)
def test_update_ratio_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ls.detect_update_ratio(S.update_ratio(), **kwargs)


# ------------------------------------------------------------------- lr schedule
def test_lr_decaying_too_early_is_a_warning():
    [f] = ls.detect_lr_schedule(S.early_decay())
    assert f.severity == "warning"
    assert f.evidence["near_zero_step"] == 800
    assert f.evidence["fraction_of_run_near_zero"] == pytest.approx(0.6, abs=0.01)


def test_lr_schedule_after_convergence_is_info():
    t = np.arange(2000)
    lr = np.where(t < 800, 0.1, 1e-6)
    log = arrays(loss=0.1 + 2.0 * np.exp(-t / 50.0), lr=lr)
    [f] = ls.detect_lr_schedule(log)
    assert f.severity == "info"


def test_cosine_to_zero_is_fine():
    log = S.healthy(2000)
    assert ls.detect_lr_schedule(log) == ()


def test_lr_schedule_thresholds_both_sides():
    log = S.early_decay(decay_at=0.7)  # 30% of the run at a near-zero lr (1e-5 of peak)
    assert ls.detect_lr_schedule(log, max_tail_fraction=0.25)
    assert ls.detect_lr_schedule(log, max_tail_fraction=0.35) == ()
    assert ls.detect_lr_schedule(log, near_zero=1e-4)
    assert ls.detect_lr_schedule(log, near_zero=1e-6) == ()
    gain = ls.detect_lr_schedule(log)[0].evidence["projected_gain"]
    assert ls.detect_lr_schedule(log, min_gain=gain - 0.01)[0].severity == "warning"
    assert ls.detect_lr_schedule(log, min_gain=min(gain + 0.01, 0.99))[0].severity == "info"


def test_lr_schedule_needs_lr():
    assert ls.detect_lr_schedule(arrays(loss=np.ones(50))) == ()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"near_zero": 0.0}, r"must lie in \(0, 1\)"),
        ({"max_tail_fraction": 1.0}, r"must lie in \[0, 1\)"),
        ({"min_z": 0.0}, "must be positive"),
        ({"min_gain": 0.0}, r"must lie in \(0, 1\)"),
    ],
)
def test_lr_schedule_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ls.detect_lr_schedule(S.early_decay(), **kwargs)


# -------------------------------------------------------------- robustness
_series = st.lists(
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True, width=64),
        st.sampled_from([0.0, -1.0, 1e-300, 1e300]),
    ),
    min_size=1,
    max_size=120,
)


@settings(max_examples=60, deadline=None)
@given(_series, st.booleans())
def test_diagnose_never_fails_on_arbitrary_losses(values, with_extras):
    loss = np.array(values)
    extra = {}
    if with_extras:
        with np.errstate(all="ignore"):
            extra = {
                "val_loss": loss[::-1],
                "grad_norm": np.abs(loss),
                "lr": np.abs(loss) % 1.0,
                "update_norm": np.abs(loss),
                "param_norm": np.abs(loss[::-1]),
                "lambda_max": loss,
            }
    report = ls.diagnose(arrays(loss=loss, **extra))
    assert report.exit_code in (0, 1, 2)
    assert all(f.severity in ("info", "warning", "critical") for f in report.findings)


def test_detector_registry_requirements():
    log = arrays(loss=np.ones(50))
    missing = {name: d.missing(log) for name, d in DETECTORS.items()}
    assert missing["update_ratio"] == ("update_norm", "param_norm")
    assert missing["divergence"] == ()
    assert DETECTORS["loss_spikes"].parameters()["z_threshold"] == 6.0
