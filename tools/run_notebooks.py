"""Execute chapter notebooks in place, top to bottom in one fresh kernel each (before committing).

Usage: ``python tools/run_notebooks.py [chapters/01_setup.ipynb ...]`` (default: every chapter).
Notebooks are committed executed; nbval then re-runs them and compares every text output.
The install cell (first code cell) is rewritten from ``_config.yml``'s ``repository.url``, and
interactive figures keep only their first frame and a "run this cell" line
(``tools/editions/outputs.py``): a re-execution commit stays small, and no slider is dead before
the cell runs.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course_config import install_cell_source, is_install_cell  # noqa: E402
from editions.outputs import slim_outputs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def merge_streams(nb: nbformat.NotebookNode) -> None:
    """Join consecutive writes to the same stream of a cell into one output.

    How a kernel splits a cell's printing into stream messages depends on timing (flushes,
    machine load), so without this a re-execution changes the committed file where nothing
    changed. nbval and the website (``nb_merge_streams``) merge streams anyway.
    """
    for cell in nb.cells:
        merged: list = []
        for out in cell.get("outputs", []):
            prev = merged[-1] if merged else None
            if (out.get("output_type") == "stream" and prev is not None
                    and prev.get("output_type") == "stream" and prev.name == out.name):
                prev.text += out.text
            else:
                merged.append(out)
        if "outputs" in cell:
            cell.outputs = merged


def run(path: Path) -> float:
    """Execute ``path`` in place with its folder as working directory; return the seconds taken."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # the install cell, written from _config.yml's repository.url
        if is_install_cell(cell):
            cell.source = install_cell_source()
    for cell in nb.cells:  # stable, valid cell ids (nbformat >= 4.5)
        if not cell.get("id"):
            cell["id"] = uuid.uuid5(uuid.NAMESPACE_URL, f"{path.name}:{cell.source}").hex[:8]
    start = time.perf_counter()
    # record_timing=False: no per-cell timestamps, so a re-execution changes only what changed
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    seconds = time.perf_counter() - start
    merge_streams(nb)
    slim_outputs(nb)  # interactive figures: first frame + "run this cell"; no widget state
    nb = nbformat.from_dict(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        print(f"{path}: {run(path.resolve()):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
