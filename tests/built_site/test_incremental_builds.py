"""Incremental builds stay correct: the execution cache and the code links.

myst-nb's cache (jupyter-cache) only hashes a page's code cells, so a change to the
package would leave stale outputs (MyST-NB #299). ``conf.py`` keys the cache folder on a
hash of the package sources. The test builds a one-page book with the real ``conf.py``
and extensions against a fake ``landscape`` package: a rebuild with the package unchanged
reuses the cached outputs, and a rebuild after a package edit executes the page again
and shows the new behaviour.

A no-op rebuild then leaves the page untouched (book/_ext/skip_unchanged.py skips the
whole-book recomputation in such a build), and a prose edit after it is rendered with
its code links, citation and figure number intact: the state the skipped handlers would
have recomputed must still be there.

It then changes an HTML-only setting, which rewrites the page without re-reading it: the
new setting must reach the page and the page must keep its code links (both were lost
before book/_ext/codeautolink_compat.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from .conftest import ROOT

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Cache probe

Sharpness settles near two over the step size {cite:p}`cohen2021gradient`.

```{figure} _static/favicon.svg
:name: fig-probe
:alt: The book's icon.

A numbered figure.
```

See {numref}`fig-probe`.

```{code-cell} ipython3
import uuid

import numpy as np

import landscape

print(f"MARK-{landscape.MARK} RUN-{uuid.uuid4().hex}", np.zeros(1))
```

```{bibliography}
:filter: docname in docnames
```
"""


def _build(root, *extra):
    env = dict(os.environ, PYTHONPATH=str(root), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-c", ".", "book", "_build/html", *extra],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return (root / "_build" / "html" / "index.html").read_text(encoding="utf8")


def _outputs(html):
    return re.search(r"MARK-(\w+) RUN-([0-9a-f]{32})", html).groups()


def _assert_references(html):
    """The citation links to its bibliography entry, and the figure is numbered."""
    cite = re.search(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', html, re.S)
    assert cite and "Cohen" in cite.group(1), "the citation is not rendered"
    target = re.search(r'href="#([\w-]+)"', cite.group(1)).group(1)
    assert f'id="{target}"' in html, "the citation does not reach its bibliography entry"
    assert '<span class="std std-numref">Fig. 1</span>' in html, "the figure is not numbered"


def test_cache_follows_the_package_and_rewritten_pages_keep_their_links(tmp_path):
    root = tmp_path / "book-root"
    (root / "book").mkdir(parents=True)
    shutil.copy(ROOT / "conf.py", root / "conf.py")
    shutil.copytree(ROOT / "book" / "_ext", root / "book" / "_ext")
    shutil.copytree(ROOT / "book" / "_static", root / "book" / "_static")
    shutil.copy(ROOT / "book" / "references.bib", root / "book" / "references.bib")
    (root / "book" / "index.md").write_text(PAGE, encoding="utf8")
    inventories = ROOT / "_build" / "inventories"
    if inventories.exists():  # saves introspecting numpy, scipy and matplotlib again
        shutil.copytree(inventories, root / "_build" / "inventories")
    package = root / "landscape"
    package.mkdir()
    (package / "__init__.py").write_text('MARK = "one"\n__all__ = []\n', encoding="utf8")

    mark1, run1 = _outputs(_build(root))
    assert mark1 == "one"
    # -E re-reads every page: the unchanged package must be served from the cache.
    mark2, run2 = _outputs(_build(root, "-E"))
    assert (mark2, run2) == (mark1, run1), "an unchanged package re-executed the page"
    # A package edit, and a plain incremental build: the page must run again.
    (package / "__init__.py").write_text('MARK = "two"\n__all__ = []\n', encoding="utf8")
    html = _build(root)
    mark3, run3 = _outputs(html)
    assert mark3 == "two", "the page still shows outputs from the old package"
    assert run3 != run1
    caches = list((root / "_build" / ".jupyter_cache").iterdir())
    assert len(caches) == 2, f"expected one cache per package state, found {caches}"
    link = 'class="sphinx-codeautolink-a" href="https://numpy.org/doc/stable/reference/generated/numpy.zeros.html'
    assert link in html, "code links are missing after a build"
    _assert_references(html)

    # A no-op rebuild writes nothing; a prose edit after it still gets links and numbers.
    page = root / "_build" / "html" / "index.html"
    written = page.stat().st_mtime_ns
    assert _build(root) == html
    assert page.stat().st_mtime_ns == written, "a no-op rebuild rewrote the page"
    source = root / "book" / "index.md"
    source.write_text(source.read_text(encoding="utf8") + "\nAn edited sentence.\n", "utf8")
    html = _build(root)
    assert "An edited sentence." in html
    assert _outputs(html) == (mark3, run3), "a prose edit re-executed the page"
    assert link in html, "the edited page lost its code links after a no-op rebuild"
    _assert_references(html)
    # An HTML-only change: the page is rewritten from its stored doctree, not re-read.
    html = _build(root, "-D", "html_title=Renamed book")
    assert "Renamed book" in html, "an html_title change did not reach the page"
    assert _outputs(html) == (mark3, run3)
    assert link in html, "the rewritten page lost its code links"
