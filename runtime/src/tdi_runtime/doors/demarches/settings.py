"""Settings of the Démarches simplifiées door of one service: `TDI_<SERVICE>_DS_*` (pydantic-settings)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import AwareDatetime, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from tdi_runtime.settings import ConfigurationError

DOCUMENTED_ENDPOINT = "https://www.demarches-simplifiees.fr/api/v2/graphql"


class DemarchesSettings(BaseSettings):
    """Build with `DemarchesSettings.for_service("funding")` (env prefix `TDI_FUNDING_DS_`)."""

    model_config = SettingsConfigDict(extra="ignore")

    mapping_files: list[Path] = Field(
        default_factory=list,
        description="The settings file of each démarche the service reads (JSON list of paths); none: door off",
    )
    endpoint: str = Field(default=DOCUMENTED_ENDPOINT, description="The DS GraphQL API (the documented address)")
    token: SecretStr | None = Field(
        default=None, description="API token of an administrator of the démarches (secret; DS: Authorization Bearer)"
    )
    link_base: str = Field(
        default="https://www.demarches-simplifiees.fr",
        description="Where staff open a dossier: <link_base>/procedures/<démarche>/dossiers/<number>",
    )
    page_size: int = Field(default=100, ge=1, le=100, description="Dossiers per page (DS caps pages at 100)")
    max_requests_per_minute: int = Field(
        default=120,
        ge=1,
        le=400,
        description="Request budget of the door (platform rule: DS allows 400 a minute per token when it limits)",
    )
    max_retry_after_s: float = Field(
        default=120.0, gt=0, description="A 429's Retry-After is honoured up to this; longer: the round stops"
    )
    request_timeout_s: float = Field(default=30.0, gt=0, description="One HTTP request to DS")
    overlap: timedelta = Field(
        default=timedelta(minutes=5),
        ge=timedelta(0),
        description="Each poll reads again this much before the watermark (late commits on the DS side)",
    )
    start: AwareDatetime = Field(
        default=datetime(2023, 1, 1, tzinfo=UTC),
        description="The first poll reads the dossiers changed since (Temps II began in 2023)",
    )
    poll_interval_s: float = Field(default=300.0, gt=0, description="A poll round every this often per démarche")
    webhook_secret: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="The secret path segment of POST /ds/webhook/<secret> (unset: the webhook answers 404)",
    )
    webhook_debounce_s: float = Field(
        default=10.0, ge=0, description="At most one triggered poll per démarche in this time (platform rule)"
    )
    retry_backoff_max_s: float = Field(default=300.0, gt=0, description="Longest wait after failed rounds")

    @property
    def enabled(self) -> bool:
        return bool(self.mapping_files)

    def require_secrets(self, deployment: str) -> None:
        """A production door needs its token (`serve` prints this and exits 2)."""
        if self.enabled and self.token is None and deployment != "local":
            raise ConfigurationError("the Démarches simplifiées door needs its API token (…_DS_TOKEN)")

    @classmethod
    def for_service(cls, service: str, **overrides: object) -> DemarchesSettings:
        prefixed = type(
            f"{service.title()}DemarchesSettings",
            (cls,),
            {"model_config": SettingsConfigDict(env_prefix=f"TDI_{service.upper()}_DS_", extra="ignore")},
        )
        return prefixed(**overrides)  # type: ignore[no-any-return]
