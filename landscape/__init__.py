"""Landscape: tools for studying the optimization landscapes of neural networks.

Every analysis works on an *objective* over a flat float64 parameter vector ``theta``
(see :class:`landscape.Objective`). ``import landscape as ls`` reaches every public name.
"""

from landscape.diagnostics import (
    Finding,
    LogReadError,
    Report,
    TrainingLog,
    detect_divergence,
    detect_generalization_gap,
    detect_loss_spikes,
    detect_lr_schedule,
    detect_oscillation,
    detect_plateau,
    detect_slow_progress,
    detect_update_ratio,
    diagnose,
    read_log,
)
from landscape.objective import (
    DerivativeCheck,
    Objective,
    check_grad,
    check_hvp,
    from_function,
)

__version__ = "0.1.0"

__all__ = [
    "DerivativeCheck",
    "Finding",
    "LogReadError",
    "Objective",
    "Report",
    "TrainingLog",
    "check_grad",
    "check_hvp",
    "detect_divergence",
    "detect_generalization_gap",
    "detect_loss_spikes",
    "detect_lr_schedule",
    "detect_oscillation",
    "detect_plateau",
    "detect_slow_progress",
    "detect_update_ratio",
    "diagnose",
    "from_function",
    "read_log",
]
