# newsflow developer and user entry points. Everything runs from the project's own
# virtualenv in .venv, which `make install` creates from pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
PYTEST_ARGS ?=
TEST_WORKERS ?= 2
BENCH_ARGS ?=

.PHONY: install install-bench demo test test-fast lint bench bench-extract bench-import-warc bench-render bench-store bench-e2e-s3 airflow clean help
.PHONY: bench-load-peers bench-lsh-peer bench-crawl-peers bench-extract-peers bench-growth

help:
	@echo "make demo        set everything up and run the nightly pipeline on the bundled sample site"
	@echo "make test        run the whole test suite (what CI runs)"
	@echo "make test-fast   the test suite without the slow end-to-end tests"
	@echo "make lint        ruff (lint and format check) and mypy (what CI runs before the tests)"
	@echo "make bench       run the benchmarks and rewrite benchmarks/RESULTS.md (15 min on 2 cores;"
	@echo "                 FULL=1 or BENCH_ARGS=--full: the peers and end-to-end at full size, hours)"
	@echo "make bench-e2e-s3  newsflow run with the archive in S3 (local moto server) against local disk"
	@echo "make bench-extract-peers  newsflow's extraction against newspaper4k, readability, goose3, ... (BENCH_ARGS=--full)"
	@echo "make bench-render  rendered (Chromium) against plain HTTP pages/s and the browser's memory"
	@echo "make bench-store   the archive's S3 client: obstore against s3fs (moto on 127.0.0.1)"
	@echo "make bench-load-peers  loading against dlt and a plain row-by-row upsert, and bare COPY"
	@echo "make bench-lsh-peer    near-duplicate detection against datasketch's MinHashLSH"
	@echo "make bench-crawl-peers crawling against news-please's crawler and bare Scrapy"
	@echo "make bench-growth  how load, storage and queries grow from 50k to 2M articles (FULL=1: 10M)"
	@echo "make airflow     start a local Airflow 3 (AIRFLOW_HOME=.airflow) with the newsflow DAGs"
	@echo "make install     create .venv and install newsflow with its test extras"
	@echo "make install-bench  also the benchmarks' extras (the peers); every bench target does it"

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# The benchmarks' extras (the peers: newspaper4k, dlt, news-please, ...) only for `make bench*`.
install-bench: $(BENCH_STAMP)

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $(BENCH_STAMP)

demo: install
	$(BIN)/python -m devtools.demo

# The tests run in TEST_WORKERS processes (pytest-xdist), a test file at a time each: most
# of the slow end-to-end tests wait on Airflow, crawls and browsers, not on the CPU. The
# files start in the order tests/conftest.py gives them (the slow ones first), not by
# their number of tests (xdist's default), so no long file runs alone at the end.
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test-fast: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow" $(PYTEST_ARGS)

airflow: install
	scripts/airflow-local.sh standalone

bench: install-bench
	$(BIN)/python -m benchmarks.run_all $(if $(FULL),--full) $(BENCH_ARGS)

bench-extract: install-bench
	$(BIN)/python -m benchmarks.bench_extract
	$(BIN)/python -m benchmarks.bench_extract_speed
	$(BIN)/python -m benchmarks.bench_not_article
	$(BIN)/python -m benchmarks.bench_extract_cv

bench-extract-peers: install-bench
	$(BIN)/python -m benchmarks.bench_extract_peers $(BENCH_ARGS)

bench-import-warc: install-bench
	$(BIN)/python -m benchmarks.bench_import_warc

bench-render: install-bench
	$(BIN)/python -m benchmarks.bench_render

bench-store: install-bench
	$(BIN)/python -m benchmarks.bench_store

bench-e2e-s3: install-bench
	$(BIN)/python -m benchmarks.bench_e2e_store

bench-load-peers: install-bench
	$(BIN)/python -m benchmarks.bench_load_peers

bench-lsh-peer: install-bench
	$(BIN)/python -m benchmarks.bench_lsh_peer

bench-crawl-peers: install-bench
	$(BIN)/python -m benchmarks.bench_crawl_peers

# Not part of `make bench` (it takes about half an hour; FULL=1 adds 10M articles, hours).
bench-growth: install-bench
	$(BIN)/python -m benchmarks.bench_growth $(if $(FULL),--full)

clean:
	rm -rf $(VENV) .venv-fundus .pytest_cache build *.egg-info
