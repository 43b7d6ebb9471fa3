#!/usr/bin/env bash
# report.html in a real browser: headless Chromium (no network) opens a run's report, a
# synthetic disconnect/reconnect report and the compare page without script errors, the
# screenshots show drawn charts, and an hour at 100 ms stays under 10 MB and opens in < 2 s.
source "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
  echo "skip: $CHROMIUM not installed (apt-get install chromium)"
  exit 0
fi

# chrome FLAG... URL: headless, no sandbox/GPU, nothing fetched in the background.
chrome() {
  local profile
  profile="$(mktemp -d "$WORK/chromium.XXXXXX")"
  timeout -k 5 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size=1400,1800 --enable-logging=stderr --v=0 "$@"
}

# check_page NAME FILE: DOM has the render marker and no script error; the console is clean.
check_page() {
  chrome --dump-dom "file://$2" >"$WORK/$1.dom" 2>"$WORK/$1.log" || fail "chromium --dump-dom $2"
  grep -q '<div id="render-ok"' "$WORK/$1.dom" || { tail -20 "$WORK/$1.log"; fail "$1: charts not drawn (no render-ok marker)"; }
  if grep -q '<li class="js-error">' "$WORK/$1.dom"; then
    grep -o '<li class="js-error">[^<]*' "$WORK/$1.dom" >&2
    fail "$1: script error on the page"
  fi
  if grep -E 'Uncaught|CONSOLE\(.*(rror|arning)' "$WORK/$1.log" >&2; then fail "$1: console errors"; fi
}

# check_drawn NAME FILE MIN_SERIES_PIXELS: the screenshot's chart area holds drawn lines
# (pixels in the first series' colour), not a blank page.
check_drawn() {
  chrome --screenshot="$WORK/$1.png" "file://$2" >/dev/null 2>"$WORK/$1.shot.log" || fail "chromium --screenshot $2"
  python3 - "$WORK/$1.png" "$1" "$3" <<'PY' || fail "$1: screenshot blank"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n = struct.unpack(">I", data[pos:pos + 4])[0]
    kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
    pos += 12 + n
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
assert depth == 8 and ctype in (2, 6), "unexpected PNG format"
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, rows, p = bytearray(stride), [], 0
for _ in range(h):  # undo the PNG row filters
    f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride]); p += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
# Chart area: below the header tables, right of the axis labels.
y0, y1, x0, x1 = min(500, h // 3), h, 100, min(w, 1350)
total = nonwhite = series = 0
for y in range(y0, y1, 2):
    row = rows[y]
    for x in range(x0, x1, 2):
        r, g, b = row[x * bpp], row[x * bpp + 1], row[x * bpp + 2]
        total += 1
        if r < 235 or g < 235 or b < 235: nonwhite += 1
        # Okabe-Ito blue (read / p99 / first run): a drawn series, not a background.
        if abs(r - 0) < 40 and abs(g - 114) < 40 and abs(b - 178) < 40: series += 1
print(f"{sys.argv[2]}: {w}x{h}, {100.0 * nonwhite / total:.1f}% non-white, {series} series pixels")
sys.exit(0 if nonwhite > total * 0.01 and series >= int(sys.argv[3]) else 1)
PY
}

expect_exit 0 "$HB" run --set run.name=chromium --set backend.kind=null --set run.duration=2s \
  --set run.interval=100ms --out "$WORK/run" -q
check_page run "$WORK/run/report.html"
check_drawn run "$WORK/run/report.html" 200
pass "a run's report.html renders"

python3 "$SRC/tests/integration/synthetic_results.py" "$WORK/syn.json" 60 0.1
expect_exit 0 "$HB" report "$WORK/syn.json" --html "$WORK/syn.html" -q
check_page syn "$WORK/syn.html"
check_drawn syn "$WORK/syn.html" 500
# HEALBENCH_SCREENSHOT_DIR=DIR keeps the screenshots for a person to look at.
if [ -n "${HEALBENCH_SCREENSHOT_DIR:-}" ]; then cp "$WORK"/*.png "$HEALBENCH_SCREENSHOT_DIR"/; fi
pass "faults, stalls, sync and phases render"

expect_exit 0 "$HB" compare "$WORK/run" "$WORK/syn.json" --html "$WORK/cmp.html"
check_page cmp "$WORK/cmp.html"
check_drawn cmp "$WORK/cmp.html" 40
pass "compare page renders"

# An hour at 100 ms: 36,000 rows.
python3 "$SRC/tests/integration/synthetic_results.py" "$WORK/hour.json" 3600 0.1
expect_exit 0 "$HB" report "$WORK/hour.json" --html "$WORK/hour.html" -q
size=$(stat -c %s "$WORK/hour.html")
[ "$size" -lt 10000000 ] || fail "1-hour report is $size bytes, limit 10 MB"
start=$(date +%s%N)
check_page hour "$WORK/hour.html"
wall_ms=$((($(date +%s%N) - start) / 1000000))
page_ms=$(grep -o 'data-page-ms="[0-9]*"' "$WORK/hour.dom" | grep -o '[0-9]*')
[ "$page_ms" -lt 2000 ] || fail "1-hour report took $page_ms ms to load and draw, limit 2000"
echo "1-hour report: $size bytes, loaded and drawn in $page_ms ms (browser start to DOM dump: $wall_ms ms)"
pass "1-hour report under 10 MB and 2 s"
