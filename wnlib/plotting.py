"""One figure style for the course, and the plots more than one chapter draws.

The library never plots as a side effect of computing; these helpers are called by notebooks.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

#: One color per method, used in every chapter.
COLORS = {
    "gd": "#1f77b4",
    "wn": "#2ca02c",
    "rpgd": "#ff7f0e",
    "flow": "#d62728",
    "theory": "#000000",
    "printed": "#9467bd",
    "two_phase": "#8c564b",
}
#: Display names.
LABELS = {
    "gd": "GD",
    "wn": "WN",
    "rpgd": "rPGD",
    "flow": "WN flow",
    "theory": "exact limit (7)",
    "printed": "printed (7)",
    "two_phase": "two-phase recipe",
}


def use_style() -> None:
    """Set the course's matplotlib style (size, fonts, grid) for the rest of the session."""
    mpl.rcParams.update(
        {
            "figure.figsize": (7.5, 3.6),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 10,
            "legend.frameon": False,
            "lines.linewidth": 1.8,
        }
    )


def band(ax: plt.Axes, x, values, *, key: str, label: str | None = None, **kw) -> None:
    """Plot the mean over the last axis of ``values`` with a ± one standard deviation band.

    Parameters
    ----------
    ax : matplotlib Axes
    x : array_like (n,)
    values : array_like (n, k)
        ``k`` repetitions (e.g. random directions) per ``x``.
    key : str
        Method key into :data:`COLORS` / :data:`LABELS`.
    """
    values = np.asarray(values, dtype=float)
    mean, std = values.mean(axis=1), values.std(axis=1)
    color = kw.pop("color", COLORS.get(key))
    ax.plot(x, mean, color=color, label=label or LABELS.get(key, key), **kw)
    ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.2, linewidth=0)
