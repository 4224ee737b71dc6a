"""Draw a training log with the report's findings shaded on the shared step axis."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from landscape.diagnostics.log import TrainingLog
    from landscape.diagnostics.report import Report

COLORS = {"critical": "#d62728", "warning": "#ff7f0e", "info": "#1f77b4"}


def _log_scale_ok(*arrays: np.ndarray) -> bool:
    vals = np.concatenate([np.ravel(a)[np.isfinite(np.ravel(a))] for a in arrays])
    return vals.size > 0 and bool(np.all(vals > 0)) and vals.max() / vals.min() > 20


def _panels(log: TrainingLog) -> list[str]:
    panels = ["loss"]
    if log.has("grad_norm"):
        panels.append("grad_norm")
    if log.has("lr"):
        panels.append("lr")
    if log.has("update_norm") and log.has("param_norm"):
        panels.append("update_ratio")
    if log.has("lambda_max"):
        panels.append("lambda_max")
    return panels


def _draw_panel(ax: Any, log: TrainingLog, panel: str) -> None:
    step = log.step
    if panel == "loss":
        keep = np.isfinite(log.loss)
        ax.plot(step[keep], log.loss[keep], color="0.15", lw=0.9, label="loss")
        series = [log.loss]
        if log.has("val_loss"):
            vk = np.isfinite(log.val_loss)
            ax.plot(
                step[vk],
                log.val_loss[vk],
                color="#2ca02c",
                lw=1.4,
                marker="o",
                ms=3,
                label="val_loss",
            )
            series.append(log.val_loss)
        bad = log.loss_logged & ~np.isfinite(log.loss)
        if bad.any():
            ax.plot(
                step[bad],
                np.full(bad.sum(), 0.985),
                "x",
                color=COLORS["critical"],
                ms=5,
                transform=ax.get_xaxis_transform(),
                label="NaN/inf loss",
            )
        if _log_scale_ok(*series):
            ax.set_yscale("log")
        ax.set_ylabel("loss")
        if len(series) > 1 or bad.any():
            ax.legend(loc="upper right", fontsize=8, frameon=False)
        return
    others: list[np.ndarray] = []
    if panel == "update_ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            y = log.update_norm / log.param_norm
        ax.axhspan(1e-4, 1e-2, color="0.92", zorder=0, label="sane band")
        ax.set_ylabel("update / param")
        others.append(np.array([1e-4, 1e-2]))
    elif panel == "lambda_max":
        y = log.lambda_max
        if log.has("lr"):
            with np.errstate(divide="ignore"):
                limit = 2.0 / log.lr
            lk = np.isfinite(limit)
            ax.plot(step[lk], limit[lk], color="0.5", ls="--", lw=1.0, label="2 / lr")
            ax.legend(loc="upper right", fontsize=8, frameon=False)
            others.append(limit)
        ax.set_ylabel("lambda_max")
    else:
        y = getattr(log, panel)
        ax.set_ylabel(panel)
    keep = np.isfinite(y)
    ax.plot(step[keep], y[keep], color="0.15", lw=0.9)
    # The update ratio's band spans two decades, so that panel is logarithmic whenever the
    # ratio is positive; 2 / lr usually spans decades too (a warmup starts near zero).
    if _log_scale_ok(y, *others):
        ax.set_yscale("log")


def _shade(ax: Any, report: Report, log: TrainingLog, label: bool) -> None:
    span = float(log.step[-1] - log.step[0]) or 1.0
    row_ends: list[float] = []  # where the last label in each row ends (data units)
    for f in sorted(report.findings, key=lambda f: f.start_step):
        color = COLORS[f.severity]
        if f.end_step > f.start_step:
            ax.axvspan(f.start_step, f.end_step, color=color, alpha=0.15, lw=0)
        else:
            ax.axvline(f.start_step, color=color, alpha=0.6, lw=1.2)
        if not label:
            continue
        # Labels of nearby findings go in successive rows, so they never overlap.
        width = 0.012 * span * (len(f.detector) + 1)
        row = next((i for i, end in enumerate(row_ends) if f.start_step > end), len(row_ends))
        if row == len(row_ends):
            row_ends.append(0.0)
        row_ends[row] = f.start_step + width
        ax.text(
            f.start_step,
            0.93 - 0.09 * row,
            f" {f.detector}",
            transform=ax.get_xaxis_transform(),
            color=color,
            fontsize=8,
            va="top",
            ha="left",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5},
        )


def plot_report(report: Report, log: TrainingLog, target: Any = None) -> Any:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    if isinstance(target, Axes):
        _draw_panel(target, log, "loss")
        _shade(target, report, log, label=True)
        target.set_xlabel("step")
        return target.figure
    panels = _panels(log)
    if isinstance(target, Figure):
        fig = target
    else:
        fig = Figure(figsize=(9, 1.0 + 2.1 * len(panels)), facecolor="white")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for i, (ax, panel) in enumerate(zip(axes, panels, strict=True)):
        _draw_panel(ax, log, panel)
        _shade(ax, report, log, label=i == 0)
        ax.grid(True, color="0.92", lw=0.6)
    axes[-1].set_xlabel("step")
    present = [
        s for s in ("critical", "warning", "info") if any(f.severity == s for f in report.findings)
    ]
    if present:
        fig.legend(
            handles=[Patch(color=COLORS[s], alpha=0.3, label=s) for s in present],
            loc="lower right",
            ncols=len(present),
            fontsize=8,
            frameon=False,
        )
    fig.suptitle(f"{Path(report.source).name}: {report.status}", fontsize=10)
    fig.tight_layout()
    if isinstance(target, (str, os.PathLike)):
        fig.savefig(target, dpi=120, facecolor="white")
    return fig
