# commsim: the two commands of the README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test unit lint bench clean docs i18n fonts

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,ray]"
	@touch $(STAMP)

demo: $(STAMP) fonts
	$(BIN)/commsim compare playbooks=[baseline,weekly_qa,welcome_newcomers] reps=5 hydra.run.dir=outputs/demo

# Debian packages the tests need are installed with apt-get: as root, or through sudo
SUDO := $(shell test "$$(id -u)" -eq 0 || echo sudo)

# Chinese in plots (lang=zh) needs a CJK font: Debian's fonts-noto-cjk when fc-list finds none
fonts:
	@test -n "$$(fc-list :lang=zh 2>/dev/null)" || \
	  ( $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk ) || \
	  echo "make fonts: could not install Debian's fonts-noto-cjk; a plot in Chinese will say so"

# the whole suite on two workers (pytest-xdist; a test file's tests stay on one worker, so
# its module fixtures are built once); the browser test drives Debian's chromium (never a downloaded browser): install it when missing
test: $(STAMP) fonts
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  ( $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver ) || \
	  echo "make test: could not install Debian's chromium and chromium-driver; the browser test will say so"
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# fast feedback: the unit tier (no slow test; under a minute), on two workers (pytest-xdist)
unit: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests/unit

# the parameter and phase tables of docs/model.md and docs/strategies.md, from the code
docs: $(STAMP)
	$(BIN)/python -m strategies.schema_docs --write
	$(BIN)/python -m experiments.classroom.facts --write

# the translation catalogues (experiments/i18n/locale) from the code, keeping the translations
i18n: $(STAMP)
	$(BIN)/python -m experiments.i18n --update

lint: $(STAMP)
	$(BIN)/ruff check agents sim strategies experiments tests benchmarks
	$(BIN)/ruff format --check agents sim strategies experiments tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_vs_mesa.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_scale.py --sizes 100000 --extra playbook=full_playbook --target-seconds 20
	$(BIN)/python benchmarks/bench_compare.py
	$(BIN)/python benchmarks/bench_complete.py

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache
