# Two commands for a fresh Debian/Ubuntu machine with Python 3.11:
#   make run    set everything up, then start the dashboard on the demo cohort
#   make test   set everything up, then run every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test setup system-packages bench clean

run: setup
	$(PY) -m streamlit run dashboard/app.py

test: setup
	$(PY) -m pytest -q tests

bench: setup
	$(PY) bench/run_benchmark.py

setup: system-packages $(STAMP)

# Chromium renders static figures (Kaleido) and runs the browser test; without fonts it renders no text.
system-packages:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/liberation ] || ! command -v strace >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation strace; \
	  else \
	    echo "NOTE: Chromium is missing; static image export and the browser test need it:"; \
	    echo "      sudo apt-get install chromium fonts-liberation strace"; \
	  fi; \
	fi

# The project itself is installed in editable mode (pyproject.toml): the dashboard and the tests import
# `analysis` as an installed package. --no-deps: the pinned requirements above are the set installed;
# --no-build-isolation: built with the pinned setuptools of requirements-dev.txt.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache
