"""Repairs to sphinx-codeautolink 0.19 for this book. Load after ``sphinx_codeautolink``.

1. **Exercises.** codeautolink tracks section titles with a stack: ``visit_title`` pushes
   and ``depart_section`` pops. sphinx-exercise wraps the body of every exercise and
   solution in a ``section`` with no title, so the pop runs on an empty stack and the
   build aborts ("pop from empty list" in ``doctree-read``). The pop is made conditional
   on the section having a title of its own, the invariant the stack was meant to keep.

2. **Incremental builds.** At ``builder-inited`` codeautolink asks the HTML builder for
   its outdated documents to decide which pages to add links to after the build. That
   call is not free of side effects: when the HTML configuration changed it rewrites
   ``.buildinfo``, so Sphinx itself no longer sees the change and leaves every page
   stale (a new ``html_title`` never reaches the pages). And at that point a page that
   is written only because a template, a stylesheet or a cross-reference changed is not
   yet known to be outdated, so it is rewritten *without* its code links. Here the early
   question gets an empty answer (no side effect), and the links are applied to exactly
   the pages Sphinx resolved and wrote in this build, collected from ``doctree-resolved``
   (which runs in the main process, also with ``-j``).

3. **Markdown sources.** Between builds codeautolink keeps each page's parsed code in
   ``codeautolink-cache.json``, but on reading it back keeps only the pages whose source
   is ``<docname>.rst``. Every MyST page was dropped, so a page rewritten without being
   re-read lost its links for good. The cache is read back for any source suffix Sphinx
   is configured with.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx_codeautolink.extension import SphinxCodeAutoLink
from sphinx_codeautolink.extension.block import (
    CodeBlockAnalyser,
    CodeExample,
    Name,
    SourceTransform,
)
from sphinx_codeautolink.extension.cache import DataCache

_written: set[str] = set()
_suffixes: list[str] = [".rst"]


def _has_own_title(section: nodes.section) -> bool:
    # Docutils dispatches on the class name, so only plain ``title`` nodes were pushed.
    return bool(section.children) and type(section.children[0]) is nodes.title


def _depart_section(self, node) -> None:
    if _has_own_title(node) and self.title_stack:
        self.title_stack.pop()


_original_build_inited = SphinxCodeAutoLink.build_inited
_original_apply_links = SphinxCodeAutoLink.apply_links


def _read_cache(self) -> None:
    """``DataCache.read``, for sources of any suffix (see 3. above)."""
    cache = self.cache_dir / self.cache_filename
    if not cache.exists():
        return
    for doc, transforms in json.loads(cache.read_text("utf-8")).items():
        if not any((self.src_dir / f"{doc}{suffix}").exists() for suffix in _suffixes):
            continue
        for transform in transforms:
            transform["example"] = CodeExample(**transform["example"])
            transform["names"] = [Name(**name) for name in transform["names"]]
        self.transforms[doc] = [SourceTransform(**t) for t in transforms]


def _build_inited(self, app) -> None:
    _written.clear()
    _suffixes[:] = list(app.config.source_suffix)
    builder = app.builder
    original = builder.get_outdated_docs
    builder.get_outdated_docs = lambda: []  # see 2. above: no side effects this early
    try:
        _original_build_inited(self, app)
    finally:
        builder.get_outdated_docs = original


def _apply_links(self, app, exception) -> None:
    self.outdated_docs = {str(Path(doc)) for doc in _written}
    _original_apply_links(self, app, exception)


def _note_written(app, doctree, docname) -> None:
    _written.add(docname)


def setup(app):
    CodeBlockAnalyser.depart_section = _depart_section
    DataCache.read = _read_cache
    # codeautolink connected bound methods of its state object; swap them for the
    # wrappers, bound to the same object, at the same priorities.
    for event, name, wrapper in (
        ("builder-inited", "build_inited", _build_inited),
        ("build-finished", "apply_links", _apply_links),
    ):
        for listener in list(app.events.listeners.get(event, [])):
            handler = listener.handler
            if getattr(handler, "__func__", None) is getattr(SphinxCodeAutoLink, name):
                app.disconnect(listener.id)
                app.connect(event, wrapper.__get__(handler.__self__), priority=listener.priority)
    app.connect("doctree-resolved", _note_written)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
