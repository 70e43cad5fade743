#!/usr/bin/env bash
# Build the example quarterly report, render it in headless Chromium, and check the screenshot.
#
#   scripts/render-report.sh [OUTPUT_DIR]    default: examples (writes report.html, report.md, report.png)
#
# Checks: the page renders to a PNG that is not blank (many distinct colours, most rows not empty),
# and the rendered DOM holds the six sections and at least six charts. Needs Debian's chromium
# (apt-get install -y chromium); exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-examples}"
mkdir -p "$out"
formula="revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails + season(period, 'quarter')"
common=(--history examples/data/sales_history.csv --horizon 2026-Q4 --formula "$formula"
        --quota examples/data/quotas.csv --scenarios examples/scenarios.json
        --funnel meetings,demos,proposals,deals_won --cluster rep)
swift run -q salesforecast report "${common[@]}" --output "$out/report.html"
swift run -q salesforecast report "${common[@]}" --markdown --output "$out/report.md"
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "render-report: chromium is not installed (apt-get install -y chromium)"; exit 1; }
page="file://$(cd "$out" && pwd)/report.html"
"$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,5200 \
  --screenshot="$out/report.png" "$page" >/dev/null 2>&1
"$browser" --headless=new --no-sandbox --disable-gpu --dump-dom "$page" 2>/dev/null > "$out/.report-dom.html"
python3 - "$out/report.png" "$out/.report-dom.html" <<'PY'
import struct, sys, zlib
png, dom = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
data = open(png, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, chunks = 8, {}
width = height = None; idat = b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + length]; pos += 12 + length
    if kind == b"IHDR": width, height, depth, color = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT": idat += body
raw = zlib.decompress(idat); bpp = 4 if color == 6 else 3; stride = width * bpp
rows, prev, colours, inked = [], bytearray(stride), set(), 0
for y in range(height):
    f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 4 == 0:
        pixels = {bytes(line[i:i + 3]) for i in range(0, stride, bpp * 4)}
        colours |= pixels
        if len(pixels) > 1: inked += 1
inked_share = inked / (height / 4)
charts = dom.count("<svg"); sections = [s for s in ("forecast", "quota", "drivers", "reps", "backtest", "scenarios") if f'id="{s}"' in dom]
print(f"render-report: {width}x{height} screenshot, {len(colours)} colours, {inked_share:.0%} of rows drawn, {charts} charts, sections {sections}")
assert len(colours) > 50, "the screenshot is blank"
assert inked_share > 0.5, "most of the screenshot is empty"
assert charts >= 6, f"expected at least 6 charts, found {charts}"
assert len(sections) == 6, f"missing sections: {sections}"
PY
rm -f "$out/.report-dom.html"
echo "render-report: ok ($out/report.html, $out/report.md, $out/report.png)"
