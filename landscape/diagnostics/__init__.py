"""Training-log diagnostics: read a run's log, find what the landscape is doing, say why.

Point :func:`~landscape.diagnose` at a log (:func:`~landscape.read_log` reads CSV, JSON
lines and TensorBoard scalar exports; :meth:`~landscape.TrainingLog.from_arrays` and
:meth:`~landscape.TrainingLog.from_columns` build one in memory) and get a
:class:`~landscape.Report` of :class:`~landscape.Finding` records, each with the evidence
that triggered it, the likely landscape cause and the fixes to try. From a shell:
``python -m landscape diagnose run.csv`` (or the ``landscape`` command).

The detectors (``landscape.diagnostics.DETECTORS``) are plain functions with documented
thresholds: divergence, oscillation, loss spikes, plateau, slow progress, generalization
gap, update/parameter ratio and learning-rate schedule (``landscape.detect_*``).
:func:`~landscape.labelled_suite` trains runs with known pathologies
(``landscape.diagnostics.SCENARIOS``) and :func:`~landscape.score_detectors` measures
each detector's precision and recall on them.
"""

from landscape.diagnostics.detectors import (
    DETECTORS,
    Detector,
    detect_divergence,
    detect_generalization_gap,
    detect_loss_spikes,
    detect_lr_schedule,
    detect_oscillation,
    detect_plateau,
    detect_slow_progress,
    detect_update_ratio,
)
from landscape.diagnostics.evaluation import (
    SCENARIOS,
    DetectorScore,
    LabelledRun,
    Scenario,
    checklist,
    generate_run,
    labelled_suite,
    score_detectors,
    write_log,
)
from landscape.diagnostics.findings import SEVERITIES, Finding
from landscape.diagnostics.log import QUANTITIES, LogReadError, TrainingLog
from landscape.diagnostics.reader import FORMATS, read_log
from landscape.diagnostics.report import JSON_FORMAT, Report, diagnose

__all__ = [
    "DETECTORS",
    "FORMATS",
    "JSON_FORMAT",
    "QUANTITIES",
    "SCENARIOS",
    "SEVERITIES",
    "Detector",
    "DetectorScore",
    "Finding",
    "LabelledRun",
    "LogReadError",
    "Report",
    "Scenario",
    "TrainingLog",
    "checklist",
    "detect_divergence",
    "detect_generalization_gap",
    "detect_loss_spikes",
    "detect_lr_schedule",
    "detect_oscillation",
    "detect_plateau",
    "detect_slow_progress",
    "detect_update_ratio",
    "diagnose",
    "generate_run",
    "labelled_suite",
    "read_log",
    "score_detectors",
    "write_log",
]
