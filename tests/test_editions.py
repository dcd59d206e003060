"""Editions: no solution survives anywhere in the student outputs.

The unit tests (unmarked) run the stripping and the leak checker of ``tools/editions/``
on a synthetic notebook, including doctored artifacts that the checker must catch. The
``editions`` tests search the real student edition (``make student``) for every
non-trivial line of every solution of the chapter notebooks, and check that the same
search does find the solutions where they belong (instructor notebooks, main website).
"""

from __future__ import annotations

import html.parser
import json
import shutil
import urllib.parse
from pathlib import Path

import pytest
import yaml
from conftest import INSTRUCTOR, ROOT, SITE
from editions import (
    artifacts,
    book_solution_lines,
    build_notebooks,
    find_leaks,
    solution_lines_of,
    split_notebook,
    strip_markdown,
    student_artifacts,
    student_config,
)
from editions.myst2md import BookIndex, myst_leftovers
from editions.reader import directives


def _md(src: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": src}


def _code(src: str, out: str = "") -> dict:
    outputs = [{"output_type": "stream", "name": "stdout", "text": out}] if out else []
    return {
        "cell_type": "code",
        "metadata": {},
        "source": src,
        "outputs": outputs,
        "execution_count": 1,
    }


def toy_notebook() -> dict:
    cells = [
        _md("# Chapter 0\n\nSome text with $x^2$."),
        _code("from wnlib.exercises import check\nx = 1"),
        _md("```{exercise} Add\n:label: ex-ch0-add\n\nCompute the sum of x and one.\n```"),
        _code('answer = ...  # your answer here\ncheck("ex-ch0-add", answer)', "No answer yet"),
        _md("```{solution-start} ex-ch0-add\n:class: dropdown\n```\nThe secret idea is to add."),
        _code(
            'secret_total = compute_the_secret(x) + 1\ncheck("ex-ch0-add", secret_total)',
            "Correct! the hidden verdict message",
        ),
        _md("Explanation: the hidden explanation paragraph."),
        _md("```{solution-end}\n```\n\nText after the solution stays."),
        _md(
            "````{solution} ex-ch0-add\n:label: sol-inline\n\nInline solution words here.\n\n"
            "```python\ninline_solution_code(42)\n```\n````\nAfter inline."
        ),
        _code("print('after')", "after"),
    ]
    return {
        "cells": cells,
        "metadata": {"widgets": {"state": "secret widget state"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _sources(nb: dict) -> str:
    return "\n".join(
        c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in nb["cells"]
    )


def test_split_removes_gated_and_inline_solutions():
    student, removed = split_notebook(toy_notebook())
    text = _sources(student)
    for gone in (
        "secret",
        "hidden",
        "solution-start",
        "solution-end",
        "Inline solution",
        "inline_",
    ):
        assert gone not in text
    for kept in (
        "# Chapter 0",
        "answer = ...",
        "Text after the solution stays.",
        "After inline.",
        "print('after')",
        "{exercise}",
    ):
        assert kept in text
    assert "widgets" not in student["metadata"]
    assert len(removed) == 5  # start cell part, code, explanation, end cell part, inline block


def test_split_rejects_unbalanced():
    nb = toy_notebook()
    del nb["cells"][7]  # the solution-end
    with pytest.raises(ValueError, match="no matching solution-end"):
        split_notebook(nb)
    with pytest.raises(ValueError, match="without a solution-start"):
        split_notebook({"cells": [_md("```{solution-end}\n```")], "metadata": {}})


def test_colon_fences_and_markdown_pages():
    page = (
        "Intro\n\n:::{solution-start} ex-ch0-a\n:::\nsecret words of the page\n"
        ":::{solution-end}\n:::\nOutro\n"
    )
    keep, gone = strip_markdown(page)
    assert "secret" not in keep and "Intro" in keep and "Outro" in keep
    assert "secret words of the page" in gone


def test_solution_lines_exclude_public_and_trivial_lines():
    lines = solution_lines_of({"toy.ipynb": toy_notebook()}, {})["toy.ipynb"]
    assert "secret_total = compute_the_secret(x) + 1" in lines
    assert "The secret idea is to add." in lines
    assert "Correct! the hidden verdict message" in lines  # solution outputs count too
    assert "inline_solution_code(42)" in lines
    # in the student's part too, so not a leak; fences and options are trivial
    assert 'check("ex-ch0-add", answer)' not in lines
    assert not any(line.startswith(("```", ":class:", ":label:")) for line in lines)


def _write_student_artifacts(tmp: Path, nb: dict) -> list[Path]:
    student, _ = split_notebook(nb)
    (tmp / "notebooks").mkdir()
    (tmp / "notebooks" / "toy.ipynb").write_text(json.dumps(student), encoding="utf-8")
    (tmp / "html").mkdir()
    body = "".join(f"<p>{c['source']}</p>" for c in student["cells"])
    (tmp / "html" / "toy.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return artifacts(tmp / "html", tmp / "notebooks")


def test_checker_passes_clean_and_catches_doctored_artifacts(tmp_path):
    nb = toy_notebook()
    lines = solution_lines_of({"toy.ipynb": nb}, {})
    files = _write_student_artifacts(tmp_path, nb)
    assert find_leaks(lines, files) == []

    # a solution code line in the HTML, highlighted and escaped as Sphinx would write it
    page = tmp_path / "html" / "toy.html"
    page.write_text(
        page.read_text() + '<pre><span class="n">secret_total</span> <span class="o">=</span> '
        '<span class="n">compute_the_secret</span>(x) &#43; 1</pre>',
        encoding="utf-8",
    )
    leaks = find_leaks(lines, files)
    assert [(Path(f).name, line) for f, _, line in leaks] == [
        ("toy.html", "secret_total = compute_the_secret(x) + 1")
    ]

    # a solution markdown line in a student notebook
    page.write_text("<html></html>", encoding="utf-8")
    nbfile = tmp_path / "notebooks" / "toy.ipynb"
    doctored = json.loads(nbfile.read_text())
    doctored["cells"].append(_md("Explanation: the hidden explanation paragraph."))
    nbfile.write_text(json.dumps(doctored), encoding="utf-8")
    assert [line for _, _, line in find_leaks(lines, files)] == [
        "Explanation: the hidden explanation paragraph."
    ]


def test_student_config():
    cfg = student_config(
        {
            "title": "T",
            "repository": {"url": "https://example.org/r", "branch": "main"},
            "sphinx": {
                "config": {"html_extra_path": ["_vendor"]},
                "local_extensions": {"wn_offline": "tools"},
            },
        },
        root=Path("/r"),
    )
    assert cfg["title"] == "T (student edition)"
    assert cfg["sphinx"]["config"]["hide_solutions"] is True
    assert cfg["sphinx"]["config"]["html_extra_path"] == ["/r/_vendor"]
    assert cfg["sphinx"]["local_extensions"] == {"wn_offline": "/r/tools"}
    assert cfg["execute"]["execute_notebooks"] == "off"
    # launch buttons open the student branch, which holds only the student notebooks
    assert cfg["repository"]["branch"] == "student"
    assert cfg["launch_buttons"]["thebe"] is False


def test_build_notebooks(tmp_path):
    root = tmp_path / "book"
    (root / "chapters").mkdir(parents=True)
    (root / "chapters" / "00_toy.ipynb").write_text(json.dumps(toy_notebook()))
    (root / "chapters" / "figure.png").write_bytes(b"png")
    s, i = build_notebooks(root, tmp_path / "_build")
    assert [p.name for p in s] == [p.name for p in i] == ["00_toy.ipynb"]
    assert "secret" not in s[0].read_text() and "secret" in i[0].read_text()
    assert (tmp_path / "_build" / "student" / "notebooks" / "figure.png").exists()
    # the notebooks are plain Markdown
    assert "```{exercise}" not in s[0].read_text() and "**Exercise 1: Add**" in s[0].read_text()

    # a rebuild never overwrites a notebook the student changed: the new one goes next to it
    again, _ = build_notebooks(root, tmp_path / "_build")
    assert again == s, "an unchanged notebook is simply rewritten"
    work = s[0].read_text().replace("answer = ...", "answer = 2")
    s[0].write_text(work)
    again, _ = build_notebooks(root, tmp_path / "_build")
    assert s[0].read_text() == work, "the student's work is kept"
    assert [p.name for p in again] == ["00_toy.updated.ipynb"] and again[0].is_file()


# ------------------------------------------------------------------ the real editions
@pytest.fixture(scope="module")
def solutions() -> dict[str, list[str]]:
    return book_solution_lines(ROOT)


@pytest.mark.editions
def test_no_solution_in_the_student_edition(student_dir, solutions):
    files = student_artifacts(student_dir.parent)
    names = {f.name for f in files}
    assert "index.html" in names
    for nb in (ROOT / "chapters").glob("*.ipynb"):
        assert nb.name in names, f"student notebook or download of {nb.name} missing"
    leaks = find_leaks(solutions, files)
    assert not leaks, "\n".join(f"{f}: {line!r} (from {src})" for f, src, line in leaks)


@pytest.mark.editions
def test_the_search_finds_solutions_where_they_are(student_dir, solutions, tmp_path):
    """The same search finds every solution in the instructor notebooks, finds solutions in
    the main website, and catches one solution line planted in a copy of a student page."""
    n = sum(len(v) for v in solutions.values())
    if n == 0:
        pytest.skip("no chapter has a solution yet")
    instructor = artifacts(INSTRUCTOR / "notebooks")
    for src, lines in solutions.items():
        if not src.endswith(".ipynb"):
            continue
        # lines with MyST markup (a role) are in the instructor notebook in plain Markdown
        lines = [line for line in lines if not myst_leftovers(line)]
        found = {line for _, s, line in find_leaks({src: lines}, instructor) if s == src}
        assert found == set(lines), f"{src}: solution lines not in the instructor notebook"
    if (SITE / "index.html").is_file():
        assert find_leaks(solutions, artifacts(SITE)), "the main website shows no solution?"
    src, lines = next((s, ls) for s, ls in solutions.items() if ls)
    page = tmp_path / "page.html"
    shutil.copy(student_dir / "html" / "intro.html", page)
    page.write_text(page.read_text() + f"<p>{lines[-1]}</p>", encoding="utf-8")
    assert find_leaks(solutions, [page]), "a planted solution line is caught"


def test_execution_report_table_is_replaced_in_the_student_site():
    from editions import replace_exec_table

    page = (ROOT / "execution.md").read_text(encoding="utf-8")
    assert "{nb-exec-table}" in page, "execution.md has its {nb-exec-table}"
    out = replace_exec_table(page, "| static |\n")
    assert "nb-exec-table" not in out and "| static |" in out


# ------------------------------------------------------------------ plain notebooks
def _distributed_notebooks(student_dir: Path) -> dict[str, list[Path]]:
    """Every notebook handed out: student and instructor notebooks, the student branch, and
    what the student website's download button serves."""
    return {
        "student notebooks": sorted((student_dir / "notebooks").glob("*.ipynb")),
        "instructor notebooks": sorted((INSTRUCTOR / "notebooks").glob("*.ipynb")),
        "student branch": sorted((student_dir / "branch" / "chapters").glob("*.ipynb")),
        "download button": sorted((student_dir / "html" / "_sources").rglob("*.ipynb")),
    }


def _titled_directives(text: str) -> list[tuple[str, str]]:
    """(name, title) of every exercise and sphinx-proof box of a MyST text, nested included."""
    found = []
    for d in directives(text):
        if d.name == "exercise" or d.name.startswith("prf:"):
            found.append((d.name, d.argument))
        found.extend(_titled_directives(d.body))
    return found


@pytest.mark.editions
def test_distributed_notebooks_are_plain_markdown(student_dir):
    """No MyST-only syntax in any markdown cell of any notebook handed out; every exercise and
    theorem-like title is there, with its number for exercises; math delimiters pair up."""
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    places = _distributed_notebooks(student_dir)
    problems, n_cells = [], 0
    for place, files in places.items():
        assert sorted(f.name for f in files) == [c.name for c in chapters], place
        for f in files:
            nb = json.loads(f.read_text(encoding="utf-8"))
            md = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
            n_cells += len(md)
            for cell in md:
                src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                problems += [
                    f"{place}/{f.name} cell {cell.get('id')}: {p}" for p in myst_leftovers(src)
                ]
    assert not problems, "\n".join(problems[:30])
    assert n_cells > 100 * len(places)

    index = BookIndex.load(ROOT)
    for chapter in chapters:
        nb = json.loads(chapter.read_text(encoding="utf-8"))
        source = "\n\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"]
            if c["cell_type"] == "markdown"
        )
        titled = _titled_directives(source)
        assert titled, f"{chapter.name} has exercises and results"
        numbers = {
            t.title: t.number
            for t in index.targets.values()
            if t.kind == "exercise" and t.doc == f"chapters/{chapter.stem}"
        }
        for place, files in places.items():
            (f,) = [f for f in files if f.name == chapter.name]
            text = f.read_text(encoding="utf-8")
            for name, title in titled:
                kind = name.removeprefix("prf:").capitalize()
                want = (
                    f"**Exercise {numbers[title]}: {title}**"
                    if name == "exercise"
                    else f"**{kind} ({title})**"
                )
                assert json.dumps(want, ensure_ascii=False)[1:-1] in text, (
                    f"{place}/{f.name}: {want} missing"
                )


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


@pytest.mark.editions
def test_student_site_buttons_give_student_notebooks(student_dir):
    """Launch buttons open the chapter on the student branch, whose tree `make student` wrote
    to _build/student/branch; the download button gives the plain student notebook."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo, buttons = config["repository"], config["launch_buttons"]
    branch = repo["student_branch"]
    assert branch != repo["branch"], "students get another branch than the sources"
    owner_repo = urllib.parse.urlparse(repo["url"]).path.strip("/")
    tree = student_dir / "branch"
    assert {p.name for p in tree.iterdir()} == {"chapters", "binder", "README.md"}
    assert (
        f"wnlib @ git+{repo['url']}@{repo['branch']}"
        in (tree / "binder" / "requirements.txt").read_text()
    )
    pages = sorted((student_dir / "html" / "chapters").glob("*.html"))
    assert [p.stem for p in pages] == [c.stem for c in sorted((ROOT / "chapters").glob("*.ipynb"))]
    for page in pages:
        links = _Links()
        links.feed(page.read_text(encoding="utf-8"))
        nb_path = f"chapters/{page.stem}.ipynb"
        binder = [h for h in links.hrefs if h.startswith(buttons["binderhub_url"])]
        colab = [h for h in links.hrefs if h.startswith(buttons["colab_url"])]
        assert binder == [
            f"{buttons['binderhub_url']}/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{nb_path}"
        ], page.name
        assert colab == [f"{buttons['colab_url']}/github/{owner_repo}/blob/{branch}/{nb_path}"]
        launched = json.loads((tree / nb_path).read_text(encoding="utf-8"))
        assert "solution-start" not in json.dumps(launched)
        downloads = [h for h in links.hrefs if h.endswith(".ipynb") and "://" not in h]
        assert len(downloads) == 1, page.name
        served = (page.parent / downloads[0]).resolve()
        assert served.is_relative_to(student_dir / "html") and served.is_file()
        markdown = [
            c["source"]
            for c in json.loads(served.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "markdown"
        ]
        assert markdown == [c["source"] for c in launched["cells"] if c["cell_type"] == "markdown"]
