"""The API page documents every public name of wnlib, and the docstrings follow numpydoc."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

MODULES = [
    "wnlib.problem", "wnlib.algorithms", "wnlib.flow", "wnlib.recipes", "wnlib.theory.flow",
    "wnlib.theory.example2d", "wnlib.theory.general", "wnlib.theory.orthogonal", "wnlib.report",
    "wnlib.plotting", "wnlib.interactive", "wnlib.exercises",
]


def public_objects() -> list[str]:
    """Dotted names of the public functions and classes defined in each module of MODULES."""
    out = []
    for m in MODULES:
        mod = importlib.import_module(m)
        names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
        for name in names:
            obj = getattr(mod, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == m:
                out.append(f"{m}.{name}")
    return out


def test_every_module_of_the_package_is_on_the_api_page():
    import pkgutil

    import wnlib

    found = {
        m.name
        for m in pkgutil.walk_packages(wnlib.__path__, "wnlib.")
        if not m.name.rsplit(".", 1)[-1].startswith("_")
        and not m.name.startswith("wnlib.exercises.")  # chapter check modules: private
    }

    page = (Path(__file__).resolve().parents[1] / "api.md").read_text()
    missing = sorted(n for n in found if f"automodule:: {n}\n" not in page and n != "wnlib.theory")
    assert not missing, f"modules without an automodule on api.md: {missing}"


def test_every_name_reexported_by_wnlib_is_documented_somewhere():
    import wnlib

    documented = set(public_objects())
    for name in wnlib.__all__:
        obj = getattr(wnlib, name)
        if inspect.ismodule(obj):
            continue
        assert f"{obj.__module__}.{obj.__qualname__}" in documented, name


@pytest.mark.site
def test_api_page_has_an_entry_for_every_public_name(site_dir):
    html = (site_dir / "api.html").read_text(encoding="utf-8")
    missing = [n for n in public_objects() if f'id="{n}"' not in html]
    assert not missing, f"public names missing from the API page: {missing}"
    assert html.count("Taught in:") >= 40, "the Taught in links are missing"
