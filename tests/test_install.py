"""Installing the course library keeps the compatible versions a machine already has.

Colab (and any student's Python) comes with numpy, scipy and matplotlib. ``pyproject.toml``
asks for compatible ranges (``numpy>=2,<3``), so ``pip install`` of the course keeps them and
no runtime restart is needed; the exact versions the course itself runs are in
``requirements-lock.txt``. The test makes a real, fresh virtual environment, installs an older
numpy 2 release first, then installs this repository with its dependencies, and checks that the
numpy is still the one it had. Needs the network (PyPI) and about a minute: marked ``slow``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from conftest import ROOT

OLDER_NUMPY = "2.2.6"  # an older numpy 2 than the lock's, with wheels for Python 3.11-3.13


def _run(*cmd: str | Path) -> str:
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{out.stdout}\n{out.stderr}"
    return out.stdout


def test_runtime_dependencies_are_ranges_and_the_lock_pins_them():
    """Every runtime dependency is a range admitting the locked version (no == pin)."""
    from packaging.requirements import Requirement

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lock = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if line and not line.startswith("#") and "==" in line:
            name, _, version = line.partition("==")
            lock[name.strip().lower().replace("_", "-")] = version.strip()
    assert deps, "pyproject.toml lists the runtime dependencies"
    for dep in deps:
        req = Requirement(dep)
        assert not any(s.operator in ("==", "===") for s in req.specifier), f"{dep} is a pin"
        assert any(s.operator == "<" for s in req.specifier), f"{dep} has no upper bound"
        locked = lock.get(req.name.lower())
        assert locked, f"{req.name} is not pinned in requirements-lock.txt"
        assert req.specifier.contains(locked), f"the lock's {req.name}=={locked} is outside {dep}"


@pytest.mark.slow
def test_install_keeps_an_older_compatible_numpy(tmp_path):
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(env)
    py = env / "bin" / "python"
    pip = (py, "-m", "pip", "--disable-pip-version-check", "--no-input")
    probe = "import numpy, sys; print(numpy.__version__, sys.prefix)"
    _run(*pip, "install", "--quiet", "--no-compile", f"numpy=={OLDER_NUMPY}")
    version, prefix = _run(py, "-c", probe).split()
    assert version == OLDER_NUMPY and Path(prefix) == env, "a fresh venv with the older numpy"

    # the course library with its dependencies, from a copy of what its build reads (an
    # in-tree build would write build/ into the working tree)
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "wnlib", src / "wnlib", ignore=shutil.ignore_patterns("__pycache__"))
    _run(*pip, "install", "--quiet", "--no-compile", src)

    assert _run(py, "-c", probe).split()[0] == OLDER_NUMPY, "pip replaced the installed numpy"
    _run(py, "-c", "import wnlib, scipy, matplotlib; wnlib.make_problem(3, 5, seed=0)")


def test_importing_nbformat_does_not_compile_grammars():
    """``import nbformat`` (hence jsonschema) stays cheap: rfc3987-syntax is not installed.

    jsonschema >= 4.24 pulls it in through the ``format-nongpl`` extra that jupyter-events asks
    for, and it compiles 38 lark grammars on import (0.6-1.0 s in every pytest worker, kernel
    manager and Sphinx build of ``make test``); the lock keeps jsonschema at 4.23.0.
    """
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import nbformat"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "rfc3987_syntax" not in out.stderr, "rfc3987-syntax is imported with jsonschema"
