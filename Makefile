# newsflow developer and user entry points. Everything runs from the project's own
# virtualenv in .venv, which `make install` creates from pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install demo test test-fast lint bench bench-extract bench-import-warc bench-render bench-growth airflow clean help

help:
	@echo "make demo        set everything up and run the nightly pipeline on the bundled sample site"
	@echo "make test        run the whole test suite (what CI runs)"
	@echo "make test-fast   the test suite without the slow end-to-end tests"
	@echo "make lint        ruff (lint and format check) and mypy (what CI runs before the tests)"
	@echo "make bench       run the benchmarks and rewrite benchmarks/RESULTS.md"
	@echo "make bench-render  rendered (Chromium) against plain HTTP pages/s and the browser's memory"
	@echo "make bench-growth  how load, storage and queries grow from 50k to 2M articles (FULL=1: 10M)"
	@echo "make airflow     start a local Airflow 3 (AIRFLOW_HOME=.airflow) with the newsflow DAGs"
	@echo "make install     create .venv and install newsflow with its test extras"

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $(STAMP)

demo: install
	$(BIN)/python -m devtools.demo

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test-fast: install
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

airflow: install
	scripts/airflow-local.sh standalone

bench: install
	$(BIN)/python -m benchmarks.run_all

bench-extract: install
	$(BIN)/python -m benchmarks.bench_extract
	$(BIN)/python -m benchmarks.bench_extract_speed
	$(BIN)/python -m benchmarks.bench_not_article

bench-import-warc: install
	$(BIN)/python -m benchmarks.bench_import_warc

bench-render: install
	$(BIN)/python -m benchmarks.bench_render

# Not part of `make bench` (it takes about half an hour; FULL=1 adds 10M articles, hours).
bench-growth: install
	$(BIN)/python -m benchmarks.bench_growth $(if $(FULL),--full)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
