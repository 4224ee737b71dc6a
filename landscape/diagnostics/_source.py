"""Opening a log: paths, file objects, gzip, and telling text encodings from binary."""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from landscape.diagnostics.log import LogReadError

_SNIFF_BYTES = 1 << 16


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
