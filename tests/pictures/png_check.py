#!/usr/bin/env python3
"""Checks that a PNG screenshot is not blank: decodes it with zlib (standard library only) and
counts the non-white pixels and the distinct colours.
   png_check.py FILE.png [MIN_NONWHITE_SHARE] [MIN_COLOURS]"""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, width, height, ctype, depth = 8, b"", 0, 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if depth != 8 or ctype not in (2, 6):
        raise SystemExit(f"{path}: expected 8-bit RGB or RGBA, got depth {depth} type {ctype}")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    low = int.from_bytes(b"\x7f" * stride, "big")
    high = int.from_bytes(b"\x80" * stride, "big")
    for _ in range(height):
        f = raw[i]
        chunk = raw[i + 1:i + 1 + stride]
        i += 1 + stride
        if f == 0:
            line = bytearray(chunk)
        elif f == 2:
            # Up: bytewise (x + prior) mod 256 on the whole row at once (carry-free addition).
            a = int.from_bytes(chunk, "big")
            b = int.from_bytes(prev, "big")
            total = ((a & low) + (b & low)) ^ ((a ^ b) & high)
            line = bytearray(total.to_bytes(stride, "big"))
        else:
            line = bytearray(chunk)
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                if f == 1:
                    line[x] = (line[x] + a) & 255
                    continue
                b = prev[x]
                if f == 3:
                    line[x] = (line[x] + (a + b) // 2) & 255
                    continue
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    path = sys.argv[1]
    min_share = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    min_colours = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    width, height, bpp, rows = pixels(path)
    nonwhite = 0
    colours = set()
    white = b"\xff" * (width * bpp)
    for row in rows:
        if row == white:
            continue
        for x in range(0, width * bpp, bpp):
            px = row[x:x + 3]
            if px != b"\xff\xff\xff":
                nonwhite += 1
                colours.add(px)
    share = nonwhite / float(width * height)
    print(f"{path}: {width}x{height}, {share:.1%} non-white, {len(colours)} colours")
    if share < min_share or len(colours) < min_colours:
        print(f"FAIL: {path} looks blank (need >= {min_share:.1%} non-white and "
              f">= {min_colours} colours)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
