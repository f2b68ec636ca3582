"""Settings of the open data (env `TDI_REPORTING_OPEN_DATA_*`). Platform rules, the sources being silent: the rate
a public caller gets, how long answers may be cached, who is named as the producer."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OpenDataOptions(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TDI_REPORTING_OPEN_DATA_", extra="ignore")

    rate_per_minute: float = Field(default=120, gt=0, description="Requests a minute per client address (then 429)")
    rate_burst: int = Field(
        default=60, ge=1, description="Requests at once per client address: every file of the Data Package"
    )
    max_age_s: int = Field(default=300, ge=0, description="Cache-Control max-age of the files (then revalidate)")
    bodies_kept: int = Field(default=64, ge=1, description="Files kept built, per process")
    bodies_ttl_s: float = Field(default=60, gt=0, description="How long a built file is served without rebuilding")
    producer: str = Field(
        default="Agence nationale de la cohésion des territoires (ANCT)",
        min_length=1,
        description="The producer named in the Table Schemas and the Data Package",
    )
    homepage: str | None = Field(default=None, description="Where the data is presented (e.g. its data.gouv.fr page)")
