"""Read a training log from CSV, TSV, JSON lines or JSON into a :class:`TrainingLog`.

The reader streams: it keeps only the columns it recognises (as compact ``array``
buffers), never the text. It uses the standard library's ``csv`` and ``json`` and NumPy;
pandas is not needed. It does not guess silently: every cell it could not read, every
row it left out and every assumption it made (encoding, duplicated steps, restarts) is
listed in :attr:`TrainingLog.notes`; input it cannot read at all raises
:class:`LogReadError` with a message saying why and what to do.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import math
import os
import re
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import numpy as np

from landscape.diagnostics._columns import (
    STEP_SPELLINGS,
    is_candidate,
    match_columns,
    normalize,
)
from landscape.diagnostics.log import QUANTITIES, LogReadError, TrainingLog, assemble

__all__ = ["FORMATS", "read_log"]

#: Values accepted by ``read_log(..., format=...)``.
FORMATS = ("csv", "tsv", "jsonl", "json")

_SNIFF_BYTES = 1 << 16
_CHUNK_ROWS = 4096
_NAN_BYTES = array("d", [math.nan]).tobytes()
_TENSOR = re.compile(r"^\s*tensor\(\s*([-+0-9.eEinfatyINFATY]+)")
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
        :data:`landscape.diagnostics.QUANTITIES`); a value of None ignores that quantity.
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


def _opener(source: Any) -> tuple[Callable[[], IO[bytes]], str, str]:
    """Return a function opening a fresh binary stream, a label and the file suffix."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        label = str(path)
        try:
            if path.is_dir():
                raise LogReadError(f"{label} is a directory, not a log file.")
            with path.open("rb") as fh:
                magic = fh.read(2)
        except OSError as exc:
            raise LogReadError(f"cannot open {label}: {exc.strerror or exc}.") from exc
        suffixes = [s.lower() for s in path.suffixes]
        if magic == b"\x1f\x8b":
            if suffixes and suffixes[-1] == ".gz":
                suffixes = suffixes[:-1]
            return (lambda: gzip.open(path, "rb")), label, (suffixes[-1] if suffixes else "")
        return (lambda: path.open("rb")), label, (suffixes[-1] if suffixes else "")
    read = getattr(source, "read", None)
    if not callable(read):
        raise TypeError(f"`source` must be a path or a file object, got {type(source).__name__}.")
    label = str(getattr(source, "name", "<stream>"))
    if not label or label.isdigit():
        label = "<stream>"
    try:
        data = read()
    except OSError as exc:
        raise LogReadError(f"cannot read {label}: {exc}.") from exc
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"`source.read()` must return bytes or str, got {type(data).__name__}.")
    data = bytes(data)
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise LogReadError(f"{label} looks gzip-compressed but is corrupt: {exc}.") from exc
    suffix = Path(label).suffix.lower() if label != "<stream>" else ""
    return (lambda: io.BytesIO(data)), label, suffix


def _read_head(opener: Callable[[], IO[bytes]], label: str) -> bytes:
    try:
        with opener() as fh:
            head = fh.read(_SNIFF_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise LogReadError(f"cannot read {label}: {exc}.") from exc
    if not head.strip():
        raise LogReadError(f"{label} is empty: there is nothing to diagnose.")
    return head


def _sniff_encoding(head: bytes, label: str) -> tuple[str, list[str]]:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", []
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", [f"{label} is UTF-16 encoded (it had a byte-order mark)."]
    sample = head[:512]
    if len(sample) >= 8:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
            return "utf-16-le", [f"{label} looks like UTF-16 (little-endian) without a BOM."]
        if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
            return "utf-16-be", [f"{label} looks like UTF-16 (big-endian) without a BOM."]
    control = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, *range(14, 32), 127))
    has_nul = b"\x00" in head
    if has_nul or control > 0.05 * len(head):
        nul = " including NUL" if has_nul else ""
        raise LogReadError(
            f"{label} does not look like a text log: its first {len(head)} bytes hold "
            f"{control} control bytes{nul}. "
            "Give a CSV or JSON-lines file (a TensorBoard event file must first be "
            "exported to CSV, e.g. from the TensorBoard UI)."
        )
    return "utf-8-sig", []


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
                parsed = _parse_records(_json_document(text, label), explicit, label, notes)
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


class _Parsed:
    """What a parser collected: column names, dense arrays per quantity, notes on cells."""

    def __init__(self) -> None:
        self.names: dict[str, None] = {}
        self.bad: dict[str, list] = {}
        self.line = array("q")
        self.nrows = 0
        self.mapping: dict[str, str] = {}
        self.dense: dict[str, np.ndarray] | None = None
        self.logged = np.zeros(0, dtype=bool)


def _parse_cell(cell: str) -> float | None:
    """Parse a text cell; None if it is not a number (empty cells are handled before)."""
    try:
        return float(cell)
    except ValueError:
        pass
    match = _TENSOR.match(cell)
    if match is not None:
        try:
            return float(match.group(1))
        except ValueError:
            return None
    return None


def _record_bad(parsed: _Parsed, col: str, line: int, cell: Any) -> None:
    entry = parsed.bad.setdefault(col, [0, []])
    entry[0] += 1
    if len(entry[1]) < 3:
        text = repr(cell) if len(repr(cell)) <= 30 else repr(cell)[:27] + "..."
        entry[1].append(f"line {line}: {text}")


def _header_delimiter(line: str) -> tuple[str, bool]:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    if counts[best]:
        return best, False
    if len(line.split()) > 1:
        return " ", True
    return ",", False


def _parse_csv(
    text: io.TextIOWrapper,
    format: str,
    explicit: dict[str, str | None],
    label: str,
    notes: list[str],
) -> _Parsed:
    # Find the header: the first line that is neither blank nor a '#' comment.
    comments = 0
    consumed = 0
    header_line = None
    while True:
        raw = text.readline()
        if raw == "":
            break
        consumed += 1
        if not raw.strip():
            continue
        if raw.lstrip().startswith("#"):
            comments += 1
            continue
        header_line = raw
        break
    if header_line is None:
        raise LogReadError(f"{label} has only blank or comment lines: nothing to diagnose.")
    if format == "tsv":
        delimiter, skip_space = "\t", False
    else:
        delimiter, skip_space = _header_delimiter(header_line)
    peeked: list[str] = []
    if delimiter == " ":
        # Whitespace-separated only if the first data line splits the same way; otherwise
        # it is one column whose name has spaces in it.
        nxt = text.readline()
        peeked.append(nxt)
        if len(nxt.split()) != len(header_line.split()):
            delimiter, skip_space = ",", False
    header = next(
        csv.reader(
            [header_line.strip("\r\n").strip()], delimiter=delimiter, skipinitialspace=skip_space
        )
    )
    header = [h.strip() for h in header]
    if header and all(_parse_cell(h) is not None for h in header if h):
        raise LogReadError(
            f"the first row of {label} looks like data ({header_line.strip()[:60]!r}), "
            "not a header. Add a header line naming the columns, e.g. 'step,loss'."
        )
    mapping, col_notes = match_columns(header, explicit, label)
    notes.extend(col_notes)
    for name in set(mapping.values()):
        if header.count(name) > 1:
            notes.append(f"column {name!r} appears more than once; the first one is used.")
    later_comments = 0
    parsed = _Parsed()
    parsed.mapping = mapping
    for name in header:
        parsed.names[name] = None
    targets = [(q, header.index(col), array("d"), q == "loss") for q, col in mapping.items()]
    logged = bytearray()
    line = parsed.line
    reader = csv.reader(
        itertools.chain(peeked, text), delimiter=delimiter, skipinitialspace=skip_space
    )
    ncol = len(header)
    short: list[int] = []
    long: list[int] = []
    broken: list[int] = []
    repeats: list[int] = []
    nan = math.nan
    # csv counts the lines it reads from 1; the header was line `consumed`.
    base = consumed

    def fast(rows: list[list[str]], linenos: list[int]) -> bool:
        """Convert a chunk column by column at C speed; False if it needs the slow path.

        The fast path takes only chunks whose rows all have the header's width and whose
        mapped cells are all numbers or empty; anything else (comments, repeated headers,
        short rows, non-numeric cells) goes through the row-by-row path, which notes it.
        """
        if len(set(map(len, rows))) != 1 or len(rows[0]) != ncol:
            return False
        size = len(rows)
        converted = []
        for _q, j, buf, is_loss in targets:
            cells = list(map(itemgetter(j), rows))
            mask = None
            try:
                vals = np.fromiter(map(float, cells), dtype=float, count=size)
            except ValueError:
                try:
                    vals = np.fromiter(
                        (float(c) if c else nan for c in cells), dtype=float, count=size
                    )
                except ValueError:
                    return False
                if is_loss:
                    mask = np.fromiter(map(bool, cells), dtype=bool, count=size)
            converted.append((buf, vals, is_loss, mask))
        for buf, vals, is_loss, mask in converted:
            buf.frombytes(vals.tobytes())
            if is_loss:
                logged.extend(b"\x01" * size if mask is None else mask.tobytes())
        line.extend(linenos)
        return True

    def slow(rows: list[list[str]], linenos: list[int]) -> None:
        nonlocal later_comments
        for row, lineno in zip(rows, linenos, strict=True):
            if not row:
                continue
            first = row[0]
            if first[:1] == "#" or first.lstrip()[:1] == "#":
                later_comments += 1
                continue
            if len(row) != ncol:
                if len(row) == 1 and not first.strip():
                    continue
                (short if len(row) < ncol else long).append(lineno)
            elif [c.strip() for c in row] == header:
                repeats.append(lineno)
                continue
            width = len(row)
            for q, j, buf, is_loss in targets:
                if j >= width:
                    buf.append(nan)
                    if is_loss:
                        logged.append(0)
                    continue
                cell = row[j]
                try:
                    v = float(cell)
                    ok = True
                except ValueError:
                    ok = False
                    if cell.strip():
                        v = _parse_cell(cell)
                        if v is None:
                            _record_bad(parsed, mapping[q], lineno, cell)
                            v = nan
                        else:
                            ok = True
                    else:
                        v = nan
                buf.append(v)
                if is_loss:
                    logged.append(ok)
            line.append(lineno)

    while True:
        # list.extend keeps the rows read before a csv.Error; the reader then resumes on
        # the next line. Records are one line each unless a quoted field spans lines, in
        # which case the line numbers quoted in notes are approximate.
        first_line = reader.line_num
        rows: list[list[str]] = []
        failed = False
        try:
            rows.extend(itertools.islice(reader, _CHUNK_ROWS))
        except csv.Error:
            failed = True
            broken.append(base + reader.line_num)
        start = base + first_line + 1
        linenos = list(range(start, start + len(rows)))
        if rows and not fast(rows, linenos):
            slow(rows, linenos)
        if not failed and len(rows) < _CHUNK_ROWS:
            break
    parsed.nrows = len(line)
    if comments + later_comments:
        notes.append(f"{comments + later_comments} comment line(s) starting with '#' were skipped.")
    _note_lines(
        notes, short, "had fewer fields than the header; the absent fields are missing values"
    )
    _note_lines(notes, long, "had more fields than the header; the extra fields were ignored")
    _note_lines(notes, broken, "could not be parsed as CSV and {were} skipped")
    _note_lines(notes, repeats, "repeated the header (concatenated logs?) and {were} skipped")
    dense = {
        q: np.frombuffer(buf, dtype=float) if len(buf) else np.empty(0) for q, _, buf, _ in targets
    }
    parsed.dense = dense
    parsed.logged = np.frombuffer(bytes(logged), dtype=bool) if logged else np.zeros(0, bool)
    return parsed


def _note_lines(notes: list[str], lines: list[int], what: str) -> None:
    """Note a count of lines with the first few line numbers; ``{were}`` agrees in number."""
    if not lines:
        return
    shown = ", ".join(str(n) for n in lines[:3])
    more = f" and {len(lines) - 3} more" if len(lines) > 3 else ""
    plural = "s" if len(lines) > 1 else ""
    what = what.replace("{were}", "were" if plural else "was").replace(
        "{are}", "are" if plural else "is"
    )
    notes.append(f"{len(lines)} line{plural} {what} (line{plural} {shown}{more}).")


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
) -> _Parsed:
    parsed = _Parsed()
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
                f"the last line ({malformed[0]}) is incomplete or not a JSON object and was "
                "skipped (was the run interrupted while writing?)."
            )
        else:
            _note_lines(notes, malformed, "{are} not JSON objects and {were} skipped")
    if r == 0:
        raise LogReadError(
            f"{label} has no JSON object records"
            + (f" ({len(malformed)} malformed lines)" if malformed else "")
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
        what="line",
    )
