#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz with clang (-fsanitize=fuzzer,address,undefined)
# against the sources they test, seeds each with a few valid frames, and runs each for a
# bounded time. Usage: run.sh SOURCE_DIR WORK_DIR [SECONDS (default 30)].
# Exit 0: no crash; 1: a crash (the reproducer is kept in WORK_DIR); 77: skipped because
# clang or its fuzzer runtime is missing (install clang libclang-rt-14-dev).
set -euo pipefail
SRC="$1"
WORK="$2"
SECS="${3:-30}"
mkdir -p "$WORK"
CXX="${FUZZ_CXX:-$(command -v clang++ || command -v clang++-14 || true)}"
if [ -z "$CXX" ]; then
  echo "skip: clang++ not found (install clang libclang-rt-14-dev)"; exit 77
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' |
    "$CXX" -x c++ -fsanitize=fuzzer - -o "$WORK/probe" 2>"$WORK/probe.err"; then
  echo "skip: $CXX cannot link -fsanitize=fuzzer (install libclang-rt-14-dev): $(head -1 "$WORK/probe.err")"
  exit 77
fi

# target name → the project sources it links
declare -A SOURCES=(
  [frame_decoder_fuzz]="backends/refcluster/protocol.cc backends/refcluster/chunk_checksum.cc"
)
FLAGS=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I"$SRC")

# Seeds: a HELLO, a WRITE with a payload, a READ reply and a truncated frame, so the fuzzer
# starts past the magic and version checks.
mkdir -p "$WORK/corpus"
python3 - "$WORK/corpus" <<'PY'
import struct, sys, os
def frame(t, flags=0, rid=1, image=0, off=0, length=0, payload=b""):
    return struct.pack("<IBBHQIQII", 0x48424E46, 1, t, flags, rid, image, off, length,
                       len(payload)) + payload
seeds = {
    "hello": frame(1, payload=b"token"),
    "write": frame(4, flags=1, off=4096, length=8, payload=b"ABCDEFGH"),
    "read_reply": frame(3 | 0x80, length=4, payload=b"data"),
    "checksum": frame(10, off=0, length=65536),
    "truncated": frame(4, payload=b"0123456789")[:40],
}
for name, b in seeds.items():
    open(os.path.join(sys.argv[1], name), "wb").write(b)
PY

status=0
for target in "${!SOURCES[@]}"; do
  srcs=()
  for s in ${SOURCES[$target]}; do srcs+=("$SRC/$s"); done
  "$CXX" "${FLAGS[@]}" "$SRC/tests/fuzz/$target.cc" "${srcs[@]}" -o "$WORK/$target"
  corpus="$WORK/corpus-$target"
  mkdir -p "$corpus"
  cp -n "$WORK/corpus/"* "$corpus/" 2>/dev/null || true
  echo "fuzz: $target for ${SECS}s"
  if ! (cd "$WORK" && "./$target" -max_total_time="$SECS" -print_final_stats=1 -rss_limit_mb=1024 \
          "$corpus" >"$WORK/$target.log" 2>&1); then
    tail -40 "$WORK/$target.log"
    echo "FAIL: $target crashed; reproducer in $WORK (crash-*), rerun: $WORK/$target $WORK/crash-..."
    status=1
    continue
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$target.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$WORK/$target.log")
  cov=$(grep -o 'cov: [0-9]*' "$WORK/$target.log" | tail -1)
  echo "ok: $target: $execs runs in ${SECS}s ($rate exec/s), $cov, corpus $(ls "$corpus" | wc -l) inputs"
done
exit $status
