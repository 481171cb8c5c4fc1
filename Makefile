# Two commands for a fresh machine with Python 3.11+ and git:
#   make run   set everything up, then start the dashboard and its data API on http://localhost:8501
#   make dev   the same with the file watcher on: the page reruns when a source file is saved
#   make test  set everything up, then run the whole test suite
# Everything installs from the lock file (uv.lock) into .venv; uv itself into .tools.

PYTHON ?= python3
# The project folder, wherever make is started from (make -f path/to/Makefile run).
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run dev test setup build validate report bench browser clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python $(PYTHON)
	touch $@

setup: .venv/.synced

# asgi.py serves app.py and the data API (/api) with uvicorn; `streamlit run` starts it with the config's flags.
# The flags repeat .streamlit/config.toml's safe defaults, so they hold wherever Streamlit looks for its config,
# and its production settings: no file watcher, no garbage collection after every run (the app notices CSV
# edits itself, from the files' stats, on every run).
SAFE_FLAGS := --server.address 127.0.0.1 --server.port 8501 --server.headless true --browser.gatherUsageStats false
run: setup
	cd $(ROOT) && .venv/bin/streamlit run asgi.py $(SAFE_FLAGS) \
		--server.fileWatcherType none --runner.postScriptGC false

# For editing the code: pages rerun when a file is saved; Streamlit's garbage collection after each run is back.
dev: setup
	cd $(ROOT) && .venv/bin/streamlit run asgi.py $(SAFE_FLAGS) \
		--server.fileWatcherType auto --server.runOnSave true --runner.postScriptGC true

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
	.venv/bin/python bench/api.py

clean:
	rm -rf .venv .tools bench/.venv-datasette data/openmodels.duckdb data/.openmodels-* artifacts .pytest_cache
