# The front door. `make test` and `make interview` install what they need themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install interview test bench calibrate lint clean

$(STAMP): pyproject.toml
	@# tmux drives the end-to-end terminal tests; install it where it is missing (CI runs as root).
	@command -v tmux >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; } \
		|| echo "warning: could not install tmux; the terminal tests will be skipped"
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# bytecode for start-up speed, even where PYTHONDONTWRITEBYTECODE is set
	$(BIN)/python -m compileall -q mlcoach
	touch $(STAMP)

install: $(STAMP)

interview: $(STAMP)
	$(BIN)/mlcoach interview --offline

test: $(STAMP)
	$(BIN)/python -m pytest

calibrate: $(STAMP)
	$(BIN)/python bench/calibrate.py

bench: $(STAMP)
	$(BIN)/python -m compileall -q mlcoach
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check mlcoach tests bench

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
