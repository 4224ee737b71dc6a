"""The built site's files: downloads, links, numbering, the API reference, figures.

These read ``_build/html`` directly (no browser), so they run wherever the book was built.
"""

from __future__ import annotations

import json
import re
import zlib
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import landscape

from .conftest import ROOT, pages_containing, source_of


class _Links(HTMLParser):
    """Collects hrefs/srcs, element ids and <img> attributes of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("img", "script") and attrs.get("src"):
            self.links.append(attrs["src"])
        if tag == "img":
            self.images.append({k: v or "" for k, v in attrs.items()})


@cache
def parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf8"))
    return parser


def is_notebook(page: str) -> bool:
    source = source_of(page)
    return source.exists() and "kernelspec:" in source.read_text(encoding="utf8")[:2000]


def test_every_page_offers_its_source_and_notebook_pages_their_executed_notebook(site, page):
    links = parsed(site / page).links
    source = f"_sources/{Path(page).with_suffix('.md').as_posix()}"
    assert (site / source).exists(), f"{page}: {source} was not copied to the site"
    assert any(link.endswith(Path(source).name) for link in links), f"{page}: no link to {source}"
    if not is_notebook(page):
        return
    notebook = site / "_sources" / Path(page).with_suffix(".ipynb")
    assert notebook.exists(), f"{page}: its executed notebook is not on the site"
    assert any(link.endswith(notebook.name) for link in links), f"{page}: no .ipynb download link"
    cells = json.loads(notebook.read_text(encoding="utf8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code, f"{page}: the notebook has no code cells"
    unexecuted = [i for i, c in enumerate(code) if c.get("execution_count") is None]
    assert not unexecuted, f"{page}: code cells {unexecuted} of the download were not executed"


def test_internal_links_and_anchors_resolve(site, page):
    here = site / page
    broken = []
    for link in parsed(here).links:
        parts = urlsplit(link)
        if parts.scheme or link.startswith(("//", "mailto:", "javascript:")):
            continue
        target = (here.parent / unquote(parts.path)).resolve() if parts.path else here
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(f"{link} (no file {target.relative_to(site.resolve())})")
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in parsed(target).ids:
                broken.append(f"{link} (no anchor #{parts.fragment})")
    assert not broken, f"{page} has broken links:\n  " + "\n  ".join(broken)


def test_figure_and_equation_references_show_numbers(site, page):
    html = (site / page).read_text(encoding="utf8")
    numrefs = re.findall(r'<span class="std std-numref">([^<]*)</span>', html)
    unnumbered = [text for text in numrefs if not re.search(r"\d", text)]
    assert not unnumbered, f"{page}: figure/table references without numbers: {unnumbered}"
    eqrefs = re.findall(
        r'<a class="reference internal" href="[^"]*#equation-[^"]*">([^<]*)</a>', html
    )
    bad = [text for text in eqrefs if not re.fullmatch(r"\(\d+(\.\d+)*\)", text)]
    assert not bad, f"{page}: equation references that are not numbers: {bad}"


@pytest.mark.parametrize("figure_page", pages_containing("<img"))
def test_figures_are_opaque_so_they_read_in_dark_mode(site, figure_page):
    from PIL import Image

    images = [img for img in parsed(site / figure_page).images if "_images/" in img.get("src", "")]
    for img in images:
        path = (site / figure_page).parent / unquote(img["src"])
        if path.suffix.lower() not in (".png", ".webp"):
            continue
        with Image.open(path) as image:
            rgba = image.convert("RGBA")
            w, h = rgba.size
            corners = [
                rgba.getpixel(xy)[3] for xy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))
            ]
        assert min(corners) == 255, (
            f"{figure_page}: {img['src']} has a transparent background (corner alpha "
            f"{corners}); save figures with a solid facecolor so they read in dark mode"
        )


def _inventory_names(site: Path) -> set[str]:
    data = (site / "objects.inv").read_bytes()
    body = zlib.decompress(data.split(b"\n", 4)[4]).decode()
    return {line.split(" ", 1)[0] for line in body.splitlines() if " py:" in line}


def test_api_reference_documents_every_public_name(site):
    documented = _inventory_names(site)
    missing = [n for n in landscape.__all__ if f"landscape.{n}" not in documented]
    assert not missing, f"public names missing from the API reference: {missing}"
    ids = parsed(site / "api.html").ids
    not_on_page = [n for n in landscape.__all__ if f"landscape.{n}" not in ids]
    assert not not_on_page, f"public names with no entry on api.html: {not_on_page}"


def test_code_on_pages_links_to_the_api_reference(site, pages):
    """sphinx-codeautolink turns ``ls.<name>`` in code cells into links to api.html."""
    pages = [
        p
        for p in pages
        if source_of(p).exists() and "import landscape" in source_of(p).read_text(encoding="utf8")
    ]
    if not pages:
        pytest.skip("no page imports landscape yet")
    linked = [
        p
        for p in pages
        if 'class="sphinx-codeautolink-a" href="api.html#landscape.'
        in (site / p).read_text(encoding="utf8")
    ]
    assert linked == pages, (
        f"pages whose landscape calls are not linked: {set(pages) - set(linked)}"
    )


GLOSSARY_TERMS = [
    "critical point", "saddle point", "strict saddle", "index", "Hessian",
    "Hessian-vector product", "sharpness", "flatness", "condition number",
    "edge of stability", "progressive sharpening", "mode connectivity", "loss barrier",
    "filter normalization", "plateau", "SAM", "Lanczos", "SLQ", "Hutchinson estimator",
]  # fmt: skip


def test_glossary_defines_the_book_terms(site):
    ids = {i.lower() for i in parsed(site / "glossary.html").ids}
    missing = [t for t in GLOSSARY_TERMS if f"term-{t.replace(' ', '-')}".lower() not in ids]
    assert not missing, f"glossary terms missing: {missing}"


def execution_table(site: Path) -> dict[str, list[str]]:
    """``{page: [modified, method, run time, status]}`` from execution-statistics.html."""
    html = (site / "execution-statistics.html").read_text(encoding="utf8")
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    table = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        href = re.search(r'href="([^"#]+)"', row)
        if href:
            table[href.group(1)] = cells[1:]
    return table


def test_execution_statistics_list_every_notebook_page_as_run(site, pages):
    table = execution_table(site)
    for page in (p for p in pages if is_notebook(p)):
        assert page in table, f"{page} is missing from the execution statistics"
        _modified, _method, seconds, status = table[page]
        assert status == "✅", f"{page} did not execute cleanly: {status}"
        assert float(seconds) >= 0.0


def test_every_cited_work_is_in_the_references_page(site):
    keys = set()
    for source in (ROOT / "book").glob("*.md"):
        for roles in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", source.read_text(encoding="utf8")):
            keys.update(k.strip() for k in roles.split(","))
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf8")
    unknown = sorted(k for k in keys if not re.search(rf"@\w+\{{{re.escape(k)},", bib))
    assert not unknown, f"cited keys missing from references.bib: {unknown}"
    html = (site / "references.html").read_text(encoding="utf8")
    entries = html.count('role="listitem"')
    assert entries >= len(keys), f"references.html lists {entries} works, {len(keys)} are cited"
