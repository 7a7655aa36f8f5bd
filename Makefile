# Everything a developer runs. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# System packages: Chromium for browser tests, Pango/HarfBuzz for PDF export, poppler for
# looking at PDFs.
APT_PACKAGES := chromium curl libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/roadmap: requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

.PHONY: install
install: $(BIN)/roadmap ## create .venv with the pinned dependencies (requirements-dev.lock)

.PHONY: system-deps
system-deps: ## install Chromium and the PDF libraries with apt (as root), or check they are there
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "system packages present"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "missing system packages:$$missing (run as root, or: sudo apt-get install$$missing)" >&2; exit 1; fi

.PHONY: demo
demo: install ## migrate the SQLite database, load the demo partnership and serve on :8000
	$(BIN)/roadmap db upgrade
	$(BIN)/roadmap demo
	$(BIN)/roadmap serve

.PHONY: serve
serve: install ## serve on :8000 (database must be migrated: roadmap db upgrade)
	$(BIN)/roadmap serve --reload

.PHONY: lint
lint: install ## ruff (lint and format) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

.PHONY: test
test: install ## run every test (PostgreSQL too when TEST_DATABASE_URL is set)
	$(BIN)/pytest

.PHONY: check
check: system-deps install lint test ## install everything and run every check and test

.PHONY: bench
bench: install ## measure issue 11's figures into docs/benchmarks.md (BENCH_ARGS=--quick: faster)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

.PHONY: format
format: install ## format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: lock
lock: install ## re-pin the dependencies from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml -o requirements.lock --python-version 3.11 -q
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements-dev.lock --python-version 3.11 -q

.PHONY: vendor
vendor: ## refresh GOV.UK Frontend, htmx and Swagger UI from npm
	scripts/vendor-frontend.sh

.PHONY: screenshots
screenshots: install ## refresh docs/images from the browser tests
	UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/browser/test_site.py -k start_page

.PHONY: migration
migration: install ## write a migration from the models: make migration m="what changed"
	$(BIN)/alembic revision --autogenerate -m "$(m)"
