"""Entry point: `python -m tdi_funding` serves the funding service over HTTP."""

from tdi_funding.app import SERVICE, create_app
from tdi_runtime.serve import serve
from tdi_runtime.settings import ServiceSettings

if __name__ == "__main__":
    serve(create_app, ServiceSettings.for_service(SERVICE))
