# Two commands on a fresh machine:  `make run`  and  `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test install build-data bench

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

## Install, build the postcode index once (var/cache), serve (serve.py loads the embedded data as the server starts).
run: install
	$(PY) -m regional postcode-index
	$(PY) -m streamlit run serve.py --server.port $(PORT)

## Install what the tests need (Python packages; Chromium and PostgreSQL from Debian when we may) and run them.
test: install
	bash scripts/test.sh

## Rebuild data/extract from the raw published files (default ../shared/data).
build-data: install
	$(PY) -m regional build-data

bench: install
	$(PY) -m bench
