"""Markup fixes found by the axe-core audit of the built book (tests/built_site).

Docutils renders a bibliography as ``<div role="list">`` holding entries with
``role="doc-biblioentry"``. DPUB-ARIA 1.1 deprecated that role (an entry is simply a
list item), and axe-core no longer accepts it as a child of a list, reporting a critical
``aria-required-children`` violation on every page with a bibliography. The entries are
given ``role="listitem"``, which is what the list needs and what the deprecation notice
recommends.
"""

from __future__ import annotations


def _fix_body(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("html-page-context", _fix_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
