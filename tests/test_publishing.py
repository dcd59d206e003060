"""The repository URL has one home (``_config.yml``) and the publishing workflow is valid."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from course_config import install_cell_source, is_install_cell, repo_url  # noqa: E402

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def _tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / p for p in out.stdout.splitlines() if (ROOT / p).is_file()]


def test_every_chapter_has_the_install_cell_written_from_the_config():
    chapters = sorted((ROOT / "chapters").glob("*.ipynb"))
    assert chapters
    for path in chapters:
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert is_install_cell(code[0]), f"{path.name}: first code cell is not the install cell"
        assert "".join(code[0]["source"]) == install_cell_source(), (
            f"{path.name}: install cell differs from _config.yml's repository.url; "
            "run make notebooks"
        )


def test_the_url_is_written_nowhere_else():
    url = repo_url()
    allowed = {ROOT / "_config.yml"}
    offenders = []
    for path in _tracked():
        if path in allowed or path.suffix == ".ipynb":  # notebooks: checked above
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if url in text:
            offenders.append(path.relative_to(ROOT).as_posix())
    assert not offenders, f"repository URL written outside _config.yml: {offenders}"


def test_repo_url_rejects_a_non_https_value(tmp_path):
    (tmp_path / "_config.yml").write_text("repository:\n  url: ftp://example\n")
    with pytest.raises(ValueError, match="repository.url"):
        repo_url(tmp_path)
