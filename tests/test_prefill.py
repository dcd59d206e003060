"""tools/prefill_cache.py: the build waits for each notebook while the prefill runs.

``make book`` starts ``jupyter-book build`` while the notebooks still execute; the Sphinx
side (``wait_for_notebook``) must hold a notebook page until its notebook is in the cache,
not wait at all when no prefill runs (or its process is gone), and ``--then`` must run the
build and pass its failure on.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("jupyter_cache")

import prefill_cache  # noqa: E402  (tools/ is on sys.path: tests/conftest.py)


def _notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def _cache_it(path: Path, cache_dir: Path) -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    nb = nbformat.read(path, as_version=4)
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"},
                                                  execution_count=1)]
    cache = get_cache(str(cache_dir))
    record = cache.add_nb_to_project(str(path))
    cache.cache_notebook_bundle(CacheBundleIn(nb, record.uri), check_validity=False,
                                overwrite=True)


def test_no_prefill_no_wait(tmp_path: Path) -> None:
    path, cache_dir = _notebook(tmp_path), tmp_path / "cache"
    cache_dir.mkdir()
    assert prefill_cache.wait_for_notebook(path, cache_dir) == 0.0
    # a prefill that died without removing its file does not hold the build either
    (cache_dir / prefill_cache.PID_FILE).write_text("999999999")
    assert prefill_cache.wait_for_notebook(path, cache_dir) == 0.0


@pytest.fixture
def prefill_process(tmp_path: Path):
    """A stand-in for a running prefill: a process that ends by itself after 60 s (so a
    broken wait cannot hang the suite), announced in the cache folder."""
    from jupyter_cache import get_cache

    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    get_cache(str(cache_dir))  # the cache database exists before anyone polls it
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    (cache_dir / prefill_cache.PID_FILE).write_text(str(proc.pid))
    yield cache_dir, proc
    proc.kill()
    proc.wait()


def test_waits_until_the_notebook_is_cached(tmp_path: Path, prefill_process) -> None:
    cache_dir, _ = prefill_process
    path = _notebook(tmp_path)
    timer = threading.Timer(1.0, _cache_it, (path, cache_dir))
    timer.start()
    try:
        waited = prefill_cache.wait_for_notebook(path, cache_dir, poll=0.05)
    finally:
        timer.join()
    assert 0.9 <= waited < 30


def test_waits_until_the_prefill_ends(tmp_path: Path, prefill_process) -> None:
    """A notebook that never gets cached (it failed) is left to myst-nb once the prefill ends:
    its announcement removed, or its process gone."""
    cache_dir, proc = prefill_process
    path = _notebook(tmp_path)
    pid_file = cache_dir / prefill_cache.PID_FILE
    timer = threading.Timer(0.8, pid_file.unlink)
    timer.start()
    t0 = time.perf_counter()
    prefill_cache.wait_for_notebook(path, cache_dir, poll=0.05)
    timer.join()
    assert 0.7 <= time.perf_counter() - t0 < 30
    pid_file.write_text(str(proc.pid))
    # (killed and reaped: a zombie still answers os.kill(pid, 0))
    timer = threading.Timer(0.8, lambda: (proc.kill(), proc.wait()))
    timer.start()
    t0 = time.perf_counter()
    prefill_cache.wait_for_notebook(path, cache_dir, poll=0.05)
    timer.join()
    assert 0.7 <= time.perf_counter() - t0 < 30


def test_then_runs_the_build_and_passes_its_failure_on(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(prefill_cache, "toc_notebooks", lambda root=None: [])
    marker = tmp_path / "built"
    ok = ["--cache", str(tmp_path / "cache"), "--then", sys.executable, "-c",
          f"open({str(marker)!r}, 'w').close()"]
    assert prefill_cache.main(ok) == 0
    assert marker.is_file()
    bad = ["--cache", str(tmp_path / "cache"), "--then", sys.executable, "-c",
           "raise SystemExit(3)"]
    assert prefill_cache.main(bad) == 3
