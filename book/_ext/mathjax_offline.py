"""Serve MathJax 3 from the built site so maths typesets with no network.

The default theme loads MathJax from a CDN, which fails offline and leaves raw TeX on
the page. The files come from the ``sphinx-mathjax-offline`` package on PyPI; this
extension only copies them into ``_static/mathjax`` and, unlike that package's own
extension, declares itself safe for parallel builds (``-j``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sphinx.util.fileutil import copy_asset


def _source() -> Path:
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise RuntimeError("install sphinx-mathjax-offline (it ships the MathJax files)")
    return Path(spec.origin).parent / "static" / "mathjax"


def _copy(app, exc) -> None:
    if exc is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / "mathjax"
        if not (target / "tex-chtml.js").exists():
            copy_asset(str(_source()), str(target))


def setup(app):
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
