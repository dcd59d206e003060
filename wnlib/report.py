"""Printing numbers so that they are identical on every machine (for nbval).

Notebooks print through these helpers: a fixed number of significant digits hides the last-bit
differences between BLAS builds, and ``-0`` is printed as ``0``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def fmt(x, digits: int = 4) -> str:
    """Format a number (or a bool / int / str) with ``digits`` significant digits.

    Parameters
    ----------
    x : float, int, bool or str
        The value; ints, bools and strings are printed as they are.
    digits : int
        Significant digits for floats.

    Returns
    -------
    str
        ``x`` with ``digits`` significant digits (``"0"`` for ``±0``, ``"nan"``, ``"inf"``).

    Examples
    --------
    >>> fmt(3.14159265)
    '3.142'
    >>> fmt(-1e-20, 3)
    '-1e-20'
    """
    if isinstance(x, str | bool | np.bool_):
        return str(bool(x)) if isinstance(x, np.bool_) else str(x)
    if isinstance(x, int | np.integer):
        return str(int(x))
    x = float(x)
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = f"{x:.{digits}g}"
    return "0" if text in ("-0", "0") else text


def small(x, floor: float = 1e-10, digits: int = 4) -> str:
    """Format a quantity that should be zero: ``"< floor"`` below ``floor``, else :func:`fmt`.

    For residuals, distances and ``‖w⊥‖`` that vanish in exact arithmetic: below ``floor`` (the
    rounding or solver tolerance of the computation) their digits are noise, so a bound is
    printed instead and the page does not change between machines.

    Parameters
    ----------
    x : float
        The quantity.
    floor : float
        The bound below which ``x`` counts as zero.
    digits : int
        Significant digits of :func:`fmt`.

    Returns
    -------
    str
        ``"< floor"`` if ``|x| < floor``, else ``fmt(x, digits)``.

    Examples
    --------
    >>> small(3e-13)
    '< 1e-10'
    >>> small(0.012345, 1e-9)
    '0.01235'
    """
    return f"< {fmt(floor, digits)}" if abs(x) < floor else fmt(x, digits)


def table(rows: Sequence[Sequence], headers: Sequence[str], digits: int = 4) -> str:
    """A plain-text table with right-aligned columns, numbers through :func:`fmt`.

    Parameters
    ----------
    rows : sequence of sequences
        One row per line; cells are numbers or strings.
    headers : sequence of str
        The column titles, one per cell of a row.
    digits : int
        Significant digits for floats.

    Returns
    -------
    str
        Print it.
    """
    cells = [[str(h) for h in headers]] + [[fmt(v, digits) for v in row] for row in rows]
    widths = [max(len(r[j]) for r in cells) for j in range(len(headers))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
