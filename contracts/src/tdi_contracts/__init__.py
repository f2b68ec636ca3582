"""tdi_contracts: package root."""
