# Two commands set everything up: `make book` and `make test`.
# Each target creates .venv (Python 3.11) when it is missing and installs requirements.txt into it.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt code/pyproject.toml | sha256sum | cut -c1-12)
HOST   ?= 127.0.0.1
PORT   ?= 8000
JB_FLAGS ?= -W -n --keep-going

# Use the read-only MNIST files beside the checkout when they are there (see README).
ifeq ($(origin DLBOOK_DATA), undefined)
  ifneq ($(wildcard ../shared/data/MNIST/raw/train-images-idx3-ubyte),)
    export DLBOOK_DATA := $(abspath ../shared/data)
  endif
endif

.PHONY: book test serve clean lint format venv notebooks

venv: $(STAMP)

$(STAMP): requirements.txt code/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt 2>&1 | { grep -v '^WARNING: Location' || true; }
	@rm -f $(VENV)/.installed-* && touch $@

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "The book is in $(CURDIR)/_build/html (open _build/html/index.html, or run 'make serve')."

test: $(STAMP)
	$(BIN)/python -m pytest

# The Colab notebooks beside the executable pages (tools/notebooks.py); commit them with the pages.
notebooks: $(STAMP)
	$(BIN)/python tools/notebooks.py

serve: book
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind $(HOST) --directory _build/html $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check code tests benchmarks book/_ext tools
	$(BIN)/ruff format --check code tests benchmarks book/_ext tools

format: $(STAMP)
	$(BIN)/ruff format code tests benchmarks book/_ext tools
	$(BIN)/ruff check --fix code tests benchmarks book/_ext tools

clean:
	rm -rf _build
