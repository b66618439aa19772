# The two commands a newcomer needs are `make run` and `make test`; each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
USERS ?= 1000
SEED ?= 1

.PHONY: run test sync check suggest-mappings screenshots chromium lint format setup clean bench bench-million soak

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Reinstalled whenever the pinned dependencies change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

setup: $(VENV)/.installed

run: setup ## the sandbox (unless real credentials are set) and Dagster on http://127.0.0.1:3000
	$(BIN)/python -m intune_pipeline run --users $(USERS) --seed $(SEED)

sync: setup ## one headless sync run of the whole asset graph, with a summary
	$(BIN)/python -m intune_pipeline sync --users $(USERS) --seed $(SEED)

check: setup ## try each integration's credentials and permissions; says what is missing
	$(BIN)/python -m intune_pipeline check --users $(USERS) --seed $(SEED)

suggest-mappings: setup ## YAML mappings for the Oomnitza fields not mapped yet, matched by label
	@$(BIN)/python -m intune_pipeline suggest-mappings --users $(USERS) --seed $(SEED)

# The browser test drives Debian's chromium; installed where missing (CI runs as root).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

screenshots: setup chromium ## the README's pictures of the UI, taken by the browser test
	INTUNE_PIPELINE_SCREENSHOTS=docs/images $(BIN)/pytest -q intune_pipeline_tests/test_ui_browser.py

# A test file runs on one worker, whole (its servers and fixtures stay its own); one worker per core.
test: setup chromium ## every test, over real HTTPS against the sandbox
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest --numprocesses auto --dist loadfile --durations 10

# The profilers of the bench extra come with the benchmark only.
$(VENV)/.bench-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,bench]'
	touch $@

bench: $(VENV)/.bench-installed ## the benchmark table of benchmarks/RESULTS.md (about 5 minutes here)
	$(BIN)/python -m benchmarks

bench-million: $(VENV)/.bench-installed ## a full sync of 1,000,000 users and two incremental ones (opt-in: several minutes)
	$(BIN)/python -m benchmarks --sizes 1000000 --latency-sizes '' --delta-size 1000000

# Also part of `make test`; this runs it alone and prints its figures (benchmarks/RESULTS.md).
soak: setup ## a 50,000-user sync through faults on every side, against a fault-free one
	mkdir -p .sandbox
	INTUNE_SOAK_REPORT=.sandbox/soak.json $(BIN)/pytest -q -p no:cacheprovider intune_pipeline_tests/test_soak.py
	@cat .sandbox/soak.json

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .dagster_home .sandbox *.egg-info
