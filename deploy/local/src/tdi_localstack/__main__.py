"""Entry point of `python -m tdi_localstack`."""

from tdi_localstack.cli import app

app()
