"""tdi_territory: package root."""
