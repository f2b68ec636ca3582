"""Entry point: `python -m tdi_territory` serves HTTP; `python -m tdi_territory load-open-data …` loads files."""

from tdi_territory.cli import cli

if __name__ == "__main__":
    cli(prog_name="python -m tdi_territory")
