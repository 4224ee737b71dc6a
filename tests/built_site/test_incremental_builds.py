"""Incremental builds stay correct: the execution cache and the code links.

myst-nb's cache (jupyter-cache) only hashes a page's code cells, so a change to the
package would leave stale outputs (MyST-NB #299). ``conf.py`` keys the cache folder on a
hash of the package sources. The test builds a one-page book with the real ``conf.py``
and extensions against a fake ``landscape`` package: a rebuild with the package unchanged
reuses the cached outputs, and a rebuild after a package edit executes the page again
and shows the new behaviour.

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

```{code-cell} ipython3
import uuid

import numpy as np

import landscape

print(f"MARK-{landscape.MARK} RUN-{uuid.uuid4().hex}", np.zeros(1))
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
    # An HTML-only change: the page is rewritten from its stored doctree, not re-read.
    html = _build(root, "-D", "html_title=Renamed book")
    assert "Renamed book" in html, "an html_title change did not reach the page"
    assert _outputs(html) == (mark3, run3)
    assert link in html, "the rewritten page lost its code links"
