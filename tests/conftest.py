"""Shared fixtures: the built website, a local HTTP server and headless Chromium.

Tests that need a build are marked ``site`` (``_build/html``), ``editions``
(``_build/student`` and ``_build/instructor``) or ``browser`` (Chromium). Run on their own
they skip with a reason when what they need is missing; ``make test`` builds first and
passes ``--require-build``, which turns those skips into failures.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
STUDENT = ROOT / "_build" / "student"
INSTRUCTOR = ROOT / "_build" / "instructor"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# tools/ (editions, offline check) is importable by the tests
sys.path.insert(0, str(ROOT / "tools"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-build",
        action="store_true",
        default=False,
        help="fail (instead of skip) when the website, the editions or Chromium are missing",
    )


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers this mark; a run without xdist (-p no:xdist) should not warn
    config.addinivalue_line(
        "markers", "xdist_group(name): run in one xdist worker with --dist loadgroup"
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--dist loadgroup``: tests marked ``xdist_group(name)`` go to one worker, as intended.

    pytest-xdist 3.8 passes the group to its scheduler by appending ``@name`` to each test's
    node id, in the old ``item._nodeid`` field; pytest 9.2 keeps node ids in ``item._id``, so
    the suffix is lost and every group is silently split over the workers
    (pytest-dev/pytest-xdist#1386). Where the suffix did not take, it is set here the way
    xdist means it to be. Without ``--dist loadgroup`` nothing changes.
    """
    if not getattr(config.option, "loadgroup", False):  # set by xdist, in its workers
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            item._id = NodeId.parse(item.nodeid + suffix)


def missing(config: pytest.Config, reason: str) -> None:
    """Skip, or fail under --require-build."""
    if config.getoption("--require-build"):
        pytest.fail(f"{reason} (--require-build)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site_dir(pytestconfig: pytest.Config) -> Path:
    """The built website; skips (or fails under --require-build) if there is none."""
    if not (SITE / "index.html").is_file():
        missing(pytestconfig, f"no website in {SITE}: run `make book` first")
    return SITE


@pytest.fixture(scope="session")
def student_dir(pytestconfig: pytest.Config) -> Path:
    if not (STUDENT / "html" / "index.html").is_file() or not (STUDENT / "notebooks").is_dir():
        missing(pytestconfig, f"no student edition in {STUDENT}: run `make student` first")
    return STUDENT


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` on 127.0.0.1 at a free port, in a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """Base URL of the website served from 127.0.0.1."""
    server, url = serve(site_dir)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(pytestconfig: pytest.Config):
    """Headless Debian Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        missing(pytestconfig, f"{CHROMIUM} not found: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing(pytestconfig, "playwright is not installed: make install")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def visits(browser, site_url: str) -> Iterator:
    """The site's pages open in Chromium, one per (page, mode), shared by the tests of a page
    (``tests/site_visits.py``)."""
    from site_visits import Visits

    opened = Visits(browser, site_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    # no rmtree: the site tests run in parallel workers that share this folder (make clean
    # removes it)
    d = ARTIFACTS / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d
