"""Settings of the actions service beyond the kit's (env `TDI_ACTIONS_IMPORT_*`): limits of a bulk import.

Platform rules (the sources are silent): a file of at most 5 MiB and 5,000 rows per import.
"""

from pydantic_settings import BaseSettings, SettingsConfigDict


class ImportSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TDI_ACTIONS_IMPORT_", extra="ignore")

    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 5000
