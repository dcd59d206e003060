"""One figure style for the course, and the plots more than one chapter draws.

The library never plots as a side effect of computing; these helpers are called by notebooks.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

#: The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"): eight colours that
#: readers with any common colour-vision deficiency still tell apart. Yellow (#F0E442) is
#: left out of :data:`COLORS`: too light on a white background.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Colours for a family of curves that are not methods (e.g. one per ``c`` or per ``g0``),
#: in the order they should be used; all from :data:`OKABE_ITO`.
PALETTE = [
    OKABE_ITO[k]
    for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue", "black")
]
#: One colour per method, used in every chapter (Okabe–Ito, colour-blind safe).
COLORS = {
    "gd": OKABE_ITO["blue"],
    "wn": OKABE_ITO["bluish_green"],
    "rpgd": OKABE_ITO["orange"],
    "flow": OKABE_ITO["vermillion"],
    "theory": OKABE_ITO["black"],
    "printed": OKABE_ITO["reddish_purple"],
    "two_phase": OKABE_ITO["sky_blue"],
}
#: One line style and marker per method, so that methods differ by more than colour
#: (a reader who cannot tell two colours apart, or a greyscale print, still can).
STYLES = {
    "gd": {"linestyle": "-", "marker": "o"},
    "wn": {"linestyle": "--", "marker": "s"},
    "rpgd": {"linestyle": "-.", "marker": "^"},
    "flow": {"linestyle": "-", "marker": None},
    "theory": {"linestyle": ":", "marker": None},
    "printed": {"linestyle": (0, (6, 2, 1, 2)), "marker": "x"},
    "two_phase": {"linestyle": (0, (3, 1, 1, 1, 1, 1)), "marker": "D"},
}
#: Line styles and markers for a family of curves (:func:`family`), in the order of
#: :data:`PALETTE`: the members of a family differ by more than colour too.
FAMILY_STYLES = [
    {"linestyle": "-", "marker": "o"},
    {"linestyle": "--", "marker": "s"},
    {"linestyle": "-.", "marker": "^"},
    {"linestyle": ":", "marker": "D"},
    {"linestyle": (0, (5, 1, 1, 1, 1, 1)), "marker": "v"},
    {"linestyle": (0, (8, 2)), "marker": "P"},
    {"linestyle": (0, (1, 1)), "marker": "X"},
]
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


def style(key: str, *, markers: bool = True, markevery: float = 0.1) -> dict:
    """Keyword arguments for ``ax.plot`` that draw method ``key`` in the course's style.

    Colour (:data:`COLORS`), line style and marker (:data:`STYLES`) together, so every
    figure tells methods apart without relying on colour alone. Use it for lines
    (``ax.plot(x, y, **style("wn"), label=LABELS["wn"])``); for markers only, or to change
    one property, pass that keyword after it (``{**style("wn"), "linestyle": "none"}``).

    Parameters
    ----------
    key : str
        A method key of :data:`COLORS` ("gd", "wn", "rpgd", "flow", "theory", "printed",
        "two_phase").
    markers : bool, default True
        Add the method's marker (if it has one).
    markevery : float, default 0.1
        Marker spacing as a fraction of the axes diagonal (matplotlib's float
        ``markevery``): a few markers per line, however many points it has.

    Returns
    -------
    dict
        ``color``, ``linestyle`` and, with ``markers``, ``marker``, ``markevery`` and
        ``markersize``.

    Raises
    ------
    KeyError
        If ``key`` is not a method key; the message lists the keys.
    """
    if key not in COLORS:
        raise KeyError(f"unknown method key {key!r}: expected one of {sorted(COLORS)}")
    out = {"color": COLORS[key], "linestyle": STYLES[key]["linestyle"]}
    marker = STYLES[key]["marker"]
    if markers and marker is not None:
        out.update(marker=marker, markevery=markevery, markersize=5)
    return out


def family(i: int, *, markers: bool = True, markevery: float = 0.1) -> dict:
    """Keyword arguments for ``ax.plot`` that draw member ``i`` of a family of curves.

    For curves that are not methods (one per ``c``, per ``g0``, per ``rho``): colour
    ``PALETTE[i]`` with line style and marker ``FAMILY_STYLES[i]``, so a legend that tells the
    members apart does not rely on colour alone (the method counterpart is :func:`style`).

    Parameters
    ----------
    i : int
        Index of the member, ``0 <= i < len(PALETTE)``.
    markers : bool, default True
        Add the member's marker.
    markevery : float, default 0.1
        Marker spacing as a fraction of the axes diagonal (as in :func:`style`).

    Returns
    -------
    dict
        ``color``, ``linestyle`` and, with ``markers``, ``marker``, ``markevery`` and
        ``markersize``.

    Raises
    ------
    IndexError
        If ``i`` is not an index of :data:`PALETTE`.
    """
    if not 0 <= int(i) < len(PALETTE):
        raise IndexError(f"family member {i} out of range: a family has at most {len(PALETTE)}")
    i = int(i)
    out = {"color": PALETTE[i], "linestyle": FAMILY_STYLES[i]["linestyle"]}
    if markers:
        out.update(marker=FAMILY_STYLES[i]["marker"], markevery=markevery, markersize=5)
    return out


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
            # curves drawn without an explicit colour also use the Okabe–Ito palette
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
        }
    )


def band(ax: plt.Axes, x, values, *, key: str, label: str | None = None, **kw) -> None:
    """Plot the mean over the last axis of ``values`` with a ± one standard deviation band.

    Parameters
    ----------
    ax : matplotlib Axes
        The axes to draw on.
    x : array_like (n,)
        The abscissae.
    values : array_like (n, k)
        ``k`` repetitions (e.g. random directions) per ``x``.
    key : str
        Method key into :data:`COLORS` / :data:`LABELS`; the line gets the method's
        :func:`style` (colour, line style, marker) unless ``kw`` overrides them.
    label : str, optional
        Legend label of the mean line; default the method's label ``LABELS[key]`` (or ``key``).
    **kw
        Keyword arguments of ``ax.plot`` for the mean line (``ls``, ``c``, ``ms``, ``lw`` are
        accepted for their long names); the band takes the line's colour.
    """
    values = np.asarray(values, dtype=float)
    mean, std = values.mean(axis=1), values.std(axis=1)
    aliases = {"ls": "linestyle", "c": "color", "ms": "markersize", "lw": "linewidth"}
    kw = {aliases.get(k, k): v for k, v in kw.items()}
    kw = {**(style(key) if key in COLORS else {}), **kw}
    if "marker" in kw and kw.get("marker") != STYLES.get(key, {}).get("marker"):
        kw.pop("markevery", None)  # a caller's own marker: on every point, as asked
    color = kw.get("color")
    ax.plot(x, mean, label=label or LABELS.get(key, key), **kw)
    ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.2, linewidth=0)
