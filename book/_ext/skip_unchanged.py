"""Skip whole-book recomputation on a rebuild in which no page changed.

Three handlers recompute state for the whole book on every build, even when the build
reads no page and writes none (a no-op rebuild):

* Sphinx's toctree collector renumbers every section and figure by walking every
  doctree (``env-get-updated``);
* sphinxcontrib-bibtex formats every entry of every bibliography (``env-updated``);
* sphinx-codeautolink resolves every name in every code cell (``env-updated``), and at
  the end rewrites its cache of those names (``build-finished``).

Together they were about 5 s of an 11 s no-op rebuild; the HTML builder also rendered
the search page again, compiling the theme's templates (about 1 s more).

The handlers' results depend only on the doctrees in the environment. Anything else
they read makes pages outdated, and those pages are read again: a changed
``references.bib`` makes the pages that cite it outdated (sphinxcontrib-bibtex's
``env-get-outdated``), and a changed configuration value of the ``env`` kind makes every
page outdated. So when the build reads no page, purges none, and the builder has no
page to write, the state restored from the pickled environment is already current and
the handlers are skipped. The search page is skipped too if it exists: a template or an
HTML option change makes every page outdated, and then it is written again. In every
other build everything runs as before.

If a later version of one of these extensions renames its handler, the build stops with
an error naming it: this file must then be updated, rather than silently doing nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

from sphinx.errors import ExtensionError

# (event, handler module, handler qualified name) of the handlers to skip.
HANDLERS = {
    # sphinx-codeautolink's end-of-build step, as wrapped by codeautolink_compat: it
    # links the pages written in this build and rewrites its 2 MB cache of code names.
    ("build-finished", "codeautolink_compat", "_apply_links"),
    (
        "env-get-updated",
        "sphinx.environment.collectors.toctree",
        "TocTreeCollector.get_updated_docs",
    ),
    ("env-updated", "sphinxcontrib.bibtex", "env_updated"),
    ("env-updated", "sphinx_codeautolink.extension", "SphinxCodeAutoLink.create_references"),
}


class _Changes:
    """What this build reads, purges and writes, filled in by the event handlers below."""

    def __init__(self) -> None:
        self.to_write: set[str] = set()
        self.read_or_purged = False

    @property
    def none(self) -> bool:
        return not self.read_or_purged and not self.to_write


def _skipping(handler, changes: _Changes, empty):
    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        if changes.none:
            return empty
        return handler(*args, **kwargs)

    return wrapper


def _install(app) -> None:
    if app.builder.name not in ("html", "dirhtml"):
        return
    changes = _Changes()
    # Record what the builder will write. Sphinx (and sphinx-codeautolink) ask the builder
    # for its outdated pages; the answer is passed through unchanged. Not computed here
    # separately: the HTML builder's first call also renews a mismatched .buildinfo.
    outdated = app.builder.get_outdated_docs

    @functools.wraps(outdated)
    def recording_outdated_docs():
        docs = outdated()
        if isinstance(docs, str):  # a description such as "all source files"
            changes.to_write.add(docs)
            return docs
        docs = list(docs)
        changes.to_write.update(docs)
        return docs

    app.builder.get_outdated_docs = recording_outdated_docs

    # `sphinx-build -a` and a build of named files write pages without asking for the
    # outdated ones: count them as writes.
    for method in ("build_all", "build_specific"):
        original = getattr(app.builder, method)

        @functools.wraps(original)
        def recording_build(*args, _original=original, _method=method, **kwargs):
            changes.to_write.add(_method)
            return _original(*args, **kwargs)

        setattr(app.builder, method, recording_build)

    gen_additional_pages = app.builder.gen_additional_pages

    @functools.wraps(gen_additional_pages)
    def additional_pages_unless_unchanged():
        if changes.none and (Path(app.outdir) / "search.html").exists():
            return
        gen_additional_pages()

    app.builder.gen_additional_pages = additional_pages_unless_unchanged

    def note_read(app, env, docnames):
        changes.read_or_purged |= bool(docnames)

    def note_purge(app, env, docname):
        changes.read_or_purged = True

    app.connect("env-before-read-docs", note_read)
    app.connect("env-purge-doc", note_purge)

    found = set()
    for event, module, qualname in HANDLERS:
        listeners = app.events.listeners[event]
        for index, listener in enumerate(listeners):
            handler = listener.handler
            if (handler.__module__, handler.__qualname__) == (module, qualname):
                empty = [] if event == "env-get-updated" else None  # what they return
                listeners[index] = listener._replace(handler=_skipping(handler, changes, empty))
                found.add((event, module, qualname))
    missing = HANDLERS - found
    if missing:
        names = ", ".join(
            f"{module}.{qualname} on {event}" for event, module, qualname in sorted(missing)
        )
        raise ExtensionError(
            f"skip_unchanged: handler(s) not found: {names}; update book/_ext/skip_unchanged.py"
        )


def setup(app):
    # After every extension has connected its handlers (builder-inited comes after setup).
    app.connect("builder-inited", _install, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
