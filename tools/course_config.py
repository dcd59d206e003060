"""The course's settings that several files need, read from their one home, ``_config.yml``.

The repository URL lives in ``_config.yml`` (``repository.url``) and nowhere else: the
website's repository and launch buttons read it there (Jupyter Book), the notebooks' install
cell is written from it (``tools/run_notebooks.py`` for the sources, the editions for what is
handed out), the publishing workflow derives the student locations from it, and
``tests/test_publishing.py`` fails if a copy anywhere else disagrees.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: first line of the install cell, how tools recognise it
INSTALL_MARKER = "try:\n    import wnlib\n"


@cache
def config(root: Path = ROOT) -> dict:
    """``_config.yml`` as a dict."""
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def repo_url(root: Path = ROOT) -> str:
    """The course repository, ``repository.url`` of ``_config.yml`` (no trailing slash)."""
    url = str(config(root).get("repository", {}).get("url", "")).rstrip("/")
    if not url.startswith("https://"):
        raise ValueError(f"_config.yml repository.url must be an https URL, got {url!r}")
    return url


def install_cell_source(root: Path = ROOT) -> str:
    """The first code cell of every chapter: installs ``wnlib`` where it is missing (Colab).

    It prints nothing where ``wnlib`` is importable, so nbval and the build are unaffected.
    """
    return (
        f"{INSTALL_MARKER}"
        "except ImportError:  # Colab, or any Python without the course library\n"
        f'    %pip install -q "git+{repo_url(root)}"'
    )


def student_branch(root: Path = ROOT) -> str:
    """The branch that holds only the student notebooks (``repository.student_branch``)."""
    return str(config(root).get("repository", {}).get("student_branch") or "student")


def is_install_cell(cell: dict) -> bool:
    src = cell.get("source", "")
    src = "".join(src) if isinstance(src, list) else src
    return cell.get("cell_type") == "code" and src.startswith(INSTALL_MARKER)


def main(argv: list[str]) -> int:
    """``python tools/course_config.py repo-url|student-branch``: print one setting."""
    getters = {"repo-url": repo_url, "student-branch": student_branch}
    if len(argv) != 1 or argv[0] not in getters:
        print(f"usage: course_config.py {{{'|'.join(getters)}}}", file=sys.stderr)
        return 2
    print(getters[argv[0]]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
