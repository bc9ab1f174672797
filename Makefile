# Two commands for users: `make run` and `make test`. `make bench` for benchmarks.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
WAREHOUSE ?= warehouse/casualties.duckdb

.PHONY: run test bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/casualty-etl run etl/samples --warehouse $(WAREHOUSE)
	$(BIN)/casualty-etl report --by outcome --warehouse $(WAREHOUSE)
	$(BIN)/casualty-etl report --by place --warehouse $(WAREHOUSE)
	$(BIN)/casualty-etl report --by category --warehouse $(WAREHOUSE)

test: $(DEV_STAMP)
	$(BIN)/python -m pytest -q

bench: $(DEV_STAMP)
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_load.py

clean:
	rm -rf $(VENV) $(WAREHOUSE)
