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


def as_real(
    value,
    name: str,
    *,
    array: bool = False,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    nonzero: bool = False,
    why: str = "",
) -> float | np.ndarray:
    """A finite real number (``array=True``: a finite real array of any shape), within bounds.

    Bools, complex numbers and strings are refused with a ``TypeError`` (a bool is not a step size
    or a tolerance); NaN, inf and values outside the bounds (``> gt``, ``>= ge``, ``< lt``,
    ``<= le``, ``!= 0`` with ``nonzero``) with a ``ValueError``. ``name`` says what the value is
    in the messages (e.g. ``"t_max"`` or ``"step size eta"``), ``why`` is added in parentheses.

    Returns
    -------
    float, or ndarray of float with ``array=True``
    """
    reason = f" ({why})" if why else ""
    try:
        raw = np.asarray(value)
    except ValueError:  # a ragged nested list
        raw = np.asarray(None)
    if raw.dtype.kind not in "iuf" or (not array and raw.ndim != 0):
        kind = "a real number or array" if array else "a real number"
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    arr = raw.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} is not finite ({value!r})")
    for bound, op, fails in [(gt, ">", np.less_equal), (ge, ">=", np.less),
                             (lt, "<", np.greater_equal), (le, "<=", np.greater)]:
        if bound is not None and np.any(fails(arr, bound)):
            raise ValueError(f"{name} must be {op} {bound:g}, got {value!r}{reason}")
    if nonzero and np.any(arr == 0):
        raise ValueError(f"{name} must be non-zero, got {value!r}{reason}")
    return arr if array else float(arr)


def as_positive(value, name: str, *, array: bool = False, why: str = "") -> float | np.ndarray:
    """:func:`as_real` with ``> 0``."""
    return as_real(value, name, array=array, gt=0, why=why)


def as_nonnegative(value, name: str, *, array: bool = False, why: str = "") -> float | np.ndarray:
    """:func:`as_real` with ``>= 0``."""
    return as_real(value, name, array=array, ge=0, why=why)


def as_int_at_least(value, name: str, low: int) -> int:
    """A whole number ``>= low`` as an ``int``: any integer type, or a float such as ``1e5``."""
    whole = is_number(value) and np.isfinite(value) and int(value) == value
    if not whole or value < low:
        kind = {0: "a non-negative integer", 1: "a positive integer"}.get(
            low, f"an integer >= {low}"
        )
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return int(value)


def unbatch(a, batched: bool | None = None):
    """Return a batched result as is, or the single result of an unbatched call.

    With ``batched=False``, ``a`` is a one-member batch and its member 0 is returned; with
    ``batched=None``, ``a`` is batched exactly when it has dimensions (a 0-d array is one result).
    A scalar result becomes a Python ``float``/``int``/``bool`` (``.item()``: a bool stays a
    bool), an array result stays an array.
    """
    arr = np.asarray(a)
    if batched is None:
        batched = arr.ndim > 0
    if batched:
        return a
    one = arr[0] if arr.ndim else arr
    return one.item() if one.ndim == 0 else one


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


#: The most steps one computation may ask for: about 3 minutes at the ~20 µs a Python step costs.
MAX_STEPS = 10**7


def as_step_count(value, name: str) -> int:
    """A whole number of steps in ``[0, MAX_STEPS]`` (a float such as ``1e5`` is fine).

    Refuses more than :data:`MAX_STEPS` with a message that names the argument, so that no slider
    or exercise can start a computation of hours.
    """
    steps = as_int_at_least(value, name, 0)
    if steps > MAX_STEPS:
        raise ValueError(
            f"{name}={steps:,} is more than {MAX_STEPS:,} steps (hours of computing at about "
            "20 µs a step): stop earlier with a tolerance, or ask for fewer steps"
        )
    return steps


#: The largest array the library allocates for one problem or one Jacobian (bytes).
MAX_ARRAY_BYTES = 2 * 2**30


def check_size(n_bytes: int, what: str, advice: str) -> None:
    """Refuse, before allocating, an array of ``n_bytes`` above :data:`MAX_ARRAY_BYTES`."""
    if n_bytes > MAX_ARRAY_BYTES:
        size = n_bytes / 2**30
        unit = "GiB"
        if size >= 1024:
            size, unit = size / 1024, "TiB"
        raise ValueError(
            f"{what} would take {size:.3g} {unit} ({n_bytes:,} bytes), more than the limit of "
            f"{MAX_ARRAY_BYTES / 2**30:g} GiB: {advice}"
        )


def as_problem(problem, name: str = "problem"):
    """Check that ``problem`` is a :class:`wnlib.Problem` (a ``TypeError`` naming it otherwise)."""
    from .problem import Problem  # problem.py imports this module

    if not isinstance(problem, Problem):
        raise TypeError(
            f"{name} must be a wnlib.Problem (e.g. from make_problem), "
            f"got {type(problem).__name__}"
        )
    return problem
