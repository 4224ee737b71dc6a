"""The API reference, generated from ``landscape.__all__``.

``book/api.md`` holds one directive, ``{landscape-api}``. It expands, at build time, to
one section per module that defines public names (in the order of the package's data
flow), each with a summary table and the full autodoc entry of every name, documented
under its public path ``landscape.<name>``. A name added to ``__all__`` appears in the
reference on the next build; nobody edits ``api.md``.

For ``conf.py`` it provides ``xref_aliases()``, the numpydoc cross-reference aliases
that keep real types linked in parameter types such as ``array_like, shape (d,)``
(with ``numpydoc_xref_ignore = "all"`` the free words ``shape`` and ``(d,)`` stay text
while ``Objective`` or ``numpy.random.Generator`` link), and ``codeautolink_map()``,
which maps the defining-module paths of public classes and their members
(``landscape.objective.Objective.hessian``) to the documented public paths, because
sphinx-codeautolink follows type hints to the defining module. It also hides the
"Alias for field number N" members of NamedTuple results.
"""

from __future__ import annotations

import importlib
import inspect
from collections import defaultdict

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

PACKAGE = "landscape"

# Sections follow the package's data flow (DESIGN.md); modules not listed come last.
MODULE_ORDER = [
    "objective",
    "surfaces",
    "benchmarks",
    "random_matrix",
    "data",
    "nn",
    "network",
    "operators",
    "critical",
    "critical_search",
    "spectrum",
    "density",
    "optim",
    "adaptive",
    "schedules",
    "linesearch",
    "training",
    "sharpness",
    "slices",
    "connectivity",
    "stability",
    "diagnostics",
    "plotting",
]


def public_names(package: str = PACKAGE) -> list[str]:
    """The names in ``package.__all__``."""
    return list(importlib.import_module(package).__all__)


def defining_module(obj, package: str = PACKAGE) -> str:
    """The submodule that defines ``obj`` (``landscape.objective``), else the package."""
    module = getattr(obj, "__module__", None)
    if isinstance(module, str) and module.startswith(package + "."):
        return module
    return package


def grouped_names(package: str = PACKAGE) -> dict[str, list[str]]:
    """Public names grouped by defining module, modules in data-flow order."""
    pkg = importlib.import_module(package)
    groups: dict[str, list[str]] = defaultdict(list)
    for name in pkg.__all__:
        groups[defining_module(getattr(pkg, name), package)].append(name)

    def rank(module: str) -> tuple[int, str]:
        short = module.removeprefix(package + ".")
        top = short.split(".")[0]  # a subpackage's modules sort with the subpackage
        order = MODULE_ORDER.index(top) if top in MODULE_ORDER else len(MODULE_ORDER)
        return order, short

    return {module: sorted(groups[module]) for module in sorted(groups, key=rank)}


def _directive_for(obj) -> str:
    if inspect.isclass(obj):
        return "autoclass"
    if callable(obj):
        return "autofunction"
    return "autodata"


def _summary_paragraph(module) -> list[str]:
    doc = inspect.getdoc(module) or ""
    return doc.split("\n\n")[0].splitlines() if doc else []


def api_markdown(package: str = PACKAGE) -> list[str]:
    """MyST source for the whole reference: a heading per module, autodoc inside.

    ``api.md`` is parsed by MyST, so the directive's content is MyST too; docstrings are
    reStructuredText, so the autodoc directives sit in ``{eval-rst}`` blocks.
    """
    pkg = importlib.import_module(package)
    lines = []
    for module_name, names in grouped_names(package).items():
        module = importlib.import_module(module_name)
        lines += [f"## `{module_name}`", "", "````{eval-rst}", f".. currentmodule:: {package}", ""]
        lines += [*_summary_paragraph(module), ""]
        lines += [".. autosummary::", "   :nosignatures:", ""]
        lines += [f"   {name}" for name in names] + [""]
        for name in names:
            directive = _directive_for(getattr(pkg, name))
            lines.append(f".. {directive}:: {name}")
            if directive == "autoclass":
                lines.append("   :members:")
            lines.append("")
        lines += ["````", ""]
    return lines


class LandscapeAPI(SphinxDirective):
    """``{landscape-api}``: the reference of every name in ``landscape.__all__``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        # Rebuild the page when any package module changes.
        pkg = importlib.import_module(PACKAGE)
        for module_name in {defining_module(getattr(pkg, n)) for n in pkg.__all__}:
            source = inspect.getsourcefile(importlib.import_module(module_name))
            if source:
                self.env.note_dependency(source)
        container = nodes.section()
        container.document = self.state.document
        content = StringList(api_markdown(), source=self.env.docname)
        nested_parse_with_titles(self.state, content, container)
        return container.children


def codeautolink_map(package: str = PACKAGE) -> dict[str, str]:
    """``{defining path: public path}`` for public classes and their public members."""
    pkg = importlib.import_module(package)
    mapping = {}
    for name in pkg.__all__:
        obj = getattr(pkg, name)
        if not inspect.isclass(obj):
            continue
        canonical = f"{obj.__module__}.{obj.__qualname__}"
        public = f"{package}.{name}"
        if canonical == public:
            continue
        mapping[canonical] = public
        for member in dir(obj):
            if not member.startswith("_"):
                mapping[f"{canonical}.{member}"] = f"{public}.{member}"
    return mapping


def xref_aliases(external_names=(), package: str = PACKAGE) -> dict[str, str]:
    """numpydoc aliases: public classes, common external types, ``external_names``.

    With ``numpydoc_xref_ignore = "all"`` numpydoc links only aliased words, and only
    when the alias is a role (an alias equal to its key is left as plain text), so every
    value here is an explicit ``:obj:`` reference that keeps the text as written.
    """

    def ref(title: str, target: str) -> str:
        return f":obj:`{title}`" if title == target else f":obj:`{title} <{target}>`"

    pkg = importlib.import_module(package)
    targets = {name: name for name in external_names}
    targets.update(
        {
            "Generator": "numpy.random.Generator",
            "np.random.Generator": "numpy.random.Generator",
            "np.ndarray": "numpy.ndarray",
            "LinearOperator": "scipy.sparse.linalg.LinearOperator",
            "Axes": "matplotlib.axes.Axes",
            "Figure": "matplotlib.figure.Figure",
            "Colormap": "matplotlib.colors.Colormap",
            "Path": "pathlib.Path",
            "pathlib.Path": "pathlib.Path",
            "object": "object",
            "complex": "complex",
        }
    )
    for name in pkg.__all__:
        obj = getattr(pkg, name)
        if inspect.isclass(obj):
            public = f"{package}.{name}"
            for spelling in (name, public, f"{obj.__module__}.{obj.__qualname__}"):
                targets[spelling] = public
    aliases = {title: ref(title, target) for title, target in targets.items()}
    # Python's inventory here has no label for bool; numpydoc's default points at one.
    aliases["bool"] = aliases["boolean"] = ":class:`bool`"
    return aliases


def _skip_namedtuple_fields(app, what, name, obj, skip, options):
    doc = getattr(obj, "__doc__", None) or ""
    if what == "class" and doc.startswith("Alias for field number"):
        return True
    return None


def setup(app):
    app.add_directive("landscape-api", LandscapeAPI)
    app.connect("autodoc-skip-member", _skip_namedtuple_fields)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
