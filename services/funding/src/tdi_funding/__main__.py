"""Entry point: `python -m tdi_funding` (or `python -m tdi_funding serve`) serves the funding service over HTTP."""

from tdi_funding.app import SERVICE, create_app
from tdi_runtime.serve import service_cli

if __name__ == "__main__":
    service_cli(create_app, SERVICE)()
