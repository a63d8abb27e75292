# The two set-up commands: `make demo` audits the sample corpus into reports/,
# `make test` runs the whole test suite. Each creates its own virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATASETS ?= ../shared/datasets

.PHONY: demo test lint venv golden bench bench-accuracy bench-speed clean

$(BIN)/audit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	touch $(BIN)/audit

venv: $(BIN)/audit

demo: venv
	$(BIN)/audit report corpus/ -o reports/ --fail-on never
	@echo "Open reports/index.html"

test: venv
	$(BIN)/python -m pytest -q

# The static checks alone (the test suite runs them too: tests/test_static.py).
lint: venv
	$(BIN)/python -m ruff check audit tests benchmarks scripts
	$(BIN)/python -m mypy

# Regenerate golden outputs after an intended change; review them with `git diff tests/golden`.
golden: venv
	$(BIN)/python -m tests.golden regenerate

# Accuracy on the labelled data sets, and speed side by side with proselint
# (installed into the virtual environment for the benchmark only).
bench: bench-accuracy bench-speed

bench-accuracy: venv
	$(BIN)/python benchmarks/sbd.py $(DATASETS)
	$(BIN)/python benchmarks/claims.py $(DATASETS)
	$(BIN)/python benchmarks/promotion.py $(DATASETS)

bench-speed: venv
	$(BIN)/python -m pip install --quiet proselint
	$(BIN)/python benchmarks/speed.py $(DATASETS) --repeat 3

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
