#!/usr/bin/env python3
"""scripts/soak_plot.py SAMPLES.csv OUT.svg — a soak run's RSS, open descriptors and mapped
regions over time, as one self-contained SVG of three small panels.

Reads the samples scripts/soak.sh writes (seconds, rss_kib, fds, maps, ...) and draws each
series against time, with what the growth rule (scripts/soak_report.py) looks at: the warm-up
shaded grey, and the medians of the second and last thirds as two short horizontal bars (blue:
second third, orange: last third; a leak shows as an orange bar above the blue one). Written by
hand, with Python's standard library only: no plotting package is needed.
"""

import math
import statistics
import sys
from xml.sax.saxutils import escape

import soak_report

WIDTH = 760
PANEL_HEIGHT = 170
TOP = 44
LEFT = 78
RIGHT = 24
GAP = 26  # between panels, for the time axis labels
BLUE = "#0072B2"  # Okabe–Ito, as in the HTML report
ORANGE = "#E69F00"
LINE = "#333333"

PANELS = (  # column, title, scale to the unit shown
    ("rss_kib", "RSS (MiB)", 1 / 1024),
    ("fds", "open descriptors", 1),
    ("maps", "mapped regions (lines of /proc/PID/maps)", 1),
)


def nice_step(span, ticks=4):
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` intervals over span."""
    if span <= 0:
        return 1
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def label(value):
    return f"{value:g}" if abs(value) < 1e5 else f"{value:.3g}"


def panel(rows, column, title, scale, top, time_unit, time_scale, t_max, windows):
    """The SVG of one panel, its plot area starting at y = top."""
    inner_w = WIDTH - LEFT - RIGHT
    h = PANEL_HEIGHT - 40
    values = [r[column] * scale for r in rows]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    step = nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    x = lambda t: LEFT + inner_w * (t / t_max if t_max > 0 else 0)  # noqa: E731
    y = lambda v: top + h - h * (v - lo) / (hi - lo)  # noqa: E731
    out = [f'<text x="{LEFT}" y="{top - 8}" class="title">{escape(title)}</text>']
    warm, _, b, c = windows
    if warm:
        wx = x(warm[-1]["seconds"])
        out.append(f'<rect x="{LEFT}" y="{top}" width="{wx - LEFT:.1f}" height="{h}" '
                   f'fill="#eeeeee"/>')
        out.append(f'<text x="{LEFT + 4}" y="{top + 12}" class="note">warm-up</text>')
    # Value axis: gridlines and labels.
    v = lo
    while v <= hi + step / 2:
        yy = y(v)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
                   f'class="grid"/>')
        out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" class="tick" '
                   f'text-anchor="end">{label(v)}</text>')
        v += step
    # Time axis: ticks and labels.
    t_step = nice_step(t_max / time_scale, 6)
    t = 0.0
    while t <= t_max / time_scale + t_step / 2:
        xx = x(t * time_scale)
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{top + h}" y2="{top + h + 4}" '
                   f'stroke="{LINE}"/>')
        out.append(f'<text x="{xx:.1f}" y="{top + h + 16}" class="tick" '
                   f'text-anchor="middle">{label(t)}</text>')
        t += t_step
    out.append(f'<text x="{WIDTH - RIGHT}" y="{top + h + 30}" class="tick" '
               f'text-anchor="end">time ({time_unit})</text>')
    out.append(f'<rect x="{LEFT}" y="{top}" width="{inner_w}" height="{h}" fill="none" '
               f'stroke="{LINE}"/>')
    points = " ".join(f"{x(r['seconds']):.1f},{y(val):.1f}" for r, val in zip(rows, values))
    out.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="1"/>')
    for part, colour in ((b, BLUE), (c, ORANGE)):
        if part:
            med = statistics.median(r[column] * scale for r in part)
            out.append(f'<line x1="{x(part[0]["seconds"]):.1f}" x2="{x(part[-1]["seconds"]):.1f}" '
                       f'y1="{y(med):.1f}" y2="{y(med):.1f}" stroke="{colour}" stroke-width="3"/>')
    return "\n".join(out)


def render(rows):
    t_max = rows[-1]["seconds"] if rows else 0
    time_unit, time_scale = ("minutes", 60) if t_max >= 180 else ("seconds", 1)
    windows = soak_report.windows(rows)
    height = TOP + 22 + len(PANELS) * (PANEL_HEIGHT + GAP) - GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Arial, sans-serif">',
        "<style>.title{font-size:13px;font-weight:bold;fill:#222}"
        ".tick{font-size:11px;fill:#333}.note{font-size:11px;fill:#666}"
        f".grid{{stroke:#dddddd;stroke-width:1}}</style>",
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        f'<text x="{LEFT}" y="18" class="title" font-size="15">Soak: the process, sampled once '
        f'a second ({len(rows):,} samples)</text>',
        f'<text x="{LEFT}" y="34" class="note">grey: warm-up; bars: median of the second third '
        f'(blue) and of the last third (orange), the two the growth rule compares</text>',
    ]
    if not rows:
        parts.append(f'<text x="{LEFT}" y="{TOP + 20}" class="tick">no samples</text>')
    for i, (column, title, scale) in enumerate(PANELS):
        if rows:
            top = TOP + 22 + i * (PANEL_HEIGHT + GAP)
            parts.append(panel(rows, column, title, scale, top, time_unit, time_scale, t_max,
                               windows))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: scripts/soak_plot.py SAMPLES.csv OUT.svg")
    rows = soak_report.load_samples(sys.argv[1])
    with open(sys.argv[2], "w") as f:
        f.write(render(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
