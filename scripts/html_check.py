#!/usr/bin/env python3
"""scripts/html_check.py — the HTML report, end to end, in a real browser.

Runs a tiny real sweep (a few seconds: four workloads and the context-switch baseline on three
models at 1 and 2 workers), draws it with `threadlab report --html`, and opens the page in
headless Chromium twice:

  1. --dump-dom: the DOM Chromium built must hold a chart (id "chart-<workload>") for every
     workload of the results file, a scaling chart ("scaling-<workload>") for every workload
     measured at both points, and no <script> element;
  2. --screenshot at 1280 pixels wide: the PNG, decoded here (zlib and the five PNG filters),
     must not be blank: many colours, a fair share of pixels not white, and the first model's
     colour (kernel's: the palette's blue, #0072B2) drawn over a real area.

Usage: scripts/html_check.py --threadlab build/release/bench/threadlab [--keep DIR]
Exit status: 0 pass; 1 fail (each failure on a line); 77 skipped, when Chromium is not
installed (scripts/deps.sh --tests installs it).
"""
import argparse
import html.parser
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

WIDTH, HEIGHT = 1280, 2000
FIRST_MODEL_COLOUR = (0x00, 0x72, 0xB2)  # kernel's colour: model_palette[0] in bench/report/html.hpp


def browser():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(exe, profile, *args):
    """Runs headless Chromium with a throwaway profile, no sandbox (it usually runs as root in
    containers), no GPU and none of its own network traffic; returns its stdout."""
    command = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--hide-scrollbars",
               f"--user-data-dir={profile}", *args]
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          timeout=120, check=False)
    return done.stdout.decode("utf-8", "replace")


class Elements(html.parser.HTMLParser):
    """The ids and the tag names of a document."""

    def __init__(self):
        super().__init__()
        self.ids = set()
        self.tags = {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.add(value)


def html_id(prefix, name):
    """bench/report/html.hpp's html_id."""
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in name)
    return f"{prefix}-{plain}"


def png_pixels(path):
    """(width, height, channels, rows) of an 8-bit, non-interlaced PNG, each row unfiltered."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    at, idat, header = 8, [], None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        at += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or interlace != 0 or colour not in (0, 2, 4, 6):
        raise ValueError(f"a PNG this check does not decode (depth {depth}, colour {colour})")
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        if kind == 1:  # Sub
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + (left + previous[i]) // 2) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def check_png(path, failures):
    width, height, channels, rows = png_pixels(path)
    if width != WIDTH:
        failures.append(f"screenshot is {width} pixels wide, not {WIDTH}")
    colours, inked, first_model = set(), 0, 0
    for row in rows:
        for x in range(0, width * channels, channels):
            pixel = row[x:x + 3] if channels >= 3 else bytes([row[x]] * 3)
            colours.add(pixel)
            if pixel != b"\xff\xff\xff":
                inked += 1
            if tuple(pixel) == FIRST_MODEL_COLOUR:
                first_model += 1
    share = inked / (width * height)
    print(f"screenshot: {width}x{height}, {len(colours)} colours, {share:.1%} not white, "
          f"{first_model} pixels of the first model's colour")
    if len(colours) < 16:
        failures.append(f"screenshot looks blank: {len(colours)} colours")
    if share < 0.03:
        failures.append(f"screenshot looks blank: only {share:.1%} of it is not white")
    if first_model < 500:
        failures.append(f"the first model's bars are missing: {first_model} pixels of #0072B2")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threadlab", required=True, help="the threadlab program")
    parser.add_argument("--keep", help="a directory to leave the JSON, page and PNG in")
    args = parser.parse_args()

    exe = browser()
    if exe is None:
        print("skipped: chromium is not installed (scripts/deps.sh --tests installs it)")
        return 77

    work = args.keep or tempfile.mkdtemp(prefix="threadlab-html-")
    os.makedirs(work, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="threadlab-chromium-")
    try:
        results = os.path.join(work, "results.json")
        page = os.path.join(work, "report.html")
        shot = os.path.join(work, "report.png")
        subprocess.run([args.threadlab, "run", "--model", "green,hybrid,kernel",
                        "--workload", "yield,pingpong,spawn_join,memory,context_switch",
                        "--workers", "1,2", "--size", "200", "--repetitions", "3",
                        "--warmup", "0", "--format", "json", "--output", results],
                       check=True, timeout=240)
        subprocess.run([args.threadlab, "report", results, "--html", page], check=True,
                       timeout=60)
        records = json.load(open(results, encoding="utf-8"))["records"]

        failures = []
        elements = Elements()
        elements.feed(chromium(exe, profile, "--dump-dom", f"file://{page}"))
        workloads = {r["workload"] for r in records if r["model"] != "baseline"}
        swept = {r["workload"] for r in records
                 if r["model"] != "baseline" and r["status"] == "ok" and r["workers"] == 2}
        print(f"DOM: {len(elements.ids)} ids, {elements.tags.get('svg', 0)} svg elements, "
              f"workloads {sorted(workloads)}")
        if not workloads:
            failures.append("the results hold no workload")
        for w in sorted(workloads):
            if html_id("chart", w) not in elements.ids:
                failures.append(f"no chart for workload {w} ({html_id('chart', w)})")
        for w in sorted(swept):
            if html_id("scaling", w) not in elements.ids:
                failures.append(f"no scaling chart for workload {w} ({html_id('scaling', w)})")
        if elements.tags.get("script"):
            failures.append("the page holds a <script> element")
        if elements.tags.get("svg", 0) < len(workloads):
            failures.append(f"only {elements.tags.get('svg', 0)} svg elements")

        chromium(exe, profile, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}",
                 f"file://{page}")
        if not os.path.isfile(shot) or os.path.getsize(shot) == 0:
            failures.append("chromium wrote no screenshot")
        else:
            check_png(shot, failures)

        for f in failures:
            print(f"FAIL: {f}")
        return 1 if failures else 0
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
