"""`python -m tdi_partner` is the `tdi-partner` command."""

from tdi_partner.cli import app

if __name__ == "__main__":
    app()
