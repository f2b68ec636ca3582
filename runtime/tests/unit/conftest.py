"""Lets the kit's unit tests import their helper modules (memory_db) under pytest's importlib mode."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
