# Jangkau: `make run` (demo on embedded SQLite) and `make test` (whole suite; DATABASE_URL for PostgreSQL).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv run test lint migrate demo bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The background worker and the web server run side by side; Ctrl-C stops both.
run: demo
	@echo "Jangkau: http://$(HOST):$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks (needs PostgreSQL on 127.0.0.1:5432); extra tools from requirements-bench.txt.
bench: venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(PY) -m bench.imports
	$(PY) -m bench.dashboards

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3* test.sqlite3* staticfiles
