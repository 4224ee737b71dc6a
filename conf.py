"""Sphinx configuration for the Landscape book.

Build with ``sphinx-build -c . book <outdir>`` (see ``noxfile.py``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))
sys.path.insert(0, str(ROOT))

import api_reference  # noqa: E402
import config_cache  # noqa: E402
import offline_inventories  # noqa: E402

project = "Landscape"
author = "The Landscape authors"
copyright = "2026, The Landscape authors"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.intersphinx",
    "sphinx_codeautolink",
    "codeautolink_compat",  # sphinx-exercise's untitled sections crash codeautolink 0.19
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_exercise",
    "sphinx_togglebutton",
    "sphinxcontrib.bibtex",
    "mathjax_offline",  # MathJax 3 served from _static: maths typesets offline
    "api_reference",  # {landscape-api}: the reference generated from landscape.__all__
    "notebook_downloads",  # the executed .ipynb of every page in the download menu
    "accessibility_fixes",  # markup repairs found by the axe-core audit
    "skip_unchanged",  # a no-op rebuild skips whole-book recomputation
]

exclude_patterns = ["_build", "_ext", "_static", "jupyter_execute", ".jupyter_cache"]
exclude_patterns += ["**/.ipynb_checkpoints"]
nitpicky = True
numfig = True
math_numfig = True
math_eqref_format = "({number})"
# A chapter may close with its own bibliography (`:filter: docname in docnames`) while
# references.md lists every cited work: the same entry then sits in two bibliographies
# by design. Citations resolve to the bibliography on their own page first
# (sphinxcontrib-bibtex's documented behaviour for local bibliographies). A key listed
# twice on one page still warns (bibtex.duplicate_local_citation is not suppressed).
suppress_warnings = ["bibtex.duplicate_citation"]

# MyST and myst-nb --------------------------------------------------------------------
myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath", "substitution"]
myst_heading_anchors = 3
myst_dmath_double_inline = True

nb_execution_mode = "cache"
nb_execution_timeout = 180
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_allow_errors = False
nb_merge_streams = True


# Hash of the package sources: the execution cache only watches cell code (MyST-NB #299),
# so the cache folder is keyed on the package and a package change re-executes.
PACKAGE_FINGERPRINT = config_cache.fingerprint(sorted((ROOT / "landscape").rglob("*.py")), ROOT)


def _execution_cache(keep: int = 3) -> str:
    """The cache folder for this package state; older states beyond ``keep`` are pruned."""
    base = ROOT / "_build" / ".jupyter_cache"
    current = base / PACKAGE_FINGERPRINT[:16]
    current.mkdir(parents=True, exist_ok=True)
    current.touch()  # mark as most recently used
    others = sorted(
        (p for p in base.iterdir() if p.is_dir() and p != current),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in others[keep - 1 :]:
        shutil.rmtree(stale, ignore_errors=True)
    return str(current)


nb_execution_cache_path = _execution_cache()

# API reference (book/api.md) ------------------------------------------------------------
autodoc_typehints = "none"  # numpydoc's Parameters/Returns carry the types
autodoc_member_order = "bysource"
autosummary_generate = False  # the summary tables link into api.md; no stub pages
add_module_names = False
toc_object_entries_show_parents = "hide"
numpydoc_show_class_members = False  # members come from autodoc's :members:
numpydoc_xref_param_type = True
# Parameter types such as "array_like, shape (d,)" mix real types with prose. Only the
# aliases below become links; every other word stays text, so nitpicky mode never sees
# "shape" or "(d,)" as an unresolvable class, while real types stay linked: every public
# landscape class, numpydoc's defaults (array_like, ndarray, int, float, ...), and every
# numpy/scipy/matplotlib object in the offline inventories under its qualified name.
numpydoc_xref_ignore = "all"

# References and cross-references -----------------------------------------------------
bibtex_bibfiles = ["book/references.bib"]
# Citations read "(Cohen et al., 2021)" in the text, and every bibliography labels an
# entry by its authors and year ("CKL+21") instead of by position: numbered labels would
# give one key the number 3 in a chapter and another key the number 3 on the references
# page (bibtex.duplicate_label), while an alpha label belongs to its entry everywhere.
bibtex_reference_style = "author_year"
bibtex_default_style = "alpha"

intersphinx_mapping = offline_inventories.intersphinx_mapping(ROOT / "_build" / "inventories")


def _derived_from_package() -> dict:
    """The two values below; they import landscape, so they are cached (config_cache)."""
    external = offline_inventories.python_object_names(intersphinx_mapping)
    return {
        "xref_aliases": api_reference.xref_aliases(external),
        "codeautolink_map": api_reference.codeautolink_map(),
    }


_derived = config_cache.cached(
    ROOT / "_build" / "conf-cache.json",
    PACKAGE_FINGERPRINT
    + config_cache.fingerprint(
        [
            *(
                ROOT / "book" / "_ext" / f"{name}.py"
                for name in ("api_reference", "offline_inventories")
            ),
            *(Path(path) for _, path in intersphinx_mapping.values()),
        ],
        ROOT,
    ),
    _derived_from_package,
)
numpydoc_xref_aliases = _derived["xref_aliases"]

# Links from code cells and pycon blocks to the API reference and to NumPy/SciPy docs.
# Cells of a page are read as one program, so `ls` imported in the first cell resolves
# in later ones. Public classes are documented as landscape.<Name>; codeautolink follows
# type hints to the defining module, so those paths are mapped to the public ones.
codeautolink_concat_default = True
codeautolink_inventory_map = _derived["codeautolink_map"]

# HTML --------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Landscape"
html_favicon = "book/_static/favicon.svg"
html_static_path = ["book/_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    # pydata-sphinx-theme 0.20 adds a search field to a header bar that the book theme
    # does not use, leaving a near-empty strip above every page: keep it off.
    "navbar_persistent": [],
}
# pydata-sphinx-theme reads the mode from localStorage, falling back to this; without it
# a first visit logs "Got invalid theme mode" to the console.
html_context = {"default_mode": "auto"}
html_last_updated_fmt = None
# The general index is linked from nowhere in this theme, duplicates the API reference and
# search, and rewriting it is the largest cost of a no-op rebuild.
html_use_index = False
html_sourcelink_suffix = ""  # _sources/<page>.md, downloadable as-is

# Copy button: copy code without prompts or outputs.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_exclude = ".linenos"  # prompts and outputs are dropped by the regex below
copybutton_copy_empty_lines = False  # blank lines in a pycon block separate outputs
