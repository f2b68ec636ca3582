"""Entry point: `python -m tdi_actions` serves HTTP; `… import FILE` imports a plan; `… demo` loads the demo."""

from tdi_actions.cli import cli

if __name__ == "__main__":
    cli(prog_name="python -m tdi_actions")
