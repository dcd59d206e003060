"""pytest plugin: nbval's run of the chapters fills Jupyter Book's execution cache.

``make test`` used to execute every chapter twice: once by nbval (``make test-nb``, which
re-runs each notebook in a kernel and compares every output with the committed one) and once
more for the website (``tools/prefill_cache.py`` before ``jupyter-book build``). With this
plugin (``python -m pytest -p tools.nbval_cache --nbval-cache DIR ...``), when every cell
of a notebook has run and passed under nbval, the notebook with the outputs nbval's kernel
produced is stored in the jupyter-cache at ``DIR``, with jupyter-cache's own API and the
same key myst-nb matches on (the code cells' sources), as ``prefill_cache.py`` does. The
website build that follows finds it and only renders: the pages show exactly the outputs
nbval has just checked.

A notebook is stored only if all its code cells ran (no ``NBVAL_SKIP``), none raised, and
every comparison passed; otherwise nothing is stored and ``prefill_cache.py`` executes it
for the build as before. Works with pytest-xdist's ``--dist loadfile`` (one notebook, one
worker). Storing is ``prefill_cache.cache_executed``. Tested by ``tests/test_nbval_cache.py``.
"""

from __future__ import annotations

import copy
import fcntl
import time
from pathlib import Path

import nbformat
import pytest

_RUNS: dict[str, dict] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--nbval-cache",
        default=None,
        metavar="DIR",
        help="store every notebook that passes nbval, with its new outputs, in the "
             "jupyter-cache at DIR (Jupyter Book's _build/.jupyter_cache)",
    )


def _is_nbval_cell(item: pytest.Item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "cell")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    if not _is_nbval_cell(item) or not item.config.getoption("--nbval-cache"):
        return
    report = outcome.get_result()
    run = _RUNS.setdefault(str(item.parent.fspath), {"cells": {}, "ok": True,
                                                     "t0": time.perf_counter()})
    if report.when == "call":
        outputs = getattr(item, "test_outputs", None)
        if report.passed and outputs is not None:
            run["cells"][item.cell_num] = [copy.deepcopy(dict(o)) for o in outputs]
        else:
            run["ok"] = False
    elif report.failed:
        run["ok"] = False


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    cache_dir = item.config.getoption("--nbval-cache")
    if not cache_dir or not _is_nbval_cell(item):
        return
    if nextitem is not None and nextitem.parent is item.parent:
        return
    path = Path(str(item.parent.fspath))
    run = _RUNS.pop(str(path), None)
    if run is None or not run["ok"]:
        return
    store(path, run["cells"], Path(cache_dir), time.perf_counter() - run["t0"])


def executed_notebook(path: Path, cells: dict[int, list[dict]]) -> nbformat.NotebookNode | None:
    """The notebook at ``path`` with nbval's outputs; None unless every code cell ran.

    ``cells`` maps nbval's cell number (``Cell k``: the k-th code cell, from 0) to that
    cell's outputs. Execution counts are numbered 1, 2, … in order, as a fresh kernel run
    top to bottom numbers them.
    """
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if set(cells) != set(range(len(code))):
        return None
    count = 0
    for k, cell in enumerate(code):
        if k not in cells:
            return None
        if any(o.get("output_type") == "error" for o in cells[k]):
            return None
        count += 1
        outputs = []
        for out in cells[k]:
            out = dict(out)
            if out["output_type"] == "execute_result":
                out["execution_count"] = count
            outputs.append(nbformat.from_dict(out))
        cell.outputs = outputs
        cell.execution_count = count
    nbformat.validate(nb)
    return nb


def store(path: Path, cells: dict[int, list[dict]], cache_dir: Path, seconds: float) -> bool:
    """Put the executed notebook in the jupyter-cache at ``cache_dir``; True if stored."""
    from jupyter_cache import get_cache

    from .prefill_cache import cache_executed

    nb = executed_notebook(path, cells)
    if nb is None:
        return False
    cache_dir.mkdir(parents=True, exist_ok=True)
    # one writer at a time: xdist workers finish their notebooks concurrently (SQLite)
    with open(cache_dir / ".nbval-cache.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cache_executed(get_cache(str(cache_dir)), str(path), nb,
                       {"execution_seconds": seconds, "by": "nbval"})
    return True
