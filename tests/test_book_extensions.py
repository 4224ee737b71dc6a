"""The build's own helpers in book/_ext, without a Sphinx build.

conf.py's value cache, and skip_unchanged's decision on a fake application. The
extensions are tested on real builds in tests/built_site (test_incremental_builds.py).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import pytest
from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import api_reference  # noqa: E402
import config_cache  # noqa: E402
import skip_unchanged  # noqa: E402


class Counter:
    def __init__(self, value):
        self.calls = 0
        self.value = value

    def __call__(self):
        self.calls += 1
        return self.value


def test_cached_value_is_computed_once_per_key(tmp_path):
    store = tmp_path / "cache.json"
    compute = Counter({"a": "b"})
    assert config_cache.cached(store, "k1", compute) == {"a": "b"}
    assert config_cache.cached(store, "k1", compute) == {"a": "b"}
    assert compute.calls == 1
    # A new key (an input file changed): computed again, and the store now holds it.
    compute.value = {"a": "c"}
    assert config_cache.cached(store, "k2", compute) == {"a": "c"}
    assert compute.calls == 2
    assert json.loads(store.read_text())["key"] == "k2"
    assert not list(tmp_path.glob("*.tmp")), "the temporary file was left behind"


@pytest.mark.parametrize("content", ["", "{not json", '{"value": {}}', '["key"]', '{"key": 1}'])
def test_unreadable_or_malformed_store_is_recomputed(tmp_path, content):
    store = tmp_path / "cache.json"
    store.write_text(content)
    compute = Counter({"x": "y"})
    assert config_cache.cached(store, "k", compute) == {"x": "y"}
    assert compute.calls == 1
    assert config_cache.cached(store, "k", compute) == {"x": "y"}
    assert compute.calls == 1


def test_fingerprint_follows_names_and_contents(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("x = 1\n")
    b.write_text("x = 1\n")
    base = config_cache.fingerprint([a], tmp_path)
    assert config_cache.fingerprint([a], tmp_path) == base
    assert config_cache.fingerprint([b], tmp_path) != base  # same content, other name
    a.write_text("x = 2\n")
    assert config_cache.fingerprint([a], tmp_path) != base
    # Boundaries between files count: ("ab", "c") and ("a", "bc") differ.
    a.write_text("ab")
    b.write_text("c")
    first = config_cache.fingerprint([a, b], tmp_path)
    a.write_text("a")
    b.write_text("bc")
    assert config_cache.fingerprint([a, b], tmp_path) != first


def test_values_derived_from_the_package_survive_the_json_store(tmp_path):
    # conf.py stores these two values as JSON; the round trip must be exact (only str).
    value = {
        "xref_aliases": api_reference.xref_aliases(["numpy.linalg.eigh"]),
        "codeautolink_map": api_reference.codeautolink_map(),
    }
    store = tmp_path / "cache.json"
    config_cache.cached(store, "k", lambda: value)
    assert config_cache.cached(store, "k", Counter(None)) == value
    assert value["codeautolink_map"]["landscape.objective.Objective.hessian"] == (
        "landscape.Objective.hessian"
    )


# --------------------------------------------------------------------- skip_unchanged


class _Listener(NamedTuple):
    id: int
    handler: object
    priority: int


def _fake_app(handlers, outdir):
    """Just enough of a Sphinx application for skip_unchanged._install.

    Returns the app, the list of names of the handlers and builder steps that ran, and
    the handlers skip_unchanged connected, by event.
    """
    ran = []
    listeners = defaultdict(list)
    for index, (event, module, qualname) in enumerate(sorted(handlers)):

        def handler(*args, _name=qualname, _event=event):
            ran.append(_name)
            return ["a-doc"] if _event == "env-get-updated" else None

        handler.__module__, handler.__qualname__ = module, qualname
        listeners[event].append(_Listener(index, handler, 500))
    connected = defaultdict(list)
    builder = SimpleNamespace(
        name="html",
        get_outdated_docs=lambda: iter(()),
        build_all=lambda: ran.append("build_all"),
        build_specific=lambda filenames: ran.append("build_specific"),
        gen_additional_pages=lambda: ran.append("search page"),
    )
    app = SimpleNamespace(
        builder=builder,
        outdir=str(outdir),
        events=SimpleNamespace(listeners=listeners),
        connect=lambda event, fn, priority=500: connected[event].append(fn),
    )
    return app, ran, connected


def _emit_all(app):
    """Call every listener once, as Sphinx would emit each event; return the results."""
    return [
        listener.handler(app, None)
        for event in sorted(app.events.listeners)
        for listener in app.events.listeners[event]
    ]


HANDLER_NAMES = sorted(qualname for _, _, qualname in skip_unchanged.HANDLERS)


def test_skip_unchanged_skips_when_nothing_is_read_purged_or_written(tmp_path):
    (tmp_path / "search.html").write_text("<html></html>")
    app, ran, _ = _fake_app(skip_unchanged.HANDLERS, tmp_path)
    skip_unchanged._install(app)
    assert app.builder.get_outdated_docs() == []
    assert all(result in (None, []) for result in _emit_all(app))
    app.builder.gen_additional_pages()
    assert ran == []
    # Without a search page to keep, the search page is written even then.
    (tmp_path / "search.html").unlink()
    app.builder.gen_additional_pages()
    assert ran == ["search page"]


@pytest.mark.parametrize("change", ["read", "purged", "outdated", "build_all", "build_specific"])
def test_skip_unchanged_runs_everything_when_a_page_changes(tmp_path, change):
    (tmp_path / "search.html").write_text("<html></html>")
    app, ran, connected = _fake_app(skip_unchanged.HANDLERS, tmp_path)
    if change == "outdated":
        app.builder.get_outdated_docs = lambda: iter(["chapter"])
    skip_unchanged._install(app)
    if change == "read":
        for note_read in connected["env-before-read-docs"]:
            note_read(app, None, ["chapter"])
    elif change == "purged":
        for note_purge in connected["env-purge-doc"]:
            note_purge(app, None, "chapter")
    elif change == "outdated":
        assert app.builder.get_outdated_docs() == ["chapter"]  # passed through unchanged
    else:
        getattr(app.builder, change)(*(["chapter.md"] if change == "build_specific" else []))
    results = _emit_all(app)
    assert ["a-doc"] in results  # the toctree collector's answer is passed through
    app.builder.gen_additional_pages()
    assert sorted(set(ran) - {"build_all", "build_specific"}) == sorted(
        [*HANDLER_NAMES, "search page"]
    )


def test_skip_unchanged_fails_loudly_when_a_handler_is_renamed(tmp_path):
    known = sorted(skip_unchanged.HANDLERS)
    app, _, _ = _fake_app(known[1:], tmp_path)
    with pytest.raises(ExtensionError, match=rf"not found: {known[0][1]}\.{known[0][2]}"):
        skip_unchanged._install(app)
