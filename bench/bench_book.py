"""Benchmark of the website build (not a test: it prints times and ratios).

1. A clean ``make book``-equivalent build (``tools/prefill_cache.py`` executes the notebooks
   in parallel while ``jupyter-book build -W --keep-going`` already runs and reads each
   notebook page once its notebook is cached) into a temporary directory, so
   nothing is cached and the working tree's ``_build`` is untouched; the ratio of its wall
   time to the sum of the notebooks' run times shows the parallelism whatever the machine.
2. The run time of every notebook, from that build's jupyter-cache records, slowest first.
3. The size of every built page. (Interactive figures: ``bench/bench_interactive.py``.)

Usage: ``make bench`` or ``.venv/bin/python bench/bench_book.py [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def build(out: Path) -> float:
    """What ``make book`` does, into ``out``: the build starts while the prefill runs."""
    jb = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ)
    cmd = [str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "--keep-going", "-q"]
    prefill = [sys.executable, str(ROOT / "tools" / "prefill_cache.py"),
               "--cache", str(out / "_build" / ".jupyter_cache"), "--then", *cmd]
    t0 = time.perf_counter()
    subprocess.run(prefill, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def notebook_times(out: Path) -> list[tuple[str, float, bool]]:
    from jupyter_cache import get_cache

    cache_dir = out / "_build" / ".jupyter_cache"
    if not cache_dir.exists():
        return []
    cache = get_cache(str(cache_dir))
    rows = []
    for rec in cache.list_cache_records():
        data = rec.data or {}
        rows.append(
            (
                Path(rec.uri).relative_to(ROOT).as_posix(),
                float(data.get("execution_seconds", float("nan"))),
                bool(data.get("succeeded", True)),
            )
        )
    return sorted(rows, key=lambda r: -r[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temp dir)")
    args = parser.parse_args()
    tmp = None
    if args.keep:
        out = args.keep.resolve()
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="wn-bench-")
        out = Path(tmp.name)
    try:
        seconds = build(out)
        print(f"clean book build (prefill + jupyter-book build -W, empty cache): {seconds:.1f} s")

        nbs = notebook_times(out)
        total_nb = sum(t for _, t, _ in nbs)
        print(
            f"\nnotebooks executed: {len(nbs)}, {total_nb:.1f} s in kernels; "
            f"build wall time / sum of notebook run times = {seconds / total_nb:.2f} "
            f"(1 = one after the other with nothing else; 1/{os.cpu_count()} = perfect "
            f"parallelism on {os.cpu_count()} cores)"
            if total_nb else "\nno notebook timings in the cache"
        )
        if nbs:
            rows = [
                [n, f"{t:.1f}", f"{t / seconds:.2f}", "ok" if ok else "FAILED"] for n, t, ok in nbs
            ]
            print(_table(rows, ["notebook", "seconds", "share of build", "status"]))
            print(f"slowest notebook: {nbs[0][0]} ({nbs[0][1]:.1f} s)")

        html = out / "_build" / "html"
        pages = sorted(
            (
                p
                for p in html.rglob("*.html")
                if p.relative_to(html).parts[0] not in ("_static", "_sources", "mathjax")
            ),
            key=lambda p: -p.stat().st_size,
        )
        print("\nlargest pages:")
        print(
            _table(
                [
                    [p.relative_to(html).as_posix(), f"{p.stat().st_size / 1e6:.2f}"]
                    for p in pages[:8]
                ],
                ["page", "MB"],
            )
        )
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
