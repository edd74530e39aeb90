# The two commands of the README: `make demo` and `make test`. Both install what they need first.
# `make lint` checks the code against the rule set in pyproject.toml; CI runs it before the tests.
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
