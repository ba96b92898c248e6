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
	$(PY) -m pip install --quiet -e ".[test,postgres]"
	touch $(STAMP)

# platform_check: on a Linux desktop, names any system library Qt's window needs and the one
# apt-get line that installs it, instead of Qt's abort.
run: $(STAMP)
	$(PY) -m desktop.platform_check
	$(PY) -m desktop

demo: $(STAMP)
	$(PY) -m desktop.platform_check
	$(PY) -m desktop --demo

lint: $(STAMP)
	$(PY) -m ruff check desktop tests
	$(PY) -m mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench

# One-folder build with PyInstaller (build.spec), then the built program checks itself offscreen.
package: $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,package,postgres]"
	@name=$$($(PY) -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['name'])"); \
	start=$$(date +%s); \
	$(PY) -m PyInstaller --noconfirm --log-level WARN build.spec || exit 1; \
	echo "Built dist/$$name in $$(( $$(date +%s) - start )) s; folder size $$(du -sh dist/$$name | cut -f1)"; \
	QT_QPA_PLATFORM=offscreen dist/$$name/$$name --self-test

clean:
	rm -rf build dist .pytest_cache .mypy_cache
