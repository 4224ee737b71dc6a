"""Offer every executed page as a notebook in the theme's download menu.

sphinx-book-theme lists an ``.ipynb`` download only when a launch provider (Binder,
Colab, ...) is configured, because the copy into ``_sources`` happens inside its
launch-button code. This extension does that copy for every page that myst-nb executed
and sets the context key the theme reads, so the download menu of each chapter offers
the executed notebook (with its outputs) beside the MyST source.

In ``cache`` execution mode, myst-nb 1.4 writes the notebook *before* the cached outputs
are merged in (the merged copy stays inside its client), so ``jupyter_execute/`` holds
a notebook without outputs. The outputs are then taken from the execution cache, the
same way myst-nb itself merges them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from sphinx.util import logging

logger = logging.getLogger(__name__)


def executed_notebook(app, docname: str) -> Path:
    """Where myst-nb writes the executed notebook of ``docname``."""
    return Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"


def _is_executed(notebook) -> bool:
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return all(cell.get("execution_count") is not None for cell in code)


def _with_outputs(app, notebook):
    if _is_executed(notebook):
        return notebook
    cache_path = getattr(app.env.mystnb_config, "execution_cache_path", "")
    if cache_path and Path(cache_path).exists():
        from jupyter_cache import get_cache

        try:
            return get_cache(cache_path).merge_match_into_notebook(notebook)[1]
        except KeyError:
            pass
    return notebook


def _add_notebook(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    source = executed_notebook(app, pagename)
    if not source.exists():
        logger.warning(f"no executed notebook for {pagename} at {source}", location=pagename)
        return
    notebook = _with_outputs(app, nbformat.read(source, as_version=4))
    if not _is_executed(notebook):
        logger.warning(f"the notebook offered for {pagename} has no outputs", location=pagename)
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    # Read by sphinx_book_theme.header_buttons.add_header_buttons (priority 501).
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.connect("html-page-context", _add_notebook, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
