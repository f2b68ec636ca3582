"""Settings of the reporting service beyond the kit's: which topics it folds, as which group, how many live
streams it holds and how often a caller may call its expensive routes (env `TDI_REPORTING_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tdi_contracts.topics import DOMAIN_TOPICS, consumer_group


class ReportingOptions(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TDI_REPORTING_", extra="ignore")

    consumer_group: str = Field(default=consumer_group("reporting"), description="Consumer group (and inbox)")
    topic_prefix: str = Field(default="", description="Prefix of the domain topics read (tests use their own)")
    feed_max_streams: int = Field(default=1000, ge=1, description="Live streams one instance holds (then 503)")
    feed_max_streams_per_caller: int = Field(
        default=10, ge=1, description="Live streams of one caller (token subject) on one instance (then 429)"
    )
    feed_listener_keepalive_s: float = Field(
        default=30.0, gt=0, description="How often the LISTEN connection is checked (a SELECT 1 on it)"
    )
    rate_reads_per_minute: float = Field(default=300, gt=0, description="Figures and read models per caller")
    rate_reads_burst: int = Field(default=60, ge=1)
    rate_exports_per_minute: float = Field(default=30, gt=0, description="Exports per caller")
    rate_exports_burst: int = Field(default=10, ge=1)
    rate_feed_opens_per_minute: float = Field(default=60, gt=0, description="Live streams opened per caller")
    rate_feed_opens_burst: int = Field(default=20, ge=1)
    rate_tickets_per_minute: float = Field(default=120, gt=0, description="Tickets issued per caller")
    rate_tickets_burst: int = Field(default=40, ge=1)
    rebuild_batch_max: int = Field(default=5000, ge=1, description="Records folded per transaction in a rebuild")
    state_identity: bool = Field(
        default=False,
        description="The State's identity on the dashboard (bloc marque « République française », Marianne fonts,"
        " State favicon): only on a State site (.gouv.fr, after the SIG's agrément); off for local runs, demo, CI",
    )

    @property
    def topics(self) -> list[str]:
        """Every domain topic of the contracts: reporting folds every domain event it has a fold for."""
        return [self.topic_prefix + t.name for t in DOMAIN_TOPICS]
