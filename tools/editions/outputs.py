"""What a committed or handed-out notebook keeps of its outputs.

An interactive figure's output carries every frame (base64 PNGs in its ``text/html``) and
an ipywidgets view whose state only a running kernel has. Committed, that is ~3.6 MB the
build regenerates anyway; opened in Jupyter Lab before the cell runs, it shows sliders that
do nothing (Lab strips the figure's script). :func:`slim_outputs` replaces each such output
by its first frame as a static image and one line saying to run the cell (once run, the
cell shows the live widget), and drops the saved widget state. Text outputs and static
images stay: nbval compares the text, the reader sees the images.

Used by ``tools/run_notebooks.py`` (committed notebooks) and by
:func:`editions.myst2md.convert_notebook` (every notebook handed to students and instructors).
"""

from __future__ import annotations

import json
import re
from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_BLOB = re.compile(r'<script type="application/json" class="wn-frames">(.*?)</script>', re.S)
_FRAME = re.compile(r'data-wn-frame="(\d+)"')

RUN_LINE = "▶ *Run this cell to move the sliders.* Until then it shows one frame: {values}."


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _static_version(output: dict) -> list[dict] | None:
    """The two outputs replacing one interactive-figure output, or None if it is not one."""
    data = output.get("data", {})
    html = _text(data.get("text/html", ""))
    blob = _BLOB.search(html)
    if 'class="wn-interactive"' not in html or not blob:
        return None
    info = json.loads(blob.group(1))
    frame = int(_FRAME.search(html).group(1)) if _FRAME.search(html) else 0
    indices, rest = [], frame
    for stride in info["strides"]:
        indices.append(rest // stride)
        rest %= stride
    values = ", ".join(
        f"{name} = {vals[i]}"
        for name, vals, i in zip(info["names"], info["values"], indices, strict=True)
    )
    png = info["frames"][frame] if "frames" in info else None
    if png is None:
        return None
    line = RUN_LINE.format(values=values)
    return [
        {"output_type": "display_data", "metadata": {},
         "data": {"text/markdown": line, "text/plain": line}},
        {"output_type": "display_data", "metadata": {},
         "data": {"image/png": png, "text/plain": f"{info['alt']} ({values})"}},
    ]


def slim_outputs(nb: dict) -> int:
    """Slim a notebook in place; return how many interactive outputs were replaced.

    Parameters
    ----------
    nb : dict
        A notebook (``nbformat`` node or plain dict), modified in place.

    Returns
    -------
    int
        The number of interactive-figure outputs replaced by their static version.
    """
    replaced = 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            static = _static_version(out) if out.get("output_type") in (
                "display_data", "execute_result") else None
            if static is not None:
                replaced += 1
                outputs.extend(static)
            elif WIDGET_VIEW in out.get("data", {}):
                data = {k: v for k, v in out["data"].items() if k != WIDGET_VIEW}
                if data:
                    outputs.append({**out, "data": data})
            else:
                outputs.append(out)
        cell["outputs"] = outputs
    nb.get("metadata", {}).pop("widgets", None)
    return replaced
