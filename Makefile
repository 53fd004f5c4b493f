# Two commands for a fresh Linux machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Annotator needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[test]"
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@if [ "$$(uname)" = Linux ] && [ -n "$$DISPLAY" ] && command -v ldconfig >/dev/null \
	    && ! ldconfig -p | grep -q libxcb-cursor.so.0; then \
	  echo "note: Qt needs libxcb-cursor0 to open a window on X11 (see README: Set up)"; fi
	$(BIN)/annotator $(ARGS)

test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench.py $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis

# -- The desktop app: PyInstaller one-folder build (packaging/annotator.spec) -----------------
# `make package` builds dist/annotator/ (about 20 s on 2 cores); `make package-test` builds
# if anything it bundles changed, then runs the frozen app (tests/test_packaging.py).
APP            := dist/annotator/annotator
PACKAGE_INPUTS := packaging/annotator.spec packaging/launcher.py $(wildcard packaging/hooks/*.py) \
                  $(shell find src resources seeds -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: package package-test

$(VENV)/.installed-package: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[package]"
	@touch $@ $(VENV)/.installed-run

$(APP): $(VENV)/.installed-package pyproject.toml $(PACKAGE_INPUTS)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
	    --distpath dist --workpath build/pyinstaller packaging/annotator.spec
	@touch $@

package: $(APP)
	@du -sh dist/annotator

package-test: $(APP) $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen ANNOTATOR_PACKAGE_TEST=1 \
	    $(BIN)/python -m pytest tests/test_packaging.py $(PYTEST_ARGS)
