# Two commands: `make run` and `make test`. Both set themselves up on a machine that has
# only python3 and make: a private uv in .tools/, the locked dependencies in .venv/, and
# (when root) Debian's chromium for chart export and browser tests.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.synced-$(shell cat uv.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
PORT ?= 8501

.PHONY: run test setup system-deps lint typecheck unit demo lock clean

run: setup system-deps
	$(BIN)/jobmaal demo --if-empty
	$(BIN)/jobmaal warm
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT)

test: setup system-deps lint typecheck unit

setup: $(STAMP)

# Debian's python3 may come without venv/ensurepip: install python3-venv when root.
$(UV):
	@$(PYTHON) -m venv .tools 2>/dev/null || { rm -rf .tools; \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian python3-venv (once)"; apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
			$(PYTHON) -m venv .tools; \
		else echo "error: '$(PYTHON) -m venv' failed: install python3-venv"; exit 1; fi; }
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): uv.lock pyproject.toml | $(UV)
	rm -f $(VENV)/.synced-*
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

# Debian's packages the tests drive for real, installed once when root and missing:
# chromium (kaleido PNG/SVG export, Playwright), poppler-utils (pdftotext/pdftoppm read the
# committee report back), postgresql (the review register runs on PostgreSQL as well as
# SQLite), a Java runtime (one KPI runs on a local PySpark session). Never a browser or
# database download of their own.
DEBIAN_DEPS := chromium fonts-dejavu-core poppler-utils postgresql openjdk-17-jre-headless
system-deps:
	@missing=""; \
	for pkg in $(DEBIAN_DEPS); do \
		dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian packages (once):$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			$$missing >/dev/null; \
	else echo "warning: missing$$missing and not root: the tests that need them are skipped"; fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest

demo: setup
	$(BIN)/jobmaal demo

lock: $(UV)
	$(UV) lock --python $(PYTHON)

clean:
	rm -rf $(VENV) .tools .mypy_cache .ruff_cache .pytest_cache
