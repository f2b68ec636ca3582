"""tdi_vte: package root."""
