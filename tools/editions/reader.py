"""The MyST reader shared by the editions: markdown-it-py tokens, not regular expressions.

The chapters are MyST notebooks. Their markdown cells are parsed with the same markdown-it-py
parser that myst-parser builds for Sphinx (``myst_parser.parsers.mdit.create_md_parser``), with
the extensions of ``_config.yml`` (``parse.myst_enable_extensions``). Each block token carries the
source lines it came from (``token.map``), so a construct can be removed or replaced while every
other line of the cell stays byte for byte as the author wrote it.

Vocabulary (MyST):

directive
    ```` ```{name} argument ```` (backtick fence) or ``:::{name} argument`` (colon fence), then
    options (``:key: value`` lines, or a YAML block between ``---`` lines), then a body.
role
    ``{name}`content` `` inline.
target
    ``(label)=`` on its own line, the anchor of the next heading.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

# parse.myst_enable_extensions of _config.yml
EXTENSIONS = ("amsmath", "colon_fence", "deflist", "dollarmath", "substitution")


@functools.cache
def parser() -> MarkdownIt:
    """The markdown-it-py parser of myst-parser, with the book's MyST extensions."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(EXTENSIONS)), RendererHTML)


def parse(text: str) -> list[Token]:
    """Block tokens of a MyST markdown text."""
    return parser().parse(text)


@dataclass
class Directive:
    """One MyST directive of a markdown text.

    Attributes
    ----------
    name : str
        E.g. ``"prf:theorem"``, ``"exercise"``, ``"solution-start"``.
    argument : str
        The rest of the opening line (a title, a label).
    options : dict
        ``:key: value`` options (or the YAML block); flags such as ``:nonumber:`` map to ``""``.
    body : str
        The content after the options, as MyST markdown.
    start, end : int
        Source lines ``[start, end)`` of the whole directive, fences included.
    prefix : str
        What precedes the fence on its opening line (indentation, ``> `` of a blockquote,
        a list marker), so that a replacement can be put back at the same place.
    fence : str
        The opening fence (```` ``` ````, ``::::``, ...).
    """

    name: str
    argument: str
    options: dict = field(default_factory=dict)
    body: str = ""
    start: int = 0
    end: int = 0
    prefix: str = ""
    fence: str = "```"


def split_options(content: str) -> tuple[dict, str]:
    """Split a directive's content into its options and its body (MyST rules).

    A YAML block between two ``---`` lines, or leading ``:key: value`` lines; a blank line
    after the options is not part of the body.
    """
    lines = content.splitlines(keepends=True)
    options: dict = {}
    i = 0
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                loaded = yaml.safe_load("".join(lines[1:j])) or {}
                if not isinstance(loaded, dict):
                    raise ValueError(f"directive options are not a mapping: {loaded!r}")
                options = {str(k): "" if v is None else str(v) for k, v in loaded.items()}
                i = j + 1
                break
        else:
            raise ValueError("directive options: a '---' block is not closed")
    else:
        while i < len(lines):
            line = lines[i].strip()
            if not line.startswith(":"):
                break
            key, sep, value = line[1:].partition(":")
            if not sep or not key or " " in key:
                break
            options[key] = value.strip()
            i += 1
    if i < len(lines) and not lines[i].strip():
        i += 1
    return options, "".join(lines[i:])


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for t in tokens:
        yield t
        if t.children:
            yield from _walk(t.children)


def directive_of(token: Token, lines: list[str]) -> Directive | None:
    """The directive of a ``fence`` / ``colon_fence`` token, or ``None`` for a code fence."""
    if token.type not in ("fence", "colon_fence") or token.map is None:
        return None
    info = token.info.strip()
    if not (info.startswith("{") and "}" in info):
        return None
    name, _, argument = info[1:].partition("}")
    options, body = split_options(token.content)
    first = lines[token.map[0]]
    stripped = first.lstrip(" >-*+0123456789.)\t")
    prefix = first[: len(first) - len(stripped)]
    return Directive(
        name=name.strip(),
        argument=argument.strip(),
        options=options,
        body=body,
        start=token.map[0],
        end=token.map[1],
        prefix=prefix,
        fence=token.markup,
    )


def directives(text: str, *, top_level_only: bool = False) -> list[Directive]:
    """Every directive of a markdown text, in source order (outermost first).

    Directives nested in another directive's body are not listed (they are part of its
    ``body``). ``top_level_only`` also skips directives inside lists and blockquotes.
    """
    lines = text.splitlines(keepends=True)
    found: list[Directive] = []
    covered_until = -1
    for t in parse(text):
        if top_level_only and t.level > 0:
            continue
        d = directive_of(t, lines)
        if d is None or d.start < covered_until:
            continue
        found.append(d)
        covered_until = d.end
    return found


@dataclass
class Role:
    """One inline role: ``{name}`content` ``, with its exact source text."""

    name: str
    content: str
    source: str


def inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    """The ``inline`` tokens (paragraphs, headings, table cells...) with their source lines."""
    for t in tokens:
        if t.type == "inline" and t.map is not None:
            yield t


def role_of(token: Token) -> Role:
    """The role of one ``myst_role`` token, with its source text."""
    # MyST: the content is delimited by a run of backticks that does not occur in it
    ticks = "`"
    while ticks in token.content:
        ticks += "`"
    name = token.meta["name"]
    return Role(name, token.content, f"{{{name}}}{ticks}{token.content}{ticks}")


def roles_of(inline: Token) -> list[Role]:
    """The roles of one inline token, in source order (not those inside code or math)."""
    return [role_of(c) for c in inline.children or [] if c.type == "myst_role"]


def replace_lines(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace source line ranges ``[start, end)`` of ``text`` (non-overlapping edits)."""
    lines = text.splitlines(keepends=True)
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[start:end] = [new] if new else []
    return "".join(lines)


def with_prefix(text: str, prefix: str) -> str:
    """``text`` re-indented to sit where a construct opened with ``prefix`` was.

    The first line gets ``prefix`` (e.g. ``"- "``), the next ones its width in spaces, or
    the same ``>`` markers for a blockquote."""
    if not prefix:
        return text
    rest = "".join(ch if ch in ">\t" else " " for ch in prefix)
    lines = text.splitlines(keepends=True)
    return "".join((prefix if i == 0 else rest) + line for i, line in enumerate(lines))
