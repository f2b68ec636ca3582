"""Writes the dashboard's `favicon.ico` from the shape of `favicon.svg` (made here, no external asset).

Run: `uv run --frozen python services/reporting/tools/make_favicon.py`. Pure Python: the factory silhouette is
rasterised at 16, 32 and 48 px (4×4 samples a pixel), each size a PNG inside the ICO; the output is deterministic
(a unit test checks the committed file is exactly what this writes).
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "tdi_reporting" / "static" / "favicon.ico"
BLUE, WHITE = (0x00, 0x00, 0x91), (0xFF, 0xFF, 0xFF)
FACTORY = [(5, 26), (5, 14), (11, 18), (11, 14), (17, 18), (17, 14), (23, 18), (23, 7), (27, 7), (27, 26)]
"""The white silhouette of favicon.svg (viewBox 32×32): a saw-tooth roof and a chimney."""
RADIUS = 6
SIZES = (16, 32, 48)


def _inside(x: float, y: float, polygon: list[tuple[int, int]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _in_rounded_square(x: float, y: float) -> bool:
    cx, cy = min(max(x, RADIUS), 32 - RADIUS), min(max(y, RADIUS), 32 - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS**2


def pixels(size: int) -> bytes:
    """RGBA rows (each with PNG's filter byte 0), anti-aliased by 4×4 samples a pixel."""
    scale, rows = 32 / size, bytearray()
    for py in range(size):
        rows.append(0)
        for px in range(size):
            samples = [((px + (i + 0.5) / 4) * scale, (py + (j + 0.5) / 4) * scale) for i in range(4) for j in range(4)]
            cover = [s for s in samples if _in_rounded_square(*s)]
            white = sum(_inside(x, y, FACTORY) for x, y in cover)
            if not cover:
                rows += bytes(4)
                continue
            rgb = [round((w * white + b * (len(cover) - white)) / len(cover)) for w, b in zip(WHITE, BLUE, strict=True)]
            rows += bytes([*rgb, round(255 * len(cover) / len(samples))])
    return bytes(rows)


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels(size), 9))
        + chunk(b"IEND", b"")
    )


def ico() -> bytes:
    """An ICO holding one PNG per size (every browser reads PNG-in-ICO)."""
    images = [png(size) for size in SIZES]
    offset, directory = 6 + 16 * len(images), b""
    for size, image in zip(SIZES, images, strict=True):
        directory += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(images)) + directory + b"".join(images)


if __name__ == "__main__":
    OUTPUT.write_bytes(ico())
    sys.stdout.write(f"{OUTPUT} written ({OUTPUT.stat().st_size} bytes)\n")
