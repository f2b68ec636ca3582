"""tdi_actions: package root."""
