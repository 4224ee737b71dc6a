"""The labelled evaluation suite: real runs per pathology, and the detectors' scores on it."""

from __future__ import annotations

import math

import _synthetic_logs as S
import numpy as np
import pytest

import landscape as ls
from landscape.diagnostics import DETECTORS, SCENARIOS
from landscape.diagnostics.log import QUANTITIES

SEEDS = (0, 1, 2, 3, 4)

# Floors equal to what was measured on this seed set (SEEDS x every scenario, 300 steps,
# severity >= warning) when the suite was built. The suite is deterministic, so any drop
# means a detector (or the training code under it) changed behaviour: investigate before
# lowering a floor. NaN: undefined on this suite (loss_spikes has no labelled run and
# never fires as a warning outside the runs that allow it; update_ratio has no labelled
# run). update_ratio's precision is 0: it fires on the five early_decay runs, where the
# fast first steps (ratio ~2e-2) are a fifth of the rows it judges (see the chapter).
FLOORS = {
    "divergence": (1.0, 1.0),
    "oscillation": (1.0, 1.0),
    "loss_spikes": (math.nan, math.nan),
    "plateau": (1.0, 1.0),
    "slow_progress": (1.0, 1.0),
    "generalization_gap": (1.0, 1.0),
    "update_ratio": (0.0, math.nan),
    "lr_schedule": (1.0, 1.0),
}


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    runs = ls.labelled_suite(SEEDS, directory=tmp_path_factory.mktemp("suite"))
    return runs, [ls.diagnose(r.log) for r in runs]


def test_suite_covers_every_scenario_and_seed(suite):
    runs, _ = suite
    assert [r.name for r in runs] == [f"{s}/{k}" for s in SCENARIOS for k in SEEDS]
    # Odd seeds are written as JSON lines, even ones as CSV: both readers are exercised.
    assert {r.path.rsplit(".", 1)[1] for r in runs} == {"csv", "jsonl"}


@pytest.mark.parametrize("detector", list(DETECTORS))
def test_detector_precision_and_recall_stay_at_their_measured_floors(suite, detector):
    runs, reports = suite
    score = {s.detector: s for s in ls.score_detectors(runs, reports)}[detector]
    floor_p, floor_r = FLOORS[detector]
    for value, floor, what in (
        (score.precision, floor_p, "precision"),
        (score.recall, floor_r, "recall"),
    ):
        if math.isnan(floor):
            assert math.isnan(value), f"{detector} {what} became defined: {score!r}"
        else:
            assert value >= floor, f"{detector} {what} fell below {floor}: {score!r}"


def test_every_labelled_pathology_is_found_and_healthy_runs_stay_quiet(suite):
    runs, reports = suite
    for run, report in zip(runs, reports, strict=True):
        fired = {f.detector for f in report.findings if f.rank >= 1}
        assert run.scenario.labels <= fired, f"{run.name}: {sorted(fired)}"
        if run.scenario.name == "healthy":
            assert report.status == "healthy", report.to_text()


def test_scenario_labels_name_real_detectors_and_do_not_overlap_allowed():
    for scenario in SCENARIOS.values():
        assert scenario.labels | scenario.allowed <= set(DETECTORS), scenario
        assert not scenario.labels & scenario.allowed, scenario


def test_runs_are_deterministic_and_follow_the_seed():
    a = ls.generate_run("saturation", 7, num_steps=60)
    b = ls.generate_run("saturation", np.random.default_rng(7), num_steps=60)
    c = ls.generate_run("saturation", 8, num_steps=60)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert not np.array_equal(a["loss"], c["loss"])


def test_explosion_is_beyond_the_stability_threshold_and_clipping_bounds_it():
    # Both sides of the threshold: unclipped steps at 2.5 x (2 / lambda_max) blow up;
    # the same steps clipped stay finite, and lr * lambda_max is still above 2.
    wild = ls.generate_run("explosion", 0)
    tame = ls.generate_run("explosion_clipped", 0)
    assert wild["lr"][0] * wild["lambda_max"][0] == pytest.approx(
        5.0, rel=0.05
    )  # power iteration to 1e-3
    assert not np.isfinite(wild["loss"][-1]) or wild["loss"][-1] > 1e6
    assert np.all(np.isfinite(tame["loss"]))
    assert np.nanmedian(tame["lr"] * tame["lambda_max"]) > 2.0
    healthy = ls.generate_run("healthy", 0)
    assert np.nanmax(healthy["lr"] * healthy["lambda_max"]) < 2.0


def test_lambda_max_matches_a_dense_eigensolver():
    cols = ls.generate_run("healthy", 3, num_steps=50, curvature_every=50)
    data_rng = np.random.default_rng(3)
    # Rebuild the same objective and initial point from the same generator sequence.
    from landscape.diagnostics.evaluation import _task

    X, y, _, _ = _task(data_rng, 256, 0.1)
    net = ls.MLP((5, 16, 1), "tanh")
    f = ls.mlp_objective(net, X, y, "mse")
    theta0 = net.init(rng=data_rng)
    top = float(np.linalg.eigvalsh(f.hessian(theta0))[-1])
    # Power iteration stops at a relative residual of 1e-3 (eigenvalue good to ~1e-3).
    assert cols["lambda_max"][0] == pytest.approx(top, rel=1e-2)
    assert np.isnan(cols["lambda_max"][1:50]).all() and np.isfinite(cols["lambda_max"][50])


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_write_log_round_trips_through_the_reader(tmp_path, suffix):
    cols = {
        "step": np.arange(5.0),
        "loss": np.array([1.0, 0.5, np.nan, 0.25, np.inf]),
        "val_loss": np.array([0.9, np.nan, np.nan, 0.3, np.nan]),
        "lr": np.full(5, 0.1),
    }
    before = {k: v.copy() for k, v in cols.items()}
    log = ls.read_log(ls.write_log(cols, tmp_path / f"run{suffix}"))
    np.testing.assert_array_equal(log.step, cols["step"])
    np.testing.assert_array_equal(log.loss, cols["loss"])
    np.testing.assert_array_equal(log.val_loss, cols["val_loss"])
    assert log.loss_logged.all()  # a NaN loss is written, not dropped
    assert log.columns["loss"] == "train/loss" and log.columns["lr"] == "learning_rate"
    for k in cols:
        np.testing.assert_array_equal(cols[k], before[k])  # inputs not mutated


def test_write_log_format_overrides_the_suffix(tmp_path):
    path = ls.write_log({"loss": [1.0, 0.5]}, tmp_path / "run.txt", format="jsonl")
    assert path.read_text().splitlines() == ['{"train/loss": 1.0}', '{"train/loss": 0.5}']


def test_score_counts_hits_false_alarms_and_ignores_allowed(tmp_path):
    runs = ls.labelled_suite((0,), scenarios=["lr_too_low", "healthy"], directory=tmp_path)
    reports = [ls.diagnose(r.log) for r in runs]
    by = {s.detector: s for s in ls.score_detectors(runs, reports)}
    # update_ratio fires on lr_too_low, which allows it: neither a hit nor a false alarm.
    assert any(f.detector == "update_ratio" for f in reports[0].findings)
    assert (by["update_ratio"].false_positives, by["update_ratio"].runs) == (0, 1)
    assert by["slow_progress"].true_positives == 1 and by["slow_progress"].runs == 2
    # With min_severity="critical" nothing in these runs fires.
    strict = {s.detector: s for s in ls.score_detectors(runs, reports, min_severity="critical")}
    assert strict["slow_progress"].false_negatives == 1 and strict["slow_progress"].recall == 0.0
    assert math.isnan(strict["slow_progress"].precision)


def test_reprs_are_compact(tmp_path):
    [run] = ls.labelled_suite((0,), scenarios=["healthy"], directory=tmp_path, num_steps=60)
    assert repr(run) == "LabelledRun('healthy/0', rows=61, labels=[])"
    assert repr(SCENARIOS["healthy"]) == "Scenario('healthy', labels=[])"
    score = ls.DetectorScore("plateau", 0, 0, 0, 3)
    assert repr(score).startswith("DetectorScore('plateau', precision=nan, recall=nan")


def test_bad_arguments_are_rejected(tmp_path):
    with pytest.raises(ValueError, match="scenario"):
        ls.generate_run("lr_too_medium")
    with pytest.raises(ValueError, match="num_steps"):
        ls.generate_run("healthy", num_steps=10)
    with pytest.raises(TypeError, match="rng"):
        ls.generate_run("healthy", rng="seed")
    with pytest.raises(ValueError, match="format"):
        ls.write_log({"loss": [1.0]}, tmp_path / "a.csv", format="xml")
    with pytest.raises(ValueError, match="unknown quantity 'accuracy'"):
        ls.write_log({"loss": [1.0], "accuracy": [0.5]}, tmp_path / "a.csv")
    with pytest.raises(ValueError, match="same length"):
        ls.write_log({"loss": [1.0, 2.0], "lr": [0.1]}, tmp_path / "a.csv")
    with pytest.raises(ValueError, match="scenarios entry"):
        ls.labelled_suite((0,), scenarios=["nope"])
    with pytest.raises(ValueError, match="at least one seed"):
        ls.labelled_suite(())
    with pytest.raises(ValueError, match="seeds entry"):
        ls.labelled_suite((-1,))
    with pytest.raises(TypeError, match="seeds entry"):
        ls.labelled_suite((0.5,))
    with pytest.raises(ValueError, match="min_severity"):
        ls.score_detectors([], min_severity="fatal")
    [run] = ls.labelled_suite((0,), scenarios=["healthy"], directory=tmp_path, num_steps=60)
    with pytest.raises(ValueError, match="1 runs"):
        ls.score_detectors([run], [])


def test_checklist_rows_come_from_the_detectors_and_their_findings(suite):
    _, reports = suite
    rows = ls.checklist(reports, fixes=2)
    assert [r["detector"] for r in rows] == list(DETECTORS)
    for row in rows:
        det = DETECTORS[row["detector"]]
        assert row["symptom"] == det.looks_for
        assert row["log"].split("; better with ")[0] == ", ".join(det.requires)
        assert ("better with" in row["log"]) == bool(det.sharpened_by)
        # Every detector fires somewhere in the suite, and its most severe finding is used.
        findings = [f for rep in reports for f in rep.findings if f.detector == row["detector"]]
        worst = max(findings, key=lambda f: f.rank)
        assert row["severity"] == worst.severity and row["cause"] == worst.cause
        assert row["fixes"] == " / ".join(worst.fixes[:2])


def test_checklist_leaves_rows_empty_without_findings_and_checks_its_input():
    quiet = ls.diagnose(ls.TrainingLog.from_arrays(loss=np.exp(-np.arange(200) / 40)))
    rows = ls.checklist([quiet])
    assert all(r["cause"] == "" and r["fixes"] == "" and r["source"] == "" for r in rows)
    with pytest.raises(TypeError, match="Report objects"):
        ls.checklist(["report.json"])
    with pytest.raises(ValueError, match="fixes"):
        ls.checklist([quiet], fixes=0)


def _without(log, names):
    kept = {q: getattr(log, q) for q in QUANTITIES if q != "loss" and q not in names}
    return ls.TrainingLog.from_arrays(log.loss, step=log.step, loss_logged=log.loss_logged, **kept)


def _reported(findings):
    return [(f.start_step, f.end_step, f.severity, f.cause, f.fixes) for f in findings]


def test_sharpened_by_lists_exactly_the_optional_quantities_that_change_a_finding(suite):
    # The checklist's "log" column says "better with" these quantities: dropping one of
    # them from some log must change what the detector reports, and dropping any other
    # optional quantity from any of these logs must change nothing but the evidence.
    runs, _ = suite
    logs = [r.log for r in runs]
    logs += [S.diverging(), S.unstable_noisy(), S.edge_of_stability(), S.healthy()]
    logs += [S.stuck(grad_small=False), S.stuck(grad_small=True)]
    for name, det in DETECTORS.items():
        changing = {
            q
            for q in QUANTITIES
            if q not in det.requires
            and any(
                log.has(q)
                and not det.missing(log)
                and _reported(det.function(log)) != _reported(det.function(_without(log, [q])))
                for log in logs
            )
        }
        assert changing == set(det.sharpened_by), name
