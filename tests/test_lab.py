"""A student notebook in a real Jupyter Lab: formatted theorems, exercises and tips, no raw MyST.

Starts ``jupyter lab`` from the course's environment on 127.0.0.1 (the ``lab`` extra, which
``make lab`` installs) in a temporary folder holding chapter 2 twice: as the student notebook
(``convert_notebook(..., "student")``, what ``make lab``, Binder, Colab and the download button
give) and as the MyST source. Lab runs with ``jupyterlab-myst`` disabled, as on Colab or a
student's own Jupyter, and with windowing off so that every cell is rendered. No kernel is
started. The student notebook must show no directive, role or option text in its rendered
Markdown, and must show the exercise and theorem titles as bold text in blockquotes with
MathJax-typeset math; the MyST source, in the same Lab, must show raw directive text (so the
check can fail). Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, missing
from editions.myst2md import convert_notebook

pytestmark = pytest.mark.browser

CHAPTER = ROOT / "chapters" / "02_flow.ipynb"
JUPYTER = Path(sys.executable).with_name("jupyter")
# text that only unrendered MyST shows
RAW_MYST = (
    "```{",
    ":::{",
    "{prf:",
    "{ref}`",
    "{cite}`",
    "{doc}`",
    ":label:",
    ":nonumber:",
    "{exercise}",
    "{admonition}",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(pytestconfig, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A Jupyter Lab server on a folder with the student notebook and the MyST source."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        missing(pytestconfig, "Jupyter Lab is not installed: make lab (pip install -e .[lab])")
    home = tmp_path_factory.mktemp("lab")
    work = home / "work"
    work.mkdir()
    nb = json.loads(CHAPTER.read_text(encoding="utf-8"))
    (work / "student.ipynb").write_text(json.dumps(convert_notebook(nb, "student")))
    (work / "source.ipynb").write_text(CHAPTER.read_text(encoding="utf-8"))
    # a Lab as students elsewhere have it: no MyST extension; every cell rendered
    config = home / "config"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"jupyterlab-myst": True}})
    )
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    cmd = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.root_dir={work}",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        "--allow-root",
    ]
    log = (home / "lab.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not start:\n{(home / 'lab.log').read_text()}")
            time.sleep(0.5)
        yield url, home
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _open(browser, url: str, name: str, n_markdown: int):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    # ?reset: a fresh workspace, only this notebook open
    page.goto(f"{url}/lab/tree/{name}?reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown", timeout=60_000)
    # every markdown cell rendered (windowing off), math typeset by Lab's MathJax
    try:
        page.wait_for_function(
            "n => document.querySelectorAll('.jp-MarkdownCell').length === n && "
            "document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown').length === n",
            arg=n_markdown,
            timeout=60_000,
        )
    except Exception:
        counts = page.evaluate(
            "() => [document.querySelectorAll('.jp-MarkdownCell').length, "
            "document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown').length, "
            "[...document.querySelectorAll('.jp-MarkdownCell:not(:has(.jp-RenderedMarkdown))')]"
            ".map(e => e.innerText.slice(0, 80))]"
        )
        raise AssertionError(
            f"{name}: {n_markdown} markdown cells; in Lab: cells, rendered, unrendered: {counts}"
        ) from None
    page.wait_for_selector(".jp-RenderedMarkdown mjx-container", state="attached", timeout=60_000)
    return page


def _n_markdown(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(c["cell_type"] == "markdown" for c in cells)


def _rendered_markdown(page) -> str:
    return "\n".join(page.locator(".jp-MarkdownCell .jp-RenderedMarkdown").all_inner_texts())


def test_student_notebook_renders_without_myst(lab, browser, screenshots_dir):
    url, home = lab
    page = _open(browser, url, "student.ipynb", _n_markdown(home / "work" / "student.ipynb"))
    try:
        text = _rendered_markdown(page)
        raw = [t for t in RAW_MYST if t in text]
        assert not raw, f"raw MyST shown in the student notebook: {raw}"
        heads = page.locator(".jp-RenderedMarkdown blockquote > p:first-child > strong")
        titles = heads.all_inner_texts()
        assert any(t.startswith("Exercise 4: ") for t in titles), titles
        assert any(t.startswith("Theorem (") for t in titles), titles
        assert any(t.startswith("Lemma (") for t in titles), titles
        assert "Think about it" in titles
        assert "(Wu et al., 2020)" in text
        assert page.locator(".jp-RenderedMarkdown blockquote mjx-container").count() > 10
        theorem = heads.filter(has_text="Theorem (").first
        theorem.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(screenshots_dir / "lab-student-02_flow.png"))
    finally:
        page.close()


def test_the_same_lab_shows_the_myst_source_raw(lab, browser, screenshots_dir):
    """Without jupyterlab-myst, the source shows its directives: the check above can fail."""
    url, home = lab
    page = _open(browser, url, "source.ipynb", _n_markdown(home / "work" / "source.ipynb"))
    try:
        text = _rendered_markdown(page)
        assert "```{prf:" in text or "{prf:" in text
        assert ":label:" in text and "{ref}`" in text or "{prf:ref}`" in text
        page.locator(".jp-RenderedMarkdown", has_text="{prf:").first.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots_dir / "lab-source-02_flow.png"))
    finally:
        page.close()
