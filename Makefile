# Frontline: `make run` serves the app with demo data, `make test` runs the suite,
# `make bench` prints the benchmarks. Each sets up .venv first if needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# The CPU build of torch, installed before anything that depends on torch so no
# resolver pulls the multi-GB CUDA build. Elsewhere, set TORCH_INDEX to PyTorch's
# CPU wheel index (see README).
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
export NUMBA_CACHE_DIR ?= $(CURDIR)/$(VENV)/numba-cache

.PHONY: install run lint test bench chromium axe clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-torch: | $(VENV)/bin/python
	$(BIN)/pip install --quiet "$(TORCH_SPEC)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	touch $@

$(RUN_STAMP): pyproject.toml setup.py $(VENV)/.installed-torch
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml setup.py $(RUN_STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(RUN_STAMP)

# Links the demo prints point at the port served, unless FRONTLINE_PUBLIC_URL says otherwise.
run: export FRONTLINE_PUBLIC_URL ?= http://localhost:$(PORT)
run: $(RUN_STAMP)
	-@$(MAKE) --no-print-directory chromium  # for the PDF briefing; the app serves without it
	$(BIN)/frontline db upgrade
	$(BIN)/frontline demo --if-empty --analyse
	$(BIN)/frontline serve --port $(PORT)

# Debian's chromium renders the PDF briefing and runs the browser tests; Playwright never downloads a browser.
# The two font packages let the PDF print agents' emoji and Chinese, Japanese and Korean words, not empty boxes.
FONT_PACKAGES := fonts-noto-color-emoji fonts-droid-fallback
chromium:
	@missing=; command -v chromium >/dev/null 2>&1 || missing=chromium; \
	if command -v dpkg-query >/dev/null 2>&1; then for p in $(FONT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; fi; \
	[ -z "$$missing" ] || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else SUDO=none; fi; \
	  if [ "$$SUDO" != none ] && command -v apt-get >/dev/null 2>&1; then \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	  else echo "$$missing not installed and apt-get unavailable: without chromium no PDF briefing, and browser tests are skipped (failed under CI=true)"; fi; }

# axe-core (MPL-2.0) from the npm registry, for the accessibility browser tests only; never served.
AXE_VERSION ?= 4.14.1
AXE_JS := $(VENV)/axe/node_modules/axe-core/axe.min.js
axe: $(AXE_JS)
$(AXE_JS):
	npm install --prefix $(VENV)/axe --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

# Lint and type-check (configured in pyproject.toml); `make test` runs this first and stops on a finding.
lint: $(TEST_STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy

test: $(TEST_STAMP) lint chromium axe
	$(BIN)/python -m pytest

# SIZES="1000 10000 50000" sets the analysis benchmark's sizes (default 1k and 10k comments, three runs each).
bench: $(TEST_STAMP)
	$(BIN)/python -m bench $(SIZES)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache
