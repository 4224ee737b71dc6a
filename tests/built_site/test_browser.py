"""The built book in headless Chromium: what a reader sees and clicks.

Every page is loaded once per colour mode (light: a first visit with empty storage;
dark: the theme's stored mode set to dark); the checks below read what that load
recorded. Screenshots land in ``_build/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import json
import re

import pytest

from .conftest import SITE, pages_containing

# Raw TeX left in the text means MathJax or the MyST maths parser did not run.
RAW_TEX = re.compile(r"\$\$|\\\(|\\\[|\$[^$\n]{0,80}\\[A-Za-z]+[^$\n]{0,80}\$")
FILENAME_ALT = re.compile(r"(\.(png|jpe?g|gif|svg|webp)$)|_images/|^[0-9a-f]{16,}", re.I)
PROMPT = re.compile(r"^(>>> |\.\.\. |\$ )")
SERIOUS = {"serious", "critical"}


def test_no_console_errors_and_no_failed_requests(site, visitor, page, mode):
    facts = visitor.visit(page, mode)
    problems = facts["console_errors"] + facts["failed_requests"]
    assert not problems, f"{page} ({mode}):\n" + "\n".join(problems)
    # The site is self-contained: maths, fonts and scripts are served from _static.
    assert not facts["external_requests"], f"{page} ({mode}): {facts['external_requests']}"


def test_colour_mode_applies(site, visitor, page, mode):
    facts = visitor.visit(page, mode)
    assert facts["mode"] == mode, f"{page}: asked for {mode}, the theme shows {facts['mode']}"


def test_maths_is_typeset(site, visitor, page, mode):
    facts = visitor.visit(page, mode)
    assert not facts["math_untypeset"], f"{page}: maths left untypeset: {facts['math_untypeset']}"
    raw = RAW_TEX.findall(facts["text"])
    assert not raw, f"{page}: raw TeX delimiters in the text: {raw[:5]}"
    source = SITE.parents[1] / "book" / page.replace(".html", ".md")
    if source.exists() and re.search(r"\$[^$\n]+\$|\{math\}", source.read_text(encoding="utf8")):
        assert facts["math_total"] > 0, f"{page}: the source has maths, the page has none"


def test_images_load_and_have_alt_text(site, visitor, page):
    facts = visitor.visit(page, "light")
    for image in facts["images"]:
        where = f"{page}: image {image['src']}"
        assert image["complete"] and image["natural_width"] > 0, f"{where} did not load"
        alt = (image["alt"] or "").strip()
        assert alt, f"{where} has no alt text"
        assert not FILENAME_ALT.search(alt), f"{where} has a file name as alt text: {alt!r}"
        assert len(alt.split()) >= 3, f"{where}: alt text {alt!r} describes nothing"
        if image["in_cell_output"]:
            # Output images are figures: the cell carries mystnb figure metadata.
            assert image["in_figure"], f"{where} is a cell output with no figure caption"


def test_figures_have_captions(site, visitor, page):
    facts = visitor.visit(page, "light")
    for figure in facts["figures"]:
        caption = re.sub(r"^(Fig\.|Figure)\s*[\d.]+\s*", "", figure["caption"] or "")
        assert caption.strip(), f"{page}: figure {figure['id'] or '?'} has no caption"


def test_accessibility_has_no_serious_violations(site, visitor, page, mode):
    facts = visitor.visit(page, mode)
    serious = [v for v in facts["axe"] if v["impact"] in SERIOUS]
    details = "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} at {v['targets']}\n    {v['summary']}"
        for v in serious
    )
    assert not serious, f"{page} ({mode}) has accessibility violations:\n{details}"


def _notebook_sources(page: str) -> set[str]:
    notebook = SITE / "_sources" / page.replace(".html", ".ipynb")
    if not notebook.exists():
        return set()
    cells = json.loads(notebook.read_text(encoding="utf8"))["cells"]
    return {"".join(c["source"]).strip() for c in cells if c["cell_type"] == "code"}


# A reader opens a collapsed cell or solution before copying from it; the test does the same.
REVEAL_HIDDEN_CODE = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
}"""
DESCRIBE_BLOCKS = """els => els.map(el => ({
  shown: el.querySelector('pre').textContent,
  has_button: !!el.querySelector('button.copybtn'),
  in_cell: !!el.closest('.cell_input'),
}))"""
MAX_BLOCKS_PER_PAGE = 30  # the API page has one Examples block per public name


def spread(count: int, limit: int) -> list[int]:
    """``limit`` indices spread evenly over ``range(count)``, first and last included."""
    if count <= limit:
        return list(range(count))
    return sorted({round(i * (count - 1) / (limit - 1)) for i in range(limit)})


@pytest.mark.parametrize("code_page", pages_containing('<div class="highlight">'))
def test_copy_buttons_copy_code_without_prompts_or_outputs(site, visitor, server, code_page):
    tab = visitor.page_for("light")
    tab.goto(server + code_page, wait_until="load")
    tab.bring_to_front()
    tab.evaluate(REVEAL_HIDDEN_CODE)
    blocks = tab.locator("div.highlight")
    described = blocks.evaluate_all(DESCRIBE_BLOCKS)
    assert described, f"{code_page}: no code blocks rendered"
    missing = [i for i, block in enumerate(described) if not block["has_button"]]
    assert not missing, f"{code_page}: code blocks {missing} have no copy button"
    sources = _notebook_sources(code_page)
    for i in spread(len(described), MAX_BLOCKS_PER_PAGE):
        shown, where = described[i]["shown"], f"{code_page}: code block {i}"
        tab.evaluate("navigator.clipboard.writeText('<nothing copied>')")
        # A real (trusted) click: the copy needs user activation, as it does for a reader.
        blocks.nth(i).locator("button.copybtn").click(force=True)
        copied = tab.evaluate("navigator.clipboard.readText()")
        assert copied != "<nothing copied>", f"{where}: the copy button copied nothing"
        lines = shown.rstrip("\n").split("\n")
        if any(PROMPT.match(line) for line in lines):
            expected = "\n".join(PROMPT.sub("", ln) for ln in lines if PROMPT.match(ln))
            assert copied.rstrip("\n") == expected, f"{where}: copied {copied!r}"
            assert not re.search(r"^(>>>|\.\.\.) ", copied, re.M), f"{where}: prompts copied"
        else:
            assert copied.rstrip("\n") == shown.rstrip("\n"), f"{where}: copied {copied!r}"
            if described[i]["in_cell"] and sources:
                assert copied.strip() in sources, f"{where}: copied text is not a cell's code"


def test_spread_covers_both_ends_without_repeats():
    assert spread(5, 30) == [0, 1, 2, 3, 4]
    picked = spread(99, 30)
    assert picked[0] == 0 and picked[-1] == 98 and len(picked) == len(set(picked)) == 30


@pytest.mark.parametrize("solution_page", pages_containing("solution dropdown"))
def test_hidden_solutions_open_on_click(site, visitor, server, solution_page):
    tab = visitor.page_for("light")
    tab.goto(server + solution_page, wait_until="load")
    solutions = tab.locator(".solution.dropdown")
    count = solutions.count()
    assert count > 0, f"{solution_page}: no dropdown solutions rendered"
    for i in range(count):
        solution = solutions.nth(i)
        body = solution.locator("section").first
        solution.scroll_into_view_if_needed()
        assert not body.is_visible(), f"{solution_page}: solution {i} is not hidden"
        solution.locator("button.toggle-button").click()
        body.wait_for(state="visible", timeout=5000)
        assert body.is_visible(), f"{solution_page}: solution {i} did not open"


@pytest.mark.parametrize("term", ["Hessian", "saddle"])
def test_search_finds_terms_and_results_open(site, visitor, server, term):
    tab = visitor.page_for("light")
    tab.goto(f"{server}search.html?q={term}", wait_until="load")
    tab.wait_for_selector("#search-results ul.search li", timeout=20000)
    links = tab.locator("#search-results ul.search li a").evaluate_all(
        "els => els.map(a => a.href)"
    )
    assert links, f"searching {term!r} found nothing"
    for link in links:
        assert link.startswith(server), f"search result {link} leaves the site"
        response = tab.request.get(link)
        assert response.ok, f"search result {link} does not open (HTTP {response.status})"
        text = re.sub(r"<[^>]+>", " ", response.text())
        assert term.lower() in text.lower(), f"search result {link} does not mention {term!r}"
