"""Read a training log from CSV, TSV, JSON lines or JSON into a :class:`~landscape.TrainingLog`.

The reader streams: it keeps only the columns it recognises (as compact ``array``
buffers), never the text. It uses the standard library's ``csv`` and ``json`` and NumPy;
pandas is not needed. It does not guess silently: every cell it could not read, every
row it left out and every assumption it made (encoding, duplicated steps, restarts) is
listed in ``TrainingLog.notes``; input it cannot read at all raises
:class:`~landscape.LogReadError` with a message saying why and what to do.
"""

from __future__ import annotations

import io
import json
import os
import zlib
from collections.abc import Callable, Mapping
from typing import IO

import numpy as np

from landscape.diagnostics._cells import _Parsed
from landscape.diagnostics._columns import (
    STEP_SPELLINGS,
    normalize,
)
from landscape.diagnostics._csv import _parse_csv
from landscape.diagnostics._json import _json_document, _json_lines, _parse_records
from landscape.diagnostics._source import _SNIFF_BYTES, _opener, _read_head, _sniff_encoding
from landscape.diagnostics.log import QUANTITIES, LogReadError, TrainingLog, assemble

__all__ = ["FORMATS", "read_log"]

#: Values accepted by ``read_log(..., format=...)``.
FORMATS = ("csv", "tsv", "jsonl", "json")

_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}


def read_log(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    *,
    columns: Mapping[str, str | None] | None = None,
    format: str | None = None,
) -> TrainingLog:
    """Read a training log from a file or a file object.

    Parameters
    ----------
    source : str, path or file object
        A CSV/TSV file with a header row, a JSON-lines file (one object per line, nested
        objects flattened with ``/``), a JSON file holding a list of such objects (or an
        object with a ``log_history`` list, as in a Hugging Face ``trainer_state.json``),
        or a TensorBoard scalar export (``Wall time,Step,Value``). ``.gz`` files are
        decompressed on the fly. Paths are streamed; file objects are read into memory.
    columns : mapping, optional
        Explicit ``quantity -> column name`` (``"step"`` and any of
        ``landscape.diagnostics.QUANTITIES``); a value of None ignores that quantity.
        Columns not given are matched by their common spellings.
    format : {"csv", "tsv", "jsonl", "json"}, optional
        Force a format instead of deciding from the file name and content.

    Returns
    -------
    log : TrainingLog
        The rows ordered by step, with notes on everything cleaned or assumed.

    Raises
    ------
    LogReadError
        If the file cannot be opened, is empty, is not text, has no loss column (the
        message lists the columns found and the accepted spellings), has no numeric
        loss value, or ``columns`` names a column the file lacks.
    ValueError
        If ``columns`` has an unknown quantity or ``format`` an unknown value
        (``LogReadError`` is a ``ValueError``).

    Notes
    -----
    Rules, so that nothing is lost silently:

    * An empty cell is a missing value. A cell that is not a number is also treated as
      missing, and counted in the notes with examples. ``nan`` and ``inf`` are numbers: a
      non-finite loss is a divergence, kept as data.
    * Rows sharing a step are merged; where two carry the same quantity, the one logged
      last wins (a run resumed from a checkpoint keeps its final trajectory). A step that
      goes backwards is reported as a restart.
    * Rows without a step value, and rows with no value of any quantity, are left out and
      counted. Malformed lines (invalid JSON, broken CSV quoting) are skipped and counted;
      a truncated last line is reported as an interrupted write.
    * Text is decoded as UTF-8 (a byte-order mark is honoured, UTF-16 is recognised);
      if that fails the file is read as Latin-1 with a note. Bytes that are not text
      raise an error.

    Examples
    --------
    >>> import io
    >>> import landscape as ls
    >>> text = b"global_step,train/loss,eval/loss\\n0,2.3,\\n1,1.9,2.0\\n2,oops,\\n"
    >>> log = ls.read_log(io.BytesIO(text))
    >>> log.columns
    {'step': 'global_step', 'loss': 'train/loss', 'val_loss': 'eval/loss'}
    >>> log.loss.tolist()
    [2.3, 1.9, nan]
    >>> print(log.notes[0])
    loss ('train/loss'): 1 non-numeric cell treated as missing (line 4: 'oops').
    """
    explicit = _check_columns(columns)
    if format is not None and format not in FORMATS:
        allowed = ", ".join(repr(f) for f in FORMATS)
        raise ValueError(f"`format` must be one of {allowed} or None; got {format!r}.")
    opener, label, suffix = _opener(source)
    if format is None:
        format = _SUFFIXES.get(suffix)
    head = _read_head(opener, label)
    encoding, enc_notes = _sniff_encoding(head, label)
    try:
        return _read_text(opener, encoding, label, format, explicit, enc_notes)
    except UnicodeDecodeError:
        notes = [
            f"{label} is not valid UTF-8; it was read as Latin-1 "
            "(non-ASCII characters in names may look wrong)."
        ]
        return _read_text(opener, "latin-1", label, format, explicit, notes)


def _check_columns(columns: Mapping[str, str | None] | None) -> dict[str, str | None]:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise TypeError(
            "`columns` must be a mapping from quantity to column name, "
            f"got {type(columns).__name__}."
        )
    allowed = (*QUANTITIES, "step")
    out: dict[str, str | None] = {}
    for key, value in columns.items():
        if key not in allowed:
            raise ValueError(
                f"`columns` has an unknown quantity {key!r}; use one of {', '.join(allowed)}."
            )
        if value is not None and not isinstance(value, str):
            raise TypeError(
                f"`columns[{key!r}]` must be a column name (str) or None, "
                f"got {type(value).__name__}."
            )
        if key == "loss" and value is None:
            raise ValueError("`columns['loss']` cannot be None: the loss is required.")
        out[key] = value
    return out


def _read_text(
    opener: Callable[[], IO[bytes]],
    encoding: str,
    label: str,
    format: str | None,
    explicit: dict[str, str | None],
    notes: list[str],
) -> TrainingLog:
    notes = list(notes)
    try:
        with opener() as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as text:
            if format is None or format == "json":
                format = _sniff_format(text, format)
                text.seek(0)
            if format in ("csv", "tsv"):
                parsed = _parse_csv(text, format, explicit, label, notes)
            elif format == "jsonl":
                parsed = _parse_records(_json_lines(text), explicit, label, notes)
            else:
                records = _json_document(text, label)
                parsed = _parse_records(records, explicit, label, notes, unit="record")
    except UnicodeDecodeError:
        if encoding in ("utf-8-sig", "utf-8"):
            raise
        raise LogReadError(f"{label} could not be decoded as {encoding}.") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise LogReadError(f"cannot read {label}: {exc}.") from exc
    return _finish(parsed, explicit, label, notes)


def _sniff_format(text: io.TextIOWrapper, hint: str | None) -> str:
    head = text.read(_SNIFF_BYTES)
    stripped = head.lstrip()
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        first = stripped.split("\n", 1)[0].strip()
        try:
            obj = json.loads(first)
        except ValueError:
            obj = None
        return "jsonl" if isinstance(obj, dict) else "json"
    if hint == "json":
        return "json"
    return "csv"


def _finish(
    parsed: _Parsed, explicit: dict[str, str | None], label: str, notes: list[str]
) -> TrainingLog:
    mapping = parsed.mapping
    dense = parsed.dense
    assert dense is not None
    for q, col in mapping.items():
        bad = parsed.bad.get(col)
        if bad:
            count, examples = bad
            noun = "cell" if count == 1 else "cells"
            notes.insert(
                0,
                f"{q} ({col!r}): {count} non-numeric {noun} treated as missing "
                f"({', '.join(examples)}).",
            )
    n = parsed.nrows
    if n == 0:
        raise LogReadError(f"{label} has a header but no data rows: nothing to diagnose.")
    logged = parsed.logged
    if not logged.any():
        bad = parsed.bad.get(mapping["loss"])
        why = f" ({bad[0]} non-numeric, e.g. {bad[1][0]})" if bad else ""
        raise LogReadError(
            f"the loss column {mapping['loss']!r} of {label} has no numeric value{why}."
        )
    step = dense.pop("step", None)
    step_col = mapping.get("step")
    if step is not None and "step" not in explicit and normalize(step_col) == STEP_SPELLINGS[-1]:
        finite = step[np.isfinite(step)]
        rising = float(np.mean(np.diff(finite) > 0)) if finite.size > 1 else 1.0
        if rising < 0.9:
            notes.append(
                f"column {step_col!r} repeats across rows, so rows are ordered by their "
                "position instead (map a step column with columns={'step': '<name>'})."
            )
            step = None
            mapping = {k: v for k, v in mapping.items() if k != "step"}
    if step is None:
        if "step" not in mapping:
            notes.append(
                f"no step column (looked for {', '.join(STEP_SPELLINGS)}); "
                "the row number is used as the step."
            )
        step = np.arange(n, dtype=float)
    data = {q: a for q, a in dense.items() if q in QUANTITIES}
    return assemble(
        np.asarray(step, dtype=float),
        data,
        np.asarray(logged, dtype=bool),
        source=label,
        columns=mapping,
        notes=notes,
        line=np.frombuffer(parsed.line, dtype=np.int64),
        what=parsed.unit,
    )
