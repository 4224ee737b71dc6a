"""The detectors :func:`landscape.diagnose` runs, and what each needs from the log.

Each detector is a plain function ``detect_*(log, **thresholds) -> tuple[Finding, ...]``
with named thresholds whose defaults and reasons are in its docstring. They are
independent: run one on its own, or all through :func:`landscape.diagnose`, which passes
per-detector thresholds by detector name.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from landscape.diagnostics._divergence import detect_divergence
from landscape.diagnostics._oscillation import detect_oscillation
from landscape.diagnostics._plateau import detect_plateau, detect_slow_progress
from landscape.diagnostics._spikes import detect_loss_spikes
from landscape.diagnostics._training import (
    detect_generalization_gap,
    detect_lr_schedule,
    detect_update_ratio,
)
from landscape.diagnostics.findings import Finding
from landscape.diagnostics.log import TrainingLog

__all__ = [
    "DETECTORS",
    "Detector",
    "detect_divergence",
    "detect_generalization_gap",
    "detect_loss_spikes",
    "detect_lr_schedule",
    "detect_oscillation",
    "detect_plateau",
    "detect_slow_progress",
    "detect_update_ratio",
]


@dataclass(frozen=True)
class Detector:
    """A registered detector: its name, function and the quantities it needs.

    ``requires`` are the quantities without which the detector cannot run;
    ``sharpened_by`` are optional ones that change what it reports when they are logged:
    where it fires, how severe, the cause or the fixes (for instance ``lr`` and
    ``lambda_max`` let the oscillation detector catch a bounce that gradient clipping
    hides in the loss). Quantities it only quotes as evidence are in neither.
    """

    name: str
    function: Callable[..., tuple[Finding, ...]]
    requires: tuple[str, ...]
    looks_for: str
    sharpened_by: tuple[str, ...] = ()

    def missing(self, log: TrainingLog) -> tuple[str, ...]:
        """Required quantities the log lacks."""
        return tuple(q for q in self.requires if q not in log.quantities)

    def parameters(self) -> dict[str, object]:
        """Threshold names and their defaults."""
        sig = inspect.signature(self.function)
        return {
            p.name: p.default
            for p in sig.parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        }


#: Detectors in the order :func:`landscape.diagnose` runs them.
DETECTORS: dict[str, Detector] = {
    d.name: d
    for d in (
        Detector(
            "divergence",
            detect_divergence,
            ("loss",),
            "NaN/inf or explosive loss",
            ("grad_norm", "lr", "lambda_max"),
        ),
        Detector(
            "oscillation",
            detect_oscillation,
            ("loss",),
            "bouncing without progress",
            ("lr", "lambda_max"),
        ),
        Detector("loss_spikes", detect_loss_spikes, ("loss",), "spikes and catapults"),
        Detector(
            "plateau", detect_plateau, ("loss",), "flat loss: saddle or stuck", ("grad_norm",)
        ),
        Detector(
            "slow_progress",
            detect_slow_progress,
            ("loss",),
            "steady but slow decrease",
            ("lr", "lambda_max"),
        ),
        Detector(
            "generalization_gap",
            detect_generalization_gap,
            ("loss", "val_loss"),
            "validation rising while training falls",
        ),
        Detector(
            "update_ratio",
            detect_update_ratio,
            ("update_norm", "param_norm"),
            "update/parameter ratio outside a sane band",
            ("lr",),
        ),
        Detector("lr_schedule", detect_lr_schedule, ("lr",), "learning rate decayed too early"),
    )
}
