"""The JSON-lines and JSON-document parsers."""

from __future__ import annotations

import io
import json
import math
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from landscape.diagnostics._cells import _NAN_BYTES, _note_lines, _parse_cell, _Parsed, _record_bad
from landscape.diagnostics._columns import is_candidate, match_columns, normalize
from landscape.diagnostics.log import LogReadError


def _json_lines(text: io.TextIOWrapper) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, parsed object or a _Bad marker)`` for each non-blank line."""
    decode = json.JSONDecoder().raw_decode  # json.loads minus its per-call wrappers
    for lineno, raw in enumerate(text, 1):
        line = raw.strip()
        if not line:
            continue
        try:
            obj, end = decode(line)
        except (ValueError, RecursionError):
            yield lineno, _BAD
            continue
        yield lineno, (obj if end == len(line) else _BAD)


class _BadLine:
    pass


_BAD = _BadLine()


def _json_document(text: io.TextIOWrapper, label: str) -> Iterator[tuple[int, Any]]:
    try:
        doc = json.load(text)
    except ValueError as exc:
        raise LogReadError(
            f"{label} is not valid JSON ({exc}); a log must be JSON lines (one object "
            "per line) or a JSON list of objects."
        ) from exc
    except RecursionError as exc:
        raise LogReadError(f"{label} is JSON nested too deeply to be a log.") from exc
    records = doc
    if isinstance(doc, dict):
        lists = {k: v for k, v in doc.items() if isinstance(v, list)}
        if "log_history" in lists:
            records = lists["log_history"]
        elif len(lists) == 1:
            records = next(iter(lists.values()))
        else:
            records = [doc]
    if not isinstance(records, list):
        raise LogReadError(f"{label} holds a JSON {type(doc).__name__}, not a list of records.")
    yield from enumerate(records, 1)


def _flatten(obj: dict, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 8:
            yield from _flatten(value, name + "/", depth + 1)
        else:
            yield name, value


def _parse_records(
    records: Iterable[tuple[int, Any]],
    explicit: dict[str, str | None],
    label: str,
    notes: list[str],
    unit: str = "line",
) -> _Parsed:
    parsed = _Parsed()
    parsed.unit = unit
    wanted = {normalize(c) for c in explicit.values() if c is not None}
    names = parsed.names
    # Per key seen: None when it cannot be a quantity, else (values, present) buffers kept
    # dense: a key missing from a record gets NaN / 0 when the key next shows up.
    slots: dict[str, tuple[array, bytearray] | None] = {}
    malformed: list[int] = []
    last_bad = False
    r = 0
    line = parsed.line
    inf = math.inf
    for lineno, obj in records:
        if type(obj) is not dict:
            malformed.append(lineno)
            last_bad = True
            continue
        last_bad = False
        items = _flatten(obj) if dict in map(type, obj.values()) else obj.items()
        for key, value in items:
            try:
                slot = slots[key]
            except KeyError:
                names[key] = None
                slot = None
                if is_candidate(key) or normalize(key) in wanted:
                    slot = (array("d"), bytearray())
                slots[key] = slot
            if slot is None or value is None:
                continue
            kind = type(value)
            if kind is float:
                v = value
            elif kind is int:
                try:
                    v = float(value)
                except OverflowError:
                    v = inf if value > 0 else -inf
            elif kind is str:
                if not value.strip():
                    continue
                v = _parse_cell(value)
                if v is None:
                    _record_bad(parsed, key, lineno, value)
                    continue
            else:
                _record_bad(parsed, key, lineno, value)
                continue
            vals, present = slot
            have = len(vals)
            if have > r:  # the key came twice in one record (nested and flat): last wins
                vals[r] = v
                continue
            if have < r:
                vals.frombytes(_NAN_BYTES * (r - have))
                present.extend(bytes(r - have))
            vals.append(v)
            present.append(1)
        line.append(lineno)
        r += 1
    parsed.nrows = r
    if malformed:
        if last_bad and len(malformed) == 1:
            notes.append(
                f"the last {unit} ({malformed[0]}) is incomplete or not a JSON object and was "
                "skipped (was the run interrupted while writing?)."
            )
        else:
            _note_lines(notes, malformed, "{are} not JSON objects and {were} skipped", unit)
    if r == 0:
        raise LogReadError(
            f"{label} has no JSON object records"
            + (f" ({len(malformed)} malformed {unit}s)" if malformed else "")
            + ": nothing to diagnose."
        )
    mapping, col_notes = match_columns(list(names), explicit, label)
    notes.extend(col_notes)
    parsed.mapping = mapping
    dense = {}
    for q, col in mapping.items():
        vals, present = slots[col]
        have = len(vals)
        if have < r:
            vals.frombytes(_NAN_BYTES * (r - have))
            present.extend(bytes(r - have))
        dense[q] = np.frombuffer(vals, dtype=float)
        if q == "loss":
            parsed.logged = np.frombuffer(bytes(present), dtype=bool)
    parsed.dense = dense
    return parsed
