# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
MO := locales/id/LC_MESSAGES/messages.mo locales/en/LC_MESSAGES/messages.mo

.PHONY: run test lint format catalogs extract migrate clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kinerja-bot needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile -d locales -D messages -l $*

catalogs: $(MO)

## run: set everything up, migrate the database and start the bot
run: $(STAMP) catalogs
	@test -f .env || { cp .env.example .env; echo "Created .env from .env.example"; }
	$(PY) -m bot run

## test: set everything up and run the whole test suite (SQLite, and PostgreSQL when reachable)
test: $(STAMP) catalogs
	$(PY) -m pytest

migrate: $(STAMP) catalogs
	$(PY) -m bot migrate

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bot handlers models

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## extract: refresh locales/messages.pot and merge new strings into both catalogs
extract: $(STAMP)
	$(VENV)/bin/pybabel extract
	$(VENV)/bin/pybabel update -l id --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel update -l en --no-fuzzy-matching --ignore-obsolete
	$(PY) locales/fill_english.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(MO)
