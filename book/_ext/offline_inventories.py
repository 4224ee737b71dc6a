"""Intersphinx inventories for numpy, scipy, matplotlib and Python, built offline.

The book builds with no network (CI reaches only package registries), so intersphinx
cannot download ``objects.inv`` files. This module writes inventories from the
*installed* packages by introspection, using each project's real URL scheme, so
references such as :func:`numpy.linalg.eigh` resolve and link to the online docs.
Inventories are cached per package version under ``_build/inventories``.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.metadata
import inspect
import os
import zlib
from pathlib import Path

_HEADER = "# Sphinx inventory version 2\n# Project: {project}\n# Version: {version}\n"
_HEADER += "# The remainder of this file is compressed using zlib.\n"
# Bump when the entries written below change, so cached inventories are rewritten.
_SCHEMA = 2


def _public(module):
    names = getattr(module, "__all__", None) or dir(module)
    return [n for n in names if not n.startswith("_") and hasattr(module, n)]


def _objects(module_name, uri, *, methods_of=(), method_uri=None):
    """Yield (name, role, uri) for a module's public functions and classes."""
    module = importlib.import_module(module_name)
    for attr in _public(module):
        obj = getattr(module, attr)
        full = f"{module_name}.{attr}"
        if inspect.isclass(obj):
            yield full, "py:class", uri.format(full=full)
            if attr in methods_of:
                for meth in dir(obj):
                    if not meth.startswith("_") and callable(getattr(obj, meth, None)):
                        name = f"{full}.{meth}"
                        yield name, "py:method", (method_uri or uri).format(full=name)
        elif callable(obj):
            yield full, "py:function", uri.format(full=full)


def _numpy():
    gen = "reference/generated/{full}.html#{full}"
    yield from _objects("numpy", gen, methods_of=("ndarray",))
    yield from _objects("numpy.linalg", gen)
    rnd = "reference/random/generated/{full}.html#{full}"
    for name, role, _ in _objects("numpy.random", rnd, methods_of=("Generator",)):
        if name in ("numpy.random.Generator", "numpy.random.default_rng"):
            yield name, role, f"reference/random/generator.html#{name}"
        else:
            yield name, role, rnd.format(full=name)
    yield "numpy.typing.ArrayLike", "py:data", "reference/typing.html#numpy.typing.ArrayLike"
    yield "numpy.typing.NDArray", "py:data", "reference/typing.html#numpy.typing.NDArray"
    for term in ("array_like", "array-like"):
        yield term, "std:term", "glossary.html#term-array_like"
    for const in ("inf", "nan", "pi", "e", "newaxis"):
        yield f"numpy.{const}", "py:data", f"reference/constants.html#numpy.{const}"
    # Targets of numpydoc's default aliases ("scalar").
    yield "arrays.scalars", "std:label", "reference/arrays.scalars.html#arrays-scalars"


def _scipy():
    gen = "reference/generated/{full}.html#{full}"
    for mod in (
        "scipy.optimize",
        "scipy.sparse.linalg",
        "scipy.linalg",
        "scipy.stats",
        "scipy.integrate",
        "scipy.special",
        "scipy.interpolate",
    ):
        yield from _objects(mod, gen, methods_of=("LinearOperator",))


def _matplotlib():
    gen = "api/_as_gen/{full}.html#{full}"
    yield from _objects("matplotlib.pyplot", gen)
    yield from _objects("matplotlib.axes", gen, methods_of=("Axes",))
    yield from _objects("matplotlib.figure", gen, methods_of=("Figure",))
    yield "matplotlib.colors.Colormap", "py:class", gen.format(full="matplotlib.colors.Colormap")


def _python():
    for name in dir(builtins):
        obj = getattr(builtins, name)
        if name.startswith("_"):
            continue
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            yield name, "py:exception", f"library/exceptions.html#{name}"
        elif inspect.isclass(obj):
            page = (
                "functions"
                if name in ("int", "float", "bool", "str", "complex", "object", "type", "bytes")
                else "stdtypes"
            )
            yield name, "py:class", f"library/{page}.html#{name}"
        elif callable(obj):
            yield name, "py:function", f"library/functions.html#{name}"
    for const in ("None", "True", "False", "Ellipsis", "NotImplemented"):
        yield const, "py:data", f"library/constants.html#{const}"
    # Glossary terms and labels that numpydoc's default aliases point at
    # ("iterable", "sequence", "generator", "bool").
    for term in ("iterable", "sequence", "generator", "mapping", "hashable", "callable"):
        yield term, "std:term", f"glossary.html#term-{term}"
    yield "bltin-boolean-values", "std:label", "library/stdtypes.html#boolean-values"
    for module, page in (
        ("collections.abc", "collections.abc"),
        ("typing", "typing"),
        ("dataclasses", "dataclasses"),
        ("pathlib", "pathlib"),
        ("json", "json"),
        ("csv", "csv"),
        ("io", "io"),
        ("argparse", "argparse"),
    ):
        for name, role, _ in _objects(module, ""):
            yield name, role, f"library/{page}.html#{name}"


_PROJECTS = {
    "python": ("Python", "https://docs.python.org/3/", _python, "platform"),
    "numpy": ("NumPy", "https://numpy.org/doc/stable/", _numpy, "numpy"),
    "scipy": ("SciPy", "https://docs.scipy.org/doc/scipy/", _scipy, "scipy"),
    "matplotlib": ("Matplotlib", "https://matplotlib.org/stable/", _matplotlib, "matplotlib"),
}


def _version(module_name):
    if module_name == "platform":
        import platform

        return platform.python_version()
    # The distribution's metadata, not an import: importing scipy and matplotlib at every
    # Sphinx start costs a noticeable share of a no-op rebuild.
    return importlib.metadata.version(module_name)


def write_inventory(path, project, version, entries):
    seen, lines = set(), []
    for name, role, uri in entries:
        if (name, role) in seen:
            continue
        seen.add((name, role))
        lines.append(f"{name} {role} 1 {uri} -")
    body = zlib.compress("\n".join(sorted(lines)).encode() + b"\n")
    # Write then rename: two builds starting at once never read a half-written file.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(_HEADER.format(project=project, version=version).encode() + body)
    os.replace(tmp, path)


def read_inventory(path):
    """Yield ``(name, role, uri)`` from an inventory written by :func:`write_inventory`."""
    data = Path(path).read_bytes()
    body = data.split(b"\n", 4)[4]
    for line in zlib.decompress(body).decode().splitlines():
        name, role, _priority, uri, _dispname = line.rsplit(" ", 4)
        yield name, role, uri


def python_object_names(mapping, projects=("numpy", "scipy", "matplotlib")):
    """Qualified names of the Python objects in the inventories of ``projects``."""
    return sorted(
        name
        for key in projects
        for name, role, _ in read_inventory(mapping[key][1])
        if role.startswith("py:") and "." in name
    )


def intersphinx_mapping(cache_dir):
    """Return an ``intersphinx_mapping`` whose inventories are local files."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    mapping = {}
    for key, (project, url, entries, module_name) in _PROJECTS.items():
        version = _version(module_name)
        path = cache_dir / f"{key}-{version}-s{_SCHEMA}.inv"
        if not path.exists():
            write_inventory(path, project, version, entries())
        mapping[key] = (url, str(path))
    return mapping
