"""Benchmark of the interactive figures (not a test: it prints times and ratios).

Runs every chapter notebook's code in this process (IPython, Agg backend) with
``wnlib.interactive.interactive_figure`` wrapped so that each figure it makes is kept; then,
for every figure, draws all frames and reports from its renderer's own timings: one ``draw``
call (budget of AUTHORING.md: 50 ms), one slider step in a live kernel for a frame not drawn
before (``draw`` + PNG encoding), all frames (what the build pays), and the frames' bytes.
The library itself measures nothing outside its renderer; timing lives here.

Usage: ``make bench`` or ``.venv/bin/python bench/bench_interactive.py [chapters/0N_x.ipynb]``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DRAW_BUDGET_S = 0.050


def figures_of(path: Path) -> list:
    """Run the notebook's code cells; return the InteractiveFigure objects it made."""
    from IPython.core.interactiveshell import InteractiveShell

    import wnlib.interactive as wi

    made = []
    original = wi.interactive_figure

    def keep(*args, **kwargs):
        fig = original(*args, **kwargs)
        made.append(fig)
        return fig

    wi.interactive_figure = keep
    shell = InteractiveShell.instance()
    cwd = os.getcwd()
    try:
        os.chdir(path.parent)
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                src = "\n".join(
                    line for line in cell.source.splitlines() if not line.startswith("%")
                )
                with contextlib.redirect_stdout(io.StringIO()):
                    result = shell.run_cell(src, silent=True)
                if not result.success:
                    raise RuntimeError(f"{path.name}: a cell failed: {result.error_in_exec}")
    finally:
        os.chdir(cwd)
        wi.interactive_figure = original
        InteractiveShell.clear_instance()
    return made


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    header = f"{'figure':<46} {'frames':>6} {'draw ms':>8} {'draw/50ms':>9} " \
             f"{'step ms':>8} {'max step':>8} {'all s':>6} {'kB':>6}"
    print(header)
    print("-" * len(header))
    for path in paths:
        for fig in figures_of(path):
            r = fig.renderer
            frames = fig.frames()
            draw, step = np.mean(r.draw_times), np.mean(r.render_times)
            print(
                f"{path.stem[:12] + ': ' + fig.alt[:32]:<46} {fig.n_frames:>6} "
                f"{1000 * draw:>8.1f} {draw / DRAW_BUDGET_S:>9.2f} {1000 * step:>8.1f} "
                f"{1000 * max(r.render_times):>8.1f} {sum(r.render_times):>6.2f} "
                f"{sum(map(len, frames)) / 1e3:>6.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
