"""Input checks shared by the library: every bad input raises with a message that names it."""

from __future__ import annotations

import numbers

import numpy as np


def as_finite_array(value, name: str, ndim: tuple[int, ...]) -> np.ndarray:
    """Return ``value`` as a float array after checking its rank and finiteness.

    Parameters
    ----------
    value : array_like
        The input.
    name : str
        Its name in error messages (e.g. ``"w0"``).
    ndim : tuple of int
        The allowed numbers of dimensions.
    """
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:  # e.g. a ragged nested list
        raise TypeError(f"{name} must be a numeric array, got {type(value).__name__}") from exc
    if raw.dtype.kind == "c":  # a cast to float would silently drop the imaginary part
        raise TypeError(f"{name} must be real, got a complex array")
    try:
        arr = raw.astype(float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be a numeric array, got {type(value).__name__} of dtype {raw.dtype}"
        ) from exc
    if arr.ndim not in ndim:
        allowed = " or ".join(f"{k}-D" for k in ndim)
        raise ValueError(f"{name} must be {allowed}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def as_direction(w, name: str, d: int) -> tuple[np.ndarray, bool]:
    """Check a direction (``(d,)`` or ``(B, d)``), normalize it, and say whether it was batched.

    The paper always starts from a unit vector; a direction of any non-zero length is accepted
    and normalized here.
    """
    arr = as_finite_array(w, name, (1, 2))
    batched = arr.ndim == 2
    arr2 = np.atleast_2d(arr)
    if arr2.shape[1] != d:
        raise ValueError(f"{name} must have length d={d} in its last axis, got shape {arr.shape}")
    norms = np.linalg.norm(arr2, axis=1)
    if np.any(norms == 0):
        raise ValueError(f"{name} is a zero direction (it has no direction to normalize)")
    return arr2 / norms[:, None], batched


def as_scale(g, name: str, batch: int | None) -> np.ndarray:
    """Check a scale ``g`` (a number or a ``(B,)`` array) and return it with shape ``(B,)``."""
    arr = as_finite_array(g, name, (0, 1))
    if arr.ndim == 0:
        return np.full(1 if batch is None else batch, float(arr))
    if batch is not None and arr.shape[0] != batch:
        raise ValueError(f"{name} has {arr.shape[0]} entries but the batch has {batch} directions")
    return arr.copy()


def check_step(value, name: str, *, allow_zero: bool) -> np.ndarray:
    """Check a step size (number or array): finite, positive (or non-negative if allowed)."""
    raw = np.asarray(value)
    if raw.dtype.kind not in "iuf":  # bools, complex numbers, strings are not step sizes
        raise TypeError(f"step size {name} must be a real number, got {value!r}")
    arr = raw.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"step size {name} is not finite ({value!r})")
    if allow_zero:
        if np.any(arr < 0):
            raise ValueError(f"step size {name} must be >= 0, got {value!r}")
    elif np.any(arr <= 0):
        raise ValueError(f"step size {name} must be > 0, got {value!r}")
    return arr


def is_number(value) -> bool:
    """True for a real number (not a bool, not a callable)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def as_start(
    g, w, d: int, names: tuple[str, str] = ("g0", "w0")
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Check a start ``(g, w)`` of WN, rPGD or the flow.

    ``w`` has shape ``(d,)`` or ``(B, d)`` and is normalized (:func:`as_direction`); ``g`` is a
    number or has shape ``(B,)`` (:func:`as_scale`). Returns ``(g (B,), w (B, d), batched)``; a
    single start has ``B = 1``.
    """
    w_unit, batched = as_direction(w, names[1], d)
    return as_scale(g, names[0], w_unit.shape[0]), w_unit, batched


def as_problem(problem, name: str = "problem"):
    """Check that ``problem`` is a :class:`wnlib.Problem` (a ``TypeError`` naming it otherwise)."""
    from .problem import Problem  # problem.py imports this module

    if not isinstance(problem, Problem):
        raise TypeError(
            f"{name} must be a wnlib.Problem (e.g. from make_problem), "
            f"got {type(problem).__name__}"
        )
    return problem
