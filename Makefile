# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes: 2 fits this project's 2-core machines; `make test PARALLEL=1` runs them one by one.
PARALLEL ?= 2
export DJANGO_DEBUG ?= 1

.PHONY: run test test-fast lint lock install install-dev migrate content clean browser nginx print bench screenshots htmlcheck gettext messages probe

# The lock files (hash-pinned, compiled from pyproject.toml by `make lock`): requirements.txt is what the
# site runs on; requirements-dev.txt adds the tests and tooling, at the same versions.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# After editing the dependencies in pyproject.toml. PyPI only, so that the hashes are PyPI's files.
LOCK := PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --index-url https://pypi.org/simple
lock: install-dev
	$(LOCK) --output-file requirements.txt pyproject.toml
	$(LOCK) --extra dev --constraint requirements.txt --output-file requirements-dev.txt pyproject.toml

migrate: install
	$(PY) manage.py migrate --noinput

content: migrate messages
	$(PY) manage.py load_content

run: content
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The browser tests drive Debian's chromium; CI runs as root on a fresh machine, so install it there.
# Noto CJK: the Chinese pages are checked with real Chinese glyphs (widths at 360 px).
browser:
	@if [ ! -x /usr/bin/chromedriver ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk; \
		else \
			echo "Browser tests need chromium, chromium-driver and fonts-noto-cjk: sudo apt-get install chromium chromium-driver fonts-noto-cjk" >&2; exit 1; \
		fi; \
	fi

# deploy/nginx.conf is tested in front of gunicorn (tools/tests/test_nginx.py) with Debian's nginx.
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
		else \
			echo "The nginx tests need nginx: sudo apt-get install nginx" >&2; exit 1; \
		fi; \
	fi

# The release PDFs (releases/printing.py): WeasyPrint draws with Pango, in Noto CJK for the Chinese pages;
# the tests read the PDFs back with poppler's pdftotext.
print:
	@if ! dpkg -s libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils; \
		else \
			echo "The release PDFs need Pango, Noto CJK and poppler: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils" >&2; exit 1; \
		fi; \
	fi

# The benchmark's comparison tools: Datasette in its own virtualenv, wrk and nginx from Debian.
BENCH_VENV ?= .venv-bench
$(BENCH_VENV)/.installed: requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet -r requirements-bench.txt
	touch $@

bench: install-dev nginx messages $(BENCH_VENV)/.installed
	@if [ ! -x /usr/bin/wrk ]; then \
		if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else echo "The benchmark needs wrk: sudo apt-get install wrk" >&2; exit 1; fi; \
	fi
	DJANGO_DEBUG=0 DJANGO_SETTINGS_MODULE=tools.settings $(PY) manage.py benchmark $(BENCH_ARGS)

# The Nu Html Checker (vnu.jar) from the npm package vnu-jar, run by a Debian JRE; the test suite
# checks every page type of the deployed build with it (tools/tests/test_html_checker.py).
VNU_VERSION := 26.9.27
export VNU_JAR := $(abspath $(VENV))/vnu-$(VNU_VERSION)/package/build/dist/vnu.jar
$(VNU_JAR):
	@if ! command -v java >/dev/null || ! command -v npm >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless npm; \
		else \
			echo "The HTML check needs Java and npm: sudo apt-get install default-jre-headless npm" >&2; exit 1; \
		fi; \
	fi
	mkdir -p $(VENV)/vnu-$(VNU_VERSION)
	cd $(VENV)/vnu-$(VNU_VERSION) && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null && tar xzf vnu-jar-$(VNU_VERSION).tgz
	test -f $@

htmlcheck: $(VNU_JAR)

# The Chinese interface: locale/*.po are in git, the compiled .mo files are built here with GNU gettext.
gettext:
	@if ! command -v msgfmt >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
		else \
			echo "Translations need GNU gettext: sudo apt-get install gettext" >&2; exit 1; \
		fi; \
	fi

messages: install gettext
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.venv-bench -v 0

# Ruff's rules and layout (pyproject.toml), and the import rules (.importlinter): a dependency in the
# wrong direction fails the suite.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

test: lint browser nginx print htmlcheck messages
	$(PY) manage.py test --noinput --parallel $(PARALLEL) $(TESTS)

# Everything but the tests of the deployed build (browser, nginx, HTML checker), tagged "deployed".
test-fast: lint print messages
	$(PY) manage.py test --noinput --parallel $(PARALLEL) --exclude-tag=deployed $(TESTS)

# The probe suite (tools/probe.py): the deployed build behind deploy/nginx.conf, on the database and cache that
# DATABASE_URL and REDIS_URL name, attacked over HTTP; a report of tried / safe / broke, non-zero if any broke.
# `make test` runs it too (tools/tests/test_probe.py). PROBES="slow-clients csv-cells" runs some of them.
probe: install-dev nginx messages
	DJANGO_SETTINGS_MODULE=tools.settings $(PY) manage.py probe $(if $(PROBES),--only $(PROBES))

# Whole-page PNGs (long pages in parts) of every page type in both languages at 390 and 1280 px, and the
# catalogue's map on a phone, from the deployed build, in screenshots/.
# Noto CJK so that Chinese renders as it would on a reader's machine.
screenshots: install-dev browser messages
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk; \
		else \
			echo "Screenshots need Chinese fonts: sudo apt-get install fonts-noto-cjk" >&2; exit 1; \
		fi; \
	fi
	DJANGO_SETTINGS_MODULE=tools.settings $(PY) manage.py screenshots

clean:
	rm -rf $(VENV) $(BENCH_VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles screenshots locale/*/LC_MESSAGES/*.mo
