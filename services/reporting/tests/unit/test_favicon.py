"""The dashboard's icon is made here, from the shape of favicon.svg: the committed ICO is what the tool writes."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

TOOL = Path(__file__).parents[2] / "tools" / "make_favicon.py"


def _tool():
    spec = importlib.util.spec_from_file_location("make_favicon", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_favicon_is_exactly_what_the_tool_writes_one_png_per_size():
    tool = _tool()
    committed = tool.OUTPUT.read_bytes()
    assert committed == tool.ico()
    reserved, kind, count = struct.unpack("<HHH", committed[:6])
    assert (reserved, kind, count) == (0, 1, 3)
    sizes = [committed[6 + 16 * i] for i in range(count)]
    assert sizes == [16, 32, 48]
    assert committed.count(b"\x89PNG\r\n\x1a\n") == 3
