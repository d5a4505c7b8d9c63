# The targets people and CI run. Each one sets up the local virtual environment first.
# `make help` lists them; a target's description is the `##` comment on its line.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCENARIO ?= datasets/delorean.yaml
# pytest's options live in one place: pyproject.toml, [tool.pytest.ini_options].
PYTEST := $(BIN)/python -m pytest

.DEFAULT_GOAL := help
.PHONY: help run test lint format typecheck unit notebooks browser bench app course golden clean

help: ## List the targets with what each one does.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# setuptools' warnings about the editable layout go to a log, shown whole if pip fails
	$(BIN)/python -m pip install --quiet -e ".[dev]" 2> $(VENV)/install.log \
		|| { cat $(VENV)/install.log; exit 1; }
	touch $(STAMP)

run: $(STAMP) ## Replay the bundled DeLorean scenario and explain every decision.
	$(BIN)/exportkit run $(SCENARIO)

test: lint ## Everything: format check, lint, mypy, unit and property tests, notebooks (nbval), browser test.
	$(BIN)/exportkit check datasets/
	$(PYTEST) tests notebooks --nbval

lint: $(STAMP) ## The formatter's check, ruff's lint and mypy (strict for exportkit/core).
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: $(STAMP) ## Rewrite the code as the formatter and ruff's safe fixes want it.
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP) ## mypy alone.
	$(BIN)/mypy

unit: $(STAMP) ## The unit and property tests alone, stopping at the first failure.
	$(PYTEST) tests -x -q

notebooks: $(STAMP) ## The notebooks alone, under nbval.
	$(PYTEST) notebooks --nbval

browser: $(STAMP) ## The browser test alone: `exportkit demo` in headless Chromium.
	$(PYTEST) tests/test_browser.py -q

course: $(STAMP) ## The course in JupyterLab, from the top of the repository (so its links to docs/ work).
	$(BIN)/jupyter lab --ServerApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

app: $(STAMP) ## The explorer as a web page (Voila) on http://127.0.0.1:8866/, until Ctrl-C.
	$(BIN)/exportkit demo

golden: $(STAMP) ## Rewrite the golden files and re-execute the notebooks (review the diff like code).
	$(BIN)/python scripts/build_notebooks.py
	$(PYTEST) tests --update-golden -q

bench: $(STAMP) ## The benchmark (not a test): generated workloads, each figure beside its target.
	$(BIN)/python bench/bench.py

clean: ## Remove the virtual environment and build leftovers.
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
