"""Claims: every qualitative sentence of the course has a check that fails if it is false.

A claim is a sentence of a chapter (or of a hint in ``wnlib/exercises/chN.py``) that states a
limit, a trend, a criterion, a comparison or an accuracy. Its check is a test in
``tests/claims/test_chN.py`` marked with the sentence::

    @pytest.mark.claim("as c → ∞ the flow ends at the radial point")
    def test_large_c_limit_is_radial():
        ...  # probe the claim where it would break: both sides of an "iff", the edges

The marker's text must appear, up to white space, in chapter N's notebook (a markdown cell)
or in a string of ``wnlib/exercises/chN.py`` (a hint): if the sentence is edited or removed,
its check fails until the claim is updated. ``make claims`` (``tools/claims.py``) runs these
tests and lists the claims by chapter, with where each sentence stands and where its check is.
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
EXERCISES = ROOT / "wnlib" / "exercises"


def _norm(text: str) -> str:
    """Fold white space so a claim matches across line breaks."""
    return re.sub(r"\s+", " ", text).strip()


@cache
def _notebook(chapter: int) -> Path:
    found = sorted(CHAPTERS.glob(f"{chapter:02d}_*.ipynb"))
    if len(found) != 1:
        raise FileNotFoundError(f"no single notebook chapters/{chapter:02d}_*.ipynb")
    return found[0]


@cache
def _markdown_cells(chapter: int) -> tuple[tuple[int, str, str], ...]:
    """(cell index, section heading, normalised text) of each markdown cell."""
    nb = json.loads(_notebook(chapter).read_text())
    cells, heading = [], ""
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        src = "".join(cell["source"])
        for line in src.splitlines():
            if line.startswith("#"):
                heading = line.lstrip("#").strip()
        cells.append((i, heading, _norm(src)))
    return tuple(cells)


def _strings(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):  # f-string: keep the literal parts
        return "{…}".join(_strings(v) for v in node.values if not isinstance(v, ast.FormattedValue))
    return ""


@cache
def _hint_strings(chapter: int) -> tuple[str, ...]:
    path = EXERCISES / f"ch{chapter}.py"
    if not path.exists():
        return ()
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        s = _strings(node)
        if s:
            out.append(_norm(s))
    return tuple(out)


def locate(chapter: int, text: str) -> str:
    """Where the claim's sentence stands, e.g. ``cell 17 (§ Theorem 2.6)``; raise if nowhere."""
    needle = _norm(text)
    for i, heading, cell in _markdown_cells(chapter):
        if needle in cell:
            return f"{_notebook(chapter).name} cell {i} ({heading})"
    for s in _hint_strings(chapter):
        if needle in s:
            return f"wnlib/exercises/ch{chapter}.py (hint)"
    raise LookupError(
        f"the claimed sentence is not in chapter {chapter} (notebook markdown or hints): "
        f"{text!r}. Update the claim marker to the sentence as it now reads."
    )


def _chapter_of(item: pytest.Item) -> int:
    m = re.fullmatch(r"test_ch(\d)\w*\.py", item.path.name)
    if not m:
        raise pytest.UsageError(f"claim tests live in tests/claims/test_chN*.py, not {item.path}")
    return int(m.group(1))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "claim(text): the sentence of the chapter (or hint) that this test checks"
    )
    config._claims = []  # type: ignore[attr-defined]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--claims-report", default=None, help="write the claims and outcomes as JSON")


def pytest_runtest_setup(item: pytest.Item) -> None:
    marks = list(item.iter_markers("claim"))
    if len(marks) != 1 or not marks[0].args:
        pytest.fail(f"{item.nodeid}: a claim test needs exactly one @pytest.mark.claim(text)")
    text = marks[0].args[0]
    chapter = _chapter_of(item)
    info = {"chapter": chapter, "text": _norm(text), "check": item.nodeid, "where": "?"}
    error = ""
    try:
        info["where"] = locate(chapter, text)
    except (LookupError, FileNotFoundError) as err:
        error = str(err)
    item.user_properties.append(("claim", json.dumps(info)))
    if error:
        pytest.fail(error, pytrace=False)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    props = dict(report.user_properties)
    if "claim" not in props:
        return
    failed = report.failed
    if report.when == "call" or failed:
        info = json.loads(props["claim"])
        info["outcome"] = "failed" if failed else report.outcome
        _session_claims.append(info)


_session_claims: list[dict] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = session.config.getoption("--claims-report")
    if path and not hasattr(session.config, "workerinput"):  # the xdist controller, or no xdist
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(_session_claims, indent=1, ensure_ascii=False))
