"""Execute the book's notebooks in parallel into Jupyter Book's execution cache.

Jupyter Book 1 (myst-nb, ``execute_notebooks: cache``) runs the notebooks it does not find
in ``_build/.jupyter_cache`` one after the other while it reads the pages. This script runs
first (``make book``): it finds the notebooks of ``_toc.yml`` whose code is not cached yet,
executes them in parallel (one worker process per core, each with its own kernel, in the
notebook's folder, like myst-nb's "local" execution) and stores them with jupyter-cache's
own API, keyed by the same hash myst-nb matches on (the code cells' sources). The build
that follows then finds every notebook in the cache and only renders.

``make book`` does not wait for the last notebook before starting the build:
``prefill_cache.py --then jupyter-book build ...`` starts the build at once, and this module,
loaded as a Sphinx extension (``_config.yml``), holds the reading of each notebook page until
its notebook is in the cache (or the prefill has ended: then myst-nb executes it itself, as
without the prefill). Sphinx's start-up, the other pages and the early chapters are read while
the last notebooks still run. The running prefill is announced by ``prefill.pid`` in the cache
folder (removed when it ends; a dead process id counts as ended).

Usage: ``python tools/prefill_cache.py [--jobs N] [--timeout S] [--cache DIR] [--then CMD ...]``.
Exits 1 (printing the failing cell's traceback) if a notebook raises, or with the exit code of
CMD if that fails.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
PID_FILE = "prefill.pid"


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """The ``.ipynb`` pages named in ``_toc.yml``, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc.get("root", "")]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                entries.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc)
    return [root / f"{e}.ipynb" for e in entries if (root / f"{e}.ipynb").is_file()]


def _execute(path: str, timeout: int) -> tuple[str, dict, float, str | None]:
    """Worker: execute one notebook in its folder; return it as a dict, its time, any error."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    # startup_timeout: a kernel may take more than nbclient's 60 s to start on a busy machine
    result = single_nb_execution(
        nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=False, meta_override=True,
        startup_timeout=600,
    )
    return path, dict(result.nb), result.time, result.exc_string


def cache_executed(cache, path: str, nb: nbformat.NotebookNode, data: dict) -> None:
    """Store the executed notebook ``nb`` of ``path`` in the jupyter-cache ``cache``.

    Keyed as myst-nb matches it (the hash of the code cells' sources); replaces an older entry.
    Used here and by ``tools/nbval_cache.py``.
    """
    from jupyter_cache.base import CacheBundleIn

    record = cache.add_nb_to_project(path)
    cache.cache_notebook_bundle(CacheBundleIn(nb, record.uri, data=data),
                                check_validity=False, overwrite=True)


def prefill(jobs: int, timeout: int, cache_dir: Path = CACHE,
            started: Callable[[], None] | None = None) -> int:
    """Execute the uncached notebooks of the toc, ``jobs`` at a time, into ``cache_dir``.

    ``started`` is called once the running prefill is announced (``prefill.pid``), before
    the first notebook runs; ``make book`` starts the build there.
    """
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    todo = []
    for path in toc_notebooks():
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(path)
    if not todo:
        print("prefill: every notebook is cached")
        if started is not None:
            started()
        return 0
    print(f"prefill: executing {len(todo)} notebook(s) with {jobs} worker(s)", flush=True)
    t0 = time.perf_counter()
    failed = 0
    pid_file = cache_dir / PID_FILE
    pid_file.write_text(str(os.getpid()))
    try:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_execute, str(p), timeout) for p in todo]
            if started is not None:
                started()
            for fut in as_completed(futures):
                path, nb_dict, seconds, error = fut.result()
                rel = Path(path).relative_to(ROOT)
                if error:
                    failed += 1
                    print(f"prefill: {rel} FAILED\n{error}", file=sys.stderr)
                    continue
                cache_executed(cache, path, nbformat.from_dict(nb_dict),
                               {"execution_seconds": seconds})
                print(f"prefill: {rel} executed in {seconds:.1f} s", flush=True)
    finally:
        pid_file.unlink(missing_ok=True)
    print(f"prefill: done in {time.perf_counter() - t0:.1f} s", flush=True)
    return 1 if failed else 0


# ---------------------------------------------------------------- Sphinx side (make book)
def _logger():
    from sphinx.util import logging

    return logging.getLogger(__name__)


def _prefill_running(cache_dir: Path) -> bool:
    try:
        pid = int((cache_dir / PID_FILE).read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def wait_for_notebook(path: Path, cache_dir: Path, poll: float = 0.2) -> float:
    """Block while a prefill runs and ``path`` is not in the cache; return the seconds waited."""
    from jupyter_cache import get_cache

    t0 = time.perf_counter()
    if not _prefill_running(cache_dir):
        return 0.0
    nb = nbformat.read(path, as_version=4)
    cache = get_cache(str(cache_dir))
    while _prefill_running(cache_dir):
        # KeyError: not cached yet; others: the SQLite file is being written
        with contextlib.suppress(Exception):
            cache.match_cache_notebook(nb)
            break
        time.sleep(poll)
    return time.perf_counter() - t0


def _on_source_read(app, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    # myst-nb's default cache folder, next to the builder's output (_build/.jupyter_cache)
    default = Path(app.outdir).parent / ".jupyter_cache"
    cache_dir = Path(app.config.nb_execution_cache_path or default)
    waited = wait_for_notebook(path, cache_dir)
    if waited > 0.5:
        _logger().info(f"prefill: {docname} waited {waited:.1f} s for its notebook")


def setup(app) -> dict:
    """Sphinx extension: hold each notebook page until the running prefill has cached it."""
    app.connect("source-read", _on_source_read)
    return {"parallel_read_safe": False, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--then", nargs=argparse.REMAINDER, default=None, metavar="CMD",
                        help="a command (the book build) to start as soon as the prefill runs")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    build: list[subprocess.Popen] = []

    def start() -> None:
        if args.then:
            build.append(subprocess.Popen(args.then))

    rc = prefill(max(1, args.jobs), args.timeout, args.cache, started=start)
    if build:
        rc = build[0].wait() or rc
    return rc


if __name__ == "__main__":
    sys.exit(main())
