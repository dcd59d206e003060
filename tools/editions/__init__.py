"""The editions of the course: student (no solutions) and instructor (with solutions).

One source, three outputs (``make student``; ``python -m tools.editions all``):

* ``_build/instructor/notebooks/``: the chapter notebooks with their solutions;
* ``_build/student/notebooks/``: the same notebooks with every solution removed;
* ``_build/student/html/``: the student website.

The distributed notebooks are plain Jupyter notebooks: every MyST construct of the chapters
is rewritten into standard Markdown (:mod:`editions.myst2md`), so that Jupyter Lab, Colab and
Binder show formatted theorems, exercises and tips.

Modules
    :mod:`~editions.reader`   the MyST reader (markdown-it-py tokens of myst-parser)
    :mod:`~editions.strip`    removing solutions
    :mod:`~editions.myst2md`  MyST to plain Markdown (``convert_notebook(nb, edition)``)
    :mod:`~editions.leaks`    searching the student outputs for solution text
    :mod:`~editions.build`    writing the editions; the command line

Usage::

    python -m tools.editions notebooks   # student + instructor notebooks (chapter sources only)
    python -m tools.editions site        # student website (after make book)
    python -m tools.editions all         # both, then check
    python -m tools.editions check       # search every student artifact for solution text

``check`` exits with status 1 and lists the leaks if any line of any solution is found in
the student outputs; ``tests/test_editions.py`` runs the same functions.
"""

from .build import (
    build_notebooks,
    build_site,
    check,
    execution_table,
    main,
    replace_exec_table,
    student_config,
)
from .leaks import (
    artifact_text,
    artifacts,
    book_solution_lines,
    find_leaks,
    html_text,
    normalize,
    notebook_text,
    solution_lines_of,
    student_artifacts,
)
from .myst2md import BookIndex, convert_notebook
from .sources import BUILD, ROOT, executed_notebook, source_notebooks, source_pages
from .strip import split_notebook, strip_markdown

__all__ = [
    "BUILD",
    "ROOT",
    "BookIndex",
    "artifact_text",
    "artifacts",
    "book_solution_lines",
    "build_notebooks",
    "build_site",
    "check",
    "convert_notebook",
    "executed_notebook",
    "execution_table",
    "find_leaks",
    "html_text",
    "main",
    "normalize",
    "notebook_text",
    "replace_exec_table",
    "solution_lines_of",
    "source_notebooks",
    "source_pages",
    "split_notebook",
    "strip_markdown",
    "student_artifacts",
    "student_config",
]
