"""Settings of the reporting service beyond the kit's: which topics it folds, as which group, how often the
live feed looks for changes (env `TDI_REPORTING_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tdi_contracts.topics import DOMAIN_TOPICS, consumer_group


class ReportingOptions(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TDI_REPORTING_", extra="ignore")

    consumer_group: str = Field(default=consumer_group("reporting"), description="Consumer group (and inbox)")
    topic_prefix: str = Field(default="", description="Prefix of the domain topics read (tests use their own)")
    feed_poll_interval_s: float = Field(default=1.0, gt=0, description="How often the live feed looks for changes")
    rebuild_batch_max: int = Field(default=5000, ge=1, description="Records folded per transaction in a rebuild")

    @property
    def topics(self) -> list[str]:
        """Every domain topic of the contracts: reporting folds every domain event it has a fold for."""
        return [self.topic_prefix + t.name for t in DOMAIN_TOPICS]
