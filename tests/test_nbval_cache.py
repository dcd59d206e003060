"""tools/nbval_cache.py: nbval's run of a notebook fills Jupyter Book's execution cache.

A small notebook is checked by nbval (in a subprocess, as ``make test-nb`` runs it) with the
plugin on; the cache must then hold it, matched the way myst-nb matches (the code cells'
sources), with the outputs a fresh kernel gives (jupyter-cache's own executor, streams
merged as the website merges them). A notebook whose committed outputs do not match, or
with a skipped cell, must not be stored.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

pytest.importorskip("nbval")
pytest.importorskip("jupyter_cache")

CELLS = [
    "import sys\nprint('one')\nsys.stdout.flush()\nprint('two')",
    "x = 6 * 7\nx",
    "from IPython.display import HTML, display\ndisplay(HTML('<b>bold</b>'))\nprint('after')",
]


def _notebook(path: Path, cells: list[str]) -> Path:
    """Execute ``cells`` with jupyter-cache's executor and save them as a committed notebook."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    result = single_nb_execution(nb, cwd=str(path.parent), timeout=60, allow_errors=False)
    assert result.err is None, result.exc_string
    nbformat.write(result.nb, path)
    return path


def _nbval(paths: list[Path], cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
         "tools.nbval_cache", "--nbval-cache", str(cache), "--nbval", "--nbval-current-env",
         *map(str, paths)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


def _merged(outputs: list) -> list:
    from myst_nb.core.utils import coalesce_streams

    return [dict(o) for o in coalesce_streams([nbformat.from_dict(dict(o)) for o in outputs])]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One nbval run over three notebooks: one passing, one with a wrong committed output,
    one with a skipped cell (each with its own code, hence its own cache key)."""
    base = tmp_path_factory.mktemp("nbval_cache")
    good = _notebook(base / "good.ipynb", CELLS)
    nb = nbformat.read(good, as_version=4)
    nb.cells[1].source += "  # a committed output that is not what this code prints"
    nb.cells[1].outputs[0]["data"]["text/plain"] = "41"
    nbformat.write(nb, base / "wrong.ipynb")
    nb = nbformat.read(good, as_version=4)
    nb.cells[1].source = "# NBVAL_SKIP\n" + nb.cells[1].source
    nbformat.write(nb, base / "skipped.ipynb")
    proc = _nbval([good, base / "wrong.ipynb", base / "skipped.ipynb"], base / "cache")
    return {"base": base, "proc": proc, "cache": base / "cache"}


def test_nbval_ran_and_saw_the_wrong_output(run: dict) -> None:
    out = run["proc"].stdout
    assert run["proc"].returncode == 1, out
    assert "1 failed" in out and "1 skipped" in out, out


def test_a_passing_notebook_is_cached_with_its_outputs(run: dict) -> None:
    from jupyter_cache import get_cache

    committed = nbformat.read(run["base"] / "good.ipynb", as_version=4)
    cache = get_cache(str(run["cache"]))
    cached = cache.match_cache_notebook(committed)  # KeyError if not stored
    stored = cache.get_cache_bundle(cached.pk).nb
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert [c.source for c in code] == CELLS
    for mine, ref in zip(code, committed.cells, strict=True):
        assert _merged(mine.outputs) == _merged(ref.outputs)
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert code[1].outputs[0]["data"]["text/plain"] == "42"


@pytest.mark.parametrize("name", ["wrong", "skipped"])
def test_a_failing_or_skipped_notebook_is_not_cached(run: dict, name: str) -> None:
    from jupyter_cache import get_cache

    cache = get_cache(str(run["cache"]))
    with pytest.raises(KeyError):
        cache.match_cache_notebook(nbformat.read(run["base"] / f"{name}.ipynb", as_version=4))
