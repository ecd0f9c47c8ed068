# Two commands: `make demo` and `make test`. Both create .venv with python3 -m venv,
# install jsm with its dev extra, and run. `make test` also builds the documentation site
# (strict) and checks the release artefacts; `make docs-serve` shows the site locally.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LINTED := src tests tools examples bench

.PHONY: install demo test lint typecheck docs docs-serve package-check unit integration bench bench-js clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/python -m jsm.demo

lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck: install
	$(BIN)/mypy --strict src tests

# NO_MKDOCS_2_WARNING: mkdocs-material prints a banner about MkDocs 2.0 on every build.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

docs-serve: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

package-check: install
	$(BIN)/python tools/package_check.py

test: lint typecheck docs package-check
	$(BIN)/pytest

unit: install
	$(BIN)/pytest tests/unit

integration: install
	$(BIN)/pytest tests/integration

# nats.js (bench/js/package.json, pinned) is the benches' second peer; without npm they
# run without it and say so.
NODE_STAMP := bench/js/node_modules/.installed-stamp

bench-js:
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "note: npm not found: the benches run without nats.js"; \
	elif [ ! -f $(NODE_STAMP) ] || [ bench/js/package.json -nt $(NODE_STAMP) ]; then \
		cd bench/js && npm install --no-audit --no-fund --no-package-lock --loglevel=error \
			&& touch node_modules/.installed-stamp; \
	fi

bench: install bench-js
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis site bench/js/node_modules
