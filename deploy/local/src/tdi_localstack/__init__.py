"""tdi_localstack: package root."""
