"""The copy-a-snippet promise: every chapter runs as a plain Python script.

Each notebook page's code cells, in order, become one script that runs in a fresh
interpreter (no IPython kernel, no magics) with only the installed packages, the
non-interactive Agg backend, a temporary working directory and a time limit. Pages run
two at a time (the machine has two cores).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import ROOT

TIMEOUT = 300  # seconds per page; a page is meant to run in well under a minute
BOOK = ROOT / "book"
MAGIC = re.compile(r"^\s*[%!]", re.M)


def notebook_sources() -> list[Path]:
    return sorted(
        path
        for path in BOOK.glob("*.md")
        if "kernelspec:" in path.read_text(encoding="utf8")[:2000]
    )


def page_script(path: Path) -> str:
    """The page's code cells as one script; cells tagged raises-exception must raise."""
    import jupytext

    notebook = jupytext.read(path, fmt="md:myst")
    parts = [f"# Script exported from book/{path.name} by tests/built_site/test_scripts.py"]
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        source = cell.source
        magic = MAGIC.search(source)
        if magic:
            raise AssertionError(
                f"{path.name} cell {index} uses IPython syntax ({magic.group().strip()!r}); "
                "pages must run as plain Python"
            )
        parts.append(f"# --- cell {index}")
        if "raises-exception" in cell.metadata.get("tags", []):
            parts.append(
                "try:\n    exec(compile("
                f"{source!r}, 'cell {index}', 'exec'))\n"
                "except Exception as error:\n"
                "    print('expected exception:', type(error).__name__)\n"
                "else:\n"
                f"    raise AssertionError('cell {index} is tagged raises-exception but ran')"
            )
        else:
            parts.append(source)
    return "\n\n".join(parts) + "\n"


def run_script(path: Path, workdir: Path) -> subprocess.CompletedProcess:
    script = workdir / f"{path.stem}.py"
    script.write_text(page_script(path), encoding="utf8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JPY_", "IPY", "JUPYTER", "PYTEST", "COV_"))
    }
    env.update(
        MPLBACKEND="Agg",
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        # The package itself, as an installed copy would provide it (nox installs it too).
        PYTHONPATH=str(ROOT),
        PYTHONWARNINGS="default",
    )
    return subprocess.run(
        [sys.executable, "-X", "utf8", str(script)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="session")
def script_runs(tmp_path_factory):
    """Start every page's script, two at a time; tests collect the results."""
    pool = ThreadPoolExecutor(max_workers=2)
    futures = {}
    for path in notebook_sources():
        workdir = tmp_path_factory.mktemp(path.stem)
        futures[path.name] = pool.submit(run_script, path, workdir)
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize("name", [p.name for p in notebook_sources()])
def test_page_runs_as_a_plain_script(script_runs, name):
    result = script_runs[name].result()
    assert result.returncode == 0, (
        f"{name} failed as a script (exit {result.returncode}):\n"
        f"--- stdout (tail)\n{result.stdout[-2000:]}\n--- stderr (tail)\n{result.stderr[-4000:]}"
    )


def test_page_script_rejects_ipython_syntax(tmp_path):
    page = tmp_path / "magic.md"
    page.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
        "# A page\n\n```{code-cell} ipython3\n%matplotlib inline\nx = 1\n```\n",
        encoding="utf8",
    )
    with pytest.raises(AssertionError, match="uses IPython syntax"):
        page_script(page)


def test_a_page_that_needs_a_kernel_fails_as_a_script(tmp_path):
    page = tmp_path / "kernel.md"
    page.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
        "```{code-cell} ipython3\ndisplay(1)\n```\n",
        encoding="utf8",
    )
    result = run_script(page, tmp_path)
    assert result.returncode != 0
    assert "NameError" in result.stderr
