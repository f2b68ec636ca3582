"""tdi_funding: package root."""
