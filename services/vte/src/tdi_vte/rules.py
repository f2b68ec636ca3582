"""The VTE rules the sources do not state, as settings (`TDI_VTE_*`). Each is a PLATFORM rule, see the README."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from tdi_contracts.events.vte import VteContractType, VteEarlyEndRule, VteFunder
from tdi_runtime.settings import ConfigurationError

DEV_PSEUDONYM_KEY = "tdi-vte-development-key-not-for-production"
"""The key of local stacks and tests only: refused outside local mode (`TDI_DEPLOYMENT`)."""
MIN_PSEUDONYM_KEY_LENGTH = 32
"""PLATFORM RULE: outside local mode the HMAC-SHA256 key has at least 32 characters (RFC 2104: a key shorter than
the hash's 32-byte output weakens it; e.g. `openssl rand -base64 32` gives 44)."""


class VteRules(BaseSettings):
    """Platform rules of the VTE aid; defaults are the platform's choices, overridable per deployment."""

    model_config = SettingsConfigDict(env_prefix="TDI_VTE_", extra="ignore", frozen=True)

    pseudonym_key: SecretStr = Field(
        default=SecretStr(DEV_PSEUDONYM_KEY),
        description="Secret key of the HMAC-SHA256 pseudonym of a candidate (set one per deployment)",
    )
    eligible_contract_types: frozenset[VteContractType] = Field(
        default=frozenset(
            {
                VteContractType.CDI,
                VteContractType.CDD,
                VteContractType.APPRENTISSAGE,
                VteContractType.PROFESSIONNALISATION,
            }
        ),
        description="Contract types that open the aid (a stage does not, by default)",
    )
    min_contract_months: int = Field(default=12, ge=1, le=60, description="Shortest fixed-term contract aided")
    max_request_delay_days: int = Field(
        default=180, ge=0, le=3650, description="The aid is asked at most this many days after the mission starts"
    )
    early_end_rule: VteEarlyEndRule = Field(default=VteEarlyEndRule.PRO_RATA, description="keep, pro-rata, clawback")
    permanent_contract_reference_months: int = Field(
        default=12, ge=1, le=60, description="Planned length of a CDI for the pro rata of an early end"
    )
    state_share_basis_points: int = Field(
        default=5000, ge=0, le=10_000, description="State's share of the base aid (rest: Banque des Territoires)"
    )
    green_funder: VteFunder = Field(default=VteFunder.ETAT, description="Who funds the « VTE vert » top-up")


def check_pseudonym_key(rules: VteRules, deployment: str) -> None:
    """Refuse (ConfigurationError) a key the candidates' pseudonyms must not be made with: an empty one anywhere;
    outside local mode the development key or a key shorter than MIN_PSEUDONYM_KEY_LENGTH (issue 22 #13)."""
    key = rules.pseudonym_key.get_secret_value()
    if not key.strip():
        raise ConfigurationError("TDI_VTE_PSEUDONYM_KEY is empty: set the secret key of the candidates' pseudonyms.")
    if deployment == "local":
        return
    if key == DEV_PSEUDONYM_KEY:
        raise ConfigurationError(
            "TDI_VTE_PSEUDONYM_KEY is the development key, which is public: set a secret key of this deployment"
            " (TDI_DEPLOYMENT=local allows it on a local stack only)."
        )
    if len(key) < MIN_PSEUDONYM_KEY_LENGTH:
        raise ConfigurationError(
            f"TDI_VTE_PSEUDONYM_KEY has {len(key)} characters: a secret key has at least {MIN_PSEUDONYM_KEY_LENGTH}."
        )
