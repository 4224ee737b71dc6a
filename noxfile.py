"""Sessions for building, testing and benchmarking Landscape.

nox -s book     build the HTML book (cached execution) into _build/html
nox -s serve    rebuild and reload the book on every change
nox -s tests    everything that decides green: ruff, pytest + doctests, a forced strict book
                build, then the built site in headless Chromium and as scripts
nox -s lint     ruff check and ruff format --check
nox -s bench    speed and memory benchmarks, printed as side-by-side ratios
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).resolve().parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
PYTHON = "3.11"

# Compile bytecode at install time: this environment sets PYTHONDONTWRITEBYTECODE=1, which
# otherwise makes every Sphinx start recompile thousands of modules. Single-threaded BLAS
# is faster on 2 cores and avoids BLAS hangs when pages execute in parallel (-j 2).
os.environ.update(
    {
        "UV_COMPILE_BYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
)

SPHINX = ["sphinx-build", "-j", "2", "-c", ".", "book", str(HTML)]


@nox.session(python=PYTHON)
def book(session: nox.Session) -> None:
    """Build the book with cached execution; pages re-run when their code or the package changes."""
    session.install("-e", ".[docs]")
    session.run(*SPHINX, *session.posargs)
    session.log(f"The book is at {HTML / 'index.html'}")


@nox.session(python=PYTHON)
def serve(session: nox.Session) -> None:
    """Serve the book on http://127.0.0.1:8000 and rebuild on every change."""
    session.install("-e", ".[docs,dev]")
    session.run(
        "sphinx-autobuild",
        *SPHINX[1:],
        "--watch",
        "landscape",
        "--ignore",
        "*/_build/*",
        "--ignore",
        "*/jupyter_execute/*",
        "--ignore",
        "*/.jupyter_cache/*",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Everything that decides green, in order: ruff; unit and property tests with the doctests
    of the package and of the book's pycon blocks; a forced, strict build of the book;
    then the tests of the fresh build (tests/built_site): the pages in headless Chromium,
    every page run as a plain script, the downloads, links and API reference, and the
    execution cache. Arguments after `--` go to the first pytest run."""
    session.install("-e", ".[test,docs]", "ruff==0.17.6")
    # Lint first: it takes a second and a style slip should not wait for the build.
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("pytest", *session.posargs)
    # A fresh output folder (Sphinx never deletes the HTML of a removed page); -E re-reads
    # every page so each one executes; -n -W --keep-going turns every warning (including
    # unresolved cross-references) into a failure; cell errors abort the build.
    shutil.rmtree(HTML, ignore_errors=True)
    session.run(
        *SPHINX[:-1],
        str(HTML),
        "-E",
        "-n",
        "-W",
        "--keep-going",
        "-D",
        "nb_execution_mode=force",
    )
    session.log(f"The book built cleanly into {HTML}")
    # Browser tests need Chromium at /usr/bin/chromium (Debian/Ubuntu package `chromium`);
    # without it they skip locally and fail in CI (CI=true).
    session.run("pytest", "tests/built_site")
    session.log(f"Screenshots of every page (light and dark) are in {BUILD / 'screenshots'}")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff==0.17.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: ratios measured side by side in one run (not part of CI's pass/fail)."""
    session.install("-e", ".[test,docs]")
    for script in sorted((ROOT / "tests" / "benchmarks").glob("bench_*.py")):
        session.run("python", str(script), *session.posargs)
