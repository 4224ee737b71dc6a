"""diagnose(), the Report and its renderings (text, Markdown, JSON, plot), and the CLI."""

import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import _synthetic_logs as S
import matplotlib
import numpy as np
import pytest

import landscape as ls
from landscape.__main__ import main
from landscape.diagnostics import JSON_FORMAT, Finding, Report

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


def strict_json(text):
    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


# ---------------------------------------------------------------------- diagnose
@pytest.mark.parametrize(
    ("log", "status", "code"),
    [
        (S.healthy(1000), "healthy", 0),
        (S.overfitting(), "warnings", 1),
        (S.diverging(), "critical", 2),
    ],
)
def test_status_and_exit_code(log, status, code):
    report = ls.diagnose(log)
    assert (report.status, report.exit_code) == (status, code)


def test_findings_are_ordered_most_severe_first():
    report = ls.diagnose(S.diverging())
    ranks = [f.rank for f in report.findings]
    assert ranks == sorted(ranks, reverse=True) and len(ranks) >= 2
    assert report.counts()["critical"] == 1


def test_spikes_after_a_divergence_onset_are_folded_into_it():
    bowl = ls.from_function(lambda t: float(t @ t), dim=2, grad=lambda t: 2 * t)
    log = ls.TrainingLog.from_columns(ls.minimize(bowl, [1.0, -1.0], ls.gd(1.05), 100).as_columns())
    assert any(f.start_step > 4 for f in ls.detect_loss_spikes(log))  # a spike at the end
    report = ls.diagnose(log)
    assert [f.detector for f in report.findings] == ["divergence"]
    # A spike *before* the onset is kept: it is the start of the divergence.
    kept = ls.diagnose(S.diverging())
    assert [f.detector for f in kept.findings] == ["divergence", "loss_spikes"]
    assert kept.findings[1].start_step < kept.findings[0].start_step


def test_checks_run_and_skipped():
    report = ls.diagnose(ls.TrainingLog.from_arrays(loss=np.ones(50)), skip=["plateau"])
    skipped = dict(report.checks_skipped)
    assert skipped["plateau"] == "skipped on request"
    assert skipped["update_ratio"] == "needs update_norm and param_norm"
    assert skipped["generalization_gap"] == "needs val_loss"
    assert "divergence" in report.checks_run and "plateau" not in report.checks_run


def test_thresholds_reach_the_detectors():
    log = S.with_spike(height=1.6, noise=0.05)
    assert any(f.detector == "loss_spikes" for f in ls.diagnose(log).findings)
    quiet = ls.diagnose(log, loss_spikes={"z_threshold": 100.0})
    assert not any(f.detector == "loss_spikes" for f in quiet.findings)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"skip": ["nope"]}, ValueError, "unknown detector 'nope'; detectors are divergence"),
        ({"spikes": {"z_threshold": 3}}, ValueError, "unknown detector 'spikes'"),
        ({"loss_spikes": {"z": 3}}, ValueError, "'loss_spikes' has no threshold 'z'"),
        ({"loss_spikes": 3}, TypeError, "must be a mapping"),
        ({"loss_spikes": {"z_threshold": -1}}, ValueError, "must be positive"),
    ],
)
def test_diagnose_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        ls.diagnose(S.healthy(200), **kwargs)


def test_diagnose_reads_paths_and_rejects_other_things(tmp_path):
    path = S.overfitting().to_csv(tmp_path / "run.csv")
    report = ls.diagnose(path)
    assert report.source == str(path) and report.exit_code == 1
    assert ls.diagnose(str(path)).exit_code == 1
    with pytest.raises(TypeError, match="must be a TrainingLog or a path"):
        ls.diagnose([1.0, 2.0])
    with pytest.raises(ls.LogReadError, match="cannot open"):
        ls.diagnose(tmp_path / "missing.csv")


# ---------------------------------------------------------------------- findings
def test_finding_validation_and_round_trip():
    ev = {"a": np.float64(1.5), "b": np.arange(3), "c": "t", "d": np.int64(4), "e": True}
    f = Finding("x", "info", "s", 1, 2, ev)
    assert f.evidence == {"a": 1.5, "b": (0, 1, 2), "c": "t", "d": 4, "e": True}
    assert type(f.evidence["a"]) is float and type(f.evidence["d"]) is int
    assert Finding("x", "info", "s", 0.5, 2.25).steps == "steps 0.5..2.25"
    assert Finding.from_dict(f.to_dict()) == f
    assert f.steps == "steps 1..2"
    assert Finding("x", "info", "s", 3, 3).steps == "step 3"
    with pytest.raises(ValueError, match="`severity` must be one of 'info', 'warning'"):
        Finding("x", "fatal", "s", 0, 0)
    with pytest.raises(TypeError, match="evidence values must be numbers"):
        Finding("x", "info", "s", 0, 0, {"a": object()})


# ---------------------------------------------------------------------- renderings
@pytest.fixture(scope="module")
def critical_report():
    return ls.diagnose(S.diverging())


def test_text_report(critical_report):
    text = critical_report.to_text(width=80)
    assert text.splitlines()[0] == "Training-log diagnostics: diverging"
    assert "Status: CRITICAL (1 critical, 1 warning)" in text
    assert "[CRITICAL] divergence, steps 760..999" in text
    assert "Evidence: first_nonfinite_step=760" in text
    assert "Likely cause: The step size crossed the stability threshold" in text
    assert "  Try:\n    1. " in text
    assert "Not run: generalization_gap (needs val_loss)" in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 80


def test_text_report_formats_evidence_values():
    ev = {"flag": True, "big": math.inf, "many": tuple(range(10)), "ratio": 0.123456, "n": 3.0}
    report = Report((Finding("x", "info", "s", 0, 1, ev),), "s", 2, 0.0, 1.0, ("loss",))
    text = " ".join(report.to_text().split())
    assert "flag=true, big=inf, many=[0, 1, 2, 3, 4, 5, 6, 7, ...], ratio=0.1235, n=3" in text
    back = Report.from_json(report.to_json())
    assert back.findings[0].evidence["many"] == tuple(range(10))


def test_text_report_lists_reader_notes():
    log = ls.read_log(io.BytesIO(b"step,loss\n0,1\n1,oops\n2,0.5\n"))
    text = ls.diagnose(log).to_text()
    assert "Reader notes:\n  - loss ('loss'): 1 non-numeric cell" in text
    assert "Status: HEALTHY (no findings)" in text


def test_markdown_report(critical_report):
    md = critical_report.to_markdown()
    assert md.startswith("# Training-log diagnostics: `diverging`\n")
    assert "| severity | detector | steps | summary |" in md
    assert "## 1. Critical: divergence (steps 760..999)" in md
    assert "| `first_nonfinite_step` | 760 |" in md
    assert "**Try:**\n\n1. " in md
    assert "## Checks" in md


def test_markdown_escapes_pipes():
    f = Finding("x", "warning", "a | b", 0, 1, {"k": "c|d"})
    report = Report((f,), "s", 2, 0.0, 1.0, ("loss",))
    md = report.to_markdown()
    assert "a \\| b" in md and "c\\|d" in md


def test_json_is_strict_and_round_trips(critical_report):
    text = critical_report.to_json()
    data = strict_json(text)
    assert data["format"] == JSON_FORMAT
    assert data["status"] == "critical" and data["exit_code"] == 2
    assert data["findings"][0]["detector"] == "divergence"
    back = Report.from_json(text)
    assert back.to_json() == text
    assert back == critical_report  # the log is not part of equality


def test_json_encodes_non_finite_evidence():
    f = Finding("x", "info", "s", 0, 1, {"inf": math.inf, "nan": math.nan, "neg": -math.inf})
    report = Report((f,), "s", 2, 0.0, 1.0, ("loss",))
    data = strict_json(report.to_json(indent=None))
    assert data["findings"][0]["evidence"] == {"inf": "inf", "nan": None, "neg": "-inf"}
    ev = Report.from_json(report.to_json()).findings[0].evidence
    assert ev["inf"] == math.inf and ev["neg"] == -math.inf and math.isnan(ev["nan"])


def test_from_json_rejects_other_documents():
    with pytest.raises(ValueError, match=r"not a landscape\.diagnostics/1 report"):
        Report.from_json('{"status": "healthy"}')


def test_repr(critical_report):
    assert repr(critical_report) == "Report(source='diverging', status='critical', findings=2)"


# --------------------------------------------------------------------------- plot
def _is_png(path):
    return Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_writes_a_png_with_every_panel(tmp_path):
    log = ls.TrainingLog.from_arrays(
        loss=S.diverging().loss,
        grad_norm=np.abs(S.diverging().grad_norm) + 1,
        lr=0.1,
        update_norm=0.01,
        param_norm=10.0,
        lambda_max=25.0,
        val_loss=np.where(np.arange(1000) % 100 == 0, 1.0, np.nan),
    )
    report = ls.diagnose(log)
    path = tmp_path / "report.png"
    fig = report.plot(path)
    assert _is_png(path) and path.stat().st_size > 10_000
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels == ["loss", "grad_norm", "lr", "update / param", "lambda_max"]
    assert fig.axes[0].get_yscale() == "log"
    # Each finding is shaded on every panel and labelled on the first.
    texts = [t.get_text().strip() for t in fig.axes[0].texts]
    assert set(texts) == {f.detector for f in report.findings}


def test_plot_into_axes_and_figure_and_svg(tmp_path):
    from matplotlib.figure import Figure

    report = ls.diagnose(S.overfitting())
    fig = Figure()
    ax = fig.subplots()
    assert report.plot(ax) is fig
    assert ax.get_ylabel() == "loss"
    fig2 = Figure()
    assert report.plot(fig2) is fig2 and len(fig2.axes) == 1
    svg = tmp_path / "r.svg"
    report.plot(str(svg))
    assert svg.read_text().lstrip().startswith("<?xml")


def test_plot_needs_a_log():
    report = ls.diagnose(S.overfitting())
    back = Report.from_json(report.to_json())
    with pytest.raises(ValueError, match="no log attached"):
        back.plot()
    assert back.plot(log=report.log).axes


# ---------------------------------------------------------------------------- CLI
@pytest.fixture
def logs(tmp_path):
    return {
        "healthy": S.healthy(1000).to_csv(tmp_path / "healthy.csv"),
        "warning": S.overfitting().to_csv(tmp_path / "overfit.csv"),
        "critical": S.diverging().to_csv(tmp_path / "diverging.csv"),
        "bad": tmp_path / "bad.csv",
        "dir": tmp_path,
    }


@pytest.mark.parametrize(("name", "code"), [("healthy", 0), ("warning", 1), ("critical", 2)])
def test_cli_exit_codes(logs, capsys, name, code):
    assert main(["diagnose", str(logs[name])]) == code
    out = capsys.readouterr().out
    assert out.startswith("Training-log diagnostics:")


def test_cli_unreadable_input_is_exit_3_without_traceback(logs, capsys):
    logs["bad"].write_text("a,b\n1,2\n")
    assert main(["diagnose", str(logs["bad"])]) == 3
    err = capsys.readouterr().err
    assert err.startswith("landscape diagnose: cannot read the log: no training-loss column")
    assert "Traceback" not in err
    assert main(["diagnose", str(logs["dir"] / "nope.csv")]) == 3


def test_cli_formats_output_file_and_plot(logs, capsys, tmp_path):
    assert main(["diagnose", str(logs["warning"]), "--format", "json"]) == 1
    data = strict_json(capsys.readouterr().out)
    assert data["findings"][0]["detector"] == "generalization_gap"
    out, png = tmp_path / "r.md", tmp_path / "r.png"
    args = ["diagnose", str(logs["warning"]), "--format", "markdown", "-o", str(out)]
    assert main([*args, "--plot", str(png)]) == 1
    assert out.read_text().startswith("# Training-log diagnostics")
    assert _is_png(png)
    assert capsys.readouterr().out == ""


def test_cli_column_mapping(tmp_path, capsys):
    path = tmp_path / "custom.csv"
    path.write_text(
        "it,objective_value,junk\n" + "".join(f"{i},{1 / (i + 1)},x\n" for i in range(50))
    )
    assert main(["diagnose", str(path)]) == 3
    assert "no training-loss column" in capsys.readouterr().err
    code = main(["diagnose", str(path), "--column", "loss=objective_value", "--column", "step=it"])
    assert code in (0, 1)
    assert main(["diagnose", str(path), "--column", "loss"]) == 4
    assert "--column expects QUANTITY=NAME" in capsys.readouterr().err
    assert main(["diagnose", str(path), "--column", "los=objective_value"]) == 4
    assert "unknown quantity 'los'" in capsys.readouterr().err


def test_cli_thresholds_and_skip(logs, capsys):
    path = str(logs["warning"])
    assert main(["diagnose", path, "--skip", "generalization_gap"]) == 0
    assert main(["diagnose", path, "--set", "generalization_gap.min_rise=5"]) == 0
    assert main(["diagnose", path, "--set", "generalization_gap.min_points=auto"]) == 4
    assert "must be an integer" in capsys.readouterr().err
    for bad, message in [
        ("min_rise=5", "expects DETECTOR.PARAM=VALUE"),
        ("generalization_gap.min_rise=lots", "'lots' is not a number"),
        ("gap.min_rise=1", "unknown detector 'gap'"),
        ("generalization_gap.rise=1", "has no threshold 'rise'"),
    ]:
        assert main(["diagnose", path, "--set", bad]) == 4
        assert message in capsys.readouterr().err


def test_cli_output_errors(logs, capsys, tmp_path):
    missing_dir = tmp_path / "no" / "such" / "dir"
    assert main(["diagnose", str(logs["healthy"]), "-o", str(missing_dir / "r.txt")]) == 4
    assert "cannot write" in capsys.readouterr().err
    assert main(["diagnose", str(logs["healthy"]), "--plot", str(missing_dir / "r.png")]) == 4
    assert "cannot write the plot" in capsys.readouterr().err


def test_cli_usage(capsys):
    assert main(["diagnose", "--help"]) == 0
    out = capsys.readouterr().out
    assert "exit status:" in out and "--column QUANTITY=NAME" in out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("landscape ")
    assert main([]) == 4
    assert "COMMAND" in capsys.readouterr().err
    assert main(["diagnose"]) == 4
    assert "required: LOG" in capsys.readouterr().err
    assert main(["diagnose", "x.csv", "--format", "yaml"]) == 4
    assert main(["frobnicate"]) == 4


def test_cli_reads_standard_input(logs, monkeypatch, capsys):
    data = Path(logs["critical"]).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["diagnose", "-", "--format", "json"]) == 2
    assert strict_json(capsys.readouterr().out)["source"] == "<stream>"


def test_python_dash_m_landscape(logs):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    run = subprocess.run(
        [sys.executable, "-m", "landscape", "diagnose", str(logs["critical"])],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "[CRITICAL] divergence" in run.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "landscape", "diagnose", str(logs["dir"] / "nope.csv")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert bad.returncode == 3 and "Traceback" not in bad.stderr
    assert "cannot open" in bad.stderr
