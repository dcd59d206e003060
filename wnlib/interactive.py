"""Interactive figures that work both in a live kernel and on the static website.

One call, :func:`interactive_figure`, turns a drawing function and a grid of
control values into an object that Jupyter displays in two ways at once:

* ``application/vnd.jupyter.widget-view+json``: an ipywidgets UI (one
  ``SelectionSlider`` per control and an ``Image``). In Jupyter Lab (``make lab``),
  Colab or Binder, moving a slider calls ``draw`` in the kernel and shows the new
  picture.
* ``text/html``: a kernel-free version for the website. Every frame (one per
  combination of control values, at most :data:`MAX_FRAMES`) is drawn once, stored as
  a base64 PNG in the page, and a few lines of inline vanilla JavaScript switch
  frames when an HTML range slider moves. No external script, no request: it works
  offline and several of them can sit on one page.

The website build prefers ``text/html`` (``nb_mime_priority_overrides`` in
``_config.yml``); Jupyter front ends prefer the widget.

Examples
--------
>>> import numpy as np
>>> def draw(fig, eta):
...     ax = fig.add_subplot()
...     t = np.arange(50)
...     ax.plot(t, (1 - eta) ** t)
...     ax.set_title(f"eta = {eta}")
>>> f = interactive_figure(draw, {"eta": [0.05, 0.1, 0.2]}, alt="Geometric decay (1-eta)^t")
>>> f.n_frames
3
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["MAX_FRAMES", "InteractiveFigure", "interactive_figure"]

#: Largest number of frames (product of all grid sizes) an interactive figure may have.
MAX_FRAMES = 60

# Inline script shared by every interactive figure. It initialises every
# ``.wn-interactive`` block on the page that is not initialised yet, so the same
# script may appear several times on a page without harm.
_SCRIPT = """
(function () {
  var roots = document.querySelectorAll(".wn-interactive:not([data-wn-ready])");
  Array.prototype.forEach.call(roots, function (root) {
    root.setAttribute("data-wn-ready", "1");
    var data = JSON.parse(root.querySelector("script.wn-frames").textContent);
    var img = root.querySelector("img.wn-frame");
    var inputs = root.querySelectorAll("input.wn-slider");
    var outs = root.querySelectorAll("output.wn-value");
    function update() {
      var k = 0, parts = [];
      for (var i = 0; i < inputs.length; i++) {
        var v = parseInt(inputs[i].value, 10);
        k += v * data.strides[i];
        outs[i].textContent = data.values[i][v];
        parts.push(data.names[i] + " = " + data.values[i][v]);
      }
      img.src = "data:image/png;base64," + data.frames[k];
      img.alt = data.alt + " (" + parts.join(", ") + ")";
      root.setAttribute("data-wn-frame", String(k));
    }
    Array.prototype.forEach.call(inputs, function (inp) {
      inp.addEventListener("input", update);
      inp.addEventListener("change", update);
    });
  });
})();
""".strip()

_STYLE = (
    ".wn-interactive{margin:0.5em 0 1em 0}"
    ".wn-interactive img.wn-frame{max-width:100%;height:auto;display:block}"
    ".wn-interactive .wn-controls{display:flex;flex-wrap:wrap;gap:0.3em 1.5em;"
    "font-family:sans-serif;font-size:0.9em;margin-top:0.3em}"
    ".wn-interactive label{display:flex;align-items:center;gap:0.5em}"
    ".wn-interactive output{min-width:4em;font-variant-numeric:tabular-nums}"
)


def _format_value(value: Any, fmt: str | Callable[[Any], str]) -> str:
    """Format one control value for display (falls back to ``str``)."""
    if callable(fmt):
        return str(fmt(value))
    try:
        return fmt.format(value)
    except (ValueError, TypeError):
        return str(value)


class InteractiveFigure:
    """A figure with sliders over a finite grid of parameter values.

    Build it with :func:`interactive_figure`; display it by making it the last
    expression of a cell (or with ``IPython.display.display``).

    Attributes
    ----------
    names : tuple of str
        Control names, in the order of ``controls``.
    grids : tuple of tuple
        The grid of values of each control.
    n_frames : int
        Number of frames, the product of the grid sizes.
    draw_times : list of float
        Wall-clock seconds of every ``draw`` call so far (``draw`` only).
    render_times : list of float
        Seconds per frame including the PNG encoding: what one slider step costs in
        a live kernel for a frame not drawn before.

    Notes
    -----
    If the environment variable ``WNLIB_BENCH_FILE`` is set, :meth:`to_html` appends
    one JSON line with these timings to that file (``bench/bench_book.py`` uses it).
    """

    def __init__(
        self,
        draw: Callable[..., Any],
        controls: Mapping[str, Sequence[Any]],
        *,
        alt: str,
        figsize: tuple[float, float] = (8, 3.5),
        labels: Mapping[str, str] | None = None,
        fmt: str | Callable[[Any], str] = "{:.3g}",
        dpi: int = 80,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        if not callable(draw):
            raise TypeError("draw must be a callable draw(fig, **values)")
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError("alt must be a non-empty description of what the figure shows")
        if not isinstance(controls, Mapping) or not controls:
            raise ValueError("controls must be a non-empty mapping name -> list of values")
        grids = []
        for name, values in controls.items():
            if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
                raise ValueError(f"control {name!r}: expected a list of values, got {values!r}")
            values = tuple(values.tolist() if isinstance(values, np.ndarray) else values)
            if not values:
                raise ValueError(f"control {name!r} has no values")
            grids.append(values)
        n_frames = math.prod(len(g) for g in grids)
        if n_frames > MAX_FRAMES:
            sizes = " x ".join(str(len(g)) for g in grids)
            raise ValueError(
                f"{sizes} = {n_frames} frames; an interactive figure may have at most "
                f"{MAX_FRAMES}. Use fewer grid values."
            )
        labels = dict(labels or {})
        unknown = set(labels) - set(controls)
        if unknown:
            raise ValueError(f"labels for unknown controls: {sorted(unknown)}")

        self.draw = draw
        self.names: tuple[str, ...] = tuple(controls)
        self.grids: tuple[tuple[Any, ...], ...] = tuple(grids)
        self.labels: dict[str, str] = {n: labels.get(n, n) for n in self.names}
        self.alt = alt.strip()
        self.figsize = tuple(figsize)
        self.dpi = int(dpi)
        self.fmt = fmt
        self.n_frames = n_frames
        self.draw_times: list[float] = []
        self.render_times: list[float] = []
        # mixed-radix strides: the last control varies fastest
        strides, s = [], 1
        for g in reversed(self.grids):
            strides.append(s)
            s *= len(g)
        self.strides: tuple[int, ...] = tuple(reversed(strides))
        self.initial_index = self._initial_index(initial or {})
        self._frames: dict[int, bytes] = {}
        self._fig = Figure(figsize=self.figsize, dpi=self.dpi)
        FigureCanvasAgg(self._fig)

    # ----------------------------------------------------------------- indexing
    def _initial_index(self, initial: Mapping[str, Any]) -> tuple[int, ...]:
        unknown = set(initial) - set(self.names)
        if unknown:
            raise ValueError(f"initial values for unknown controls: {sorted(unknown)}")
        idx = []
        for name, grid in zip(self.names, self.grids, strict=True):
            if name in initial:
                try:
                    idx.append(grid.index(initial[name]))
                except ValueError:
                    raise ValueError(
                        f"initial value {initial[name]!r} of {name!r} is not in its grid"
                    ) from None
            else:
                idx.append(0)
        return tuple(idx)

    def frame_number(self, indices: Sequence[int]) -> int:
        """Frame number of a tuple of grid indices (one per control)."""
        return sum(i * s for i, s in zip(indices, self.strides, strict=True))

    def values_of(self, frame: int) -> dict[str, Any]:
        """Control values of frame number ``frame``."""
        if not 0 <= frame < self.n_frames:
            raise IndexError(f"frame {frame} out of range 0..{self.n_frames - 1}")
        return {
            name: grid[(frame // s) % len(grid)]
            for name, grid, s in zip(self.names, self.grids, self.strides, strict=True)
        }

    @property
    def mean_draw_time(self) -> float:
        """Mean seconds per ``draw`` call so far (``nan`` before the first)."""
        return float(np.mean(self.draw_times)) if self.draw_times else float("nan")

    # ---------------------------------------------------------------- rendering
    def render(self, frame: int) -> bytes:
        """PNG bytes of frame number ``frame`` (drawn once, then cached)."""
        if frame not in self._frames:
            values = self.values_of(frame)
            self._fig.clear()
            t0 = time.perf_counter()
            self.draw(self._fig, **values)
            t1 = time.perf_counter()
            self._frames[frame] = self._png()
            self.draw_times.append(t1 - t0)
            self.render_times.append(time.perf_counter() - t0)
        return self._frames[frame]

    def _png(self) -> bytes:
        """The current figure as a compact PNG (256-colour palette, on white).

        About 3x smaller than matplotlib's RGBA PNG; `optimize=True` would save 7% more for
        ~20 ms per frame, not worth it.
        """
        canvas = self._fig.canvas
        canvas.draw()
        rgba = Image.fromarray(np.asarray(canvas.buffer_rgba()))
        rgb = Image.new("RGB", rgba.size, "white")
        rgb.paste(rgba, mask=rgba.getchannel("A"))
        buf = io.BytesIO()
        rgb.quantize(256).save(buf, format="PNG")
        return buf.getvalue()

    def frames(self) -> list[bytes]:
        """PNG bytes of every frame, in frame-number order."""
        return [self.render(k) for k in range(self.n_frames)]

    def _display_values(self, i: int) -> list[str]:
        return [_format_value(v, self.fmt) for v in self.grids[i]]

    def _record_timings(self) -> None:
        path = os.environ.get("WNLIB_BENCH_FILE")
        if not path or not self.draw_times:
            return
        record = {
            "alt": self.alt,
            "n_frames": self.n_frames,
            "mean_draw_s": self.mean_draw_time,
            "mean_render_s": float(np.mean(self.render_times)),
            "max_render_s": float(np.max(self.render_times)),
            "frames_bytes": sum(len(f) for f in self._frames.values()),
        }
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def to_html(self) -> str:
        """Kernel-free HTML: all frames as base64 PNG, range sliders and inline JS."""
        frames = [base64.b64encode(png).decode("ascii") for png in self.frames()]
        self._record_timings()
        shown = [self._display_values(i) for i in range(len(self.names))]
        names = [self.labels[n] for n in self.names]
        k0 = self.frame_number(self.initial_index)
        parts = ", ".join(
            f"{n} = {shown[i][j]}"
            for i, (n, j) in enumerate(zip(names, self.initial_index, strict=True))
        )
        data = {
            "alt": self.alt,
            "names": names,
            "values": shown,
            "strides": list(self.strides),
            "frames": frames,
        }
        # "<" escaped so that no "</script>" can end the data block early
        blob = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
        width, height = (round(x * self.dpi) for x in self.figsize)
        sliders = []
        for i, name in enumerate(names):
            j = self.initial_index[i]
            sliders.append(
                "<label>"
                f'<span class="wn-name">{html.escape(name)}</span>'
                f'<input class="wn-slider" type="range" min="0" '
                f'max="{len(self.grids[i]) - 1}" step="1" value="{j}" '
                f'aria-label="{html.escape(name, quote=True)}">'
                f'<output class="wn-value">{html.escape(shown[i][j])}</output>'
                "</label>"
            )
        return (
            f'<div class="wn-interactive" data-wn-frame="{k0}">'
            f"<style>{_STYLE}</style>"
            f'<img class="wn-frame" src="data:image/png;base64,{frames[k0]}" '
            f'alt="{html.escape(f"{self.alt} ({parts})", quote=True)}" '
            f'width="{width}" height="{height}">'
            f'<div class="wn-controls">{"".join(sliders)}</div>'
            f'<script type="application/json" class="wn-frames">{blob}</script>'
            f"<script>{_SCRIPT}</script>"
            "</div>"
        )

    # ------------------------------------------------------------------ widgets
    def widget(self):
        """The live ipywidgets UI: one ``SelectionSlider`` per control and an ``Image``.

        Moving a slider draws the new frame (frames already drawn are reused).
        """
        import ipywidgets as widgets

        image = widgets.Image(
            value=self.render(self.frame_number(self.initial_index)),
            format="png",
            layout=widgets.Layout(width=f"{round(self.figsize[0] * self.dpi)}px", max_width="100%"),
        )
        sliders = []
        for i, name in enumerate(self.names):
            options = list(zip(self._display_values(i), range(len(self.grids[i])), strict=True))
            sliders.append(
                widgets.SelectionSlider(
                    options=options,
                    value=self.initial_index[i],
                    description=self.labels[name],
                    continuous_update=False,
                    style={"description_width": "initial"},
                )
            )

        def on_change(_change: Any) -> None:
            image.value = self.render(self.frame_number([s.value for s in sliders]))

        for s in sliders:
            s.observe(on_change, names="value")
        return widgets.VBox([image, widgets.HBox(sliders)])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {}
        try:
            bundle.update(self.widget()._repr_mimebundle_())
        except ImportError:  # pragma: no cover - ipywidgets is a dependency
            pass
        bundle["text/html"] = self.to_html()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        grid = ", ".join(
            f"{n}: {len(g)} values" for n, g in zip(self.names, self.grids, strict=True)
        )
        return f"<InteractiveFigure {self.alt!r}; {grid}; {self.n_frames} frames>"


def interactive_figure(
    draw: Callable[..., Any],
    controls: Mapping[str, Sequence[Any]],
    *,
    alt: str,
    figsize: tuple[float, float] = (8, 3.5),
    labels: Mapping[str, str] | None = None,
    fmt: str | Callable[[Any], str] = "{:.3g}",
    dpi: int = 80,
    initial: Mapping[str, Any] | None = None,
) -> InteractiveFigure:
    """Make a figure with one slider per control, live in a kernel and static on the web.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws into ``fig``, an empty
        :class:`matplotlib.figure.Figure` (cleared before every call), for one value
        of each control. It must not call ``plt.show()`` or create its own figure.
        Keep one call under 50 ms.
    controls : mapping of str to list
        Control name (a keyword argument of ``draw``) -> the grid of its values.
        The product of the grid sizes is the number of frames, at most
        :data:`MAX_FRAMES` (60).
    alt : str
        Alternative text describing what the figure shows (required). On the
        website the current control values are appended to it.
    figsize : (float, float), default (8, 3.5)
        Figure size in inches.
    labels : mapping of str to str, optional
        Display label of a control (e.g. ``{"eta": "η"}``); defaults to its name.
    fmt : str or callable, default ``"{:.3g}"``
        Format of the displayed values (``str.format`` pattern or a function);
        values it cannot format are shown with ``str``.
    dpi : int, default 80
        Resolution of the frames (figure pixels = ``figsize * dpi``).
    initial : mapping of str to value, optional
        Starting value of some controls (must be grid values); others start at
        their first grid value.

    Returns
    -------
    InteractiveFigure
        Make it the last expression of the cell to display it.

    Raises
    ------
    ValueError
        If there are more than 60 frames, a grid is empty, ``alt`` is empty,
        or ``labels`` / ``initial`` name an unknown control.

    Notes
    -----
    All frames are drawn when the figure is displayed (the website needs them),
    so in a kernel the first display takes ``n_frames`` draw calls; slider moves
    afterwards are instant. Start the cell with ``# NBVAL_IGNORE_OUTPUT``.
    """
    return InteractiveFigure(
        draw,
        controls,
        alt=alt,
        figsize=figsize,
        labels=labels,
        fmt=fmt,
        dpi=dpi,
        initial=initial,
    )
