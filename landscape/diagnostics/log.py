"""The training-log record every detector reads: aligned arrays per quantity.

A :class:`~landscape.TrainingLog` holds one row per logged step. Each quantity is a float64 array
aligned with ``step``, NaN where that quantity was not logged. The loss also carries
``loss_logged``: a NaN or inf *recorded* as the loss is data (the run diverged), while a
loss that was simply not logged on a row (an evaluation-only row, say) is missing. The
reader (:func:`landscape.read_log`) and :meth:`~landscape.TrainingLog.from_arrays` build the record
through the same assembly step, so a log read from disk and one built in memory follow
the same rules for duplicated and out-of-order steps.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from landscape._validation import as_series

__all__ = ["QUANTITIES", "LogReadError", "TrainingLog"]

#: The quantities a log may carry, in display order. ``loss`` is required.
QUANTITIES = (
    "loss",
    "val_loss",
    "grad_norm",
    "update_norm",
    "param_norm",
    "lr",
    "lambda_max",
)


class LogReadError(ValueError):
    """A training log could not be read; the message says why and how to fix it.

    Examples
    --------
    >>> import io
    >>> import landscape as ls
    >>> try:
    ...     ls.read_log(io.BytesIO(b""))
    ... except ls.LogReadError as err:
    ...     print(err)
    <stream> is empty: there is nothing to diagnose.
    """


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _fmt_step(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True, repr=False, eq=False)
class TrainingLog:
    """A training run's logged quantities on a shared, strictly increasing step axis.

    Build one with :func:`landscape.read_log` (CSV, JSON lines, a TensorBoard scalar
    export) or :meth:`~landscape.TrainingLog.from_arrays`. Arrays are read-only. Two logs
    are equal only if they are the same object (compare the arrays to compare contents).

    Attributes
    ----------
    step : numpy.ndarray, shape (n,)
        Strictly increasing step of each row (the row number when the log had none).
    loss, val_loss, grad_norm, update_norm, param_norm, lr, lambda_max : numpy.ndarray
        Each of shape ``(n,)``, NaN where the quantity was not logged. ``loss`` keeps
        NaN and inf values the run recorded.
    loss_logged : numpy.ndarray of bool, shape (n,)
        True on rows where a loss value (finite or not) was logged.
    source : str
        Where the log came from (a path, ``"<stream>"`` or ``"arrays"``).
    columns : dict
        Quantity name -> the column it was read from (``"step"`` included when found).
    notes : tuple of str
        What the reader cleaned or assumed: non-numeric cells, duplicated steps,
        restarts, encoding fallbacks. Nothing is dropped without a note here.

    Examples
    --------
    >>> import numpy as np
    >>> import landscape as ls
    >>> log = ls.TrainingLog.from_arrays(loss=[1.0, 0.5, np.nan], lr=0.1)
    >>> log
    TrainingLog(source='arrays', rows=3, steps=0..2, quantities=['loss', 'lr'])
    >>> log.loss_logged.tolist(), log.lr.tolist()
    ([True, True, True], [0.1, 0.1, 0.1])
    """

    step: np.ndarray
    loss: np.ndarray
    val_loss: np.ndarray
    grad_norm: np.ndarray
    update_norm: np.ndarray
    param_norm: np.ndarray
    lr: np.ndarray
    lambda_max: np.ndarray
    loss_logged: np.ndarray
    source: str = "arrays"
    columns: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.step.size)

    @property
    def quantities(self) -> tuple[str, ...]:
        """Names of the quantities with at least one logged value, in display order."""
        out = []
        for name in QUANTITIES:
            if name == "loss":
                present = bool(self.loss_logged.any())
            else:
                present = bool(np.isfinite(getattr(self, name)).any())
            if present:
                out.append(name)
        return tuple(out)

    def has(self, name: str) -> bool:
        """Whether quantity ``name`` has at least one finite value."""
        if name not in QUANTITIES:
            allowed = ", ".join(QUANTITIES)
            raise ValueError(f"`name` must be one of {allowed}; got {name!r}.")
        return bool(np.isfinite(getattr(self, name)).any())

    def series(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(steps, values)`` of quantity ``name`` where it is finite.

        Parameters
        ----------
        name : str
            One of ``landscape.diagnostics.QUANTITIES``.

        Returns
        -------
        steps : numpy.ndarray, shape (m,)
            Steps at which the quantity is finite.
        values : numpy.ndarray, shape (m,)
            The finite values (copies).

        Raises
        ------
        ValueError
            If ``name`` is not a known quantity.

        Examples
        --------
        >>> import landscape as ls
        >>> log = ls.TrainingLog.from_arrays(loss=[3.0, float("nan"), 1.0])
        >>> [a.tolist() for a in log.series("loss")]
        [[0.0, 2.0], [3.0, 1.0]]
        """
        if name not in QUANTITIES:
            allowed = ", ".join(QUANTITIES)
            raise ValueError(f"`name` must be one of {allowed}; got {name!r}.")
        values = getattr(self, name)
        keep = np.isfinite(values)
        return self.step[keep].copy(), values[keep].copy()

    def to_csv(self, path: str | Path) -> Path:
        """Write the log as CSV (``step`` and every logged quantity) and return the path.

        Missing values are empty cells; a recorded non-finite loss is written as ``nan``
        or ``inf``, so :func:`landscape.read_log` reads back the same record.

        Parameters
        ----------
        path : str or pathlib.Path
            Destination file.

        Returns
        -------
        path : pathlib.Path
            The file written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> import landscape as ls
        >>> log = ls.TrainingLog.from_arrays(loss=[2.0, float("inf")], step=[10, 20])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     out = log.to_csv(pathlib.Path(tmp) / "run.csv")
        ...     print(out.read_text())
        step,loss
        10,2.0
        20,inf
        <BLANKLINE>
        """
        path = Path(path)
        names = self.quantities or ("loss",)
        cols = [self.step] + [getattr(self, q) for q in names]
        logged = self.loss_logged
        lines = ["step," + ",".join(names)]
        for i in range(len(self)):
            cells = [_fmt_step(self.step[i])]
            for q, col in zip(names, cols[1:], strict=True):
                v = float(col[i])
                if q == "loss":
                    cells.append(repr(v) if logged[i] else "")
                else:
                    cells.append("" if math.isnan(v) else repr(v))
            lines.append(",".join(cells))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def __repr__(self) -> str:
        if len(self):
            span = f"{_fmt_step(self.step[0])}..{_fmt_step(self.step[-1])}"
        else:  # pragma: no cover - assembly never produces an empty log
            span = "none"
        notes = f", notes={len(self.notes)}" if self.notes else ""
        return (
            f"TrainingLog(source={self.source!r}, rows={len(self)}, steps={span}, "
            f"quantities={list(self.quantities)}{notes})"
        )

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Any],
        *,
        mapping: Mapping[str, str | None] | None = None,
        source: str = "columns",
    ) -> TrainingLog:
        """Build a log from named columns, matching names as :func:`landscape.read_log` does.

        The bridge from anything that holds a run as named arrays: a dict, the columns of
        a :class:`landscape.Trajectory` (``trajectory.as_columns()``), a pandas DataFrame.

        Parameters
        ----------
        columns : mapping of str to array_like
            Column name -> values, each of the same length ``n``.
        mapping : mapping, optional
            Explicit ``quantity -> column name`` (None ignores a quantity), as in
            :func:`landscape.read_log`.
        source : str, optional
            Label shown in reports.

        Returns
        -------
        log : TrainingLog
            The assembled record; ``notes`` lists unused columns.

        Raises
        ------
        LogReadError
            If no column is the loss (the message lists the names and the accepted
            spellings) or ``mapping`` names a missing column.
        TypeError
            If ``columns`` is not a mapping or a used column is not numeric.
        ValueError
            If the used columns differ in length (or as in
            :meth:`~landscape.TrainingLog.from_arrays`).

        Examples
        --------
        >>> import landscape as ls
        >>> cols = {"global_step": [0, 10, 20], "train/loss": [2.0, 1.0, 0.5],
        ...         "learning_rate": [0.1, 0.1, 0.1], "accuracy": [0.1, 0.5, 0.9]}
        >>> log = ls.TrainingLog.from_columns(cols)
        >>> log.columns
        {'step': 'global_step', 'loss': 'train/loss', 'lr': 'learning_rate'}
        >>> log.notes
        ("columns not used: 'accuracy'.",)
        """
        from landscape.diagnostics._columns import match_columns
        from landscape.diagnostics.reader import _check_columns

        if not (hasattr(columns, "keys") and hasattr(columns, "__getitem__")):
            raise TypeError(
                "`columns` must be a mapping of column name -> values, "
                f"got {type(columns).__name__}."
            )
        explicit = _check_columns(mapping)
        names = [str(k) for k in columns.keys()]
        found, notes = match_columns(names, explicit, source)
        arrays = {q: np.asarray(columns[name]) for q, name in found.items()}
        loss = as_series(arrays.pop("loss"), found["loss"])
        lengths = {q: np.shape(a) for q, a in arrays.items()}
        for q, shape in lengths.items():
            if shape != loss.shape:
                raise ValueError(
                    f"column {found[q]!r} ({q}) has shape {shape}, but the loss column "
                    f"{found['loss']!r} has shape {loss.shape}."
                )
        step = arrays.pop("step", None)
        log = cls.from_arrays(loss=loss, step=step, source=source, **arrays)
        return replace(log, columns=found, notes=tuple(notes) + log.notes)

    @classmethod
    def from_arrays(
        cls,
        loss: Any,
        *,
        step: Any = None,
        val_loss: Any = None,
        grad_norm: Any = None,
        update_norm: Any = None,
        param_norm: Any = None,
        lr: Any = None,
        lambda_max: Any = None,
        loss_logged: Any = None,
        source: str = "arrays",
    ) -> TrainingLog:
        """Build a log from arrays, e.g. a run recorded in memory.

        Parameters
        ----------
        loss : array_like, shape (n,)
            Training loss per row. NaN and inf are kept: they record a divergence.
        step : array_like, shape (n,), optional
            Step of each row; defaults to ``0, 1, ..., n - 1``. Rows need not be sorted:
            they are ordered by step and, for a step given twice, the later row's values
            win (as for a resumed run); both are reported in ``notes``.
        val_loss, grad_norm, update_norm, param_norm, lr, lambda_max : array_like or float, optional
            Further quantities, shape ``(n,)`` with NaN where missing, or a scalar for a
            constant (a fixed learning rate, say).
        loss_logged : array_like of bool, shape (n,), optional
            Rows that carry a loss; defaults to all rows. Rows where it is False treat
            ``loss`` as missing rather than as a recorded NaN.
        source : str, optional
            Label shown in reports.

        Returns
        -------
        log : TrainingLog
            The assembled record.

        Raises
        ------
        TypeError
            If an array is not numeric.
        ValueError
            If ``loss`` is empty or not 1-D, or another array's length differs from it.

        Examples
        --------
        >>> import landscape as ls
        >>> log = ls.TrainingLog.from_arrays(loss=[1.0, 0.9, 0.8], step=[0, 2, 1])
        >>> log.step.tolist(), log.loss.tolist()
        ([0.0, 1.0, 2.0], [1.0, 0.8, 0.9])
        >>> log.notes[0]
        'the step went backwards 1 time (2 -> 1 at row 3): ...'
        """
        loss_arr = as_series(loss, "loss")
        n = loss_arr.size
        data: dict[str, np.ndarray] = {"loss": loss_arr}
        given = {
            "val_loss": val_loss,
            "grad_norm": grad_norm,
            "update_norm": update_norm,
            "param_norm": param_norm,
            "lr": lr,
        }
        given["lambda_max"] = lambda_max
        for name, value in given.items():
            if value is None:
                continue
            if np.ndim(value) == 0 and not isinstance(value, (str, bytes)):
                value = np.full(n, value)
            data[name] = as_series(value, name, n)
        steps = np.arange(n, dtype=float) if step is None else as_series(step, "step", n)
        if loss_logged is None:
            logged = np.ones(n, dtype=bool)
        else:
            logged = np.asarray(loss_logged)
            if logged.dtype != bool:
                raise TypeError(
                    f"`loss_logged` must be an array of booleans, got dtype {logged.dtype}."
                )
            if logged.shape != (n,):
                raise ValueError(f"`loss_logged` must have shape ({n},), got shape {logged.shape}.")
            logged = logged.copy()
        return assemble(steps, data, logged, source=str(source), columns={}, notes=[], line=None)


def assemble(
    step: np.ndarray,
    data: Mapping[str, np.ndarray],
    loss_logged: np.ndarray,
    *,
    source: str,
    columns: dict[str, str],
    notes: list[str],
    line: np.ndarray | None,
    what: str = "row",
) -> TrainingLog:
    """Order rows by step, merge rows that share a step, and freeze the record.

    Rows without a finite step are left out with a note. A step that goes backwards is
    reported as a restart. Rows sharing a step are merged quantity by quantity; where both
    carry a value the one logged last wins, so a run resumed from a checkpoint keeps its
    final trajectory. The arrays passed in are the caller's private buffers: a log that is
    already clean (finite, strictly increasing steps, the usual case) is frozen without a
    copy, which keeps the reader's peak memory near the size of the data.
    """
    n = loss_logged.size
    data = dict(data)
    if not loss_logged.all():
        loss = data["loss"]
        if loss.flags.writeable:
            loss[~loss_logged] = np.nan
        else:  # pragma: no cover - every caller passes writeable buffers
            data["loss"] = np.where(loss_logged, loss, np.nan)
    keep = np.isfinite(step)
    if not (keep & loss_logged).any():
        raise LogReadError(
            f"{source} has no {what} with both a step and a loss value; there is nothing "
            "to diagnose."
        )
    if keep.all() and bool(np.all(step[1:] > step[:-1])):
        return _freeze(step, data, loss_logged, source, columns, notes)
    rownum = np.arange(1, n + 1) if line is None else np.asarray(line)

    def where(idx: np.ndarray, k: int = 3) -> str:
        shown = ", ".join(str(int(rownum[i])) for i in idx[:k])
        more = f" and {idx.size - k} more" if idx.size > k else ""
        label = what + ("s" if idx.size > 1 else "")
        return f"{label} {shown}{more}"

    if not keep.all():
        bad = np.flatnonzero(~keep)
        notes.append(
            f"{_count(bad.size, what)} without a usable step value "
            f"{'was' if bad.size == 1 else 'were'} left out ({where(bad)})."
        )
    present = {q: (loss_logged if q == "loss" else ~np.isnan(a)) for q, a in data.items()}
    idx_keep = np.flatnonzero(keep)
    step = step[idx_keep]
    rownum = rownum[idx_keep]
    data = {q: a[idx_keep] for q, a in data.items()}
    present = {q: m[idx_keep] for q, m in present.items()}
    n = step.size

    back = np.flatnonzero(np.diff(step) < 0)
    if back.size:
        i = back[0]
        notes.append(
            f"the step went backwards {_count(back.size, 'time')} "
            f"({_fmt_step(step[i])} -> {_fmt_step(step[i + 1])} at {what} "
            f"{int(rownum[i + 1])}): a resumed or restarted run? Rows are ordered by "
            "step; where a step was logged more than once, the value logged last is kept."
        )
    order = np.argsort(step, kind="stable")
    s = step[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    merged: dict[str, np.ndarray] = {}
    logged_out = present["loss"][order]
    if starts.size == n:
        merged = {q: a[order] for q, a in data.items()}
    else:
        positions = np.arange(n)
        conflicts = 0
        conflict_steps = 0
        clash = np.zeros(starts.size, dtype=bool)
        for q, a in data.items():
            m = present[q][order]
            pos = np.where(m, positions, -1)
            last = np.maximum.reduceat(pos, starts)
            count = np.add.reduceat(m.astype(np.int64), starts)
            conflicts += int(np.maximum(count - 1, 0).sum())
            clash |= count > 1
            vals = a[order][np.maximum(last, 0)]
            merged[q] = np.where(last >= 0, vals, np.nan)
            if q == "loss":
                logged_out = last >= 0
        conflict_steps = int(clash.sum())
        merged_rows = n - starts.size
        if conflicts:
            notes.append(
                f"{conflict_steps} step{'s were' if conflict_steps > 1 else ' was'} "
                f"logged more than once with values for the same quantity; the value "
                f"logged last was kept ({conflicts} earlier value"
                f"{'s' if conflicts > 1 else ''} replaced)."
            )
        else:
            notes.append(
                f"{_count(merged_rows, what)} shared a step with an earlier one and "
                f"{'was' if merged_rows == 1 else 'were'} merged into it (e.g. training "
                "and evaluation rows)."
            )
        s = s[starts]
    return _freeze(s, merged, logged_out, source, columns, notes)


def _freeze(
    step: np.ndarray,
    data: Mapping[str, np.ndarray],
    loss_logged: np.ndarray,
    source: str,
    columns: dict[str, str],
    notes: list[str],
) -> TrainingLog:
    full = {}
    for q in QUANTITIES:
        arr = data.get(q)
        if arr is None:
            arr = np.full(step.size, np.nan)
        arr = np.ascontiguousarray(arr, dtype=float)
        arr.setflags(write=False)
        full[q] = arr
    step = np.ascontiguousarray(step, dtype=float)
    step.setflags(write=False)
    loss_logged = np.ascontiguousarray(loss_logged, dtype=bool)
    loss_logged.setflags(write=False)
    return TrainingLog(
        step=step,
        loss_logged=loss_logged,
        source=source,
        columns=dict(columns),
        notes=tuple(notes),
        **full,
    )
