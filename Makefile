# The two commands of the README: `make demo` and `make test`. Both install what they need first.
# `make lint` checks the code (ruff's rules and its formatting, and mypy strict on shared/ and each service's
# handler and store; all set up in pyproject.toml); CI runs it first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install bootstrap clean

demo: install bootstrap
	$(BIN)/replyflow demo

test: install bootstrap
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

bootstrap:
	./scripts/bootstrap.sh

clean:
	rm -rf $(VENV) *.egg-info
