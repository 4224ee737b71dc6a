"""Sphinx configuration for the Landscape book.

Build with ``sphinx-build -c . book <outdir>`` (see ``noxfile.py``).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import offline_inventories  # noqa: E402

project = "Landscape"
author = "The Landscape authors"
copyright = "2026, The Landscape authors"

extensions = [
    "myst_nb",
    "sphinx.ext.intersphinx",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_exercise",
    "sphinx_togglebutton",
    "mathjax_offline",  # MathJax 3 served from _static: maths typesets offline
    "sphinxcontrib.bibtex",
]

exclude_patterns = ["_build", "_ext", "jupyter_execute", ".jupyter_cache", "**/.ipynb_checkpoints"]
nitpicky = True
numfig = True
math_numfig = True
math_eqref_format = "({number})"

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


def _package_fingerprint() -> str:
    """Hash of the package sources: the execution cache only watches cell code (MyST-NB
    #299), so the cache folder is keyed on the package and a package change re-executes."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "landscape").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


nb_execution_cache_path = str(ROOT / "_build" / ".jupyter_cache" / _package_fingerprint())

# References and cross-references -----------------------------------------------------
bibtex_bibfiles = ["book/references.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"

intersphinx_mapping = offline_inventories.intersphinx_mapping(ROOT / "_build" / "inventories")

# HTML --------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Landscape"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
}
html_last_updated_fmt = None

# Copy button: copy code without prompts or outputs.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_exclude = ".linenos, .gp, .go"
