# Two commands: `make run` (analyse the bundled examples) and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT := out

.PHONY: run test lint bench browser java clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel setuptools
	$(BIN)/python -m pip install --quiet -e '.[test,bench,spark]'
	touch $(STAMP)

run: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/storylens analyze examples --db $(OUT)/storylens.db \
		-o $(OUT)/report.html -o $(OUT)/report.json -o $(OUT)/report.md
	@echo "Report written to $(abspath $(OUT)/report.html) (also report.json, report.md)"

# Debian's Chromium for the browser tests (root installs it; otherwise they skip).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "warning: could not install chromium; browser tests will skip"; \
		else echo "note: chromium not installed; browser tests will skip"; fi; }

# A Java runtime for `storylens batch --engine spark` and its tests (root installs Debian's;
# otherwise the Spark tests skip, saying why).
java:
	@command -v java >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			(apt-get update -qq && (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null \
				|| DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null)) \
			|| echo "warning: could not install a Java runtime; Spark tests will skip"; \
		else echo "note: java not installed; Spark tests will skip"; fi; }

test: $(STAMP) browser java
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest -q -n 2

bench: $(STAMP)
	for script in bench/*.py; do nice -n 10 $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
