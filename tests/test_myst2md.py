"""MyST to plain Jupyter Markdown (``tools/editions/myst2md.py``) on a small book made here.

Every construct the chapters use, and a few more, in a toy chapter: the converted cells must
hold no MyST-only syntax (``myst_leftovers``), keep every title and number the website shows,
and turn citations into an author-year text with a References cell. The checker itself is
tested on raw MyST, so that a converter that let something through would fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from editions.myst2md import BookIndex, convert_notebook, myst_leftovers
from editions.reader import directives, split_options, with_prefix

BIB = """@inproceedings{wu2020implicit,
  title = {Implicit Regularization and Convergence for Weight Normalization},
  author = {Wu, Xiaoxia and Dobriban, Edgar and Ren, Tongzheng},
  booktitle = {NeurIPS}, year = {2020}
}
@article{goyal2017accurate,
  title = {Accurate, Large Minibatch {SGD}},
  author = {Goyal, Priya and Doll{\\'a}r, Piotr and Girshick, Ross},
  journal = {arXiv}, year = {2017}
}
@article{salimans2016weight,
  title = {Weight Normalization}, author = {Salimans, Tim and Kingma, Diederik P.},
  journal = {NIPS}, year = {2016}
}
"""


def _md(src: str, cid: str) -> dict:
    return {"cell_type": "markdown", "id": cid, "metadata": {}, "source": src}


def _code(src: str, cid: str, metadata: dict | None = None) -> dict:
    return {
        "cell_type": "code",
        "id": cid,
        "metadata": metadata or {},
        "source": src,
        "outputs": [],
        "execution_count": None,
    }


def chapter(n: int) -> dict:
    """A toy chapter with every MyST construct of the course (and a few more)."""
    cells = [
        _md(
            f"# Chapter {n}: Toy\n\nAs shown by {{cite}}`wu2020implicit` and "
            "{cite:t}`goyal2017accurate`, see {cite:p}`wu2020implicit,salimans2016weight`.",
            "a",
        ),
        _md(
            "(sec-setup)=\n## Setup\n\n% an author's comment\n\n"
            "```{prf:definition} Row-space split (Definition 1.1)\n:label: def-split\n"
            ":nonumber:\n\nEvery $z$ splits as\n\n$$\nz = z^\\parallel\n  + z^\\perp\n$$\n\n"
            "with $z^\\parallel$ in the row\nspace and {prf:ref}`the lemma <lem-a>`.\n```\n",
            "b",
        ),
        _md(
            "```{prf:lemma} Norm growth\n:label: lem-a\n\n1. first, with $a +\n   b$\n"
            "2. second\n```\n\n:::{note}\nA colon fence with {math}`x^2`.\n:::\n",
            "c",
        ),
        _code("plot()", "d", {"mystnb": {"figure": {"name": "fig-a", "caption": "A plot"}}}),
        _md(
            "See {numref}`fig-a`, {numref}`Figure %s <fig-a>`, {ref}`sec-setup`, "
            "{ref}`the setup <sec-setup>`, {prf:ref}`lem-a`, {doc}`the next <01_next>` "
            "and {eq}`eq-a`.\n\n```{math}\n:label: eq-a\n\na = b\n```\n",
            "e",
        ),
        _md(
            "````{exercise} Add\n:label: ex-add\n\nCompute $1 + 1$.\n\n```{tip}\nNested.\n```\n"
            "````\n\n```{admonition} Think about it\n:class: tip\nWhy?\n```\n",
            "f",
        ),
        _md("```{solution-start} ex-add\n:class: dropdown\n```\nThe secret idea.", "g"),
        _code("secret = 2", "h"),
        _md("```{solution-end}\n```\n\n- a list\n  ```{warning}\n  Careful.\n  ```\n", "i"),
        _md("```{solution} ex-add\nInline secret words.\n```\nAfter.", "j"),
        _md("$$\nb = c\n$$ (eq-b)\n\nBy {eq}`eq-b`.", "k"),
    ]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def next_chapter() -> dict:
    cells = [
        _md("# Chapter 2: Next\n\n```{exercise} Second\n:label: ex-second\n\nAgain.\n```", "a"),
        _code("plot()", "b", {"mystnb": {"figure": {"name": "fig-b", "caption": "B"}}}),
    ]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def make_book(root: Path, baseurl: str = "") -> BookIndex:
    (root / "chapters").mkdir(parents=True)
    html = f"html:\n  baseurl: {baseurl}\n" if baseurl else ""
    (root / "_config.yml").write_text(f"title: Toy\nbibtex_bibfiles:\n  - references.bib\n{html}")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/00_toy\n"
        "  - file: chapters/01_next\n"
    )
    (root / "references.bib").write_text(BIB)
    (root / "chapters" / "00_toy.ipynb").write_text(json.dumps(chapter(1)))
    (root / "chapters" / "01_next.ipynb").write_text(json.dumps(next_chapter()))
    return BookIndex.load(root)


def _markdown(nb: dict) -> list[str]:
    return [c["source"] for c in nb["cells"] if c["cell_type"] == "markdown"]


@pytest.fixture
def index(tmp_path) -> BookIndex:
    return make_book(tmp_path / "book")


def test_the_checker_finds_raw_myst():
    for cell in _markdown(chapter(1)) + _markdown(next_chapter()):
        assert myst_leftovers(cell), f"nothing found in raw MyST: {cell[:60]!r}"
    found = " ".join(myst_leftovers("\n\n".join(_markdown(chapter(1)))))
    for what in (
        "directive {prf:definition}",
        "role cite",
        "target",
        "directive {note}",
        "% comment",
        "directive {solution-start}",
    ):
        assert what in found
    assert myst_leftovers(":::\nplain colon fence\n:::") == ["colon fence :::"]
    assert myst_leftovers("> a $x\n> y$ b") == ["inline math over several blockquote lines"]
    assert myst_leftovers("> $$\n> x\n> $$") == ["display math over several blockquote lines"]
    assert myst_leftovers("costs $5 only")
    assert myst_leftovers(":label: x") and not myst_leftovers("```\n:label: x\n```")
    assert myst_leftovers("Plain $x$ and\n\n$$\nx\n$$\n\n> **Tip**\n>\n> $$ y $$") == []


@pytest.mark.parametrize("edition", ["student", "instructor"])
def test_every_construct_becomes_plain_markdown(index, edition):
    stats: dict[str, int] = {}
    out = convert_notebook(chapter(1), edition, index=index, stats=stats)
    cells = _markdown(out)
    for cell in cells:
        assert myst_leftovers(cell) == [], cell
    text = "\n".join(cells)
    # boxes with the website's titles and numbers
    assert "> **Definition (Row-space split (Definition 1.1))**" in text
    assert "> **Lemma 1 (Norm growth)**" in text  # numbered: no :nonumber:
    assert "> **Exercise 1: Add**" in text
    assert "> **Note**" in text and "> **Tip**" in text and "> **Think about it**" in text
    assert "  > **Warning**\n  >\n  > Careful." in text  # inside a list item
    # display math of a box on one line, inline math joined
    assert "> $$ z = z^\\parallel + z^\\perp $$" in text
    assert "$a + b$" in text and "$x^2$" in text
    # cross-references: titles and numbers as on the website, plain text (no baseurl)
    assert "See Fig. 1, Figure 1, Setup, the setup, Lemma 1, the next and (1)." in text
    assert "$$\na = b \\tag{1}\n$$" in text
    assert "$$\nb = c \\tag{2}\n$$" in text and "By (2)." in text
    assert "the lemma" in text and "sec-setup" not in text and "% an author" not in text
    # citations, and the References cell at the end
    assert (
        "As shown by (Wu et al., 2020) and Goyal et al. (2017), see (Wu et al., 2020; "
        "Salimans and Kingma, 2016)." in text
    )
    refs = cells[-1]
    assert refs.startswith("## References") and out["cells"][-1]["id"] == "references"
    assert refs.index("Goyal") < refs.index("Salimans") < refs.index("Wu")
    assert "Dollár" in refs and "SGD" in refs and "{" not in refs
    # solutions
    if edition == "student":
        assert "secret" not in json.dumps(out) and "Solution" not in text
        assert "After." in text
    else:
        assert "**Solution to Exercise 1: Add**\n\nThe secret idea." in text
        assert "*End of the solution to Exercise 1: Add.*" in text
        assert "> **Solution to Exercise 1: Add**\n>\n> Inline secret words." in text
        assert any(c.get("source") == "secret = 2" for c in out["cells"])
        assert stats["directive solution-start"] == 1
    assert stats["role cite"] == 1 and stats["role cite:t"] == 1 and stats["role cite:p"] == 1
    # what is not markdown stays as it was
    code = [c for c in out["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"]["mystnb"]["figure"]["name"] == "fig-a"
    assert [c["id"] for c in out["cells"]][:3] == ["a", "b", "c"]


def test_numbers_run_through_the_book_and_links_need_a_baseurl(tmp_path):
    index = make_book(tmp_path / "book", baseurl="https://site.example/course/")
    out = convert_notebook(next_chapter(), "student", index=index)
    text = "\n".join(_markdown(out))
    assert "**Exercise 2: Second**" in text  # the website numbers exercises through the book
    assert index.targets["fig-b"].number == "2"
    first = "\n".join(_markdown(convert_notebook(chapter(1), "student", index=index)))
    assert "[Fig. 1](https://site.example/course/chapters/00_toy.html#fig-a)" in first
    assert "[the next](https://site.example/course/chapters/01_next.html)" in first


def test_bad_input_is_named(index):
    with pytest.raises(ValueError, match="edition must be one of"):
        convert_notebook(chapter(1), "teacher", index=index)
    nb = chapter(1)
    nb["cells"].append(_md("```{glossary}\nterm\n```", "z"))
    with pytest.raises(ValueError, match=r"directive \{glossary\}"):
        convert_notebook(nb, "student", index=index)
    nb = chapter(1)
    nb["cells"].append(_md("See {ref}`no-such-label`.", "z"))
    with pytest.raises(ValueError, match="unknown label 'no-such-label'"):
        convert_notebook(nb, "student", index=index)
    nb = chapter(1)
    nb["cells"].append(_md("{cite}`nobody2000`", "z"))
    with pytest.raises(ValueError, match="not in the bibliography"):
        convert_notebook(nb, "student", index=index)
    with pytest.raises(ValueError, match="cannot tell which chapter"):
        convert_notebook({"cells": [_md("# Hi", "a")], "metadata": {}}, "student", index=index)


def test_reader_options_and_prefixes():
    assert split_options(":label: x\n:nonumber:\n\nbody\n") == (
        {"label": "x", "nonumber": ""},
        "body\n",
    )
    assert split_options("---\nlabel: x\nclass: tip\n---\nbody\n") == (
        {"label": "x", "class": "tip"},
        "body\n",
    )
    assert split_options(":not an option\n") == ({}, ":not an option\n")
    with pytest.raises(ValueError, match="not closed"):
        split_options("---\nlabel: x\n")
    (d,) = directives("- item\n  ```{tip} Title\n  body\n  ```\n")
    assert (d.name, d.argument, d.body, d.prefix, d.start, d.end) == (
        "tip",
        "Title",
        "body\n",
        "  ",
        1,
        4,
    )
    assert with_prefix("a\nb\n", "> - ") == "> - a\n>   b\n"


def test_pages_and_api_roles(tmp_path):
    """MyST pages can be referred to; Python-domain roles become code."""
    root = tmp_path / "book"
    root.mkdir()
    (root / "intro.md").write_text("# Welcome\n\n(sec-intro)=\n## Start here\n")
    index = make_book(root)
    nb = chapter(1)
    nb["cells"].append(
        _md(
            "Read {doc}`/intro`, {ref}`sec-intro`, {func}`~wnlib.gd`, "
            "{py:func}`wnlib.theory.flow_limit` and {class}`the problem <wnlib.Problem>`.",
            "z",
        )
    )
    text = "\n".join(_markdown(convert_notebook(nb, "student", index=index)))
    assert "Read Welcome, Start here, `gd`, `wnlib.theory.flow_limit` and `the problem`." in text
