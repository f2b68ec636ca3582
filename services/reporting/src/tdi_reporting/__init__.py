"""tdi_reporting: package root."""
