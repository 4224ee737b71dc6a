"""Let sphinx-codeautolink read pages that contain sphinx-exercise exercises.

sphinx-codeautolink (0.19) tracks section titles with a stack: ``visit_title`` pushes and
``depart_section`` pops. sphinx-exercise wraps the body of every exercise and solution in
a ``section`` node with no title (``ids="exercise-content"``), so the pop runs on an
empty stack and the build aborts with "pop from empty list" in ``doctree-read``. This
extension makes the pop conditional on the section having a title of its own, which is
the invariant the stack was meant to keep. Load it after ``sphinx_codeautolink``.
"""

from __future__ import annotations

from docutils import nodes
from sphinx_codeautolink.extension.block import CodeBlockAnalyser


def _has_own_title(section: nodes.section) -> bool:
    # Docutils dispatches on the class name, so only plain ``title`` nodes were pushed.
    return bool(section.children) and type(section.children[0]) is nodes.title


def _depart_section(self, node) -> None:
    if _has_own_title(node) and self.title_stack:
        self.title_stack.pop()


def setup(app):
    CodeBlockAnalyser.depart_section = _depart_section
    return {"parallel_read_safe": True, "parallel_write_safe": True}
