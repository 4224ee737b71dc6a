"""Run every detector on a log and render what they found: text, Markdown, JSON, a plot."""

from __future__ import annotations

import json
import math
import os
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landscape.diagnostics.detectors import DETECTORS
from landscape.diagnostics.findings import SEVERITIES, Finding
from landscape.diagnostics.log import TrainingLog
from landscape.diagnostics.reader import read_log

__all__ = ["JSON_FORMAT", "Report", "diagnose"]

#: Tag written into every JSON report, bumped if the layout changes.
JSON_FORMAT = "landscape.diagnostics/1"

_STATUS = {0: "healthy", 1: "warnings", 2: "critical"}


def _step_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}"
    if isinstance(value, tuple):
        shown = ", ".join(_value_text(v) for v in value[:8])
        return f"[{shown}{', ...' if len(value) > 8 else ''}]"
    return str(value)


def _encode(value: Any) -> Any:
    """JSON-safe: NaN -> null, +-inf -> "inf"/"-inf"; tuples -> lists."""
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    if value is None:
        return math.nan
    if value == "inf":
        return math.inf
    if value == "-inf":
        return -math.inf
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


@dataclass(frozen=True, repr=False)
class Report:
    """What :func:`~landscape.diagnose` found in a training log.

    Attributes
    ----------
    findings : tuple of Finding
        Most severe first, then by step.
    source : str
        Where the log came from.
    rows : int
        Rows in the log.
    first_step, last_step : float
        Step range of the log.
    quantities : tuple of str
        Quantities the log carries.
    columns : dict
        Quantity -> source column.
    notes : tuple of str
        The reader's notes (what was cleaned or assumed).
    checks_run : tuple of str
        Detectors that ran.
    checks_skipped : tuple of (str, str)
        Detectors that did not run, with the reason.
    log : TrainingLog or None
        The log itself (kept for :meth:`~landscape.Report.plot`; not serialized).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> report = ls.diagnose(ls.TrainingLog.from_arrays(loss=np.exp(-np.arange(200) / 40)))
    >>> report
    Report(source='arrays', status='healthy', findings=0)
    >>> report.exit_code
    0
    >>> ls.Report.from_json(report.to_json()).to_json() == report.to_json()
    True
    """

    findings: tuple[Finding, ...]
    source: str
    rows: int
    first_step: float
    last_step: float
    quantities: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    checks_run: tuple[str, ...] = ()
    checks_skipped: tuple[tuple[str, str], ...] = ()
    log: TrainingLog | None = field(default=None, compare=False)

    @property
    def exit_code(self) -> int:
        """0 when healthy, 1 when the worst finding is a warning, 2 when critical."""
        worst = max((f.rank for f in self.findings), default=0)
        return {0: 0, 1: 1, 2: 2}[worst]

    @property
    def status(self) -> str:
        """``"healthy"``, ``"warnings"`` or ``"critical"``."""
        return _STATUS[self.exit_code]

    def counts(self) -> dict[str, int]:
        """Number of findings per severity."""
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    def __repr__(self) -> str:
        return (
            f"Report(source={self.source!r}, status={self.status!r}, findings={len(self.findings)})"
        )

    def _tally(self) -> str:
        c = self.counts()
        parts = [
            f"{c[s]} {s if c[s] == 1 or s == 'info' else s + 's'}"
            for s in reversed(SEVERITIES)
            if c[s]
        ]
        return ", ".join(parts) if parts else "no findings"

    def _span(self) -> str:
        return (
            f"{self.rows} rows, steps {_step_text(self.first_step)}.."
            f"{_step_text(self.last_step)}; logged: {', '.join(self.quantities)}"
        )

    def to_text(self, width: int = 88) -> str:
        """Plain text for a terminal, wrapped at ``width`` columns.

        Examples
        --------
        >>> import landscape as ls
        >>> log = ls.TrainingLog.from_arrays(loss=[1.0, 0.5, float("nan")])
        >>> print(ls.diagnose(log).to_text())
        Training-log diagnostics: arrays
        3 rows, steps 0..2; logged: loss
        Status: CRITICAL (1 critical)
        <BLANKLINE>
        [CRITICAL] divergence, steps 2..2
          The loss became NaN at step 2 and stayed non-finite ...
        """
        wrap = textwrap.TextWrapper(width=width, subsequent_indent="  ", initial_indent="  ")
        out = [
            f"Training-log diagnostics: {self.source}",
            self._span(),
            f"Status: {self.status.upper()} ({self._tally()})",
        ]
        for f in self.findings:
            a, b = _step_text(f.start_step), _step_text(f.end_step)
            out += ["", f"[{f.severity.upper()}] {f.detector}, steps {a}..{b}"]
            out += wrap.wrap(f.summary)
            if f.evidence:
                ev = ", ".join(f"{k}={_value_text(v)}" for k, v in f.evidence.items())
                out += wrap.wrap("Evidence: " + ev)
            if f.cause:
                out += wrap.wrap("Likely cause: " + f.cause)
            if f.fixes:
                out.append("  Try:")
                for i, fix in enumerate(f.fixes, 1):
                    out += textwrap.wrap(
                        f"{i}. {fix}",
                        width=width,
                        initial_indent="    ",
                        subsequent_indent="       ",
                    )
        if self.notes:
            out += ["", "Reader notes:"]
            for note in self.notes:
                out += textwrap.wrap(
                    "- " + note, width=width, initial_indent="  ", subsequent_indent="    "
                )
        out += ["", *textwrap.wrap(self._checks_text(), width=width)]
        return "\n".join(out)

    def _checks_text(self) -> str:
        text = f"Checks run: {', '.join(self.checks_run) or 'none'}."
        if self.checks_skipped:
            text += " Not run: " + "; ".join(f"{n} ({why})" for n, why in self.checks_skipped)
            text += "."
        return text

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown: a summary table, then one section per finding.

        Examples
        --------
        >>> import landscape as ls
        >>> log = ls.TrainingLog.from_arrays(loss=[1.0, 0.5, float("nan")])
        >>> print(ls.diagnose(log).to_markdown().splitlines()[0])
        # Training-log diagnostics: `arrays`
        """

        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        out = [
            f"# Training-log diagnostics: `{self.source}`",
            "",
            f"**Status: {self.status}** ({self._tally()}). {self._span()}.",
            "",
        ]
        if self.findings:
            out += ["| severity | detector | steps | summary |", "|---|---|---|---|"]
            for f in self.findings:
                steps = f"{_step_text(f.start_step)}..{_step_text(f.end_step)}"
                out.append(f"| {f.severity} | {f.detector} | {steps} | {cell(f.summary)} |")
            out.append("")
        for i, f in enumerate(self.findings, 1):
            steps = f"{_step_text(f.start_step)}..{_step_text(f.end_step)}"
            out += [
                f"## {i}. {f.severity.capitalize()}: {f.detector} (steps {steps})",
                "",
                f.summary,
                "",
            ]
            if f.evidence:
                out += ["| evidence | value |", "|---|---|"]
                out += [f"| `{k}` | {cell(_value_text(v))} |" for k, v in f.evidence.items()]
                out.append("")
            if f.cause:
                out += [f"**Likely cause.** {f.cause}", ""]
            if f.fixes:
                out += ["**Try:**", ""]
                out += [f"{j}. {fix}" for j, fix in enumerate(f.fixes, 1)]
                out.append("")
        if self.notes:
            out += ["## Reader notes", ""] + [f"- {cell(n)}" for n in self.notes] + [""]
        out += ["## Checks", "", self._checks_text(), ""]
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form of the report (the log itself is not included)."""
        return {
            "format": JSON_FORMAT,
            "status": self.status,
            "exit_code": self.exit_code,
            "source": self.source,
            "rows": self.rows,
            "first_step": self.first_step,
            "last_step": self.last_step,
            "quantities": list(self.quantities),
            "columns": dict(self.columns),
            "notes": list(self.notes),
            "checks_run": list(self.checks_run),
            "checks_skipped": [{"detector": n, "reason": why} for n, why in self.checks_skipped],
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Strict JSON (no NaN or Infinity tokens: NaN is null, inf is the string "inf").

        :meth:`~landscape.Report.from_json` reads it back.
        """
        return json.dumps(_encode(self.to_dict()), indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Inverse of :meth:`~landscape.Report.to_dict` (also accepts the decoded JSON)."""
        findings = []
        for f in data.get("findings", []):
            f = dict(f)
            f["evidence"] = {k: _decode(v) for k, v in dict(f.get("evidence", {})).items()}
            findings.append(Finding.from_dict(f))
        return cls(
            findings=tuple(findings),
            source=str(data["source"]),
            rows=int(data["rows"]),
            first_step=float(data["first_step"]),
            last_step=float(data["last_step"]),
            quantities=tuple(data.get("quantities", ())),
            columns=dict(data.get("columns", {})),
            notes=tuple(data.get("notes", ())),
            checks_run=tuple(data.get("checks_run", ())),
            checks_skipped=tuple(
                (str(c["detector"]), str(c["reason"])) for c in data.get("checks_skipped", ())
            ),
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        """Read a report written by :meth:`~landscape.Report.to_json`.

        Raises
        ------
        ValueError
            If ``text`` is not a JSON report of this format.
        """
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
            raise ValueError(f"not a {JSON_FORMAT} report.")
        return cls.from_dict(data)

    def plot(self, target: Any = None, *, log: TrainingLog | None = None) -> Any:
        """Draw the log with each finding shaded on the step axis.

        Parameters
        ----------
        target : None, str, path, matplotlib Figure or Axes, optional
            None: return a new Figure. A path: also save the figure there (PNG, SVG or
            PDF by the suffix). A Figure: draw the panels into it. An Axes: draw only
            the loss panel into it.
        log : TrainingLog, optional
            The log to draw; defaults to the one the report was made from (a report read
            from JSON has none).

        Returns
        -------
        figure : matplotlib.figure.Figure
            The figure drawn on.

        Raises
        ------
        ValueError
            If there is no log to draw.

        Examples
        --------
        >>> import numpy as np
        >>> import landscape as ls
        >>> report = ls.diagnose(ls.TrainingLog.from_arrays(loss=np.r_[1.0, 0.5, np.nan]))
        >>> fig = report.plot()
        >>> [ax.get_ylabel() for ax in fig.axes]
        ['loss']
        """
        from landscape.diagnostics._plot import plot_report

        log = log if log is not None else self.log
        if log is None:
            raise ValueError("this report has no log attached (it was read from JSON); pass log=.")
        return plot_report(self, log, target)


def diagnose(
    log: TrainingLog | str | os.PathLike[str],
    *,
    skip: Iterable[str] = (),
    **thresholds: Mapping[str, Any],
) -> Report:
    """Run every applicable detector on a training log.

    Parameters
    ----------
    log : TrainingLog or path
        The run, or a path to read with :func:`landscape.read_log`.
    skip : iterable of str, optional
        Detector names not to run.
    **thresholds : mapping
        Per-detector thresholds by detector name, e.g.
        ``loss_spikes={"z_threshold": 8}``. See each ``detect_*`` function for the
        names, defaults and their reasons.

    Returns
    -------
    report : Report
        Findings (most severe first), the checks run and skipped, and the reader's notes.

    Raises
    ------
    TypeError
        If ``log`` is neither a TrainingLog nor a path, or a threshold group is not a
        mapping.
    ValueError
        If a detector name or threshold name is unknown, or a threshold is out of range.
    LogReadError
        If ``log`` is a path that cannot be read.

    Notes
    -----
    Detectors: ``divergence``, ``oscillation``, ``loss_spikes``, ``plateau``,
    ``slow_progress``, ``generalization_gap`` (needs ``val_loss``), ``update_ratio``
    (needs ``update_norm`` and ``param_norm``) and ``lr_schedule`` (needs ``lr``). A
    detector whose inputs are missing is listed in ``checks_skipped``. Loss spikes that
    begin after the onset of a critical divergence are part of it and are not listed
    separately (a spike *before* the onset is kept: it is the start of the divergence).

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> t = np.arange(300)
    >>> log = ls.TrainingLog.from_arrays(loss=1.0 + 0.3 * (-1.0) ** t, lr=0.5)
    >>> report = ls.diagnose(log)
    >>> report.status, [f.detector for f in report.findings]
    ('warnings', ['oscillation'])
    """
    if isinstance(log, (str, os.PathLike)):
        log = read_log(Path(log))
    if not isinstance(log, TrainingLog):
        raise TypeError(f"`log` must be a TrainingLog or a path, got {type(log).__name__}.")
    skip = set(skip)
    unknown = (skip | set(thresholds)) - set(DETECTORS)
    if unknown:
        raise ValueError(
            f"unknown detector {sorted(unknown)[0]!r}; detectors are {', '.join(DETECTORS)}."
        )
    for name, params in thresholds.items():
        if not isinstance(params, Mapping):
            raise TypeError(
                f"thresholds for {name!r} must be a mapping of parameter -> value, "
                f"got {type(params).__name__}."
            )
        allowed = DETECTORS[name].parameters()
        bad = set(params) - set(allowed)
        if bad:
            raise ValueError(
                f"{name!r} has no threshold {sorted(bad)[0]!r}; its thresholds are "
                f"{', '.join(allowed)}."
            )
    findings: list[Finding] = []
    run, skipped = [], []
    for name, det in DETECTORS.items():
        if name in skip:
            skipped.append((name, "skipped on request"))
            continue
        missing = det.missing(log)
        if missing:
            skipped.append((name, f"needs {' and '.join(missing)}"))
            continue
        findings.extend(det.function(log, **dict(thresholds.get(name, {}))))
        run.append(name)
    # Spikes after the onset of a critical divergence are part of it, not news.
    onsets = [f.start_step for f in findings if f.detector == "divergence" and f.rank == 2]
    if onsets:
        findings = [
            f for f in findings if not (f.detector == "loss_spikes" and f.start_step > min(onsets))
        ]
    findings.sort(key=lambda f: (-f.rank, f.start_step, f.detector))
    return Report(
        findings=tuple(findings),
        source=log.source,
        rows=len(log),
        first_step=float(log.step[0]),
        last_step=float(log.step[-1]),
        quantities=log.quantities,
        columns=dict(log.columns),
        notes=log.notes,
        checks_run=tuple(run),
        checks_skipped=tuple(skipped),
        log=log,
    )
