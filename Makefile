# newsetl: `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(PYTHON) -m uv
endif
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install demo test test-fast lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen --python 3.11
	@touch $@

demo: install
	$(PY) -m newsetl.demo

test: install
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not slow"

lint: install
	$(VENV)/bin/ruff check plugins dags tests bench
	$(VENV)/bin/mypy plugins/newsetl

bench: install
	@for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf data/warehouse.duckdb data/report.html data/.newsetl .airflow
