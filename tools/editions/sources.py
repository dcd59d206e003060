"""Where the book's sources are, and the executed notebooks of the website build."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
CHAPTERS = "chapters"


def source_notebooks(root: Path = ROOT) -> list[Path]:
    """Chapter notebooks of the book (not checkpoints)."""
    return sorted(
        p for p in (root / CHAPTERS).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def source_pages(root: Path = ROOT) -> list[Path]:
    """MyST markdown pages of the book (root and chapters/)."""
    pages = list(root.glob("*.md")) + list((root / CHAPTERS).rglob("*.md"))
    return sorted(p for p in pages if p.name not in ("README.md", "AUTHORING.md"))


def executed_notebook(path: Path, root: Path = ROOT) -> tuple[dict, bool]:
    """The notebook at ``path`` with the outputs of the website build, if there are any.

    ``make book`` executes the chapters and stores them in ``_build/.jupyter_cache``; a
    notebook whose code matches a cache record gets that record's outputs (the ones the
    website shows). Otherwise the committed outputs are kept.

    Returns
    -------
    (notebook, from_cache)
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    cache_dir = root / "_build" / ".jupyter_cache"
    if not cache_dir.is_dir():
        return nb, False
    import nbformat
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(
            nbformat.reads(json.dumps(nb), as_version=4)
        )
    except KeyError:
        return nb, False
    return json.loads(nbformat.writes(merged)), True
