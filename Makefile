# Jangkau: `make run` (demo on embedded SQLite) and `make test` (whole suite; DATABASE_URL for PostgreSQL).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv run serve test lint migrate demo bench bench-national clean messages messages-check

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py load_demo

# The background worker and the web server run side by side; Ctrl-C stops both. Not in debug mode (no
# technical error pages with the URL list for anyone; `make run DEBUG=true` for developers), on plain http
# on loopback, with a secret key made once for this checkout (.secret-key, not committed).
DEBUG ?= false
SECRET_FILE := .secret-key
RUN_ENV = DJANGO_DEBUG=$(DEBUG) DJANGO_SECRET_KEY="$$(cat $(SECRET_FILE))" DJANGO_SECURE_SSL_REDIRECT=false \
	DJANGO_ALLOWED_HOSTS="$(HOST),127.0.0.1,localhost,[::1]"

$(SECRET_FILE):
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: demo $(SECRET_FILE)
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	@echo "Jangkau: http://$(HOST):$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(RUN_ENV) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Production-style serving: gunicorn + whitenoise's hashed, compressed static files + the worker, against the
# configured database. Needs DJANGO_DEBUG=false, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS in the environment
# (and DJANGO_SECURE_SSL_REDIRECT=false when no TLS proxy sits in front, e.g. on loopback).
WORKERS ?= 3
serve: venv
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(VENV)/bin/gunicorn config.wsgi --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile -

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks (needs PostgreSQL on 127.0.0.1:5432): imports, dashboards + BSU at 2 M workers, then a 60 s load
# test of 50 simulated users against `make serve`. Extra tools (django-import-export, locust) from requirements-bench.txt.
bench: venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(PY) -m bench.imports
	$(PY) -m bench.dashboards
	$(PY) -m bench.screening
	$(PY) -m bench.reconciliation
	$(PY) -m bench.worklist
	$(PY) -m bench.load

# Not in `make bench` nor CI: 10,000,000 workers (about 30 minutes and 6 GB of disk), see bench/national.py.
bench-national: venv
	$(PY) -m bench.national

lint: venv messages-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# English catalogue (Bahasa Indonesia is the source language). `make messages` after changing a text: it
# updates locale/en/LC_MESSAGES/django.po (translate what it adds) and compiles the .mo that is committed,
# so running Jangkau needs no gettext. Needs gettext (apt-get install gettext).
MAKEMESSAGES := manage.py makemessages -l en --no-location --no-obsolete -v0
messages: venv
	$(PY) $(MAKEMESSAGES)
	$(PY) manage.py compilemessages -l en -v0

# Fails when a marked text is missing from the catalogue, untranslated or fuzzy, or the .mo is stale.
PO := locale/en/LC_MESSAGES/django.po
messages-check: venv
	@command -v xgettext >/dev/null || { echo "messages-check needs gettext: apt-get install gettext"; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t $$tmp && \
	(cd $$tmp && $(CURDIR)/$(PY) $(MAKEMESSAGES)) && \
	diff -u -I '^"POT-Creation-Date' $(PO) $$tmp/$(PO) && \
	test -z "$$(msgattrib --only-fuzzy $(PO); msgattrib --untranslated $(PO))" && \
	msgfmt --check -o $$tmp/django.mo $(PO) && cmp -s $$tmp/django.mo $(PO:.po=.mo) \
	|| { echo "English catalogue out of date: run 'make messages' and translate what it adds"; exit 1; }

clean:
	rm -rf $(VENV) db.sqlite3* test.sqlite3* staticfiles $(SECRET_FILE)
