"""The build's own helpers in book/_ext that run without Sphinx (conf.py's value cache).

The Sphinx extensions themselves are tested on a real build in tests/built_site.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import api_reference  # noqa: E402
import config_cache  # noqa: E402


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
