"""Entry point: `python -m tdi_vte` serves the vte service over HTTP."""

from tdi_runtime.serve import serve
from tdi_runtime.settings import ServiceSettings
from tdi_vte.app import SERVICE, create_app

if __name__ == "__main__":
    serve(create_app, ServiceSettings.for_service(SERVICE))
