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


def _actionlint() -> str:
    exe = Path(sys.executable).with_name("actionlint")
    found = str(exe) if exe.exists() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is not installed: make install (test extra)", pytrace=False)
    return found


def test_the_publishing_workflow_passes_actionlint():
    assert WORKFLOW.is_file()
    out = subprocess.run([_actionlint(), str(WORKFLOW)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs-on: 42", 1)
                   .replace("needs: build", "needs: no-such-job", 1))
    out = subprocess.run([_actionlint(), str(bad)], capture_output=True, text=True)
    assert out.returncode != 0 and "no-such-job" in out.stdout


def test_the_workflow_builds_with_make_and_publishes_where_the_buttons_point():
    text = WORKFLOW.read_text()
    assert "make book student" in text
    assert "_build/student/html/. _site/student/" in text
    assert "path: _build/student/branch" in text
    # the branch comes from _config.yml (tools/course_config.py), not a second copy
    assert "tools/course_config.py student-branch" in text
    assert repo_url() not in text
