# The targets people and CI run. Each one sets up the local virtual environment first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SCENARIO ?= datasets/delorean.yaml

.PHONY: run test lint unit notebooks browser bench app golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## The main job: replay the bundled DeLorean scenario and explain every decision.
run: $(STAMP)
	$(BIN)/exportkit run $(SCENARIO)

## Every test: lint, unit and property tests, golden files, notebooks under nbval, the browser test.
test: $(STAMP)
	$(BIN)/ruff check exportkit tests
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

unit: $(STAMP)
	$(BIN)/python -m pytest tests -p no:cacheprovider -x -q

notebooks: $(STAMP)
	$(BIN)/python -m pytest notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

## The browser test alone: `exportkit demo` in headless Chromium.
browser: $(STAMP)
	$(BIN)/python -m pytest tests/test_browser.py -p no:cacheprovider -q

## The explorer as a web page (Voila) on http://127.0.0.1:8866/, until Ctrl-C.
app: $(STAMP)
	$(BIN)/exportkit demo

## Rewrite the golden files and the notebooks' recorded outputs (review the diff like code).
golden: $(STAMP)
	$(BIN)/python -m pytest tests --update-golden -q -p no:cacheprovider
	$(BIN)/python -m exportkit.tools.notebooks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

## The benchmark (not a test): generates workloads, prints each figure beside its target.
bench: $(STAMP)
	$(BIN)/python bench/bench.py
