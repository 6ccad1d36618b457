# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export DJANGO_DEBUG ?= 1

.PHONY: run test install migrate content clean browser

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

content: migrate
	$(PY) manage.py load_content

run: content
	$(PY) manage.py runserver 127.0.0.1:8000

# The browser tests drive Debian's chromium; CI runs as root on a fresh machine, so install it there.
browser:
	@if [ ! -x /usr/bin/chromedriver ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
		else \
			echo "Browser tests need chromium and chromium-driver: sudo apt-get install chromium chromium-driver" >&2; exit 1; \
		fi; \
	fi

# Import rules first (.importlinter): a dependency in the wrong direction fails the suite.
test: install browser
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py test --noinput $(TESTS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
