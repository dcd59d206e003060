"""Sphinx extension for the API page: every docstring links to where the course teaches it.

In the spirit of d2l's "Defined in" lines, pointing the other way: for each documented object
of ``wnlib`` this adds a "Taught in" line that links to the chapter sections whose code uses
it (found by scanning the code cells of the chapter notebooks named in ``_toc.yml`` for the
object's name followed by ``(`` or used as ``module.name``). The section anchor is the id Sphinx
gives the section heading (docutils' ``make_id``), so the link test checks it resolves.

Loaded via ``sphinx: local_extensions`` in ``_config.yml``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from docutils.nodes import make_id
from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[1]


@cache
def _sections() -> tuple[tuple[str, str, str, str, str], ...]:
    """(docname, chapter title, section title, section id, code) of each ``##`` section."""
    out = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        docname = f"chapters/{path.stem}"
        chapter = ""
        current: list = []  # [section title, id, code parts] of the open section
        sections = [current]
        for cell in nb["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] == "code" and current:
                current[2].append(src)
                continue
            for line in src.splitlines() if cell["cell_type"] == "markdown" else ():
                m = re.match(r"^(#{1,2})\s+(.*\S)", line)
                if m and m.group(1) == "#":
                    chapter = m.group(2)
                elif m:
                    current = [m.group(2), make_id(m.group(2)), []]
                    sections.append(current)
        out += [(docname, chapter, t, i, "\n".join(c)) for t, i, c in sections[1:] if c]
    return tuple(out)


_GREEK = {"rho": "ρ", "eta": "η", "gamma": "γ", "theta": "θ", "kappa": "κ", "delta": "δ",
          "lambda": "λ", "varepsilon": "ε", "epsilon": "ε", "mu": "μ", "infty": "∞", "perp": "⊥"}


def plain_title(title: str) -> str:
    """A section title for link text: ``$\\rho$`` -> ``ρ`` (link text cannot hold math)."""

    def text(m: re.Match) -> str:
        tex = re.sub(r"\\([A-Za-z]+)", lambda g: _GREEK.get(g.group(1), g.group(1)), m.group(1))
        return tex.replace("_0", "₀").replace("^*", "*").replace("{", "").replace("}", "")

    return re.sub(r"\$([^$]*)\$", text, title)


def taught_in(name: str) -> list[tuple[str, str, str, str]]:
    """Sections (docname, chapter, section, id) whose code calls or names ``name``."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(name)}\s*\(|\.{re.escape(name)}\b")
    return [(d, c, s, i) for d, c, s, i, code in _sections() if pattern.search(code)]


def _add_taught_in(app, what, name, obj, options, lines) -> None:
    if what not in ("function", "class"):
        return
    short = name.rsplit(".", 1)[-1]
    places = taught_in(short)
    if not places:
        return
    links = ", ".join(
        f"`{chapter.split(':')[0]}, {plain_title(section)} <{docname}.html#{sid}>`__"
        for docname, chapter, section, sid in places[:4]
    )
    more = f" and {len(places) - 4} more" if len(places) > 4 else ""
    lines.extend(["", f"**Taught in:** {links}{more}.", ""])


def _canonical(target: str) -> str | None:
    """``wnlib.rpgd`` -> ``wnlib.algorithms.rpgd``: where a re-exported name is documented."""
    import importlib

    candidates = [target] if target.startswith("wnlib") else [f"wnlib.{target}", target]
    for dotted in candidates:
        module, _, attr = dotted.rpartition(".")
        try:
            obj = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError, ValueError):
            continue
        home = getattr(obj, "__module__", None)
        qual = getattr(obj, "__qualname__", None)
        if home and qual and f"{home}.{qual}" != target:
            return f"{home}.{qual}"
    return None


def _resolve_reexport(app, env, node, contnode):
    """Docstrings cite re-exported names (``wnlib.gd``); point them at the documented home."""
    if node.get("refdomain") != "py":
        return None
    home = _canonical(node.get("reftarget", ""))
    if home is None:
        return None
    py = env.get_domain("py")
    return py.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], home, node, contnode)


def setup(app: Sphinx) -> dict:
    app.connect("autodoc-process-docstring", _add_taught_in)
    app.connect("missing-reference", _resolve_reexport)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
