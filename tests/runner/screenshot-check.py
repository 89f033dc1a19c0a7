#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""screenshot-check: reads the text back off a screenshot of setbit's screen console.

    screenshot-check.py decode SHOT.ppm            print the text on screen
    screenshot-check.py check SHOT.ppm TEXT...     exit 1 unless every TEXT is on screen
    screenshot-check.py png SHOT.ppm OUT.png       convert (QEMU's screendump writes PPM)

The console draws kernel/console/font8x16.txt glyphs on an 8x16 grid from the
top left, in two colours per cell. Decoding matches every cell's pixels
exactly against the same font data, so a cell reads as a character only if
it was drawn pixel for pixel right: one wrong pixel reads as U+FFFD.
"""

import os
import struct
import sys
import zlib

sys.dont_write_bytecode = True     # no __pycache__ in tools/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import mkfont  # noqa: E402  (tools/mkfont.py: the font the console draws)

UNKNOWN = "\ufffd"


def read_ppm(path):
    """Returns (width, height, rgb bytes) of a binary (P6, maxval 255) PPM."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:              # magic, width, height, maxval; '#' comments
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not a binary 8-bit PPM")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + w * h * 3]
    if len(pixels) != w * h * 3:
        raise ValueError(f"{path}: truncated")
    return w, h, pixels


def write_png(path, w, h, pixels):
    """An 8-bit RGB PNG, no filters: what zlib and struct can do alone."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    rows = b"".join(b"\0" + pixels[y * w * 3:(y + 1) * w * 3] for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(rows, 9)))
        f.write(chunk(b"IEND", b""))


def glyph_table():
    """{16 row bytes: character}; a blank cell reads as a space."""
    return {tuple(rows): chr(code) for code, rows in mkfont.load().items()}


def decode_cell(w, pixels, x0, y0, table):
    colours = {}
    for y in range(16):
        off = ((y0 + y) * w + x0) * 3
        for x in range(8):
            colours.setdefault(pixels[off + 3 * x:off + 3 * x + 3], []).append((y, x))
    if len(colours) == 1:
        return " "
    if len(colours) > 2:
        return UNKNOWN
    # Either colour may be the foreground: the cursor cell is inverted.
    for fg in sorted(colours, key=lambda c: len(colours[c])):
        rows = [0] * 16
        for y, x in colours[fg]:
            rows[y] |= 0x80 >> x
        if tuple(rows) in table:
            return table[tuple(rows)]
    return UNKNOWN


def decode(path):
    """The screen as a list of text rows, trailing blanks cut."""
    w, h, pixels = read_ppm(path)
    table = glyph_table()
    return ["".join(decode_cell(w, pixels, c * 8, r * 16, table)
                    for c in range(w // 8)).rstrip()
            for r in range(h // 16)]


def main(argv):
    if len(argv) >= 3 and argv[1] == "decode":
        print("\n".join(decode(argv[2])))
        return 0
    if len(argv) >= 3 and argv[1] == "check":
        screen = "\n".join(decode(argv[2]))
        missing = [t for t in argv[3:] if t not in screen]
        for t in missing:
            print(f"screenshot-check: not on screen: {t!r}", file=sys.stderr)
        return 1 if missing else 0
    if len(argv) == 4 and argv[1] == "png":
        write_png(argv[3], *read_ppm(argv[2]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
