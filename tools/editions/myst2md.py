"""MyST notebooks to plain Jupyter notebooks: what students and instructors open.

Jupyter Lab, Colab and Binder render standard Markdown with ``$…$`` / ``$$…$$`` math, not MyST.
:func:`convert_notebook` rewrites every MyST construct of the markdown cells of a chapter
notebook into standard Markdown, reading the cells with the MyST parser's own tokens
(:mod:`editions.reader`); everything else (code cells, outputs, cell ids and metadata) is kept.

==========================================  =================================================
MyST                                        plain notebook
==========================================  =================================================
``{prf:theorem}`` … (sphinx-proof)          blockquote headed ``**Theorem (title)**``
``{exercise}``                              blockquote headed ``**Exercise 4: title**``
``{tip}``, ``{note}``, ``{admonition}`` …   blockquote headed by the bold title
``{solution-start}``…``{solution-end}``     removed (student); ``**Solution to Exercise 4:
                                            title**`` … ``*End of the solution …*``
                                            (instructor); ``{solution}`` likewise
``{math}``, ``$$…$$ (label)``               ``$$…$$`` with ``\\tag{n}``; ``{eq}`` → ``(n)``
``{ref}``, ``{numref}``, ``{prf:ref}``,     the link text, or the target's title / number
``{doc}``                                   (``Fig. 5``, ``Exercise 4``), as a link to
                                            the website page when ``html.baseurl`` is set
``{cite}`` / ``{cite:p}`` / ``{cite:t}``    ``(Wu et al., 2020)`` / ``Wu et al. (2020)``, and a
                                            "References" cell at the end (references.bib)
``(label)=``, ``% comment``, ``+++``        removed
==========================================  =================================================

Numbers are the website's: exercises, figures and numbered boxes run through the book in
``_toc.yml`` order (chapter 2 starts at ``Exercise 4``: the chapters are not section-numbered),
equations per page. Inside a
blockquote, display math is written on one line (``> $$ … $$``): Jupyter hands math to MathJax
before parsing Markdown, so a ``>`` at the start of a line inside ``$$`` would show in the
formula. A directive this module does not know is an error, not silently passed through.

Links: ``_config.yml`` has no ``html.baseurl`` today, so cross-references become plain text
(the title or number the website shows). Setting ``html.baseurl`` (the published site's URL)
turns them into links to the website page and anchor, e.g.
``[Exercise 3](https://…/chapters/01_setup.html#ex-ch1-fast-scale)``.
"""

from __future__ import annotations

import codecs
import copy
import functools
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it.token import Token

from .outputs import slim_outputs
from .reader import Directive, directive_of, inline_tokens, parse, role_of, with_prefix
from .sources import ROOT, source_notebooks, source_pages
from .strip import source_of, split_notebook

EDITIONS = ("student", "instructor")

# sphinx-proof's directives (prf:proof has no number and no title of its own)
PROOF_KINDS = {
    "prf:" + k: k.capitalize()
    for k in (
        "algorithm axiom assumption conjecture corollary criterion definition example "
        "lemma observation property proposition remark theorem proof"
    ).split()
}
# docutils / Sphinx admonitions and their default titles
ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
    "admonition": "",
    "dropdown": "",
}
# Sphinx's numfig_format, and the same for the extensions' types
NUMFIG = {
    "figure": "Fig. {}",
    "table": "Table {}",
    "code-block": "Listing {}",
    "exercise": "Exercise {}",
    "math": "({})",
}
# roles whose content is shown as it is
PLAIN_ROLES = {"abbr", "dfn", "term", "index", "program", "command", "download", "file"}
CODE_ROLES = {"code", "literal", "samp", "kbd"}
# Sphinx's Python-domain roles, also written without the "py:" prefix
PY_ROLES = {"func", "class", "meth", "mod", "attr", "obj", "data", "exc", "const", "any"}


@dataclass
class Target:
    """Something a cross-reference can point at."""

    doc: str  # docname, e.g. "chapters/02_flow"
    kind: str  # "doc", "section", "exercise", "figure", "math", "prf:theorem", ...
    title: str = ""
    number: str = ""


@dataclass
class BookIndex:
    """What the conversion needs to know about the whole book.

    Attributes
    ----------
    targets : dict
        Label -> :class:`Target` for every ``(label)=``, ``:label:`` and figure name of the
        chapter notebooks, and docname -> the document's :class:`Target`.
    starts : dict
        Docname -> the counts of exercises, figures... before that page (the website numbers
        them through the book in ``_toc.yml`` order).
    baseurl : str
        ``html.baseurl`` of ``_config.yml`` (``""``: cross-references become plain text).
    bib_path : Path or None
        The BibTeX file of ``bibtex_bibfiles``.
    """

    targets: dict[str, Target] = field(default_factory=dict)
    starts: dict[str, dict[str, int]] = field(default_factory=dict)
    baseurl: str = ""
    bib_path: Path | None = None

    @classmethod
    def load(cls, root: Path = ROOT) -> BookIndex:
        """Read ``_config.yml``, ``_toc.yml``, the bibliography and every chapter notebook."""
        return _load_index(str(Path(root).resolve()))

    def docname(self, nb: dict) -> str:
        """The chapter a notebook is (or was made from): the one defining its labels."""
        labels = [lbl for cell in nb.get("cells", []) for lbl in _cell_labels(cell)]
        docs = {self.targets[lbl].doc for lbl in labels if lbl in self.targets}
        if len(docs) == 1:
            return docs.pop()
        raise ValueError(
            "cannot tell which chapter this notebook is "
            f"(its labels are in {sorted(docs) or 'no chapter'}): pass docname="
        )

    def url(self, target: Target, label: str | None) -> str:
        """The website URL of a target, ``""`` without ``html.baseurl``."""
        if not self.baseurl:
            return ""
        anchor = f"#{label}" if label else ""
        return f"{self.baseurl.rstrip('/')}/{target.doc}.html{anchor}"

    @functools.cached_property
    def bibliography(self):  # pybtex BibliographyData
        import pybtex.database

        if self.bib_path is None or not self.bib_path.is_file():
            return pybtex.database.BibliographyData()
        return pybtex.database.parse_file(str(self.bib_path))


# ---------------------------------------------------------------------------- the index
def _cell_labels(cell: dict) -> list[str]:
    labels = []
    if cell.get("cell_type") == "markdown":
        text = source_of(cell)
        for t in parse(text):
            if t.type == "myst_target":
                labels.append(t.content)
            d = directive_of(t, text.splitlines(keepends=True))
            if d is not None and d.options.get("label"):
                labels.append(d.options["label"])
    name = ((cell.get("metadata") or {}).get("mystnb") or {}).get("figure", {}).get("name")
    if name:
        labels.append(name)
    return labels


class _Numbers:
    """Counters numbering as the website does: exercises, figures and numbered sphinx-proof
    boxes in one sequence through the book (toc order, ``Exercise 4`` in chapter 2),
    equations per page."""

    def __init__(self, start: dict[str, int] | None = None) -> None:
        self.counts: dict[str, int] = {k: v for k, v in (start or {}).items() if k != "math"}

    def next(self, kind: str) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return str(self.counts[kind])


def _scan_notebook(nb: dict, doc: str, numbers: _Numbers, index: BookIndex) -> None:
    """Add the targets of one notebook to the index, numbered in document order."""
    pending: list[str] = []  # (label)= waiting for their heading
    title = ""

    def scan_text(text: str) -> None:
        nonlocal title
        lines = text.splitlines(keepends=True)
        tokens = parse(text)
        for i, t in enumerate(tokens):
            if t.type == "myst_target":
                pending.append(t.content)
            elif t.type == "heading_open":
                heading = tokens[i + 1].content.strip()
                if t.tag == "h1" and not title:
                    title = heading
                for label in pending:
                    index.targets[label] = Target(doc, "section", heading)
                pending.clear()
            elif t.type == "math_block_label" and t.info:
                index.targets[t.info] = Target(doc, "math", "", numbers.next("math"))
            d = directive_of(t, lines)
            if d is not None:
                scan_directive(d)

    def scan_directive(d: Directive) -> None:
        label = d.options.get("label", "")
        number = ""
        if d.name in PROOF_KINDS or d.name == "exercise":
            if "nonumber" not in d.options and d.name != "prf:proof":
                number = numbers.next("proof" if d.name in PROOF_KINDS else "exercise")
            if label:
                index.targets[label] = Target(doc, d.name, d.argument, number)
        elif d.name == "math" and label:
            index.targets[label] = Target(doc, "math", "", numbers.next("math"))
        elif d.name in ("figure", "table") and (label or d.options.get("name")):
            caption = d.body.strip().splitlines()[0] if d.body.strip() else ""
            index.targets[label or d.options["name"]] = Target(
                doc, d.name, caption, numbers.next(d.name)
            )
        for inner in _body_directives(d):
            scan_directive(inner)

    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            scan_text(source_of(cell))
        fig = ((cell.get("metadata") or {}).get("mystnb") or {}).get("figure") or {}
        if cell.get("cell_type") == "code" and fig.get("name"):
            index.targets[fig["name"]] = Target(
                doc, "figure", str(fig.get("caption", "")), numbers.next("figure")
            )
    index.targets[doc] = Target(doc, "doc", title or posixpath.basename(doc))


def _body_directives(d: Directive) -> list[Directive]:
    lines = d.body.splitlines(keepends=True)
    return [x for t in parse(d.body) if (x := directive_of(t, lines)) is not None]


def _yaml(path: Path) -> dict:
    """A YAML file as a dict (``{}`` if it does not exist)."""
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@functools.cache
def _load_index(root_str: str) -> BookIndex:
    root = Path(root_str)
    config, toc = (_yaml(root / "_config.yml"), _yaml(root / "_toc.yml"))
    index = BookIndex(baseurl=str((config.get("html") or {}).get("baseurl") or ""))
    bibfiles = config.get("bibtex_bibfiles") or []
    if bibfiles:
        index.bib_path = root / bibfiles[0]
    order = [posixpath.splitext(str(toc.get("root", "")))[0]]
    order += [posixpath.splitext(e["file"])[0] for e in _toc_chapters(toc) if "file" in e]
    # the chapter notebooks, and the MyST pages (one markdown cell each) they may refer to
    docs = {p.relative_to(root).with_suffix("").as_posix(): p for p in source_pages(root)}
    docs |= {p.relative_to(root).with_suffix("").as_posix(): p for p in source_notebooks(root)}
    running: dict[str, int] = {}
    for doc in sorted(docs, key=lambda d: (order.index(d) if d in order else len(order), d)):
        index.starts[doc] = dict(running)
        numbers = _Numbers(running)
        text = docs[doc].read_text(encoding="utf-8")
        if docs[doc].suffix == ".ipynb":
            nb = json.loads(text)
        else:
            nb = {"cells": [{"cell_type": "markdown", "source": text}]}
        _scan_notebook(nb, doc, numbers, index)
        running = numbers.counts
    return index


def _toc_chapters(toc: dict) -> list[dict]:
    """The chapters of a jb-book ``_toc.yml`` in order (parts flattened; not the root page)."""
    if toc.get("parts"):
        return [c for part in toc["parts"] for c in part.get("chapters") or []]
    return list(toc.get("chapters") or [])


# ---------------------------------------------------------------------------- citations
def _latex_to_text(s: str) -> str:
    import latexcodec  # noqa: F401  (registers the "ulatex" codec; a pybtex dependency)

    return codecs.decode(s, "ulatex").replace("{", "").replace("}", "")


def _cite_names(entry) -> str:
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [_latex_to_text(" ".join(p.last_names)) for p in persons]
    if not last:
        return _latex_to_text(entry.fields.get("title", "Anonymous"))
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} et al."


def _references_markdown(keys: list[str], bib) -> str:
    """A "References" cell: the cited entries, formatted by pybtex (plain style), sorted."""
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "plain")()
    backend = find_plugin("pybtex.backends", "markdown")()
    entries = sorted(
        (bib.entries[k] for k in keys),
        key=lambda e: (_cite_names(e), e.fields.get("year", "")),
    )
    lines = ["## References", ""]
    for e in style.format_entries(entries):
        lines.append(f"- {e.text.render(backend)}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- conversion
@dataclass
class _Context:
    index: BookIndex
    doc: str
    edition: str
    numbers: _Numbers
    cited: list[str] = field(default_factory=list)
    solution_of: str = ""  # the exercise whose gated solution is open
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1


def _split_title(content: str) -> tuple[str | None, str]:
    """``"text <target>"`` -> (text, target); ``"target"`` -> (None, target)."""
    content = content.strip()
    if content.endswith(">") and "<" in content:
        text, _, target = content[:-1].rpartition("<")
        if text.strip():
            return text.strip(), target.strip()
    return None, content


def _target(ctx: _Context, label: str, role: str) -> Target:
    t = ctx.index.targets.get(label)
    if t is None:
        raise ValueError(f"{ctx.doc}: {{{role}}} to unknown label {label!r}")
    return t


def _link(ctx: _Context, text: str, target: Target, label: str | None) -> str:
    url = ctx.index.url(target, label)
    return f"[{text}]({url})" if url else text


def _cite(ctx: _Context, name: str, content: str) -> str:
    keys = [k.strip() for k in content.split(",") if k.strip()]
    bib = ctx.index.bibliography
    parts = []
    for k in keys:
        if k not in bib.entries:
            raise ValueError(f"{ctx.doc}: {{{name}}} of {k!r}, which is not in the bibliography")
        if k not in ctx.cited:
            ctx.cited.append(k)
        e = bib.entries[k]
        who, year = _cite_names(e), e.fields.get("year", "n.d.")
        parts.append(f"{who} ({year})" if name in ("cite:t", "cite:ts") else f"{who}, {year}")
    if name in ("cite:t", "cite:ts"):
        return ", ".join(parts)
    if name in ("cite:alp", "cite:ps:alp"):
        return "; ".join(parts)
    return "(" + "; ".join(parts) + ")"


def convert_role(ctx: _Context, name: str, content: str) -> str:
    """Standard Markdown for one role."""
    ctx.count(f"role {name}")
    if name.startswith("cite"):
        return _cite(ctx, name, content)
    if name == "math":
        return f"${content}$"
    if name in CODE_ROLES:
        return f"`{content}`"
    if name.startswith("py:") or name in PY_ROLES:
        # an API reference: the name as code (``~a.b.c`` shows ``c``)
        text, target = _split_title(content)
        shown = text or (target[1:].rpartition(".")[2] if target.startswith("~") else target)
        return f"`{shown}`"
    if name in PLAIN_ROLES:
        return _split_title(content)[0] or _split_title(content)[1]
    if name in ("sub", "subscript"):
        return f"<sub>{content}</sub>"
    if name in ("sup", "superscript"):
        return f"<sup>{content}</sup>"
    text, label = _split_title(content)
    if name == "doc":
        doc = label.removesuffix(".ipynb").removesuffix(".md")
        doc = (
            doc.lstrip("/")
            if doc.startswith("/")
            else posixpath.normpath(posixpath.join(posixpath.dirname(ctx.doc), doc))
        )
        target = _target(ctx, doc, name)
        return _link(ctx, text or target.title, target, None)
    if name in ("ref", "numref", "prf:ref", "eq"):
        target = _target(ctx, label, name)
        if name == "eq":
            return f"({target.number})"
        if name == "numref":
            fmt = NUMFIG.get(target.kind, PROOF_KINDS.get(target.kind, "") + " {}")
            if text is None:
                shown = fmt.format(target.number)
            else:
                shown = text.replace("%s", target.number).replace("{number}", target.number)
                shown = shown.replace("{name}", target.title)
        elif text is not None:
            shown = text
        elif name == "prf:ref" and target.number:
            shown = f"{PROOF_KINDS.get(target.kind, '')} {target.number}"
        else:
            shown = target.title or label
        return _link(ctx, shown, target, label)
    raise ValueError(f"{ctx.doc}: the role {{{name}}} has no plain-Markdown form yet")


def _quote(text: str) -> str:
    """A Markdown blockquote of ``text``."""
    lines = text.rstrip("\n").splitlines()
    return "".join(f"> {line}\n" if line.strip() else ">\n" for line in lines)


def _one_line(latex: str) -> str:
    """Display math on one line: LaTeX comments dropped, lines joined."""
    out = []
    for line in latex.splitlines():
        i = 0
        while (i := line.find("%", i)) != -1:
            if i == 0 or line[i - 1] != "\\":
                line = line[:i]
                break
            i += 1
        if line.strip():
            out.append(line.strip())
    return " ".join(out)


def _headed(header: str, body: str) -> str:
    return _quote(f"{header}\n\n{body.strip()}\n" if body.strip() else header)


def _exercise_title(ctx: _Context, label: str) -> str:
    t = ctx.index.targets.get(label)
    if t is None or t.kind != "exercise":
        raise ValueError(f"{ctx.doc}: a solution of {label!r}, which is not an exercise label")
    head = f"Exercise {t.number}" if t.number else "Exercise"
    return f"{head}: {t.title}" if t.title else head


def _number(ctx: _Context, d: Directive, kind: str) -> str:
    """The website's number of a numbered box: the index's for a labelled one (the same in
    every edition), else the next of the page's sequence."""
    counted = ctx.numbers.next(kind)
    target = ctx.index.targets.get(d.options.get("label", ""))
    return target.number if target is not None and target.number else counted


def convert_directive(ctx: _Context, d: Directive) -> str:
    """Standard Markdown for one directive (its body converted too)."""
    ctx.count(f"directive {d.name}")
    name = d.name
    if name in ("solution", "solution-start", "solution-end") and ctx.edition == "student":
        return ""
    body = convert_markdown(ctx, d.body, quoted=True) if d.body.strip() else ""
    if name in PROOF_KINDS:
        kind = PROOF_KINDS[name]
        number = ""
        if "nonumber" not in d.options and name != "prf:proof":
            number = _number(ctx, d, "proof")
        head = f"{kind} {number}".strip()
        if d.argument:
            head = f"{head} ({d.argument})"
        return _headed(f"**{head}**", body)
    if name == "exercise":
        number = "" if "nonumber" in d.options else _number(ctx, d, "exercise")
        head = f"Exercise {number}".strip()
        if d.argument:
            head = f"{head}: {d.argument}"
        return _headed(f"**{head}**", body)
    if name in ADMONITIONS:
        title = d.argument or ADMONITIONS[name] or "Note"
        return _headed(f"**{title}**", body)
    if name == "solution":
        return _headed(f"**Solution to {_exercise_title(ctx, d.argument)}**", body)
    if name == "solution-start":
        ctx.solution_of = d.argument
        return f"**Solution to {_exercise_title(ctx, d.argument)}**\n\n{body}"
    if name == "solution-end":
        of = ctx.solution_of
        ctx.solution_of = ""
        return f"*End of the solution to {_exercise_title(ctx, of)}.*\n" if of else ""
    if name == "math":
        latex = d.body.strip()
        if d.options.get("label"):
            target = _target(ctx, d.options["label"], "math")
            latex = f"{latex} \\tag{{{target.number}}}"
        return f"$$\n{latex}\n$$\n"
    if name in ("figure", "image"):
        alt = d.options.get("alt", "")
        caption = f"\n*{body.strip()}*\n" if name == "figure" and body.strip() else ""
        return f"![{alt}]({d.argument})\n{caption}"
    raise ValueError(f"{ctx.doc}: the directive {{{name}}} has no plain-Markdown form yet")


def convert_markdown(ctx: _Context, text: str, *, quoted: bool = False) -> str:
    """Standard Markdown for a MyST markdown text.

    ``quoted``: the result goes into a blockquote, so display math is put on one line.
    """
    lines = text.splitlines(keepends=True)
    tokens = parse(text)
    edits: list[tuple[int, int, str]] = []
    covered_until = -1
    for t in tokens:
        if t.map is None or t.map[0] < covered_until:
            continue
        start, end = t.map
        d = directive_of(t, lines)
        if d is not None:
            new = convert_directive(ctx, d)
            edits.append((start, end, with_prefix(new, d.prefix) if new else ""))
            covered_until = end
        elif t.type in ("myst_target", "myst_line_comment", "myst_block_break", "front_matter"):
            ctx.count(t.type)
            edits.append((start, end, ""))
            covered_until = end
        elif t.type in ("math_block", "math_block_label", "amsmath") and quoted:
            first = lines[start]
            prefix = first[: len(first) - len(first.lstrip(" >"))]
            latex = _one_line(t.content)
            tag = ""
            if t.type == "math_block_label":
                tag = f" \\tag{{{_target(ctx, t.info, 'math').number}}}"
            body = latex if t.type == "amsmath" else f"$$ {latex}{tag} $$"
            edits.append((start, end, f"{prefix}{body}\n"))
            covered_until = end
        elif t.type == "math_block_label":
            tag = f" \\tag{{{_target(ctx, t.info, 'math').number}}}"
            edits.append((start, end, f"$$\n{t.content.strip()}{tag}\n$$\n"))
            covered_until = end
        elif t.type in ("substitution_block",):
            raise ValueError(f"{ctx.doc}: MyST substitutions have no plain-Markdown form")
    # inline constructs of the lines no block edit replaced
    for t in inline_tokens(_all(tokens)):
        start, end = t.map
        if any(s <= start < e for s, e, _ in edits):
            continue
        segment = "".join(lines[start:end])
        new_segment = _convert_inline(ctx, t, segment, quoted)
        if new_segment != segment:
            edits.append((start, end, new_segment))
    edits.sort(key=lambda e: e[0], reverse=True)
    for start, end, new in edits:
        lines[start:end] = [new] if new else []
    return "".join(lines)


def _all(tokens):
    for t in tokens:
        yield t
        if t.children and t.type != "inline":
            yield from _all(t.children)


def _locate(segment: str, literal: str, pos: int) -> tuple[int, int]:
    """Where the source text of an inline token is in ``segment``, from ``pos``.

    A token spanning lines inside a list item or blockquote lost the indentation or ``>``
    markers of its continuation lines, so these may separate its words in the source.
    Returns ``(-1, -1)`` if it is not there."""
    i = segment.find(literal, pos)
    if i >= 0:
        return i, i + len(literal)
    words = literal.split()
    if len(words) < 2:
        return -1, -1
    m = re.compile(r"[\s>]+".join(map(re.escape, words))).search(segment, pos)
    return (m.start(), m.end()) if m else (-1, -1)


def _convert_inline(ctx: _Context, inline: Token, segment: str, quoted: bool) -> str:
    """Roles (and, in a blockquote, multi-line inline math) of one inline token."""
    out, pos = [], 0
    for c in inline.children or []:
        if c.type == "myst_role":
            role = role_of(c)
            i, j = _locate(segment, role.source, pos)
            if i < 0:
                raise ValueError(f"{ctx.doc}: cannot locate {role.source!r} in its paragraph")
            out.append(segment[pos:i])
            out.append(convert_role(ctx, role.name, " ".join(role.content.split())))
            pos = j
        elif c.type == "math_inline":
            i, j = _locate(segment, f"${c.content}$", pos)
            if i >= 0:
                out.append(segment[pos:i])
                out.append(f"${' '.join(c.content.split())}$" if quoted else segment[i:j])
                pos = j
        elif c.type == "code_inline":
            i, j = _locate(segment, c.content, pos)
            if i >= 0:
                out.append(segment[pos:j])
                pos = j
        elif c.type == "substitution_inline":
            raise ValueError(f"{ctx.doc}: MyST substitutions have no plain-Markdown form")
    out.append(segment[pos:])
    return "".join(out)


def convert_notebook(
    nb: dict,
    edition: str,
    *,
    docname: str | None = None,
    index: BookIndex | None = None,
    stats: dict[str, int] | None = None,
) -> dict:
    """A chapter notebook as a plain Jupyter notebook of one edition.

    Parameters
    ----------
    nb : dict
        The chapter notebook (nbformat 4 JSON), solutions included.
    edition : {"student", "instructor"}
        ``"student"`` removes every solution first (:func:`editions.strip.split_notebook`);
        ``"instructor"`` keeps them as "Solution to Exercise …" blocks.
    docname : str, optional
        The chapter, e.g. ``"chapters/02_flow"``; found from the notebook's labels if omitted.
    index : BookIndex, optional
        The book's labels, numbers and bibliography (default: this repository's).
    stats : dict, optional
        If given, counts of the converted constructs are added to it.

    Returns
    -------
    dict
        A new notebook: markdown cells in standard Markdown, a "References" cell at the end if
        the chapter cites anything; an interactive figure's output replaced by its first frame
        and a "run this cell" line (:func:`editions.outputs.slim_outputs`); code cells, other
        outputs, ids and metadata unchanged.
    """
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, not {edition!r}")
    index = index or BookIndex.load()
    out = split_notebook(nb)[0] if edition == "student" else copy.deepcopy(nb)
    slim_outputs(out)  # interactive figures: first frame + "run this cell" (no dead sliders)
    doc = docname or index.docname(nb)
    ctx = _Context(index, doc, edition, _Numbers(index.starts.get(doc)))
    for cell in out.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = source_of(cell)
        new = convert_markdown(ctx, src)
        if new != src:
            ctx.count("markdown cells converted")
        cell["source"] = new
    if ctx.cited:
        cell = {
            "cell_type": "markdown",
            "metadata": {},
            "source": _references_markdown(ctx.cited, index.bibliography),
        }
        if (out.get("nbformat"), out.get("nbformat_minor", 0)) >= (4, 5):  # cell ids
            ids = {c.get("id") for c in out.get("cells", [])}
            cell["id"] = next(
                f"references{n or ''}"
                for n in range(len(ids) + 1)
                if f"references{n or ''}" not in ids
            )
        out.setdefault("cells", []).append(cell)
    if stats is not None:
        for k, v in ctx.counts.items():
            stats[k] = stats.get(k, 0) + v
    return out


# ---------------------------------------------------------------------------- checking
_MYST_TOKENS = {
    "myst_role": "role",
    "myst_target": "target (label)=",
    "myst_line_comment": "% comment",
    "myst_block_break": "+++ block break",
    "math_block_label": "labelled $$ math $$ (label)",
    "substitution_inline": "substitution",
    "substitution_block": "substitution",
    "front_matter": "front matter",
}


def myst_leftovers(text: str) -> list[str]:
    """What in a markdown text only MyST (not Jupyter's Markdown) understands; ``[]`` if none.

    Directives (backtick or colon fence), colon fences of any kind, roles, ``(label)=``
    targets, directive option lines (``:label: …``), ``%`` comments, ``+++``, substitutions;
    also math that Jupyter would break: a ``$`` left unpaired, and math split over lines of a
    blockquote (the ``>`` would end up in the formula).
    """
    found: list[str] = []
    lines = text.splitlines()
    code_lines: set[int] = set()

    def walk(tokens, quoted: int) -> None:
        for t in tokens:
            if t.type == "blockquote_open":
                quoted += 1
            elif t.type == "blockquote_close":
                quoted -= 1
            if t.type in ("fence", "colon_fence") and t.map:
                code_lines.update(range(t.map[0], t.map[1]))
                if t.info.strip().startswith("{"):
                    found.append(f"directive {t.info.strip().split('}')[0]}}}")
                elif t.type == "colon_fence":
                    found.append("colon fence :::")
            if t.type in _MYST_TOKENS:
                name = t.meta.get("name", "") if t.type == "myst_role" else ""
                found.append(f"{_MYST_TOKENS[t.type]} {name}".strip())
            if t.type == "text" and "$" in t.content.replace("\\$", ""):
                found.append(f"unpaired $ in {t.content.strip()[:40]!r}")
            if quoted and t.type in ("math_block", "amsmath") and t.map:
                if t.map[1] - t.map[0] > 1:
                    found.append("display math over several blockquote lines")
            if quoted and t.type == "math_inline" and "\n" in t.content:
                found.append("inline math over several blockquote lines")
            if t.children:
                walk(t.children, quoted)

    walk(parse(text), 0)
    for i, line in enumerate(lines):
        bare = line.lstrip(" >\t")
        if i in code_lines or not bare.startswith(":"):
            continue
        key, sep, _ = bare[1:].partition(":")
        if sep and key and key.replace("-", "").isalnum():
            found.append(f"directive option line {bare.strip()[:40]!r}")
    return found
