"""Committed and handed-out notebooks keep text and static images, not interactive frames."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import nbformat
import pytest

from wnlib.interactive import interactive_figure

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from editions.outputs import WIDGET_VIEW, slim_outputs  # noqa: E402


def _draw(fig, a, b):
    fig.add_subplot().plot([0, 1], [a, b])


def _notebook_with_figure():
    f = interactive_figure(_draw, {"a": [0.0, 1.0], "b": [2.0, 3.0, 4.0]}, alt="A line",
                           labels={"a": "α"}, initial={"b": 3.0}, figsize=(2, 2))
    bundle = f._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    cell = nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\nf")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="kept\n"),
        nbformat.v4.new_output("display_data", data=bundle),
        nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "x"},
                                                     "text/plain": "VBox()"}),
    ]
    nb.cells = [cell]
    return f, nb


def test_an_interactive_output_becomes_its_first_frame_and_a_run_line():
    f, nb = _notebook_with_figure()
    assert slim_outputs(nb) == 1
    outs = nb["cells"][0]["outputs"]
    assert outs[0]["text"] == "kept\n"
    line, image, rest = outs[1], outs[2], outs[3]
    assert "Run this cell to move the sliders" in line["data"]["text/markdown"]
    assert "α = 0, b = 3" in line["data"]["text/markdown"]
    k0 = f.frame_number((0, 1))
    assert base64.b64decode(image["data"]["image/png"]) == f.render(k0)
    assert "wn-interactive" not in json.dumps(nb)
    assert WIDGET_VIEW not in json.dumps(nb) and rest["data"] == {"text/plain": "VBox()"}
    assert "widgets" not in nb["metadata"]
    nbformat.validate(nbformat.from_dict(nb))


def test_other_outputs_are_untouched():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/html": "<b>x</b>"},
                                           execution_count=1)]
    nb.cells = [cell]
    before = json.dumps(nb, sort_keys=True)
    assert slim_outputs(nb) == 0
    assert json.dumps(nb, sort_keys=True) == before


@pytest.mark.parametrize("path", sorted((ROOT / "chapters").glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_chapters_carry_no_frames_or_widget_state(path):
    text = path.read_text(encoding="utf-8")
    assert 'class=\\"wn-frames\\"' not in text, "run make notebooks (tools/run_notebooks.py)"
    assert '"widgets"' not in json.loads(text)["metadata"]


@pytest.mark.editions
def test_handed_out_notebooks_have_no_dead_sliders(student_dir):
    handed_out = [
        *student_dir.glob("notebooks/*.ipynb"),
        *(ROOT / "_build" / "instructor" / "notebooks").glob("*.ipynb"),
        *student_dir.glob("branch/chapters/*.ipynb"),
    ]
    assert len(handed_out) >= 15
    for path in handed_out:
        text = path.read_text(encoding="utf-8")
        assert 'class=\\"wn-interactive' not in text, f"{path}: interactive HTML left"
        assert WIDGET_VIEW not in text, f"{path}: widget view left"
    runs = sum(p.read_text(encoding="utf-8").count("Run this cell to move the sliders")
               for p in handed_out)
    assert runs >= len(handed_out), "each chapter's interactive figure says to run the cell"
