# xuncha — make help lists every target.
# The README's two commands on a fresh machine are `make run` and `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
XUNCHA := $(VENV)/bin/xuncha
HOST ?= 127.0.0.1:8000
# The PostgreSQL pass of `make test`; scripts/postgres-ready creates this role and database.
POSTGRES_URL ?= postgres://xuncha:xuncha@127.0.0.1:5432/xuncha
# The suite runs on every core (pytest-xdist), a test file to a worker: its module fixtures
# (a loaded demo, a served site) are made once.
PYTEST ?= $(PY) -m pytest -n auto --dist loadfile
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
WHEELHOUSE ?= wheelhouse

.PHONY: help system-packages assets install run serve demo wheelhouse deploy-check test test-sqlite test-postgres lint typecheck layers fmt check-migrations check-deploy bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.installed: pyproject.toml | system-packages
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

system-packages: ## Install the Debian packages features need, where missing (as root with apt-get)
	@bash scripts/system-packages

# Apache ECharts for the dashboard, pinned in package-lock.json, fetched from the npm registry
# and copied into the app's static files (ignored by git, shipped inside the wheel).
ECHARTS_VENDOR := xuncha/web/static/vendor/echarts

$(ECHARTS_VENDOR)/echarts.min.js: package.json package-lock.json | system-packages
	@command -v npm >/dev/null || { echo "xuncha: npm is missing; run make system-packages as root" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p $(ECHARTS_VENDOR)
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE node_modules/echarts/NOTICE $(ECHARTS_VENDOR)/

# The English catalogue is compiled here (GNU gettext's msgfmt), never committed: the .mo lands
# beside the .po, inside the package, so the wheel carries it (docs/translations.md).
LOCALE_MO := xuncha/locale/en/LC_MESSAGES/django.mo

$(LOCALE_MO): xuncha/locale/en/LC_MESSAGES/django.po $(VENV)/.installed
	XUNCHA_TESTING=1 $(PY) manage.py compilemessages --locale en --ignore .venv --ignore node_modules --ignore wheelhouse --ignore build

assets: $(ECHARTS_VENDOR)/echarts.min.js ## The front-end packages of package-lock.json (npm ci), copied into xuncha/web/static/vendor/

install: $(VENV)/.installed $(ECHARTS_VENDOR)/echarts.min.js $(LOCALE_MO) ## The Debian packages features need (where missing), then .venv with xuncha and its pinned dependencies

run: install ## Start the web app on SQLite with the demo dataset at http://127.0.0.1:8000
	XUNCHA_DEBUG=1 $(XUNCHA) migrate --noinput
	XUNCHA_DEBUG=1 $(XUNCHA) deadlines-refresh
	XUNCHA_DEBUG=1 $(XUNCHA) demo
	XUNCHA_DEBUG=1 $(XUNCHA) runserver $(HOST)

demo: install ## Load the demo dataset into the SQLite database
	XUNCHA_DEBUG=1 $(XUNCHA) migrate --noinput
	XUNCHA_DEBUG=1 $(XUNCHA) demo

test: install lint layers typecheck check-migrations check-deploy test-sqlite test-postgres ## Run every check and test (SQLite, then PostgreSQL)

test-sqlite: install ## Run the test suite on SQLite
	$(PYTEST)

test-postgres: install ## Run the test suite on the local PostgreSQL server
	@if bash scripts/postgres-ready; then \
		DATABASE_URL=$(POSTGRES_URL) $(PYTEST); \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is required in CI and is not reachable." >&2; exit 1; \
	else \
		echo "PostgreSQL is not reachable here: the PostgreSQL pass is skipped (CI runs it)." >&2; \
	fi

lint: install ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

layers: install ## import-linter: the layers of pyproject.toml hold (text < core < clocks < apps < pages)
	$(VENV)/bin/lint-imports

typecheck: install ## mypy with django-stubs: zero errors
	$(VENV)/bin/mypy

fmt: install ## Format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-migrations: install ## Fail when a model change has no migration
	XUNCHA_TESTING=1 $(PY) manage.py makemigrations --check --dry-run

check-deploy: install ## Django's deployment checks with production settings
	XUNCHA_SSL_REDIRECT=1 XUNCHA_DATA_DIR=$$(mktemp -d) $(PY) manage.py check --deploy --fail-level WARNING

wheelhouse: install ## Build every wheel an offline install needs (xuncha, its dependencies, the front-end assets inside them) into wheelhouse/
	rm -rf $(WHEELHOUSE)
	$(VENV)/bin/pip wheel --quiet --wheel-dir $(WHEELHOUSE) .
	@$(PY) -c "import glob, sys, zipfile; names = zipfile.ZipFile(glob.glob('$(WHEELHOUSE)/xuncha-*.whl')[0]).namelist(); sys.exit(0 if '$(ECHARTS_VENDOR)/echarts.min.js' in names else 'xuncha: the wheel lacks ECharts (make assets)')"
	cd $(WHEELHOUSE) && sha256sum *.whl > SHA256SUMS
	@echo "$(WHEELHOUSE)/: $$(ls $(WHEELHOUSE)/*.whl | wc -l) wheels; install with: pip install --no-index --find-links $(WHEELHOUSE) xuncha"

deploy-check: wheelhouse ## Install the wheelhouse offline into a clean venv, serve with gunicorn, log in, back up and restore
	$(PY) scripts/deploy_check.py --wheelhouse $(WHEELHOUSE) --python $(PYTHON)

bench: install ## Benchmarks: quantities, the ledger at 100,000 problems, users during an import, long fuzz runs
	$(PY) bench/quantities.py
	$(PY) bench/ledger.py --problems 100000 --database both
	$(PY) bench/imports.py --units 2000 --database both
	$(PY) bench/fuzz.py --examples 2000
	$(PY) bench/schema_fuzz.py --examples 500

clean: ## Remove the virtualenv, the local database and caches
	rm -rf $(VENV) var $(WHEELHOUSE) node_modules $(ECHARTS_VENDOR) .pytest_cache .ruff_cache test-results
