"""The CSV parser: a header, then rows converted a chunk at a time."""

from __future__ import annotations

import csv
import io
import itertools
import math
from array import array
from operator import itemgetter

import numpy as np

from landscape.diagnostics._cells import _note_lines, _parse_cell, _Parsed, _record_bad
from landscape.diagnostics._columns import match_columns
from landscape.diagnostics.log import LogReadError

_CHUNK_ROWS = 4096


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
