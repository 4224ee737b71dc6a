"""The API reference and the docstrings it is generated from.

book/api.md is generated from ``landscape.__all__`` by book/_ext/api_reference.py. These
tests check that every public docstring has what the reference shows (a one-line summary
and a runnable Examples section) and that the generator covers every name exactly once.
(tests/test_api.py checks ``__all__`` itself; tests/built_site checks the built page.)
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import pytest

import landscape

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
import api_reference

NAMES = list(landscape.__all__)
SECTION = re.compile(r"^(?P<title>[A-Z][A-Za-z ]+)\n-{3,}\s*$", re.M)


def sections(doc: str) -> dict[str, str]:
    """numpydoc sections of a docstring: ``{title: body}``."""
    doc = inspect.cleandoc(doc)
    found = list(SECTION.finditer(doc))
    return {
        m["title"]: doc[m.end() : found[i + 1].start() if i + 1 < len(found) else len(doc)]
        for i, m in enumerate(found)
    }


@pytest.mark.parametrize("name", NAMES)
def test_every_public_name_has_a_docstring_with_examples(name):
    doc = inspect.getdoc(getattr(landscape, name))
    assert doc, f"landscape.{name} has no docstring"
    summary = doc.splitlines()[0]
    assert summary.strip() and summary.rstrip().endswith("."), (
        f"landscape.{name}: the first line must be a one-sentence summary, got {summary!r}"
    )
    found = sections(doc)
    assert "Examples" in found, f"landscape.{name} has no Examples section"
    assert ">>>" in found["Examples"], f"landscape.{name}: Examples has no >>> example"


def test_sections_parser_reads_numpydoc_sections():
    doc = "Summary.\n\nParameters\n----------\nx : int\n    A.\n\nExamples\n--------\n>>> 1\n1\n"
    assert set(sections(doc)) == {"Parameters", "Examples"}
    assert ">>> 1" in sections(doc)["Examples"]
    assert sections("Summary only.") == {}


def test_api_reference_groups_every_public_name_once():
    grouped = api_reference.grouped_names()
    flat = [name for names in grouped.values() for name in names]
    assert sorted(flat) == sorted(NAMES)
    for module, names in grouped.items():
        for name in names:
            assert api_reference.defining_module(getattr(landscape, name)) == module


def test_api_reference_modules_follow_the_data_flow():
    order = [m.removeprefix("landscape.").split(".")[0] for m in api_reference.grouped_names()]
    known = [m for m in order if m in api_reference.MODULE_ORDER]
    assert known == sorted(known, key=api_reference.MODULE_ORDER.index)
    assert order[: len(known)] == known, "modules outside MODULE_ORDER come last"


def test_api_markdown_documents_each_name_with_autodoc():
    text = "\n".join(api_reference.api_markdown())
    for name in NAMES:
        directive = "autoclass" if inspect.isclass(getattr(landscape, name)) else "autofunction"
        assert f".. {directive}:: {name}\n" in text or f".. autodata:: {name}\n" in text


def test_codeautolink_map_sends_defining_paths_to_public_paths():
    mapping = api_reference.codeautolink_map()
    for name in NAMES:
        obj = getattr(landscape, name)
        if inspect.isclass(obj) and obj.__module__ != "landscape":
            canonical = f"{obj.__module__}.{obj.__qualname__}"
            assert mapping[canonical] == f"landscape.{name}"
            public_methods = [m for m in dir(obj) if not m.startswith("_")]
            for method in public_methods:
                assert mapping[f"{canonical}.{method}"] == f"landscape.{name}.{method}"


def test_xref_aliases_are_roles_that_keep_the_written_text():
    aliases = api_reference.xref_aliases(["numpy.ndarray"])
    assert aliases["numpy.ndarray"] == ":obj:`numpy.ndarray`"
    assert aliases["Generator"] == ":obj:`Generator <numpy.random.Generator>`"
    for name in NAMES:
        if inspect.isclass(getattr(landscape, name)):
            assert aliases[name] == f":obj:`{name} <landscape.{name}>`"
