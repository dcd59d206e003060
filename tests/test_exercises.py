"""wnlib.exercises: the verdicts of check(), and every registered exercise's own checks.

For every exercise registered by a chapter module (``wnlib/exercises/chN.py``): its
``reference`` answer passes, its ``wrong`` answer gets "Not yet" with a hint, and blank,
``None`` and wrong-type answers get a message, never an exception. The exercises named in
the chapter notebooks must all be registered.
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
    as_array,
    as_float,
    check,
    close,
    evaluate,
    exercise,
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
