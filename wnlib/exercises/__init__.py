"""Self-checks for the exercises of the course.

A student's exercise cell ends with ``check("ex-chN-name", answer)``. :func:`check`
prints one verdict and returns a :class:`Verdict` (true when the answer is right); it never
raises at the student:

* correct: a short confirmation;
* not yet: a targeted hint if the answer is a typical mistake (shown at once), else the next
  level of the exercise's progressive hints (a nudge on the first wrong try, more on later
  tries; ``hint()`` shows the next level on request);
* no answer yet: ``answer`` is still ``...`` (or ``None``);
* a friendly message if the answer has the wrong type or shape, or if the check
  function itself fails on it.

Precision
---------
A number is accepted when it agrees with the expected value to the precision the course
prints, 4 significant digits (:func:`agrees`): 0.7629 for 0.762874, 1.600 for 1.600076. An
exercise that truly needs more says so in its statement and passes ``sig=6`` (say) to
:func:`close`; an answer right to fewer digits then gets "Your answer is right to 3 significant
digits; this exercise needs 6."

Progress
--------
:func:`check` counts the tries of each exercise (a wrong answer or one of the wrong form counts;
a correct answer resets the count and the hint level). :func:`evaluate` judges without printing
and without touching that state: autograders call it. :func:`hint` prints the next hint level.

Writing the checks of a chapter
-------------------------------
Each chapter has one module ``wnlib/exercises/chN.py`` (listed in ``_CHAPTER_MODULES`` at the
bottom of this file); ``AUTHORING.md`` (section Exercises) shows a complete example. A check
function takes the student's answer and returns ``(ok, message)``: ``message`` is a remark when
``ok`` is true; when it is false it is either a plain ``str`` (a targeted hint that answers a
recognised mistake, shown at once) or a :class:`Hints` (progressive hints, one level per try).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np

__all__ = [
    "AnswerFormatError",
    "Exercise",
    "Hints",
    "REGISTRY",
    "Verdict",
    "agreeing_digits",
    "agrees",
    "as_array",
    "as_float",
    "check",
    "close",
    "evaluate",
    "exercise",
    "hint",
    "hints",
    "precision_message",
    "round_sig",
    "tries",
]


@dataclass(frozen=True)
class Hints:
    """Progressive hints of an exercise: a nudge first, the method last.

    Parameters
    ----------
    levels : tuple of str
        ``levels[0]`` is shown on the first wrong try (it points at what to look at and does not
        give the method away), ``levels[k]`` on the (k+1)-th wrong try or ``hint()`` request; the
        last level is shown again after that.
    """

    levels: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.levels or not all(isinstance(s, str) and s.strip() for s in self.levels):
            raise ValueError("Hints need at least one level, each a non-empty string")

    def __len__(self) -> int:
        return len(self.levels)

    def level(self, k: int) -> str:
        """The text of level ``k`` (1-based), clipped to ``1 … len(self)``.

        Parameters
        ----------
        k : int
            The level, 1-based.

        Returns
        -------
        str
            ``levels[k − 1]`` with ``k`` clipped to ``1 … len(self)``.
        """
        return self.levels[min(max(k, 1), len(self.levels)) - 1]


def hints(*levels: str) -> Hints:
    """Progressive hints for a check function's ``(False, hints(...))`` return value.

    Parameters
    ----------
    *levels : str
        A nudge that does not give the method away, then more, then the method.

    Returns
    -------
    Hints
        The levels, in order.
    """
    return Hints(tuple(levels))


Message = Union[str, Hints]  # noqa: UP007 (a runtime alias)
CheckFunction = Callable[[Any], tuple[bool, Message]]
Mistake = tuple[Callable[[], Any], str]

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

    Parameters
    ----------
    name : str
        The exercise label, ``ex-chN-short-name`` (the ``:label:`` of its
        ``{exercise}`` directive).
    check : callable
        ``check(answer) -> (ok, message)``; ``message`` is a ``str`` or :class:`Hints`.
    reference : callable
        No-argument function returning a correct answer (used by the tests).
    wrong : callable
        No-argument function returning a typical wrong answer (used by the tests).
    mistakes : tuple of (callable, str)
        Typical mistakes: a no-argument function returning the mistaken answer, and a
        substring of the targeted hint it must get (tested, also rounded to 4 digits).
    hints : Hints or None
        The exercise's progressive hints (what :func:`hint` shows before any wrong try).
    method_words : tuple of str
        Fragments of the solution's method (formulas, function names) that the first hint
        level must not contain (tested).
    """

    name: str
    check: CheckFunction
    reference: Callable[[], Any]
    wrong: Callable[[], Any]
    mistakes: tuple[Mistake, ...] = ()
    hints: Hints | None = None
    method_words: tuple[str, ...] = ()


def exercise(
    name: str,
    *,
    reference: Callable[[], Any],
    wrong: Callable[[], Any] | None = None,
    mistakes: Iterable[Mistake] = (),
    hints: Hints | None = None,
    method_words: Iterable[str] = (),
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``name`` (decorator).

    Parameters
    ----------
    name : str
        Exercise label, ``ex-chN-short-name``; must be unique.
    reference : callable
        Returns a correct answer (no arguments). Computed lazily, by the tests.
    wrong : callable, optional
        Returns a typical wrong answer (no arguments); its check must fail with a hint.
        Defaults to the first of ``mistakes``.
    mistakes : iterable of (callable, str)
        Typical mistakes ``(lambda: answer, "its targeted hint, or a substring of it")``; the
        function may return a list of the mistake's equivalent written forms.
    hints : Hints, optional
        The progressive hints (also what the check returns for an unrecognised wrong answer).
    method_words : iterable of str
        Fragments of the method that the first hint level must not give away.

    Returns
    -------
    callable
        The decorator; it returns the check function unchanged.
    """
    if not (isinstance(name, str) and name.startswith("ex-ch")):
        raise ValueError(f"exercise names look like 'ex-chN-short-name', got {name!r}")
    mistakes = tuple(mistakes)
    for m in mistakes:
        if not (isinstance(m, tuple) and len(m) == 2 and callable(m[0]) and isinstance(m[1], str)):
            raise TypeError(f"a mistake is (function without arguments, hint substring), got {m!r}")
    if wrong is None and mistakes:
        wrong = mistakes[0][0]
    if not (callable(reference) and callable(wrong)):
        raise TypeError("reference and wrong (or a first mistake) must be functions without "
                        "arguments")
    if hints is not None and not isinstance(hints, Hints):
        raise TypeError("hints must be made with hints('nudge', 'more', ...)")

    def register(func: CheckFunction) -> CheckFunction:
        if name in REGISTRY:
            raise ValueError(f"exercise {name!r} is registered twice")
        REGISTRY[name] = Exercise(name, func, reference, wrong, mistakes, hints,
                                  tuple(method_words))
        return func

    return register


def _is_blank(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


@dataclass
class _Progress:
    tries: int = 0  # wrong or wrong-form answers since the last correct one
    level: int = 0  # the progressive hint level shown last (0: none yet)
    hints: Hints | None = field(default=None)  # the progressive hints shown last


_PROGRESS: dict[str, _Progress] = {}
_LAST: list[str] = []  # the exercise checked last (for hint() without a name)


def _footer(k: int, n: int) -> str:
    if n <= 1:
        return ""
    if k < n:
        return f" (Hint {k} of {n}: try again, or run hint() for the next one.)"
    return f" (Hint {n} of {n}, the last.)"


def _judge(name: str, answer: Any, level: int) -> tuple[str, bool, str, Hints | None]:
    """Judge ``answer``; progressive hints are shown at ``level``. Never raises."""
    ex = REGISTRY.get(name) if isinstance(name, str) else None
    if ex is None:
        known = ", ".join(sorted(REGISTRY)) or "none"
        return "unknown", False, f"There is no exercise called {name!r} (known: {known}).", None
    if _is_blank(answer):
        return "blank", False, BLANK, None
    try:
        ok, message = ex.check(answer)
        ok = bool(ok)
        if not isinstance(message, Hints):
            message = str(message or "")
        if not ok and message == "" and ex.hints is not None:
            message = ex.hints
    except AnswerFormatError as err:
        return "format", False, f"Your answer does not have the expected form: {err}", None
    except Exception as err:  # the student must never see a traceback
        return (
            "error",
            False,
            "Could not check this answer "
            f"({type(err).__name__}: {err}). Is it the kind of object the exercise asks for?",
            None,
        )
    if ok:
        text = message.level(1) if isinstance(message, Hints) else message
        return "correct", True, f"{CORRECT} {text}".strip(), None
    if isinstance(message, Hints):
        k = min(max(level, 1), len(message))
        return "not-yet", False, f"{NOT_YET} {message.level(k)}{_footer(k, len(message))}", message
    return "not-yet", False, f"{NOT_YET} {message}".strip(), None


def evaluate(name: str, answer: Any, *, level: int = 1) -> tuple[str, bool, str]:
    """Judge ``answer`` without printing and without changing the try count or hint level.

    Autograders call this; only :func:`check` (the student's call) counts tries and
    advances the hint level.

    Parameters
    ----------
    name : str
        The exercise label.
    answer : object
        The answer to judge.
    level : int, default 1
        Which level of the progressive hints to put in the message (1 = the first nudge).

    Returns
    -------
    (verdict, ok, message)
        ``verdict`` is one of ``"correct"``, ``"not-yet"``, ``"blank"``,
        ``"format"`` (wrong type or shape), ``"error"`` (the check failed) or
        ``"unknown"`` (no exercise of that name); ``message`` is what
        :func:`check` prints on a first try.
    """
    verdict, ok, message, _ = _judge(name, answer, level)
    return verdict, ok, message


class Verdict:
    """What :func:`check` returns: true when the answer is right.

    It behaves like a bool (``if check(...)``, ``assert check(...)``) but shows nothing as the
    last expression of a notebook cell: the verdict has already been printed, and a stray
    ``True``/``False`` under it would only distract.

    Parameters
    ----------
    correct : bool
        Whether the answer is right.
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

    A wrong answer (or one of the wrong form) counts as a try; each wrong try that is not a
    recognised mistake shows the next level of the exercise's progressive hints. A correct
    answer resets the count.

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
    progress = _PROGRESS.get(name, _Progress()) if isinstance(name, str) else _Progress()
    verdict, ok, message, shown = _judge(name, answer, progress.level + 1)
    if verdict != "unknown":
        _LAST[:] = [name]
    if verdict == "correct":
        _PROGRESS.pop(name, None)
    elif verdict in ("not-yet", "format", "error"):
        _PROGRESS[name] = progress
        progress.tries += 1
        if shown is not None:
            progress.level = min(progress.level + 1, len(shown))
            progress.hints = shown
    print(message)
    return Verdict(ok, message)


def tries(name: str) -> int:
    """The number of wrong (or wrong-form) answers to ``name`` since its last correct one.

    Parameters
    ----------
    name : str
        The exercise label.

    Returns
    -------
    int
        Counted by :func:`check` only (not by :func:`evaluate`).
    """
    p = _PROGRESS.get(name)
    return p.tries if p else 0


def hint(name: str | None = None) -> None:
    """Print the next level of an exercise's progressive hints.

    Parameters
    ----------
    name : str, optional
        The exercise label; by default the exercise checked last.

    Notes
    -----
    Each call moves one level on, as a wrong try does (the last level repeats). Never raises.
    """
    if name is None:
        if not _LAST:
            print("Check an answer first, or give the exercise's name: hint(\"its name\").")
            return
        name = _LAST[0]
    ex = REGISTRY.get(name) if isinstance(name, str) else None
    if ex is None:
        print(_judge(name, 0, 1)[2])
        return
    progress = _PROGRESS.setdefault(name, _Progress())
    levels = progress.hints or ex.hints
    if levels is None:
        print("This exercise has no further hints: read its statement once more.")
        return
    progress.level = min(progress.level + 1, len(levels))
    progress.hints = levels
    k = progress.level
    print(f"Hint {k} of {len(levels)}{' (the last)' if k == len(levels) else ''}: "
          f"{levels.level(k)}")


# ---------------------------------------------------------------------- helpers
def as_array(answer: Any, shape: Sequence[int] | None = None) -> np.ndarray:
    """Convert an answer to a finite float array, checking its shape.

    Parameters
    ----------
    answer : object
        The student's answer.
    shape : sequence of int, optional
        The required shape; any shape if ``None``.

    Returns
    -------
    ndarray
        The answer as a finite float array.

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

    Parameters
    ----------
    answer : object
        The student's answer.

    Returns
    -------
    float
        The answer as a finite float.

    Raises
    ------
    AnswerFormatError
        If it is not a single finite number.
    """
    x = as_array(answer)
    if x.size != 1:
        raise AnswerFormatError(f"expected a single number, got an array of shape {x.shape}")
    return float(x.reshape(()))


#: Relative slack on the half-unit tolerance of :func:`agrees` (floating-point ties).
SLACK = 1e-6


def agrees(answer: Any, expected: Any, sig: int = 4) -> bool:
    """Whether ``answer`` agrees with ``expected`` to ``sig`` significant digits.

    A number agrees when it is within half a unit in the ``sig``-th significant digit of the
    expected value (times ``1 + SLACK``): exactly the numbers that round to the same ``sig``
    digits, ties included, and the rounded value itself (0.7629 for 0.762874, 1.600 for
    1.600076).

    Arrays are compared entry by entry. An entry is judged by its own ``sig`` digits, except
    entries near 0 relative to the array: the unit is taken from ``max(|e_i|, 10^-sig · s)``
    with ``s = max_j |e_j|`` the array's scale, so an entry that is 0 up to rounding noise
    (1e-17 for 0) accepts 0, and one written ``0.0001234`` in an array of scale 1 needs its
    own digits only down to ``10^-sig``. An all-zero expected array needs exact zeros (within
    1e-300). Arrays of different shapes do not agree.

    Parameters
    ----------
    answer, expected : float or array_like
        The student's answer and the expected value.
    sig : int, default 4
        Significant digits required.

    Returns
    -------
    bool
        Whether every entry of ``answer`` is within half a unit in the ``sig``-th digit.
    """
    if sig < 1:
        raise ValueError(f"sig must be >= 1, got {sig}")
    x = np.asarray(answer, dtype=float)
    e = np.asarray(expected, dtype=float)
    if x.shape != e.shape or not np.all(np.isfinite(x)):
        return False
    mag = np.abs(e)
    scale = float(mag.max()) if mag.size else 0.0
    mag = np.maximum(mag, max(scale * 10.0 ** (-sig), 1e-300))
    unit = 10.0 ** (np.floor(np.log10(mag)) - sig + 1)
    return bool(np.all(np.abs(x - e) <= 0.5 * unit * (1 + SLACK)))


def agreeing_digits(answer: Any, expected: Any, upto: int = 15) -> int:
    """The number of significant digits to which ``answer`` agrees with ``expected``.

    Parameters
    ----------
    answer, expected : float or array_like
        The student's answer and the expected value.
    upto : int, default 15
        The largest count to try.

    Returns
    -------
    int
        The largest ``k ≤ upto`` with ``agrees(answer, expected, k)``, 0 if none.
    """
    k = 0
    while k < upto and agrees(answer, expected, k + 1):
        k += 1
    return k


def precision_message(answer: Any, expected: Any, sig: int = 4) -> str:
    """The "right to k significant digits; this exercise needs sig" message.

    Parameters
    ----------
    answer, expected : float or array_like
        The student's answer and the expected value.
    sig : int, default 4
        The digits the exercise needs.

    Returns
    -------
    str
        The message when the answer is right to ``k`` digits with ``2 ≤ k < sig``, else "".
    """
    k = agreeing_digits(answer, expected, sig)
    if 2 <= k < sig:
        return (f"Your answer is right to {k} significant digits; this exercise needs {sig}. "
                "Keep full precision until the end and round only the final number.")
    return ""


def round_sig(x: Any, sig: int = 4) -> np.ndarray | float:
    """Round to ``sig`` significant digits, entry by entry (what a student copies from a print).

    Parameters
    ----------
    x : float or array_like
        The number(s) to round.
    sig : int, default 4
        Significant digits kept.

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar ``x``, else an array of the same shape.
    """
    a = np.asarray(x, dtype=float)
    r = np.array([float(f"{v:.{sig - 1}e}") for v in a.ravel()]).reshape(a.shape)
    return float(r) if r.shape == () else r


def close(
    answer: Any,
    expected: Any,
    *,
    sig: int = 4,
    hint: Message = "",
    remark: str = "",
    mistakes: Iterable[tuple[Any, Message]] = (),
    rtol: float | None = None,
    atol: float = 0.0,
) -> tuple[bool, Message]:
    """Judge a numeric answer: correct, a recognised mistake, too imprecise, or wrong.

    Parameters
    ----------
    answer, expected : float or array_like
        The student's answer and the expected value.
    sig : int, default 4
        Significant digits required (:func:`agrees`); state it in the exercise if it is not 4.
    hint : str or Hints
        What to show for a wrong answer that is not a recognised mistake.
    remark : str
        What to show with "Correct!".
    mistakes : iterable of (forms, message)
        A typical mistake: ``forms`` is its value, or a list of the values of its equivalent
        written forms, or a function without arguments returning either (the same list can
        then serve as the ``mistakes`` of :func:`exercise`); ``message`` is its targeted hint.
        The answer is taken for the mistake when it agrees with one of its forms to ``sig``
        digits and to more digits than with ``expected``: 1.149 and 1.1485 are the mistake
        1.148545, while 1.148 is the correct 1.148144. A form that rounds to the same ``sig``
        digits as ``expected`` cannot be told apart at that precision and never captures an
        answer that agrees with ``expected``.
    rtol, atol : float, optional
        If ``rtol`` is given, compare with ``numpy.allclose(rtol, atol)`` instead (no
        mistakes, no precision message).

    Returns
    -------
    (ok, message)
        ``(True, remark)``; ``(False, mistake message)``; ``(False, precision message)`` when
        the answer is right to at least 2 but fewer than ``sig`` digits
        (:func:`precision_message`); else ``(False, hint)``.

    Raises
    ------
    AnswerFormatError
        If the answer is not numeric or has another shape than ``expected``.
    """
    e = np.asarray(expected, dtype=float)
    x = as_array(answer, shape=e.shape)
    if rtol is not None:
        ok = bool(np.allclose(x, e, rtol=rtol, atol=atol))
        return ok, (remark if ok else hint)
    k_ref = agreeing_digits(x, e)
    best: tuple[int, Message] | None = None
    for forms, message in mistakes:
        forms = forms() if callable(forms) else forms
        forms = forms if isinstance(forms, list) else [forms]
        for form in forms:
            f = np.asarray(form, dtype=float)
            if f.shape != e.shape:
                continue
            k = agreeing_digits(x, f)
            if k < sig or k <= k_ref:
                continue
            if k_ref >= sig and agrees(round_sig(f, sig), e, sig):
                continue  # indistinguishable from the correct answer at this precision
            if best is None or k > best[0]:
                best = (k, message)
    if best is not None:
        return False, best[1]
    if k_ref >= sig:
        return True, remark
    return False, (precision_message(x, e, sig) or hint)


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
