"""Service settings from the environment (pydantic-settings): `TDI_<SERVICE>_*`, plus the shared server addresses."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tdi_contracts.topics import DLQ_TOPICS, PARTNER_INGRESS_TOPICS

DEFAULT_DRAIN_S = 5.0
"""Platform rule: a terminating pod leaves its Service's endpoints within a few seconds (kube-proxy, ingress);
with the kit's 20 s graceful shutdown it stays within Kubernetes' 30 s termination grace period."""

REDELIVERY_WINDOW = timedelta(milliseconds=max(t.retention_ms for t in (*PARTNER_INGRESS_TOPICS, *DLQ_TOPICS)))
"""The longest time the same event may come back from a finite topic: a partner re-sending within its
ingress topic's retention, or a dead letter re-driven within the dead-letter topic's (90 days)."""
REJECTED_REDELIVERY_WINDOW = timedelta(milliseconds=max(t.retention_ms for t in PARTNER_INGRESS_TOPICS))
"""How long a rejected record's inbox row is needed at least (30 days). A rejected row only stops the same record
*at the same offset* from being answered twice (a retry or a re-driven copy arrives at another offset and is applied
as new either way, with or without the row); a record is read again at its offset only while its topic holds it."""


class ConfigurationError(ValueError):
    """A setting a deployment must fix before the service may start (a missing or weak secret...): the command
    line prints its message and exits with status 2, without a traceback."""


class ServiceSettings(BaseSettings):
    """Everything a service reads at start. Build with `ServiceSettings.for_service("funding")`."""

    model_config = SettingsConfigDict(extra="ignore")

    service: str = Field(description="Service name: territory, actions, funding, vte or reporting")
    deployment: Literal["local", "production"] = Field(
        default="production",
        description="TDI_DEPLOYMENT (shared by every service): `local` (make run, tests, compose) relaxes what a "
        "production deployment must set (secrets, token issuer and audience); anything else fails closed",
    )
    kafka_bootstrap_servers: str = Field(default="127.0.0.1:9092", description="KAFKA_BOOTSTRAP_SERVERS")
    database_url: str = Field(default="", description="TDI_<SERVICE>_DATABASE_URL, else DATABASE_URL")
    db_schema: str = Field(default="", description="Postgres schema the service owns (default: its name)")
    db_pool_min: int = 1
    db_pool_max: int = 10
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    http_max_body_bytes: int = Field(
        default=1024 * 1024,
        gt=0,
        description="A request body above this is refused (413) before it is parsed; a route taking files declares"
        " its own limit (platform rule)",
    )
    api_tokens: dict[str, str] = Field(
        default_factory=dict,
        description='Static bearer token -> role, as JSON (e.g. {"<secret>": "staff"}, {"<s>": "regional:44"}); '
        "for local use: production uses JWTs",
    )
    partner_chain_tokens: dict[str, str] = Field(
        default_factory=dict,
        description='Static bearer token -> partner slug, as JSON (e.g. {"<secret>": "bpifrance"}): opens that'
        " partner's own chain (GET /partners/<partner>/chain) and nothing else, until partners have an HTTP identity"
        " (platform rule)",
    )
    partner_chain_page_max: int = Field(
        default=1000, gt=0, description="Most links one page of a partner's chain holds (platform rule)"
    )
    kafka_username: str | None = Field(default=None, description="SASL/SCRAM user of the service (secure broker)")
    kafka_password: str | None = Field(default=None, description="Its password (from a secret)")
    jwt_jwks_file: str | None = Field(default=None, description="JWKS file of the identity provider's keys")
    jwt_jwks_url: str | None = Field(default=None, description="JWKS URL of the identity provider (OIDC jwks_uri)")
    jwt_issuer: str | None = Field(default=None, description="Expected `iss` of bearer JWTs")
    jwt_audience: str | None = Field(default=None, description="Expected `aud` of bearer JWTs")
    jwt_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"], description="Accepted algorithms")
    ticket_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key of stream tickets (tdi_runtime.tickets); replicas behind one address must share it "
        "(unset: a random key per process)",
    )
    ticket_ttl_s: float = Field(default=30.0, gt=0, description="How long a stream ticket opens its route")
    jwt_leeway_s: float = Field(
        default=30.0, ge=0, le=300, description="Clock skew allowed on a JWT's exp, nbf and iat (platform rule)"
    )
    jwt_jwks_max_age_s: float = Field(
        default=300.0,
        gt=0,
        description="JWKS URL keys are fetched again past this age: a removed key stops being"
        " valid within it (platform rule)",
    )
    jwt_jwks_refetch_interval_s: float = Field(
        default=30.0,
        gt=0,
        description="A JWT naming an unknown key fetches the JWKS again at most this often (platform rule)",
    )
    log_level: str = "INFO"
    log_json: bool = True
    consumer_batch_max: int = Field(default=500, description="Most records handled in one DB transaction")
    consumer_batch_timeout_ms: int = 100
    consumer_batch_prefetch: bool = Field(
        default=True, description="Run handlers' per-batch prefetch (off: every handler reads for itself)"
    )
    consumer_session_timeout_ms: int = Field(default=10_000, description="A dead consumer's partitions move after")
    commit_interval_s: float = Field(default=0.5, description="Offsets are committed this often, after the DB")
    relay_batch_size: int = 2000
    relay_batch_max_bytes: int = Field(
        default=8 * 1024 * 1024, description="A relay batch stops at the first row past this many value bytes"
    )
    relay_max_attempts: int = Field(
        default=5, description="A row the broker refuses for good this many times is parked (platform rule)"
    )
    relay_poll_interval_s: float = Field(default=0.1, description="Idle poll of the outbox's unsent-rows index")
    relay_shards: int = Field(default=8, description="Outbox shards; each is relayed by one instance at a time")
    retry_backoff_max_s: float = Field(
        default=5.0, gt=0, description="Longest wait between two failed rounds of a consumer or the outbox relay"
    )
    db_statement_timeout_s: float = Field(
        default=30.0, gt=0, description="A statement running longer is cancelled and retried (platform rule)"
    )
    readiness_timeout_s: float = Field(
        default=2.0, gt=0, description="/readyz reports the database slow past this (platform rule)"
    )
    shutdown_timeout_s: float = 20.0
    shutdown_drain_s: float | None = Field(
        default=None,
        ge=0,
        description="After SIGTERM, /readyz answers 503 and requests are still served this long before the graceful "
        "shutdown, so a load balancer stops sending any first (platform rule; default 5 s in production, 0 locally)",
    )
    start_consumers: bool = True
    start_relay: bool = True
    idempotency_reservation_s: float = Field(
        default=60.0, gt=0, description="An Idempotency-Key left without an answer is free again after (platform rule)"
    )
    idempotency_max_keys_per_caller: int = Field(
        default=10_000,
        gt=0,
        description="Live Idempotency-Keys one caller may hold; past it a new key gets 429 (platform rule)",
    )
    retention_outbox_sent: timedelta = Field(
        default=timedelta(days=7), description="Sent outbox rows are purged after (platform rule; ISO 8601 or s)"
    )
    retention_inbox: timedelta = Field(
        default=timedelta(days=120), description="Inbox rows are purged after; never below the redelivery window"
    )
    retention_inbox_rejected: timedelta = Field(
        default=timedelta(days=30),
        description="Inbox rows of rejected records are purged after; never below the ingress topics' retention"
        " nor above retention_inbox (platform rule)",
    )
    retention_idempotency: timedelta = Field(
        default=timedelta(days=7), description="Idempotency-Key answers are forgotten after (platform rule)"
    )
    retention_batch_rows: int = Field(default=1000, gt=0, description="Rows one retention DELETE removes at most")
    retention_interval_s: float = Field(default=600.0, gt=0, description="Pause between two retention rounds")
    start_retention: bool = True

    @field_validator("retention_inbox")
    @classmethod
    def _inbox_outlives_redelivery(cls, value: timedelta) -> timedelta:
        if value < REDELIVERY_WINDOW:
            raise ValueError(f"inbox retention {value} is shorter than the redelivery window {REDELIVERY_WINDOW}")
        return value

    @model_validator(mode="after")
    def _rejected_rows_outlive_their_record(self) -> Self:
        if self.retention_inbox_rejected < REJECTED_REDELIVERY_WINDOW:
            raise ValueError(
                f"inbox retention of rejected records {self.retention_inbox_rejected} is shorter than the partner"
                f" ingress topics' retention {REJECTED_REDELIVERY_WINDOW}"
            )
        if self.retention_inbox_rejected > self.retention_inbox:
            raise ValueError("retention_inbox_rejected is longer than retention_inbox")
        return self

    @model_validator(mode="after")
    def _jwt_checks_complete_outside_local_mode(self) -> ServiceSettings:
        """A production service given JWT keys but no issuer or audience would take any token those keys signed
        (another application's, another realm's): refuse to start instead."""
        if self.deployment != "local" and (self.jwt_jwks_file or self.jwt_jwks_url):
            prefix = f"TDI_{self.service.upper()}_"
            missing = [f"{prefix}{n.upper()}" for n in ("jwt_issuer", "jwt_audience") if not getattr(self, n)]
            if missing:
                raise ValueError(
                    f"{' and '.join(missing)} must be set when JWT keys are configured (outside local mode: "
                    "TDI_DEPLOYMENT=local relaxes it for make run and tests)"
                )
        return self

    @model_validator(mode="before")
    @classmethod
    def _shared_fallbacks(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data.setdefault("kafka_bootstrap_servers", os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
            if not data.get("database_url"):
                data["database_url"] = os.environ.get("DATABASE_URL", "")
            if not data.get("db_schema"):
                data["db_schema"] = data.get("service", "")
            data.setdefault("log_level", os.environ.get("TDI_LOG_LEVEL", "INFO"))
            data.setdefault("deployment", os.environ.get("TDI_DEPLOYMENT", "production"))
        return data

    @classmethod
    def for_service(cls, service: str, **overrides: Any) -> ServiceSettings:
        """Settings of one service: env prefix `TDI_<SERVICE>_`, explicit overrides win."""
        prefixed = type(
            f"{service.title()}Settings",
            (cls,),
            {"model_config": SettingsConfigDict(env_prefix=f"TDI_{service.upper()}_", extra="ignore")},
        )
        return prefixed(service=service, **overrides)  # type: ignore[no-any-return]

    @property
    def drain_s(self) -> float:
        """The drain period: `shutdown_drain_s`, else 5 s in production and none on this machine (no balancer)."""
        if self.shutdown_drain_s is not None:
            return self.shutdown_drain_s
        return DEFAULT_DRAIN_S if self.deployment == "production" else 0.0

    def kafka_security(self) -> dict[str, Any]:
        """aiokafka options of the service's own principal (PLAINTEXT unless KAFKA_SECURITY_PROTOCOL says SASL or
        SSL; `KAFKA_SSL_CAFILE` names the CA of a TLS listener)."""
        from tdi_runtime.kafka import security_options

        return security_options(self.kafka_username, self.kafka_password)
