"""Cell-level parsing shared by the CSV and JSON parsers, and how they report."""

from __future__ import annotations

import math
import re
from array import array
from typing import Any

import numpy as np

_NAN_BYTES = array("d", [math.nan]).tobytes()


_TENSOR = re.compile(r"^\s*tensor\(\s*([-+0-9.eEinfatyINFATY]+)")


class _Parsed:
    """What a parser collected: column names, dense arrays per quantity, notes on cells."""

    def __init__(self) -> None:
        self.names: dict[str, None] = {}
        self.bad: dict[str, list] = {}
        self.unit = "line"  # how rows are numbered in notes: "line", or "record" in JSON
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
        entry[1].append(f"{parsed.unit} {line}: {text}")


def _note_lines(notes: list[str], lines: list[int], what: str, unit: str = "line") -> None:
    """Note a count of lines with the first few line numbers; ``{were}`` agrees in number."""
    if not lines:
        return
    shown = ", ".join(str(n) for n in lines[:3])
    more = f" and {len(lines) - 3} more" if len(lines) > 3 else ""
    plural = "s" if len(lines) > 1 else ""
    what = what.replace("{were}", "were" if plural else "was").replace(
        "{are}", "are" if plural else "is"
    )
    notes.append(f"{len(lines)} {unit}{plural} {what} ({unit}{plural} {shown}{more}).")
