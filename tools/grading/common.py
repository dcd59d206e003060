"""Paths and small helpers shared by ``make assign`` and ``make grade``."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
INSTRUCTOR = ROOT / "instructor"
VARIANTS_SOURCE = INSTRUCTOR / "variants.py"
DEFAULT_ROSTER = INSTRUCTOR / "roster.csv"
ASSIGN_DIR = ROOT / "_build" / "assign"
GRADES_DIR = ROOT / "_build" / "grades"

#: The text the course's self-checks print for a right answer: a stored copy of it in a
#: submission proves nothing (graded notebooks are re-executed) and is reported.
CORRECT_MARK = "✓ Correct!"


def load_variants(path: Path = VARIANTS_SOURCE) -> ModuleType:
    """Import the instructor's ``variants.py`` (from the repo, or a copy in an autograder folder).

    Parameters
    ----------
    path : Path
        The file to import.

    Returns
    -------
    module
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"variants file not found: {path}")
    name = f"_wn_variants_{abs(hash(str(path.resolve())))}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def read_roster(path: Path) -> list[str]:
    """Student ids of a roster CSV: one id per line (first column), optional header ``student_id``.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ValueError
        No ids, a duplicate id, or an id with a path separator, comma or space.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"roster not found: {path}")
    ids: list[str] = []
    with path.open(newline="", encoding="utf-8") as f:
        for lineno, row in enumerate(csv.reader(f), start=1):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            sid = row[0].strip()
            if lineno == 1 and sid.lower() in {"student_id", "id", "student"}:
                continue
            if any(ch in sid for ch in "/\\ \t") or sid.startswith("."):
                raise ValueError(f"{path}:{lineno}: invalid student id {sid!r} "
                                 "(no spaces, slashes or leading dot)")
            if sid in ids:
                raise ValueError(f"{path}:{lineno}: student id {sid!r} appears twice")
            ids.append(sid)
    if not ids:
        raise ValueError(f"{path}: no student ids (one id per line, first column)")
    return ids
