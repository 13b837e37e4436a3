# Build and test tool-chain for the bdpilot site (GNU make >= 4.3).
#
# Set-up is incremental: .venv/.stamp is remade only when requirements.txt
# changes, node_modules/.stamp only when package-lock.json changes.
# System packages (chromium, nginx) are installed with apt-get when missing and
# we are root (as in CI); otherwise the target stops and says what to install.
#
#   make help        list the targets
#   make test        everything CI does: set-up, build, pytest over tests/
#   make serve       build, serve site/ at http://127.0.0.1:8000/, rebuild (same steps) when an input changes
#
# Variables you may override: PY (the Python >= 3.12 used to create .venv),
# PORT (for serve), PYTEST_ARGS (extra pytest arguments, e.g. PYTEST_ARGS='-x -k smoke').

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Targets run one at a time, in the order written (apt-get must not run twice at once).
.NOTPARALLEL:
.DELETE_ON_ERROR:

# Recursively expanded, so find_python.sh only runs when a recipe needs $(PY);
# if it finds nothing it prints what it looked for and the venv recipe stops.
PY ?= $(shell build_scripts/find_python.sh)
VENV := .venv
VPY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

VENV_STAMP := $(VENV)/.stamp
NODE_STAMP := node_modules/.stamp

CHROMIUM := /usr/bin/chromium
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
NGINX := /usr/sbin/nginx
# Debian's brotli_static module: the nginx test serves the site's .br twins with it (build_scripts/nginx/bdpilot-brotli.conf).
NGINX_BROTLI := /usr/lib/nginx/modules/ngx_http_brotli_static_module.so

# $(call ensure_apt,<files that must exist>,<Debian packages that provide them>)
define ensure_apt
	@missing=""; for f in $(1); do [ -e "$$f" ] || missing="$$missing $$f"; done; \
	if [ -z "$$missing" ]; then \
	  echo "ok: $(1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "missing:$$missing -> apt-get install $(2)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get -o DPkg::Lock::Timeout=600 update; \
	  apt-get -o DPkg::Lock::Timeout=600 install -y $(2); \
	  for f in $(1); do [ -e "$$f" ] || { echo "make: $$f still missing after apt-get install $(2)" >&2; exit 1; }; done; \
	else \
	  echo "make: missing:$$missing" >&2; \
	  echo "make: install the Debian package(s) '$(2)' as root: sudo apt-get update && sudo apt-get install -y $(2)" >&2; \
	  exit 1; \
	fi
endef

.PHONY: help setup venv node_modules browser nginx validate site build serve test fuzz bench audit dist clean distclean

help:
	@echo "Targets:"
	@echo "  setup         venv + node_modules + browser + nginx"
	@echo "  venv          $(VENV) with the pinned requirements.txt (needs Python >= 3.12; PY=... to choose)"
	@echo "  node_modules  npm ci from package-lock.json (pyodide, axe-core, esbuild)"
	@echo "  browser       /usr/bin/chromium and CJK fonts (apt-get install chromium fonts-noto-cjk if root)"
	@echo "  nginx         /usr/sbin/nginx and its brotli_static module (apt-get install nginx libnginx-mod-http-brotli-static if root)"
	@echo "  validate      python -m checker validate, for every call folder under policy_data/calls/: problems, and the"
	@echo "                citations to review against the notice (VALIDATE_LANG=en for the list in English)"
	@echo "  build, site   build the site into site/ (build_scripts/build_site.py)"
	@echo "  serve         build, serve site/ at http://127.0.0.1:$(PORT)/, rebuild on change of policy_data/, templates, docs/"
	@echo "  test          setup, build, then pytest over tests/ (what CI runs)"
	@echo "  fuzz          the property test of checker.api.handle with FUZZ_EXAMPLES random examples (default 200000)"
	@echo "  bench         build, then tests/bench/run_bench.py"
	@echo "  audit         build, then Lighthouse (home, a direction, checker, screening; mobile and desktop; >= $(AUDIT_MIN_SCORE))"
	@echo "  dist          build, then build_scripts/make_dist.py"
	@echo "  clean         remove build output (site/, dist/, build/, the pages generated into docs/, caches)"
	@echo "  distclean     clean, and remove $(VENV) and node_modules too"

setup: venv node_modules browser nginx

# ---------------------------------------------------------------- set-up

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements.txt
	@py='$(PY)'; \
	if [ -z "$$py" ]; then echo "make: no Python >= 3.12 found (see above); or run: make PY=/path/to/python3.12 venv" >&2; exit 1; fi; \
	if [ -x $(VPY) ] && $(VPY) -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then \
	  echo "reusing $(VENV) ($$($(VPY) --version))"; \
	else \
	  echo "creating $(VENV) with $$py ($$("$$py" --version))"; \
	  rm -rf $(VENV); "$$py" -m venv $(VENV); \
	fi
	$(VPY) -m pip install --disable-pip-version-check -r requirements.txt
	@touch $@

node_modules: $(NODE_STAMP)

$(NODE_STAMP): package-lock.json package.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "make: Node.js and npm are needed for node_modules (pyodide, axe-core, esbuild)." >&2; \
	  echo "make: install them, e.g. as root: apt-get update && apt-get install -y nodejs npm" >&2; \
	  exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

browser:
	$(call ensure_apt,$(CHROMIUM) $(CJK_FONT),chromium fonts-noto-cjk)

nginx:
	$(call ensure_apt,$(NGINX) $(NGINX_BROTLI),nginx libnginx-mod-http-brotli-static)

# ---------------------------------------------------------------- build

# GUIDE_POLICY_DATA_DIR (as for the build) validates another policy_data folder; VALIDATE_LANG (zh or en) is the
# language of the review list (quotes not found in the notice, with the closest text; clauses that moved).
POLICY_DATA ?= $(or $(GUIDE_POLICY_DATA_DIR),policy_data)
VALIDATE_LANG ?= zh

validate: venv
	@found=0; for dir in $(POLICY_DATA)/calls/*/; do \
	  [ -f "$$dir/call.yaml" ] || continue; found=1; \
	  $(VPY) -m checker --call-dir "$${dir%/}" validate --lang $(VALIDATE_LANG) || exit 1; \
	done; [ $$found = 1 ] || { echo "make: no call folder in $(POLICY_DATA)/calls/" >&2; exit 1; }

build: venv node_modules
	$(VPY) build_scripts/build_site.py

site: build

# The same steps as build (build_scripts/build_site.py), then serve and rebuild whenever an input changes.
serve: venv node_modules
	$(VPY) build_scripts/build_site.py --serve --bind 127.0.0.1 --port $(PORT)

dist: build
	$(VPY) build_scripts/make_dist.py

# ---------------------------------------------------------------- tests

test: venv node_modules browser nginx build
	$(VPY) -m pytest -q $(PYTEST_ARGS)

# `make test` runs the same property test with 10,000 examples and a fixed seed; this one draws new ones each run.
FUZZ_EXAMPLES ?= 200000
fuzz: venv
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VPY) -m pytest -q -p no:cacheprovider tests/test_api_fuzz.py

bench: venv node_modules browser build
	$(VPY) tests/bench/run_bench.py

# Lighthouse (node_modules, pinned) with Debian's chromium, the site served with gzip; not part of `make test`.
AUDIT_MIN_SCORE ?= 95
audit: venv node_modules browser build
	$(VPY) build_scripts/lighthouse_audit.py --min-score $(AUDIT_MIN_SCORE)

# ---------------------------------------------------------------- cleaning

# Generated pages are the files under docs/ that end with the generator's marker (build_scripts/guide/render.py).
clean:
	rm -rf site dist build bench-results .pytest_cache .hypothesis
	grep -rlZ --include='*.md' 'GENERATED by build_scripts/hooks/generate_pages.py' docs | xargs -0r rm -f
	find docs -mindepth 1 -type d -empty -delete
	find . \( -path ./$(VENV) -o -path ./node_modules -o -path ./.git \) -prune -o \
	  \( -name __pycache__ -o -name '*.egg-info' \) -type d -print0 | xargs -0r rm -rf
	find . \( -path ./$(VENV) -o -path ./node_modules -o -path ./.git \) -prune -o \
	  -name '*.whl' -type f -print0 | xargs -0r rm -f

distclean: clean
	rm -rf $(VENV) node_modules
