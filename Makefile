# Two commands set everything up: `make book` and `make test`.
# Each target creates .venv (Python 3.11) when it is missing: `make book` installs requirements.txt
# (what the book needs), `make test` also requirements-dev.txt (test, lint and browser tools).

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt code/pyproject.toml | sha256sum | cut -c1-12)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt code/pyproject.toml | sha256sum | cut -c1-12)
HOST   ?= 127.0.0.1
PORT   ?= 8000
JB_FLAGS ?= -W -n --keep-going

# Use the read-only MNIST files beside the checkout when they are there (see README).
ifeq ($(origin DLBOOK_DATA), undefined)
  ifneq ($(wildcard ../shared/data/MNIST/raw/train-images-idx3-ubyte),)
    export DLBOOK_DATA := $(abspath ../shared/data)
  endif
endif

.PHONY: book pdf test test-fast serve clean lint format venv notebooks

venv: $(STAMP)

$(STAMP): requirements.txt code/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt 2>&1 | { grep -v '^WARNING: Location' || true; }
	@rm -f $(VENV)/.installed-* && touch $@

# The development tools include the book's requirements, so this stamp stands for both.
$(DEV_STAMP): requirements.txt requirements-dev.txt code/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt 2>&1 | { grep -v '^WARNING: Location' || true; }
	@rm -f $(VENV)/.installed-* && touch $@ $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "The book is in $(CURDIR)/_build/html (open _build/html/index.html, or run 'make serve')."

# The whole book as one PDF, _build/pdf/book.pdf (tools/pdf.py): the single-page build (executed pages come
# from the same cache as `make book`, so nothing runs again) printed by Chromium (the browser of the
# tests, found or installed by tools/browser.py). The HTML build afterwards links the PDF from every page.
pdf: $(DEV_STAMP)
	$(BIN)/jupyter-book build . --builder singlehtml $(JB_FLAGS)
	chromium="$$($(BIN)/python tools/browser.py)"; DLBOOK_CHROMIUM="$$chromium" $(BIN)/python tools/pdf.py
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "The PDF is $(CURDIR)/_build/pdf/book.pdf; the site in _build/html links it."

# Everything: the package, the executed pages, the built site in a real browser. The tests run on every
# CPU (pytest-xdist, at most 4 workers; PYTEST_WORKERS=0 runs them in one process); the book is built once.
# The workers take one test at a time, in the order tests/conftest.py gives them (--maxschedchunk=1).
PYTEST_WORKERS ?= auto
test: $(DEV_STAMP)
	chromium="$$($(BIN)/python tools/browser.py)"; DLBOOK_CHROMIUM="$$chromium" \
	  $(BIN)/python -m pytest --numprocesses=$(PYTEST_WORKERS) --maxprocesses=4 --maxschedchunk=1

# The quick loop: every test that neither trains a network, builds the book, runs a notebook nor
# starts a browser (those are marked slow).
test-fast: $(DEV_STAMP)
	$(BIN)/python -m pytest -m "not slow"

# The Colab notebooks beside the executable pages (tools/notebooks.py); commit them with the pages.
# Their text shows the numbers of the last build, so the book is built (or found in the cache) first.
notebooks: book
	$(BIN)/python tools/notebooks.py

serve: book
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind $(HOST) --directory _build/html $(PORT)

lint: $(DEV_STAMP)
	$(BIN)/ruff check code tests benchmarks book/_ext tools
	$(BIN)/ruff format --check code tests benchmarks book/_ext tools

format: $(DEV_STAMP)
	$(BIN)/ruff format code tests benchmarks book/_ext tools
	$(BIN)/ruff check --fix code tests benchmarks book/_ext tools

clean:
	rm -rf _build
