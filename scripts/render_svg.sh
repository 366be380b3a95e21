#!/usr/bin/env bash
# scripts/render_svg.sh — renders an SVG (e.g. `threadlab trace --svg`) to a PNG with headless
# Chromium, at the size the SVG declares (width/height of its root element).
#
#   scripts/render_svg.sh IN.svg OUT.png [WIDTH HEIGHT]
#
# Needs Debian's chromium (`apt-get install -y chromium`). Chromium runs with a throwaway
# profile, no sandbox (it usually runs as root in containers), no GPU and no network traffic
# of its own; the profile is removed afterwards.
#
# Headless Chromium draws only the top (height - ~90) pixels of a window of the given height,
# so the window is made `pad` pixels taller and the PNG is cut back to the SVG's height (by a
# few lines of Python: PNG rows are filtered against the rows above only, so the first
# `height` rows of the image data stand alone).
set -euo pipefail

if [[ $# -ne 2 && $# -ne 4 ]]; then
  echo "usage: $0 IN.svg OUT.png [WIDTH HEIGHT]" >&2
  exit 2
fi
in=$1
out=$2
if [[ ! -r $in ]]; then
  echo "$0: cannot read '$in'" >&2
  exit 2
fi
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  echo "$0: chromium not found; install it with: apt-get install -y chromium" >&2
  exit 1
fi

# size_of(attribute) — the root <svg> element's width or height, in pixels.
size_of() {
  grep -o "<svg[^>]*" "$in" | head -n 1 | grep -o " $1=\"[0-9]*" | grep -o "[0-9]*$"
}
width=${3:-$(size_of width)}
height=${4:-$(size_of height)}
if [[ -z $width || -z $height ]]; then
  echo "$0: '$in' declares no width and height; pass WIDTH HEIGHT" >&2
  exit 2
fi

pad=120
# crop_png_height(file, height) — keeps the top height rows of a non-interlaced 8-bit PNG.
crop_png_height() {
  python3 - "$1" "$2" <<'PY'
import struct, sys, zlib
path, height = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
chunks, at = [], 8
while at < len(data):
    length, kind = struct.unpack(">I4s", data[at:at + 8])
    chunks.append((kind, data[at + 8:at + 8 + length]))
    at += 12 + length
header = chunks[0][1]
width, old_height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
if depth != 8 or interlace != 0 or height >= old_height:
    sys.exit(0)  # nothing to cut, or a PNG this helper does not handle: leave it
pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
pixels = pixels[:height * (1 + width * channels)]
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
out = data[:8] + chunk(b"IHDR", struct.pack(">II", width, height) + header[8:])
out += b"".join(chunk(k, b) for k, b in chunks[1:] if k not in (b"IDAT", b"IEND"))
out += chunk(b"IDAT", zlib.compress(pixels, 9)) + chunk(b"IEND", b"")
open(path, "wb").write(out)
PY
}

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
in_abs=$(cd "$(dirname "$in")" && pwd)/$(basename "$in")
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --screenshot="$out_abs" \
  --window-size="$width,$((height + pad))" "file://$in_abs" >/dev/null 2>&1 || true
if [[ ! -s $out_abs ]]; then
  echo "$0: chromium wrote no '$out'" >&2
  exit 1
fi
crop_png_height "$out_abs" "$height"
echo "$out: ${width}x${height}"
