# syntax=docker/dockerfile:1.7
# One image for the whole platform: the five services and the one-shot init commands.
# The command chooses what runs:
#   python -m tdi_territory | tdi_actions | tdi_funding | tdi_vte | tdi_reporting   (HTTP on port 8000)
#   python -m tdi_localstack topics --bootstrap $KAFKA_BOOTSTRAP_SERVERS           (create the topics)
#   python -m tdi_localstack dbinit --database-url $DATABASE_URL                    (schemas and roles)
# Build from the repository root:  docker build -t tdi-platform:local .

ARG PYTHON_IMAGE=python:3.11-slim
# Keep in step with the uv that wrote uv.lock (the members' build backend is pinned to uv_build <0.14).
# uv comes from PyPI (no container registry needed): `make images` builds FROM a Debian base bootstrapped with
# mmdebstrap (PYTHON_IMAGE=localhost/tdi-base:bookworm, python3.11 in /usr/bin); python:3.11-slim works where
# a registry answers. Behind a TLS-inspecting proxy, pass its CA bundle as the build secret `ca`
# (`--secret id=ca,src=$SSL_CERT_FILE`): it is used by pip and uv and never lands in a layer.

# ---------------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder
ARG UV_VERSION=0.13.9
ARG PYTHON=python3.11

# Use the image's own CPython (never a downloaded one), so the venv points at the interpreter that exists at
# the same path in the runtime stage (same base image).
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=${PYTHON} \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy

RUN --mount=type=secret,id=ca \
    ca=/run/secrets/ca; [ -s "$ca" ] || ca=/etc/ssl/certs/ca-certificates.crt; \
    ${PYTHON} -m venv /opt/uv \
 && SSL_CERT_FILE="$ca" PIP_CERT="$ca" /opt/uv/bin/pip install --quiet --no-cache-dir "uv==${UV_VERSION}" \
 && ln -s /opt/uv/bin/uv /usr/local/bin/uv

WORKDIR /app

# 1. Third-party dependencies only. This layer is rebuilt only when the lock or a member's pyproject changes.
#    Every workspace member's pyproject.toml must be here (uv reads the workspace before syncing).
COPY pyproject.toml uv.lock .python-version ./
COPY contracts/pyproject.toml contracts/
COPY runtime/pyproject.toml runtime/
COPY deploy/local/pyproject.toml deploy/local/
COPY services/territory/pyproject.toml services/territory/
COPY services/actions/pyproject.toml services/actions/
COPY services/funding/pyproject.toml services/funding/
COPY services/vte/pyproject.toml services/vte/
COPY services/reporting/pyproject.toml services/reporting/
COPY bench/pyproject.toml bench/
COPY partner/pyproject.toml partner/
RUN --mount=type=cache,target=/root/.cache/uv --mount=type=secret,id=ca \
    ca=/run/secrets/ca; [ -s "$ca" ] || ca=/etc/ssl/certs/ca-certificates.crt; \
    SSL_CERT_FILE="$ca" uv sync --frozen --no-dev --no-install-workspace

# 2. The workspace's own packages (contracts, runtime, localstack, the five services, bench).
#    They stay editable: the venv points at /app/<member>/src, so the image keeps the repository's layout
#    and any file a package finds next to its code (SQL migrations, JSON schemas, seeds) is where it expects.
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv --mount=type=secret,id=ca \
    ca=/run/secrets/ca; [ -s "$ca" ] || ca=/etc/ssl/certs/ca-certificates.crt; \
    SSL_CERT_FILE="$ca" uv sync --frozen --no-dev \
 && /app/.venv/bin/python -c "import tdi_contracts, tdi_runtime, tdi_localstack, tdi_territory, tdi_actions, tdi_funding, tdi_vte, tdi_reporting"

# ---------------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# A fixed numeric uid/gid, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
RUN groupadd --system --gid 10001 tdi \
 && useradd --system --uid 10001 --gid tdi --home-dir /home/tdi --create-home --shell /usr/sbin/nologin tdi

# The code and the venv belong to root and are read-only for the service user.
COPY --from=builder /app /app

# Outside containers a service listens on 127.0.0.1 by default; in a container it must listen on every
# interface, or published ports and Kubernetes probes (which reach the pod's IP) get no answer.
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    TDI_TERRITORY_HTTP_HOST=0.0.0.0 TDI_TERRITORY_HTTP_PORT=8000 \
    TDI_ACTIONS_HTTP_HOST=0.0.0.0 TDI_ACTIONS_HTTP_PORT=8000 \
    TDI_FUNDING_HTTP_HOST=0.0.0.0 TDI_FUNDING_HTTP_PORT=8000 \
    TDI_VTE_HTTP_HOST=0.0.0.0 TDI_VTE_HTTP_PORT=8000 \
    TDI_REPORTING_HTTP_HOST=0.0.0.0 TDI_REPORTING_HTTP_PORT=8000

WORKDIR /app
USER 10001:10001
EXPOSE 8000

# No default service: say how to choose one (exit status 1).
CMD ["python", "-c", "import sys; sys.exit('tdi-platform: choose a command, e.g. python -m tdi_funding (services: tdi_territory, tdi_actions, tdi_funding, tdi_vte, tdi_reporting; init: python -m tdi_localstack topics|dbinit)')"]

# Last, so that a new commit does not rebuild any layer above.
ARG VERSION=0.0.0
ARG GIT_COMMIT=unknown
LABEL org.opencontainers.image.title="tdi-platform" \
      org.opencontainers.image.description="Territoires d'industrie platform: territory, actions, funding, vte, reporting services (one image, service chosen by the command)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${GIT_COMMIT}" \
      org.opencontainers.image.licenses="proprietary"
