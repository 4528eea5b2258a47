# The front door. `make test` and `make interview` install what they need themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install interview test bench calibrate blind conduct report drills lint clean

$(STAMP): pyproject.toml
	@# tmux drives the end-to-end terminal tests and espeak-ng makes the speech the voice tests transcribe;
	@# install them where they are missing (CI runs as root).
	@missing=""; command -v tmux >/dev/null 2>&1 || missing="$$missing tmux"; \
	command -v espeak-ng >/dev/null 2>&1 || missing="$$missing espeak-ng"; \
	if [ -n "$$missing" ]; then { apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; } \
		|| echo "warning: could not install$$missing; the tests that need them will be skipped (or fail in CI)"; fi
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all]' --group dev
	@# bytecode for start-up speed, even where PYTHONDONTWRITEBYTECODE is set
	$(BIN)/python -m compileall -q mlcoach
	touch $(STAMP)

install: $(STAMP)

interview: $(STAMP)
	$(BIN)/mlcoach interview --offline $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest

calibrate: $(STAMP)
	$(BIN)/python bench/calibrate.py

blind: $(STAMP)
	$(BIN)/python bench/blind.py tests/blind/dev tests/blind/dev2 tests/blind/holdout --each

conduct: $(STAMP)
	$(BIN)/python bench/conduct.py tests/candidates tests/blind/dev tests/blind/dev2 tests/blind/holdout

drills: $(STAMP)
	$(BIN)/python bench/drills.py tests/drills/dev
	$(BIN)/python bench/drills.py tests/drills/holdout

report: $(STAMP)
	$(BIN)/python bench/quality.py tests/candidates tests/blind/holdout --totals

bench: $(STAMP)
	$(BIN)/python -m compileall -q mlcoach
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check mlcoach tests bench

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
