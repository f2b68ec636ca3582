"""tdi_bench: package root."""
