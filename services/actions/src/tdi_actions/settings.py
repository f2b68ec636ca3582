"""Settings of the actions service beyond the kit's (env `TDI_ACTIONS_IMPORT_*`): limits of a bulk import.

Platform rules (the sources are silent): a file of at most 5 MiB and 5,000 rows per import; at most 64
columns read; an XLSX unpacking to at most 50 MiB; the file read in a child process that may take at most
60 s and 512 MiB of memory (a full 5,000-row workbook takes under 100 MiB) (`importing.bounded`).
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tdi_actions.importing.spreadsheet import MAX_COLUMNS, MAX_UNCOMPRESSED_BYTES


class ImportSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TDI_ACTIONS_IMPORT_", extra="ignore")

    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 5000
    max_columns: int = Field(default=MAX_COLUMNS, gt=0, description="Columns read; a value beyond refuses the file")
    max_uncompressed_bytes: int = Field(default=MAX_UNCOMPRESSED_BYTES, gt=0, description="An XLSX's parts, unpacked")
    parse_timeout_s: float = Field(default=60.0, ge=0, description="The child process reading a file is killed after")
    parse_memory_bytes: int = Field(
        default=512 * 1024 * 1024, gt=0, description="What that child may allocate beyond its start"
    )
