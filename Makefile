# `make run` and `make test` set everything up on a fresh machine.
VENV   := .venv
PYTHON := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
PORT   ?= 5000

.PHONY: setup run lint test test-fast bench load lock clean

setup: $(VENV)/.installed static/vendor/.installed

# The exact versions of requirements-dev.txt (made by `make lock`); a package newly
# named in pyproject.toml and not yet locked still installs.
$(VENV)/.installed: pyproject.toml requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e '.[dev]'
	touch $@

static/vendor/.installed: package.json package-lock.json scripts/vendor.mjs
	npm ci --no-audit --no-fund --loglevel=error
	node scripts/vendor.mjs
	touch $@

run: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The linter's rules and the formatter's settings are in pyproject.toml ([tool.ruff]);
# `$(VENV)/bin/ruff format .` formats the code as the check expects.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# A worker per core (pytest-xdist); a module's browser tests stay on one worker
# (tests/conftest.py groups them), each worker has its own databases.
test: setup lint
	$(PYTHON) -m pytest -n auto --dist loadgroup

test-fast: setup
	$(PYTHON) -m pytest -x -q -m "not browser"

# Page benchmarks over HTTP, then the in-process ones; all run, the status says if one failed.
bench: setup
	status=0; \
	$(PYTHON) -m bench || status=1; \
	$(PYTHON) -m bench.documents || status=1; \
	$(PYTHON) -m bench.calendar || status=1; \
	$(PYTHON) -m bench.pdf || status=1; \
	$(PYTHON) -m bench.importing || status=1; \
	exit $$status

load: setup
	$(PYTHON) -m bench.load

# Pin again, within pyproject.toml's ranges, the newest versions: requirements.txt for
# production, requirements-dev.txt for the tests. Commit both.
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --upgrade
lock: $(VENV)/.installed
	$(PIP_COMPILE) --output-file=requirements.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --output-file=requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
