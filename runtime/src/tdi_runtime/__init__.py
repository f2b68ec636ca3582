"""tdi_runtime: package root."""
