# Two commands for a new machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: prod-local demo serve install install-test translations chromium lint test test-sqlite test-postgres check-translations messages bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Dependencies straight from pyproject.toml (the project itself is run from the tree).
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > $(VENV)/requirements.txt
	$(PY) -m pip install -q -r $(VENV)/requirements.txt
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['optional-dependencies']['test']))" > $(VENV)/requirements-test.txt
	$(PY) -m pip install -q -r $(VENV)/requirements-test.txt
	touch $@

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations chromium

translations: $(VENV)/.installed
	$(PY) -m portal.i18n_tools compile

# Debian's chromium for the browser tests (Playwright never downloads a browser here), and a
# Chinese font so that screenshots of failed browser tests are readable.
chromium:
	@{ command -v /usr/bin/chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }

demo: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Serving http://127.0.0.1:5000  (Ctrl-C stops)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# The production layout on this machine: gunicorn (4 workers, --preload), the search indexer and
# mail sender workers, against the local PostgreSQL and Redis (docs/deploy.md).
prod-local: install
	docs/deploy/prod-local.sh

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The translation check comes last, so a missing Chinese string never hides a test result.
test: install-test lint test-sqlite test-postgres check-translations

test-sqlite:
	$(PY) -m pytest -q -p no:cacheprovider

check-translations: $(VENV)/.installed
	$(PY) -m portal.i18n_tools check

# The same suite against PostgreSQL when a server answers (browser tests already ran above).
test-postgres:
	@if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
	  echo "PostgreSQL answers on 5432: running the suite on it"; \
	  TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider -m "not e2e"; \
	else echo "No PostgreSQL on 5432: skipped the PostgreSQL run"; fi

messages: $(VENV)/.installed
	$(PY) -m portal.i18n_tools update

bench: install-test
	$(PY) -m bench.generate --scale 0.1
	$(PY) -m bench.http

clean:
	rm -rf $(VENV) instance
