"""Entry point: `python -m tdi_reporting` serves HTTP; `python -m tdi_reporting rebuild` replays the topics."""

from tdi_reporting.cli import cli

if __name__ == "__main__":
    cli(prog_name="python -m tdi_reporting")
