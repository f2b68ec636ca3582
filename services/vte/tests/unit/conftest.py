"""Lets the vte unit tests import their builders (vte_builders) under pytest's importlib mode."""

import sys
from pathlib import Path

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)
