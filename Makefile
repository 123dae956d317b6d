# Tillit: `make demo` to try it, `make test` to check it. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tillit
DEMO_ADDRESS ?= 127.0.0.1:8000
# The ASGI server (uvicorn: pages, static files through WhiteNoise, and the live meetings' WebSockets) takes them apart.
DEMO_HOST = $(patsubst %:$(DEMO_PORT),%,$(DEMO_ADDRESS))
DEMO_PORT = $(lastword $(subst :, ,$(DEMO_ADDRESS)))
# Links the demo prints and e-mails point at the address it serves on, unless SITE_URL says otherwise.
DEMO_SITE_URL := $(or $(SITE_URL),http://$(DEMO_ADDRESS))

.PHONY: help demo serve test test-sqlite test-postgres test-browser test-browser-first test-browser-second suite-times lint format messages bench prerequisites

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

$(VENV)/.base: requirements/base.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements/base.txt
	touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PIP) install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $@

demo: $(VENV)/.base ## Set up the demo organisation and serve it on http://127.0.0.1:8000
	mkdir -p var
	DEBUG=1 SITE_URL=$(DEMO_SITE_URL) $(PY) manage.py migrate --noinput
	DEBUG=1 SITE_URL=$(DEMO_SITE_URL) $(PY) manage.py seed_demo
	@# The worker runs the background tasks (dialogue analyses, sealing rounds); it stops with the server.
	OPENBLAS_NUM_THREADS=1 DEBUG=1 SITE_URL=$(DEMO_SITE_URL) $(PY) manage.py worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT; \
	DEBUG=1 SITE_URL=$(DEMO_SITE_URL) $(PY) -m uvicorn config.asgi:application --host $(DEMO_HOST) --port $(DEMO_PORT) \
		--lifespan on --ws-max-size 65536 --no-access-log

prerequisites: $(VENV)/.dev ## Install Chromium and gettext and start PostgreSQL where missing
	scripts/ensure-chromium
	scripts/ensure-gettext
	scripts/ensure-postgres

lint: $(VENV)/.dev ## Ruff, mypy, and no model change without a migration
	mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings_test

# The browser journeys in two halves, the first run before the PostgreSQL suite and the second after the SQLite one,
# so that both cores finish at about the same time (the first: the every-page axe scan and the longest journey).
BROWSER_FIRST_HALF := tests/browser/test_every_url.py tests/browser/test_workshop_journey.py

test: prerequisites lint ## Everything CI runs: lint, then the suite on SQLite and on PostgreSQL, and the browser journeys
	@# Four runs that share nothing (an in-memory SQLite database; three PostgreSQL test databases), two at a time,
	@# one per core, each printed whole when it ends: the SQLite and PostgreSQL suites, and the browser journeys in
	@# two halves, on PostgreSQL.
	$(MAKE) --no-print-directory -j2 --output-sync=target test-browser-first test-sqlite test-postgres test-browser-second

test-sqlite: $(VENV)/.dev ## The suite on SQLite (without the browser journeys)
	mkdir -p var
	$(VENV)/bin/pytest --ignore=tests/browser --junitxml=var/junit-sqlite.xml

test-postgres: $(VENV)/.dev ## The suite on PostgreSQL, TEST_DATABASE_URL (without the browser journeys)
	mkdir -p var
	DATABASE_URL=$(TEST_DATABASE_URL) $(VENV)/bin/pytest --ignore=tests/browser --junitxml=var/junit-postgres.xml

test-browser: test-browser-first test-browser-second ## The browser journeys (Playwright, Chromium, axe-core) on PostgreSQL

test-browser-first: $(VENV)/.dev
	mkdir -p var
	DATABASE_URL=$(TEST_DATABASE_URL)_browser1 $(VENV)/bin/pytest $(BROWSER_FIRST_HALF) --junitxml=var/junit-browser1.xml

test-browser-second: $(VENV)/.dev
	mkdir -p var
	DATABASE_URL=$(TEST_DATABASE_URL)_browser2 $(VENV)/bin/pytest tests/browser $(addprefix --ignore=,$(BROWSER_FIRST_HALF)) \
		--junitxml=var/junit-browser2.xml

suite-times: ## The last make test's time per app (from var/junit-*.xml)
	@$(PYTHON) scripts/suite-times

format: $(VENV)/.dev ## Format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(VENV)/.dev ## Update and compile the catalogues: Swedish, and Brukarrösten's public pages in Finnish and Arabic
	$(PY) manage.py makemessages -l sv --no-obsolete --add-location file --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --settings=config.settings_test
	$(PY) manage.py compilemessages -l sv --ignore '.venv/*' --settings=config.settings_test
	@# Finnish and Arabic: only the public pages are translated (drafts for a native speaker to review: docs/i18n.md).
	$(PY) manage.py makemessages -l fi -l ar --no-obsolete --add-location file --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --settings=config.settings_test
	$(PY) manage.py compilemessages -l fi -l ar --ignore '.venv/*' --settings=config.settings_test

# Benchmark-only packages (red-dwarf, the peer the dialogue benchmark compares with); never runtime dependencies.
$(VENV)/.bench: $(VENV)/.dev requirements/bench.txt
	$(PIP) install --quiet --disable-pip-version-check -r requirements/bench.txt
	touch $@

bench: prerequisites $(VENV)/.bench ## Run the benchmarks and print their figures
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) bench/run.py
