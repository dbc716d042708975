# Concierge: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run chromium test lint format check-deploy messages bench-generate bench-inbox bench-ticket bench clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

# Sets up everything and starts the web server and the worker on SQLite under var/,
# with the demo data loaded on first start.
run: install
	PORT=$(PORT) $(BIN)/concierge run

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); } || \
	  echo "Chromium is missing: install it (apt-get install chromium) for the browser tests."

test: install chromium
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: install
	PRODUCTION=1 DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=desk.example.com \
	  REDIS_URL=redis://127.0.0.1:6379/0 $(BIN)/concierge check --deploy --fail-level WARNING

# Regenerate the message catalogs after changing strings (needs GNU gettext).
messages: install
	cd concierge && ../$(BIN)/django-admin makemessages --settings=concierge.settings \
	  -l ru -l tr -l fi --no-obsolete --ignore='tests/*' --ignore='*/tests/*'
	cd concierge && ../$(BIN)/django-admin compilemessages --settings=concierge.settings

BENCH_TICKETS ?= 1000000
BENCH_MESSAGES_PER_TICKET ?= 10

bench-generate: install
	$(BIN)/python -m bench.generate --tickets $(BENCH_TICKETS) --messages-per-ticket $(BENCH_MESSAGES_PER_TICKET)

bench-inbox: install
	$(BIN)/python -m bench.run inbox --json bench/results/inbox.json

bench-ticket: install
	$(BIN)/python -m bench.run ticket_page --json bench/results/ticket_page.json

bench: bench-inbox bench-ticket

clean:
	rm -rf $(VENV) node_modules staticfiles
