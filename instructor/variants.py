"""Graded exercises with a variant per student: parameters, statements and hidden answers.

This file is the instructor's source of the graded assignment (issue 12). It is **never** part of
the ``wnlib`` package a student installs: ``make assign`` copies it into
``_build/assign/autograder/`` (the folder the instructor keeps), where the hidden tests import it
to recompute each student's expected answer from the student id.

How a variant is made
---------------------
For a student id ``sid`` and an exercise label ``ex-chN-name``, :func:`params` seeds
``numpy.random.default_rng`` with a SHA-256 hash of ``"wn-course/<label>/<sid>"`` and draws the
exercise's data (seeds, ``g0``, ``c``, ...) from a finite grid that excludes the numbers of the
course's own self-study exercise (whose reference answer is public in ``wnlib.exercises``). The
same id always gets the same parameters, on any machine; two ids get different ones with high
probability (``make assign`` warns about any pair of students whose answers coincide).

Adding an exercise
------------------
Append a :class:`Graded` to :data:`GRADED` with: the chapter file and the ``:label:`` of the
exercise in that chapter (its title is read from the chapter source), the points, the name of the
variable the student assigns, a ``draw(rng)`` returning the parameters, a statement template
(plain Markdown with ``{param}`` fields), the starter code, ``expected(params)`` (the hidden
answer), and ``bounds(params)`` + ``hint`` for the public form check (bounds that the statement
itself implies; they must not pin the answer down).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "GRADED",
    "Graded",
    "RTOL",
    "by_label",
    "chapters",
    "expected",
    "grade",
    "params",
]

#: Relative tolerance of the hidden tests: an answer written with the 4 significant digits the
#: course prints is within 5e-4 of the exact value, so it passes.
RTOL = 1e-3


@dataclass(frozen=True)
class Graded:
    """One graded exercise with a variant per student.

    Attributes
    ----------
    chapter : str
        Chapter file stem, e.g. ``"01_setup"`` (the assignment notebook is ``<chapter>.ipynb``).
    label : str
        The exercise's ``:label:`` in the chapter source, ``ex-chN-name``.
    points : float
        Points of the exercise in the gradebook.
    variable : str
        The variable the student assigns the answer to (one per exercise, so later exercises do
        not overwrite earlier answers).
    draw : callable
        ``draw(rng) -> dict`` of parameters, from a ``numpy.random.Generator``.
    statement : str
        Plain Markdown with ``{name}`` fields filled from the parameters.
    starter : str
        Starter code above the answer line; it uses the parameter variables by name.
    expected_fn : callable
        ``expected_fn(params) -> float``, the hidden answer.
    bounds : callable
        ``bounds(params) -> (lo, hi)``, open interval every sensible answer lies in (public).
    hint : str
        Shown by the public check when the answer is outside the bounds; must not give the
        answer away.
    """

    chapter: str
    label: str
    points: float
    variable: str
    draw: Callable[[np.random.Generator], dict[str, Any]]
    statement: str
    starter: str
    expected_fn: Callable[[Mapping[str, Any]], float]
    bounds: Callable[[Mapping[str, Any]], tuple[float, float]]
    hint: str
    course_params: Mapping[str, Any] = field(default_factory=dict)


def _pick(rng: np.random.Generator, grid: Sequence[Any]) -> Any:
    value = grid[int(rng.integers(len(grid)))]
    return value.item() if isinstance(value, np.generic) else value


def _grid(lo: float, hi: float, step: float, exclude: Sequence[float] = ()) -> list[float]:
    n = int(round((hi - lo) / step))
    values = [round(lo + k * step, 10) for k in range(n + 1)]
    return [v for v in values if all(abs(v - e) > 1e-12 for e in exclude)]


def _seed(rng: np.random.Generator, exclude: Sequence[int]) -> int:
    while True:
        s = int(rng.integers(10, 10_000))
        if s not in exclude:
            return s


def _unit(seed: int, d: int = 100) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(d)
    return v / np.linalg.norm(v)


# ----------------------------------------------------------------------------- chapter 1
def _fig1_problem():
    from wnlib import make_problem

    return make_problem(20, 100, kind="gaussian", seed=0)


def _gd_distance(p: Mapping[str, Any]) -> float:
    """‖x̂_GD − x*‖ = ‖x0⊥‖ (Proposition: GD ends at x* + x0⊥)."""
    x0 = p["scale"] * _unit(p["seed"])
    return float(np.linalg.norm(_fig1_problem().split(x0)[1]))


def _wn_norm(p: Mapping[str, Any]) -> float:
    """‖w1‖ after one step of Algorithm 1 (WN) from a unit w0: √(1 + η²‖∇_w h‖²)."""
    from wnlib import wn

    run = wn(_fig1_problem(), p["g0"], _unit(p["seed"]), eta=p["eta"], gamma=p["eta"],
             tol=0, max_iter=1)
    return float(np.linalg.norm(run.w))


# ----------------------------------------------------------------------------- chapter 2
def _invariant(p: Mapping[str, Any]) -> float:
    """‖w⊥_t‖/‖w⊥_0‖ = exp((g0² − g_t²)/(2c)) (Lemma 2.5, invariant of the flow (4))."""
    return math.exp((p["g0"] ** 2 - p["g_t"] ** 2) / (2 * p["c"]))


# ----------------------------------------------------------------------------- chapter 3
def _by_hand(p: Mapping[str, Any]) -> float:
    """Final x2 of the WN flow of the paper's 2-D example from g0·[0, 1] with c = 1 (eq. (7))."""
    from wnlib.problem import example_problem
    from wnlib.theory.flow import flow_limit

    return float(flow_limit(example_problem(1.0), p["g0"], np.array([0.0, 1.0]), 1.0)[1])


# ----------------------------------------------------------------------------- chapter 4
def _recursion(p: Mapping[str, Any]) -> float:
    """‖w⊥_{t+1}‖ = ‖w⊥_t‖/‖v_t‖, ‖v_t‖² = ‖w⊥_t‖² + g*²/g_t² (proof of Theorem 3.2)."""
    w, g_t, g_star = p["w_perp"], p["g_t"], p["g_star"]
    return float(w / math.sqrt(w**2 + (g_star / g_t) ** 2))


# ----------------------------------------------------------------------------- chapter 5
def _admissible(p: Mapping[str, Any]) -> float:
    """Largest fixed scale of Proposition 3.3: g0 = g* λ_min / (2 + δ)."""
    from wnlib import make_conditioned_problem

    P = make_conditioned_problem(20, 100, cond=p["cond"], seed=p["seed"])
    return float(P.g_star * P.lam_min / (2 + p["delta"]))


_NUMBER_HINT = "Pass a single real number (a float), not an array or a string."

#: The graded exercises, at least one per chapter, in the order of the chapters.
GRADED: tuple[Graded, ...] = (
    Graded(
        chapter="01_setup",
        label="ex-ch1-gd-distance",
        points=2,
        variable="answer_gd_distance",
        draw=lambda rng: {"seed": _seed(rng, [7]),
                          "scale": _pick(rng, _grid(2.0, 5.0, 0.1, exclude=[3.0]))},
        statement=(
            "Use the Figure-1 problem `P = make_problem(20, 100, kind=\"gaussian\", seed=0)` and "
            "the start `x0 = {scale} * u`, where `u` is the unit vector obtained by normalizing "
            "`np.random.default_rng({seed}).standard_normal(100)`. Without running GD, compute "
            "the distance $\\|\\hat x_{{\\mathrm{{GD}}}} - x^*\\|$ of GD's limit to the "
            "minimum-norm solution and assign it to `answer_gd_distance`."
        ),
        starter="u = np.random.default_rng(seed).standard_normal(100)\n"
                "x0 = scale * u / np.linalg.norm(u)\n",
        expected_fn=_gd_distance,
        bounds=lambda p: (0.0, float(p["scale"])),
        hint="GD's limit is x* plus the part of x0 that the data cannot see; its distance to "
             "x* is at most ‖x0‖.",
        course_params={"seed": 7, "scale": 3.0},
    ),
    Graded(
        chapter="01_setup",
        label="ex-ch1-wn-norm",
        points=2,
        variable="answer_wn_norm",
        draw=lambda rng: {"g0": _pick(rng, _grid(1.5, 3.0, 0.25, exclude=[2.0])),
                          "eta": _pick(rng, _grid(0.08, 0.2, 0.02, exclude=[0.1])),
                          "seed": _seed(rng, [3])},
        statement=(
            "Take $g_0 = {g0}$, $\\eta = \\gamma = {eta}$, the Figure-1 problem `P` and $w_0$ the "
            "unit vector obtained by normalizing `np.random.default_rng({seed})"
            ".standard_normal(100)`. Using only the gradient formula for $\\nabla_w h$ (not "
            "`wn`), compute the norm $\\|w_1\\|$ of WN's direction after one step of Algorithm 1 "
            "and assign it to `answer_wn_norm`."
        ),
        starter="v = np.random.default_rng(seed).standard_normal(100)\n"
                "w0 = v / np.linalg.norm(v)\n",
        expected_fn=_wn_norm,
        bounds=lambda p: (1.0, math.inf),
        hint="The WN step is orthogonal to w0 and WN does not project back to the sphere: "
             "‖w1‖ is larger than 1.",
        course_params={"g0": 2.0, "eta": 0.1, "seed": 3},
    ),
    Graded(
        chapter="02_flow",
        label="ex-ch2-invariant",
        points=1,
        variable="answer_invariant",
        draw=lambda rng: {"g0": _pick(rng, _grid(0.2, 0.9, 0.1)),
                          "g_t": _pick(rng, _grid(1.5, 3.0, 0.25, exclude=[2.0])),
                          "c": _pick(rng, [0.5, 2.0, 4.0])},
        statement=(
            "From (4), show that $dw^\\perp/dt=-g\\,(w^\\top A^\\top r)\\,w^\\perp$ and integrate "
            "it. Then: on a WN flow with $c = {c}$ the scale grows from $g_0 = {g0}$ to "
            "$g_t = {g_t}$. By what factor $\\|w_t^\\perp\\|/\\|w_0^\\perp\\|$ has the null-space "
            "part of the direction changed? Assign the factor to `answer_invariant`."
        ),
        starter="",
        expected_fn=_invariant,
        bounds=lambda p: (0.0, 1.0),
        hint="Along the flow ‖w⊥‖ shrinks while g² grows: the factor lies strictly between 0 "
             "and 1.",
        course_params={"g0": 0.5, "g_t": 2.0, "c": 1.0},
    ),
    Graded(
        chapter="03_example2d",
        label="ex-ch3-by-hand",
        points=2,
        variable="answer_by_hand",
        draw=lambda rng: {"g0": _pick(rng, _grid(0.2, 0.95, 0.01, exclude=[0.5]))},
        statement=(
            "For the paper's example ($y = 1$, $w_0 = [0, 1]$, $c = 1$) and $g_0 = {g0}$, use "
            "only the invariant of Lemma 2.5 and the zero-loss condition $g\\cos\\theta = 1$ to "
            "find where the flow ends. Reduce it to one equation in one unknown, solve it with "
            "`scipy.optimize.brentq`, and assign the final $x_2$ to `answer_by_hand`."
        ),
        starter="",
        expected_fn=_by_hand,
        bounds=lambda p: (0.0, math.inf),
        hint="The flow ends on the line x1 = 1 with x2 of the sign of the start's w0 = [0, 1]: "
             "x2 is positive.",
        course_params={"g0": 0.5},
    ),
    Graded(
        chapter="04_orthogonal",
        label="ex-ch4-recursion",
        points=1,
        variable="answer_recursion",
        draw=lambda rng: {"w_perp": _pick(rng, _grid(0.3, 0.9, 0.05, exclude=[0.6])),
                          "g_t": _pick(rng, [0.5, 0.75, 1.25, 1.5]),
                          "g_star": _pick(rng, [2.5, 3.0, 4.0])},
        statement=(
            "Let $AA^\\top = I$, $g^* = {g_star}$, and suppose rPGD with $\\eta_t = 1/g_t^2$ is at "
            "$g_t = {g_t}$ with $\\|w^\\perp_t\\| = {w_perp}$. Using only "
            "$v_t = w^\\perp_t + x^*/g_t$ (and $w^\\perp_t \\perp x^*$), compute "
            "$\\|w^\\perp_{{t+1}}\\|$ and assign it to `answer_recursion`."
        ),
        starter="",
        expected_fn=_recursion,
        bounds=lambda p: (0.0, float(p["w_perp"])),
        hint="‖w⊥‖ must shrink (‖v_t‖ > 1 because g_t < g*): the answer lies strictly between "
             "0 and ‖w⊥_t‖.",
        course_params={"w_perp": 0.6, "g_t": 1.0, "g_star": 2.0},
    ),
    Graded(
        chapter="05_general",
        label="ex-ch5-admissible-g0",
        points=1,
        variable="answer_admissible",
        draw=lambda rng: {"seed": _seed(rng, [3]),
                          "cond": _pick(rng, [5.0, 20.0, 50.0]),
                          "delta": _pick(rng, [0.5, 2.0])},
        statement=(
            "For `make_conditioned_problem(20, 100, cond={cond}, seed={seed})` and "
            "$\\delta = {delta}$, what is the largest fixed scale $g_0$ that Proposition 3.3 "
            "allows? Assign it to `answer_admissible`."
        ),
        starter="problem = make_conditioned_problem(20, 100, cond=cond, seed=seed)\n",
        expected_fn=_admissible,
        bounds=lambda p: (0.0, math.inf),
        hint="The admissible scale is a positive number, smaller than g* = problem.g_star.",
        course_params={"cond": 10.0, "seed": 3, "delta": 1.0},
    ),
)


def by_label(label: str) -> Graded:
    """The :class:`Graded` exercise called ``label`` (``ValueError`` naming the known ones)."""
    for g in GRADED:
        if g.label == label:
            return g
    raise ValueError(f"no graded exercise {label!r}; known: {[g.label for g in GRADED]}")


def chapters() -> list[str]:
    """Chapter stems that have graded exercises, in order."""
    return list(dict.fromkeys(g.chapter for g in GRADED))


def _check_id(student_id: str) -> str:
    if not isinstance(student_id, str) or not student_id.strip():
        raise ValueError(f"a student id must be a non-empty string, got {student_id!r}")
    sid = student_id.strip()
    if any(ch in sid for ch in "/\\,\n\r\t ") or sid.startswith("."):
        raise ValueError(f"student id {sid!r} contains a path separator, comma or space")
    return sid


def params(label: str, student_id: str) -> dict[str, Any]:
    """The parameters of exercise ``label`` for ``student_id`` (stable across machines).

    Parameters
    ----------
    label : str
        A label of :data:`GRADED`.
    student_id : str
        The id as written in the roster.

    Returns
    -------
    dict
        Parameter name -> value (plain Python numbers).
    """
    g = by_label(label)
    sid = _check_id(student_id)
    digest = hashlib.sha256(f"wn-course/{label}/{sid}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:16], "big"))
    return g.draw(rng)


def expected(label: str, student_id: str) -> float:
    """The hidden answer of exercise ``label`` for ``student_id``."""
    return float(by_label(label).expected_fn(params(label, student_id)))


def grade(label: str, student_id: str, answer: Any,
          others: Sequence[str] = ()) -> tuple[bool, str]:
    """Hidden test: is ``answer`` the student's own answer, to ``RTOL``?

    Parameters
    ----------
    label, student_id : str
        Exercise and the id the submission was collected under (never read from the notebook).
    answer : object
        The value of the exercise's answer variable after re-execution.
    others : sequence of str
        Other ids of the roster: a wrong answer equal to one of their expected values is
        reported (a shared answer).

    Returns
    -------
    (ok, message)
        ``message`` never contains the expected value.
    """
    if answer is None or answer is Ellipsis:
        return False, "no answer (the answer variable is still ... or undefined)"
    try:
        a = float(np.asarray(answer, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return False, f"the answer is not a single number (got {type(answer).__name__})"
    if not math.isfinite(a):
        return False, f"the answer is not finite ({a})"
    value = expected(label, student_id)
    if math.isclose(a, value, rel_tol=RTOL, abs_tol=1e-12):
        return True, "correct"
    for other in others:
        if other != student_id and math.isclose(a, expected(label, other), rel_tol=RTOL,
                                                abs_tol=1e-12):
            return False, (f"wrong for this student's parameters; the value is the answer of "
                           f"student {other}'s variant")
    return False, "not the expected value for this student's parameters (relative tolerance 1e-3)"
