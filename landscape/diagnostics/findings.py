"""The record a detector returns: what it saw, where, the numbers, the cause, the fixes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SEVERITIES", "Finding"]

#: Severities in increasing order of urgency.
SEVERITIES = ("info", "warning", "critical")


def _clean(value: Any) -> Any:
    """Evidence values as plain Python: float/int/str/bool, or tuples of those."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return _clean(value.item())
    if isinstance(value, Sequence) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else value
        return tuple(_clean(v) for v in items)
    raise TypeError(f"evidence values must be numbers, strings or sequences, got {value!r}")


@dataclass(frozen=True, repr=False)
class Finding:
    """One thing a detector found in a training log.

    Attributes
    ----------
    detector : str
        Name of the detector that produced it (e.g. ``"divergence"``).
    severity : {"info", "warning", "critical"}
        ``critical``: the run is broken (diverged). ``warning``: the run is wasting steps
        or heading for trouble; act on it. ``info``: worth knowing, no action needed.
    summary : str
        One sentence with the key numbers.
    start_step, end_step : float
        Step range the finding covers (equal for a single step).
    evidence : dict
        The numbers that triggered it, by name (floats, ints, strings or tuples).
    cause : str
        The likely landscape cause.
    fixes : tuple of str
        What to try, most promising first.

    Examples
    --------
    >>> import landscape as ls
    >>> f = ls.Finding("plateau", "warning", "Loss flat at 0.69.", 100, 400,
    ...                {"level": 0.69}, "A saddle.", ("Raise the learning rate.",))
    >>> f
    Finding(warning, plateau, steps 100..400: Loss flat at 0.69.)
    >>> f.to_dict()["evidence"]
    {'level': 0.69}
    """

    detector: str
    severity: str
    summary: str
    start_step: float
    end_step: float
    evidence: dict[str, Any] = field(default_factory=dict)
    cause: str = ""
    fixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            allowed = ", ".join(repr(s) for s in SEVERITIES)
            raise ValueError(f"`severity` must be one of {allowed}; got {self.severity!r}.")
        object.__setattr__(self, "start_step", float(self.start_step))
        object.__setattr__(self, "end_step", float(self.end_step))
        object.__setattr__(
            self, "evidence", {str(k): _clean(v) for k, v in dict(self.evidence).items()}
        )
        object.__setattr__(self, "fixes", tuple(str(f) for f in self.fixes))

    @property
    def rank(self) -> int:
        """Index of the severity in ``landscape.diagnostics.SEVERITIES`` (higher is more urgent)."""
        return SEVERITIES.index(self.severity)

    @property
    def steps(self) -> str:
        """The step range as text, e.g. ``"steps 100..400"`` or ``"step 7"``."""
        a, b = _step_text(self.start_step), _step_text(self.end_step)
        return f"step {a}" if a == b else f"steps {a}..{b}"

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form (tuples as lists; non-finite floats kept as floats)."""
        return {
            "detector": self.detector,
            "severity": self.severity,
            "summary": self.summary,
            "start_step": self.start_step,
            "end_step": self.end_step,
            "evidence": {
                k: list(v) if isinstance(v, tuple) else v for k, v in self.evidence.items()
            },
            "cause": self.cause,
            "fixes": list(self.fixes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Inverse of :meth:`~landscape.Finding.to_dict`."""
        return cls(
            detector=str(data["detector"]),
            severity=str(data["severity"]),
            summary=str(data["summary"]),
            start_step=float(data["start_step"]),
            end_step=float(data["end_step"]),
            evidence=dict(data.get("evidence", {})),
            cause=str(data.get("cause", "")),
            fixes=tuple(data.get("fixes", ())),
        )

    def __repr__(self) -> str:
        return f"Finding({self.severity}, {self.detector}, {self.steps}: {self.summary})"


def _step_text(value: float) -> str:
    if math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return f"{value:g}"
