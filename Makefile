# CiP Desk. Every target creates .venv when it is missing and installs the project into it.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run demo test lint typecheck bench package clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m desktop

demo: $(STAMP)
	$(PY) -m desktop --demo

lint: $(STAMP)
	$(PY) -m ruff check desktop tests
	$(PY) -m mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench

clean:
	rm -rf build dist .pytest_cache .mypy_cache
