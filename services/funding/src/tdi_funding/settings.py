"""The funding service's platform rules that are settings (env `TDI_FUNDING_*`): where the sources are silent."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class FundingRules(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TDI_FUNDING_", extra="ignore")

    national_decides_fonds_vert: bool = Field(
        default=True,
        description="Platform rule: national staff may decide a Fonds vert dossier of any region, besides the"
        " regional prefecture of the dossier's region (the sources name the prefectures only, P:547)",
    )
    filing_without_ceiling: bool = Field(
        default=True,
        description="Platform rule: dossiers may be filed on an envelope whose ceiling is not published yet (they"
        " are committed only once staff set it: ENVELOPE_CEILING_NOT_SET meanwhile)",
    )
