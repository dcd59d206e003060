"""Self-checks for the exercises of the course.

A student's exercise cell ends with ``check("ex-chN-name", answer)``. :func:`check`
prints one verdict and returns ``True`` or ``False``; it never raises at the student:

* correct: a short confirmation;
* not yet: the hint returned by the exercise's check function;
* no answer yet: ``answer`` is still ``...`` (or ``None``);
* a friendly message if the answer has the wrong type or shape, or if the check
  function itself fails on it.

Writing the checks of a chapter
-------------------------------
Each chapter has one module ``wnlib/exercises/chN.py`` (listed in
``_CHAPTER_MODULES`` at the bottom of this file)::

    from wnlib.exercises import exercise, as_array, close

    @exercise(
        "ex-ch1-min-norm",
        reference=lambda: make_problem(...).x_star,   # the answer a solution computes
        wrong=lambda: np.zeros(3),                    # a typical wrong answer
    )
    def _(answer):
        x = as_array(answer, shape=(3,))              # AnswerFormatError -> friendly message
        return close(x, expected, rtol=1e-6,
                     hint="Use the pseudo-inverse of A, not its transpose.")

A check function takes the student's answer and returns ``(ok, message)``:
``message`` is the hint shown when ``ok`` is false (and an optional remark shown
when it is true). ``reference`` and ``wrong`` are functions without arguments that
return a correct and a wrong answer: ``tests/test_exercises.py`` checks, for every
registered exercise, that the reference passes and that the wrong answer, ``...``,
``None`` and an answer of the wrong type get a message and no exception.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "AnswerFormatError",
    "Exercise",
    "REGISTRY",
    "Verdict",
    "as_array",
    "as_float",
    "check",
    "close",
    "evaluate",
    "exercise",
]

CheckFunction = Callable[[Any], tuple[bool, str]]

#: name -> :class:`Exercise`, filled by the ``@exercise`` decorators of the chapter modules.
REGISTRY: dict[str, Exercise] = {}

CORRECT = "✓ Correct!"
NOT_YET = "✗ Not yet."
BLANK = "No answer yet — replace the ... with your answer, then run this cell again."


class AnswerFormatError(ValueError):
    """The answer has the wrong type or shape; the message says what was expected."""


@dataclass(frozen=True)
class Exercise:
    """One registered exercise.

    Attributes
    ----------
    name : str
        The exercise label, ``ex-chN-short-name`` (the ``:label:`` of its
        ``{exercise}`` directive).
    check : callable
        ``check(answer) -> (ok, message)``.
    reference : callable
        No-argument function returning a correct answer (used by the tests).
    wrong : callable
        No-argument function returning a typical wrong answer (used by the tests).
    """

    name: str
    check: CheckFunction
    reference: Callable[[], Any]
    wrong: Callable[[], Any]


def exercise(
    name: str, *, reference: Callable[[], Any], wrong: Callable[[], Any]
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``name`` (decorator).

    Parameters
    ----------
    name : str
        Exercise label, ``ex-chN-short-name``; must be unique.
    reference : callable
        Returns a correct answer (no arguments). Computed lazily, by the tests.
    wrong : callable
        Returns a typical wrong answer (no arguments); its check must fail with a hint.

    Returns
    -------
    callable
        The decorator; it returns the check function unchanged.
    """
    if not (isinstance(name, str) and name.startswith("ex-ch")):
        raise ValueError(f"exercise names look like 'ex-chN-short-name', got {name!r}")
    if not (callable(reference) and callable(wrong)):
        raise TypeError("reference and wrong must be functions without arguments")

    def register(func: CheckFunction) -> CheckFunction:
        if name in REGISTRY:
            raise ValueError(f"exercise {name!r} is registered twice")
        REGISTRY[name] = Exercise(name, func, reference, wrong)
        return func

    return register


def _is_blank(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def evaluate(name: str, answer: Any) -> tuple[str, bool, str]:
    """Judge ``answer`` without printing.

    Returns
    -------
    (verdict, ok, message)
        ``verdict`` is one of ``"correct"``, ``"not-yet"``, ``"blank"``,
        ``"format"`` (wrong type or shape), ``"error"`` (the check failed) or
        ``"unknown"`` (no exercise of that name); ``message`` is what
        :func:`check` prints.
    """
    ex = REGISTRY.get(name)
    if ex is None:
        known = ", ".join(sorted(REGISTRY)) or "none"
        return "unknown", False, f"There is no exercise called {name!r} (known: {known})."
    if _is_blank(answer):
        return "blank", False, BLANK
    try:
        ok, message = ex.check(answer)
        ok, message = bool(ok), str(message or "")
    except AnswerFormatError as err:
        return "format", False, f"Your answer does not have the expected form: {err}"
    except Exception as err:  # the student must never see a traceback
        return (
            "error",
            False,
            "Could not check this answer "
            f"({type(err).__name__}: {err}). Is it the kind of object the exercise asks for?",
        )
    if ok:
        return "correct", True, f"{CORRECT} {message}".strip()
    return "not-yet", False, f"{NOT_YET} {message}".strip()


class Verdict:
    """What :func:`check` returns: true when the answer is right.

    It behaves like a bool (``if check(...)``, ``assert check(...)``) but shows nothing as the
    last expression of a notebook cell: the verdict has already been printed, and a stray
    ``True``/``False`` under it would only distract.

    Attributes
    ----------
    correct : bool
    message : str
        The printed verdict.
    """

    __slots__ = ("correct", "message")

    def __init__(self, correct: bool, message: str) -> None:
        self.correct = bool(correct)
        self.message = message

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"Verdict(correct={self.correct})"

    def _ipython_display_(self) -> None:
        """Display nothing (IPython calls this instead of showing the repr)."""


def check(name: str, answer: Any) -> Verdict:
    """Check the answer to exercise ``name``, print a verdict and return it.

    Parameters
    ----------
    name : str
        The exercise label, e.g. ``"ex-ch1-min-norm"``.
    answer : object
        The student's answer; ``...`` or ``None`` mean "not answered yet".

    Returns
    -------
    Verdict
        True (as a bool) if the answer is correct. Never raises.
    """
    _, ok, message = evaluate(name, answer)
    print(message)
    return Verdict(ok, message)


# ---------------------------------------------------------------------- helpers
def as_array(answer: Any, shape: Sequence[int] | None = None) -> np.ndarray:
    """Convert an answer to a finite float array, checking its shape.

    Raises
    ------
    AnswerFormatError
        If it is not numeric, not finite, or has another shape.
    """
    try:
        x = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise AnswerFormatError(
            f"expected numbers (an array), got {type(answer).__name__}"
        ) from None
    if shape is not None and x.shape != tuple(shape):
        raise AnswerFormatError(f"expected an array of shape {tuple(shape)}, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise AnswerFormatError("the answer contains nan or inf")
    return x


def as_float(answer: Any) -> float:
    """Convert an answer to one finite float.

    Raises
    ------
    AnswerFormatError
        If it is not a single finite number.
    """
    x = as_array(answer)
    if x.size != 1:
        raise AnswerFormatError(f"expected a single number, got an array of shape {x.shape}")
    return float(x.reshape(()))


def close(
    answer: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 0.0, hint: str = ""
) -> tuple[bool, str]:
    """Compare an answer with the expected value; a ready-made return value for a check.

    Returns
    -------
    (ok, message)
        ``ok`` if ``answer`` and ``expected`` have the same shape and agree within
        ``rtol`` / ``atol``; ``message`` is ``hint`` when they do not.
    """
    expected = np.asarray(expected, dtype=float)
    x = as_array(answer, shape=expected.shape)
    ok = bool(np.allclose(x, expected, rtol=rtol, atol=atol))
    return ok, ("" if ok else hint)


# ------------------------------------------------------------- chapter modules
# One module per chapter registers its exercises when imported. Modules that do
# not exist yet are skipped; an error inside an existing module is raised.
_CHAPTER_MODULES = ["ch1", "ch2", "ch3", "ch4", "ch5"]

for _module in _CHAPTER_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as _err:
        if _err.name != f"{__name__}.{_module}":
            raise
