"""Offer every executed page as a notebook in the theme's download menu.

sphinx-book-theme lists an ``.ipynb`` download only when a launch provider (Binder,
Colab, ...) is configured, because the copy into ``_sources`` happens inside its
launch-button code. This extension does that copy for every page that myst-nb executed
and sets the context key the theme reads, so the download menu of each chapter offers
the executed notebook (with its outputs) beside the MyST source.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def executed_notebook(app, docname: str) -> Path:
    """Where myst-nb writes the executed notebook of ``docname``."""
    return Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"


def _add_notebook(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    source = executed_notebook(app, pagename)
    if not source.exists():
        logger.warning(f"no executed notebook for {pagename} at {source}", location=pagename)
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    # Read by sphinx_book_theme.header_buttons.add_header_buttons (priority 501).
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app):
    app.connect("html-page-context", _add_notebook, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
