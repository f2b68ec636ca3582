"""Settings of the partners' HTTP door of one service: `TDI_<SERVICE>_PARTNER_*` (pydantic-settings)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tdi_contracts.reference import Partner


class PartnerDoorSettings(BaseSettings):
    """Build with `PartnerDoorSettings.for_service("vte")` (env prefix `TDI_VTE_PARTNER_`)."""

    model_config = SettingsConfigDict(extra="ignore")

    tokens: dict[str, Partner] = Field(
        default_factory=dict,
        description=(
            "Per-partner static tokens: the SHA-256 (hex) of each token -> the partner slug (JSON object); the token"
            " itself is never configured, only its digest"
        ),
    )
    jwt_claim: str = Field(
        default="tdi_partner",
        min_length=1,
        description="The claim of an OIDC client-credentials JWT (verified as staff tokens are) naming the partner",
    )
    max_batch_events: int = Field(
        default=100, ge=1, le=1000, description="Events in one batch request at most (platform rule)"
    )

    @classmethod
    def for_service(cls, service: str, **overrides: object) -> PartnerDoorSettings:
        prefixed = type(
            f"{service.title()}PartnerDoorSettings",
            (cls,),
            {"model_config": SettingsConfigDict(env_prefix=f"TDI_{service.upper()}_PARTNER_", extra="ignore")},
        )
        return prefixed(**overrides)  # type: ignore[no-any-return]
