"""Entry point: `python -m tdi_vte` (or `python -m tdi_vte serve`) serves the vte service over HTTP."""

from tdi_runtime.serve import service_cli
from tdi_vte.app import SERVICE, create_app

if __name__ == "__main__":
    service_cli(create_app, SERVICE)()
