"""Entry point: `python -m tdi_actions` serves the actions service over HTTP."""

from tdi_actions.app import SERVICE, create_app
from tdi_runtime.serve import serve
from tdi_runtime.settings import ServiceSettings

if __name__ == "__main__":
    serve(create_app, ServiceSettings.for_service(SERVICE))
