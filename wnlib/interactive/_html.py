"""The kernel-free HTML of an interactive figure: frames, labelled sliders, inline JS.

Every frame is in the HTML as a base64 PNG inside a JSON block; on the website the
``wn_frames`` Sphinx extension (``tools/wn_frames.py``) moves them into image files that
load when first shown, and replaces ``frames`` by ``urls`` in the JSON. The script accepts
either. No external script, no request: it works offline, several figures per page.

Accessibility: each slider has a visible label, an ``aria-label`` and an
``aria-valuetext`` with its name and value ("g₀ = 0.5"); a polite live region announces the
new figure description after each move; the image's ``alt`` is the description plus the
current values; the block is a labelled group with an ``id`` that skip links can target.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

from ._grid import FrameGrid
from ._render import FrameRenderer

# Initialises every ``.wn-interactive`` block on the page not initialised yet, so the
# same script may appear several times on a page without harm.
SCRIPT = """
(function () {
  var roots = document.querySelectorAll(".wn-interactive:not([data-wn-ready])");
  Array.prototype.forEach.call(roots, function (root) {
    root.setAttribute("data-wn-ready", "1");
    var data = JSON.parse(root.querySelector("script.wn-frames").textContent);
    var img = root.querySelector("img.wn-frame");
    var inputs = root.querySelectorAll("input.wn-slider");
    var outs = root.querySelectorAll("output.wn-value");
    var status = root.querySelector(".wn-status");
    function src(k) {
      return data.urls ? data.urls[k] : "data:image/png;base64," + data.frames[k];
    }
    function update() {
      var k = 0, parts = [];
      for (var i = 0; i < inputs.length; i++) {
        var v = parseInt(inputs[i].value, 10);
        var text = data.names[i] + " = " + data.values[i][v];
        k += v * data.strides[i];
        outs[i].textContent = data.values[i][v];
        inputs[i].setAttribute("aria-valuetext", text);
        parts.push(text);
      }
      img.src = src(k);
      // the website wraps the frame in a link that opens it full size (tools/wn_a11y.py)
      var zoom = img.parentNode;
      if (zoom && zoom.classList && zoom.classList.contains("wn-zoom")) { zoom.href = src(k); }
      img.alt = data.alt + " (" + parts.join(", ") + ")";
      if (status) { status.textContent = "Figure now shows: " + img.alt; }
      root.setAttribute("data-wn-frame", String(k));
    }
    Array.prototype.forEach.call(inputs, function (inp) {
      inp.addEventListener("input", update);
      inp.addEventListener("change", update);
    });
  });
})();
""".strip()

STYLE = (
    ".wn-interactive{margin:0.5em 0 1em 0}"
    ".wn-interactive img.wn-frame{max-width:100%;height:auto;display:block}"
    ".wn-interactive .wn-controls{display:flex;flex-wrap:wrap;gap:0.3em 1.5em;"
    "font-family:sans-serif;font-size:0.9em;margin-top:0.3em}"
    ".wn-interactive label{display:flex;align-items:center;gap:0.5em}"
    ".wn-interactive .wn-name{font-weight:600}"
    ".wn-interactive output{min-width:4em;font-variant-numeric:tabular-nums}"
    ".wn-interactive .wn-status{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}"
)


def figure_id(alt: str, grid: FrameGrid) -> str:
    """A stable element id for the figure (skip links and labels point at it)."""
    key = json.dumps([alt, grid.names, grid.shown], ensure_ascii=False)
    return "wn-fig-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def to_html(grid: FrameGrid, renderer: FrameRenderer, alt: str) -> str:
    """Kernel-free HTML of the figure: all frames (base64 PNG), sliders and inline JS.

    Parameters
    ----------
    grid : FrameGrid
        The controls and frame numbering.
    renderer : FrameRenderer
        Draws (and caches) the frames.
    alt : str
        What the figure shows; the current values are appended.

    Returns
    -------
    str
        One ``<div class="wn-interactive">`` block.
    """
    frames = [
        base64.b64encode(renderer.render(k)).decode("ascii") for k in range(grid.n_frames)
    ]
    names = [grid.labels[n] for n in grid.names]
    k0 = grid.initial_frame
    fid = figure_id(alt, grid)
    data = {
        "alt": alt,
        "names": names,
        "values": [list(v) for v in grid.shown],
        "strides": list(grid.strides),
        "frames": frames,
    }
    # "<" escaped so that no "</script>" can end the data block early
    blob = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    width, height = renderer.pixel_size
    sliders = []
    for i, name in enumerate(names):
        j = grid.initial_index[i]
        value = grid.shown[i][j]
        sliders.append(
            f'<label for="{fid}-{i}">'
            f'<span class="wn-name">{html.escape(name)}</span>'
            f'<input class="wn-slider" id="{fid}-{i}" type="range" min="0" '
            f'max="{len(grid.grids[i]) - 1}" step="1" value="{j}" '
            f'aria-label="{html.escape(name, quote=True)}" '
            f'aria-valuetext="{html.escape(f"{name} = {value}", quote=True)}">'
            f'<output class="wn-value" for="{fid}-{i}">{html.escape(value)}</output>'
            "</label>"
        )
    described = f"{alt} ({grid.describe(k0)})"
    return (
        f'<div class="wn-interactive" id="{fid}" role="group" '
        f'aria-label="{html.escape("Interactive figure: " + alt, quote=True)}" '
        f'data-wn-frame="{k0}">'
        f"<style>{STYLE}</style>"
        f'<img class="wn-frame" src="data:image/png;base64,{frames[k0]}" '
        f'alt="{html.escape(described, quote=True)}" width="{width}" height="{height}">'
        f'<div class="wn-controls">{"".join(sliders)}</div>'
        '<p class="wn-status" aria-live="polite"></p>'
        f'<script type="application/json" class="wn-frames">{blob}</script>'
        f"<script>{SCRIPT}</script>"
        "</div>"
    )
