# newsetl: `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(PYTHON) -m uv
endif
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: install test-setup demo test test-fast lint bench bench-scale clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen --python 3.11 --compile-bytecode
	@# Byte-compiled once here: where PYTHONDONTWRITEBYTECODE is set, every process would
	@# otherwise compile each imported module again (seconds per run for Great Expectations).
	@$(PY) -m compileall -q plugins dags >/dev/null
	@# py3langid's model as plain arrays: each worker maps them instead of decompressing it.
	@$(PY) -m newsetl.language >/dev/null
	@touch $@

demo: install
	$(PY) -m newsetl.demo

# The report test renders the HTML report in a headless Chromium (Debian's package).
test-setup:
	@if [ ! -x /usr/bin/chromium ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

test: install test-setup
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not slow"

lint: install
	$(VENV)/bin/ruff check plugins dags tests bench
	$(VENV)/bin/mypy plugins/newsetl

# One JSON line per benchmark on stdout, also kept in bench/results/<name>.json.
bench: install
	@for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

# The full scale run: 100,000 generated articles against 10,000 (about 20 minutes on 2 cores).
bench-scale: install
	$(PY) bench/bench_scale.py --articles 100000

clean:
	rm -rf data/warehouse.duckdb data/report.html data/.newsetl .airflow
