"""Entry point: `python -m tdi_territory` serves the territory service over HTTP."""

from tdi_runtime.serve import serve
from tdi_runtime.settings import ServiceSettings

from tdi_territory.app import SERVICE, create_app

if __name__ == "__main__":
    serve(create_app, ServiceSettings.for_service(SERVICE))
