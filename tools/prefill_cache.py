"""Execute the book's notebooks in parallel into Jupyter Book's execution cache.

Jupyter Book 1 (myst-nb, ``execute_notebooks: cache``) runs the notebooks it does not find
in ``_build/.jupyter_cache`` one after the other while it reads the pages. This script runs
first (``make book``): it finds the notebooks of ``_toc.yml`` whose code is not cached yet,
executes them in parallel (one worker process per core, each with its own kernel, in the
notebook's folder, like myst-nb's "local" execution) and stores them with jupyter-cache's
own API, keyed by the same hash myst-nb matches on (the code cells' sources). The build
that follows then finds every notebook in the cache and only renders.

Usage: ``python tools/prefill_cache.py [--jobs N] [--timeout S] [--cache DIR]``.
Exits 1 (printing the failing cell's traceback) if a notebook raises.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"


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


def prefill(jobs: int, timeout: int, cache_dir: Path = CACHE) -> int:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_dir))
    todo = []
    for path in toc_notebooks():
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(path)
    if not todo:
        print("prefill: every notebook is cached")
        return 0
    print(f"prefill: executing {len(todo)} notebook(s) with {jobs} worker(s)")
    t0 = time.perf_counter()
    failed = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_execute, str(p), timeout) for p in todo]
        for fut in futures:
            path, nb_dict, seconds, error = fut.result()
            rel = Path(path).relative_to(ROOT)
            if error:
                failed += 1
                print(f"prefill: {rel} FAILED\n{error}", file=sys.stderr)
                continue
            record = cache.add_nb_to_project(path)
            cache.cache_notebook_bundle(
                CacheBundleIn(
                    nbformat.from_dict(nb_dict), record.uri,
                    data={"execution_seconds": seconds},
                ),
                check_validity=False,
                overwrite=True,
            )
            print(f"prefill: {rel} executed in {seconds:.1f} s")
    print(f"prefill: done in {time.perf_counter() - t0:.1f} s")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    return prefill(max(1, args.jobs), args.timeout, args.cache)


if __name__ == "__main__":
    sys.exit(main())
