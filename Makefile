# The two commands of the README: `make run` starts the whole platform, `make test` checks everything.
# Both install what they need first (uv, the locked Python packages; Kafka jars and PostgreSQL on first use).

UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PYTEST := $(UV) run --frozen pytest

.PHONY: install browser run demo stack test lint typecheck unit integration faults bench bench-e2e images generate asyncapi schemas clean

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.9,<0.14"
	@$(UV) sync --frozen --quiet

# Debian's Chromium (the browser tests; never a downloaded browser), promtool (the alert rules) and pdftoppm
# (poppler-utils: the report's pages as PNG):
# installed when missing and root, see the script.
browser:
	@bash deploy/local/scripts/debian-tools.sh

run: install
	$(UV) run --frozen python -m tdi_localstack run $(if $(DEMO),--demo,) $(if $(CLUSTER),--cluster,)

# Feeds the platform of a running `make run` (another terminal) with the synthetic demonstration data.
demo: install
	$(UV) run --frozen python -m tdi_localstack demo

stack: install
	$(UV) run --frozen python -m tdi_localstack up $(if $(CLUSTER),--cluster,)

# ruff, then the architecture as a check: the import-linter contracts in pyproject.toml ([tool.importlinter]).
lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports

typecheck: install
	$(UV) run --frozen mypy

unit: install
	$(PYTEST) -m "not integration" -q

# Two sessions. The first shares one broker in secure mode (SCRAM + the committed ACLs). The second holds the
# suites that start stacks of their own (fault suite, containers, end-to-end bench smoke run): plaintext there,
# since their in-process clients still read a secure session's SASL settings from the environment.
OWN_STACKS := tests/faults tests/containers bench/tests/test_e2e_smoke.py
integration: install
	$(PYTEST) -m integration -q $(foreach p,$(OWN_STACKS),--ignore=$(p))
	TDI_KAFKA_SECURE=0 $(PYTEST) -m integration -q $(OWN_STACKS)

test: lint typecheck unit browser integration

# The full fault suite (about 30 min) on a platform of its own; `make test` runs its reduced version (-m faults).
faults: install
	$(UV) run --frozen python -m tdi_localstack.faults --full

# The four container images from Debian, PyPI and Maven Central (no registry): deploy/docker/README.md.
# Installs podman, runc and mmdebstrap when root on Debian; the Debian base is cached in ~/.cache/tdi-platform/images.
images: install
	$(UV) run --frozen python deploy/images/build.py

# wrk (the HTTP rows' load generator) is installed first when missing and root, see the script.
bench: install
	@bash deploy/local/scripts/bench-tools.sh
	$(UV) run --frozen python -m tdi_bench

# The whole platform end to end (its own broker, database and five services) against Kafka's own tools.
bench-e2e: install
	$(UV) run --frozen python -m tdi_bench.e2e

# Every file derived from tdi_contracts, rewritten at once (`make test` fails while one is stale): the JSON Schemas
# of every event (contracts/schemas/, changed shapes archived in history/), the AsyncAPI document
# (contracts/asyncapi.yaml), the partner guide's ingress key table (contracts/README.md) and the Kubernetes
# KafkaTopics, KafkaUsers (ACLs, quotas) and autoscalers (deploy/k8s/base/generated/). The local stack derives its
# topics, ACLs and quotas from the contracts when it starts: nothing to write for it.
generate: install
	$(UV) run --frozen python -m tdi_contracts.schemas_export
	$(UV) run --frozen python contracts/tools/gen_asyncapi.py
	$(UV) run --frozen python -m tdi_contracts.partner_guide
	$(UV) run --frozen python deploy/k8s/generate.py

schemas asyncapi: generate

clean:
	rm -rf .tdi .pytest_cache .mypy_cache .ruff_cache
