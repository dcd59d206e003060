# Build, test and serve the course. `make book` and `make test` are all most people need.
#
# Everything runs in .venv (created if missing) with the exact versions of
# requirements-lock.txt; browser assets (MathJax) come from the npm registry
# (package-lock.json) and are served by the site itself.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-stamp
LAB_STAMP := $(VENV)/.lab-stamp
VENDOR := _vendor/mathjax/.stamp
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
LINT_PATHS := wnlib tests bench tools instructor
# One BLAS thread in notebooks and tests: reproducible sums, no oversubscription on 2 cores.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help install assets book student lab lab-source serve test lint test-lib test-nb test-site \
        test-editions claims bench clean npm browser notebooks pdf

help:
	@echo "make book     build the website into _build/html (clean build, warnings are errors)"
	@echo "make test     lint, library tests, notebooks (nbval), website, browser and editions tests"
	@echo "make lab      students: Jupyter Lab on the student notebooks (no solutions; installs Lab on first use)"
	@echo "make lab-source  authors and instructors: Jupyter Lab on the MyST sources in chapters/"
	@echo "make notebooks  re-execute the chapter notebooks in place (NB=chapters/0N_x.ipynb for one)"
	@echo "make pdf      the whole course as one PDF: _build/pdf/course.pdf (and a copy in the website)"
	@echo "make serve    serve _build/html on http://127.0.0.1:$(PORT)"
	@echo "make student  student website and notebooks (no solutions) + instructor notebooks"
	@echo "make bench    run every bench/*.py"
	@echo "make claims   run the check behind every qualitative sentence, listed by chapter"
	@echo "make lint     ruff check $(LINT_PATHS)"
	@echo "make clean    remove _build, caches and test artifacts"

# ------------------------------------------------------------------ install
$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when the project's dependencies change.
$(STAMP): pyproject.toml requirements-lock.txt | $(PY)
	$(PY) -m pip install --quiet -c requirements-lock.txt -e ".[book,test]"
	touch $@

install: $(STAMP)

# MathJax from the npm registry, copied where html_extra_path serves it (not _static:
# Jupyter Book adds every .js in _static to every page).
$(VENDOR): package.json package-lock.json | npm
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf _vendor/mathjax && mkdir -p _vendor/mathjax
	cd node_modules/mathjax/es5 && cp -r tex-mml-chtml.js input output a11y sre ui adaptors \
	    ../LICENSE ../../../_vendor/mathjax/
	touch $@

assets: $(VENDOR)

# System packages (Debian), installed by tools/need_apt.sh when missing: with apt-get as root
# (CI, containers); otherwise it prints the one command to run.
npm:
	@command -v npm >/dev/null || bash tools/need_apt.sh "nodejs npm" npm

# Debian's Chromium for the browser tests and the PDF (Playwright drives it; no browser download)
browser:
	@test -x $(CHROMIUM) || bash tools/need_apt.sh "chromium fonts-dejavu-core" $(CHROMIUM)

# ------------------------------------------------------------------ website
book: $(STAMP) $(VENDOR)
	rm -rf _build/html _build/doctrees
	$(PY) tools/prefill_cache.py --then $(BIN)/jupyter-book build . -W --keep-going -n
	@echo
	@echo "Website built: open $(CURDIR)/_build/html/index.html (or run: make serve)"

# The whole course as one PDF, printed by Debian's Chromium (tools/wn_pdf.py) from Sphinx's
# singlehtml build (same execution cache and doctrees as `book`: nothing re-executed); a copy
# goes to _build/html/course.pdf, linked from the intro page. Builds the website if missing.
pdf: $(STAMP) $(VENDOR) browser
	@test -f _build/html/index.html || $(MAKE) book
	$(PY) tools/prefill_cache.py
	$(PY) tools/wn_pdf.py

EDITIONS = $(PY) -m tools.editions all
student: book
	$(EDITIONS)
	@echo
	@echo "Student website:      $(CURDIR)/_build/student/html/index.html"
	@echo "Student notebooks:    $(CURDIR)/_build/student/notebooks/"
	@echo "Instructor notebooks: $(CURDIR)/_build/instructor/notebooks/"

# Re-execute chapter notebooks in place, top to bottom (authors, before committing; also
# rewrites the install cell from _config.yml). NB=chapters/0N_x.ipynb for one.
notebooks: $(STAMP)
	$(PY) tools/run_notebooks.py $(NB)

serve:
	@test -f _build/html/index.html || { echo "No website yet: run make book first"; exit 1; }
	@echo "Serving http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

$(LAB_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -c requirements-lock.txt -e ".[lab]"
	touch $@

# The student notebooks (no solutions, plain Markdown), written from chapters/ when missing or
# older than the chapters: no website build needed. Work done in them is kept (a newer chapter
# goes next to a changed notebook as <name>.updated.ipynb).
STUDENT_NB := _build/student/.notebooks-written.json
$(STUDENT_NB): $(wildcard chapters/*.ipynb) $(wildcard tools/editions/*.py) _config.yml _toc.yml \
               references.bib | $(STAMP)
	$(PY) -m tools.editions notebooks

# Jupyter Lab on 127.0.0.1 (root, e.g. in a container, needs --allow-root).
# Students: the student notebooks. Authors and instructors: lab-source, the MyST sources
# (solutions included), rendered by jupyterlab-myst.
LAB_ARGS = --ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: $(LAB_STAMP) $(STUDENT_NB)
	$(BIN)/jupyter lab $(LAB_ARGS) --ServerApp.root_dir=$(CURDIR)/_build/student/notebooks

lab-source: $(LAB_STAMP)
	$(BIN)/jupyter lab $(LAB_ARGS) --ServerApp.root_dir=$(CURDIR)/chapters

# ------------------------------------------------------------------ tests
lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)

# Library tests (everything not marked site / editions). Exit code 5 (no tests) cannot
# happen: tests/ always has tests.
test-lib: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider \
	    -m "not site and not editions and not browser and not grading" \
	    --ignore=tests/claims -n 2 --dist loadfile

# Every qualitative sentence of the chapters and hints has a check (tests/claims/test_chN.py);
# lists them by chapter and ends with "N claims checked".
claims: $(STAMP)
	$(PY) tools/claims.py

# Every chapter notebook re-executed and compared output by output (strict nbval). A notebook
# that passes goes into the website's execution cache with the outputs nbval just checked
# (tools/nbval_cache.py): a `make book` that follows only renders it.
test-nb: $(STAMP)
	@if ls chapters/*.ipynb >/dev/null 2>&1; then \
	    $(PY) -m pytest -q -p no:cacheprovider -p tools.nbval_cache \
	        --nbval-cache _build/.jupyter_cache --nbval --nbval-current-env chapters/ \
	        -n 2 --dist loadfile; \
	else \
	    echo "nbval: no chapter notebooks yet, nothing to compare"; \
	fi

# Browser, link and offline tests of the built website (after `book`); screenshots in
# test-artifacts/screenshots/. --require-build: a missing build or browser fails, not skips.
# Four workers: the tests mostly wait on Chromium (MathJax, axe-core), so they overlap well;
# tests that share an expensive fixture (the PDF's text) stay in one worker (xdist_group).
SITE_TESTS = $(BIN)/pytest -q -p no:cacheprovider -m "site or browser" --require-build \
	    --dist loadgroup
test-site: $(STAMP) $(LAB_STAMP) browser
	$(SITE_TESTS) -n 4

# No solution text in the student edition (after `student`).
test-editions: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -m editions --require-build

# Everything, on the machine's two cores. Installs first (one pip at a time), then `make -j3`
# runs the steps below as soon as what they need is there (three at a time: most steps wait
# on kernels, Chromium or the network part of the time): the build chain (notebooks checked
# by nbval, which fills the execution cache -> website, which then only renders -> the site
# tests that need only the website; the PDF and the student edition -> the tests that need
# them) next to the steps that need no build (lint, library tests, claims, the grading kit).
# -O: each step's output is printed in one piece.
TEST_STEPS := step-site step-site-late step-editions step-lib step-claims step-grading step-lint
# site tests that need the PDF or the student website (the others need only _build/html)
SITE_LATE := tests/test_pdf.py tests/test_links.py
test: $(STAMP) $(LAB_STAMP) $(INSTR_STAMP) $(VENDOR) browser
	@t0=$$(date +%s); $(MAKE) --no-print-directory -j3 -O $(TEST_STEPS); \
	    echo; echo "make test: all passed in $$(( $$(date +%s) - t0 )) s"

# step = one target, timed (the times add up to more than the wall time: steps overlap)
step = @t0=$$(date +%s); $(1); echo "== $@: $$(( $$(date +%s) - t0 )) s"
.PHONY: $(TEST_STEPS) step-nb step-book step-pdf step-student
step-nb:
	$(call step,$(MAKE) --no-print-directory test-nb)
step-book: step-nb
	$(call step,$(MAKE) --no-print-directory book)
step-pdf: step-book
	$(call step,$(MAKE) --no-print-directory pdf)
step-student: step-book
	$(call step,$(EDITIONS))
step-site: step-book
	$(call step,$(SITE_TESTS) -n 4 $(addprefix --ignore=,$(SITE_LATE)))
step-site-late: step-pdf step-student
	$(call step,$(SITE_TESTS) -n 2 $(SITE_LATE))
step-editions: step-student
	$(call step,$(MAKE) --no-print-directory test-editions)
step-lib:
	$(call step,$(MAKE) --no-print-directory test-lib)
step-claims:
	$(call step,$(MAKE) --no-print-directory claims)
step-grading:
	$(call step,$(MAKE) --no-print-directory test-grading)
step-lint:
	$(call step,$(MAKE) --no-print-directory lint)

# ------------------------------------------------------------------ instructors
# Graded assignments with otter-grader (the `instructor` extra; see instructors.md).
INSTR_STAMP := $(VENV)/.instructor-stamp
ROSTER ?= instructor/roster.csv
GRADE_TIMEOUT ?= 120
.PHONY: assign grade test-grading

$(INSTR_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -c requirements-lock.txt -e ".[instructor]"
	touch $@

# _build/assign/student/<id>/<chapter>.ipynb for every id of ROSTER, and _build/assign/autograder/
assign: $(INSTR_STAMP)
	$(PY) -m tools.grading.assign --roster $(ROSTER)

# SUBMISSIONS/<id>/<chapter>.ipynb -> _build/grades/grades.csv and _build/grades/feedback/<id>.md
grade: $(INSTR_STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir (dir/<id>/<chapter>.ipynb)"; exit 2; }
	@test -f _build/assign/autograder/variants.py || { echo "no autograder: run make assign first"; exit 2; }
	$(PY) -m tools.grading.grade $(SUBMISSIONS) --timeout $(GRADE_TIMEOUT)

# The assign/grade kit end to end (a synthetic class) and the no-leak search.
test-grading: $(INSTR_STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -m grading --require-build tests/test_grading.py

# ------------------------------------------------------------------ bench
bench: $(STAMP) $(VENDOR) $(INSTR_STAMP)
	@set -e; for f in bench/*.py; do echo "== $$f"; $(PY) $$f; done

clean:
	rm -rf _build _vendor test-artifacts .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path "./.venv/*" -not -path "./node_modules/*" -prune \
	    -exec rm -rf {} +
