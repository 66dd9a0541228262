# Two commands do all set-up: `make run` and `make test`. Everything installs from pyproject.toml into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` runs the suite on every core (pytest-xdist; one test database and live server per worker; a test
# module stays on one worker, so a demo loaded for a module is loaded once). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

.PHONY: run test lint bench migrate demo messages clean

$(BIN)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# The web server and, beside it, the worker that runs background jobs (large imports, national workbooks); both stop
# with Ctrl-C.
run: demo
	$(PY) manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(BIN)/.installed
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Apply the migrations to the database (db.sqlite3, or DATABASE_URL).
migrate: $(BIN)/.installed
	$(PY) manage.py migrate --noinput

# Migrate, then load the demo (idempotent) and print the logins with the address `make run` serves.
demo: migrate
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py load_demo

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(BIN)/.installed
	$(PY) bench/run.py

messages: $(BIN)/.installed
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l vi --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .test-media test-results
