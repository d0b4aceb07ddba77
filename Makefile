# make bench: time the quick tier, save the JSON under results/ and say where it is.
# make test:  run every test (conformance, self-tests, and each benchmark once, untimed).
# Both create or refresh .venv by themselves. Pass pytest options with ARGS="...".

PYTHON ?= $(shell scripts/find-python)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: bench test conformance venv clean-venv

bench: $(STAMP)
	@mkdir -p results
	@out=results/bench-$$(date +%Y%m%d-%H%M%S).json; \
	$(PY) -m pytest benchmarks --benchmark-only --benchmark-json=$$out $(ARGS) && \
	echo "zarrgauge: benchmark results saved to $$out"

test: $(STAMP)
	$(PY) -m pytest $(ARGS)

conformance: $(STAMP)
	@mkdir -p results
	-$(PY) -m pytest tests/conformance -q --conformance-report=results/conformance.md $(ARGS)

venv: $(STAMP)

# The venv is rebuilt in place when pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml
	@test -x $(PY) || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
