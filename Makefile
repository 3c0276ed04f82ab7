# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# The demo logs in with a password only; `make run TWO_FACTOR=1` asks for the second factor.
TWO_FACTOR ?= 0
FLASK := $(BIN)/flask --app trivsel

.PHONY: run test test-postgresql test-wheel bench bench-postgresql lint translations extract-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,production]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d trivsel/translations

run: $(VENV)/.installed translations
	$(FLASK) init-db --demo-if-new
	TRIVSEL_REQUIRE_TWO_FACTOR=$(TWO_FACTOR) $(FLASK) demo-logins
	@echo "Trivsel: http://127.0.0.1:$(PORT)/"
	TRIVSEL_REQUIRE_TWO_FACTOR=$(TWO_FACTOR) $(FLASK) run --host 127.0.0.1 --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# pytest-xdist workers: two, the cores CI has (each browser-test worker runs its own chromium).
# On a bigger machine try `make test WORKERS=auto`; WORKERS=0 runs in one process.
WORKERS ?= 2

test: $(VENV)/.installed translations lint
	bash scripts/ensure-chromium
	bash scripts/ensure-pdf-tools
	$(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)

# The tests that use the database again, on a throwaway PostgreSQL cluster (Debian's postgresql
# package), each worker on a database of its own; the browser tests ran on SQLite already.
test-postgresql: $(VENV)/.installed translations
	bash scripts/with-postgresql $(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)

# The wheel, installed into a fresh venv outside the checkout, served by gunicorn.
test-wheel: $(VENV)/.installed translations
	PYTHON=$(PYTHON) bash scripts/test-wheel

# Every main page against the floor at scale (scripts/bench.py; prints figures, fails on
# nothing). BENCH_ARGS="--scale 0.1" for a quick run; the generated database is reused.
bench: $(VENV)/.installed translations
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

bench-postgresql: $(VENV)/.installed translations
	bash scripts/with-postgresql $(BIN)/python scripts/bench.py $(BENCH_ARGS)

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k _plural:1,2 -o trivsel/translations/messages.pot .
	$(BIN)/pybabel -q update -i trivsel/translations/messages.pot -d trivsel/translations -l en --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
