# Conduct Portal — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Where the links in emails point: the address `make run` serves, unless set (see README).
PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
# The Procfile's processes `make run` starts (`make run-sso` adds the local OpenID provider).
PROCESSES ?= web worker beat
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run run-sso test lint format messages check-deploy clean bench bench-smoke

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Conduct Portal needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

## run: the portal with demo data, a Celery worker and beat; Ctrl-C stops them all.
run: export DJANGO_DEBUG ?= true
run: $(VENV)/.runtime-installed
	@$(BIN)/python scripts/check_system run
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py setup_reminder_schedule
	@echo
	@echo "Conduct Portal: http://$(HOST):$(PORT)/  (sign in with one of the demo accounts above; Ctrl-C stops)"
	@echo
	HOST=$(HOST) PORT=$(PORT) PORTAL_BASE_URL=$(PORTAL_BASE_URL) $(BIN)/honcho start $(PROCESSES)

## run-sso: `make run` plus a local OpenID Connect provider (sso/provider/demo.json, on port 9000)
## behind a "Sign in with Local ID" button; needs Node.js and `npm ci`. Sign in there as agent,
## manager, reviewer or compliance (any password). The demo keeps their local passwords working.
run-sso: export SSO_PROVIDERS ?= [{"id": "local", "name": "Local ID", "issuer": "http://127.0.0.1:9000", "client_id": "conduct-portal-demo", "secret": "demo-client-secret"}]
run-sso: export SSO_DISABLE_LOCAL_PASSWORDS ?= false
run-sso: PROCESSES = web worker beat sso
run-sso: run

## test: the whole suite; on PostgreSQL when DATABASE_URL points at one, on SQLite otherwise.
## It first says which system packages are missing (scripts/check_system).
test: $(VENV)/.dev-installed
	@$(BIN)/python scripts/check_system test
	$(BIN)/python -m pytest

## lint: ruff (check and format check), djLint (template format check and lint), mypy, the one-way
## layers contract (import-linter), and a complete Romanian catalogue (needs GNU gettext).
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --check
	$(BIN)/djlint templates --lint
	DJANGO_DEBUG=true $(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_translations

## bench: the benchmark at 100,000 staff (10–20 minutes; see bench/run); bench-smoke: at 2,000, as CI runs it.
bench: $(VENV)/.runtime-installed
	bench/run

bench-smoke: $(VENV)/.runtime-installed
	bench/run --smoke

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --warn

## messages: refresh the Romanian catalogue after changing strings (needs GNU gettext).
messages: export DJANGO_DEBUG = true
messages: $(VENV)/.dev-installed
	$(BIN)/python manage.py makemessages --locale ro --ignore '$(VENV)/*' --ignore 'var/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale ro --ignore '$(VENV)/*'

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
