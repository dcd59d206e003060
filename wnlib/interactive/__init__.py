"""Interactive figures that work both in a live kernel and on the static website.

One call, :func:`interactive_figure`, turns a drawing function and a grid of control values
into an object that Jupyter displays in two ways at once:

* ``application/vnd.jupyter.widget-view+json``: an ipywidgets UI (one ``SelectionSlider``
  per control and an ``Image``). In Jupyter Lab, Colab or Binder, moving a slider calls
  ``draw`` in the kernel and shows the new picture.
* ``text/html``: a kernel-free version for the website. Every frame (one per combination of
  control values, at most ``MAX_FRAMES``) is drawn once; a few lines of inline
  JavaScript switch frames when an HTML range slider moves. On the website the frames are
  image files loaded when first shown (``tools/wn_frames.py``); it works offline.

The website build prefers ``text/html`` (``nb_mime_priority_overrides`` in ``_config.yml``);
Jupyter front ends prefer the widget. A notebook saved by ``tools/run_notebooks.py`` keeps
only the first frame and a line saying to run the cell (no dead sliders before it runs).

The pieces, one job each (as matplotlib splits an animation from its writers):
``_grid.FrameGrid`` (controls and frame numbering), ``_render.FrameRenderer`` (drawing and
PNG encoding), ``_html.to_html`` (the kernel-free HTML) and ``_widget.live_widget`` (the
ipywidgets UI).

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

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ._grid import MAX_FRAMES, FrameGrid
from ._html import to_html
from ._render import FrameRenderer
from ._widget import live_widget

__all__ = ["MAX_FRAMES", "InteractiveFigure", "interactive_figure"]


class InteractiveFigure:
    """A figure with sliders over a finite grid of parameter values.

    Made by :func:`interactive_figure` (which holds the defaults); displayed by making it the
    last expression of a cell.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws one frame into ``fig`` (see :func:`interactive_figure`).
    controls : mapping of str to list
        Control name (a keyword argument of ``draw``) -> the grid of its values.
    alt : str
        What the figure shows (non-empty).
    figsize : (float, float)
        Figure size in inches.
    labels : mapping of str to str or None
        Display labels of the controls.
    fmt : str or callable
        Format of the displayed values.
    dpi : int
        Resolution of the frames.
    initial : mapping of str to value or None
        Starting values of some controls (grid values).

    Attributes
    ----------
    alt : str
        What the figure shows.
    grid : FrameGrid
        Controls, values and frame numbering (``names``, ``grids``, ``labels``).
    renderer : FrameRenderer
        Draws and caches frames; ``draw_times`` / ``render_times`` are read by ``bench/``.
    """

    def __init__(
        self,
        draw: Callable[..., Any],
        controls: Mapping[str, Sequence[Any]],
        *,
        alt: str,
        figsize: tuple[float, float],
        labels: Mapping[str, str] | None,
        fmt: str | Callable[[Any], str],
        dpi: int,
        initial: Mapping[str, Any] | None,
    ) -> None:
        if not callable(draw):
            raise TypeError("draw must be a callable draw(fig, **values)")
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError("alt must be a non-empty description of what the figure shows")
        self.alt = alt.strip()
        self.grid = FrameGrid(controls, dict(labels or {}), fmt, dict(initial or {}))
        self.renderer = FrameRenderer(draw, self.grid.values_of, figsize, dpi)

    # thin views on the parts, for notebooks and tests
    @property
    def n_frames(self) -> int:
        """Number of frames, the product of the grid sizes."""
        return self.grid.n_frames

    @property
    def names(self) -> tuple[str, ...]:
        """The control names, in the order of the frame numbering."""
        return self.grid.names

    @property
    def grids(self) -> tuple[tuple[Any, ...], ...]:
        """The grid of values of each control, in the order of ``names``."""
        return self.grid.grids

    def frame_number(self, indices: Sequence[int]) -> int:
        """Frame number of a tuple of grid indices (one per control).

        Parameters
        ----------
        indices : sequence of int
            One index into the grid of each control, in the order of ``names``.

        Returns
        -------
        int
            The frame number, in ``0 … n_frames − 1``.
        """
        return self.grid.frame_number(indices)

    def values_of(self, frame: int) -> dict[str, Any]:
        """Control values of frame number ``frame``.

        Parameters
        ----------
        frame : int
            A frame number.

        Returns
        -------
        dict
            Control name -> its value in that frame.
        """
        return self.grid.values_of(frame)

    def render(self, frame: int) -> bytes:
        """PNG bytes of frame ``frame`` (drawn once, then cached).

        Parameters
        ----------
        frame : int
            A frame number.

        Returns
        -------
        bytes
            The PNG image of the frame.
        """
        return self.renderer.render(frame)

    def frames(self) -> list[bytes]:
        """PNG bytes of every frame, in frame-number order.

        Returns
        -------
        list of bytes
            One PNG image per frame.
        """
        return [self.renderer.render(k) for k in range(self.grid.n_frames)]

    def to_html(self) -> str:
        """Kernel-free HTML: every frame, labelled sliders, inline JS (``_html.to_html``).

        Returns
        -------
        str
            An HTML fragment that works without a kernel (the website's figure).
        """
        return to_html(self.grid, self.renderer, self.alt)

    def widget(self):
        """The live ipywidgets UI: a slider per control above the image (``_widget``).

        Returns
        -------
        ipywidgets.VBox
            The sliders and the image, updated as the sliders move.
        """
        return live_widget(self.grid, self.renderer)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = dict(self.widget()._repr_mimebundle_())
        bundle["text/html"] = self.to_html()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        grid = ", ".join(
            f"{n}: {len(g)} values" for n, g in zip(self.grid.names, self.grid.grids, strict=True)
        )
        return f"<InteractiveFigure {self.alt!r}; {grid}; {self.grid.n_frames} frames>"


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
        ``MAX_FRAMES`` (60).
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
    TypeError
        If ``draw`` is not callable.

    Notes
    -----
    All frames are drawn when the figure is displayed (the website needs them),
    so in a kernel the first display takes ``n_frames`` draw calls; slider moves
    afterwards are instant. Start the cell with ``# NBVAL_IGNORE_OUTPUT``.
    """
    return InteractiveFigure(
        draw, controls, alt=alt, figsize=figsize, labels=labels, fmt=fmt, dpi=dpi,
        initial=initial,
    )
