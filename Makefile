# Postventa: `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint fmt messages ci clean bench

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make run: migrate, load the demo shop once, then web + worker + scheduler on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/postventa migrate
	$(BIN)/postventa demo --once
	$(BIN)/postventa serve

## make test: the whole suite (SQLite unless DATABASE_URL says otherwise)
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix .

## make messages: refresh and compile the Spanish and English catalogs of every app
messages: $(STAMP)
	$(BIN)/python -m postventa.core.i18n_tools

ci:
	bash .ci/run

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var build *.egg-info
