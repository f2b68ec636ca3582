# The two commands of the README: `make run` starts the whole platform, `make test` checks everything.
# Both install what they need first (uv, the locked Python packages; Kafka jars and PostgreSQL on first use).

UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PYTEST := $(UV) run --frozen pytest

.PHONY: install browser run demo stack test lint typecheck unit integration bench asyncapi schemas clean

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.9,<0.14"
	@$(UV) sync --frozen --quiet

# The browser tests drive Debian's Chromium (never a downloaded browser): installed when missing and root.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium is not installed: the browser tests will be skipped"

run: install
	$(UV) run --frozen python -m tdi_localstack run $(if $(DEMO),--demo,)

# Feeds the platform of a running `make run` (another terminal) with the synthetic demonstration data.
demo: install
	$(UV) run --frozen python -m tdi_localstack demo

stack: install
	$(UV) run --frozen python -m tdi_localstack up

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: install
	$(UV) run --frozen mypy

unit: install
	$(PYTEST) -m "not integration" -q

integration: install
	$(PYTEST) -m integration -q

test: lint typecheck unit browser integration

bench: install
	$(UV) run --frozen python -m tdi_bench

clean:
	rm -rf .tdi .pytest_cache .mypy_cache .ruff_cache
