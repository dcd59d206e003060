"""The live ipywidgets UI of an interactive figure (Jupyter Lab, Colab, Binder)."""

from __future__ import annotations

from typing import Any

from ._grid import FrameGrid
from ._render import FrameRenderer


def live_widget(grid: FrameGrid, renderer: FrameRenderer):
    """One ``SelectionSlider`` per control above an ``Image``; a move draws the new frame.

    Parameters
    ----------
    grid : FrameGrid
    renderer : FrameRenderer

    Returns
    -------
    ipywidgets.VBox
        Frames already drawn are reused.
    """
    import ipywidgets as widgets

    width, _ = renderer.pixel_size
    image = widgets.Image(
        value=renderer.render(grid.initial_frame),
        format="png",
        layout=widgets.Layout(width=f"{width}px", max_width="100%"),
    )
    sliders = []
    for i, name in enumerate(grid.names):
        options = list(zip(grid.shown[i], range(len(grid.grids[i])), strict=True))
        sliders.append(
            widgets.SelectionSlider(
                options=options,
                value=grid.initial_index[i],
                description=grid.labels[name],
                continuous_update=False,
                style={"description_width": "initial"},
            )
        )

    def on_change(_change: Any) -> None:
        image.value = renderer.render(grid.frame_number([s.value for s in sliders]))

    for s in sliders:
        s.observe(on_change, names="value")
    return widgets.VBox([image, widgets.HBox(sliders)])
