"""Training-log diagnostics: read a run's log, find what the landscape is doing, say why.

Point :func:`diagnose` at a log (:func:`read_log` reads CSV, JSON lines and TensorBoard
scalar exports; :meth:`TrainingLog.from_arrays` builds one in memory) and get a
:class:`Report` of :class:`Finding` records, each with the evidence that triggered it,
the likely landscape cause and the fixes to try. From a shell:
``python -m landscape diagnose run.csv``.

The detectors (see :data:`DETECTORS`) are plain functions with documented thresholds:
:func:`detect_divergence`, :func:`detect_oscillation`, :func:`detect_loss_spikes`,
:func:`detect_plateau`, :func:`detect_slow_progress`, :func:`detect_generalization_gap`,
:func:`detect_update_ratio` and :func:`detect_lr_schedule`.
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
from landscape.diagnostics.findings import SEVERITIES, Finding
from landscape.diagnostics.log import QUANTITIES, LogReadError, TrainingLog
from landscape.diagnostics.reader import FORMATS, read_log
from landscape.diagnostics.report import JSON_FORMAT, Report, diagnose

__all__ = [
    "DETECTORS",
    "FORMATS",
    "JSON_FORMAT",
    "QUANTITIES",
    "SEVERITIES",
    "Detector",
    "Finding",
    "LogReadError",
    "Report",
    "TrainingLog",
    "detect_divergence",
    "detect_generalization_gap",
    "detect_loss_spikes",
    "detect_lr_schedule",
    "detect_oscillation",
    "detect_plateau",
    "detect_slow_progress",
    "detect_update_ratio",
    "diagnose",
    "read_log",
]
