# Cụm Hub. `make` lists the commands. Nothing needs to be installed or set first:
# without DATABASE_URL/REDIS_URL, a private PostgreSQL and Redis are started in .hub/.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# pip, not python: a venv made without Debian's python3-venv has python but no pip.
VENV_PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
SERVICES := $(PY) -m devservices run
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=
# fonts-liberation2: Debian's older fonts-liberation lacks Vietnamese letters (ư, ơ, ạ...),
# which the PDF report needs.
BROWSER_PACKAGES := chromium fonts-liberation2 fonts-dejavu-core

.PHONY: help venv browser apt run test bench lint fmt typecheck clean

help: ## list the commands
	@echo "Cụm Hub: make <command>"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "DATABASE_URL / REDIS_URL, when set, are used instead of the private services."

venv: $(STAMP) browser ## create .venv and install the project, its dev tools and chromium

$(VENV_PIP):
	@# Debian ships venv's ensurepip separately (python3-venv).
	python3 -m venv $(VENV) || { $(MAKE) --no-print-directory APT_PACKAGES=python3-venv apt \
		&& python3 -m venv $(VENV); }

$(STAMP): pyproject.toml | $(VENV_PIP)
	$(PY) -m pip install -e '.[dev]'
	@touch $@

# Browser tests drive Debian's chromium; Playwright never downloads a browser here.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/liberation2 ]; then \
		$(MAKE) --no-print-directory APT_PACKAGES="$(BROWSER_PACKAGES)" apt; fi

apt:
	@if ! command -v apt-get >/dev/null; then \
		echo "warning: no apt-get; install $(APT_PACKAGES) yourself"; exit 0; fi; \
	sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	set -x; $$sudo apt-get update \
	&& $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(APT_PACKAGES)

run: venv ## migrate, load the demo, run web + worker + beat on PORT (8000); Ctrl-C stops all
	PORT=$(PORT) $(SERVICES) -- $(PY) -m devservices.demo

test: venv ## ruff, format check, makemigrations --check, mypy, pytest (PYTEST_ARGS=...)
	$(SERVICES) --profile test -- $(PY) -m devservices.checks $(PYTEST_ARGS)

bench: venv ## run the benchmarks on their own data in .hub/bench/ (BENCH_ARGS=--quick)
	$(SERVICES) --profile bench -- $(PY) -m bench $(BENCH_ARGS)

lint: venv ## ruff check, ruff format --check, the packages' layer contract
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

fmt: venv ## ruff format, then ruff check --fix
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

typecheck: venv ## mypy with django-stubs
	$(PY) -m mypy

clean: ## remove .hub/ (databases, logs) and .venv/ without asking
	@python3 -m devservices clean
