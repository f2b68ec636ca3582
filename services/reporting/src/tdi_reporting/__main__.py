"""Entry point: `python -m tdi_reporting` serves the reporting service over HTTP."""

from tdi_reporting.app import SERVICE, create_app
from tdi_runtime.serve import serve
from tdi_runtime.settings import ServiceSettings

if __name__ == "__main__":
    serve(create_app, ServiceSettings.for_service(SERVICE))
