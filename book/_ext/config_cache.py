"""Configuration values computed once per state of their inputs, for ``conf.py``.

Two configuration values are derived from the package itself (the numpydoc
cross-reference aliases and the sphinx-codeautolink path map, see ``api_reference``).
Computing them imports ``landscape`` with SciPy and Matplotlib, about a second that every
build, including a no-op rebuild, would pay in ``conf.py``. The values depend only on
files: the package sources, the extension modules that derive them, and the offline
inventories. So they are stored as JSON next to the build, under a hash of those files,
and recomputed only when one of them changes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path


def fingerprint(paths: Iterable[Path], root: Path) -> str:
    """Hash of the names (relative to ``root``) and contents of ``paths``, in order."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(Path(path).relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def cached(store: Path, key: str, compute: Callable[[], dict]) -> dict:
    """``compute()``, or the value stored in ``store`` by an earlier call with ``key``.

    ``compute`` must return a JSON-serialisable dict. A missing, unreadable or stale
    store is recomputed and rewritten (atomically, so parallel builds never read half a
    file).
    """
    store = Path(store)
    try:
        stored = json.loads(store.read_text(encoding="utf8"))
        if stored["key"] == key:
            return stored["value"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    value = compute()
    store.parent.mkdir(parents=True, exist_ok=True)
    partial = store.with_name(f"{store.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps({"key": key, "value": value}, sort_keys=True), encoding="utf8")
    partial.replace(store)
    return value
