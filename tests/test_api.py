"""The public namespace: one import reaches every public name, and __all__ is honest."""

import inspect

import landscape as ls


def _isort_key(name):
    # The order ruff's RUF022 enforces: SCREAMING_CASE, then CamelCase, then the rest.
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_and_unique():
    assert list(ls.__all__) == sorted(set(ls.__all__), key=_isort_key)


def test_every_name_in_all_exists_and_is_public():
    missing = [name for name in ls.__all__ if not hasattr(ls, name)]
    assert missing == []
    assert all(not name.startswith("_") for name in ls.__all__)


def test_public_objects_are_exported():
    # Every public class or function bound in the namespace is listed in __all__.
    unexported = [
        name
        for name, obj in vars(ls).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and name not in ls.__all__
    ]
    assert unexported == []


def test_every_public_name_has_examples():
    lacking = [
        name for name in ls.__all__ if "Examples" not in (inspect.getdoc(getattr(ls, name)) or "")
    ]
    assert lacking == []
