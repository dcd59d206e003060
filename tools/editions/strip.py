"""Removing solutions: the student edition of a notebook or a MyST page.

What is a solution
    In a notebook, everything from a markdown cell that opens a ``{solution-start}``
    directive through the markdown cell that holds the matching ``{solution-end}``,
    both included; also any ``{solution}`` directive block inside a markdown cell (and
    the same two forms in MyST ``.md`` pages). Backtick and colon fences both count: the
    directives are found with the MyST parser (:mod:`editions.reader`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from .reader import directives

SOLUTION_DIRECTIVES = ("solution-start", "solution-end", "solution")


def source_of(cell: dict) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


@dataclass
class _Scan:
    """Whether the scan is between a solution-start and its solution-end (across cells)."""

    in_gated: bool = False


def _solution_mask(text: str, state: _Scan) -> list[bool]:
    """For each line of ``text``, whether it belongs to a solution. Updates ``state``."""
    lines = text.splitlines(keepends=True)
    blocks = [d for d in directives(text) if d.name in SOLUTION_DIRECTIVES]
    mask: list[bool] = []
    i = 0
    for d in blocks:
        mask.extend([state.in_gated] * (d.start - i))
        mask.extend([True] * (d.end - d.start))
        if d.name == "solution-start":
            if state.in_gated:
                raise ValueError("solution-start inside another solution")
            state.in_gated = True
        elif d.name == "solution-end":
            if not state.in_gated:
                raise ValueError("solution-end without a solution-start")
            state.in_gated = False
        i = d.end
    mask.extend([state.in_gated] * (len(lines) - i))
    return mask


def _split_text(text: str, state: _Scan) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    mask = _solution_mask(text, state)
    keep = "".join(line for line, sol in zip(lines, mask, strict=True) if not sol)
    gone = "".join(line for line, sol in zip(lines, mask, strict=True) if sol)
    return keep, gone


def split_notebook(nb: dict) -> tuple[dict, list[dict]]:
    """Split a notebook into its student version and its solution cells.

    Parameters
    ----------
    nb : dict
        Notebook (nbformat 4 JSON).

    Returns
    -------
    student : dict
        A copy without any solution content; cells emptied by the removal are dropped,
        and the notebook-level widget state (which could hold solution outputs) is removed.
    solutions : list of dict
        The removed content, as cells (markdown cells hold only their solution lines).
    """
    student = copy.deepcopy(nb)
    kept, removed = [], []
    state = _Scan()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            keep, gone = _split_text(source_of(cell), state)
            if gone.strip():
                removed.append({**copy.deepcopy(cell), "source": gone})
            if keep.strip():
                kept.append({**copy.deepcopy(cell), "source": keep})
        elif state.in_gated:
            removed.append(copy.deepcopy(cell))
        else:
            kept.append(copy.deepcopy(cell))
    if state.in_gated:
        raise ValueError("a solution-start has no matching solution-end")
    student["cells"] = kept
    student.get("metadata", {}).pop("widgets", None)
    return student, removed


def strip_markdown(text: str) -> tuple[str, str]:
    """Split a MyST markdown page into (text without solutions, solution text)."""
    state = _Scan()
    keep, gone = _split_text(text, state)
    if state.in_gated:
        raise ValueError("a solution-start has no matching solution-end")
    return keep, gone
