# Mediator registry: developer entry points. See README.md.
#
# Nothing here sets DATABASE_URL or REDIS_URL: without them the project runs on SQLite
# with Celery tasks executed in-process; with them (as .ci/run sets) on PostgreSQL/Redis.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

# Stamp files: re-run an install step only when its inputs change.
VENV_STAMP := $(VENV)/.installed
ASSETS_STAMP := static/vendor/.installed

PYTEST_ARGS ?=
# Tests run in parallel, one process per core (pytest-xdist gives each worker its own
# test database), and an idle worker steals tests from a busy one so neither waits at the
# end; PYTEST_WORKERS=0 runs them in this process, e.g. to debug with -x --pdb.
PYTEST_WORKERS ?= auto

.PHONY: help venv assets run test lint format messages clean bench-roster bench-ranking bench-public bench-grading bench-evaluation bench-settlement bench-finance

help:
	@echo "make run       serve http://127.0.0.1:8000 with demo data (SQLite, Celery eager)"
	@echo "make test      ruff lint + migrations check + the whole pytest suite (PYTEST_ARGS=...)"
	@echo "make lint      ruff check + ruff format --check"
	@echo "make format    ruff format + ruff check --fix"
	@echo "make messages  makemessages -l zh_Hans, then compilemessages"
	@echo "make venv      create .venv and install the project with its [dev] extras"
	@echo "make assets    npm ci, then copy front-end files into static/vendor/"
	@echo "make bench-roster  Excel import/export against calamine and the bare writer (ROWS=, EXPORT_ROWS=)"
	@echo "make bench-ranking  the ranking job against one hand-written SQL query (PostgreSQL: DATABASE_URL=..., ROWS=cases)"
	@echo "make bench-grading  a city's grading eligibility against one hand-written SQL query (PostgreSQL: DATABASE_URL=..., SCALE=)"
	@echo "make bench-evaluation  a city's annual evaluation next to its quarterly ranking (SCALE=, any database)"
	@echo "make bench-settlement  a city's monthly subsidy settlement against one SQL statement (MEDIATORS=, CASES=)"
	@echo "make bench-finance  the finance workbook of ROWS mediators against bare openpyxl write_only"
	@echo "make bench-public  public roster search vs a static file under 50 clients (gunicorn, PostgreSQL, Redis)"
	@echo "make clean     remove generated files (keeps .venv and db.sqlite3)"

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -e ".[dev]"
	@touch $@

assets: $(ASSETS_STAMP)

$(ASSETS_STAMP): package.json package-lock.json scripts/vendor_assets.sh
	@command -v npm >/dev/null 2>&1 || { \
		echo "error: npm not found. Install Node.js and npm (Debian: apt-get install nodejs npm)" >&2; \
		echo "       to fetch the front-end assets into static/vendor/." >&2; \
		exit 1; }
	npm ci --no-audit --no-fund
	bash scripts/vendor_assets.sh
	@touch $@

run: $(VENV_STAMP) $(ASSETS_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) load_regions
	$(MANAGE) seed_demo --scale 0.02 --seed 1 --if-empty
	$(MANAGE) runserver 127.0.0.1:8000

lint: $(VENV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(VENV_STAMP) $(ASSETS_STAMP) lint
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(if $(filter 0,$(PYTEST_WORKERS)),,--dist worksteal) $(PYTEST_ARGS)

format: $(VENV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(VENV_STAMP)
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules

# Each bench-* ends with one line per figure, "BENCH <name> ratio=<x> goal<op><y>",
# each ratio the median of REPEAT runs of both sides. ROWS= makes them smaller (a run
# in about a minute: ROWS=2000 for the roster, ROWS=20000 cases for the ranking).
ROWS ?= 10000
EXPORT_ROWS ?= $(if $(filter command line environment,$(origin ROWS)),$(ROWS),100000)
REPEAT ?= 3
RANKING_CASES ?= $(if $(filter command line environment,$(origin ROWS)),$(ROWS),100000 1000000)

# Runs in rolled-back transactions on the configured database (SQLite unless
# DATABASE_URL is set), so it leaves no data behind.
bench-roster: $(VENV_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) bench_roster --rows $(ROWS) --export-rows $(EXPORT_ROWS) --repeat $(REPEAT)

# PostgreSQL only (window functions over generated cases); rolled back at the end.
bench-ranking: $(VENV_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) bench_ranking $(foreach n,$(RANKING_CASES),--cases $(n)) --repeat $(REPEAT)

# PostgreSQL only; seeds the demo city at SCALE into an empty database first.
bench-grading: $(VENV_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) bench_grading --scale $(or $(SCALE),1)

# Any database; seeds the demo city at SCALE into an empty database first.
bench-evaluation: $(VENV_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) bench_evaluation --scale $(or $(SCALE),1)

clean:
	rm -rf static/vendor staticfiles node_modules test-artifacts .pytest_cache .ruff_cache *.egg-info dist
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

# PostgreSQL + Redis (defaults 127.0.0.1); e.g. BENCH_PUBLIC_ARGS="--database public_bench
# --redis-db 13 --duration 5 --rounds 3". The seeded database is kept between runs.
BENCH_PUBLIC_ARGS ?=
bench-public: $(VENV_STAMP)
	$(PY) scripts/bench_public/run.py $(BENCH_PUBLIC_ARGS)

# A synthetic city's month settled against one SQL statement, same totals to the fen;
# rolled back at the end (SQLite unless DATABASE_URL is set). MEDIATORS=, CASES=.
bench-settlement: $(VENV_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) bench_settlement --mediators $(or $(MEDIATORS),10000) --cases $(or $(CASES),2000) --repeat $(REPEAT)

# The finance workbook of ROWS mediators (default 10,000) against bare openpyxl
# write_only, from the same lines in memory; no database.
bench-finance: $(VENV_STAMP)
	$(MANAGE) bench_finance_workbook --rows $(or $(ROWS),10000) --repeat $(REPEAT)
