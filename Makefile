# Two commands for a fresh machine with Python 3.11+ and git:
#   make run   set everything up, then start the dashboard on http://localhost:8501
#   make test  set everything up, then run the whole test suite
# Everything installs from the lock file (uv.lock) into .venv; uv itself into .tools.

PYTHON ?= python3
# The project folder, wherever make is started from (make -f path/to/Makefile run).
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test setup build validate report bench browser clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python $(PYTHON)
	touch $@

setup: .venv/.synced

# The flags repeat .streamlit/config.toml's safe defaults, so they hold wherever Streamlit looks for its config.
run: setup
	cd $(ROOT) && .venv/bin/streamlit run app.py --server.address 127.0.0.1 --server.port 8501 \
		--server.headless true --browser.gatherUsageStats false

test: setup browser
	.venv/bin/python -m pytest

# Debian's chromium when installed (CI installs it); otherwise Playwright's own browser.
browser: setup
	@if [ -x /usr/bin/chromium ]; then echo "browser: /usr/bin/chromium"; \
	else .venv/bin/python -m playwright install chromium; fi

validate: setup
	.venv/bin/python -m openmodels validate

build: setup
	.venv/bin/python -m openmodels build

report: setup
	.venv/bin/python -m openmodels report

bench: setup browser
	.venv/bin/python bench/queries.py
	.venv/bin/python bench/load.py
	.venv/bin/python bench/pages.py
	.venv/bin/python bench/scale.py

clean:
	rm -rf .venv .tools data/openmodels.duckdb data/.openmodels-* artifacts .pytest_cache
