"""wnlib.exercises: the verdicts of check(), and every registered exercise's own checks.

For every exercise registered by a chapter module (``wnlib/exercises/chN.py``): its
``reference`` answer passes, also rounded to the 4 significant digits the course prints; its
``wrong`` answer and each declared typical mistake (in each written form, also rounded) get
"Not yet" with their own hint; the first hint for an arbitrary wrong answer gives none of the
exercise's ``method_words`` away and is short; hint() escalates and a correct answer resets it;
no message shows markup or a raw label; blank, ``None`` and wrong-type answers get a message,
never an exception. The exercises named in the chapter notebooks must all be registered.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import wnlib.exercises as ex
from wnlib.exercises import (
    BLANK,
    REGISTRY,
    AnswerFormatError,
    Hints,
    agreeing_digits,
    agrees,
    as_array,
    as_float,
    check,
    close,
    evaluate,
    exercise,
    hint,
    hints,
    precision_message,
    round_sig,
    tries,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def toy():
    """A temporary exercise, removed afterwards."""
    name = "ex-ch0-toy"

    @exercise(name, reference=lambda: 2.0, wrong=lambda: 3.0)
    def _(answer):
        return close(as_float(answer), 2.0, hint="Add one and one.")

    @exercise("ex-ch0-raises", reference=lambda: 1, wrong=lambda: 0)
    def _(answer):
        return 1 / answer == 1, "hint"

    yield name
    REGISTRY.pop(name)
    REGISTRY.pop("ex-ch0-raises")


def test_correct(toy, capsys):
    assert check(toy, 2.0).correct is True
    assert capsys.readouterr().out.startswith("✓ Correct!")


def test_not_yet_prints_the_hint(toy, capsys):
    assert check(toy, 3.0).correct is False
    out = capsys.readouterr().out
    assert out.startswith("✗ Not yet.") and "Add one and one." in out


@pytest.mark.parametrize("blank", [..., None])
def test_blank(toy, blank, capsys):
    assert check(toy, blank).correct is False
    assert capsys.readouterr().out.strip() == BLANK


@pytest.mark.parametrize("answer", ["two", [1.0, 2.0], {"a": 1}, float("nan"), object()])
def test_wrong_type_or_shape_is_a_message(toy, answer, capsys):
    assert check(toy, answer).correct is False
    out = capsys.readouterr().out
    assert "does not have the expected form" in out
    assert "Traceback" not in out


def test_a_failing_check_is_a_message(toy, capsys):
    assert check("ex-ch0-raises", 0).correct is False
    out = capsys.readouterr().out
    assert "Could not check this answer (ZeroDivisionError" in out


def test_unknown_name(capsys):
    assert check("ex-ch9-nope", 1).correct is False
    assert "no exercise called 'ex-ch9-nope'" in capsys.readouterr().out
    for name in (None, ["ex-ch1-wn-norm"], 3):          # not even a string: still a message
        assert check(name, 1).correct is False
        assert "no exercise called" in capsys.readouterr().out
        hint(name)                          # hint(None): the last exercise checked, none here
        out = capsys.readouterr().out
        assert ("Check an answer first" if name is None else "no exercise called") in out
    assert not ex._PROGRESS


def test_registration_errors(toy):
    with pytest.raises(ValueError, match="twice"):
        exercise(toy, reference=lambda: 0, wrong=lambda: 1)(lambda a: (True, ""))
    with pytest.raises(ValueError, match="ex-chN"):
        exercise("toy", reference=lambda: 0, wrong=lambda: 1)
    with pytest.raises(TypeError):
        exercise("ex-ch0-x", reference=0, wrong=lambda: 1)


def test_helpers():
    assert as_array([1, 2], shape=(2,)).tolist() == [1.0, 2.0]
    with pytest.raises(AnswerFormatError, match=r"shape \(3,\)"):
        as_array([1, 2], shape=(3,))
    with pytest.raises(AnswerFormatError, match="single number"):
        as_float([1, 2])
    assert as_float(np.array([[3.0]])) == 3.0
    assert close([1.0, 2.0], [1.0, 2.0 + 1e-9]) == (True, "")
    assert close(1.5, 1.0, hint="h") == (False, "h")


def test_missing_chapter_modules_are_tolerated():
    assert ex._CHAPTER_MODULES == ["ch1", "ch2", "ch3", "ch4", "ch5"]


# ------------------------------------------------------------ every registered exercise
NAMES = sorted(REGISTRY)


@pytest.mark.skipif(not NAMES, reason="no chapter has registered an exercise yet")
@pytest.mark.parametrize("name", NAMES)
def test_registered_exercise(name, capsys):
    e = REGISTRY[name]
    assert re.fullmatch(r"ex-ch[1-9]-[a-z0-9-]+", name), "labels look like ex-chN-short-name"
    verdict, ok, msg = evaluate(name, e.reference())
    assert (verdict, ok) == ("correct", True), f"the reference answer fails: {msg}"
    verdict, ok, msg = evaluate(name, e.wrong())
    assert (verdict, ok) == ("not-yet", False), f"the wrong answer is not rejected: {msg}"
    assert len(msg) > len("✗ Not yet.") + 5, "a wrong answer gets a hint"
    for blank in (..., None):
        assert evaluate(name, blank)[:2] == ("blank", False)
    for junk in ("a string", object(), {"x": 1}):
        verdict, ok, _ = evaluate(name, junk)
        assert not ok and verdict in ("format", "error", "not-yet")
    assert check(name, e.reference()).correct is True
    assert capsys.readouterr().out.startswith("✓ Correct!")


def _notebook_exercises() -> tuple[set[str], set[str]]:
    """Exercise labels declared and names passed to check() in the chapter notebooks."""
    labels, checked = set(), set()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if cell["cell_type"] == "markdown" and "{exercise}" in src:
                labels.update(re.findall(r":label:\s*(ex-ch\S+)", src))
            if cell["cell_type"] == "code":
                checked.update(re.findall(r"check\(\s*[\"'](ex-ch[^\"']+)[\"']", src))
    return labels, checked


def test_notebook_exercises_are_registered():
    labels, checked = _notebook_exercises()
    assert not (checked - set(REGISTRY)), "check() names without a registered exercise"
    assert not (checked - labels), "check() names without an {exercise} of that label"


def test_verdict_is_a_bool_that_a_notebook_does_not_display(capsys):
    """check() returns a truthy/falsy Verdict; IPython shows nothing for it under the message."""
    from IPython.core.formatters import DisplayFormatter

    from wnlib.exercises import Verdict

    name = next(iter(REGISTRY))
    verdict = check(name, ...)
    assert isinstance(verdict, Verdict) and not verdict
    assert "no answer" in capsys.readouterr().out.lower()
    assert DisplayFormatter().format(verdict) == ({}, {})
    assert Verdict(True, "ok") and repr(Verdict(True, "ok")) == "Verdict(correct=True)"


# ------------------------------------------------------------------- precision
@pytest.fixture(autouse=True)
def _fresh_progress():
    """Each test starts with no tries counted and no hint shown."""
    ex._PROGRESS.clear()
    ex._LAST.clear()
    yield
    ex._PROGRESS.clear()
    ex._LAST.clear()


def test_agrees_accepts_the_printed_precision():
    assert agrees(0.7629, 0.762874) and agrees(1.600, 1.600076) and agrees(2.532, 2.5320763)
    assert agrees(0.76291, 0.762874)          # more digits, still within half a unit
    assert not agrees(0.7628, 0.762874)       # the 4th digit is wrong (cut off, not rounded)
    assert not agrees(0.763, 0.762874)        # only 3 digits right
    assert agrees(0.763, 0.762874, sig=3)
    assert agrees(1.000, 0.99996) and agrees(0.9999, 0.99994)   # rounding across a decade
    assert agrees(0.00020, 0.00020096, sig=2) and not agrees(0.0002, 0.00020096)
    assert agrees(0.0, 0.0) and not agrees(1e-12, 0.0)
    assert not agrees([1.0], 1.0)             # shapes differ
    assert not agrees(float("nan"), 1.0)
    with pytest.raises(ValueError, match="sig"):
        agrees(1.0, 1.0, sig=0)


def test_agrees_arrays_entry_by_entry_relative_to_the_scale():
    x = np.array([1.0, 0.58143212])
    assert agrees(round_sig(x), x) and not agrees([1.0, 0.5813], x)
    # an entry that is 0 up to noise accepts 0; a tiny entry is judged at 1e-4 of the scale
    assert agrees([1.0, 0.0], [1.0, 1e-17])
    assert agrees([2.0, 0.0001234], [2.0, 0.00012341]) and agrees([2.0, 0.0], [2.0, 1e-9])
    assert not agrees([2.0, 0.0001], [2.0, 0.00012]) and not agrees([2.0, 1e-4], [2.0, 1e-9])
    # a small entry still needs its own digits down to 1e-4 of the scale
    assert not agrees([1.0, 0.012], [1.0, 0.01234])


def test_agreeing_digits_and_the_precision_message():
    assert agreeing_digits(0.763, 0.762874) == 3
    assert agreeing_digits(0.762874, 0.762874) == 15
    assert agreeing_digits(5.0, 0.762874) == 0
    msg = precision_message(0.763, 0.762874, sig=6)
    assert "right to 3 significant digits; this exercise needs 6" in msg
    assert precision_message(0.9, 0.762874) == ""          # one digit is not "nearly right"
    assert precision_message(0.7629, 0.762874) == ""       # already right to 4
    assert round_sig(0.762874) == 0.7629 and round_sig(1600.76, 2) == 1600.0


def test_close_mistakes_precision_and_ties():
    mistake = [(1.148545, "projection")]
    ref = 1.1481436
    assert close(1.148, ref, mistakes=mistake, remark="r") == (True, "r")
    assert close(1.149, ref, mistakes=mistake) == (False, "projection")      # the mistake, rounded
    assert close(1.1485, ref, mistakes=mistake) == (False, "projection")     # closer to the mistake
    assert close(1.148545, ref, mistakes=mistake) == (False, "projection")
    # a mistake that rounds like the reference cannot capture the rounded reference
    assert close(1.600, 1.600076, mistakes=[(1.6, "bound")])[0] is True
    assert close(1.5, 1.600076, mistakes=[(1.6, "bound"), (1.5, "1 + δ")]) == (False, "1 + δ")
    # equivalent written forms: a list of values
    assert close(-1.149, ref, mistakes=[([1.148545, -1.148545], "p")]) == (False, "p")
    ok, msg = close(0.763, 0.762874, hint="h", sig=6)
    assert not ok and "this exercise needs 6" in msg
    assert close(5.0, 0.762874, hint="h") == (False, "h")
    assert close(1.0, 1.0 + 1e-7, rtol=1e-6) == (True, "")
    with pytest.raises(AnswerFormatError):
        close([1.0, 2.0], 1.0)


# ------------------------------------------------------------------- progressive hints
@pytest.fixture
def steps():
    """A temporary exercise with three hint levels and one recognised mistake."""
    name = "ex-ch0-steps"
    levels = hints("nudge", "more", "the method")

    @exercise(name, reference=lambda: 2.0, mistakes=[(lambda: 4.0, "squared")], hints=levels,
              method_words=("method",))
    def _(answer):
        return close(as_float(answer), 2.0, hint=levels, mistakes=[(4.0, "You squared it.")])

    yield name
    REGISTRY.pop(name)


def test_hints_type():
    h = hints("a", "b")
    assert isinstance(h, Hints) and len(h) == 2 and h.level(0) == "a" and h.level(9) == "b"
    with pytest.raises(ValueError):
        hints()
    with pytest.raises(ValueError):
        hints("a", " ")
    with pytest.raises(TypeError):
        exercise("ex-ch0-bad", reference=lambda: 1, wrong=lambda: 0, hints=("a", "b"))
    with pytest.raises(TypeError):
        exercise("ex-ch0-bad", reference=lambda: 1, mistakes=[(0.0, "not a function")])


def test_progressive_hints_escalate_and_reset(steps, capsys):
    outs = []
    for _ in range(4):
        assert not check(steps, 3.0)
        outs.append(capsys.readouterr().out)
    assert "nudge" in outs[0] and "Hint 1 of 3" in outs[0] and "more" not in outs[0]
    assert "more" in outs[1] and "the method" in outs[2] and "the method" in outs[3]
    assert "the last" in outs[3]
    assert tries(steps) == 4
    assert check(steps, 2.0) and tries(steps) == 0
    capsys.readouterr()
    check(steps, 3.0)
    assert "nudge" in capsys.readouterr().out                  # reset on correct


def test_a_recognised_mistake_is_shown_at_once_and_wrong_forms_count(steps, capsys):
    check(steps, 4.0)
    out = capsys.readouterr().out
    assert "You squared it." in out and "Hint" not in out
    check(steps, "two")                                        # a wrong form counts as a try
    assert tries(steps) == 2
    capsys.readouterr()
    check(steps, 3.0)
    assert "nudge" in capsys.readouterr().out                  # the first progressive level


def test_hint_on_request(steps, capsys):
    hint(steps)
    assert capsys.readouterr().out.strip() == "Hint 1 of 3: nudge"
    check(steps, 3.0)
    assert "more" in capsys.readouterr().out
    hint()                                                     # the exercise checked last
    assert capsys.readouterr().out.strip() == "Hint 3 of 3 (the last): the method"
    hint()
    assert "the method" in capsys.readouterr().out
    hint("ex-ch9-nope")
    assert "no exercise called" in capsys.readouterr().out


def test_hint_before_any_check(capsys):
    hint()
    assert "Check an answer first" in capsys.readouterr().out


def test_evaluate_does_not_advance_the_hint_level(steps, capsys):
    for _ in range(5):
        verdict, ok, msg = evaluate(steps, 3.0)
        assert (verdict, ok) == ("not-yet", False) and "nudge" in msg
    assert tries(steps) == 0
    assert "more" in evaluate(steps, 3.0, level=2)[2]
    check(steps, 3.0)
    assert "nudge" in capsys.readouterr().out


# ------------------------------------------------------------------- every exercise
FORBIDDEN = ("{", "}", "`", "prf:", "ex-ch", "thm-", "lem-", "prop-", "def-", "alg-", "fig-",
             ":ref:", "$", "\\")
FIRST_HINT_MAX = 240  # characters of the first hint level (without the "Hint 1 of 3" footer)


def _perturb(obj):
    """An arbitrary wrong answer of the reference's kind: x -> 1.37 x + 0.11 entry by entry."""
    if isinstance(obj, dict):
        return {k: _perturb(v) for k, v in obj.items()}
    if isinstance(obj, bool):
        return obj
    if isinstance(obj, int | np.integer):
        return int(round(1.37 * int(obj) + 0.11)) + 1
    if isinstance(obj, tuple | list):
        return type(obj)(_perturb(v) for v in obj)
    return np.asarray(obj, dtype=float) * 1.37 + 0.11


def _rounded(obj):
    """``obj`` as a student writes it with 4 significant digits (entry by entry)."""
    if isinstance(obj, dict):
        return {k: (v if isinstance(v, int) else _rounded(v)) for k, v in obj.items()}
    return round_sig(obj, 4)


def _strip_footer(msg: str) -> str:
    return re.sub(r" \(Hint \d+ of \d+.*\)$", "", msg.strip())


def _forms(value):
    """The written forms a declared mistake stands for (a list means several)."""
    return value if isinstance(value, list) else [value]


def _clean(msg: str) -> None:
    bad = [t for t in FORBIDDEN if t in msg]
    bad += re.findall(r"(?<![\w)])\*[A-Za-z ]+\*", msg)  # *emphasis* (not x*, g*)
    assert not bad, f"markup or raw label {bad} in message: {msg!r}"


@pytest.mark.parametrize("name", NAMES)
def test_reference_at_the_printed_precision_passes(name):
    e = REGISTRY[name]
    for answer in (e.reference(), _rounded(e.reference())):
        verdict, ok, msg = evaluate(name, answer)
        assert (verdict, ok) == ("correct", True), f"{answer!r} is rejected: {msg}"
        _clean(msg)


@pytest.mark.parametrize("name", NAMES)
def test_each_typical_mistake_gets_its_own_hint(name):
    e = REGISTRY[name]
    assert e.mistakes, "declare the exercise's typical mistakes"
    for make, fragment in e.mistakes:
        for form in _forms(make()):
            for answer in (form, _rounded(form)):
                verdict, ok, msg = evaluate(name, answer)
                assert (verdict, ok) == ("not-yet", False), f"mistake {answer!r} accepted"
                assert fragment in msg, f"{answer!r} does not get its hint {fragment!r}: {msg}"
                _clean(msg)


@pytest.mark.parametrize("name", NAMES)
def test_first_hint_for_an_arbitrary_wrong_answer_gives_no_method_away(name):
    _assert_first_hint_gives_no_method_away(name)


def test_the_first_hint_rule_can_fail():
    """An exercise in the old style (method and a raw label on the first try) is caught."""
    name = "ex-ch0-old-style"

    @exercise(name, reference=lambda: 2.0, wrong=lambda: 3.0, method_words=("√(1 +",),
              hints=hints("nudge", "method"))
    def _(answer):
        return close(as_float(answer), 2.0,
                     hint="Use ‖w₁‖ = √(1 + η²‖∇_w h‖²), see Proposition prop-gd-limit.")

    try:
        with pytest.raises(AssertionError, match="gives the method away|raw label"):
            _assert_first_hint_gives_no_method_away(name)
        with pytest.raises(AssertionError, match="raw label"):
            _clean(evaluate(name, 3.0)[2])
    finally:
        REGISTRY.pop(name)


def _assert_first_hint_gives_no_method_away(name: str) -> None:
    e = REGISTRY[name]
    assert e.method_words, "declare the method_words the first hint must not contain"
    answer = _perturb(e.reference())
    if evaluate(name, answer)[0] == "correct":  # a set of right answers (a pair, a schedule)
        answer = e.wrong()
    verdict, ok, msg = evaluate(name, answer)
    assert (verdict, ok) == ("not-yet", False), msg
    first = _strip_footer(msg)
    assert len(first) <= FIRST_HINT_MAX, f"first hint too long ({len(first)}): {first}"
    given_away = [w for w in e.method_words if w in first]
    assert not given_away, f"the first hint gives the method away ({given_away}): {first}"
    _clean(msg)
    # the exercise's own first level, shown by hint() before any try, obeys the same rule
    assert e.hints is not None and len(e.hints) >= 2, "declare at least two hint levels"
    assert not [w for w in e.method_words if w in e.hints.level(1)]
    assert len(e.hints.level(1)) <= FIRST_HINT_MAX


@pytest.mark.parametrize("name", NAMES)
def test_hints_escalate_and_tries_reset(name, capsys):
    e = REGISTRY[name]
    shown = []
    for _ in range(len(e.hints) + 1):
        hint(name)
        shown.append(capsys.readouterr().out.strip())
    for k, out in enumerate(shown[:-1], start=1):
        assert out.startswith(f"Hint {k} of {len(e.hints)}") and e.hints.level(k) in out
        _clean(out)
    assert shown[-1] == shown[-2], "the last level repeats"
    assert len(set(shown[:-1])) == len(e.hints), "each level says something new"
    assert check(name, e.reference()) and tries(name) == 0
    wrong = e.wrong()
    check(name, wrong)
    check(name, "not an answer")
    assert tries(name) == 2
    assert check(name, _rounded(e.reference())) and tries(name) == 0
    capsys.readouterr()
    check(name, wrong)
    assert capsys.readouterr().out.strip() == evaluate(name, wrong)[2], "a fresh start after ✓"


@pytest.mark.parametrize("name", NAMES)
def test_three_digits_are_called_imprecise_not_wrong(name):
    """A float answer right to 3 digits is told so (or accepted where the check is lenient)."""
    e = REGISTRY[name]
    ref = e.reference()
    if isinstance(ref, dict | tuple | int | np.integer) or isinstance(ref, bool):
        pytest.skip("not a decimal answer")
    three = round_sig(ref, 3)
    if agrees(three, ref, 4):
        pytest.skip("the reference has 3 significant digits")
    verdict, ok, msg = evaluate(name, three)
    assert ok or "right to 3 significant digits; this exercise needs 4" in msg, msg
