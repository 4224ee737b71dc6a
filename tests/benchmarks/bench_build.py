"""How long the book takes to build: clean, no-op, and after editing one page.

Run by ``nox -s bench`` (or directly, from the repository root, in an environment with
the ``docs`` extra). The book's sources (``conf.py``, ``book/``, ``landscape/``) are
copied to a temporary directory so the real tree and its caches are never touched, then:

* a clean build with execution (cache mode, empty cache), reported against the sum of
  the pages' own execution times from the execution-statistics table;
* a no-op rebuild (nothing changed);
* a rebuild after a prose edit to one page (its outputs come from the cache);
* a rebuild after a code edit to one page (that page executes again).

Targets on 2 cores: no-op <= 5 s, one-page edit <= 15 s, and a clean build dominated by
the pages' own computation. Incremental builds are timed with ``-j 1`` and ``-j 2``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"no-op rebuild": 5.0, "one-page prose edit": 15.0}


def copy_tree(dest: Path) -> None:
    shutil.copy(ROOT / "conf.py", dest / "conf.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "book", dest / "book", ignore=ignore)
    shutil.copytree(ROOT / "landscape", dest / "landscape", ignore=ignore)


def build(root: Path, jobs: int) -> float:
    env = dict(
        os.environ,
        PYTHONPATH=str(root),
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="Agg",
    )
    command = [sys.executable, "-m", "sphinx", "-q", "-j", str(jobs)]
    command += ["-c", ".", "book", "_build/html"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


def execution_seconds(root: Path) -> dict[str, float]:
    """Per-page execution times from the built execution-statistics page."""
    path = root / "_build" / "html" / "execution-statistics.html"
    if not path.exists():
        return {}
    html = path.read_text(encoding="utf8")
    if "<tbody>" not in html:
        return {}
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    times = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
        if len(cells) >= 4:
            times[cells[0]] = float(cells[3])
    return times


def notebook_pages(book: Path) -> list[Path]:
    pages = [p for p in sorted(book.glob("*.md")) if "kernelspec:" in p.read_text()[:2000]]
    return pages


def edit_prose(page: Path) -> None:
    page.write_text(page.read_text() + "\nAn added sentence, for the benchmark.\n")


def edit_code(page: Path) -> bool:
    """Append a statement to the page's last code cell; False if it has none."""
    text = page.read_text()
    cells = list(re.finditer(r"```\{code-cell\}[^\n]*\n(.*?)\n```", text, re.S))
    if not cells:
        return False
    end = cells[-1].end(1)
    page.write_text(text[:end] + "\n_benchmark_edit = 1" + text[end:])
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="-j for the clean build")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="landscape-bench-") as tmp:
        root = Path(tmp)
        copy_tree(root)
        results["clean build"] = build(root, args.jobs)
        pages = execution_seconds(root)
        results["sum of page execution"] = sum(pages.values())
        for jobs in (1, 2):
            # The machine is shared: the fastest of three runs is the build's own cost.
            results[f"no-op rebuild (-j {jobs})"] = min(build(root, jobs) for _ in range(3))
        notebooks = notebook_pages(root / "book")
        target = (notebooks or [root / "book" / "index.md"])[0]
        for jobs in (1, 2):
            edit_prose(target)
            results[f"one-page prose edit (-j {jobs})"] = build(root, jobs)
        if notebooks and edit_code(target):
            results["one-page code edit (-j 2)"] = build(root, 2)

    print(f"\nBook build times ({len(pages)} executed pages, edits to {target.name}):")
    width = max(len(k) for k in results)
    for name, seconds in results.items():
        line = f"  {name:<{width}}  {seconds:7.2f} s"
        for label, limit in TARGETS.items():
            if name.startswith(label):
                line += f"   target <= {limit:.0f} s: {'ok' if seconds <= limit else 'MISSED'}"
        print(line)
    if pages:
        share = results["sum of page execution"] / results["clean build"]
        print(f"  pages' own execution is {share:.0%} of the clean build")
        for page, seconds in sorted(pages.items(), key=lambda kv: -kv[1]):
            print(f"    {page:<40} {seconds:6.2f} s")
    if args.json:
        args.json.write_text(json.dumps({"seconds": results, "pages": pages}, indent=2))


if __name__ == "__main__":
    main()
