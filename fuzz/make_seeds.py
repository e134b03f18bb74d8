#!/usr/bin/env python3
"""Builds fuzz/seeds/<target>/ from the small committed fixtures in tests/fixtures/media (run from the repo root).

Each seed is shaped for its target's input convention (see fuzz/fuzz_targets/*.rs):
- jpeg, png, gif, tiff: the file as it is (the target adds a header only when it is missing);
- webp: the file without its 12-byte RIFF/WEBP header (the target always adds one);
- isobmff: one brand-pick byte, then the file; the coded media in a movie's `mdat` is cut to 16
  bytes (the parsers never read it) to keep the seeds small;
- exif: the TIFF structure (APP1 Exif payload, PNG eXIf, WebP EXIF chunk, a whole .tif);
- xmp: the XMP packets of the JPEG, PNG and WebP fixtures.
"""
import glob, hashlib, os, shutil, struct, subprocess, sys

FIX = "tests/fixtures/media"
OUT = "fuzz/seeds"
MOVIE = (".mp4", ".mov", ".3gp")


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def jpeg_segments(d):
    i = 2
    while i + 4 <= len(d) and d[i] == 0xFF:
        m = d[i + 1]
        if m in (0xD9, 0xDA):
            break
        n = struct.unpack(">H", d[i + 2:i + 4])[0]
        yield m, d[i + 4:i + 2 + n]
        i += 2 + n


def png_chunks(d):
    i = 8
    while i + 8 <= len(d):
        n, t = struct.unpack(">I4s", d[i:i + 8])
        yield t, d[i + 8:i + 8 + n]
        i += 12 + n


def riff_chunks(d):
    i = 12
    while i + 8 <= len(d):
        t, n = struct.unpack("<4sI", d[i:i + 8])
        yield t, d[i + 8:i + 8 + n]
        i += 8 + n + (n & 1)


def shrink_mdat(d):
    out, i = b"", 0
    while i + 8 <= len(d):
        n, t = struct.unpack(">I4s", d[i:i + 8])
        if n < 8:
            return d
        if t == b"mdat" and n > 24:
            out += struct.pack(">I4s", 24, b"mdat") + d[i + 8:i + 24]
        else:
            out += d[i:i + n]
        i += n
    return out + d[i:]


def fixture_files(pattern):
    """Committed fixtures only, so that the seeds do not depend on someone's work in progress."""
    tracked = set(subprocess.run(["git", "ls-files", FIX], capture_output=True, text=True, check=True).stdout.split())
    return [f for f in sorted(glob.glob(pattern)) if f in tracked and not f.endswith(".sh")]


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    fixtures = fixture_files(FIX + "/*.*")
    exif, xmp = {}, {}
    for f in fixtures:
        name = os.path.basename(f)
        d = open(f, "rb").read()
        ext = os.path.splitext(f)[1]
        if ext == ".jpg":
            put("jpeg", name, d)
            for m, p in jpeg_segments(d):
                if m == 0xE1 and p.startswith(b"Exif\0\0"):
                    exif[name + ".tiff"] = p[6:]
                if m == 0xE1 and p.startswith(b"http://ns.adobe.com/xap/1.0/\0"):
                    xmp[name + ".xmp"] = p[29:]
        elif ext == ".png":
            put("png", name, d)
            for t, p in png_chunks(d):
                if t == b"eXIf":
                    exif[name + ".tiff"] = p
                if t == b"iTXt" and p.startswith(b"XML:com.adobe.xmp\0"):
                    k = p.index(b"\0", 18 + 2)          # past flags, method and the language tag
                    k = p.index(b"\0", k + 1)           # past the translated keyword
                    if p[18] == 0:                       # uncompressed only
                        xmp[name + ".xmp"] = p[k + 1:]
        elif ext == ".webp":
            put("webp", name, d[12:])
            for t, p in riff_chunks(d):
                if t == b"EXIF":
                    exif[name + ".tiff"] = p[6:] if p.startswith(b"Exif\0\0") else p
                if t == b"XMP ":
                    xmp[name + ".xmp"] = p
        elif ext == ".gif":
            put("gif", name, d)
        elif ext in (".tif", ".dng"):
            put("tiff", name, d)
            if ext == ".tif":
                exif[name] = d
    brands = {b"heic": 0, b"mif1": 1, b"avif": 2, b"isom": 3, b"qt  ": 4, b"3gp4": 5}
    for f in fixture_files(FIX + "/isobmff/*.*"):
        d = open(f, "rb").read()
        if f.endswith(MOVIE):
            d = shrink_mdat(d)
        pick = brands.get(d[8:12], 3)
        put("isobmff", os.path.basename(f), bytes([pick]) + d)
    seen = set()
    for target, files in (("exif", exif), ("xmp", xmp)):
        for name, data in sorted(files.items()):
            h = hashlib.sha1(data).digest()
            if data and (target, h) not in seen:
                seen.add((target, h))
                put(target, name, data)
    total = 0
    for d in sorted(os.listdir(OUT)):
        files = os.listdir(os.path.join(OUT, d))
        size = sum(os.path.getsize(os.path.join(OUT, d, x)) for x in files)
        total += size
        print(f"{d:8} {len(files):2} files {size:7} bytes")
    print(f"total    {total} bytes")


if __name__ == "__main__":
    sys.exit(main())
