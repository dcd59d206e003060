"""The grid of control values of an interactive figure, and how frames are numbered."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

#: Largest number of frames (product of all grid sizes) an interactive figure may have.
MAX_FRAMES = 60


def format_value(value: Any, fmt: str | Callable[[Any], str]) -> str:
    """Format one control value for display (falls back to ``str``)."""
    if callable(fmt):
        return str(fmt(value))
    try:
        return fmt.format(value)
    except (ValueError, TypeError):
        return str(value)


class FrameGrid:
    """Controls, their grids of values, and the mixed-radix numbering of frames.

    Frame ``k`` is one combination of control values; the last control varies fastest.

    Parameters
    ----------
    controls : mapping of str to sequence
        Control name -> its grid of values.
    labels : mapping of str to str
        Display label per control (missing ones default to the name).
    fmt : str or callable
        Format of the displayed values.
    initial : mapping of str to value
        Starting value of some controls (grid values); the others start at their first.

    Raises
    ------
    ValueError
        Empty or non-list grids, more than :data:`MAX_FRAMES` frames, labels or initial
        values of unknown controls, an initial value not in its grid.
    """

    def __init__(
        self,
        controls: Mapping[str, Sequence[Any]],
        labels: Mapping[str, str],
        fmt: str | Callable[[Any], str],
        initial: Mapping[str, Any],
    ) -> None:
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
        unknown = set(labels) - set(controls)
        if unknown:
            raise ValueError(f"labels for unknown controls: {sorted(unknown)}")
        self.names: tuple[str, ...] = tuple(controls)
        self.grids: tuple[tuple[Any, ...], ...] = tuple(grids)
        self.labels: dict[str, str] = {n: labels.get(n, n) for n in self.names}
        self.shown: tuple[tuple[str, ...], ...] = tuple(
            tuple(format_value(v, fmt) for v in g) for g in self.grids
        )
        self.n_frames = n_frames
        strides, s = [], 1
        for g in reversed(self.grids):
            strides.append(s)
            s *= len(g)
        self.strides: tuple[int, ...] = tuple(reversed(strides))
        self.initial_index = self._initial_index(initial)

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

    @property
    def initial_frame(self) -> int:
        """Frame number of the initial values."""
        return self.frame_number(self.initial_index)

    def frame_number(self, indices: Sequence[int]) -> int:
        """Frame number of a tuple of grid indices (one per control)."""
        return sum(i * s for i, s in zip(indices, self.strides, strict=True))

    def indices_of(self, frame: int) -> tuple[int, ...]:
        """Grid indices of frame number ``frame``."""
        if not 0 <= frame < self.n_frames:
            raise IndexError(f"frame {frame} out of range 0..{self.n_frames - 1}")
        return tuple((frame // s) % len(g) for g, s in zip(self.grids, self.strides, strict=True))

    def values_of(self, frame: int) -> dict[str, Any]:
        """Control values of frame number ``frame``."""
        return {n: g[i] for n, g, i in zip(self.names, self.grids, self.indices_of(frame),
                                            strict=True)}

    def describe(self, frame: int) -> str:
        """The frame's values as text, e.g. ``g₀ = 0.5, c = 1``."""
        return ", ".join(
            f"{self.labels[n]} = {self.shown[i][j]}"
            for i, (n, j) in enumerate(zip(self.names, self.indices_of(frame), strict=True))
        )
